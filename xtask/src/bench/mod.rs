//! `cargo xtask bench`: msc against ONNX Runtime (all graph optimizations), tract and numpy's
//! OpenBLAS, side by side in one run, on the same inputs and thread counts: a GEMM table (GFLOP/s
//! and % of an FMA peak measured on the spot, [`gemm`], [`peak`]) and a batch-1 model latency
//! table (real-architecture models and the test fixtures, [`models`]). Every measurement runs in
//! its own process ([`worker`]); the report ([`report`]) goes to `target/bench/report.md` and,
//! with `--json PATH`, to a JSON file.
//!
//! A cell msc cannot compile or run says `fails: <first line of the error>`; the run goes on.

mod gemm;
mod json;
mod models;
mod peak;
mod report;
mod worker;

pub use worker::run as run_worker;

use crate::{process, python};
use std::path::{Path, PathBuf};
use worker::{Cell, Loop, Measured, Round};

const USAGE: &str = "`bench` takes [--models a,b] [--threads 1,2] [--gemm-only | --models-only] [--quick] \
                     [--iterations K] [--warmup W] [--budget SECONDS] [--rounds R] [--json PATH]";

/// The engines, as the tables name them.
pub const MSC: &str = "msc";
pub const ORT: &str = "ONNX Runtime";
pub const TRACT: &str = "tract (1 thread)";
pub const NUMPY: &str = "numpy (OpenBLAS)";

/// Processes per cell unless `--rounds` says otherwise.
const DEFAULT_ROUNDS: usize = 3;

struct Options {
    models: Vec<String>,
    threads: Vec<usize>,
    gemm: bool,
    run_models: bool,
    quick: bool,
    /// The timed runs and budget of one cell, over all its rounds.
    timing: Loop,
    /// How many processes each cell is measured in, the engines taking turns.
    rounds: usize,
    json: Option<PathBuf>,
}

impl Options {
    /// The timing loop of one round's process: its share of the runs and of the budget.
    fn round(&self) -> Loop {
        Loop {
            warmup: self.timing.warmup,
            iterations: self.timing.iterations.div_ceil(self.rounds),
            budget_s: self.timing.budget_s / self.rounds as f64,
        }
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut models = None;
    let mut threads = vec![1, 2];
    let (mut gemm_only, mut models_only, mut quick) = (false, false, false);
    let (mut warmup, mut iterations, mut budget_s, mut json) = (None, None, None, None);
    let mut rounds = DEFAULT_ROUNDS;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("`{arg}` needs a value"));
        let count = |s: &str| s.parse::<usize>().map_err(|_| format!("`{s}` is not a count"));
        match arg.as_str() {
            "--models" => models = Some(value()?.split(',').map(str::to_string).collect::<Vec<_>>()),
            "--threads" => threads = value()?.split(',').map(count).collect::<Result<_, _>>()?,
            "--gemm-only" => gemm_only = true,
            "--models-only" => models_only = true,
            "--quick" => quick = true,
            "--warmup" => warmup = Some(count(value()?)?),
            "--iterations" => iterations = Some(count(value()?)?.max(1)),
            "--budget" => {
                let text = value()?;
                budget_s = Some(text.parse::<f64>().map_err(|_| format!("`{text}` is not a number of seconds"))?);
            }
            "--rounds" => rounds = count(value()?)?.max(1),
            "--json" => json = Some(PathBuf::from(value()?)),
            other => return Err(format!("{USAGE}, got `{other}`")),
        }
    }
    if gemm_only && models_only {
        return Err("--gemm-only and --models-only exclude each other".into());
    }
    if threads.is_empty() || threads.contains(&0) {
        return Err("--threads needs counts of at least 1".into());
    }
    let known = models::names();
    let models = models.unwrap_or_else(|| known.clone());
    if let Some(unknown) = models.iter().find(|m| !known.contains(m)) {
        return Err(format!("unknown model `{unknown}` (known: {})", known.join(", ")));
    }
    // --quick: fewer GEMM sizes and runs, a shorter budget per measurement.
    let timing = Loop {
        warmup: warmup.unwrap_or(if quick { 2 } else { 5 }),
        iterations: iterations.unwrap_or(if quick { 10 } else { 30 }),
        budget_s: budget_s.unwrap_or(if quick { 3.0 } else { 15.0 }),
    };
    Ok(Options { models, threads, gemm: !models_only, run_models: !gemm_only, quick, timing, rounds, json })
}

/// One measured cell of a table.
pub struct Row {
    /// The model's name, or the GEMM size.
    pub subject: String,
    pub threads: usize,
    pub engine: &'static str,
    pub cell: Cell,
    /// msc's compile time (ONNX to `.ms`), in ms.
    pub compile_ms: Option<f64>,
}

/// How a peer beyond ONNX Runtime is run on a subject.
pub enum PeerThreads {
    /// At every thread count.
    Each,
    /// Once, on one thread, listed with the first thread count.
    Single,
}

