//! The GEMM engine against a naive f64-accumulating reference: every variant the host runs (plus odd generic
//! shapes), odd sizes, strided / transposed / packed operands, implicit-im2col convolutions, every epilogue,
//! error cases, and tiles run in any order or on several threads.
//!
//! Tolerance of an element: `1.5 * (1e-6 * sqrt(k) * magnitude + 2e-6)` where `magnitude` is
//! `|alpha| * sum_p |a_ip * b_pj| + |bias| + |residual|` and 1.5 bounds the activations' slopes. For
//! `k <= 277`, `1e-6 * sqrt(k) >= k * 2^-24`, so this covers even the worst-case fp32 summation error, while
//! a single wrong or missing product term exceeds it by orders of magnitude.

mod common;

use common::activate;
use msc_runtime::gemm::{
    ASlice, Activation, BSlice, BiasSlice, Blocking, CheckedGemm, ConvGeometry, Epilogue, EpilogueSlices, Gemm,
    GemmError, Im2colSlice, OperandA, OperandB, PackedSlice, Problem, ResidualSlice, SliceProblem, Strided,
    StridedSlice, Variant, gemm, pack_a, pack_b, pack_b_im2col, packed_a_len, packed_b_len,
};

/// Deterministic values in [-1, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    fn vec(&mut self, len: usize) -> Vec<f32> {
        (0..len).map(|_| self.next()).collect()
    }
}

/// The variants under test: every one the host runs, and generic kernels of odd shapes.
fn variants() -> Vec<Variant> {
    let mut variants = Variant::available_on_host();
    variants.push(Variant::generic(3, 5).unwrap());
    variants.push(Variant::generic(1, 1).unwrap());
    variants
}

/// The blockings under test: the one `Gemm::new` picks for an `m x k` A and a `k x n` B, and a tiny one that
/// makes many K blocks and tiles.
fn blockings(variant: Variant, m: usize, k: usize, n: usize) -> [Blocking; 2] {
    [Blocking::for_problem(variant, m, k, n), Blocking { kc: 16, mc: 2 * variant.mr(), nc: 2 * variant.nr() }]
}

const ACTIVATIONS: [Activation; 9] = [
    Activation::None,
    Activation::Relu,
    Activation::Clip { lo: -0.5, hi: 0.75 },
    Activation::LeakyRelu { alpha: 0.1 },
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Silu,
    Activation::Gelu,
    Activation::HardSwish,
];

/// A problem with its operands as element functions, for the reference.
struct Reference<'a> {
    m: usize,
    n: usize,
    k: usize,
    a: &'a dyn Fn(usize, usize) -> f32,
    b: &'a dyn Fn(usize, usize) -> f32,
    epilogue: EpilogueSlices<'a>,
}

impl Reference<'_> {
    /// Checks `c` (row stride `ldc`) against the f64 reference; the `ldc - n` padding of every row must still
    /// hold `pad`.
    fn check(&self, c: &[f32], ldc: usize, pad: f32, what: &str) {
        let e = &self.epilogue;
        for i in 0..self.m {
            for j in 0..self.n {
                let (mut dot, mut magnitude) = (0f64, 0f64);
                for p in 0..self.k {
                    let product = (self.a)(i, p) as f64 * (self.b)(p, j) as f64;
                    dot += product;
                    magnitude += product.abs();
                }
                let mut linear = e.alpha as f64 * dot;
                magnitude *= (e.alpha as f64).abs();
                let bias = match e.bias {
                    BiasSlice::None => 0.0,
                    BiasSlice::PerRow(bias) => bias[i] as f64,
                    BiasSlice::PerCol(bias) => bias[j] as f64,
                };
                let residual = e.residual.map_or(0.0, |r| r.data[i * r.row_stride + j] as f64);
                linear += bias + residual;
                magnitude += bias.abs() + residual.abs();
                let expected = activate(e.activation, linear);
                let tolerance = 1.5 * (1e-6 * (self.k as f64).sqrt() * magnitude + 2e-6);
                let got = c[i * ldc + j] as f64;
                assert!(
                    (got - expected).abs() <= tolerance,
                    "{what}: C[{i}][{j}] = {got}, expected {expected} (tolerance {tolerance:e})"
                );
            }
            for j in self.n..ldc.min(c.len() - i * ldc) {
                assert_eq!(c[i * ldc + j], pad, "{what}: C[{i}][{j}] is row padding and must stay untouched");
            }
        }
    }
}

