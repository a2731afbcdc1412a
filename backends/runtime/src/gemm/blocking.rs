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

    /// [`Blocking::for_variant`] adapted to a problem's shape. With a single panel of rows (a matrix-vector
    /// product) the A block is tiny and every B panel is read once, so K is split only past 4 x `kc`, and
    /// the column blocks are narrowed to keep the B block's size: C is stored once, and pre-packed B panels
    /// (whole-K, adjacent) stream from memory in order.
    pub fn for_problem(variant: Variant, m: usize, k: usize) -> Blocking {
        let blocking = Blocking::for_variant(variant);
        if m > variant.mr() || k <= blocking.kc {
            return blocking;
        }
        let kc = k.min(4 * blocking.kc);
        let nc = (blocking.nc * blocking.kc / kc / variant.nr()).max(1) * variant.nr();
        Blocking { kc, mc: blocking.mc, nc }
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
        let variant = Variant::AVX2;
        let own = Blocking::for_variant(variant);
        assert_eq!(Blocking::for_problem(variant, 7, 5000), own, "two row panels");
        assert_eq!(Blocking::for_problem(variant, 1, 300), own, "K fits one block anyway");
        for (m, k, kc) in [(1, 1280, 1280), (6, 1500, 1500), (1, 100_000, 4 * own.kc)] {
            let b = Blocking::for_problem(variant, m, k);
            assert_eq!((b.kc, b.mc), (kc, own.mc), "m {m} k {k}");
            assert!(
                b.nc.is_multiple_of(variant.nr()) && b.nc >= variant.nr() && b.kc * b.nc <= own.kc * own.nc,
                "{b:?}"
            );
        }
    }

    #[test]
    fn host_caches_are_plausible() {
        let CacheSizes { l1d, l2 } = CacheSizes::host();
        assert!((8 << 10..=1 << 20).contains(&l1d) && l2 > l1d, "{:?}", CacheSizes::host());
    }
}
