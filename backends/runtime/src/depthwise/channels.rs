//! The depthwise routine vectorized across channels: a tile is a band of output rows of [`GROUP`] consecutive
//! output channels of one image, and a vector holds one output position of those channels, lane `j` being
//! output channel `first + j`. The tile transposes the band's input rows of its channels into thread-local
//! scratch as `[row][column][lane]`, zero-padded on every side (each input row once per band, however many
//! output rows read it), and the kernel's weights, times alpha, into `kh · kw` vectors, so every output
//! position is `kh · kw` products of a vector load and a weight vector whatever the stride and dilation, and
//! planes narrower than a vector waste no lanes. Sums start at the bias. They transpose back to channel rows
//! (the band's rows of a channel are contiguous in y, so a band is one run of positions) and are finished on
//! the way, in registers: the residual added, then the non-transcendental activations; the transcendental
//! ones (the GEMM epilogue's `activate_row`) then run over the stored rows. With AVX2 + FMA (when the host
//! has them) the input rows load four columns of rows `i` and `i + 4` into the two halves of a vector, so
//! their transpose needs no shuffle across halves, the sums leave through 8x8 in-register transposes
//! specialized per activation and for whole groups, and the taps run four positions per step with the 3x3
//! weights kept in registers; other hosts run portable code. Lanes past the last channel repeat it and are
//! never stored.
//!
//! Measured on MobileNetV2's layers (`examples/depthwise_bench.rs`, AVX2, one thread): the packing
//! transposes take about half of a stride-2 layer's time and the taps a third; the finishing transposes
//! the rest.

use super::{BoundDepthwise, SCRATCH, Sizes};
use crate::gemm::{Activation, activate_row};

/// Output channels per tile, one per lane.
pub(super) const GROUP: usize = 8;

/// One output row of a tile: where its taps read and its sums go. Offsets count f32 values.
pub(crate) struct TapRow {
    /// The packed row of the first kernel row's taps, at its column 0 (the left pad's first column).
    input: *const f32,
    /// Between the packed rows of consecutive kernel rows (`dilation · GROUP · padded width`).
    row_step: usize,
    kh: usize,
    kw: usize,
    /// Between consecutive output positions (`stride · GROUP`) and consecutive kernel columns
    /// (`dilation · GROUP`).
    col_step: usize,
    tap_step: usize,
    /// Output positions.
    out_w: usize,
    /// `kh · kw` weight vectors, kernel row by kernel row, already times the epilogue's alpha.
    weights: *const f32,
    /// The bias vector, where every sum starts.
    bias: *const f32,
    /// Where the `out_w` sum vectors go.
    sums: *mut f32,
}

/// What happens to a tile's sums as they transpose back to output rows.
pub(crate) struct Finish {
    /// Per lane, the residual's values at the lane's first output (null for lanes past the last channel).
    residuals: Option<[*const f32; GROUP]>,
    activation: Activation,
}

/// The instruction-set-specific parts of a tile.
pub(crate) trait Lanes {
    /// Stores columns `0..width` of the rows `sources` (one per lane) to `packed` as `width` vectors.
    ///
    /// # Safety
    /// Each source must hold `width` values and `packed` `GROUP · width` writable ones, overlapping none.
    unsafe fn pack(sources: &[*const f32; GROUP], width: usize, packed: *mut f32);

    /// Writes the row's sums, starting from the bias.
    ///
    /// # Safety
    /// Every position's taps must lie in the packed rows, the weights must hold `kh · kw` vectors and the bias
    /// one, and `sums` `out_w` writable vectors overlapping none of them.
    unsafe fn taps(row: &TapRow);

    /// Stores lane `j` of the `len` vectors at `sums` to `outputs[j]`, for the first `lanes` lanes, finished
    /// on the way: plus the lane's residual, then the activation unless it is transcendental.
    ///
    /// # Safety
    /// `sums` must hold `len` vectors, each of the first `lanes` outputs `len` writable values overlapping
    /// nothing else, and each of their residuals (if any) `len` values.
    unsafe fn unpack(sums: *const f32, len: usize, outputs: &[*mut f32; GROUP], lanes: usize, finish: &Finish);
}

