//! The Winograd convolution routine: the fused transforms and GEMMs (every instruction set the host has)
//! against a plain f64 direct 3x3 convolution on odd shapes (1 tile, 1x1 and 2x5 images, tile rows not a
//! multiple of 8, partial last tiles, symmetric and asymmetric pads, batch 2, 1, 3 and 17 channels, 1, 5 and
//! 33 filters), each activation with and without bias and residual, U row-major and packed (the host's MR and
//! a generic width), the host's blocking and forced small ones (blocks of 1, 3 and 8 tiles, so tile counts are
//! not multiples of the block and blocks cross tile rows; bands of one and two panels; 2 and 3 filter groups);
//! the blocking's choices; plan steps on one and three threads; encoding round trips; and the loader's checks.
//!
//! Tolerance: `1e-5 · (1 + Σ|terms|)`, the sum of the absolute values of every product the exact result adds
//! (`|x·g|` over the window, the bias and the residual): the transforms multiply by up to 5 and 8 and U's
//! entries are sums of the weights, so errors scale with these magnitudes, not with the result.

mod common;

use common::{ACTIVATIONS, activate, data};

use msc_runtime::depthwise::Isa;
use msc_runtime::gemm::{CacheSizes, StridedSlice, Variant, pack_a, packed_a_len};
use msc_runtime::routine::{Activation, Routine};
use msc_runtime::winograd::{
    MATRICES, POSITIONS, TAPS, WINDOW, WinogradBlocking, WinogradConvCall, WinogradPlan, winograd_conv,
};
use msc_runtime::{Artefact, Base, BufferRef, DType, Manifest, Plan, Step, Tensor, TensorInfo};

/// A value and the magnitude its error is measured against.
#[derive(Clone, Copy)]
struct Expected {
    value: f64,
    magnitude: f64,
}

