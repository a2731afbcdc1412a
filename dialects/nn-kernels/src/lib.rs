//! Reference kernels for the `nn` dialect: one plain, obviously correct host implementation per op.
//!
//! These kernels are the oracle every compiled backend is checked against and the engine of constant
//! folding. They favour clarity over speed: floating-point ops compute in `f64` and round once to the
//! result type, integer ops compute in `i64` and wrap to the result type. Semantics follow the ONNX
//! operator specification unless a kernel's doc says otherwise. This crate knows nothing of the IR.

pub mod binary;
pub mod conv;
pub mod epilogue;
pub mod fused;
pub mod indexing;
pub mod matmul;
pub mod misc;
pub mod movement;
pub mod normalize;
pub mod pool;
pub mod reduce;
pub mod resize;
pub mod shape;
mod support;
pub mod tensor;
#[cfg(test)]
pub(crate) mod testutil;
pub mod unary;

pub use tensor::{DType, Data, Tensor};

/// An error from a kernel: bad shapes, unsupported element types, or out-of-range attributes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct KernelError(pub String);

/// Result alias for kernels.
pub type Result<T> = std::result::Result<T, KernelError>;

/// Returns early with a [`KernelError`] built from a format string.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err($crate::KernelError(format!($($arg)*))) };
}
