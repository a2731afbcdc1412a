//! The Winograd F(4x4, 3x3) transforms of 8 tiles of a tile row at once: a [`Lanes`] vector holds one value
//! of 8 consecutive tiles, as an AVX2 register (`__m256`, FMA) or as a plain `[f32; 8]` (portable code for
//! every other host). The transforms multiply by the constant matrices [`super::BT`] and [`super::AT`] with
//! unrolled loops, so the compiler drops the zero coefficients and turns ±1 into additions.

use super::{AT, BT, TILE, WINDOW};

/// Tiles a vector holds.
pub(crate) const LANES: usize = 8;

/// One value of 8 consecutive tiles.
pub(crate) trait Lanes: Copy {
    fn splat(value: f32) -> Self;
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn scale(self, c: f32) -> Self;
    /// `self · c + acc`.
    fn mul_add(self, c: f32, acc: Self) -> Self;
    /// The 8 values at `ptr`.
    ///
    /// # Safety
    /// `ptr` must be valid for reading 8 values.
    unsafe fn load(ptr: *const f32) -> Self;
    /// Writes the 8 values to `ptr`.
    ///
    /// # Safety
    /// `ptr` must be valid for writing 8 values.
    unsafe fn store(self, ptr: *mut f32);
    /// The first `lanes` (at most 8) values at `ptr`, the other lanes 0.
    ///
    /// # Safety
    /// `ptr` must be valid for reading `lanes` values.
    unsafe fn load_first(ptr: *const f32, lanes: usize) -> Self;
    /// Writes the first `lanes` (at most 8) values to `ptr`.
    ///
    /// # Safety
    /// `ptr` must be valid for writing `lanes` values.
    unsafe fn store_first(self, ptr: *mut f32, lanes: usize);
    /// The 6 window columns of 8 tiles whose windows start 4 apart: lane `t` of column `j` is `row[4t + j]`.
    ///
    /// # Safety
    /// `row` must be valid for reading 36 values.
    unsafe fn load_windows(row: *const f32) -> [Self; WINDOW];
    /// The inverse for the 4 output columns of 8 tiles: `row[4t + j]` is lane `t` of `columns[j]`, for the
    /// first `count` (at most 32) values of the row.
    ///
    /// # Safety
    /// `row` must be valid for writing `count` values.
    unsafe fn store_tiles(columns: &[Self; TILE], row: *mut f32, count: usize);
}

/// Runs `$body` once for each of the listed constants bound to `$i`: a loop unrolled in the source, so the
/// matrix coefficients it indexes are constants to the compiler and every branch on them folds.
macro_rules! unroll {
    ($i:ident in [$($n:literal),*] $body:block) => {
        $({
            const $i: usize = $n;
            $body
        })*
    };
}

/// `Σ coeffs[i]·values[i]`, skipping zero coefficients and multiplying by none of ±1 (the coefficients are
/// constants once inlined).
#[inline(always)]
fn combine<V: Lanes>(coeffs: &[f32; WINDOW], values: &[V; WINDOW]) -> V {
    let mut sum: Option<V> = None;
    unroll!(I in [0, 1, 2, 3, 4, 5] {
        let (c, v) = (coeffs[I], values[I]);
        sum = match (sum, c) {
            (s, 0.0) => s,
            (None, 1.0) => Some(v),
            (None, _) => Some(v.scale(c)),
            (Some(s), 1.0) => Some(s.add(v)),
            (Some(s), -1.0) => Some(s.sub(v)),
            (Some(s), _) => Some(v.mul_add(c, s)),
        };
    });
    sum.unwrap_or(V::splat(0.0))
}

/// `mat · d · matᵀ` for the 6x6 window `d` (as rows) and a matrix of `R <= 6` rows of 6.
#[inline(always)]
fn sandwich<V: Lanes, const R: usize>(mat: &[[f32; WINDOW]; R], d: &[[V; WINDOW]; WINDOW]) -> [[V; R]; R] {
    let mut left = [[V::splat(0.0); WINDOW]; R];
    unroll!(J in [0, 1, 2, 3, 4, 5] {
        let column = [d[0][J], d[1][J], d[2][J], d[3][J], d[4][J], d[5][J]];
        unroll!(ROW in [0, 1, 2, 3, 4, 5] {
            if let (Some(coeffs), Some(row)) = (mat.get(ROW), left.get_mut(ROW)) {
                row[J] = combine(coeffs, &column);
            }
        });
    });
    let mut out = [[V::splat(0.0); R]; R];
    unroll!(ROW in [0, 1, 2, 3, 4, 5] {
        if let (Some(values), Some(out_row)) = (left.get(ROW), out.get_mut(ROW)) {
            unroll!(COL in [0, 1, 2, 3, 4, 5] {
                if let (Some(coeffs), Some(cell)) = (mat.get(COL), out_row.get_mut(COL)) {
                    *cell = combine(coeffs, values);
                }
            });
        }
    });
    out
}

