//! The fp32 GEMM engine: `C[m x n] = act(alpha * A[m x k] * B[k x n] + bias + residual)` with packed
//! panels, cache blocking, SIMD microkernels chosen at run time and independent output tiles.
//!
//! The compiler lowers matmul, gemm and convolutions to it. A [`Gemm`] describes one call on raw buffers (as
//! the runtime runs plans); its output is split into [`Gemm::tiles`] independent tiles that any threads may
//! run in any order with [`Gemm::run_tiles`], each thread with its own scratch of [`Gemm::scratch_len`]
//! values. [`CheckedGemm`] and [`gemm`] are the safe slice-based front end.
//!
//! A tile is at most `MC` rows x `NC` columns of C; tiles are numbered column-block-major, so the contiguous
//! range a thread runs is mostly whole runs of row blocks sharing a column block. For each such run and each
//! K block of `KC` steps (GotoBLAS/BLIS order): pack the B block into scratch once (unless B is pre-packed),
//! then for each row block pack its A block (unless pre-packed) and run the microkernel over every
//! `MR x NR` sub-tile, column panels outside so a B panel stays in L1 while the A panels stream from L2. The
//! first K block overwrites C, later ones add to it, and the last one applies the epilogue in the
//! microkernel's store.

mod blocking;
mod checked;
mod epilogue;
mod kernels;
mod pack;
#[cfg(target_arch = "x86_64")]
mod pack_avx2;
mod variant;

use std::ops::Range;

pub use blocking::{Blocking, CacheSizes};
pub use checked::{
    ASlice, BSlice, BiasSlice, CheckedGemm, EpilogueSlices, Im2colSlice, PackedSlice, ResidualSlice, SliceProblem,
    StridedSlice, gemm,
};
pub use epilogue::Activation;
pub(crate) use epilogue::activate_row;
use kernels::TileBlock;
#[cfg(target_arch = "x86_64")]
pub(crate) use kernels::avx2::Ymm;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(crate) use kernels::simd::{WithActivation, with_activation};
pub use pack::{pack_a, pack_b, pack_b_im2col, packed_a_len, packed_b_len};
pub use variant::{GENERIC_MAX_MR, GENERIC_MAX_NR, Isa, Variant};

/// Why a GEMM could not be set up or run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GemmError {
    #[error(
        "no generic {mr}x{nr} kernel: the register tile must be within 1..={GENERIC_MAX_MR} x 1..={GENERIC_MAX_NR}"
    )]
    BadKernelShape { mr: usize, nr: usize },
    #[error("panels must be at least one row or column wide")]
    ZeroPanelWidth,
    #[error("the {variant} kernel needs CPU features {:?} that this host lacks", variant.required_features())]
    UnsupportedOnHost { variant: Variant },
    #[error("{operand} was packed in panels of {packed} but the {variant} kernel needs panels of {needed}")]
    PackMismatch { operand: &'static str, packed: usize, needed: usize, variant: Variant },
    #[error("{operand} needs {needed} values but has {len}")]
    TooShort { operand: &'static str, needed: usize, len: usize },
    #[error("the convolution's implicit B is {conv_k} x {conv_n}, the problem's is {k} x {n}")]
    ConvShape { conv_k: usize, conv_n: usize, k: usize, n: usize },
    #[error("C rows overlap: ldc {ldc} < n {n}")]
    OverlappingRows { ldc: usize, n: usize },
    #[error("blocking needs kc >= 1, mc >= MR and nc >= NR, got kc {kc}, mc {mc}, nc {nc}")]
    BadBlocking { kc: usize, mc: usize, nc: usize },
    #[error("tiles {start}..{end} are not inside 0..{tiles}")]
    TileRange { start: usize, end: usize, tiles: usize },
    #[error("a size overflows usize")]
    Overflow,
}

/// A dense strided matrix: element `(r, c)` is at `ptr + r * row_stride + c * col_stride` (in elements), so a
/// transposed matrix is the same buffer with the strides swapped.
#[derive(Debug, Clone, Copy)]
pub struct Strided {
    pub ptr: *const f32,
    pub row_stride: usize,
    pub col_stride: usize,
}

/// Pre-packed panels ([`pack`](pack_a) layouts), with the panel width (MR for A, NR for B) they were packed
/// for, which must match the variant's.
#[derive(Debug, Clone, Copy)]
pub struct Packed {
    pub ptr: *const f32,
    pub width: usize,
}

/// One NCHW image seen as the implicit im2col B of a convolution.
#[derive(Debug, Clone, Copy)]
pub struct Im2col {
    /// `channels x height x width` values, dense.
    pub image: *const f32,
    pub conv: ConvGeometry,
}

/// A 2-D convolution's geometry over one image. The implicit B is `k() x n()`: row `(c, kh, kw)` flattened,
/// column `oh * out_w + ow` (see [`pack_b_im2col`]). Pads at the bottom and right follow from the output size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeometry {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    pub kernel_h: usize,
    pub kernel_w: usize,
    pub stride_h: usize,
    pub stride_w: usize,
    pub dilation_h: usize,
    pub dilation_w: usize,
    pub pad_top: usize,
    pub pad_left: usize,
    pub out_h: usize,
    pub out_w: usize,
}

