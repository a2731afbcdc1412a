//! The runtime's error types: why an artefact did not load, why a run did not start, why a tensor could not be built.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::format::DType;

/// An artefact could not be loaded. Carries the file path when the artefact came from a file.
#[derive(Debug)]
pub struct LoadError {
    path: Option<PathBuf>,
    kind: LoadErrorKind,
}

impl LoadError {
    pub(crate) fn new(path: Option<&Path>, kind: LoadErrorKind) -> LoadError {
        LoadError { path: path.map(Path::to_path_buf), kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &LoadErrorKind {
        &self.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> LoadErrorKind {
        self.kind
    }

    /// The file the artefact was read from, if it was read from a file.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}: {}", path.display(), self.kind),
            None => self.kind.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}

/// The reasons an artefact is rejected, in the order the loader checks them.
#[derive(Debug, thiserror::Error)]
pub enum LoadErrorKind {
    /// The file could not be opened or mapped.
    #[error("cannot read the artefact: {source}")]
    Io {
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file does not start with the `.ms` magic bytes.
    #[error("not an msc artefact (.ms): the file does not start with the msc magic bytes")]
    BadMagic,
    /// The file is shorter than its header says it is.
    #[error(
        "truncated artefact: expected {expected} bytes, found {found}; the file was cut short, copy or compile it again"
    )]
    Truncated {
        /// The number of bytes the header announces (or the minimum needed to read the header).
        expected: u64,
        /// The number of bytes present.
        found: u64,
    },
    /// The artefact was written in a format version this runtime does not read.
    #[error(
        "unsupported artefact format version {found}; this runtime reads versions 1 to {supported}, use a runtime at least as new as the compiler that wrote the file"
    )]
    UnsupportedVersion {
        /// The version in the file.
        found: u32,
        /// The newest version this runtime reads.
        supported: u32,
    },
    /// The content hash stored in the header does not match the content.
    #[error(
        "content hash mismatch (stored {stored}, computed {computed}): the file is corrupted or was modified after it was written; compile it again"
    )]
    HashMismatch {
        /// The hash stored in the header, in hex.
        stored: String,
        /// The hash of the bytes actually present, in hex.
        computed: String,
    },
    /// `Trust::ExpectedHash` was given and the file's hash is a different one.
    #[error(
        "refusing to load native code: the artefact's hash is {found} but the caller expected {expected}; check that this is the file you meant to load"
    )]
    UntrustedHash {
        /// The hash the caller expected, in hex.
        expected: String,
        /// The file's (verified) hash, in hex.
        found: String,
    },
    /// The artefact's target triple does not parse.
    #[error("the artefact names an invalid target triple `{target}`: {reason}")]
    InvalidTarget {
        /// The triple as written in the file.
        target: String,
        /// Why it does not parse.
        reason: String,
    },
    /// The artefact was compiled for another architecture or operating system.
    #[error("the artefact was built for {target}; this host is {host}; compile the model again for this host")]
    TargetMismatch {
        /// The artefact's target triple.
        target: String,
        /// This host's target triple.
        host: String,
    },
    /// The host CPU lacks features the generated code uses.
    #[error(
        "this CPU lacks features the artefact's code requires: {}; compile the model for this CPU or run it on one that has them",
        .missing.join(", ")
    )]
    MissingCpuFeatures {
        /// The required features this host does not have (or this runtime does not know).
        missing: Vec<String>,
    },
    /// A section kind marked required is unknown to this runtime.
    #[error("the artefact requires section kind {kind}, which this runtime does not know; use a newer msc runtime")]
    UnknownRequiredSection {
        /// The section kind.
        kind: u32,
    },
    /// A required section is absent or a section appears twice.
    #[error("malformed section table: {detail}; the file was not written by a compatible msc compiler")]
    BadSectionTable {
        /// What is wrong.
        detail: String,
    },
    /// A section's byte range lies outside the file or overlaps the header or another section.
    #[error(
        "section {section} (bytes {offset}..+{len}) lies outside the section area {area_start}..{area_end} or overlaps another section"
    )]
    SectionOutOfBounds {
        /// The section's name (or kind number).
        section: String,
        /// The section's offset in the file.
        offset: u64,
        /// The section's length.
        len: u64,
        /// Where the section area starts (the end of the section table).
        area_start: u64,
        /// Where the section area ends (the end of the file).
        area_end: u64,
    },
    /// The weights section does not start on a 64-byte boundary.
    #[error("the weights section starts at offset {offset}, which is not a multiple of 64")]
    MisalignedWeights {
        /// The section's offset in the file.
        offset: u64,
    },
    /// A structured section (header, manifest, plan, IR) does not decode.
    #[error("malformed {section}: {detail}; the file was not written by a compatible msc compiler")]
    Malformed {
        /// Which part of the file.
        section: &'static str,
        /// What is wrong, with the byte offset where known.
        detail: String,
    },
    /// Two inputs or two outputs share a name.
    #[error("the manifest lists {list} `{name}` twice")]
    DuplicateTensorName {
        /// `input` or `output`.
        list: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A size computed from the artefact does not fit in memory on this host.
    #[error("the size of {what} overflows the address space of this host")]
    SizeOverflow {
        /// What was being sized.
        what: String,
    },
    /// A kernel's code range is empty or lies outside the code section.
    #[error("kernel {index} (`{name}`) has code range {offset}..+{len}, outside the {code_len}-byte code section")]
    KernelOutOfBounds {
        /// The kernel's index.
        index: usize,
        /// The kernel's name.
        name: String,
        /// The range's start.
        offset: u64,
        /// The range's length.
        len: u64,
        /// The code section's length.
        code_len: u64,
    },
    /// A step names a kernel that does not exist.
    #[error("step {step} (`{name}`) calls kernel {kernel}, but the plan has {kernels} kernels")]
    BadKernelIndex {
        /// The step's index.
        step: usize,
        /// The step's name.
        name: String,
        /// The kernel index it names.
        kernel: u32,
        /// How many kernels there are.
        kernels: usize,
    },
    /// A step calls a runtime routine with a malformed description or with buffers too small for it.
    #[error("step {step} (`{name}`) is a malformed {routine} call: {reason}")]
    BadRoutine {
        /// The step's index.
        step: usize,
        /// The step's name.
        name: String,
        /// The routine, e.g. `GEMM`.
        routine: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A step's parallel extent does not fit the kernel ABI's `i64`.
    #[error("step {step} (`{name}`) has {tiles} tiles, more than the kernel ABI's i64 can express")]
    TooManyTiles {
        /// The step's index.
        step: usize,
        /// The step's name.
        name: String,
        /// The tile count.
        tiles: u64,
    },
    /// A buffer argument names an input or output that does not exist.
    #[error("step {step} (`{name}`) argument {arg} refers to {base}, but the model has {count} {base_kind}s")]
    BadBaseIndex {
        /// The step's index.
        step: usize,
        /// The step's name.
        name: String,
        /// The argument's position.
        arg: usize,
        /// The base as written, e.g. `input 3`.
        base: String,
        /// `input` or `output`.
        base_kind: &'static str,
        /// How many of them there are.
        count: usize,
    },
    /// A buffer argument's byte range lies outside its base buffer.
    #[error(
        "step {step} (`{name}`) argument {arg} covers bytes {offset}..+{len} of {base}, which has {base_len} bytes"
    )]
    BufferOutOfBounds {
        /// The step's index.
        step: usize,
        /// The step's name.
        name: String,
        /// The argument's position.
        arg: usize,
        /// The base buffer, e.g. `the arena`.
        base: String,
        /// The range's start.
        offset: u64,
        /// The range's length.
        len: u64,
        /// The base buffer's length.
        base_len: u64,
    },
    /// The weights could not be copied into aligned memory.
    #[error("out of memory copying {bytes} bytes of weights")]
    OutOfMemory {
        /// How many bytes.
        bytes: usize,
    },
    /// The kernels' code could not be placed in executable memory.
    #[error("cannot map the kernels' code executable: {source}")]
    CodeMapping {
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// A run was refused before any kernel ran, or its buffers could not be allocated.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An input name the model does not have.
    #[error("unknown input `{name}`; the model's inputs are: {}", .expected.join(", "))]
    UnknownInput {
        /// The name given.
        name: String,
        /// The model's input names.
        expected: Vec<String>,
    },
    /// An input the model needs was not given.
    #[error("missing input `{name}`")]
    MissingInput {
        /// The input's name.
        name: String,
    },
    /// The same input was given twice.
    #[error("input `{name}` is given more than once")]
    DuplicateInput {
        /// The input's name.
        name: String,
    },
    /// An input tensor has the wrong element type.
    #[error("input `{name}`: expected dtype {expected}, found {found}")]
    DtypeMismatch {
        /// The input's name.
        name: String,
        /// The manifest's dtype.
        expected: DType,
        /// The given tensor's dtype.
        found: DType,
    },
    /// An input tensor has the wrong shape.
    #[error("input `{name}`: expected shape {expected:?}, found {found:?}")]
    ShapeMismatch {
        /// The input's name.
        name: String,
        /// The manifest's shape.
        expected: Vec<u64>,
        /// The given tensor's shape.
        found: Vec<usize>,
    },
    /// The arena or an output could not be allocated.
    #[error("out of memory allocating {bytes} bytes for {what}")]
    OutOfMemory {
        /// What was being allocated.
        what: String,
        /// How many bytes.
        bytes: usize,
    },
    /// The GEMM engine cannot run a step on this host (e.g. weights packed for a kernel it lacks).
    #[error("step {step} (`{name}`): {source}")]
    Gemm {
        /// The step's index.
        step: usize,
        /// The step's name.
        name: String,
        /// What the engine said.
        #[source]
        source: crate::gemm::GemmError,
    },
    /// The session's worker threads could not be started.
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadSpawn {
        /// How many workers were asked for.
        threads: usize,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// A tensor could not be built or read as asked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TensorError {
    /// The data's length does not match the shape.
    #[error("shape {shape:?} of {dtype} needs {expected} bytes, found {found}")]
    LengthMismatch {
        /// The element type.
        dtype: DType,
        /// The shape.
        shape: Vec<usize>,
        /// Bytes the shape needs.
        expected: usize,
        /// Bytes given.
        found: usize,
    },
    /// The shape's byte size overflows the address space.
    #[error("shape {shape:?} of {dtype} is too large for this host")]
    SizeOverflow {
        /// The element type.
        dtype: DType,
        /// The shape.
        shape: Vec<usize>,
    },
    /// The tensor was read as a different element type.
    #[error("the tensor holds {found}, not {expected}")]
    DtypeMismatch {
        /// The type asked for.
        expected: DType,
        /// The tensor's type.
        found: DType,
    },
    /// The allocator could not provide the storage.
    #[error("out of memory allocating {bytes} bytes for a tensor")]
    OutOfMemory {
        /// How many bytes.
        bytes: usize,
    },
}
