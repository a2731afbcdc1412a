//! Winograd F(4x4, 3x3) convolution of a 3x3, stride-1 convolution, fused with the GEMM engine ([`WinogradConvCall`]):
//! per block of output tiles, the input transform `V[p] = (Bᵀ d B)[p]` of every tile's 6x6 window `d` (read
//! straight from the NCHW input with its zero padding implied) into per-thread scratch, the 36 products
//! `M[p] = U[p] · V[p]` by the engine on `U = G g Gᵀ` (transformed and packed at compile time), and the output
//! transform `y = act(Aᵀ M A + bias + residual)` per 4x4 tile, stored only inside y; so the transformed data
//! stays in the core's caches instead of going through memory.
//!
//! Tiles cover the output in 4x4 blocks (the last row and column of tiles may stick out), numbered per image
//! row-major over its tile grid. A work unit (the pool's tile) is one block of consecutive tiles of one image
//! for one group of filters ([`WinogradBlocking`]); the transforms run 8 tiles of a tile row at once
//! ([`kernels`]), AVX2 + FMA when the host has them, else portable code. The matrices are derived here once
//! ([`MATRICES`]), from the interpolation points 0, ±1, ±2 and ∞; the compiler takes `G` from them.

mod kernels;

use std::ops::Range;

use crate::depthwise::Isa;
use crate::error::LoadErrorKind;
use crate::format::{Reader, Writer};
use crate::gemm::{
    Activation, CacheSizes, Epilogue, Gemm, GemmError, OperandA, OperandB, Packed, Problem, Strided, Variant,
    activate_row,
};
use crate::routine;
use kernels::{LANES, Lanes, input_block, output_block};

/// Output tile side.
pub const TILE: usize = 4;
/// Filter side.
pub const TAPS: usize = 3;
/// Input window side: `TILE + TAPS - 1`.
pub const WINDOW: usize = TILE + TAPS - 1;
/// Transform positions per tile.
pub const POSITIONS: usize = WINDOW * WINDOW;
/// The finite interpolation points (∞ is the last one).
const POINTS: [f64; WINDOW - 1] = [0.0, 1.0, -1.0, 2.0, -2.0];

/// The Toom-Cook matrices of F(4, 3): the correlation `y[i] = Σ_k g[k]·d[i + k]` of a window `d` (6 values)
/// with a filter `g` (3 taps) is `Aᵀ[(G g) ⊙ (Bᵀ d)]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrices {
    pub at: [[f64; WINDOW]; TILE],
    pub g: [[f64; TAPS]; WINDOW],
    pub bt: [[f64; WINDOW]; WINDOW],
}

/// The matrices, derived at compile time.
pub const MATRICES: Matrices = Matrices::derive();
/// `Bᵀ` in f32, for the kernels.
const BT: [[f32; WINDOW]; WINDOW] = to_f32(MATRICES.bt);
/// `Aᵀ` in f32, for the kernels.
const AT: [[f32; WINDOW]; TILE] = to_f32(MATRICES.at);

const fn to_f32<const R: usize>(m: [[f64; WINDOW]; R]) -> [[f32; WINDOW]; R] {
    let mut out = [[0.0; WINDOW]; R];
    let mut i = 0;
    while i < R {
        let mut j = 0;
        while j < WINDOW {
            out[i][j] = m[i][j] as f32;
            j += 1;
        }
        i += 1;
    }
    out
}

/// `p` to the power `n`.
const fn power(p: f64, n: usize) -> f64 {
    let mut v = 1.0;
    let mut i = 0;
    while i < n {
        v *= p;
        i += 1;
    }
    v
}

/// The coefficients (by increasing power) of `Π (x - p_l)` over the points other than `skip` (all of them
/// when `skip` is not a point's index).
const fn poly_without(skip: usize) -> [f64; WINDOW] {
    let mut coeffs = [0.0; WINDOW];
    coeffs[0] = 1.0;
    let mut len = 1;
    let mut l = 0;
    while l < POINTS.len() {
        if l != skip {
            let mut next = [0.0; WINDOW];
            let mut i = 0;
            while i < len {
                next[i + 1] += coeffs[i];
                next[i] -= POINTS[l] * coeffs[i];
                i += 1;
            }
            coeffs = next;
            len += 1;
        }
        l += 1;
    }
    coeffs
}

