//! Tests of the fused ops: reference semantics against independent compositions (existing kernels,
//! explicit index loops, hand-computed values), inferred types (static and symbolic), and one
//! verifier error per rule.

mod common;

use common::{assert_close, f32s, single_op, ty};
use msc_ir::{Builder, OpId, Value};
use msc_nn::ops::*;
use msc_nn_kernels::Tensor;
use msc_nn_kernels::conv::{ConvParams, conv};
use msc_nn_kernels::matmul::matmul;
use msc_nn_kernels::movement::transpose;
use msc_nn_kernels::unary::{UnaryOp, unary};

/// Deterministic values in [-2, 2) of the given shape.
fn data(shape: &[usize], seed: u64) -> Tensor {
    let n: usize = shape.iter().product();
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let values: Vec<f64> = (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f64 / (1u64 << 24) as f64) * 4.0 - 2.0
        })
        .collect();
    f32s(shape, &values)
}

fn strings(steps: &[&str]) -> Vec<String> {
    steps.iter().map(|s| s.to_string()).collect()
}

/// An N x C x H x W tensor stored N x C/k x H x W x k, by explicit index arithmetic.
fn block(t: &Tensor, k: usize) -> Tensor {
    let s = t.shape().to_vec();
    let v = t.to_f64();
    let mut out = vec![0.0; v.len()];
    for n in 0..s[0] {
        for c in 0..s[1] {
            for h in 0..s[2] {
                for w in 0..s[3] {
                    let src = ((n * s[1] + c) * s[2] + h) * s[3] + w;
                    let dst = (((n * (s[1] / k) + c / k) * s[2] + h) * s[3] + w) * k + c % k;
                    out[dst] = v[src];
                }
            }
        }
    }
    f32s(&[s[0], s[1] / k, s[2], s[3], k], &out)
}

#[test]
fn fused_conv_nhwc_is_transpose_conv_relu_transpose() {
    let (x, w, b) = (data(&[2, 5, 6, 3], 1), data(&[4, 3, 3, 3], 2), data(&[4], 3));
    let f = single_op(&["2x5x6x3xf32", "4x3x3x3xf32", "4xf32"], |bld, a| {
        FusedConv::new(a[0], a[1])
            .b(a[2])
            .layout("NHWC")
            .pads(vec![1, 0, 0, 1])
            .strides(vec![2, 1])
            .epilogue(strings(&["relu"]))
            .build(bld)
    })
    .unwrap();
    assert_eq!(f.ty(), ty("2x2x5x4xf32"));
    f.verify().unwrap();
    let got = &f.run(&[x.clone(), w.clone(), b.clone()]).unwrap()[0];
    let params = ConvParams { pads: vec![1, 0, 0, 1], strides: vec![2, 1], ..ConvParams::default() };
    let y = conv(&transpose(&x, Some(&[0, 3, 1, 2])).unwrap(), &w, Some(&b), &params).unwrap();
    let y = transpose(&unary(&UnaryOp::Relu, &y).unwrap(), Some(&[0, 2, 3, 1])).unwrap();
    assert_eq!(got.shape(), y.shape());
    assert_close(got, &y.to_f64());
}

#[test]
fn fused_conv_blocked_with_groups_bias_and_residual() {
    // NCHW4c, group 2 (C/group = 4, M/group = 4), residual extra in the stored layout and a
    // per-channel extra [1, 2, 1, 1, 4] (M/k x k blocks).
    let (x, w) = (data(&[1, 8, 5, 5], 4), data(&[8, 4, 3, 3], 5));
    let residual = data(&[1, 8, 3, 3], 6);
    let scale = data(&[1, 2, 1, 1, 4], 7);
    let types = ["1x2x5x5x4xf32", "8x4x3x3xf32", "1x2x3x3x4xf32", "1x2x1x1x4xf32"];
    let f = single_op(&types, |bld, a| {
        FusedConv::new(a[0], a[1])
            .extras(vec![a[2], a[3]])
            .layout("NCHW4c")
            .group(2)
            .dilations(vec![2, 2])
            .pads(vec![1, 1, 1, 1])
            .epilogue(strings(&["add $2", "mul $3 swap", "clip -1 inf"]))
            .build(bld)
    })
    .unwrap();
    assert_eq!(f.ty(), ty("1x2x3x3x4xf32"));
    f.verify().unwrap();
    let got = &f.run(&[block(&x, 4), w.clone(), block(&residual, 4), scale.clone()]).unwrap()[0];
    let params = ConvParams { group: 2, dilations: vec![2, 2], pads: vec![1, 1, 1, 1], ..ConvParams::default() };
    let y = block(&conv(&x, &w, None, &params).unwrap(), 4);
    let (r, s) = (block(&residual, 4).to_f64(), scale.to_f64());
    let expected: Vec<f64> =
        y.to_f64().iter().enumerate().map(|(i, v)| (s[(i / 9 / 4) * 4 + i % 4] * (v + r[i])).max(-1.0)).collect();
    assert_close(got, &expected);
}

