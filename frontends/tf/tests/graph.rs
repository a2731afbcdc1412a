//! Hand-built GraphDefs: tensor encodings, input/output addressing, pass-through ops, shape
//! overrides, and malformed graphs, which must give errors naming the node, op or file (never
//! panics).

use bytes::Bytes;
use msc_ir::DenseStorage;
use msc_nn_kernels::{DType, Tensor};
use msc_tf::proto::attr_value::{ListValue, Value as A};
use msc_tf::proto::tensor_shape_proto::Dim;
use msc_tf::proto::{AttrValue, DataType, GraphDef, NodeDef, TensorProto, TensorShapeProto};
use msc_tf::{ImportError, ImportOptions, Imported, import_bytes};
use prost::Message;

fn shape(dims: &[i64]) -> TensorShapeProto {
    TensorShapeProto { dim: dims.iter().map(|&size| Dim { size, name: String::new() }).collect(), unknown_rank: false }
}

fn attr(value: A) -> AttrValue {
    AttrValue { value: Some(value) }
}

fn node(name: &str, op: &str, inputs: &[&str], attrs: Vec<(&str, A)>) -> NodeDef {
    NodeDef {
        name: name.into(),
        op: op.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        attr: attrs.into_iter().map(|(k, v)| (k.to_string(), attr(v))).collect(),
        ..Default::default()
    }
}

fn placeholder(name: &str, dims: &[i64]) -> NodeDef {
    node(name, "Placeholder", &[], vec![("dtype", A::Type(DataType::DtFloat as i32)), ("shape", A::Shape(shape(dims)))])
}

fn constant(name: &str, t: TensorProto) -> NodeDef {
    let dtype = t.dtype;
    node(name, "Const", &[], vec![("dtype", A::Type(dtype)), ("value", A::Tensor(t))])
}

fn f32_content(dims: &[i64], values: &[f32]) -> TensorProto {
    TensorProto {
        dtype: DataType::DtFloat as i32,
        tensor_shape: Some(shape(dims)),
        tensor_content: values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>().into(),
        ..Default::default()
    }
}

fn f32_vals(dims: &[i64], values: &[f32]) -> TensorProto {
    TensorProto {
        dtype: DataType::DtFloat as i32,
        tensor_shape: Some(shape(dims)),
        float_val: values.to_vec(),
        ..Default::default()
    }
}

fn i32_vals(dims: &[i64], values: &[i32]) -> TensorProto {
    TensorProto {
        dtype: DataType::DtInt32 as i32,
        tensor_shape: Some(shape(dims)),
        int_val: values.to_vec(),
        ..Default::default()
    }
}

fn graph(nodes: Vec<NodeDef>) -> Bytes {
    GraphDef { node: nodes, versions: None }.encode_to_vec().into()
}

fn import(nodes: Vec<NodeDef>, options: &ImportOptions) -> Result<Imported, ImportError> {
    import_bytes(graph(nodes), options)
}

fn run(imported: &Imported, inputs: &[Tensor]) -> Vec<Vec<f64>> {
    msc_nn::interp::run_function(&imported.ctx, imported.func, inputs)
        .unwrap_or_else(|e| panic!("run failed: {e}"))
        .iter()
        .map(|t| t.to_f64())
        .collect()
}

fn err(nodes: Vec<NodeDef>) -> String {
    match import(nodes, &ImportOptions::default()) {
        Ok(_) => panic!("the import should fail"),
        Err(e) => e.to_string(),
    }
}

fn x4() -> Tensor {
    Tensor::from_f64(DType::F32, vec![4], &[1.0, -2.0, 3.0, -4.0]).unwrap()
}

#[test]
fn constants_in_every_encoding() {
    let nodes = vec![
        placeholder("x", &[4]),
        constant("content", f32_content(&[4], &[1.0, 2.0, 3.0, 4.0])),
        constant("splat", f32_vals(&[4], &[0.5])),
        constant("repeat_last", f32_vals(&[4], &[1.0, 2.0])),
        constant("zeros", f32_vals(&[4], &[])),
        node("a", "Mul", &["x", "content"], vec![]),
        node("b", "AddV2", &["a", "splat"], vec![]),
        node("c", "Sub", &["b", "repeat_last"], vec![]),
        node("d", "AddV2", &["c", "zeros"], vec![]),
    ];
    let imported = import(nodes, &ImportOptions::default()).unwrap();
    // x * [1 2 3 4] + 0.5 - [1 2 2 2]
    assert_eq!(run(&imported, &[x4()]), vec![vec![0.5, -5.5, 7.5, -17.5]]);
}

