//! The `.ms` artefact: its data model, the byte encoding the compiler writes, and the checked decoding the loader
//! reads. `FORMAT.md` beside this crate is the specification; keep the two in step.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;

use crate::error::{LoadError, LoadErrorKind};
use crate::routine::Routine;

/// The first eight bytes of every `.ms` file (PNG-style: a non-ASCII byte, the name, CR LF, EOF, LF, so
/// text-mode transfers and `cat`-ing the file are caught).
pub const MAGIC: [u8; 8] = *b"\x89MSC\r\n\x1a\n";

/// The newest format version this crate writes and reads. Readers accept `1..=FORMAT_VERSION`.
pub const FORMAT_VERSION: u32 = 2;

/// Length of the fixed part of the header: magic, version, reserved, header length, file length, hash.
pub const FIXED_HEADER_LEN: usize = 64;

/// Alignment of sections in the file: the writer aligns every section to it, readers require it of the weights
/// so that a memory-mapped file can be used in place.
pub const WEIGHTS_ALIGN: usize = 64;

/// Where the content hash sits in the fixed header; the hash covers every other byte of the file.
const HASH_FIELD: Range<usize> = 32..64;

/// Section kinds (the `kind` field of a section-table entry).
const SECTION_MANIFEST: u32 = 1;
const SECTION_WEIGHTS: u32 = 2;
const SECTION_PLAN: u32 = 3;
const SECTION_CODE: u32 = 4;
const SECTION_IR: u32 = 5;

/// Section flag: a reader that does not know the section's kind must reject the file.
const FLAG_REQUIRED: u32 = 1;

/// Bytes of one section-table entry: kind u32, flags u32, offset u64, length u64.
const SECTION_ENTRY_LEN: usize = 24;

/// Smallest encodings, used to bound counts before allocating: a tensor info is a name length, a dtype code and
/// a rank; a kernel a name length and two u64; a step a kernel index, tiles, an argument count and two name
/// lengths; a string its length; a buffer reference a tag, an index and two u64.
const MIN_TENSOR_INFO: usize = 8 + 1 + 8;
const MIN_KERNEL: usize = 8 + 8 + 8;
const MIN_STEP: usize = 4 + 8 + 8 + 8 + 8; // a version-2 step adds a routine tag
const MIN_STRING: usize = 8;
const BUFFER_REF_LEN: usize = 1 + 4 + 8 + 8;

/// Element type of a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    /// IEEE binary32.
    F32,
    /// IEEE binary16.
    F16,
    /// bfloat16 (the upper half of a binary32).
    BF16,
    /// IEEE binary64.
    F64,
    /// Signed 8-bit integer.
    I8,
    /// Unsigned 8-bit integer.
    U8,
    /// Signed 16-bit integer.
    I16,
    /// Signed 32-bit integer.
    I32,
    /// Signed 64-bit integer.
    I64,
    /// Boolean, one byte, 0 or 1.
    Bool,
}

impl DType {
    /// Every dtype, in the order of their codes in the file.
    pub const ALL: [DType; 10] = [
        DType::F32,
        DType::F16,
        DType::BF16,
        DType::F64,
        DType::I8,
        DType::U8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::Bool,
    ];

    /// Size of one element in bytes.
    pub fn size(self) -> usize {
        match self {
            DType::I8 | DType::U8 | DType::Bool => 1,
            DType::F16 | DType::BF16 | DType::I16 => 2,
            DType::F32 | DType::I32 => 4,
            DType::F64 | DType::I64 => 8,
        }
    }

