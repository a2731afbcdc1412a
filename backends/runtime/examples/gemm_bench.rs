//! GEMM engine benchmark: GFLOP/s of every kernel variant the host runs on square sizes, on 1 and N threads
//! (tiles split over `std::thread::scope` threads as the runtime's pool splits them), against a peak
//! measured on the spot by a pure-FMA register loop with the widest vectors the host has.
//!
//! `cargo run -p msc-runtime --release --example gemm_bench -- [--threads N] [--quick] [--prepacked] [--cold]
//! [--epilogue none|bias|bias-gelu|bias-residual] [--blocking KC,MC,NC] [shapes...]`
//!
//! A shape is `N` (square), `MxKxN`, or `conv:O,C,H,W,K,S` (a K x K convolution, stride S, pads K / 2, of a
//! C x H x W image to O channels: A is the weights, pre-packed as the compiler packs them, B the implicit
//! im2col of the image). Every figure is the best of several repetitions, twice: by wall time, and by the
//! on-CPU time of the slowest thread (Linux thread CPU clocks), which sees through preemption when the
//! machine is shared. `--prepacked` packs A and B of plain GEMMs before timing, as the compiler does for
//! constant weights; `--cold` pre-packs B only (A is packed at run time, as a dense layer's activations
//! are) and rotates through enough distinct B copies ([`COLD_BYTES`] in all) that each run reads its B from
//! memory, as a model's weights are between steps. `--epilogue` adds a per-column bias, then GELU or a
//! residual (a transformer's dense layers); `--blocking` overrides the host's blocking.

use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use msc_runtime::gemm::{
    Activation, Bias, Blocking, CacheSizes, ConvGeometry, Epilogue, Gemm, Im2col, Isa, OperandA, OperandB, Packed,
    Problem, Residual, Strided, StridedSlice, Variant, pack_a, pack_b, packed_a_len, packed_b_len,
};

/// A benchmarked problem.
#[derive(Clone, Copy)]
enum Shape {
    Gemm {
        m: usize,
        k: usize,
        n: usize,
    },
    /// `m` output channels over the implicit im2col of `conv`.
    Conv {
        m: usize,
        conv: ConvGeometry,
    },
}

impl Shape {
    fn mkn(self) -> (usize, usize, usize) {
        match self {
            Shape::Gemm { m, k, n } => (m, k, n),
            Shape::Conv { m, conv } => (m, conv.k(), conv.n()),
        }
    }

    fn parse(text: &str) -> Option<Shape> {
        let numbers = |list: &str, separator: char| -> Option<Vec<usize>> {
            list.split(separator).map(|x| x.parse().ok()).collect()
        };
        if let Some(spec) = text.strip_prefix("conv:") {
            let &[m, channels, height, width, kernel, stride] = numbers(spec, ',')?.as_slice() else { return None };
            let pad = kernel / 2;
            let out = |size: usize| (size + 2 * pad).checked_sub(kernel).map(|s| s / stride.max(1) + 1);
            let conv = ConvGeometry {
                channels,
                height,
                width,
                kernel_h: kernel,
                kernel_w: kernel,
                stride_h: stride.max(1),
                stride_w: stride.max(1),
                dilation_h: 1,
                dilation_w: 1,
                pad_top: pad,
                pad_left: pad,
                out_h: out(height)?,
                out_w: out(width)?,
            };
            return Some(Shape::Conv { m, conv });
        }
        match *numbers(text, 'x')?.as_slice() {
            [n] => Some(Shape::Gemm { m: n, k: n, n }),
            [m, k, n] => Some(Shape::Gemm { m, k, n }),
            _ => None,
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Shape::Gemm { m, k, n } if m == k && k == n => write!(f, "{n}"),
            Shape::Gemm { m, k, n } => write!(f, "{m}x{k}x{n}"),
            Shape::Conv { m, conv } => write!(f, "conv {m}x{}x{} im2col", conv.k(), conv.n()),
        }
    }
}

/// The epilogue of benchmarked plain GEMMs.
#[derive(Clone, Copy, PartialEq)]
enum EpilogueKind {
    None,
    Bias,
    BiasGelu,
    BiasResidual,
}

impl EpilogueKind {
    fn parse(text: &str) -> Option<EpilogueKind> {
        Some(match text {
            "none" => EpilogueKind::None,
            "bias" => EpilogueKind::Bias,
            "bias-gelu" => EpilogueKind::BiasGelu,
            "bias-residual" => EpilogueKind::BiasResidual,
            _ => return None,
        })
    }
}

