//! `lower-to-kernel` of the data movement, indexing and resize ops: each case is lowered, verified,
//! and run by the kernel interpreter, which must agree with the reference interpreter (exactly,
//! except resize's interpolating modes, which compute in f32 where the reference uses f64). Each case runs
//! both with the runtime's routines (`kernel.resize`, the IR returned) and with loops only.

mod common;

use common::{check, check_error, check_within};

use msc_nn_kernels::{DType, Tensor};

/// A module with one function `@f` of `inputs` (named `%a0`, `%a1`, ...) returning `outputs`,
/// whose body is `body` (ending in `func.return`).
fn module(inputs: &[&str], outputs: &[&str], body: &str) -> String {
    let args: Vec<String> = inputs.iter().enumerate().map(|(i, t)| format!("%a{i}: {t}")).collect();
    format!(
        r#""builtin.module"() ({{
  "func.func"() ({{
  ^bb0({}):
{body}
  }}) {{function_type = ({}) -> ({}), sym_name = "f"}} : () -> ()
}}) : () -> ()"#,
        args.join(", "),
        inputs.join(", "),
        outputs.join(", ")
    )
}

/// An f32 tensor of `shape` holding 0, 1, 2, ... (minus 7, so some are negative).
fn ramp(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_f64(DType::F32, shape.to_vec(), &(0..n).map(|i| i as f64 - 7.0).collect::<Vec<_>>()).unwrap()
}

/// Values far from any straight line (so interpolation weights show), `(i² mod 17) - 8`.
fn bumpy(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_f64(DType::F32, shape.to_vec(), &(0..n).map(|i| ((i * i) % 17) as f64 - 8.0).collect::<Vec<_>>())
        .unwrap()
}

fn ints(dtype: DType, shape: &[usize], values: &[i64]) -> Tensor {
    Tensor::from_i64(dtype, shape.to_vec(), values).unwrap()
}

/// `%name = nn.constant` of i64 `values` (1-D).
fn consts(name: &str, values: &[i64]) -> String {
    let list: Vec<String> = values.iter().map(i64::to_string).collect();
    let n = values.len();
    format!(
        "    %{name} = \"nn.constant\"() {{value = dense<[{}]> : tensor<{n}xi64>}} : () -> tensor<{n}xi64>\n",
        list.join(", ")
    )
}

/// A one-op function: `op` on `inputs` (given as `%a0`, ...) plus `extra` operands (e.g. constants
/// defined in `prelude`), with attributes `attrs`, returning `output`.
fn one_op(op: &str, inputs: &[&str], prelude: &str, extra: &[&str], attrs: &str, output: &str) -> String {
    let mut operands: Vec<String> = (0..inputs.len()).map(|i| format!("%a{i}")).collect();
    let mut types: Vec<String> = inputs.iter().map(|t| t.to_string()).collect();
    for e in extra {
        let (name, ty) = e.split_once(':').unwrap();
        operands.push(name.trim().to_string());
        types.push(ty.trim().to_string());
    }
    let attrs = if attrs.is_empty() { String::new() } else { format!(" {{{attrs}}}") };
    let body = format!(
        "{prelude}    %y = \"nn.{op}\"({}){attrs} : ({}) -> {output}\n    \"func.return\"(%y) : ({output}) -> ()",
        operands.join(", "),
        types.join(", ")
    );
    module(inputs, &[output], &body)
}

#[test]
fn reshapes_are_views() {
    let src = one_op("flatten", &["tensor<2x3x4xf32>"], "", &[], "axis = 2", "tensor<6x4xf32>");
    let text = check(&src, &[ramp(&[2, 3, 4])]);
    assert!(text.contains("kernel.view"), "{text}");
    let src = one_op(
        "unsqueeze",
        &["tensor<3xf32>"],
        &consts("axes", &[0, -1]),
        &["%axes: tensor<2xi64>"],
        "",
        "tensor<1x3x1xf32>",
    );
    check(&src, &[ramp(&[3])]);
}

