//! msc runtime: loads, verifies and runs compiled `.ms` artefacts. Links no compiler code.
//!
//! - [`format`](mod@format): the artefact's data model ([`Artefact`]), its encoding ([`Artefact::to_bytes`])
//!   and checked decoding ([`Artefact::read`]); `FORMAT.md` is the byte-level specification.
//! - [`Model`]: an artefact loaded under an explicit [`Trust`] decision, after every check (envelope, host
//!   target and CPU features, structure), with its kernels in executable memory.
//! - [`Session`]: runs a model on named [`Tensor`]s with intra-op threads; `run(&self)` is safe from many
//!   threads at once.
//! - [`gemm`]: the fp32 GEMM engine (matmul, gemm and convolutions via implicit im2col) with SIMD microkernels
//!   chosen at run time, fused epilogues and independent output tiles for the thread pool.
//! - [`depthwise`](mod@depthwise): the depthwise 2-D convolution (AVX2 or portable kernels, the same epilogue).
//! - [`col2im`](mod@col2im): a transposed convolution's col2im after its GEMM (AVX2 or portable code, the same
//!   epilogue).
//! - [`resize`](mod@resize): 2-D nearest and linear resizing through the compiler's per-axis tap tables (AVX2 or
//!   portable code).
//! - [`winograd`](mod@winograd): the Winograd F(4x4, 3x3) convolution, its transforms (AVX2 or portable
//!   kernels, the GEMM epilogue on the output) fused with the GEMM engine per block of tiles, and the matrices.
//!
//! The compiler builds an [`Artefact`] and writes `to_bytes()` to a file (AOT) or hands the bytes straight to
//! [`Model::from_bytes`] (JIT):
//!
//! ```no_run
//! use msc_runtime::{Model, Session, Tensor, Trust};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Model::load_file("model.ms", Trust::TrustedProducer)?;
//! let session = Session::new(model, 4)?;
//! let x = Tensor::from_slice(&[1, 4], &[1.0f32, 2.0, 3.0, 4.0])?;
//! for (name, tensor) in session.run(&[("x", &x)])? {
//!     println!("{name}: {:?}", tensor.to_f32_vec());
//! }
//! # Ok(())
//! # }
//! ```

mod buffer;
pub mod col2im;
pub mod depthwise;
mod error;
pub mod format;
pub mod gemm;
mod host;
mod load;
mod pool;
pub mod resize;
pub mod routine;
mod session;
mod tensor;
pub mod winograd;

pub use buffer::BUFFER_ALIGN;
pub use error::{LoadError, LoadErrorKind, RunError, TensorError};
pub use format::{
    Artefact, Base, BufferRef, DType, FORMAT_VERSION, Kernel, MAGIC, Manifest, Plan, Step, TensorInfo, verified_hash,
};
pub use host::host_triple;
pub use load::{Model, StepInfo, Trust};
pub use routine::{Col2imCall, DepthwiseCall, GemmCall, ResizeCall, Routine, WinogradConvCall};
pub use session::{Outputs, Session, StepTiming};
pub use tensor::{Element, Tensor};
