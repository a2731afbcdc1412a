//! The resize routine: 2-D resampling of f32 planes (the last two axes of an NCHW tensor) through one tap table
//! per axis that the compiler computed, so every coordinate transformation and rounding mode it supports is a
//! table here:
//!
//! `y[p, oy, ox] = Σ_a Σ_b wr[oy][a] · wc[ox][b] · x[p, r[oy][a], c[ox][b]]` over one tap per axis (nearest) or
//! two (linear).
//!
//! [`ResizeCall`] is the plan step's descriptor. The work unit (the pool's tile) is a band of [`ROWS_PER_TILE`]
//! output rows of one plane. Columns are resampled first, one input row at a time: a block of 8 outputs whose
//! taps lie within 8 consecutive inputs loads those once and picks its lanes with an in-register permute
//! (`vpermps`: a 2x nearest upsampling duplicates, a linear one reads both taps from the same load); other
//! blocks gather (AVX2). Rows are then nearest copies of a resampled row (an output row with the same source as
//! the previous one copies it) or linear blends of two resampled input rows, kept in two per-thread scratch rows
//! so that consecutive output rows sharing a source row resample it once. AVX2 + FMA when the host has them
//! (the loops are compiled with those features), else portable code.

use crate::depthwise::Isa;
use crate::error::LoadErrorKind;
use crate::format::{Reader, Writer};
use crate::routine;

/// Output rows per work unit.
pub const ROWS_PER_TILE: usize = 16;

/// Input sides beyond this are rejected, so positions fit in the `i32` lanes of a gather.
const MAX_SIDE: u64 = i32::MAX as u64;

/// `y = resize(x)` over the last two axes of `planes` f32 planes (see the module docs). The step's arguments are
/// x (`planes x input[0] x input[1]`) and y (`planes x rows.len() x columns.len()`), dense.
#[derive(Debug, Clone, PartialEq)]
pub struct ResizeCall {
    /// Planes resampled (images · channels).
    pub planes: u64,
    /// Input height and width.
    pub input: [u64; 2],
    /// How each output row is made from the input rows (as many entries as output rows).
    pub rows: AxisTaps,
    /// How each output column is made from the input columns.
    pub columns: AxisTaps,
}

/// How the output positions of one axis are made from the input positions.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisTaps {
    /// Output position `i` copies input position `positions[i]`.
    Nearest(Vec<u32>),
    /// Output position `i` is `weights[0][i]·x[positions[0][i]] + weights[1][i]·x[positions[1][i]]`.
    Linear { positions: [Vec<u32>; 2], weights: [Vec<f32>; 2] },
}

impl AxisTaps {
    /// Output positions.
    pub fn len(&self) -> usize {
        match self {
            AxisTaps::Nearest(positions) => positions.len(),
            AxisTaps::Linear { positions, .. } => positions[0].len(),
        }
    }

    /// Whether the axis has no output position.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks the tables have one entry per output position and every position is below `input`.
    fn check(&self, input: u64, what: &str) -> Result<(), String> {
        let tables: Vec<&[u32]> = match self {
            AxisTaps::Nearest(positions) => vec![positions],
            AxisTaps::Linear { positions, weights } => {
                let len = positions[0].len();
                if positions[1].len() != len || weights.iter().any(|w| w.len() != len) {
                    return Err(format!("the {what} tables differ in length"));
                }
                positions.iter().map(Vec::as_slice).collect()
            }
        };
        match tables.iter().flat_map(|t| t.iter()).find(|&&p| u64::from(p) >= input) {
            Some(p) => Err(format!("{what} position {p} is outside the input's {input}")),
            None => Ok(()),
        }
    }

    fn encode(&self, w: &mut Writer) {
        match self {
            AxisTaps::Nearest(positions) => {
                w.u8(0);
                w.u64(positions.len() as u64);
                positions.iter().for_each(|&p| w.u32(p));
            }
            AxisTaps::Linear { positions, weights } => {
                // Tables of unequal lengths (which the check rejects) are written up to the shortest.
                let taps = positions[0].iter().zip(&positions[1]).zip(weights[0].iter().zip(&weights[1]));
                w.u8(1);
                w.u64(taps.clone().count() as u64);
                for ((&p0, &p1), (w0, w1)) in taps {
                    for v in [p0, p1, w0.to_bits(), w1.to_bits()] {
                        w.u32(v);
                    }
                }
            }
        }
    }

