//! `cargo xtask onnx-conformance [--check] [--filter SUBSTR]`: runs the ONNX backend test suites
//! through the ONNX frontend and the reference interpreter.
//!
//! 1. Makes the pinned Python venv ([`crate::python`]) and, with it, the test cases:
//!    `frontends/onnx/conformance/generate_backend_tests.py` regenerates the node tests with the
//!    `onnx` package's own generators and copies the `simple`, `pytorch-converted` and
//!    `pytorch-operator` suites the wheel ships, into `target/onnx-backend-tests/<suite>/<test>/`,
//!    with a `manifest.tsv` naming each case's op, tolerances and input/output types.
//! 2. Runs every case ([`crate::onnx_case`]) on two threads, each case under `catch_unwind`, and
//!    classifies each failure ([`FailClass`]). The compiled backends freeze the inputs that decide
//!    shapes to each data set's values (see [`onnx_case::run`]); the report counts those cases.
//!    `--filter SUBSTR` keeps only the cases whose `suite/test` name contains `SUBSTR`, and prints
//!    each result.
//! 3. Without `--filter`, writes `frontends/onnx/conformance/REPORT.md`; without `--check` too, writes
//!    the checked-in lists `frontends/onnx/conformance/<suite>-tests-passing.txt` (sorted names).
//! 4. With `--check`, a listed test that fails is a regression and fails the command; a passing test
//!    not on its list is reported.
//!
//! Tolerances are the backend runner's: rtol 1e-3, atol 1e-7, unless a case's `data.json` says
//! otherwise (none of the generated or shipped cases does), and at least `2^-6` relative for
//! bfloat16 outputs.

mod report;

use crate::onnx_case::{self, Backend, FailClass, Failure, Passed, Tolerance};
use crate::{process, python};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

const THREADS: usize = 2;
/// Stack of each worker thread: deep graphs recurse in the importer and the interpreter.
const WORKER_STACK: usize = 256 << 20;
/// A case running longer than this is named on the console (it may hang).
const SLOW_CASE: Duration = Duration::from_secs(30);

/// Tensor types the harness can feed and compare: those the kernels' `Tensor` holds, in ONNX's
/// type-string notation (as the manifest writes them).
const SUPPORTED_TYPES: &[&str] = &[
    "tensor(float)",
    "tensor(float16)",
    "tensor(bfloat16)",
    "tensor(double)",
    "tensor(int8)",
    "tensor(uint8)",
    "tensor(int16)",
    "tensor(int32)",
    "tensor(int64)",
    "tensor(bool)",
];

/// A case's result.
pub type Outcome = Result<Passed, Failure>;

/// A suite's name with its cases and their outcomes.
pub type Suite<'a> = (&'a str, Vec<(&'a Case, &'a Outcome)>);

#[derive(Debug)]
struct Options {
    check: bool,
    filter: Option<String>,
    backend: Backend,
}

/// One line of the manifest.
pub struct Case {
    pub suite: String,
    pub name: String,
    /// The op under test and its domain (`-` outside the node suite).
    pub op: String,
    pub domain: String,
    tolerance: Tolerance,
    /// The graph's input and output types, `;`-separated.
    inputs: String,
    outputs: String,
}

impl Case {
    /// An `_expanded` node test runs the op's function body, not the op itself.
    pub fn is_expanded(&self) -> bool {
        self.name.contains("_expanded")
    }
}

/// Passed and failed counts, by failure class.
#[derive(Default)]
pub struct Tally {
    pub total: usize,
    pub passed: usize,
    pub failed: BTreeMap<FailClass, usize>,
}

impl Tally {
    fn add(&mut self, result: &Outcome) {
        self.total += 1;
        match result {
            Ok(_) => self.passed += 1,
            Err(failure) => *self.failed.entry(failure.class).or_default() += 1,
        }
    }

