//! The committed Keras fixtures (`fixtures/generate.py`): each frozen graph is imported, run by
//! the reference interpreter on the committed inputs, and compared with TensorFlow's own outputs
//! within `|actual - expected| <= ATOL + RTOL * |expected|` (f32: both sides compute in f32 but sum
//! in different orders).

use msc_frontend::npy::read_npy;
use msc_nn_kernels::Tensor;
use msc_tf::{ImportOptions, import_file};
use std::path::{Path, PathBuf};

const RTOL: f64 = 1e-4;
const ATOL: f64 = 1e-5;

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// The `inputs:` and `outputs:` lines of `signature.txt`.
fn signature(dir: &Path) -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(dir.join("signature.txt")).expect("signature.txt");
    let line = |key: &str| -> Vec<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|rest| rest.split_whitespace().map(String::from).collect())
            .unwrap_or_default()
    };
    (line("inputs:"), line("outputs:"))
}

/// Largest absolute error; panics naming the element when outside the tolerance.
fn compare(name: &str, actual: &Tensor, expected: &Tensor) -> f64 {
    assert_eq!(actual.shape(), expected.shape(), "{name}: shape");
    let (a, e) = (actual.to_f64(), expected.to_f64());
    let mut worst = 0f64;
    for (i, (x, y)) in a.iter().zip(&e).enumerate() {
        let err = (x - y).abs();
        assert!(err <= ATOL + RTOL * y.abs(), "{name}: element {i}: msc {x}, TensorFlow {y} (error {err:e})");
        worst = worst.max(err);
    }
    worst
}

fn check(name: &str) {
    let dir = fixture_dir(name);
    let (inputs, outputs) = signature(&dir);
    let options = ImportOptions { outputs: outputs.clone(), ..Default::default() };
    let imported = import_file(&dir.join("model.pb"), &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(imported.input_names, inputs, "{name}: inputs");
    assert_eq!(imported.output_names, outputs, "{name}: outputs");
    let tensors: Vec<Tensor> =
        (0..inputs.len()).map(|i| read_npy(&dir.join(format!("input_{i}.npy"))).expect("input")).collect();
    let actual = msc_nn::interp::run_function(&imported.ctx, imported.func, &tensors)
        .unwrap_or_else(|e| panic!("{name}: run failed: {e}"));
    assert_eq!(actual.len(), outputs.len());
    for (i, a) in actual.iter().enumerate() {
        let expected = read_npy(&dir.join(format!("output_{i}.npy"))).expect("output");
        let worst = compare(name, a, &expected);
        println!("{name}: output {i}: max abs error {worst:e}");
    }
}

#[test]
fn mobilenet_v2_matches_tensorflow() {
    check("mobilenet_v2");
}

#[test]
fn resnet_matches_tensorflow() {
    check("resnet");
}

#[test]
fn transformer_encoder_matches_tensorflow() {
    check("transformer_encoder");
}

#[test]
fn unet_ops_matches_tensorflow() {
    check("unet_ops");
}

#[test]
fn default_outputs_are_the_graph_sinks() {
    let imported = import_file(&fixture_dir("resnet").join("model.pb"), &ImportOptions::default()).unwrap();
    assert_eq!(imported.output_names, vec!["Identity:0"]);
}

#[test]
fn raw_ops_match_tensorflow() {
    check("raw_ops");
}