/// `Bᵀ d B` for the windows of 8 tiles: `rows[i]` is window row `i` of the first tile (36 values readable).
///
/// # Safety
/// Every row pointer must be valid for reading 36 values.
#[inline(always)]
pub(crate) unsafe fn input_block<V: Lanes>(rows: &[*const f32; WINDOW]) -> [[V; WINDOW]; WINDOW] {
    let mut d = [[V::splat(0.0); WINDOW]; WINDOW];
    unroll!(I in [0, 1, 2, 3, 4, 5] {
        // SAFETY: forwarded contract.
        d[I] = unsafe { V::load_windows(rows[I]) };
    });
    sandwich(&BT, &d)
}

/// `Aᵀ m A` for the transformed products of 8 tiles.
#[inline(always)]
pub(crate) fn output_block<V: Lanes>(m: &[[V; WINDOW]; WINDOW]) -> [[V; TILE]; TILE] {
    sandwich(&AT, m)
}

impl Lanes for [f32; LANES] {
    #[inline(always)]
    fn splat(value: f32) -> Self {
        [value; LANES]
    }

    #[inline(always)]
    fn add(self, other: Self) -> Self {
        std::array::from_fn(|t| self[t] + other[t])
    }

    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        std::array::from_fn(|t| self[t] - other[t])
    }

    #[inline(always)]
    fn scale(self, c: f32) -> Self {
        self.map(|v| v * c)
    }

    #[inline(always)]
    fn mul_add(self, c: f32, acc: Self) -> Self {
        std::array::from_fn(|t| self[t] * c + acc[t])
    }

    #[inline(always)]
    unsafe fn load(ptr: *const f32) -> Self {
        // SAFETY: forwarded contract.
        std::array::from_fn(|t| unsafe { *ptr.add(t) })
    }

    #[inline(always)]
    unsafe fn store(self, ptr: *mut f32) {
        for (t, v) in self.into_iter().enumerate() {
            // SAFETY: forwarded contract.
            unsafe { *ptr.add(t) = v };
        }
    }

    #[inline(always)]
    unsafe fn load_first(ptr: *const f32, lanes: usize) -> Self {
        // SAFETY: forwarded contract.
        std::array::from_fn(|t| if t < lanes { unsafe { *ptr.add(t) } } else { 0.0 })
    }

    #[inline(always)]
    unsafe fn store_first(self, ptr: *mut f32, lanes: usize) {
        for (t, v) in self.into_iter().enumerate().take(lanes) {
            // SAFETY: forwarded contract.
            unsafe { *ptr.add(t) = v };
        }
    }

    #[inline(always)]
    unsafe fn load_windows(row: *const f32) -> [Self; WINDOW] {
        // SAFETY: forwarded contract: 4·7 + 5 < 36.
        std::array::from_fn(|j| std::array::from_fn(|t| unsafe { *row.add(TILE * t + j) }))
    }

    #[inline(always)]
    unsafe fn store_tiles(columns: &[Self; TILE], row: *mut f32, count: usize) {
        for (j, column) in columns.iter().enumerate() {
            for (t, &v) in column.iter().enumerate() {
                if TILE * t + j < count {
                    // SAFETY: forwarded contract.
                    unsafe { *row.add(TILE * t + j) = v };
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! [`Lanes`] as an AVX2 register; only code compiled with AVX2 and FMA (the `avx2_*` tile loops) uses it.

    use super::{Lanes, TILE, WINDOW};
    use std::arch::x86_64::*;

    /// The in-lane 4x4 transposes of four registers: lane half `h` of output `j` holds element `j` of half
    /// `h` of `a`, `b`, `c`, `d`. Its own inverse.
    #[inline(always)]
    fn transpose4(a: __m256, b: __m256, c: __m256, d: __m256) -> [__m256; 4] {
        // SAFETY: only inlined into code compiled with AVX2.
        unsafe {
            let ab_lo = _mm256_unpacklo_ps(a, b);
            let ab_hi = _mm256_unpackhi_ps(a, b);
            let cd_lo = _mm256_unpacklo_ps(c, d);
            let cd_hi = _mm256_unpackhi_ps(c, d);
            [
                _mm256_shuffle_ps::<0x44>(ab_lo, cd_lo),
                _mm256_shuffle_ps::<0xEE>(ab_lo, cd_lo),
                _mm256_shuffle_ps::<0x44>(ab_hi, cd_hi),
                _mm256_shuffle_ps::<0xEE>(ab_hi, cd_hi),
            ]
        }
    }

    /// Element `j` of the 8 groups of 4 at `row`, in group order: lane `t` of output `j` is `row[4t + j]`.
    ///
    /// # Safety
    /// `row` must be valid for reading 32 values.
    #[inline(always)]
    unsafe fn deinterleave(row: *const f32) -> [__m256; 4] {
        // SAFETY: forwarded contract; only inlined into code compiled with AVX2.
        unsafe {
            let r = [
                _mm256_loadu_ps(row),
                _mm256_loadu_ps(row.add(8)),
                _mm256_loadu_ps(row.add(16)),
                _mm256_loadu_ps(row.add(24)),
            ];
            // Groups (0, 4), (1, 5), (2, 6), (3, 7): the halves the transpose then takes apart.
            transpose4(
                _mm256_permute2f128_ps::<0x20>(r[0], r[2]),
                _mm256_permute2f128_ps::<0x31>(r[0], r[2]),
                _mm256_permute2f128_ps::<0x20>(r[1], r[3]),
                _mm256_permute2f128_ps::<0x31>(r[1], r[3]),
            )
        }
    }

    /// 8 all-ones lanes then 8 zero lanes: the 8 lanes from `8 - n` on enable the first `n`.
    const MASKS: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];

    /// The mask enabling the first `lanes` (at most 8) lanes.
    #[inline(always)]
    fn first_lanes(lanes: usize) -> __m256i {
        // SAFETY: 8 - lanes + 8 <= 16 values of MASKS; only inlined into code compiled with AVX2.
        unsafe { _mm256_loadu_si256(MASKS.as_ptr().add(8 - lanes.min(8)).cast()) }
    }

    // SAFETY (all methods): the intrinsics need AVX2 and FMA, which every function this inlines into enables.
    impl Lanes for __m256 {
        #[inline(always)]
        fn splat(value: f32) -> Self {
            // SAFETY: see the impl.
            unsafe { _mm256_set1_ps(value) }
        }

        #[inline(always)]
        fn add(self, other: Self) -> Self {
            // SAFETY: see the impl.
            unsafe { _mm256_add_ps(self, other) }
        }

        #[inline(always)]
        fn sub(self, other: Self) -> Self {
            // SAFETY: see the impl.
            unsafe { _mm256_sub_ps(self, other) }
        }

        #[inline(always)]
        fn scale(self, c: f32) -> Self {
            // SAFETY: see the impl.
            unsafe { _mm256_mul_ps(self, _mm256_set1_ps(c)) }
        }

        #[inline(always)]
        fn mul_add(self, c: f32, acc: Self) -> Self {
            // SAFETY: see the impl.
            unsafe { _mm256_fmadd_ps(self, _mm256_set1_ps(c), acc) }
        }

        #[inline(always)]
        unsafe fn load(ptr: *const f32) -> Self {
            // SAFETY: forwarded contract.
            unsafe { _mm256_loadu_ps(ptr) }
        }

        #[inline(always)]
        unsafe fn store(self, ptr: *mut f32) {
            // SAFETY: forwarded contract.
            unsafe { _mm256_storeu_ps(ptr, self) }
        }

        #[inline(always)]
        unsafe fn load_first(ptr: *const f32, lanes: usize) -> Self {
            // SAFETY: forwarded contract: the masked-off lanes are not read.
            unsafe { _mm256_maskload_ps(ptr, first_lanes(lanes)) }
        }

        #[inline(always)]
        unsafe fn store_first(self, ptr: *mut f32, lanes: usize) {
            // SAFETY: forwarded contract: the masked-off lanes are not written.
            unsafe { _mm256_maskstore_ps(ptr, first_lanes(lanes), self) }
        }

        #[inline(always)]
        unsafe fn load_windows(row: *const f32) -> [Self; WINDOW] {
            // SAFETY: forwarded contract: the two reads cover row[0..32) and row[4..36).
            let ([c0, c1, c2, c3], [c4, c5, _, _]) = unsafe { (deinterleave(row), deinterleave(row.add(TILE))) };
            [c0, c1, c2, c3, c4, c5]
        }

        #[inline(always)]
        unsafe fn store_tiles(columns: &[Self; TILE], row: *mut f32, count: usize) {
            let [a, b, c, d] = transpose4(columns[0], columns[1], columns[2], columns[3]);
            // SAFETY: only inlined into code compiled with AVX2.
            let groups = unsafe {
                [
                    _mm256_permute2f128_ps::<0x20>(a, b),
                    _mm256_permute2f128_ps::<0x20>(c, d),
                    _mm256_permute2f128_ps::<0x31>(a, b),
                    _mm256_permute2f128_ps::<0x31>(c, d),
                ]
            };
            for (i, group) in groups.into_iter().enumerate() {
                let lanes = count.saturating_sub(8 * i);
                if lanes >= 8 {
                    // SAFETY: forwarded contract: row[8i..8i + 8) lies in the first `count` values.
                    unsafe { _mm256_storeu_ps(row.add(8 * i), group) };
                } else if lanes > 0 {
                    // SAFETY: as above for the first `lanes` of them.
                    unsafe { group.store_first(row.add(8 * i), lanes) };
                }
            }
        }
    }
}
