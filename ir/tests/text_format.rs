//! Tests of the text format: print/parse round trips, parse errors with positions, split files,
//! resources, robustness against garbage input, and a snapshot of a printed module.

use bytes::Bytes;
use msc_ir::entity::EntityId;
use msc_ir::{
    ArgDef, Arity, AttrDict, Attribute, BlockId, Context, DenseAttr, Dialect, Dim, ElementType, FunctionType,
    InsertPoint, LargeData, Layout, Location, MemRefType, OpDef, OpId, OpState, ParseError, PrintOptions, Registry,
    TensorType, Traits, Type, TypeConstraint, Value, parse_chunk, parse_source, print_op, print_ops, split_input_file,
};
use proptest::prelude::*;
use std::sync::Arc;

// ----- test dialect -----

static VARIADIC: &[ArgDef] = &[ArgDef { name: "values", arity: Arity::Variadic, constraint: TypeConstraint::ANY }];

const fn test_op(name: &'static str, operands: &'static [ArgDef], results: &'static [ArgDef], traits: Traits) -> OpDef {
    OpDef {
        name,
        summary: "a test op",
        operands,
        results,
        attributes: &[],
        num_regions: 0,
        traits,
        verify: None,
        infer: None,
        fold: None,
    }
}

static TEST_MODULE: OpDef = OpDef {
    num_regions: 1,
    ..test_op("test.module", &[], &[], Traits::NO_TERMINATOR.union(Traits::ISOLATED_FROM_ABOVE))
};
static TEST_FUNC: OpDef = OpDef { num_regions: 1, ..test_op("test.func", &[], &[], Traits::ISOLATED_FROM_ABOVE) };
static TEST_OP: OpDef = test_op("test.op", VARIADIC, VARIADIC, Traits::NONE);
static TEST_RET: OpDef = test_op("test.ret", VARIADIC, &[], Traits::TERMINATOR);

fn context() -> Context {
    let mut registry = Registry::new();
    registry
        .register(Dialect {
            name: "test",
            summary: "ops for text format tests",
            ops: vec![&TEST_MODULE, &TEST_FUNC, &TEST_OP, &TEST_RET],
            canonicalization_patterns: Vec::new,
            materialize_constant: None,
        })
        .expect("registers");
    Context::new(Arc::new(registry))
}

// ----- helpers -----

fn parse(ctx: &mut Context, text: &str) -> Vec<OpId> {
    parse_source(ctx, text, "test.mlir").unwrap_or_else(|e| panic!("parse failed:\n{e}\n--- input:\n{text}"))
}

/// Parses `text` and prints it again.
fn reprint(text: &str, options: &PrintOptions) -> String {
    let mut ctx = context();
    let ops = parse(&mut ctx, text);
    print_ops(&ctx, &ops, options)
}

/// Asserts that `text` is in printed form: parsing and printing it gives it back.
fn assert_identity(text: &str) {
    assert_eq!(reprint(text, &PrintOptions::default()), text);
}

fn parse_error(text: &str) -> ParseError {
    let mut ctx = context();
    match parse_source(&mut ctx, text, "bad.mlir") {
        Ok(_) => panic!("expected a parse error for:\n{text}"),
        Err(e) => e,
    }
}

/// Asserts the error's `line:col: message`.
fn assert_error(text: &str, expected: &str) {
    let e = parse_error(text);
    assert_eq!(format!("{}:{}: {}", e.line, e.column, e.message), expected, "full error:\n{e}");
}

/// A module with one empty block, and that block.
fn new_module(ctx: &mut Context) -> (OpId, BlockId) {
    let module = ctx.create_op(OpState::new(&TEST_MODULE, Location::Unknown));
    let region = ctx.op(module).regions()[0];
    (module, ctx.append_block(region, vec![]))
}

fn add_op(ctx: &mut Context, block: BlockId, def: &'static OpDef, operands: Vec<Value>, results: Vec<Type>) -> OpId {
    let mut state = OpState::new(def, Location::Unknown);
    state.operands = operands;
    state.result_types = results;
    let op = ctx.create_op(state);
    ctx.insert_op(op, InsertPoint::End(block));
    op
}

/// Prints `module`, then checks that parsing and printing the text gives the same text.
fn assert_round_trip(ctx: &Context, module: OpId, options: &PrintOptions) -> String {
    let printed = print_op(ctx, module, options);
    assert_eq!(reprint(&printed, options), printed);
    printed
}

/// A module holding one `test.op` with the given attribute, result type and location.
fn module_with(attr: Attribute, ty: Type, loc: Location) -> (Context, OpId) {
    let mut ctx = context();
    let (module, block) = new_module(&mut ctx);
    let op = add_op(&mut ctx, block, &TEST_OP, vec![], vec![ty]);
    ctx.set_attr(op, "a", attr);
    ctx.set_loc(op, loc);
    (ctx, module)
}

