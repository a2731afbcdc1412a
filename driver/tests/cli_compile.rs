//! `msc compile`, `msc run`, `msc bench` and `msc inspect` on a tiny ONNX model (`out = relu(x + w)`).

mod common;

use common::{msc, stdout, write_model};

#[test]
fn compile_writes_an_artefact_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), vec![]);
    let ms = dir.path().join("tiny.ms");
    let text =
        stdout(&msc(&["compile", model.to_str().unwrap(), "-o", ms.to_str().unwrap(), "--input-shape", "x=2x20"]));
    for field in ["ops", "kernels", "arena", "weights", "code", "time"] {
        assert!(text.contains(field), "no `{field}` in the summary:\n{text}");
    }
    assert!(std::fs::read(&ms).unwrap().starts_with(&msc::runtime::MAGIC));
}

#[test]
fn inspect_summarizes_an_artefact_and_rejects_a_truncated_one() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), vec![]);
    let ms = dir.path().join("tiny.ms");
    stdout(&msc(&["compile", model.to_str().unwrap(), "-o", ms.to_str().unwrap(), "--input-shape", "x=2x20"]));
    let text = stdout(&msc(&["inspect", ms.to_str().unwrap()]));
    for expected in ["msc artefact", "x: f32 [2x20]", "weights: 80 bytes", "lowered IR: not embedded", "steps: 1"] {
        assert!(text.contains(expected), "missing '{expected}' in:\n{text}");
    }
    let truncated = dir.path().join("truncated.ms");
    let bytes = std::fs::read(&ms).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let failed = msc(&["inspect", truncated.to_str().unwrap()]);
    assert!(!failed.status.success());
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(err.contains("truncated.ms") && err.contains("truncated"), "{err}");
}

#[test]
fn compile_for_arm64_names_the_target_and_refuses_to_run_here() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), vec![]);
    let ms = dir.path().join("tiny-arm64.ms");
    let object = dir.path().join("tiny.o");
    let text = stdout(&msc(&[
        "compile",
        model.to_str().unwrap(),
        "-o",
        ms.to_str().unwrap(),
        "--target",
        "arm64",
        "--input-shape",
        "x=2x20",
        "--emit-object",
        object.to_str().unwrap(),
    ]));
    assert!(text.contains("aarch64-unknown-linux-gnu"), "{text}");
    assert!(std::fs::read(&object).unwrap().starts_with(b"\x7fELF"));
    let run = msc(&["run", ms.to_str().unwrap()]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("built for aarch64-unknown-linux-gnu"), "{err}");
}

#[test]
fn run_reads_npy_inputs_and_writes_npy_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), vec![]);
    let x: Vec<f32> = (0..40).map(|i| i as f32 - 20.0).collect();
    let tensor = msc::Tensor::from_slice(&[2, 20], &x).unwrap();
    let npy = dir.path().join("x.npy");
    std::fs::write(&npy, msc::npy::to_bytes(&tensor).unwrap()).unwrap();
    let out_dir = dir.path().join("out");
    let text = stdout(&msc(&[
        "run",
        model.to_str().unwrap(),
        "--input-shape",
        "x=2x20",
        "--input",
        &format!("x={}", npy.display()),
        "--output-dir",
        out_dir.to_str().unwrap(),
    ]));
    assert!(text.starts_with("out: f32[2, 20]"), "{text}");
    let saved = msc::npy::read_file(&out_dir.join("out.npy")).unwrap();
    let expected: Vec<f32> = x.iter().enumerate().map(|(i, v)| (v + (i % 20) as f32 - 10.0).max(0.0)).collect();
    assert_eq!(saved[0].1.to_vec::<f32>().unwrap(), expected);
}

#[test]
fn bench_reports_latency_and_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), vec![]);
    let trace = dir.path().join("trace.json");
    let text = stdout(&msc(&[
        "bench",
        model.to_str().unwrap(),
        "--input-shape",
        "x=8x20",
        "--iterations",
        "5",
        "--warmup",
        "1",
        "--profile",
        "--trace",
        trace.to_str().unwrap(),
    ]));
    assert!(text.contains("median"), "{text}");
    // The optimizer fuses add + relu into one kernel, profiled under both source names.
    assert!(text.contains("by op type") && text.contains("nn.fused_elementwise"), "{text}");
    let json = std::fs::read_to_string(&trace).unwrap();
    assert!(json.contains("\"traceEvents\"") && json.contains("onnx:add_0"), "{json}");
    let json =
        stdout(&msc(&["bench", model.to_str().unwrap(), "--input-shape", "x=8x20", "--iterations", "3", "--json"]));
    assert!(json.trim_start().starts_with('{') && json.contains("\"median_ms\""), "{json}");
}