#[test]
fn fused_conv_nchw_depthwise_in_8c_and_symbolic_shapes() {
    // Depthwise in NCHW8c: group = C = 8.
    let x = data(&[1, 8, 4, 4], 8);
    let w = data(&[8, 1, 3, 3], 9);
    let f = single_op(&["1x1x4x4x8xf32", "8x1x3x3xf32"], |bld, a| {
        FusedConv::new(a[0], a[1]).layout("NCHW8c").group(8).auto_pad("SAME_UPPER").build(bld)
    })
    .unwrap();
    f.verify().unwrap();
    let got = &f.run(&[block(&x, 8), w.clone()]).unwrap()[0];
    let params = ConvParams { group: 8, auto_pad: msc_nn_kernels::conv::AutoPad::SameUpper, ..ConvParams::default() };
    assert_close(got, &block(&conv(&x, &w, None, &params).unwrap(), 8).to_f64());
    // NCHW, 1-D, with no epilogue behaves as nn.conv.
    let (x1, w1) = (data(&[2, 3, 7], 10), data(&[2, 3, 2], 11));
    let f = single_op(&["2x3x7xf32", "2x3x2xf32"], |bld, a| FusedConv::new(a[0], a[1]).build(bld)).unwrap();
    assert_eq!(f.ty(), ty("2x2x6xf32"));
    let expected = conv(&x1, &w1, None, &ConvParams::default()).unwrap();
    assert_close(&f.run(&[x1, w1]).unwrap()[0], &expected.to_f64());
    // Symbolic batch and block counts.
    let f = single_op(&["Nx8x8x3xf32", "4x3x3x3xf32"], |bld, a| {
        FusedConv::new(a[0], a[1]).layout("NHWC").pads(vec![1, 1, 1, 1]).build(bld)
    })
    .unwrap();
    assert_eq!(f.ty(), ty("Nx8x8x4xf32"));
    let f =
        single_op(&["NxBx6x6x4xf32", "8x4x3x3xf32"], |bld, a| FusedConv::new(a[0], a[1]).layout("NCHW4c").build(bld))
            .unwrap();
    assert_eq!(f.ty(), ty("Nx2x4x4x4xf32"));
    f.verify().unwrap();
}

/// `t` with its last two axes swapped, by explicit index arithmetic.
fn swap_last(t: &Tensor) -> Tensor {
    let s = t.shape().to_vec();
    let r = s.len();
    let (rows, cols) = (s[r - 2], s[r - 1]);
    let v = t.to_f64();
    let mut out = vec![0.0; v.len()];
    for (i, &x) in v.iter().enumerate() {
        let (m, rest) = (i / (rows * cols), i % (rows * cols));
        out[m * rows * cols + (rest % cols) * rows + rest / cols] = x;
    }
    let mut shape = s;
    shape.swap(r - 2, r - 1);
    f32s(&shape, &out)
}