impl Matrices {
    /// Row `j < 5` evaluates at point `p_j`: `Aᵀ[i][j] = p_jⁱ`, `G[j][k] = p_jᵏ / Π_{l≠j}(p_j - p_l)`, and
    /// `Bᵀ[j]` holds `Π_{l≠j}(x - p_l)`; the last row is the point ∞: the leading coefficients (`G` the last
    /// tap, `Aᵀ` the last output, `Bᵀ` the coefficients of `Π_l (x - p_l)`).
    const fn derive() -> Matrices {
        let mut m = Matrices { at: [[0.0; WINDOW]; TILE], g: [[0.0; TAPS]; WINDOW], bt: [[0.0; WINDOW]; WINDOW] };
        let mut j = 0;
        while j < POINTS.len() {
            let p = POINTS[j];
            let mut scale = 1.0;
            let mut l = 0;
            while l < POINTS.len() {
                if l != j {
                    scale *= p - POINTS[l];
                }
                l += 1;
            }
            let mut i = 0;
            while i < TILE {
                m.at[i][j] = power(p, i);
                i += 1;
            }
            let mut k = 0;
            while k < TAPS {
                m.g[j][k] = power(p, k) / scale;
                k += 1;
            }
            m.bt[j] = poly_without(j);
            j += 1;
        }
        m.at[TILE - 1][WINDOW - 1] = 1.0;
        m.g[WINDOW - 1][TAPS - 1] = 1.0;
        m.bt[WINDOW - 1] = poly_without(usize::MAX);
        m
    }
}

/// The tiles per column and per row of an output plane of `out` sides.
pub fn tile_grid(out: [u64; 2]) -> [u64; 2] {
    out.map(|side| side.div_ceil(TILE as u64))
}

/// A 3x3, stride-1 convolution run as Winograd F(4x4, 3x3):
/// `y[n][k] = act(Σ_c x[n][c] ⋆ g[k][c] + bias[k] + residual[n][k])`, each 4x4 output tile `t` computed as
/// `Aᵀ M A` with `M[p][k] = Σ_c U[p][k][c] · V[p][c]`, `V = Bᵀ d B` of the tile's 6x6 input window `d`
/// (rows `4·ty - pad[0] ..+6`, columns `4·tx - pad[1] ..+6` of its image, zero outside x) and `U = G g Gᵀ`
/// transformed at compile time (alpha folded in). The step's arguments are x (`images x channels x height x
/// width`), U, y (`images x filters x out[0] x out[1]`), then the bias (one value per filter) if `bias`, then
/// the residual (shaped like y) if `residual`; all f32, dense. U holds the 36 matrices `U[p]`
/// (`filters x channels`) one after the other: row-major when `u_width` is 0, else pre-packed as the GEMM
/// engine's A panels of `u_width` rows ([`pack_a`](crate::gemm::pack_a)).
#[derive(Debug, Clone, PartialEq)]
pub struct WinogradConvCall {
    pub images: u64,
    /// Input channels.
    pub channels: u64,
    /// Output channels.
    pub filters: u64,
    /// Input height and width.
    pub input: [u64; 2],
    /// Zero rows above and columns left of the input.
    pub pad: [u64; 2],
    /// Output height and width, which set the tile grid.
    pub out: [u64; 2],
    /// U's panel width, 0 for row-major matrices.
    pub u_width: u32,
    pub bias: bool,
    pub residual: bool,
    pub activation: Activation,
}

/// Pads beyond this are rejected (a window would start past any input).
const MAX_PAD: u64 = 1 << 32;

impl WinogradConvCall {
    /// The number of buffer arguments a step running this call takes.
    pub fn num_args(&self) -> usize {
        3 + usize::from(self.bias) + usize::from(self.residual)
    }

    /// Values of U: 36 matrices of `filters x channels`, rows rounded up to whole panels when packed.
    fn u_len(&self) -> Option<u64> {
        let rows = match u64::from(self.u_width) {
            0 => self.filters,
            width => self.filters.div_ceil(width).checked_mul(width)?,
        };
        routine::count(&[POSITIONS as u64, rows, self.channels])
    }

