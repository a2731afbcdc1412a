//! Plan steps that call the GEMM engine: encoding round trips, the loader's checks of a call against its
//! buffers, and runs (a batched, grouped convolution through the implicit im2col with pre-packed weights,
//! and a dense layer with a transposed weight) compared with a plain f64 reference.

mod common;

use common::data;

use msc_runtime::TensorInfo;
use msc_runtime::gemm::{StridedSlice, Variant, pack_a, packed_a_len};
use msc_runtime::routine::{Activation, BatchLevel, Bias, Conv2d, GemmCall, Routine, Source};
use msc_runtime::{Artefact, Base, BufferRef, DType, Manifest, Plan, Step, Tensor};

/// Conv: x [2, 4, 7, 6] -> y [2, 8, 4, 6], 2 groups, 3x3 kernel, stride (2, 1), dilation (1, 2), pads (1, 2).
const X: [u64; 4] = [2, 4, 7, 6];
const Y: [u64; 4] = [2, 8, 4, 6];
const GROUPS: u64 = 2;
/// Dense: d [3, 5] · wᵀ where w is [4, 5] (so B is w read transposed), plus a per-column bias.
const D: [u64; 2] = [3, 5];
const E: [u64; 2] = [3, 4];

fn conv_geometry() -> Conv2d {
    Conv2d {
        channels: X[1] / GROUPS,
        height: X[2],
        width: X[3],
        kernel: [3, 3],
        stride: [2, 1],
        dilation: [1, 2],
        pad: [1, 2],
        out: [Y[2], Y[3]],
    }
}

fn conv_call(packed_width: Option<usize>) -> GemmCall {
    let (mg, cg) = (Y[1] / GROUPS, X[1] / GROUPS);
    let k = cg * 9;
    let (in_plane, out_plane) = (X[2] * X[3], Y[2] * Y[3]);
    let (a, a_group) = match packed_width {
        Some(w) => (Source::Packed { width: w as u32 }, packed_a_len(mg as usize, k as usize, w) as u64),
        None => (Source::Strided { row: k, col: 1 }, mg * k),
    };
    GemmCall {
        m: mg,
        n: out_plane,
        k,
        a,
        b: Source::Im2col(conv_geometry()),
        ldc: out_plane,
        batch: vec![
            BatchLevel { count: Y[0], a: 0, b: X[1] * in_plane, c: Y[1] * out_plane, bias: 0, residual: 0 },
            BatchLevel { count: GROUPS, a: a_group, b: cg * in_plane, c: mg * out_plane, bias: mg, residual: 0 },
        ],
        alpha: 1.0,
        bias: Bias::PerRow,
        residual_ld: None,
        activation: Activation::Relu,
    }
}

fn dense_call() -> GemmCall {
    GemmCall {
        m: D[0],
        n: E[1],
        k: D[1],
        a: Source::Strided { row: D[1], col: 1 },
        b: Source::Strided { row: 1, col: D[1] },
        ldc: E[1],
        batch: vec![],
        alpha: 0.5,
        bias: Bias::PerColumn,
        residual_ld: None,
        activation: Activation::Gelu,
    }
}

fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn info(name: &str, shape: &[u64]) -> TensorInfo {
    TensorInfo { name: name.into(), dtype: DType::F32, shape: shape.to_vec() }
}

/// The conv weights [8, 2, 3, 3], conv bias [8], dense weight [4, 5] and dense bias [4].
fn weights() -> [Vec<f32>; 4] {
    [data(8 * 2 * 9, 1), data(8, 2), data(20, 3), data(4, 4)]
}