const PAD: f32 = 1234.5;

/// Runs the reference's problem with operands `a` and `b` and a C of row stride `ldc`, with every blocking
/// of `variant`, checking each result.
fn run_and_check(variant: Variant, a: ASlice<'_>, b: BSlice<'_>, reference: &Reference<'_>, ldc: usize) {
    let Reference { m, n, k, epilogue, .. } = *reference;
    for blocking in blockings(variant, m, k, n) {
        let mut c = vec![PAD; m * ldc];
        let what = format!("{variant} {blocking:?} m={m} n={n} k={k}");
        let problem = SliceProblem { m, n, k, a, b, c: &mut c, ldc, epilogue };
        CheckedGemm::with_blocking(variant, problem, blocking).and_then(|mut g| g.run()).expect(&what);
        reference.check(&c, ldc, PAD, &what);
    }
}

const SIZES_M: [usize; 7] = [1, 2, 7, 16, 17, 33, 100];
const SIZES_N: [usize; 7] = [1, 3, 15, 16, 31, 65, 100];
const SIZES_K: [usize; 6] = [1, 2, 17, 31, 64, 257];

#[test]
fn row_major_operands_on_odd_shapes() {
    let mut rng = Rng(1);
    for variant in variants() {
        for (index, (&m, &n)) in SIZES_M.iter().flat_map(|m| SIZES_N.iter().map(move |n| (m, n))).enumerate() {
            // Every (m, n) pair, with K values rotating so every K meets every size over the grid.
            for &k in [SIZES_K[index % 6], SIZES_K[(index + 3) % 6]].iter() {
                let (a, b) = (rng.vec(m * k), rng.vec(k * n));
                let reference = Reference {
                    m,
                    n,
                    k,
                    a: &|i, p| a[i * k + p],
                    b: &|p, j| b[p * n + j],
                    epilogue: Default::default(),
                };
                run_and_check(
                    variant,
                    ASlice::Strided(StridedSlice::row_major(&a, k)),
                    BSlice::Strided(StridedSlice::row_major(&b, n)),
                    &reference,
                    n,
                );
            }
        }
    }
}

#[test]
fn transposed_and_strided_operands_and_padded_c() {
    let mut rng = Rng(2);
    for variant in variants() {
        for &(m, n, k) in &[(17, 33, 65), (7, 16, 1), (100, 31, 257), (33, 65, 15), (1, 100, 3)] {
            // A stored transposed (k x m), B with every other column and 3 extra values per row, C with ldc n + 5.
            let a_t = rng.vec(k * m);
            let b_row = 2 * n + 3;
            let b = rng.vec(k * b_row);
            let ldc = n + 5;
            let reference = Reference {
                m,
                n,
                k,
                a: &|i, p| a_t[p * m + i],
                b: &|p, j| b[p * b_row + 2 * j],
                epilogue: Default::default(),
            };
            run_and_check(
                variant,
                ASlice::Strided(StridedSlice { data: &a_t, row_stride: 1, col_stride: m }),
                BSlice::Strided(StridedSlice { data: &b, row_stride: b_row, col_stride: 2 }),
                &reference,
                ldc,
            );
            // B transposed (n x k, as a dense layer's weight).
            let b_t = rng.vec(n * k);
            let reference = Reference {
                m,
                n,
                k,
                a: &|i, p| a_t[p * m + i],
                b: &|p, j| b_t[j * k + p],
                epilogue: Default::default(),
            };
            run_and_check(
                variant,
                ASlice::Strided(StridedSlice { data: &a_t, row_stride: 1, col_stride: m }),
                BSlice::Strided(StridedSlice { data: &b_t, row_stride: 1, col_stride: k }),
                &reference,
                ldc,
            );
        }
    }
}