    /// Checks the call is well formed and every element it touches lies inside buffers of `arg_lens` bytes.
    pub fn check(&self, arg_lens: &[u64]) -> Result<(), String> {
        if self.pad.iter().any(|&p| p > MAX_PAD) {
            return Err(format!("the pads {:?} exceed {MAX_PAD}", self.pad));
        }
        if self.u_width > 64 {
            return Err(format!("U is packed in panels of {}, outside 1..=64", self.u_width));
        }
        let y_len = routine::count(&[self.images, self.filters, self.out[0], self.out[1]]);
        let empty = y_len == Some(0);
        if !empty && self.channels == 0 {
            return Err("a Winograd convolution needs at least one input channel".into());
        }
        let mut operands = vec![
            ("x", routine::count(&[self.images, self.channels, self.input[0], self.input[1]])),
            ("U", self.u_len()),
            ("y", y_len),
        ];
        if self.bias {
            operands.push(("the bias", Some(self.filters)));
        }
        if self.residual {
            operands.push(("the residual", y_len));
        }
        if arg_lens.len() != operands.len() {
            return Err(format!(
                "a Winograd convolution step takes {} buffers, this one has {}",
                operands.len(),
                arg_lens.len()
            ));
        }
        routine::check_dense_operands(operands, arg_lens, empty)
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        let sizes = [self.images, self.channels, self.filters].into_iter().chain(self.input).chain(self.pad);
        for v in sizes.chain(self.out) {
            w.u64(v);
        }
        w.u32(self.u_width);
        routine::encode_epilogue(self.bias, self.residual, self.activation, w);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<WinogradConvCall, LoadErrorKind> {
        let v: [u64; 9] = routine::decode_u64s(r, "Winograd convolution call")?;
        let u_width = r.u32("Winograd convolution U panel width")?;
        let (bias, residual, activation) = routine::decode_epilogue(r, "Winograd convolution")?;
        Ok(WinogradConvCall {
            images: v[0],
            channels: v[1],
            filters: v[2],
            input: [v[3], v[4]],
            pad: [v[5], v[6]],
            out: [v[7], v[8]],
            u_width,
            bias,
            residual,
            activation,
        })
    }

    /// Tiles per image.
    fn tiles_per_image(&self) -> usize {
        let [th, tw] = tile_grid(self.out);
        (th * tw) as usize
    }
}

/// How a Winograd convolution's work is cut: into units of one block of tiles of one image (and one group of
/// filters), each transforming its block's input into scratch `V[36][channels][tiles]`, then, band by band of
/// filters, running the 36 GEMMs `M[p] = U[p] · V[p]` into scratch `M[36][filters][tiles]` and the output
/// transform from there into y, so V and M never leave the core's caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinogradBlocking {
    /// Tiles per block (consecutive tiles of one image, row-major over its tile grid).
    pub tiles: usize,
    /// Filters per band: a multiple of the engine's MR unless it is all of them.
    pub filters: usize,
    /// Groups of filters (whole MR panels each) run as separate units, for threads to share when there are
    /// fewer blocks than threads; each group transforms its block's input again.
    pub groups: usize,
}

/// Filter panels (of MR rows) a band has at least, when there are as many: a B block read by up to 8 row panels
/// is read in place by the engine, and fewer panels would repeat the input transform's reads for little work.
const MIN_BAND_PANELS: usize = 8;

impl WinogradBlocking {
    /// The blocking of `call` for `variant` on a core with `caches` and `threads` threads: blocks as large as
    /// let V and the products of a band of at least [`MIN_BAND_PANELS`] panels fill L2 (U streams from L3 or
    /// memory once per block, so fewer blocks read it less, and each of a unit's 36 GEMMs per band costs a
    /// fixed setup that larger blocks amortize), in whole column panels of NR tiles (at least one, or the whole
    /// image), split evenly; bands as wide as the rest of L2 allows, split evenly; and groups of filters only
    /// when the images' blocks are fewer than the threads (ResNet-50's last stage: 4 tiles, 512 filters).
    /// Filling half of L2 instead (on a 512 KiB L2, AVX2, one thread, min of 20 runs) ran ResNet-50's 64 -> 64
    /// convs at 56x56 in 2.5 ms instead of 1.65 (blocks of 16 tiles, not 32) and its 512 -> 512 convs at 7x7
    /// in 6.4 ms instead of 3.7 (11 bands, not 2), detection's 96 -> 32 conv at 128x128 in 8.2 ms instead of
    /// 7.2.
    pub fn for_call(call: &WinogradConvCall, variant: Variant, caches: CacheSizes, threads: usize) -> WinogradBlocking {
        let (mr, nr) = (variant.mr(), variant.nr());
        let per_image = call.tiles_per_image().max(1);
        let (channels, filters) = (call.channels as usize, (call.filters as usize).max(1));
        let budget = caches.l2;
        let min_band = filters.min(MIN_BAND_PANELS * mr);
        let fit = budget / (4 * POSITIONS * (channels + min_band));
        let most = if fit >= nr { fit / nr * nr } else { fit }.max(nr).min(per_image);
        let blocks = per_image.div_ceil(most);
        let tiles = per_image.div_ceil(blocks);
        let tiles = tiles.next_multiple_of(nr).min(most);
        let room = (budget / (4 * POSITIONS * tiles)).saturating_sub(channels);
        let band = (room / mr * mr).max(min_band).min(filters);
        let bands = filters.div_ceil(band);
        let band = filters.div_ceil(bands).next_multiple_of(mr).min(filters);
        let units = (call.images as usize * per_image.div_ceil(tiles)).max(1);
        let groups = if units >= threads { 1 } else { threads.div_ceil(units).min(filters.div_ceil(mr)) };
        WinogradBlocking { tiles, filters: band, groups }
    }
}