/// A model with the two GEMM steps; the conv weights are packed for `variant` when given.
fn artefact(variant: Option<Variant>) -> Artefact {
    let [w, b, dw, db] = weights();
    let mut bytes = Vec::new();
    let mut place = |values: &[f32]| {
        bytes.resize(bytes.len().next_multiple_of(64), 0);
        let r = BufferRef { base: Base::Weights, offset: bytes.len() as u64, len: 4 * values.len() as u64 };
        bytes.extend(f32_bytes(values));
        r
    };
    let w_ref = match variant {
        Some(v) => {
            let (mg, k) = (4, 18);
            let group = packed_a_len(mg, k, v.mr());
            let mut packed = vec![0f32; 2 * group];
            for (g, dst) in packed.chunks_exact_mut(group).enumerate() {
                pack_a(StridedSlice::row_major(&w[g * mg * k..(g + 1) * mg * k], k), mg, k, v.mr(), dst).unwrap();
            }
            place(&packed)
        }
        None => place(&w),
    };
    let (b_ref, dw_ref, db_ref) = (place(&b), place(&dw), place(&db));
    let io = |base: Base, shape: &[u64]| BufferRef { base, offset: 0, len: 4 * shape.iter().product::<u64>() };
    let step = |call: GemmCall, args: Vec<BufferRef>, name: &str| Step {
        routine: Routine::Gemm(Box::new(call)),
        tiles: 0,
        args,
        name: name.into(),
        op_type: "kernel.gemm".into(),
    };
    Artefact {
        producer: "gemm step tests".into(),
        target: msc_runtime::host_triple(),
        cpu_features: vec![],
        manifest: Manifest { inputs: vec![info("x", &X), info("d", &D)], outputs: vec![info("y", &Y), info("e", &E)] },
        weights: bytes,
        plan: Plan {
            arena_size: 0,
            kernels: vec![],
            steps: vec![
                step(
                    conv_call(variant.map(|v| v.mr())),
                    vec![w_ref, io(Base::Input(0), &X), io(Base::Output(0), &Y), b_ref],
                    "conv",
                ),
                step(dense_call(), vec![io(Base::Input(1), &D), dw_ref, io(Base::Output(1), &E), db_ref], "dense"),
            ],
        },
        code: vec![],
        ir: None,
    }
}

/// The conv and the dense layer computed plainly in f64.
fn reference(x: &[f32], d: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let [w, b, dw, db] = weights();
    let c = conv_geometry();
    let (mg, cg) = ((Y[1] / GROUPS) as usize, c.channels as usize);
    let [n, m, oh, ow] = Y.map(|v| v as usize);
    let (h, wd) = (c.height as i64, c.width as i64);
    let mut y = vec![0f32; n * m * oh * ow];
    for img in 0..n {
        for o in 0..m {
            let g = o / mg;
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut acc = f64::from(b[o]);
                    for ci in 0..cg {
                        for ky in 0..3 {
                            for kx in 0..3 {
                                let iy = (oy * 2 + ky) as i64 - 1;
                                let ix = (ox + kx * 2) as i64 - 2;
                                if (0..h).contains(&iy) && (0..wd).contains(&ix) {
                                    let xi = ((img * X[1] as usize + g * cg + ci) * h as usize + iy as usize)
                                        * wd as usize
                                        + ix as usize;
                                    acc += f64::from(w[((o * cg + ci) * 3 + ky) * 3 + kx]) * f64::from(x[xi]);
                                }
                            }
                        }
                    }
                    y[((img * m + o) * oh + oy) * ow + ox] = acc.max(0.0) as f32;
                }
            }
        }
    }
    let mut e = vec![0f32; 12];
    for i in 0..3 {
        for j in 0..4 {
            let dot: f64 = (0..5).map(|p| f64::from(d[i * 5 + p]) * f64::from(dw[j * 5 + p])).sum();
            let v = 0.5 * dot + f64::from(db[j]);
            e[i * 4 + j] = (0.5 * v * (1.0 + erf(v / std::f64::consts::SQRT_2))) as f32;
        }
    }
    (y, e)
}

/// erf to ~1e-12 by its Taylor series (|x| < 3 here).
fn erf(x: f64) -> f64 {
    let mut term = x;
    let mut sum = x;
    for n in 1..80 {
        term *= -x * x / n as f64;
        sum += term / (2 * n + 1) as f64;
    }
    sum * 2.0 / std::f64::consts::PI.sqrt()
}

