//! The register-tile microkernel shared by the SIMD instruction sets: generic over a vector type and the
//! tile shape, inlined into each instruction set's `#[target_feature]` entry point so it compiles with
//! those features. The epilogue's linear part and its non-transcendental activations run on registers;
//! transcendental activations run over each stored row with the shared vectorizable routine.

use crate::gemm::epilogue::{Activation, TileBias, TileEpilogue, TileOut, activate_row, store_tile};

/// The f32 vector operations a kernel needs. Every method is `unsafe` because it runs intrinsics that need
/// the instruction set's features; implementations are `#[inline(always)]`.
pub(crate) trait F32Vector: Copy {
    const LANES: usize;
    unsafe fn zero() -> Self;
    unsafe fn splat(x: f32) -> Self;
    unsafe fn load(from: *const f32) -> Self;
    unsafe fn store(self, to: *mut f32);
    /// `self * b + c`, fused.
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;
    unsafe fn add(self, b: Self) -> Self;
    unsafe fn mul(self, b: Self) -> Self;
    unsafe fn max(self, b: Self) -> Self;
    unsafe fn min(self, b: Self) -> Self;
    /// Hints that the cache line holding `at` will be accessed soon; `at` need not be valid.
    unsafe fn prefetch(_at: *const f32) {}
}

/// Largest SIMD register tile, in values (AVX-512's 12 x 32).
const MAX_TILE: usize = 12 * 32;

/// The `MR x (NV * LANES)` microkernel. See [`MicroKernel`](super::MicroKernel) for the contract.
///
/// # Safety
/// As for [`MicroKernel`](super::MicroKernel), and the caller must enable `V`'s features.
#[inline(always)]
pub(crate) unsafe fn microkernel<V: F32Vector, const MR: usize, const NV: usize>(
    kc: usize,
    a: *const f32,
    b: *const f32,
    out: &TileOut,
) {
    let nr = NV * V::LANES;
    // C is stored (and, after the first K block, loaded) once the K loop is done; start fetching its lines
    // now so the loop hides the misses (C tiles rarely stay cached between K blocks).
    for i in 0..out.rows {
        let row = out.c.wrapping_add(i * out.ldc);
        // SAFETY: prefetches do not access memory.
        unsafe {
            V::prefetch(row);
            V::prefetch(row.wrapping_add(out.cols - 1));
        }
    }
    // SAFETY: the caller provides `kc` steps of MR (A) and NR (B) values and the features `V` needs.
    let acc = unsafe {
        let mut acc = [[V::zero(); NV]; MR];
        for p in 0..kc {
            let (a_p, b_p) = (a.add(p * MR), b.add(p * nr));
            let mut b_v = [V::zero(); NV];
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
        acc
    };
    if out.rows == MR && out.cols == nr {
        // SAFETY: a full tile: `out` covers MR x NR.
        unsafe { store_full_tile::<V, MR, NV>(&acc, out) }
    } else {
        const { assert!(MR * NV * V::LANES <= MAX_TILE) };
        let mut tile = [0f32; MAX_TILE];
        // SAFETY: `tile` holds the MR x NR accumulators (asserted above) and `out` covers its partial tile.
        unsafe {
            for (i, acc_i) in acc.iter().enumerate() {
                for (j, v) in acc_i.iter().enumerate() {
                    v.store(tile.as_mut_ptr().add(i * nr + j * V::LANES));
                }
            }
            store_tile(&tile, nr, out);
        }
    }
}

/// Stores a full tile, with the epilogue on registers, then the transcendental activation per row.
///
/// # Safety
/// `out` must cover `MR x NV * LANES` values; `V`'s features must be enabled.
#[inline(always)]
unsafe fn store_full_tile<V: F32Vector, const MR: usize, const NV: usize>(acc: &[[V; NV]; MR], out: &TileOut) {
    // SAFETY: every access is inside the tile the caller vouched for.
    unsafe {
        for (i, acc_i) in acc.iter().enumerate() {
            let c_i = out.c.add(i * out.ldc);
            for (j, &acc_ij) in acc_i.iter().enumerate() {
                let c_ij = c_i.add(j * V::LANES);
                let mut v = acc_ij;
                if out.accumulate {
                    v = v.add(V::load(c_ij));
                }
                if let Some(e) = &out.epilogue {
                    v = vector_epilogue(e, v, i, j * V::LANES);
                }
                v.store(c_ij);
            }
            if let Some(e) = &out.epilogue
                && e.activation.is_transcendental()
            {
                activate_row(std::slice::from_raw_parts_mut(c_i, NV * V::LANES), e.activation);
            }
        }
    }
}

/// `act(alpha * v + bias + residual)` for the vector at row `i`, column `j` of a tile, transcendental
/// activations excepted (they are applied after the store). Matches [`Activation::apply`] operation by
/// operation.
///
/// # Safety
/// The vector must lie inside the tile `e` describes; `V`'s features must be enabled.
#[inline(always)]
unsafe fn vector_epilogue<V: F32Vector>(e: &TileEpilogue, v: V, i: usize, j: usize) -> V {
    // SAFETY: the bias and residual reads are inside the tile.
    unsafe {
        let mut v = v.mul(V::splat(e.alpha));
        match e.bias {
            TileBias::None => {}
            TileBias::PerRow(bias) => v = v.add(V::splat(*bias.add(i))),
            TileBias::PerCol(bias) => v = v.add(V::load(bias.add(j))),
        }
        if !e.residual.is_null() {
            v = v.add(V::load(e.residual.add(i * e.residual_stride + j)));
        }
        let zero = V::zero();
        match e.activation {
            Activation::Relu => v.max(zero),
            Activation::Clip { lo, hi } => v.max(V::splat(lo)).min(V::splat(hi)),
            Activation::LeakyRelu { alpha } => v.max(zero).add(v.min(zero).mul(V::splat(alpha))),
            Activation::HardSwish => v.mul(v.add(V::splat(3.0)).max(zero).min(V::splat(6.0)).mul(V::splat(1.0 / 6.0))),
            Activation::None | Activation::Sigmoid | Activation::Tanh | Activation::Silu | Activation::Gelu => v,
        }
    }
}