/// How this host runs a Winograd convolution step, fixed when a session is created: the GEMM engine's
/// variant (whose MR is U's panel width when U is packed), the blocking, and the per-thread scratch it needs.
#[derive(Debug, Clone, Copy)]
pub struct WinogradPlan {
    variant: Variant,
    blocking: WinogradBlocking,
    /// Values of the engine's packing scratch the largest of the step's GEMMs needs.
    gemm_scratch: usize,
}

impl WinogradPlan {
    /// The plan for `call` on this host with [`WinogradBlocking::for_call`] for `threads` threads.
    pub fn new(call: &WinogradConvCall, threads: usize) -> Result<WinogradPlan, GemmError> {
        let variant = Self::variant(call)?;
        let blocking = WinogradBlocking::for_call(call, variant, CacheSizes::host(), threads);
        WinogradPlan::build(call, variant, blocking)
    }

    /// The plan for `call` with an explicit blocking (tests force small blocks, bands and several groups).
    pub fn with_blocking(call: &WinogradConvCall, blocking: WinogradBlocking) -> Result<WinogradPlan, String> {
        let variant = Self::variant(call).map_err(|e| e.to_string())?;
        let WinogradBlocking { tiles, filters, groups } = blocking;
        if tiles == 0 || filters == 0 || groups == 0 {
            return Err(format!("the blocking {blocking:?} has an empty block, band or no group"));
        }
        if filters % variant.mr() != 0 && (filters as u64) < call.filters {
            return Err(format!("bands of {filters} filters are not whole panels of {} rows", variant.mr()));
        }
        WinogradPlan::build(call, variant, blocking).map_err(|e| e.to_string())
    }

    /// The plan with `variant` and `blocking`, sizing the engine's scratch for the largest of its GEMMs.
    fn build(call: &WinogradConvCall, variant: Variant, blocking: WinogradBlocking) -> Result<WinogradPlan, GemmError> {
        let WinogradBlocking { tiles, groups, .. } = blocking;
        let mut plan = WinogradPlan { variant, blocking, gemm_scratch: 0 };
        let per_image = call.tiles_per_image();
        let last_block = per_image - per_image.saturating_sub(1) / tiles * tiles;
        let placeholder = std::ptr::NonNull::<f32>::dangling().as_ptr();
        let mut gemm_scratch = 0;
        // Every GEMM a unit runs, at placeholder addresses: the band heights of every group, the block widths.
        for group in 0..groups {
            for band in plan.bands(call, group) {
                for n in [tiles.min(per_image), last_block] {
                    let gemm = plan.position_gemm(call, band.clone(), n, placeholder, placeholder, placeholder, 0)?;
                    gemm_scratch = gemm_scratch.max(gemm.scratch_len());
                }
            }
        }
        plan.gemm_scratch = gemm_scratch;
        Ok(plan)
    }

    /// The engine variant for `call`: the fastest the host has whose MR is U's panel width.
    fn variant(call: &WinogradConvCall) -> Result<Variant, GemmError> {
        let width = (call.u_width != 0).then_some(call.u_width as usize);
        routine::engine_variant(width, None)
    }

    /// How the plan cuts the work.
    pub fn blocking(&self) -> WinogradBlocking {
        self.blocking
    }

    /// Values of per-thread scratch a unit needs: V and M of a block, then the engine's packing scratch.
    fn scratch_len(&self, call: &WinogradConvCall) -> usize {
        let WinogradBlocking { tiles, filters, .. } = self.blocking;
        POSITIONS * tiles * (call.channels as usize + filters) + self.gemm_scratch
    }

    /// The bands of filters of group `group`: its share of the filters' MR panels, cut into bands.
    fn bands(&self, call: &WinogradConvCall, group: usize) -> impl Iterator<Item = Range<usize>> {
        let (mr, filters) = (self.variant.mr(), call.filters as usize);
        let (groups, band) = (self.blocking.groups, self.blocking.filters);
        let panels = filters.div_ceil(mr);
        let (size, rest) = (panels / groups, panels % groups);
        let start = group * size + group.min(rest);
        let range = (start * mr).min(filters)..((start + size + usize::from(group < rest)) * mr).min(filters);
        range.clone().step_by(band).map(move |first| first..(first + band).min(range.end))
    }