#[test]
fn transposes() {
    for (perm, shape, out) in [
        ("[1, 0, 2]", [5, 7, 1], "tensor<7x5x1xf32>"),
        ("[0, 2, 1]", [2, 3, 4], "tensor<2x4x3xf32>"),
        ("[2, 0, 1]", [1, 3, 2], "tensor<2x1x3xf32>"),
    ] {
        let input = format!("tensor<{}x{}x{}xf32>", shape[0], shape[1], shape[2]);
        check(&one_op("transpose", &[&input], "", &[], &format!("perm = {perm}"), out), &[ramp(&shape)]);
    }
    // No perm reverses the axes; a rank-0 transpose copies.
    check(
        &one_op("transpose", &["tensor<2x3x4xi64>"], "", &[], "", "tensor<4x3x2xi64>"),
        &[ints(DType::I64, &[2, 3, 4], &(0..24).collect::<Vec<_>>())],
    );
    check(&one_op("transpose", &["tensor<f32>"], "", &[], "", "tensor<f32>"), &[ramp(&[])]);
}

#[test]
fn concat_with_empty_and_negative_axis() {
    let body = r#"    %y = "nn.concat"(%a0, %a1, %a2) {axis = -1} : (tensor<2x1xf32>, tensor<2x0xf32>, tensor<2x3xf32>) -> tensor<2x4xf32>
    "func.return"(%y) : (tensor<2x4xf32>) -> ()"#;
    let src = module(&["tensor<2x1xf32>", "tensor<2x0xf32>", "tensor<2x3xf32>"], &["tensor<2x4xf32>"], body);
    check(&src, &[ramp(&[2, 1]), ramp(&[2, 0]), ramp(&[2, 3])]);
}

#[test]
fn split_into_views_and_copies() {
    // Along axis 0 the pieces are views; along axis 1 copies; a piece may be empty.
    for (axis, split, outs) in [
        (0, vec![1, 3], ["tensor<1x5xf32>", "tensor<3x5xf32>", ""]),
        (1, vec![2, 0, 3], ["tensor<4x2xf32>", "tensor<4x0xf32>", "tensor<4x3xf32>"]),
    ] {
        let outs: Vec<&str> = outs.into_iter().filter(|o| !o.is_empty()).collect();
        let names: Vec<String> = (0..outs.len()).map(|i| format!("%y{i}")).collect();
        let body = format!(
            "{}    {} = \"nn.split\"(%a0, %s) {{axis = {axis}}} : (tensor<4x5xf32>, tensor<{}xi64>) -> ({})\n    \"func.return\"({}) : ({}) -> ()",
            consts("s", &split),
            names.join(", "),
            split.len(),
            outs.join(", "),
            names.join(", "),
            outs.join(", ")
        );
        check(&module(&["tensor<4x5xf32>"], &outs, &body), &[ramp(&[4, 5])]);
    }
}

#[test]
fn slices_with_negative_steps_and_clamping() {
    // (starts, ends, axes, steps) and the result type.
    let cases = [
        ([&[-1][..], &[i64::MIN], &[1], &[-2]], "tensor<3x3x4xf32>"),
        ([&[8, 1], &[0, 100], &[1, 2], &[-3, 1]], "tensor<3x2x3xf32>"),
        ([&[20], &[-3], &[-1], &[-1]], "tensor<3x5x2xf32>"),
        ([&[0, 0], &[0, 10], &[0, 1], &[1, 1]], "tensor<0x5x4xf32>"),
    ];
    for ([starts, ends, axes, steps], out) in cases {
        let prelude = consts("st", starts) + &consts("en", ends) + &consts("ax", axes) + &consts("sp", steps);
        let n = starts.len();
        let t = format!("tensor<{n}xi64>");
        let extra = [format!("%st: {t}"), format!("%en: {t}"), format!("%ax: {t}"), format!("%sp: {t}")];
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let src =
            one_op("slice", &["tensor<3x5x4xf32>"], &prelude, &extra, "operandSegmentSizes = [1, 1, 1, 1, 1]", out);
        check(&src, &[ramp(&[3, 5, 4])]);
    }
}