    /// The dtype's name as the IR spells it: `f32`, `bf16`, `bool`, ...
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "f32",
            DType::F16 => "f16",
            DType::BF16 => "bf16",
            DType::F64 => "f64",
            DType::I8 => "i8",
            DType::U8 => "u8",
            DType::I16 => "i16",
            DType::I32 => "i32",
            DType::I64 => "i64",
            DType::Bool => "bool",
        }
    }

    /// The one-byte code that stands for this dtype in the file: its position in [`DType::ALL`].
    fn code(self) -> u8 {
        match self {
            DType::F32 => 0,
            DType::F16 => 1,
            DType::BF16 => 2,
            DType::F64 => 3,
            DType::I8 => 4,
            DType::U8 => 5,
            DType::I16 => 6,
            DType::I32 => 7,
            DType::I64 => 8,
            DType::Bool => 9,
        }
    }

    fn from_code(code: u8) -> Option<DType> {
        DType::ALL.get(usize::from(code)).copied()
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A compiled model as the compiler builds it and as [`Artefact::to_bytes`] writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Artefact {
    /// Who wrote the file, e.g. `msc 0.1.0`.
    pub producer: String,
    /// Target triple the code was generated for, e.g. `x86_64-unknown-linux-gnu`.
    pub target: String,
    /// Host CPU features the code needs, spelled as `is_x86_feature_detected!` / `is_aarch64_feature_detected!`
    /// spell them (`sse4.1`, `fma`, `avx2`, `neon`, ...).
    pub cpu_features: Vec<String>,
    /// The model's inputs and outputs.
    pub manifest: Manifest,
    /// Constant data; [`Base::Weights`] buffer references point into it. Stored 64-byte aligned in the file.
    pub weights: Vec<u8>,
    /// Memory plan and schedule.
    pub plan: Plan,
    /// Machine code of all kernels: position independent, no relocations.
    pub code: Vec<u8>,
    /// The optimized IR as text, for inspection and re-compilation.
    pub ir: Option<String>,
}

/// The model's interface: inputs and outputs in call order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    /// Inputs, each bound by name at run time.
    pub inputs: Vec<TensorInfo>,
    /// Outputs, returned in this order.
    pub outputs: Vec<TensorInfo>,
}

/// Name, element type and static shape of a model input or output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    /// The tensor's name.
    pub name: String,
    /// Its element type.
    pub dtype: DType,
    /// Its dimensions, outermost first.
    pub shape: Vec<u64>,
}

impl TensorInfo {
    /// Bytes the tensor occupies (product of the shape times the element size), or `None` on overflow.
    pub fn byte_size(&self) -> Option<u64> {
        let elements = self.shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))?;
        elements.checked_mul(len64(self.dtype.size()))
    }
}

/// The memory plan and the schedule: kernels and the steps that call them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// Bytes of scratch memory ([`Base::Arena`]) one run needs.
    pub arena_size: u64,
    /// The kernels, ranges of the code section.
    pub kernels: Vec<Kernel>,
    /// The steps, run in order.
    pub steps: Vec<Step>,
}

/// One kernel: a function at `code[code_offset..code_offset + code_len]` with the kernel ABI
/// `unsafe extern "C" fn(args: *const *mut u8, begin: i64, end: i64)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kernel {
    /// The kernel's symbol name.
    pub name: String,
    /// Offset of its entry point in the code section.
    pub code_offset: u64,
    /// Length of its code.
    pub code_len: u64,
}

/// One step of the schedule: a kernel (or runtime routine) called over the tile range `[0, tiles)` on the given
/// buffers.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What the step runs.
    pub routine: Routine,
    /// Parallel extent: the kernel is called on sub-ranges `[begin, end)` of `[0, tiles)` that together cover
    /// it exactly once.
    pub tiles: u64,
    /// The kernel's buffer arguments in order; `args[i]` is passed as base pointer + offset.
    pub args: Vec<BufferRef>,
    /// Source op name, for profiles, e.g. `onnx:conv1`.
    pub name: String,
    /// Source op type, e.g. `nn.conv2d`.
    pub op_type: String,
}

/// A byte range `[offset, offset + len)` of a base buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferRef {
    /// The buffer the range lies in.
    pub base: Base,
    /// Start of the range in bytes.
    pub offset: u64,
    /// Length of the range in bytes.
    pub len: u64,
}

/// The buffers a run has: the caller's inputs (read-only), the outputs, the scratch arena, the weights
/// (read-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The model input with this index in [`Manifest::inputs`].
    Input(u32),
    /// The model output with this index in [`Manifest::outputs`].
    Output(u32),
    /// The per-run scratch arena of [`Plan::arena_size`] bytes; its contents at the start of a run are unspecified.
    Arena,
    /// The artefact's weights.
    Weights,
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base::Input(i) => write!(f, "input {i}"),
            Base::Output(i) => write!(f, "output {i}"),
            Base::Arena => f.write_str("the arena"),
            Base::Weights => f.write_str("the weights"),
        }
    }
}

