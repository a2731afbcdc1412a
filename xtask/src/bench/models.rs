//! The model latency table: batch-1 latency of the real-architecture models of
//! `xtask/bench/models.py` and of the test fixtures (`frontends/onnx/fixtures/generate.py`,
//! named `fixture-<name>`), through msc, ONNX Runtime and tract (single-threaded).

use super::{Options, PeerThreads, Row, TRACT};
use crate::{process, python};
use std::path::PathBuf;

/// The models of `xtask/bench/models.py`, in table order.
const BENCH: &[&str] = &["resnet50", "mobilenetv2", "bert_base", "detection"];

/// The fixtures of `frontends/onnx/fixtures/generate.py`.
const FIXTURES: &[&str] = &["resnet", "mobilenetv2", "bert"];

const FIXTURE_PREFIX: &str = "fixture-";

/// Where `models.py` writes its models.
pub fn bench_dir() -> PathBuf {
    process::data_dir("bench").join("models")
}

/// Every model the table can hold, in table order.
pub fn names() -> Vec<String> {
    let fixtures = FIXTURES.iter().map(|f| format!("{FIXTURE_PREFIX}{f}"));
    BENCH.iter().map(|m| m.to_string()).chain(fixtures).collect()
}

pub fn is_fixture(name: &str) -> bool {
    name.starts_with(FIXTURE_PREFIX)
}

fn dir(name: &str) -> PathBuf {
    match name.strip_prefix(FIXTURE_PREFIX) {
        Some(fixture) => process::data_dir("onnx-fixtures").join(fixture),
        None => bench_dir().join(name),
    }
}

pub fn run(options: &Options, venv: &python::Venv) -> Vec<Row> {
    println!("==> model latency: {}", options.models.join(", "));
    let tract = [(TRACT, "tract", PeerThreads::Single)];
    options.models.iter().flat_map(|name| super::measure(name, &dir(name), options, venv, &tract)).collect()
}
