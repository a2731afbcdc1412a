//! Microkernels: one `MR x NR` tile of `C (+)= A_panel * B_panel` over `kc` steps, stored through the
//! epilogue, run over a block of tiles by a block kernel (one call per K block of a tile's row blocks, so
//! the per-tile work is inlined into one loop). One file per instruction set; `simd.rs` holds the
//! register-tile code they share.

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
pub(crate) mod generic;
#[cfg(target_arch = "aarch64")]
pub(crate) mod neon;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod simd;

use super::Epilogue;
use super::epilogue::{TileEpilogue, TileOut};

/// One K block of a `rows x cols` block of C: `kc` steps of packed A panels (`mr` rows each, one every
/// `a_panel_stride` values) times packed B panels (`nr` columns, one every `b_panel_stride` values).
#[derive(Clone, Copy)]
pub(crate) struct TileBlock<'a> {
    pub kc: usize,
    pub a: *const f32,
    pub a_panel_stride: usize,
    pub b: *const f32,
    pub b_panel_stride: usize,
    /// The block's origin in C, with C's row stride.
    pub c: *mut f32,
    pub ldc: usize,
    /// The block's first row and column in the problem (the epilogue's bias and residual are indexed so).
    pub row0: usize,
    pub col0: usize,
    pub rows: usize,
    pub cols: usize,
    /// Add to what C holds (a later K block) instead of overwriting it.
    pub accumulate: bool,
    /// Present on the last K block only.
    pub epilogue: Option<&'a Epilogue>,
}

/// A block kernel: runs every tile of `block` (see [`TileBlock`]); `mr` and `nr` are the register tile (the
/// SIMD kernels ignore them: their shape is fixed).
///
/// Safety: the panels must be readable for every step of every panel, C writable (and the epilogue's operands
/// readable) over the block, and the host must have the kernel's features.
pub(crate) type BlockKernel = unsafe fn(mr: usize, nr: usize, block: &TileBlock);

/// The work on one register tile, for [`for_each_tile`]. Implementations are `#[inline(always)]` so it
/// compiles inside the block kernel, with its features (a closure would not inherit them).
pub(crate) trait TileKernel {
    /// `kc` steps of the A panel `a` times the B panel `b`, stored through `out`.
    ///
    /// # Safety
    /// The panels must hold `kc` steps of the kernel's widths and `out` describe a valid tile.
    unsafe fn tile(&self, kc: usize, a: *const f32, b: *const f32, out: &TileOut);
}

/// Runs `kernel` on every `mr x nr` tile of `block`, column panels outside so a B panel stays in L1 while the
/// A panels stream from L2. `out.next` is the C origin of the tile after it (null for the last), for
/// prefetching.
///
/// # Safety
/// `block` must satisfy the [`BlockKernel`] contract, and `kernel` have register tile `mr x nr`.
#[inline(always)]
pub(crate) unsafe fn for_each_tile(block: &TileBlock, mr: usize, nr: usize, kernel: &impl TileKernel) {
    let TileBlock { kc: _, a, a_panel_stride, b, b_panel_stride, c, ldc, row0, col0, rows, cols, accumulate, epilogue } =
        *block;
    let row_panels = rows.div_ceil(mr);
    for (q, j) in (0..cols).step_by(nr).enumerate() {
        for (p, i) in (0..rows).step_by(mr).enumerate() {
            let next = if p + 1 < row_panels {
                c.wrapping_add((i + mr) * ldc + j).cast_const()
            } else if j + nr < cols {
                c.wrapping_add(j + nr).cast_const()
            } else {
                std::ptr::null()
            };
            let out = TileOut {
                c: c.wrapping_add(i * ldc + j),
                ldc,
                rows: mr.min(rows - i),
                cols: nr.min(cols - j),
                accumulate,
                epilogue: epilogue.map(|e| TileEpilogue::at(e, row0 + i, col0 + j)),
                next,
            };
            // SAFETY: the panels and the tile are inside the block the caller vouched for.
            unsafe {
                kernel.tile(block.kc, a.wrapping_add(p * a_panel_stride), b.wrapping_add(q * b_panel_stride), &out)
            };
        }
    }
}
