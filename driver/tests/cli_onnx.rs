//! `msc import` and `msc inspect` on a small ONNX model written to a temporary directory.

mod common;

use common::{msc, stdout, write_model};
use msc_onnx::proto::NodeProto;

#[test]
fn import_prints_the_ir_with_weights_elided_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), vec![]);
    let text = stdout(&msc(&["import", model.to_str().unwrap()]));
    assert!(text.contains("\"nn.add\""), "{text}");
    assert!(text.contains("\"nn.relu\""), "{text}");
    assert!(text.contains("loc(\"onnx:relu_1\")"), "{text}");
    assert!(text.contains("sym_name = \"tiny\""), "{text}");
    assert!(text.contains("onnx.input_names = [\"x\"]"), "{text}");
    assert!(text.contains("dense_resource<__elided__>"), "{text}");
    let full = stdout(&msc(&["import", model.to_str().unwrap(), "--print-large-constants"]));
    assert!(full.contains("dialect_resources"), "{full}");
    let out = dir.path().join("tiny.mlir");
    stdout(&msc(&["import", model.to_str().unwrap(), "-o", out.to_str().unwrap(), "--input-shape", "x=3x20"]));
    let saved = std::fs::read_to_string(&out).unwrap();
    assert!(saved.contains("tensor<3x20xf32>"), "{saved}");
}

#[test]
fn the_imported_ir_reads_back_through_msc_opt() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), vec![]);
    let out = dir.path().join("tiny.mlir");
    stdout(&msc(&["import", model.to_str().unwrap(), "-o", out.to_str().unwrap(), "--print-large-constants"]));
    let text = stdout(&msc(&["opt", out.to_str().unwrap(), "--pass-pipeline=builtin.module(canonicalize,cse)"]));
    assert!(text.contains("\"nn.relu\""), "{text}");
}

#[test]
fn inspect_summarizes_and_lists_unsupported_ops() {
    let dir = tempfile::tempdir().unwrap();
    let unsupported = NodeProto {
        op_type: "Loop".into(),
        name: "loop_2".into(),
        input: vec!["out".into()],
        output: vec!["l".into()],
        ..Default::default()
    };
    let model = write_model(dir.path(), vec![unsupported]);
    let text = stdout(&msc(&["inspect", model.to_str().unwrap()]));
    for expected in [
        "graph: tiny",
        "opsets: ai.onnx 17",
        "x: FLOAT [batch, 20]",
        "parameters: 20",
        "1  Relu",
        "Loop (ai.onnx opset 17): 1 node: loop_2",
    ] {
        assert!(text.contains(expected), "missing '{expected}' in:\n{text}");
    }
    let failed = msc(&["import", model.to_str().unwrap()]);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("unsupported op type(s)") && stderr.contains("loop_2"), "{stderr}");
}

#[test]
fn bad_files_and_arguments_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.onnx");
    std::fs::write(&garbage, [0xffu8; 9]).unwrap();
    let failed = msc(&["import", garbage.to_str().unwrap()]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("is not a valid ONNX protobuf"));
    let model = write_model(dir.path(), vec![]);
    let failed = msc(&["import", model.to_str().unwrap(), "--input-shape", "x=3xfoo"]);
    assert!(!failed.status.success());
}
