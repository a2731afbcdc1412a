//! [`ImportError`]: everything that can go wrong reading or importing a TensorFlow GraphDef.

use msc_frontend::UnsupportedReport;
use std::path::PathBuf;

/// Why a graph could not be read or imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{what} is empty, not a TensorFlow GraphDef")]
    Empty { what: String },
    #[error("{what} is not a valid TensorFlow GraphDef protobuf: {source}")]
    Decode { what: String, source: prost::DecodeError },
    #[error("{0}")]
    Unsupported(UnsupportedReport),
    #[error("Placeholder '{input}': {reason}")]
    Input { input: String, reason: String },
    #[error("node '{node}' input '{input}' is not produced by any node of the graph")]
    DanglingInput { node: String, input: String },
    #[error("output '{output}': {reason}")]
    Output { output: String, reason: String },
    #[error("node '{node}' ({op}): {message}")]
    Node { node: String, op: String, message: String },
    #[error("{0}")]
    Graph(String),
    #[error("the imported IR does not verify:\n{0}")]
    Verify(String),
}
