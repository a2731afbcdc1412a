//! The Winograd transform routines: both transforms (every instruction set the host has) against a plain f64
//! reference of `Bᵀ d B` and `act(Aᵀ M A + bias + residual)` on odd shapes (1 tile, 1x1 and 2x5 images, tile
//! rows not a multiple of 8, partial last tiles, symmetric and asymmetric pads, batch 2, 1, 3 and 17
//! channels), each activation with and without bias and residual; plan steps running them on one and three
//! threads; encoding round trips; and the loader's checks.
//!
//! Tolerance: `2e-5 · (1 + Σ|terms|)`, the sum of the absolute values of every product the exact result adds
//! (the transforms multiply by up to 5 and 8, so errors scale with these magnitudes, not with the result).

mod common;

use common::{ACTIVATIONS, activate, data};

use msc_runtime::TensorInfo;
use msc_runtime::depthwise::Isa;
use msc_runtime::routine::{Activation, Routine};
use msc_runtime::winograd::{
    MATRICES, POSITIONS, TILE, WINDOW, WinogradInputCall, WinogradOutputCall, tile_grid, winograd_input,
    winograd_output,
};
use msc_runtime::{Artefact, Base, BufferRef, DType, Manifest, Plan, Step, Tensor};

/// A value and the magnitude its error is measured against.
#[derive(Clone, Copy)]
struct Expected {
    value: f64,
    magnitude: f64,
}

fn assert_close(got: &[f32], want: &[Expected], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (f64::from(*g) - w.value).abs() <= 2e-5 * (1.0 + w.magnitude);
        assert!(ok, "{what}[{i}]: got {g}, expected {} (magnitude {})", w.value, w.magnitude);
    }
}

/// Every instruction set the host has.
fn isas() -> Vec<Isa> {
    [Isa::Portable, Isa::Avx2].into_iter().filter(|i| i.is_available()).collect()
}

/// Image sides and pads (top, left, bottom, right): the output is `image + pads - 2`.
const SHAPES: [([u64; 2], [u64; 4]); 8] = [
    ([1, 1], [1, 1, 1, 1]),
    ([2, 5], [1, 0, 1, 1]),
    ([2, 5], [0, 2, 2, 0]),
    ([7, 9], [1, 1, 1, 1]),
    ([13, 37], [1, 1, 1, 1]),
    ([9, 70], [0, 0, 0, 0]),
    ([5, 134], [1, 1, 1, 1]),
    ([6, 40], [2, 1, 0, 1]),
];

fn out_of(image: [u64; 2], pads: [u64; 4]) -> [u64; 2] {
    [image[0] + pads[0] + pads[2] - 2, image[1] + pads[1] + pads[3] - 2]
}

/// All tiles of `images` images of output sides `out`.
fn all_tiles(images: u64, out: [u64; 2]) -> usize {
    let [th, tw] = tile_grid(out);
    (images * th * tw) as usize
}

fn input_reference(call: &WinogradInputCall, x: &[f32]) -> Vec<Expected> {
    let ([h, w], [th, tw], c) = (call.input, tile_grid(call.out), call.channels);
    let t_count = all_tiles(call.images, call.out);
    let mut v = vec![Expected { value: f64::NAN, magnitude: 0.0 }; POSITIONS * c as usize * t_count];
    let bt = MATRICES.bt;
    for n in 0..call.images {
        for ch in 0..c {
            for ty in 0..th {
                for tx in 0..tw {
                    let d = |i: usize, j: usize| -> f64 {
                        let r = (TILE as u64 * ty + i as u64).checked_sub(call.pad[0]).filter(|&r| r < h);
                        let s = (TILE as u64 * tx + j as u64).checked_sub(call.pad[1]).filter(|&s| s < w);
                        match (r, s) {
                            (Some(r), Some(s)) => f64::from(x[(((n * c + ch) * h + r) * w + s) as usize]),
                            _ => 0.0,
                        }
                    };
                    let t = ((n * th + ty) * tw + tx) as usize;
                    for a in 0..WINDOW {
                        for b in 0..WINDOW {
                            let (mut value, mut magnitude) = (0.0, 0.0);
                            for i in 0..WINDOW {
                                for j in 0..WINDOW {
                                    let term = bt[a][i] * d(i, j) * bt[b][j];
                                    value += term;
                                    magnitude += term.abs();
                                }
                            }
                            v[((a * WINDOW + b) * c as usize + ch as usize) * t_count + t] =
                                Expected { value, magnitude };
                        }
                    }
                }
            }
        }
    }
    v
}