impl ConvGeometry {
    /// Rows of the implicit B: `channels * kernel_h * kernel_w`.
    pub fn k(&self) -> usize {
        self.channels * self.kernel_h * self.kernel_w
    }

    /// Columns of the implicit B: `out_h * out_w`.
    pub fn n(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Values in the image, `None` on overflow.
    pub fn image_len(&self) -> Option<usize> {
        self.channels.checked_mul(self.height)?.checked_mul(self.width)
    }
}

/// The A operand.
#[derive(Debug, Clone, Copy)]
pub enum OperandA {
    Strided(Strided),
    Packed(Packed),
}

/// The B operand.
#[derive(Debug, Clone, Copy)]
pub enum OperandB {
    Strided(Strided),
    Packed(Packed),
    Im2col(Im2col),
}

/// A bias added before the activation.
#[derive(Debug, Clone, Copy)]
pub enum Bias {
    None,
    /// `m` values, `bias[i]` added to row `i` (a convolution's per-channel bias).
    PerRow(*const f32),
    /// `n` values, `bias[j]` added to column `j` (a dense layer's bias).
    PerCol(*const f32),
}

/// A dense `m x n` matrix added before the activation (a residual connection).
#[derive(Debug, Clone, Copy)]
pub struct Residual {
    pub ptr: *const f32,
    pub row_stride: usize,
}

/// `C = activation(alpha * A*B + bias + residual)`.
#[derive(Debug, Clone, Copy)]
pub struct Epilogue {
    pub alpha: f32,
    pub bias: Bias,
    pub residual: Option<Residual>,
    pub activation: Activation,
}

impl Default for Epilogue {
    /// `C = A*B`.
    fn default() -> Epilogue {
        Epilogue { alpha: 1.0, bias: Bias::None, residual: None, activation: Activation::None }
    }
}

/// One GEMM on raw buffers. C is dense with row stride `ldc`.
#[derive(Debug, Clone, Copy)]
pub struct Problem {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a: OperandA,
    pub b: OperandB,
    pub c: *mut f32,
    pub ldc: usize,
    pub epilogue: Epilogue,
}

/// Values of scratch alignment slack: scratch is used from its first 64-byte boundary.
const SCRATCH_ALIGN: usize = 16;

/// Splits `panels` panels into `blocks` contiguous blocks whose sizes differ by at most one.
#[derive(Debug, Clone, Copy)]
struct BlockSplit {
    panels: usize,
    blocks: usize,
}

impl BlockSplit {
    fn new(panels: usize, max_panels_per_block: usize) -> BlockSplit {
        BlockSplit { panels, blocks: panels.div_ceil(max_panels_per_block) }
    }

    /// Panels of block `b`.
    fn block(self, b: usize) -> Range<usize> {
        let (size, rest) = (self.panels / self.blocks, self.panels % self.blocks);
        let start = b * size + b.min(rest);
        start..start + size + usize::from(b < rest)
    }

