//! What the model importers share, so that each frontend holds only its framework's format and ops.
//!
//! - [`files`]: memory-mapped model files wrapped in [`bytes::Bytes`] (decoded weights stay slices
//!   of the map) and external weight files whose paths are confined to the model's directory.
//! - [`report`]: the report of unsupported ops, every op type with every node using it.
//! - [`build`]: building the imported function: constants, import-time folding, input-shape
//!   overrides, topological order, function names, the final signature and verification.
//! - [`compat`]: TensorFlow/MindSpore conventions (convolution-gradient padding, resize
//!   coordinates) in `nn` terms.
//! - [`slicing`]: TensorFlow/MindSpore strided slices with all their masks.
//! - [`npy`]: reading NumPy `.npy` files (fixture inputs and reference outputs).

pub mod build;
pub mod compat;
pub mod files;
pub mod npy;
pub mod report;
pub mod slicing;

pub use files::{ExternalFiles, map_file};
pub use report::{UnsupportedOp, UnsupportedReport};
