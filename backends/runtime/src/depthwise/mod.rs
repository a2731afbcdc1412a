//! The depthwise 2-D convolution routine: f32, NCHW, one group per input channel, each input channel feeding
//! `multiplier` output channels, with the GEMM engine's fused epilogue `y = act(alpha·conv + bias + residual)`.
//!
//! A [`DepthwiseCall`] describes one call on raw buffers; its output splits into independent tiles that
//! threads run in any order, vectorized one of two ways ([`Vectorize`], chosen per call by
//! [`Strategy::for_call`]):
//! - along the width: a tile is a band of output rows of one output channel of one image. It copies the input
//!   rows its band reads into thread-local scratch, zero-padded left and right to whole 8-lane blocks, so every
//!   output column runs the same vector code (borders included) while the rows stay in cache; taps above or
//!   below the image read a zero row. The taps run in [`kernels`] (AVX2 + FMA when the host has them, else
//!   portable code the compiler vectorizes), then the GEMM epilogue's activations finish each row.
//! - across channels ([`channels`]): a tile is a band of output rows of 8 consecutive output channels, and a
//!   vector holds one output position of the 8 channels, which keeps the lanes full on narrow planes and needs
//!   no gathers for any stride.

mod channels;
mod kernels;

use crate::error::LoadErrorKind;
use crate::format::{Reader, Writer};
use crate::gemm::{Activation, activate_row};
use crate::routine::{self, Conv2d};

pub use kernels::Isa;

/// `y[n, o] = act(alpha · Σ w[o, ky, kx] · x[n, o / multiplier, oy·s + ky·d - pad, ox·s + kx·d - pad]
/// + bias[o] + residual[n, o])` for every image `n` and output channel `o` of `conv.channels · multiplier`.
/// The step's arguments are x (`batch x channels x height x width`), w (`channels·multiplier x kh x kw`),
/// y (`batch x channels·multiplier x out_h x out_w`), then the bias (one value per output channel) if
/// `bias`, then the residual (shaped like y) if `residual`; all f32, dense.
#[derive(Debug, Clone, PartialEq)]
pub struct DepthwiseCall {
    /// Images.
    pub batch: u64,
    /// The geometry over one image; `channels` counts input channels.
    pub conv: Conv2d,
    /// Output channels per input channel.
    pub multiplier: u64,
    pub alpha: f32,
    pub bias: bool,
    pub residual: bool,
    pub activation: Activation,
}

/// Largest scratch (in f32 values) a tile's kernel-height input rows may need; beyond it a call is rejected.
const MAX_WINDOW_SCRATCH: u64 = 1 << 22;
/// Largest scratch (in f32 values) a channel-vectorized tile's kernel-height input rows of its 8 channels may
/// need; beyond it a call is vectorized along the width.
const MAX_CHANNEL_WINDOW_SCRATCH: u64 = 1 << 20;
/// The scratch a tile aims for (64 KiB), which sets how many output rows a band holds.
const BAND_SCRATCH: u64 = 1 << 14;
/// Lanes of an output block.
const LANES: u64 = 8;
/// Output rows at least this wide are vectorized along the width when the stride along them is 1: their
/// 8-column blocks have no ragged ends worth speaking of and need no transposes. Measured with
/// `examples/depthwise_bench.rs` (AVX2, 3x3, 16 or more channels): across channels is 1.6x faster on
/// 112-wide rows and more below; on 224- and 448-wide rows the two are within 3% (both wait on memory), and
/// along the width needs no 8-channel scratch.
const WIDE_ROW: u64 = 128;

/// How a call's output is vectorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vectorize {
    /// A vector holds 8 consecutive output columns of one channel; a tile is a band of one channel's rows.
    AlongWidth,
    /// A vector holds one output position of 8 consecutive output channels; a tile is a band of their rows.
    AcrossChannels,
}

impl Vectorize {
    /// The output channels a tile holds, and the output columns a tile computes in whole blocks of.
    fn tile_shape(self) -> (u64, u64) {
        match self {
            Vectorize::AlongWidth => (1, LANES),
            Vectorize::AcrossChannels => (channels::GROUP as u64, 1),
        }
    }
}