fn assert_close(got: &[f32], want: &[Expected], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (f64::from(*g) - w.value).abs() <= 1e-5 * (1.0 + w.magnitude);
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

/// A convolution to test: the call (U row-major), its 3x3 weights `g` (`filters x channels x 3 x 3`) and data.
struct Case {
    call: WinogradConvCall,
    x: Vec<f32>,
    g: Vec<f64>,
    bias: Option<Vec<f32>>,
    residual: Option<Vec<f32>>,
}

impl Case {
    #[allow(clippy::too_many_arguments)]
    fn new(
        images: u64,
        channels: u64,
        filters: u64,
        image: [u64; 2],
        pads: [u64; 4],
        bias: bool,
        residual: bool,
        activation: Activation,
    ) -> Case {
        let out = [image[0] + pads[0] + pads[2] - 2, image[1] + pads[1] + pads[3] - 2];
        let call = WinogradConvCall {
            images,
            channels,
            filters,
            input: image,
            pad: [pads[0], pads[1]],
            out,
            u_width: 0,
            bias,
            residual,
            activation,
        };
        let y_len = (images * filters * out[0] * out[1]) as usize;
        Case {
            x: data((images * channels * image[0] * image[1]) as usize, 1),
            g: data((filters * channels) as usize * TAPS * TAPS, 2).into_iter().map(f64::from).collect(),
            bias: bias.then(|| data(filters as usize, 3)),
            residual: residual.then(|| data(y_len, 4)),
            call,
        }
    }

    /// `U[p][k][c] = (G g_kc Gᵀ)[p]` in f64, rounded to f32, row-major.
    fn u(&self) -> Vec<f32> {
        let (k, c) = (self.call.filters as usize, self.call.channels as usize);
        let mut u = vec![0f32; POSITIONS * k * c];
        for kc in 0..k * c {
            let g = &self.g[kc * TAPS * TAPS..][..TAPS * TAPS];
            for (a, ga) in MATRICES.g.iter().enumerate() {
                for (b, gb) in MATRICES.g.iter().enumerate() {
                    let mut v = 0.0;
                    for i in 0..TAPS {
                        for j in 0..TAPS {
                            v += ga[i] * g[i * TAPS + j] * gb[j];
                        }
                    }
                    u[(a * WINDOW + b) * k * c + kc] = v as f32;
                }
            }
        }
        u
    }

    /// U packed in panels of `width` rows per position.
    fn packed_u(&self, width: usize) -> Vec<f32> {
        let (k, c) = (self.call.filters as usize, self.call.channels as usize);
        let u = self.u();
        let len = packed_a_len(k, c, width);
        let mut packed = vec![0f32; POSITIONS * len];
        for (p, dst) in packed.chunks_exact_mut(len).enumerate() {
            let src = StridedSlice { data: &u[p * k * c..][..k * c], row_stride: c, col_stride: 1 };
            pack_a(src, k, c, width, dst).unwrap();
        }
        packed
    }

    /// The direct convolution in f64 with the epilogue.
    fn reference(&self) -> Vec<Expected> {
        let call = &self.call;
        let ([h, w], [oh, ow]) = (call.input.map(|v| v as usize), call.out.map(|v| v as usize));
        let (c, k) = (call.channels as usize, call.filters as usize);
        let mut y = Vec::new();
        for n in 0..call.images as usize {
            for f in 0..k {
                for oy in 0..oh {
                    for ox in 0..ow {
                        let (mut value, mut magnitude) = (0.0, 0.0);
                        for ch in 0..c {
                            for i in 0..TAPS {
                                for j in 0..TAPS {
                                    let r = (oy + i).checked_sub(call.pad[0] as usize).filter(|&r| r < h);
                                    let s = (ox + j).checked_sub(call.pad[1] as usize).filter(|&s| s < w);
                                    let (Some(r), Some(s)) = (r, s) else { continue };
                                    let term = f64::from(self.x[((n * c + ch) * h + r) * w + s])
                                        * self.g[((f * c + ch) * TAPS + i) * TAPS + j];
                                    value += term;
                                    magnitude += term.abs();
                                }
                            }
                        }
                        let at = y.len();
                        let extras = [self.bias.as_ref().map(|b| b[f]), self.residual.as_ref().map(|r| r[at])];
                        for extra in extras.into_iter().flatten() {
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

    /// Runs the routine with U packed in panels of `u_width` (0: row-major) under `blocking` (`None`: the
    /// host's for one thread) with each instruction set, checking y against the reference.
    fn check(&self, u_width: u32, blocking: Option<WinogradBlocking>) {
        let call = WinogradConvCall { u_width, ..self.call.clone() };
        let u = if u_width == 0 { self.u() } else { self.packed_u(u_width as usize) };
        let plan = match blocking {
            Some(blocking) => WinogradPlan::with_blocking(&call, blocking).unwrap(),
            None => WinogradPlan::new(&call, 1).unwrap(),
        };
        let want = self.reference();
        for isa in isas() {
            let mut y = vec![f32::NAN; want.len()];
            winograd_conv(&call, &plan, isa, &self.x, &u, &mut y, self.bias.as_deref(), self.residual.as_deref())
                .unwrap();
            assert_close(&y, &want, &format!("{call:?} {:?} {isa:?}", plan.blocking()));
        }
    }
}

/// The host engine's register tile rows: U's panel width when packed for it.
fn host_mr() -> usize {
    Variant::available_on_host()[0].mr()
}

/// Small blockings that cut every shape into several blocks (crossing tile rows), bands and groups.
fn small_blockings() -> Vec<WinogradBlocking> {
    let mr = host_mr();
    vec![
        WinogradBlocking { tiles: 1, filters: 1000, groups: 1 },
        WinogradBlocking { tiles: 3, filters: mr, groups: 2 },
        WinogradBlocking { tiles: 8, filters: 2 * mr, groups: 3 },
    ]
}

#[test]
fn the_convolution_matches_the_reference_on_odd_shapes_and_blockings() {
    let sizes = [(1, 1, 1), (2, 3, 5), (1, 17, 33)];
    for (s, &(image, pads)) in SHAPES.iter().enumerate() {
        for (i, &(images, channels, filters)) in sizes.iter().enumerate() {
            let activation = ACTIVATIONS[(s + i) % ACTIVATIONS.len()];
            let (bias, residual) = ((s + i) % 2 == 0, (s + i) % 3 != 1);
            let case = Case::new(images, channels, filters, image, pads, bias, residual, activation);
            case.check(0, None);
            for blocking in small_blockings() {
                case.check(0, Some(blocking));
            }
        }
    }
}

#[test]
fn every_activation_with_and_without_bias_and_residual() {
    for (a, activation) in ACTIVATIONS.into_iter().enumerate() {
        for (bias, residual) in [(false, false), (true, false), (false, true), (true, true)] {
            let case = Case::new(2, 3, 5, [7, 9], [1, 1, 1, 1], bias, residual, activation);
            case.check(0, Some(small_blockings()[a % 3]));
        }
    }
}

#[test]
fn packed_u_matches_the_reference_for_the_host_and_a_generic_panel_width() {
    let case = Case::new(2, 17, 33, [13, 37], [1, 0, 2, 1], true, true, Activation::Relu);
    for width in [host_mr() as u32, 5] {
        case.check(width, None);
        let (mr, band) = (width as usize, 2 * width as usize);
        case.check(width, Some(WinogradBlocking { tiles: 5, filters: band, groups: 2 }));
        case.check(width, Some(WinogradBlocking { tiles: 16, filters: mr, groups: 1 }));
    }
}

/// A call of `images x channels` to `filters` on an `out` plane (pads 1, so the input is as large).
fn shaped(images: u64, channels: u64, filters: u64, out: [u64; 2]) -> WinogradConvCall {
    let mut call = Case::new(1, 1, 1, [1, 1], [1, 1, 1, 1], false, false, Activation::None).call;
    (call.images, call.channels, call.filters, call.input, call.out) = (images, channels, filters, out, out);
    call
}

#[test]
fn the_blocking_keeps_blocks_in_l2_and_splits_filters_for_threads() {
    let (variant, caches) = (Variant::AVX2, CacheSizes { l1d: 32 << 10, l2: 512 << 10 });
    let at = |call: &WinogradConvCall, threads| WinogradBlocking::for_call(call, variant, caches, threads);
    // Detection's 96 -> 32 conv at 128x128 (1024 tiles): 16-tile blocks, all filters in one band.
    let detection = shaped(1, 96, 32, [128, 128]);
    assert_eq!(at(&detection, 1), WinogradBlocking { tiles: 16, filters: 32, groups: 1 });
    // ResNet-50's last stage: 4 tiles of 512 -> 512 filters: one block, bands of whole panels, a group per
    // thread.
    let last = shaped(1, 512, 512, [7, 7]);
    let one = at(&last, 1);
    assert_eq!((one.tiles, one.groups), (4, 1));
    assert!(one.filters % variant.mr() == 0 && one.filters < 512, "{one:?}");
    assert_eq!(at(&last, 2).groups, 2);
    for (c, k, side) in [(64, 64, 56), (128, 128, 28), (256, 256, 14), (3, 4, 8), (17, 33, 5), (1, 1, 1)] {
        let call = shaped(1, c, k, [side, side]);
        let b = at(&call, 1);
        let per_image = (side.div_ceil(4) * side.div_ceil(4)) as usize;
        let bytes = 4 * POSITIONS * b.tiles * (c as usize + b.filters);
        let what = format!("{c} -> {k} at {side}: {b:?}");
        assert!(b.tiles <= per_image && b.filters <= k as usize && b.groups == 1, "{what}");
        assert!(b.filters % variant.mr() == 0 || b.filters == k as usize, "{what}");
        assert!(b.tiles >= per_image.min(variant.nr()), "{what}");
        assert!(bytes <= caches.l2 || b.tiles == per_image.min(variant.nr()), "{what}");
    }
}

#[test]
fn empty_calls_bad_blockings_and_wrong_slices_are_handled() {
    let case = Case::new(1, 2, 3, [4, 4], [1, 1, 1, 1], true, false, Activation::Relu);
    let plan = WinogradPlan::new(&case.call, 1).unwrap();
    let empty = WinogradConvCall { images: 0, ..case.call.clone() };
    winograd_conv(&empty, &plan, Isa::Portable, &[], &[], &mut [], Some(&[]), None).unwrap();
    let u = case.u();
    let (x, bias) = (&case.x, Some(&[0.0; 3][..]));
    let error = winograd_conv(&case.call, &plan, Isa::Portable, &x[1..], &u, &mut [0.0; 48], bias, None).unwrap_err();
    assert!(error.contains("x needs more than its 124-byte buffer"), "{error}");
    let error = winograd_conv(&case.call, &plan, Isa::Portable, x, &u[1..], &mut [0.0; 48], bias, None).unwrap_err();
    assert!(error.contains("U needs more than its 860-byte buffer"), "{error}");
    let error = winograd_conv(&case.call, &plan, Isa::Portable, x, &u, &mut [0.0; 47], bias, None).unwrap_err();
    assert!(error.contains("y needs more than its 188-byte buffer"), "{error}");
    let error = winograd_conv(&case.call, &plan, Isa::Portable, x, &u, &mut [0.0; 48], None, None).unwrap_err();
    assert!(error.contains("differ from the call's"), "{error}");
    let no_channels = WinogradConvCall { channels: 0, ..case.call.clone() };
    let error = winograd_conv(&no_channels, &plan, Isa::Portable, x, &u, &mut [0.0; 48], bias, None).unwrap_err();
    assert!(error.contains("at least one input channel"), "{error}");
    for (blocking, message) in [
        (WinogradBlocking { tiles: 0, filters: 1, groups: 1 }, "empty block"),
        (WinogradBlocking { tiles: 1, filters: 1, groups: 0 }, "no group"),
    ] {
        let error = WinogradPlan::with_blocking(&case.call, blocking).unwrap_err();
        assert!(error.contains(message), "{error}");
    }
    let wide = shaped(1, 2, 3 * host_mr() as u64, [4, 4]);
    let error = WinogradPlan::with_blocking(&wide, WinogradBlocking { tiles: 1, filters: 1, groups: 1 }).unwrap_err();
    assert!(error.contains("not whole panels"), "{error}");
}

/// The plan's case: 2 images of 3 channels, 5x11, pads 1; 4 filters with a bias (a weight), a residual input
/// and ReLU6; U a weight, packed for the host.
fn plan_case() -> Case {
    Case::new(2, 3, 4, [5, 11], [1, 1, 1, 1], true, true, Activation::Clip { lo: 0.0, hi: 6.0 })
}

/// A model with the one Winograd step: x and the residual inputs, U and the bias weights, y the output.
fn artefact() -> Artefact {
    let case = plan_case();
    let width = host_mr();
    let call = WinogradConvCall { u_width: width as u32, ..case.call.clone() };
    let u = case.packed_u(width);
    let x_shape = [2, 3, 5, 11];
    let y_shape = [2, 4, call.out[0], call.out[1]];
    let io = |base: Base, shape: &[u64]| BufferRef { base, offset: 0, len: 4 * shape.iter().product::<u64>() };
    let info = |name: &str, shape: &[u64]| TensorInfo { name: name.into(), dtype: DType::F32, shape: shape.to_vec() };
    let u_bytes = 4 * u.len() as u64;
    let weights: Vec<u8> = u.iter().chain(case.bias.as_ref().unwrap()).flat_map(|v| v.to_le_bytes()).collect();
    Artefact {
        producer: "winograd tests".into(),
        target: msc_runtime::host_triple(),
        cpu_features: vec![],
        manifest: Manifest {
            inputs: vec![info("x", &x_shape), info("r", &y_shape)],
            outputs: vec![info("y", &y_shape)],
        },
        weights,
        plan: Plan {
            arena_size: 0,
            kernels: vec![],
            steps: vec![Step {
                routine: Routine::WinogradConv(Box::new(call)),
                tiles: 0,
                args: vec![
                    io(Base::Input(0), &x_shape),
                    BufferRef { base: Base::Weights, offset: 0, len: u_bytes },
                    io(Base::Output(0), &y_shape),
                    BufferRef { base: Base::Weights, offset: u_bytes, len: 16 },
                    io(Base::Input(1), &y_shape),
                ],
                name: "conv".into(),
                op_type: "kernel.winograd_conv".into(),
            }],
        },
        code: vec![],
        ir: None,
    }
}

#[test]
fn winograd_steps_match_the_reference_on_one_and_three_threads() {
    let (a, case) = (artefact(), plan_case());
    let want = case.reference();
    let y_shape = [2, 4, case.call.out[0] as usize, case.call.out[1] as usize];
    for threads in [1, 3] {
        let session = common::session(&a, threads);
        let kernels: Vec<&str> = session.model().steps().map(|s| s.kernel).collect();
        assert_eq!(kernels, ["winograd conv (runtime)"]);
        let xt = Tensor::from_slice(&[2, 3, 5, 11], &case.x).unwrap();
        let rt = Tensor::from_slice(&y_shape, case.residual.as_ref().unwrap()).unwrap();
        let out = session.run(&[("x", &xt), ("r", &rt)]).unwrap();
        assert_close(&out[0].1.to_f32_vec().unwrap(), &want, &format!("y on {threads} threads"));
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

fn edit_call(a: &mut Artefact, edit: impl FnOnce(&mut WinogradConvCall)) {
    let Routine::WinogradConv(call) = &mut a.plan.steps[0].routine else { unreachable!("the Winograd step") };
    edit(call);
}

#[test]
fn the_loader_rejects_malformed_winograd_steps() {
    let message = rejected(|a| a.plan.steps[0].tiles = 2);
    assert!(message.contains("malformed Winograd convolution call: tiles is 2, must be 0"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.input[1] += 1));
    assert!(message.contains("x needs more than its"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.out[1] += 1));
    assert!(message.contains("y needs more than its"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.pad = [1, u64::MAX]));
    assert!(message.contains("exceed"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.channels = u64::MAX));
    assert!(message.contains("needs more than its"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.filters = 2 * host_mr() as u64));
    assert!(message.contains("U needs more than its"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.u_width = 65));
    assert!(message.contains("outside 1..=64"), "{message}");
    let message = rejected(|a| a.plan.steps[0].args[3].len = 12);
    assert!(message.contains("the bias needs more than its 12-byte buffer"), "{message}");
    let message = rejected(|a| edit_call(a, |c| c.residual = false));
    assert!(message.contains("takes 4 buffers, this one has 5"), "{message}");
}

#[test]
fn truncated_and_corrupted_winograd_plans_are_errors_not_panics() {
    common::assert_truncated_and_corrupted_read_without_panics(&artefact().to_bytes());
}
