//! IR transformations, one file per pass, each reachable by name from a pipeline string
//! (`msc opt --pass-pipeline='builtin.module(canonicalize, cse)'`).

pub mod canonicalize;
pub mod cse;
pub mod dce;
pub mod egraph;
pub mod fold_constants;
pub mod lower_to_kernel;
pub mod plan_memory;
pub mod shape_inference;

use msc_ir::pass::{PassInfo, PassRegistry};

/// Every pass of this crate.
pub const PASSES: &[PassInfo] = &[
    canonicalize::INFO,
    cse::INFO,
    dce::INFO,
    egraph::INFO,
    fold_constants::INFO,
    lower_to_kernel::INFO,
    plan_memory::INFO,
    shape_inference::INFO,
];

/// A registry holding every pass of this crate.
pub fn registry() -> PassRegistry {
    let mut registry = PassRegistry::new();
    for info in PASSES {
        registry.register(*info).expect("pass names are unique");
    }
    registry
}