#[test]
fn packed_operands() {
    let mut rng = Rng(3);
    for variant in variants() {
        // (1, 40, 2100): a matrix-vector product, whose blocking leaves K whole up to 4 x kc, then splits it.
        for &(m, n, k) in &[(17, 33, 65), (6, 16, 1), (100, 65, 257), (13, 7, 31), (2, 100, 64), (1, 40, 2100)] {
            let (a, b) = (rng.vec(m * k), rng.vec(k * n));
            let mut packed_a = vec![f32::NAN; packed_a_len(m, k, variant.mr())];
            pack_a(StridedSlice::row_major(&a, k), m, k, variant.mr(), &mut packed_a).unwrap();
            let mut packed_b = vec![f32::NAN; packed_b_len(k, n, variant.nr())];
            pack_b(StridedSlice::row_major(&b, n), k, n, variant.nr(), &mut packed_b).unwrap();
            assert!(packed_a.iter().chain(&packed_b).all(|v| v.is_finite()), "packing writes every value");
            let reference =
                Reference { m, n, k, a: &|i, p| a[i * k + p], b: &|p, j| b[p * n + j], epilogue: Default::default() };
            for (pack_a_too, pack_b_too) in [(true, false), (false, true), (true, true)] {
                run_and_check(
                    variant,
                    if pack_a_too {
                        ASlice::Packed(PackedSlice { data: &packed_a, width: variant.mr() })
                    } else {
                        ASlice::Strided(StridedSlice::row_major(&a, k))
                    },
                    if pack_b_too {
                        BSlice::Packed(PackedSlice { data: &packed_b, width: variant.nr() })
                    } else {
                        BSlice::Strided(StridedSlice::row_major(&b, n))
                    },
                    &reference,
                    n,
                );
            }
        }
    }
}

/// A transformer's dense layers: a few rows of activations (A, packed at run time) times pre-packed weights
/// (B), which `Gemm::new` runs as one row block over equal K blocks, the tiles of a column panel
/// prefetching the next panel. Rows not a multiple of MR (128 = 21 x 6 + 2 on AVX2), columns not a multiple
/// of NR, K blocks with tails, every activation (a third of them per shape) after a per-column bias, with
/// and without a residual.
#[test]
fn few_rows_over_pre_packed_weights_with_every_epilogue() {
    let mut rng = Rng(4);
    for variant in variants() {
        // B beyond a 512 KiB L2 each time: one row block.
        for (shape, &(m, n, k)) in [(128, 200, 770), (131, 161, 1001), (61, 300, 600)].iter().enumerate() {
            let (a, b, bias) = (rng.vec(m * k), rng.vec(k * n), rng.vec(n));
            let residual = rng.vec(m * n);
            let mut packed_b = vec![f32::NAN; packed_b_len(k, n, variant.nr())];
            pack_b(StridedSlice::row_major(&b, n), k, n, variant.nr(), &mut packed_b).unwrap();
            for (index, activation) in ACTIVATIONS.into_iter().enumerate().filter(|(i, _)| i % 3 == shape) {
                let epilogue = EpilogueSlices {
                    alpha: 1.0,
                    bias: BiasSlice::PerCol(&bias),
                    residual: (index % 2 == 1).then_some(ResidualSlice { data: &residual, row_stride: n }),
                    activation,
                };
                let reference = Reference { m, n, k, a: &|i, p| a[i * k + p], b: &|p, j| b[p * n + j], epilogue };
                run_and_check(
                    variant,
                    ASlice::Strided(StridedSlice::row_major(&a, k)),
                    BSlice::Packed(PackedSlice { data: &packed_b, width: variant.nr() }),
                    &reference,
                    n,
                );
            }
        }
    }
}

