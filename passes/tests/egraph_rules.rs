//! Every e-graph rule, checked alone: its example IR goes into an e-graph, only that rule runs,
//! extraction prefers the nodes the rule created, and the rewritten IR is snapshotted and run by
//! the reference interpreter on seeded random inputs against the original (rtol 1e-4, atol 1e-5).

use msc_ir::{Context, OpId, PrintOptions, Type, parse_source, print_op};
use msc_nn::interp::run_function;
use msc_nn_kernels::{DType, Tensor};
use msc_passes::egraph::analysis::NnEGraph;
use msc_passes::egraph::extract::CostFunction;
use msc_passes::egraph::lang::Node;
use msc_passes::egraph::{Limits, Report, convert, extract_and_write_back, rules, saturate};
use std::collections::HashSet;
use std::sync::Arc;

const RTOL: f64 = 1e-4;
const ATOL: f64 = 1e-5;

/// Prefers nodes that were not in the original function: they cost 1, original ops 100.
struct PreferRewritten(HashSet<Node>);

impl CostFunction for PreferRewritten {
    fn node_cost(&self, egraph: &NnEGraph, _: egg::Id, node: &Node) -> f64 {
        match node {
            Node::Op(..) if self.0.contains(&canonical(egraph, node)) => 100.0,
            Node::Op(..) => 1.0,
            _ => 0.0,
        }
    }
}

fn canonical(egraph: &NnEGraph, node: &Node) -> Node {
    use egg::Language;
    node.clone().map_children(|c| egraph.find(c))
}

/// Seeded values in [-1, 1), or in [0.5, 1.5) for `positive` (variances, divisors).
fn random(ty: &Type, seed: u64) -> Tensor {
    let t = ty.as_tensor().unwrap();
    let shape: Vec<usize> = t.static_shape().unwrap().iter().map(|&d| d as usize).collect();
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let values: Vec<f64> = (0..shape.iter().product::<usize>())
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect();
    Tensor::from_f64(DType::F32, shape, &values).unwrap()
}

fn function(ctx: &Context, module: OpId) -> OpId {
    ctx.block_ops(msc_builtin::body(ctx, module)).next().unwrap()
}

/// Runs rule `name` alone on `src`, checks it fired and changed the IR, snapshots the result and
/// compares both functions' outputs.
fn check(name: &str, src: &str) {
    let rule = *rules::all().iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no rule {name}"));
    let mut ctx = Context::new(Arc::new(msc_nn::standard_registry()));
    let module = parse_source(&mut ctx, src, "rule.mlir").unwrap_or_else(|e| panic!("{name}: {e}\n{src}"))[0];
    let func = function(&ctx, module);
    let before_text = print_op(&ctx, module, &PrintOptions::default());
    let sig = msc_builtin::func::signature(ctx.op(func)).unwrap();
    let inputs: Vec<Tensor> = sig.inputs.iter().enumerate().map(|(i, t)| random(t, 17 + i as u64)).collect();
    let expected = run_function(&ctx, func, &inputs).unwrap();

    let mut converted = convert::to_egraph(&ctx, func).unwrap();
    let saturation = saturate(&mut converted, &[rule], Limits { node_limit: 10_000, iter_limit: 8 });
    assert!(saturation.fired.contains_key(name), "{name} did not fire on\n{before_text}");
    let originals: HashSet<Node> = converted.origins.iter().map(|o| canonical(&converted.egraph, &o.node)).collect();
    let cost = PreferRewritten(originals);
    extract_and_write_back(&mut ctx, func, &converted, &cost, &mut Report::default()).unwrap();
    msc_ir::verifier::verify(&ctx, module).unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let after_text = print_op(&ctx, module, &PrintOptions::default());
    assert_ne!(before_text, after_text, "{name} left the IR unchanged");
    insta::assert_snapshot!(format!("egraph_rule_{name}"), after_text);

    let actual = run_function(&ctx, function(&ctx, module), &inputs).unwrap();
    for (e, a) in expected.iter().zip(&actual) {
        assert_eq!(e.shape(), a.shape(), "{name}");
        for (x, y) in e.to_f64().iter().zip(a.to_f64()) {
            assert!((x - y).abs() <= ATOL + RTOL * x.abs(), "{name}: {x} became {y}\n{after_text}");
        }
    }
}

