//! Graph-level import: names, symbolic dims, locations, initializers shared with the mapped file,
//! node order, input-shape overrides, summaries.

use super::support::*;
use msc_ir::printer::{PrintOptions, print_op};
use msc_ir::{Attribute, DenseStorage, Dim, Type};
use msc_onnx::proto::tensor_proto::DataType;
use msc_onnx::{ImportOptions, import_file, summarize};
use std::path::Path;

fn add_model() -> msc_onnx::proto::ModelProto {
    let mut relu = node("Relu", &["sum"], &["out"], vec![]);
    relu.name = "relu_1".into();
    let nodes = vec![node("Add", &["x", "w"], &["sum"], vec![]), relu];
    let inputs = vec![
        value_info("x", DataType::Float, &[D::P("batch"), D::N(4), D::Unknown]),
        input("w", DataType::Float, &[4, 1]),
    ];
    let weights: Vec<f32> = vec![1.0, -2.0, 3.0, -4.0];
    model(graph(nodes, inputs, vec![output("out")], vec![raw_f32("w", &[4, 1], &weights)]), 13)
}

#[test]
fn names_symbols_and_locations() {
    let imported = import(&add_model()).expect("imports");
    let ctx = &imported.ctx;
    assert_eq!(imported.input_names, vec!["x"]);
    assert_eq!(imported.output_names, vec!["out"]);
    let func = ctx.op(imported.func);
    assert_eq!(func.raw_attr("sym_name").and_then(Attribute::as_str), Some("test_graph"));
    assert_eq!(func.raw_attr("onnx.input_names"), Some(&Attribute::Array(vec![Attribute::string("x")])));
    assert_eq!(func.raw_attr("onnx.output_names"), Some(&Attribute::Array(vec![Attribute::string("out")])));
    let Type::Function(signature) = func.type_attr("function_type").unwrap() else { panic!("function type") };
    let input = signature.inputs[0].as_tensor().unwrap();
    assert_eq!(input.shape[0], Dim::symbol("batch"));
    assert_eq!(input.shape[1], Dim::Static(4));
    assert!(matches!(input.shape[2], Dim::Symbol(_)) && input.shape[2] != input.shape[0]);
    let text = print_op(ctx, imported.module, &PrintOptions::default());
    assert!(text.contains("loc(\"onnx:Add_0\")"), "{text}");
    assert!(text.contains("loc(\"onnx:relu_1\")"), "{text}");
    assert!(text.contains("dims = [\"batch\""), "{text}");
}

#[test]
fn input_shape_overrides() {
    let options = ImportOptions { input_shapes: vec![("x".into(), vec![2, 4, -1])], ..Default::default() };
    let imported = msc_onnx::import_bytes(encode(&add_model()), None, &options).expect("imports");
    let arg = imported.ctx.block_args(msc_builtin::body(&imported.ctx, imported.func))[0];
    let shape = &imported.ctx.value_type(arg).as_tensor().unwrap().shape;
    assert_eq!(shape[..2], [Dim::Static(2), Dim::Static(4)]);
    let bad = ImportOptions { input_shapes: vec![("nope".into(), vec![1])], ..Default::default() };
    assert!(msc_onnx::import_bytes(encode(&add_model()), None, &bad).is_err());
    let rank = ImportOptions { input_shapes: vec![("x".into(), vec![1])], ..Default::default() };
    let e = msc_onnx::import_bytes(encode(&add_model()), None, &rank).err().unwrap();
    assert!(e.to_string().contains("has rank 3 but the override [1] has rank 1"), "{e}");
}

#[test]
fn unsorted_graphs_are_sorted() {
    let nodes = vec![node("Neg", &["a"], &["b"], vec![]), node("Relu", &["x"], &["a"], vec![])];
    let m = model(graph(nodes, vec![input("x", DataType::Float, &[2])], vec![output("b")], vec![]), 13);
    let y = run(&m, &[f32s(&[2], &[-1.0, 2.0])]);
    assert_tensor(&y[0], &[2], &[0.0, -2.0]);
}

/// A Shape -> Gather -> Concat chain computing a Reshape's target shape, on an input whose
/// gathered dims are static (`start` skips the symbolic batch dim), plus a second use of the
/// gathered indices after the Gather folded.
fn shape_chain_model() -> msc_onnx::proto::ModelProto {
    let nodes = vec![
        node("Shape", &["x"], &["s"], vec![int("start", 1)]),
        node("Gather", &["s", "idx"], &["g"], vec![int("axis", 0)]),
        node("Concat", &["minus1", "g"], &["target"], vec![int("axis", 0)]),
        node("Reshape", &["x", "target"], &["y"], vec![]),
        node("Add", &["idx", "idx"], &["idx2"], vec![]),
    ];
    let inputs = vec![value_info("x", DataType::Float, &[D::P("batch"), D::N(3), D::N(4)])];
    let initializers = vec![i64_tensor("idx", &[1], &[1]), i64_tensor("minus1", &[1], &[-1])];
    model(graph(nodes, inputs, vec![output("y"), output("idx2")], initializers), 13)
}

