//! `nn-egraph-optimize`: fusion and layout selection by equality saturation (egg).
//!
//! Each `nn` function becomes an e-graph ([`convert`]), named rewrite rules ([`rules`]) saturate it
//! within a node and an iteration budget (never a wall-clock one, so runs are deterministic), the
//! cheapest equivalent graph under the target's cost model ([`cost`]) is extracted with DAG costs
//! ([`extract`]) and written back with the original locations fused. Constant subgraphs the rules
//! build (folded weights) are left for `fold-constants` to compute.
//!
//! Options: `node-limit=N`, `iter-limit=N`, `disable-rule=a,b`, `target=host|x86_64|aarch64`,
//! `explain=true` (print the [`Report`] to standard error), `lowerable-only=true` (offer only rules
//! whose ops the CPU lowering supports; `msc compile` sets it).

pub mod analysis;
pub mod convert;
pub mod cost;
pub mod extract;
pub mod lang;
pub mod report;
pub mod rules;

pub use report::Report;

use analysis::{NnAnalysis, NnEGraph};
use convert::Converted;
use cost::{CostModel, predict_latency_us};
use egg::{Runner, SimpleScheduler, StopReason};
use extract::CostFunction;
use msc_builtin::func;
use msc_ir::pass::{Pass, PassInfo, PassOptions};
use msc_ir::{Context, Diagnostic, OpId, Registry};
use rules::Rule;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub const INFO: PassInfo = PassInfo {
    name: "nn-egraph-optimize",
    summary: "Fuse ops and choose layouts by equality saturation and cost-model extraction",
    create: |options| Ok(Box::new(EGraphOptimize { options: Options::from_pass_options(options)? })),
};

/// How to run the optimizer.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub limits: Limits,
    /// Names of rules not to run.
    pub disabled_rules: Vec<String>,
    /// The target whose cost model decides: `host`, `x86_64`, `aarch64` (or a triple).
    pub target: String,
    /// Print the report to standard error.
    pub explain: bool,
    /// Offer only rules whose created ops the CPU lowering supports.
    pub lowerable_only: bool,
}

/// The bounds of one saturation run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub node_limit: usize,
    pub iter_limit: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { node_limit: 50_000, iter_limit: 16 }
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            limits: Limits::default(),
            disabled_rules: Vec::new(),
            target: "host".into(),
            explain: false,
            lowerable_only: false,
        }
    }
}

impl Options {
    pub fn from_pass_options(mut options: PassOptions) -> Result<Options, String> {
        let defaults = Options::default();
        let disabled: Option<String> = options.take("disable-rule")?;
        let parsed = Options {
            limits: Limits {
                node_limit: options.take("node-limit")?.unwrap_or(defaults.limits.node_limit),
                iter_limit: options.take("iter-limit")?.unwrap_or(defaults.limits.iter_limit),
            },
            disabled_rules: disabled.iter().flat_map(|d| d.split(',')).map(str::to_string).collect(),
            target: options.take("target")?.unwrap_or(defaults.target),
            explain: options.take("explain")?.unwrap_or(false),
            lowerable_only: options.take("lowerable-only")?.unwrap_or(false),
        };
        options.finish(INFO.name)?;
        parsed.check_rule_names()?;
        Ok(parsed)
    }

    /// Fails on a disabled rule name no rule has, listing the known ones.
    pub fn check_rule_names(&self) -> Result<(), String> {
        let known: Vec<&str> = rules::all().iter().map(|r| r.name).collect();
        match self.disabled_rules.iter().find(|name| !known.contains(&name.as_str())) {
            Some(unknown) => Err(format!("unknown rule `{unknown}` (known rules: {})", known.join(", "))),
            None => Ok(()),
        }
    }

    /// The rules to run: every rule not disabled whose created ops exist in `registry` (and are
    /// lowerable, with `lowerable_only`).
    pub fn rules(&self, registry: &Registry) -> Result<Vec<&'static Rule>, String> {
        self.check_rule_names()?;
        let lowerable = crate::lower_to_kernel::supported_ops();
        let available = |op: &&str| registry.op(op).is_some() && (!self.lowerable_only || lowerable.contains(op));
        Ok(rules::all()
            .into_iter()
            .filter(|r| !self.disabled_rules.iter().any(|d| d == r.name))
            .filter(|r| r.creates.iter().all(available))
            .collect())
    }
}

struct EGraphOptimize {
    options: Options,
}

impl Pass for EGraphOptimize {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, ctx: &mut Context, op: OpId) -> Result<(), Vec<Diagnostic>> {
        let reports = optimize(ctx, op, &self.options).map_err(|e| vec![Diagnostic::at(ctx, op, e)])?;
        if self.options.explain {
            for report in reports {
                eprint!("{report}");
            }
        }
        Ok(())
    }
}