fn output_reference(
    call: &WinogradOutputCall,
    m: &[f32],
    bias: Option<&[f32]>,
    residual: Option<&[f32]>,
) -> Vec<Expected> {
    let ([oh, ow], [th, tw], k) = (call.out, tile_grid(call.out), call.channels);
    let t_count = all_tiles(call.images, call.out);
    let at = MATRICES.at;
    let mut y = Vec::new();
    for n in 0..call.images {
        for f in 0..k {
            for oy in 0..oh {
                for ox in 0..ow {
                    let (ty, tx, i, j) = (oy / 4, ox / 4, (oy % 4) as usize, (ox % 4) as usize);
                    let t = ((n * th + ty) * tw + tx) as usize;
                    let (mut value, mut magnitude) = (0.0, 0.0);
                    for a in 0..WINDOW {
                        for b in 0..WINDOW {
                            let p = (a * WINDOW + b) * k as usize + f as usize;
                            let term = at[i][a] * f64::from(m[p * t_count + t]) * at[j][b];
                            value += term;
                            magnitude += term.abs();
                        }
                    }
                    let at_y = y.len();
                    for extra in [bias.map(|b| b[f as usize]), residual.map(|r| r[at_y])].into_iter().flatten() {
                        value += f64::from(extra);
                        magnitude += f64::from(extra).abs();
                    }
                    y.push(Expected { value: activate(call.activation, value), magnitude });
                }
            }
        }
    }
    y
}

fn input_call(images: u64, channels: u64, image: [u64; 2], pads: [u64; 4]) -> WinogradInputCall {
    WinogradInputCall { images, channels, input: image, pad: [pads[0], pads[1]], out: out_of(image, pads) }
}

fn check_input(call: &WinogradInputCall, what: &str) {
    let x = data((call.images * call.channels * call.input[0] * call.input[1]) as usize, 1);
    let want = input_reference(call, &x);
    for isa in isas() {
        let mut v = vec![f32::NAN; want.len()];
        winograd_input(call, isa, &x, &mut v).unwrap();
        assert_close(&v, &want, &format!("{what} {isa:?} {call:?}"));
    }
}

fn check_output(call: &WinogradOutputCall, what: &str) {
    let t_count = all_tiles(call.images, call.out);
    let m = data(POSITIONS * call.channels as usize * t_count, 2);
    let y_len = (call.images * call.channels * call.out[0] * call.out[1]) as usize;
    let bias = call.bias.then(|| data(call.channels as usize, 3));
    let residual = call.residual.then(|| data(y_len, 4));
    let want = output_reference(call, &m, bias.as_deref(), residual.as_deref());
    for isa in isas() {
        let mut y = vec![f32::NAN; y_len];
        winograd_output(call, isa, &m, &mut y, bias.as_deref(), residual.as_deref()).unwrap();
        assert_close(&y, &want, &format!("{what} {isa:?} {call:?}"));
    }
}

#[test]
fn the_input_transform_matches_the_reference_on_odd_shapes() {
    for (image, pads) in SHAPES {
        for (images, channels) in [(1, 1), (2, 3), (1, 17)] {
            check_input(&input_call(images, channels, image, pads), "input");
        }
    }
}

#[test]
fn the_output_transform_matches_the_reference_on_odd_shapes_and_every_epilogue() {
    for (image, pads) in SHAPES {
        for (images, channels) in [(1, 1), (2, 3), (1, 17)] {
            for (bias, residual) in [(false, false), (true, false), (false, true), (true, true)] {
                let call = WinogradOutputCall {
                    images,
                    channels,
                    out: out_of(image, pads),
                    bias,
                    residual,
                    activation: Activation::None,
                };
                check_output(&call, "output");
            }
        }
    }
    for activation in ACTIVATIONS {
        for (bias, residual) in [(false, false), (true, true)] {
            let call = WinogradOutputCall { images: 2, channels: 3, out: [7, 37], bias, residual, activation };
            check_output(&call, "activation");
        }
    }
}

