//! The e-graph optimizer's engine: rule disabling, option errors, limits and stop reasons, DAG
//! against tree extraction, cycles never extracted, determinism, and a ResNet-50-sized graph.

use egg::{Id, Language};
use msc_ir::pass::{Instrumentation, PassManager, PassOptions};
use msc_ir::{Context, OpId, PrintOptions, parse_source, print_op};
use msc_passes::egraph::analysis::NnEGraph;
use msc_passes::egraph::cost::CostModel;
use msc_passes::egraph::extract::{self, CostFunction, Method};
use msc_passes::egraph::lang::Node;
use msc_passes::egraph::rules::{self, Rule};
use msc_passes::egraph::{Limits, Options, convert, optimize, saturate};
use std::collections::BTreeMap;
use std::sync::Arc;

fn parse(src: &str) -> (Context, OpId) {
    let mut ctx = Context::new(Arc::new(msc_nn::standard_registry()));
    let module = parse_source(&mut ctx, src, "test.mlir").unwrap_or_else(|e| panic!("{e}\n{src}"))[0];
    (ctx, module)
}

fn function(ctx: &Context, module: OpId) -> OpId {
    ctx.block_ops(msc_builtin::body(ctx, module)).next().unwrap()
}

fn count(ctx: &Context, module: OpId, name: &str) -> usize {
    ctx.walk(module, msc_ir::WalkOrder::Pre).into_iter().filter(|&op| ctx.op(op).name() == name).count()
}

fn options(text: &str) -> Result<Options, String> {
    Options::from_pass_options(PassOptions::parse(&format!("target=x86_64 {text}"))?)
}

const CONV_RELU: &str = r#""builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x2x4x4xf32>):
    %w = "nn.constant"() {value = dense<0.5> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
    %y = "nn.conv"(%x, %w) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv")
    %r = "nn.relu"(%y) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu")
    "func.return"(%r) : (tensor<1x2x4x4xf32>) -> ()
  }) {function_type = (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>, sym_name = "f"} : () -> ()
}) : () -> ()"#;

#[test]
fn a_disabled_rule_does_not_fire() {
    let (mut ctx, module) = parse(CONV_RELU);
    let reports = optimize(&mut ctx, module, &options("").unwrap()).unwrap();
    assert!(reports[0].rules_fired.contains_key("fuse-conv-epilogue"));
    assert_eq!(count(&ctx, module, "nn.fused_conv"), 1);

    let (mut ctx, module) = parse(CONV_RELU);
    let reports =
        optimize(&mut ctx, module, &options("disable-rule=fuse-conv-epilogue,conv-to-nhwc").unwrap()).unwrap();
    assert!(!reports[0].rules_fired.contains_key("fuse-conv-epilogue"));
    assert!(!reports[0].rules_fired.contains_key("conv-to-nhwc"));
    assert_eq!(count(&ctx, module, "nn.relu"), 1);
}

#[test]
fn an_unknown_rule_name_is_an_error_listing_the_known_ones() {
    let error = options("disable-rule=fuse-everything").unwrap_err();
    assert!(error.contains("unknown rule `fuse-everything`"), "{error}");
    assert!(error.contains("fuse-conv-batch-norm"), "{error}");
}

#[test]
fn runs_stop_at_the_iteration_and_node_limits() {
    let (mut ctx, module) = parse(CONV_RELU);
    let report = &optimize(&mut ctx, module, &options("iter-limit=1").unwrap()).unwrap()[0];
    assert_eq!(report.stop_reason, "iteration limit (1)");
    assert_eq!(report.iterations, 1);

    let (mut ctx, module) = parse(CONV_RELU);
    let report = &optimize(&mut ctx, module, &options("node-limit=6").unwrap()).unwrap()[0];
    assert!(report.stop_reason.starts_with("node limit"), "{}", report.stop_reason);

    let (mut ctx, module) = parse(CONV_RELU);
    let report = &optimize(&mut ctx, module, &options("").unwrap()).unwrap()[0];
    assert_eq!(report.stop_reason, "saturated");
}