    /// The engine's GEMM of position `p` for filters `band` and `n` tiles: `M[p] = U[p][band] · V[p]` with V at
    /// `v` (`channels` rows of stride `tiles`) and M at `m` (rows of stride `tiles`), U at `u`.
    #[allow(clippy::too_many_arguments)]
    fn position_gemm(
        &self,
        call: &WinogradConvCall,
        band: Range<usize>,
        n: usize,
        u: *const f32,
        v: *const f32,
        m: *mut f32,
        p: usize,
    ) -> Result<Gemm, GemmError> {
        let (channels, filters) = (call.channels as usize, call.filters as usize);
        let rows = match call.u_width as usize {
            0 => filters,
            width => filters.div_ceil(width) * width,
        };
        let a_ptr = u.wrapping_add(p * rows * channels + band.start * channels);
        let a = match call.u_width {
            0 => OperandA::Strided(Strided { ptr: a_ptr, row_stride: channels, col_stride: 1 }),
            width => OperandA::Packed(Packed { ptr: a_ptr, width: width as usize }),
        };
        let tiles = self.blocking.tiles;
        let problem = Problem {
            m: band.len(),
            n,
            k: channels,
            a,
            b: OperandB::Strided(Strided {
                ptr: v.wrapping_add(p * channels * tiles),
                row_stride: tiles,
                col_stride: 1,
            }),
            c: m.wrapping_add(p * self.blocking.filters * tiles),
            ldc: tiles,
            epilogue: Epilogue::default(),
        };
        Gemm::new(self.variant, problem)
    }
}

/// Runs `call` on slices with `isa` and `plan`, checking every length first (the entry point for tests and
/// callers outside a plan); every unit runs on this thread.
#[allow(clippy::too_many_arguments)]
pub fn winograd_conv(
    call: &WinogradConvCall,
    plan: &WinogradPlan,
    isa: Isa,
    x: &[f32],
    u: &[f32],
    y: &mut [f32],
    bias: Option<&[f32]>,
    residual: Option<&[f32]>,
) -> Result<(), String> {
    let (args, lens) = routine::slice_arguments(&[x, u], y, [bias, residual], (call.bias, call.residual))?;
    call.check(&lens)?;
    if !isa.is_available() {
        return Err(format!("this host cannot run {isa:?} code"));
    }
    let bound = BoundWinograd::new(call, *plan, isa, &args);
    // SAFETY: the lengths were checked; the output is borrowed mutably, so it overlaps no input; one thread
    // runs every unit.
    unsafe { bound.run_tiles(0, bound.tiles()) };
    Ok(())
}

/// The tiles `tiles` of an image whose tile rows are `per_row` tiles long, as runs along tile rows: (tile row,
/// its columns, the run's first tile's index in `tiles`).
fn row_runs(tiles: Range<usize>, per_row: usize) -> impl Iterator<Item = (usize, Range<usize>, usize)> {
    (tiles.start / per_row..tiles.end.div_ceil(per_row)).map(move |row| {
        let (lo, hi) = (tiles.start.max(row * per_row), tiles.end.min((row + 1) * per_row));
        (row, lo - row * per_row..hi - row * per_row, lo - tiles.start)
    })
}

/// An input plane the input transform reads.
struct InputPlane {
    x: *const f32,
    /// Height and width.
    size: [usize; 2],
    /// Zero rows above and columns left of it.
    pad: [usize; 2],
}

/// An output plane the output transform writes, with its epilogue.
struct OutputPlane {
    y: *mut f32,
    /// The residual plane, if any.
    residual: Option<*const f32>,
    bias: Option<f32>,
    /// Height and width.
    size: [usize; 2],
    activation: Activation,
}

/// A Winograd convolution step bound to one run's buffers.
pub(crate) struct BoundWinograd<'a> {
    call: &'a WinogradConvCall,
    plan: WinogradPlan,
    isa: Isa,
    args: &'a [*mut u8],
    /// Tiles per column and per row of a plane.
    grid: [usize; 2],
    /// Blocks per image.
    blocks: usize,
}

// SAFETY: the pointers are dereferenced only by units, which write disjoint parts of y.
unsafe impl Sync for BoundWinograd<'_> {}

impl<'a> BoundWinograd<'a> {
    /// Binds `call` (checked at load time against the buffers' lengths), planned by `plan`, to `args`, its
    /// buffers' addresses.
    pub(crate) fn new(call: &'a WinogradConvCall, plan: WinogradPlan, isa: Isa, args: &'a [*mut u8]) -> Self {
        let grid = tile_grid(call.out).map(|t| t as usize);
        let blocks = call.tiles_per_image().div_ceil(plan.blocking.tiles);
        BoundWinograd { call, plan, isa, args, grid, blocks }
    }

    /// Independent units: one per group of filters, image and block of tiles.
    pub(crate) fn tiles(&self) -> u64 {
        if routine::count(&[self.call.images, self.call.filters, self.call.out[0], self.call.out[1]]) == Some(0) {
            return 0;
        }
        (self.plan.blocking.groups * self.call.images as usize * self.blocks) as u64
    }

