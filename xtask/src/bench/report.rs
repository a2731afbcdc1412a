//! The benchmark report: the machine and versions it ran on, then the GEMM and model latency
//! tables, as markdown (`target/bench/report.md`) and as JSON (`--json PATH`).

use super::json::Value;
use super::peak::Peak;
use super::worker::{self, Loop, Measured};
use super::{MSC, ORT, Row, gemm};
use crate::{process, python};
use std::fmt::Write as _;
use std::process::Command;

/// Where and with what the benchmark ran.
pub struct Environment {
    date: String,
    cpu: String,
    logical_cpus: usize,
    msc_revision: String,
    versions: Value,
    load_before: String,
    load_after: String,
}

impl Environment {
    /// Reads the machine, the versions and the load average before the run.
    pub fn probe(venv: &python::Venv) -> Result<Environment, String> {
        let cpu = process::cpu_model();
        let revision = command_line(
            Command::new("git").args(["describe", "--always", "--dirty"]).current_dir(process::workspace_root()),
        );
        Ok(Environment {
            date: command_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
            cpu,
            logical_cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            msc_revision: revision,
            versions: worker::peer_versions(venv).map_err(|e| format!("peers.py versions: {e}"))?,
            load_before: load_average(),
            load_after: String::new(),
        })
    }

    /// Records the load average after the run.
    pub fn finish(self) -> Environment {
        Environment { load_after: load_average(), ..self }
    }
}

fn command_line(command: &mut Command) -> String {
    command.output().map_or_else(|_| "unknown".into(), |o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |s| s.split(' ').take(3).collect::<Vec<_>>().join(" "))
}

pub struct Report {
    pub environment: Environment,
    /// One round's timing loop.
    pub timing: Loop,
    pub rounds: usize,
    pub peak: Option<Peak>,
    pub gemm_rows: Vec<Row>,
    pub model_rows: Vec<Row>,
}

impl Report {
    pub fn markdown(&self) -> String {
        let env = &self.environment;
        let version = |key: &str| env.versions.str(key).unwrap_or("?").to_string();
        let mut out = String::from("# msc benchmark\n\n");
        let _ = writeln!(
            out,
            "- {}, {} ({} logical CPUs), load average {} before the run and {} after\n\
             - msc {} (Cranelift backend); ONNX Runtime {} (ORT_ENABLE_ALL, intra-op threads = threads, 1 inter-op \
             thread); tract {}; numpy {} with {} (OPENBLAS_CORETYPE={})\n\
             - each cell measured in {} rounds, the engines taking turns, each round a process of its own: {} \
             warm-up runs, then up to {} timed runs, fewer (at least {}) when they take over {} s",
            env.date,
            env.cpu,
            env.logical_cpus,
            env.load_before,
            env.load_after,
            env.msc_revision,
            version("onnxruntime"),
            version("tract"),
            version("numpy"),
            version("blas"),
            worker::openblas_coretype(),
            self.rounds,
            self.timing.warmup,
            self.timing.iterations,
            worker::MIN_RUNS,
            self.timing.budget_s
        );
        out += "- msc (LLVM build): not built: no LLVM backend yet, so no column for it\n";
        if !self.gemm_rows.is_empty() {
            out += &self.gemm_markdown();
        }
        if !self.model_rows.is_empty() {
            out += &self.models_markdown();
        }
        out
    }

