//! Inputs frozen to values (`--freeze-input`, `SessionBuilder::freeze_input`) on a model whose
//! Reshape target is an input (`out = relu(reshape(x, shape))`, `x: [2, 3, 5]`, `shape: [2]` i64): it
//! cannot be compiled as it is, compiles with `shape` frozen, and then matches the reference
//! interpreter run on the unfrozen model with both inputs.

mod common;

use msc::{Error, Session, Tensor};
use msc_onnx::proto::tensor_proto::DataType;
use msc_onnx::proto::tensor_shape_proto::dimension::Value as DimValue;
use msc_onnx::proto::{GraphProto, NodeProto, TensorShapeProto, TypeProto, ValueInfoProto, type_proto};
use std::path::{Path, PathBuf};

fn typed_value(name: &str, element: DataType, dims: &[u64]) -> ValueInfoProto {
    let dims = dims.iter().map(|&d| common::dim(DimValue::DimValue(d as i64))).collect();
    let tensor = type_proto::Tensor { elem_type: element as i32, shape: Some(TensorShapeProto { dim: dims }) };
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto { value: Some(type_proto::Value::TensorType(tensor)), ..Default::default() }),
        ..Default::default()
    }
}

fn write_reshape_model(dir: &Path) -> PathBuf {
    let node = |op: &str, inputs: &[&str], output: &str| NodeProto {
        op_type: op.into(),
        name: format!("{op}_0"),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        ..Default::default()
    };
    let graph = GraphProto {
        name: "reshape_by_input".into(),
        node: vec![node("Reshape", &["x", "shape"], "r"), node("Relu", &["r"], "out")],
        input: vec![typed_value("x", DataType::Float, &[2, 3, 5]), typed_value("shape", DataType::Int64, &[2])],
        output: vec![common::value("out", &[])],
        ..Default::default()
    };
    common::save_model(dir, graph, "reshape.onnx")
}

fn x() -> Tensor {
    let values: Vec<f32> = (0..30).map(|i| ((i as f32) * 0.61).sin() * 3.0).collect();
    Tensor::from_slice(&[2, 3, 5], &values).unwrap()
}

fn shape(dims: &[i64]) -> Tensor {
    Tensor::from_slice(&[dims.len()], dims).unwrap()
}

/// The reference interpreter on the model as written, with `shape` as an input.
fn reference(path: &Path, target: &[i64]) -> (Vec<usize>, Vec<f32>) {
    let imported = msc_onnx::import_file(path, &Default::default()).unwrap();
    let x = msc_nn_kernels::Tensor::new(vec![2, 3, 5], msc_nn_kernels::Data::F32(x().to_vec::<f32>().unwrap()));
    let shape = msc_nn_kernels::Tensor::new(vec![target.len()], msc_nn_kernels::Data::I64(target.to_vec()));
    let out = msc_nn::interp::run_function(&imported.ctx, imported.func, &[x.unwrap(), shape.unwrap()]).unwrap();
    (out[0].shape().to_vec(), out[0].to_f64().into_iter().map(|v| v as f32).collect())
}

#[test]
fn a_reshape_target_input_must_be_frozen_to_compile() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_reshape_model(dir.path());
    let err = Session::builder().commit_from_file(&path).err().expect("the result shape depends on an input");
    assert!(err.to_string().contains("symbolic"), "{err}");
}

#[test]
fn a_frozen_reshape_target_compiles_and_matches_the_interpreter() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_reshape_model(dir.path());
    for target in [[6, 5], [-1, 3], [30, 1]] {
        let session = Session::builder()
            .threads(2)
            .freeze_input("shape", &shape(&target))
            .unwrap()
            .commit_from_file(&path)
            .unwrap();
        let names: Vec<&str> = session.inputs().iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["x"], "a frozen input is no longer an input");
        let out = session.run(&[("x", &x())]).unwrap();
        let (shape, values) = reference(&path, &target);
        assert_eq!(out[0].1.shape(), shape.as_slice(), "target {target:?}");
        // Reshape and relu are exact: the compiled values equal the interpreter's bit for bit.
        assert_eq!(out[0].1.to_vec::<f32>().unwrap(), values, "target {target:?}");
    }
}

#[test]
fn a_frozen_value_of_the_wrong_type_or_name_is_an_error_naming_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_reshape_model(dir.path());
    let freeze = |name: &str, value: Tensor| Session::builder().freeze_input(name, &value)?.commit_from_file(&path);
    let err = freeze("shape", Tensor::from_slice(&[2], &[6i32, 5]).unwrap()).err().unwrap();
    assert!(matches!(err, Error::Import(_)), "{err:?}");
    assert!(err.to_string().contains("'shape'") && err.to_string().contains("element type"), "{err}");
    let err = freeze("shape", shape(&[2, 3, 5])).err().unwrap();
    assert!(err.to_string().contains("'shape'") && err.to_string().contains("shape [3]"), "{err}");
    let err = freeze("nope", shape(&[6, 5])).err().unwrap();
    assert!(err.to_string().contains("'nope'") && err.to_string().contains("not an input"), "{err}");
}

#[test]
fn the_cli_freezes_an_input_from_a_npy_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_reshape_model(dir.path());
    let npy = dir.path().join("shape.npy");
    std::fs::write(&npy, msc::npy::to_bytes(&shape(&[5, 6])).unwrap()).unwrap();
    let ms = dir.path().join("reshape.ms");
    let (model, ms_arg) = (path.to_str().unwrap(), ms.to_str().unwrap());
    let failed = common::msc(&["compile", model, "-o", ms_arg]);
    assert!(!failed.status.success(), "compiles only with the input frozen");
    let frozen = format!("shape={}", npy.display());
    common::stdout(&common::msc(&["compile", model, "-o", ms_arg, "--freeze-input", &frozen]));
    let session = Session::builder().trust(msc::runtime::Trust::TrustedProducer).commit_from_file(&ms).unwrap();
    let out = session.run(&[("x", &x())]).unwrap();
    let (shape, values) = reference(&path, &[5, 6]);
    assert_eq!(out[0].1.shape(), shape.as_slice());
    assert_eq!(out[0].1.to_vec::<f32>().unwrap(), values);
    let run = common::stdout(&common::msc(&["run", model, "--freeze-input", &frozen]));
    assert!(run.contains("out"), "{run}");
}
