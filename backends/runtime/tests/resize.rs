//! The resize routine (every instruction set the host has) against a plain f64 reference that sums each
//! output's row and column taps: nearest and linear axes in every combination, upsampling by 2 and 3 (taps
//! within one 8-value window: permutes), downsampling and shuffled positions (gathers), non-integer scales,
//! widths below, at and past 8 with partial blocks, 1x1 inputs and outputs, several planes; plan steps running it
//! on one and three threads; encoding round trips; and the loader's checks.
//!
//! Tolerance: `1e-6 · (1 + Σ|terms|)` (two f32 products and a sum per axis).

mod common;

use common::data;

use msc_runtime::depthwise::Isa;
use msc_runtime::resize::{AxisTaps, ResizeCall, resize};
use msc_runtime::routine::Routine;
use msc_runtime::{Artefact, Base, BufferRef, DType, Manifest, Plan, Step, Tensor, TensorInfo};

/// Every instruction set the host has.
fn isas() -> Vec<Isa> {
    [Isa::Portable, Isa::Avx2].into_iter().filter(|i| i.is_available()).collect()
}

/// The taps `(position, weight)` of output position `i` of `axis`.
fn taps(axis: &AxisTaps, i: usize) -> Vec<(usize, f64)> {
    match axis {
        AxisTaps::Nearest(p) => vec![(p[i] as usize, 1.0)],
        AxisTaps::Linear { positions, weights } => {
            (0..2).map(|t| (positions[t][i] as usize, f64::from(weights[t][i]))).collect()
        }
    }
}

/// The f64 result and the magnitude its error is measured against, per output.
fn reference(call: &ResizeCall, x: &[f32]) -> Vec<(f64, f64)> {
    let [h, w] = call.input.map(|v| v as usize);
    let mut out = vec![];
    for plane in 0..call.planes as usize {
        for oy in 0..call.rows.len() {
            for ox in 0..call.columns.len() {
                let (mut sum, mut magnitude) = (0.0, 0.0);
                for (r, wr) in taps(&call.rows, oy) {
                    for (c, wc) in taps(&call.columns, ox) {
                        let term = wr * wc * f64::from(x[(plane * h + r) * w + c]);
                        (sum, magnitude) = (sum + term, magnitude + term.abs());
                    }
                }
                out.push((sum, magnitude));
            }
        }
    }
    out
}

fn check(call: &ResizeCall) {
    let [h, w] = call.input.map(|v| v as usize);
    let x = data(call.planes as usize * h * w, 1);
    let want = reference(call, &x);
    for isa in isas() {
        let mut y = vec![f32::NAN; want.len()];
        resize(call, isa, &x, &mut y).unwrap();
        for (i, (g, &(value, magnitude))) in y.iter().zip(&want).enumerate() {
            let ok = (f64::from(*g) - value).abs() <= 1e-6 * (1.0 + magnitude);
            assert!(ok, "{isa:?} {call:?}: y[{i}] is {g}, expected {value}");
        }
    }
}

/// Where output position `o` of an axis resized by `scale` samples the input (ONNX's half_pixel).
fn source(o: usize, scale: f64) -> f64 {
    (o as f64 + 0.5) / scale - 0.5
}

/// Nearest taps of `out` positions from `input`: the floor of the half-pixel source, clamped.
fn nearest(input: usize, out: usize) -> AxisTaps {
    let scale = out as f64 / input as f64;
    AxisTaps::Nearest((0..out).map(|o| (source(o, scale).floor().max(0.0) as usize).min(input - 1) as u32).collect())
}

/// Linear taps of `out` positions from `input`: the two neighbours of the half-pixel source, clamped.
fn linear(input: usize, out: usize) -> AxisTaps {
    let scale = out as f64 / input as f64;
    let (mut positions, mut weights) = ([vec![], vec![]], [vec![], vec![]]);
    for o in 0..out {
        let at = source(o, scale);
        let (left, ratio) = (at.floor(), at - at.floor());
        for (tap, (p, weight)) in [(left, 1.0 - ratio), (left + 1.0, ratio)].into_iter().enumerate() {
            positions[tap].push(p.clamp(0.0, input as f64 - 1.0) as u32);
            weights[tap].push(weight as f32);
        }
    }
    AxisTaps::Linear { positions, weights }
}