#[test]
fn fused_matmul_transposes_broadcasts_and_applies_the_epilogue() {
    let (a, b, bias) = (data(&[2, 1, 4, 3], 12), data(&[3, 5, 4], 13), data(&[5], 14));
    let f = single_op(&["2x1x4x3xf32", "3x5x4xf32", "5xf32"], |bld, x| {
        FusedMatMul::new(x[0], x[1])
            .extras(vec![x[2]])
            .trans_a(1)
            .trans_b(1)
            .epilogue(strings(&["add $2", "gelu"]))
            .build(bld)
    })
    .unwrap();
    assert_eq!(f.ty(), ty("2x3x3x5xf32"));
    f.verify().unwrap();
    let got = &f.run(&[a.clone(), b.clone(), bias.clone()]).unwrap()[0];
    let product = matmul(&swap_last(&a), &swap_last(&b)).unwrap();
    let biased = msc_nn_kernels::binary::binary(msc_nn_kernels::binary::BinaryOp::Add, &product, &bias).unwrap();
    let expected = unary(&UnaryOp::GELU, &biased).unwrap();
    assert_close(got, &expected.to_f64());
    // Rank-1 rules as nn.matmul: [3] x [3, 4] -> [4].
    let f = single_op(&["3xf32", "4x3xf32"], |bld, x| FusedMatMul::new(x[0], x[1]).trans_b(1).build(bld)).unwrap();
    assert_eq!(f.ty(), ty("4xf32"));
    let f = single_op(&["Bx2x3xf32", "3x4xf32"], |bld, x| FusedMatMul::new(x[0], x[1]).build(bld)).unwrap();
    assert_eq!(f.ty(), ty("Bx2x4xf32"));
}

#[test]
fn fused_elementwise_broadcasts_the_first_input_and_runs_the_steps() {
    let (x, s) = (f32s(&[3], &[-1.0, 0.5, 2.0]), f32s(&[2, 1], &[1.0, 2.0]));
    let f = single_op(&["3xf32", "2x1xf32"], |bld, a| {
        FusedElementwise::new().inputs(vec![a[0], a[1]]).steps(strings(&["mul $1", "sigmoid", "mul $0"])).build(bld)
    })
    .unwrap();
    assert_eq!(f.ty(), ty("2x3xf32"));
    f.verify().unwrap();
    let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
    let mut expected = Vec::new();
    for sv in [1.0, 2.0] {
        for xv in [-1.0, 0.5, 2.0] {
            expected.push(sigmoid(xv * sv) * xv);
        }
    }
    assert_close(&f.run(&[x, s]).unwrap()[0], &expected);
}

#[test]
fn rms_norm_over_one_and_two_trailing_axes() {
    // Rows [3, 4] and [1, 1]: mean squares 12.5 and 1; epsilon 0.
    let x = f32s(&[2, 2], &[3.0, 4.0, 1.0, 1.0]);
    let scale = f32s(&[2], &[1.0, 2.0]);
    let f = single_op(&["2x2xf32", "2xf32"], |bld, a| RmsNorm::new(a[0], a[1]).epsilon(0.0).build(bld)).unwrap();
    f.verify().unwrap();
    let r = 12.5f64.sqrt();
    assert_close(&f.run(&[x.clone(), scale.clone()]).unwrap()[0], &[3.0 / r, 8.0 / r, 1.0, 2.0]);
    // Over both axes: mean square (9 + 16 + 1 + 1) / 4 = 6.75, default epsilon 1e-5.
    let f = single_op(&["2x2xf32", "2xf32"], |bld, a| RmsNorm::new(a[0], a[1]).axis(0).build(bld)).unwrap();
    let r = (6.75f64 + 1e-5).sqrt();
    assert_close(&f.run(&[x, scale]).unwrap()[0], &[3.0 / r, 8.0 / r, 1.0 / r, 2.0 / r]);
}

/// Attention by explicit loops over one [Sq, D] x [Sk, D] x [Sk, Dv] batch in f64.
fn attention_loops(
    q: &[f64],
    k: &[f64],
    v: &[f64],
    mask: &[f64],
    (sq, sk, d, dv): (usize, usize, usize, usize),
    scale: f64,
) -> Vec<f64> {
    let mut out = vec![0.0; sq * dv];
    for i in 0..sq {
        let scores: Vec<f64> = (0..sk)
            .map(|j| (0..d).map(|t| q[i * d + t] * k[j * d + t]).sum::<f64>() * scale + mask[i * sk + j])
            .collect();
        let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
        let total: f64 = exps.iter().sum();
        for c in 0..dv {
            out[i * dv + c] = (0..sk).map(|j| exps[j] / total * v[j * dv + c]).sum();
        }
    }
    out
}

