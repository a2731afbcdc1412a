//! The AVX-512F microkernel (x86_64): 12 x 32 on 512-bit vectors. Shape rationale: [`Variant::AVX512`].
//!
//! [`Variant::AVX512`]: crate::gemm::Variant::AVX512

use std::arch::x86_64::*;

use super::TileBlock;
use super::simd::{self, F32Vector};

/// Sixteen f32 lanes in a zmm register.
#[derive(Clone, Copy)]
struct Zmm(__m512);

// SAFETY (all methods): callers enable avx512f, which is what the intrinsics need.
impl F32Vector for Zmm {
    const LANES: usize = 16;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { Zmm(_mm512_setzero_ps()) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { Zmm(_mm512_set1_ps(x)) }
    }
    #[inline(always)]
    unsafe fn load(from: *const f32) -> Self {
        unsafe { Zmm(_mm512_loadu_ps(from)) }
    }
    #[inline(always)]
    unsafe fn store(self, to: *mut f32) {
        unsafe { _mm512_storeu_ps(to, self.0) }
    }
    #[inline(always)]
    unsafe fn load_partial(from: *const f32, n: usize) -> Self {
        unsafe { Zmm(_mm512_maskz_loadu_ps(lane_mask(n), from)) }
    }
    #[inline(always)]
    unsafe fn store_partial(self, to: *mut f32, n: usize) {
        unsafe { _mm512_mask_storeu_ps(to, lane_mask(n), self.0) }
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        unsafe { Zmm(_mm512_fmadd_ps(self.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        unsafe { Zmm(_mm512_add_ps(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        unsafe { Zmm(_mm512_mul_ps(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        unsafe { Zmm(_mm512_max_ps(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        unsafe { Zmm(_mm512_min_ps(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn prefetch(at: *const f32) {
        unsafe { _mm_prefetch::<_MM_HINT_T0>(at.cast()) }
    }
    #[inline(always)]
    unsafe fn prefetch_l2(at: *const f32) {
        unsafe { _mm_prefetch::<_MM_HINT_T1>(at.cast()) }
    }
}

/// The first `n < 16` lanes.
fn lane_mask(n: usize) -> __mmask16 {
    ((1u32 << n) - 1) as __mmask16
}

/// See [`BlockKernel`](super::BlockKernel).
///
/// # Safety
/// As for [`BlockKernel`](super::BlockKernel); the host must have AVX-512F.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn block_12x32(_mr: usize, _nr: usize, block: &TileBlock) {
    // SAFETY: forwarded contract; this function enables the features `Zmm` needs.
    unsafe { simd::block::<Zmm, 12, 2>(block) }
}
