//! The safe front end: the engine behind borrowed slices whose lengths are checked against the shapes and
//! strides, for tests, tools and compile-time packing. A length that does not fit is an error, not UB.

use std::marker::PhantomData;
use std::ops::Range;

use super::pack::{check_len, panels_len};
use super::{
    Bias, Blocking, ConvGeometry, Epilogue, Gemm, GemmError, Im2col, OperandA, OperandB, Packed, Problem, Residual,
    Strided, Variant,
};
use crate::gemm::Activation;

/// A dense strided matrix in a slice: element `(r, c)` is `data[r * row_stride + c * col_stride]`.
#[derive(Debug, Clone, Copy)]
pub struct StridedSlice<'a> {
    pub data: &'a [f32],
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> StridedSlice<'a> {
    /// A row-major matrix with `cols` columns.
    pub fn row_major(data: &'a [f32], cols: usize) -> StridedSlice<'a> {
        StridedSlice { data, row_stride: cols, col_stride: 1 }
    }

    /// The raw view, after checking that every element of a `rows x cols` matrix is inside `data`.
    pub(crate) fn checked(self, operand: &'static str, rows: usize, cols: usize) -> Result<Strided, GemmError> {
        let needed = if rows == 0 || cols == 0 {
            0
        } else {
            (rows - 1)
                .checked_mul(self.row_stride)
                .and_then(|r| r.checked_add((cols - 1).checked_mul(self.col_stride)?))
                .and_then(|last| last.checked_add(1))
                .ok_or(GemmError::Overflow)?
        };
        check_len(operand, needed, self.data.len())?;
        Ok(Strided { ptr: self.data.as_ptr(), row_stride: self.row_stride, col_stride: self.col_stride })
    }
}

/// Pre-packed panels in a slice, with the panel width they were packed for.
#[derive(Debug, Clone, Copy)]
pub struct PackedSlice<'a> {
    pub data: &'a [f32],
    pub width: usize,
}

impl PackedSlice<'_> {
    fn checked(self, operand: &'static str, lines: usize, k: usize) -> Result<Packed, GemmError> {
        if self.width == 0 {
            return Err(GemmError::ZeroPanelWidth);
        }
        check_len(operand, panels_len(lines, k, self.width).ok_or(GemmError::Overflow)?, self.data.len())?;
        Ok(Packed { ptr: self.data.as_ptr(), width: self.width })
    }
}

/// One NCHW image in a slice, seen as a convolution's implicit im2col B.
#[derive(Debug, Clone, Copy)]
pub struct Im2colSlice<'a> {
    pub image: &'a [f32],
    pub conv: ConvGeometry,
}

/// The A operand in slices.
#[derive(Debug, Clone, Copy)]
pub enum ASlice<'a> {
    Strided(StridedSlice<'a>),
    Packed(PackedSlice<'a>),
}

/// The B operand in slices.
#[derive(Debug, Clone, Copy)]
pub enum BSlice<'a> {
    Strided(StridedSlice<'a>),
    Packed(PackedSlice<'a>),
    Im2col(Im2colSlice<'a>),
}

/// A bias in a slice: `m` values per row or `n` per column.
#[derive(Debug, Clone, Copy)]
pub enum BiasSlice<'a> {
    None,
    PerRow(&'a [f32]),
    PerCol(&'a [f32]),
}

/// A dense `m x n` residual in a slice, row `i` starting at `data[i * row_stride]`.
#[derive(Debug, Clone, Copy)]
pub struct ResidualSlice<'a> {
    pub data: &'a [f32],
    pub row_stride: usize,
}

/// [`Epilogue`] over slices.
#[derive(Debug, Clone, Copy)]
pub struct EpilogueSlices<'a> {
    pub alpha: f32,
    pub bias: BiasSlice<'a>,
    pub residual: Option<ResidualSlice<'a>>,
    pub activation: Activation,
}

impl Default for EpilogueSlices<'_> {
    /// `C = A*B`.
    fn default() -> Self {
        EpilogueSlices { alpha: 1.0, bias: BiasSlice::None, residual: None, activation: Activation::None }
    }
}

/// [`Problem`] over slices: C is `c`, `m` rows with row stride `ldc`.
#[derive(Debug)]
pub struct SliceProblem<'a> {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a: ASlice<'a>,
    pub b: BSlice<'a>,
    pub c: &'a mut [f32],
    pub ldc: usize,
    pub epilogue: EpilogueSlices<'a>,
}