/// Runs a bound call's tiles with the AVX2 kernels, the whole tile loop compiled with AVX2 and FMA.
///
/// # Safety
/// As `BoundDepthwise::run_tiles`, on a host with AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn avx2_tiles(bound: &BoundDepthwise<'_>, begin: u64, end: u64) {
    // SAFETY: forwarded contract; the host has the features `Avx2` needs.
    unsafe { tiles::<Avx2>(bound, begin, end) }
}

/// Runs a bound call's tiles with the portable kernels.
///
/// # Safety
/// As `BoundDepthwise::run_tiles`.
pub(super) unsafe fn portable_tiles(bound: &BoundDepthwise<'_>, begin: u64, end: u64) {
    // SAFETY: forwarded contract.
    unsafe { tiles::<Portable>(bound, begin, end) }
}

/// # Safety
/// As `BoundDepthwise::run_tiles`, on a host that runs `L`'s code.
#[inline(always)]
unsafe fn tiles<L: Lanes>(bound: &BoundDepthwise<'_>, begin: u64, end: u64) {
    if begin >= end {
        return;
    }
    let layout = Layout::of(bound);
    let mut scratch = SCRATCH.take();
    if scratch.len() < layout.len {
        scratch.resize(layout.len, 0.0);
    }
    for tile in begin..end {
        // SAFETY: forwarded contract; the scratch is laid out so.
        unsafe { run_tile::<L>(bound, tile as usize, &layout, &mut scratch) };
    }
    SCRATCH.set(scratch);
}

/// Where a call's tiles keep things in their scratch (offsets in f32 values): the weight vectors, the bias
/// vector, the band's sum vectors, then the packed input rows, each `row_len` long, for the tallest band.
struct Layout {
    bias_at: usize,
    sums_at: usize,
    packed_at: usize,
    row_len: usize,
    len: usize,
}

impl Layout {
    fn of(bound: &BoundDepthwise<'_>) -> Layout {
        let c = &bound.call.conv;
        let [kh, kw] = c.kernel.map(|v| v as usize);
        let (sh, dh, out_w) = (c.stride[0] as usize, c.dilation[0] as usize, c.out[1] as usize);
        let row_len = bound.padded_width * GROUP;
        let bias_at = kh * kw * GROUP;
        let sums_at = bias_at + GROUP;
        let packed_at = sums_at + bound.band_rows * out_w * GROUP;
        let packed_rows = (bound.band_rows - 1) * sh + (kh - 1) * dh + 1;
        Layout { bias_at, sums_at, packed_at, row_len, len: packed_at + packed_rows * row_len }
    }
}