impl Artefact {
    /// Encodes the artefact as a `.ms` file (see `FORMAT.md`), content hash included. Encoding checks nothing:
    /// the loader ([`crate::Model`], [`Artefact::read`]) rejects an inconsistent artefact.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut header = Writer::default();
        header.string(&self.producer);
        header.string(&self.target);
        header.u64(len64(self.cpu_features.len()));
        for feature in &self.cpu_features {
            header.string(feature);
        }
        let manifest = encode_manifest(&self.manifest);
        let plan = encode_plan(&self.plan);

        let mut sections: Vec<(u32, u32, &[u8])> =
            vec![(SECTION_MANIFEST, FLAG_REQUIRED, &manifest), (SECTION_PLAN, FLAG_REQUIRED, &plan)];
        if let Some(ir) = &self.ir {
            sections.push((SECTION_IR, 0, ir.as_bytes()));
        }
        sections.push((SECTION_WEIGHTS, FLAG_REQUIRED, &self.weights));
        sections.push((SECTION_CODE, FLAG_REQUIRED, &self.code));

        let header_len = FIXED_HEADER_LEN + header.0.len();
        let mut end = header_len + 8 + SECTION_ENTRY_LEN * sections.len();
        let mut offsets = Vec::with_capacity(sections.len());
        for (_, _, data) in &sections {
            let offset = end.next_multiple_of(WEIGHTS_ALIGN);
            offsets.push(offset);
            end = offset + data.len();
        }

        let mut out = Writer(Vec::with_capacity(end));
        out.bytes(&MAGIC);
        out.u32(FORMAT_VERSION);
        out.u32(0);
        out.u64(len64(header_len));
        out.u64(len64(end));
        out.bytes(&[0; 32]);
        out.bytes(&header.0);
        out.u64(len64(sections.len()));
        for ((kind, flags, data), offset) in sections.iter().zip(&offsets) {
            out.u32(*kind);
            out.u32(*flags);
            out.u64(len64(*offset));
            out.u64(len64(data.len()));
        }
        for ((_, _, data), offset) in sections.iter().zip(&offsets) {
            out.0.resize(*offset, 0);
            out.bytes(data);
        }
        let mut bytes = out.0;
        let hash = content_hash(&bytes);
        bytes[HASH_FIELD].copy_from_slice(&hash);
        bytes
    }

    /// Decodes and verifies a `.ms` file: envelope (magic, version, length, content hash) and structure (section
    /// bounds, kernel ranges, step and buffer references). Unlike [`crate::Model`] it neither checks that the
    /// artefact suits this host nor loads its code, so it needs no trust decision: use it to inspect artefacts.
    pub fn read(bytes: &[u8]) -> Result<Artefact, LoadError> {
        let wrap = |kind| LoadError::new(None, kind);
        let envelope = check_envelope(bytes).map_err(wrap)?;
        let header = decode_header(bytes, &envelope).map_err(wrap)?;
        let body = decode_body(bytes, &envelope).map_err(wrap)?;
        check_structure(&body.manifest, &body.plan, body.weights.len(), body.code.len()).map_err(wrap)?;
        Ok(Artefact {
            producer: header.producer,
            target: header.target,
            cpu_features: header.cpu_features,
            manifest: body.manifest,
            weights: bytes[body.weights].to_vec(),
            plan: body.plan,
            code: body.code.to_vec(),
            ir: body.ir,
        })
    }
}

/// Checks a `.ms` file's envelope (magic, version, length, content hash) and returns its content hash: the
/// value to pin with [`crate::Trust::ExpectedHash`].
pub fn verified_hash(bytes: &[u8]) -> Result<[u8; 32], LoadError> {
    check_envelope(bytes).map(|envelope| envelope.hash).map_err(|kind| LoadError::new(None, kind))
}