#[test]
fn dag_extraction_computes_a_shared_conv_once_where_tree_extraction_duplicates_it() {
    // The conv feeds both a per-channel scale and the output: folding the scale into a second conv
    // looks free per tree (weights fold) but computes the conv twice.
    let src = r#""builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x8x32x32xf32>):
    %w = "nn.constant"() {value = dense<0.5> : tensor<8x8x3x3xf32>} : () -> tensor<8x8x3x3xf32>
    %c = "nn.constant"() {value = dense<2.0> : tensor<1x8x1x1xf32>} : () -> tensor<1x8x1x1xf32>
    %y = "nn.conv"(%x, %w) {pads = [1, 1, 1, 1]} : (tensor<1x8x32x32xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x32x32xf32>
    %s = "nn.mul"(%y, %c) : (tensor<1x8x32x32xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x32x32xf32>
    "func.return"(%y, %s) : (tensor<1x8x32x32xf32>, tensor<1x8x32x32xf32>) -> ()
  }) {function_type = (tensor<1x8x32x32xf32>) -> (tensor<1x8x32x32xf32>, tensor<1x8x32x32xf32>), sym_name = "f"} : () -> ()
}) : () -> ()"#;
    let (ctx, module) = parse(src);
    let mut converted = convert::to_egraph(&ctx, function(&ctx, module)).unwrap();
    let rule = rules::all().into_iter().find(|r| r.name == "fuse-conv-mul-scale").unwrap();
    saturate(&mut converted, &[rule], Limits::default());
    let model = CostModel::for_target("x86_64").unwrap();
    let roots = converted.canonical_roots();
    let dag = extract::extract(&converted.egraph, &roots, &model).unwrap();
    let tree = extract::extract_tree(&converted.egraph, &roots, &model).unwrap();
    let convs = |e: &extract::Extraction| {
        e.needed_in_order(&roots).iter().filter(|c| op_name(&converted.egraph, &e.choices[c]) == "nn.conv").count()
    };
    assert_eq!(dag.method, Method::Dag);
    assert_eq!((convs(&dag), convs(&tree)), (1, 2), "the DAG keeps one conv and the mul; the tree computes two convs");
    // The DAG cost is the conv plus the mul, each counted once.
    let conv_cost = 2.0 * 8.0 * 32.0 * 32.0 * 72.0 / (model.calibration.conv_nchw_gflops * 1e3)
        + model.calibration.launch_overhead_us;
    assert!(dag.cost > conv_cost && dag.cost < 2.0 * conv_cost, "dag {} conv {conv_cost}", dag.cost);
    assert!(tree.cost >= 2.0 * conv_cost, "tree {} conv {conv_cost}", tree.cost);
}

fn op_name(egraph: &NnEGraph, node: &Node) -> &'static str {
    match node {
        Node::Op(sig, _) => egraph.analysis.tables.sig(*sig).name(),
        _ => "",
    }
}

// x ==> transpose(transpose(x, [1, 0]), [1, 0])   (test-only: puts x's class below itself)
static DOUBLE_TRANSPOSE: Rule = Rule {
    name: "insert-double-transpose",
    roots: &["nn.relu"],
    creates: &[],
    apply: |rw, class, _| {
        let once = rw.transpose(class, &[1, 0])?;
        rw.transpose(once, &[1, 0])
    },
};

/// Transposes cost nothing, everything else 1: the cyclic choice would look cheapest.
struct FreeTransposes;

impl CostFunction for FreeTransposes {
    fn node_cost(&self, egraph: &NnEGraph, _: Id, node: &Node) -> f64 {
        match op_name(egraph, node) {
            "nn.transpose" | "" => 0.0,
            _ => 1.0,
        }
    }
}

#[test]
fn a_cycle_created_by_a_rule_is_never_extracted() {
    let src = r#""builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<2x3xf32>):
    %r = "nn.relu"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
    %n = "nn.neg"(%r) : (tensor<2x3xf32>) -> tensor<2x3xf32>
    "func.return"(%n) : (tensor<2x3xf32>) -> ()
  }) {function_type = (tensor<2x3xf32>) -> tensor<2x3xf32>, sym_name = "f"} : () -> ()
}) : () -> ()"#;
    let (mut ctx, module) = parse(src);
    let func = function(&ctx, module);
    let mut converted = convert::to_egraph(&ctx, func).unwrap();
    saturate(&mut converted, &[&DOUBLE_TRANSPOSE], Limits { node_limit: 1000, iter_limit: 4 });
    let roots = converted.canonical_roots();
    let relu_class = converted
        .egraph
        .classes()
        .find(|c| c.nodes.iter().any(|n| op_name(&converted.egraph, n) == "nn.relu"))
        .unwrap()
        .id;
    let has_cycle = converted.egraph[relu_class].nodes.iter().any(|n| {
        n.children().iter().any(|&t| converted.egraph[t].nodes.iter().any(|m| m.children().contains(&relu_class)))
    });
    assert!(has_cycle, "the rule should make relu's class its own grandchild");
    let extraction = extract::extract(&converted.egraph, &roots, &FreeTransposes).unwrap();
    assert!(extract::is_acyclic(&extraction.choices, &roots));
    let mut report = Default::default();
    msc_passes::egraph::extract_and_write_back(&mut ctx, func, &converted, &FreeTransposes, &mut report).unwrap();
    msc_ir::verifier::verify(&ctx, module).unwrap();
    assert_eq!(count(&ctx, module, "nn.relu"), 1);
}

#[test]
fn two_runs_print_identical_ir() {
    let src = resnet_like(6);
    let print = || {
        let (mut ctx, module) = parse(&src);
        optimize(&mut ctx, module, &options("").unwrap()).unwrap();
        print_op(&ctx, module, &PrintOptions::default())
    };
    assert_eq!(print(), print());
}