    fn gemm_markdown(&self) -> String {
        let mut out = String::from("\n## GEMM: Y = A x B, fp32, B constant\n\n");
        match &self.peak {
            Some(peak) => {
                let each: Vec<String> =
                    peak.gflops.iter().map(|(t, g)| format!("{g:.1} GFLOP/s on {t} thread(s)")).collect();
                let _ = writeln!(
                    out,
                    "FMA peak measured on the spot ({}, 12 independent FMA chains per thread, each thread's best ~2 ms \
                     slice): {}.\n",
                    peak.isa,
                    each.join(", ")
                );
            }
            None => out += "No FMA peak probe for this CPU: the % of peak column is empty.\n\n",
        }
        out += "| n | threads | engine | median ms | p90 ms | GFLOP/s | % of peak | best ms | best % of peak | CPU ms/run \
                | peak RSS MiB | runs |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
        for row in &self.gemm_rows {
            let _ = write!(out, "| {} | {} | {} | ", row.subject, row.threads, row.engine);
            match &row.cell {
                Ok(m) => {
                    let gflops = |ms: f64| row.subject.parse().map_or(f64::NAN, gemm::flops) / ms / 1e6;
                    let percent = |ms: f64| {
                        let peak = self.peak.as_ref().and_then(|p| p.at(row.threads));
                        peak.map_or(String::new(), |p| format!("{:.0}%", 100.0 * gflops(ms) / p))
                    };
                    let _ = writeln!(
                        out,
                        "{:.3} | {:.3} | {:.1} | {} | {:.3} | {} | {:.2} | {:.0} | {} |",
                        m.median_ms,
                        m.p90_ms,
                        gflops(m.median_ms),
                        percent(m.median_ms),
                        m.best_ms,
                        percent(m.best_ms),
                        m.cpu_ms,
                        m.rss_mib,
                        m.runs
                    );
                }
                Err(e) => out += &failure(e, 8),
            }
        }
        out
    }