    /// Runs units `[begin, end)` on this thread.
    ///
    /// # Safety
    /// The buffers must be live and as long as the call's `check` required, y must overlap no other argument,
    /// and calls running at the same time must be given disjoint unit ranges.
    pub(crate) unsafe fn run_tiles(&self, begin: u64, end: u64) {
        routine::with_scratch(self.plan.scratch_len(self.call), |scratch| match self.isa {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: forwarded contract; a call is bound to an instruction set the host has; the scratch
            // holds what the plan needs.
            Isa::Avx2 => unsafe { self.avx2_units(begin, end, scratch) },
            // SAFETY: as above.
            _ => unsafe { self.units_with::<[f32; LANES]>(begin, end, scratch) },
        })
    }

    /// [`BoundWinograd::units_with`] compiled with AVX2 and FMA.
    ///
    /// # Safety
    /// As [`BoundWinograd::units_with`], on a host with AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn avx2_units(&self, begin: u64, end: u64, scratch: &mut [f32]) {
        // SAFETY: forwarded contract.
        unsafe { self.units_with::<std::arch::x86_64::__m256>(begin, end, scratch) }
    }

    /// Runs units `[begin, end)` with vectors `V` in `scratch`; inlined into each instruction set's entry (not
    /// in a closure, which would not inherit the entry's instruction set).
    ///
    /// # Safety
    /// As [`BoundWinograd::run_tiles`]; `scratch` must hold [`WinogradPlan::scratch_len`] values.
    #[inline(always)]
    unsafe fn units_with<V: Lanes>(&self, begin: u64, end: u64, scratch: &mut [f32]) {
        for unit in begin as usize..end as usize {
            // SAFETY: forwarded contract.
            unsafe { self.unit::<V>(unit, scratch) };
        }
    }

    /// Runs unit `unit`: transforms its block's input into V, then for each band of its filters runs the 36
    /// GEMMs into M and the output transform into y.
    ///
    /// # Safety
    /// As [`BoundWinograd::run_tiles`]; `scratch` must hold [`WinogradPlan::scratch_len`] values.
    #[inline(always)]
    unsafe fn unit<V: Lanes>(&self, unit: usize, scratch: &mut [f32]) {
        let call = self.call;
        let WinogradBlocking { tiles: block_tiles, filters: band_filters, .. } = self.plan.blocking;
        let (channels, filters, images) = (call.channels as usize, call.filters as usize, call.images as usize);
        let (group, rest) = (unit / (images * self.blocks), unit % (images * self.blocks));
        let (image, block) = (rest / self.blocks, rest % self.blocks);
        let first = block * block_tiles;
        let tiles = first..(first + block_tiles).min(self.grid[0] * self.grid[1]);
        let (v, rest) = scratch.split_at_mut(POSITIONS * channels * block_tiles);
        let (m, gemm_scratch) = rest.split_at_mut(POSITIONS * band_filters * block_tiles);
        let [height, width] = call.input.map(|v| v as usize);
        let x = self.args[0].cast::<f32>().cast_const();
        for channel in 0..channels {
            let plane = InputPlane {
                // SAFETY: the plane lies in x (checked at load time).
                x: unsafe { x.add((image * channels + channel) * height * width) },
                size: [height, width],
                pad: call.pad.map(|v| v as usize),
            };
            for (row, columns, at) in row_runs(tiles.clone(), self.grid[1]) {
                // SAFETY: the run's tiles of this channel lie in V's rows (`block_tiles` long, one per position
                // and channel).
                unsafe {
                    input_segment::<V>(&plane, row, columns, v.as_mut_ptr().add(channel * block_tiles + at), {
                        channels * block_tiles
                    })
                };
            }
        }
        let [out_h, out_w] = call.out.map(|v| v as usize);
        let y = self.args[2].cast::<f32>();
        let bias = call.bias.then(|| self.args[3].cast::<f32>().cast_const());
        let residual = call.residual.then(|| self.args[3 + usize::from(call.bias)].cast::<f32>().cast_const());
        let u = self.args[1].cast::<f32>().cast_const();
        for band in self.plan.bands(call, group) {
            for p in 0..POSITIONS {
                let gemm = self
                    .plan
                    .position_gemm(call, band.clone(), tiles.len(), u, v.as_ptr(), m.as_mut_ptr(), p)
                    .expect("every GEMM of the plan was set up when it was made");
                // SAFETY: U holds the band's rows of every position (checked at load time); V and M are this
                // thread's scratch, M apart from V; the scratch left is what the plan's largest GEMM needs.
                unsafe { gemm.run(gemm_scratch) }.expect("the plan sized the scratch for every GEMM");
            }
            for filter in band.clone() {
                let plane_offset = (image * filters + filter) * out_h * out_w;
                let plane = OutputPlane {
                    // SAFETY: the plane lies in y.
                    y: unsafe { y.add(plane_offset) },
                    // SAFETY: the residual is shaped like y.
                    residual: residual.map(|r| unsafe { r.add(plane_offset) }),
                    // SAFETY: the bias holds one value per filter.
                    bias: bias.map(|b| unsafe { *b.add(filter) }),
                    size: [out_h, out_w],
                    activation: call.activation,
                };
                let products = m[(filter - band.start) * block_tiles..].as_ptr();
                for (row, columns, at) in row_runs(tiles.clone(), self.grid[1]) {
                    // SAFETY: the run's products lie in M's rows (one per position and filter of the band).
                    unsafe { output_segment::<V>(&plane, products.add(at), band_filters * block_tiles, row, columns) };
                }
            }
        }
    }
}