    pub fn of(&self, class: FailClass) -> usize {
        self.failed.get(&class).copied().unwrap_or(0)
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let root = process::workspace_root();
    let data = process::data_dir("onnx-backend-tests");
    python::venv()?.generate(&root.join("frontends/onnx/conformance/generate_backend_tests.py"), &data)?;
    let cases: Vec<Case> = read_manifest(&data.join("manifest.tsv"))?
        .into_iter()
        .filter(|case| {
            options.filter.as_ref().is_none_or(|f| format!("{}/{}", case.suite, case.name).contains(f.as_str()))
        })
        .collect();
    println!("==> running {} cases on {THREADS} threads", cases.len());
    let start = Instant::now();
    let results = run_cases(&data, &cases, options.backend)?;
    let elapsed = start.elapsed();

    if options.filter.is_some() {
        for (case, result) in cases.iter().zip(&results) {
            match result {
                Ok(passed) if !passed.frozen_inputs.is_empty() => {
                    println!("pass  {}/{} (frozen: {})", case.suite, case.name, passed.frozen_inputs.join(", "))
                }
                Ok(_) => println!("pass  {}/{}", case.suite, case.name),
                Err(failure) => println!("FAIL  {}/{}: {failure}", case.suite, case.name),
            }
        }
    }
    print_summary(&cases, &results, elapsed);
    let conformance_dir = match options.backend {
        Backend::Interp => root.join("frontends/onnx/conformance"),
        other => root.join("frontends/onnx/conformance").join(other.name()),
    };
    fs::create_dir_all(&conformance_dir)
        .map_err(|err| format!("cannot create {}: {err}", conformance_dir.display()))?;
    if options.filter.is_none() {
        let path = conformance_dir.join("REPORT.md");
        fs::write(&path, report::render(&cases, &results, options.backend))
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        println!("==> wrote {}", path.display());
    }
    if options.check {
        check_lists(&conformance_dir, &cases, &results, options.filter.is_none())
    } else if options.filter.is_none() {
        write_lists(&conformance_dir, &cases, &results)
    } else {
        Ok(())
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options { check: false, filter: None, backend: Backend::Interp };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--filter" => {
                options.filter = Some(args.next().ok_or("`--filter` needs a substring of `suite/test` names")?.clone())
            }
            "--backend" => {
                options.backend =
                    Backend::parse(args.next().ok_or("`--backend` needs a name: interp or kernel-interp")?)?
            }
            other => {
                return Err(format!(
                    "`onnx-conformance` takes [--check] [--filter SUBSTR] [--backend NAME], got `{other}`"
                ));
            }
        }
    }
    Ok(options)
}

fn read_manifest(path: &Path) -> Result<Vec<Case>, String> {
    let text = fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    text.lines()
        .skip(1)
        .enumerate()
        .map(|(i, line)| {
            let bad = |what: &str| format!("{}:{}: {what}", path.display(), i + 2);
            let fields: Vec<&str> = line.split('\t').collect();
            let [suite, name, op, domain, rtol, atol, inputs, outputs] = fields[..] else {
                return Err(bad(&format!("expected 8 tab-separated fields, found {}", fields.len())));
            };
            let number = |text: &str| text.parse::<f64>().map_err(|_| bad(&format!("bad tolerance `{text}`")));
            Ok(Case {
                suite: suite.to_string(),
                name: name.to_string(),
                op: op.to_string(),
                domain: domain.to_string(),
                tolerance: Tolerance { rtol: number(rtol)?, atol: number(atol)? },
                inputs: inputs.to_string(),
                outputs: outputs.to_string(),
            })
        })
        .collect()
}

