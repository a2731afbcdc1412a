//! Microkernels: one `MR x NR` tile of `C (+)= A_panel * B_panel` over `kc` steps, stored through the
//! epilogue. One file per instruction set; `simd.rs` holds the register-tile code they share.

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
pub(crate) mod generic;
#[cfg(target_arch = "aarch64")]
pub(crate) mod neon;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
mod simd;

use super::epilogue::TileOut;

/// A microkernel: `a` holds `kc` steps of `mr` values (packed A panel, k-major), `b` holds `kc` steps of `nr`
/// values (packed B panel); the `out.rows x out.cols` corner of the product is stored through `out`. SIMD
/// kernels ignore `mr` and `nr`: their shape is fixed.
///
/// Safety: the panels must be readable for `kc * mr` and `kc * nr` values, `out` must describe writable
/// memory (and readable epilogue operands) for its tile, and the host must have the kernel's features.
pub(crate) type MicroKernel = unsafe fn(mr: usize, nr: usize, kc: usize, a: *const f32, b: *const f32, out: &TileOut);
