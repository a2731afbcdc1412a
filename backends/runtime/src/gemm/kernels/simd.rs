//! The register-tile microkernel shared by the SIMD instruction sets: generic over a vector type and the
//! tile shape, inlined into each instruction set's `#[target_feature]` entry point so it compiles with
//! those features. The epilogue's linear part and its non-transcendental activations run on registers;
//! transcendental activations run over each stored row with the shared vectorizable routine.

use super::{TileBlock, TileKernel, for_each_tile};
use crate::gemm::epilogue::{Activation, TileBias, TileOut, activate_row};

/// The f32 vector operations a kernel needs. Every method is `unsafe` because it runs intrinsics that need
/// the instruction set's features; implementations are `#[inline(always)]`.
pub(crate) trait F32Vector: Copy {
    const LANES: usize;
    unsafe fn zero() -> Self;
    unsafe fn splat(x: f32) -> Self;
    unsafe fn load(from: *const f32) -> Self;
    unsafe fn store(self, to: *mut f32);
    /// The first `n < LANES` values at `from`, zero in the other lanes; reads nothing past them.
    #[inline(always)]
    unsafe fn load_partial(from: *const f32, n: usize) -> Self {
        const { assert!(Self::LANES <= MAX_LANES) };
        let mut lanes = [0f32; MAX_LANES];
        // SAFETY: the caller vouches for `n` readable values; `lanes` holds LANES <= MAX_LANES.
        unsafe {
            std::ptr::copy_nonoverlapping(from, lanes.as_mut_ptr(), n);
            Self::load(lanes.as_ptr())
        }
    }
    /// Stores the first `n < LANES` lanes at `to`; writes nothing past them.
    #[inline(always)]
    unsafe fn store_partial(self, to: *mut f32, n: usize) {
        const { assert!(Self::LANES <= MAX_LANES) };
        let mut lanes = [0f32; MAX_LANES];
        // SAFETY: the caller vouches for `n` writable values; `lanes` holds LANES <= MAX_LANES.
        unsafe {
            self.store(lanes.as_mut_ptr());
            std::ptr::copy_nonoverlapping(lanes.as_ptr(), to, n);
        }
    }
    /// `self * b + c`, fused.
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;
    unsafe fn add(self, b: Self) -> Self;
    unsafe fn mul(self, b: Self) -> Self;
    unsafe fn max(self, b: Self) -> Self;
    unsafe fn min(self, b: Self) -> Self;
    /// Hints that the cache line holding `at` will be accessed soon; `at` need not be valid.
    unsafe fn prefetch(_at: *const f32) {}
    /// As [`F32Vector::prefetch`], into L2 only: for lines needed later than those L1 holds now.
    unsafe fn prefetch_l2(_at: *const f32) {}
}

/// Most lanes of any vector type (AVX-512's 16).
const MAX_LANES: usize = 16;

/// Code to run with an activation's register form (see [`with_activation`]).
pub(crate) trait WithActivation<V> {
    /// Runs with `activate`, the register form.
    ///
    /// # Safety
    /// As the implementation requires; `V`'s features are enabled.
    unsafe fn run(self, activate: impl Fn(V) -> V);
}

/// Runs `code` with the register form of `activation`: the activation for the non-transcendental ones, the
/// identity for none and the transcendental ones (those run over stored rows, [`activate_row`]). Each
/// activation gets its own monomorphized copy of `code`, so the form inlines into its loops.
///
/// # Safety
/// `V`'s features must be enabled, and `code` safe to run.
#[inline(always)]
pub(crate) unsafe fn with_activation<V: F32Vector>(activation: Activation, code: impl WithActivation<V>) {
    // SAFETY: the caller enables `V`'s features and vouches for `code`.
    unsafe {
        let zero = V::zero();
        match activation {
            Activation::Relu => code.run(|v| v.max(zero)),
            Activation::Clip { lo, hi } => {
                let (lo, hi) = (V::splat(lo), V::splat(hi));
                code.run(|v| v.max(lo).min(hi));
            }
            Activation::LeakyRelu { alpha } => {
                let alpha = V::splat(alpha);
                code.run(|v| v.max(zero).add(v.min(zero).mul(alpha)));
            }
            Activation::HardSwish => {
                let (three, six, sixth) = (V::splat(3.0), V::splat(6.0), V::splat(1.0 / 6.0));
                code.run(|v| v.mul(v.add(three).max(zero).min(six).mul(sixth)));
            }
            Activation::None | Activation::Sigmoid | Activation::Tanh | Activation::Silu | Activation::Gelu => {
                code.run(|v| v)
            }
        }
    }
}