    fn max_block(self) -> usize {
        if self.blocks == 0 { 0 } else { self.panels.div_ceil(self.blocks) }
    }
}

/// A validated GEMM, ready to run tile by tile. It holds raw pointers but dereferences them only in
/// [`Gemm::run_tiles`], whose contract covers them.
#[derive(Debug, Clone)]
pub struct Gemm {
    variant: Variant,
    problem: Problem,
    kc: usize,
    rows: BlockSplit,
    cols: BlockSplit,
    /// B is row-major and read in place by the kernels (only a partial last panel is packed).
    b_in_place: bool,
}

/// Most row panels (of MR rows) for which a row-major B is read in place rather than packed: packing costs
/// a write and a re-read of every B value, repaid only when many row panels reuse the packed block. Measured
/// on AVX2 (GFLOP/s, packed -> in place): 16 x 32 x 12544 46 -> 49, 24 x 144 x 3136 53 -> 75, 48 x 64 x 3136
/// 75 -> 81 (8 panels); 96 x 16 x 12544 (16 panels) gains nothing.
const B_IN_PLACE_MAX_ROW_PANELS: usize = 8;

// SAFETY: the pointers are only dereferenced by `run_tiles`, an unsafe fn whose contract requires the
// buffers to be valid and concurrent calls to cover disjoint tiles (which write disjoint parts of C).
unsafe impl Send for Gemm {}
// SAFETY: as above.
unsafe impl Sync for Gemm {}

impl Gemm {
    /// Checks `problem` against `variant` (host support, packed panel widths, shapes), with
    /// [`Blocking::for_problem`].
    pub fn new(variant: Variant, problem: Problem) -> Result<Gemm, GemmError> {
        Gemm::with_blocking(variant, problem, Blocking::for_problem(variant, problem.m, problem.k, problem.n))
    }

    /// [`Gemm::new`] with explicit blocking; `mc` and `nc` are rounded down to multiples of MR and NR.
    pub fn with_blocking(variant: Variant, problem: Problem, blocking: Blocking) -> Result<Gemm, GemmError> {
        let (mr, nr) = (variant.mr(), variant.nr());
        if !variant.is_supported_on_host() {
            return Err(GemmError::UnsupportedOnHost { variant });
        }
        if let OperandA::Packed(packed) = problem.a
            && packed.width != mr
        {
            return Err(GemmError::PackMismatch { operand: "A", packed: packed.width, needed: mr, variant });
        }
        match problem.b {
            OperandB::Packed(packed) if packed.width != nr => {
                return Err(GemmError::PackMismatch { operand: "B", packed: packed.width, needed: nr, variant });
            }
            OperandB::Im2col(Im2col { conv, .. }) if (conv.k(), conv.n()) != (problem.k, problem.n) => {
                return Err(GemmError::ConvShape { conv_k: conv.k(), conv_n: conv.n(), k: problem.k, n: problem.n });
            }
            _ => {}
        }
        if problem.m > 1 && problem.ldc < problem.n {
            return Err(GemmError::OverlappingRows { ldc: problem.ldc, n: problem.n });
        }
        let Blocking { kc, mc, nc } = blocking;
        if kc == 0 || mc < mr || nc < nr {
            return Err(GemmError::BadBlocking { kc, mc, nc });
        }
        let mut rows = BlockSplit::new(problem.m.div_ceil(mr), mc / mr);
        let mut cols = BlockSplit::new(problem.n.div_ceil(nr), nc / nr);
        if rows.blocks * cols.blocks % 2 == 1 {
            // An even number of tiles splits evenly over two threads (13 tiles would run as 7 and 6): one
            // more row block (a slightly smaller A block), else one more column block.
            if rows.blocks > 1 && rows.blocks < rows.panels {
                rows.blocks += 1;
            } else if cols.blocks < cols.panels {
                cols.blocks += 1;
            }
        }
        // Few rows reuse a packed B block too little to repay packing it: read row-major B in place.
        let b_in_place =
            matches!(problem.b, OperandB::Strided(s) if s.col_stride == 1) && rows.panels <= B_IN_PLACE_MAX_ROW_PANELS;
        let gemm = Gemm { variant, problem, kc: kc.min(problem.k.max(1)), rows, cols, b_in_place };
        gemm.scratch_parts().ok_or(GemmError::Overflow)?;
        Ok(gemm)
    }