#[test]
fn packed_layout_is_the_documented_one() {
    let (m, k, mr) = (5, 3, 4);
    let a: Vec<f32> = (0..m * k).map(|v| v as f32).collect();
    let mut packed = vec![f32::NAN; packed_a_len(m, k, mr)];
    pack_a(StridedSlice::row_major(&a, k), m, k, mr, &mut packed).unwrap();
    for (p, i, kk) in (0..2).flat_map(|p| (0..mr).flat_map(move |i| (0..k).map(move |kk| (p, i, kk)))) {
        let row = p * mr + i;
        let expected = if row < m { a[row * k + kk] } else { 0.0 };
        assert_eq!(packed[p * mr * k + kk * mr + i], expected, "A panel {p} row {i} step {kk}");
    }
    let (k, n, nr) = (3, 5, 2);
    let b: Vec<f32> = (0..k * n).map(|v| v as f32).collect();
    let mut packed = vec![f32::NAN; packed_b_len(k, n, nr)];
    pack_b(StridedSlice::row_major(&b, n), k, n, nr, &mut packed).unwrap();
    for (q, j, kk) in (0..3).flat_map(|q| (0..nr).flat_map(move |j| (0..k).map(move |kk| (q, j, kk)))) {
        let col = q * nr + j;
        let expected = if col < n { b[kk * n + col] } else { 0.0 };
        assert_eq!(packed[q * nr * k + kk * nr + j], expected, "B panel {q} column {j} step {kk}");
    }
}

/// Output size of a convolution along one axis.
fn conv_out(size: usize, kernel: usize, stride: usize, dilation: usize, pads: (usize, usize)) -> usize {
    (size + pads.0 + pads.1 - dilation * (kernel - 1) - 1) / stride + 1
}

#[test]
fn implicit_im2col_convolutions() {
    let mut rng = Rng(4);
    // (channels, height, width, kernel, stride, dilation, pads (top, bottom), pads (left, right), out channels)
    let convs = [
        (1, 9, 7, 1, 1, 1, (0, 0), (0, 0), 5),
        (3, 11, 10, 3, 2, 1, (1, 0), (0, 2), 13),
        (17, 8, 9, 3, 1, 2, (2, 1), (1, 3), 7),
        (3, 16, 15, 7, 2, 1, (3, 3), (2, 4), 16),
        (17, 5, 6, 1, 2, 1, (0, 1), (1, 0), 33),
        (1, 12, 12, 7, 1, 2, (6, 5), (4, 6), 3),
        // Rows wider than two panels: whole-panel copies between partial ones.
        (5, 6, 41, 3, 1, 1, (1, 1), (1, 1), 9),
        // Stride-2 rows long enough for the deinterleaving packer, runs across panel boundaries, and runs
        // that end on the last value of an image row (of the image, for the last row).
        (4, 9, 45, 3, 2, 1, (1, 1), (1, 1), 7),
        (2, 6, 80, 1, 2, 1, (0, 0), (0, 0), 5),
        (3, 5, 79, 3, 2, 1, (0, 0), (0, 0), 6),
    ];
    for variant in variants() {
        for &(channels, height, width, kernel, stride, dilation, pads_h, pads_w, out_channels) in &convs {
            let conv = ConvGeometry {
                channels,
                height,
                width,
                kernel_h: kernel,
                kernel_w: kernel,
                stride_h: stride,
                stride_w: stride,
                dilation_h: dilation,
                dilation_w: dilation,
                pad_top: pads_h.0,
                pad_left: pads_w.0,
                out_h: conv_out(height, kernel, stride, dilation, pads_h),
                out_w: conv_out(width, kernel, stride, dilation, pads_w),
            };
            let (m, n, k) = (out_channels, conv.n(), conv.k());
            let image = rng.vec(channels * height * width);
            let weights = rng.vec(m * k);
            let bias = rng.vec(m);
            let im2col = |row: usize, col: usize| {
                let (c, tap) = (row / (kernel * kernel), row % (kernel * kernel));
                let (oh, ow) = (col / conv.out_w, col % conv.out_w);
                let ih = (oh * stride + (tap / kernel) * dilation) as isize - pads_h.0 as isize;
                let iw = (ow * stride + (tap % kernel) * dilation) as isize - pads_w.0 as isize;
                if (0..height as isize).contains(&ih) && (0..width as isize).contains(&iw) {
                    image[(c * height + ih as usize) * width + iw as usize]
                } else {
                    0.0
                }
            };
            let epilogue =
                EpilogueSlices { bias: BiasSlice::PerRow(&bias), activation: Activation::Relu, ..Default::default() };
            let reference = Reference { m, n, k, a: &|i, p| weights[i * k + p], b: &im2col, epilogue };
            run_and_check(
                variant,
                ASlice::Strided(StridedSlice::row_major(&weights, k)),
                BSlice::Im2col(Im2colSlice { image: &image, conv }),
                &reference,
                n,
            );
            // The same B packed ahead of time.
            let mut packed = vec![f32::NAN; packed_b_len(k, n, variant.nr())];
            pack_b_im2col(&image, &conv, variant.nr(), &mut packed).unwrap();
            run_and_check(
                variant,
                ASlice::Strided(StridedSlice::row_major(&weights, k)),
                BSlice::Packed(PackedSlice { data: &packed, width: variant.nr() }),
                &reference,
                n,
            );
        }
    }
}

