//! Cache blocking: the K, row and column block sizes of the engine's loops, derived from the register tile
//! and the host's per-core cache sizes (read once from CPUID on x86_64, with a fallback elsewhere).

use std::sync::OnceLock;

use super::Variant;

/// Per-core data cache sizes in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSizes {
    pub l1d: usize,
    pub l2: usize,
}

impl CacheSizes {
    /// Assumed where they cannot be read: the smallest of current x86_64 and aarch64 cores (32 KiB L1d,
    /// 512 KiB L2), so the blocks fit everywhere.
    pub const FALLBACK: CacheSizes = CacheSizes { l1d: 32 << 10, l2: 512 << 10 };

    /// The host's caches, detected once per process.
    pub fn host() -> CacheSizes {
        static HOST: OnceLock<CacheSizes> = OnceLock::new();
        *HOST.get_or_init(|| detect().unwrap_or(CacheSizes::FALLBACK))
    }
}

/// The L1d and L2 sizes from CPUID's deterministic cache parameters: leaf 4 (Intel) or leaf 0x8000001D (AMD),
/// both one sub-leaf per cache with the same register layout.
#[cfg(target_arch = "x86_64")]
fn detect() -> Option<CacheSizes> {
    use std::arch::x86_64::{__cpuid, __cpuid_count};
    // Leaves past the reported maxima are never queried.
    let (max_basic, max_extended) = (__cpuid(0).eax, __cpuid(0x8000_0000).eax);
    let read = |leaf: u32| {
        let (mut l1d, mut l2) = (None, None);
        for sub_leaf in 0..16 {
            let r = __cpuid_count(leaf, sub_leaf);
            let (kind, level) = (r.eax & 0x1f, (r.eax >> 5) & 0x7);
            if kind == 0 {
                break;
            }
            // ways x partitions x line size x sets, each field stored minus one.
            let field = |value: u32, shift: u32, bits: u32| ((value >> shift) & ((1 << bits) - 1)) as usize + 1;
            let bytes = field(r.ebx, 22, 10) * field(r.ebx, 12, 10) * field(r.ebx, 0, 12) * (r.ecx as usize + 1);
            match (level, kind) {
                (1, 1) => l1d = Some(bytes), // level 1 data cache
                (2, 1 | 3) => l2 = Some(bytes),
                _ => {}
            }
        }
        Some(CacheSizes { l1d: l1d?, l2: l2? })
    };
    let intel = if max_basic >= 4 { read(4) } else { None };
    intel.or_else(|| if max_extended >= 0x8000_001d { read(0x8000_001d) } else { None })
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> Option<CacheSizes> {
    None
}

/// Cache blocking: K steps per packed block (`kc`), at most `mc` rows and `nc` columns of C per tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocking {
    pub kc: usize,
    pub mc: usize,
    pub nc: usize,
}

impl Blocking {
    /// [`Blocking::for_caches`] with the host's caches.
    pub fn for_variant(variant: Variant) -> Blocking {
        Blocking::for_caches(variant, CacheSizes::host())
    }

    /// [`Blocking::for_variant`] adapted to a problem's shape, with the host's caches: see
    /// [`Blocking::for_problem_on`].
    pub fn for_problem(variant: Variant, m: usize, k: usize, n: usize) -> Blocking {
        Blocking::for_problem_on(variant, CacheSizes::host(), m, k, n)
    }

