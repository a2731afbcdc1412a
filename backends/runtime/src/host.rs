//! What this machine is: its target triple, the CPU features it has, and (on aarch64) the cache maintenance that
//! makes freshly written code executable.

use std::str::FromStr;

use target_lexicon::Triple;

use crate::error::LoadErrorKind;

/// The target triple of the machine running this code.
pub fn host_triple() -> String {
    Triple::host().to_string()
}

/// Checks that code generated for `target` runs here: same architecture and the same operating system (which
/// fixes the calling convention). Vendor and environment do not matter for kernels that call nothing.
pub(crate) fn check_target(target: &str) -> Result<(), LoadErrorKind> {
    let triple = Triple::from_str(target)
        .map_err(|e| LoadErrorKind::InvalidTarget { target: target.to_owned(), reason: e.to_string() })?;
    let host = Triple::host();
    let same_os = std::mem::discriminant(&triple.operating_system) == std::mem::discriminant(&host.operating_system);
    if triple.architecture != host.architecture || !same_os {
        return Err(LoadErrorKind::TargetMismatch { target: target.to_owned(), host: host.to_string() });
    }
    Ok(())
}

/// Checks that this CPU has every feature in `required`; names this runtime does not know count as missing.
pub(crate) fn check_cpu_features(required: &[String]) -> Result<(), LoadErrorKind> {
    let missing: Vec<String> = required.iter().filter(|f| !has_feature(f)).cloned().collect();
    if missing.is_empty() { Ok(()) } else { Err(LoadErrorKind::MissingCpuFeatures { missing }) }
}

/// Defines `has_feature(name)` over the standard library's run-time detection macro, which only takes literals.
/// (Brace-delimited so that rustfmt keeps the tables compact.)
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
macro_rules! feature_table {
    ($detected:ident: $($feature:tt)*) => {
        fn has_feature(name: &str) -> bool {
            match name {
                $($feature => std::arch::$detected!($feature),)*
                _ => false,
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
feature_table! { is_x86_feature_detected:
    "aes" "pclmulqdq" "rdrand" "rdseed" "tsc" "mmx" "sse" "sse2" "sse3" "ssse3" "sse4.1" "sse4.2" "sse4a" "sha"
    "avx" "avx2" "avx512f" "avx512cd" "avx512bw" "avx512dq" "avx512vl" "avx512ifma" "avx512vbmi" "avx512vpopcntdq"
    "avx512vbmi2" "gfni" "vaes" "vpclmulqdq" "avx512vnni" "avx512bitalg" "avx512bf16" "avx512vp2intersect"
    "avx512fp16" "avxvnni" "f16c" "fma" "bmi1" "bmi2" "lzcnt" "popcnt" "fxsr" "xsave" "xsaveopt" "xsaves" "xsavec"
    "cmpxchg16b" "adx" "movbe" "ermsb"
}

#[cfg(target_arch = "aarch64")]
feature_table! { is_aarch64_feature_detected:
    "neon" "pmull" "fp" "aes" "bf16" "bti" "crc" "dit" "dpb" "dpb2" "dotprod" "f32mm" "f64mm" "fcma" "fhm" "flagm"
    "fp16" "frintts" "i8mm" "jsconv" "lse" "lse2" "mte" "paca" "pacg" "rand" "rcpc" "rcpc2" "rdm" "sb" "sha2" "sha3"
    "sm4" "ssbs" "sve" "sve2" "sve2-aes" "sve2-bitperm" "sve2-sha3" "sve2-sm4" "tme"
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn has_feature(_name: &str) -> bool {
    false
}

/// Makes code just written through the data cache visible to instruction fetch: on aarch64 the two caches are
/// not coherent, so clean each data-cache line to the point of unification, invalidate each instruction-cache
/// line, and synchronize (the sequence of the Arm ARM, B2.4.4, as in LLVM's `__clear_cache`). Other threads that
/// run the code first pass through a mutex/condvar hand-off, a context-synchronizing event for them.
///
/// This path cannot be exercised by the test suite, which runs on x86_64 hosts.
#[cfg(target_arch = "aarch64")]
pub(crate) fn sync_instruction_cache(code: &[u8]) {
    use std::arch::asm;
    let ctr: u64;
    // SAFETY: reading CTR_EL0 is permitted at EL0 on Linux and macOS and has no side effects.
    unsafe { asm!("mrs {}, ctr_el0", out(reg) ctr, options(nomem, nostack, preserves_flags)) };
    let dline = 4usize << ((ctr >> 16) & 0xf);
    let iline = 4usize << (ctr & 0xf);
    let start = code.as_ptr() as usize;
    let end = start + code.len();
    let mut line = start & !(dline - 1);
    while line < end {
        // SAFETY: cleaning a cache line of readable memory has no architectural effect on its contents.
        unsafe { asm!("dc cvau, {}", in(reg) line, options(nostack, preserves_flags)) };
        line += dline;
    }
    // SAFETY: a barrier.
    unsafe { asm!("dsb ish", options(nostack, preserves_flags)) };
    let mut line = start & !(iline - 1);
    while line < end {
        // SAFETY: invalidating instruction-cache lines only forces a refetch.
        unsafe { asm!("ic ivau, {}", in(reg) line, options(nostack, preserves_flags)) };
        line += iline;
    }
    // SAFETY: barriers.
    unsafe { asm!("dsb ish", "isb", options(nostack, preserves_flags)) };
}

/// Instruction fetch is coherent with data writes on this architecture: nothing to do.
#[cfg(not(target_arch = "aarch64"))]
pub(crate) fn sync_instruction_cache(_code: &[u8]) {}