#[test]
fn pads_in_every_mode() {
    for mode in ["constant", "reflect", "edge", "wrap"] {
        // Grow rows by 2 and 1, crop a column at the start and grow 3 at the end.
        let src = one_op(
            "pad",
            &["tensor<2x3xf32>"],
            &consts("p", &[2, -1, 1, 3]),
            &["%p: tensor<4xi64>"],
            &format!("mode = \"{mode}\", operandSegmentSizes = [1, 1, 0, 0]"),
            "tensor<5x5xf32>",
        );
        check(&src, &[ramp(&[2, 3])]);
    }
    // A constant value and axes; an i1 tensor.
    let prelude = consts("p", &[1, 2]) + &consts("ax", &[-1]);
    let src = one_op(
        "pad",
        &["tensor<2x3xf32>", "tensor<f32>"],
        &prelude,
        &["%p: tensor<2xi64>", "%ax: tensor<1xi64>"],
        "operandSegmentSizes = [1, 1, 1, 1]",
        "tensor<2x6xf32>",
    );
    let src = src.replace("(%a0, %a1, %p, %ax)", "(%a0, %p, %a1, %ax)").replace(
        "(tensor<2x3xf32>, tensor<f32>, tensor<2xi64>, tensor<1xi64>)",
        "(tensor<2x3xf32>, tensor<2xi64>, tensor<f32>, tensor<1xi64>)",
    );
    check(&src, &[ramp(&[2, 3]), Tensor::scalar(DType::F32, 9.5)]);
    let src = one_op(
        "pad",
        &["tensor<3xi1>"],
        &consts("p", &[1, 0]),
        &["%p: tensor<2xi64>"],
        "operandSegmentSizes = [1, 1, 0, 0]",
        "tensor<4xi1>",
    );
    check(&src, &[ints(DType::Bool, &[3], &[1, 0, 1])]);
}

#[test]
fn tile_expand_and_blocks() {
    let src =
        one_op("tile", &["tensor<2x3xf32>"], &consts("r", &[2, 3]), &["%r: tensor<2xi64>"], "", "tensor<4x9xf32>");
    check(&src, &[ramp(&[2, 3])]);
    let src = one_op(
        "expand",
        &["tensor<3x1xf32>"],
        &consts("s", &[2, 1, 5]),
        &["%s: tensor<3xi64>"],
        "",
        "tensor<2x3x5xf32>",
    );
    check(&src, &[ramp(&[3, 1])]);
    for mode in ["DCR", "CRD"] {
        let attrs = format!("blocksize = 2, mode = \"{mode}\"");
        check(
            &one_op("depth_to_space", &["tensor<1x8x2x3xf32>"], "", &[], &attrs, "tensor<1x2x4x6xf32>"),
            &[ramp(&[1, 8, 2, 3])],
        );
    }
    check(
        &one_op("space_to_depth", &["tensor<2x2x4x6xf32>"], "", &[], "blocksize = 2", "tensor<2x8x2x3xf32>"),
        &[ramp(&[2, 2, 4, 6])],
    );
}

