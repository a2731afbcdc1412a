//! The GEMM epilogue, `C = act(alpha * acc + bias + residual)`: its description, the per-tile view the
//! microkernels store through, the generic kernel's scalar store, and the branch-free
//! activations (exp, sigmoid, tanh, erf-GELU) that vectorize when inlined into a kernel's stores.
//!
//! Accuracy of the transcendental activations against an f64 reference over `[-20, 20]` in steps of 1/1024
//! (checked by `tests/gemm.rs`; measured maxima in brackets): absolute error where the result is within
//! [-1, 1], relative error elsewhere, sigmoid and tanh <= 1.5e-7 (8.9e-8, 7.3e-8), SiLU <= 2e-7 (1.0e-7 abs,
//! 1.4e-7 rel), GELU <= 3e-7 (2.1e-7 abs, 1.8e-7 rel). GELU's erf is Abramowitz & Stegun 7.1.26
//! (|error| <= 1.5e-7), used as `1 - erf` directly for negative inputs so GELU keeps its absolute accuracy
//! where it is tiny.

use super::{Bias, Epilogue};

/// The activation applied last in the epilogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    /// The identity.
    None,
    /// `max(x, 0)`.
    Relu,
    /// `min(max(x, lo), hi)`.
    Clip {
        /// Lower bound.
        lo: f32,
        /// Upper bound.
        hi: f32,
    },
    /// `x` for `x > 0`, `alpha * x` otherwise.
    LeakyRelu {
        /// Slope for negative inputs.
        alpha: f32,
    },
    /// `1 / (1 + exp(-x))`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// `x * sigmoid(x)`.
    Silu,
    /// `0.5 * x * (1 + erf(x / sqrt(2)))`.
    Gelu,
    /// `x * min(max(x + 3, 0), 6) / 6`.
    HardSwish,
}

impl Activation {
    /// Whether the microkernels apply this activation after the store, with [`activate_row`], rather than on
    /// registers: the transcendental ones.
    pub(crate) fn is_transcendental(self) -> bool {
        matches!(self, Activation::Sigmoid | Activation::Tanh | Activation::Silu | Activation::Gelu)
    }

    /// The activation of one value; the definition every kernel's vector code must match.
    #[inline(always)]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::None => x,
            Activation::Relu => x.max(0.0),
            Activation::Clip { lo, hi } => x.max(lo).min(hi),
            Activation::LeakyRelu { alpha } => x.max(0.0) + alpha * x.min(0.0),
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => tanh(x),
            Activation::Silu => x * sigmoid(x),
            Activation::Gelu => gelu(x),
            Activation::HardSwish => x * ((x + 3.0).clamp(0.0, 6.0) * (1.0 / 6.0)),
        }
    }
}

/// Bias pointer of one microkernel tile, already offset to the tile's first row or column.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TileBias {
    None,
    /// `bias[i]` is added to row `i` of the tile.
    PerRow(*const f32),
    /// `bias[j]` is added to column `j` of the tile.
    PerCol(*const f32),
}

/// The epilogue of one microkernel tile: pointers offset to the tile's origin.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TileEpilogue {
    pub alpha: f32,
    pub bias: TileBias,
    /// Residual tile origin and row stride; null when there is none.
    pub residual: *const f32,
    pub residual_stride: usize,
    pub activation: Activation,
}

impl TileEpilogue {
    /// The epilogue of the tile whose origin is (`row`, `col`) of C: the pointers offset there.
    #[inline(always)]
    pub(crate) fn at(epilogue: &Epilogue, row: usize, col: usize) -> TileEpilogue {
        let (residual, residual_stride) = match epilogue.residual {
            Some(r) => (r.ptr.wrapping_add(row * r.row_stride + col), r.row_stride),
            None => (std::ptr::null(), 0),
        };
        TileEpilogue {
            alpha: epilogue.alpha,
            bias: match epilogue.bias {
                Bias::None => TileBias::None,
                Bias::PerRow(bias) => TileBias::PerRow(bias.wrapping_add(row)),
                Bias::PerCol(bias) => TileBias::PerCol(bias.wrapping_add(col)),
            },
            residual,
            residual_stride,
            activation: epilogue.activation,
        }
    }
}

/// Where and how a microkernel stores its `rows x cols` tile (`rows <= MR`, `cols <= NR`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TileOut {
    pub c: *mut f32,
    pub ldc: usize,
    pub rows: usize,
    pub cols: usize,
    /// Add the accumulators to what C holds (a later K block) instead of overwriting it.
    pub accumulate: bool,
    /// Present on the last K block only.
    pub epilogue: Option<TileEpilogue>,
    /// The C origin of the tile run after this one (its rows `ldc` apart), null if none: a hint for
    /// prefetching.
    pub next: *const f32,
    /// Packed B steps (NR values each, contiguous) to prefetch while the tile runs, null if none: this
    /// tile's share of the next column panel, so a B panel read from memory arrives before its first tile.
    pub prefetch_b: *const f32,
    pub prefetch_b_steps: usize,
}

