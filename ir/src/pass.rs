//! Passes, the pass registry, textual pipelines and the pass manager with its instrumentation
//! (`--print-ir-after-all`, `--print-ir-after=<pass>`, `--time-passes`, verification after each
//! pass).
//!
//! Pipelines are strings in MLIR's syntax: `builtin.module(func.func(canonicalize, cse), dce)`.
//! `op.name(...)` runs the nested pipeline on every op of that name directly inside the current
//! op; a bare list runs on the op the manager is given. Options: `canonicalize{max-iterations=3}`.
//! The registry is open: code outside the workspace registers passes with [`PassRegistry::register`].

use crate::context::{Context, OpId};
use crate::diagnostic::Diagnostic;
use crate::printer::{PrintOptions, print_op};
use crate::verifier::verify;
use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

/// A transformation of the IR nested under one op.
pub trait Pass {
    /// The pass's registered name (its flag without dashes), e.g. `canonicalize`.
    fn name(&self) -> &'static str;

    /// Transforms the IR under `op`. Errors name what went wrong; ops they concern carry locations.
    fn run(&mut self, ctx: &mut Context, op: OpId) -> Result<(), Vec<Diagnostic>>;
}

/// `key=value` options given to a pass in a pipeline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassOptions {
    values: BTreeMap<String, String>,
}

impl PassOptions {
    /// Parses `key=value key2=value2` (also `,`-separated). A value may be a comma-separated
    /// list: in `disable-rule=a,b x=1`, `b` has no `=` and so continues the value of `disable-rule`.
    pub fn parse(text: &str) -> Result<PassOptions, String> {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let mut last_key: Option<String> = None;
        for item in text.split([' ', ',']).filter(|s| !s.is_empty()) {
            match (item.split_once('='), &last_key) {
                (Some((k, v)), _) => {
                    values.insert(k.to_string(), v.to_string());
                    last_key = Some(k.to_string());
                }
                (None, Some(k)) => {
                    let value = values.get_mut(k).expect("the last key has a value");
                    value.push(',');
                    value.push_str(item);
                }
                (None, None) => return Err(format!("option `{item}` must be written key=value")),
            }
        }
        Ok(PassOptions { values })
    }

    /// Takes an option, parsed as `T`.
    pub fn take<T: std::str::FromStr>(&mut self, key: &str) -> Result<Option<T>, String> {
        self.values
            .remove(key)
            .map(|v| v.parse().map_err(|_| format!("option `{key}` has invalid value `{v}`")))
            .transpose()
    }

    /// Fails if any option was not taken: unknown options are errors, not silently ignored.
    pub fn finish(self, pass: &str) -> Result<(), String> {
        match self.values.keys().next() {
            None => Ok(()),
            Some(k) => Err(format!("pass `{pass}` has no option `{k}`")),
        }
    }
}

/// How to create a registered pass.
#[derive(Clone, Copy)]
pub struct PassInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub create: fn(PassOptions) -> Result<Box<dyn Pass>, String>,
}

/// All passes known by name.
#[derive(Default, Clone)]
pub struct PassRegistry {
    passes: BTreeMap<&'static str, PassInfo>,
}

impl PassRegistry {
    pub fn new() -> PassRegistry {
        PassRegistry::default()
    }

