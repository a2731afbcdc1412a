//! msc, the library: the dialect and pass registries every tool starts from, IR-text entry
//! points shared by the `msc` subcommands, and the model formats ([`formats`]).

pub mod artefact;
pub mod formats;

pub use msc_builtin as builtin;
pub use msc_ir as ir;
pub use msc_nn as nn;
pub use msc_passes as passes;
pub use msc_runtime as runtime;

pub mod compile;
mod error;
#[cfg(feature = "ndarray")]
pub mod ndarray;
pub mod npy;
mod pack;
mod session;

pub use error::Error;
pub use msc_runtime::{Tensor, Trust};
pub use session::{Session, SessionBuilder, is_artefact};

use msc_ir::Registry;
use msc_ir::pass::PassRegistry;
use std::sync::Arc;

/// Every dialect msc knows: `builtin`, `func`, `nn`, and the kernel level (`arith`, `math`,
/// `scf`, `memref`, `kernel`).
pub fn dialects() -> Arc<Registry> {
    let mut registry = msc_nn::standard_registry();
    msc_kernel::register(&mut registry).expect("the kernel-level dialects register once");
    Arc::new(registry)
}

/// Every pass msc knows, by name.
pub fn passes() -> PassRegistry {
    msc_passes::registry()
}
