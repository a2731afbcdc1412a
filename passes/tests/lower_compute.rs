//! `lower-to-kernel` for the compute-heavy families (linalg, conv, pool, reduce, normalize): each
//! case lowers one nn function, runs it with the kernel interpreter and compares with the
//! reference interpreter (floats within a small tolerance: the lowering accumulates in f32).

mod common;

use msc_nn_kernels::{Data, Tensor};

/// A module with one function `@f` taking `inputs` (types) as `%a0, %a1, ...`, running `body`
/// and returning `results` (name, type).
fn module(inputs: &[&str], body: &str, results: &[(&str, &str)]) -> String {
    let args: Vec<String> = inputs.iter().enumerate().map(|(i, t)| format!("%a{i}: {t}")).collect();
    let names: Vec<&str> = results.iter().map(|r| r.0).collect();
    let types: Vec<&str> = results.iter().map(|r| r.1).collect();
    format!(
        r#""builtin.module"() ({{
  "func.func"() ({{
  ^bb0({}):
{body}
    "func.return"({}) : ({}) -> ()
  }}) {{function_type = ({}) -> ({}), sym_name = "f"}} : () -> ()
}}) : () -> ()"#,
        args.join(", "),
        names.join(", "),
        types.join(", "),
        inputs.join(", "),
        types.join(", ")
    )
}

/// Lowers `src`, runs both interpreters on `inputs` and compares the outputs (f32 sums in a
/// different order: 1e-4 relative).
fn check(src: &str, inputs: &[Tensor]) {
    common::check_within(src, inputs, 1e-4);
}

/// Deterministic values in [-2, 2) of the given shape.
fn data(shape: &[usize], seed: u64) -> Tensor {
    let n: usize = shape.iter().product();
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let values = (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
        })
        .collect();
    Tensor::new(shape.to_vec(), Data::F32(values)).unwrap()
}

fn ty(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    if dims.is_empty() { "tensor<f32>".into() } else { format!("tensor<{}xf32>", dims.join("x")) }
}

/// One op on f32 operands of `shapes` giving one f32 result of `out`; returns the lowered IR.
fn unary_case(op: &str, attrs: &str, shapes: &[&[usize]], out: &[usize]) -> String {
    let types: Vec<String> = shapes.iter().map(|s| ty(s)).collect();
    let operands: Vec<String> = (0..shapes.len()).map(|i| format!("%a{i}")).collect();
    let body = format!("    %y = \"{op}\"({}) {attrs} : ({}) -> {}", operands.join(", "), types.join(", "), ty(out));
    let type_refs: Vec<&str> = types.iter().map(String::as_str).collect();
    let src = module(&type_refs, &body, &[("%y", &ty(out))]);
    let inputs: Vec<Tensor> = shapes.iter().enumerate().map(|(i, s)| data(s, i as u64 + 1)).collect();
    common::check_within(&src, &inputs, 1e-4)
}

/// [`unary_case`] for an op the lowering turns into one call of the runtime's GEMM engine (and, for a
/// transposed conv, one of its col2im).
fn gemm_case(op: &str, attrs: &str, shapes: &[&[usize]], out: &[usize]) {
    let lowered = unary_case(op, attrs, shapes, out);
    assert_eq!(lowered.matches("\"kernel.gemm\"").count(), 1, "{lowered}");
    let col2im = usize::from(op == "nn.conv_transpose");
    assert_eq!(lowered.matches("\"kernel.col2im\"").count(), col2im, "{lowered}");
}