/// Lowercase hex of a hash, for messages.
pub(crate) fn hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// `usize` to `u64`: lossless on every platform this runtime supports (pointers of at most 64 bits).
fn len64(n: usize) -> u64 {
    n as u64
}

/// BLAKE3 of every byte of the file except the hash field itself. Needs `bytes.len() >= FIXED_HEADER_LEN`.
fn content_hash(bytes: &[u8]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&bytes[..HASH_FIELD.start]);
    hasher.update(&bytes[HASH_FIELD.end..]);
    *hasher.finalize().as_bytes()
}

/// A little-endian byte writer.
#[derive(Default)]
pub(crate) struct Writer(Vec<u8>);

impl Writer {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    fn string(&mut self, s: &str) {
        self.u64(len64(s.len()));
        self.bytes(s.as_bytes());
    }
}

fn encode_manifest(manifest: &Manifest) -> Vec<u8> {
    let mut w = Writer::default();
    for list in [&manifest.inputs, &manifest.outputs] {
        w.u64(len64(list.len()));
        for info in list {
            w.string(&info.name);
            w.u8(info.dtype.code());
            w.u64(len64(info.shape.len()));
            for &d in &info.shape {
                w.u64(d);
            }
        }
    }
    w.0
}

fn encode_plan(plan: &Plan) -> Vec<u8> {
    let mut w = Writer::default();
    w.u64(plan.arena_size);
    w.u64(len64(plan.kernels.len()));
    for kernel in &plan.kernels {
        w.string(&kernel.name);
        w.u64(kernel.code_offset);
        w.u64(kernel.code_len);
    }
    w.u64(len64(plan.steps.len()));
    for step in &plan.steps {
        step.routine.encode(&mut w);
        w.u64(step.tiles);
        w.u64(len64(step.args.len()));
        for arg in &step.args {
            let (tag, index) = match arg.base {
                Base::Input(i) => (0, i),
                Base::Output(i) => (1, i),
                Base::Arena => (2, 0),
                Base::Weights => (3, 0),
            };
            w.u8(tag);
            w.u32(index);
            w.u64(arg.offset);
            w.u64(arg.len);
        }
        w.string(&step.name);
        w.string(&step.op_type);
    }
    w.0
}

/// A bounds-checked little-endian reader over one part of the file. Every read checks the remaining length
/// first, and every count is checked against the bytes left before anything is allocated for it.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    section: &'static str,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], section: &'static str) -> Reader<'a> {
        Reader { data, pos: 0, section }
    }

    pub(crate) fn error(&self, detail: String) -> LoadErrorKind {
        LoadErrorKind::Malformed { section: self.section, detail }
    }

    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: u64, what: &str) -> Result<&'a [u8], LoadErrorKind> {
        let slice = usize::try_from(n).ok().and_then(|n| self.data.get(self.pos..self.pos.checked_add(n)?));
        match slice {
            Some(slice) => {
                self.pos += slice.len();
                Ok(slice)
            }
            None => Err(self.error(format!(
                "{what} needs {n} bytes at offset {} but only {} remain",
                self.pos,
                self.remaining()
            ))),
        }
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], LoadErrorKind> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(len64(N), what)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, LoadErrorKind> {
        Ok(self.array::<1>(what)?[0])
    }

    /// A flag: a byte that must be 0 or 1.
    pub(crate) fn flag(&mut self, what: &str) -> Result<bool, LoadErrorKind> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(self.error(format!("{what} is {v}, must be 0 or 1"))),
        }
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, LoadErrorKind> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, LoadErrorKind> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn string(&mut self, what: &str) -> Result<String, LoadErrorKind> {
        let len = self.u64(what)?;
        let start = self.pos;
        let bytes = self.take(len, what)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(self.error(format!("{what} at offset {start} is not UTF-8: {e}"))),
        }
    }

    /// Reads an element count and checks that that many elements of at least `min_size` bytes each fit in the
    /// rest of the data, so a corrupt count cannot cause a huge allocation.
    pub(crate) fn count(&mut self, what: &str, min_size: usize) -> Result<usize, LoadErrorKind> {
        let start = self.pos;
        let n = self.u64(what)?;
        let fits = self.remaining() / min_size;
        match usize::try_from(n) {
            Ok(n) if n <= fits => Ok(n),
            _ => Err(self.error(format!(
                "{what} count {n} at offset {start} cannot fit in the {} bytes that remain",
                self.remaining()
            ))),
        }
    }

    fn finish(self) -> Result<(), LoadErrorKind> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(self.error(format!("{extra} unexpected bytes at the end"))),
        }
    }
}