#[test]
fn tensor_content_is_shared_with_the_model_bytes() {
    let bytes = graph(vec![
        placeholder("x", &[4]),
        constant("w", f32_content(&[4], &[1.0; 4])),
        node("y", "Mul", &["x", "w"], vec![]),
    ]);
    let imported = import_bytes(bytes.clone(), &ImportOptions::default()).unwrap();
    let text = msc_ir::printer::print_op(&imported.ctx, imported.module, &Default::default());
    assert!(text.contains("nn.mul"), "{text}");
    let range = bytes.as_ptr_range();
    let constant = imported
        .ctx
        .op(imported.ctx.block_ops(msc_builtin::body(&imported.ctx, imported.func)).next().unwrap())
        .raw_attr("value")
        .and_then(|a| a.as_dense())
        .and_then(|d| match d.storage() {
            DenseStorage::Full(b) => Some(b.as_ptr()),
            _ => None,
        });
    assert!(constant.is_some_and(|p| range.contains(&p)), "the weight was copied");
}

#[test]
fn control_inputs_output_indices_and_pass_through_ops() {
    let nodes = vec![
        placeholder("x", &[4]),
        node("init", "NoOp", &[], vec![]),
        node(
            "split_dim",
            "Const",
            &[],
            vec![("dtype", A::Type(DataType::DtInt32 as i32)), ("value", A::Tensor(i32_vals(&[], &[0])))],
        ),
        node("halves", "Split", &["split_dim", "x", "^init"], vec![("num_split", A::I(2))]),
        node("id", "Identity", &["halves:1"], vec![]),
        node("sg", "StopGradient", &["id", "^init"], vec![]),
        node("out", "Mul", &["halves:0", "sg"], vec![]),
    ];
    let imported = import(nodes, &ImportOptions::default()).unwrap();
    assert_eq!(imported.output_names, vec!["out:0"]);
    assert_eq!(run(&imported, &[x4()]), vec![vec![3.0, 8.0]]);
    let text = msc_ir::printer::print_op(&imported.ctx, imported.module, &Default::default());
    assert!(!text.contains("identity"), "Identity and StopGradient import as nothing:\n{text}");
}

#[test]
fn outputs_and_input_shapes_are_addressable_with_and_without_index() {
    let nodes =
        || vec![placeholder("x", &[-1, 2]), node("r", "Relu", &["x"], vec![]), node("n", "Neg", &["x"], vec![])];
    let options = ImportOptions {
        input_shapes: vec![("x:0".into(), vec![3, -1])],
        outputs: vec!["n".into(), "r:0".into()],
        ..Default::default()
    };
    let imported = import(nodes(), &options).unwrap();
    assert_eq!(imported.output_names, vec!["n:0", "r:0"]);
    let ty = imported.ctx.value_type(imported.ctx.block_args(msc_builtin::body(&imported.ctx, imported.func))[0]);
    assert_eq!(ty.to_string(), "tensor<3x2xf32>");
    let options = ImportOptions { input_shapes: vec![("x".into(), vec![5, 2])], ..Default::default() };
    assert!(import(nodes(), &options).is_ok());
    let options = ImportOptions { input_shapes: vec![("y".into(), vec![1])], ..Default::default() };
    let e = import(nodes(), &options).err().unwrap().to_string();
    assert!(e.contains("'y'") && e.contains("not an input"), "{e}");
    let options = ImportOptions { outputs: vec!["nope:0".into()], ..Default::default() };
    let e = import(nodes(), &options).err().unwrap().to_string();
    assert!(e.contains("no node 'nope'"), "{e}");
}

#[test]
fn nhwc_convolutions_are_wrapped_in_transposes() {
    let nodes = vec![
        placeholder("x", &[1, 4, 4, 2]),
        constant("w", f32_vals(&[3, 3, 2, 5], &[0.1])),
        node(
            "conv",
            "Conv2D",
            &["x", "w"],
            vec![
                ("strides", A::List(ListValue { i: vec![1, 2, 2, 1], ..Default::default() })),
                ("padding", A::S("SAME".into())),
            ],
        ),
    ];
    let imported = import(nodes, &ImportOptions::default()).unwrap();
    let text = msc_ir::printer::print_op(&imported.ctx, imported.module, &Default::default());
    assert!(text.contains("perm = [0, 3, 1, 2]") && text.contains("perm = [0, 2, 3, 1]"), "{text}");
    assert!(text.contains("-> tensor<1x2x2x5xf32>"), "{text}");
}

#[test]
fn unsupported_ops_are_all_reported_with_their_nodes() {
    let e = err(vec![
        placeholder("x", &[4]),
        node("a", "Frobnicate", &["x"], vec![]),
        node("b", "Relu", &["a"], vec![]),
        node("c", "Frobnicate", &["b"], vec![]),
        node("d", "Bogus", &["c"], vec![]),
    ]);
    assert!(e.contains("2 unsupported op type(s) in 3 node(s)"), "{e}");
    assert!(e.contains("Frobnicate (tf): 2 nodes: a, c"), "{e}");
    assert!(e.contains("Bogus (tf): 1 node: d"), "{e}");
}

