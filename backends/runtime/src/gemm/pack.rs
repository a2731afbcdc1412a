//! Packing A and B into the panels the microkernels read: from dense strided matrices and, for B, straight
//! from an NCHW image as an implicit im2col matrix. The packed layouts are part of the API: the compiler
//! packs constant weights at compile time and stores them in the artefact.
//!
//! # Packed layouts
//!
//! Both operands are packed over the full K, k-major inside a panel, so that any K block `k0..k0 + kc` of a
//! panel is one contiguous run.
//!
//! - **A** (`m x k`, packed for a kernel with `MR` rows, [`packed_a_len`]` = ceil(m / MR) * MR * k` values):
//!   panel `p` holds rows `p*MR .. p*MR + MR`; `packed[p*MR*k + kk*MR + i] = A[p*MR + i][kk]`, and `0.0`
//!   where `p*MR + i >= m`.
//! - **B** (`k x n`, packed for a kernel with `NR` columns, [`packed_b_len`]` = ceil(n / NR) * NR * k`
//!   values): panel `q` holds columns `q*NR .. q*NR + NR`; `packed[q*NR*k + kk*NR + j] = B[kk][q*NR + j]`,
//!   and `0.0` where `q*NR + j >= n`.
//!
//! The engine packs blocks of strided operands into its scratch in the same layouts with `kc` in place of
//! `k`. B packing is A packing of the transpose, so one routine ([`pack_panels`]) does both.
//!
//! # Implicit im2col
//!
//! For a convolution of one NCHW image, B's row `(c * kernel_h + kh) * kernel_w + kw` and column
//! `oh * out_w + ow` is `image[c][oh*stride_h + kh*dilation_h - pad_top][ow*stride_w + kw*dilation_w - pad_left]`,
//! `0.0` outside the image. [`pack_im2col_panels`] writes B panels from the image directly, no im2col buffer.

use super::checked::StridedSlice;
use super::{ConvGeometry, GemmError, Strided};

/// Length of A (`m x k`) packed for a kernel with `mr` rows.
///
/// # Panics
/// If the length overflows `usize`.
pub fn packed_a_len(m: usize, k: usize, mr: usize) -> usize {
    panels_len(m, k, mr).expect("packed A length overflows usize")
}

/// Length of B (`k x n`) packed for a kernel with `nr` columns.
///
/// # Panics
/// If the length overflows `usize`.
pub fn packed_b_len(k: usize, n: usize, nr: usize) -> usize {
    panels_len(n, k, nr).expect("packed B length overflows usize")
}

/// `ceil(lines / width) * width * k`.
pub(crate) fn panels_len(lines: usize, k: usize, width: usize) -> Option<usize> {
    lines.div_ceil(width).checked_mul(width)?.checked_mul(k)
}

/// Packs A (`m x k`) into `dst` for a kernel with `mr` rows (layout in the [module docs](self)).
pub fn pack_a(a: StridedSlice<'_>, m: usize, k: usize, mr: usize, dst: &mut [f32]) -> Result<(), GemmError> {
    let a = a.checked("A", m, k)?;
    let dst = checked_dst(dst, m, k, mr)?;
    // SAFETY: `a` covers m x k and `dst` the packed length (both checked above).
    unsafe { pack_panels(a.ptr, a.row_stride, a.col_stride, m, k, mr, dst) };
    Ok(())
}

/// Packs B (`k x n`) into `dst` for a kernel with `nr` columns (layout in the [module docs](self)).
pub fn pack_b(b: StridedSlice<'_>, k: usize, n: usize, nr: usize, dst: &mut [f32]) -> Result<(), GemmError> {
    let b = b.checked("B", k, n)?;
    let dst = checked_dst(dst, n, k, nr)?;
    // SAFETY: `b` covers k x n and `dst` the packed length (both checked above).
    unsafe { pack_panels(b.ptr, b.col_stride, b.row_stride, n, k, nr, dst) };
    Ok(())
}