/// IR text of a function body being written: one value per line.
struct Body {
    text: String,
    values: usize,
}

fn t(c: usize, hw: usize) -> String {
    format!("tensor<1x{c}x{hw}x{hw}xf32>")
}

impl Body {
    /// Appends `%vN = op` and returns `%vN`.
    fn value(&mut self, op: String) -> String {
        self.values += 1;
        let name = format!("%v{}", self.values);
        self.text.push_str(&format!("    {name} = {op}\n"));
        name
    }

    fn constant(&mut self, value: f64, ty: &str) -> String {
        self.value(format!(r#""nn.constant"() {{value = dense<{value}> : {ty}}} : () -> {ty}"#))
    }

    /// A k x k conv (same padding) from `c_in` to `c_out` channels, a batch norm, and a relu.
    fn conv_bn(&mut self, x: &str, (c_in, c_out, k): (usize, usize, usize), hw: usize, relu: bool) -> String {
        let w_ty = format!("tensor<{c_out}x{c_in}x{k}x{k}xf32>");
        let w = self.constant(0.01, &w_ty);
        let p = k / 2;
        let (x_ty, y_ty) = (t(c_in, hw), t(c_out, hw));
        let y =
            self.value(format!(r#""nn.conv"({x}, {w}) {{pads = [{p}, {p}, {p}, {p}]}} : ({x_ty}, {w_ty}) -> {y_ty}"#));
        let v = format!("tensor<{c_out}xf32>");
        let (s, b, m, var) =
            (self.constant(1.1, &v), self.constant(0.1, &v), self.constant(0.05, &v), self.constant(0.9, &v));
        let bn = self
            .value(format!(r#""nn.batch_norm"({y}, {s}, {b}, {m}, {var}) : ({y_ty}, {v}, {v}, {v}, {v}) -> {y_ty}"#));
        if relu { self.value(format!(r#""nn.relu"({bn}) : ({y_ty}) -> {y_ty}"#)) } else { bn }
    }
}

/// A ResNet-style network of `blocks` bottleneck blocks (3 convs each, batch norms, relus, a
/// residual add, a projection conv on the first block) after a 7x7 stem conv: 3·blocks + 2 convs.
fn resnet_like(blocks: usize) -> String {
    let hw = 8;
    let mut body = Body { text: String::new(), values: 0 };
    let mut x = body.conv_bn("%x", (3, 16, 7), hw, true);
    for i in 0..blocks {
        let a = body.conv_bn(&x, (16, 8, 1), hw, true);
        let b = body.conv_bn(&a, (8, 8, 3), hw, true);
        let c = body.conv_bn(&b, (8, 16, 1), hw, false);
        let shortcut = if i == 0 { body.conv_bn(&x, (16, 16, 1), hw, false) } else { x.clone() };
        let ty = t(16, hw);
        let sum = body.value(format!(r#""nn.add"({c}, {shortcut}) : ({ty}, {ty}) -> {ty}"#));
        x = body.value(format!(r#""nn.relu"({sum}) : ({ty}) -> {ty}"#));
    }
    let (input, output) = (t(3, hw), t(16, hw));
    format!(
        "\"builtin.module\"() ({{\n  \"func.func\"() ({{\n  ^bb0(%x: {input}):\n{}    \"func.return\"({x}) : ({output}) -> ()\n  }}) {{function_type = ({input}) -> {output}, sym_name = \"resnet\"}} : () -> ()\n}}) : () -> ()",
        body.text
    )
}

#[test]
fn a_resnet_50_sized_graph_has_every_batch_norm_folded_and_every_relu_fused() {
    // 17 blocks: 3·17 + 2 = 53 convs, as in ResNet-50.
    let src = resnet_like(17);
    let (mut ctx, module) = parse(&src);
    assert_eq!(count(&ctx, module, "nn.conv"), 53);
    let reports = optimize(&mut ctx, module, &options("").unwrap()).unwrap();
    let report = &reports[0];
    println!("{report}");
    println!("optimizer time on the ResNet-50-sized graph: {:.1} ms", report.time.as_secs_f64() * 1e3);
    let cleanup = "builtin.module(fold-constants, cse, dce)";
    let mut pm = PassManager::parse(&msc_passes::registry(), cleanup, Instrumentation::default()).unwrap();
    pm.run(&mut ctx, module, &mut std::io::sink()).unwrap();
    let after: BTreeMap<&str, usize> = ["nn.batch_norm", "nn.relu", "nn.conv", "nn.fused_conv", "nn.add"]
        .iter()
        .map(|&k| (k, count(&ctx, module, k)))
        .collect();
    assert_eq!(after["nn.batch_norm"], 0, "{after:?}");
    assert_eq!(after["nn.relu"], 0, "{after:?}");
    assert_eq!(after["nn.conv"] + after["nn.fused_conv"], 53, "{after:?}");
    assert_eq!(after["nn.add"], 0, "residual adds go into conv epilogues: {after:?}");
}