#[test]
fn empty_calls_and_wrong_slices_are_handled() {
    let empty = input_call(0, 3, [4, 4], [1, 1, 1, 1]);
    winograd_input(&empty, Isa::Portable, &[], &mut []).unwrap();
    let call = input_call(1, 2, [4, 4], [1, 1, 1, 1]);
    let error = winograd_input(&call, Isa::Portable, &[0.0; 31], &mut [0.0; 72]).unwrap_err();
    assert!(error.contains("x needs more than its 124-byte buffer"), "{error}");
    let error = winograd_input(&call, Isa::Portable, &[0.0; 32], &mut [0.0; 71]).unwrap_err();
    assert!(error.contains("V needs more than its 284-byte buffer"), "{error}");
    let out = WinogradOutputCall {
        images: 1,
        channels: 2,
        out: [4, 4],
        bias: true,
        residual: false,
        activation: Activation::Relu,
    };
    let error = winograd_output(&out, Isa::Portable, &[0.0; 72], &mut [0.0; 32], None, None).unwrap_err();
    assert!(error.contains("differ from the call's"), "{error}");
    let error = winograd_output(&out, Isa::Portable, &[0.0; 72], &mut [0.0; 32], Some(&[0.0]), None).unwrap_err();
    assert!(error.contains("the bias needs more than its 4-byte buffer"), "{error}");
}

const X: [u64; 4] = [2, 3, 5, 11];
const PADS: [u64; 4] = [1, 1, 1, 1];

/// A model with the two transform steps, V the output of the first and M the input of the second (the GEMM
/// between them is the engine's, tested on its own): 2 images of 3 channels, 5x11, pads 1; 4 output channels
/// with a bias, a residual input and ReLU6.
fn artefact() -> Artefact {
    let input = input_call(2, 3, [5, 11], PADS);
    let out = out_of([5, 11], PADS);
    let t_count = all_tiles(2, out) as u64;
    let (v, m) = ([POSITIONS as u64, 3, t_count], [POSITIONS as u64, 4, t_count]);
    let y = [2, 4, out[0], out[1]];
    let output = WinogradOutputCall {
        images: 2,
        channels: 4,
        out,
        bias: true,
        residual: true,
        activation: Activation::Clip { lo: 0.0, hi: 6.0 },
    };
    let io = |base: Base, shape: &[u64]| BufferRef { base, offset: 0, len: 4 * shape.iter().product::<u64>() };
    let info = |name: &str, shape: &[u64]| TensorInfo { name: name.into(), dtype: DType::F32, shape: shape.to_vec() };
    Artefact {
        producer: "winograd tests".into(),
        target: msc_runtime::host_triple(),
        cpu_features: vec![],
        manifest: Manifest {
            inputs: vec![info("x", &X), info("m", &m), info("r", &y)],
            outputs: vec![info("v", &v), info("y", &y)],
        },
        weights: data(4, 3).iter().flat_map(|v| v.to_le_bytes()).collect(),
        plan: Plan {
            arena_size: 0,
            kernels: vec![],
            steps: vec![
                Step {
                    routine: Routine::WinogradInput(Box::new(input)),
                    tiles: 0,
                    args: vec![io(Base::Input(0), &X), io(Base::Output(0), &v)],
                    name: "input".into(),
                    op_type: "kernel.winograd_input".into(),
                },
                Step {
                    routine: Routine::WinogradOutput(Box::new(output)),
                    tiles: 0,
                    args: vec![
                        io(Base::Input(1), &m),
                        io(Base::Output(1), &y),
                        BufferRef { base: Base::Weights, offset: 0, len: 16 },
                        io(Base::Input(2), &y),
                    ],
                    name: "output".into(),
                    op_type: "kernel.winograd_output".into(),
                },
            ],
        },
        code: vec![],
        ir: None,
    }
}

