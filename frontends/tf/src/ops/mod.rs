//! The importer tables, one file per op family: `elementwise` (activations, unary and binary
//! math), `nn` (convolutions, pooling, normalization, bias, softmax, resize), `math` (matmuls,
//! reductions, einsum, arg max, range, one-hot), `array` (shapes, data movement, indexing,
//! constants, and the pass-through ops Identity/NoOp/StopGradient that import as nothing).

mod array;
mod elementwise;
mod math;
mod nn;

use crate::node::Node;
use crate::proto::NodeDef;
use msc_frontend::UnsupportedReport;
use msc_ir::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Imports one node; returns its outputs in TensorFlow order (possibly fewer than the node has:
/// the rest are not available to later nodes).
pub(crate) type ImportFn = fn(&mut Node<'_, '_>) -> Result<Vec<Value>, String>;

/// One row of a family table.
pub(crate) type Entry = (&'static str, ImportFn);

/// The op of graph inputs, imported as function arguments by `graph`.
pub(crate) const PLACEHOLDER: &str = "Placeholder";

fn table() -> &'static HashMap<&'static str, ImportFn> {
    static TABLE: OnceLock<HashMap<&'static str, ImportFn>> = OnceLock::new();
    TABLE.get_or_init(|| {
        [elementwise::TABLE, nn::TABLE, math::TABLE, array::TABLE].into_iter().flatten().copied().collect()
    })
}

/// The importer of `op`.
pub(crate) fn lookup(op: &str) -> Option<ImportFn> {
    table().get(op).copied()
}

/// Every op type with an importer (and Placeholder), sorted.
pub(crate) fn supported() -> Vec<&'static str> {
    let mut ops: Vec<&'static str> = table().keys().copied().chain([PLACEHOLDER]).collect();
    ops.sort();
    ops
}

/// Every node without an importer.
pub(crate) fn unsupported<'a>(nodes: impl Iterator<Item = &'a NodeDef>) -> UnsupportedReport {
    let mut report = UnsupportedReport::default();
    for node in nodes {
        if node.op != PLACEHOLDER && lookup(&node.op).is_none() {
            report.add(&node.op, "tf", None, node.name.clone());
        }
    }
    report
}

/// One output.
fn one(v: Value) -> Result<Vec<Value>, String> {
    Ok(vec![v])
}