/// Output position `o` reads input position `(o · 7) mod input` (no window holds 8 neighbours: gathers).
fn shuffled(input: usize, out: usize) -> AxisTaps {
    AxisTaps::Nearest((0..out).map(|o| (o * 7 % input) as u32).collect())
}

fn call(planes: u64, input: [usize; 2], rows: AxisTaps, columns: AxisTaps) -> ResizeCall {
    ResizeCall { planes, input: input.map(|v| v as u64), rows, columns }
}

#[test]
fn resize_matches_the_reference_on_odd_shapes() {
    type Taps = fn(usize, usize) -> AxisTaps;
    let kinds: [Taps; 3] = [nearest, linear, shuffled];
    for row_kind in kinds {
        for column_kind in kinds {
            for ([h, w], [oh, ow]) in [
                ([1, 1], [1, 1]),
                ([1, 1], [3, 17]),
                ([3, 5], [6, 10]),
                ([4, 8], [8, 16]),
                ([5, 9], [15, 27]),
                ([7, 13], [26, 33]),
                ([6, 40], [3, 13]),
                ([9, 32], [4, 16]),
                ([2, 11], [3, 16]),
                ([33, 20], [17, 7]),
            ] {
                check(&call(3, [h, w], row_kind(h, oh), column_kind(w, ow)));
            }
        }
    }
    // The detection model's: nearest 2x, linear 2x (bands of rows sharing source rows), one plane then two.
    for planes in [1, 2] {
        check(&call(planes, [16, 16], nearest(16, 32), nearest(16, 32)));
        check(&call(planes, [40, 24], linear(40, 80), linear(24, 48)));
    }
}

#[test]
fn empty_calls_and_wrong_slices_are_handled() {
    let empty = call(0, [4, 4], nearest(4, 8), nearest(4, 8));
    resize(&empty, Isa::Portable, &[], &mut []).unwrap();
    let no_columns = call(2, [4, 4], nearest(4, 8), AxisTaps::Nearest(vec![]));
    resize(&no_columns, Isa::Portable, &[0.0; 32], &mut []).unwrap();
    let one = call(2, [2, 3], nearest(2, 4), linear(3, 5));
    let error = resize(&one, Isa::Portable, &[0.0; 11], &mut [0.0; 40]).unwrap_err();
    assert!(error.contains("x needs more than its 44-byte buffer"), "{error}");
    let error = resize(&one, Isa::Portable, &[0.0; 12], &mut [0.0; 39]).unwrap_err();
    assert!(error.contains("y needs more than its 156-byte buffer"), "{error}");
    let outside = call(2, [2, 3], AxisTaps::Nearest(vec![0, 2]), linear(3, 5));
    let error = resize(&outside, Isa::Portable, &[0.0; 12], &mut [0.0; 20]).unwrap_err();
    assert!(error.contains("row position 2 is outside the input's 2"), "{error}");
    let mut uneven = one.clone();
    if let AxisTaps::Linear { weights, .. } = &mut uneven.columns {
        weights[0].pop();
    }
    let error = resize(&uneven, Isa::Portable, &[0.0; 12], &mut [0.0; 40]).unwrap_err();
    assert!(error.contains("the column tables differ in length"), "{error}");
}

const X: [u64; 4] = [2, 3, 5, 11];
const Y: [u64; 4] = [2, 3, 10, 17];

