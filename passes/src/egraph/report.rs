//! What one run of the optimizer on a function did, for `--explain`: rules fired, the layout of
//! every convolution, op counts by kind before and after, e-graph size, stop reason and time.

use super::extract::Method;
use msc_ir::{Context, Location, OpId, WalkOrder};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The optimizer's account of one function.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The function's symbol name.
    pub function: String,
    /// Set when the function was left alone, saying why.
    pub skipped: Option<String>,
    /// Rules that changed the e-graph, with how many times.
    pub rules_fired: BTreeMap<&'static str, usize>,
    /// Every convolution of the result: its location and the layout it runs in.
    pub conv_layouts: Vec<(String, String)>,
    pub ops_before: BTreeMap<String, usize>,
    pub ops_after: BTreeMap<String, usize>,
    pub nodes: usize,
    pub classes: usize,
    pub iterations: usize,
    pub stop_reason: String,
    pub extraction: Option<Method>,
    /// The cost model's predicted latency of the function before and after, in microseconds.
    pub predicted_before_us: f64,
    pub predicted_after_us: f64,
    pub target: String,
    pub time: Duration,
}

/// Number of ops of each kind in the body of `func_op` (constants and the terminator included).
pub fn count_ops(ctx: &Context, func_op: OpId) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for op in ctx.walk(func_op, WalkOrder::Pre).into_iter().skip(1) {
        *counts.entry(ctx.op(op).name().to_string()).or_insert(0) += 1;
    }
    counts
}

/// The convolutions among `ops` with their location names and layouts.
pub fn conv_layouts(ctx: &Context, ops: &[OpId]) -> Vec<(String, String)> {
    ops.iter()
        .filter(|&&op| matches!(ctx.op(op).name(), "nn.conv" | "nn.fused_conv"))
        .map(|&op| {
            let view = ctx.op(op);
            let layout = view.string("layout").unwrap_or_else(|_| "NCHW".into());
            (location_name(view.loc()), layout)
        })
        .collect()
}

/// A location as a short name: source node names joined with `+`.
fn location_name(loc: &Location) -> String {
    match loc {
        Location::Unknown => "?".into(),
        Location::Name(name) => name.to_string(),
        Location::FileLineCol { file, line, column } => format!("{file}:{line}:{column}"),
        Location::Fused(parts) => parts.iter().map(location_name).collect::<Vec<_>>().join("+"),
    }
}

fn total(counts: &BTreeMap<String, usize>) -> usize {
    counts.iter().filter(|(k, _)| k.as_str() != "func.return").map(|(_, n)| n).sum()
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(why) = &self.skipped {
            return writeln!(f, "nn-egraph-optimize @{}: skipped: {why}", self.function);
        }
        writeln!(
            f,
            "nn-egraph-optimize @{}: {} ops -> {} ops, predicted {:.1} us -> {:.1} us on {}",
            self.function,
            total(&self.ops_before),
            total(&self.ops_after),
            self.predicted_before_us,
            self.predicted_after_us,
            self.target
        )?;
        let extraction = match self.extraction {
            Some(Method::Dag) => "dag",
            Some(Method::TreeFallback) => "tree (fallback)",
            None => "none",
        };
        writeln!(
            f,
            "  e-graph: {} nodes, {} classes, {} iterations, stopped: {}; extraction: {extraction}; {:.1} ms",
            self.nodes,
            self.classes,
            self.iterations,
            self.stop_reason,
            self.time.as_secs_f64() * 1e3
        )?;
        if !self.rules_fired.is_empty() {
            writeln!(f, "  rules fired:")?;
            for (rule, n) in &self.rules_fired {
                writeln!(f, "    {rule:<40} x{n}")?;
            }
        }
        if !self.conv_layouts.is_empty() {
            writeln!(f, "  convolution layouts:")?;
            for (name, layout) in &self.conv_layouts {
                writeln!(f, "    {name:<40} {layout}")?;
            }
        }
        writeln!(f, "  ops by kind (before -> after):")?;
        let kinds: std::collections::BTreeSet<&String> = self.ops_before.keys().chain(self.ops_after.keys()).collect();
        for kind in kinds.into_iter().filter(|k| k.as_str() != "func.return") {
            let (before, after) = (self.ops_before.get(kind).unwrap_or(&0), self.ops_after.get(kind).unwrap_or(&0));
            writeln!(f, "    {kind:<40} {before} -> {after}")?;
        }
        Ok(())
    }
}