#[test]
fn shape_chains_fold_during_import() {
    let imported = import(&shape_chain_model()).expect("imports");
    let ctx = &imported.ctx;
    let text = print_op(ctx, imported.module, &PrintOptions::default());
    for op in ["nn.shape", "nn.gather", "nn.concat", "nn.add"] {
        assert!(!text.contains(op), "{op} should have folded:\n{text}");
    }
    assert!(text.contains("dense<[-1, 4]> : tensor<2xi64>"), "{text}");
    assert!(text.contains("dense<2> : tensor<1xi64>"), "{text}");
    let Type::Function(signature) = ctx.op(imported.func).type_attr("function_type").unwrap() else {
        panic!("function type")
    };
    let y = signature.results[0].as_tensor().unwrap();
    assert_eq!(y.shape[1], Dim::Static(4));
    let outputs = run(&shape_chain_model(), &[f32s(&[2, 3, 4], &(0..24).map(f64::from).collect::<Vec<_>>())]);
    assert_eq!(outputs[0].shape(), [6, 4]);
    assert_eq!(outputs[1].shape(), [1]);
}

/// The mapped file's address range and the imported initializer `w`'s data pointer.
fn initializer_pointer(imported: &msc_onnx::Imported) -> usize {
    let body = msc_builtin::body(&imported.ctx, imported.func);
    let constant =
        imported.ctx.block_ops(body).find(|&op| imported.ctx.op(op).name() == "nn.constant").expect("a constant");
    let dense = imported.ctx.op(constant).raw_attr("value").and_then(Attribute::as_dense).cloned().unwrap();
    let DenseStorage::Full(bytes) = dense.storage() else { panic!("full storage") };
    assert_eq!(bytes.len(), 16);
    bytes.as_ptr() as usize
}

#[test]
fn initializers_are_slices_of_the_mapped_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.onnx");
    std::fs::write(&path, encode(&add_model())).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    // SAFETY: the test owns the file and does not modify it while mapped.
    let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
    let range = map.as_ptr() as usize..map.as_ptr() as usize + map.len();
    let imported =
        msc_onnx::import_bytes(bytes::Bytes::from_owner(map), Some(dir.path()), &ImportOptions::default()).unwrap();
    let pointer = initializer_pointer(&imported);
    assert!(range.contains(&pointer) && range.contains(&(pointer + 15)), "{pointer:#x} not in {range:x?}");
    // import_file maps the file the same way.
    let from_file = import_file(&path, &ImportOptions::default()).expect("imports");
    let y = msc_nn::interp::run_function(&from_file.ctx, from_file.func, &[f32s(&[1, 4, 1], &[1.0, 1.0, 1.0, 1.0])])
        .unwrap();
    assert_tensor(&y[0], &[1, 4, 1], &[2.0, 0.0, 4.0, 0.0]);
}

#[test]
fn summaries_and_supported_ops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.onnx");
    let mut m = add_model();
    m.graph.as_mut().unwrap().node.push(node("Loop", &["out"], &["l"], vec![]));
    std::fs::write(&path, encode(&m)).unwrap();
    let summary = summarize(&path).expect("summarizes");
    assert_eq!(summary.parameter_count, 4);
    assert_eq!(summary.inputs.len(), 1);
    assert_eq!(summary.inputs[0].to_string(), "x: FLOAT [batch, 4, ?]");
    assert_eq!(summary.opsets, vec![("ai.onnx".to_string(), 13)]);
    assert_eq!(summary.op_histogram.len(), 3);
    assert_eq!(summary.unsupported.ops[0].op_type, "Loop");
    assert!(summary.to_string().contains("unsupported ops:\n  Loop (ai.onnx opset 13): 1 node: Loop_2"));
    assert!(matches!(summarize(Path::new("/nonexistent/model.onnx")), Err(msc_onnx::ImportError::Io { .. })));
    let ops = msc_onnx::supported_ops();
    assert!(ops.len() >= 150, "{} ops", ops.len());
    assert!(ops.contains(&("ai.onnx", "Conv")));
}

#[test]
fn read_tensor_files() {
    use prost::Message;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input_0.pb");
    std::fs::write(&path, i64_tensor("x", &[2], &[3, -4]).encode_to_vec()).unwrap();
    let t = msc_onnx::read_tensor_file(&path).expect("reads");
    assert_eq!((t.shape(), t.to_i64()), (&[2usize][..], vec![3, -4]));
}