#[test]
fn gathers_with_negative_and_out_of_range_indices() {
    let src = one_op("gather", &["tensor<3x4xf32>", "tensor<2x2xi32>"], "", &[], "axis = 0", "tensor<2x2x4xf32>");
    check(&src, &[ramp(&[3, 4]), ints(DType::I32, &[2, 2], &[0, -1, 2, -3])]);
    let src = one_op("gather", &["tensor<3x4xf32>", "tensor<i64>"], "", &[], "axis = -1", "tensor<3xf32>");
    check(&src, &[ramp(&[3, 4]), ints(DType::I64, &[], &[-2])]);
    let src =
        one_op("gather_elements", &["tensor<3x3xf32>", "tensor<2x3xi64>"], "", &[], "axis = 0", "tensor<2x3xf32>");
    check(&src, &[ramp(&[3, 3]), ints(DType::I64, &[2, 3], &[1, 2, 0, 2, -3, -1])]);
    let src =
        one_op("gather_elements", &["tensor<2x3xf32>", "tensor<2x2xi64>"], "", &[], "axis = 1", "tensor<2x2xf32>");
    check(&src, &[ramp(&[2, 3]), ints(DType::I64, &[2, 2], &[2, 0, -1, 1])]);
    let src =
        one_op("gather_nd", &["tensor<2x2x3xf32>", "tensor<2x1x2xi64>"], "", &[], "batch_dims = 1", "tensor<2x1xf32>");
    check(&src, &[ramp(&[2, 2, 3]), ints(DType::I64, &[2, 1, 2], &[-1, 0, 0, 2])]);
    let src = one_op("gather_nd", &["tensor<2x2x3xf32>", "tensor<3x1xi64>"], "", &[], "", "tensor<3x2x3xf32>");
    check(&src, &[ramp(&[2, 2, 3]), ints(DType::I64, &[3, 1], &[1, 0, -1])]);

    // Out of range is undefined in ONNX: the reference rejects it, the lowered kernel must only stay
    // inside its buffers (the interpreter checks every access).
    let src = one_op("gather", &["tensor<3x4xf32>", "tensor<2xi64>"], "", &[], "axis = 1", "tensor<3x2xf32>");
    let mut ctx = msc_ir::Context::new(common::registry());
    let m = msc_ir::parse_source(&mut ctx, &src, "test.mlir").unwrap()[0];
    msc_passes::lower_to_kernel::lower_module(&mut ctx, m, Default::default()).unwrap();
    let mut buffers =
        vec![ramp(&[3, 4]).data().to_le_bytes(), ints(DType::I64, &[2], &[7, -9]).data().to_le_bytes(), vec![0; 24]];
    msc_kernel::interp::run_program(&ctx, m, "f", &mut buffers).unwrap();
}

#[test]
fn scatters_with_reductions() {
    for reduction in ["none", "add", "mul", "max", "min"] {
        let src = one_op(
            "scatter_nd",
            &["tensor<4x3xf32>", "tensor<3x1xi64>", "tensor<3x3xf32>"],
            "",
            &[],
            &format!("reduction = \"{reduction}\""),
            "tensor<4x3xf32>",
        );
        check(&src, &[ramp(&[4, 3]), ints(DType::I64, &[3, 1], &[1, -1, 1]), ramp(&[3, 3])]);
        let src = one_op(
            "scatter_elements",
            &["tensor<3x3xi32>", "tensor<2x3xi64>", "tensor<2x3xi32>"],
            "",
            &[],
            &format!("axis = 1, reduction = \"{reduction}\""),
            "tensor<3x3xi32>",
        );
        let data = ints(DType::I32, &[3, 3], &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
        check(
            &src,
            &[
                data,
                ints(DType::I64, &[2, 3], &[0, 0, -1, 2, 1, 1]),
                ints(DType::I32, &[2, 3], &[10, 20, 30, 40, 50, 60]),
            ],
        );
    }
    // Along axis 0 the columns are independent: several tiles may split them.
    let src = one_op(
        "scatter_elements",
        &["tensor<2x5000xf32>", "tensor<3x5000xi64>", "tensor<3x5000xf32>"],
        "",
        &[],
        "axis = 0, reduction = \"add\"",
        "tensor<2x5000xf32>",
    );
    let indices: Vec<i64> = (0..15000).map(|i| (i % 3) as i64 - 1).collect();
    let text = check(&src, &[ramp(&[2, 5000]), ints(DType::I64, &[3, 5000], &indices), ramp(&[3, 5000])]);
    assert!(text.contains("tiles = 2"), "{text}");
}

/// A resize of `input` with constant `scales` (or `sizes` when `sizes` is true) and `attrs`.
fn resize(input: &str, values: &str, sizes: bool, attrs: &str, output: &str) -> String {
    let (ty, segments) = if sizes { ("tensor<4xi64>", "[1, 0, 0, 1]") } else { ("tensor<4xf32>", "[1, 0, 1, 0]") };
    let prelude = format!("    %t = \"nn.constant\"() {{value = dense<{values}> : {ty}}} : () -> {ty}\n");
    one_op(
        "resize",
        &[input],
        &prelude,
        &[&format!("%t: {ty}")],
        &format!("{attrs}operandSegmentSizes = {segments}"),
        output,
    )
}

#[test]
fn resize_nearest_is_a_gather_or_the_routine() {
    for nearest in ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"] {
        for transform in ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"] {
            let attrs = format!("coordinate_transformation_mode = \"{transform}\", nearest_mode = \"{nearest}\", ");
            let src = resize("tensor<1x2x3x4xf32>", "[1.0, 1.0, 1.5, 0.75]", false, &attrs, "tensor<1x2x4x3xf32>");
            let text = check(&src, &[ramp(&[1, 2, 3, 4])]);
            // With the runtime's routines, its call; the loops (checked too) gather.
            assert!(text.contains("\"kernel.resize\"") && !text.contains("row_weights"), "{text}");
        }
    }
}