fn run(artefact: &Artefact, threads: usize) -> (Vec<f32>, Vec<f32>) {
    let session = common::session(artefact, threads);
    let x = Tensor::from_slice(&X.map(|v| v as usize), &data(X.iter().product::<u64>() as usize, 5)).unwrap();
    let d = Tensor::from_slice(&D.map(|v| v as usize), &data(15, 6)).unwrap();
    let out = session.run(&[("x", &x), ("d", &d)]).unwrap();
    (out[0].1.to_f32_vec().unwrap(), out[1].1.to_f32_vec().unwrap())
}

fn assert_close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-5 * (1.0 + w.abs()), "{what}[{i}]: got {g}, expected {w}");
    }
}

#[test]
fn gemm_steps_match_a_plain_reference_packed_or_not_on_one_and_three_threads() {
    let x = data(X.iter().product::<u64>() as usize, 5);
    let (y, e) = reference(&x, &data(15, 6));
    for variant in [None, Some(Variant::best_for_host())] {
        for threads in [1, 3] {
            let (got_y, got_e) = run(&artefact(variant), threads);
            assert_close(&got_y, &y, &format!("conv ({variant:?}, {threads} threads)"));
            assert_close(&got_e, &e, &format!("dense ({variant:?}, {threads} threads)"));
        }
    }
}

#[test]
fn gemm_steps_round_trip_through_bytes() {
    let a = artefact(Some(Variant::best_for_host()));
    assert_eq!(Artefact::read(&a.to_bytes()).unwrap(), a);
}

/// The routine error loading the fixture fails with after `edit`.
fn rejected(edit: impl FnOnce(&mut Artefact)) -> String {
    common::routine_error(artefact(None), edit)
}

fn call(a: &mut Artefact, step: usize) -> &mut GemmCall {
    match &mut a.plan.steps[step].routine {
        Routine::Gemm(call) => call,
        _ => unreachable!("the step is a GEMM"),
    }
}

#[test]
fn the_loader_checks_every_call_against_its_buffers() {
    let message = rejected(|a| a.plan.steps[0].tiles = 4);
    assert!(message.contains("tiles is 4, must be 0"), "{message}");
    let message = rejected(|a| a.plan.steps[0].args[2].len -= 4);
    assert!(message.contains("C needs more than"), "{message}");
    let message = rejected(|a| call(a, 0).batch[0].count = 3);
    assert!(message.contains("needs more than"), "{message}");
    let message = rejected(|a| call(a, 1).ldc = 3);
    assert!(message.contains("row stride is shorter than a row"), "{message}");
    let message = rejected(|a| call(a, 1).a = Source::Im2col(conv_geometry()));
    assert!(message.contains("A cannot be an im2col view"), "{message}");
    let message = rejected(|a| call(a, 0).k += 1);
    assert!(message.contains("im2col geometry"), "{message}");
    let message = rejected(|a| call(a, 0).bias = Bias::None);
    assert!(message.contains("takes 3 buffers, this one has 4"), "{message}");
    let message = rejected(|a| call(a, 1).b = Source::Packed { width: 0 });
    assert!(message.contains("packed in panels of 0"), "{message}");
}

#[test]
fn truncated_and_corrupted_gemm_plans_are_errors_not_panics() {
    common::assert_truncated_and_corrupted_read_without_panics(&artefact(Some(Variant::best_for_host())).to_bytes());
}

#[test]
fn activations_and_layouts_print_and_parse_back() {
    for activation in common::ACTIVATIONS {
        assert_eq!(activation.to_string().parse::<Activation>(), Ok(activation));
    }
    for source in [Source::Strided { row: 5, col: 1 }, Source::Packed { width: 32 }, Source::Im2col(conv_geometry())] {
        assert_eq!(source.to_string().parse::<Source>(), Ok(source));
    }
    assert!("clip 0".parse::<Activation>().is_err());
    assert!("relu 3".parse::<Activation>().is_err());
    assert!("strided 1".parse::<Source>().is_err());
}