    pub fn variant(&self) -> Variant {
        self.variant
    }

    /// Independent output tiles (a row block of at most `mc` rows by a column block of at most `nc` columns),
    /// numbered column-block-major: see [`Gemm::run_tiles`].
    pub fn tiles(&self) -> usize {
        self.rows.blocks * self.cols.blocks
    }

    /// f32 values of scratch each concurrent [`Gemm::run_tiles`] call needs (packed A and B blocks plus
    /// alignment slack); 0 when both operands are pre-packed.
    pub fn scratch_len(&self) -> usize {
        let (a, b) = self.scratch_parts().expect("checked by the constructor");
        if a + b == 0 { 0 } else { SCRATCH_ALIGN + a + b }
    }

    /// Values of the packed A block (rounded up to the alignment) and of the packed B block in scratch.
    fn scratch_parts(&self) -> Option<(usize, usize)> {
        let (mr, nr) = (self.variant.mr(), self.variant.nr());
        let a = match self.problem.a {
            OperandA::Packed(_) => 0,
            OperandA::Strided(_) => {
                self.rows.max_block().checked_mul(mr)?.checked_mul(self.kc)?.checked_next_multiple_of(SCRATCH_ALIGN)?
            }
        };
        let b = match self.problem.b {
            OperandB::Packed(_) => 0,
            OperandB::Strided(_) | OperandB::Im2col(_) => {
                self.cols.max_block().checked_mul(nr)?.checked_mul(self.kc)?
            }
        };
        Some((a, b))
    }

    /// Runs every tile on this thread, in order.
    ///
    /// # Safety
    /// As for [`Gemm::run_tiles`].
    pub unsafe fn run(&self, scratch: &mut [f32]) -> Result<(), GemmError> {
        // SAFETY: forwarded contract.
        unsafe { self.run_tiles(0..self.tiles(), scratch) }
    }

    /// Computes tiles `range` of C, on this thread. Tiles are numbered column-block-major, so a range covers
    /// runs of row blocks sharing a column block; each run packs its B block once per K block and reuses it
    /// for all its row blocks (a range of one tile packs B for one row block only).
    ///
    /// # Safety
    /// - A, B (or the image), the bias and the residual must be readable, and C writable, over every element
    ///   the problem describes: rows `0..m` and columns `0..n` at their strides, `packed_a_len(m, k, MR)` /
    ///   `packed_b_len(k, n, NR)` values for packed operands, `channels * height * width` for an image, `m`
    ///   (per-row) or `n` (per-column) bias values.
    /// - C must not overlap A, B, the bias or the residual, and nothing else may access C's tiles while they
    ///   run.
    /// - Calls running at the same time (on other threads) must be given disjoint tile ranges.
    pub unsafe fn run_tiles(&self, range: Range<usize>, scratch: &mut [f32]) -> Result<(), GemmError> {
        let tiles = self.tiles();
        if range.start > range.end || range.end > tiles {
            return Err(GemmError::TileRange { start: range.start, end: range.end, tiles });
        }
        pack::check_len("scratch", self.scratch_len(), scratch.len())?;
        let aligned = scratch.as_mut_ptr().align_offset(64).min(SCRATCH_ALIGN);
        let (a_len, _) = self.scratch_parts().expect("checked by the constructor");
        // SAFETY: scratch holds SCRATCH_ALIGN + a_len + b_len values when either is non-zero; when both are
        // zero neither pointer is used.
        let a_block = scratch.as_mut_ptr().wrapping_add(aligned);
        let b_block = a_block.wrapping_add(a_len);
        let row_blocks = self.rows.blocks;
        let mut tile = range.start;
        while tile < range.end {
            let col_block = tile / row_blocks;
            let stop = range.end.min((col_block + 1) * row_blocks);
            let first = col_block * row_blocks;
            // SAFETY: forwarded contract; the scratch blocks are as large as `scratch_parts` says.
            unsafe { self.run_row_blocks(col_block, tile - first..stop - first, a_block, b_block) };
            tile = stop;
        }
        Ok(())
    }