/// How a call runs: the instruction set and the vectorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strategy {
    pub isa: Isa,
    pub vectorize: Vectorize,
}

impl Strategy {
    /// The strategy for `call` with `isa`: across channels, unless the output rows are at least [`WIDE_ROW`]
    /// wide with stride 1 along them (wide rows fill the width's vectors without transposes), or the padded
    /// input rows of 8 channels would need more than `MAX_CHANNEL_WINDOW_SCRATCH` values.
    pub fn for_call(call: &DepthwiseCall, isa: Isa) -> Strategy {
        let c = &call.conv;
        let wide = c.stride[1] == 1 && c.out[1] >= WIDE_ROW;
        let vectorize =
            if wide || !call.fits_channel_scratch() { Vectorize::AlongWidth } else { Vectorize::AcrossChannels };
        Strategy { isa, vectorize }
    }
}

impl DepthwiseCall {
    /// The number of buffer arguments a step running this call takes.
    pub fn num_args(&self) -> usize {
        3 + usize::from(self.bias) + usize::from(self.residual)
    }

    /// Output channels.
    fn out_channels(&self) -> Option<u64> {
        self.conv.channels.checked_mul(self.multiplier)
    }

    /// Width of a padded scratch row: the left pad and the row, and every column the output read when computed
    /// in whole blocks of `block` columns (`None` on overflow).
    fn padded_width(&self, block: u64) -> Option<u64> {
        let c = &self.conv;
        let extent = (c.kernel[1] - 1).checked_mul(c.dilation[1])?.checked_add(1)?;
        let columns = c.out[1].div_ceil(block).checked_mul(block)?;
        let reach = columns.checked_sub(1)?.checked_mul(c.stride[1])?.checked_add(extent)?;
        Some(reach.max(c.pad[1].checked_add(c.width)?))
    }

    /// Values in a kernel height of padded input rows of one tile vectorized so (`None` on overflow).
    fn window_scratch(&self, vectorize: Vectorize) -> Option<u64> {
        let c = &self.conv;
        let (lanes, block) = vectorize.tile_shape();
        let rows = (c.kernel[0] - 1).checked_mul(c.dilation[0])?.checked_add(1)?;
        rows.checked_mul(self.padded_width(block)?)?.checked_mul(lanes)
    }

    /// Whether a tile vectorized across channels stays within `MAX_CHANNEL_WINDOW_SCRATCH`.
    fn fits_channel_scratch(&self) -> bool {
        self.window_scratch(Vectorize::AcrossChannels).is_some_and(|w| w <= MAX_CHANNEL_WINDOW_SCRATCH)
    }

