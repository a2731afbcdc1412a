//! The committed MindSpore fixtures (`fixtures/generate.py`): each exported MindIR model is
//! imported, run by the reference interpreter on the committed inputs, and compared with
//! MindSpore's own outputs within `|actual - expected| <= ATOL + RTOL * |expected|` (f32: both
//! sides compute in f32 but sum in different orders).

use msc_frontend::npy::read_npy;
use msc_mindir::{ImportOptions, import_file};
use msc_nn_kernels::Tensor;
use std::path::{Path, PathBuf};

const RTOL: f64 = 1e-4;
const ATOL: f64 = 1e-5;

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// Largest absolute error; panics naming the element when outside the tolerance.
fn compare(name: &str, actual: &Tensor, expected: &Tensor) -> f64 {
    assert_eq!(actual.shape(), expected.shape(), "{name}: shape");
    let (a, e) = (actual.to_f64(), expected.to_f64());
    let mut worst = 0f64;
    for (i, (x, y)) in a.iter().zip(&e).enumerate() {
        let err = (x - y).abs();
        assert!(err <= ATOL + RTOL * y.abs(), "{name}: element {i}: msc {x}, MindSpore {y} (error {err:e})");
        worst = worst.max(err);
    }
    worst
}

/// Imports `<name>/<file>`, runs it on `input_<i>.npy` and compares with `output_<i>.npy`.
fn check_file(name: &str, file: &str) {
    let dir = fixture_dir(name);
    let imported = import_file(&dir.join(file), &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let inputs: Vec<Tensor> = (0..imported.input_names.len())
        .map(|i| read_npy(&dir.join(format!("input_{i}.npy"))).expect("input"))
        .collect();
    let actual = msc_nn::interp::run_function(&imported.ctx, imported.func, &inputs)
        .unwrap_or_else(|e| panic!("{name}: run failed: {e}"));
    let expected: Vec<Tensor> = (0..)
        .map(|i| dir.join(format!("output_{i}.npy")))
        .take_while(|p| p.exists())
        .map(|p| read_npy(&p).expect("output"))
        .collect();
    assert_eq!(actual.len(), expected.len(), "{name}: output count");
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        let worst = compare(name, a, e);
        println!("{name}: output {i}: max abs error {worst:e}");
    }
}

#[test]
fn lenet5_matches_mindspore() {
    check("lenet5");
}

#[test]
fn resnet_matches_mindspore() {
    check("resnet");
}

#[test]
fn transformer_block_matches_mindspore() {
    check("transformer_block");
}

fn check(name: &str) {
    check_file(name, "model.mindir");
}

#[test]
fn ops_mix_matches_mindspore() {
    check("ops_mix");
}

#[test]
fn external_weights_are_read_from_the_model_directory() {
    check_file("resnet_external", "model_graph.mindir");
}

#[test]
fn function_graphs_are_inlined() {
    check("subgraph");
    let imported = import_file(&fixture_dir("subgraph").join("model.mindir"), &ImportOptions::default()).unwrap();
    let ops: Vec<String> = msc_ir::printer::print_op(&imported.ctx, imported.module, &Default::default())
        .lines()
        .filter(|l| l.contains("func.call"))
        .map(String::from)
        .collect();
    assert!(ops.is_empty(), "calls left: {ops:?}");
}