fn wrap_attr(attr: &str) -> String {
    format!("\"test.module\"() ({{\n  \"test.op\"() {{a = {attr}}} : () -> ()\n}}) : () -> ()\n")
}

fn wrap_type(ty: &str) -> String {
    format!("\"test.module\"() ({{\n  %0 = \"test.op\"() : () -> {ty}\n}}) : () -> ()\n")
}

fn f32_tensor(shape: &[u64]) -> TensorType {
    TensorType::of(shape, ElementType::F32)
}

// ----- round trips of written text -----

const EXAMPLE: &str = r#""test.module"() ({
  "test.func"() ({
  ^bb0(%arg0: tensor<?x3xf32, {dims = ["batch"]}>):
    %0 = "test.op"(%arg0) : (tensor<?x3xf32, {dims = ["batch"]}>) -> tensor<?x3xf32, {dims = ["batch"]}> loc("onnx:Relu_1")
    %1:2 = "test.op"(%0) {axis = 1} : (tensor<?x3xf32, {dims = ["batch"]}>) -> (tensor<?x3xf32, {dims = ["batch"]}>, tensor<?x3xf32, {dims = ["batch"]}>)
    "test.ret"(%1#0) : (tensor<?x3xf32, {dims = ["batch"]}>) -> ()
  }) {function_type = (tensor<?x3xf32, {dims = ["batch"]}>) -> tensor<?x3xf32, {dims = ["batch"]}>, sym_name = "main"} : () -> ()
}) : () -> ()
"#;

#[test]
fn example_module_round_trips() {
    assert_identity(EXAMPLE);
}

#[test]
fn every_element_type_round_trips() {
    for e in ElementType::ALL {
        assert_identity(&wrap_type(&e.to_string()));
        assert_identity(&wrap_type(&format!("tensor<2x3x{e}>")));
    }
}

#[test]
fn types_round_trip() {
    for ty in [
        "tensor<1x3x224x224xf32>",
        "tensor<f32>",
        "tensor<0xi64>",
        "tensor<?x?x3xbf16, {dims = [\"N\", \"s7\"]}>",
        "tensor<?x?xf32, {dims = [\"N\", \"N\"]}>",
        "tensor<1x64x56x56xf32, {layout = \"NCHW\"}>",
        "tensor<1x56x56x64xf16, {layout = \"NHWC\"}>",
        "tensor<1x64x56x56xf32, {layout = \"NCHW16c\"}>",
        "tensor<?x64x56x56xf32, {dims = [\"batch\"], layout = \"NCHW8c\"}>",
        "tensor<?xi1, {dims = [\"with \\\"quotes\\\"\"]}>",
        "index",
        // A function-typed result is parenthesized.
        "((tensor<2xf32>, index) -> tensor<2xf32>)",
        "(() -> ())",
        "((f32) -> (i1, i8))",
        "((f32) -> ((i1) -> i8))",
    ] {
        assert_identity(&wrap_type(ty));
    }
}

#[test]
fn attributes_round_trip() {
    for attr in [
        "[unit]",
        "true",
        "false",
        "42",
        "-3",
        "-9223372036854775808",
        "9223372036854775807",
        "0.1",
        "1.0",
        "-2.5",
        "-0.0",
        "1.0e-30",
        "1.0e-05",
        "1.5e+300",
        "5.0e-324",
        "0x7FF8000000000000 : f64",
        "0x7FF0000000000000 : f64",
        "0xFFF0000000000000 : f64",
        "\"\"",
        "\"a \\\"quoted\\\" \\\\ string\\nwith\\tescapes \\C3\\A9 \\E2\\9C\\93 \\01\"",
        "@main",
        "@\"not an identifier\"",
        "f16",
        "index",
        "tensor<2xf32>",
        "(tensor<2xf32>) -> tensor<2xf32>",
        "[]",
        "[1, 2, 3]",
        "[[1, [2.5, \"x\"]], {}, @f]",
        "{}",
        "{flag, k = 1, nested = {deeper = {x = -1}}, \"not bare\" = [f32]}",
        "dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>",
        "dense<0.0> : tensor<3x3xf32>",
        "dense<[true, false]> : tensor<2xi1>",
        "dense<[1, 2]> : tensor<2xi64>",
        "dense<> : tensor<0xf32>",
        "dense<7> : tensor<i32>",
        "dense<[0x7FC00000, -0.0, 0x7F800000, 1.5]> : tensor<4xf32>",
        "dense_resource<__elided__> : tensor<100x100xf32>",
    ] {
        assert_identity(&wrap_attr(attr));
    }
}

#[test]
fn unit_entries_print_as_bare_keys() {
    assert_eq!(
        reprint(&wrap_attr("unit"), &PrintOptions::default()),
        "\"test.module\"() ({\n  \"test.op\"() {a} : () -> ()\n}) : () -> ()\n"
    );
}