    fn decode(r: &mut Reader<'_>, what: &str) -> Result<AxisTaps, LoadErrorKind> {
        match r.u8(what)? {
            0 => {
                let n = r.count(what, 4)?;
                Ok(AxisTaps::Nearest((0..n).map(|_| r.u32(what)).collect::<Result<_, _>>()?))
            }
            1 => {
                let n = r.count(what, 16)?;
                let (mut positions, mut weights) = ([vec![], vec![]], [vec![], vec![]]);
                for _ in 0..n {
                    for table in &mut positions {
                        table.push(r.u32(what)?);
                    }
                    for table in &mut weights {
                        table.push(f32::from_bits(r.u32(what)?));
                    }
                }
                Ok(AxisTaps::Linear { positions, weights })
            }
            tag => Err(r.error(format!("unknown {what} kind {tag}"))),
        }
    }
}

impl ResizeCall {
    /// The number of buffer arguments a step running this call takes.
    pub fn num_args(&self) -> usize {
        2
    }

    /// Values of y.
    fn y_len(&self) -> Option<u64> {
        self.planes.checked_mul(self.rows.len() as u64)?.checked_mul(self.columns.len() as u64)
    }

    /// Checks the call is well formed and every element it touches lies inside buffers of `arg_lens` bytes.
    pub fn check(&self, arg_lens: &[u64]) -> Result<(), String> {
        if arg_lens.len() != self.num_args() {
            return Err(format!("a resize step takes {} buffers, this one has {}", self.num_args(), arg_lens.len()));
        }
        if self.input.iter().any(|&side| side > MAX_SIDE) {
            return Err(format!("the input sides {:?} exceed {MAX_SIDE}", self.input));
        }
        self.rows.check(self.input[0], "row")?;
        self.columns.check(self.input[1], "column")?;
        let empty = self.y_len() == Some(0);
        let x_len = self.planes.checked_mul(self.input[0]).and_then(|v| v.checked_mul(self.input[1]));
        routine::check_dense_operands([("x", x_len), ("y", self.y_len())], arg_lens, empty)
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        for v in [self.planes, self.input[0], self.input[1]] {
            w.u64(v);
        }
        self.rows.encode(w);
        self.columns.encode(w);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<ResizeCall, LoadErrorKind> {
        let [planes, height, width]: [u64; 3] = routine::decode_u64s(r, "resize call")?;
        let rows = AxisTaps::decode(r, "resize rows")?;
        let columns = AxisTaps::decode(r, "resize columns")?;
        Ok(ResizeCall { planes, input: [height, width], rows, columns })
    }
}

/// Runs `call` on slices with `isa`, checking every length first (the entry point for tests and callers
/// outside a plan).
pub fn resize(call: &ResizeCall, isa: Isa, x: &[f32], y: &mut [f32]) -> Result<(), String> {
    let (args, lens) = routine::slice_arguments(&[x], y, [None, None], (false, false))?;
    call.check(&lens)?;
    if !isa.is_available() {
        return Err(format!("this host cannot run {isa:?} code"));
    }
    let bound = BoundResize::new(call, isa, &args);
    // SAFETY: the lengths were checked; y is borrowed mutably, so it overlaps no input; one thread runs every
    // tile.
    unsafe { bound.run_tiles(0, bound.tiles()) };
    Ok(())
}

/// A resize step bound to one run's buffers.
pub(crate) struct BoundResize<'a> {
    call: &'a ResizeCall,
    isa: Isa,
    args: &'a [*mut u8],
}

// SAFETY: the pointers are dereferenced only by tiles, which write disjoint rows of y.
unsafe impl Sync for BoundResize<'_> {}

crate::routine::avx2_or_portable_tiles!(BoundResize);

