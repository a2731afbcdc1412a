//! `lower-to-kernel` for the fused ops: each case lowers one fused op, runs it with the kernel
//! interpreter and compares with the reference interpreter (`common::check_within`). Tolerance:
//! 1e-4 relative (`|got - want| <= 1e-4 * (1 + |want|)`) for f32, since the lowering accumulates in
//! f32 in another order where the reference computes in f64; 2e-2 for f16 results (one f16 ulp
//! is about 1e-3, and the reference rounds each step to f16).

mod common;

use msc_nn_kernels::{DType, Data, Tensor};

const TOL: f64 = 1e-4;

/// A module with one function `@f` taking `inputs` (types) as `%a0, %a1, ...` and returning the
/// single result `%y` of `body`.
fn module(inputs: &[String], body: &str, result: &str) -> String {
    let args: Vec<String> = inputs.iter().enumerate().map(|(i, t)| format!("%a{i}: {t}")).collect();
    format!(
        r#""builtin.module"() ({{
  "func.func"() ({{
  ^bb0({}):
{body}
    "func.return"(%y) : ({result}) -> ()
  }}) {{function_type = ({}) -> ({result}), sym_name = "f"}} : () -> ()
}}) : () -> ()"#,
        args.join(", "),
        inputs.join(", "),
    )
}

/// Deterministic values in [-2, 2) of the given shape and dtype.
fn data(shape: &[usize], seed: u64, dtype: DType) -> Tensor {
    let n: usize = shape.iter().product();
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let values: Vec<f64> = (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f64 / (1u64 << 24) as f64) * 4.0 - 2.0
        })
        .collect();
    Tensor::from_f64(dtype, shape.to_vec(), &values).unwrap()
}

fn ty(shape: &[usize], element: &str) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    if dims.is_empty() { format!("tensor<{element}>") } else { format!("tensor<{}x{element}>", dims.join("x")) }
}

/// `op` with `attrs` on operands of `shapes` (element `element`), result `out`: lowered and
/// compared within `tol`. Returns the lowered text.
fn case(op: &str, attrs: &str, shapes: &[&[usize]], out: &[usize], element: &str, tol: f64) -> String {
    let dtype = match element {
        "f32" => DType::F32,
        "f64" => DType::F64,
        "f16" => DType::F16,
        other => panic!("no dtype for {other}"),
    };
    let types: Vec<String> = shapes.iter().map(|s| ty(s, element)).collect();
    let operands: Vec<String> = (0..shapes.len()).map(|i| format!("%a{i}")).collect();
    let result = ty(out, element);
    let body = format!("    %y = \"{op}\"({}) {attrs} : ({}) -> {result}", operands.join(", "), types.join(", "));
    let inputs: Vec<Tensor> = shapes.iter().enumerate().map(|(i, s)| data(s, i as u64 + 1, dtype)).collect();
    common::check_within(&module(&types, &body, &result), &inputs, tol)
}

fn f32_case(op: &str, attrs: &str, shapes: &[&[usize]], out: &[usize]) -> String {
    case(op, attrs, shapes, out, "f32", TOL)
}

/// `operandSegmentSizes` of a fused_conv with or without bias and `extras` extra operands.
fn segments(bias: bool, extras: usize) -> String {
    format!("operandSegmentSizes = [1, 1, {}, {extras}]", i32::from(bias))
}

#[test]
fn fused_conv_nchw_strides_dilations_asymmetric_pads_bias_and_epilogue() {
    // Odd sizes (tails), stride 2, dilation 2, asymmetric pads, bias, per-channel and residual extras.
    let attrs = format!(
        "{{{}, pads = [1, 0, 2, 1], strides = [2, 1], dilations = [1, 2], epilogue = [\"mul $3\", \"add $4\", \"relu\"]}}",
        segments(true, 2)
    );
    let text = f32_case(
        "nn.fused_conv",
        &attrs,
        &[&[2, 3, 7, 6], &[4, 3, 3, 2], &[4], &[4, 1, 1], &[2, 4, 4, 5]],
        &[2, 4, 4, 5],
    );
    assert!(text.contains("sym_name = \"fused_conv_0\""), "{text}");
    // 1-D and 3-D, no bias, epilogue of activations only.
    let attrs = format!("{{{}, pads = [1, 1], epilogue = [\"gelu_tanh\"]}}", segments(false, 0));
    f32_case("nn.fused_conv", &attrs, &[&[1, 4, 5], &[6, 4, 3]], &[1, 6, 5]);
    let attrs = format!("{{{}, pads = [0, 1, 0, 1, 0, 1], epilogue = [\"silu\"]}}", segments(false, 0));
    f32_case("nn.fused_conv", &attrs, &[&[1, 2, 3, 3, 3], &[2, 2, 2, 2, 2]], &[1, 2, 3, 3, 3]);
}