#[test]
fn locations_round_trip() {
    for loc in [
        "loc(\"onnx:Conv_1\")",
        "loc(\"model.mlir\":3:7)",
        "loc(fused[\"a\", \"b\":1:2])",
        "loc(fused[\"a\", fused[\"b\"]])",
    ] {
        assert_identity(&format!("\"test.module\"() ({{\n  \"test.op\"() : () -> () {loc}\n}}) : () -> ()\n"));
    }
    // Unknown locations are not printed.
    let text = "\"test.module\"() ({\n  \"test.op\"() : () -> () loc(unknown)\n}) : () -> ()\n";
    assert_eq!(reprint(text, &PrintOptions::default()), text.replace(" loc(unknown)", ""));
    let no_locs = PrintOptions { print_locations: false, ..PrintOptions::default() };
    assert_eq!(reprint(EXAMPLE, &no_locs), EXAMPLE.replace(" loc(\"onnx:Relu_1\")", ""));
}

#[test]
fn nested_regions_blocks_and_forward_references_round_trip() {
    assert_identity(
        r#""test.module"() ({
  %0 = "test.op"(%1) : (f32) -> f32
  %1 = "test.op"() : () -> f32
  "test.func"() ({
  ^bb0(%arg0: f32, %arg1: i1):
    %0:3 = "test.op"(%arg0, %1) ({
    ^bb0(%arg2: f32):
      "test.ret"(%arg2, %arg0, %1) : (f32, f32, f32) -> ()
    }, {
      "test.ret"() : () -> ()
    }, {
    }) : (f32, f32) -> (f32, i1, f32)
    %1 = "test.op"(%0#2) : (f32) -> f32
    "test.ret"(%0#0) : (f32) -> ()
  ^bb1:
    %2 = "test.op"(%3) : (f32) -> f32
    "test.ret"() : () -> ()
  ^bb2(%arg3: f32):
    %3 = "test.op"(%arg3, %2) : (f32, f32) -> f32
    "test.ret"() : () -> ()
  ^bb3:
  }) {sym_name = "f"} : () -> ()
}) : () -> ()
"#,
    );
}

#[test]
fn several_top_level_ops_round_trip() {
    assert_identity("%0 = \"test.op\"() : () -> f32\n\"test.ret\"(%0) : (f32) -> ()\n");
}

#[test]
fn hand_written_syntax_is_accepted() {
    // Any SSA names, `#N` uses, comments, attributes before regions, unit keys, integer type
    // suffixes, flat dense literals, block-argument locations, `^bb():` and forward references.
    let text = r#"
// A comment.
"test.module"() ({
  "test.func"() {sym_name = "g", k = 5 : i32, flag} ({
  ^entry(%input: tensor<2x2xf32> loc("x")):   // trailing comment
    "test.ret"(%pair#1, %input) : (tensor<2x2xf32>, tensor<2x2xf32>) -> ()
  ^other():
    %pair:2 = "test.op"(%input) {d = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<2x2xf32>} : (tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
    "test.ret"() : () -> ()
  }) : () -> ()
}) : () -> ()
"#;
    let expected = r#""test.module"() ({
  "test.func"() ({
  ^bb0(%arg0: tensor<2x2xf32>):
    "test.ret"(%0#1, %arg0) : (tensor<2x2xf32>, tensor<2x2xf32>) -> ()
  ^bb1:
    %0:2 = "test.op"(%arg0) {d = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : (tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>)
    "test.ret"() : () -> ()
  }) {flag, k = 5, sym_name = "g"} : () -> ()
}) : () -> ()
"#;
    assert_eq!(reprint(text, &PrintOptions::default()), expected);
}

#[test]
fn upstream_generic_output_is_accepted() {
    // As `mlir-opt --mlir-print-op-generic --mlir-print-debuginfo --mlir-print-local-scope` prints:
    // properties, type suffixes, `%e+00` floats, hex escapes, block-argument locations.
    let text = r#""test.module"() ({
  "test.func"() <{function_type = (f32) -> f32, sym_name = "main"}> ({
  ^bb0(%arg0: f32 loc("in.mlir":3:8)):
    "test.op"() {f = 1.000000e-01 : f64, h = -0.000000e+00 : f64, i = -9 : i64, s = "a \22q\22 \0A\09"} : () -> () loc("in.mlir":4:5)
    "test.ret"(%arg0) : (f32) -> () loc("in.mlir":5:5)
  ^bb1:  // no predecessors
  }) : () -> () loc("in.mlir":2:3)
}) : () -> () loc("in.mlir":1:1)
"#;
    let expected = r#""test.module"() ({
  "test.func"() ({
  ^bb0(%arg0: f32):
    "test.op"() {f = 0.1, h = -0.0, i = -9, s = "a \"q\" \n\t"} : () -> () loc("in.mlir":4:5)
    "test.ret"(%arg0) : (f32) -> () loc("in.mlir":5:5)
  ^bb1:
  }) {function_type = (f32) -> f32, sym_name = "main"} : () -> () loc("in.mlir":2:3)
}) : () -> () loc("in.mlir":1:1)
"#;
    assert_eq!(reprint(text, &PrintOptions::default()), expected);
    assert_error("\"test.op\"() <{a = 1}> {a = 2} : () -> ()", "1:24: attribute 'a' is given twice");
}

