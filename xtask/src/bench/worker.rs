//! One round of a measurement, one process: every engine (msc, ONNX Runtime, tract, numpy) is timed in a fresh
//! subprocess, so the process's CPU time and peak RSS (`getrusage(RUSAGE_SELF)`) are that
//! engine's alone, and a crash fails one cell, not the run. msc runs in `cargo xtask bench-worker`
//! (this executable again), the peers in `xtask/bench/peers.py`; both print one JSON line.
//!
//! The timing loop is the same on both sides: `warmup` untimed runs (stopping early once they
//! took half the budget), then up to `iterations` timed runs, stopping early once at least
//! [`MIN_RUNS`] took longer than the budget, so a slow engine on a large model still finishes.

use super::json::{self, Value};
use crate::onnx_case::{read_tensors, to_runtime};
use crate::{process, python};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Fewer timed runs than this give no p90 worth printing.
pub const MIN_RUNS: usize = 3;

/// How many runs to time, and for how long at most.
#[derive(Clone, Copy, Debug)]
pub struct Loop {
    pub warmup: usize,
    pub iterations: usize,
    pub budget_s: f64,
}

impl Loop {
    fn args(self) -> [String; 3] {
        [self.warmup.to_string(), self.iterations.to_string(), self.budget_s.to_string()]
    }
}

/// What one measuring process reported, summarized.
#[derive(Clone, Debug)]
pub struct Measured {
    pub runs: usize,
    /// The fastest run: what the engine does when the machine lets it (a shared VM's medians move by 10-20%).
    pub best_ms: f64,
    pub median_ms: f64,
    pub p90_ms: f64,
    /// Process CPU time (all threads, user + system) per timed run.
    pub cpu_ms: f64,
    /// Peak resident set of the measuring process, in MiB.
    pub rss_mib: f64,
    /// Session creation / model load (msc: loading the `.ms` file).
    pub load_ms: f64,
    /// The largest output error against ONNX Runtime's reference outputs, relative to the
    /// largest reference magnitude (msc only, where the model has reference outputs).
    pub error: Option<f64>,
}

/// A measurement, or the first line of why it failed.
pub type Cell = Result<Measured, String>;

/// What one measuring process reported.
pub struct Round {
    samples_ms: Vec<f64>,
    /// Process CPU time over all of `samples_ms`.
    cpu_ms: f64,
    rss_mib: f64,
    load_ms: f64,
    error: Option<f64>,
}

impl Round {
    fn from_json(value: &Value) -> Result<Round, String> {
        let samples_ms = value.nums("samples_ms")?;
        if samples_ms.is_empty() {
            return Err("no timed runs".into());
        }
        Ok(Round {
            samples_ms,
            cpu_ms: value.num("cpu_ms")?,
            rss_mib: value.num("maxrss_kb")? / 1024.0,
            load_ms: value.num("load_ms")?,
            error: value.num("max_error").ok(),
        })
    }
}

impl Measured {
    /// One engine's rounds summarized: the timed runs of all rounds together, the CPU time over all of
    /// them, the highest peak RSS, the median load time and the largest output error.
    pub fn of(rounds: &[Round]) -> Cell {
        let mut samples: Vec<f64> = rounds.iter().flat_map(|r| r.samples_ms.iter().copied()).collect();
        if samples.is_empty() {
            return Err("no timed runs".into());
        }
        samples.sort_by(f64::total_cmp);
        let at = |sorted: &[f64], q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        let mut loads: Vec<f64> = rounds.iter().map(|r| r.load_ms).collect();
        loads.sort_by(f64::total_cmp);
        Ok(Measured {
            runs: samples.len(),
            best_ms: samples[0],
            median_ms: at(&samples, 0.5),
            p90_ms: at(&samples, 0.9),
            cpu_ms: rounds.iter().map(|r| r.cpu_ms).sum::<f64>() / samples.len() as f64,
            rss_mib: rounds.iter().map(|r| r.rss_mib).fold(0.0, f64::max),
            load_ms: at(&loads, 0.5),
            error: rounds.iter().filter_map(|r| r.error).reduce(f64::max),
        })
    }
}

