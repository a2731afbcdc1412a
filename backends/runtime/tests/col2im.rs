//! The col2im routine of a transposed convolution (every instruction set the host has) against a plain f64
//! reference that scatters every column value onto the output it lands on: kernels 1 to 5, strides 1 to 3,
//! dilation 2, symmetric and asymmetric pads, outputs longer than the taps reach (output padding), batch 2,
//! 1x1 inputs, widths not a multiple of 8, each activation with and without bias and residual; plan steps
//! running it on one and three threads; encoding round trips; and the loader's checks.
//!
//! Tolerance: `1e-5 · (1 + Σ|terms|)`, the sum of the absolute values of what the exact result adds (f32 sums
//! of a handful of terms).

mod common;

use common::{ACTIVATIONS, activate, data};

use msc_runtime::TensorInfo;
use msc_runtime::col2im::{Col2imCall, col2im};
use msc_runtime::depthwise::Isa;
use msc_runtime::routine::{Activation, Routine};
use msc_runtime::{Artefact, Base, BufferRef, DType, Manifest, Plan, Step, Tensor};

/// Every instruction set the host has.
fn isas() -> Vec<Isa> {
    [Isa::Portable, Isa::Avx2].into_iter().filter(|i| i.is_available()).collect()
}

/// Values of `col` for `call`.
fn col_len(call: &Col2imCall) -> usize {
    (call.images * call.channels * call.kernel[0] * call.kernel[1] * call.input[0] * call.input[1]) as usize
}

fn y_len(call: &Col2imCall) -> usize {
    (call.images * call.channels * call.out[0] * call.out[1]) as usize
}

/// The f64 result and the magnitude its error is measured against, per output: every column value is added to
/// the output `i·s + k·d - pad` it lands on, when inside.
fn reference(call: &Col2imCall, col: &[f32], bias: Option<&[f32]>, residual: Option<&[f32]>) -> Vec<(f64, f64)> {
    let ([h, w], [kh, kw], [oh, ow]) = (call.input, call.kernel, call.out);
    let land = |i: u64, k: u64, axis: usize| -> Option<u64> {
        let at = (i * call.stride[axis] + k * call.dilation[axis]).checked_sub(call.pad[axis])?;
        (at < call.out[axis]).then_some(at)
    };
    let mut sums = vec![(0f64, 0f64); y_len(call)];
    for plane in 0..call.images * call.channels {
        for ky in 0..kh {
            for kx in 0..kw {
                for ih in 0..h {
                    for iw in 0..w {
                        let (Some(oy), Some(ox)) = (land(ih, ky, 0), land(iw, kx, 1)) else { continue };
                        let v = f64::from(col[((((plane * kh + ky) * kw + kx) * h + ih) * w + iw) as usize]);
                        let sum = &mut sums[((plane * oh + oy) * ow + ox) as usize];
                        *sum = (sum.0 + v, sum.1 + v.abs());
                    }
                }
            }
        }
    }
    let plane = (oh * ow) as usize;
    sums.iter()
        .enumerate()
        .map(|(i, &(v, magnitude))| {
            let b = bias.map_or(0.0, |b| f64::from(b[i / plane % call.channels as usize]));
            let r = residual.map_or(0.0, |r| f64::from(r[i]));
            (activate(call.activation, v + b + r), magnitude + b.abs() + r.abs())
        })
        .collect()
}

fn assert_close(got: &[f32], want: &[(f64, f64)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, &(value, magnitude))) in got.iter().zip(want).enumerate() {
        let ok = (f64::from(*g) - value).abs() <= 1e-5 * (1.0 + magnitude);
        assert!(ok, "{what}[{i}]: got {g}, expected {value} (magnitude {magnitude})");
    }
}

fn check(call: &Col2imCall) {
    let col = data(col_len(call), 1);
    let bias = call.bias.then(|| data(call.channels as usize, 2));
    let residual = call.residual.then(|| data(y_len(call), 3));
    let want = reference(call, &col, bias.as_deref(), residual.as_deref());
    for isa in isas() {
        let mut y = vec![f32::NAN; y_len(call)];
        col2im(call, isa, &col, &mut y, bias.as_deref(), residual.as_deref()).unwrap();
        assert_close(&y, &want, &format!("{isa:?} {call:?}"));
    }
}

