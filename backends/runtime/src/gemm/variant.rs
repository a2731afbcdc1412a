//! Kernel variants: the instruction set and MR x NR register tile of a microkernel, which CPU features it
//! needs, and which variants the host can run.

use super::GemmError;
use super::kernels::{self, BlockKernel};

/// The instruction set a microkernel is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Portable scalar code, any MR x NR; the reference for the others.
    Generic,
    /// x86_64 AVX2 + FMA (256-bit vectors).
    Avx2,
    /// x86_64 AVX-512F (512-bit vectors).
    Avx512,
    /// aarch64 Advanced SIMD (128-bit vectors).
    Neon,
}

/// A microkernel: its instruction set and register tile. Packed operands are laid out for one variant's MR
/// (A) or NR (B); running them with another is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    isa: Isa,
    mr: usize,
    nr: usize,
}

/// Largest register tile [`Variant::generic`] accepts (its accumulators live on the stack).
pub const GENERIC_MAX_MR: usize = 32;
/// See [`GENERIC_MAX_MR`].
pub const GENERIC_MAX_NR: usize = 64;

impl Variant {
    /// AVX-512: 12 rows x 32 columns (two zmm per row) = 24 accumulators + 2 B vectors + 1 broadcast A value
    /// = 27 of the 32 zmm registers. Per k step: 24 FMAs (12 cycles at Zen 5's 2 FMA/cycle) against 2 vector
    /// loads and 12 broadcast loads, well inside its 3 loads/cycle; 24 independent chains cover the 4-cycle
    /// FMA latency x 2 pipes eight times over. 12 rows rather than 14 keep tile rows a multiple of 4.
    pub const AVX512: Variant = Variant { isa: Isa::Avx512, mr: 12, nr: 32 };
    /// AVX2: the classic 6 x 16 (two ymm per row): 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16
    /// ymm registers; 12 FMAs against 8 loads per k step.
    pub const AVX2: Variant = Variant { isa: Isa::Avx2, mr: 6, nr: 16 };
    /// NEON: 8 x 12 (three q registers per row): 24 accumulators + 3 B vectors + broadcast A values fit the
    /// 32 v registers; 24 FMAs against 3 vector loads and 8 broadcast loads per k step.
    pub const NEON: Variant = Variant { isa: Isa::Neon, mr: 8, nr: 12 };

    /// The portable scalar kernel with any register tile up to [`GENERIC_MAX_MR`] x [`GENERIC_MAX_NR`].
    pub fn generic(mr: usize, nr: usize) -> Result<Variant, GemmError> {
        if !(1..=GENERIC_MAX_MR).contains(&mr) || !(1..=GENERIC_MAX_NR).contains(&nr) {
            return Err(GemmError::BadKernelShape { mr, nr });
        }
        Ok(Variant { isa: Isa::Generic, mr, nr })
    }

    /// The fastest variant the host runs: AVX-512, then AVX2, then NEON, then generic 4 x 8.
    pub fn best_for_host() -> Variant {
        Variant::available_on_host()[0]
    }

    /// Every SIMD variant the host runs, fastest first, then the generic variant with the shape of the first
    /// (or 4 x 8 when there is none), so the list always ends with a reference.
    pub fn available_on_host() -> Vec<Variant> {
        let mut variants: Vec<Variant> =
            [Variant::AVX512, Variant::AVX2, Variant::NEON].into_iter().filter(|v| v.is_supported_on_host()).collect();
        let (mr, nr) = variants.first().map_or((4, 8), |v| (v.mr, v.nr));
        variants.push(Variant { isa: Isa::Generic, mr, nr });
        variants
    }

    /// Rows of C per microkernel call, and the panel width of packed A.
    pub fn mr(self) -> usize {
        self.mr
    }

    /// Columns of C per microkernel call, and the panel width of packed B.
    pub fn nr(self) -> usize {
        self.nr
    }

    pub fn isa(self) -> Isa {
        self.isa
    }

    /// The CPU features the kernel needs, as `is_x86_feature_detected!` / `target_feature` names.
    pub fn required_features(self) -> &'static [&'static str] {
        match self.isa {
            Isa::Generic => &[],
            Isa::Avx2 => &["avx2", "fma"],
            Isa::Avx512 => &["avx512f"],
            Isa::Neon => &["neon"],
        }
    }

    /// Whether this process may run the kernel.
    pub fn is_supported_on_host(self) -> bool {
        match self.isa {
            Isa::Generic => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => is_x86_feature_detected!("avx512f"),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            #[allow(unreachable_patterns)] // every arm above is some target's
            _ => false,
        }
    }

    /// The block kernel; only call it when [`Variant::is_supported_on_host`].
    pub(crate) fn block_kernel(self) -> BlockKernel {
        match self.isa {
            Isa::Generic => kernels::generic::block,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => kernels::avx2::block_6x16,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => kernels::avx512::block_12x32,
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => kernels::neon::block_8x12,
            #[allow(unreachable_patterns)] // every arm above is some target's
            _ => unreachable!("{self:?} is not supported on this target"),
        }
    }
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}x{}", self.isa, self.mr, self.nr)
    }
}