#[test]
fn gemm_shaped_ops_call_the_gemm_engine() {
    // Products: one tall product, batches on both sides, a broadcast batch, transposes, C as bias or residual.
    gemm_case("nn.matmul", "", &[&[2, 3, 5], &[5, 7]], &[2, 3, 7]);
    gemm_case("nn.matmul", "", &[&[2, 3, 5], &[2, 5, 4]], &[2, 3, 4]);
    gemm_case("nn.matmul", "", &[&[3, 5], &[2, 5, 4]], &[2, 3, 4]);
    gemm_case("nn.gemm", "{trans_a = 1, alpha = 0.5 : f64}", &[&[5, 3], &[5, 4], &[4]], &[3, 4]);
    gemm_case("nn.gemm", "{trans_b = 1}", &[&[3, 5], &[4, 5], &[3, 1]], &[3, 4]);
    gemm_case("nn.gemm", "", &[&[3, 5], &[5, 4], &[3, 4]], &[3, 4]);
    // Convs: im2col with stride, dilation and asymmetric pads; groups; pointwise as a plain matrix; batch.
    let attrs = "{strides = [2, 1], dilations = [1, 2], pads = [1, 0, 2, 1]}";
    gemm_case("nn.conv", attrs, &[&[2, 3, 9, 8], &[5, 3, 3, 3], &[5]], &[2, 5, 5, 5]);
    gemm_case("nn.conv", "{group = 2, pads = [1, 1, 1, 1]}", &[&[1, 4, 6, 5], &[8, 2, 3, 3]], &[1, 8, 6, 5]);
    gemm_case("nn.conv", "", &[&[2, 6, 4, 3], &[4, 6, 1, 1], &[4]], &[2, 4, 4, 3]);
    // One group of fewer filters than the engine's register tile: pointwise and im2col, down to one filter.
    gemm_case("nn.conv", "", &[&[2, 5, 7, 9], &[3, 5, 1, 1], &[3]], &[2, 3, 7, 9]);
    gemm_case("nn.conv", "{pads = [1, 0, 2, 1], strides = [3, 2]}", &[&[1, 3, 8, 7], &[1, 3, 3, 3]], &[1, 1, 3, 3]);
    // Transposed convs: the product into columns, then col2im; strides, dilations, pads on both sides,
    // output padding, groups, batch.
    let attrs = "{strides = [2, 3], dilations = [1, 2], pads = [1, 0, 2, 1], output_padding = [1, 0]}";
    gemm_case("nn.conv_transpose", attrs, &[&[2, 3, 4, 5], &[3, 2, 3, 2], &[2]], &[2, 2, 7, 14]);
    gemm_case("nn.conv_transpose", "{group = 2, strides = [2, 2]}", &[&[1, 4, 3, 3], &[4, 3, 4, 4]], &[1, 6, 8, 8]);
    // The col2im's phase-major rows: x strides 1, 2 and 3 with pads cropping either side, odd widths, a
    // 1x1 input plane, one output channel, a kernel narrower than the stride (output columns no tap reaches).
    let attrs = "{strides = [1, 2], pads = [0, 1, 1, 0], output_padding = [0, 1]}";
    gemm_case("nn.conv_transpose", attrs, &[&[2, 3, 3, 5], &[3, 1, 3, 4], &[1]], &[2, 1, 4, 12]);
    gemm_case("nn.conv_transpose", "{strides = [2, 3]}", &[&[1, 3, 1, 1], &[3, 2, 2, 2]], &[1, 2, 2, 2]);
    gemm_case("nn.conv_transpose", "{strides = [2, 3]}", &[&[1, 1, 2, 3], &[1, 2, 2, 2], &[2]], &[1, 2, 4, 8]);
    gemm_case(
        "nn.conv_transpose",
        "{strides = [1, 3], pads = [1, 2, 1, 1]}",
        &[&[1, 1, 4, 7], &[1, 3, 3, 5], &[3]],
        &[1, 3, 4, 20],
    );
    gemm_case(
        "nn.conv_transpose",
        "{strides = [1, 1], pads = [1, 1, 1, 1]}",
        &[&[1, 2, 5, 7], &[2, 3, 3, 3]],
        &[1, 3, 5, 7],
    );
}

#[test]
fn matmul_broadcasts_batches_and_promotes_vectors() {
    unary_case("nn.matmul", "", &[&[2, 1, 2, 3], &[3, 3, 5]], &[2, 3, 2, 5]);
    unary_case("nn.matmul", "", &[&[3], &[2, 3, 4]], &[2, 4]);
    unary_case("nn.matmul", "", &[&[4, 3], &[3]], &[4]);
    unary_case("nn.matmul", "", &[&[3], &[3]], &[]);
    unary_case("nn.matmul", "", &[&[2, 0], &[0, 3]], &[2, 3]);
}

#[test]
fn gemm_transposes_scales_and_broadcasts_c() {
    let attrs = "{alpha = 0.5, beta = 2.0, trans_a = 1, trans_b = 1}";
    unary_case("nn.gemm", attrs, &[&[3, 2], &[5, 3], &[5]], &[2, 5]);
    unary_case("nn.gemm", "", &[&[2, 3], &[3, 4], &[2, 1]], &[2, 4]);
    unary_case("nn.gemm", "{trans_b = 1}", &[&[2, 3], &[4, 3]], &[2, 4]);
}