#[test]
fn fused_conv_transpose_folds_engine_epilogues_into_the_col2im() {
    // Bias, residual and an activation: all in the col2im call, no epilogue kernel.
    for activation in ["relu", "clip 0 6", "leaky_relu 0.1", "sigmoid", "tanh", "silu", "gelu", "hard_swish"] {
        let attrs = format!(
            "{{{}, strides = [2, 2], pads = [1, 1, 1, 1], epilogue = [\"add $3\", \"{activation}\"]}}",
            segments(true, 1)
        );
        let shapes: [&[usize]; 4] = [&[2, 3, 3, 9], &[3, 2, 4, 4], &[2], &[2, 2, 6, 18]];
        let text = f32_case("nn.fused_conv_transpose", &attrs, &shapes, &[2, 2, 6, 18]);
        assert!(text.contains("\"kernel.col2im\""), "{text}");
        assert!(!text.contains("fused_conv_epilogue"), "{text}");
    }
    // A per-channel bias added as a step, groups, dilation and output padding.
    let attrs = format!(
        "{{{}, group = 2, dilations = [2, 1], strides = [1, 3], output_padding = [0, 2], epilogue = [\"add $2\", \"relu\"]}}",
        segments(false, 1)
    );
    let text = f32_case("nn.fused_conv_transpose", &attrs, &[&[1, 4, 3, 5], &[4, 1, 2, 3], &[2, 1, 1]], &[1, 2, 5, 17]);
    assert!(text.contains("bias = true"), "{text}");
    // A step the col2im does not have (a scale after the bias): the loops, then the epilogue kernel.
    let attrs = format!("{{{}, epilogue = [\"mul $3\"]}}", segments(true, 1));
    let text =
        f32_case("nn.fused_conv_transpose", &attrs, &[&[1, 2, 3, 3], &[2, 2, 2, 2], &[2], &[2, 1, 1]], &[1, 2, 4, 4]);
    assert!(!text.contains("\"kernel.col2im\"") && text.contains("fused_conv_epilogue"), "{text}");
}

#[test]
fn fused_conv_groups_and_depthwise() {
    let attrs = format!("{{{}, group = 2, pads = [1, 1, 1, 1], epilogue = [\"hard_swish\"]}}", segments(true, 0));
    f32_case("nn.fused_conv", &attrs, &[&[1, 4, 5, 5], &[6, 2, 3, 3], &[6]], &[1, 6, 5, 5]);
    let attrs = format!(
        "{{{}, auto_pad = \"SAME_UPPER\", group = 4, strides = [2, 2], epilogue = [\"clip 0 6\"]}}",
        segments(false, 0)
    );
    f32_case("nn.fused_conv", &attrs, &[&[1, 4, 5, 5], &[4, 1, 3, 3]], &[1, 4, 3, 3]);
}

#[test]
fn fused_conv_nhwc() {
    // Residual in NHWC and a per-channel scale [M] broadcast along the last axis.
    let attrs = format!(
        "{{{}, layout = \"NHWC\", pads = [1, 2, 0, 1], strides = [2, 2], epilogue = [\"add $3\", \"mul $4 swap\", \"leaky_relu 0.1\"]}}",
        segments(true, 2)
    );
    f32_case("nn.fused_conv", &attrs, &[&[2, 7, 6, 3], &[5, 3, 3, 3], &[5], &[2, 3, 4, 5], &[5]], &[2, 3, 4, 5]);
    // Depthwise NHWC with dilation 2.
    let attrs =
        format!("{{{}, layout = \"NHWC\", group = 3, dilations = [2, 2], pads = [2, 2, 2, 2]}}", segments(false, 0));
    f32_case("nn.fused_conv", &attrs, &[&[1, 5, 5, 3], &[3, 1, 3, 3]], &[1, 5, 5, 3]);
}