/// Runs the cases on [`THREADS`] worker threads and returns their results in case order, naming
/// on the console any case that runs longer than [`SLOW_CASE`].
fn run_cases(data: &Path, cases: &[Case], backend: Backend) -> Result<Vec<Outcome>, String> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let running: Vec<Mutex<Option<(usize, Instant)>>> = (0..THREADS).map(|_| Mutex::new(None)).collect();
    let per_worker = thread::scope(|scope| {
        let workers = running
            .iter()
            .map(|slot| {
                thread::Builder::new().stack_size(WORKER_STACK).spawn_scoped(scope, || {
                    let mut results = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::SeqCst);
                        let Some(case) = cases.get(index) else { break results };
                        *lock(slot) = Some((index, Instant::now()));
                        results.push((index, run_case(data, case, backend)));
                        *lock(slot) = None;
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| format!("cannot start a worker thread: {err}"))?;
        let mut reported = BTreeSet::new();
        let mut progress = 0;
        while !workers.iter().all(|worker| worker.is_finished()) {
            thread::sleep(Duration::from_millis(100));
            for slot in &running {
                if let Some((index, started)) = *lock(slot)
                    && started.elapsed() > SLOW_CASE
                    && reported.insert(index)
                {
                    println!("    still running after {}s: {}", SLOW_CASE.as_secs(), cases[index].name);
                }
            }
            let finished = done.load(Ordering::SeqCst);
            if finished * 10 / cases.len().max(1) > progress {
                progress = finished * 10 / cases.len().max(1);
                println!("    {finished}/{} cases", cases.len());
            }
        }
        workers
            .into_iter()
            .map(|worker| worker.join().map_err(|_| "a worker thread panicked outside a case".to_string()))
            .collect::<Result<Vec<_>, _>>()
    })?;
    let mut results: Vec<_> = per_worker.into_iter().flatten().collect();
    results.sort_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs one case, first checking that its inputs and outputs are types the harness handles.
/// Messages name data paths relative to the workspace, so the report reads the same everywhere.
fn run_case(data: &Path, case: &Case, backend: Backend) -> Outcome {
    let unsupported: BTreeSet<&str> = case
        .inputs
        .split(';')
        .chain(case.outputs.split(';'))
        .filter(|ty| !ty.is_empty() && !SUPPORTED_TYPES.contains(ty))
        .collect();
    if !unsupported.is_empty() {
        let types = unsupported.into_iter().collect::<Vec<_>>().join(", ");
        return Err(Failure::new(FailClass::UnsupportedType, format!("inputs or outputs of type {types}")));
    }
    let dir = data.join(&case.suite).join(&case.name);
    onnx_case::run(&dir, case.tolerance, backend).map_err(|failure| Failure {
        message: failure.message.replace(&data.display().to_string(), "target/onnx-backend-tests"),
        ..failure
    })
}

/// The suites in manifest order, each with its cases and their results.
fn by_suite<'a>(cases: &'a [Case], results: &'a [Outcome]) -> Vec<Suite<'a>> {
    let mut suites: Vec<Suite> = Vec::new();
    for (case, result) in cases.iter().zip(results) {
        match suites.iter_mut().find(|(suite, _)| *suite == case.suite) {
            Some((_, members)) => members.push((case, result)),
            None => suites.push((&case.suite, vec![(case, result)])),
        }
    }
    suites
}

fn print_summary(cases: &[Case], results: &[Outcome], elapsed: Duration) {
    println!("==> results ({:.1}s on {THREADS} threads)", elapsed.as_secs_f64());
    for (suite, members) in by_suite(cases, results) {
        let mut tally = Tally::default();
        members.iter().for_each(|(_, result)| tally.add(result));
        let failures: Vec<String> =
            tally.failed.iter().map(|(class, count)| format!("{count} {}", class.name())).collect();
        println!("    {suite:<18} {:>4} / {:<4} passed   {}", tally.passed, tally.total, failures.join(", "));
    }
    let frozen = passed_with_frozen_inputs(results);
    if frozen > 0 {
        println!("    {frozen} passing cases ran with inputs frozen to constants (they decide shapes)");
    }
    let crashes: Vec<_> = cases
        .iter()
        .zip(results)
        .filter_map(|(case, result)| match result {
            Err(failure) if failure.class == FailClass::Crash => Some((case, failure)),
            _ => None,
        })
        .collect();
    if !crashes.is_empty() {
        println!("==> {} CRASHES (panics are bugs):", crashes.len());
        for (case, failure) in crashes {
            println!("    {}/{}: {}", case.suite, case.name, failure.message);
        }
    }
}

/// How many passing cases ran with inputs frozen to constants.
fn passed_with_frozen_inputs(results: &[Outcome]) -> usize {
    results.iter().filter(|r| r.as_ref().is_ok_and(|passed| !passed.frozen_inputs.is_empty())).count()
}

/// `text` on one line: runs of whitespace become one space, and line breaks `; ` (or a space after
/// a line ending in `:`).
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")) {
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(&line);
    }
    out
}