#[test]
fn unnamed_dynamic_dims_get_fresh_symbols() {
    let mut ctx = context();
    let text = "%0 = \"test.op\"() : () -> tensor<?x?xf32, {dims = [\"s4\", \"s9\"]}>\n%1 = \"test.op\"() : () -> tensor<?xf32>\n";
    let ops = parse(&mut ctx, text);
    let ty = ctx.op(ops[1]).result_type(0).as_tensor().unwrap().clone();
    assert_eq!(ty.shape, vec![Dim::symbol("s10")]);
}

#[test]
fn parsed_values_types_and_attributes_are_right() {
    let mut ctx = context();
    let ops = parse(&mut ctx, EXAMPLE);
    let module = ctx.op(ops[0]);
    let func = ctx.block_ops(module.entry_block(0).unwrap()).next().unwrap();
    let func = ctx.op(func);
    assert_eq!(func.attr("sym_name"), Some(Attribute::string("main")));
    let batch = TensorType::new(vec![Dim::symbol("batch"), Dim::Static(3)], ElementType::F32);
    assert_eq!(
        func.attr("function_type"),
        Some(Attribute::Type(Type::Function(FunctionType {
            inputs: vec![batch.clone().into()],
            results: vec![batch.clone().into()]
        })))
    );
    let body = func.entry_block(0).unwrap();
    let arg = ctx.block_args(body)[0];
    assert_eq!(ctx.value_type(arg), &Type::Tensor(batch));
    let ops: Vec<OpId> = ctx.block_ops(body).collect();
    assert_eq!(ctx.op(ops[0]).operands(), &[arg]);
    assert_eq!(ctx.op(ops[0]).loc(), &Location::name("onnx:Relu_1"));
    assert_eq!(ctx.op(ops[1]).operands(), &[ctx.op(ops[0]).result(0)]);
    assert_eq!(ctx.op(ops[1]).attr("axis"), Some(Attribute::Int(1)));
    assert_eq!(ctx.op(ops[2]).operands(), &[ctx.op(ops[1]).result(0)]);
    assert_eq!(ctx.uses(ctx.op(ops[1]).result(0)).len(), 1);
}

// ----- round trips of built IR -----

fn sample_dense(element: ElementType, shape: &[u64]) -> DenseAttr {
    let ty = TensorType::of(shape, element);
    let n: u64 = shape.iter().product();
    if element.is_float() {
        let values: Vec<f64> = (0..n).map(|i| i as f64 * 0.25 - 1.0).collect();
        DenseAttr::from_f64s(ty, &values).unwrap()
    } else {
        let values: Vec<i64> =
            (0..n as i64).map(|i| if element == ElementType::Bool { i % 2 } else { i - 2 }).collect();
        DenseAttr::from_i64s(ty, &values).unwrap()
    }
}

#[test]
fn dense_of_every_element_type_round_trips_in_every_form() {
    for element in ElementType::ALL {
        let inline = sample_dense(element, &[2, 3]);
        let splat = DenseAttr::splat(TensorType::of(&[4, 5], element), Bytes::from(vec![1u8; element.size()])).unwrap();
        let large = sample_dense(element, &[5, 5]);
        let elided = DenseAttr::elided(TensorType::of(&[3], element)).unwrap();
        for (dense, expected_prefix) in [
            (&inline, "dense<[["),
            (&splat, "dense<"),
            (&large, "dense_resource<__elided__>"),
            (&elided, "dense_resource<__elided__>"),
        ] {
            let (ctx, module) = module_with(Attribute::Dense(dense.clone()), Type::Index, Location::Unknown);
            let printed = assert_round_trip(&ctx, module, &PrintOptions::default());
            assert!(printed.contains(&format!("{{a = {expected_prefix}")), "{printed}");
        }
        // Resources: the bytes come back exactly.
        let resources = PrintOptions { large_data: LargeData::Resources, ..PrintOptions::default() };
        let (ctx, module) = module_with(Attribute::Dense(large.clone()), Type::Index, Location::Unknown);
        let printed = assert_round_trip(&ctx, module, &resources);
        assert!(printed.contains("dense_resource<blob0>") && printed.contains("dialect_resources"), "{printed}");
        let mut ctx = context();
        let ops = parse(&mut ctx, &printed);
        let op = ctx.block_ops(ctx.op(ops[0]).entry_block(0).unwrap()).next().unwrap();
        assert_eq!(ctx.op(op).raw_attr("a"), Some(&Attribute::Dense(large)));
    }
}

