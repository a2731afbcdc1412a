//! Loading an artefact: every check (envelope, trust, host, structure) before anything is used, then the weights
//! kept in place and the code copied into executable memory.

use std::fs::File;
use std::ops::Range;
use std::path::Path;

use memmap2::{Mmap, MmapMut};

use crate::buffer::AlignedBuf;
use crate::error::{LoadError, LoadErrorKind};
use crate::format::{self, Manifest, Plan, TensorInfo};
use crate::host;
use crate::routine::Routine;

/// Whether to run the native code in an artefact. Loading an artefact means executing its kernels with the
/// rights of this process, exactly like loading a shared library, so the caller must say why the file is safe
/// (as with wasmtime's `Module::deserialize`). The content hash only detects accidental corruption by itself:
/// anyone can write a file with a valid hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The caller vouches for the file: it was produced by a trusted msc compiler (for instance just now, in
    /// this process, for JIT use) and cannot have been replaced by someone else.
    TrustedProducer,
    /// Load only if the file's content hash (BLAKE3, see [`crate::verified_hash`] and [`Model::hash`]) equals
    /// this one, e.g. a hash recorded when the artefact was compiled and stored where attackers cannot write.
    ExpectedHash([u8; 32]),
}

/// Where the weights live: in the memory-mapped file (no copy) or in an aligned copy.
enum Weights {
    Mapped { map: Mmap, range: Range<usize> },
    Owned(AlignedBuf),
}

/// A verified artefact, ready to run: manifest, plan and weights, with its kernels in executable memory.
pub struct Model {
    hash: [u8; 32],
    producer: String,
    target: String,
    cpu_features: Vec<String>,
    manifest: Manifest,
    plan: Plan,
    ir: Option<String>,
    output_sizes: Vec<usize>,
    weights: Weights,
    /// The code section, executable; `None` when it is empty (no kernels).
    code: Option<Mmap>,
}

/// One step of the schedule, for listings and profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepInfo<'a> {
    /// Source op name, e.g. `onnx:conv1`.
    pub name: &'a str,
    /// Source op type, e.g. `nn.conv2d`.
    pub op_type: &'a str,
    /// The name of the kernel the step calls.
    pub kernel: &'a str,
    /// The step's parallel extent.
    pub tiles: u64,
}

impl Model {
    /// Memory-maps and loads a `.ms` file. The weights are used in place from the map.
    ///
    /// The file must not be modified while the model is alive: it is checked once, at load time, and a
    /// truncated mapping faults on access, as with any memory-mapped file.
    pub fn load_file(path: impl AsRef<Path>, trust: Trust) -> Result<Model, LoadError> {
        let path = path.as_ref();
        let error = |kind| LoadError::new(Some(path), kind);
        let file = File::open(path).map_err(|source| error(LoadErrorKind::Io { source }))?;
        // SAFETY: the map is read-only and private to this model; see the contract above about modification.
        let map = unsafe { Mmap::map(&file) }.map_err(|source| error(LoadErrorKind::Io { source }))?;
        let loaded = Model::load(&map, trust).map_err(error)?;
        let range = loaded.weights.clone();
        Ok(loaded.finish(Weights::Mapped { map, range }))
    }

    /// Loads a `.ms` file from memory, e.g. one the compiler just produced (JIT). The weights are copied into
    /// 64-byte aligned memory, the rest is decoded, and the bytes are dropped.
    pub fn from_bytes(bytes: impl AsRef<[u8]>, trust: Trust) -> Result<Model, LoadError> {
        let bytes = bytes.as_ref();
        let error = |kind| LoadError::new(None, kind);
        let loaded = Model::load(bytes, trust).map_err(error)?;
        let weights = AlignedBuf::copy_of(&bytes[loaded.weights.clone()])
            .map_err(|e| error(LoadErrorKind::OutOfMemory { bytes: e.0 }))?;
        Ok(loaded.finish(Weights::Owned(weights)))
    }

    /// Runs every check, in order: envelope, trust, host, structure; then maps the code.
    fn load(bytes: &[u8], trust: Trust) -> Result<Loaded, LoadErrorKind> {
        let envelope = format::check_envelope(bytes)?;
        if let Trust::ExpectedHash(expected) = trust
            && expected != envelope.hash
        {
            return Err(LoadErrorKind::UntrustedHash {
                expected: format::hex(&expected),
                found: format::hex(&envelope.hash),
            });
        }
        let header = format::decode_header(bytes, &envelope)?;
        host::check_target(&header.target)?;
        host::check_cpu_features(&header.cpu_features)?;
        let body = format::decode_body(bytes, &envelope)?;
        let output_sizes = format::check_structure(&body.manifest, &body.plan, body.weights.len(), body.code.len())?;
        let code = executable_copy(body.code).map_err(|source| LoadErrorKind::CodeMapping { source })?;
        Ok(Loaded {
            hash: envelope.hash,
            header,
            manifest: body.manifest,
            plan: body.plan,
            ir: body.ir,
            output_sizes,
            weights: body.weights,
            code,
        })
    }

