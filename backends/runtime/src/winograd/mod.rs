//! The Winograd F(4x4, 3x3) transforms of a 3x3, stride-1 convolution, as two routines around the GEMM engine's
//! batched product `M[p] = U[p] · V[p]` over the 36 positions `p` (`U = G g Gᵀ`, transformed at compile time):
//!
//! - [`WinogradInputCall`]: `V[p][c][t] = (Bᵀ d B)[p]` for the 6x6 window `d` of every tile `t` of every input
//!   channel `c`, read straight from the NCHW input with its zero padding implied;
//! - [`WinogradOutputCall`]: `y = act(Aᵀ M A + bias + residual)` per 4x4 output tile, stored only inside y.
//!
//! Tiles cover the output in 4x4 blocks (the last row and column of tiles may stick out) and are numbered
//! image-major, then tile row, then tile column, over all images: `T` of them. A routine's work unit (the
//! pool's tile) is one tile row of one channel of one image; it runs 8 tiles at once ([`kernels`]), AVX2 + FMA
//! when the host has them, else portable code. The matrices are derived here once ([`MATRICES`]), from the
//! interpolation points 0, ±1, ±2 and ∞; the compiler takes `G` from them.

mod kernels;

use crate::depthwise::Isa;
use crate::error::LoadErrorKind;
use crate::format::{Reader, Writer};
use crate::gemm::{Activation, activate_row};
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

/// `V[p][c][t] = (Bᵀ d B)[p]`, `d` the 6x6 window of tile `t` in channel `c`: input rows `4·ty - pad[0] ..+6`
/// and columns `4·tx - pad[1] ..+6` of the tile's image, zero outside the input. The step's arguments are x
/// (`images x channels x height x width`) and V (`36 x channels x T`, `T = images · tiles`, the tile grid
/// [`tile_grid`]`(out)`); all f32, dense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinogradInputCall {
    pub images: u64,
    pub channels: u64,
    /// Input height and width.
    pub input: [u64; 2],
    /// Zero rows above and columns left of the input.
    pub pad: [u64; 2],
    /// The convolution's output height and width, which set the tile grid.
    pub out: [u64; 2],
}

/// `y[n][k][4·ty + i][4·tx + j] = act((Aᵀ M A)[i][j] + bias[k] + residual[n][k][..])` for every tile inside
/// y, `M[p][k][t]` the products of tile `t` (numbered as for [`WinogradInputCall`]). The step's arguments are
/// M (`36 x channels x T`), y (`images x channels x out[0] x out[1]`), then the bias (one value per channel)
/// if `bias`, then the residual (shaped like y) if `residual`; all f32, dense.
#[derive(Debug, Clone, PartialEq)]
pub struct WinogradOutputCall {
    pub images: u64,
    /// Output channels.
    pub channels: u64,
    /// Output height and width.
    pub out: [u64; 2],
    pub bias: bool,
    pub residual: bool,
    pub activation: Activation,
}

/// The product of `dims`, `None` on overflow.
fn count(dims: &[u64]) -> Option<u64> {
    dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))
}

/// Checks that each named operand's values fit its buffer of `arg_lens` bytes (`None` values: overflow).
fn check_operands(what: &str, operands: &[(&str, Option<u64>)], arg_lens: &[u64], empty: bool) -> Result<(), String> {
    if arg_lens.len() != operands.len() {
        return Err(format!("a {what} step takes {} buffers, this one has {}", operands.len(), arg_lens.len()));
    }
    for (&(name, values), &len) in operands.iter().zip(arg_lens) {
        let values = if empty { Some(0) } else { values };
        if values.and_then(|v| v.checked_mul(4)).is_none_or(|bytes| bytes > len) {
            return Err(format!("{name} needs more than its {len}-byte buffer"));
        }
    }
    Ok(())
}

/// Values of the transformed buffer (V or M): 36 positions of `channels x T`.
fn transformed_len(images: u64, channels: u64, out: [u64; 2]) -> Option<u64> {
    let [th, tw] = tile_grid(out);
    count(&[POSITIONS as u64, channels, images, th, tw])
}

/// Pads beyond this are rejected (a window would start past any input).
const MAX_PAD: u64 = 1 << 32;

impl WinogradInputCall {
    /// The number of buffer arguments a step running this call takes.
    pub fn num_args(&self) -> usize {
        2
    }

