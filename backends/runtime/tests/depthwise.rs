//! The depthwise routine: its kernels (every instruction set the host has, each vectorized along the width and
//! across channels) against a plain f64 reference on odd shapes, channel counts around the 8-channel groups,
//! strides, dilations, pads and kernels, each activation, with and without bias and residual; the rule plans
//! choose a vectorization by; plan steps running it on one and three threads; encoding round trips; and the
//! loader's checks.

mod common;

use common::{ACTIVATIONS, activate, data};

use msc_runtime::TensorInfo;
use msc_runtime::depthwise::{DepthwiseCall, Isa, Strategy, Vectorize, depthwise};
use msc_runtime::routine::{Activation, Conv2d, Routine};
use msc_runtime::{Artefact, Base, BufferRef, DType, Manifest, Plan, Step, Tensor};

/// One test shape: channels, image, kernel, stride, dilation, pads (top, left, bottom, right), multiplier.
#[derive(Debug, Clone, Copy)]
struct Shape {
    channels: u64,
    image: [u64; 2],
    kernel: [u64; 2],
    stride: [u64; 2],
    dilation: [u64; 2],
    pads: [u64; 4],
    multiplier: u64,
}

impl Shape {
    fn call(&self, batch: u64, bias: bool, residual: bool, activation: Activation) -> DepthwiseCall {
        let out = |i: usize| {
            let extent = (self.kernel[i] - 1) * self.dilation[i] + 1;
            (self.image[i] + self.pads[i] + self.pads[i + 2] - extent) / self.stride[i] + 1
        };
        DepthwiseCall {
            batch,
            conv: Conv2d {
                channels: self.channels,
                height: self.image[0],
                width: self.image[1],
                kernel: self.kernel,
                stride: self.stride,
                dilation: self.dilation,
                pad: [self.pads[0], self.pads[1]],
                out: [out(0), out(1)],
            },
            multiplier: self.multiplier,
            alpha: 0.75,
            bias,
            residual,
            activation,
        }
    }
}

fn shape(
    channels: u64,
    image: [u64; 2],
    kernel: [u64; 2],
    stride: [u64; 2],
    dilation: [u64; 2],
    pads: [u64; 4],
) -> Shape {
    Shape { channels, image, kernel, stride, dilation, pads, multiplier: 1 }
}

/// The call computed plainly in f64, every tap bounds-checked.
fn reference(call: &DepthwiseCall, x: &[f32], w: &[f32], bias: Option<&[f32]>, residual: Option<&[f32]>) -> Vec<f32> {
    let c = call.conv;
    let oc = c.channels * call.multiplier;
    let mut y = Vec::new();
    for n in 0..call.batch {
        for o in 0..oc {
            let channel = o / call.multiplier;
            for oy in 0..c.out[0] {
                for ox in 0..c.out[1] {
                    let mut acc = 0f64;
                    for ky in 0..c.kernel[0] {
                        for kx in 0..c.kernel[1] {
                            let iy = (oy * c.stride[0] + ky * c.dilation[0]) as i64 - c.pad[0] as i64;
                            let ix = (ox * c.stride[1] + kx * c.dilation[1]) as i64 - c.pad[1] as i64;
                            if (0..c.height as i64).contains(&iy) && (0..c.width as i64).contains(&ix) {
                                let xi = ((n * c.channels + channel) * c.height + iy as u64) * c.width + ix as u64;
                                let wi = (o * c.kernel[0] + ky) * c.kernel[1] + kx;
                                acc += f64::from(x[xi as usize]) * f64::from(w[wi as usize]);
                            }
                        }
                    }
                    let at = y.len();
                    let mut v = f64::from(call.alpha) * acc;
                    v += bias.map_or(0.0, |b| f64::from(b[o as usize]));
                    v += residual.map_or(0.0, |r| f64::from(r[at]));
                    y.push(activate(call.activation, v) as f32);
                }
            }
        }
    }
    y
}

fn assert_close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 2e-5 * (1.0 + w.abs()), "{what}[{i}]: got {g}, expected {w}");
    }
}