/// What the fixed header says, once it has been checked.
pub(crate) struct Envelope {
    /// The verified content hash.
    pub hash: [u8; 32],
    /// Where the variable header ends and the section table starts.
    header_len: usize,
    /// The format version the file was written in.
    version: u32,
}

/// The variable part of the header: who wrote the file and for what host.
pub(crate) struct Header {
    pub producer: String,
    pub target: String,
    pub cpu_features: Vec<String>,
}

/// The decoded sections; weights and code stay in the file's bytes.
pub(crate) struct Body<'a> {
    pub manifest: Manifest,
    pub plan: Plan,
    /// The weights section's byte range in the file.
    pub weights: Range<usize>,
    pub code: &'a [u8],
    pub ir: Option<String>,
}

fn fixed_u32(bytes: &[u8], at: usize) -> u32 {
    let mut le = [0; 4];
    le.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(le)
}

fn fixed_u64(bytes: &[u8], at: usize) -> u64 {
    let mut le = [0; 8];
    le.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(le)
}

/// Checks the fixed header in the order that gives the most useful message: magic, version, length, hash.
pub(crate) fn check_envelope(bytes: &[u8]) -> Result<Envelope, LoadErrorKind> {
    let found = len64(bytes.len());
    let truncated = |expected: u64| LoadErrorKind::Truncated { expected, found };
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(LoadErrorKind::BadMagic);
    }
    if bytes.len() < 12 {
        return Err(truncated(len64(FIXED_HEADER_LEN)));
    }
    let version = fixed_u32(bytes, 8);
    if version == 0 || version > FORMAT_VERSION {
        return Err(LoadErrorKind::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
    }
    if bytes.len() < FIXED_HEADER_LEN {
        return Err(truncated(len64(FIXED_HEADER_LEN)));
    }
    let malformed = |detail| LoadErrorKind::Malformed { section: "header", detail };
    let file_len = fixed_u64(bytes, 24);
    if found < file_len {
        return Err(truncated(file_len));
    }
    if found > file_len {
        return Err(malformed(format!(
            "the file has {} bytes after the end its header records ({file_len})",
            found - file_len
        )));
    }
    let reserved = fixed_u32(bytes, 12);
    if reserved != 0 {
        return Err(malformed(format!("the reserved field is {reserved:#x}, must be 0")));
    }
    let header_len = fixed_u64(bytes, 16);
    let header_len = match usize::try_from(header_len) {
        Ok(len) if (FIXED_HEADER_LEN..=bytes.len()).contains(&len) => len,
        _ => return Err(malformed(format!("header length {header_len} is outside {FIXED_HEADER_LEN}..={found}"))),
    };
    let mut stored = [0; 32];
    stored.copy_from_slice(&bytes[HASH_FIELD]);
    let computed = content_hash(bytes);
    if stored != computed {
        return Err(LoadErrorKind::HashMismatch { stored: hex(&stored), computed: hex(&computed) });
    }
    Ok(Envelope { hash: stored, header_len, version })
}

/// Decodes the variable header. The envelope must have been checked.
pub(crate) fn decode_header(bytes: &[u8], envelope: &Envelope) -> Result<Header, LoadErrorKind> {
    let mut r = Reader::new(&bytes[FIXED_HEADER_LEN..envelope.header_len], "header");
    let producer = r.string("producer")?;
    let target = r.string("target triple")?;
    let n = r.count("CPU feature", MIN_STRING)?;
    let mut cpu_features = Vec::with_capacity(n);
    for _ in 0..n {
        cpu_features.push(r.string("CPU feature")?);
    }
    r.finish()?;
    Ok(Header { producer, target, cpu_features })
}