impl SliceProblem<'_> {
    /// The raw problem, after checking every slice against the shapes.
    fn checked(self) -> Result<Problem, GemmError> {
        let SliceProblem { m, n, k, a, b, c, ldc, epilogue } = self;
        let a = match a {
            ASlice::Strided(s) => OperandA::Strided(s.checked("A", m, k)?),
            ASlice::Packed(p) => OperandA::Packed(p.checked("packed A", m, k)?),
        };
        let b = match b {
            BSlice::Strided(s) => OperandB::Strided(s.checked("B", k, n)?),
            BSlice::Packed(p) => OperandB::Packed(p.checked("packed B", n, k)?),
            BSlice::Im2col(Im2colSlice { image, conv }) => {
                check_len("image", conv.image_len().ok_or(GemmError::Overflow)?, image.len())?;
                OperandB::Im2col(Im2col { image: image.as_ptr(), conv })
            }
        };
        let bias = match epilogue.bias {
            BiasSlice::None => Bias::None,
            BiasSlice::PerRow(bias) => {
                check_len("per-row bias", m, bias.len())?;
                Bias::PerRow(bias.as_ptr())
            }
            BiasSlice::PerCol(bias) => {
                check_len("per-column bias", n, bias.len())?;
                Bias::PerCol(bias.as_ptr())
            }
        };
        let residual = match epilogue.residual {
            None => None,
            Some(r) => {
                let view = StridedSlice { data: r.data, row_stride: r.row_stride, col_stride: 1 };
                Some(Residual { ptr: view.checked("residual", m, n)?.ptr, row_stride: r.row_stride })
            }
        };
        StridedSlice { data: &*c, row_stride: ldc, col_stride: 1 }.checked("C", m, n)?;
        Ok(Problem {
            m,
            n,
            k,
            a,
            b,
            c: c.as_mut_ptr(),
            ldc,
            epilogue: Epilogue { alpha: epilogue.alpha, bias, residual, activation: epilogue.activation },
        })
    }
}

/// A [`Gemm`] over checked slices, borrowed for `'a`; runs safely because the lengths were checked and C is
/// borrowed mutably (so `run_tiles` takes `&mut self`: one caller at a time).
#[derive(Debug)]
pub struct CheckedGemm<'a> {
    gemm: Gemm,
    borrows: PhantomData<&'a mut [f32]>,
}

impl<'a> CheckedGemm<'a> {
    /// Checks the slices against the shapes, then as [`Gemm::new`].
    pub fn new(variant: Variant, problem: SliceProblem<'a>) -> Result<CheckedGemm<'a>, GemmError> {
        CheckedGemm::with_blocking(variant, problem, Blocking::for_variant(variant))
    }

    /// Checks the slices against the shapes, then as [`Gemm::with_blocking`].
    pub fn with_blocking(
        variant: Variant,
        problem: SliceProblem<'a>,
        blocking: Blocking,
    ) -> Result<CheckedGemm<'a>, GemmError> {
        Ok(CheckedGemm { gemm: Gemm::with_blocking(variant, problem.checked()?, blocking)?, borrows: PhantomData })
    }

    pub fn tiles(&self) -> usize {
        self.gemm.tiles()
    }

    pub fn scratch_len(&self) -> usize {
        self.gemm.scratch_len()
    }

    /// [`Gemm::run_tiles`].
    pub fn run_tiles(&mut self, range: Range<usize>, scratch: &mut [f32]) -> Result<(), GemmError> {
        // SAFETY: every slice was checked against the shapes and is borrowed for 'a; C is borrowed mutably
        // and `&mut self` excludes concurrent calls.
        unsafe { self.gemm.run_tiles(range, scratch) }
    }

    /// Runs every tile with a scratch buffer allocated for the call.
    pub fn run(&mut self) -> Result<(), GemmError> {
        let mut scratch = vec![0.0; self.scratch_len()];
        self.run_tiles(0..self.tiles(), &mut scratch)
    }
}

/// Computes a GEMM over slices on this thread: [`CheckedGemm::new`] then [`CheckedGemm::run`].
pub fn gemm(variant: Variant, problem: SliceProblem<'_>) -> Result<(), GemmError> {
    CheckedGemm::new(variant, problem)?.run()
}
