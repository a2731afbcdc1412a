//! The primitive importer tables, one file per family: `elementwise` (activations, unary and
//! binary math), `nn` (convolutions, pooling, normalization, bias, dense/matmul, softmax,
//! resizes), `array` (shapes, data movement, indexing, reductions) and `structure` (tuples,
//! loads, monads and depends, which carry no computation).

mod array;
mod elementwise;
mod nn;
mod structure;

use crate::node::Node;
use crate::value::Val;
use msc_ir::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Imports one primitive node; returns its value (a tuple for multi-output primitives).
pub(crate) type ImportFn = fn(&mut Node<'_, '_>) -> Result<Val, String>;

/// One row of a family table: the MindSpore primitive name and its importer.
pub(crate) type Entry = (&'static str, ImportFn);

fn table() -> &'static HashMap<&'static str, ImportFn> {
    static TABLE: OnceLock<HashMap<&'static str, ImportFn>> = OnceLock::new();
    TABLE.get_or_init(|| {
        [elementwise::TABLE, nn::TABLE, array::TABLE, structure::TABLE].into_iter().flatten().copied().collect()
    })
}

/// The importer of primitive `op`.
pub(crate) fn lookup(op: &str) -> Option<ImportFn> {
    table().get(op).copied()
}

/// Every primitive with an importer, sorted.
pub(crate) fn supported() -> Vec<&'static str> {
    let mut ops: Vec<&'static str> = table().keys().copied().collect();
    ops.sort();
    ops
}

/// A tensor result.
fn tensor(v: Value) -> Result<Val, String> {
    Ok(Val::Tensor(v))
}