    /// Checks the call is well formed and every element it touches lies inside buffers of `arg_lens` bytes.
    pub fn check(&self, arg_lens: &[u64]) -> Result<(), String> {
        if self.pad.iter().any(|&p| p > MAX_PAD) {
            return Err(format!("the pads {:?} exceed {MAX_PAD}", self.pad));
        }
        let empty = count(&[self.images, self.channels, self.out[0], self.out[1]]) == Some(0);
        let operands = [
            ("x", count(&[self.images, self.channels, self.input[0], self.input[1]])),
            ("V", transformed_len(self.images, self.channels, self.out)),
        ];
        check_operands("Winograd input", &operands, arg_lens, empty)
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        for v in [self.images, self.channels].into_iter().chain(self.input).chain(self.pad).chain(self.out) {
            w.u64(v);
        }
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<WinogradInputCall, LoadErrorKind> {
        let v: [u64; 8] = routine::decode_u64s(r, "Winograd input call")?;
        Ok(WinogradInputCall {
            images: v[0],
            channels: v[1],
            input: [v[2], v[3]],
            pad: [v[4], v[5]],
            out: [v[6], v[7]],
        })
    }
}

impl WinogradOutputCall {
    /// The number of buffer arguments a step running this call takes.
    pub fn num_args(&self) -> usize {
        2 + usize::from(self.bias) + usize::from(self.residual)
    }

    /// Checks the call is well formed and every element it touches lies inside buffers of `arg_lens` bytes.
    pub fn check(&self, arg_lens: &[u64]) -> Result<(), String> {
        let y_len = count(&[self.images, self.channels, self.out[0], self.out[1]]);
        let empty = y_len == Some(0);
        let mut operands = vec![("M", transformed_len(self.images, self.channels, self.out)), ("y", y_len)];
        if self.bias {
            operands.push(("the bias", Some(self.channels)));
        }
        if self.residual {
            operands.push(("the residual", y_len));
        }
        check_operands("Winograd output", &operands, arg_lens, empty)
    }

    pub(crate) fn encode(&self, w: &mut Writer) {
        for v in [self.images, self.channels].into_iter().chain(self.out) {
            w.u64(v);
        }
        routine::encode_epilogue(self.bias, self.residual, self.activation, w);
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<WinogradOutputCall, LoadErrorKind> {
        let v: [u64; 4] = routine::decode_u64s(r, "Winograd output call")?;
        let (bias, residual, activation) = routine::decode_epilogue(r, "Winograd output")?;
        Ok(WinogradOutputCall { images: v[0], channels: v[1], out: [v[2], v[3]], bias, residual, activation })
    }
}

/// Runs `call` on slices with `isa`, checking every length first (the entry point for tests and callers
/// outside a plan).
pub fn winograd_input(call: &WinogradInputCall, isa: Isa, x: &[f32], v: &mut [f32]) -> Result<(), String> {
    let (args, lens) = routine::slice_arguments(&[x], v, [None, None], (false, false))?;
    run_checked(isa, call.check(&lens), &BoundWinograd::input(call, isa, &args))
}

/// Runs `call` on slices with `isa`, checking every length first (the entry point for tests and callers
/// outside a plan).
pub fn winograd_output(
    call: &WinogradOutputCall,
    isa: Isa,
    m: &[f32],
    y: &mut [f32],
    bias: Option<&[f32]>,
    residual: Option<&[f32]>,
) -> Result<(), String> {
    let (args, lens) = routine::slice_arguments(&[m], y, [bias, residual], (call.bias, call.residual))?;
    run_checked(isa, call.check(&lens), &BoundWinograd::output(call, isa, &args))
}

/// Runs every tile of `bound` on this thread once `checked` passed and the host has `isa`.
fn run_checked(isa: Isa, checked: Result<(), String>, bound: &BoundWinograd<'_>) -> Result<(), String> {
    checked?;
    if !isa.is_available() {
        return Err(format!("this host cannot run {isa:?} code"));
    }
    // SAFETY: the lengths were checked; the output is borrowed mutably, so it overlaps no input; one thread
    // runs every tile.
    unsafe { bound.run_tiles(0, bound.tiles()) };
    Ok(())
}

/// Which transform a bound step runs.
#[derive(Clone, Copy)]
enum Transform<'a> {
    Input(&'a WinogradInputCall),
    Output(&'a WinogradOutputCall),
}

/// A Winograd step bound to one run's buffers.
pub(crate) struct BoundWinograd<'a> {
    transform: Transform<'a>,
    isa: Isa,
    args: &'a [*mut u8],
    /// Channels (input channels for the input transform, output channels for the output one).
    channels: usize,
    images: usize,
    /// Tiles per column and per row of a plane.
    tiles: [usize; 2],
}

// SAFETY: the pointers are dereferenced only by tiles, which write disjoint parts of the output.
unsafe impl Sync for BoundWinograd<'_> {}

impl<'a> BoundWinograd<'a> {
    /// Binds `call` (checked at load time against the buffers' lengths) to `args`, its buffers' addresses.
    pub(crate) fn input(call: &'a WinogradInputCall, isa: Isa, args: &'a [*mut u8]) -> BoundWinograd<'a> {
        BoundWinograd::new(Transform::Input(call), isa, args, call.images, call.channels, call.out)
    }

