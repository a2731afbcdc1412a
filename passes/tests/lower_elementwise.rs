//! `lower-to-kernel` of the elementwise and misc ops: each function is lowered, verified, and
//! the kernel interpreter's outputs compared with the reference interpreter's (exactly, or within
//! a relative tolerance where f32 kernels compute what the reference computes in f64).

mod common;

use common::{check, check_within};

use msc_nn_kernels::{DType, Data, Tensor};

/// A module with one function `@f(args) -> results` whose body is `body` (ops, then
/// `"func.return"(returned)`).
fn module(args: &[(&str, &str)], body: &str, returned: &[(&str, &str)]) -> String {
    let params: Vec<String> = args.iter().map(|(n, t)| format!("%{n}: {t}")).collect();
    let arg_types: Vec<&str> = args.iter().map(|(_, t)| *t).collect();
    let names: Vec<String> = returned.iter().map(|(n, _)| format!("%{n}")).collect();
    let types: Vec<&str> = returned.iter().map(|(_, t)| *t).collect();
    format!(
        r#""builtin.module"() ({{
  "func.func"() ({{
  ^bb0({}):
{body}
    "func.return"({}) : ({}) -> ()
  }}) {{function_type = ({}) -> ({}), sym_name = "f"}} : () -> ()
}}) : () -> ()"#,
        params.join(", "),
        names.join(", "),
        types.join(", "),
        arg_types.join(", "),
        types.join(", ")
    )
}

fn tensor(dtype: DType, shape: &[usize], values: &[f64]) -> Tensor {
    Tensor::from_f64(dtype, shape.to_vec(), values).unwrap()
}

fn ints(dtype: DType, shape: &[usize], values: &[i64]) -> Tensor {
    Tensor::from_i64(dtype, shape.to_vec(), values).unwrap()
}

fn bools(shape: &[usize], values: &[bool]) -> Tensor {
    Tensor::new(shape.to_vec(), Data::Bool(values.to_vec())).unwrap()
}

/// `n` varied f32 values in about [-4, 4], including 0.
fn ramp(n: usize) -> Vec<f64> {
    (0..n).map(|i| ((i * 37 % 101) as f64 - 50.0) / 12.5).collect()
}

