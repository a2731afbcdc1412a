//! AVX2 packing: A panels six rows wide (the AVX2 kernel's MR) from rows whose steps are contiguous (A
//! row-major), eight steps of the six rows at a time, transposed in registers, where the scalar loop would
//! store every value separately; and the stride-2 rows of a convolution's implicit im2col B, deinterleaved
//! eight values at a time.

use std::arch::x86_64::*;

/// Whether this host may run [`pack_rows_6`] and [`copy_even`].
pub(crate) fn available() -> bool {
    is_x86_feature_detected!("avx2")
}

/// Packs `panels` full panels of 6 rows x `kc` contiguous steps, rows `row_stride` apart, in the
/// `pack_panels` layout: `dst[p*6*kc + s*6 + i] = src[(p*6 + i)*row_stride + s]`.
///
/// # Safety
/// The host must have AVX2 ([`available`]); `src` must be readable at every index above and `dst` writable
/// for `panels * 6 * kc` values.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn pack_rows_6(src: *const f32, row_stride: usize, panels: usize, kc: usize, dst: *mut f32) {
    // SAFETY (the block): every read is at (p*6 + i)*row_stride + s with s < kc, every write inside panel p.
    unsafe {
        for p in 0..panels {
            let rows = src.add(p * 6 * row_stride);
            let panel = dst.add(p * 6 * kc);
            let mut s = 0;
            // Each step's 8-lane store spills two values into the next step, which a later store (the next
            // step's, the next chunk's or the tail's) overwrites; hence `<` and not `<=`: the last step of the
            // panel is always written by the tail.
            while s + 8 < kc {
                let row = |i: usize| _mm256_loadu_ps(rows.add(i * row_stride + s));
                for (t, step) in transpose_6x8([row(0), row(1), row(2), row(3), row(4), row(5)]).into_iter().enumerate()
                {
                    _mm256_storeu_ps(panel.add((s + t) * 6), step);
                }
                s += 8;
            }
            for s in s..kc {
                for i in 0..6 {
                    *panel.add(s * 6 + i) = *rows.add(i * row_stride + s);
                }
            }
        }
    }
}

/// `dst[o] = src[2 * o]` for `o < len` (a stride-2 convolution's input row): eight outputs from two loads,
/// their even lanes gathered by a shuffle and a 64-bit permute, while the sixteen values read lie within
/// the `readable` values of `src`; the rest one by one.
///
/// # Safety
/// The host must have AVX2 ([`available`]); `src` must be readable for `readable >= 2 * len - 1` values and
/// `dst` writable for `len`.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn copy_even(src: *const f32, len: usize, readable: usize, dst: *mut f32) {
    let mut o = 0;
    // SAFETY (the block): the vector loads read src[2o .. 2o + 16) with 2o + 16 <= readable, the stores
    // write dst[o .. o + 8) with o + 8 <= len; the tail reads src[2o] with 2o <= 2 * len - 2.
    unsafe {
        while o + 8 <= len && 2 * o + 16 <= readable {
            let low = _mm256_loadu_ps(src.add(2 * o)); // x0 .. x7
            let high = _mm256_loadu_ps(src.add(2 * o + 8)); // x8 .. x15
            let evens = _mm256_shuffle_ps::<0x88>(low, high); // x0 x2 x8 x10 | x4 x6 x12 x14
            let ordered = _mm256_permute4x64_pd::<0xD8>(_mm256_castps_pd(evens)); // x0 x2 x4 x6 | x8 .. x14
            _mm256_storeu_ps(dst.add(o), _mm256_castpd_ps(ordered));
            o += 8;
        }
        for o in o..len {
            *dst.add(o) = *src.add(2 * o);
        }
    }
}

/// Rows `r[i] = (x_i0 .. x_i7)` to steps `(x_0t .. x_5t, 0, 0)`, t in 0..8.
#[inline(always)]
fn transpose_6x8(r: [__m256; 6]) -> [__m256; 8] {
    // Lanes per 128-bit half; `a..f` are rows 0..5, digits steps (the high half holds steps + 4).
    // SAFETY: pure register operations; the caller enables AVX2 (AVX suffices).
    unsafe {
        let zero = _mm256_setzero_ps();
        let ab_lo = _mm256_unpacklo_ps(r[0], r[1]); // a0 b0 a1 b1
        let ab_hi = _mm256_unpackhi_ps(r[0], r[1]); // a2 b2 a3 b3
        let cd_lo = _mm256_unpacklo_ps(r[2], r[3]);
        let cd_hi = _mm256_unpackhi_ps(r[2], r[3]);
        let ef_lo = _mm256_unpacklo_ps(r[4], r[5]);
        let ef_hi = _mm256_unpackhi_ps(r[4], r[5]);
        let abcd0 = _mm256_shuffle_ps::<0x44>(ab_lo, cd_lo); // a0 b0 c0 d0
        let abcd1 = _mm256_shuffle_ps::<0xEE>(ab_lo, cd_lo); // a1 b1 c1 d1
        let abcd2 = _mm256_shuffle_ps::<0x44>(ab_hi, cd_hi);
        let abcd3 = _mm256_shuffle_ps::<0xEE>(ab_hi, cd_hi);
        let ef0 = _mm256_shuffle_ps::<0x44>(ef_lo, zero); // e0 f0 0 0
        let ef1 = _mm256_shuffle_ps::<0xEE>(ef_lo, zero);
        let ef2 = _mm256_shuffle_ps::<0x44>(ef_hi, zero);
        let ef3 = _mm256_shuffle_ps::<0xEE>(ef_hi, zero);
        [
            _mm256_permute2f128_ps::<0x20>(abcd0, ef0),
            _mm256_permute2f128_ps::<0x20>(abcd1, ef1),
            _mm256_permute2f128_ps::<0x20>(abcd2, ef2),
            _mm256_permute2f128_ps::<0x20>(abcd3, ef3),
            _mm256_permute2f128_ps::<0x31>(abcd0, ef0),
            _mm256_permute2f128_ps::<0x31>(abcd1, ef1),
            _mm256_permute2f128_ps::<0x31>(abcd2, ef2),
            _mm256_permute2f128_ps::<0x31>(abcd3, ef3),
        ]
    }
}