impl<'a> BoundResize<'a> {
    /// Binds `call` (checked at load time against the buffers' lengths) to `args`, its buffers' addresses.
    pub(crate) fn new(call: &'a ResizeCall, isa: Isa, args: &'a [*mut u8]) -> BoundResize<'a> {
        BoundResize { call, isa, args }
    }

    /// Independent tiles: one per band of output rows of every plane (none when y is empty).
    pub(crate) fn tiles(&self) -> u64 {
        let call = self.call;
        if call.columns.is_empty() {
            return 0;
        }
        call.planes * call.rows.len().div_ceil(ROWS_PER_TILE) as u64
    }

    /// Runs tiles `[begin, end)`, with AVX2 permutes and gathers if `AVX2`; inlined into each instruction set's
    /// entry.
    ///
    /// # Safety
    /// As [`BoundResize::run_tiles`].
    #[inline(always)]
    unsafe fn tiles_with<const AVX2: bool>(&self, begin: u64, end: u64) {
        let call = self.call;
        let [in_h, in_w] = call.input.map(|v| v as usize);
        let (out_h, out_w) = (call.rows.len(), call.columns.len());
        let bands = out_h.div_ceil(ROWS_PER_TILE);
        // Two resampled input rows for linear rows, and the input row each holds.
        let slot_len = if matches!(call.rows, AxisTaps::Linear { .. }) { out_w } else { 0 };
        let mut scratch = vec![0f32; 2 * slot_len];
        let (first, second) = scratch.split_at_mut(slot_len);
        let slots = [first, second];
        for unit in begin as usize..end as usize {
            let (plane, band) = (unit / bands, unit % bands);
            let rows = band * ROWS_PER_TILE..((band + 1) * ROWS_PER_TILE).min(out_h);
            // SAFETY: plane < planes: its input lies in x (checked at load time).
            let x = unsafe {
                std::slice::from_raw_parts(
                    self.args[0].cast::<f32>().cast_const().add(plane * in_h * in_w),
                    in_h * in_w,
                )
            };
            // SAFETY: the band's rows of the plane lie in y, and this tile is the only one writing them.
            let y = unsafe {
                std::slice::from_raw_parts_mut(
                    self.args[1].cast::<f32>().add((plane * out_h + rows.start) * out_w),
                    rows.len() * out_w,
                )
            };
            let input_row = |r: u32| &x[r as usize * in_w..][..in_w];
            match &call.rows {
                AxisTaps::Nearest(sources) => {
                    for (i, oy) in rows.clone().enumerate() {
                        if i > 0 && sources[oy - 1] == sources[oy] {
                            y.copy_within((i - 1) * out_w..i * out_w, i * out_w);
                        } else {
                            // SAFETY: with AVX2, this runs inside the AVX2 entry point.
                            unsafe { resample_row::<AVX2>(&call.columns, input_row(sources[oy]), row(y, i, out_w)) };
                        }
                    }
                }
                AxisTaps::Linear { positions, weights } => {
                    let mut held: [Option<u32>; 2] = [None; 2];
                    for (i, oy) in rows.clone().enumerate() {
                        let sources = [positions[0][oy], positions[1][oy]];
                        let mut slot_of = [0; 2];
                        for tap in 0..2 {
                            let source = sources[tap];
                            slot_of[tap] = match held.iter().position(|&h| h == Some(source)) {
                                Some(slot) => slot,
                                None => {
                                    // Keep the slot holding the other tap's row.
                                    let slot = usize::from(held[0] == Some(sources[1 - tap]));
                                    // SAFETY: with AVX2, this runs inside the AVX2 entry point.
                                    unsafe { resample_row::<AVX2>(&call.columns, input_row(source), slots[slot]) };
                                    held[slot] = Some(source);
                                    slot
                                }
                            };
                        }
                        let taps = [(&*slots[slot_of[0]], weights[0][oy]), (&*slots[slot_of[1]], weights[1][oy])];
                        blend::<AVX2>(taps, row(y, i, out_w));
                    }
                }
            }
        }
    }
}

/// Row `i` of the rows of `width` values in `rows`.
fn row(rows: &mut [f32], i: usize, width: usize) -> &mut [f32] {
    &mut rows[i * width..][..width]
}

/// `out[i] = a[i]·wa + b[i]·wb`, with FMA if `AVX2` (inlined into its entry point, so it vectorizes with its
/// features).
#[inline(always)]
fn blend<const AVX2: bool>([(a, wa), (b, wb)]: [(&[f32], f32); 2], out: &mut [f32]) {
    for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *o = mix::<AVX2>(a, wa, b, wb);
    }
}

/// `a·wa + b·wb`, one rounding fewer with FMA if `AVX2`.
#[inline(always)]
fn mix<const AVX2: bool>(a: f32, wa: f32, b: f32, wb: f32) -> f32 {
    if AVX2 { a.mul_add(wa, b * wb) } else { a * wa + b * wb }
}