#[test]
fn resize_linear_and_cubic() {
    for (mode, extra) in [
        ("linear", ""),
        ("cubic", ""),
        ("cubic", "cubic_coeff_a = -0.5 : f64, exclude_outside = 1, "),
        ("linear", "antialias = 1, "),
        ("cubic", "antialias = 1, "),
    ] {
        for transform in ["half_pixel", "align_corners", "asymmetric", "half_pixel_symmetric"] {
            let attrs = format!("{extra}coordinate_transformation_mode = \"{transform}\", mode = \"{mode}\", ");
            let src = resize("tensor<1x2x5x4xf32>", "[1, 2, 3, 7]", true, &attrs, "tensor<1x2x3x7xf32>");
            let text = check_within(&src, &[ramp(&[1, 2, 5, 4])], 1e-5);
            // The routine takes two taps per axis: linear without antialiasing (which widens the downsampled
            // rows' filter), not cubic.
            let routine = mode == "linear" && extra.is_empty();
            assert_eq!(text.contains("\"kernel.resize\""), routine, "{text}");
        }
    }
    let src =
        resize("tensor<1x1x4x4xf64>", "[1.0, 1.0, 2.0, 0.5]", false, "mode = \"linear\", ", "tensor<1x1x8x2xf64>");
    let x = Tensor::from_f64(DType::F64, vec![1, 1, 4, 4], &(0..16).map(|i| i as f64 * 0.3).collect::<Vec<_>>());
    let text = check_within(&src, &[x.unwrap()], 1e-12);
    assert!(!text.contains("\"kernel.resize\""), "f64 keeps the loops: {text}");
}

#[test]
fn resize_by_integer_factors_batches_channels_and_single_cells() {
    // 2x and 3x on odd widths with batch 2 and 3 channels, and 1x1 planes: nearest, and linear (the loops'
    // innermost axis pass runs over output positions through i32 position tables), the routine for the last
    // two axes (a width of 17 has a partial block of 8 after two whole ones), the loops for a resized channel
    // axis.
    for (input, scales, output) in [
        ("tensor<2x3x5x7xf32>", "[1.0, 1.0, 2.0, 2.0]", "tensor<2x3x10x14xf32>"),
        ("tensor<2x1x3x5xf32>", "[1.0, 1.0, 3.0, 3.0]", "tensor<2x1x9x15xf32>"),
        ("tensor<1x3x1x1xf32>", "[1.0, 1.0, 2.0, 2.0]", "tensor<1x3x2x2xf32>"),
        ("tensor<2x2x3x17xf32>", "[1.0, 1.0, 0.5, 2.0]", "tensor<2x2x1x34xf32>"),
        ("tensor<1x2x3x4xf32>", "[1.0, 2.0, 1.0, 2.0]", "tensor<1x4x3x8xf32>"),
    ] {
        let shape: Vec<usize> = input[7..input.len() - 5].split('x').map(|d| d.parse().unwrap()).collect();
        for transform in ["half_pixel", "asymmetric", "align_corners"] {
            let attrs = format!("coordinate_transformation_mode = \"{transform}\", ");
            check(&resize(input, scales, false, &attrs, output), &[bumpy(&shape)]);
            let linear = format!("{attrs}mode = \"linear\", ");
            let lowered = check_within(&resize(input, scales, false, &linear, output), &[bumpy(&shape)], 1e-5);
            let channels_resized = scales.starts_with("[1.0, 2.0");
            assert_eq!(lowered.contains("\"kernel.resize\""), !channels_resized, "{lowered}");
        }
    }
}

