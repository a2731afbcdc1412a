//! Hand-built MindIR models: constants as inputs, tuples, function calls, external weights and
//! their path rules, and malformed models, which must give errors naming the node, primitive or
//! file (never panics).

use bytes::Bytes;
use msc_mindir::proto::attribute_proto::AttributeType as T;
use msc_mindir::proto::tensor_proto::{DataType, ExternalDataProto};
use msc_mindir::proto::*;
use msc_mindir::{ImportError, ImportOptions, Imported, import_bytes, import_file};
use msc_nn_kernels::{DType, Tensor};
use prost::Message;

fn f32_tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims: dims.to_vec(),
        data_type: Some(DataType::Float as i32),
        raw_data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>().into()),
        ..Default::default()
    }
}

fn input(name: &str, dims: &[i64]) -> ValueInfoProto {
    ValueInfoProto {
        name: Some(name.into()),
        tensor: vec![TensorProto {
            dims: dims.to_vec(),
            data_type: Some(DataType::Float as i32),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn output(name: &str) -> ValueInfoProto {
    ValueInfoProto { name: Some(name.into()), ..Default::default() }
}

fn node(op: &str, inputs: &[&str], out: &str) -> NodeProto {
    NodeProto {
        op_type: Some(op.into()),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![out.into()],
        name: Some(out.into()),
        domain: Some(format!("Default/{out}")),
        ..Default::default()
    }
}

fn int_const(name: &str, i: i64) -> NodeProto {
    let value =
        AttributeProto { name: Some("value".into()), i: Some(i), r#type: Some(T::Int64 as i32), ..Default::default() };
    NodeProto { attribute: vec![value], ..node("Constant", &[], name) }
}

fn tuple_const(name: &str, ints: &[i64]) -> NodeProto {
    let values = ints
        .iter()
        .map(|&i| AttributeProto { ints: vec![i], r#type: Some(T::Int64 as i32), ..Default::default() })
        .collect();
    let value =
        AttributeProto { name: Some("value".into()), values, r#type: Some(T::Tuple as i32), ..Default::default() };
    NodeProto { attribute: vec![value], ..node("Constant", &[], name) }
}

fn prim(name: &str, op: &str) -> PrimitiveProto {
    PrimitiveProto { name: Some(name.into()), op_type: Some(op.into()), ..Default::default() }
}

fn graph(
    name: &str,
    nodes: Vec<NodeProto>,
    inputs: Vec<ValueInfoProto>,
    out: &str,
    params: Vec<TensorProto>,
) -> GraphProto {
    GraphProto {
        node: nodes,
        name: Some(name.into()),
        input: inputs,
        output: vec![output(out)],
        parameter: params,
        ..Default::default()
    }
}

fn model(main: GraphProto, functions: Vec<GraphProto>, primitives: Vec<PrimitiveProto>) -> ModelProto {
    ModelProto {
        producer_name: Some("MindSpore".into()),
        graph: Some(main),
        functions,
        primitives,
        ..Default::default()
    }
}

fn import(m: &ModelProto) -> Result<Imported, ImportError> {
    import_bytes(m.encode_to_vec().into(), None, &ImportOptions::default())
}

fn err(m: &ModelProto) -> String {
    match import(m) {
        Ok(_) => panic!("the import should fail"),
        Err(e) => e.to_string(),
    }
}

fn run(imported: &Imported, inputs: &[Tensor]) -> Vec<Vec<f64>> {
    msc_nn::interp::run_function(&imported.ctx, imported.func, inputs)
        .unwrap_or_else(|e| panic!("run failed: {e}"))
        .iter()
        .map(|t| t.to_f64())
        .collect()
}

fn prims() -> Vec<PrimitiveProto> {
    vec![
        prim("Mul:1", "Mul"),
        prim("Add:2", "Add"),
        prim("Split:3", "Split"),
        prim("TupleGetItem:4", "TupleGetItem"),
        prim("MakeTuple:5", "MakeTuple"),
        prim("Reshape:6", "Reshape"),
        prim("Load:7", "Load"),
    ]
}

/// main(x: 4) = (f(x, w) split in halves)[1] reshaped to 1x2, and x * 2; f(a, b) = a * b + a.
fn calling_model() -> ModelProto {
    let f = graph(
        "f",
        vec![node("REF::Mul:1", &["f:a", "f:b"], "f:m"), node("REF::Add:2", &["f:m", "f:a"], "f:out")],
        vec![input("f:a", &[4]), input("f:b", &[4])],
        "f:out",
        vec![],
    );
    let main = graph(
        "main",
        vec![
            int_const("zero", 0),
            int_const("one", 1),
            int_const("two", 2),
            tuple_const("shape", &[1, 2]),
            node("REF::Load:7", &["main:w", "zero"], "main:loaded"),
            node("REF::f", &["main:x", "main:loaded"], "main:called"),
            node("REF::Split:3", &["main:called", "zero", "two"], "main:halves"),
            node("REF::TupleGetItem:4", &["main:halves", "one"], "main:second"),
            node("REF::Reshape:6", &["main:second", "shape"], "main:reshaped"),
            node("REF::Mul:1", &["main:x", "two"], "main:doubled"),
            node("REF::MakeTuple:5", &["main:reshaped", "main:doubled"], "main:out"),
        ],
        vec![input("main:x", &[4])],
        "main:out",
        vec![f32_tensor("main:w", &[4], &[1.0, 2.0, 3.0, 4.0])],
    );
    model(main, vec![f], prims())
}

fn x4() -> Tensor {
    Tensor::from_f64(DType::F32, vec![4], &[1.0, -2.0, 3.0, -4.0]).unwrap()
}

#[test]
fn functions_tuples_and_constant_arguments() {
    let imported = import(&calling_model()).unwrap();
    assert_eq!(imported.input_names, vec!["x"]);
    assert_eq!(imported.output_names, vec!["out.0", "out.1"]);
    // f(x, w) = x * w + x = [2, -6, 12, -20]; its second half is [12, -20].
    assert_eq!(run(&imported, &[x4()]), vec![vec![12.0, -20.0], vec![2.0, -4.0, 6.0, -8.0]]);
    let text = msc_ir::printer::print_op(&imported.ctx, imported.module, &Default::default());
    assert!(text.contains("loc(\"mindir:Default/f:m\")"), "the inlined nodes keep their scope:\n{text}");
}

#[test]
fn input_shapes_can_be_overridden_by_short_name() {
    let mut m = calling_model();
    m.graph.as_mut().unwrap().input[0].tensor[0].dims = vec![-1];
    let options = ImportOptions { input_shapes: vec![("x".into(), vec![4])], ..Default::default() };
    let imported = import_bytes(m.encode_to_vec().into(), None, &options).unwrap();
    assert_eq!(run(&imported, &[x4()]).len(), 2);
    let options = ImportOptions { input_shapes: vec![("y".into(), vec![4])], ..Default::default() };
    let e = import_bytes(m.encode_to_vec().into(), None, &options).err().unwrap().to_string();
    assert!(e.contains("'y'") && e.contains("not an input"), "{e}");
}

#[test]
fn unsupported_primitives_are_all_reported_with_their_nodes() {
    let mut m = calling_model();
    m.primitives.push(prim("Frob:9", "Frobnicate"));
    let g = m.graph.as_mut().unwrap();
    g.node.push(node("REF::Frob:9", &["main:x"], "main:frob1"));
    g.node.push(node("REF::Frob:9", &["main:x"], "main:frob2"));
    g.node.push(node("REF::Nowhere:1", &["main:x"], "main:nowhere"));
    let e = err(&m);
    assert!(e.contains("Frobnicate (mindir): 2 nodes: Default/main:frob1, Default/main:frob2"), "{e}");
    assert!(e.contains("Nowhere:1 (mindir): 1 node: Default/main:nowhere"), "{e}");
}

#[test]
fn malformed_models_give_errors_naming_the_problem() {
    // A missing input.
    let mut m = calling_model();
    m.graph.as_mut().unwrap().node[5].input[1] = "main:ghost".into();
    let e = err(&m);
    assert!(e.contains("Default/main:called") && e.contains("main:ghost"), "{e}");
    // A cycle.
    let mut m = calling_model();
    m.graph.as_mut().unwrap().node[5].input[0] = "main:doubled".into();
    m.graph.as_mut().unwrap().node[9].input[0] = "main:called".into();
    assert!(err(&m).contains("cycle"), "{}", err(&m));
    // A parameter whose data does not match its dims.
    let mut m = calling_model();
    m.graph.as_mut().unwrap().parameter[0] = f32_tensor("main:w", &[4], &[1.0; 3]);
    let e = err(&m);
    assert!(e.contains("tensor 'main:w'") && e.contains("needs 16 bytes"), "{e}");
    // A function calling itself.
    let mut m = calling_model();
    m.functions[0].node[1] = node("REF::f", &["f:m", "f:a"], "f:out");
    let e = err(&m);
    assert!(e.contains("calls itself"), "{e}");
    // A call with the wrong number of arguments.
    let mut m = calling_model();
    m.graph.as_mut().unwrap().node[5].input.pop();
    assert!(err(&m).contains("takes 2 inputs, the call passes 1"), "{}", err(&m));
    // An argument of the wrong kind.
    let mut m = calling_model();
    m.graph.as_mut().unwrap().node[8].input[1] = "main:x".into();
    let e = err(&m);
    assert!(e.contains("'Default/main:reshaped' (Reshape)") && e.contains("must be constant"), "{e}");
    // No graph.
    let mut m = calling_model();
    m.graph = None;
    assert!(err(&m).contains("no graph"));
}

#[test]
fn truncated_and_garbage_bytes_are_decode_errors() {
    let full: Bytes = calling_model().encode_to_vec().into();
    for cut in [1, 9, full.len() / 2, full.len() - 1] {
        assert!(import_bytes(full.slice(..cut), None, &ImportOptions::default()).is_err(), "cut at {cut}");
    }
    let e = import_bytes(Bytes::from_static(&[0xff; 5]), None, &ImportOptions::default()).err().unwrap();
    assert!(e.to_string().contains("not a valid MindIR protobuf"), "{e}");
    assert!(msc_mindir::looks_like_mindir(&full));
    assert!(!msc_mindir::looks_like_mindir(b"\x93NUMPY"));
}

/// The calling model with its weight in the external file `location` at `offset`.
fn external_model(location: &str, offset: i64, length: i64) -> ModelProto {
    let mut m = calling_model();
    let w = &mut m.graph.as_mut().unwrap().parameter[0];
    w.raw_data = None;
    w.external_data = Some(ExternalDataProto {
        location: Some(location.into()),
        offset: Some(offset),
        length: Some(length),
        checksum: None,
    });
    m
}

#[test]
fn external_weights_are_confined_to_the_model_directory() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("model");
    std::fs::create_dir_all(dir.join("model_variables")).unwrap();
    let mut data = vec![0u8; 64];
    data.extend([1.0f32, 2.0, 3.0, 4.0].iter().flat_map(|v| v.to_le_bytes()));
    std::fs::write(dir.join("model_variables/data_0"), &data).unwrap();
    std::fs::write(root.path().join("secret"), &data).unwrap();
    let write = |m: &ModelProto| -> std::path::PathBuf {
        let path = dir.join("model_graph.mindir");
        std::fs::write(&path, m.encode_to_vec()).unwrap();
        path
    };
    let imported =
        import_file(&write(&external_model("model_variables/data_0", 64, 16)), &ImportOptions::default()).unwrap();
    assert_eq!(run(&imported, &[x4()])[0], vec![12.0, -20.0]);
    let cases = [
        (external_model("../secret", 64, 16), "'..'"),
        (external_model(&root.path().join("secret").display().to_string(), 64, 16), "absolute"),
        (external_model("model_variables/data_1", 64, 16), "cannot open"),
        (external_model("model_variables/data_0", 72, 16), "beyond the end"),
        (external_model("model_variables/data_0", -1, 16), "negative"),
    ];
    for (m, want) in cases {
        let e = import_file(&write(&m), &ImportOptions::default()).err().expect("the import should fail").to_string();
        assert!(e.contains("parameter 'main:w'") && e.contains(want), "{want}: {e}");
    }
    let e = import_bytes(
        external_model("model_variables/data_0", 64, 16).encode_to_vec().into(),
        None,
        &ImportOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("not loaded from a file"), "{e}");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.path().join("secret"), dir.join("link")).unwrap();
        let e =
            import_file(&write(&external_model("link", 64, 16)), &ImportOptions::default()).err().unwrap().to_string();
        assert!(e.contains("outside the model directory"), "{e}");
    }
}

/// Every import of a corrupted fixture ends in `Ok` or `Err`, never a panic: single bytes of a
/// real MindIR file are overwritten at many places (deterministically).
#[test]
fn corrupted_fixture_bytes_never_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/subgraph/model.mindir");
    let original = std::fs::read(path).unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..400 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bytes = original.clone();
        let at = (state % bytes.len() as u64) as usize;
        bytes[at] = (state >> 32) as u8;
        let _ = import_bytes(Bytes::from(bytes), None, &ImportOptions::default());
    }
}
