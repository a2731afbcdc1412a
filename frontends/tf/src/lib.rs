//! The TensorFlow frontend: reads frozen GraphDefs (`.pb`) and imports them into
//! `builtin`/`func`/`nn` IR.
//!
//! Code map:
//! - [`proto`]: the protobuf types, generated at build time from `proto/tensorflow.proto` (protox +
//!   prost, no `protoc`), with `bytes` fields as [`bytes::Bytes`] so `tensor_content` weights stay
//!   slices of the memory-mapped file.
//! - `tensor`: TensorFlow data types and TensorProto to dense attributes (`tensor_content`
//!   shared, the typed `*_val` forms encoded once, a single value as a splat).
//! - `graph`: GraphDef to one `func.func`: Placeholders become arguments, the nodes the outputs
//!   depend on are imported in topological order (control inputs `^name` order nothing), node
//!   names become locations (`loc("tf:conv1/Conv2D")`), each node's ops are folded as soon as
//!   they are built.
//! - `node` and `ops/`: what an op importer sees of a node, and the importer tables, one file per
//!   family. TensorFlow's NHWC/HWIO layouts are expressed with `nn.transpose`s around the NCHW
//!   `nn` ops; consecutive ones compose and cancel in `canonicalize`.
//! - `summary`: [`summarize`], for `msc inspect`.
//!
//! Errors are [`ImportError`] values; a graph with unsupported ops fails with one report listing
//! every unsupported op type and every node using it.

mod error;
mod graph;
mod node;
mod ops;
pub mod proto;
mod summary;
mod tensor;

pub use error::ImportError;
pub use msc_frontend::{UnsupportedOp, UnsupportedReport};
pub use summary::ModelSummary;

use bytes::Bytes;
use prost::Message;
use std::path::Path;

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Overrides of input shapes by Placeholder name (`x` or `x:0`); `-1` keeps the graph's dim
    /// (or makes it symbolic).
    pub input_shapes: Vec<(String, Vec<i64>)>,
    /// Placeholders frozen to a value by name (`x` or `x:0`): each becomes a constant and leaves
    /// the signature.
    pub frozen_inputs: Vec<(String, msc_nn_kernels::Tensor)>,
    /// The tensors to return (`name` or `name:1`); when empty, output 0 of every node whose outputs
    /// nothing consumes (NoOp, Const and Placeholder nodes aside).
    pub outputs: Vec<String>,
}

/// An imported graph: the IR context, the module, its one function and the TensorFlow names of
/// the function's inputs (Placeholder names) and outputs (`name:index`), also stored on the
/// function as `tf.input_names` / `tf.output_names`.
pub struct Imported {
    pub ctx: msc_ir::Context,
    pub module: msc_ir::OpId,
    pub func: msc_ir::OpId,
    pub input_names: Vec<String>,
    pub output_names: Vec<String>,
}

/// Imports the frozen GraphDef in `path`.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Imported, ImportError> {
    let graph = decode(read(path)?, &path.display().to_string())?;
    graph::import_graph(graph, options)
}

/// Imports a frozen GraphDef from bytes.
pub fn import_bytes(bytes: Bytes, options: &ImportOptions) -> Result<Imported, ImportError> {
    graph::import_graph(decode(bytes, "the graph")?, options)
}

/// Summarizes the graph in `path` (inputs, outputs, ops, parameters, unsupported ops) without
/// importing it; unsupported ops are listed, not an error.
pub fn summarize(path: &Path) -> Result<ModelSummary, ImportError> {
    let graph = decode(read(path)?, &path.display().to_string())?;
    summary::summarize_graph(&graph)
}

/// Every TensorFlow op type the importer handles, sorted.
pub fn supported_ops() -> Vec<&'static str> {
    ops::supported()
}

/// Whether `bytes` look like a serialized GraphDef: a protobuf whose first field is `node` (1) or
/// `versions` (4) and that decodes with at least one node with a name and an op.
pub fn looks_like_graph_def(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0x0a | 0x22))
        && proto::GraphDef::decode(bytes).is_ok_and(|g| g.node.first().is_some_and(|n| !n.op.is_empty()))
}

fn read(path: &Path) -> Result<Bytes, ImportError> {
    msc_frontend::map_file(path).map_err(|source| ImportError::Io { path: path.to_path_buf(), source })
}

fn decode(bytes: Bytes, what: &str) -> Result<proto::GraphDef, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty { what: what.to_string() });
    }
    proto::GraphDef::decode(bytes).map_err(|source| ImportError::Decode { what: what.to_string(), source })
}