struct Options {
    threads: usize,
    quick: bool,
    prepacked: bool,
    cold: bool,
    epilogue: EpilogueKind,
    blocking: Option<Blocking>,
    shapes: Vec<Shape>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        threads: 1,
        quick: false,
        prepacked: false,
        cold: false,
        epilogue: EpilogueKind::None,
        blocking: None,
        shapes: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => {
                let value = args.next().ok_or("--threads needs a value")?;
                options.threads = value.parse().map_err(|_| format!("bad thread count {value}"))?;
            }
            "--quick" => options.quick = true,
            "--prepacked" => options.prepacked = true,
            "--cold" => options.cold = true,
            "--epilogue" => {
                let value = args.next().ok_or("--epilogue needs a value")?;
                options.epilogue = EpilogueKind::parse(&value).ok_or_else(|| format!("bad epilogue {value}"))?;
            }
            "--blocking" => {
                let value = args.next().ok_or("--blocking needs KC,MC,NC")?;
                let parsed: Option<Vec<usize>> = value.split(',').map(|x| x.parse().ok()).collect();
                let Some(&[kc, mc, nc]) = parsed.as_deref() else { return Err(format!("bad blocking {value}")) };
                options.blocking = Some(Blocking { kc, mc, nc });
            }
            shape => options.shapes.push(Shape::parse(shape).ok_or_else(|| format!("bad shape {shape}"))?),
        }
    }
    if options.shapes.is_empty() {
        let sizes: &[usize] = if options.quick { &[256, 512, 1024] } else { &[256, 512, 1024, 2048, 4096] };
        options.shapes = sizes.iter().map(|&n| Shape::Gemm { m: n, k: n, n }).collect();
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

/// Deterministic test values in [-0.5, 0.5).
fn values(len: usize, seed: usize) -> Vec<f32> {
    (0..len).map(|i| ((i * (2 * seed + 5) + seed) % 23) as f32 / 23.0 - 0.5).collect()
}

/// Bytes of pre-packed B copies `--cold` rotates through: several times any L3, so each copy has been evicted
/// by the time it is read again.
const COLD_BYTES: usize = 256 << 20;

/// The engines for `shape` over `a`, `b` and `c`, packing A (and B) into `packed_a` (`packed_b`) when asked:
/// one per B copy.
fn setup(variant: Variant, shape: Shape, options: &Options, buffers: &mut Buffers) -> Vec<Gemm> {
    let (m, k, n) = shape.mkn();
    let Buffers { a, b, c, bias, residual, packed_a, packed_b } = buffers;
    let pack_a_operand = options.prepacked || matches!(shape, Shape::Conv { .. });
    let a_operand = if pack_a_operand {
        packed_a.resize(packed_a_len(m, k, variant.mr()), 0.0);
        pack_a(StridedSlice::row_major(a, k), m, k, variant.mr(), packed_a).expect("sizes match");
        OperandA::Packed(Packed { ptr: packed_a.as_ptr(), width: variant.mr() })
    } else {
        OperandA::Strided(Strided { ptr: a.as_ptr(), row_stride: k, col_stride: 1 })
    };
    let b_operands = match shape {
        Shape::Conv { conv, .. } => vec![OperandB::Im2col(Im2col { image: b.as_ptr(), conv })],
        Shape::Gemm { .. } if options.prepacked || options.cold => {
            let mut packed = vec![0.0; packed_b_len(k, n, variant.nr())];
            pack_b(StridedSlice::row_major(b, n), k, n, variant.nr(), &mut packed).expect("sizes match");
            let copies = if options.cold { COLD_BYTES.div_ceil(4 * packed.len()).max(2) } else { 1 };
            *packed_b = vec![packed; copies];
            packed_b.iter().map(|p| OperandB::Packed(Packed { ptr: p.as_ptr(), width: variant.nr() })).collect()
        }
        Shape::Gemm { .. } => vec![OperandB::Strided(Strided { ptr: b.as_ptr(), row_stride: n, col_stride: 1 })],
    };
    let epilogue = Epilogue {
        bias: if options.epilogue == EpilogueKind::None { Bias::None } else { Bias::PerCol(bias.as_ptr()) },
        residual: (options.epilogue == EpilogueKind::BiasResidual)
            .then_some(Residual { ptr: residual.as_ptr(), row_stride: n }),
        activation: if options.epilogue == EpilogueKind::BiasGelu { Activation::Gelu } else { Activation::None },
        ..Epilogue::default()
    };
    b_operands
        .into_iter()
        .map(|b_operand| {
            let problem = Problem { m, n, k, a: a_operand, b: b_operand, c: c.as_mut_ptr(), ldc: n, epilogue };
            match options.blocking {
                Some(blocking) => Gemm::with_blocking(variant, problem, blocking),
                None => Gemm::new(variant, problem),
            }
            .expect("a valid problem")
        })
        .collect()
}

/// The operands of one benchmarked problem.
struct Buffers {
    a: Vec<f32>,
    b: Vec<f32>,
    c: Vec<f32>,
    /// `n` per-column bias values and an `m x n` residual, for `--epilogue`.
    bias: Vec<f32>,
    residual: Vec<f32>,
    packed_a: Vec<f32>,
    /// Copies of the pre-packed B: one, or several with `--cold`.
    packed_b: Vec<Vec<f32>>,
}

impl Buffers {
    fn new(shape: Shape) -> Buffers {
        let (m, k, n) = shape.mkn();
        let b_len = match shape {
            Shape::Gemm { .. } => k * n,
            Shape::Conv { conv, .. } => conv.image_len().expect("a small image"),
        };
        Buffers {
            a: values(m * k, 1),
            b: values(b_len, 2),
            c: vec![0.0; m * n],
            bias: values(n, 3),
            residual: values(m * n, 4),
            packed_a: Vec::new(),
            packed_b: Vec::new(),
        }
    }
}

/// Best (wall, on-CPU) GFLOP/s of `shape` with `variant` on `threads` threads, and its tile count. Each run
/// uses the next engine of [`setup`]'s (the next B copy).
fn gemm_gflops(
    variant: Variant,
    shape: Shape,
    threads: usize,
    options: &Options,
    budget: Duration,
) -> (f64, f64, usize) {
    let mut buffers = Buffers::new(shape);
    let gemms = setup(variant, shape, options, &mut buffers);
    let scratch_len = gemms[0].scratch_len();
    let scratches: Vec<Mutex<Vec<f32>>> = (0..threads).map(|_| Mutex::new(vec![0.0; scratch_len])).collect();
    let mut runs = 0;
    let (wall, cpu) = best_seconds(budget, || {
        let gemm = &gemms[runs % gemms.len()];
        runs += 1;
        on_threads(threads, &|t| {
            let range = chunk(gemm.tiles(), threads, t);
            let mut scratch = scratches[t].lock().expect("not poisoned");
            // SAFETY: the buffers outlive the threads and the threads run disjoint tile ranges.
            unsafe { gemm.run_tiles(range, &mut scratch) }.expect("valid tiles and scratch");
        })
    });
    black_box(&buffers.c);
    let (m, k, n) = shape.mkn();
    let flops = 2.0 * m as f64 * k as f64 * n as f64;
    (flops / wall / 1e9, flops / cpu / 1e9, gemms[0].tiles())
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
    let caches = CacheSizes::host();
    println!("host caches per core: L1d {} KiB, L2 {} KiB", caches.l1d >> 10, caches.l2 >> 10);
    for variant in Variant::available_on_host() {
        match options.blocking {
            Some(blocking) => println!("{variant} blocking: {blocking:?}"),
            None => println!("{variant} blocking: {:?}, adapted to each shape", Blocking::for_variant(variant)),
        }
    }
    println!(
        "{:<14} {:>28} {:>8} {:>12} {:>7} {:>12} {:>7} {:>7}",
        "variant", "shape", "threads", "wall GFLOP/s", "% peak", "CPU GFLOP/s", "% peak", "tiles"
    );
    for variant in Variant::available_on_host() {
        for &shape in &options.shapes {
            // The scalar reference kernel would take minutes on the large sizes.
            let (m, k, n) = shape.mkn();
            if variant.isa() == Isa::Generic && m * k * n > 512 * 512 * 512 {
                continue;
            }
            for &(threads, (peak_wall, peak_cpu)) in &peaks {
                let (wall, cpu, tiles) = gemm_gflops(variant, shape, threads, &options, budget);
                println!(
                    "{:<14} {:>28} {:>8} {:>12.1} {:>6.1}% {:>12.1} {:>6.1}% {:>7}",
                    variant.to_string(),
                    shape.to_string(),
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