/// One band of output rows of one group of channels of one image.
///
/// # Safety
/// As [`tiles`], for this tile.
#[inline(always)]
unsafe fn run_tile<L: Lanes>(bound: &BoundDepthwise<'_>, tile: usize, layout: &Layout, scratch: &mut [f32]) {
    let call = bound.call;
    let c = &call.conv;
    let Sizes {
        input: [height, width],
        kernel: [kh, kw],
        stride: [sh, sw],
        dilation: [dh, dw],
        pad: [pad_top, pad_left],
        out: [out_h, out_w],
    } = Sizes::of(c);
    let (channels, multiplier, out_channels) = (c.channels as usize, call.multiplier as usize, bound.out_channels);
    let (group_plane, band) = (tile / bound.bands, tile % bound.bands);
    let (image, group) = (group_plane / bound.channel_tiles, group_plane % bound.channel_tiles);
    let first_channel = group * GROUP;
    let lanes = GROUP.min(out_channels - first_channel);
    // Lane j computes output channel `channel_of(j)`: the group's channels, the last one repeated.
    let channel_of = |j: usize| first_channel + j.min(lanes - 1);
    let first = band * bound.band_rows;
    let last = out_h.min(first + bound.band_rows);
    let rows = last - first;
    let taps = kh * kw;
    // Packed row `slot` holds input row `first · sh + slot - pad_top` (zeros outside the image).
    let packed_rows = (rows - 1) * sh + (kh - 1) * dh + 1;
    let Layout { bias_at, sums_at, packed_at, row_len, .. } = *layout;

    let arg = |i: usize| bound.args[i].cast::<f32>();
    let (in_plane, out_plane) = (height * width, out_h * out_w);
    let inputs: [*const f32; GROUP] = std::array::from_fn(|j| {
        arg(0).wrapping_add((image * channels + channel_of(j) / multiplier) * in_plane).cast_const()
    });
    let out_at = |j: usize| (image * out_channels + channel_of(j)) * out_plane + first * out_w;
    let outputs: [*mut f32; GROUP] = std::array::from_fn(|j| arg(2).wrapping_add(out_at(j)));
    for (j, bias) in scratch[bias_at..sums_at].iter_mut().enumerate() {
        // SAFETY: the bias holds one value per output channel.
        *bias = if call.bias { unsafe { *arg(3).add(channel_of(j)) } } else { 0.0 };
    }
    for (t, weights) in scratch[..bias_at].chunks_exact_mut(GROUP).enumerate() {
        for (j, weight) in weights.iter_mut().enumerate() {
            // SAFETY: each output channel has `kh · kw` weights.
            *weight = call.alpha * unsafe { *arg(1).add(channel_of(j) * taps + t) };
        }
    }
    for slot in 0..packed_rows {
        let padded = &mut scratch[packed_at + slot * row_len..packed_at + (slot + 1) * row_len];
        match (first * sh + slot).checked_sub(pad_top).filter(|&row| row < height) {
            Some(row) => {
                // The columns between the pads (the padded width is at least pad_left + width); the pads zero.
                let (left, rest) = padded.split_at_mut(pad_left * GROUP);
                let (inside, right) = rest.split_at_mut(width * GROUP);
                left.fill(0.0);
                right.fill(0.0);
                let sources = inputs.map(|plane| plane.wrapping_add(row * width));
                // SAFETY: row < height, so each lane's row lies in its input plane; `inside` holds
                // `GROUP · width` values.
                unsafe { L::pack(&sources, width, inside.as_mut_ptr()) };
            }
            None => padded.fill(0.0),
        }
    }

    let base = scratch.as_mut_ptr();
    for r in 0..rows {
        let row = TapRow {
            input: base.wrapping_add(packed_at + r * sh * row_len).cast_const(),
            row_step: dh * row_len,
            kh,
            kw,
            col_step: sw * GROUP,
            tap_step: dw * GROUP,
            out_w,
            weights: base.cast_const(),
            bias: base.wrapping_add(bias_at).cast_const(),
            sums: base.wrapping_add(sums_at + r * out_w * GROUP),
        };
        // SAFETY: output row first + r reads packed rows r·sh ..= r·sh + (kh - 1)·dh, all packed, and columns
        // up to (out_w - 1)·sw + (kw - 1)·dw < wp; the weights, bias and sums are the scratch's other regions.
        unsafe { L::taps(&row) };
    }

    let len = rows * out_w;
    let residuals = call.residual.then(|| {
        let residual = arg(3 + usize::from(call.bias)).cast_const();
        std::array::from_fn(|j| if j < lanes { residual.wrapping_add(out_at(j)) } else { std::ptr::null() })
    });
    let finish = Finish { residuals, activation: call.activation };
    // SAFETY: the band's rows of each stored lane's output plane are `len` contiguous values of y, which
    // overlaps no argument and no other tile's band; the residual is shaped like y.
    unsafe { L::unpack(base.wrapping_add(sums_at).cast_const(), len, &outputs, lanes, &finish) };
    if call.activation.is_transcendental() {
        for &output in &outputs[..lanes] {
            // SAFETY: as above.
            activate_row(unsafe { std::slice::from_raw_parts_mut(output, len) }, call.activation);
        }
    }
}