fn section_name(kind: u32) -> String {
    match kind {
        SECTION_MANIFEST => "manifest".into(),
        SECTION_WEIGHTS => "weights".into(),
        SECTION_PLAN => "plan".into(),
        SECTION_CODE => "code".into(),
        SECTION_IR => "ir".into(),
        other => format!("kind {other}"),
    }
}

/// Decodes the section table and the structured sections. The envelope must have been checked.
pub(crate) fn decode_body<'a>(bytes: &'a [u8], envelope: &Envelope) -> Result<Body<'a>, LoadErrorKind> {
    let mut r = Reader::new(&bytes[envelope.header_len..], "section table");
    let n = r.count("section", SECTION_ENTRY_LEN)?;
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        let kind = r.u32("section kind")?;
        let flags = r.u32("section flags")?;
        let offset = r.u64("section offset")?;
        let len = r.u64("section length")?;
        entries.push((kind, flags, offset, len));
    }
    let area_start = len64(envelope.header_len + r.pos);
    let area_end = len64(bytes.len());

    // Bounds (overflow-safe) and no overlap: sorted by offset, each section ends before the next starts.
    let mut ranges: Vec<(u64, u64, u32)> = Vec::with_capacity(n);
    for &(kind, _, offset, len) in &entries {
        let out_of_bounds =
            || LoadErrorKind::SectionOutOfBounds { section: section_name(kind), offset, len, area_start, area_end };
        let end = offset.checked_add(len).ok_or_else(out_of_bounds)?;
        if offset < area_start || end > area_end {
            return Err(out_of_bounds());
        }
        ranges.push((offset, end, kind));
    }
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        let ((_, prev_end, _), (offset, end, kind)) = (pair[0], pair[1]);
        if offset < prev_end {
            return Err(LoadErrorKind::SectionOutOfBounds {
                section: section_name(kind),
                offset,
                len: end - offset,
                area_start,
                area_end,
            });
        }
    }

    let mut known: [Option<Range<usize>>; 5] = Default::default();
    for &(kind, flags, offset, len) in &entries {
        // In bounds of `bytes` (checked above), so these fit in usize.
        let range = offset as usize..(offset + len) as usize;
        let slot = match kind {
            SECTION_MANIFEST..=SECTION_IR => &mut known[(kind - 1) as usize],
            _ if flags & FLAG_REQUIRED != 0 => return Err(LoadErrorKind::UnknownRequiredSection { kind }),
            _ => continue,
        };
        if slot.replace(range).is_some() {
            return Err(LoadErrorKind::BadSectionTable {
                detail: format!("section {} appears twice", section_name(kind)),
            });
        }
    }
    let [manifest, weights, plan, code, ir] = known;
    let required = |range: Option<Range<usize>>, kind| {
        range.ok_or_else(|| LoadErrorKind::BadSectionTable {
            detail: format!("the required {} section is missing", section_name(kind)),
        })
    };
    let manifest = required(manifest, SECTION_MANIFEST)?;
    let weights = required(weights, SECTION_WEIGHTS)?;
    let plan = required(plan, SECTION_PLAN)?;
    let code = required(code, SECTION_CODE)?;
    if weights.start % WEIGHTS_ALIGN != 0 {
        return Err(LoadErrorKind::MisalignedWeights { offset: len64(weights.start) });
    }
    let ir = match ir {
        Some(range) => match std::str::from_utf8(&bytes[range.clone()]) {
            Ok(text) => Some(text.to_owned()),
            Err(e) => {
                return Err(LoadErrorKind::Malformed {
                    section: "ir",
                    detail: format!("the IR text is not UTF-8: {e}"),
                });
            }
        },
        None => None,
    };
    Ok(Body {
        manifest: decode_manifest(&bytes[manifest])?,
        plan: decode_plan(&bytes[plan], envelope.version)?,
        weights,
        code: &bytes[code],
        ir,
    })
}

fn decode_tensor_list(r: &mut Reader<'_>, what: &str) -> Result<Vec<TensorInfo>, LoadErrorKind> {
    let n = r.count(what, MIN_TENSOR_INFO)?;
    let mut list = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string("tensor name")?;
        let code = r.u8("dtype")?;
        let dtype = DType::from_code(code).ok_or_else(|| r.error(format!("unknown dtype code {code}")))?;
        let rank = r.count("dimension", 8)?;
        let mut shape = Vec::with_capacity(rank);
        for _ in 0..rank {
            shape.push(r.u64("dimension")?);
        }
        list.push(TensorInfo { name, dtype, shape });
    }
    Ok(list)
}