    /// [`Blocking::for_caches`] adapted to an `m x k` A and a `k x n` B:
    ///
    /// - A single panel of rows (a matrix-vector product): the A block is tiny and every B panel is read
    ///   once, so K is split only past 4 x `kc`, and the column blocks are narrowed to keep the B block's
    ///   size: C is stored once, and pre-packed B panels (whole-K, adjacent) stream from memory in order.
    /// - Otherwise K is split into equal blocks (768 runs as 384 + 384, not 512 + 256: no short K block that
    ///   loads and stores every C tile for little work). When B is larger than L2 (each row block would
    ///   read it from L3 or memory again) and all `m` rows fit one A block of half of L2 with K blocks at
    ///   least half of `kc` deep, they are one row block, with K blocks that deep at most: each B panel is
    ///   then read once per K block (from memory, for pre-packed weights) and reused by every row panel
    ///   while it sits in L1. (A B within L2 gains nothing, and the odd tile count's extra column block
    ///   would pack all of A twice: attention's 128 x 128 x 64 ran ~5% slower.) Measured on a transformer's 128-token dense layers with the
    ///   weights streaming from memory (`gemm_bench --cold`, AVX2 on Zen 3, best CPU GFLOP/s of 3 runs, the
    ///   B prefetch on): 128 x 768 x 768 87 -> 89 (kc 512, mc 60 -> kc 384, mc 132), 128 x 3072 x 768
    ///   87 -> 89 (kc 512, mc 60 -> kc 439, mc 132); small gains, within a shared machine's noise.
    pub fn for_problem_on(variant: Variant, caches: CacheSizes, m: usize, k: usize, n: usize) -> Blocking {
        let blocking = Blocking::for_caches(variant, caches);
        if m <= variant.mr() {
            if k <= blocking.kc {
                return blocking;
            }
            let kc = k.min(4 * blocking.kc);
            let nc = (blocking.nc * blocking.kc / kc / variant.nr()).max(1) * variant.nr();
            return Blocking { kc, mc: blocking.mc, nc };
        }
        let all_rows = m.next_multiple_of(variant.mr());
        // The deepest K block whose A block of all rows fits half of L2.
        let all_rows_kc = caches.l2 / 2 / (4 * all_rows);
        let b_beyond_l2 = k.saturating_mul(n).saturating_mul(4) > caches.l2;
        let (max_kc, mc) = if b_beyond_l2 && all_rows_kc >= blocking.kc / 2 {
            (all_rows_kc.min(blocking.kc), all_rows.max(blocking.mc))
        } else {
            (blocking.kc, blocking.mc)
        };
        Blocking { kc: k.div_ceil(k.div_ceil(max_kc).max(1)).max(1), mc, nc: blocking.nc }
    }

