//! `cargo xtask bench [--threads 1,2] [--warmup W] [--iterations K]`: batch-1 latency of the
//! fixture models through msc (compiled for this host, run by the runtime), ONNX Runtime (all
//! graph optimizations) and tract, side by side in one run, on the same inputs (each fixture's
//! `test_data_set_0`) and thread counts, after the same warm-up. Prints a markdown table of
//! medians and ratios and writes it to `target/bench/report.md`.
//!
//! The peers run from `xtask/bench/peers.py` in a benchmark venv (`target/bench-venv`: the test
//! pins plus `tract`). tract has no intra-op threads: its column is single-threaded at every
//! thread count, and the table says so.

use crate::onnx_case::{read_tensors, to_runtime};
use crate::{process, python};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

struct Options {
    threads: Vec<usize>,
    warmup: usize,
    iterations: usize,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options { threads: vec![1, 2], warmup: 5, iterations: 30 };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("`{arg}` needs a value"));
        let number = |s: &str| s.parse::<usize>().map_err(|_| format!("`{s}` is not a count"));
        match arg.as_str() {
            "--threads" => options.threads = value()?.split(',').map(number).collect::<Result<_, _>>()?,
            "--warmup" => options.warmup = number(value()?)?,
            "--iterations" => options.iterations = number(value()?)?.max(1),
            other => return Err(format!("`bench` takes [--threads 1,2] [--warmup W] [--iterations K], got `{other}`")),
        }
    }
    Ok(options)
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Median latency (ms) and load time of one peer, from one JSON line of `peers.py`.
fn peer_result(line: &str) -> Option<(String, f64, f64)> {
    let field = |key: &str| line.split(&format!("\"{key}\": ")).nth(1);
    let name = field("peer")?.split('"').nth(1)?.to_string();
    let load = field("load_ms")?.split([',', '}']).next()?.trim().parse().ok()?;
    let list = field("samples_ms")?.split('[').nth(1)?.split(']').next()?;
    let mut samples: Vec<f64> = list.split(',').filter_map(|s| s.trim().parse().ok()).collect();
    if samples.is_empty() {
        return None;
    }
    Some((name, median(&mut samples), load))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let data = process::data_dir("onnx-fixtures");
    python::venv()?.generate(&process::workspace_root().join("frontends/onnx/fixtures/generate.py"), &data)?;
    let venv = python::bench_venv()?;
    let script = process::workspace_root().join("xtask/bench/peers.py");
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .map_err(|e| format!("cannot list {}: {e}", data.display()))?
        .filter_map(|e| e.ok().filter(|e| e.path().join("model.onnx").exists()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mut table = format!(
        "Batch-1 latency, median of {} runs after {} warm-up runs ({cpu}, {} logical CPUs).\n\
         Ratio = msc / peer (below 1: msc is faster). tract runs single-threaded at every thread count.\n\n\
         | model | threads | msc ms | ONNX Runtime ms | tract ms | msc / ORT | msc / tract | msc compile+load ms | ORT session ms |\n\
         |---|---|---|---|---|---|---|---|---|\n",
        options.iterations,
        options.warmup,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for name in &names {
        let dir = data.join(name);
        let inputs = read_tensors(&dir.join("test_data_set_0"), "input").map_err(|f| f.to_string())?;
        let inputs: Vec<msc::runtime::Tensor> =
            inputs.iter().map(to_runtime).collect::<Result<_, _>>().map_err(|f| f.to_string())?;
        // The fixtures' batch dim is symbolic: compile for the shapes of the inputs.
        let model_path = dir.join("model.onnx");
        let imported = msc::formats::import(&model_path, msc::formats::Framework::Onnx, vec![])
            .map_err(|e| format!("{name}: {e}"))?;
        for &threads in &options.threads {
            let start = Instant::now();
            let mut builder = msc::Session::builder().threads(threads);
            for (input, tensor) in imported.input_names.iter().zip(&inputs) {
                let shape: Vec<i64> = tensor.shape().iter().map(|&d| d as i64).collect();
                builder = builder.input_shape(input, &shape);
            }
            let session = builder.commit_from_file(&model_path).map_err(|e| format!("{name}: {e}"))?;
            let msc_load = start.elapsed();
            let named: Vec<(&str, &msc::runtime::Tensor)> =
                session.inputs().iter().map(|i| i.name.as_str()).zip(&inputs).collect();
            let mut samples = Vec::new();
            for i in 0..options.warmup + options.iterations {
                let start = Instant::now();
                session.run(&named).map_err(|e| format!("{name}: {e}"))?;
                if i >= options.warmup {
                    samples.push(start.elapsed().as_secs_f64() * 1e3);
                }
            }
            let msc_ms = median(&mut samples);
            let output = std::process::Command::new(venv.python())
                .arg(&script)
                .arg(&dir)
                .args([threads, options.warmup, options.iterations].map(|n| n.to_string()))
                .output()
                .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
            if !output.status.success() {
                return Err(format!("{}: {}", script.display(), String::from_utf8_lossy(&output.stderr)));
            }
            let peers: Vec<(String, f64, f64)> =
                String::from_utf8_lossy(&output.stdout).lines().filter_map(peer_result).collect();
            let get = |peer: &str| peers.iter().find(|p| p.0 == peer).map(|p| (p.1, p.2));
            let (ort, ort_load) = get("onnxruntime").ok_or("peers.py printed no ONNX Runtime result")?;
            let (tract, _) = get("tract").ok_or("peers.py printed no tract result")?;
            let row = format!(
                "| {name} | {threads} | {msc_ms:.3} | {ort:.3} | {tract:.3} | {:.2} | {:.2} | {:.0} | {ort_load:.0} |\n",
                msc_ms / ort,
                msc_ms / tract,
                ms(msc_load)
            );
            print!("{row}");
            table += &row;
        }
    }
    let out = process::data_dir("bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let path = out.join("report.md");
    let mut report = String::new();
    let _ = writeln!(report, "{table}");
    std::fs::write(&path, report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\n{table}\n==> wrote {}", path.display());
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
