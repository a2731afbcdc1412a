//! The AVX2 + FMA microkernel (x86_64): 6 x 16 on 256-bit vectors. Shape rationale: [`Variant::AVX2`].
//!
//! [`Variant::AVX2`]: crate::gemm::Variant::AVX2

use std::arch::x86_64::*;

use super::TileBlock;
use super::simd::{self, F32Vector};

/// Eight f32 lanes in a ymm register.
#[derive(Clone, Copy)]
pub(crate) struct Ymm(pub(crate) __m256);

// SAFETY (all methods): callers enable avx2 and fma, which is what the intrinsics need.
impl F32Vector for Ymm {
    const LANES: usize = 8;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { Ymm(_mm256_setzero_ps()) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { Ymm(_mm256_set1_ps(x)) }
    }
    #[inline(always)]
    unsafe fn load(from: *const f32) -> Self {
        unsafe { Ymm(_mm256_loadu_ps(from)) }
    }
    #[inline(always)]
    unsafe fn store(self, to: *mut f32) {
        unsafe { _mm256_storeu_ps(to, self.0) }
    }
    #[inline(always)]
    unsafe fn load_partial(from: *const f32, n: usize) -> Self {
        unsafe { Ymm(_mm256_maskload_ps(from, lane_mask(n))) }
    }
    #[inline(always)]
    unsafe fn store_partial(self, to: *mut f32, n: usize) {
        unsafe { _mm256_maskstore_ps(to, lane_mask(n), self.0) }
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        unsafe { Ymm(_mm256_fmadd_ps(self.0, b.0, c.0)) }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        unsafe { Ymm(_mm256_add_ps(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        unsafe { Ymm(_mm256_mul_ps(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        unsafe { Ymm(_mm256_max_ps(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        unsafe { Ymm(_mm256_min_ps(self.0, b.0)) }
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

/// All ones in the first `n` of the eight 32-bit lanes (the sign bits select lanes for masked loads and
/// stores), zero in the others.
///
/// # Safety
/// The caller must enable avx2.
#[inline(always)]
unsafe fn lane_mask(n: usize) -> __m256i {
    unsafe { _mm256_cmpgt_epi32(_mm256_set1_epi32(n as i32), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)) }
}

/// See [`BlockKernel`](super::BlockKernel).
///
/// # Safety
/// As for [`BlockKernel`](super::BlockKernel); the host must have AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn block_6x16(_mr: usize, _nr: usize, block: &TileBlock) {
    // SAFETY: forwarded contract; this function enables the features `Ymm` needs.
    unsafe { simd::block::<Ymm, 6, 2>(block) }
}