/// Packs the implicit im2col B of a convolution of one NCHW `image` (`conv.k() x conv.n()`) into `dst` for a
/// kernel with `nr` columns: the same layout as [`pack_b`].
pub fn pack_b_im2col(image: &[f32], conv: &ConvGeometry, nr: usize, dst: &mut [f32]) -> Result<(), GemmError> {
    let needed = conv.image_len().ok_or(GemmError::Overflow)?;
    check_len("image", needed, image.len())?;
    let dst = checked_dst(dst, conv.n(), conv.k(), nr)?;
    // SAFETY: the image holds the geometry's c x h x w values and `dst` the packed length (checked above).
    unsafe { pack_im2col_panels(image.as_ptr(), conv, 0, conv.k(), 0, conv.n(), nr, dst) };
    Ok(())
}

fn checked_dst(dst: &mut [f32], lines: usize, k: usize, width: usize) -> Result<*mut f32, GemmError> {
    if width == 0 {
        return Err(GemmError::BadKernelShape { mr: width, nr: width });
    }
    check_len("packed destination", panels_len(lines, k, width).ok_or(GemmError::Overflow)?, dst.len())?;
    Ok(dst.as_mut_ptr())
}

pub(crate) fn check_len(operand: &'static str, needed: usize, len: usize) -> Result<(), GemmError> {
    if len < needed { Err(GemmError::TooShort { operand, needed, len }) } else { Ok(()) }
}

/// Packs `lines` lines of `kc` steps into panels of `width` lines:
/// `dst[p*width*kc + s*width + i] = src[(p*width + i)*line_stride + s*step_stride]`, zero past `lines`.
/// A rows are lines (`line_stride = row_stride`); B columns are (`line_stride = col_stride`).
///
/// # Safety
/// `src` must be readable at every index above for `p*width + i < lines`, `s < kc`; `dst` writable for
/// `panels_len(lines, kc, width)` values.
pub(crate) unsafe fn pack_panels(
    src: *const f32,
    line_stride: usize,
    step_stride: usize,
    lines: usize,
    kc: usize,
    width: usize,
    dst: *mut f32,
) {
    let source = Strided { ptr: src, row_stride: line_stride, col_stride: step_stride };
    // Dispatching on the kernels' widths lets each call inline with a constant width: panel copies become a
    // few vector moves instead of a loop or a memcpy call.
    // SAFETY: forwarded contract.
    unsafe {
        match width {
            6 => pack_panels_of_width(source, lines, kc, 6, dst),
            8 => pack_panels_of_width(source, lines, kc, 8, dst),
            12 => pack_panels_of_width(source, lines, kc, 12, dst),
            16 => pack_panels_of_width(source, lines, kc, 16, dst),
            32 => pack_panels_of_width(source, lines, kc, 32, dst),
            _ => pack_panels_of_width(source, lines, kc, width, dst),
        }
    }
}

/// [`pack_panels`] with `src.row_stride` as the line stride and `src.col_stride` as the step stride.
#[inline(always)]
unsafe fn pack_panels_of_width(src: Strided, lines: usize, kc: usize, width: usize, dst: *mut f32) {
    let full_panels = lines / width;
    let mut first_general_panel = 0;
    if src.row_stride == 1 {
        // The lines are adjacent in memory (B row-major, A transposed): step by step, each step's values are
        // one contiguous run (read in order, so the hardware prefetcher streams it), one copy per full panel.
        // SAFETY: every index is inside the ranges the caller vouched for.
        unsafe {
            for s in 0..kc {
                let step = src.ptr.add(s * src.col_stride);
                for p in 0..full_panels {
                    std::ptr::copy_nonoverlapping(step.add(p * width), dst.add(p * width * kc + s * width), width);
                }
            }
        }
        first_general_panel = full_panels;
    }
    for p in first_general_panel..lines.div_ceil(width) {
        let first = p * width;
        let valid = width.min(lines - first);
        // SAFETY: every index is inside the ranges the caller vouched for.
        unsafe {
            let panel = dst.add(p * width * kc);
            let lines_src = src.ptr.add(first * src.row_stride);
            // Line by line: reads run along each line (contiguous for A row-major), writes stride by `width`.
            for i in 0..valid {
                let line = lines_src.add(i * src.row_stride);
                for s in 0..kc {
                    *panel.add(s * width + i) = *line.add(s * src.col_stride);
                }
            }
            for s in 0..kc {
                for i in valid..width {
                    *panel.add(s * width + i) = 0.0;
                }
            }
        }
    }
}