/// Where an engine's inputs are: the model's `test_data_set_0` inputs (and reference outputs, as
/// `expected_<i>.npy`) written once as `.npy` files, which every engine reads.
pub fn prepare_inputs(model_dir: &Path, name: &str) -> Result<PathBuf, String> {
    let out = process::data_dir("bench").join("inputs").join(name);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let data = model_dir.join("test_data_set_0");
    for (prefix, stem) in [("input", "input"), ("output", "expected")] {
        for (i, tensor) in read_tensors(&data, prefix).map_err(|f| f.to_string())?.iter().enumerate() {
            let bytes = msc::npy::to_bytes(&to_runtime(tensor).map_err(|f| f.to_string())?)?;
            let path = out.join(format!("{stem}_{i}.npy"));
            std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    Ok(out)
}

/// Compiles `model_dir/model.onnx` to `out` in its own process; returns the compile time in ms.
pub fn msc_compile(model_dir: &Path, inputs: &Path, out: &Path) -> Result<f64, String> {
    let mut command = self_command();
    command.args(["compile".as_ref(), model_dir.join("model.onnx").as_os_str(), inputs.as_os_str(), out.as_os_str()]);
    json_of(command)?.num("compile_ms")
}

/// Times the `.ms` artefact `artefact` on `threads` threads in its own process.
pub fn msc_run(artefact: &Path, inputs: &Path, threads: usize, timing: Loop) -> Result<Round, String> {
    let mut command = self_command();
    command.args(["run".as_ref(), artefact.as_os_str(), inputs.as_os_str()]);
    command.arg(threads.to_string()).args(timing.args());
    Round::from_json(&json_of(command)?)
}

/// Times a peer of `xtask/bench/peers.py` (`onnxruntime`, `tract`, `numpy`) in its own process.
pub fn peer(
    venv: &python::Venv,
    engine: &str,
    model_dir: &Path,
    inputs: &Path,
    threads: usize,
    timing: Loop,
) -> Result<Round, String> {
    let mut command = peers_command(venv);
    command.args([engine.as_ref(), model_dir.as_os_str(), inputs.as_os_str()]);
    command.arg(threads.to_string()).args(timing.args());
    // numpy's BLAS: threads fixed before it starts; the kernel for the widest vectors the host has.
    command.env("OPENBLAS_NUM_THREADS", threads.to_string()).env("OPENBLAS_CORETYPE", openblas_coretype());
    Round::from_json(&json_of(command)?)
}

/// The versions of the peers (`peers.py versions`).
pub fn peer_versions(venv: &python::Venv) -> Result<Value, String> {
    let mut command = peers_command(venv);
    command.arg("versions").env("OPENBLAS_CORETYPE", openblas_coretype());
    json_of(command)
}

/// OpenBLAS's AVX-512 kernels (`SkylakeX`) where the host has AVX-512, else its AVX2 ones
/// (`Haswell`): forcing SkylakeX on a host without AVX-512 would die of an illegal instruction.
pub fn openblas_coretype() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        return "SkylakeX";
    }
    "Haswell"
}

fn self_command() -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap_or_else(|_| "xtask".into()));
    command.arg("bench-worker");
    command
}

fn peers_command(venv: &python::Venv) -> Command {
    let mut command = Command::new(venv.python());
    command.arg(process::workspace_root().join("xtask/bench/peers.py")).env("PYTHONDONTWRITEBYTECODE", "1");
    command
}

/// Runs a measuring process; its result is its last line of output, a JSON object. A failure is
/// the first line of what it printed on standard error (or how it died).
fn json_of(mut command: Command) -> Result<Value, String> {
    let output = command.output().map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(first_error_line(&String::from_utf8_lossy(&output.stderr))
            .unwrap_or_else(|| format!("exited with {}", output.status)));
    }
    json::parse(stdout.lines().last().unwrap_or_default())
}