#[test]
fn attention_matches_explicit_loops_with_and_without_mask() {
    let (sq, sk, d, dv) = (3, 4, 2, 3);
    let (q, k, v) = (data(&[2, sq, d], 20), data(&[sk, d], 21), data(&[2, sk, dv], 22));
    let mask = data(&[sq, sk], 23);
    let f = single_op(&["2x3x2xf32", "4x2xf32", "2x4x3xf32", "3x4xf32"], |bld, a| {
        Attention::new(a[0], a[1], a[2]).mask(a[3]).build(bld)
    })
    .unwrap();
    assert_eq!(f.ty(), ty("2x3x3xf32"));
    f.verify().unwrap();
    let got = &f.run(&[q.clone(), k.clone(), v.clone(), mask.clone()]).unwrap()[0];
    let (qv, kv, vv, mv) = (q.to_f64(), k.to_f64(), v.to_f64(), mask.to_f64());
    let mut expected = Vec::new();
    for bi in 0..2 {
        let qb = &qv[bi * sq * d..][..sq * d];
        let vb = &vv[bi * sk * dv..][..sk * dv];
        expected.extend(attention_loops(qb, &kv, vb, &mv, (sq, sk, d, dv), 1.0 / (d as f64).sqrt()));
    }
    assert_close(got, &expected);
    // No mask, explicit scale.
    let f =
        single_op(&["3x2xf32", "4x2xf32", "4x3xf32"], |bld, a| Attention::new(a[0], a[1], a[2]).scale(0.25).build(bld))
            .unwrap();
    let got = &f.run(&[data(&[3, 2], 24), k.clone(), data(&[4, 3], 25)]).unwrap()[0];
    let zeros = vec![0.0; sq * sk];
    let expected =
        attention_loops(&data(&[3, 2], 24).to_f64(), &kv, &data(&[4, 3], 25).to_f64(), &zeros, (sq, sk, d, dv), 0.25);
    assert_close(got, &expected);
    let f = single_op(&["Bx1x5x8xf32", "Hx7x8xf32", "Hx7x4xf32"], |bld, a| Attention::new(a[0], a[1], a[2]).build(bld))
        .unwrap();
    assert_eq!(f.types()[0].as_tensor().unwrap().shape[2..], ty("5x4xf32").as_tensor().unwrap().shape[..]);
}