#[test]
fn resource_section_has_alignment_and_raw_bytes() {
    let dense = DenseAttr::from_f64s(f32_tensor(&[2]), &[1.0, -2.0]).unwrap();
    let (ctx, module) = module_with(Attribute::Dense(dense), Type::Index, Location::Unknown);
    let options = PrintOptions { max_inline_elements: 1, large_data: LargeData::Resources, print_locations: true };
    let printed = assert_round_trip(&ctx, module, &options);
    assert_eq!(
        printed,
        r#""test.module"() ({
  %0 = "test.op"() {a = dense_resource<blob0> : tensor<2xf32>} : () -> index
}) : () -> ()

{-#
  dialect_resources: {
    builtin: {
      blob0: "0x040000000000803F000000C0"
    }
  }
#-}
"#
    );
}

#[test]
fn uniform_data_prints_as_splat_and_large_splats_stay_inline() {
    let dense = DenseAttr::from_f64s(f32_tensor(&[100]), &[0.5; 100]).unwrap();
    assert_eq!(Attribute::Dense(dense).to_string(), "dense<0.5> : tensor<100xf32>");
    let large = sample_dense(ElementType::F32, &[17]);
    assert_eq!(Attribute::Dense(large).to_string(), "dense_resource<__elided__> : tensor<17xf32>");
}

#[test]
fn float_edge_cases_round_trip_bit_exactly() {
    let values =
        [0.1, 1e-30, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE, 5e-324, 1e16, f64::MAX];
    for v in values {
        let (ctx, module) = module_with(Attribute::Float(v), Type::Index, Location::Unknown);
        let printed = assert_round_trip(&ctx, module, &PrintOptions::default());
        let mut ctx = context();
        let ops = parse(&mut ctx, &printed);
        let op = ctx.block_ops(ctx.op(ops[0]).entry_block(0).unwrap()).next().unwrap();
        let Some(Attribute::Float(parsed)) = ctx.op(op).raw_attr("a") else { panic!("not a float: {printed}") };
        assert_eq!(parsed.to_bits(), v.to_bits(), "{printed}");
    }
    let quiet_nan_with_payload = f32::from_bits(0x7FC0_1234);
    let dense = DenseAttr::from_bytes(
        f32_tensor(&[2]),
        Bytes::from([quiet_nan_with_payload.to_le_bytes(), 0.1f32.to_le_bytes()].concat()),
    )
    .unwrap();
    assert_eq!(Attribute::Dense(dense).to_string(), "dense<[0x7FC01234, 0.1]> : tensor<2xf32>");
}

// ----- parse errors -----

#[test]
fn error_missing_close_paren() {
    assert_error(
        "\"test.module\"() ({\n  %0 = \"test.op\"(%1 : (f32) -> f32\n}) : () -> ()\n",
        "2:21: expected ')' to close the operand list",
    );
}

#[test]
fn error_unknown_element_type() {
    assert_error(
        "%0 = \"test.op\"() : () -> tensor<2x2xf31>",
        "1:37: unknown element type 'f31' (expected one of f32, f16, bf16, f64, i8, ui8, i16, i32, i64, i1)",
    );
}

#[test]
fn error_dense_count() {
    assert_error(
        "\"test.op\"() {a = dense<[1.0, 2.0, 3.0]> : tensor<2x2xf32>} : () -> ()",
        "1:24: dense literal has 3 elements but tensor<2x2xf32> needs 4",
    );
}

#[test]
fn error_undefined_value() {
    assert_error(
        "\"test.module\"() ({\n  %0 = \"test.op\"() : () -> f32\n  \"test.ret\"(%0, %3) : (f32, f32) -> ()\n}) : () -> ()\n",
        "3:18: value %3 is used but never defined",
    );
}

#[test]
fn error_unknown_operation() {
    assert_error(
        "\"test.module\"() ({\n  \"nn.foo\"() : () -> ()\n}) : () -> ()",
        "2:3: unknown operation 'nn.foo'; is its dialect registered?",
    );
}

#[test]
fn error_operand_type_mismatch() {
    assert_error(
        "%0 = \"test.op\"() : () -> f32\n\"test.ret\"(%0) : (f16) -> ()",
        "2:12: use of %0 expects type f16 but %0 has type f32",
    );
}

#[test]
fn error_result_count() {
    assert_error(
        "%0:2 = \"test.op\"() : () -> f32",
        "1:1: 2 result name(s) are given but the op's type has 1 result(s)",
    );
}

#[test]
fn error_operand_count() {
    assert_error(
        "%0 = \"test.op\"() : () -> f32\n\"test.ret\"(%0, %0) : (f32) -> ()",
        "2:22: the op has 2 operand(s) but its type lists 1 operand type(s)",
    );
}

#[test]
fn error_unterminated_string() {
    assert_error("\"test.op\"() {a = \"abc} : () -> ()", "1:18: unterminated string literal");
}

#[test]
fn error_unranked_tensor() {
    assert_error(
        "%0 = \"test.op\"() : () -> tensor<*xf32>",
        "1:33: unranked tensors (tensor<*x...>) are not supported; give the tensor a rank",
    );
}

