//! `msc bench`: latency statistics over many runs and, with `--profile`, where the time goes per
//! op (by node name and by op type) plus a Chrome trace.

use clap::Args;
use msc::runtime::{StepTiming, Tensor};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Args)]
#[command(
    about = "Measure a model's latency (and, with --profile, per-op time)",
    after_help = "Examples:\n  \
        msc bench model.ms --threads 2 --warmup 10 --iterations 100\n  \
        msc bench model.onnx --profile --trace trace.json   # open in chrome://tracing or Perfetto\n  \
        msc bench model.ms --json"
)]
pub struct BenchArgs {
    /// The model: a `.ms` artefact or a model file (compiled in process for this machine).
    model: PathBuf,
    /// Threads for intra-op parallelism.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Untimed runs first.
    #[arg(long, default_value_t = 5)]
    warmup: usize,
    /// Timed runs.
    #[arg(long, default_value_t = 50)]
    iterations: usize,
    /// Time every step: per-op tables and a Chrome trace.
    #[arg(long)]
    profile: bool,
    /// Where `--profile` writes the Chrome trace.
    #[arg(long, default_value = "msc-trace.json")]
    trace: PathBuf,
    /// Print the statistics as JSON.
    #[arg(long)]
    json: bool,
    /// Fix an input's shape before compiling a model file (repeatable).
    #[arg(long, value_name = "NAME=SHAPE", value_parser = super::parse_input_shape)]
    input_shape: Vec<(String, Vec<i64>)>,
    /// Freeze an input to the array in a `.npy` file, e.g. `shape=shape.npy` (repeatable): it becomes a
    /// constant, so the shapes it decides are static, and is no longer an input.
    #[arg(long, value_name = "NAME=FILE", value_parser = super::parse_frozen_input)]
    freeze_input: Vec<(String, msc_nn_kernels::Tensor)>,
}

/// Latency statistics in milliseconds.
struct Stats {
    min: f64,
    median: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

impl Stats {
    fn of(samples: &[Duration]) -> Stats {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
        Stats {
            min: ms[0],
            median: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            max: ms[ms.len() - 1],
            mean: ms.iter().sum::<f64>() / ms.len() as f64,
        }
    }
}

pub fn run(args: BenchArgs) -> Result<ExitCode, String> {
    if args.iterations == 0 {
        return Err("error: --iterations must be at least 1".into());
    }
    let load_start = Instant::now();
    let session = super::open_session(&args.model, args.threads, &args.input_shape, &args.freeze_input)?;
    let load_time = load_start.elapsed();
    let inputs = super::random_inputs(session.inputs(), 0)?;
    let named: Vec<(&str, &Tensor)> = inputs.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let error = |e: msc::Error| format!("error: {e}");
    for _ in 0..args.warmup {
        session.run(&named).map_err(error)?;
    }
    let mut samples = Vec::with_capacity(args.iterations);
    let mut profiles: Vec<Vec<StepTiming>> = Vec::new();
    for _ in 0..args.iterations {
        let start = Instant::now();
        if args.profile {
            profiles.push(session.run_profiled(&named).map_err(error)?.1);
        } else {
            session.run(&named).map_err(error)?;
        }
        samples.push(start.elapsed());
    }
    let stats = Stats::of(&samples);
    if args.json {
        println!(
            "{{\"model\": {:?}, \"threads\": {}, \"iterations\": {}, \"load_ms\": {:.3}, \"min_ms\": {:.4}, \"median_ms\": {:.4}, \"p90_ms\": {:.4}, \"p99_ms\": {:.4}, \"max_ms\": {:.4}, \"mean_ms\": {:.4}}}",
            args.model.display().to_string(),
            args.threads,
            args.iterations,
            load_time.as_secs_f64() * 1e3,
            stats.min,
            stats.median,
            stats.p90,
            stats.p99,
            stats.max,
            stats.mean
        );
    } else {
        println!(
            "{}: {} iterations, {} thread(s), load {}",
            args.model.display(),
            args.iterations,
            args.threads,
            super::compile::duration(load_time)
        );
        println!(
            "  latency ms  min {:.3}  median {:.3}  p90 {:.3}  p99 {:.3}  max {:.3}",
            stats.min, stats.median, stats.p90, stats.p99, stats.max
        );
    }
    if args.profile {
        let steps = session.model().steps();
        let names: Vec<(String, String)> = steps.map(|s| (s.name.to_string(), s.op_type.to_string())).collect();
        print!("{}", profile_tables(&names, &profiles));
        std::fs::write(&args.trace, chrome_trace(&names, &profiles))
            .map_err(|e| format!("error: cannot write {}: {e}", args.trace.display()))?;
        println!("  chrome trace: {}", args.trace.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Per-op time tables, by node name (top 25) and by op type, averaged over the profiled runs.
fn profile_tables(steps: &[(String, String)], profiles: &[Vec<StepTiming>]) -> String {
    let runs = profiles.len().max(1) as f64;
    let mut by_name: HashMap<&str, (f64, usize)> = HashMap::new();
    let mut by_type: HashMap<&str, (f64, usize)> = HashMap::new();
    let mut total = 0.0;
    for run in profiles {
        for t in run {
            let (name, op_type) = &steps[t.step];
            let ms = t.duration_ns as f64 / 1e6;
            total += ms;
            let e = by_name.entry(name).or_default();
            e.0 += ms;
            e.1 += 1;
            let e = by_type.entry(op_type).or_default();
            e.0 += ms;
            e.1 += 1;
        }
    }
    let table = |title: &str, rows: HashMap<&str, (f64, usize)>, limit: usize| {
        let mut rows: Vec<_> = rows.into_iter().collect();
        rows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.0.cmp(b.0)));
        let mut out = format!("\n  {title:<40} {:>10} {:>7} {:>7}\n", "ms/run", "%", "calls");
        for (name, (ms, calls)) in rows.iter().take(limit) {
            let pct = if total > 0.0 { 100.0 * ms / total } else { 0.0 };
            out += &format!("  {name:<40} {:>10.4} {pct:>6.1}% {:>7}\n", ms / runs, (*calls as f64 / runs) as usize);
        }
        if rows.len() > limit {
            out += &format!("  ... {} more\n", rows.len() - limit);
        }
        out
    };
    table("by op type", by_type, usize::MAX) + &table("by node (top 25)", by_name, 25)
}

/// The profiled runs as Chrome trace events (one complete event per step, runs one after another).
fn chrome_trace(steps: &[(String, String)], profiles: &[Vec<StepTiming>]) -> String {
    let mut events = Vec::new();
    let mut origin_us = 0.0;
    for (run, timings) in profiles.iter().enumerate() {
        let mut end_us: f64 = 0.0;
        for t in timings {
            let (name, op_type) = &steps[t.step];
            let ts = origin_us + t.start_ns as f64 / 1e3;
            let dur = t.duration_ns as f64 / 1e3;
            end_us = end_us.max(t.start_ns as f64 / 1e3 + dur);
            events.push(format!(
                "{{\"name\": {name:?}, \"cat\": {op_type:?}, \"ph\": \"X\", \"ts\": {ts:.3}, \"dur\": {dur:.3}, \"pid\": 1, \"tid\": 1, \"args\": {{\"run\": {run}, \"step\": {}}}}}",
                t.step
            ));
        }
        origin_us += end_us + 10.0;
    }
    format!("{{\"traceEvents\": [\n{}\n]}}\n", events.join(",\n"))
}