#[test]
fn conv_with_padding_strides_dilations_groups_and_bias() {
    let attrs = "{pads = [1, 0, 2, 1], strides = [2, 1], dilations = [1, 2]}";
    unary_case("nn.conv", attrs, &[&[2, 3, 7, 6], &[4, 3, 3, 2], &[4]], &[2, 4, 4, 5]);
    // Depthwise, SAME_UPPER.
    let attrs = "{auto_pad = \"SAME_UPPER\", group = 4, strides = [2, 2]}";
    unary_case("nn.conv", attrs, &[&[1, 4, 5, 5], &[4, 1, 3, 3]], &[1, 4, 3, 3]);
    unary_case("nn.conv", "{group = 2, pads = [1, 1]}", &[&[1, 4, 5], &[6, 2, 3]], &[1, 6, 5]);
    unary_case("nn.conv", "{pads = [0, 1, 0, 1, 0, 1]}", &[&[1, 2, 3, 3, 3], &[2, 2, 2, 2, 2]], &[1, 2, 3, 3, 3]);
}

#[test]
fn conv_transpose_with_strides_output_padding_and_groups() {
    let attrs = "{strides = [2, 2], output_padding = [1, 0], pads = [1, 0, 0, 1]}";
    unary_case("nn.conv_transpose", attrs, &[&[1, 2, 3, 3], &[2, 3, 3, 3], &[3]], &[1, 3, 7, 6]);
    let attrs = "{group = 2, strides = [3], dilations = [2]}";
    unary_case("nn.conv_transpose", attrs, &[&[2, 4, 3], &[4, 1, 2]], &[2, 2, 9]);
}

#[test]
fn max_pool_values_and_indices() {
    let x = ty(&[1, 2, 5, 6]);
    for (attrs, out) in [
        ("{kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]}", [1, 2, 3, 3]),
        ("{kernel_shape = [2, 2], ceil_mode = 1, strides = [2, 2], storage_order = 1}", [1, 2, 3, 3]),
        ("{kernel_shape = [2, 2], dilations = [2, 2]}", [1, 2, 3, 4]),
    ] {
        let (y, i) = (ty(&out), ty(&out).replace("f32", "i64"));
        let body = format!("    %y, %i = \"nn.max_pool\"(%a0) {attrs} : ({x}) -> ({y}, {i})");
        check(&module(&[&x], &body, &[("%y", &y), ("%i", &i)]), &[data(&[1, 2, 5, 6], 3)]);
    }
}

#[test]
fn average_and_lp_pools() {
    let attrs = "{kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]}";
    unary_case("nn.average_pool", attrs, &[&[1, 2, 5, 6]], &[1, 2, 3, 3]);
    let attrs = "{kernel_shape = [3, 3], pads = [1, 1, 1, 1], count_include_pad = 1, ceil_mode = 1, strides = [2, 2]}";
    unary_case("nn.average_pool", attrs, &[&[1, 2, 6, 6]], &[1, 2, 4, 4]);
    unary_case("nn.lp_pool", "{kernel_shape = [2], p = 3}", &[&[2, 3, 5]], &[2, 3, 4]);
    unary_case("nn.lp_pool", "{kernel_shape = [2, 2], pads = [1, 1, 1, 1]}", &[&[1, 1, 3, 3]], &[1, 1, 4, 4]);
    unary_case("nn.global_average_pool", "", &[&[2, 3, 4, 5]], &[2, 3, 1, 1]);
    unary_case("nn.global_max_pool", "", &[&[2, 3, 4]], &[2, 3, 1]);
    unary_case("nn.global_lp_pool", "{p = 3}", &[&[1, 3, 2, 2]], &[1, 3, 1, 1]);
}

/// `op` over constant `axes` of a [2, 3, 4] input.
fn reduce_case(op: &str, axes: &[i64], attrs: &str, out: &[usize]) {
    let x = ty(&[2, 3, 4]);
    let axes_text: Vec<String> = axes.iter().map(|a| a.to_string()).collect();
    let body = format!(
        "    %axes = \"nn.constant\"() {{value = dense<[{}]> : tensor<{}xi64>}} : () -> tensor<{}xi64>\n    %y = \"{op}\"(%a0, %axes) {attrs} : ({x}, tensor<{}xi64>) -> {}",
        axes_text.join(", "),
        axes.len(),
        axes.len(),
        axes.len(),
        ty(out)
    );
    check(&module(&[&x], &body, &[("%y", &ty(out))]), &[data(&[2, 3, 4], 7)]);
}