    /// Binds `call` (checked at load time against the buffers' lengths) to `args`, its buffers' addresses.
    pub(crate) fn output(call: &'a WinogradOutputCall, isa: Isa, args: &'a [*mut u8]) -> BoundWinograd<'a> {
        BoundWinograd::new(Transform::Output(call), isa, args, call.images, call.channels, call.out)
    }

    fn new(
        transform: Transform<'a>,
        isa: Isa,
        args: &'a [*mut u8],
        images: u64,
        channels: u64,
        out: [u64; 2],
    ) -> BoundWinograd<'a> {
        let tiles = tile_grid(out).map(|t| t as usize);
        BoundWinograd { transform, isa, args, channels: channels as usize, images: images as usize, tiles }
    }

    /// Independent tiles: one per tile row of every channel of every image.
    pub(crate) fn tiles(&self) -> u64 {
        if self.tiles[1] == 0 {
            return 0;
        }
        (self.images * self.channels * self.tiles[0]) as u64
    }

    /// Tiles of all images.
    fn all_tiles(&self) -> usize {
        self.images * self.tiles[0] * self.tiles[1]
    }

    /// Runs tiles `[begin, end)` on this thread.
    ///
    /// # Safety
    /// The buffers must be live and as long as the call's `check` required, the output must overlap no other
    /// argument, and calls running at the same time must be given disjoint tile ranges.
    pub(crate) unsafe fn run_tiles(&self, begin: u64, end: u64) {
        match self.isa {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: forwarded contract; a call is bound to an instruction set the host has.
            Isa::Avx2 => unsafe { self.avx2_tiles(begin, end) },
            // SAFETY: forwarded contract.
            _ => unsafe { self.tiles_with::<[f32; LANES]>(begin, end) },
        }
    }

    /// [`BoundWinograd::tiles_with`] compiled with AVX2 and FMA.
    ///
    /// # Safety
    /// As [`BoundWinograd::run_tiles`], on a host with AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn avx2_tiles(&self, begin: u64, end: u64) {
        // SAFETY: forwarded contract.
        unsafe { self.tiles_with::<std::arch::x86_64::__m256>(begin, end) }
    }

    /// Runs tiles `[begin, end)` with vectors `V`; inlined into each instruction set's entry.
    ///
    /// # Safety
    /// As [`BoundWinograd::run_tiles`].
    #[inline(always)]
    unsafe fn tiles_with<V: Lanes>(&self, begin: u64, end: u64) {
        for unit in begin as usize..end as usize {
            let (plane, row) = (unit / self.tiles[0], unit % self.tiles[0]);
            let (image, channel) = (plane / self.channels, plane % self.channels);
            // The tile row's first tile among all images'.
            let first = (image * self.tiles[0] + row) * self.tiles[1];
            match self.transform {
                // SAFETY: forwarded contract.
                Transform::Input(call) => unsafe { self.input_row::<V>(call, plane, channel, row, first) },
                // SAFETY: forwarded contract.
                Transform::Output(call) => unsafe { self.output_row::<V>(call, plane, channel, row, first) },
            }
        }
    }

    /// The transformed windows of tile row `row` of input plane `plane` (channel `channel`), tiles from
    /// `first` on.
    ///
    /// # Safety
    /// As [`BoundWinograd::run_tiles`].
    #[inline(always)]
    unsafe fn input_row<V: Lanes>(
        &self,
        call: &WinogradInputCall,
        plane: usize,
        channel: usize,
        row: usize,
        first: usize,
    ) {
        let [height, width] = call.input.map(|v| v as usize);
        let [pad_top, pad_left] = call.pad.map(|v| v as usize);
        let span = TILE * (LANES - 1) + 2 * TILE; // 36 columns: what `load_windows` reads
        let zero = [0f32; TILE * (LANES - 1) + 2 * TILE];
        let mut scratch = [[0f32; TILE * (LANES - 1) + 2 * TILE]; WINDOW];
        // SAFETY: the plane lies in x (checked at load time).
        let x = unsafe { self.args[0].cast::<f32>().cast_const().add(plane * height * width) };
        let stride = self.channels * self.all_tiles();
        // SAFETY: channel < channels, first < T: inside V's position 0.
        let v = unsafe { self.args[1].cast::<f32>().add(channel * self.all_tiles() + first) };
        let rows: [Option<usize>; WINDOW] =
            std::array::from_fn(|i| (TILE * row + i).checked_sub(pad_top).filter(|&r| r < height));
        for block in (0..self.tiles[1]).step_by(LANES) {
            let lanes = (self.tiles[1] - block).min(LANES);
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
                // SAFETY: position p of channel `channel`, tiles [first + block, + lanes) of this row, in V.
                unsafe { store_lanes(*value, v.add(p * stride + block), lanes) };
            }
        }
    }

    /// The output rows of tile row `row` of output plane `plane` (channel `channel`), tiles from `first` on.
    ///
    /// # Safety
    /// As [`BoundWinograd::run_tiles`].
    #[inline(always)]
    unsafe fn output_row<V: Lanes>(
        &self,
        call: &WinogradOutputCall,
        plane: usize,
        channel: usize,
        row: usize,
        first: usize,
    ) {
        let [height, width] = call.out.map(|v| v as usize);
        let stride = self.channels * self.all_tiles();
        // SAFETY: channel < channels, first < T: inside M's position 0.
        let m = unsafe { self.args[0].cast::<f32>().cast_const().add(channel * self.all_tiles() + first) };
        // SAFETY: the plane lies in y.
        let y = unsafe { self.args[1].cast::<f32>().add(plane * height * width) };
        let bias = call.bias.then(|| {
            // SAFETY: the bias holds one value per channel.
            V::splat(unsafe { *self.args[2].cast::<f32>().add(channel) })
        });
        let residual = call.residual.then(|| {
            // SAFETY: the residual is shaped like y.
            unsafe { self.args[2 + usize::from(call.bias)].cast::<f32>().cast_const().add(plane * height * width) }
        });
        for block in (0..self.tiles[1]).step_by(LANES) {
            let lanes = (self.tiles[1] - block).min(LANES);
            let mut products = [[V::splat(0.0); WINDOW]; WINDOW];
            for (p, value) in products.iter_mut().flatten().enumerate() {
                // SAFETY: position p of channel `channel`, tiles [first + block, + lanes), in M.
                *value = unsafe { load_lanes(m.add(p * stride + block), lanes) };
            }
            let mut cells = output_block(&products);
            if let Some(bias) = bias {
                for value in cells.iter_mut().flatten() {
                    *value = value.add(bias);
                }
            }
            let column = TILE * block;
            let columns = (width - column).min(TILE * LANES);
            for (i, cell_row) in cells.iter().enumerate() {
                let oy = TILE * row + i;
                if oy >= height {
                    break;
                }
                // SAFETY: columns [column, column + columns) of output row oy lie in the plane.
                let out = unsafe { std::slice::from_raw_parts_mut(y.add(oy * width + column), columns) };
                // SAFETY: the row segment holds `columns` values.
                unsafe { V::store_tiles(cell_row, out.as_mut_ptr(), columns) };
                if let Some(residual) = residual {
                    // SAFETY: the residual row segment matches the output's.
                    let residual = unsafe { std::slice::from_raw_parts(residual.add(oy * width + column), columns) };
                    for (o, r) in out.iter_mut().zip(residual) {
                        *o += r;
                    }
                }
                if call.activation != Activation::None {
                    activate_row(out, call.activation);
                }
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
