//! A summary of a compiled `.ms` artefact for `msc inspect`: who made it for which target, its signature,
//! its sizes and its steps by op type, read with the runtime's checked decoder (no trust decision needed).

use msc_runtime::{Artefact, TensorInfo};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The summary of the artefact in `path`, or why it cannot be read.
pub fn summarize(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let artefact = Artefact::read(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(summary(&artefact, bytes.len()))
}

fn summary(artefact: &Artefact, file_len: usize) -> String {
    let plan = &artefact.plan;
    let mut out = format!("msc artefact, {}\n", size(file_len as u64));
    let _ = writeln!(out, "producer: {}", artefact.producer);
    let features = if artefact.cpu_features.is_empty() { "none".into() } else { artefact.cpu_features.join(", ") };
    let _ = writeln!(out, "target: {} (CPU features it needs: {features})", artefact.target);
    for (title, tensors) in [("inputs", &artefact.manifest.inputs), ("outputs", &artefact.manifest.outputs)] {
        let _ = writeln!(out, "{title}:");
        for tensor in tensors {
            let _ = writeln!(out, "  {}", signature(tensor));
        }
    }
    let _ = writeln!(out, "weights: {}", size(artefact.weights.len() as u64));
    let _ = writeln!(out, "code: {} in {} kernels", size(artefact.code.len() as u64), plan.kernels.len());
    let _ = writeln!(out, "arena: {} per run", size(plan.arena_size));
    let ir = if artefact.ir.is_some() { "embedded (`msc compile --embed-ir`)" } else { "not embedded" };
    let _ = writeln!(out, "lowered IR: {ir}");
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for step in &plan.steps {
        *by_type.entry(&step.op_type).or_default() += 1;
    }
    let _ = writeln!(out, "steps: {}", plan.steps.len());
    let mut counts: Vec<(&str, usize)> = by_type.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (op_type, count) in counts {
        let _ = writeln!(out, "  {count:>5}  {op_type}");
    }
    out
}

/// `name: f32 [1x3x224x224]`.
fn signature(tensor: &TensorInfo) -> String {
    let dims: Vec<String> = tensor.shape.iter().map(u64::to_string).collect();
    format!("{}: {} [{}]", tensor.name, tensor.dtype.name(), dims.join("x"))
}

/// A byte count in the largest binary unit that keeps it at least 1.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} bytes") } else { format!("{value:.1} {}", UNITS[unit]) }
}