    /// Computes the tiles of row blocks `row_blocks` in column block `col_block`: for each K block, packs the
    /// B block once, then for each row block packs its A block and runs the microkernel over every
    /// `MR x NR` sub-tile, column panels outside so a B panel stays in L1 while the A panels stream from L2.
    ///
    /// # Safety
    /// As for [`Gemm::run_tiles`]; `a_block` and `b_block` must hold the [`Gemm::scratch_parts`] values.
    unsafe fn run_row_blocks(&self, col_block: usize, row_blocks: Range<usize>, a_block: *mut f32, b_block: *mut f32) {
        let Problem { m, n, k, a, b, c, ldc, epilogue } = self.problem;
        let (mr, nr, kc) = (self.variant.mr(), self.variant.nr(), self.kc);
        let kernel = self.variant.block_kernel();
        let col_panels = self.cols.block(col_block);
        let col0 = col_panels.start * nr;
        let cols = (col_panels.end * nr).min(n) - col0;
        let k_blocks = k.div_ceil(kc).max(1);
        for k_block in 0..k_blocks {
            let k0 = k_block * kc;
            let kc = kc.min(k - k0);
            let last = k_block + 1 == k_blocks;
            // SAFETY (the block): every pointer stays inside the operand extents the caller vouched for, and
            // the packing targets inside the scratch blocks.
            unsafe {
                // Start of the B block's first panel, the distance between panels, between a panel's steps,
                // and the packed last panel of a B read in place.
                let (b_panels, b_panel_stride, b_step, b_last_packed) = match b {
                    OperandB::Packed(packed) => (packed.ptr.add(col0 * k + k0 * nr), nr * k, nr, std::ptr::null()),
                    OperandB::Strided(s) if self.b_in_place => {
                        let src = s.ptr.add(k0 * s.row_stride + col0);
                        let full = cols / nr * nr;
                        let last_packed = if full < cols {
                            pack::pack_panels(src.add(full), 1, s.row_stride, cols - full, kc, nr, b_block);
                            b_block.cast_const()
                        } else {
                            std::ptr::null()
                        };
                        (src, nr, s.row_stride, last_packed)
                    }
                    OperandB::Strided(s) => {
                        let src = s.ptr.add(k0 * s.row_stride + col0 * s.col_stride);
                        pack::pack_panels(src, s.col_stride, s.row_stride, cols, kc, nr, b_block);
                        (b_block.cast_const(), nr * kc, nr, std::ptr::null())
                    }
                    OperandB::Im2col(view) => {
                        pack::pack_im2col_panels(view.image, &view.conv, k0, kc, col0, cols, nr, b_block);
                        (b_block.cast_const(), nr * kc, nr, std::ptr::null())
                    }
                };
                for row_block in row_blocks.clone() {
                    let row_panels = self.rows.block(row_block);
                    let row0 = row_panels.start * mr;
                    let rows = (row_panels.end * mr).min(m) - row0;
                    let (a_panels, a_panel_stride) = match a {
                        OperandA::Packed(packed) => (packed.ptr.add(row0 * k + k0 * mr), mr * k),
                        OperandA::Strided(s) => {
                            let src = s.ptr.add(row0 * s.row_stride + k0 * s.col_stride);
                            pack::pack_panels(src, s.row_stride, s.col_stride, rows, kc, mr, a_block);
                            (a_block.cast_const(), mr * kc)
                        }
                    };
                    let block = TileBlock {
                        kc,
                        a: a_panels,
                        a_panel_stride,
                        b: b_panels,
                        b_panel_stride,
                        b_step,
                        b_last_packed,
                        b_pre_packed: matches!(b, OperandB::Packed(_)),
                        c: c.add(row0 * ldc + col0),
                        ldc,
                        row0,
                        col0,
                        rows,
                        cols,
                        accumulate: k_block > 0,
                        epilogue: last.then_some(&epilogue),
                    };
                    kernel(mr, nr, &block);
                }
            }
        }
    }
}
