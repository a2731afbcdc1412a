//! Kernel-level dialects: buffers, loops and scalar arithmetic between `nn` and machine code.
//!
//! - [`arith`]: scalar constants, arithmetic, comparisons, `select`, casts (MLIR's `arith`).
//! - [`math`]: transcendental and rounding functions (MLIR's `math`).
//! - [`scf`]: `for`, `if`, `yield` (MLIR's `scf`).
//! - [`memref`]: `load`, `store`, `alloc` on statically shaped buffers (MLIR's `memref`).
//! - [`kernel`]: the program around kernels: weights, views and launches; [`gemm`]: `kernel.gemm`, a call
//!   of the runtime's GEMM engine; [`depthwise`]: `kernel.depthwise_conv`, of its depthwise convolution;
//!   [`winograd`]: `kernel.winograd_conv`, of its Winograd convolution; [`col2im`]: `kernel.col2im`, of a
//!   transposed convolution's col2im; [`resize`]: `kernel.resize`, of its 2-D resize.
//!
//! [`KernelBuilder`] writes this IR from Rust; [`interp`] executes it, as the oracle that the
//! lowering and the code generators are checked against.

pub mod arith;
pub mod build;
pub mod col2im;
pub mod depthwise;
pub mod gemm;
pub mod interp;
pub mod kernel;
pub mod math;
pub mod memref;
pub mod resize;
mod routine;
pub mod scf;
pub mod winograd;

pub use build::{BinOp, Cmp, KernelBuilder, KernelFunc, build_kernel, is_unsigned};

use msc_ir::{Dialect, Registry};

/// Registers `arith`, `math`, `scf`, `memref` and `kernel`.
pub fn register(registry: &mut Registry) -> Result<(), String> {
    type Ops = fn() -> Vec<&'static msc_ir::OpDef>;
    let dialects: [(&str, &str, Ops); 5] = [
        ("arith", "scalar arithmetic, comparisons and casts", arith::ops),
        ("math", "transcendental and rounding functions on float scalars", math::ops),
        ("scf", "structured control flow: counted loops and conditionals", scf::ops),
        ("memref", "loads, stores and allocation of statically shaped buffers", memref::ops),
        ("kernel", "weights, buffer views, kernel launches and runtime routine calls of a lowered program", || {
            kernel::ops()
                .into_iter()
                .chain(gemm::ops())
                .chain(depthwise::ops())
                .chain(winograd::ops())
                .chain(col2im::ops())
                .chain(resize::ops())
                .collect()
        }),
    ];
    for (name, summary, ops) in dialects {
        registry.register(Dialect {
            name,
            summary,
            ops: ops(),
            canonicalization_patterns: Vec::new,
            materialize_constant: None,
        })?;
    }
    Ok(())
}