/// The activation over a tile of accumulators, its first `rows` rows and `cols` columns.
struct ActivateTile<'a, V, const MR: usize, const NV: usize> {
    acc: &'a mut [[V; NV]; MR],
    rows: usize,
    cols: usize,
}

impl<V: F32Vector, const MR: usize, const NV: usize> WithActivation<V> for ActivateTile<'_, V, MR, NV> {
    #[inline(always)]
    unsafe fn run(self, activate: impl Fn(V) -> V) {
        for_each_vector(self.acc, self.rows, self.cols, |_, _, v| activate(v));
    }
}

/// The block kernel of `MR x (NV * LANES)` tiles. See [`BlockKernel`](super::BlockKernel) for the contract.
///
/// # Safety
/// As for [`BlockKernel`](super::BlockKernel), and the caller must enable `V`'s features.
#[inline(always)]
pub(crate) unsafe fn block<V: F32Vector, const MR: usize, const NV: usize>(block: &TileBlock) {
    // SAFETY: forwarded contract.
    unsafe { for_each_tile(block, MR, NV * V::LANES, &RegisterTile::<V, MR, NV>(std::marker::PhantomData)) }
}

/// The rows of the narrower tile for M's last rows: every register tile has more rows and at least two
/// vectors a row, so this one still has the 8 independent FMA chains two FMA pipes of latency 4 need.
const EDGE_ROWS: usize = 4;

/// The [`TileKernel`] of the `MR x (NV * LANES)` microkernel.
struct RegisterTile<V, const MR: usize, const NV: usize>(std::marker::PhantomData<V>);

impl<V: F32Vector, const MR: usize, const NV: usize> TileKernel for RegisterTile<V, MR, NV> {
    #[inline(always)]
    unsafe fn tile(&self, kc: usize, a: *const f32, b: *const f32, b_step: usize, out: &TileOut) {
        // SAFETY: forwarded contract (each kernel covers the tile); the block kernel this inlines into
        // enables `V`'s features.
        unsafe {
            if out.rows == 1 {
                // A single row (a matrix-vector product, or M's last row): 1 / MR of the FMAs.
                microkernel::<V, MR, NV, 1, NV>(kc, a, b, b_step, out)
            } else if out.cols <= V::LANES {
                // N's last columns within one vector (7x7 images: N = 49 ends in one column).
                microkernel::<V, MR, NV, MR, 1>(kc, a, b, b_step, out)
            } else if out.rows <= EDGE_ROWS {
                // M's last rows (M = 32 ends in 2 of 6): as fast per K step as any tile whose FMA chains
                // cover the FMA latency, with a third fewer FMAs than the full tile.
                microkernel::<V, MR, NV, EDGE_ROWS, NV>(kc, a, b, b_step, out)
            } else {
                microkernel::<V, MR, NV, MR, NV>(kc, a, b, b_step, out)
            }
        }
    }
}

