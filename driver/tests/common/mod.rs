//! Shared by the driver's tests: a tiny ONNX model written to disk, and running the `msc` binary.
#![allow(dead_code)] // each test binary uses its own subset

use msc_onnx::proto::tensor_proto::DataType;
use msc_onnx::proto::tensor_shape_proto::{Dimension, dimension};
use msc_onnx::proto::{
    GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, TensorShapeProto, TypeProto, ValueInfoProto,
    type_proto,
};
use prost::Message;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn value(name: &str, dims: &[Dimension]) -> ValueInfoProto {
    let tensor =
        type_proto::Tensor { elem_type: DataType::Float as i32, shape: Some(TensorShapeProto { dim: dims.to_vec() }) };
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto { value: Some(type_proto::Value::TensorType(tensor)), ..Default::default() }),
        ..Default::default()
    }
}

pub fn dim(value: dimension::Value) -> Dimension {
    Dimension { value: Some(value), ..Default::default() }
}

/// `out = Relu(x + w)` with a 20-element weight and `x: [batch, 20]`, plus optional extra nodes.
pub fn write_model(dir: &Path, extra: Vec<NodeProto>) -> PathBuf {
    let node = |op: &str, inputs: &[&str], output: &str, name: &str| NodeProto {
        op_type: op.into(),
        name: name.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        ..Default::default()
    };
    let weights: Vec<u8> = (0..20).flat_map(|i| (i as f32 - 10.0).to_le_bytes()).collect();
    let mut nodes = vec![node("Add", &["x", "w"], "sum", "add_0"), node("Relu", &["sum"], "out", "relu_1")];
    nodes.extend(extra);
    let graph = GraphProto {
        name: "tiny".into(),
        node: nodes,
        input: vec![value(
            "x",
            &[dim(dimension::Value::DimParam("batch".into())), dim(dimension::Value::DimValue(20))],
        )],
        output: vec![value("out", &[])],
        initializer: vec![TensorProto {
            name: "w".into(),
            data_type: DataType::Float as i32,
            dims: vec![20],
            raw_data: weights.into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    save_model(dir, graph, "tiny.onnx")
}

/// Writes `graph` as an opset-17 ONNX model named `file` in `dir`.
pub fn save_model(dir: &Path, graph: GraphProto, file: &str) -> PathBuf {
    let model = ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: 17 }],
        graph: Some(graph),
        ..Default::default()
    };
    let path = dir.join(file);
    std::fs::write(&path, model.encode_to_vec()).unwrap();
    path
}

pub fn msc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msc")).args(args).output().expect("msc runs")
}

pub fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "msc failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}
