//! [`ImportError`]: everything that can go wrong reading or importing an ONNX model, and the
//! report of unsupported ops (every op type with every node that uses it, shared with the other
//! frontends through `msc-frontend`).

pub use msc_frontend::{UnsupportedOp, UnsupportedReport};
use std::path::PathBuf;

/// Why a model could not be read or imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{what} is not a valid ONNX protobuf: {source}")]
    Decode { what: String, source: prost::DecodeError },
    #[error("the model has no graph")]
    NoGraph,
    #[error("{0}")]
    Unsupported(UnsupportedReport),
    #[error("external data of tensor '{tensor}' at '{location}': {reason}")]
    ExternalData { tensor: String, location: String, reason: String },
    #[error("tensor '{tensor}': {reason}")]
    Tensor { tensor: String, reason: String },
    #[error("graph input '{input}': {reason}")]
    Input { input: String, reason: String },
    #[error("node '{node}' input '{input}' is not produced by any node, initializer or graph input")]
    DanglingInput { node: String, input: String },
    #[error("graph output '{output}' is not produced by any node, initializer or graph input")]
    DanglingOutput { output: String },
    #[error("node '{node}' ({op_type}): {message}")]
    Node { node: String, op_type: String, message: String },
    #[error("{0}")]
    Graph(String),
    #[error("the imported IR does not verify:\n{0}")]
    Verify(String),
}