#[test]
fn error_redefinition() {
    assert_error(
        "%0 = \"test.op\"() : () -> f32\n%0 = \"test.op\"() : () -> f32",
        "2:1: redefinition of value %0 (first defined at 1:1)",
    );
}

#[test]
fn error_value_from_outside_isolated_op() {
    assert_error(
        "%0 = \"test.op\"() : () -> f32\n\"test.func\"() ({\n  \"test.ret\"(%0) : (f32) -> ()\n}) : () -> ()",
        "3:14: value %0 is defined outside of the enclosing 'test.func', which is isolated from above",
    );
}

#[test]
fn error_missing_type() {
    assert_error(
        "\"test.op\"() {a = 1}\n\"test.op\"() : () -> ()",
        "2:1: expected ':' followed by the op's type, e.g. : (tensor<2xf32>) -> tensor<2xf32>",
    );
}

#[test]
fn error_unknown_resource_and_bad_layout() {
    assert_error(
        "\"test.op\"() {a = dense_resource<blob3> : tensor<2xf32>} : () -> ()",
        "1:33: unknown resource 'blob3': the file has no dialect_resources entry for it",
    );
    assert_error(
        "%0 = \"test.op\"() : () -> tensor<2xf32, {layout = \"NWHC\"}>",
        "1:40: unknown layout 'NWHC' (expected NCHW, NHWC or NCHW<block>c such as NCHW16c)",
    );
    assert_error(
        "%0 = \"test.op\"() : () -> tensor<?x?xf32, {dims = [\"N\"]}>",
        "1:33: the tensor has 2 dynamic ('?') dimension(s) but `dims` names 1",
    );
}

#[test]
fn error_custom_syntax_and_result_index() {
    assert_error(
        "func.func @main() {\n}",
        "1:1: expected an op in generic form (\"func.func\"(...) : ...); custom op syntax is not supported",
    );
    assert_error(
        "%0:2 = \"test.op\"() : () -> (f32, f32)\n\"test.ret\"(%0#2) : (f32) -> ()",
        "2:12: %0#2 does not exist: %0 names 2 value(s)",
    );
}

#[test]
fn error_display_shows_the_line_and_a_caret() {
    let e = parse_error("\"test.module\"() ({\n\t%0 = \"test.op\"(%1 : (f32) -> f32\n}) : () -> ()\n");
    assert_eq!(
        e.to_string(),
        "bad.mlir:2:20: error: expected ')' to close the operand list\n\t%0 = \"test.op\"(%1 : (f32) -> f32\n\t                  ^"
    );
}

#[test]
fn failed_parse_leaves_no_ops_behind() {
    let mut ctx = context();
    let text = "\"test.module\"() ({\n  %0 = \"test.op\"(%9) ({\n    \"test.ret\"() : () -> ()\n  }) : (f32) -> f32\n}) : () -> ()";
    assert!(parse_source(&mut ctx, text, "x").is_err());
    // Op ids are never reused: every id below a fresh op's id belongs to the failed parse.
    let fresh = ctx.create_op(OpState::new(&TEST_RET, Location::Unknown));
    let created = fresh.index();
    assert_eq!(created, 3);
    assert!((0..created).all(|i| !ctx.is_live(OpId::from_index(i))));
}

// ----- split input files -----

#[test]
fn split_file_errors_count_lines_in_the_whole_file() {
    let text =
        "\"test.op\"() : () -> ()\n// -----\n\"test.op\"() : () -> ()\n\n  // -----\n\n\"test.op\"(%x) : (f32) -> ()\n";
    let chunks = split_input_file(text);
    assert_eq!(chunks.len(), 3);
    let mut ctx = context();
    assert!(parse_chunk(&mut ctx, &chunks[0], "s.mlir").is_ok());
    assert!(parse_chunk(&mut ctx, &chunks[1], "s.mlir").is_ok());
    let e = parse_chunk(&mut ctx, &chunks[2], "s.mlir").err().expect("chunk 3 is invalid");
    assert_eq!((e.line, e.column, e.message.as_str()), (7, 11, "value %x is used but never defined"));
    assert_eq!(e.source_line, "\"test.op\"(%x) : (f32) -> ()");
}

// ----- snapshot -----