/// The line of a failed process's standard error that says what went wrong: the first one, but
/// past a Python traceback's frames (indented) to its exception, with a Rust panic's message
/// joined to its location, and without xtask's `xtask: error: ` prefix.
fn first_error_line(stderr: &str) -> Option<String> {
    let mut lines =
        stderr.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("Traceback") && !l.starts_with(' '));
    let first = lines.next()?;
    let first = first.strip_prefix("xtask: error: ").unwrap_or(first);
    Some(match lines.next() {
        Some(message) if first.contains("panicked at") => format!("{first} {message}"),
        _ => first.to_string(),
    })
}

/// `cargo xtask bench-worker compile MODEL INPUTS OUT.ms` or
/// `bench-worker run OUT.ms INPUTS THREADS WARMUP ITERATIONS BUDGET_S`: the msc side of one
/// measurement, printing one JSON line.
pub fn run(args: &[String]) -> Result<(), String> {
    let usage =
        "`bench-worker` takes `compile MODEL INPUTS OUT.ms` or `run OUT.ms INPUTS THREADS WARMUP ITERATIONS BUDGET_S`";
    let number = |s: &String| s.parse::<f64>().map_err(|_| format!("`{s}` is not a number"));
    match args {
        [mode, model, inputs, out] if mode == "compile" => {
            let compile_ms = compile(Path::new(model), &read_npys(Path::new(inputs), "input")?, Path::new(out))?;
            println!("{}", Value::Obj(vec![("compile_ms".into(), Value::Num(compile_ms))]));
            Ok(())
        }
        [mode, artefact, inputs, threads, warmup, iterations, budget] if mode == "run" => {
            let timing = Loop {
                warmup: number(warmup)? as usize,
                iterations: number(iterations)? as usize,
                budget_s: number(budget)?,
            };
            println!("{}", time_artefact(Path::new(artefact), Path::new(inputs), number(threads)? as usize, timing)?);
            Ok(())
        }
        _ => Err(usage.into()),
    }
}

fn compile(model: &Path, inputs: &[msc::Tensor], out: &Path) -> Result<f64, String> {
    // Batch and sequence dims may be symbolic: compile for the shapes of the inputs.
    let names =
        msc::formats::import(model, msc::formats::Framework::Onnx, vec![], &[]).map_err(|e| e.to_string())?.input_names;
    let input_shapes =
        names.into_iter().zip(inputs).map(|(n, t)| (n, t.shape().iter().map(|&d| d as i64).collect())).collect();
    let options = msc::compile::CompileOptions { input_shapes, ..Default::default() };
    let start = Instant::now();
    let compiled = msc::compile::compile_file(model, &options, &mut |_| {}).map_err(|e| e.to_string())?;
    std::fs::write(out, compiled.artefact.to_bytes()).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(start.elapsed().as_secs_f64() * 1e3)
}

fn time_artefact(artefact: &Path, inputs: &Path, threads: usize, timing: Loop) -> Result<Value, String> {
    let tensors = read_npys(inputs, "input")?;
    let start = Instant::now();
    let session = msc::Session::builder()
        .threads(threads)
        .trust(msc::Trust::TrustedProducer) // compiled by this benchmark, just now
        .commit_from_file(artefact)
        .map_err(|e| e.to_string())?;
    let load_ms = start.elapsed().as_secs_f64() * 1e3;
    let named: Vec<(&str, &msc::Tensor)> = session.inputs().iter().map(|i| i.name.as_str()).zip(&tensors).collect();
    let outputs = session.run(&named).map_err(|e| e.to_string())?;
    let expected = read_npys(inputs, "expected")?;
    let error = (!expected.is_empty()).then(|| max_error(outputs.iter().map(|(_, t)| t), &expected));
    let (samples, cpu_ms) = timed(timing, || session.run(&named).map(drop).map_err(|e| e.to_string()))?;
    let mut result = vec![
        ("load_ms".into(), Value::Num(load_ms)),
        ("samples_ms".into(), Value::Arr(samples.into_iter().map(Value::Num).collect())),
        ("cpu_ms".into(), Value::Num(cpu_ms)),
        ("maxrss_kb".into(), Value::Num(rusage().1)),
    ];
    if let Some(error) = error {
        result.push(("max_error".into(), Value::Num(error)));
    }
    Ok(Value::Obj(result))
}