/// Stores a tile of accumulators (`acc[i * acc_stride + j]`) through `out`, in scalar code: the generic
/// kernel's store (the SIMD kernels store partial tiles with masked vectors).
///
/// # Safety
/// `out` must describe valid, writable memory for its `rows x cols` tile, and its epilogue pointers valid
/// reads for the same tile; `acc` must hold `rows` rows of `acc_stride >= cols` values.
pub(crate) unsafe fn store_tile(acc: &[f32], acc_stride: usize, out: &TileOut) {
    for i in 0..out.rows {
        for j in 0..out.cols {
            // SAFETY: (i, j) lies in the tile the caller vouched for.
            unsafe {
                let c = out.c.add(i * out.ldc + j);
                let mut v = acc[i * acc_stride + j];
                if out.accumulate {
                    v += *c;
                }
                if let Some(e) = &out.epilogue {
                    v = e.activation.apply(linear_epilogue(e, v, i, j));
                }
                *c = v;
            }
        }
    }
}

/// `alpha * v + bias + residual` for element (i, j) of a tile.
///
/// # Safety
/// (i, j) must lie in the tile `e` describes.
#[inline(always)]
unsafe fn linear_epilogue(e: &TileEpilogue, v: f32, i: usize, j: usize) -> f32 {
    // SAFETY: the caller's tile bounds cover the bias and residual reads.
    unsafe {
        let mut v = e.alpha * v;
        match e.bias {
            TileBias::None => {}
            TileBias::PerRow(bias) => v += *bias.add(i),
            TileBias::PerCol(bias) => v += *bias.add(j),
        }
        if !e.residual.is_null() {
            v += *e.residual.add(i * e.residual_stride + j);
        }
        v
    }
}

/// Applies an activation to a stored row segment. One loop per activation, each free of branches, so the
/// loops vectorize with the features of the kernel this is inlined into (plain `for` loops inlined here: an
/// iterator's `for_each` may stay an out-of-line call compiled without those features).
#[inline(always)]
pub(crate) fn activate_row(row: &mut [f32], activation: Activation) {
    #[inline(always)]
    fn each(row: &mut [f32], f: impl Fn(f32) -> f32) {
        for x in row {
            *x = f(*x);
        }
    }
    match activation {
        Activation::None => {}
        Activation::Relu => each(row, |x| Activation::Relu.apply(x)),
        Activation::Clip { lo, hi } => each(row, |x| Activation::Clip { lo, hi }.apply(x)),
        Activation::LeakyRelu { alpha } => each(row, |x| Activation::LeakyRelu { alpha }.apply(x)),
        Activation::Sigmoid => each(row, sigmoid),
        Activation::Tanh => each(row, tanh),
        Activation::Silu => each(row, |x| x * sigmoid(x)),
        Activation::Gelu => each(row, gelu),
        Activation::HardSwish => each(row, |x| Activation::HardSwish.apply(x)),
    }
}

/// `exp(x)` for `x` in `[-87.3, 88.3]` (inputs are clamped to it): Cephes' range reduction
/// `x = n ln2 + r`, `|r| <= ln2 / 2`, and its degree-6 polynomial, about 1 ulp.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 * 2^23: adding and subtracting it rounds to an integer
    let x = x.clamp(-87.3, 88.3);
    let shifted = x * std::f32::consts::LOG2_E + ROUND;
    // The integer n sits in the low mantissa bits of `shifted`; reading it there avoids a float-to-int cast.
    let n_bits = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    let n = shifted - ROUND;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_2e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 0.166_666_65;
    p = p * r + 0.5;
    let e = p * r * r + r + 1.0;
    e * f32::from_bits(n_bits.wrapping_add(127) << 23)
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// Cephes' odd polynomial below |x| = 0.625, `1 - 2 / (exp(2|x|) + 1)` above, sign restored.
#[inline(always)]
fn tanh(x: f32) -> f32 {
    let ax = x.abs();
    let z = x * x;
    let mut p = -5.704_988_7e-3_f32;
    p = p * z + 2.063_909e-2;
    p = p * z - 5.373_971_6e-2;
    p = p * z + 0.133_314_42;
    p = p * z - 0.333_332_8;
    let small = p * z * ax + ax;
    let large = 1.0 - 2.0 / (exp(2.0 * ax) + 1.0);
    let magnitude = if ax < 0.625 { small } else { large };
    magnitude.copysign(x)
}

/// `0.5 x (1 + erf(x / sqrt 2))` with `erfc(z) = t P(t) exp(-z^2)`, `t = 1 / (1 + p z)` (Abramowitz & Stegun
/// 7.1.26) for `z = |x| / sqrt 2`: `1 + erf` is `erfc(z)` for negative x and `2 - erfc(z)` otherwise.
#[inline(always)]
fn gelu(x: f32) -> f32 {
    let z = x.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let mut p = 1.061_405_4_f32;
    p = p * t - 1.453_152_1;
    p = p * t + 1.421_413_8;
    p = p * t - 0.284_496_74;
    p = p * t + 0.254_829_6;
    let erfc = p * t * exp(-z * z);
    let one_plus_erf = if x < 0.0 { erfc } else { 2.0 - erfc };
    0.5 * x * one_plus_erf
}
