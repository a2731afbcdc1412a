//! Renders `frontends/onnx/conformance/REPORT.md`: totals per suite, the crashes, per-op results
//! of the node tests, the ops imported and verified, and every failure with its class.
//!
//! The report holds no timings or machine paths, so it changes only when the results do.

use super::{Case, Outcome, Tally, by_suite, one_line, passed_with_frozen_inputs};
use crate::onnx_case::{Backend, FailClass, Failure};
use crate::python;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The node-test domain of the standard ONNX ops.
const STANDARD_DOMAIN: &str = "ai.onnx";
/// Longest failure message shown in a table cell.
const MESSAGE_CHARS: usize = 240;

/// The node-test results of one op.
#[derive(Default)]
struct OpResults {
    /// The op's own tests.
    direct: Tally,
    /// Its `_expanded` tests (the op's function body, op by op).
    expanded: Tally,
}

pub fn render(cases: &[Case], results: &[Outcome], backend: Backend) -> String {
    let mut ops: BTreeMap<(&str, &str), OpResults> = BTreeMap::new();
    for (case, result) in cases.iter().zip(results).filter(|(case, _)| case.suite == "node") {
        let entry = ops.entry((case.domain.as_str(), case.op.as_str())).or_default();
        let tally = if case.is_expanded() { &mut entry.expanded } else { &mut entry.direct };
        tally.add(result);
    }
    let standard: Vec<(&str, &OpResults)> =
        ops.iter().filter(|((domain, _), _)| *domain == STANDARD_DOMAIN).map(|((_, op), r)| (*op, r)).collect();
    let verified: Vec<&str> = standard.iter().filter(|(_, r)| r.direct.passed > 0).map(|(op, _)| *op).collect();
    let fully = standard.iter().filter(|(_, r)| r.direct.total > 0 && r.direct.passed == r.direct.total).count();
    let imported = standard.iter().filter(|(_, r)| imports(&r.direct)).count();

    let mut out = String::new();
    let pins = python::direct_pins().join(", ");
    let _ = writeln!(out, "# ONNX conformance report\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask onnx-conformance` from the backend tests of {pins}; do not edit by hand.\n\n\
         Each case is imported by `msc-onnx`, run by the reference interpreter on every `test_data_set_*`, and \
         compared with the expected outputs: same element type and shape, and `|actual - expected| <= atol + \
         rtol * |expected|` with the backend runner's rtol 1e-3, atol 1e-7 (NaN equals NaN; integers and \
         booleans exactly). Overrides, as in the ONNX backend runner: bfloat16 outputs get an rtol of at least \
         2^-6; a case's `data.json` may set rtol/atol (no generated or shipped case does).\n"
    );
    let node = by_suite(cases, results).into_iter().find(|(suite, _)| *suite == "node").map(|(_, m)| m);
    if let Some(node) = node {
        let passed = node.iter().filter(|(_, result)| result.is_ok()).count();
        let _ = writeln!(out, "**Node tests passing: {passed} of {}.**\n", node.len());
    }
    if backend != Backend::Interp {
        let _ = writeln!(
            out,
            "**Passing cases that ran with inputs frozen to constants: {}** (backend `{}`: the inputs whose \
             values decide a shape, such as a reshape's `shape` or a resize's `scales`, frozen to each data set's \
             values, as `msc compile --freeze-input` does; the other inputs stay inputs).\n",
            passed_with_frozen_inputs(results),
            backend.name()
        );
    }
    let _ = writeln!(
        out,
        "**Standard ONNX ops imported and verified: {} of the {} with node tests** (at least one of the op's own \
         node tests passes; `_expanded` function-body variants do not count). {fully} pass all their node tests; \
         {imported} import in at least one test.\n",
        verified.len(),
        standard.len()
    );

    let _ = writeln!(out, "## Suites\n");
    let classes: String = FailClass::ALL.iter().map(|class| format!(" {} |", class.name())).collect();
    let _ = writeln!(out, "| suite | cases | passed |{classes}");
    let _ = writeln!(out, "|---|---:|---:|{}", "---:|".repeat(FailClass::ALL.len()));
    for (suite, members) in by_suite(cases, results) {
        let mut tally = Tally::default();
        members.iter().for_each(|(_, result)| tally.add(result));
        let _ = writeln!(out, "| {suite} | {} | {} |{}", tally.total, tally.passed, class_cells(&tally));
    }

    let _ = writeln!(out, "\n## Crashes\n\nA panic is a bug in the frontend, the interpreter or the kernels.\n");
    let crashes = failures_of(cases, results, |class| class == FailClass::Crash);
    if crashes.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for (case, failure) in crashes {
        let _ = writeln!(out, "- `{}/{}`: {}", case.suite, case.name, cell(&failure.message));
    }

    let _ = writeln!(out, "\n## Ops imported and verified\n\n{}", list_or_none(&verified));

    let _ = writeln!(
        out,
        "\n## Unsupported ops\n\nOps whose node tests the importer rejects as unsupported, most tests first.\n"
    );
    let mut unsupported: Vec<(&str, &str, usize)> = ops
        .iter()
        .map(|((domain, op), r)| (*domain, *op, r.direct.of(FailClass::UnsupportedOp)))
        .filter(|(_, _, count)| *count > 0)
        .collect();
    unsupported.sort_by(|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let listed: Vec<String> =
        unsupported.iter().map(|(domain, op, n)| format!("{}{op} ({n})", prefix(domain))).collect();
    let _ = writeln!(out, "{}", if listed.is_empty() { "None.".to_string() } else { listed.join(", ") });

    let _ = writeln!(out, "\n## Node tests per op\n");
    let _ = writeln!(out, "| op | tests | passed |{classes} expanded passed |");
    let _ = writeln!(out, "|---|---:|---:|{}---:|", "---:|".repeat(FailClass::ALL.len()));
    for ((domain, op), r) in &ops {
        let expanded = if r.expanded.total == 0 {
            "-".to_string()
        } else {
            format!("{} / {}", r.expanded.passed, r.expanded.total)
        };
        let _ = writeln!(
            out,
            "| {}{op} | {} | {} |{} {expanded} |",
            prefix(domain),
            r.direct.total,
            r.direct.passed,
            class_cells(&r.direct)
        );
    }

    let _ = writeln!(out, "\n## Failures\n");
    for class in FailClass::ALL {
        let failed = failures_of(cases, results, |c| c == class);
        if failed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {} ({})\n\n| test | message |\n|---|---|", class.name(), failed.len());
        for (case, failure) in failed {
            let _ = writeln!(out, "| {}/{} | {} |", case.suite, case.name, cell(&failure.message));
        }
        let _ = writeln!(out);
    }
    out
}

/// Whether the importer accepted the op in at least one of its tests.
fn imports(tally: &Tally) -> bool {
    tally.passed + tally.of(FailClass::RunError) + tally.of(FailClass::Mismatch) > 0
}

fn list_or_none(items: &[impl AsRef<str>]) -> String {
    if items.is_empty() { "None.".to_string() } else { items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ") }
}

/// The domain before an op's name, for ops outside the standard domain.
fn prefix(domain: &str) -> String {
    if domain == STANDARD_DOMAIN { String::new() } else { format!("{domain}.") }
}

fn class_cells(tally: &Tally) -> String {
    FailClass::ALL
        .iter()
        .map(|&class| match tally.of(class) {
            0 => " |".to_string(),
            n => format!(" {n} |"),
        })
        .collect()
}

fn failures_of<'a>(
    cases: &'a [Case],
    results: &'a [Outcome],
    keep: impl Fn(FailClass) -> bool,
) -> Vec<(&'a Case, &'a Failure)> {
    cases
        .iter()
        .zip(results)
        .filter_map(|(case, result)| result.as_ref().err().filter(|f| keep(f.class)).map(|f| (case, f)))
        .collect()
}

/// A message as one Markdown table cell: one line, pipes escaped, at most [`MESSAGE_CHARS`].
fn cell(message: &str) -> String {
    let line = one_line(message);
    let short: String = line.chars().take(MESSAGE_CHARS).collect();
    let ellipsis = if short.len() < line.len() { "…" } else { "" };
    format!("{}{ellipsis}", short.replace('|', "\\|"))
}