#[test]
fn fused_conv_blocked_layouts() {
    for k in [4usize, 8, 16] {
        // C = 2k, M = 2k, stride 2, odd spatial sizes, residual in the blocked layout and a
        // per-channel bias extra [1, M/k, 1, 1, k].
        let attrs = format!(
            "{{{}, layout = \"NCHW{k}c\", pads = [1, 0, 1, 1], strides = [2, 1], epilogue = [\"add $3\", \"sub $4\", \"elu 1\"]}}",
            segments(true, 2)
        );
        let (x, w, b) = ([1, 2, 5, 4, k], [2 * k, 2 * k, 3, 2], [2 * k]);
        let (res, per_channel, out) = ([1, 2, 3, 4, k], [1, 2, 1, 1, k], [1, 2, 3, 4, k]);
        f32_case("nn.fused_conv", &attrs, &[&x, &w, &b, &res, &per_channel], &out);
    }
    // Groups of whole blocks (C/group = M/group = 4) and depthwise (group = C = 8).
    let attrs =
        format!("{{{}, layout = \"NCHW4c\", group = 2, dilations = [2, 2], pads = [2, 2, 2, 2]}}", segments(false, 0));
    f32_case("nn.fused_conv", &attrs, &[&[1, 2, 5, 5, 4], &[8, 4, 3, 3]], &[1, 2, 5, 5, 4]);
    let attrs = format!(
        "{{{}, layout = \"NCHW8c\", group = 8, pads = [1, 1, 1, 1], epilogue = [\"relu\"]}}",
        segments(true, 0)
    );
    f32_case("nn.fused_conv", &attrs, &[&[2, 1, 4, 3, 8], &[8, 1, 3, 3], &[8]], &[2, 1, 4, 3, 8]);
}

#[test]
fn fused_conv_in_f64_and_f16() {
    let attrs = format!(
        "{{{}, layout = \"NHWC\", pads = [1, 1, 1, 1], epilogue = [\"add $3\", \"sigmoid\"]}}",
        segments(true, 1)
    );
    let shapes: [&[usize]; 4] = [&[1, 4, 5, 3], &[2, 3, 3, 3], &[2], &[1, 1, 1, 2]];
    case("nn.fused_conv", &attrs, &shapes, &[1, 4, 5, 2], "f64", 1e-9);
    case("nn.fused_conv", &attrs, &shapes, &[1, 4, 5, 2], "f16", 2e-2);
}

#[test]
fn fused_matmul_transposes_batches_and_epilogues() {
    // Batch broadcast [2, 1] x [3] with both transposes, a bias row and a residual.
    let attrs = "{trans_a = 1, trans_b = 1, epilogue = [\"add $2\", \"add $3\", \"tanh\"]}";
    f32_case("nn.fused_matmul", attrs, &[&[2, 1, 5, 3], &[3, 7, 5], &[7], &[2, 3, 3, 7]], &[2, 3, 3, 7]);
    let attrs = "{trans_b = 1, epilogue = [\"div $2 swap\", \"max $3\"]}";
    f32_case("nn.fused_matmul", attrs, &[&[4, 6], &[5, 6], &[4, 1], &[5]], &[4, 5]);
    // Rank-1 operands, no epilogue.
    f32_case("nn.fused_matmul", "{trans_b = 1}", &[&[3], &[4, 3]], &[4]);
    f32_case("nn.fused_matmul", "{epilogue = [\"softplus\"]}", &[&[2, 4, 3], &[3]], &[2, 4]);
    case("nn.fused_matmul", "{trans_a = 1, epilogue = [\"mish\"]}", &[&[3, 2], &[3, 4]], &[2, 4], "f16", 2e-2);
}

#[test]
fn fused_elementwise_chains() {
    let steps =
        "{steps = [\"mul $1\", \"sigmoid\", \"mul $0\", \"abs\", \"pow $2\", \"min $1 swap\", \"abs\", \"sqrt\"]}";
    f32_case("nn.fused_elementwise", steps, &[&[3, 5], &[2, 1, 5], &[5]], &[2, 3, 5]);
    let steps =
        "{steps = [\"gelu\", \"erf\", \"exp\", \"neg\", \"reciprocal\", \"hard_sigmoid 0.2 0.5\", \"sub $1 swap\"]}";
    f32_case("nn.fused_elementwise", steps, &[&[4, 1], &[4, 6]], &[4, 6]);
}

