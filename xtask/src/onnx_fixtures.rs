//! `cargo xtask onnx-fixtures`: checks the real-architecture fixture models end to end.
//!
//! `frontends/onnx/fixtures/generate.py` (run in the pinned venv of [`crate::python`], and only
//! again when it or the pins change) builds a ResNet-style CNN, a MobileNetV2-style CNN and a
//! BERT-style encoder with random weights and fixed seeds, and saves each with ONNX Runtime's
//! outputs on fixed random inputs into `target/onnx-fixtures/<name>/`, in the backend test layout.
//! Each fixture is then imported and run by the reference interpreter, compiled for this host and
//! run by the runtime, and compiled for aarch64 and run under qemu (see [`crate::arm64`]); every
//! run must match ONNX Runtime within [`TOLERANCE`] (and the aarch64 outputs the host's within
//! [`onnx_case::ARM64_VS_HOST`]). The largest absolute and relative errors of every output are
//! printed.

use crate::onnx_case::{self, Backend, Tolerance};
use crate::{process, python};
use std::fs;
use std::time::Instant;

/// The f32 tolerance against ONNX Runtime: both sides compute in f32 but in different orders
/// (ORT's convolutions and matmuls use blocked, vectorized sums), which perturbs the last few bits.
const TOLERANCE: Tolerance = Tolerance { rtol: 1e-4, atol: 1e-5 };

pub fn run(args: &[String]) -> Result<(), String> {
    process::no_arguments("onnx-fixtures", args)?;
    let data = process::data_dir("onnx-fixtures");
    python::venv()?.generate(&process::workspace_root().join("frontends/onnx/fixtures/generate.py"), &data)?;
    let mut names: Vec<String> = fs::read_dir(&data)
        .map_err(|err| format!("cannot list {}: {err}", data.display()))?
        .filter_map(|entry| entry.ok().filter(|e| e.path().join("model.onnx").exists()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no fixture models in {}", data.display()));
    }
    println!(
        "==> checking {} fixtures against ONNX Runtime (rtol {:e}, atol {:e})",
        names.len(),
        TOLERANCE.rtol,
        TOLERANCE.atol
    );
    let mut failed = Vec::new();
    for (name, backend) in names.iter().flat_map(|n| [Backend::Interp, Backend::Cpu, Backend::Arm64].map(|b| (n, b))) {
        let start = Instant::now();
        let label = format!("{name} ({})", backend.name());
        match onnx_case::run(&data.join(name), TOLERANCE, backend) {
            Ok(passed) => {
                println!("    {label}: ok in {:.2}s", start.elapsed().as_secs_f64());
                for e in passed.errors {
                    println!(
                        "        output '{}': max abs error {:.3e}, max rel error {:.3e}",
                        e.output, e.max_abs, e.max_rel
                    );
                }
            }
            Err(failure) => {
                println!("    {label}: FAILED in {:.2}s: {failure}", start.elapsed().as_secs_f64());
                failed.push(label);
            }
        }
    }
    if failed.is_empty() {
        println!("==> all {} fixtures match ONNX Runtime on every backend", names.len());
        Ok(())
    } else {
        Err(format!("{} fixture runs failed: {}", failed.len(), failed.join(", ")))
    }
}