#[test]
fn reductions_over_axes() {
    for op in [
        "nn.reduce_sum",
        "nn.reduce_mean",
        "nn.reduce_max",
        "nn.reduce_min",
        "nn.reduce_prod",
        "nn.reduce_l1",
        "nn.reduce_l2",
        "nn.reduce_log_sum_exp",
        "nn.reduce_sum_square",
    ] {
        reduce_case(op, &[-1], "", &[2, 3, 1]);
        reduce_case(op, &[0, 2], "{keepdims = 0}", &[3]);
        reduce_case(op, &[1], "{keepdims = 0}", &[2, 4]);
        reduce_case(op, &[], "", &[1, 1, 1]);
    }
    reduce_case("nn.reduce_sum", &[], "{noop_with_empty_axes = 1}", &[2, 3, 4]);
    unary_case("nn.reduce_sum", "{keepdims = 0}", &[&[3, 0]], &[]);
}

#[test]
fn arg_extremes_and_cumsum() {
    let x = ty(&[2, 3, 4]);
    let input = Tensor::new(vec![2, 3, 4], Data::F32((0..24).map(|i| ((i * 7) % 5) as f32).collect())).unwrap();
    for (op, attrs, out) in [
        ("nn.arg_max", "{axis = 1}", "tensor<2x1x4xi64>"),
        ("nn.arg_min", "{axis = -1, keepdims = 0, select_last_index = 1}", "tensor<2x3xi64>"),
        ("nn.arg_max", "{axis = 2, select_last_index = 1}", "tensor<2x3x1xi64>"),
    ] {
        let body = format!("    %y = \"{op}\"(%a0) {attrs} : ({x}) -> {out}");
        check(&module(&[&x], &body, &[("%y", out)]), std::slice::from_ref(&input));
    }
    for attrs in ["", "{exclusive = 1}", "{reverse = 1}", "{exclusive = 1, reverse = 1}"] {
        let body = format!(
            "    %axis = \"nn.constant\"() {{value = dense<1> : tensor<i64>}} : () -> tensor<i64>\n    %y = \"nn.cumsum\"(%a0, %axis) {attrs} : ({x}, tensor<i64>) -> {x}"
        );
        check(&module(&[&x], &body, &[("%y", &x)]), std::slice::from_ref(&input));
    }
}

#[test]
fn softmax_family_along_axes() {
    for op in ["nn.softmax", "nn.log_softmax", "nn.hardmax"] {
        unary_case(op, "", &[&[2, 3, 4]], &[2, 3, 4]);
        unary_case(op, "{axis = 1}", &[&[2, 3, 4]], &[2, 3, 4]);
        unary_case(op, "{axis = 0}", &[&[2, 1, 4]], &[2, 1, 4]);
    }
    unary_case("nn.lp_normalization", "{axis = 1, p = 1}", &[&[2, 3, 4]], &[2, 3, 4]);
    unary_case("nn.lp_normalization", "", &[&[2, 3, 4]], &[2, 3, 4]);
}

#[test]
fn norms() {
    unary_case("nn.batch_norm", "", &[&[2, 3, 2, 2], &[3], &[3], &[3], &[3]], &[2, 3, 2, 2]);
    unary_case("nn.instance_norm", "", &[&[2, 3, 5], &[3], &[3]], &[2, 3, 5]);
    unary_case("nn.group_norm", "{num_groups = 2}", &[&[2, 4, 3], &[4], &[4]], &[2, 4, 3]);
    // Scale and bias of one row each: one kernel over the rows; a bias broadcast within the row: three passes.
    for (attrs, shapes) in [
        ("", &[&[2, 3, 4][..], &[4]][..]),
        ("{axis = 1, epsilon = 1.0e-2}", &[&[3, 2, 5], &[2, 5], &[2, 5]]),
        ("{axis = 0}", &[&[2, 3], &[2, 3]]),
    ] {
        let lowered = unary_case("nn.layer_norm", attrs, shapes, shapes[0]);
        assert_eq!(lowered.matches("\"kernel.launch\"").count(), 1, "{attrs}: {lowered}");
    }
    let lowered = unary_case("nn.layer_norm", "{axis = -2}", &[&[2, 3, 4], &[3, 4], &[4]], &[2, 3, 4]);
    assert_eq!(lowered.matches("\"kernel.launch\"").count(), 3, "{lowered}");
    unary_case("nn.mean_variance_normalization", "", &[&[2, 3, 2, 2]], &[2, 3, 2, 2]);
    unary_case("nn.lrn", "{size = 3}", &[&[2, 5, 2, 2]], &[2, 5, 2, 2]);
}

