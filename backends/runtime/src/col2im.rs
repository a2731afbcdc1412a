//! The col2im routine of a 2-D transposed convolution: after the GEMM engine's `col = wᵀ · x` (per image and
//! group, one row per (output channel, ky, kx) of `H·W` columns), [`Col2imCall`] sums the taps that land on each
//! output element and applies the GEMM epilogue (bias, residual, activation) as each output row is finished:
//!
//! `y[n, m, oy, ox] = act(bias[m] + residual[n, m, oy, ox] + Σ col[(n, m, ky, kx), (ih, iw)])` over the taps with
//! `ih·sh = oy + pad_top - ky·dh` and `iw·sw = ox + pad_left - kx·dw` (inside the input).
//!
//! Row `(n·M + m)·kh·kw + ky·kw + kx` of `col` holds tap `(ky, kx)` of output channel `m` of image `n`, whatever
//! the group count (the GEMM's `(image, group)` entries are consecutive and a group's channels follow each
//! other), so the routine needs no groups. The work unit (the pool's tile) is a band of [`ROWS_PER_TILE`] output
//! rows of one channel of one image. An output row is summed phase-major, in an L1 scratch row per x phase
//! `ox mod sw` (every tap of a phase adds a contiguous run of a `col` row, unit stride along input x), then the
//! phases are interleaved into the output row with the bias added: with AVX2 shuffles for `sw = 2`, plainly
//! otherwise; stride 1 sums straight into the output row. The residual and activation then run over the row
//! while it is in cache. AVX2 + FMA when the host has them (the loops are compiled with those features), else
//! portable code.

use crate::depthwise::Isa;
use crate::error::LoadErrorKind;
use crate::format::{Reader, Writer};
use crate::gemm::{Activation, activate_row};
use crate::routine;

/// Output rows per work unit.
pub const ROWS_PER_TILE: usize = 8;

/// Kernel sides, pads, strides and dilations beyond this are rejected, so output positions fit in `i64`.
const MAX_GEOMETRY: u64 = 1 << 31;

/// `y = act(col2im(col) + bias + residual)` for NCHW f32 tensors (see the module docs). The step's arguments are
/// `col` (`images · channels · kh · kw` rows of `H·W`), y (`images x channels x out[0] x out[1]`), then the bias
/// (one value per channel) if `bias`, then the residual (shaped like y) if `residual`; all f32, dense.
#[derive(Debug, Clone, PartialEq)]
pub struct Col2imCall {
    pub images: u64,
    /// Output channels (of all groups).
    pub channels: u64,
    /// Input height and width (`H`, `W`).
    pub input: [u64; 2],
    /// Kernel height and width.
    pub kernel: [u64; 2],
    pub stride: [u64; 2],
    pub dilation: [u64; 2],
    /// Output rows and columns cut off before the first (the padding after, and any output padding, are
    /// implied by `out`).
    pub pad: [u64; 2],
    /// Output height and width.
    pub out: [u64; 2],
    pub bias: bool,
    pub residual: bool,
    pub activation: Activation,
}

impl Col2imCall {
    /// The number of buffer arguments a step running this call takes.
    pub fn num_args(&self) -> usize {
        2 + usize::from(self.bias) + usize::from(self.residual)
    }

    /// Values of `col`.
    fn col_len(&self) -> Option<u64> {
        routine::count(&[self.images, self.channels, self.kernel[0], self.kernel[1], self.input[0], self.input[1]])
    }

