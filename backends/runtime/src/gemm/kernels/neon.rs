//! The NEON microkernel (aarch64): 8 x 12 on 128-bit vectors. Shape rationale: [`Variant::NEON`].
//!
//! [`Variant::NEON`]: crate::gemm::Variant::NEON

use std::arch::aarch64::*;

use super::TileBlock;
use super::simd::{self, F32Vector};

/// Four f32 lanes in a q register.
#[derive(Clone, Copy)]
struct Q(float32x4_t);

// SAFETY (all methods): callers enable neon, which is what the intrinsics need.
impl F32Vector for Q {
    const LANES: usize = 4;
    #[inline(always)]
    unsafe fn zero() -> Self {
        unsafe { Q(vdupq_n_f32(0.0)) }
    }
    #[inline(always)]
    unsafe fn splat(x: f32) -> Self {
        unsafe { Q(vdupq_n_f32(x)) }
    }
    #[inline(always)]
    unsafe fn load(from: *const f32) -> Self {
        unsafe { Q(vld1q_f32(from)) }
    }
    #[inline(always)]
    unsafe fn store(self, to: *mut f32) {
        unsafe { vst1q_f32(to, self.0) }
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        // vfmaq_f32(c, a, b) = c + a * b
        unsafe { Q(vfmaq_f32(c.0, self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn add(self, b: Self) -> Self {
        unsafe { Q(vaddq_f32(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        unsafe { Q(vmulq_f32(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn max(self, b: Self) -> Self {
        unsafe { Q(vmaxq_f32(self.0, b.0)) }
    }
    #[inline(always)]
    unsafe fn min(self, b: Self) -> Self {
        unsafe { Q(vminq_f32(self.0, b.0)) }
    }
}

/// See [`BlockKernel`](super::BlockKernel).
///
/// # Safety
/// As for [`BlockKernel`](super::BlockKernel); the host must have NEON.
#[target_feature(enable = "neon")]
pub(crate) unsafe fn block_8x12(_mr: usize, _nr: usize, block: &TileBlock) {
    // SAFETY: forwarded contract; this function enables the features `Q` needs.
    unsafe { simd::block::<Q, 8, 3>(block) }
}
