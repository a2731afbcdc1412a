//! msc, the library: the dialect and pass registries every tool starts from, IR-text entry
//! points shared by the `msc` subcommands, and the model formats ([`formats`]).

pub mod formats;

pub use msc_builtin as builtin;
pub use msc_ir as ir;
pub use msc_nn as nn;
pub use msc_passes as passes;

use msc_ir::Registry;
use msc_ir::pass::PassRegistry;
use std::sync::Arc;

/// Every dialect msc knows: `builtin`, `func`, `nn`.
pub fn dialects() -> Arc<Registry> {
    Arc::new(msc_nn::standard_registry())
}

/// Every pass msc knows, by name.
pub fn passes() -> PassRegistry {
    msc_passes::registry()
}