/// One tile of `ROWS x (VECS * LANES)` inside the `MR x (NV * LANES)` register tile (a narrower tile for
/// the last rows or columns of C, so their padding costs no FMAs): `kc` steps of the A panel `a` (MR values
/// a step) times the B panel `b` (NV * LANES values a step, steps `b_step` apart), stored through `out`.
///
/// # Safety
/// The panels must hold `kc` steps, `out` must describe a valid tile of at most `ROWS x (VECS * LANES)`,
/// and the caller must enable `V`'s features.
#[inline(always)]
unsafe fn microkernel<V: F32Vector, const MR: usize, const NV: usize, const ROWS: usize, const VECS: usize>(
    kc: usize,
    a: *const f32,
    b: *const f32,
    b_step: usize,
    out: &TileOut,
) {
    const { assert!(ROWS <= MR && VECS <= NV) };
    let (nr, cols) = (NV * V::LANES, VECS * V::LANES);
    // C is stored (and, after the first K block, loaded) once the K loop is done, and rarely stays cached
    // between K blocks: fetch its lines ahead. A long K loop fetches the tile's own lines
    // `C_PREFETCH_STEPS` before its end (earlier, the B panel streaming through L1 would evict them); a
    // short one fetches the next tile's at its start, a whole tile ahead (the first tile of a block, its own).
    let prefetch_c = |origin: *const f32| {
        for i in 0..MR {
            let row = origin.wrapping_add(i * out.ldc);
            // SAFETY: prefetches do not access memory.
            unsafe {
                V::prefetch(row);
                V::prefetch(row.wrapping_add(nr - 1));
            }
        }
    };
    let split = kc.saturating_sub(C_PREFETCH_STEPS);
    if split < C_PREFETCH_STEPS {
        prefetch_c(if out.next.is_null() { out.c.cast_const() } else { out.next });
    }
    // SAFETY: the caller provides `kc` steps of MR (A) and NR (B, `b_step` apart) values and the features `V`
    // needs.
    let acc = unsafe {
        let mut acc = [[V::zero(); VECS]; ROWS];
        if split >= C_PREFETCH_STEPS {
            steps::<V, MR, NV, ROWS, VECS>(&mut acc, 0..split, a, b, b_step, out);
            prefetch_c(out.c.cast_const());
            steps::<V, MR, NV, ROWS, VECS>(&mut acc, split..kc, a, b, b_step, out);
        } else {
            steps::<V, MR, NV, ROWS, VECS>(&mut acc, 0..kc, a, b, b_step, out);
        }
        acc
    };
    if out.rows == ROWS && out.cols == cols {
        // SAFETY: a full tile: `out` covers ROWS x cols. Constant bounds let every check below fold away.
        unsafe { store::<V, ROWS, VECS>(acc, out, ROWS, cols) }
    } else {
        // SAFETY: `out` covers its partial tile.
        unsafe { store::<V, ROWS, VECS>(acc, out, out.rows, out.cols) }
    }
}

/// K steps before the end of a long K loop at which a tile prefetches its C lines.
const C_PREFETCH_STEPS: usize = 48;

/// f32 values in a 64-byte cache line.
const LINE_VALUES: usize = 16;

/// `acc += A_panel[steps] * B_panel[steps]` for the `ROWS x VECS` accumulators (A steps MR apart, B steps
/// `b_step` apart). Steps before `out.prefetch_b_steps` each also prefetch that step of `out.prefetch_b`
/// (`NV * LANES` values): the tile's share of the next B panel.
///
/// # Safety
/// The panels must hold the steps; the caller must enable `V`'s features.
#[inline(always)]
unsafe fn steps<V: F32Vector, const MR: usize, const NV: usize, const ROWS: usize, const VECS: usize>(
    acc: &mut [[V; VECS]; ROWS],
    steps: std::ops::Range<usize>,
    a: *const f32,
    b: *const f32,
    b_step: usize,
    out: &TileOut,
) {
    let fetching = if out.prefetch_b.is_null() { 0 } else { out.prefetch_b_steps };
    let fetched = steps.start..steps.end.min(fetching).max(steps.start);
    // SAFETY: by the contract; prefetches do not access memory.
    unsafe {
        for p in fetched.clone() {
            for line in (0..NV * V::LANES).step_by(LINE_VALUES) {
                V::prefetch_l2(out.prefetch_b.wrapping_add(p * NV * V::LANES + line));
            }
            step::<V, MR, ROWS, VECS>(acc, a, b, p, b_step);
        }
        for p in fetched.end..steps.end {
            step::<V, MR, ROWS, VECS>(acc, a, b, p, b_step);
        }
    }
}

/// Step `p`: `acc += A_panel[p] * B_panel[p]`.
///
/// # Safety
/// As for [`steps`].
#[inline(always)]
unsafe fn step<V: F32Vector, const MR: usize, const ROWS: usize, const VECS: usize>(
    acc: &mut [[V; VECS]; ROWS],
    a: *const f32,
    b: *const f32,
    p: usize,
    b_step: usize,
) {
    // SAFETY: by the contract.
    unsafe {
        let (a_p, b_p) = (a.add(p * MR), b.add(p * b_step));
        let mut b_v = [V::zero(); VECS];
        for (j, b_j) in b_v.iter_mut().enumerate() {
            *b_j = V::load(b_p.add(j * V::LANES));
        }
        for (i, acc_i) in acc.iter_mut().enumerate() {
            let a_i = V::splat(*a_p.add(i));
            for (acc_ij, &b_j) in acc_i.iter_mut().zip(&b_v) {
                *acc_ij = a_i.mul_add(b_j, *acc_ij);
            }
        }
    }
}

