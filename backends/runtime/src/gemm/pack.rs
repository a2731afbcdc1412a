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
    } else if width == 6 && src.col_stride == 1 && avx2_available() {
        // Rows with contiguous steps (A row-major) for the AVX2 kernel: transposed eight steps at a time.
        // SAFETY: the full panels are inside the ranges the caller vouched for; the host has AVX2.
        unsafe { super::pack_avx2::pack_rows_6(src.ptr, src.row_stride, full_panels, kc, dst) };
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

/// `dst[o] = src[2 * o]` for `o < len`: with AVX2 on x86_64 (the only place it is asked for), else one by
/// one.
///
/// # Safety
/// On x86_64 the host must have AVX2; `src` must be readable for `readable >= 2 * len - 1` values, `dst`
/// writable for `len`.
#[inline(always)]
unsafe fn copy_even(src: *const f32, len: usize, readable: usize, dst: *mut f32) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: forwarded contract.
    unsafe {
        super::pack_avx2::copy_even(src, len, readable, dst)
    }
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: forwarded contract (`readable` bounds the reads, which stop at 2 * len - 2).
    unsafe {
        let _ = readable;
        (0..len).for_each(|o| *dst.add(o) = *src.add(2 * o));
    }
}

/// Whether the AVX2 packing routines of `pack_avx2` may run.
fn avx2_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        super::pack_avx2::available()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
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
    let block = Im2colBlock { image, conv, k0, kc, col0, cols };
    // As in `pack_panels`: a constant width turns whole-panel copies into a few vector moves.
    // SAFETY: forwarded contract.
    unsafe {
        match width {
            8 => block.pack(8, dst),
            12 => block.pack(12, dst),
            16 => block.pack(16, dst),
            32 => block.pack(32, dst),
            _ => block.pack(width, dst),
        }
    }
}

/// The arguments of [`pack_im2col_panels`] but the panel width and the target.
struct Im2colBlock<'a> {
    image: *const f32,
    conv: &'a ConvGeometry,
    k0: usize,
    kc: usize,
    col0: usize,
    cols: usize,
}

impl Im2colBlock<'_> {
    /// [`pack_im2col_panels`]: one step (a row of B) at a time, each output row of it as padding, the run
    /// inside the image, padding. With stride 1 the inside run is contiguous in the image and is copied in
    /// segments of at most a panel's width; other strides gather it value by value.
    ///
    /// # Safety
    /// As for [`pack_im2col_panels`].
    #[inline(always)]
    unsafe fn pack(&self, width: usize, dst: *mut f32) {
        let Im2colBlock { image, conv, k0, kc, col0, cols } = *self;
        let taps = conv.kernel_h * conv.kernel_w;
        let plane = conv.height * conv.width;
        let padded_cols = cols.div_ceil(width) * width;
        let (height, in_width) = (conv.height as isize, conv.width as isize);
        let deinterleave = conv.stride_w == 2 && avx2_available();
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
            let mut out = StepWriter { step: dst.wrapping_add(s * width), panel_len: width * kc, width, j: 0 };
            let (mut oh, mut ow) = (col0 / conv.out_w, col0 % conv.out_w);
            // SAFETY (the block): the writer stays inside the first `padded_cols` columns of the destination,
            // and the reads inside the image row `ih` (ow_lo <= o < ow_hi puts the input column inside it).
            unsafe {
                while out.j < cols {
                    let run_end = conv.out_w.min(ow + cols - out.j);
                    let ih = (oh * conv.stride_h) as isize + ih0;
                    if (0..height).contains(&ih) {
                        let line = channel_plane.add(ih as usize * conv.width);
                        let (inside_lo, inside_hi) = (ow_lo.clamp(ow, run_end), ow_hi.clamp(ow, run_end));
                        out.zeros(inside_lo - ow);
                        // Not dereferenced when the run is empty.
                        let first = line.wrapping_offset((inside_lo * sw) as isize + iw0);
                        if sw == 1 {
                            out.copy(first, inside_hi - inside_lo);
                        } else {
                            // The run's values from `first` to the end of the image row may be read.
                            let row_rest = (in_width - (inside_lo * sw) as isize - iw0).max(0) as usize;
                            out.copy_strided(first, sw, inside_hi - inside_lo, row_rest, deinterleave);
                        }
                        out.zeros(run_end - inside_hi);
                    } else {
                        out.zeros(run_end - ow);
                    }
                    (oh, ow) = (oh + 1, 0);
                }
                out.zeros(padded_cols - cols);
            }
        }
    }
}