    /// Checks the call is well formed and every element it touches lies inside buffers of `arg_lens` bytes.
    pub fn check(&self, arg_lens: &[u64]) -> Result<(), String> {
        if arg_lens.len() != self.num_args() {
            return Err(format!("a col2im step takes {} buffers, this one has {}", self.num_args(), arg_lens.len()));
        }
        if self.kernel.contains(&0) || self.stride.contains(&0) || self.dilation.contains(&0) {
            return Err(format!(
                "the kernel {:?}, strides {:?} and dilations {:?} must be positive",
                self.kernel, self.stride, self.dilation
            ));
        }
        let limits = self.kernel.iter().chain(&self.pad).chain(&self.stride).chain(&self.dilation);
        if limits.into_iter().any(|&v| v > MAX_GEOMETRY) {
            return Err(format!("the kernel sides, pads, strides or dilations exceed {MAX_GEOMETRY}"));
        }
        let y_len = routine::count(&[self.images, self.channels, self.out[0], self.out[1]]);
        let empty = y_len == Some(0);
        let mut operands = vec![("col", self.col_len()), ("y", y_len)];
        if self.bias {
            operands.push(("the bias", Some(self.channels)));
        }
        if self.residual {
            operands.push(("the residual", y_len));
        }
        routine::check_dense_operands(operands, arg_lens, empty)
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        let geometry = [self.input, self.kernel, self.stride, self.dilation, self.pad, self.out].into_iter().flatten();
        for v in [self.images, self.channels].into_iter().chain(geometry) {
            w.u64(v);
        }
        routine::encode_epilogue(self.bias, self.residual, self.activation, w);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Col2imCall, LoadErrorKind> {
        let v: [u64; 14] = routine::decode_u64s(r, "col2im call")?;
        let (bias, residual, activation) = routine::decode_epilogue(r, "col2im")?;
        let pair = |i: usize| [v[i], v[i + 1]];
        Ok(Col2imCall {
            images: v[0],
            channels: v[1],
            input: pair(2),
            kernel: pair(4),
            stride: pair(6),
            dilation: pair(8),
            pad: pair(10),
            out: pair(12),
            bias,
            residual,
            activation,
        })
    }
}

/// Runs `call` on slices with `isa`, checking every length first (the entry point for tests and callers
/// outside a plan).
pub fn col2im(
    call: &Col2imCall,
    isa: Isa,
    col: &[f32],
    y: &mut [f32],
    bias: Option<&[f32]>,
    residual: Option<&[f32]>,
) -> Result<(), String> {
    let (args, lens) = routine::slice_arguments(&[col], y, [bias, residual], (call.bias, call.residual))?;
    call.check(&lens)?;
    if !isa.is_available() {
        return Err(format!("this host cannot run {isa:?} code"));
    }
    let bound = BoundCol2im::new(call, isa, &args);
    // SAFETY: the lengths were checked; the output is borrowed mutably, so it overlaps no input; one thread
    // runs every tile.
    unsafe { bound.run_tiles(0, bound.tiles()) };
    Ok(())
}

/// A col2im step bound to one run's buffers.
pub(crate) struct BoundCol2im<'a> {
    call: &'a Col2imCall,
    isa: Isa,
    args: &'a [*mut u8],
}

// SAFETY: the pointers are dereferenced only by tiles, which write disjoint rows of y.
unsafe impl Sync for BoundCol2im<'_> {}

/// The geometry of one axis, in signed arithmetic (the load-time check bounds the kernel, dilation and pad by
/// 2^31 and the output by the buffer, so every position below fits in `i64`).
#[derive(Clone, Copy)]
struct Axis {
    input: i64,
    kernel: i64,
    stride: i64,
    dilation: i64,
    pad: i64,
}

impl Axis {
    fn of(call: &Col2imCall, axis: usize) -> Axis {
        let signed = |v: [u64; 2]| v[axis] as i64;
        Axis {
            input: signed(call.input),
            kernel: signed(call.kernel),
            stride: signed(call.stride),
            dilation: signed(call.dilation),
            pad: signed(call.pad),
        }
    }

    /// The output position input position 0 of tap `k` lands on (`k·d - pad`; may be negative).
    fn origin(&self, k: i64) -> i64 {
        k * self.dilation - self.pad
    }
}

crate::routine::avx2_or_portable_tiles!(BoundCol2im);