fn decode_manifest(data: &[u8]) -> Result<Manifest, LoadErrorKind> {
    let mut r = Reader::new(data, "manifest");
    let inputs = decode_tensor_list(&mut r, "input")?;
    let outputs = decode_tensor_list(&mut r, "output")?;
    r.finish()?;
    Ok(Manifest { inputs, outputs })
}

fn decode_plan(data: &[u8], version: u32) -> Result<Plan, LoadErrorKind> {
    let mut r = Reader::new(data, "plan");
    let arena_size = r.u64("arena size")?;
    let n = r.count("kernel", MIN_KERNEL)?;
    let mut kernels = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.string("kernel name")?;
        let code_offset = r.u64("kernel code offset")?;
        let code_len = r.u64("kernel code length")?;
        kernels.push(Kernel { name, code_offset, code_len });
    }
    let n = r.count("step", MIN_STEP)?;
    let mut steps = Vec::with_capacity(n);
    for _ in 0..n {
        // Version 1 steps always call a kernel and store just its index.
        let routine = if version == 1 { Routine::Kernel(r.u32("step kernel")?) } else { Routine::decode(&mut r)? };
        let tiles = r.u64("step tiles")?;
        let n_args = r.count("step argument", BUFFER_REF_LEN)?;
        let mut args = Vec::with_capacity(n_args);
        for _ in 0..n_args {
            let tag = r.u8("buffer base")?;
            let index = r.u32("buffer base index")?;
            let base = match (tag, index) {
                (0, i) => Base::Input(i),
                (1, i) => Base::Output(i),
                (2, 0) => Base::Arena,
                (3, 0) => Base::Weights,
                _ => return Err(r.error(format!("invalid buffer base (tag {tag}, index {index})"))),
            };
            let offset = r.u64("buffer offset")?;
            let len = r.u64("buffer length")?;
            args.push(BufferRef { base, offset, len });
        }
        let name = r.string("step name")?;
        let op_type = r.string("step op type")?;
        steps.push(Step { routine, tiles, args, name, op_type });
    }
    r.finish()?;
    Ok(Plan { arena_size, kernels, steps })
}

fn tensor_sizes(list: &[TensorInfo], kind: &'static str) -> Result<Vec<usize>, LoadErrorKind> {
    let mut seen = HashSet::new();
    let mut sizes = Vec::with_capacity(list.len());
    for info in list {
        if !seen.insert(info.name.as_str()) {
            return Err(LoadErrorKind::DuplicateTensorName { list: kind, name: info.name.clone() });
        }
        let fits = info.shape.iter().all(|&d| usize::try_from(d).is_ok());
        match info.byte_size().and_then(|n| isize::try_from(n).ok()) {
            Some(size) if fits => sizes.push(size as usize),
            _ => return Err(LoadErrorKind::SizeOverflow { what: format!("{kind} `{}`", info.name) }),
        }
    }
    Ok(sizes)
}