/// Optimizes `op` if it is a `func.func`, else every `func.func` directly inside it.
pub fn optimize(ctx: &mut Context, op: OpId, options: &Options) -> Result<Vec<Report>, String> {
    let functions: Vec<OpId> = if ctx.op(op).name() == func::FUNC.name {
        vec![op]
    } else {
        let body = msc_builtin::body(ctx, op);
        ctx.block_ops(body).filter(|&f| ctx.op(f).name() == func::FUNC.name).collect()
    };
    let rules = options.rules(ctx.registry())?;
    let model = CostModel::for_target(&options.target)?;
    functions.into_iter().map(|f| optimize_function(ctx, f, &rules, options.limits, &model)).collect()
}

/// Runs `rules` on the `func.func` op `func_op` and writes back the cheapest graph under `model`.
pub fn optimize_function(
    ctx: &mut Context,
    func_op: OpId,
    rules: &[&'static Rule],
    limits: Limits,
    model: &CostModel,
) -> Result<Report, String> {
    let start = Instant::now();
    let mut report = Report {
        function: ctx.op(func_op).string("sym_name").unwrap_or_default(),
        ops_before: report::count_ops(ctx, func_op),
        predicted_before_us: predict_latency_us(ctx, func_op, model),
        target: model.target.to_string(),
        ..Report::default()
    };
    let mut converted = match convert::to_egraph(ctx, func_op) {
        Ok(converted) => converted,
        Err(why) => {
            report.skipped = Some(why);
            return Ok(report);
        }
    };
    converted.egraph.analysis.blocked_layout_k = model.calibration.blocked_layout_k;
    let saturation = saturate(&mut converted, rules, limits);
    let new_ops = extract_and_write_back(ctx, func_op, &converted, model, &mut report)?;
    report.rules_fired = saturation.fired;
    report.nodes = saturation.nodes;
    report.classes = saturation.classes;
    report.iterations = saturation.iterations;
    report.stop_reason = saturation.stop_reason;
    report.conv_layouts = report::conv_layouts(ctx, &new_ops);
    report.ops_after = report::count_ops(ctx, func_op);
    report.predicted_after_us = predict_latency_us(ctx, func_op, model);
    report.time = start.elapsed();
    Ok(report)
}

/// Extracts the cheapest graph of `converted` under `cost` and writes it into `func_op`; returns
/// the new ops.
pub fn extract_and_write_back(
    ctx: &mut Context,
    func_op: OpId,
    converted: &Converted,
    cost: &dyn CostFunction,
    report: &mut Report,
) -> Result<Vec<OpId>, String> {
    let roots = converted.canonical_roots();
    let extraction = extract::extract(&converted.egraph, &roots, cost)
        .ok_or("extraction found no acyclic graph for the function's results: this is a bug in a rule")?;
    report.extraction = Some(extraction.method);
    converted.write_back(ctx, func_op, &extraction)
}

/// What a saturation run did.
pub struct Saturation {
    /// Rules that changed the e-graph, with how many times.
    pub fired: BTreeMap<&'static str, usize>,
    pub iterations: usize,
    /// `saturated`, `iteration limit (N)`, `node limit (N)`, ...
    pub stop_reason: String,
    pub nodes: usize,
    pub classes: usize,
}

/// Runs `rules` on the e-graph of `converted` until saturation or a limit.
pub fn saturate(converted: &mut Converted, rules: &[&'static Rule], limits: Limits) -> Saturation {
    let registry = converted.egraph.analysis.registry.clone();
    let placeholder = || NnEGraph::new(NnAnalysis::new(registry.clone(), vec![], 0));
    let egraph = std::mem::replace(&mut converted.egraph, placeholder());
    let rewrites: Vec<_> = rules.iter().map(|r| rules::rewrite(r)).collect();
    let mut runner: Runner<_, _, ()> = Runner::new(placeholder().analysis)
        .with_egraph(egraph)
        .with_node_limit(limits.node_limit)
        .with_iter_limit(limits.iter_limit)
        // Bounds are node and iteration counts only: a wall-clock limit would make results depend
        // on the machine's load.
        .with_time_limit(Duration::MAX)
        .with_scheduler(SimpleScheduler)
        .run(&rewrites);
    runner.egraph.rebuild();
    let mut fired: BTreeMap<&'static str, usize> = BTreeMap::new();
    for iteration in &runner.iterations {
        for (name, &n) in &iteration.applied {
            if let Some(rule) = rules.iter().find(|r| r.name == name.as_str())
                && n > 0
            {
                *fired.entry(rule.name).or_insert(0) += n;
            }
        }
    }
    let stop_reason = match &runner.stop_reason {
        Some(StopReason::Saturated) => "saturated".to_string(),
        Some(StopReason::IterationLimit(n)) => format!("iteration limit ({n})"),
        Some(StopReason::NodeLimit(n)) => format!("node limit ({n})"),
        Some(StopReason::TimeLimit(_)) => "time limit".to_string(),
        Some(StopReason::Other(why)) => why.clone(),
        None => "not run".to_string(),
    };
    let saturation = Saturation {
        fired,
        iterations: runner.iterations.len(),
        stop_reason,
        nodes: runner.egraph.total_size(),
        classes: runner.egraph.number_of_classes(),
    };
    converted.egraph = runner.egraph;
    saturation
}