/// The verifier error of the op `build` makes from arguments of `types` (built with the result
/// types its shape function infers, when it can; else the builder's error).
fn error(types: &[&str], build: impl FnOnce(&mut Builder<'_>, &[Value]) -> Result<OpId, String>) -> String {
    match single_op(types, build) {
        Ok(f) => f.verify().unwrap_err(),
        Err(e) => e,
    }
}

#[test]
fn verifier_rejects_each_malformed_epilogue() {
    let types = ["1x3x5x5xf32", "4x3x3x3xf32", "4xf32", "1x4x3x3xf32", "1x4x1x2xf32"];
    let conv = |steps: &[&str]| {
        let steps = strings(steps);
        error(&types, move |bld, a| {
            FusedConv::new(a[0], a[1]).b(a[2]).extras(vec![a[3], a[4]]).epilogue(steps).build(bld)
        })
    };
    assert_eq!(conv(&["add $3", "rellu"]), "attribute `epilogue` #1: step \"rellu\": unknown step \"rellu\"");
    assert_eq!(
        conv(&["leaky_relu fast"]),
        "attribute `epilogue` #0: step \"leaky_relu fast\": token \"fast\" is not a number (<alpha>)"
    );
    assert_eq!(
        conv(&["relu", "add $7"]),
        "attribute `epilogue` #1: step \"add $7\": operand $7 is out of range (the op has 5 operands)"
    );
    assert_eq!(
        conv(&["mul $2"]),
        "attribute `epilogue` #0: step \"mul $2\": operand $2 is not an extra operand (extra operands are $3..=$4)"
    );
    assert_eq!(
        conv(&["add $4"]),
        "attribute `epilogue` #0: step \"add $4\": extra operand $4 of shape [1, 4, 1, 2] does not broadcast to the result shape [1, 4, 3, 3]"
    );
    // An extra that would grow the result is rejected too.
    let err = error(&["2x3xf32", "3x4xf32", "5x2x4xf32"], |bld, a| {
        FusedMatMul::new(a[0], a[1]).extras(vec![a[2]]).epilogue(strings(&["add $2"])).build(bld)
    });
    assert_eq!(
        err,
        "attribute `epilogue` #0: step \"add $2\": extra operand $2 of shape [5, 2, 4] does not broadcast to the result shape [2, 4]"
    );
    let err =
        error(&["2x3xf32", "3x4xf32"], |bld, a| FusedMatMul::new(a[0], a[1]).epilogue(strings(&["add $1"])).build(bld));
    assert_eq!(
        err,
        "attribute `epilogue` #0: step \"add $1\": operand $1 is not an extra operand (the op has no extra operands)"
    );
    let err = error(&["3xf32"], |bld, a| FusedElementwise::new().inputs(vec![a[0]]).steps(vec![]).build(bld));
    assert_eq!(err, "attribute `steps` must hold at least one step");
    let err = error(&["3xf32"], |bld, a| {
        FusedElementwise::new().inputs(vec![a[0]]).steps(strings(&["sub $1 swap"])).build(bld)
    });
    assert_eq!(err, "attribute `steps` #0: step \"sub $1 swap\": operand $1 is out of range (the op has 1 operands)");
}

#[test]
fn verifier_rejects_bad_layouts_and_shapes() {
    let conv = |types: &[&str], layout: &'static str, group: i64| {
        error(types, move |bld, a| FusedConv::new(a[0], a[1]).layout(layout).group(group).build(bld))
    };
    assert_eq!(
        conv(&["1x3x5x5xf32", "4x3x3x3xf32"], "NCHW2c", 1),
        "'nn.fused_conv': attribute `layout`: unknown layout \"NCHW2c\"; expected NCHW, NHWC, NCHW4c, NCHW8c or NCHW16c"
    );
    assert_eq!(
        conv(&["1x5x5x3x1xf32", "4x3x3x3xf32"], "NHWC", 1),
        "'nn.fused_conv': layout NHWC needs an N x H x W x C input, got shape [1, 5, 5, 3, 1]"
    );
    assert_eq!(
        conv(&["1x1x5x5x3xf32", "4x3x3x3xf32"], "NCHW4c", 1),
        "'nn.fused_conv': layout NCHW4c needs an N x C/4 x H x W x 4 input, got shape [1, 1, 5, 5, 3]"
    );
    assert_eq!(
        conv(&["1x1x5x5x4xf32", "6x4x3x3xf32"], "NCHW4c", 1),
        "'nn.fused_conv': layout NCHW4c needs the output channel count to be a multiple of 4, got 6"
    );
    assert_eq!(
        conv(&["1x2x5x5x4xf32", "8x2x3x3xf32"], "NCHW4c", 4),
        "layout NCHW4c takes group = 1, depthwise (group = C) or groups of whole channel blocks (C/group and M/group multiples of 4); got group=4 with C=8 and M=8"
    );
    let err = error(&["3xf32", "3x4xf32"], |bld, a| FusedMatMul::new(a[0], a[1]).trans_a(1).build(bld));
    assert_eq!(err, "'nn.fused_matmul': attribute `trans_a` needs an operand of rank 2 or more, got shape [3]");
    let err = error(&["2x3xf32", "2xf32"], |bld, a| RmsNorm::new(a[0], a[1]).build(bld));
    assert_eq!(
        err,
        "'nn.rms_norm': the scale of shape [2] does not broadcast to the normalized axes [3] of the input [2, 3]"
    );
    let attention = |types: &[&str]| {
        error(types, |bld, a| {
            let op = Attention::new(a[0], a[1], a[2]);
            if a.len() > 3 { op.mask(a[3]).build(bld) } else { op.build(bld) }
        })
    };
    assert_eq!(
        attention(&["3x2xf32", "4x5xf32", "4x3xf32"]),
        "'nn.attention': q [3, 2] and k [4, 5] must have the same last dim D (2 vs 5)"
    );
    assert_eq!(
        attention(&["3x2xf32", "4x2xf32", "6x3xf32"]),
        "'nn.attention': k [4, 2] and v [6, 3] must have the same sequence length Sk (4 vs 6)"
    );
    assert_eq!(
        attention(&["3x2xf32", "4x2xf32", "4x3xf32", "3x5xf32"]),
        "the mask of shape [3, 5] does not broadcast to the scores [..., Sq, Sk] = [3, 4]"
    );
}