/// Code for any host, which the compiler vectorizes as it can.
pub(crate) struct Portable;

impl Lanes for Portable {
    #[inline(always)]
    unsafe fn pack(sources: &[*const f32; GROUP], width: usize, packed: *mut f32) {
        for col in 0..width {
            for (j, source) in sources.iter().enumerate() {
                // SAFETY: as the trait requires.
                unsafe { *packed.add(col * GROUP + j) = *source.add(col) };
            }
        }
    }

    #[inline(always)]
    unsafe fn taps(row: &TapRow) {
        for ox in 0..row.out_w {
            // SAFETY: the bias holds a vector.
            let mut sums: [f32; GROUP] = std::array::from_fn(|j| unsafe { *row.bias.add(j) });
            for ky in 0..row.kh {
                for kx in 0..row.kw {
                    // SAFETY: as the trait requires.
                    unsafe {
                        let input = row.input.add(ky * row.row_step + ox * row.col_step + kx * row.tap_step);
                        let weights = row.weights.add((ky * row.kw + kx) * GROUP);
                        for (j, sum) in sums.iter_mut().enumerate() {
                            *sum += *weights.add(j) * *input.add(j);
                        }
                    }
                }
            }
            // SAFETY: position ox's vector lies in the sums.
            unsafe { std::ptr::copy_nonoverlapping(sums.as_ptr(), row.sums.add(ox * GROUP), GROUP) };
        }
    }

    #[inline(always)]
    unsafe fn unpack(sums: *const f32, len: usize, outputs: &[*mut f32; GROUP], lanes: usize, finish: &Finish) {
        let activation = if finish.activation.is_transcendental() { Activation::None } else { finish.activation };
        for (j, output) in outputs[..lanes].iter().enumerate() {
            for position in 0..len {
                // SAFETY: as the trait requires.
                unsafe {
                    let residual = finish.residuals.map_or(0.0, |r| *r[j].add(position));
                    *output.add(position) = activation.apply(*sums.add(position * GROUP + j) + residual);
                }
            }
        }
    }
}

/// x86_64 AVX2 + FMA code; its methods must run inside a function compiled with those features.
#[cfg(target_arch = "x86_64")]
pub(crate) struct Avx2;

#[cfg(target_arch = "x86_64")]
impl Lanes for Avx2 {
    #[inline(always)]
    unsafe fn pack(sources: &[*const f32; GROUP], width: usize, packed: *mut f32) {
        // SAFETY: forwarded contract; `Avx2` runs on hosts with the features.
        unsafe { avx2::pack(sources, width, packed) }
    }

    #[inline(always)]
    unsafe fn taps(row: &TapRow) {
        // SAFETY: as above.
        unsafe { avx2::taps(row) }
    }

    #[inline(always)]
    unsafe fn unpack(sums: *const f32, len: usize, outputs: &[*mut f32; GROUP], lanes: usize, finish: &Finish) {
        // SAFETY: as above.
        unsafe { avx2::unpack(sums, len, outputs, lanes, finish) }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Finish, GROUP, TapRow};
    use crate::gemm::{WithActivation, Ymm, with_activation};