/// `V[p][t] = (Bᵀ d B)[p]` for the tiles `columns` of tile row `row` of `plane`, tile `columns.start + j` at
/// `v + p·stride + j`.
///
/// # Safety
/// The plane must be readable; `v` writable at those places.
#[inline(always)]
unsafe fn input_segment<V: Lanes>(plane: &InputPlane, row: usize, columns: Range<usize>, v: *mut f32, stride: usize) {
    let [height, width] = plane.size;
    let [pad_top, pad_left] = plane.pad;
    let span = TILE * (LANES - 1) + 2 * TILE; // 36 columns: what `load_windows` reads
    let zero = [0f32; TILE * (LANES - 1) + 2 * TILE];
    let mut scratch = [[0f32; TILE * (LANES - 1) + 2 * TILE]; WINDOW];
    let x = plane.x;
    let rows: [Option<usize>; WINDOW] =
        std::array::from_fn(|i| (TILE * row + i).checked_sub(pad_top).filter(|&r| r < height));
    for block in columns.clone().step_by(LANES) {
        let lanes = (columns.end - block).min(LANES);
        // The first column the block's windows read, and whether all 36 lie inside the row.
        let left = (TILE * block) as isize - pad_left as isize;
        let inside = left >= 0 && left as usize + span <= width;
        if !inside {
            for (padded, r) in scratch.iter_mut().zip(rows) {
                let Some(r) = r else { continue };
                padded.fill(0.0);
                let lo = left.max(0) as usize;
                let hi = ((left + span as isize).max(0) as usize).min(width);
                if lo < hi {
                    // SAFETY: columns [lo, hi) of row r < height lie in the plane.
                    let source = unsafe { std::slice::from_raw_parts(x.add(r * width + lo), hi - lo) };
                    let at = (lo as isize - left) as usize;
                    padded[at..at + (hi - lo)].copy_from_slice(source);
                }
            }
        }
        let mut pointers = [zero.as_ptr(); WINDOW];
        for ((pointer, r), padded) in pointers.iter_mut().zip(rows).zip(&scratch) {
            *pointer = match r {
                None => zero.as_ptr(),
                // SAFETY: an inside block's 36 columns lie in row r.
                Some(r) if inside => unsafe { x.add(r * width + left as usize) },
                Some(_) => padded.as_ptr(),
            };
        }
        // SAFETY: every pointer reads 36 values: the zero row, a scratch row, or a row of x.
        let out = unsafe { input_block::<V>(&pointers) };
        for (p, value) in out.iter().flatten().enumerate() {
            // SAFETY: position p of tiles [block, block + lanes) of the run, inside the caller's range.
            unsafe { store_lanes(*value, v.add(p * stride + block - columns.start), lanes) };
        }
    }
}