/// A model with one resize step: 2 images of 3 channels, 5x11 to 10x17, nearest rows and linear columns.
fn artefact() -> Artefact {
    let resize = call(6, [5, 11], nearest(5, 10), linear(11, 17));
    let io = |base: Base, shape: &[u64]| BufferRef { base, offset: 0, len: 4 * shape.iter().product::<u64>() };
    let info = |name: &str, shape: &[u64]| TensorInfo { name: name.into(), dtype: DType::F32, shape: shape.to_vec() };
    Artefact {
        producer: "resize tests".into(),
        target: msc_runtime::host_triple(),
        cpu_features: vec![],
        manifest: Manifest { inputs: vec![info("x", &X)], outputs: vec![info("y", &Y)] },
        weights: vec![],
        plan: Plan {
            arena_size: 0,
            kernels: vec![],
            steps: vec![Step {
                routine: Routine::Resize(Box::new(resize)),
                tiles: 0,
                args: vec![io(Base::Input(0), &X), io(Base::Output(0), &Y)],
                name: "resize".into(),
                op_type: "kernel.resize".into(),
            }],
        },
        code: vec![],
        ir: None,
    }
}

fn edit_call(a: &mut Artefact, edit: impl FnOnce(&mut ResizeCall)) {
    let Routine::Resize(call) = &mut a.plan.steps[0].routine else { unreachable!("the resize step") };
    edit(call);
}

#[test]
fn resize_steps_match_the_reference_on_one_and_three_threads() {
    let a = artefact();
    let Routine::Resize(call) = &a.plan.steps[0].routine else { unreachable!("the resize step") };
    let x = data(X.iter().product::<u64>() as usize, 1);
    let want = reference(call, &x);
    for threads in [1, 3] {
        let session = common::session(&a, threads);
        let kernels: Vec<&str> = session.model().steps().map(|s| s.kernel).collect();
        assert_eq!(kernels, ["resize (runtime)"]);
        let xt = Tensor::from_slice(&X.map(|v| v as usize), &x).unwrap();
        let out = session.run(&[("x", &xt)]).unwrap();
        let got = out[0].1.to_f32_vec().unwrap();
        for (i, (g, &(value, magnitude))) in got.iter().zip(&want).enumerate() {
            assert!((f64::from(*g) - value).abs() <= 1e-6 * (1.0 + magnitude), "y[{i}] on {threads} threads: {g}");
        }
    }
}

#[test]
fn resize_steps_round_trip_through_bytes() {
    let a = artefact();
    assert_eq!(Artefact::read(&a.to_bytes()).unwrap(), a);
}

#[test]
fn the_loader_rejects_malformed_resize_steps() {
    let rejected = |edit: &dyn Fn(&mut Artefact)| common::routine_error(artefact(), edit);
    let message = rejected(&|a| a.plan.steps[0].tiles = 2);
    assert!(message.contains("malformed resize call: tiles is 2, must be 0"), "{message}");
    let message = rejected(&|a| edit_call(a, |c| c.input[1] += 1));
    assert!(message.contains("x needs more than its"), "{message}");
    let message = rejected(&|a| edit_call(a, |c| c.rows = nearest(5, 11)));
    assert!(message.contains("y needs more than its"), "{message}");
    let message = rejected(&|a| edit_call(a, |c| c.input = [4, 11]));
    assert!(message.contains("row position 4 is outside the input's 4"), "{message}");
    let message = rejected(&|a| {
        edit_call(a, |c| {
            if let AxisTaps::Linear { positions, .. } = &mut c.columns {
                positions[1][16] = 11;
            }
        })
    });
    assert!(message.contains("column position 11 is outside the input's 11"), "{message}");
    let message = rejected(&|a| edit_call(a, |c| c.input = [5, 1 << 40]));
    assert!(message.contains("exceed"), "{message}");
    let message = rejected(&|a| edit_call(a, |c| c.planes = u64::MAX));
    assert!(message.contains("needs more than its"), "{message}");
    let message = rejected(&|a| a.plan.steps[0].args.truncate(1));
    assert!(message.contains("takes 2 buffers, this one has 1"), "{message}");
}

#[test]
fn truncated_and_corrupted_resize_plans_are_errors_not_panics() {
    common::assert_truncated_and_corrupted_read_without_panics(&artefact().to_bytes());
}