/// Measures `subject` (`dir/model.onnx` and its `test_data_set_0`) on every thread count: msc
/// (compiled once), ONNX Runtime, and `peers` (engine name, `peers.py` name, threads). At each thread
/// count the engines take turns, one process each per round, so that a slow phase of the machine
/// falls on all of them rather than on whichever happened to be running.
fn measure(
    subject: &str,
    dir: &Path,
    options: &Options,
    venv: &python::Venv,
    peers: &[(&'static str, &str, PeerThreads)],
) -> Vec<Row> {
    let inputs = worker::prepare_inputs(dir, subject);
    let artefact = process::data_dir("bench").join("ms").join(format!("{subject}.ms"));
    let compiled = inputs.clone().and_then(|inputs| {
        std::fs::create_dir_all(artefact.parent().unwrap_or(Path::new(".")))
            .map_err(|e| format!("cannot create the directory of {}: {e}", artefact.display()))?;
        worker::msc_compile(dir, &inputs, &artefact).map_err(|e| format!("compile: {e}"))
    });
    let round = options.round();
    let mut rows = Vec::new();
    for (i, &threads) in options.threads.iter().enumerate() {
        // The engines at this thread count: name, threads, one round's measurement.
        type Measure<'a> = Box<dyn Fn() -> Result<Round, String> + 'a>;
        let mut engines: Vec<(&'static str, usize, Measure<'_>)> = vec![(
            MSC,
            threads,
            Box::new(|| {
                compiled.clone()?;
                worker::msc_run(&artefact, &inputs.clone()?, threads, round)
            }),
        )];
        for (engine, peer, peer_threads) in [(ORT, "onnxruntime", &PeerThreads::Each)]
            .into_iter()
            .chain(peers.iter().map(|(engine, peer, threads)| (*engine, *peer, threads)))
        {
            let threads = match peer_threads {
                PeerThreads::Each => threads,
                PeerThreads::Single if i == 0 => 1,
                PeerThreads::Single => continue,
            };
            let inputs = &inputs;
            engines.push((
                engine,
                threads,
                Box::new(move || worker::peer(venv, peer, dir, &inputs.clone()?, threads, round)),
            ));
        }
        let mut rounds: Vec<Result<Vec<Round>, String>> = engines.iter().map(|_| Ok(Vec::new())).collect();
        for _ in 0..options.rounds {
            for ((_, _, measure), state) in engines.iter().zip(&mut rounds) {
                if let Ok(done) = state {
                    match measure() {
                        Ok(measured) => done.push(measured),
                        Err(e) => *state = Err(e),
                    }
                }
            }
        }
        for ((engine, threads, _), done) in engines.iter().zip(rounds) {
            let cell = done.and_then(|done| Measured::of(&done));
            let shown = match &cell {
                Ok(m) => format!("median {:.3} ms, p90 {:.3} ms over {} runs", m.median_ms, m.p90_ms, m.runs),
                Err(e) => format!("fails: {e}"),
            };
            println!("    {subject} x{threads} {engine}: {shown}");
            let compile_ms = if *engine == MSC { compiled.clone().ok() } else { None };
            rows.push(Row { subject: subject.to_string(), threads: *threads, engine, cell, compile_ms });
        }
    }
    rows
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let root = process::workspace_root();
    let venv = python::venv()?;
    let fixtures = root.join("frontends/onnx/fixtures/generate.py");
    if options.gemm || options.models.iter().any(|m| !models::is_fixture(m)) {
        venv.generate_importing(&root.join("xtask/bench/models.py"), &[&fixtures], &models::bench_dir())?;
    }
    if options.run_models && options.models.iter().any(|m| models::is_fixture(m)) {
        venv.generate(&fixtures, &process::data_dir("onnx-fixtures"))?;
    }
    let bench_venv = python::bench_venv()?;
    let environment = report::Environment::probe(&bench_venv)?;
    let peak = options.gemm.then(|| peak::measure(&options.threads)).flatten();
    let gemm_rows = if options.gemm { gemm::run(&options, &bench_venv) } else { Vec::new() };
    let model_rows = if options.run_models { models::run(&options, &bench_venv) } else { Vec::new() };
    let report = report::Report {
        environment: environment.finish(),
        timing: options.round(),
        rounds: options.rounds,
        peak,
        gemm_rows,
        model_rows,
    };
    let out = process::data_dir("bench");
    let path = out.join("report.md");
    let markdown = report.markdown();
    std::fs::write(&path, &markdown).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\n{markdown}\n==> wrote {}", path.display());
    if let Some(json) = &options.json {
        std::fs::write(json, format!("{}\n", report.json()))
            .map_err(|e| format!("cannot write {}: {e}", json.display()))?;
        println!("==> wrote {}", json.display());
    }
    Ok(())
}