/// The output rows of the tiles `columns` of tile row `row` of `plane`: `act(Aᵀ M A + bias + residual)` with
/// `M[p]` of tile `columns.start + j` at `m + p·stride + j`, stored only inside the plane.
///
/// # Safety
/// `m` must be readable at those places; the plane (and its residual) valid.
#[inline(always)]
unsafe fn output_segment<V: Lanes>(
    plane: &OutputPlane,
    m: *const f32,
    stride: usize,
    row: usize,
    columns: Range<usize>,
) {
    let [height, width] = plane.size;
    let bias = plane.bias.map(V::splat);
    for block in columns.clone().step_by(LANES) {
        let lanes = (columns.end - block).min(LANES);
        let mut products = [[V::splat(0.0); WINDOW]; WINDOW];
        for (p, value) in products.iter_mut().flatten().enumerate() {
            // SAFETY: position p of tiles [block, block + lanes) of the run.
            *value = unsafe { load_lanes(m.add(p * stride + block - columns.start), lanes) };
        }
        let mut cells = output_block(&products);
        if let Some(bias) = bias {
            for value in cells.iter_mut().flatten() {
                *value = value.add(bias);
            }
        }
        let column = TILE * block;
        let stored = (width - column).min(TILE * lanes);
        for (i, cell_row) in cells.iter().enumerate() {
            let oy = TILE * row + i;
            if oy >= height {
                break;
            }
            // SAFETY: columns [column, column + stored) of output row oy lie in the plane.
            let out = unsafe { std::slice::from_raw_parts_mut(plane.y.add(oy * width + column), stored) };
            // SAFETY: the row segment holds `stored` values.
            unsafe { V::store_tiles(cell_row, out.as_mut_ptr(), stored) };
            if let Some(residual) = plane.residual {
                // SAFETY: the residual row segment matches the output's.
                let residual = unsafe { std::slice::from_raw_parts(residual.add(oy * width + column), stored) };
                for (o, r) in out.iter_mut().zip(residual) {
                    *o += r;
                }
            }
            if plane.activation != Activation::None {
                activate_row(out, plane.activation);
            }
        }
    }
}

/// The first `lanes` of the 8 values at `ptr` (the rest zero).
///
/// # Safety
/// `ptr` must be valid for reading `lanes` values.
#[inline(always)]
unsafe fn load_lanes<V: Lanes>(ptr: *const f32, lanes: usize) -> V {
    if lanes == LANES {
        // SAFETY: forwarded contract.
        unsafe { V::load(ptr) }
    } else {
        // SAFETY: forwarded contract.
        unsafe { V::load_first(ptr, lanes) }
    }
}

/// Writes the first `lanes` values of `value` to `ptr`.
///
/// # Safety
/// `ptr` must be valid for writing `lanes` values.
#[inline(always)]
unsafe fn store_lanes<V: Lanes>(value: V, ptr: *mut f32, lanes: usize) {
    if lanes == LANES {
        // SAFETY: forwarded contract.
        unsafe { value.store(ptr) }
    } else {
        // SAFETY: forwarded contract.
        unsafe { value.store_first(ptr, lanes) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-1, 1).
    fn values<const L: usize>(seed: u64) -> [f64; L] {
        let mut s = seed;
        std::array::from_fn(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
    }

    fn mat_vec<const C: usize>(rows: &[[f64; C]], v: &[f64]) -> Vec<f64> {
        rows.iter().map(|r| r.iter().zip(v).map(|(a, b)| a * b).sum()).collect()
    }

    #[test]
    fn matrices_compute_the_correlation_in_one_and_two_dimensions() {
        let m = MATRICES;
        // The well-known first row of Bᵀ for F(4, 3): x⁴ - 5x² + 4.
        assert_eq!(m.bt[0], [4.0, 0.0, -5.0, 0.0, 1.0, 0.0]);
        for seed in 0..8 {
            let (d, g) = (values::<WINDOW>(seed), values::<TAPS>(seed + 100));
            let gg = mat_vec(&m.g, &g);
            let bd = mat_vec(&m.bt, &d);
            let prod: Vec<f64> = gg.iter().zip(&bd).map(|(a, b)| a * b).collect();
            let y = mat_vec(&m.at, &prod);
            for (i, yi) in y.iter().enumerate() {
                let want: f64 = (0..TAPS).map(|k| g[k] * d[i + k]).sum();
                assert!((yi - want).abs() < 1e-12, "1-D output {i}: {yi} vs {want}");
            }
        }
        // 2-D: Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A.
        let (d, g) = (values::<POSITIONS>(7), values::<{ TAPS * TAPS }>(8));
        let sandwich = |mat: &[[f64; TAPS]; WINDOW], a: usize, b: usize| -> f64 {
            (0..TAPS).map(|i| mat[a][i] * (0..TAPS).map(|j| g[i * TAPS + j] * mat[b][j]).sum::<f64>()).sum()
        };
        for oy in 0..TILE {
            for ox in 0..TILE {
                let mut got = 0.0;
                for a in 0..WINDOW {
                    for b in 0..WINDOW {
                        let v: f64 = (0..WINDOW)
                            .map(|i| m.bt[a][i] * (0..WINDOW).map(|j| d[i * WINDOW + j] * m.bt[b][j]).sum::<f64>())
                            .sum();
                        got += m.at[oy][a] * v * sandwich(&m.g, a, b) * m.at[ox][b];
                    }
                }
                let want: f64 = (0..TAPS * TAPS).map(|k| g[k] * d[(oy + k / TAPS) * WINDOW + ox + k % TAPS]).sum();
                assert!((got - want).abs() < 1e-12, "2-D output ({oy}, {ox}): {got} vs {want}");
            }
        }
    }
}