/// Every instruction set the host has, with each vectorization.
fn strategies() -> Vec<Strategy> {
    let isas = [Isa::Portable, Isa::Avx2].into_iter().filter(|i| i.is_available());
    isas.flat_map(|isa| [Vectorize::AlongWidth, Vectorize::AcrossChannels].map(|vectorize| Strategy { isa, vectorize }))
        .collect()
}

/// Runs `call` with every strategy and compares with the reference.
fn check(call: &DepthwiseCall, what: &str) {
    let c = call.conv;
    let oc = c.channels * call.multiplier;
    let x = data((call.batch * c.channels * c.height * c.width) as usize, 1);
    let w = data((oc * c.kernel[0] * c.kernel[1]) as usize, 2);
    let y_len = (call.batch * oc * c.out[0] * c.out[1]) as usize;
    let bias = call.bias.then(|| data(oc as usize, 3));
    let residual = call.residual.then(|| data(y_len, 4));
    let want = reference(call, &x, &w, bias.as_deref(), residual.as_deref());
    for strategy in strategies() {
        let mut y = vec![f32::NAN; y_len];
        depthwise(call, strategy, &x, &w, &mut y, bias.as_deref(), residual.as_deref()).unwrap();
        assert_close(&y, &want, &format!("{what} {strategy:?} {call:?}"));
    }
}

#[test]
fn kernels_match_the_reference_on_odd_shapes() {
    let shapes = [
        // 3x3 stride 1, widths below, at and past 8 lanes and not multiples of 8.
        shape(3, [5, 7], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        shape(2, [9, 17], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        shape(2, [4, 24], [3, 3], [1, 1], [1, 1], [0, 0, 0, 0]),
        // 1x1 images, with and without padding.
        shape(4, [1, 1], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        shape(4, [1, 1], [1, 1], [1, 1], [1, 1], [0, 0, 0, 0]),
        // Stride 2 on odd sizes, symmetric and asymmetric pads.
        shape(3, [7, 13], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1]),
        shape(2, [11, 33], [3, 3], [2, 2], [1, 1], [0, 0, 1, 1]),
        shape(2, [6, 19], [3, 3], [2, 2], [1, 1], [1, 0, 0, 2]),
        // Dilation 2.
        shape(2, [10, 21], [3, 3], [1, 1], [2, 2], [2, 2, 2, 2]),
        shape(2, [9, 9], [3, 3], [2, 2], [2, 2], [2, 1, 0, 3]),
        // 5x5 and 1x3 kernels, a 3x1, stride 3 (gathered), mixed strides.
        shape(3, [12, 20], [5, 5], [1, 1], [1, 1], [2, 2, 2, 2]),
        shape(2, [8, 15], [5, 5], [2, 2], [1, 1], [2, 2, 1, 1]),
        shape(2, [6, 11], [1, 3], [1, 1], [1, 1], [0, 1, 0, 1]),
        shape(2, [7, 10], [3, 1], [1, 1], [1, 1], [1, 0, 1, 0]),
        shape(2, [13, 29], [3, 3], [3, 3], [1, 1], [1, 1, 1, 1]),
        shape(2, [9, 26], [3, 3], [1, 2], [1, 1], [1, 1, 1, 1]),
        shape(2, [10, 12], [3, 3], [2, 1], [1, 3], [0, 3, 1, 2]),
        // Pads wider than the kernel reach.
        shape(1, [3, 4], [2, 2], [1, 1], [1, 1], [3, 4, 2, 5]),
    ];
    for (i, s) in shapes.iter().enumerate() {
        check(&s.call(1, false, false, Activation::None), &format!("shape {i}"));
        check(&s.call(2, true, true, Activation::Relu), &format!("shape {i} with bias and residual"));
    }
    let multiplied = Shape { multiplier: 3, ..shape(2, [6, 10], [3, 3], [2, 1], [1, 1], [1, 1, 1, 1]) };
    check(&multiplied.call(2, true, false, Activation::Clip { lo: 0.0, hi: 6.0 }), "multiplier 3");
}

#[test]
fn every_activation_with_bias_and_residual_on_and_off() {
    let s = shape(3, [9, 19], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]);
    let strided = shape(2, [9, 19], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1]);
    let grouped = shape(9, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]);
    for activation in ACTIVATIONS {
        for (bias, residual) in [(false, false), (true, false), (false, true), (true, true)] {
            check(&s.call(1, bias, residual, activation), "stride 1");
            check(&strided.call(1, bias, residual, activation), "stride 2");
            check(&grouped.call(2, bias, residual, activation), "9 channels");
        }
    }
}