/// Checks that the manifest is consistent and the plan only refers to things that exist: kernels inside the
/// code, steps calling existing kernels with tile counts the ABI can pass, buffer references inside their bases.
/// Returns the outputs' byte sizes, all known to fit in memory.
pub(crate) fn check_structure(
    manifest: &Manifest,
    plan: &Plan,
    weights_len: usize,
    code_len: usize,
) -> Result<Vec<usize>, LoadErrorKind> {
    let inputs = tensor_sizes(&manifest.inputs, "input")?;
    let outputs = tensor_sizes(&manifest.outputs, "output")?;
    if isize::try_from(plan.arena_size).is_err() {
        return Err(LoadErrorKind::SizeOverflow { what: format!("the {}-byte arena", plan.arena_size) });
    }
    for (index, kernel) in plan.kernels.iter().enumerate() {
        let end = kernel.code_offset.checked_add(kernel.code_len);
        if kernel.code_len == 0 || end.is_none_or(|end| end > len64(code_len)) {
            return Err(LoadErrorKind::KernelOutOfBounds {
                index,
                name: kernel.name.clone(),
                offset: kernel.code_offset,
                len: kernel.code_len,
                code_len: len64(code_len),
            });
        }
    }
    for (index, step) in plan.steps.iter().enumerate() {
        let name = || step.name.clone();
        match &step.routine {
            Routine::Kernel(kernel) => {
                if usize::try_from(*kernel).map_or(true, |k| k >= plan.kernels.len()) {
                    return Err(LoadErrorKind::BadKernelIndex {
                        step: index,
                        name: name(),
                        kernel: *kernel,
                        kernels: plan.kernels.len(),
                    });
                }
                if i64::try_from(step.tiles).is_err() {
                    return Err(LoadErrorKind::TooManyTiles { step: index, name: name(), tiles: step.tiles });
                }
            }
            Routine::Gemm(_)
            | Routine::Depthwise(_)
            | Routine::WinogradConv(_)
            | Routine::Col2im(_)
            | Routine::Resize(_) => {
                let lens: Vec<u64> = step.args.iter().map(|a| a.len).collect();
                let (routine, checked) = match &step.routine {
                    Routine::Gemm(call) => ("GEMM", call.check(&lens)),
                    Routine::Depthwise(call) => ("depthwise", call.check(&lens)),
                    Routine::WinogradConv(call) => ("Winograd convolution", call.check(&lens)),
                    Routine::Col2im(call) => ("col2im", call.check(&lens)),
                    Routine::Resize(call) => ("resize", call.check(&lens)),
                    Routine::Kernel(_) => unreachable!("matched above"),
                };
                let reason = if step.tiles != 0 {
                    Some(format!("tiles is {}, must be 0 (the runtime tiles its routines itself)", step.tiles))
                } else {
                    checked.err()
                };
                if let Some(reason) = reason {
                    return Err(LoadErrorKind::BadRoutine { step: index, name: name(), routine, reason });
                }
            }
        }
        for (arg, buffer) in step.args.iter().enumerate() {
            let indexed = |i: u32, sizes: &[usize], base_kind| {
                let size = usize::try_from(i).ok().and_then(|i| sizes.get(i)).copied();
                size.ok_or_else(|| LoadErrorKind::BadBaseIndex {
                    step: index,
                    name: name(),
                    arg,
                    base: buffer.base.to_string(),
                    base_kind,
                    count: sizes.len(),
                })
            };
            let base_len = match buffer.base {
                Base::Input(i) => indexed(i, &inputs, "input")?,
                Base::Output(i) => indexed(i, &outputs, "output")?,
                Base::Arena => plan.arena_size as usize,
                Base::Weights => weights_len,
            };
            let end = buffer.offset.checked_add(buffer.len);
            if end.is_none_or(|end| end > len64(base_len)) {
                return Err(LoadErrorKind::BufferOutOfBounds {
                    step: index,
                    name: name(),
                    arg,
                    base: buffer.base.to_string(),
                    offset: buffer.offset,
                    len: buffer.len,
                    base_len: len64(base_len),
                });
            }
        }
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version-1 plan: its steps store a bare kernel index where version 2 stores a routine.
    #[test]
    fn version_1_plans_decode_as_kernel_calls() {
        let mut w = Writer::default();
        w.u64(256); // arena
        w.u64(1);
        w.string("k0");
        w.u64(0);
        w.u64(16);
        w.u64(1);
        w.u32(0); // kernel index, no routine tag
        w.u64(3);
        w.u64(1);
        w.u8(2);
        w.u32(0);
        w.u64(64);
        w.u64(32);
        w.string("onnx:n");
        w.string("nn.relu");
        let plan = decode_plan(&w.0, 1).unwrap();
        assert_eq!(plan.steps[0].routine, Routine::Kernel(0));
        assert_eq!(plan.steps[0].tiles, 3);
        assert_eq!(plan.steps[0].args, [BufferRef { base: Base::Arena, offset: 64, len: 32 }]);
        assert!(decode_plan(&w.0, 2).is_err(), "version 2 reads a routine tag first");
    }
}