#[test]
fn rms_norm_over_trailing_axes() {
    f32_case("nn.rms_norm", "", &[&[3, 5, 7], &[7]], &[3, 5, 7]);
    f32_case("nn.rms_norm", "{axis = -2, epsilon = 1.0e-3}", &[&[3, 5, 7], &[5, 7]], &[3, 5, 7]);
    f32_case("nn.rms_norm", "{axis = 1}", &[&[2, 3, 4], &[1, 4]], &[2, 3, 4]);
    case("nn.rms_norm", "", &[&[2, 9], &[9]], &[2, 9], "f16", 2e-2);
}

#[test]
fn attention_with_and_without_mask() {
    // Batch broadcast of q [2, 3, 5, 4] with k/v [3, 7, 4] / [1, 7, 6], default scale.
    f32_case("nn.attention", "", &[&[2, 3, 5, 4], &[3, 7, 4], &[1, 7, 6]], &[2, 3, 5, 6]);
    // A mask broadcast along the batch and an explicit scale.
    f32_case("nn.attention", "{scale = 0.3}", &[&[2, 5, 4], &[2, 7, 4], &[2, 7, 3], &[5, 7]], &[2, 5, 3]);
    f32_case("nn.attention", "", &[&[5, 4], &[7, 4], &[7, 3], &[1, 7]], &[5, 3]);
}

#[test]
fn zero_sized_results_launch_nothing() {
    let attrs = format!("{{{}, layout = \"NHWC\"}}", segments(false, 0));
    let text = f32_case("nn.fused_conv", &attrs, &[&[0, 3, 3, 2], &[4, 2, 1, 1]], &[0, 3, 3, 4]);
    assert!(!text.contains("kernel.launch"), "{text}");
    let x = Tensor::new(vec![0, 4], Data::F32(vec![])).unwrap();
    let src = module(
        &[ty(&[0, 4], "f32"), ty(&[4], "f32")],
        "    %y = \"nn.rms_norm\"(%a0, %a1) : (tensor<0x4xf32>, tensor<4xf32>) -> tensor<0x4xf32>",
        &ty(&[0, 4], "f32"),
    );
    common::check_within(&src, &[x, data(&[4], 1, DType::F32)], TOL);
}

/// Asserts `lowered` computes its op in one call of the GEMM engine and no loop kernel.
fn assert_gemm_only(lowered: &str) {
    assert_eq!(lowered.matches("\"kernel.gemm\"").count(), 1, "{lowered}");
    assert!(!lowered.contains("kernel.launch"), "{lowered}");
}