#[test]
fn channel_groups_match_the_reference_on_tails_and_small_planes() {
    // Channel counts below, at and past one and two 8-channel groups, on planes from 1x1 to 112 wide.
    for channels in [1, 7, 8, 9, 17] {
        for image in [[1, 1], [2, 3], [7, 7], [13, 9], [3, 112]] {
            let s = shape(channels, image, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]);
            check(&s.call(2, true, true, Activation::Relu), &format!("{channels} channels"));
        }
    }
    let shapes = [
        // 1x1, 5x5 and 3x1 kernels.
        shape(9, [13, 9], [1, 1], [1, 1], [1, 1], [0, 0, 0, 0]),
        shape(9, [13, 9], [5, 5], [1, 1], [1, 1], [2, 2, 2, 2]),
        shape(9, [13, 9], [3, 1], [1, 1], [1, 1], [1, 0, 1, 0]),
        // Strides 2 and 3, mixed strides and dilations, asymmetric pads.
        shape(9, [13, 9], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1]),
        shape(17, [7, 7], [3, 3], [2, 2], [1, 1], [0, 0, 1, 1]),
        shape(9, [13, 9], [3, 3], [3, 3], [1, 1], [0, 2, 1, 1]),
        shape(9, [13, 9], [3, 3], [1, 1], [2, 2], [2, 2, 2, 2]),
        shape(7, [13, 9], [3, 3], [2, 1], [1, 2], [0, 3, 2, 1]),
        shape(9, [2, 3], [5, 5], [3, 3], [1, 1], [2, 2, 2, 2]),
        shape(9, [6, 112], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1]),
        shape(8, [5, 112], [3, 3], [1, 3], [1, 1], [1, 1, 0, 2]),
    ];
    for (i, s) in shapes.iter().enumerate() {
        check(&s.call(1, false, false, Activation::None), &format!("shape {i}"));
        check(
            &s.call(2, true, true, Activation::Clip { lo: 0.0, hi: 0.5 }),
            &format!("shape {i} with bias and residual"),
        );
    }
    // Multiplier 2: groups whose lanes share input channels, and groups straddling an input channel.
    for channels in [1, 4, 5, 9] {
        let s = Shape { multiplier: 2, ..shape(channels, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]) };
        check(&s.call(2, true, true, Activation::HardSwish), &format!("{channels} channels, multiplier 2"));
    }
}

#[test]
fn full_channel_groups_finish_every_activation_with_and_without_a_residual() {
    // Whole 8-channel groups (the unrolled finishing code) beside a partial one, on widths whose columns
    // pack four at a time with 0, 1, 2 and 3 left over, strides 1 to 3, each activation.
    let shapes = [
        shape(8, [5, 14], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]),
        shape(16, [6, 10], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1]),
        shape(17, [4, 12], [3, 3], [2, 2], [1, 1], [0, 1, 1, 0]),
        shape(8, [7, 11], [3, 3], [3, 3], [1, 1], [1, 1, 1, 1]),
        shape(8, [3, 9], [3, 3], [1, 2], [2, 1], [2, 0, 2, 1]),
    ];
    for (i, s) in shapes.iter().enumerate() {
        for activation in ACTIVATIONS {
            for (bias, residual) in [(true, false), (false, true), (true, true)] {
                check(&s.call(2, bias, residual, activation), &format!("shape {i}"));
            }
        }
    }
}