/// A module with one function `@f` taking `args` (`%x: tensor<...>`, comma-separated) and
/// returning `result` of type `ty`, with `body` as its ops.
fn module(args: &str, body: &str, result: &str, ty: &str) -> String {
    let arg_types: Vec<&str> = args.split(", %").map(|a| a.split_once(": ").unwrap().1).collect();
    format!(
        "\"builtin.module\"() ({{\n  \"func.func\"() ({{\n  ^bb0({args}):\n{body}\n    \"func.return\"({result}) : ({ty}) -> ()\n  }}) {{function_type = ({}) -> {ty}, sym_name = \"f\"}} : () -> ()\n}}) : () -> ()",
        arg_types.join(", ")
    )
}

/// Each rule's example: its name, then the function's arguments, body, result and result type.
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "fuse-conv-add-bias",
        "%x: tensor<1x2x5x5xf32>",
        r#"    %w = "nn.constant"() {value = dense<[[[[0.5]], [[-1.0]]], [[[2.0]], [[0.25]]], [[[1.0]], [[1.0]]]]> : tensor<3x2x1x1xf32>} : () -> tensor<3x2x1x1xf32>
    %c = "nn.constant"() {value = dense<[[[0.1]], [[0.2]], [[-0.3]]]> : tensor<3x1x1xf32>} : () -> tensor<3x1x1xf32>
    %y = "nn.conv"(%x, %w) : (tensor<1x2x5x5xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x5x5xf32> loc("conv")
    %r = "nn.add"(%y, %c) : (tensor<1x3x5x5xf32>, tensor<3x1x1xf32>) -> tensor<1x3x5x5xf32> loc("add")"#,
        "%r",
        "tensor<1x3x5x5xf32>",
    ),
    (
        "fuse-conv-batch-norm",
        "%x: tensor<1x2x5x5xf32>",
        r#"    %w = "nn.constant"() {value = dense<[[[[0.5, 1.0], [-1.0, 0.5]], [[2.0, 0.0], [0.25, 1.0]]], [[[1.0, 2.0], [1.0, 1.0]], [[0.5, 0.5], [-0.5, 0.5]]]]> : tensor<2x2x2x2xf32>} : () -> tensor<2x2x2x2xf32>
    %b = "nn.constant"() {value = dense<[0.1, -0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
    %s = "nn.constant"() {value = dense<[1.5, 0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
    %t = "nn.constant"() {value = dense<[0.3, -0.1]> : tensor<2xf32>} : () -> tensor<2xf32>
    %m = "nn.constant"() {value = dense<[0.2, 0.4]> : tensor<2xf32>} : () -> tensor<2xf32>
    %v = "nn.constant"() {value = dense<[0.9, 1.7]> : tensor<2xf32>} : () -> tensor<2xf32>
    %y = "nn.conv"(%x, %w, %b) {pads = [1, 1, 0, 0]} : (tensor<1x2x5x5xf32>, tensor<2x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32> loc("conv")
    %r = "nn.batch_norm"(%y, %s, %t, %m, %v) : (tensor<1x2x5x5xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32> loc("bn")"#,
        "%r",
        "tensor<1x2x5x5xf32>",
    ),
    (
        "fuse-conv-mul-scale",
        "%x: tensor<1x2x4x4xf32>",
        r#"    %w = "nn.constant"() {value = dense<[[[[0.5]], [[-1.0]]], [[[2.0]], [[0.25]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
    %b = "nn.constant"() {value = dense<[0.1, -0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
    %c = "nn.constant"() {value = dense<[[[[3.0]], [[-0.5]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
    %y = "nn.conv"(%x, %w, %b) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv")
    %r = "nn.mul"(%c, %y) : (tensor<1x2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("mul")"#,
        "%r",
        "tensor<1x2x4x4xf32>",
    ),
    (
        "fuse-pad-into-conv",
        "%x: tensor<1x1x4x4xf32>",
        r#"    %p = "nn.constant"() {value = dense<[0, 0, 1, 2, 0, 0, 1, 0]> : tensor<8xi64>} : () -> tensor<8xi64>
    %w = "nn.constant"() {value = dense<[[[[1.0, -1.0], [0.5, 2.0]]]]> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
    %z = "nn.pad"(%x, %p) {operandSegmentSizes = [1, 1, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<8xi64>) -> tensor<1x1x6x6xf32> loc("pad")
    %r = "nn.conv"(%z, %w) : (tensor<1x1x6x6xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x5x5xf32> loc("conv")"#,
        "%r",
        "tensor<1x1x5x5xf32>",
    ),
    (
        "fuse-conv-1x1-after-conv",
        "%x: tensor<1x2x5x5xf32>",
        r#"    %w1 = "nn.constant"() {value = dense<[[[[0.5, 1.0], [-1.0, 0.5]], [[2.0, 0.0], [0.25, 1.0]]], [[[1.0, 2.0], [1.0, 1.0]], [[0.5, 0.5], [-0.5, 0.5]]], [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]]]> : tensor<3x2x2x2xf32>} : () -> tensor<3x2x2x2xf32>
    %b1 = "nn.constant"() {value = dense<[0.1, -0.2, 0.3]> : tensor<3xf32>} : () -> tensor<3xf32>
    %w2 = "nn.constant"() {value = dense<[[[[1.0]], [[-2.0]], [[0.5]]], [[[0.25]], [[1.0]], [[-1.0]]]]> : tensor<2x3x1x1xf32>} : () -> tensor<2x3x1x1xf32>
    %b2 = "nn.constant"() {value = dense<[0.5, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
    %y = "nn.conv"(%x, %w1, %b1) {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x5x5xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>) -> tensor<1x3x3x3xf32> loc("conv1")
    %r = "nn.conv"(%y, %w2, %b2) : (tensor<1x3x3x3xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("conv2")"#,
        "%r",
        "tensor<1x2x3x3xf32>",
    ),
    (
        "fuse-conv-epilogue",
        "%x: tensor<1x2x4x4xf32>, %res: tensor<1x2x4x4xf32>",
        r#"    %w = "nn.constant"() {value = dense<[[[[0.5]], [[-1.0]]], [[[2.0]], [[0.25]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
    %y = "nn.conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv")
    %a = "nn.add"(%y, %res) : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("add")
    %r = "nn.relu"(%a) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu")"#,
        "%r",
        "tensor<1x2x4x4xf32>",
    ),
    (
        "fuse-conv-transpose-epilogue",
        "%x: tensor<1x2x3x3xf32>, %res: tensor<1x1x6x6xf32>",
        r#"    %w = "nn.constant"() {value = dense<[[[[0.5, -1.0], [1.0, 0.25]]], [[[2.0, 0.5], [-0.5, 1.0]]]]> : tensor<2x1x2x2xf32>} : () -> tensor<2x1x2x2xf32>
    %b = "nn.constant"() {value = dense<[0.1]> : tensor<1xf32>} : () -> tensor<1xf32>
    %y = "nn.conv_transpose"(%x, %w, %b) {strides = [2, 2]} : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x6x6xf32> loc("deconv")
    %a = "nn.add"(%y, %res) : (tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xf32> loc("add")
    %r = "nn.relu"(%a) : (tensor<1x1x6x6xf32>) -> tensor<1x1x6x6xf32> loc("relu")"#,
        "%r",
        "tensor<1x1x6x6xf32>",
    ),
    (
        "gemm-to-fused-matmul",
        "%a: tensor<3x4xf32>, %b: tensor<5x4xf32>",
        r#"    %c = "nn.constant"() {value = dense<[0.1, 0.2, 0.3, 0.4, 0.5]> : tensor<5xf32>} : () -> tensor<5xf32>
    %r = "nn.gemm"(%a, %b, %c) {alpha = 0.5 : f64, beta = 2.0 : f64, trans_b = 1} : (tensor<3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32> loc("gemm")"#,
        "%r",
        "tensor<3x5xf32>",
    ),
    (
        "absorb-transpose-into-matmul",
        "%a: tensor<2x4x3xf32>, %k: tensor<5x2x4xf32>",
        r#"    %t = "nn.transpose"(%a) {perm = [0, 2, 1]} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32> loc("transpose")
    %kt = "nn.transpose"(%k) {perm = [1, 2, 0]} : (tensor<5x2x4xf32>) -> tensor<2x4x5xf32> loc("k_transpose")
    %r = "nn.matmul"(%t, %kt) : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32> loc("matmul")"#,
        "%r",
        "tensor<2x3x5xf32>",
    ),
    (
        "fuse-matmul-epilogue",
        "%a: tensor<3x4xf32>, %b: tensor<4x5xf32>",
        r#"    %c = "nn.constant"() {value = dense<[0.1, 0.2, 0.3, 0.4, 0.5]> : tensor<5xf32>} : () -> tensor<5xf32>
    %s = "nn.constant"() {value = dense<0.125> : tensor<f32>} : () -> tensor<f32>
    %m = "nn.matmul"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32> loc("matmul")
    %y = "nn.add"(%m, %c) : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32> loc("bias")
    %z = "nn.div"(%y, %s) : (tensor<3x5xf32>, tensor<f32>) -> tensor<3x5xf32> loc("scale")
    %r = "nn.gelu"(%z) : (tensor<3x5xf32>) -> tensor<3x5xf32> loc("gelu")"#,
        "%r",
        "tensor<3x5xf32>",
    ),
    (
        "fuse-layer-norm",
        "%x: tensor<2x3x8xf32>",
        r#"    %axes = "nn.constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
    %two = "nn.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
    %eps = "nn.constant"() {value = dense<1.0e-05> : tensor<f32>} : () -> tensor<f32>
    %m = "nn.reduce_mean"(%x, %axes) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32> loc("mean")
    %d = "nn.sub"(%x, %m) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32> loc("sub")
    %p = "nn.pow"(%d, %two) : (tensor<2x3x8xf32>, tensor<f32>) -> tensor<2x3x8xf32> loc("pow")
    %v = "nn.reduce_mean"(%p, %axes) : (tensor<2x3x8xf32>, tensor<1xi64>) -> tensor<2x3x1xf32> loc("var")
    %ve = "nn.add"(%v, %eps) : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32> loc("add")
    %s = "nn.sqrt"(%ve) : (tensor<2x3x1xf32>) -> tensor<2x3x1xf32> loc("sqrt")
    %r = "nn.div"(%d, %s) : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32> loc("div")"#,
        "%r",
        "tensor<2x3x8xf32>",
    ),
    (
        "fuse-rms-norm",
        "%x: tensor<2x8xf32>",
        r#"    %axes = "nn.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
    %eps = "nn.constant"() {value = dense<1.0e-06> : tensor<f32>} : () -> tensor<f32>
    %q = "nn.mul"(%x, %x) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32> loc("square")
    %m = "nn.reduce_mean"(%q, %axes) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32> loc("mean")
    %me = "nn.add"(%m, %eps) : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32> loc("add")
    %s = "nn.rsqrt"(%me) : (tensor<2x1xf32>) -> tensor<2x1xf32> loc("rsqrt")
    %r = "nn.mul"(%x, %s) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32> loc("mul")"#,
        "%r",
        "tensor<2x8xf32>",
    ),
    (
        "fold-scale-into-norm",
        "%x: tensor<2x4xf32>",
        r#"    %s = "nn.constant"() {value = dense<[1.0, 2.0, 0.5, -1.0]> : tensor<4xf32>} : () -> tensor<4xf32>
    %g = "nn.constant"() {value = dense<[[0.5, 1.5, -2.0, 3.0]]> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
    %n = "nn.layer_norm"(%x, %s) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("ln")
    %r = "nn.mul"(%n, %g) : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32> loc("mul")"#,
        "%r",
        "tensor<2x4xf32>",
    ),
    (
        "fold-shift-into-layer-norm",
        "%x: tensor<2x4xf32>",
        r#"    %s = "nn.constant"() {value = dense<[1.0, 2.0, 0.5, -1.0]> : tensor<4xf32>} : () -> tensor<4xf32>
    %t = "nn.constant"() {value = dense<[0.5, 1.5, -2.0, 3.0]> : tensor<4xf32>} : () -> tensor<4xf32>
    %n = "nn.layer_norm"(%x, %s) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("ln")
    %r = "nn.add"(%n, %t) : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("add")"#,
        "%r",
        "tensor<2x4xf32>",
    ),
    (
        "batch-norm-to-scale-shift",
        "%x: tensor<1x2x3x3xf32>",
        r#"    %s = "nn.constant"() {value = dense<[1.5, 0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
    %t = "nn.constant"() {value = dense<[0.3, -0.1]> : tensor<2xf32>} : () -> tensor<2xf32>
    %m = "nn.constant"() {value = dense<[0.2, 0.4]> : tensor<2xf32>} : () -> tensor<2xf32>
    %v = "nn.constant"() {value = dense<[0.9, 1.7]> : tensor<2xf32>} : () -> tensor<2xf32>
    %r = "nn.batch_norm"(%x, %s, %t, %m, %v) : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32> loc("bn")"#,
        "%r",
        "tensor<1x2x3x3xf32>",
    ),
    (
        "fuse-silu",
        "%x: tensor<2x3xf32>",
        r#"    %s = "nn.sigmoid"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("sigmoid")
    %r = "nn.mul"(%s, %x) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("mul")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "fuse-gelu-erf",
        "%x: tensor<2x3xf32>",
        r#"    %k = "nn.constant"() {value = dense<1.4142135> : tensor<f32>} : () -> tensor<f32>
    %one = "nn.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
    %half = "nn.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
    %d = "nn.div"(%x, %k) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("div")
    %e = "nn.erf"(%d) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("erf")
    %a = "nn.add"(%e, %one) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("add")
    %m = "nn.mul"(%x, %a) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("mul")
    %r = "nn.mul"(%m, %half) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("half")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "fuse-gelu-tanh",
        "%x: tensor<2x3xf32>",
        r#"    %three = "nn.constant"() {value = dense<3.0> : tensor<f32>} : () -> tensor<f32>
    %c = "nn.constant"() {value = dense<0.044715> : tensor<f32>} : () -> tensor<f32>
    %k = "nn.constant"() {value = dense<0.7978845608> : tensor<f32>} : () -> tensor<f32>
    %one = "nn.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
    %half = "nn.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
    %p = "nn.pow"(%x, %three) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("cube")
    %q = "nn.mul"(%p, %c) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("scale_cube")
    %s = "nn.add"(%x, %q) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("inner")
    %u = "nn.mul"(%s, %k) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("scale")
    %t = "nn.tanh"(%u) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("tanh")
    %a = "nn.add"(%t, %one) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("add")
    %h = "nn.mul"(%x, %half) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("half")
    %r = "nn.mul"(%h, %a) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("mul")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "fuse-hard-swish",
        "%x: tensor<2x3xf32>",
        r#"    %three = "nn.constant"() {value = dense<3.0> : tensor<f32>} : () -> tensor<f32>
    %zero = "nn.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
    %six = "nn.constant"() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
    %a = "nn.add"(%x, %three) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("add")
    %c = "nn.clip"(%a, %zero, %six) {operandSegmentSizes = [1, 1, 1]} : (tensor<2x3xf32>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32> loc("relu6")
    %m = "nn.mul"(%x, %c) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("mul")
    %r = "nn.div"(%m, %six) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32> loc("div")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "fuse-mish",
        "%x: tensor<2x3xf32>",
        r#"    %s = "nn.softplus"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("softplus")
    %t = "nn.tanh"(%s) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("tanh")
    %r = "nn.mul"(%x, %t) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("mul")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "fuse-attention",
        "%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %mask: tensor<1x1x3x5xf32>",
        r#"    %s = "nn.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
    %kt = "nn.transpose"(%k) {perm = [0, 1, 3, 2]} : (tensor<1x2x5x4xf32>) -> tensor<1x2x4x5xf32> loc("kt")
    %qk = "nn.matmul"(%q, %kt) : (tensor<1x2x3x4xf32>, tensor<1x2x4x5xf32>) -> tensor<1x2x3x5xf32> loc("qk")
    %sc = "nn.div"(%qk, %s) : (tensor<1x2x3x5xf32>, tensor<f32>) -> tensor<1x2x3x5xf32> loc("scale")
    %ms = "nn.add"(%sc, %mask) : (tensor<1x2x3x5xf32>, tensor<1x1x3x5xf32>) -> tensor<1x2x3x5xf32> loc("mask")
    %p = "nn.softmax"(%ms) {axis = -1} : (tensor<1x2x3x5xf32>) -> tensor<1x2x3x5xf32> loc("softmax")
    %r = "nn.matmul"(%p, %v) : (tensor<1x2x3x5xf32>, tensor<1x2x5x4xf32>) -> tensor<1x2x3x4xf32> loc("pv")"#,
        "%r",
        "tensor<1x2x3x4xf32>",
    ),
    (
        "compose-reshape-reshape",
        "%x: tensor<2x3x4xf32>",
        r#"    %s1 = "nn.constant"() {value = dense<[6, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
    %s2 = "nn.constant"() {value = dense<[4, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
    %a = "nn.reshape"(%x, %s1) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32> loc("r1")
    %r = "nn.reshape"(%a, %s2) : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<4x6xf32> loc("r2")"#,
        "%r",
        "tensor<4x6xf32>",
    ),
    (
        "remove-identity-reshape",
        "%x: tensor<2x3xf32>",
        r#"    %s = "nn.constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
    %a = "nn.reshape"(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32> loc("reshape")
    %r = "nn.relu"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("relu")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "compose-transpose-transpose",
        "%x: tensor<2x3x4xf32>",
        r#"    %a = "nn.transpose"(%x) {perm = [1, 2, 0]} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("t1")
    %r = "nn.transpose"(%a) {perm = [0, 2, 1]} : (tensor<3x4x2xf32>) -> tensor<3x2x4xf32> loc("t2")"#,
        "%r",
        "tensor<3x2x4xf32>",
    ),
    (
        "remove-identity-transpose",
        "%x: tensor<2x3xf32>",
        r#"    %a = "nn.transpose"(%x) {perm = [0, 1]} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("t")
    %r = "nn.relu"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("relu")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "view-op-to-reshape",
        "%x: tensor<2x1x3xf32>",
        r#"    %axes = "nn.constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
    %r = "nn.squeeze"(%x, %axes) : (tensor<2x1x3xf32>, tensor<1xi64>) -> tensor<2x3xf32> loc("squeeze")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "flatten-concat-of-concat",
        "%a: tensor<1x2xf32>, %b: tensor<1x3xf32>, %c: tensor<1x1xf32>",
        r#"    %i = "nn.concat"(%a, %b) {axis = 1} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32> loc("inner")
    %r = "nn.concat"(%i, %c) {axis = -1} : (tensor<1x5xf32>, tensor<1x1xf32>) -> tensor<1x6xf32> loc("outer")"#,
        "%r",
        "tensor<1x6xf32>",
    ),
    (
        "slice-of-concat-to-input",
        "%a: tensor<2x2xf32>, %b: tensor<3x2xf32>",
        r#"    %st = "nn.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
    %en = "nn.constant"() {value = dense<[5]> : tensor<1xi64>} : () -> tensor<1xi64>
    %ax = "nn.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
    %c = "nn.concat"(%a, %b) {axis = 0} : (tensor<2x2xf32>, tensor<3x2xf32>) -> tensor<5x2xf32> loc("concat")
    %s = "nn.slice"(%c, %st, %en, %ax) {operandSegmentSizes = [1, 1, 1, 1, 0]} : (tensor<5x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3x2xf32> loc("slice")
    %r = "nn.relu"(%s) : (tensor<3x2xf32>) -> tensor<3x2xf32> loc("relu")"#,
        "%r",
        "tensor<3x2xf32>",
    ),
    (
        "remove-identity",
        "%x: tensor<2x3xf32>",
        r#"    %a = "nn.identity"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("identity")
    %r = "nn.relu"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("relu")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "fuse-elementwise-chain",
        "%x: tensor<2x3xf32>, %y: tensor<3xf32>",
        r#"    %a = "nn.add"(%x, %y) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32> loc("add")
    %b = "nn.sigmoid"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("sigmoid")
    %r = "nn.sub"(%y, %b) : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32> loc("sub")"#,
        "%r",
        "tensor<2x3xf32>",
    ),
    (
        "conv-to-nhwc",
        "%x: tensor<1x2x4x4xf32>",
        r#"    %w = "nn.constant"() {value = dense<[[[[0.5, 1.0], [-1.0, 0.5]], [[2.0, 0.0], [0.25, 1.0]]], [[[1.0, 2.0], [1.0, 1.0]], [[0.5, 0.5], [-0.5, 0.5]]], [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]]]> : tensor<3x2x2x2xf32>} : () -> tensor<3x2x2x2xf32>
    %r = "nn.conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<3x2x2x2xf32>) -> tensor<1x3x3x3xf32> loc("conv")"#,
        "%r",
        "tensor<1x3x3x3xf32>",
    ),
    (
        "conv-to-blocked-layout",
        "%x: tensor<1x16x2x2xf32>",
        r#"    %w = "nn.constant"() {value = dense<0.0625> : tensor<16x16x1x1xf32>} : () -> tensor<16x16x1x1xf32>
    %r = "nn.conv"(%x, %w) : (tensor<1x16x2x2xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x2x2xf32> loc("conv")"#,
        "%r",
        "tensor<1x16x2x2xf32>",
    ),
    (
        "move-transpose-through-unary",
        "%x: tensor<1x2x3x4xf32>",
        r#"    %t = "nn.transpose"(%x) {perm = [0, 2, 3, 1]} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32> loc("t")
    %r = "nn.tanh"(%t) : (tensor<1x3x4x2xf32>) -> tensor<1x3x4x2xf32> loc("tanh")"#,
        "%r",
        "tensor<1x3x4x2xf32>",
    ),
    (
        "move-transpose-through-binary",
        "%x: tensor<1x2x3x4xf32>",
        r#"    %c = "nn.constant"() {value = dense<[0.5, -2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
    %t = "nn.transpose"(%x) {perm = [0, 2, 3, 1]} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32> loc("t")
    %r = "nn.mul"(%t, %c) : (tensor<1x3x4x2xf32>, tensor<2xf32>) -> tensor<1x3x4x2xf32> loc("mul")"#,
        "%r",
        "tensor<1x3x4x2xf32>",
    ),
    (
        "move-reshape-through-unary",
        "%x: tensor<2x6xf32>",
        r#"    %s = "nn.constant"() {value = dense<[3, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
    %a = "nn.reshape"(%x, %s) : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<3x4xf32> loc("reshape")
    %r = "nn.exp"(%a) : (tensor<3x4xf32>) -> tensor<3x4xf32> loc("exp")"#,
        "%r",
        "tensor<3x4xf32>",
    ),
];

#[test]
fn every_rule_has_a_checked_example() {
    let covered: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    let missing: Vec<&str> = rules::all().iter().map(|r| r.name).filter(|n| !covered.contains(n)).collect();
    assert!(missing.is_empty(), "rules without an example in CASES: {missing:?}");
}

#[test]
fn every_rule_rewrites_its_example_to_an_equal_function() {
    for (name, args, body, result, ty) in CASES {
        check(name, &module(args, body, result, ty));
    }
}
