//! [`Error`]: what the `msc` library reports, one variant per kind of failure a caller may handle.

use msc_runtime::{LoadError, RunError};

/// An error from compiling, loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The model file could not be read or is malformed.
    #[error("{0}")]
    Import(String),
    /// The model uses ops msc cannot compile yet (all of them are named).
    #[error("{0}")]
    UnsupportedOp(String),
    /// The IR failed verification or a pass failed.
    #[error("{0}")]
    Verify(String),
    /// Code generation failed.
    #[error("code generation: {0}")]
    Backend(#[from] msc_cranelift::Error),
    /// A `.ms` artefact failed to load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// An input has the wrong shape.
    #[error("{0}")]
    ShapeMismatch(RunError),
    /// Running failed otherwise (missing or unknown inputs, wrong dtype, out of memory).
    #[error(transparent)]
    Run(RunError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// The API was used wrongly (e.g. loading native code without a trust decision).
    #[error("{0}")]
    Usage(String),
}

impl From<RunError> for Error {
    fn from(e: RunError) -> Error {
        match e {
            RunError::ShapeMismatch { .. } => Error::ShapeMismatch(e),
            other => Error::Run(other),
        }
    }
}