/// The largest absolute difference over all float outputs, relative to the largest reference
/// magnitude; infinite when shapes differ or an output is missing.
fn max_error<'a>(actual: impl Iterator<Item = &'a msc::Tensor>, expected: &[msc::Tensor]) -> f64 {
    let actual: Vec<&msc::Tensor> = actual.collect();
    if actual.len() != expected.len() {
        return f64::INFINITY;
    }
    let (mut diff, mut scale) = (0f64, f64::MIN_POSITIVE);
    for (a, e) in actual.iter().zip(expected) {
        let (Some(av), Some(ev)) = (a.to_f32_vec(), e.to_f32_vec()) else { continue };
        if a.shape() != e.shape() {
            return f64::INFINITY;
        }
        for (x, y) in av.iter().zip(&ev) {
            diff = diff.max(f64::from((x - y).abs()));
            scale = scale.max(f64::from(y.abs()));
        }
    }
    if diff.is_nan() { f64::INFINITY } else { diff / scale }
}

/// `<stem>_0.npy`, `<stem>_1.npy`, ... in `dir`, up to the first missing one.
fn read_npys(dir: &Path, stem: &str) -> Result<Vec<msc::Tensor>, String> {
    let mut tensors = Vec::new();
    for i in 0.. {
        let path = dir.join(format!("{stem}_{i}.npy"));
        if !path.exists() {
            break;
        }
        tensors.extend(msc::npy::read_file(&path)?.into_iter().map(|(_, t)| t));
    }
    Ok(tensors)
}

/// The timing loop of the module doc: the timed runs' latencies and the CPU time they took, in ms.
fn timed(timing: Loop, mut run: impl FnMut() -> Result<(), String>) -> Result<(Vec<f64>, f64), String> {
    let start = Instant::now();
    for _ in 0..timing.warmup {
        run()?;
        if start.elapsed().as_secs_f64() > timing.budget_s / 2.0 {
            break;
        }
    }
    let (cpu_start, _) = rusage();
    let start = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < timing.iterations.max(1) {
        let run_start = Instant::now();
        run()?;
        samples.push(run_start.elapsed().as_secs_f64() * 1e3);
        if samples.len() >= MIN_RUNS && start.elapsed().as_secs_f64() > timing.budget_s {
            break;
        }
    }
    Ok((samples, rusage().0 - cpu_start))
}

/// This process's CPU time so far (all threads, user + system, ms) and peak RSS (KiB).
fn rusage() -> (f64, f64) {
    #[repr(C)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }
    /// Linux's `struct rusage` on 64-bit targets: two timevals, then 14 longs.
    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        maxrss: i64,
        rest: [i64; 13],
    }
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_SELF: i32 = 0;
    let mut usage =
        Rusage { utime: Timeval { sec: 0, usec: 0 }, stime: Timeval { sec: 0, usec: 0 }, maxrss: 0, rest: [0; 13] };
    // SAFETY: `usage` is a valid, writable `struct rusage` for the duration of the call.
    if unsafe { getrusage(RUSAGE_SELF, &mut usage) } != 0 {
        return (f64::NAN, f64::NAN);
    }
    let ms = |t: &Timeval| t.sec as f64 * 1e3 + t.usec as f64 / 1e3;
    (ms(&usage.utime) + ms(&usage.stime), usage.maxrss as f64)
}

#[cfg(test)]
mod tests {
    use super::first_error_line;

    #[test]
    fn error_lines() {
        let python = "Traceback (most recent call last):\n  File \"x.py\", line 1\n    main()\nTractError: Failed analyse\n\nCaused by:\n";
        assert_eq!(first_error_line(python).unwrap(), "TractError: Failed analyse");
        let panic = "\nthread 'main' panicked at a.rs:1:2:\nindex out of bounds\nnote: run with RUST_BACKTRACE=1\n";
        assert_eq!(first_error_line(panic).unwrap(), "thread 'main' panicked at a.rs:1:2: index out of bounds");
        assert_eq!(first_error_line("xtask: error: compile: unsupported op\n").unwrap(), "compile: unsupported op");
        assert_eq!(first_error_line(""), None);
    }
}