/// Packs rows `k0..k0 + kc` and columns `col0..col0 + cols` of a convolution's implicit im2col B into panels
/// of `width` columns, `kc` steps each (the [`pack_panels`] layout), zero past `cols` and in the padding.
///
/// # Safety
/// `image` must be readable for `conv.image_len()` values, the rows and columns must lie inside
/// `conv.k() x conv.n()`, and `dst` must be writable for `panels_len(cols, kc, width)` values.
#[allow(clippy::too_many_arguments)] // a block of a view: the view, two ranges, the panel width, the target
pub(crate) unsafe fn pack_im2col_panels(
    image: *const f32,
    conv: &ConvGeometry,
    k0: usize,
    kc: usize,
    col0: usize,
    cols: usize,
    width: usize,
    dst: *mut f32,
) {
    let taps = conv.kernel_h * conv.kernel_w;
    let plane = conv.height * conv.width;
    let padded_cols = cols.div_ceil(width) * width;
    let (height, in_width) = (conv.height as isize, conv.width as isize);
    for s in 0..kc {
        let row = k0 + s;
        let (channel, tap) = (row / taps, row % taps);
        let (kh, kw) = (tap / conv.kernel_w, tap % conv.kernel_w);
        // Input coordinates of output pixel (0, 0) for this tap; may be negative (in the padding).
        let ih0 = (kh * conv.dilation_h) as isize - conv.pad_top as isize;
        let iw0 = (kw * conv.dilation_w) as isize - conv.pad_left as isize;
        // Output columns whose input column is inside the image: ow in [ow_lo, ow_hi).
        let sw = conv.stride_w;
        let ow_lo = ((-iw0).max(0) as usize).div_ceil(sw).min(conv.out_w);
        let ow_hi = ((in_width - iw0).max(0) as usize).div_ceil(sw).clamp(ow_lo, conv.out_w);
        // SAFETY: channel < conv.channels because row < conv.k().
        let channel_plane = unsafe { image.add(channel * plane) };
        // Column j of this step goes to `dst[(j / width) * width * kc + s * width + j % width]`.
        let mut put = {
            let (mut panel, mut lane) = (0, 0);
            move |value: f32| {
                // SAFETY: panel < padded_cols / width and lane < width: inside the caller's destination.
                unsafe { *dst.add(panel * width * kc + s * width + lane) = value };
                lane += 1;
                if lane == width {
                    (panel, lane) = (panel + 1, 0);
                }
            }
        };
        let (mut oh, mut ow) = (col0 / conv.out_w, col0 % conv.out_w);
        let mut j = 0;
        // One output row (or the part of it inside the block) at a time: padding, the inside run, padding.
        while j < cols {
            let run_end = conv.out_w.min(ow + cols - j);
            let ih = (oh * conv.stride_h) as isize + ih0;
            if (0..height).contains(&ih) {
                // SAFETY: ih is a row of the plane.
                let line = unsafe { channel_plane.add(ih as usize * conv.width) };
                let (inside_lo, inside_hi) = (ow_lo.clamp(ow, run_end), ow_hi.clamp(ow, run_end));
                (ow..inside_lo).for_each(|_| put(0.0));
                for o in inside_lo..inside_hi {
                    // SAFETY: ow_lo <= o < ow_hi puts the input column inside the row.
                    put(unsafe { *line.offset((o * sw) as isize + iw0) });
                }
                (inside_hi..run_end).for_each(|_| put(0.0));
            } else {
                (ow..run_end).for_each(|_| put(0.0));
            }
            j += run_end - ow;
            (oh, ow) = (oh + 1, 0);
        }
        (cols..padded_cols).for_each(|_| put(0.0));
    }
}
