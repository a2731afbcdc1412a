//! The host's fp32 FMA peak, measured on the spot: independent fused multiply-add chains at the
//! widest vector width the CPU has (AVX-512, else AVX2), on 1..N threads at once, for about
//! [`SECONDS`]. GEMM results are reported as a percentage of it.
//!
//! Each thread runs the loop in slices of about [`SLICE`] and keeps its best slice; the peak is
//! the sum over the threads. On a shared machine a whole 0.2 s run is preempted and measures the
//! load, not the CPU; a slice that ran without interruption measures the CPU.

use std::hint::black_box;
use std::time::Instant;

/// How long one probe runs.
const SECONDS: f64 = 0.2;

/// How long one slice runs.
const SLICE: f64 = 0.002;

/// Independent accumulators: covers 2 FMA units x 4 cycles of latency with room to spare, and
/// with the two operands still fits AVX2's 16 registers.
const CHAINS: usize = 12;

/// A measured peak.
#[derive(Clone, Debug)]
pub struct Peak {
    /// `"AVX-512"` or `"AVX2"`.
    pub isa: &'static str,
    /// GFLOP/s (an FMA counts as 2 flops) per thread count, in the order asked for.
    pub gflops: Vec<(usize, f64)>,
}

impl Peak {
    pub fn at(&self, threads: usize) -> Option<f64> {
        self.gflops.iter().find(|(t, _)| *t == threads).map(|(_, g)| *g)
    }
}

/// One FMA loop: `iterations` rounds over the chains; returns the flops done.
type Probe = fn(u64) -> f64;

/// Measures the peak on each of `threads` (all threads probing at once); `None` where the host
/// has no FMA vectors we know.
pub fn measure(threads: &[usize]) -> Option<Peak> {
    let (isa, probe) = widest()?;
    // Calibrate the iterations of one slice (the best of a few tries, against preemption).
    let mut iterations = 1u64 << 10;
    while (0..3).map(|_| timed(probe, iterations).1).fold(f64::MAX, f64::min) < SLICE / 2.0 {
        iterations *= 2;
    }
    let slices = (SECONDS / SLICE) as usize;
    let best_slice = || (0..slices).map(|_| timed(probe, iterations)).map(|(flops, s)| flops / s).fold(0.0, f64::max);
    let gflops = threads
        .iter()
        .map(|&n| {
            let total: f64 = std::thread::scope(|s| {
                let workers: Vec<_> = (0..n).map(|_| s.spawn(best_slice)).collect();
                workers.into_iter().map(|w| w.join().unwrap_or(0.0)).sum()
            });
            (n, total / 1e9)
        })
        .collect();
    Some(Peak { isa, gflops })
}

/// Flops done and seconds taken by one run of `probe`.
fn timed(probe: Probe, iterations: u64) -> (f64, f64) {
    let start = Instant::now();
    let flops = probe(iterations);
    (flops, start.elapsed().as_secs_f64())
}

#[cfg(target_arch = "x86_64")]
fn widest() -> Option<(&'static str, Probe)> {
    if is_x86_feature_detected!("avx512f") {
        // SAFETY (both): the CPU has the features the functions are compiled for, checked just now.
        Some(("AVX-512", |n| unsafe { x86::fma_avx512(n) }))
    } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        Some(("AVX2", |n| unsafe { x86::fma_avx2(n) }))
    } else {
        None
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn widest() -> Option<(&'static str, Probe)> {
    None
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{CHAINS, black_box};
    use std::arch::x86_64::*;

    /// `unsafe fn $name(iterations: u64) -> f64`: `CHAINS` independent FMA chains of `$lanes`-lane
    /// vectors, compiled for `$features` (which the CPU must have).
    macro_rules! fma_probe {
        ($name:ident, $features:literal, $set1:ident, $fmadd:ident, $lanes:literal) => {
            /// # Safety
            #[doc = concat!("The CPU must have ", $features, ".")]
            #[target_feature(enable = $features)]
            pub unsafe fn $name(iterations: u64) -> f64 {
                let (a, b) = ($set1(black_box(0.999_999)), $set1(black_box(1e-7)));
                let mut acc = [$set1(1.0); CHAINS];
                for _ in 0..iterations {
                    for x in &mut acc {
                        *x = $fmadd(*x, a, b);
                    }
                }
                black_box(acc);
                (iterations * CHAINS as u64 * $lanes * 2) as f64
            }
        };
    }

    fma_probe!(fma_avx512, "avx512f", _mm512_set1_ps, _mm512_fmadd_ps, 16);
    fma_probe!(fma_avx2, "avx2,fma", _mm256_set1_ps, _mm256_fmadd_ps, 8);
}