    /// Checks the call is well formed and every element it touches lies inside buffers of `arg_lens` bytes.
    pub fn check(&self, arg_lens: &[u64]) -> Result<(), String> {
        if arg_lens.len() != self.num_args() {
            return Err(format!("a depthwise step takes {} buffers, this one has {}", self.num_args(), arg_lens.len()));
        }
        let c = &self.conv;
        if c.kernel.iter().chain(&c.stride).chain(&c.dilation).any(|&v| v == 0) || self.multiplier == 0 {
            return Err(format!(
                "the geometry {c} (multiplier {}) has a zero kernel, stride, dilation or multiplier",
                self.multiplier
            ));
        }
        let overflow = || format!("the geometry {c} overflows");
        let out_channels = self.out_channels().ok_or_else(overflow)?;
        let empty = self.batch == 0 || out_channels == 0 || c.out[0] == 0 || c.out[1] == 0;
        if !empty && self.window_scratch(Vectorize::AlongWidth).is_none_or(|w| w > MAX_WINDOW_SCRATCH) {
            return Err(format!(
                "the geometry {c} needs padded input windows of more than {MAX_WINDOW_SCRATCH} values"
            ));
        }
        let y_len = routine::count(&[self.batch, out_channels, c.out[0], c.out[1]]);
        let operands = [
            ("x", routine::count(&[self.batch, c.channels, c.height, c.width])),
            ("w", routine::count(&[out_channels, c.kernel[0], c.kernel[1]])),
            ("y", y_len),
        ]
        .into_iter()
        .chain(self.bias.then_some(("the bias", Some(out_channels))))
        .chain(self.residual.then_some(("the residual", y_len)));
        routine::check_dense_operands(operands, arg_lens, empty)
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        w.u64(self.batch);
        routine::encode_conv(&self.conv, w);
        w.u64(self.multiplier);
        w.u32(self.alpha.to_bits());
        routine::encode_epilogue(self.bias, self.residual, self.activation, w);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<DepthwiseCall, LoadErrorKind> {
        let batch = r.u64("depthwise batch")?;
        let conv = routine::decode_conv(r, "depthwise geometry")?;
        let multiplier = r.u64("depthwise multiplier")?;
        let alpha = f32::from_bits(r.u32("depthwise alpha")?);
        let (bias, residual, activation) = routine::decode_epilogue(r, "depthwise")?;
        Ok(DepthwiseCall { batch, conv, multiplier, alpha, bias, residual, activation })
    }
}

/// Runs `call` on slices with the given strategy, checking every length first (the entry point for tests and
/// for callers outside a plan; [`Strategy::for_call`] is what plans run with).
pub fn depthwise(
    call: &DepthwiseCall,
    strategy: Strategy,
    x: &[f32],
    w: &[f32],
    y: &mut [f32],
    bias: Option<&[f32]>,
    residual: Option<&[f32]>,
) -> Result<(), String> {
    let (args, lens) = routine::slice_arguments(&[x, w], y, [bias, residual], (call.bias, call.residual))?;
    if !strategy.isa.is_available() {
        return Err(format!("this host cannot run {:?} code", strategy.isa));
    }
    call.check(&lens)?;
    if strategy.vectorize == Vectorize::AcrossChannels && !call.fits_channel_scratch() {
        return Err(format!(
            "the geometry {} needs padded input windows of more than {MAX_CHANNEL_WINDOW_SCRATCH} values across \
             channels",
            call.conv
        ));
    }
    let bound = BoundDepthwise::new(call, strategy, &args);
    // SAFETY: the lengths were checked above; y is borrowed mutably, so it overlaps no input; one thread runs
    // every tile.
    unsafe { bound.run_tiles(0, bound.tiles()) };
    Ok(())
}

/// A depthwise step bound to one run's buffers.
pub(crate) struct BoundDepthwise<'a> {
    call: &'a DepthwiseCall,
    strategy: Strategy,
    args: &'a [*mut u8],
    out_channels: usize,
    /// Tiles across the output channels of one image: one per channel, or per group of 8 across channels.
    channel_tiles: usize,
    /// Output rows per band, and bands per output plane.
    band_rows: usize,
    bands: usize,
    padded_width: usize,
}

// SAFETY: the pointers are dereferenced only by tiles, which write disjoint output rows.
unsafe impl Sync for BoundDepthwise<'_> {}