    /// The content hash (BLAKE3 of the file except the hash field), for [`Trust::ExpectedHash`].
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }

    /// Who wrote the artefact, e.g. `msc 0.1.0`.
    pub fn producer(&self) -> &str {
        &self.producer
    }

    /// The target triple the code was generated for.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The CPU features the code requires (all present on this host).
    pub fn cpu_features(&self) -> &[String] {
        &self.cpu_features
    }

    /// The model's inputs, in manifest order.
    pub fn inputs(&self) -> &[TensorInfo] {
        &self.manifest.inputs
    }

    /// The model's outputs, in the order `Session::run` returns them.
    pub fn outputs(&self) -> &[TensorInfo] {
        &self.manifest.outputs
    }

    /// Bytes of scratch memory one run needs.
    pub fn arena_size(&self) -> u64 {
        self.plan.arena_size
    }

    /// Bytes of weights.
    pub fn weights_len(&self) -> usize {
        self.weights().len()
    }

    /// Bytes of machine code.
    pub fn code_len(&self) -> usize {
        self.code.as_ref().map_or(0, |code| code.len())
    }

    /// The full memory plan and schedule.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The schedule's steps, in order.
    pub fn steps(&self) -> impl ExactSizeIterator<Item = StepInfo<'_>> {
        self.plan.steps.iter().map(|step| StepInfo {
            name: &step.name,
            op_type: &step.op_type,
            kernel: match &step.routine {
                // The index was checked at load time.
                Routine::Kernel(index) => &self.plan.kernels[*index as usize].name,
                Routine::Gemm(_) => "gemm (runtime)",
                Routine::Depthwise(_) => "depthwise (runtime)",
                Routine::WinogradConv(_) => "winograd conv (runtime)",
                Routine::Col2im(_) => "col2im (runtime)",
                Routine::Resize(_) => "resize (runtime)",
            },
            tiles: step.tiles,
        })
    }

    /// The optimized IR text, if the compiler stored it.
    pub fn ir(&self) -> Option<&str> {
        self.ir.as_deref()
    }

    /// Byte sizes of the outputs, in manifest order.
    pub(crate) fn output_sizes(&self) -> &[usize] {
        &self.output_sizes
    }

    /// The weights' bytes.
    pub(crate) fn weights(&self) -> &[u8] {
        match &self.weights {
            Weights::Mapped { map, range } => &map[range.clone()],
            Weights::Owned(buf) => buf.as_slice(),
        }
    }

    /// The entry point of kernel `index`: checked at load time to lie inside the code, which is therefore not
    /// empty.
    pub(crate) fn kernel_entry(&self, index: usize) -> *const u8 {
        let offset = self.plan.kernels[index].code_offset as usize;
        self.code.as_ref().map_or(std::ptr::null(), |code| code[offset..].as_ptr())
    }
}

/// Everything checked, before the weights' storage is decided.
struct Loaded {
    hash: [u8; 32],
    header: format::Header,
    manifest: Manifest,
    plan: Plan,
    ir: Option<String>,
    output_sizes: Vec<usize>,
    weights: Range<usize>,
    code: Option<Mmap>,
}

impl Loaded {
    fn finish(self, weights: Weights) -> Model {
        Model {
            hash: self.hash,
            producer: self.header.producer,
            target: self.header.target,
            cpu_features: self.header.cpu_features,
            manifest: self.manifest,
            plan: self.plan,
            ir: self.ir,
            output_sizes: self.output_sizes,
            weights,
            code: self.code,
        }
    }
}

/// Copies `code` into fresh anonymous memory and makes it read + execute (never writable and executable at
/// once).
fn executable_copy(code: &[u8]) -> std::io::Result<Option<Mmap>> {
    if code.is_empty() {
        return Ok(None);
    }
    let mut map = MmapMut::map_anon(code.len())?;
    map.copy_from_slice(code);
    let map = map.make_exec()?;
    host::sync_instruction_cache(&map);
    Ok(Some(map))
}
