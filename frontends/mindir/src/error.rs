//! [`ImportError`]: everything that can go wrong reading or importing a MindIR model.

use msc_frontend::UnsupportedReport;
use std::path::PathBuf;

/// Why a model could not be read or imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{what} is empty, not a MindIR model")]
    Empty { what: String },
    #[error("{what} is not a valid MindIR protobuf: {source}")]
    Decode { what: String, source: prost::DecodeError },
    #[error("the model has no graph")]
    NoGraph,
    #[error("{0}")]
    Unsupported(UnsupportedReport),
    #[error("external data of parameter '{tensor}' at '{location}': {reason}")]
    ExternalData { tensor: String, location: String, reason: String },
    #[error("tensor '{tensor}': {reason}")]
    Tensor { tensor: String, reason: String },
    #[error("graph input '{input}': {reason}")]
    Input { input: String, reason: String },
    #[error("node '{node}' input '{input}' is not a graph input, parameter or node output of graph '{graph}'")]
    DanglingInput { graph: String, node: String, input: String },
    #[error("node '{node}' ({op}): {message}")]
    Node { node: String, op: String, message: String },
    #[error("{0}")]
    Graph(String),
    #[error("the imported IR does not verify:\n{0}")]
    Verify(String),
}