#[test]
fn snapshot_small_module() {
    let mut ctx = context();
    let (module, block) = new_module(&mut ctx);
    let x = TensorType::new(vec![Dim::symbol("batch"), Dim::Static(3)], ElementType::F32);
    let func = ctx.create_op(OpState::new(&TEST_FUNC, Location::Unknown));
    ctx.insert_op(func, InsertPoint::End(block));
    ctx.set_attr(func, "sym_name", Attribute::string("main"));
    let signature = FunctionType { inputs: vec![x.clone().into()], results: vec![x.clone().into()] };
    ctx.set_attr(func, "function_type", Attribute::Type(Type::Function(signature)));
    let body = ctx.append_block(ctx.op(func).regions()[0], vec![x.clone().into()]);
    let arg = ctx.block_args(body)[0];
    let weights = sample_dense(ElementType::F32, &[2, 3]);
    let konst = add_op(&mut ctx, body, &TEST_OP, vec![], vec![Type::tensor(&[2, 3], ElementType::F32)]);
    ctx.set_attr(konst, "value", Attribute::Dense(weights));
    let weights = ctx.op(konst).result(0);
    let split = add_op(&mut ctx, body, &TEST_OP, vec![arg, weights], vec![x.clone().into(), x.clone().into()]);
    ctx.set_attr(split, "axis", Attribute::Int(1));
    ctx.set_attr(split, "scales", Attribute::floats(&[0.5, 1e-5]));
    ctx.set_loc(split, Location::fuse([Location::name("onnx:Split_3"), Location::name("onnx:Mul_4")]));
    let out = ctx.op(split).result(1);
    add_op(&mut ctx, body, &TEST_RET, vec![out], vec![]);
    insta::assert_snapshot!(assert_round_trip(&ctx, module, &PrintOptions::default()));
}

// ----- property tests -----

fn element_type() -> impl Strategy<Value = ElementType> {
    prop::sample::select(ElementType::ALL.to_vec())
}

fn tensor_type() -> impl Strategy<Value = TensorType> {
    let dim =
        prop_oneof![(0u64..5).prop_map(Dim::Static), "[a-zA-Z_][a-z0-9]{0,3}|s[0-9]|.{0,4}".prop_map(Dim::symbol)];
    let layout = prop_oneof![
        Just(None),
        Just(Some(Layout::Nchw)),
        Just(Some(Layout::Nhwc)),
        (1u32..64).prop_map(|b| Some(Layout::Nchwc(b)))
    ];
    (prop::collection::vec(dim, 0..4), element_type(), layout).prop_map(|(shape, element, layout)| TensorType {
        shape,
        element,
        layout,
    })
}

fn ty() -> impl Strategy<Value = Type> {
    let memref = (prop::collection::vec(0u64..100, 0..4), element_type())
        .prop_map(|(shape, element)| Type::MemRef(MemRefType { shape, element }));
    let leaf = prop_oneof![
        tensor_type().prop_map(Type::Tensor),
        element_type().prop_map(Type::Element),
        Just(Type::Index),
        memref
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        (prop::collection::vec(inner.clone(), 0..3), prop::collection::vec(inner, 0..3))
            .prop_map(|(inputs, results)| Type::Function(FunctionType { inputs, results }))
    })
}

fn dense() -> impl Strategy<Value = DenseAttr> {
    (prop::collection::vec(0u64..4, 0..3), element_type(), 0..3u8).prop_flat_map(|(shape, element, form)| {
        let ty = TensorType::of(&shape, element);
        let count = shape.iter().product::<u64>() as usize;
        let size = element.size();
        // Bools are stored as 0 or 1.
        let mask = if element == ElementType::Bool { 1 } else { 0xFF };
        prop::collection::vec(any::<u8>().prop_map(move |b| b & mask), size * count.max(1)).prop_map(move |bytes| {
            match form {
                0 => DenseAttr::splat(ty.clone(), Bytes::copy_from_slice(&bytes[..size])).unwrap(),
                1 => DenseAttr::elided(ty.clone()).unwrap(),
                _ => DenseAttr::from_bytes(ty.clone(), Bytes::from(bytes[..size * count].to_vec())).unwrap(),
            }
        })
    })
}

fn attribute() -> impl Strategy<Value = Attribute> {
    let leaf = prop_oneof![
        Just(Attribute::Unit),
        any::<bool>().prop_map(Attribute::Bool),
        any::<i64>().prop_map(Attribute::Int),
        prop::num::f64::ANY.prop_map(Attribute::Float),
        any::<String>().prop_map(Attribute::string),
        "[a-z_][a-z0-9_.$]{0,5}|.{0,5}".prop_map(|s| Attribute::Symbol(s.into())),
        ty().prop_map(Attribute::Type),
        dense().prop_map(Attribute::Dense),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Attribute::Array),
            prop::collection::btree_map("[a-z_][a-z0-9_]{0,4}|.{0,4}", inner, 0..4)
                .prop_map(|d: AttrDict| Attribute::Dict(d)),
        ]
    })
}

fn location() -> impl Strategy<Value = Location> {
    let leaf = prop_oneof![
        Just(Location::Unknown),
        ".{0,6}".prop_map(Location::name),
        (".{0,6}", any::<u32>(), any::<u32>()).prop_map(|(file, line, column)| Location::FileLineCol {
            file: file.into(),
            line,
            column
        }),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| prop::collection::vec(inner, 0..3).prop_map(Location::Fused))
}