    fn models_markdown(&self) -> String {
        let mut out = String::from(
            "\n## Models: batch-1 latency\n\n\
             | model | threads | engine | median ms | p90 ms | x ORT | best ms | x ORT best | CPU ms/run | x ORT CPU | peak RSS MiB | compile ms | load ms | runs | output error |\n\
             |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        );
        for row in &self.model_rows {
            let _ = write!(out, "| {} | {} | {} | ", row.subject, row.threads, row.engine);
            match &row.cell {
                Ok(m) => {
                    let ort = self.ort(row);
                    let ratio = ort.map_or(String::new(), |ort| format!("{:.2}", m.median_ms / ort.median_ms));
                    let best_ratio = ort.map_or(String::new(), |ort| format!("{:.2}", m.best_ms / ort.best_ms));
                    let cpu_ratio = ort.map_or(String::new(), |ort| format!("{:.2}", m.cpu_ms / ort.cpu_ms));
                    let compile = row.compile_ms.map_or(String::new(), |c| format!("{c:.0}"));
                    let error = m.error.map_or(String::new(), |e| format!("{e:.1e}"));
                    let _ = writeln!(
                        out,
                        "{:.3} | {:.3} | {ratio} | {:.3} | {best_ratio} | {:.2} | {cpu_ratio} | {:.0} | {compile} | {:.1} | {} \
                         | {error} |",
                        m.median_ms, m.p90_ms, m.best_ms, m.cpu_ms, m.rss_mib, m.load_ms, m.runs
                    );
                }
                Err(e) => out += &failure(e, 11),
            }
        }
        out += "\n\
            - x ORT: median latency over ONNX Runtime's at the same thread count (below 1: faster than ORT). best, x ORT \
            best: the fastest run, and its ratio to ONNX Runtime's fastest.\n\
            - CPU ms/run: the measuring process's CPU time (user + system, all threads) over the timed runs, per run; \
            above the latency when several threads work or spin, below it when the process waited for a CPU (a \
            loaded machine). x ORT CPU: the same over ONNX Runtime's, the ratio a loaded machine disturbs least.\n\
            - peak RSS: `ru_maxrss` of the measuring process; the Python peers' includes the interpreter and numpy.\n\
            - compile: msc's ONNX to `.ms` (import, optimize, lower, plan, Cranelift, write), in its own process. \
            load: loading the `.ms` file (msc), creating the session with its graph optimizations (ONNX Runtime), \
            loading and optimizing the model (tract).\n\
            - output error: msc's outputs against ONNX Runtime's (optimizations off) on the same inputs, the largest \
            absolute difference over the largest reference magnitude.\n\
            - tract has no intra-op threads: it runs once per model, on one thread, compared with ONNX Runtime on one.\n";
        out
    }

    /// ONNX Runtime's measurement of the same subject at the same thread count.
    fn ort(&self, row: &Row) -> Option<&Measured> {
        self.model_rows
            .iter()
            .find(|r| r.engine == ORT && r.subject == row.subject && r.threads == row.threads)
            .and_then(|r| r.cell.as_ref().ok())
    }

    pub fn json(&self) -> Value {
        let env = &self.environment;
        let text = |s: &str| Value::Str(s.to_string());
        let rows = |rows: &[Row]| {
            Value::Arr(
                rows.iter()
                    .map(|row| {
                        let mut members = vec![
                            ("subject".into(), text(&row.subject)),
                            ("threads".into(), Value::Num(row.threads as f64)),
                            ("engine".into(), text(row.engine)),
                        ];
                        if let Some(compile) = row.compile_ms.filter(|_| row.engine == MSC) {
                            members.push(("compile_ms".into(), Value::Num(compile)));
                        }
                        match &row.cell {
                            Ok(m) => members.extend([
                                ("runs".into(), Value::Num(m.runs as f64)),
                                ("best_ms".into(), Value::Num(m.best_ms)),
                                ("median_ms".into(), Value::Num(m.median_ms)),
                                ("p90_ms".into(), Value::Num(m.p90_ms)),
                                ("cpu_ms_per_run".into(), Value::Num(m.cpu_ms)),
                                ("peak_rss_mib".into(), Value::Num(m.rss_mib)),
                                ("load_ms".into(), Value::Num(m.load_ms)),
                                ("output_error".into(), m.error.map_or(Value::Null, Value::Num)),
                            ]),
                            Err(e) => members.push(("fails".into(), text(e))),
                        }
                        Value::Obj(members)
                    })
                    .collect(),
            )
        };
        let peak = self.peak.as_ref().map_or(Value::Null, |p| {
            Value::Obj(vec![
                ("isa".into(), text(p.isa)),
                ("gflops".into(), Value::Obj(p.gflops.iter().map(|(t, g)| (t.to_string(), Value::Num(*g))).collect())),
            ])
        });
        Value::Obj(vec![
            ("date".into(), text(&env.date)),
            ("cpu".into(), text(&env.cpu)),
            ("logical_cpus".into(), Value::Num(env.logical_cpus as f64)),
            ("load_average_before".into(), text(&env.load_before)),
            ("load_average_after".into(), text(&env.load_after)),
            ("msc_revision".into(), text(&env.msc_revision)),
            ("versions".into(), env.versions.clone()),
            ("openblas_coretype".into(), text(worker::openblas_coretype())),
            ("llvm_build".into(), text("not built: no LLVM backend yet")),
            (
                "timing".into(),
                Value::Obj(vec![
                    ("rounds".into(), Value::Num(self.rounds as f64)),
                    ("warmup".into(), Value::Num(self.timing.warmup as f64)),
                    ("iterations".into(), Value::Num(self.timing.iterations as f64)),
                    ("budget_s".into(), Value::Num(self.timing.budget_s)),
                ]),
            ),
            ("fma_peak".into(), peak),
            ("gemm".into(), rows(&self.gemm_rows)),
            ("models".into(), rows(&self.model_rows)),
        ])
    }
}

/// A failed cell: the message in the first column, the `empty` others left blank. Pipes would
/// split the markdown cell.
fn failure(message: &str, empty: usize) -> String {
    let mut text: String = message.replace('|', "/").chars().take(160).collect();
    if message.chars().count() > 160 {
        text += "...";
    }
    format!("fails: {text} |{}\n", " |".repeat(empty))
}
