//! The backend's error type: every failure names the target, kernel or op it concerns.

/// Why code generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The target string is not one this backend knows.
    #[error("unknown target '{target}': {reason} (expected host, x86_64, arm64, aarch64 or a full triple)")]
    UnknownTarget { target: String, reason: String },
    /// The target is known but Cranelift cannot generate code for it here.
    #[error("target {target}: {reason}")]
    Target { target: String, reason: String },
    /// The module is not a lowered kernel-level module.
    #[error("not a lowered kernel-level module: {0}")]
    BadModule(String),
    /// An op (or a use of it) this backend does not compile.
    #[error("kernel @{kernel}: cannot compile '{op}': {reason}")]
    Unsupported { kernel: String, op: String, reason: String },
    /// Cranelift rejected the generated function (a bug in this backend).
    #[error("kernel @{kernel}: Cranelift failed: {reason}")]
    Codegen { kernel: String, reason: String },
    /// The generated code refers to an external symbol (a libcall), which the kernel format does
    /// not allow; usually a target lacking an instruction (e.g. SSE4.1 rounding on x86_64).
    #[error(
        "kernel @{kernel}: the code needs relocation(s) {relocations} (a libcall: the target lacks an instruction)"
    )]
    Relocation { kernel: String, relocations: String },
    /// The schedule given to [`crate::emit_object`] does not fit the kernels.
    #[error("bad schedule: {0}")]
    Plan(String),
    /// Writing the object file failed.
    #[error("object emission failed: {0}")]
    Object(String),
}