#[test]
fn epilogues_of_the_engines_form_run_in_the_gemm_engines_store() {
    // Matmul with a transposed weight, a per-column bias, a residual and GELU.
    let attrs = r#"{trans_b = 1, epilogue = ["add $2", "add $3", "gelu"]}"#;
    assert_gemm_only(&f32_case("nn.fused_matmul", attrs, &[&[2, 3, 5], &[4, 5], &[4], &[2, 3, 4]], &[2, 3, 4]));
    // Conv with its bias, a residual and ReLU6; and a pointwise conv with a per-channel extra bias.
    let attrs = format!(r#"{{pads = [1, 1, 1, 1], epilogue = ["add $3", "clip 0 6"], {}}}"#, segments(true, 1));
    let shapes: &[&[usize]] = &[&[2, 3, 6, 5], &[8, 3, 3, 3], &[8], &[2, 8, 6, 5]];
    assert_gemm_only(&f32_case("nn.fused_conv", &attrs, shapes, &[2, 8, 6, 5]));
    let attrs = format!(r#"{{epilogue = ["add $3", "add $2", "leaky_relu 0.25"], {}}}"#, segments(false, 2));
    let shapes: &[&[usize]] = &[&[1, 4, 5, 5], &[8, 4, 1, 1], &[8, 1, 1], &[1, 8, 5, 5]];
    assert_gemm_only(&f32_case("nn.fused_conv", &attrs, shapes, &[1, 8, 5, 5]));
    // A scalar constant multiplier becomes the engine's alpha.
    let types = [ty(&[3, 5], "f32"), ty(&[5, 4], "f32")];
    let body = r#"    %s = "nn.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
    %y = "nn.fused_matmul"(%a0, %a1, %s) {epilogue = ["mul $2", "relu"]} : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<f32>) -> tensor<3x4xf32>"#;
    let src = module(&types, body, &ty(&[3, 4], "f32"));
    let inputs = [data(&[3, 5], 1, DType::F32), data(&[5, 4], 2, DType::F32)];
    assert_gemm_only(&common::check_within(&src, &inputs, TOL));
    // Attention scores with a mask per image (`[images, 1, 1, keys]`) over `[images, heads, queries, keys]`,
    // and one whose middle batch dim varies instead: a bias per column with batch strides.
    let attrs = r#"{trans_b = 1, epilogue = ["div $2", "add $3"]}"#;
    let scale = r#"    %s = "nn.constant"() {value = dense<4.0> : tensor<f32>} : () -> tensor<f32>"#;
    for mask in [[2, 1, 1, 7], [1, 3, 1, 7]] {
        let shapes = [[2, 3, 5, 4], [2, 3, 7, 4], mask, [2, 3, 5, 7]].map(|s| ty(&s, "f32"));
        let body = format!(
            "{scale}\n    %y = \"nn.fused_matmul\"(%a0, %a1, %s, %a2) {attrs} : ({}, {}, tensor<f32>, {}) -> {}",
            shapes[0], shapes[1], shapes[2], shapes[3]
        );
        let src = module(&shapes[..3], &body, &shapes[3]);
        let inputs =
            [data(&[2, 3, 5, 4], 1, DType::F32), data(&[2, 3, 7, 4], 2, DType::F32), data(&mask, 3, DType::F32)];
        assert_gemm_only(&common::check_within(&src, &inputs, TOL));
    }
}

#[test]
fn epilogues_of_another_form_keep_their_loops() {
    for (attrs, shapes) in [
        (r#"{epilogue = ["sub $2"]}"#, &[&[3, 5][..], &[5, 4], &[4]][..]),
        (r#"{epilogue = ["relu", "add $2"]}"#, &[&[3, 5], &[5, 4], &[4]]),
        (r#"{epilogue = ["mish"]}"#, &[&[3, 5], &[5, 4]]),
    ] {
        let lowered = f32_case("nn.fused_matmul", attrs, shapes, &[3, 4]);
        assert!(!lowered.contains("kernel.gemm"), "{attrs}: {lowered}");
    }
}

/// Asserts `lowered` computes its op in one call of the depthwise routine and no loop kernel.
fn assert_depthwise_only(lowered: &str) {
    assert_eq!(lowered.matches("\"kernel.depthwise_conv\"").count(), 1, "{lowered}");
    assert!(!lowered.contains("kernel.launch") && !lowered.contains("kernel.gemm"), "{lowered}");
}

#[test]
fn depthwise_convs_run_in_the_runtime_routine() {
    // nn.conv: bias, stride 2 on odd sizes, asymmetric pads; dilation 2 with a 1x3 kernel; a 5x5 kernel.
    let attrs = r#"{group = 3, pads = [1, 0, 0, 2], strides = [2, 2]}"#;
    let shapes: &[&[usize]] = &[&[2, 3, 9, 11], &[3, 1, 3, 3], &[3]];
    assert_depthwise_only(&f32_case("nn.conv", attrs, shapes, &[2, 3, 4, 6]));
    let attrs = r#"{group = 4, pads = [0, 2, 0, 2], dilations = [1, 2]}"#;
    assert_depthwise_only(&f32_case("nn.conv", attrs, &[&[1, 4, 5, 13], &[4, 1, 1, 3]], &[1, 4, 5, 13]));
    let attrs = r#"{group = 2, pads = [2, 2, 2, 2]}"#;
    assert_depthwise_only(&f32_case("nn.conv", attrs, &[&[1, 2, 1, 1], &[2, 1, 5, 5]], &[1, 2, 1, 1]));
    // Channel multiplier 2.
    let attrs = r#"{group = 3, pads = [1, 1, 1, 1]}"#;
    assert_depthwise_only(&f32_case("nn.conv", attrs, &[&[1, 3, 6, 7], &[6, 1, 3, 3]], &[1, 6, 6, 7]));
    // nn.fused_conv: a scale, a per-channel bias, a residual and ReLU6 in the routine's epilogue.
    let lowered = scaled_fused_conv(false);
    assert_depthwise_only(&lowered);
    assert!(lowered.contains("alpha = 0.5") && lowered.contains("residual = true"), "{lowered}");
    // A per-channel bias as an extra and a transcendental activation, stride 2.
    let attrs = format!(r#"{{group = 4, strides = [2, 2], epilogue = ["add $2", "silu"], {}}}"#, segments(false, 1));
    let shapes: &[&[usize]] = &[&[1, 4, 9, 17], &[4, 1, 3, 3], &[4, 1, 1]];
    assert_depthwise_only(&f32_case("nn.fused_conv", &attrs, shapes, &[1, 4, 4, 8]));
}

/// A depthwise `nn.fused_conv` of 5 channels, with its own bias if `own_bias`, whose epilogue scales by a
/// constant 0.5, adds a per-channel bias and a residual and clips to [0, 6]; lowered and checked.
fn scaled_fused_conv(own_bias: bool) -> String {
    let x = [1, 5, 10, 9];
    let mut shapes: Vec<&[usize]> = vec![&x, &[5, 1, 3, 3]];
    if own_bias {
        shapes.push(&[5]);
    }
    let at = shapes.len();
    let attrs = format!(
        r#"{{group = 5, pads = [1, 1, 1, 1], epilogue = ["mul ${at}", "add ${}", "add ${}", "clip 0 6"], {}}}"#,
        at + 1,
        at + 2,
        segments(own_bias, 3)
    );
    let all: Vec<&[usize]> = shapes.iter().copied().chain([&[5, 1, 1][..], &x]).collect();
    let types: Vec<String> = all.iter().map(|s| ty(s, "f32")).collect();
    let mut operand_types = types[..at].to_vec();
    operand_types.push("tensor<f32>".into());
    operand_types.extend(types[at..].iter().cloned());
    let operands: Vec<String> =
        (0..at).map(|i| format!("%a{i}")).chain(["%s".into(), format!("%a{at}"), format!("%a{}", at + 1)]).collect();
    let body = format!(
        r#"    %s = "nn.constant"() {{value = dense<0.5> : tensor<f32>}} : () -> tensor<f32>
    %y = "nn.fused_conv"({}) {attrs} : ({}) -> {}"#,
        operands.join(", "),
        operand_types.join(", "),
        types[0]
    );
    let inputs: Vec<Tensor> = all.iter().enumerate().map(|(i, s)| data(s, i as u64 + 1, DType::F32)).collect();
    common::check_within(&module(&types, &body, &types[0]), &inputs, TOL)
}

#[test]
fn depthwise_convs_the_routine_does_not_cover_keep_their_loops() {
    // A scale after the op's own bias scales the bias too: not the routine's alpha.
    let lowered = scaled_fused_conv(true);
    assert!(!lowered.contains("kernel.depthwise_conv"), "{lowered}");
    // An epilogue of another form, an NHWC layout, f64.
    let attrs = format!(r#"{{group = 2, pads = [1, 1, 1, 1], epilogue = ["mish"], {}}}"#, segments(false, 0));
    let lowered = f32_case("nn.fused_conv", &attrs, &[&[1, 2, 5, 5], &[2, 1, 3, 3]], &[1, 2, 5, 5]);
    assert!(!lowered.contains("kernel.depthwise_conv"), "{lowered}");
    let attrs = format!(r#"{{group = 2, layout = "NHWC", pads = [1, 1, 1, 1], {}}}"#, segments(false, 0));
    let lowered = f32_case("nn.fused_conv", &attrs, &[&[1, 5, 5, 2], &[2, 1, 3, 3]], &[1, 5, 5, 2]);
    assert!(!lowered.contains("kernel.depthwise_conv"), "{lowered}");
    let lowered = case("nn.conv", "{group = 2}", &[&[1, 2, 4, 4], &[2, 1, 3, 3]], &[1, 2, 2, 2], "f64", TOL);
    assert!(!lowered.contains("kernel.depthwise_conv"), "{lowered}");
}