fn print_options() -> impl Strategy<Value = PrintOptions> {
    (0usize..20, any::<bool>(), any::<bool>()).prop_map(|(max_inline_elements, resources, print_locations)| {
        PrintOptions {
            max_inline_elements,
            large_data: if resources { LargeData::Resources } else { LargeData::Elide },
            print_locations,
        }
    })
}

/// A random op graph in a function body: `uses[i]` picks operands of op `i` among the function
/// arguments and all results (earlier or later, so there are forward references); some ops get a
/// nested region whose ops use outer values.
fn build_graph(result_counts: &[usize], uses: &[Vec<usize>], nested: &[bool]) -> (Context, OpId) {
    let mut ctx = context();
    let (module, block) = new_module(&mut ctx);
    let func = ctx.create_op(OpState::new(&TEST_FUNC, Location::Unknown));
    ctx.insert_op(func, InsertPoint::End(block));
    let body = ctx.append_block(ctx.op(func).regions()[0], vec![Type::Index, Type::Element(ElementType::F32)]);
    let mut values = ctx.block_args(body).to_vec();
    let mut ops = Vec::new();
    for (i, &count) in result_counts.iter().enumerate() {
        let mut state = OpState::new(&TEST_OP, Location::name(format!("n{i}")));
        state.result_types = (0..count).map(|k| Type::tensor(&[k as u64 + 1], ElementType::F32)).collect();
        state.num_regions = usize::from(nested[i]);
        let op = ctx.create_op(state);
        ctx.insert_op(op, InsertPoint::End(body));
        values.extend_from_slice(ctx.op(op).results());
        ops.push(op);
    }
    for (i, &op) in ops.iter().enumerate() {
        for &u in &uses[i] {
            ctx.push_operand(op, values[u % values.len()]);
        }
        if nested[i] {
            let region = ctx.op(op).regions()[0];
            let inner = ctx.append_block(region, vec![Type::Index]);
            let operands = vec![ctx.block_args(inner)[0], values[i % values.len()]];
            add_op(&mut ctx, inner, &TEST_RET, operands, vec![]);
        }
    }
    add_op(&mut ctx, body, &TEST_RET, vec![values[0]], vec![]);
    (ctx, module)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn types_attributes_and_locations_round_trip(
        attr in attribute(),
        ty in ty(),
        loc in location(),
        options in print_options(),
    ) {
        let (ctx, module) = module_with(attr, ty, loc);
        let printed = print_op(&ctx, module, &options);
        prop_assert_eq!(reprint(&printed, &options), printed);
    }

    #[test]
    fn op_graphs_round_trip(
        spec in prop::collection::vec((0usize..3, prop::collection::vec(0usize..100, 0..4), any::<bool>()), 1..8),
    ) {
        let counts: Vec<usize> = spec.iter().map(|s| s.0).collect();
        let uses: Vec<Vec<usize>> = spec.iter().map(|s| s.1.clone()).collect();
        let nested: Vec<bool> = spec.iter().map(|s| s.2).collect();
        let (ctx, module) = build_graph(&counts, &uses, &nested);
        let printed = print_op(&ctx, module, &PrintOptions::default());
        prop_assert_eq!(reprint(&printed, &PrintOptions::default()), printed);
    }

    #[test]
    fn garbage_never_panics(text in ".{0,200}|[-(){}<>\\[\\],=:%#^@\"a-z0-9 \\n.?x]{0,200}") {
        let mut ctx = context();
        let _ = parse_source(&mut ctx, &text, "garbage.mlir");
    }

    #[test]
    fn mutated_files_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..4u8, any::<char>(), 0usize..8), 1..6),
        resources in any::<bool>(),
    ) {
        let base = if resources {
            let (ctx, module) = module_with(
                Attribute::Dense(sample_dense(ElementType::F16, &[4, 5])),
                Type::Index,
                Location::name("x"),
            );
            print_op(&ctx, module, &PrintOptions { large_data: LargeData::Resources, ..PrintOptions::default() })
        } else {
            EXAMPLE.to_string()
        };
        let mut chars: Vec<char> = base.chars().collect();
        for (at, kind, c, len) in edits {
            let i = at.index(chars.len() + 1);
            match kind {
                0 => chars.insert(i, c),
                1 => { chars.drain(i..(i + len).min(chars.len())); }
                2 => { let copy: Vec<char> = chars[i..(i + len).min(chars.len())].to_vec(); chars.splice(i..i, copy); }
                _ => chars.truncate(i),
            }
        }
        let text: String = chars.into_iter().collect();
        let mut ctx = context();
        let _ = parse_source(&mut ctx, &text, "mutated.mlir");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("\"test.op\"() {{a = {}1{}}} : () -> ()", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse_error(&deep).message.starts_with("nesting is deeper than"));
    let mut regions = String::new();
    for _ in 0..5_000 {
        regions.push_str("\"test.op\"() ({\n");
    }
    assert!(parse_error(&regions).message.starts_with("nesting is deeper than"));
}
