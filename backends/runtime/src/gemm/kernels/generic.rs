//! The portable scalar microkernel, any `MR x NR` up to the generic maximum: always available, and the
//! reference the SIMD kernels are tested against.

use super::{TileBlock, TileKernel, for_each_tile};
use crate::gemm::epilogue::{TileOut, store_tile};
use crate::gemm::variant::{GENERIC_MAX_MR, GENERIC_MAX_NR};

/// See [`BlockKernel`](super::BlockKernel).
///
/// # Safety
/// As for [`BlockKernel`](super::BlockKernel); `mr` and `nr` must be within the generic maximum.
pub(crate) unsafe fn block(mr: usize, nr: usize, block: &TileBlock) {
    // SAFETY: forwarded contract.
    unsafe { for_each_tile(block, mr, nr, &ScalarTile { mr, nr }) }
}

/// The scalar `mr x nr` tile, `mr` and `nr` within the generic maximum.
struct ScalarTile {
    mr: usize,
    nr: usize,
}

impl TileKernel for ScalarTile {
    #[inline(always)]
    unsafe fn tile(&self, kc: usize, a: *const f32, b: *const f32, b_step: usize, out: &TileOut) {
        // SAFETY: forwarded contract; the shape is within the generic maximum.
        unsafe { microkernel(self.mr, self.nr, kc, a, b, b_step, out) }
    }
}

/// One `mr x nr` tile: `kc` steps of the A panel `a` times the B panel `b` (steps `b_step` apart), stored
/// through `out`.
///
/// # Safety
/// The panels must hold `kc` steps, `out` must describe a valid tile, `mr` and `nr` be within the generic
/// maximum.
unsafe fn microkernel(mr: usize, nr: usize, kc: usize, a: *const f32, b: *const f32, b_step: usize, out: &TileOut) {
    let mut acc = [0f32; GENERIC_MAX_MR * GENERIC_MAX_NR];
    for p in 0..kc {
        // SAFETY: the caller provides `kc` steps of `mr` (A) and `nr` (B) values.
        let (a_p, b_p) = unsafe {
            (std::slice::from_raw_parts(a.add(p * mr), mr), std::slice::from_raw_parts(b.add(p * b_step), nr))
        };
        for (i, &a_ip) in a_p.iter().enumerate() {
            for (acc_ij, &b_pj) in acc[i * nr..(i + 1) * nr].iter_mut().zip(b_p) {
                *acc_ij += a_ip * b_pj;
            }
        }
    }
    // SAFETY: `out` is valid by the caller's contract and `acc` holds `mr >= out.rows` rows of `nr` values.
    unsafe { store_tile(&acc, nr, out) }
}