#[test]
fn resize_linear_keeps_infinities_at_single_taps() {
    // Asymmetric 2x: every other output is one tap of weight 1 (which the routine's tables count twice at
    // half weight, not once with a zero-weight partner: 0 · inf would be NaN), the others average an infinity.
    let x = Tensor::from_f64(DType::F32, vec![1, 1, 2, 3], &[1.0, f64::INFINITY, 2.0, -3.0, 4.0, 5.0]).unwrap();
    let attrs = "coordinate_transformation_mode = \"asymmetric\", mode = \"linear\", ";
    let src = resize("tensor<1x1x2x3xf32>", "[1.0, 1.0, 2.0, 2.0]", false, attrs, "tensor<1x1x4x6xf32>");
    let text = check_within(&src, &[x], 1e-6);
    assert!(text.contains("\"kernel.resize\""), "{text}");
}

#[test]
fn resize_with_roi_axes_and_aspect_ratio() {
    // tf_crop_and_resize with a roi reaching past the input: extrapolated cells, linear and nearest.
    for mode in ["linear", "nearest", "cubic"] {
        let body = format!(
            r#"    %roi = "nn.constant"() {{value = dense<[0.0, 0.0, 0.4, 0.6, 1.0, 1.0, 1.2, 1.7]> : tensor<8xf32>}} : () -> tensor<8xf32>
    %s = "nn.constant"() {{value = dense<[1, 1, 3, 3]> : tensor<4xi64>}} : () -> tensor<4xi64>
    %y = "nn.resize"(%a0, %roi, %s) {{coordinate_transformation_mode = "tf_crop_and_resize", extrapolation_value = 10.0 : f64, mode = "{mode}", operandSegmentSizes = [1, 1, 0, 1]}} : (tensor<1x1x4x4xf32>, tensor<8xf32>, tensor<4xi64>) -> tensor<1x1x3x3xf32>
    "func.return"(%y) : (tensor<1x1x3x3xf32>) -> ()"#
        );
        check_within(&module(&["tensor<1x1x4x4xf32>"], &["tensor<1x1x3x3xf32>"], &body), &[ramp(&[1, 1, 4, 4])], 1e-5);
    }
    // Sizes for axes [3, 2] under each keep_aspect_ratio_policy.
    for (policy, out) in [
        ("stretch", "tensor<1x1x6x3xf32>"),
        ("not_larger", "tensor<1x1x2x3xf32>"),
        ("not_smaller", "tensor<1x1x6x12xf32>"),
    ] {
        let body = format!(
            r#"    %s = "nn.constant"() {{value = dense<[3, 6]> : tensor<2xi64>}} : () -> tensor<2xi64>
    %y = "nn.resize"(%a0, %s) {{axes = [3, -2], keep_aspect_ratio_policy = "{policy}", mode = "linear", operandSegmentSizes = [1, 0, 0, 1]}} : (tensor<1x1x2x4xf32>, tensor<2xi64>) -> {out}
    "func.return"(%y) : ({out}) -> ()"#
        );
        check_within(&module(&["tensor<1x1x2x4xf32>"], &[out], &body), &[ramp(&[1, 1, 2, 4])], 1e-5);
    }
}

#[test]
fn contiguous_pieces_are_views_and_large_copies_split_into_tiles() {
    // Rows 1..3 of a matrix are one contiguous run: a view, no kernel.
    let prelude = consts("st", &[1]) + &consts("en", &[3]);
    let src = one_op(
        "slice",
        &["tensor<4x5xf32>"],
        &prelude,
        &["%st: tensor<1xi64>", "%en: tensor<1xi64>"],
        "operandSegmentSizes = [1, 1, 1, 0, 0]",
        "tensor<2x5xf32>",
    );
    let text = check(&src, &[ramp(&[4, 5])]);
    assert!(!text.contains("callee = @slice"), "{text}");
    // A cropping pad of the leading axis is a view too.
    let src = one_op(
        "pad",
        &["tensor<4x5xf32>"],
        &consts("p", &[-1, 0, -2, 0]),
        &["%p: tensor<4xi64>"],
        "operandSegmentSizes = [1, 1, 0, 0]",
        "tensor<1x5xf32>",
    );
    let text = check(&src, &[ramp(&[4, 5])]);
    assert!(!text.contains("callee = @pad"), "{text}");
    // Long rows split into pieces; many short rows group into tiles.
    let body = r#"    %y = "nn.concat"(%a0, %a1) {axis = 1} : (tensor<2x5000xf32>, tensor<2x3000xf32>) -> tensor<2x8000xf32>
    "func.return"(%y) : (tensor<2x8000xf32>) -> ()"#;
    let text = check(
        &module(&["tensor<2x5000xf32>", "tensor<2x3000xf32>"], &["tensor<2x8000xf32>"], body),
        &[ramp(&[2, 5000]), ramp(&[2, 3000])],
    );
    assert!(text.contains("tiles = 4"), "{text}");
    let text = check(
        &one_op("transpose", &["tensor<3x70x80xf32>"], "", &[], "perm = [2, 1, 0]", "tensor<80x70x3xf32>"),
        &[ramp(&[3, 70, 80])],
    );
    assert!(text.contains("tiles = 5"), "{text}");
    // Empty results launch nothing.
    let text = check(&one_op("transpose", &["tensor<0x3xf32>"], "", &[], "", "tensor<3x0xf32>"), &[ramp(&[0, 3])]);
    assert!(!text.contains("callee = @transpose"), "{text}");
}

