//! The MindSpore frontend: reads MindIR models (`.mindir`) and imports them into
//! `builtin`/`func`/`nn` IR.
//!
//! Code map:
//! - [`proto`]: the protobuf types, generated at build time from `proto/mind_ir.proto` (protox +
//!   prost, no `protoc`), with `bytes` fields as [`bytes::Bytes`] so `raw_data` weights stay
//!   slices of the memory-mapped file.
//! - `tensor`: MindIR data types and TensorProto to dense attributes: `raw_data` shared, the typed
//!   fields encoded once, external weight files (MindSpore writes them for large models) read
//!   through `msc_frontend::ExternalFiles`, which confines their paths to the model's directory.
//! - `value`: what a MindIR node produces: a tensor, a constant scalar/tuple/tensor (MindSpore 2.x
//!   passes most op arguments as constant inputs), a tuple, or nothing (monads).
//! - `graph`: ModelProto to one `func.func`: the main graph's inputs become arguments, its
//!   parameters constants, its nodes are imported in topological order with the node's scope as
//!   location (`loc("mindir:Default/conv1-Conv2d/Conv2D-op0")`), and calls of the model's function
//!   graphs are inlined.
//! - `node` and `ops/`: what a primitive importer sees of a node, and the tables, one file per
//!   family. MindSpore's conventions are NCHW and OIHW, as in `nn`.
//! - `summary`: [`summarize`], for `msc inspect`.
//!
//! Errors are [`ImportError`] values; a model with unsupported primitives fails with one report
//! listing every unsupported primitive and every node using it.

mod error;
mod graph;
mod node;
mod ops;
pub mod proto;
mod summary;
mod tensor;
mod value;

pub use error::ImportError;
pub use msc_frontend::{UnsupportedOp, UnsupportedReport};
pub use summary::ModelSummary;

use bytes::Bytes;
use msc_frontend::files::model_dir;
use prost::Message;
use std::path::Path;

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Overrides of input shapes by input name (the full MindIR name or the part after its last
    /// `:`, e.g. `x`); `-1` keeps the model's dim (or makes it symbolic).
    pub input_shapes: Vec<(String, Vec<i64>)>,
    /// Inputs frozen to a value by input name (either form): each becomes a constant and leaves
    /// the signature.
    pub frozen_inputs: Vec<(String, msc_nn_kernels::Tensor)>,
}

/// An imported model: the IR context, the module, its one function, and the names of the
/// function's inputs (the part of the MindIR names after the graph prefix) and outputs (also
/// stored on the function as `mindir.input_names` / `mindir.output_names`).
pub struct Imported {
    pub ctx: msc_ir::Context,
    pub module: msc_ir::OpId,
    pub func: msc_ir::OpId,
    pub input_names: Vec<String>,
    pub output_names: Vec<String>,
}

/// Imports the MindIR model in `path`; external weight files are looked up beside it.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Imported, ImportError> {
    let model = decode(read(path)?, &path.display().to_string())?;
    graph::import_model(&model, Some(model_dir(path)), options)
}

/// Imports a MindIR model from bytes; external weights are looked up in `model_dir` (none are
/// allowed without it).
pub fn import_bytes(bytes: Bytes, model_dir: Option<&Path>, options: &ImportOptions) -> Result<Imported, ImportError> {
    graph::import_model(&decode(bytes, "the model")?, model_dir, options)
}

/// Summarizes the model in `path` (inputs, outputs, primitives, parameters, unsupported ones)
/// without importing it; unsupported primitives are listed, not an error.
pub fn summarize(path: &Path) -> Result<ModelSummary, ImportError> {
    let model = decode(read(path)?, &path.display().to_string())?;
    summary::summarize_model(&model)
}

/// Every MindSpore primitive the importer handles, sorted.
pub fn supported_ops() -> Vec<&'static str> {
    ops::supported()
}

/// Whether `bytes` look like a MindIR model: a protobuf that decodes as a MindIR ModelProto with
/// MindSpore as producer or a graph of nodes (an ONNX model does not decode: its field 1 is an
/// integer; a TensorFlow GraphDef decodes without either).
pub fn looks_like_mindir(bytes: &[u8]) -> bool {
    proto::ModelProto::decode(bytes)
        .is_ok_and(|m| m.producer_name() == "MindSpore" || m.graph.as_ref().is_some_and(|g| !g.node.is_empty()))
}

fn read(path: &Path) -> Result<Bytes, ImportError> {
    msc_frontend::map_file(path).map_err(|source| ImportError::Io { path: path.to_path_buf(), source })
}

fn decode(bytes: Bytes, what: &str) -> Result<proto::ModelProto, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty { what: what.to_string() });
    }
    proto::ModelProto::decode(bytes).map_err(|source| ImportError::Decode { what: what.to_string(), source })
}