#[test]
fn plans_vectorize_wide_unit_stride_rows_along_the_width_and_the_rest_across_channels() {
    let vectorize = |s: Shape| Strategy::for_call(&s.call(1, true, false, Activation::None), Isa::Portable).vectorize;
    let mobilenet = |channels, size, stride| shape(channels, [size, size], [3, 3], [stride; 2], [1, 1], [1, 1, 1, 1]);
    assert_eq!(vectorize(mobilenet(16, 224, 1)), Vectorize::AlongWidth);
    assert_eq!(vectorize(mobilenet(16, 224, 2)), Vectorize::AcrossChannels);
    for (channels, size, stride) in [(32, 112, 1), (96, 112, 2), (144, 56, 2), (192, 28, 1), (384, 14, 1), (960, 7, 1)]
    {
        assert_eq!(vectorize(mobilenet(channels, size, stride)), Vectorize::AcrossChannels, "{channels}x{size}");
    }
    // Rows too long for 8 channels' padded rows to fit the scratch budget stay along the width, and asking
    // for channels there is an error.
    let long = shape(1, [1, 1 << 17], [3, 3], [1, 2], [1, 1], [1, 1, 1, 1]);
    assert_eq!(vectorize(long), Vectorize::AlongWidth);
    let call = long.call(1, false, false, Activation::None);
    let (x, w) = (vec![0.0; 1 << 17], [0.0; 9]);
    let mut y = vec![0.0; call.conv.out[1] as usize];
    let strategy = Strategy { isa: Isa::Portable, vectorize: Vectorize::AcrossChannels };
    let err = depthwise(&call, strategy, &x, &w, &mut y, None, None).unwrap_err();
    assert!(err.contains("across channels"), "{err}");
}

#[test]
fn empty_calls_and_wrong_slices_are_handled() {
    let s = shape(2, [4, 4], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]);
    let call = s.call(0, false, false, Activation::None);
    for strategy in strategies() {
        depthwise(&call, strategy, &[], &[0.0; 18], &mut [], None, None).unwrap();
    }
    let call = s.call(1, true, false, Activation::None);
    let strategy = Strategy::for_call(&call, Isa::Portable);
    let err = depthwise(&call, strategy, &[0.0; 32], &[0.0; 18], &mut [0.0; 32], None, None).unwrap_err();
    assert!(err.contains("bias"), "{err}");
    let err = depthwise(&call, strategy, &[0.0; 31], &[0.0; 18], &mut [0.0; 32], Some(&[0.0; 2]), None).unwrap_err();
    assert!(err.contains("x needs more than its 124-byte buffer"), "{err}");
}

const X: [u64; 4] = [2, 6, 9, 14];

/// A model with one depthwise step: 6 channels, 3x3, stride 2, pads 1, bias, residual input, ReLU6.
fn artefact() -> Artefact {
    let call = shape(6, [9, 14], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1]).call(
        2,
        true,
        true,
        Activation::Clip { lo: 0.0, hi: 6.0 },
    );
    let y = [2, 6, call.conv.out[0], call.conv.out[1]];
    let (w, b) = (data(54, 2), data(6, 3));
    let mut bytes: Vec<u8> = w.iter().flat_map(|v| v.to_le_bytes()).collect();
    bytes.resize(256, 0);
    bytes.extend(b.iter().flat_map(|v| v.to_le_bytes()));
    let io = |base: Base, shape: &[u64]| BufferRef { base, offset: 0, len: 4 * shape.iter().product::<u64>() };
    let info = |name: &str, shape: &[u64]| TensorInfo { name: name.into(), dtype: DType::F32, shape: shape.to_vec() };
    Artefact {
        producer: "depthwise tests".into(),
        target: msc_runtime::host_triple(),
        cpu_features: vec![],
        manifest: Manifest { inputs: vec![info("x", &X), info("r", &y)], outputs: vec![info("y", &y)] },
        weights: bytes,
        plan: Plan {
            arena_size: 0,
            kernels: vec![],
            steps: vec![Step {
                routine: Routine::Depthwise(Box::new(call)),
                tiles: 0,
                args: vec![
                    io(Base::Input(0), &X),
                    BufferRef { base: Base::Weights, offset: 0, len: 216 },
                    io(Base::Output(0), &y),
                    BufferRef { base: Base::Weights, offset: 256, len: 24 },
                    io(Base::Input(1), &y),
                ],
                name: "dw".into(),
                op_type: "kernel.depthwise_conv".into(),
            }],
        },
        code: vec![],
        ir: None,
    }
}