#[test]
fn binary_broadcasting_merges_dims_and_hoists_broadcast_loads() {
    // [2, 1, 3] + [4, 1] -> [2, 4, 3]: the first operand is broadcast along dim 1, the second
    // along dims 0 and 2, so the innermost loop loads the second once per row.
    let src = module(
        &[("a", "tensor<2x1x3xf32>"), ("b", "tensor<4x1xf32>")],
        r#"    %y = "nn.add"(%a, %b) : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>"#,
        &[("y", "tensor<2x4x3xf32>")],
    );
    let text = check(&src, &[tensor(DType::F32, &[2, 1, 3], &ramp(6)), tensor(DType::F32, &[4, 1], &ramp(4))]);
    assert!(text.contains("kernel.launch"), "{text}");
    // Same-shape operands: one flat loop over every element, with a tail past one CHUNK.
    let n = 4096 + 5;
    let ty = format!("tensor<{n}xf32>");
    let src = module(
        &[("a", &ty), ("b", &ty)],
        &format!(r#"    %y = "nn.mul"(%a, %b) : ({ty}, {ty}) -> {ty}"#),
        &[("y", &ty)],
    );
    let text = check(&src, &[tensor(DType::F32, &[n], &ramp(n)), tensor(DType::F32, &[n], &ramp(n + 1)[1..])]);
    assert!(text.contains("tiles = 2"), "{text}");
    // Rows longer than a CHUNK are split into pieces; a scalar broadcasts everywhere.
    let src = module(
        &[("a", "tensor<3x5000xf32>"), ("b", "tensor<5000xf32>"), ("s", "tensor<f32>")],
        r#"    %t = "nn.sub"(%a, %b) : (tensor<3x5000xf32>, tensor<5000xf32>) -> tensor<3x5000xf32>
    %y = "nn.max"(%t, %s, %b) : (tensor<3x5000xf32>, tensor<f32>, tensor<5000xf32>) -> tensor<3x5000xf32>"#,
        &[("y", "tensor<3x5000xf32>")],
    );
    check(
        &src,
        &[
            tensor(DType::F32, &[3, 5000], &ramp(15000)),
            tensor(DType::F32, &[5000], &ramp(5001)[1..]),
            tensor(DType::F32, &[], &[0.5]),
        ],
    );
}

#[test]
fn zero_size_and_size_one_dims() {
    let src = module(
        &[("a", "tensor<0x3xf32>"), ("b", "tensor<3xf32>")],
        r#"    %y = "nn.add"(%a, %b) : (tensor<0x3xf32>, tensor<3xf32>) -> tensor<0x3xf32>"#,
        &[("y", "tensor<0x3xf32>")],
    );
    check(&src, &[tensor(DType::F32, &[0, 3], &[]), tensor(DType::F32, &[3], &[1.0, 2.0, 3.0])]);
    let src = module(
        &[("a", "tensor<1x1xf32>"), ("b", "tensor<1xf32>")],
        r#"    %y = "nn.div"(%a, %b) : (tensor<1x1xf32>, tensor<1xf32>) -> tensor<1x1xf32>"#,
        &[("y", "tensor<1x1xf32>")],
    );
    check(&src, &[tensor(DType::F32, &[1, 1], &[3.0]), tensor(DType::F32, &[1], &[4.0])]);
}

#[test]
fn integer_arithmetic_wraps_and_mod_follows_fmod() {
    let src = module(
        &[
            ("a", "tensor<6xi32>"),
            ("b", "tensor<6xi32>"),
            ("e", "tensor<6xi64>"),
            ("u", "tensor<3xui8>"),
            ("v", "tensor<3xui8>"),
        ],
        r#"    %m = "nn.mod"(%a, %b) : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
    %f = "nn.mod"(%a, %b) {fmod = 1} : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
    %d = "nn.div"(%a, %b) : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
    %p = "nn.pow"(%a, %e) : (tensor<6xi32>, tensor<6xi64>) -> tensor<6xi32>
    %w = "nn.sub"(%u, %v) : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
    %x = "nn.max"(%u, %v) : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
    %n = "nn.bitwise_not"(%u) : (tensor<3xui8>) -> tensor<3xui8>
    %s = "nn.sign"(%a) : (tensor<6xi32>) -> tensor<6xi32>"#,
        &[
            ("m", "tensor<6xi32>"),
            ("f", "tensor<6xi32>"),
            ("d", "tensor<6xi32>"),
            ("p", "tensor<6xi32>"),
            ("w", "tensor<3xui8>"),
            ("x", "tensor<3xui8>"),
            ("n", "tensor<3xui8>"),
            ("s", "tensor<6xi32>"),
        ],
    );
    check(
        &src,
        &[
            ints(DType::I32, &[6], &[-7, 7, 7, -7, 3, 0]),
            ints(DType::I32, &[6], &[3, -3, 3, -3, 21, 5]),
            ints(DType::I64, &[6], &[3, 0, 2, 21, 31, 1]),
            ints(DType::U8, &[3], &[3, 200, 0]),
            ints(DType::U8, &[3], &[5, 100, 255]),
        ],
    );
}

#[test]
fn bit_shifts_follow_direction_and_signedness() {
    let src = module(
        &[("a", "tensor<6xi8>"), ("b", "tensor<6xi8>"), ("u", "tensor<3xui8>"), ("s", "tensor<ui8>")],
        r#"    %l = "nn.bit_shift"(%a, %b) {direction = "LEFT"} : (tensor<6xi8>, tensor<6xi8>) -> tensor<6xi8>
    %r = "nn.bit_shift"(%a, %b) {direction = "RIGHT"} : (tensor<6xi8>, tensor<6xi8>) -> tensor<6xi8>
    %ul = "nn.bit_shift"(%u, %s) {direction = "LEFT"} : (tensor<3xui8>, tensor<ui8>) -> tensor<3xui8>
    %ur = "nn.bit_shift"(%u, %s) {direction = "RIGHT"} : (tensor<3xui8>, tensor<ui8>) -> tensor<3xui8>"#,
        &[("l", "tensor<6xi8>"), ("r", "tensor<6xi8>"), ("ul", "tensor<3xui8>"), ("ur", "tensor<3xui8>")],
    );
    check(
        &src,
        &[
            ints(DType::I8, &[6], &[-8, 64, -1, 4, -8, 5]),
            ints(DType::I8, &[6], &[1, 1, 8, 9, -1, 0]),
            ints(DType::U8, &[3], &[16, 255, 1]),
            ints(DType::U8, &[], &[1]),
        ],
    );
}

#[test]
fn casts_wrap_like_the_reference() {
    let src = module(
        &[("x", "tensor<5xf32>"), ("i", "tensor<3xi64>")],
        r#"    %a = "nn.cast"(%x) {to = i8} : (tensor<5xf32>) -> tensor<5xi8>
    %b = "nn.cast"(%x) {to = ui8} : (tensor<5xf32>) -> tensor<5xui8>
    %c = "nn.cast"(%x) {to = i1} : (tensor<5xf32>) -> tensor<5xi1>
    %d = "nn.cast"(%x) {to = f16} : (tensor<5xf32>) -> tensor<5xf16>
    %e = "nn.cast"(%i) {to = i16} : (tensor<3xi64>) -> tensor<3xi16>
    %g = "nn.cast"(%c) {to = f32} : (tensor<5xi1>) -> tensor<5xf32>"#,
        &[
            ("a", "tensor<5xi8>"),
            ("b", "tensor<5xui8>"),
            ("c", "tensor<5xi1>"),
            ("d", "tensor<5xf16>"),
            ("e", "tensor<3xi16>"),
            ("g", "tensor<5xf32>"),
        ],
    );
    check(
        &src,
        &[tensor(DType::F32, &[5], &[300.7, -1.5, 0.0, f64::NAN, 1e-8]), ints(DType::I64, &[3], &[70000, -1, 1 << 40])],
    );
}

#[test]
fn half_precision_computes_in_f32_and_rounds_once() {
    let src = module(
        &[("x", "tensor<4xf16>"), ("y", "tensor<4xbf16>")],
        r#"    %a = "nn.sqrt"(%x) : (tensor<4xf16>) -> tensor<4xf16>
    %b = "nn.exp"(%y) : (tensor<4xbf16>) -> tensor<4xbf16>
    %c = "nn.add"(%x, %x) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>"#,
        &[("a", "tensor<4xf16>"), ("b", "tensor<4xbf16>"), ("c", "tensor<4xf16>")],
    );
    check(
        &src,
        &[tensor(DType::F16, &[4], &[2.0, 3.0, 0.5, 60000.0]), tensor(DType::BF16, &[4], &[1.0, -2.0, 0.25, 3.0])],
    );
}

#[test]
fn activations_match_within_f32_rounding() {
    let ops = [
        "nn.sigmoid",
        "nn.tanh",
        "nn.erf",
        "nn.silu",
        "nn.softplus",
        "nn.softsign",
        "nn.mish",
        "nn.hard_swish",
        "nn.hard_sigmoid",
        "nn.relu",
        "nn.abs",
        "nn.neg",
        "nn.sign",
        "nn.round",
        "nn.reciprocal",
        "nn.exp",
    ];
    let x = tensor(DType::F32, &[2, 50], &ramp(100));
    for op in ops {
        let body = format!(r#"    %y = "{op}"(%x) : (tensor<2x50xf32>) -> tensor<2x50xf32>"#);
        check_within(
            &module(&[("x", "tensor<2x50xf32>")], &body, &[("y", "tensor<2x50xf32>")]),
            std::slice::from_ref(&x),
            1e-6,
        );
    }
    let with_attributes = [
        r#""nn.leaky_relu"(%x) {alpha = 0.1}"#,
        r#""nn.elu"(%x) {alpha = 0.5}"#,
        r#""nn.selu"(%x)"#,
        r#""nn.celu"(%x) {alpha = 2.0}"#,
        r#""nn.gelu"(%x)"#,
        r#""nn.gelu"(%x) {approximate = "tanh"}"#,
        r#""nn.thresholded_relu"(%x) {alpha = 0.5}"#,
        r#""nn.shrink"(%x) {bias = 1.5, lambd = 0.5}"#,
    ];
    for op in with_attributes {
        let body = format!(r#"    %y = {op} : (tensor<2x50xf32>) -> tensor<2x50xf32>"#);
        check_within(
            &module(&[("x", "tensor<2x50xf32>")], &body, &[("y", "tensor<2x50xf32>")]),
            std::slice::from_ref(&x),
            1e-6,
        );
    }
    // Tiny negative inputs: expm1 keeps its relative accuracy.
    let tiny = tensor(DType::F32, &[3], &[-1e-7, -3e-5, -1e-3]);
    let body = r#"    %y = "nn.elu"(%x) : (tensor<3xf32>) -> tensor<3xf32>"#;
    check_within(&module(&[("x", "tensor<3xf32>")], body, &[("y", "tensor<3xf32>")]), &[tiny], 1e-6);
}

#[test]
fn predicates_clip_where_and_prelu() {
    let special = tensor(DType::F32, &[5], &[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.0, -3.0]);
    let src = module(
        &[("x", "tensor<5xf32>"), ("hi", "tensor<f32>"), ("c", "tensor<2x1xi1>"), ("s", "tensor<5xf32>")],
        r#"    %n = "nn.is_nan"(%x) : (tensor<5xf32>) -> tensor<5xi1>
    %i = "nn.is_inf"(%x) {detect_negative = 0} : (tensor<5xf32>) -> tensor<5xi1>
    %k = "nn.clip"(%x, %hi) {operandSegmentSizes = [1, 0, 1]} : (tensor<5xf32>, tensor<f32>) -> tensor<5xf32>
    %w = "nn.where"(%c, %x, %hi) : (tensor<2x1xi1>, tensor<5xf32>, tensor<f32>) -> tensor<2x5xf32>
    %p = "nn.prelu"(%x, %s) : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
    %q = "nn.less"(%x, %hi) : (tensor<5xf32>, tensor<f32>) -> tensor<5xi1>
    %z = "nn.xor"(%q, %n) : (tensor<5xi1>, tensor<5xi1>) -> tensor<5xi1>
    %o = "nn.not"(%z) : (tensor<5xi1>) -> tensor<5xi1>"#,
        &[
            ("n", "tensor<5xi1>"),
            ("i", "tensor<5xi1>"),
            ("k", "tensor<5xf32>"),
            ("w", "tensor<2x5xf32>"),
            ("p", "tensor<5xf32>"),
            ("o", "tensor<5xi1>"),
        ],
    );
    check(
        &src,
        &[
            special,
            tensor(DType::F32, &[], &[0.5]),
            bools(&[2, 1], &[true, false]),
            tensor(DType::F32, &[5], &[0.1, 0.2, 0.3, 0.4, 0.5]),
        ],
    );
}

#[test]
fn trilu_keeps_triangles_of_batched_matrices() {
    let x = tensor(DType::F32, &[2, 3, 4], &ramp(24));
    for (upper, k) in [(1, 0), (1, 2), (0, -1), (0, 5), (1, -7)] {
        let src = module(
            &[("x", "tensor<2x3x4xf32>")],
            &format!(
                r#"    %k = "nn.constant"() {{value = dense<{k}> : tensor<i64>}} : () -> tensor<i64>
    %y = "nn.trilu"(%x, %k) {{upper = {upper}}} : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x3x4xf32>"#
            ),
            &[("y", "tensor<2x3x4xf32>")],
        );
        check(&src, std::slice::from_ref(&x));
    }
    let src = module(
        &[("x", "tensor<5x2xi32>")],
        r#"    %y = "nn.trilu"(%x) {upper = 0} : (tensor<5x2xi32>) -> tensor<5x2xi32>"#,
        &[("y", "tensor<5x2xi32>")],
    );
    check(&src, &[ints(DType::I32, &[5, 2], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]);
}

#[test]
fn one_hot_on_inner_and_last_axes() {
    let values = r#"%v = "nn.constant"() {value = dense<[2.0, 7.0]> : tensor<2xf32>} : () -> tensor<2xf32>
    %d = "nn.constant"() {value = dense<4> : tensor<i64>} : () -> tensor<i64>"#;
    let indices = ints(DType::I64, &[2, 3], &[0, 3, -1, -4, 4, 2]);
    for (axis, out) in [(-1, "2x3x4"), (1, "2x4x3"), (0, "4x2x3")] {
        let ty = format!("tensor<{out}xf32>");
        let src = module(
            &[("i", "tensor<2x3xi64>")],
            &format!(
                r#"    {values}
    %y = "nn.one_hot"(%i, %d, %v) {{axis = {axis}}} : (tensor<2x3xi64>, tensor<i64>, tensor<2xf32>) -> {ty}"#
            ),
            &[("y", &ty)],
        );
        check(&src, std::slice::from_ref(&indices));
    }
}

#[test]
fn range_fill_shape_and_size() {
    let src = module(
        &[("x", "tensor<2x3xf32>")],
        r#"    %s = "nn.constant"() {value = dense<1.5> : tensor<f32>} : () -> tensor<f32>
    %l = "nn.constant"() {value = dense<-2.0> : tensor<f32>} : () -> tensor<f32>
    %d = "nn.constant"() {value = dense<-0.75> : tensor<f32>} : () -> tensor<f32>
    %r = "nn.range"(%s, %l, %d) : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<5xf32>
    %a = "nn.constant"() {value = dense<10> : tensor<i32>} : () -> tensor<i32>
    %b = "nn.constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>
    %c = "nn.constant"() {value = dense<-3> : tensor<i32>} : () -> tensor<i32>
    %q = "nn.range"(%a, %b, %c) : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<3xi32>
    %n = "nn.constant"() {value = dense<[2, 0, 3]> : tensor<3xi64>} : () -> tensor<3xi64>
    %m = "nn.constant"() {value = dense<[3, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
    %f = "nn.constant_of_shape"(%m) {value = dense<-5> : tensor<1xi8>} : (tensor<2xi64>) -> tensor<3x2xi8>
    %z = "nn.constant_of_shape"(%m) : (tensor<2xi64>) -> tensor<3x2xf32>
    %e = "nn.constant_of_shape"(%n) : (tensor<3xi64>) -> tensor<2x0x3xf32>
    %h = "nn.shape"(%x) {start = -1} : (tensor<2x3xf32>) -> tensor<1xi64>
    %k = "nn.size"(%x) : (tensor<2x3xf32>) -> tensor<i64>"#,
        &[
            ("r", "tensor<5xf32>"),
            ("q", "tensor<3xi32>"),
            ("f", "tensor<3x2xi8>"),
            ("z", "tensor<3x2xf32>"),
            ("e", "tensor<2x0x3xf32>"),
            ("h", "tensor<1xi64>"),
            ("k", "tensor<i64>"),
        ],
    );
    check(&src, &[tensor(DType::F32, &[2, 3], &ramp(6))]);
}

#[test]
fn topk_breaks_ties_by_index_and_ranks_nan_highest() {
    let x = tensor(
        DType::F32,
        &[2, 5, 2],
        &[
            1.0,
            4.0,
            3.0,
            f64::NAN,
            3.0,
            4.0,
            2.0,
            0.0,
            5.0,
            4.0, //
            -1.0,
            0.0,
            f64::NAN,
            0.0,
            2.0,
            -3.0,
            2.0,
            1.0,
            f64::NAN,
            1.0,
        ],
    );
    for (axis, largest, k) in [(1, 1, 3), (1, 0, 5), (-1, 1, 1), (0, 0, 2)] {
        let shape = match axis {
            1 => format!("2x{k}x2"),
            -1 => format!("2x5x{k}"),
            _ => format!("{k}x5x2"),
        };
        let src = module(
            &[("x", "tensor<2x5x2xf32>")],
            &format!(
                r#"    %k = "nn.constant"() {{value = dense<{k}> : tensor<1xi64>}} : () -> tensor<1xi64>
    %t:2 = "nn.topk"(%x, %k) {{axis = {axis}, largest = {largest}}} : (tensor<2x5x2xf32>, tensor<1xi64>) -> (tensor<{shape}xf32>, tensor<{shape}xi64>)"#
            ),
            &[("t#0", &format!("tensor<{shape}xf32>")), ("t#1", &format!("tensor<{shape}xi64>"))],
        );
        check(&src, std::slice::from_ref(&x));
    }
    let src = module(
        &[("x", "tensor<6xi32>")],
        r#"    %k = "nn.constant"() {value = dense<4> : tensor<1xi64>} : () -> tensor<1xi64>
    %t:2 = "nn.topk"(%x, %k) {largest = 0} : (tensor<6xi32>, tensor<1xi64>) -> (tensor<4xi32>, tensor<4xi64>)"#,
        &[("t#0", "tensor<4xi32>"), ("t#1", "tensor<4xi64>")],
    );
    check(&src, &[ints(DType::I32, &[6], &[5, -3, 9, -3, 0, 5])]);
}

#[test]
fn einsum_contracts_broadcasts_and_takes_diagonals() {
    let cases = [
        ("ij,jk->ik", vec![vec![2, 3], vec![3, 4]], "2x4"),
        ("bij,bjk->bik", vec![vec![2, 2, 3], vec![2, 3, 2]], "2x2x2"),
        ("ii->i", vec![vec![3, 3]], "3"),
        ("ij->", vec![vec![2, 3]], ""),
        ("...j,j", vec![vec![2, 1, 3], vec![3]], "2x1"),
        ("ij,kj->ikj", vec![vec![1, 3], vec![2, 3]], "1x2x3"),
    ];
    for (equation, shapes, out) in cases {
        let ty = |s: &[usize]| {
            let dims: String = s.iter().map(|d| format!("{d}x")).collect();
            format!("tensor<{dims}f32>")
        };
        let names = ["a", "b"];
        let args: Vec<(String, String)> = shapes.iter().zip(names).map(|(s, n)| (n.to_string(), ty(s))).collect();
        let arg_refs: Vec<(&str, &str)> = args.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        let operands: Vec<String> = args.iter().map(|(n, _)| format!("%{n}")).collect();
        let types: Vec<&str> = args.iter().map(|(_, t)| t.as_str()).collect();
        let out_ty = if out.is_empty() { "tensor<f32>".to_string() } else { format!("tensor<{out}xf32>") };
        let body = format!(
            r#"    %y = "nn.einsum"({}) {{equation = "{equation}"}} : ({}) -> {out_ty}"#,
            operands.join(", "),
            types.join(", ")
        );
        let inputs: Vec<Tensor> = shapes
            .iter()
            .map(|s| {
                let n = s.iter().product();
                tensor(DType::F32, s, &ramp(n))
            })
            .collect();
        check_within(&module(&arg_refs, &body, &[("y", &out_ty)]), &inputs, 1e-6);
    }
}