/// Resamples one input row `src` along the columns into `out` (one value per output column).
///
/// # Safety
/// With `AVX2`, the host must have AVX2 and FMA (the caller's entry point enables them). The call's check
/// bounds every position by `src.len()`.
#[inline(always)]
unsafe fn resample_row<const AVX2: bool>(columns: &AxisTaps, src: &[f32], out: &mut [f32]) {
    match columns {
        AxisTaps::Nearest(positions) => {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: forwarded contract.
            let done = if AVX2 { unsafe { avx2::nearest(src, positions, out) } } else { 0 };
            #[cfg(not(target_arch = "x86_64"))]
            let done = 0;
            for (o, &p) in out.iter_mut().zip(positions).skip(done) {
                *o = src[p as usize];
            }
        }
        AxisTaps::Linear { positions, weights } => {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: forwarded contract.
            let done = if AVX2 { unsafe { avx2::linear(src, positions, weights, out) } } else { 0 };
            #[cfg(not(target_arch = "x86_64"))]
            let done = 0;
            for (i, o) in out.iter_mut().enumerate().skip(done) {
                let [a, b] = [0, 1].map(|tap| src[positions[tap][i] as usize]);
                *o = mix::<AVX2>(a, weights[0][i], b, weights[1][i]);
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// `src` at the 8 positions `at` (all below `src.len()`), the first of which is `first`: one load and a lane
    /// permute when they all lie within 8 consecutive values (from `first`, or the last 8 of the row), else a
    /// gather.
    ///
    /// # Safety
    /// The host must have AVX2; every lane of `at` must be below `src.len()` (which is at most `i32::MAX`).
    #[inline(always)]
    unsafe fn lanes(src: &[f32], at: __m256i, first: u32) -> __m256 {
        // SAFETY: the window [base, base + 8) lies in src; the permute's lanes are below 8; the gather's
        // positions are in src (the caller's contract).
        unsafe {
            if src.len() >= 8 {
                let base = first.min(src.len() as u32 - 8);
                let within = _mm256_sub_epi32(at, _mm256_set1_epi32(base as i32));
                let seven = _mm256_set1_epi32(7);
                // Lanes before the base wrap around to large unsigned values.
                let inside = _mm256_cmpeq_epi32(_mm256_max_epu32(within, seven), seven);
                if _mm256_movemask_epi8(inside) == -1 {
                    return _mm256_permutevar8x32_ps(_mm256_loadu_ps(src.as_ptr().add(base as usize)), within);
                }
            }
            _mm256_i32gather_ps::<4>(src.as_ptr(), at)
        }
    }

    /// The 8 positions of block `b` of `positions`, and the first of them.
    ///
    /// # Safety
    /// The host must have AVX2; `positions` must hold at least `8·b + 8` values.
    #[inline(always)]
    unsafe fn positions_of(positions: &[u32], b: usize) -> (__m256i, u32) {
        // SAFETY: the block lies in positions (the caller's contract).
        unsafe { (_mm256_loadu_si256(positions.as_ptr().add(8 * b).cast()), *positions.get_unchecked(8 * b)) }
    }

    /// `out[i] = src[positions[i]]` for whole blocks of 8 outputs; returns how many outputs it wrote (the rest
    /// are the caller's).
    ///
    /// # Safety
    /// The host must have AVX2 (the caller's entry point enables it); every position must be below `src.len()`.
    #[inline(always)]
    pub(super) unsafe fn nearest(src: &[f32], positions: &[u32], out: &mut [f32]) -> usize {
        let blocks = out.len().min(positions.len()) / 8;
        for b in 0..blocks {
            // SAFETY: block b of positions and out is inside both; the positions are in src.
            unsafe {
                let (at, first) = positions_of(positions, b);
                _mm256_storeu_ps(out.as_mut_ptr().add(8 * b), lanes(src, at, first));
            }
        }
        8 * blocks
    }

    /// `out[i] = w0[i]·src[p0[i]] + w1[i]·src[p1[i]]` for whole blocks of 8 outputs; returns how many outputs it
    /// wrote (the rest are the caller's).
    ///
    /// # Safety
    /// The host must have AVX2 and FMA (the caller's entry point enables them); every position must be below
    /// `src.len()`.
    #[inline(always)]
    pub(super) unsafe fn linear(
        src: &[f32],
        positions: &[Vec<u32>; 2],
        weights: &[Vec<f32>; 2],
        out: &mut [f32],
    ) -> usize {
        let blocks = [positions[0].len(), positions[1].len(), weights[0].len(), weights[1].len(), out.len()]
            .into_iter()
            .min()
            .unwrap_or(0)
            / 8;
        for b in 0..blocks {
            // SAFETY: block b of every table and of out is inside them; the positions are in src.
            unsafe {
                let [(a0, f0), (a1, f1)] = [0, 1].map(|tap| positions_of(&positions[tap], b));
                let [w0, w1] = [0, 1].map(|tap| _mm256_loadu_ps(weights[tap].as_ptr().add(8 * b)));
                let sum = _mm256_fmadd_ps(lanes(src, a0, f0), w0, _mm256_mul_ps(lanes(src, a1, f1), w1));
                _mm256_storeu_ps(out.as_mut_ptr().add(8 * b), sum);
            }
        }
        8 * blocks
    }
}
