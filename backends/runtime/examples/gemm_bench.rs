//! GEMM engine benchmark: GFLOP/s of every kernel variant the host runs on square sizes, on 1 and N threads
//! (tiles split over `std::thread::scope` threads as the runtime's pool splits them), against a peak
//! measured on the spot by a pure-FMA register loop with the widest vectors the host has.
//!
//! `cargo run -p msc-runtime --release --example gemm_bench -- [--threads N] [--quick] [--prepacked] [sizes...]`
//!
//! Every figure is the best of several repetitions, twice: by wall time, and by the on-CPU time of the
//! slowest thread (Linux thread CPU clocks), which sees through preemption when the machine is shared.
//! `--prepacked` packs A and B before timing, as the compiler does for constant weights.

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use msc_runtime::gemm::{
    Epilogue, Gemm, Isa, OperandA, OperandB, Packed, Problem, Strided, StridedSlice, Variant, pack_a, pack_b,
    packed_a_len, packed_b_len,
};

struct Options {
    threads: usize,
    quick: bool,
    prepacked: bool,
    sizes: Vec<usize>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options { threads: 1, quick: false, prepacked: false, sizes: Vec::new() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => {
                let value = args.next().ok_or("--threads needs a value")?;
                options.threads = value.parse().map_err(|_| format!("bad thread count {value}"))?;
            }
            "--quick" => options.quick = true,
            "--prepacked" => options.prepacked = true,
            size => options.sizes.push(size.parse().map_err(|_| format!("bad size {size}"))?),
        }
    }
    if options.sizes.is_empty() {
        options.sizes = if options.quick { vec![256, 512, 1024] } else { vec![256, 512, 1024, 2048, 4096] };
    }
    options.threads = options.threads.max(1);
    Ok(options)
}

/// On-CPU seconds of the calling thread.
#[cfg(target_os = "linux")]
fn thread_cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanoseconds: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut time = Timespec { seconds: 0, nanoseconds: 0 };
    // SAFETY: `time` is a valid timespec to write; the clock id is Linux's.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) };
    time.seconds as f64 + time.nanoseconds as f64 * 1e-9
}

/// Wall time stands in where there is no thread CPU clock.
#[cfg(not(target_os = "linux"))]
fn thread_cpu_seconds() -> f64 {
    f64::NAN
}

/// Runs `work` on `threads` scoped threads (the index of each as argument) and returns the largest on-CPU
/// seconds any of them took.
fn on_threads(threads: usize, work: &(dyn Fn(usize) + Sync)) -> f64 {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let start = thread_cpu_seconds();
                    work(t);
                    thread_cpu_seconds() - start
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a benchmark thread panicked")).fold(0.0, f64::max)
    })
}

/// Best (wall, on-CPU) seconds of `run` (which returns its on-CPU seconds) over repetitions lasting at least
/// `budget` in total (at least 3, after one warm-up).
fn best_seconds(budget: Duration, mut run: impl FnMut() -> f64) -> (f64, f64) {
    run();
    let (start, mut wall, mut cpu, mut reps) = (Instant::now(), f64::INFINITY, f64::INFINITY, 0);
    while reps < 3 || start.elapsed() < budget {
        let t = Instant::now();
        cpu = cpu.min(run());
        wall = wall.min(t.elapsed().as_secs_f64());
        reps += 1;
    }
    (wall, cpu)
}

/// Independent FMA chains on registers: 12 chains cover 2 FMA pipes x 4 cycles of latency with room to spare.
macro_rules! fma_peak_loop {
    ($name:ident, $feature:literal, $vec:ty, $lanes:expr, $splat:ident, $fma:ident, $add:ident) => {
        /// FLOPs done.
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $feature)]
        fn $name(iterations: u64) -> f64 {
            use std::arch::x86_64::*;
            let (x, y) = ($splat(black_box(0.999_999)), $splat(black_box(1e-7)));
            let mut acc: [$vec; 12] = [$splat(0.0); 12];
            for _ in 0..iterations {
                for a in &mut acc {
                    *a = $fma(*a, x, y);
                }
            }
            let sum = acc.iter().fold($splat(0.0), |s, &a| $add(s, a));
            black_box(sum);
            (iterations * 12 * $lanes * 2) as f64
        }
    };
}
fma_peak_loop!(fma_loop_avx512, "avx512f", __m512, 16, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps);
fma_peak_loop!(fma_loop_avx2, "avx2,fma", __m256, 8, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps);

/// (wall, on-CPU) GFLOP/s of the FMA loop on `threads` threads, and the vector width used.
fn measured_peak(threads: usize) -> ((f64, f64), &'static str) {
    #[cfg(target_arch = "x86_64")]
    {
        let iterations = 1_000_000; // about 2 ms: short runs are rarely preempted on a shared machine
        let (run, name): (fn(u64) -> f64, _) = if is_x86_feature_detected!("avx512f") {
            // SAFETY: the feature was detected.
            (|i| unsafe { fma_loop_avx512(i) }, "AVX-512")
        } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the features were detected.
            (|i| unsafe { fma_loop_avx2(i) }, "AVX2")
        } else {
            return ((f64::NAN, f64::NAN), "none");
        };
        let flops = threads as f64 * run(iterations);
        let (wall, cpu) = best_seconds(Duration::from_millis(300), || {
            on_threads(threads, &|_| {
                black_box(run(iterations));
            })
        });
        ((flops / wall / 1e9, flops / cpu / 1e9), name)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = threads;
        ((f64::NAN, f64::NAN), "unmeasured on this architecture")
    }
}