/// Writes one step of consecutive B columns into panels: column `j` goes to
/// `step[(j / width) * panel_len + j % width]`.
struct StepWriter {
    step: *mut f32,
    panel_len: usize,
    width: usize,
    j: usize,
}

impl StepWriter {
    /// Where column `j` goes, and how many columns after it share its panel.
    #[inline(always)]
    fn at(&self) -> (*mut f32, usize) {
        let lane = self.j % self.width;
        (self.step.wrapping_add(self.j / self.width * self.panel_len + lane), self.width - lane)
    }

    /// The next `len` columns from `src`, a panel's segment at a time.
    ///
    /// # Safety
    /// `src` must be readable for `len` values and the columns must lie inside the destination.
    #[inline(always)]
    unsafe fn copy(&mut self, src: *const f32, len: usize) {
        let mut done = 0;
        while done < len {
            let (to, room) = self.at();
            let segment = room.min(len - done);
            // SAFETY: by the contract; a segment stays inside one panel's step.
            unsafe {
                if segment == self.width {
                    // A whole panel row: a copy of constant size when the width is a constant.
                    std::ptr::copy_nonoverlapping(src.add(done), to, self.width);
                } else {
                    std::ptr::copy_nonoverlapping(src.add(done), to, segment);
                }
            }
            (done, self.j) = (done + segment, self.j + segment);
        }
    }

    /// The next `len` columns from every `stride`-th value of `src`, a panel's segment at a time; with
    /// `deinterleave` (stride 2 on an AVX2 host) eight at a time with vector loads. `src` may be read for
    /// `readable >= (len - 1) * stride + 1` values.
    ///
    /// # Safety
    /// `src` must be readable for `readable` values and the columns must lie inside the destination;
    /// `deinterleave` needs AVX2 and stride 2.
    #[inline(always)]
    unsafe fn copy_strided(&mut self, src: *const f32, stride: usize, len: usize, readable: usize, deinterleave: bool) {
        let mut done = 0;
        while done < len {
            let (to, room) = self.at();
            let segment = room.min(len - done);
            // SAFETY: by the contract; a segment stays inside one panel's step.
            unsafe {
                let from = src.add(done * stride);
                if deinterleave {
                    copy_even(from, segment, readable - done * stride, to);
                } else {
                    (0..segment).for_each(|o| *to.add(o) = *from.add(o * stride));
                }
            }
            (done, self.j) = (done + segment, self.j + segment);
        }
    }

    /// The next `len` columns zero.
    ///
    /// # Safety
    /// The columns must lie inside the destination.
    #[inline(always)]
    unsafe fn zeros(&mut self, len: usize) {
        let mut done = 0;
        while done < len {
            let (to, room) = self.at();
            let segment = room.min(len - done);
            // SAFETY: by the contract; a segment stays inside one panel's step.
            unsafe { std::ptr::write_bytes(to, 0, segment) };
            (done, self.j) = (done + segment, self.j + segment);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every panel width and every vectorized path against the layout's definition, on odd sizes and strides.
    #[test]
    fn pack_panels_matches_the_layout() {
        for width in [1, 4, 6, 8, 12, 16] {
            for lines in [1, 5, 6, 7, 13, 18, 23] {
                for kc in [1, 2, 7, 8, 9, 16, 17, 31] {
                    // (line stride, step stride): steps contiguous (A row-major), lines contiguous (B
                    // row-major), neither.
                    for (line_stride, step_stride) in [(kc + 3, 1), (1, lines + 2), (2 * kc + 1, 2)] {
                        let len = (lines - 1) * line_stride + (kc - 1) * step_stride + 1;
                        let src: Vec<f32> = (0..len).map(|v| v as f32).collect();
                        let mut dst = vec![f32::NAN; panels_len(lines, kc, width).unwrap()];
                        // SAFETY: `src` covers every index of the problem and `dst` its packed length.
                        unsafe {
                            pack_panels(src.as_ptr(), line_stride, step_stride, lines, kc, width, dst.as_mut_ptr())
                        };
                        for (index, &value) in dst.iter().enumerate() {
                            let (p, s, i) = (index / (width * kc), index / width % kc, index % width);
                            let line = p * width + i;
                            let expected = if line < lines { src[line * line_stride + s * step_stride] } else { 0.0 };
                            assert_eq!(
                                value, expected,
                                "width {width} lines {lines} kc {kc} strides {line_stride}, {step_stride}: {index}"
                            );
                        }
                    }
                }
            }
        }
    }
}