/// A call of `images` images of `channels` channels without epilogue; `out` from the geometry plus `extra`
/// (output padding), less the pads before and after.
fn call(
    [images, channels]: [u64; 2],
    input: [u64; 2],
    kernel: [u64; 2],
    stride: [u64; 2],
    dilation: [u64; 2],
    pads: [u64; 4],
    extra: [u64; 2],
) -> Col2imCall {
    let out = std::array::from_fn(|a| {
        (input[a] - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1 + extra[a] - pads[a] - pads[a + 2]
    });
    Col2imCall {
        images,
        channels,
        input,
        kernel,
        stride,
        dilation,
        pad: [pads[0], pads[1]],
        out,
        bias: false,
        residual: false,
        activation: Activation::None,
    }
}

#[test]
fn col2im_matches_the_reference_on_odd_geometries() {
    for k in 1..=5 {
        for s in 1..=3 {
            for (input, pads) in [([1, 1], [0, 0, 0, 0]), ([3, 7], [1, 1, 1, 1]), ([5, 13], [0, 2, 1, 0])] {
                // Pads past what the kernel reaches would leave no output.
                let pads = pads.map(|p| p.min(k - 1));
                check(&call([1, 2], input, [k, k], [s, s], [1, 1], pads, [0, 0]));
            }
        }
    }
    // The detection model's stride-2 shapes, at odd widths: kernel 4 pad 1 and kernel 2 pad 0.
    for width in [1, 8, 9, 15, 16, 17, 33] {
        check(&call([2, 3], [3, width], [4, 4], [2, 2], [1, 1], [1, 1, 1, 1], [0, 0]));
        check(&call([1, 2], [2, width], [2, 2], [2, 2], [1, 1], [0, 0, 0, 0], [0, 0]));
    }
    // Dilation, unequal strides and kernels, output padding (columns no tap reaches), a stride wider than the
    // output row.
    check(&call([2, 3], [4, 9], [3, 2], [2, 3], [2, 2], [1, 0, 2, 1], [1, 2]));
    check(&call([1, 1], [5, 6], [3, 5], [1, 2], [2, 1], [0, 3, 0, 1], [0, 1]));
    check(&call([1, 2], [1, 1], [1, 1], [3, 3], [1, 1], [0, 0, 0, 0], [2, 2]));
}

#[test]
fn col2im_applies_every_epilogue() {
    for activation in ACTIVATIONS {
        for (bias, residual) in [(false, false), (true, false), (false, true), (true, true)] {
            for geometry in [
                call([2, 3], [5, 11], [4, 4], [2, 2], [1, 1], [1, 1, 1, 1], [0, 0]),
                call([1, 2], [3, 5], [3, 3], [1, 1], [1, 1], [1, 0, 1, 2], [0, 0]),
            ] {
                check(&Col2imCall { bias, residual, activation, ..geometry });
            }
        }
    }
}

#[test]
fn empty_calls_and_wrong_slices_are_handled() {
    let empty = call([0, 3], [4, 4], [2, 2], [2, 2], [1, 1], [0, 0, 0, 0], [0, 0]);
    col2im(&empty, Isa::Portable, &[], &mut [], None, None).unwrap();
    let one = call([1, 2], [2, 2], [2, 2], [2, 2], [1, 1], [0, 0, 0, 0], [0, 0]);
    let error = col2im(&one, Isa::Portable, &[0.0; 31], &mut [0.0; 32], None, None).unwrap_err();
    assert!(error.contains("col needs more than its 124-byte buffer"), "{error}");
    let error = col2im(&one, Isa::Portable, &[0.0; 32], &mut [0.0; 31], None, None).unwrap_err();
    assert!(error.contains("y needs more than its 124-byte buffer"), "{error}");
    let error = col2im(&one, Isa::Portable, &[0.0; 32], &mut [0.0; 32], Some(&[0.0; 2]), None).unwrap_err();
    assert!(error.contains("differ from the call's"), "{error}");
    let biased = Col2imCall { bias: true, ..one.clone() };
    let error = col2im(&biased, Isa::Portable, &[0.0; 32], &mut [0.0; 32], Some(&[0.0]), None).unwrap_err();
    assert!(error.contains("the bias needs more than its 4-byte buffer"), "{error}");
    let zero_stride = Col2imCall { stride: [2, 0], ..one };
    let error = col2im(&zero_stride, Isa::Portable, &[0.0; 32], &mut [0.0; 32], None, None).unwrap_err();
    assert!(error.contains("must be positive"), "{error}");
}

const COL: [u64; 2] = [2 * 4 * 16, 5 * 11];
const Y: [u64; 4] = [2, 4, 10, 22];

/// A model with one col2im step: 2 images of 4 channels, 5x11 columns of a kernel 4, stride 2, pad 1
/// transposed conv (10x22 outputs), with a bias, a residual input and ReLU6.
fn artefact() -> Artefact {
    let col2im = Col2imCall {
        bias: true,
        residual: true,
        activation: Activation::Clip { lo: 0.0, hi: 6.0 },
        ..call([2, 4], [5, 11], [4, 4], [2, 2], [1, 1], [1, 1, 1, 1], [0, 0])
    };
    assert_eq!(col2im.out, [Y[2], Y[3]]);
    let io = |base: Base, shape: &[u64]| BufferRef { base, offset: 0, len: 4 * shape.iter().product::<u64>() };
    let info = |name: &str, shape: &[u64]| TensorInfo { name: name.into(), dtype: DType::F32, shape: shape.to_vec() };
    Artefact {
        producer: "col2im tests".into(),
        target: msc_runtime::host_triple(),
        cpu_features: vec![],
        manifest: Manifest { inputs: vec![info("col", &COL), info("r", &Y)], outputs: vec![info("y", &Y)] },
        weights: data(4, 2).iter().flat_map(|v| v.to_le_bytes()).collect(),
        plan: Plan {
            arena_size: 0,
            kernels: vec![],
            steps: vec![Step {
                routine: Routine::Col2im(Box::new(col2im)),
                tiles: 0,
                args: vec![
                    io(Base::Input(0), &COL),
                    io(Base::Output(0), &Y),
                    BufferRef { base: Base::Weights, offset: 0, len: 16 },
                    io(Base::Input(1), &Y),
                ],
                name: "col2im".into(),
                op_type: "kernel.col2im".into(),
            }],
        },
        code: vec![],
        ir: None,
    }
}

fn the_call(a: &Artefact) -> Col2imCall {
    let Routine::Col2im(call) = &a.plan.steps[0].routine else { unreachable!("the col2im step") };
    (**call).clone()
}

#[test]
fn col2im_steps_match_the_reference_on_one_and_three_threads() {
    let a = artefact();
    let call = the_call(&a);
    let col = data(COL.iter().product::<u64>() as usize, 1);
    let r = data(Y.iter().product::<u64>() as usize, 3);
    let want = reference(&call, &col, Some(&data(4, 2)), Some(&r));
    for threads in [1, 3] {
        let session = common::session(&a, threads);
        let kernels: Vec<&str> = session.model().steps().map(|s| s.kernel).collect();
        assert_eq!(kernels, ["col2im (runtime)"]);
        let colt = Tensor::from_slice(&COL.map(|v| v as usize), &col).unwrap();
        let rt = Tensor::from_slice(&Y.map(|v| v as usize), &r).unwrap();
        let out = session.run(&[("col", &colt), ("r", &rt)]).unwrap();
        assert_close(&out[0].1.to_f32_vec().unwrap(), &want, &format!("y on {threads} threads"));
    }
}

#[test]
fn col2im_steps_round_trip_through_bytes() {
    let a = artefact();
    assert_eq!(Artefact::read(&a.to_bytes()).unwrap(), a);
}

/// The routine error loading the fixture fails with after `edit`.
fn rejected(edit: impl FnOnce(&mut Artefact)) -> String {
    common::routine_error(artefact(), edit)
}

fn edit_call(a: &mut Artefact, edit: impl FnOnce(&mut Col2imCall)) {
    let Routine::Col2im(call) = &mut a.plan.steps[0].routine else { unreachable!("the col2im step") };
    edit(call);
}

#[test]
fn the_loader_rejects_malformed_col2im_steps() {
    let message = rejected(|a| a.plan.steps[0].tiles = 2);
    assert!(message.contains("malformed col2im call: tiles is 2, must be 0"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.input[1] += 1));
    assert!(message.contains("col needs more than its"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.out[0] += 1));
    assert!(message.contains("y needs more than its"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.kernel = [4, 0]));
    assert!(message.contains("must be positive"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.dilation = [1, 1 << 40]));
    assert!(message.contains("exceed"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.channels = u64::MAX));
    assert!(message.contains("needs more than its"), "{message}");
    let message = rejected(|a| a.plan.steps[0].args[2].len = 12);
    assert!(message.contains("the bias needs more than its 12-byte buffer"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.residual = false));
    assert!(message.contains("takes 3 buffers, this one has 4"), "{message}");
}

#[test]
fn truncated_and_corrupted_col2im_plans_are_errors_not_panics() {
    common::assert_truncated_and_corrupted_read_without_panics(&artefact().to_bytes());
}