impl<'a> BoundCol2im<'a> {
    /// Binds `call` (checked at load time against the buffers' lengths) to `args`, its buffers' addresses.
    pub(crate) fn new(call: &'a Col2imCall, isa: Isa, args: &'a [*mut u8]) -> BoundCol2im<'a> {
        BoundCol2im { call, isa, args }
    }

    /// Independent tiles: one per band of output rows of every channel of every image (none when y is empty).
    pub(crate) fn tiles(&self) -> u64 {
        let call = self.call;
        if call.out[1] == 0 {
            return 0;
        }
        call.images * call.channels * call.out[0].div_ceil(ROWS_PER_TILE as u64)
    }

    /// Runs tiles `[begin, end)`, interleaving stride-2 phases with AVX2 shuffles if `AVX2`; inlined into each
    /// instruction set's entry.
    ///
    /// # Safety
    /// As [`BoundCol2im::run_tiles`].
    #[inline(always)]
    unsafe fn tiles_with<const AVX2: bool>(&self, begin: u64, end: u64) {
        let call = self.call;
        let (rows, cols) = (Axis::of(call, 0), Axis::of(call, 1));
        let [out_h, out_w] = call.out.map(|v| v as usize);
        let [in_h, in_w] = call.input.map(|v| v as usize);
        let taps = (call.kernel[0] * call.kernel[1]) as usize;
        let bands = out_h.div_ceil(ROWS_PER_TILE);
        // Phases that hold output columns (a stride wider than the row leaves the others empty).
        let sw = cols.stride as usize;
        let (phases, phase_len) = (sw.min(out_w), out_w.div_ceil(sw));
        let mut scratch = vec![0f32; if sw > 1 { phases * phase_len } else { 0 }];
        let plane = out_h * out_w;
        // An empty input has no taps (and its kernel need not fit any buffer).
        let kernel_rows = if in_h * in_w > 0 { rows.kernel } else { 0 };
        for unit in begin as usize..end as usize {
            let (channel_plane, band) = (unit / bands, unit % bands);
            let channel = channel_plane % call.channels as usize;
            // SAFETY: the bias holds one value per channel.
            let bias = if call.bias { unsafe { *self.args[2].cast::<f32>().add(channel) } } else { 0.0 };
            // SAFETY: channel_plane < images · channels: the plane's `taps` column rows lie in col.
            let col = unsafe {
                std::slice::from_raw_parts(
                    self.args[0].cast::<f32>().cast_const().add(channel_plane * taps * in_h * in_w),
                    taps * in_h * in_w,
                )
            };
            for oy in band * ROWS_PER_TILE..((band + 1) * ROWS_PER_TILE).min(out_h) {
                // SAFETY: row oy of the plane lies in y, and this tile is the only one writing it.
                let y = unsafe {
                    std::slice::from_raw_parts_mut(
                        self.args[1].cast::<f32>().add(channel_plane * plane + oy * out_w),
                        out_w,
                    )
                };
                let sums: &mut [f32] = if sw > 1 { &mut scratch[..] } else { &mut *y };
                sums.fill(if sw > 1 { 0.0 } else { bias });
                for ky in 0..kernel_rows {
                    // Input row ih with ih·sh = oy - origin(ky).
                    let at = oy as i64 - rows.origin(ky);
                    if at < 0 || at % rows.stride != 0 || at / rows.stride >= rows.input {
                        continue;
                    }
                    let ih = (at / rows.stride) as usize;
                    for kx in 0..cols.kernel {
                        let tap = ky as usize * cols.kernel as usize + kx as usize;
                        let source = &col[(tap * in_h + ih) * in_w..][..in_w];
                        add_tap(sums, source, cols.origin(kx), cols.stride, phase_len, out_w);
                    }
                }
                if sw > 1 {
                    // SAFETY: with AVX2, this runs inside the AVX2 entry point.
                    unsafe { interleave::<AVX2>(&scratch, phase_len, sw, bias, y) };
                }
                if call.residual {
                    // SAFETY: the residual is shaped like y.
                    let residual = unsafe {
                        std::slice::from_raw_parts(
                            self.args[2 + usize::from(call.bias)]
                                .cast::<f32>()
                                .cast_const()
                                .add(channel_plane * plane + oy * out_w),
                            out_w,
                        )
                    };
                    for (o, r) in y.iter_mut().zip(residual) {
                        *o += r;
                    }
                }
                if call.activation != Activation::None {
                    activate_row(y, call.activation);
                }
            }
        }
    }
}