fn list_path(conformance_dir: &Path, suite: &str) -> PathBuf {
    conformance_dir.join(format!("{suite}-tests-passing.txt"))
}

fn write_lists(conformance_dir: &Path, cases: &[Case], results: &[Outcome]) -> Result<(), String> {
    for (suite, members) in by_suite(cases, results) {
        let passing: BTreeSet<&str> =
            members.iter().filter(|(_, result)| result.is_ok()).map(|(case, _)| case.name.as_str()).collect();
        let path = list_path(conformance_dir, suite);
        let text: String = passing.iter().map(|name| format!("{name}\n")).collect();
        fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        println!("==> wrote {} ({} tests)", path.display(), passing.len());
    }
    Ok(())
}

/// Compares the results with the checked-in lists. With `complete` (no filter), a listed test that
/// is no longer generated is a regression too.
fn check_lists(conformance_dir: &Path, cases: &[Case], results: &[Outcome], complete: bool) -> Result<(), String> {
    let mut regressions = Vec::new();
    let mut newly_passing = Vec::new();
    for (suite, members) in by_suite(cases, results) {
        let path = list_path(conformance_dir, suite);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                println!("==> no list {} yet: nothing to check for `{suite}`", path.display());
                String::new()
            }
            Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
        };
        let listed: BTreeSet<&str> = text.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
        for (case, result) in &members {
            match (listed.contains(case.name.as_str()), result) {
                (true, Err(failure)) => {
                    regressions.push(format!("{suite}/{}: {}", case.name, one_line(&failure.to_string())))
                }
                (false, Ok(_)) => newly_passing.push(format!("{suite}/{}", case.name)),
                _ => {}
            }
        }
        if complete {
            let generated: BTreeSet<&str> = members.iter().map(|(case, _)| case.name.as_str()).collect();
            for name in listed.difference(&generated) {
                regressions.push(format!("{suite}/{name}: listed as passing but no longer generated"));
            }
        }
    }
    if !newly_passing.is_empty() {
        println!(
            "==> {} newly passing tests (not on the lists; `cargo xtask onnx-conformance` adds them):",
            newly_passing.len()
        );
        newly_passing.iter().for_each(|name| println!("    {name}"));
    }
    if regressions.is_empty() {
        println!("==> no regressions against the passing lists");
        Ok(())
    } else {
        Err(format!(
            "{} regressions (listed as passing in {}, now failing):\n  {}",
            regressions.len(),
            conformance_dir.display(),
            regressions.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines_and_collapses_whitespace() {
        let report = "the model uses 2 unsupported op type(s) in 2 node(s):\n  If (ai.onnx opset 13): 1 node: if_1\n  Loop  (x)\n";
        assert_eq!(
            one_line(report),
            "the model uses 2 unsupported op type(s) in 2 node(s): If (ai.onnx opset 13): 1 node: if_1; Loop (x)"
        );
    }

    #[test]
    fn arguments_are_check_and_a_filter() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let options = parse_args(&args(&["--filter", "node/test_conv", "--check"])).unwrap();
        assert!(options.check && options.filter.as_deref() == Some("node/test_conv"));
        assert!(parse_args(&args(&["--filter"])).unwrap_err().contains("needs a substring"));
        assert!(parse_args(&args(&["--bogus"])).unwrap_err().contains("got `--bogus`"));
    }
}
