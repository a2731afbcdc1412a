//! The depthwise taps of one output row, 8 output columns per block: AVX2 + FMA code (unit stride as plain
//! loads, stride 2 as two loads deinterleaved with a shuffle and a lane permute, other strides gathered; 3-wide
//! kernels with their weights broadcast once per row) and portable code for any host, which the compiler
//! vectorizes as it can. The AVX2 entry compiles the whole tile loop (copies and epilogue too) with its features.

/// The instruction set the depthwise kernels run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// Portable code, on every host.
    Portable,
    /// x86_64 AVX2 + FMA.
    Avx2,
}

impl Isa {
    /// Whether this host can run the code.
    pub fn is_available(self) -> bool {
        match self {
            Isa::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
            #[cfg(not(target_arch = "x86_64"))]
            Isa::Avx2 => false,
        }
    }

    /// The fastest instruction set this host has.
    pub fn best_for_host() -> Isa {
        if Isa::Avx2.is_available() { Isa::Avx2 } else { Isa::Portable }
    }
}

/// The taps of one output row.
pub(crate) struct Row<'a> {
    /// Per kernel row: the padded input row it reads (column 0 is the left pad's first column) and its `kw`
    /// weights.
    pub taps: &'a [(*const f32, *const f32)],
    pub kw: usize,
    pub dw: usize,
    pub sw: usize,
    /// Output blocks of 8 columns.
    pub blocks: usize,
    /// Where the `8 · blocks` sums go.
    pub acc: *mut f32,
}

/// Runs a bound call's tiles with the AVX2 kernels, the whole tile loop compiled with AVX2 and FMA.
///
/// # Safety
/// As `BoundDepthwise::run_tiles`, on a host with AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn avx2_tiles(bound: &super::BoundDepthwise<'_>, begin: u64, end: u64) {
    // SAFETY: forwarded contract: every row the tiles describe is one `avx2::row` may read and write.
    unsafe { bound.tiles_with(begin, end, |row| avx2::row(row)) }
}

/// Writes the row's sums to `row.acc`.
///
/// # Safety
/// Every input row must hold the `(8 · blocks - 1) · sw + (kw - 1) · dw + 1` values the blocks read, every
/// weight row `kw` values, and `acc` `8 · blocks` writable values overlapping neither.
#[inline(always)]
pub(crate) unsafe fn portable(row: &Row<'_>) {
    for block in 0..row.blocks {
        let ox = block * 8;
        let mut acc = [0f32; 8];
        for &(input, weights) in row.taps {
            for kx in 0..row.kw {
                // SAFETY: the weight row holds kw values; the columns read lie in the padded row.
                unsafe {
                    let w = *weights.add(kx);
                    let start = input.add(ox * row.sw + kx * row.dw);
                    for (lane, a) in acc.iter_mut().enumerate() {
                        *a += w * *start.add(lane * row.sw);
                    }
                }
            }
        }
        // SAFETY: the block lies in the accumulator row.
        unsafe { std::ptr::copy_nonoverlapping(acc.as_ptr(), row.acc.add(ox), 8) };
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::Row;

    /// # Safety
    /// As [`super::portable`], on a host with AVX2 and FMA.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn row(row: &Row<'_>) {
        // SAFETY: forwarded contract.
        unsafe {
            match (row.kw, row.sw, row.taps.len()) {
                (3, 1, 3) => three_by_three::<1>(row),
                (3, 2, 3) => three_by_three::<2>(row),
                (_, 1, _) => general::<1>(row),
                (_, 2, _) => general::<2>(row),
                _ => general::<0>(row),
            }
        }
    }

    /// Eight output columns starting at `p`, `S` apart (`S` 0: `stride` apart).
    ///
    /// # Safety
    /// The 8 columns read must be valid; for `S = 2`, the 15 values from `p`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn load<const S: usize>(p: *const f32, stride: usize) -> __m256 {
        // SAFETY: the caller vouches for the columns read.
        unsafe {
            match S {
                1 => _mm256_loadu_ps(p),
                2 => {
                    // v0 = p[0..8], v1 = p[7..15]: the even columns are v0's 0, 2, 4, 6 and v1's 1, 3, 5, 7. The
                    // shuffle takes them per 128-bit lane as [0 2 8 10 | 4 6 12 14]; swapping the middle 64-bit
                    // quarters orders them, and no value past the last column read is touched.
                    let (v0, v1) = (_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(7)));
                    let mixed = _mm256_shuffle_ps::<0b11_01_10_00>(v0, v1);
                    _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(mixed)))
                }
                _ => {
                    let lanes =
                        _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(stride as i32));
                    _mm256_i32gather_ps::<4>(p, lanes)
                }
            }
        }
    }

    /// Any kernel: the weights broadcast per block.
    ///
    /// # Safety
    /// As [`row`].
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn general<const S: usize>(row: &Row<'_>) {
        for block in 0..row.blocks {
            let ox = block * 8;
            // SAFETY: the columns read lie in the padded rows and the block in the accumulator row.
            unsafe {
                let mut acc = _mm256_setzero_ps();
                for &(input, weights) in row.taps {
                    let start = input.add(ox * row.sw);
                    for kx in 0..row.kw {
                        let v = load::<S>(start.add(kx * row.dw), row.sw);
                        acc = _mm256_fmadd_ps(v, _mm256_broadcast_ss(&*weights.add(kx)), acc);
                    }
                }
                _mm256_storeu_ps(row.acc.add(ox), acc);
            }
        }
    }

    /// Three rows of three taps: the nine weights live in registers across the row, two blocks at a time.
    ///
    /// # Safety
    /// As [`row`], with three taps of width 3.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn three_by_three<const S: usize>(row: &Row<'_>) {
        let mut w = [[_mm256_setzero_ps(); 3]; 3];
        for (ky, weights) in w.iter_mut().enumerate() {
            for (kx, weight) in weights.iter_mut().enumerate() {
                // SAFETY: each weight row holds 3 values.
                *weight = unsafe { _mm256_broadcast_ss(&*row.taps[ky].1.add(kx)) };
            }
        }
        let inputs = [row.taps[0].0, row.taps[1].0, row.taps[2].0];
        let end = row.blocks * 8;
        let mut ox = 0;
        while ox + 16 <= end {
            // SAFETY: the columns read lie in the padded rows, both blocks in the accumulator row.
            unsafe {
                let a = block3::<S>(&inputs, &w, row.dw, ox);
                let b = block3::<S>(&inputs, &w, row.dw, ox + 8);
                _mm256_storeu_ps(row.acc.add(ox), a);
                _mm256_storeu_ps(row.acc.add(ox + 8), b);
            }
            ox += 16;
        }
        if ox < end {
            // SAFETY: as above, for the last block.
            unsafe { _mm256_storeu_ps(row.acc.add(ox), block3::<S>(&inputs, &w, row.dw, ox)) };
        }
    }

    /// One block of a 3x3 kernel at output column `ox`.
    ///
    /// # Safety
    /// The columns read must lie in the padded rows.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn block3<const S: usize>(inputs: &[*const f32; 3], w: &[[__m256; 3]; 3], dw: usize, ox: usize) -> __m256 {
        let mut acc = _mm256_setzero_ps();
        for (input, w) in inputs.iter().zip(w) {
            for (kx, w) in w.iter().enumerate() {
                // SAFETY: forwarded contract.
                let v = unsafe { load::<S>(input.add(ox * S + kx * dw), S) };
                acc = _mm256_fmadd_ps(v, *w, acc);
            }
        }
        acc
    }
}