/// Tiles `[0, tiles)` split into `chunks` contiguous ranges whose sizes differ by at most one, as `Session`
/// splits a step's tiles.
fn chunk(tiles: usize, chunks: usize, index: usize) -> std::ops::Range<usize> {
    let (size, rest) = (tiles / chunks, tiles % chunks);
    let start = index * size + index.min(rest);
    start..start + size + usize::from(index < rest)
}

/// Best (wall, on-CPU) GFLOP/s of an `n^3` GEMM with `variant` on `threads` threads.
fn gemm_gflops(variant: Variant, n: usize, threads: usize, prepacked: bool, budget: Duration) -> (f64, f64) {
    let a: Vec<f32> = (0..n * n).map(|i| ((i * 7 + 3) % 23) as f32 / 23.0 - 0.5).collect();
    let b: Vec<f32> = (0..n * n).map(|i| ((i * 5 + 1) % 19) as f32 / 19.0 - 0.5).collect();
    let mut c = vec![0f32; n * n];
    let (mut packed_a, mut packed_b) = (Vec::new(), Vec::new());
    let (a_operand, b_operand) = if prepacked {
        packed_a.resize(packed_a_len(n, n, variant.mr()), 0.0);
        packed_b.resize(packed_b_len(n, n, variant.nr()), 0.0);
        pack_a(StridedSlice::row_major(&a, n), n, n, variant.mr(), &mut packed_a).expect("sizes match");
        pack_b(StridedSlice::row_major(&b, n), n, n, variant.nr(), &mut packed_b).expect("sizes match");
        (
            OperandA::Packed(Packed { ptr: packed_a.as_ptr(), width: variant.mr() }),
            OperandB::Packed(Packed { ptr: packed_b.as_ptr(), width: variant.nr() }),
        )
    } else {
        let matrix = |m: &[f32]| Strided { ptr: m.as_ptr(), row_stride: n, col_stride: 1 };
        (OperandA::Strided(matrix(&a)), OperandB::Strided(matrix(&b)))
    };
    let problem =
        Problem { m: n, n, k: n, a: a_operand, b: b_operand, c: c.as_mut_ptr(), ldc: n, epilogue: Epilogue::default() };
    let gemm = Gemm::new(variant, problem).expect("a valid problem");
    let scratches: Vec<Mutex<Vec<f32>>> = (0..threads).map(|_| Mutex::new(vec![0.0; gemm.scratch_len()])).collect();
    let (wall, cpu) = best_seconds(budget, || {
        on_threads(threads, &|t| {
            let range = chunk(gemm.tiles(), threads, t);
            let mut scratch = scratches[t].lock().expect("not poisoned");
            // SAFETY: the buffers outlive the threads and the threads run disjoint tile ranges.
            unsafe { gemm.run_tiles(range, &mut scratch) }.expect("valid tiles and scratch");
        })
    });
    black_box(&c);
    let flops = 2.0 * (n as f64).powi(3);
    (flops / wall / 1e9, flops / cpu / 1e9)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("gemm_bench: {message}");
            std::process::exit(2);
        }
    };
    let budget = Duration::from_millis(if options.quick { 200 } else { 1000 });
    let mut thread_counts = vec![1];
    if options.threads > 1 {
        thread_counts.push(options.threads);
    }
    let peaks: Vec<(usize, (f64, f64))> = thread_counts
        .iter()
        .map(|&t| {
            let ((wall, cpu), width) = measured_peak(t);
            println!("peak ({width} FMA loop, {t} thread(s)): {wall:.1} GFLOP/s by wall time, {cpu:.1} by CPU time");
            (t, (wall, cpu))
        })
        .collect();
    println!(
        "{:<14} {:>6} {:>8} {:>12} {:>7} {:>12} {:>7} {:>7}",
        "variant", "size", "threads", "wall GFLOP/s", "% peak", "CPU GFLOP/s", "% peak", "tiles"
    );
    for variant in Variant::available_on_host() {
        for &n in &options.sizes {
            // The scalar reference kernel would take minutes on the large sizes.
            if variant.isa() == Isa::Generic && n > 512 {
                continue;
            }
            for &(threads, (peak_wall, peak_cpu)) in &peaks {
                let (wall, cpu) = gemm_gflops(variant, n, threads, options.prepacked, budget);
                let tiles = Gemm::new(variant, tile_probe(n)).map_or(0, |g| g.tiles());
                println!(
                    "{:<14} {:>6} {:>8} {:>12.1} {:>6.1}% {:>12.1} {:>6.1}% {:>7}",
                    variant.to_string(),
                    n,
                    threads,
                    wall,
                    100.0 * wall / peak_wall,
                    cpu,
                    100.0 * cpu / peak_cpu,
                    tiles
                );
            }
        }
    }
}

/// A problem with dangling pointers, only for counting tiles (never run).
fn tile_probe(n: usize) -> Problem {
    let matrix = Strided { ptr: std::ptr::NonNull::dangling().as_ptr(), row_stride: n, col_stride: 1 };
    Problem {
        m: n,
        n,
        k: n,
        a: OperandA::Strided(matrix),
        b: OperandB::Strided(matrix),
        c: std::ptr::NonNull::dangling().as_ptr(),
        ldc: n,
        epilogue: Epilogue::default(),
    }
}