#[test]
fn every_epilogue() {
    let mut rng = Rng(5);
    for variant in variants() {
        // 13 and 7 rows end in a one-row tile, 40 columns in a one-vector tile.
        for &(m, n, k) in &[(17, 40, 31), (12, 32, 5), (7, 3, 257), (4, 1, 0), (13, 32, 9)] {
            let (a, b) = (rng.vec(m * k), rng.vec(k * n));
            let (row_bias, col_bias) = (rng.vec(m), rng.vec(n));
            let residual_stride = n + 7;
            let residual: Vec<f32> = rng.vec(m * residual_stride).iter().map(|v| 2.0 * v).collect();
            for activation in ACTIVATIONS {
                for bias in [BiasSlice::None, BiasSlice::PerRow(&row_bias), BiasSlice::PerCol(&col_bias)] {
                    for with_residual in [false, true] {
                        for alpha in [1.0, -0.75] {
                            let epilogue = EpilogueSlices {
                                alpha,
                                bias,
                                residual: with_residual
                                    .then_some(ResidualSlice { data: &residual, row_stride: residual_stride }),
                                activation,
                            };
                            let reference =
                                Reference { m, n, k, a: &|i, p| a[i * k + p], b: &|p, j| b[p * n + j], epilogue };
                            let ldc = n + 2;
                            run_and_check(
                                variant,
                                ASlice::Strided(StridedSlice::row_major(&a, k)),
                                BSlice::Strided(StridedSlice::row_major(&b, n)),
                                &reference,
                                ldc,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Largest error of `activation` over `[-20, 20]` in steps of 1/1024 and at a few special points, as
/// (absolute error where |f| <= 1, relative error where |f| > 1).
fn activation_errors(activation: Activation) -> (f64, f64) {
    let points = (-20 * 1024..=20 * 1024).map(|i| i as f32 / 1024.0).chain([1e-30, -1e-30, 100.0, -100.0, 1e-5]);
    let (mut abs, mut rel) = (0f64, 0f64);
    for x in points {
        let expected = activate(activation, x as f64);
        let error = (activation.apply(x) as f64 - expected).abs();
        if expected.abs() <= 1.0 {
            abs = abs.max(error);
        } else {
            rel = rel.max(error / expected.abs());
        }
    }
    (abs, rel)
}

#[test]
fn transcendental_activations_are_accurate() {
    for (activation, max_abs) in
        [(Activation::Sigmoid, 1.5e-7), (Activation::Tanh, 1.5e-7), (Activation::Silu, 2e-7), (Activation::Gelu, 3e-7)]
    {
        let (abs, rel) = activation_errors(activation);
        assert!(abs <= max_abs, "{activation:?}: absolute error {abs:e} > {max_abs:e}");
        assert!(rel <= 3e-7, "{activation:?}: relative error {rel:e} > 3e-7");
    }
}

/// A row-major problem over raw buffers for the tile tests.
fn raw_problem(m: usize, n: usize, k: usize, a: &[f32], b: &[f32], c: &mut [f32], bias: &[f32]) -> Problem {
    Problem {
        m,
        n,
        k,
        a: OperandA::Strided(Strided { ptr: a.as_ptr(), row_stride: k, col_stride: 1 }),
        b: OperandB::Strided(Strided { ptr: b.as_ptr(), row_stride: 1, col_stride: k }),
        c: c.as_mut_ptr(),
        ldc: n,
        epilogue: Epilogue {
            bias: msc_runtime::gemm::Bias::PerCol(bias.as_ptr()),
            activation: Activation::Gelu,
            ..Default::default()
        },
    }
}

#[test]
fn tiles_in_any_order_and_on_threads_match_one_run() {
    let mut rng = Rng(6);
    let (m, n, k) = (100, 97, 300);
    let (a, b, bias) = (rng.vec(m * k), rng.vec(n * k), rng.vec(n));
    for variant in variants() {
        let blocking = Blocking { kc: 64, mc: 2 * variant.mr(), nc: 3 * variant.nr() };
        let mut whole = vec![0f32; m * n];
        let gemm = Gemm::with_blocking(variant, raw_problem(m, n, k, &a, &b, &mut whole, &bias), blocking).unwrap();
        let tiles = gemm.tiles();
        assert!(tiles >= 4, "{variant}: {tiles} tiles");
        let mut scratch = vec![0f32; gemm.scratch_len()];
        // SAFETY: the buffers match the problem and outlive the calls; one thread.
        unsafe { gemm.run(&mut scratch) }.unwrap();

        // Reverse order, one tile at a time, into a buffer full of garbage.
        let mut reversed = vec![f32::NAN; m * n];
        let gemm = Gemm::with_blocking(variant, raw_problem(m, n, k, &a, &b, &mut reversed, &bias), blocking).unwrap();
        for tile in (0..tiles).rev() {
            // SAFETY: as above.
            unsafe { gemm.run_tiles(tile..tile + 1, &mut scratch) }.unwrap();
        }
        assert_eq!(whole, reversed, "{variant}: tiles in reverse order");

        // Uneven ranges on three threads at once.
        let mut threaded = vec![f32::NAN; m * n];
        let gemm = Gemm::with_blocking(variant, raw_problem(m, n, k, &a, &b, &mut threaded, &bias), blocking).unwrap();
        let cuts = [0, 1, tiles / 2, tiles];
        std::thread::scope(|s| {
            for range in cuts.windows(2) {
                let gemm = &gemm;
                let mut scratch = vec![0f32; gemm.scratch_len()];
                // SAFETY: the buffers outlive the scope and the ranges are disjoint.
                s.spawn(move || unsafe { gemm.run_tiles(range[0]..range[1], &mut scratch) }.unwrap());
            }
        });
        assert_eq!(whole, threaded, "{variant}: tiles on threads");
    }
}

#[test]
fn mismatched_packs_and_bad_inputs_are_errors() {
    let (m, n, k) = (8, 8, 8);
    let (a, b) = (vec![1f32; m * k], vec![1f32; k * n]);
    let mut c = vec![0f32; m * n];
    let variant = Variant::best_for_host();
    let other = Variant::generic(variant.mr() + 1, variant.nr() + 1).unwrap();
    let mut packed_a = vec![0f32; packed_a_len(m, k, other.mr())];
    pack_a(StridedSlice::row_major(&a, k), m, k, other.mr(), &mut packed_a).unwrap();
    let mut packed_b = vec![0f32; packed_b_len(k, n, other.nr())];
    pack_b(StridedSlice::row_major(&b, n), k, n, other.nr(), &mut packed_b).unwrap();
    let dense_a = ASlice::Strided(StridedSlice::row_major(&a, k));
    let dense_b = BSlice::Strided(StridedSlice::row_major(&b, n));
    fn problem<'a>(a: ASlice<'a>, b: BSlice<'a>, c: &'a mut [f32], ldc: usize) -> SliceProblem<'a> {
        SliceProblem { m: 8, n: 8, k: 8, a, b, c, ldc, epilogue: Default::default() }
    }

    let packed = ASlice::Packed(PackedSlice { data: &packed_a, width: other.mr() });
    assert!(matches!(
        gemm(variant, problem(packed, dense_b, &mut c, n)),
        Err(GemmError::PackMismatch { operand: "A", .. })
    ));
    let packed = BSlice::Packed(PackedSlice { data: &packed_b, width: other.nr() });
    assert!(matches!(
        gemm(variant, problem(dense_a, packed, &mut c, n)),
        Err(GemmError::PackMismatch { operand: "B", .. })
    ));
    // The same packs run with the variant they were packed for.
    let packed_a_ok = ASlice::Packed(PackedSlice { data: &packed_a, width: other.mr() });
    let packed_b_ok = BSlice::Packed(PackedSlice { data: &packed_b, width: other.nr() });
    gemm(other, problem(packed_a_ok, packed_b_ok, &mut c, n)).unwrap();
    assert!(c.iter().all(|&v| v == k as f32));

    let short = ASlice::Strided(StridedSlice::row_major(&a[1..], k));
    assert!(matches!(gemm(variant, problem(short, dense_b, &mut c, n)), Err(GemmError::TooShort { operand: "A", .. })));
    let short = ASlice::Packed(PackedSlice { data: &packed_a[1..], width: other.mr() });
    assert!(matches!(gemm(other, problem(short, dense_b, &mut c, n)), Err(GemmError::TooShort { .. })));
    assert!(matches!(
        gemm(variant, problem(dense_a, dense_b, &mut c[1..], n)),
        Err(GemmError::TooShort { operand: "C", .. })
    ));
    assert!(matches!(
        gemm(variant, problem(dense_a, dense_b, &mut c, n - 1)),
        Err(GemmError::OverlappingRows { .. } | GemmError::TooShort { .. })
    ));
    let conv = ConvGeometry {
        channels: 2,
        height: 3,
        width: 3,
        kernel_h: 2,
        kernel_w: 2,
        stride_h: 1,
        stride_w: 1,
        dilation_h: 1,
        dilation_w: 1,
        pad_top: 0,
        pad_left: 0,
        out_h: 2,
        out_w: 2,
    };
    let image = vec![0f32; 18];
    let im2col = BSlice::Im2col(Im2colSlice { image: &image, conv });
    assert!(matches!(gemm(variant, problem(dense_a, im2col, &mut c, n)), Err(GemmError::ConvShape { .. })));
    let short_image = BSlice::Im2col(Im2colSlice { image: &image[1..], conv });
    assert!(matches!(
        gemm(variant, problem(dense_a, short_image, &mut c, n)),
        Err(GemmError::TooShort { operand: "image", .. })
    ));
    assert!(matches!(Variant::generic(0, 4), Err(GemmError::BadKernelShape { .. })));
    assert!(matches!(Variant::generic(4, 65), Err(GemmError::BadKernelShape { .. })));
    assert!(matches!(pack_a(StridedSlice::row_major(&a, k), m, k, 3, &mut [0f32; 5]), Err(GemmError::TooShort { .. })));

    let mut checked = CheckedGemm::new(variant, problem(dense_a, dense_b, &mut c, n)).unwrap();
    let tiles = checked.tiles();
    let mut scratch = vec![0f32; checked.scratch_len()];
    assert!(matches!(checked.run_tiles(0..tiles + 1, &mut scratch), Err(GemmError::TileRange { .. })));
    assert!(matches!(
        checked.run_tiles(0..tiles, &mut scratch[1..]),
        Err(GemmError::TooShort { operand: "scratch", .. })
    ));
    let bad =
        CheckedGemm::with_blocking(variant, problem(dense_a, dense_b, &mut c, n), Blocking { kc: 0, mc: 64, nc: 64 });
    assert!(matches!(bad, Err(GemmError::BadBlocking { .. })));
}