    /// Blocking for a core with `caches`, from the register tile (GotoBLAS/BLIS: a B micro-panel in L1, the
    /// packed A block in L2, the packed B block shared by a run of row blocks in L2/L3):
    ///
    /// - `kc`: the B micro-panel (`kc x NR`) is reused by every A micro-panel of a row block: the size of L1d,
    ///   within 128..=512 steps. That is longer than the usual half of L1 (the panel is partly re-read from
    ///   L2, whose bandwidth is ample for 2 vectors per 6 cycles), because each K block loads and stores every
    ///   C tile once more and those misses cost more: on a 32 KiB L1d (Zen 3) kc 512 ran 1024^3 at ~85% of
    ///   peak against ~79% for kc 256 and ~80% for 384. AVX2 (NR 16): 512 on 32 KiB and up.
    /// - `mc`: the packed A block (`mc x kc`) is re-read from L2 once per column panel, beside the B panels
    ///   passing through and the C tiles: a quarter of L2. 512 KiB L2, kc 512: 60 rows (AVX2).
    /// - `nc`: the packed B block (`kc x nc`) is packed once per K block for a run of row blocks and read
    ///   once per row block, from L3 as in BLIS; each A block is packed once per column block, so wide
    ///   blocks amortize A packing (measured: nc 336 ran ~15% slower than 1008 at 1024^3, kc 384). Three times L2
    ///   keeps it well inside a shared L3: 512 KiB L2, kc 512: 768 columns (AVX2).
    pub fn for_caches(variant: Variant, caches: CacheSizes) -> Blocking {
        let (mr, nr) = (variant.mr(), variant.nr());
        let kc = (caches.l1d / (4 * nr)).clamp(128, 512);
        let mc = (caches.l2 / 4 / (4 * kc) / mr).max(1) * mr;
        let nc = (3 * caches.l2 / (4 * kc) / nr).max(1) * nr;
        Blocking { kc, mc, nc }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_whole_register_tiles_and_fit_their_caches() {
        let caches = [CacheSizes::FALLBACK, CacheSizes { l1d: 48 << 10, l2: 1 << 20 }, CacheSizes::host()];
        for variant in Variant::available_on_host().into_iter().chain([Variant::AVX2, Variant::AVX512]) {
            for caches in caches {
                let Blocking { kc, mc, nc } = Blocking::for_caches(variant, caches);
                assert!(kc >= 128 && mc % variant.mr() == 0 && nc % variant.nr() == 0, "{variant} {caches:?}");
                assert!(mc * kc * 4 <= caches.l2 / 4 && kc * nc * 4 <= 3 * caches.l2, "{variant} {caches:?}");
            }
        }
        let avx2 = Blocking::for_caches(Variant::AVX2, CacheSizes::FALLBACK);
        assert_eq!(avx2, Blocking { kc: 512, mc: 60, nc: 768 });
    }

    #[test]
    fn a_single_row_panel_keeps_k_whole_within_the_b_block_size() {
        let (variant, caches) = (Variant::AVX2, CacheSizes::FALLBACK);
        let own = Blocking::for_caches(variant, caches);
        let two_row_panels = Blocking::for_problem_on(variant, caches, 7, 5000, 100);
        assert_eq!(two_row_panels, Blocking { kc: 500, ..own }, "two row panels: ten K blocks of 500");
        assert_eq!(Blocking::for_problem_on(variant, caches, 1, 300, 100), own, "K fits one block anyway");
        for (m, k, kc) in [(1, 1280, 1280), (6, 1500, 1500), (1, 100_000, 4 * own.kc)] {
            let b = Blocking::for_problem_on(variant, caches, m, k, 1000);
            assert_eq!((b.kc, b.mc), (kc, own.mc), "m {m} k {k}");
            assert!(
                b.nc.is_multiple_of(variant.nr()) && b.nc >= variant.nr() && b.kc * b.nc <= own.kc * own.nc,
                "{b:?}"
            );
        }
    }

    #[test]
    fn few_rows_are_one_row_block_over_equal_k_blocks() {
        let (variant, caches) = (Variant::AVX2, CacheSizes::FALLBACK);
        let at = |m, k, n| Blocking::for_problem_on(variant, caches, m, k, n);
        // 132 rows x 496 steps fill half of 512 KiB: K 768 as 2 x 384, K 3072 as 7 x 439.
        assert_eq!(at(128, 768, 768), Blocking { kc: 384, mc: 132, nc: 768 });
        assert_eq!(at(128, 3072, 768), Blocking { kc: 439, mc: 132, nc: 768 });
        assert_eq!(at(64, 576, 3136), Blocking { kc: 288, mc: 66, nc: 768 });
        // A B of 128 x 64 stays in L2: the usual row blocks.
        assert_eq!(at(128, 128, 64), Blocking { kc: 128, mc: 60, nc: 768 });
        // 258 rows would need K blocks under 256 steps: the usual row blocks.
        assert_eq!(at(256, 3072, 768), Blocking { kc: 512, mc: 60, nc: 768 });
        assert_eq!(at(1000, 768, 768), Blocking { kc: 384, mc: 60, nc: 768 });
        for variant in [Variant::AVX2, Variant::AVX512, Variant::generic(3, 5).unwrap()] {
            for caches in [CacheSizes::FALLBACK, CacheSizes { l1d: 48 << 10, l2: 1 << 20 }] {
                let own = Blocking::for_caches(variant, caches);
                for m in (variant.mr() + 1..400).step_by(7) {
                    for (k, n) in (1..5000).step_by(97).zip([1, 100, 1000].into_iter().cycle()) {
                        let b = Blocking::for_problem_on(variant, caches, m, k, n);
                        let k_blocks = k.div_ceil(b.kc);
                        let what = format!("{variant} {caches:?} m {m} k {k} n {n}: {b:?}");
                        assert!(b.kc <= own.kc && b.kc * k_blocks - k < k_blocks, "K blocks differ by one: {what}");
                        assert!(b.mc.is_multiple_of(variant.mr()) && b.nc == own.nc, "{what}");
                        assert!(b.mc == own.mc || b.mc >= m && b.mc * b.kc * 4 <= caches.l2 / 2, "{what}");
                        let fits = m.next_multiple_of(variant.mr()) * 4 * (own.kc / 2) <= caches.l2 / 2;
                        let b_beyond_l2 = k * n * 4 > caches.l2;
                        assert_eq!(b.mc > own.mc, m > own.mc && fits && b_beyond_l2, "one row block: {what}");
                    }
                }
            }
        }
    }

    #[test]
    fn host_caches_are_plausible() {
        let CacheSizes { l1d, l2 } = CacheSizes::host();
        assert!((8 << 10..=1 << 20).contains(&l1d) && l2 > l1d, "{:?}", CacheSizes::host());
    }
}