/// Adds one tap's column row `source` (input x `0..W`) into the phase-major sums of an output row: input x `iw`
/// lands on output column `ox = iw·stride + origin`, phase `ox mod stride`, entry `ox div stride` of its phase
/// (`phase_len` entries each, the phases of columns inside the row `out_w` only). Stride 1 is the output row.
#[inline(always)]
fn add_tap(sums: &mut [f32], source: &[f32], origin: i64, stride: i64, phase_len: usize, out_w: usize) {
    let (phase, shift) = (origin.rem_euclid(stride), origin.div_euclid(stride));
    if phase >= out_w as i64 {
        return;
    }
    // Entries of this phase inside the row: ox = q·stride + phase < out_w.
    let len = (out_w as i64 - phase + stride - 1) / stride;
    // Entry q reads iw = q - shift: both inside [0, len) and [0, W).
    let first = shift.max(0);
    let last = len.min(source.len() as i64 + shift);
    if first >= last {
        return;
    }
    let base = phase as usize * phase_len;
    let dst = &mut sums[base + first as usize..base + last as usize];
    let src = &source[(first - shift) as usize..(last - shift) as usize];
    for (d, s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

/// Writes `y[ox] = sums[ox mod stride][ox div stride] + bias` for the whole output row `y`, stride 2 with AVX2
/// shuffles if `AVX2`.
///
/// # Safety
/// With `AVX2`, the host must have AVX2 (the caller's entry point enables it).
#[inline(always)]
unsafe fn interleave<const AVX2: bool>(sums: &[f32], phase_len: usize, stride: usize, bias: f32, y: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    let done = if AVX2 && stride == 2 {
        let (even, odd) = sums.split_at(phase_len);
        // SAFETY: forwarded contract.
        unsafe { avx2::interleave_two(even, odd, bias, y) }
    } else {
        0
    };
    #[cfg(not(target_arch = "x86_64"))]
    let done = 0;
    for (ox, out) in y.iter_mut().enumerate().skip(done) {
        *out = sums[(ox % stride) * phase_len + ox / stride] + bias;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// Writes `y[2q] = even[q] + bias`, `y[2q + 1] = odd[q] + bias` for whole blocks of 16 outputs; returns how
    /// many outputs it wrote (the rest are the caller's).
    ///
    /// # Safety
    /// The host must have AVX2 (the caller's entry point enables it).
    #[inline(always)]
    pub(super) unsafe fn interleave_two(even: &[f32], odd: &[f32], bias: f32, y: &mut [f32]) -> usize {
        let blocks = (y.len() / 16).min(even.len() / 8).min(odd.len() / 8);
        // SAFETY: block b reads even and odd [8b, 8b + 8) and writes y [16b, 16b + 16), inside all three; the
        // intrinsics need AVX, which the caller enables.
        unsafe {
            let bias = _mm256_set1_ps(bias);
            for b in 0..blocks {
                let e = _mm256_add_ps(_mm256_loadu_ps(even.as_ptr().add(8 * b)), bias);
                let o = _mm256_add_ps(_mm256_loadu_ps(odd.as_ptr().add(8 * b)), bias);
                // Per 128-bit half: e0 o0 e1 o1 | e4 o4 e5 o5, and e2 o2 e3 o3 | e6 o6 e7 o7.
                let (low, high) = (_mm256_unpacklo_ps(e, o), _mm256_unpackhi_ps(e, o));
                let out = y.as_mut_ptr().add(16 * b);
                _mm256_storeu_ps(out, _mm256_permute2f128_ps::<0x20>(low, high));
                _mm256_storeu_ps(out.add(8), _mm256_permute2f128_ps::<0x31>(low, high));
            }
        }
        16 * blocks
    }
}