#[test]
fn malformed_graphs_give_errors_naming_the_problem() {
    // A missing input.
    let e = err(vec![placeholder("x", &[4]), node("y", "Relu", &["nowhere:0"], vec![])]);
    assert!(e.contains("node 'y'") && e.contains("nowhere:0"), "{e}");
    // A cycle.
    let e = err(vec![
        placeholder("x", &[4]),
        node("a", "AddV2", &["x", "b"], vec![]),
        node("b", "Relu", &["a"], vec![]),
        node("out", "Neg", &["b"], vec![]),
    ]);
    assert!(e.contains("cycle"), "{e}");
    // A bad tensor size.
    let e = err(vec![
        placeholder("x", &[4]),
        constant("w", f32_content(&[4], &[1.0; 3])),
        node("y", "Mul", &["x", "w"], vec![]),
    ]);
    assert!(e.contains("node 'w' (Const)") && e.contains("needs 16 bytes"), "{e}");
    let e = err(vec![
        placeholder("x", &[4]),
        constant("w", f32_vals(&[2], &[1.0; 3])),
        node("y", "Mul", &["x", "w"], vec![]),
    ]);
    assert!(e.contains("float_val holds 3 values"), "{e}");
    // An output index the op does not have.
    let e = err(vec![placeholder("x", &[4]), node("r", "Relu", &["x"], vec![]), node("y", "Neg", &["r:3"], vec![])]);
    assert!(e.contains("node 'y'") && e.contains("r:3"), "{e}");
    // Duplicate names, a missing dtype, an unknown rank.
    let e = err(vec![placeholder("x", &[4]), placeholder("x", &[4]), node("y", "Neg", &["x"], vec![])]);
    assert!(e.contains("two nodes are named 'x'"), "{e}");
    let e = err(vec![node("x", "Placeholder", &[], vec![]), node("y", "Neg", &["x"], vec![])]);
    assert!(e.contains("Placeholder 'x'") && e.contains("dtype"), "{e}");
    let unknown = TensorShapeProto { dim: vec![], unknown_rank: true };
    let e = err(vec![
        node("x", "Placeholder", &[], vec![("dtype", A::Type(1)), ("shape", A::Shape(unknown))]),
        node("y", "Neg", &["x"], vec![]),
    ]);
    assert!(e.contains("unknown rank") && e.contains("--input-shape"), "{e}");
    // An attribute of the wrong kind.
    let e = err(vec![placeholder("x", &[1, 4, 4, 1]), node("p", "MaxPool", &["x"], vec![("ksize", A::I(2))])]);
    assert!(e.contains("node 'p' (MaxPool)") && e.contains("ksize"), "{e}");
}

#[test]
fn truncated_and_garbage_bytes_are_decode_errors() {
    let full = graph(vec![
        placeholder("x", &[4]),
        constant("w", f32_content(&[4], &[1.0; 4])),
        node("y", "Mul", &["x", "w"], vec![]),
    ]);
    for cut in [1, 7, full.len() / 2, full.len() - 1] {
        let e = import_bytes(full.slice(..cut), &ImportOptions::default()).err().expect("truncated bytes fail");
        assert!(
            matches!(
                e,
                ImportError::Decode { .. }
                    | ImportError::Graph(_)
                    | ImportError::DanglingInput { .. }
                    | ImportError::Input { .. }
            ),
            "cut at {cut}: {e}"
        );
    }
    let e = import_bytes(Bytes::from_static(&[0xff, 0xff, 0xff, 0xff]), &ImportOptions::default()).err().unwrap();
    assert!(e.to_string().contains("not a valid TensorFlow GraphDef"), "{e}");
    let e = import_bytes(Bytes::new(), &ImportOptions::default()).err().unwrap();
    assert!(e.to_string().contains("empty"), "{e}");
    let e =
        msc_tf::import_file(std::path::Path::new("/nonexistent/model.pb"), &ImportOptions::default()).err().unwrap();
    assert!(e.to_string().contains("/nonexistent/model.pb"), "{e}");
}

#[test]
fn format_sniffing() {
    let g = graph(vec![placeholder("x", &[4]), node("y", "Neg", &["x"], vec![])]);
    assert!(msc_tf::looks_like_graph_def(&g));
    assert!(!msc_tf::looks_like_graph_def(b"\x08\x07garbage"));
}

/// Every import of a corrupted fixture ends in `Ok` or `Err`, never a panic: single bytes of a
/// real frozen graph are overwritten at many places (deterministically).
#[test]
fn corrupted_fixture_bytes_never_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/unet_ops/model.pb");
    let original = std::fs::read(path).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..400 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bytes = original.clone();
        let at = (state % bytes.len() as u64) as usize;
        bytes[at] = (state >> 32) as u8;
        let _ = import_bytes(Bytes::from(bytes), &ImportOptions::default());
    }
}