    /// Adds a pass; a second pass with the same name is an error.
    pub fn register(&mut self, info: PassInfo) -> Result<(), String> {
        if self.passes.insert(info.name, info).is_some() {
            return Err(format!("pass `{}` is registered twice", info.name));
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&PassInfo> {
        self.passes.get(name)
    }

    /// Registered passes in name order.
    pub fn iter(&self) -> impl Iterator<Item = &PassInfo> {
        self.passes.values()
    }
}

/// One element of a pipeline.
enum Stage {
    Pass(Box<dyn Pass>),
    Nested { op_name: String, stages: Vec<Stage> },
}

/// Instrumentation switches.
#[derive(Clone, Debug, Default)]
pub struct Instrumentation {
    pub print_ir_after_all: bool,
    /// Pass names after which to print the IR.
    pub print_ir_after: Vec<String>,
    pub time_passes: bool,
    /// Run the verifier after every pass.
    pub verify_each: bool,
    pub print_options: PrintOptions,
}

/// Runs a parsed pipeline.
pub struct PassManager {
    root: Option<String>,
    stages: Vec<Stage>,
    instrumentation: Instrumentation,
    timings: Vec<(String, Duration)>,
}

impl PassManager {
    /// Parses `pipeline` against the registry. An outermost `op.name(...)` names the op the
    /// pipeline must be run on.
    pub fn parse(
        registry: &PassRegistry,
        pipeline: &str,
        instrumentation: Instrumentation,
    ) -> Result<PassManager, String> {
        let mut parser = PipelineParser { text: pipeline, pos: 0, registry };
        let mut stages = parser.list()?;
        parser.skip_ws();
        if parser.pos != pipeline.len() {
            return Err(parser.error("unexpected text after the pipeline"));
        }
        let (root, stages) = match stages.pop() {
            Some(Stage::Nested { op_name, stages: inner }) if stages.is_empty() => (Some(op_name), inner),
            Some(last) => {
                stages.push(last);
                (None, stages)
            }
            None => (None, stages),
        };
        Ok(PassManager { root, stages, instrumentation, timings: Vec::new() })
    }

    /// Runs the pipeline on `op`; diagnostic output (IR dumps) goes to `out`.
    pub fn run(&mut self, ctx: &mut Context, op: OpId, out: &mut dyn Write) -> Result<(), Vec<Diagnostic>> {
        if let Some(root) = &self.root {
            let name = ctx.op(op).name();
            if name != root {
                return Err(vec![Diagnostic::at(
                    ctx,
                    op,
                    format!("the pipeline is anchored on '{root}' but was given a '{name}'"),
                )]);
            }
        }
        let mut stages = std::mem::take(&mut self.stages);
        let result = self.run_stages(&mut stages, ctx, op, out);
        self.stages = stages;
        result
    }

    fn run_stages(
        &mut self,
        stages: &mut [Stage],
        ctx: &mut Context,
        op: OpId,
        out: &mut dyn Write,
    ) -> Result<(), Vec<Diagnostic>> {
        for stage in stages {
            match stage {
                Stage::Nested { op_name, stages } => {
                    for child in children_named(ctx, op, op_name) {
                        self.run_stages(stages, ctx, child, out)?;
                    }
                }
                Stage::Pass(pass) => self.run_pass(pass.as_mut(), ctx, op, out)?,
            }
        }
        Ok(())
    }

    fn run_pass(
        &mut self,
        pass: &mut dyn Pass,
        ctx: &mut Context,
        op: OpId,
        out: &mut dyn Write,
    ) -> Result<(), Vec<Diagnostic>> {
        let name = pass.name();
        let start = Instant::now();
        let result = pass.run(ctx, op);
        if self.instrumentation.time_passes {
            self.timings.push((name.to_string(), start.elapsed()));
        }
        result.map_err(|mut errors| {
            errors.push(Diagnostic::global(format!("pass `{name}` failed")));
            errors
        })?;
        let inst = &self.instrumentation;
        if inst.print_ir_after_all || inst.print_ir_after.iter().any(|p| p == name) {
            let text = print_op(ctx, op, &inst.print_options);
            let _ = writeln!(out, "// -----// IR Dump After {name} //----- //\n{text}");
        }
        if inst.verify_each {
            verify(ctx, op).map_err(|mut errors| {
                errors.push(Diagnostic::global(format!(
                    "the IR is invalid after pass `{name}`: this is a bug in the pass"
                )));
                errors
            })?;
        }
        Ok(())
    }

    /// The timing report of everything run so far (empty unless timing was requested).
    pub fn timing_report(&self) -> String {
        let total: Duration = self.timings.iter().map(|(_, d)| *d).sum();
        let mut merged: Vec<(String, Duration)> = Vec::new();
        for (name, d) in &self.timings {
            match merged.iter_mut().find(|(n, _)| n == name) {
                Some((_, acc)) => *acc += *d,
                None => merged.push((name.clone(), *d)),
            }
        }
        let pct = |d: Duration| if total.is_zero() { 0.0 } else { 100.0 * d.as_secs_f64() / total.as_secs_f64() };
        let rule = "===-------------------------------------------------------------------------===";
        let mut s = format!("{rule}\n                      ... Pass execution timing report ...\n{rule}\n");
        s += &format!(
            "  Total Execution Time: {:.4} seconds\n\n  ----Wall Time----  ----Name----\n",
            total.as_secs_f64()
        );
        for (name, d) in &merged {
            s += &format!("  {:>8.4} ({:>5.1}%)  {name}\n", d.as_secs_f64(), pct(*d));
        }
        s += &format!("  {:>8.4} (100.0%)  Total\n", total.as_secs_f64());
        s
    }
}

/// Ops named `name` directly inside `op`'s regions.
fn children_named(ctx: &Context, op: OpId, name: &str) -> Vec<OpId> {
    let mut out = Vec::new();
    for &region in ctx.op(op).regions() {
        for &block in ctx.region_blocks(region) {
            out.extend(ctx.block_ops(block).filter(|&c| ctx.op(c).name() == name));
        }
    }
    out
}

struct PipelineParser<'a> {
    text: &'a str,
    pos: usize,
    registry: &'a PassRegistry,
}

impl PipelineParser<'_> {
    fn error(&self, message: &str) -> String {
        format!(
            "invalid pass pipeline at column {}: {message}\n  {}\n  {}^",
            self.pos + 1,
            self.text,
            " ".repeat(self.pos)
        )
    }

