//! The ONNX frontend: reads ONNX models and imports them into `builtin`/`func`/`nn` IR.
//!
//! Code map:
//! - [`proto`]: the protobuf types, generated at build time from `proto/onnx.proto` (protox +
//!   prost, no `protoc`), with `bytes` fields as [`bytes::Bytes`].
//! - `load`: memory-mapped model files and external data, with the path checks that keep
//!   external data inside the model's directory.
//! - `tensor`: element types and TensorProto to dense attributes; `raw_data` and external data
//!   stay slices of the mapped files (no per-tensor copies).
//! - `attrs`: typed node attributes.
//! - `graph`: ModelProto to one `func.func` (inputs, initializers, nodes in topological order,
//!   outputs); node names become locations (`loc("onnx:Conv_12")`); each node's ops are folded
//!   (op folders, else the interpreter on constant operands) as soon as they are built.
//! - `registry` and `ops/`: the importer tables, one file per op family, looked up by domain,
//!   op type and the model's opset version for the domain.
//! - `summary`: [`summarize`], for `msc inspect`.
//!
//! Errors are [`ImportError`] values; a model with unsupported ops fails with one report listing
//! every unsupported op type and every node using it.

mod attrs;
mod error;
mod graph;
mod load;
mod node;
mod ops;
pub mod proto;
mod registry;
mod summary;
mod tensor;

pub use error::{ImportError, UnsupportedOp, UnsupportedReport};
pub use summary::{ModelSummary, ValueSummary};

use bytes::Bytes;
use msc_frontend::files::model_dir;
use std::path::Path;

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Overrides of input shapes by input name; `-1` keeps the model's dim (or makes it symbolic).
    pub input_shapes: Vec<(String, Vec<i64>)>,
    /// Inputs frozen to a value by input name: each becomes a constant and leaves the signature.
    pub frozen_inputs: Vec<(String, msc_nn_kernels::Tensor)>,
}

/// An imported model: the IR context, the module, its one function and the ONNX names of the
/// function's inputs (frozen inputs excluded) and outputs (also stored on the function as `onnx.input_names` /
/// `onnx.output_names`).
pub struct Imported {
    pub ctx: msc_ir::Context,
    pub module: msc_ir::OpId,
    pub func: msc_ir::OpId,
    pub input_names: Vec<String>,
    pub output_names: Vec<String>,
}

/// Imports the model in `path`; external data is looked up beside it.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Imported, ImportError> {
    let bytes = load::map_file(path)?;
    let model = load::decode(bytes, &path.display().to_string())?;
    graph::import_model(model, Some(model_dir(path)), options)
}

/// Imports a model from bytes; external data is looked up in `model_dir` (none allowed without it).
pub fn import_bytes(bytes: Bytes, model_dir: Option<&Path>, options: &ImportOptions) -> Result<Imported, ImportError> {
    let model = load::decode(bytes, "the model")?;
    graph::import_model(model, model_dir, options)
}

/// Reads a serialized TensorProto (a `.pb` file, as in the ONNX backend test data).
pub fn read_tensor_file(path: &Path) -> Result<msc_nn_kernels::Tensor, ImportError> {
    let bytes = load::map_file(path)?;
    let tensor: proto::TensorProto = load::decode(bytes, &path.display().to_string())?;
    let name = tensor.name.clone();
    let dense = tensor::dense_from_proto(tensor, &mut load::ExternalData::new(Some(model_dir(path))))?;
    msc_nn::interp::tensor_from_dense(&dense).map_err(|reason| ImportError::Tensor { tensor: name, reason })
}

/// Summarizes the model in `path` (inputs, outputs, ops, parameters, unsupported ops) without
/// importing it; unsupported ops are listed, not an error.
pub fn summarize(path: &Path) -> Result<ModelSummary, ImportError> {
    let bytes = load::map_file(path)?;
    let model: proto::ModelProto = load::decode(bytes, &path.display().to_string())?;
    summary::summarize_model(&model)
}

/// Every (domain, op type) the importer handles, sorted; the standard domain is `ai.onnx`.
pub fn supported_ops() -> Vec<(&'static str, &'static str)> {
    registry::supported()
}