#[test]
fn integer_products_wrap_and_runtime_cumsum_axis() {
    let (a, b) = ("tensor<2x3xi32>", "tensor<3x2xi32>");
    let body = format!("    %y = \"nn.matmul\"(%a0, %a1) : ({a}, {b}) -> tensor<2x2xi32>");
    let big = |shape: &[usize]| {
        let n: usize = shape.iter().product();
        Tensor::new(shape.to_vec(), Data::I32((0..n as i32).map(|i| i.wrapping_mul(1_000_003_000) - 7).collect()))
            .unwrap()
    };
    check(&module(&[a, b], &body, &[("%y", "tensor<2x2xi32>")]), &[big(&[2, 3]), big(&[3, 2])]);
    // The axis is a function input, read at run time (here -1, then 0).
    let x = ty(&[2, 3]);
    let body = format!("    %y = \"nn.cumsum\"(%a0, %a1) {{reverse = 1}} : ({x}, tensor<i64>) -> {x}");
    let src = module(&[&x, "tensor<i64>"], &body, &[("%y", &x)]);
    for axis in [-1, 0] {
        check(&src, &[data(&[2, 3], 5), Tensor::new(vec![], Data::I64(vec![axis])).unwrap()]);
    }
}

#[test]
fn empty_and_unit_axes() {
    unary_case("nn.reduce_max", "{keepdims = 1}", &[&[2, 0, 3]], &[1, 1, 1]);
    unary_case("nn.softmax", "{axis = 1}", &[&[2, 1, 4]], &[2, 1, 4]);
    unary_case("nn.softmax", "", &[&[0, 3]], &[0, 3]);
    unary_case("nn.conv", "{auto_pad = \"SAME_LOWER\", dilations = [2]}", &[&[1, 2, 6], &[3, 2, 2]], &[1, 3, 6]);
    unary_case("nn.average_pool", "{kernel_shape = [1, 1]}", &[&[1, 1, 1, 1]], &[1, 1, 1, 1]);
}

/// `nn.max_pool` of an input of `x` with `attrs` into `out`, only its values used: the values-only
/// kernel (`maximumf` folds, no index compares) when `values_only`, else the indexed kernel (a
/// window over padding alone needs it). Max is exact, so the comparison is bit-exact.
fn max_pool_values_case(attrs: &str, x: &[usize], out: &[usize], values_only: bool) {
    let (xt, yt) = (ty(x), ty(out));
    let it = yt.replace("f32", "i64");
    let body = format!("    %y, %i = \"nn.max_pool\"(%a0) {attrs} : ({xt}) -> ({yt}, {it})");
    let lowered = common::check_within(&module(&[&xt], &body, &[("%y", &yt)]), &[data(x, 5)], 0.0);
    assert_eq!(lowered.contains("arith.maximumf"), values_only, "{attrs} on {x:?}\n{lowered}");
}

#[test]
fn max_pool_without_indices_computes_values_only() {
    // Strides 1, 2, 3; symmetric and asymmetric pads; dilation; ceil_mode; odd widths.
    max_pool_values_case(
        "{kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]}",
        &[2, 3, 9, 11],
        &[2, 3, 5, 6],
        true,
    );
    max_pool_values_case("{kernel_shape = [3, 3], strides = [1, 1]}", &[1, 1, 5, 7], &[1, 1, 3, 5], true);
    max_pool_values_case(
        "{kernel_shape = [2, 3], pads = [0, 1, 1, 2], strides = [3, 3]}",
        &[2, 1, 7, 13],
        &[2, 1, 3, 5],
        true,
    );
    max_pool_values_case("{kernel_shape = [2, 2], dilations = [2, 3]}", &[1, 3, 6, 9], &[1, 3, 4, 6], true);
    max_pool_values_case(
        "{kernel_shape = [3, 3], ceil_mode = 1, strides = [2, 2]}",
        &[1, 3, 6, 6],
        &[1, 3, 3, 3],
        true,
    );
    // 1x1 planes; 1-D and 3-D windows.
    max_pool_values_case("{kernel_shape = [1, 1]}", &[2, 3, 1, 1], &[2, 3, 1, 1], true);
    max_pool_values_case("{kernel_shape = [3], pads = [1, 1], strides = [2]}", &[2, 3, 9], &[2, 3, 5], true);
    max_pool_values_case("{kernel_shape = [2, 2, 2], strides = [1, 2, 2]}", &[1, 2, 3, 5, 5], &[1, 2, 2, 2, 2], true);
    // A window over padding alone (pads as large as the kernel) keeps the indexed kernel's 0.
    max_pool_values_case("{kernel_shape = [2, 2], pads = [2, 0, 0, 0]}", &[1, 1, 3, 3], &[1, 1, 4, 2], false);
}
