//! `msc import` and `msc inspect` on the TensorFlow and MindIR fixtures: the format comes from the
//! content (a renamed file still imports), `--framework` forces it, TensorFlow inputs are
//! addressable as `name` and `name:0`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(frontend: &str, name: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontends").join(frontend).join("fixtures").join(name).join(file)
}

fn msc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msc")).args(args).output().expect("msc runs")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "msc failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    assert!(!output.status.success(), "msc should fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn tensorflow_graphs_import_whatever_their_name() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("model.bin");
    std::fs::copy(fixture("tf", "resnet", "model.pb"), &renamed).unwrap();
    let text = stdout(&msc(&["import", renamed.to_str().unwrap(), "--input-shape", "image:0=2x32x32x3"]));
    assert!(text.contains("\"nn.conv\"") && text.contains("loc(\"tf:"), "{text}");
    assert!(text.contains("tf.input_names = [\"image\"]"), "{text}");
    let text = stdout(&msc(&["import", renamed.to_str().unwrap(), "--input-shape", "image=-1x32x32x3"]));
    assert!(text.contains("tensor<2x32x32x3xf32>"), "{text}");
    // The frozen graph's Flatten reshapes to a constant [2, 256]: another batch size is refused.
    let e = stderr(&msc(&["import", renamed.to_str().unwrap(), "--input-shape", "image=4x32x32x3"]));
    assert!(e.contains("node 'functional_1_1/flatten_1/Reshape' (Reshape)"), "{e}");
    let text = stdout(&msc(&["inspect", renamed.to_str().unwrap()]));
    assert!(text.contains("format: TensorFlow GraphDef") && text.contains("Conv2D"), "{text}");
}

#[test]
fn mindir_models_import_and_inspect() {
    let model = fixture("mindir", "lenet5", "model.mindir");
    let text = stdout(&msc(&["import", model.to_str().unwrap()]));
    assert!(text.contains("\"nn.max_pool\"") && text.contains("loc(\"mindir:Default/"), "{text}");
    let text = stdout(&msc(&["inspect", model.to_str().unwrap()]));
    assert!(text.contains("format: MindIR") && text.contains("Conv2D: 2"), "{text}");
    let external = fixture("mindir", "resnet_external", "model_graph.mindir");
    assert!(stdout(&msc(&["import", external.to_str().unwrap()])).contains("\"nn.batch_norm\""));
}

#[test]
fn framework_can_be_forced_and_mismatches_fail_cleanly() {
    let model = fixture("mindir", "lenet5", "model.mindir");
    let e = stderr(&msc(&["import", model.to_str().unwrap(), "--framework", "tf"]));
    assert!(e.contains("error:") && e.contains("model.mindir"), "{e}");
    let e = stderr(&msc(&["import", model.to_str().unwrap(), "--framework", "onnx"]));
    assert!(e.contains("not a valid ONNX protobuf"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let unknown = dir.path().join("weights.dat");
    std::fs::write(&unknown, [0xffu8; 16]).unwrap();
    let e = stderr(&msc(&["import", unknown.to_str().unwrap()]));
    assert!(e.contains("--framework"), "{e}");
    let pb = dir.path().join("broken.pb");
    std::fs::write(&pb, [0xffu8; 16]).unwrap();
    let e = stderr(&msc(&["inspect", pb.to_str().unwrap()]));
    assert!(e.contains("not a valid TensorFlow GraphDef"), "{e}");
}