impl<'a> BoundDepthwise<'a> {
    /// Binds `call` (checked at load time against the buffers' lengths, and to fit its scratch across
    /// channels if `strategy` vectorizes so) to `args`, its buffers' addresses.
    pub(crate) fn new(call: &'a DepthwiseCall, strategy: Strategy, args: &'a [*mut u8]) -> BoundDepthwise<'a> {
        let c = &call.conv;
        let out_channels = call.out_channels().unwrap_or(0);
        let (lanes, block) = strategy.vectorize.tile_shape();
        let padded_width = call.padded_width(block).unwrap_or(0);
        let extent = (c.kernel[0] - 1) * c.dilation[0] + 1;
        // As many rows as keep the band's input rows within the scratch budget, at least one; then more bands
        // when there are few channel tiles, so that threads have tiles to share.
        let fitting = (BAND_SCRATCH / (lanes * padded_width).max(1)).saturating_sub(extent) / c.stride[0] + 1;
        let channel_tiles = out_channels.div_ceil(lanes);
        let wanted_bands = 16u64.div_ceil((call.batch * channel_tiles).max(1));
        let band_rows = fitting.min(c.out[0].div_ceil(wanted_bands)).max(1);
        let bands = c.out[0].div_ceil(band_rows);
        BoundDepthwise {
            call,
            strategy,
            args,
            out_channels: out_channels as usize,
            channel_tiles: channel_tiles as usize,
            band_rows: band_rows as usize,
            bands: bands as usize,
            padded_width: padded_width as usize,
        }
    }

    /// Independent tiles: bands of every channel tile of every image.
    pub(crate) fn tiles(&self) -> u64 {
        if self.call.conv.out[1] == 0 {
            return 0;
        }
        self.call.batch * self.channel_tiles as u64 * self.bands as u64
    }

    /// Runs tiles `[begin, end)` on this thread.
    ///
    /// # Safety
    /// The buffers must be live and as long as [`DepthwiseCall::check`] required, y must overlap no other
    /// argument, and calls running at the same time must be given disjoint tile ranges.
    pub(crate) unsafe fn run_tiles(&self, begin: u64, end: u64) {
        match (self.strategy.isa, self.strategy.vectorize) {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: forwarded contract; a call is bound to an instruction set the host has.
            (Isa::Avx2, Vectorize::AlongWidth) => unsafe { kernels::avx2_tiles(self, begin, end) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Isa::Avx2, Vectorize::AcrossChannels) => unsafe { channels::avx2_tiles(self, begin, end) },
            // SAFETY: forwarded contract; `portable` reads what a row describes.
            (_, Vectorize::AlongWidth) => unsafe { self.tiles_with(begin, end, |row| kernels::portable(row)) },
            // SAFETY: forwarded contract.
            (_, Vectorize::AcrossChannels) => unsafe { channels::portable_tiles(self, begin, end) },
        }
    }

    /// Runs tiles `[begin, end)` with `row_fn` computing each output row's sums; inlined into each
    /// instruction set's entry so that the copies and the epilogue compile with its features too.
    ///
    /// # Safety
    /// As [`BoundDepthwise::run_tiles`]; `row_fn` must be safe to call on every row a tile describes.
    #[inline(always)]
    pub(crate) unsafe fn tiles_with(&self, begin: u64, end: u64, row_fn: impl Fn(&kernels::Row<'_>)) {
        let mut scratch = SCRATCH.take();
        let mut taps = Vec::new();
        for tile in begin..end {
            // SAFETY: forwarded contract.
            unsafe { self.run_tile(tile as usize, &mut scratch, &mut taps, &row_fn) };
        }
        SCRATCH.set(scratch);
    }

    /// One band of one output plane.
    ///
    /// # Safety
    /// As [`BoundDepthwise::tiles_with`], for this tile.
    #[inline(always)]
    unsafe fn run_tile(
        &self,
        tile: usize,
        scratch: &mut Vec<f32>,
        taps: &mut Vec<(*const f32, *const f32)>,
        row_fn: &impl Fn(&kernels::Row<'_>),
    ) {
        let call = self.call;
        let c = &call.conv;
        let Sizes {
            input: [height, width],
            kernel: [kh, kw],
            stride: [sh, sw],
            dilation: [dh, dw],
            pad: [pad_top, pad_left],
            out: [out_h, out_w],
        } = Sizes::of(c);
        let (plane, band) = (tile / self.bands, tile % self.bands);
        let (image, out_channel) = (plane / self.out_channels, plane % self.out_channels);
        let channel = out_channel / call.multiplier as usize;
        let first = band * self.band_rows;
        let last = out_h.min(first + self.band_rows);
        // The input rows the band reads, clipped to the image: [row_lo, row_hi).
        let row_lo = (first * sh).saturating_sub(pad_top).min(height);
        let row_hi = ((last - 1) * sh + (kh - 1) * dh + 1).saturating_sub(pad_top).min(height).max(row_lo);
        let wp = self.padded_width;
        let blocks = out_w.div_ceil(LANES as usize);
        // Scratch: a zero row, the accumulator row, then the band's padded input rows.
        let acc_at = wp;
        let rows_at = acc_at + blocks * LANES as usize;
        let needed = rows_at + (row_hi - row_lo) * wp;
        if scratch.len() < needed {
            scratch.resize(needed, 0.0);
        }
        let arg = |i: usize| self.args[i].cast::<f32>();
        let in_plane = height * width;
        let out_plane = out_h * out_w;
        // SAFETY: the plane offsets lie inside the buffers the load-time check measured.
        let (x, weights, y) = unsafe {
            (
                arg(0).add((image * c.channels as usize + channel) * in_plane).cast_const(),
                arg(1).add(out_channel * kh * kw).cast_const(),
                arg(2).add((image * self.out_channels + out_channel) * out_plane),
            )
        };
        let bias = if call.bias {
            // SAFETY: the bias holds one value per output channel.
            unsafe { *arg(3).add(out_channel) }
        } else {
            0.0
        };
        let residual = call.residual.then(|| {
            // SAFETY: the residual is shaped like y.
            unsafe { arg(3 + usize::from(call.bias)).add((image * self.out_channels + out_channel) * out_plane) }
        });
        scratch[..wp].fill(0.0);
        for (slot, row) in (row_lo..row_hi).enumerate() {
            let padded = &mut scratch[rows_at + slot * wp..rows_at + (slot + 1) * wp];
            padded[..pad_left].fill(0.0);
            // SAFETY: row < height, so the row's `width` values lie in x's plane.
            let source = unsafe { std::slice::from_raw_parts(x.add(row * width), width) };
            padded[pad_left..pad_left + width].copy_from_slice(source);
            padded[pad_left + width..].fill(0.0);
        }
        let base = scratch.as_mut_ptr();
        for oy in first..last {
            taps.clear();
            for ky in 0..kh {
                let row = (oy * sh + ky * dh).checked_sub(pad_top).filter(|&r| r < height);
                let slot = row.map_or(0, |r| rows_at + (r - row_lo) * wp);
                // SAFETY: a tap row lies in the band's rows [row_lo, row_hi) or is the zero row; the weight row
                // is one of the channel's kh rows.
                unsafe { taps.push((base.add(slot).cast_const(), weights.add(ky * kw))) };
            }
            let row = kernels::Row { taps, kw, dw, sw, blocks, acc: base.wrapping_add(acc_at) };
            // Every padded row holds `wp` values, which cover the columns `blocks` whole blocks read; the
            // accumulator row holds `blocks` blocks and overlaps no padded row.
            row_fn(&row);
            // SAFETY: output row oy of the plane.
            let out = unsafe { std::slice::from_raw_parts_mut(y.add(oy * out_w), out_w) };
            let acc = &scratch[acc_at..acc_at + out_w];
            // SAFETY: the residual row is as long as the output row.
            let residual = residual.map(|r| unsafe { std::slice::from_raw_parts(r.add(oy * out_w), out_w) });
            finish(acc, out, Epilogue { alpha: call.alpha, bias, residual, activation: call.activation });
        }
    }
}

/// A geometry's sizes as `usize`s, for the tile loops (the load-time check bounds them by the buffers).
pub(crate) struct Sizes {
    /// Input height and width.
    pub input: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub dilation: [usize; 2],
    /// Top and left.
    pub pad: [usize; 2],
    pub out: [usize; 2],
}

impl Sizes {
    pub(crate) fn of(c: &Conv2d) -> Sizes {
        let size = |v: [u64; 2]| v.map(|v| v as usize);
        Sizes {
            input: size([c.height, c.width]),
            kernel: size(c.kernel),
            stride: size(c.stride),
            dilation: size(c.dilation),
            pad: size(c.pad),
            out: size(c.out),
        }
    }
}

/// The epilogue of one output row.
pub(crate) struct Epilogue<'a> {
    pub alpha: f32,
    pub bias: f32,
    pub residual: Option<&'a [f32]>,
    pub activation: Activation,
}

/// `out = act(alpha · acc + bias + residual)`, the activation by the GEMM engine's row helper; inlined into
/// each instruction set's tile loop so it vectorizes with its features.
#[inline(always)]
fn finish(acc: &[f32], out: &mut [f32], e: Epilogue<'_>) {
    match e.residual {
        Some(residual) => {
            for ((o, a), r) in out.iter_mut().zip(acc).zip(residual) {
                *o = e.alpha * a + e.bias + r;
            }
        }
        None => {
            for (o, a) in out.iter_mut().zip(acc) {
                *o = e.alpha * a + e.bias;
            }
        }
    }
    if e.activation != Activation::None {
        activate_row(out, e.activation);
    }
}

thread_local! {
    /// Each thread's padded-row scratch, grown to the largest tile it ran.
    static SCRATCH: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}