    fn skip_ws(&mut self) {
        while self.text[self.pos..].starts_with(|c: char| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.text[self.pos..].chars().next()
    }

    fn name(&mut self) -> Result<&str, String> {
        self.skip_ws();
        let start = self.pos;
        let len = self.text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(self.text.len() - start);
        if len == 0 {
            return Err(self.error("expected a pass or op name"));
        }
        self.pos += len;
        Ok(&self.text[start..start + len])
    }

    /// `element (',' element)*`
    fn list(&mut self) -> Result<Vec<Stage>, String> {
        let mut stages = Vec::new();
        if matches!(self.peek(), None | Some(')')) {
            return Ok(stages);
        }
        loop {
            stages.push(self.element()?);
            if self.peek() != Some(',') {
                return Ok(stages);
            }
            self.pos += 1;
        }
    }

    fn element(&mut self) -> Result<Stage, String> {
        let name_start = self.pos;
        let name = self.name()?.to_string();
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let stages = self.list()?;
                if self.peek() != Some(')') {
                    return Err(self.error(&format!("expected ')' to close the pipeline nested on '{name}'")));
                }
                self.pos += 1;
                Ok(Stage::Nested { op_name: name, stages })
            }
            next => {
                let options = if next == Some('{') {
                    let end = self.text[self.pos..]
                        .find('}')
                        .ok_or_else(|| self.error("expected '}' to close the pass options"))?;
                    let body = &self.text[self.pos + 1..self.pos + end];
                    self.pos += end + 1;
                    PassOptions::parse(body).map_err(|e| self.error(&e))?
                } else {
                    PassOptions::default()
                };
                let Some(info) = self.registry.get(&name) else {
                    self.pos = name_start;
                    let known: Vec<&str> = self.registry.iter().map(|p| p.name).collect();
                    return Err(self.error(&format!("unknown pass `{name}` (registered passes: {})", known.join(", "))));
                };
                (info.create)(options).map(Stage::Pass).map_err(|e| self.error(&e))
            }
        }
    }
}