fn calls(a: &Artefact) -> (WinogradInputCall, WinogradOutputCall) {
    match (&a.plan.steps[0].routine, &a.plan.steps[1].routine) {
        (Routine::WinogradInput(i), Routine::WinogradOutput(o)) => ((**i).clone(), (**o).clone()),
        _ => unreachable!("the steps are the two transforms"),
    }
}

#[test]
fn winograd_steps_match_the_reference_on_one_and_three_threads() {
    let a = artefact();
    let (input, output) = calls(&a);
    let t_count = all_tiles(2, output.out);
    let x = data(X.iter().product::<u64>() as usize, 1);
    let m = data(POSITIONS * 4 * t_count, 2);
    let y_shape = [2, 4, output.out[0] as usize, output.out[1] as usize];
    let r = data(y_shape.iter().product(), 4);
    let want_v = input_reference(&input, &x);
    let want_y = output_reference(&output, &m, Some(&data(4, 3)), Some(&r));
    for threads in [1, 3] {
        let session = common::session(&a, threads);
        let kernels: Vec<&str> = session.model().steps().map(|s| s.kernel).collect();
        assert_eq!(kernels, ["winograd input (runtime)", "winograd output (runtime)"]);
        let xt = Tensor::from_slice(&X.map(|v| v as usize), &x).unwrap();
        let mt = Tensor::from_slice(&[POSITIONS, 4, t_count], &m).unwrap();
        let rt = Tensor::from_slice(&y_shape, &r).unwrap();
        let out = session.run(&[("x", &xt), ("m", &mt), ("r", &rt)]).unwrap();
        assert_close(&out[0].1.to_f32_vec().unwrap(), &want_v, &format!("V on {threads} threads"));
        assert_close(&out[1].1.to_f32_vec().unwrap(), &want_y, &format!("y on {threads} threads"));
    }
}

#[test]
fn winograd_steps_round_trip_through_bytes() {
    let a = artefact();
    assert_eq!(Artefact::read(&a.to_bytes()).unwrap(), a);
}

/// The routine error loading the fixture fails with after `edit`.
fn rejected(edit: impl FnOnce(&mut Artefact)) -> String {
    common::routine_error(artefact(), edit)
}

fn edit_input(a: &mut Artefact, edit: impl FnOnce(&mut WinogradInputCall)) {
    let Routine::WinogradInput(call) = &mut a.plan.steps[0].routine else { unreachable!("the input step") };
    edit(call);
}

fn edit_output(a: &mut Artefact, edit: impl FnOnce(&mut WinogradOutputCall)) {
    let Routine::WinogradOutput(call) = &mut a.plan.steps[1].routine else { unreachable!("the output step") };
    edit(call);
}

#[test]
fn the_loader_rejects_malformed_winograd_steps() {
    let message = rejected(|a| a.plan.steps[0].tiles = 2);
    assert!(message.contains("malformed Winograd input call: tiles is 2, must be 0"), "{message}");
    let message = rejected(|a| edit_input(a, |c| c.input[1] += 1));
    assert!(message.contains("x needs more than its"), "{message}");
    let message = rejected(|a| edit_input(a, |c| c.out[1] += 4));
    assert!(message.contains("V needs more than its"), "{message}");
    let message = rejected(|a| edit_input(a, |c| c.pad = [1, u64::MAX]));
    assert!(message.contains("exceed"), "{message}");
    let message = rejected(|a| edit_input(a, |c| c.channels = u64::MAX));
    assert!(message.contains("needs more than its"), "{message}");
    let message = rejected(|a| edit_output(a, |c| c.out[0] += 1));
    assert!(message.contains("y needs more than its"), "{message}");
    let message = rejected(|a| edit_output(a, |c| c.channels = 5));
    assert!(message.contains("M needs more than its"), "{message}");
    let message = rejected(|a| a.plan.steps[1].args[2].len = 12);
    assert!(message.contains("the bias needs more than its 12-byte buffer"), "{message}");
    let message = rejected(|a| edit_output(a, |c| c.residual = false));
    assert!(message.contains("takes 3 buffers, this one has 4"), "{message}");
}

#[test]
fn truncated_and_corrupted_winograd_plans_are_errors_not_panics() {
    common::assert_truncated_and_corrupted_read_without_panics(&artefact().to_bytes());
}