/// `acc[i][j] = f(i, j, acc[i][j])` for the vectors holding the `rows x cols` corner of a tile. Generic over
/// `f` and inlined, so with the tile's constant shape it unrolls into straight-line register code.
#[inline(always)]
fn for_each_vector<V: F32Vector, const MR: usize, const NV: usize>(
    acc: &mut [[V; NV]; MR],
    rows: usize,
    cols: usize,
    f: impl Fn(usize, usize, V) -> V,
) {
    for (i, acc_i) in acc.iter_mut().enumerate().take(rows) {
        for (j, acc_ij) in acc_i.iter_mut().enumerate() {
            if j * V::LANES < cols {
                *acc_ij = f(i, j, *acc_ij);
            }
        }
    }
}

/// Stores the `rows x cols` corner of a tile of accumulators through `out`: C added (after the first K
/// block), then the epilogue, one pass over all the registers per operation with its branch hoisted out of
/// the pass (so the accumulators stay in registers), then the stores, then the transcendental activation
/// per stored row. Vectors past `cols` are loaded and stored partially; rows past `rows` are not touched.
///
/// # Safety
/// `out` must cover `rows x cols` values (`rows <= MR`, `cols <= NV * LANES`); `V`'s features must be
/// enabled.
#[inline(always)]
unsafe fn store<V: F32Vector, const MR: usize, const NV: usize>(
    mut acc: [[V; NV]; MR],
    out: &TileOut,
    rows: usize,
    cols: usize,
) {
    // Lanes of vector `j` inside the tile's columns.
    let lanes = |j: usize| cols.saturating_sub(j * V::LANES).min(V::LANES);
    // Loads the `lanes(j)` values at `at`, zero in the other lanes.
    let load = |at: *const f32, j: usize| {
        // SAFETY: the callers read inside the tile.
        unsafe { if lanes(j) == V::LANES { V::load(at) } else { V::load_partial(at, lanes(j)) } }
    };
    // SAFETY (the block): every access is inside the tile the caller vouched for: row i < rows, the
    // `lanes(j)` columns of vector j.
    unsafe {
        if out.accumulate {
            for_each_vector(&mut acc, rows, cols, |i, j, v| v.add(load(out.c.add(i * out.ldc + j * V::LANES), j)));
        }
        if let Some(e) = &out.epilogue {
            if e.alpha != 1.0 {
                let alpha = V::splat(e.alpha);
                for_each_vector(&mut acc, rows, cols, |_, _, v| v.mul(alpha));
            }
            match e.bias {
                TileBias::None => {}
                TileBias::PerRow(bias) => {
                    for_each_vector(&mut acc, rows, cols, |i, _, v| v.add(V::splat(*bias.add(i))))
                }
                TileBias::PerCol(bias) => {
                    for_each_vector(&mut acc, rows, cols, |_, j, v| v.add(load(bias.add(j * V::LANES), j)))
                }
            }
            if !e.residual.is_null() {
                let residual = e.residual;
                for_each_vector(&mut acc, rows, cols, |i, j, v| {
                    v.add(load(residual.add(i * e.residual_stride + j * V::LANES), j))
                });
            }
            with_activation(e.activation, ActivateTile { acc: &mut acc, rows, cols });
        }
        for (i, acc_i) in acc.iter().enumerate().take(rows) {
            let c_i = out.c.add(i * out.ldc);
            for (j, v) in acc_i.iter().enumerate() {
                match lanes(j) {
                    0 => {}
                    n if n == V::LANES => v.store(c_i.add(j * V::LANES)),
                    n => v.store_partial(c_i.add(j * V::LANES), n),
                }
            }
            if let Some(e) = &out.epilogue
                && e.activation.is_transcendental()
            {
                activate_row(std::slice::from_raw_parts_mut(c_i, cols), e.activation);
            }
        }
    }
}