    /// The 4x4 transposes within each 128-bit half: given `v[i]` = [4 values of row i | 4 values of row i + 4],
    /// returns `c[k]` = [value k of rows 0..4 | value k of rows 4..8], value k of the eight rows in row order.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn transpose_halves(v: [__m256; 4]) -> [__m256; 4] {
        // Pairs interleaved per half: [v0[0] v1[0] v0[1] v1[1] | v0[4] v1[4] v0[5] v1[5]] and so on.
        let (p01l, p01h) = (_mm256_unpacklo_ps(v[0], v[1]), _mm256_unpackhi_ps(v[0], v[1]));
        let (p23l, p23h) = (_mm256_unpacklo_ps(v[2], v[3]), _mm256_unpackhi_ps(v[2], v[3]));
        let low = |a: __m256, b: __m256| _mm256_shuffle_ps::<0b01_00_01_00>(a, b);
        let high = |a: __m256, b: __m256| _mm256_shuffle_ps::<0b11_10_11_10>(a, b);
        [low(p01l, p23l), high(p01l, p23l), low(p01h, p23h), high(p01h, p23h)]
    }

    /// The 8x8 transpose: lane j of vector i becomes lane i of vector j.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn transpose(v: [__m256; 8]) -> [__m256; 8] {
        // Element k of four vectors in each half, k = 0, 1, 2, 3 below and k + 4 above.
        let q0 = transpose_halves([v[0], v[1], v[2], v[3]]);
        let q1 = transpose_halves([v[4], v[5], v[6], v[7]]);
        // Element k of all eight: the low halves of quad k for k < 4, the high halves of quad k - 4 beyond.
        std::array::from_fn(|k| {
            if k < 4 {
                _mm256_permute2f128_ps::<0x20>(q0[k], q1[k])
            } else {
                _mm256_permute2f128_ps::<0x31>(q0[k - 4], q1[k - 4])
            }
        })
    }

    /// Lanes `0..n` set, the rest clear (`n ≤ 8`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn first_lanes(n: usize) -> __m256i {
        _mm256_cmpgt_epi32(_mm256_set1_epi32(n as i32), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
    }

    /// # Safety
    /// As [`super::Lanes::pack`].
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn pack(sources: &[*const f32; GROUP], width: usize, packed: *mut f32) {
        // Four columns at a time: rows i and i + 4 loaded into the halves of one vector, so that the
        // transpose needs no shuffle across halves.
        let whole = width / 4 * 4;
        for col in (0..whole).step_by(4) {
            let rows: [__m256; 4] = std::array::from_fn(|i| {
                // SAFETY: columns col..col + 4 of each source exist.
                unsafe {
                    let below = _mm256_castps128_ps256(_mm_loadu_ps(sources[i].add(col)));
                    _mm256_insertf128_ps::<1>(below, _mm_loadu_ps(sources[i + 4].add(col)))
                }
            });
            for (i, column) in transpose_halves(rows).iter().enumerate() {
                // SAFETY: column col + i < width has its vector in `packed`.
                unsafe { _mm256_storeu_ps(packed.add((col + i) * GROUP), *column) };
            }
        }
        let count = width - whole;
        if count > 0 {
            let mask = first_lanes(count);
            let mut rows = [_mm256_setzero_ps(); 8];
            for (row, source) in rows.iter_mut().zip(sources) {
                // SAFETY: columns whole..width of each source exist; the mask skips the others.
                *row = unsafe { _mm256_maskload_ps(source.add(whole), mask) };
            }
            let columns = transpose(rows);
            for (i, column) in columns.iter().enumerate().take(count) {
                // SAFETY: column whole + i < width has its vector in `packed`.
                unsafe { _mm256_storeu_ps(packed.add((whole + i) * GROUP), *column) };
            }
        }
    }

    /// # Safety
    /// As [`super::Lanes::unpack`].
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn unpack(
        sums: *const f32,
        len: usize,
        outputs: &[*mut f32; GROUP],
        lanes: usize,
        finish: &Finish,
    ) {
        // SAFETY: forwarded contract.
        unsafe { with_activation(finish.activation, Unpack { sums, len, outputs, lanes, finish }) }
    }

    /// An [`unpack`] call, run with the register form of its activation (transcendental ones pass through:
    /// they run over the stored rows).
    struct Unpack<'a> {
        sums: *const f32,
        len: usize,
        outputs: &'a [*mut f32; GROUP],
        lanes: usize,
        finish: &'a Finish,
    }

    impl WithActivation<Ymm> for Unpack<'_> {
        #[inline(always)]
        unsafe fn run(self, activate: impl Fn(Ymm) -> Ymm) {
            let Unpack { sums, len, outputs, lanes, finish } = self;
            // SAFETY: the contract of `unpack`, which made this call.
            unsafe { unpack_lanes(sums, len, outputs, lanes, finish, |v| activate(Ymm(v)).0) }
        }
    }

    /// [`unpack`] with the activation `activate`, specialized for full groups with and without a residual
    /// (their lane loops unroll, their transposed vectors stay in registers).
    ///
    /// # Safety
    /// As [`super::Lanes::unpack`]; inlined into functions compiled with AVX2 and FMA.
    #[inline(always)]
    unsafe fn unpack_lanes(
        sums: *const f32,
        len: usize,
        outputs: &[*mut f32; GROUP],
        lanes: usize,
        finish: &Finish,
        activate: impl Fn(__m256) -> __m256,
    ) {
        // SAFETY (every arm): forwarded contract.
        unsafe {
            match (lanes, finish.residuals) {
                (GROUP, None) => unpack_with(sums, len, outputs, GROUP, None, &activate),
                (GROUP, Some(residuals)) => unpack_with(sums, len, outputs, GROUP, Some(residuals), &activate),
                (lanes, residuals) => unpack_with(sums, len, outputs, lanes, residuals, &activate),
            }
        }
    }

    /// # Safety
    /// As [`unpack_lanes`], with the residuals `finish` has.
    #[inline(always)]
    unsafe fn unpack_with(
        sums: *const f32,
        len: usize,
        outputs: &[*mut f32; GROUP],
        lanes: usize,
        residuals: Option<[*const f32; GROUP]>,
        activate: &impl Fn(__m256) -> __m256,
    ) {
        // Lane j's vector at `position` plus its residual (read in the mask's lanes), then activated.
        let finished = |v: __m256, j: usize, position: usize, mask: __m256i| {
            let v = match residuals {
                // SAFETY: lane j's residual holds `len` values; the mask keeps the read inside them.
                Some(residuals) => unsafe { _mm256_add_ps(v, _mm256_maskload_ps(residuals[j].add(position), mask)) },
                None => v,
            };
            activate(v)
        };
        // SAFETY (the block): inlined into functions compiled with AVX2; every access is as commented.
        unsafe {
            let all = _mm256_set1_epi32(-1);
            let whole = len / 8 * 8;
            for position in (0..whole).step_by(8) {
                let mut vectors = [_mm256_setzero_ps(); 8];
                for (i, vector) in vectors.iter_mut().enumerate() {
                    // position + i < len.
                    *vector = _mm256_loadu_ps(sums.add((position + i) * GROUP));
                }
                for (j, (output, row)) in outputs[..lanes].iter().zip(&transpose(vectors)).enumerate() {
                    // Positions position..position + 8 of each stored lane's output exist.
                    _mm256_storeu_ps(output.add(position), finished(*row, j, position, all));
                }
            }
            let count = len - whole;
            if count > 0 {
                let mut vectors = [_mm256_setzero_ps(); 8];
                for (i, vector) in vectors.iter_mut().enumerate().take(count) {
                    // whole + i < len.
                    *vector = _mm256_loadu_ps(sums.add((whole + i) * GROUP));
                }
                let mask = first_lanes(count);
                for (j, (output, row)) in outputs[..lanes].iter().zip(&transpose(vectors)).enumerate() {
                    // Positions whole..len of each stored lane's output exist; the mask skips the others.
                    _mm256_maskstore_ps(output.add(whole), mask, finished(*row, j, whole, mask));
                }
            }
        }
    }

    /// # Safety
    /// As [`super::Lanes::taps`].
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn taps(row: &TapRow) {
        // SAFETY: forwarded contract; each arm passes the row's own geometry.
        unsafe {
            match (row.kh, row.kw, row.col_step, row.tap_step) {
                (3, 3, GROUP, GROUP) => three_by_three::<GROUP>(row),
                (3, 3, 16, GROUP) => three_by_three::<16>(row),
                _ => positions(row, Geometry::of(row), None),
            }
        }
    }

    /// A 3x3 kernel, dilation 1 along the row, output positions `COL_STEP / GROUP` columns apart: the nine
    /// weight vectors live in registers across the row.
    ///
    /// # Safety
    /// As [`taps`], for such a row.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn three_by_three<const COL_STEP: usize>(row: &TapRow) {
        let mut weights = [_mm256_setzero_ps(); 9];
        for (t, weight) in weights.iter_mut().enumerate() {
            // SAFETY: the row has nine weight vectors.
            *weight = unsafe { _mm256_loadu_ps(row.weights.add(t * GROUP)) };
        }
        let geometry = Geometry { kh: 3, kw: 3, col_step: COL_STEP, tap_step: GROUP };
        // SAFETY: forwarded contract.
        unsafe { positions(row, geometry, Some(&weights[..])) }
    }

    /// A row's kernel shape and steps, as `TapRow` has them (constants in specialized callers).
    #[derive(Clone, Copy)]
    struct Geometry {
        kh: usize,
        kw: usize,
        col_step: usize,
        tap_step: usize,
    }

    impl Geometry {
        fn of(row: &TapRow) -> Geometry {
            Geometry { kh: row.kh, kw: row.kw, col_step: row.col_step, tap_step: row.tap_step }
        }
    }

    /// Every output position of the row, four at a time (the last four overlapping earlier ones when the row
    /// is no multiple of four), one at a time on rows narrower than four. The weights come from `held` (all
    /// `kh · kw` vectors) when given, else from the row's weight vectors.
    ///
    /// # Safety
    /// As [`taps`]; `geometry` must be the row's; inlined into functions compiled with AVX2 and FMA.
    #[inline(always)]
    unsafe fn positions(row: &TapRow, geometry: Geometry, held: Option<&[__m256]>) {
        const BLOCK: usize = 4;
        let out_w = row.out_w;
        if out_w < BLOCK {
            for ox in 0..out_w {
                // SAFETY: position ox < out_w has its taps in the packed rows and its vector in the sums.
                unsafe {
                    let [sum] = block::<1>(row, geometry, held, ox);
                    _mm256_storeu_ps(row.sums.add(ox * GROUP), sum);
                }
            }
            return;
        }
        let mut ox = 0;
        while ox < out_w {
            let at = ox.min(out_w - BLOCK);
            // SAFETY: as above, for positions at..at + BLOCK ≤ out_w.
            unsafe {
                let sums = block::<BLOCK>(row, geometry, held, at);
                for (i, sum) in sums.iter().enumerate() {
                    _mm256_storeu_ps(row.sums.add((at + i) * GROUP), *sum);
                }
            }
            ox = at + BLOCK;
        }
    }

    /// The sums of output positions `ox..ox + N`.
    ///
    /// # Safety
    /// As [`positions`], for those positions.
    #[inline(always)]
    unsafe fn block<const N: usize>(
        row: &TapRow,
        geometry: Geometry,
        held: Option<&[__m256]>,
        ox: usize,
    ) -> [__m256; N] {
        let Geometry { kh, kw, col_step, tap_step } = geometry;
        // SAFETY: the row's bias is a vector; inlined into functions compiled with AVX.
        let mut sums = [unsafe { _mm256_loadu_ps(row.bias) }; N];
        for ky in 0..kh {
            // SAFETY: forwarded contract.
            unsafe {
                let input = row.input.add(ky * row.row_step + ox * col_step);
                for kx in 0..kw {
                    let t = ky * kw + kx;
                    let weight = match held {
                        Some(weights) => weights[t],
                        None => _mm256_loadu_ps(row.weights.add(t * GROUP)),
                    };
                    let tap = input.add(kx * tap_step);
                    for (i, sum) in sums.iter_mut().enumerate() {
                        *sum = _mm256_fmadd_ps(_mm256_loadu_ps(tap.add(i * col_step)), weight, *sum);
                    }
                }
            }
        }
        sums
    }
}