#[test]
fn data_dependent_operands_are_reported() {
    let src = one_op(
        "slice",
        &["tensor<4xf32>", "tensor<1xi64>", "tensor<1xi64>"],
        "",
        &[],
        "operandSegmentSizes = [1, 1, 1, 0, 0]",
        "tensor<?xf32>",
    );
    check_error(&src.replace("tensor<?xf32>", "tensor<2xf32>"), "operand `starts` must be a constant");
}

#[test]
fn concat_operands_computed_in_place() {
    // `%r0` and `%r1` go straight into `%c1`, which itself goes into `%c2` (nested), although `%r1` has
    // another reader; `%t` is returned, `%a0` an input, `%r0` already placed and `%n` not a contiguous part
    // (leading dim 2): those four operands are copied, as are both of `%d`'s (a duplicated operand).
    let body = r#"    %r0 = "nn.relu"(%a0) : (tensor<1x2x3x5xf32>) -> tensor<1x2x3x5xf32>
    %r1 = "nn.neg"(%a1) : (tensor<1x3x3x5xf32>) -> tensor<1x3x3x5xf32>
    %t = "nn.mul"(%r1, %a1) : (tensor<1x3x3x5xf32>, tensor<1x3x3x5xf32>) -> tensor<1x3x3x5xf32>
    %c1 = "nn.concat"(%r0, %r1) {axis = 1} : (tensor<1x2x3x5xf32>, tensor<1x3x3x5xf32>) -> tensor<1x5x3x5xf32>
    %c2 = "nn.concat"(%c1, %t, %a0) {axis = -3} : (tensor<1x5x3x5xf32>, tensor<1x3x3x5xf32>, tensor<1x2x3x5xf32>) -> tensor<1x10x3x5xf32>
    %d = "nn.concat"(%r0, %r0) {axis = 1} : (tensor<1x2x3x5xf32>, tensor<1x2x3x5xf32>) -> tensor<1x4x3x5xf32>
    %n = "nn.neg"(%a2) : (tensor<2x3xf32>) -> tensor<2x3xf32>
    %e = "nn.concat"(%n, %a2) {axis = 1} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
    "func.return"(%c2, %t, %d, %e) : (tensor<1x10x3x5xf32>, tensor<1x3x3x5xf32>, tensor<1x4x3x5xf32>, tensor<2x6xf32>) -> ()"#;
    let src = module(
        &["tensor<1x2x3x5xf32>", "tensor<1x3x3x5xf32>", "tensor<2x3xf32>"],
        &["tensor<1x10x3x5xf32>", "tensor<1x3x3x5xf32>", "tensor<1x4x3x5xf32>", "tensor<2x6xf32>"],
        body,
    );
    let lowered = check(&src, &[ramp(&[1, 2, 3, 5]), bumpy(&[1, 3, 3, 5]), ramp(&[2, 3])]);
    let copies = lowered.matches(r#"op_type = "nn.concat""#).count();
    assert_eq!(copies, 6, "concat copies in:\n{lowered}");
}
