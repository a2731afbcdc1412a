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
pub(crate) mod simd;

use super::Epilogue;
use super::epilogue::{TileEpilogue, TileOut};

/// One K block of a `rows x cols` block of C: `kc` steps of packed A panels (`mr` rows each, one every
/// `a_panel_stride` values) times B panels (`nr` columns, one every `b_panel_stride` values, a panel's
/// steps `b_step` apart: `nr` when packed, the row stride when read in place from a row-major B).
#[derive(Clone, Copy)]
pub(crate) struct TileBlock<'a> {
    pub kc: usize,
    pub a: *const f32,
    pub a_panel_stride: usize,
    pub b: *const f32,
    pub b_panel_stride: usize,
    pub b_step: usize,
    /// When B is read in place and the block's last panel is partial: that panel packed (steps `nr`
    /// apart, zero-padded), read instead of the row-major values past the matrix; else null.
    pub b_last_packed: *const f32,
    /// The B panels are pre-packed (constant weights, which stream from memory), not packed into scratch
    /// just before: worth prefetching ahead.
    pub b_pre_packed: bool,
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
    /// `kc` steps of the A panel `a` times the B panel `b` (its steps `b_step` apart), stored through `out`.
    ///
    /// # Safety
    /// The panels must hold `kc` steps of the kernel's widths and `out` describe a valid tile.
    unsafe fn tile(&self, kc: usize, a: *const f32, b: *const f32, b_step: usize, out: &TileOut);
}

/// Runs `kernel` on every `mr x nr` tile of `block`. Column panels outside (a B panel stays in L1 while the
/// A panels stream from L2), except for short K blocks (at most [`ROWS_OUTSIDE_MAX_KC`] steps): there the
/// panels all fit in cache and C's traffic dominates, so row panels go outside and each C row is written
/// as one sequential stream. `out.next` is the C origin of the tile after it (null for the last), for
/// prefetching. With column panels outside over pre-packed B panels and several row panels, the tiles of a
/// column panel split the next panel's steps between them to prefetch into L2 (`out.prefetch_b`): such
/// weights stream from memory, and a panel's first tile would otherwise wait for each of its lines. (A
/// single row panel reads each B panel once, in order, as the hardware prefetcher expects; B packed into
/// scratch is in cache already.)
///
/// # Safety
/// `block` must satisfy the [`BlockKernel`] contract, and `kernel` have register tile `mr x nr`.
#[inline(always)]
pub(crate) unsafe fn for_each_tile(block: &TileBlock, mr: usize, nr: usize, kernel: &impl TileKernel) {
    let TileBlock {
        kc,
        a,
        a_panel_stride,
        b,
        b_panel_stride,
        b_step,
        b_last_packed,
        b_pre_packed,
        c,
        ldc,
        row0,
        col0,
        rows,
        cols,
        accumulate,
        epilogue,
    } = *block;
    let (row_panels, col_panels) = (rows.div_ceil(mr), cols.div_ceil(nr));
    let rows_outside = kc <= ROWS_OUTSIDE_MAX_KC;
    let prefetch_next_panel = b_pre_packed && !rows_outside && row_panels > 1;
    // First step of the next panel's share of row panel `p`.
    let share = |p: usize| p * kc / row_panels;
    let (outer, inner) = if rows_outside { (row_panels, col_panels) } else { (col_panels, row_panels) };
    // (row panel, column panel) of the tile at `(o, n)` of the loops.
    let panels = |o: usize, n: usize| if rows_outside { (o, n) } else { (n, o) };
    for o in 0..outer {
        for n in 0..inner {
            let (p, q) = panels(o, n);
            let (i, j) = (p * mr, q * nr);
            let next = match (n + 1 < inner, o + 1 < outer) {
                (true, _) => Some(panels(o, n + 1)),
                (false, true) => Some(panels(o + 1, 0)),
                (false, false) => None,
            };
            let (prefetch_b, prefetch_b_steps) = if prefetch_next_panel && q + 1 < col_panels {
                (b.wrapping_add((q + 1) * b_panel_stride + share(p) * nr), share(p + 1) - share(p))
            } else {
                (std::ptr::null(), 0)
            };
            let out = TileOut {
                c: c.wrapping_add(i * ldc + j),
                ldc,
                rows: mr.min(rows - i),
                cols: nr.min(cols - j),
                accumulate,
                epilogue: epilogue.map(|e| TileEpilogue::at(e, row0 + i, col0 + j)),
                next: next.map_or(std::ptr::null(), |(p, q)| c.wrapping_add(p * mr * ldc + q * nr).cast_const()),
                prefetch_b,
                prefetch_b_steps,
            };
            // SAFETY: the panels and the tile are inside the block the caller vouched for.
            let (b_panel, b_step) = if j + nr > cols && !b_last_packed.is_null() {
                (b_last_packed, nr)
            } else {
                (b.wrapping_add(q * b_panel_stride), b_step)
            };
            unsafe { kernel.tile(kc, a.wrapping_add(p * a_panel_stride), b_panel, b_step, &out) };
        }
    }
}

/// Longest K block whose tiles [`for_each_tile`] runs row panels outside.
const ROWS_OUTSIDE_MAX_KC: usize = 64;