fn the_call(a: &mut Artefact) -> &mut DepthwiseCall {
    match &mut a.plan.steps[0].routine {
        Routine::Depthwise(call) => call,
        _ => unreachable!("the step is a depthwise call"),
    }
}

#[test]
fn depthwise_steps_match_the_reference_on_one_and_three_threads() {
    let mut a = artefact();
    let call = the_call(&mut a).clone();
    let x = data(X.iter().product::<u64>() as usize, 1);
    let y_len = (2 * 6 * call.conv.out[0] * call.conv.out[1]) as usize;
    let r = data(y_len, 4);
    let want = reference(&call, &x, &data(54, 2), Some(&data(6, 3)), Some(&r));
    let y_shape = [2, 6, call.conv.out[0] as usize, call.conv.out[1] as usize];
    for threads in [1, 3] {
        let session = common::session(&a, threads);
        assert_eq!(session.model().steps().next().unwrap().kernel, "depthwise (runtime)");
        let xt = Tensor::from_slice(&X.map(|v| v as usize), &x).unwrap();
        let rt = Tensor::from_slice(&y_shape, &r).unwrap();
        let out = session.run(&[("x", &xt), ("r", &rt)]).unwrap();
        assert_close(&out[0].1.to_f32_vec().unwrap(), &want, &format!("{threads} threads"));
    }
}

#[test]
fn depthwise_steps_round_trip_through_bytes() {
    let a = artefact();
    assert_eq!(Artefact::read(&a.to_bytes()).unwrap(), a);
}

/// The routine error loading the fixture fails with after `edit`.
fn rejected(edit: impl FnOnce(&mut Artefact)) -> String {
    common::routine_error(artefact(), edit)
}

#[test]
fn the_loader_rejects_malformed_depthwise_steps() {
    let message = rejected(|a| a.plan.steps[0].tiles = 2);
    assert!(message.contains("malformed depthwise call: tiles is 2, must be 0"), "{message}");
    let message = rejected(|a| the_call(a).conv.out[0] += 1);
    assert!(message.contains("y needs more than its"), "{message}");
    let message = rejected(|a| the_call(a).conv.height += 1);
    assert!(message.contains("x needs more than its"), "{message}");
    let message = rejected(|a| the_call(a).multiplier = 2);
    assert!(message.contains("w needs more than its"), "{message}");
    let message = rejected(|a| a.plan.steps[0].args[3].len = 20);
    assert!(message.contains("the bias needs more than its 20-byte buffer"), "{message}");
    let message = rejected(|a| the_call(a).residual = false);
    assert!(message.contains("takes 4 buffers, this one has 5"), "{message}");
    let message = rejected(|a| the_call(a).conv.stride = [0, 1]);
    assert!(message.contains("zero kernel, stride"), "{message}");
    let message = rejected(|a| the_call(a).conv.dilation = [1, 1 << 40]);
    assert!(message.contains("padded input windows"), "{message}");
    let message = rejected(|a| the_call(a).conv.pad = [1, u64::MAX]);
    assert!(message.contains("padded input windows"), "{message}");
}

#[test]
fn truncated_and_corrupted_depthwise_plans_are_errors_not_panics() {
    common::assert_truncated_and_corrupted_read_without_panics(&artefact().to_bytes());
}

#[test]
fn geometries_print_and_parse_back() {
    let c = artefact().plan.steps[0].routine.clone();
    let Routine::Depthwise(call) = c else { unreachable!() };
    let text = call.conv.to_string();
    assert_eq!(text, "6x9x14 k3x3 s2x2 d1x1 p1x1 o5x7");
    assert_eq!(text.parse::<Conv2d>().unwrap(), call.conv);
    assert!("6x9 k3x3 s2x2 d1x1 p1x1 o5x7".parse::<Conv2d>().is_err());
}
