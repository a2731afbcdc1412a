//! Compile-time packing of constant GEMM operands (weights) into the runtime engine's panel layout, so a
//! run streams them straight into the microkernels instead of repacking them every time.

use msc_ir::{Attribute, Context, Value};
use msc_kernel::kernel;
use msc_runtime::gemm::{StridedSlice, Variant, pack_a, pack_b, packed_a_len, packed_b_len};
use msc_runtime::routine::{BatchLevel, GemmCall, Source, WinogradConvCall};
use msc_runtime::winograd::POSITIONS;

/// The f32 data of buffer `v` when it is a whole weight (a `kernel.constant`, possibly seen through views
/// at offset 0).
pub(crate) fn constant_data(ctx: &Context, mut v: Value) -> Option<Vec<f32>> {
    loop {
        let op = ctx.op(ctx.defining_op(v)?);
        if op.name() == kernel::VIEW.name && op.int("offset").ok()? == 0 {
            v = op.operand(0);
        } else if op.name() == kernel::CONSTANT.name {
            let Some(Attribute::Dense(value)) = op.raw_attr("value") else { return None };
            let bytes = value.full_bytes()?;
            return Some(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect());
        } else {
            return None;
        }
    }
}

/// Which operand of a GEMM is packed.
#[derive(Clone, Copy)]
pub(crate) enum Operand {
    A,
    B,
}

impl Operand {
    /// Where `call` reads the operand from.
    fn source(self, call: &mut GemmCall) -> &mut Source {
        match self {
            Operand::A => &mut call.a,
            Operand::B => &mut call.b,
        }
    }

    /// The operand's stride along batch level `level`.
    fn stride(self, level: &mut BatchLevel) -> &mut u64 {
        match self {
            Operand::A => &mut level.a,
            Operand::B => &mut level.b,
        }
    }

    /// Rows, columns and panel width of the operand of `call` for `variant`.
    fn shape(self, call: &GemmCall, variant: Variant) -> (usize, usize, usize) {
        let (m, n, k) = (call.m as usize, call.n as usize, call.k as usize);
        match self {
            Operand::A => (m, k, variant.mr()),
            Operand::B => (k, n, variant.nr()),
        }
    }

    /// Packs one entry of the operand into `dst` of [`Operand::packed_len`] floats.
    fn pack(self, src: StridedSlice<'_>, (rows, cols, width): (usize, usize, usize), dst: &mut [f32]) -> Option<()> {
        match self {
            Operand::A => pack_a(src, rows, cols, width, dst).ok(),
            Operand::B => pack_b(src, rows, cols, width, dst).ok(),
        }
    }

    /// The packed length of one entry.
    fn packed_len(self, (rows, cols, width): (usize, usize, usize)) -> usize {
        match self {
            Operand::A => packed_a_len(rows, cols, width),
            Operand::B => packed_b_len(rows, cols, width),
        }
    }
}

/// Packs operand `which` of `call`, whose data is `data`, for `variant`, and rewrites `call` to read the
/// packed panels. Returns `None` (and leaves `call` alone) when the operand is not a strided matrix
/// per batch entry that packing can express: every batch level must share it (stride 0) except at most one
/// level whose entries follow each other densely.
pub(crate) fn pack(call: &mut GemmCall, which: Operand, data: &[f32], variant: Variant) -> Option<Vec<f32>> {
    let shape @ (rows, cols, width) = which.shape(call, variant);
    let Source::Strided { row, col } = *which.source(call) else { return None };
    let dense = (rows * cols) as u64;
    let mut varying = call.batch.iter_mut().map(|l| (l.count, *which.stride(l))).filter(|&(_, s)| s != 0);
    let entries = match (varying.next(), varying.next()) {
        (None, _) => 1,
        (Some((count, stride)), None)
            if stride == dense && ((row, col) == (cols as u64, 1) || (row, col) == (1, rows as u64)) =>
        {
            count as usize
        }
        _ => return None,
    };
    let (packed, packed_len) = pack_entries(which, data, shape, [row as usize, col as usize], entries)?;
    for level in &mut call.batch {
        let stride = which.stride(level);
        if *stride != 0 {
            *stride = packed_len as u64;
        }
    }
    *which.source(call) = Source::Packed { width: width as u32 };
    Some(packed)
}

/// Packs `entries` consecutive `rows x cols` matrices of `data` (element `(i, j)` of an entry at
/// `i·strides[0] + j·strides[1]`) as operand `which` in panels of `width`; returns the panels and the length
/// of one entry's.
fn pack_entries(
    which: Operand,
    data: &[f32],
    shape @ (rows, cols, _): (usize, usize, usize),
    [row, col]: [usize; 2],
    entries: usize,
) -> Option<(Vec<f32>, usize)> {
    let packed_len = which.packed_len(shape);
    let mut packed = vec![0f32; packed_len * entries];
    for (entry, dst) in packed.chunks_exact_mut(packed_len).enumerate() {
        let src = StridedSlice { data: data.get(entry * rows * cols..)?, row_stride: row, col_stride: col };
        which.pack(src, shape, dst)?;
    }
    Some((packed, packed_len))
}

/// Packs the row-major U (`36 x filters x channels`, `data`) of a Winograd convolution for `variant`: each
/// position's matrix as the engine's A panels; rewrites `call` to read them. `None` (and `call` left alone)
/// when U is already packed or `data` is not U.
pub(crate) fn pack_winograd_u(call: &mut WinogradConvCall, data: &[f32], variant: Variant) -> Option<Vec<f32>> {
    let (rows, cols) = (usize::try_from(call.filters).ok()?, usize::try_from(call.channels).ok()?);
    if call.u_width != 0 || rows.checked_mul(cols)?.checked_mul(POSITIONS)? != data.len() {
        return None;
    }
    let (packed, _) = pack_entries(Operand::A, data, (rows, cols, variant.mr()), [cols, 1], POSITIONS)?;
    call.u_width = u32::try_from(variant.mr()).ok()?;
    Some(packed)
}
