//! `msc opt`: IR text in, IR text out, through a pass pipeline (like `mlir-opt`).

use crate::diagnostics::{Expectations, Reported};
use clap::{ArgAction, Args};
use msc_ir::pass::{Instrumentation, PassManager};
use msc_ir::printer::{LargeData, PrintOptions, print_op};
use msc_ir::{Context, parser, verifier};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    about = "Parse IR text, run a pass pipeline, print the result",
    after_help = "Examples:\n  \
        msc opt model.mlir --pass-pipeline='builtin.module(canonicalize,cse)'\n  \
        msc opt - < in.mlir                          # parse, verify and print\n  \
        msc opt tests.mlir --split-input-file --verify-diagnostics\n  \
        msc opt in.mlir --pass-pipeline='builtin.module(func.func(fold-constants),dce)' --print-ir-after-all --time-passes\n  \
        msc opt model.mlir --nn-egraph-optimize                  # fusion and layout selection\n  \
        msc opt --list-passes"
)]
pub struct OptArgs {
    /// Input file, or `-` for standard input.
    #[arg(default_value = "-")]
    input: String,
    /// The pass pipeline, e.g. `builtin.module(canonicalize,cse)`.
    #[arg(long, conflicts_with = "nn_egraph_optimize")]
    pass_pipeline: Option<String>,
    /// Shorthand for `--pass-pipeline='builtin.module(nn-egraph-optimize)'`.
    #[arg(long)]
    nn_egraph_optimize: bool,
    /// Output file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Treat `// -----` lines as separators between independent inputs.
    #[arg(long)]
    split_input_file: bool,
    /// Check the diagnostics against `// expected-error {{...}}` comments instead of printing IR.
    #[arg(long)]
    verify_diagnostics: bool,
    /// Print the IR after every pass (to standard error).
    #[arg(long)]
    print_ir_after_all: bool,
    /// Print the IR after the named pass (repeatable).
    #[arg(long, value_name = "PASS")]
    print_ir_after: Vec<String>,
    /// Report the time spent in each pass (to standard error).
    #[arg(long)]
    time_passes: bool,
    /// Verify the IR after every pass.
    #[arg(long, default_value_t = true, action = ArgAction::Set)]
    verify_each: bool,
    /// Verify the input before running the pipeline. `--verify-input=false` accepts input whose
    /// types are stale, e.g. after editing a function's input types for `shape-inference`; the
    /// pipeline's output is still verified after each pass (`--verify-each`).
    #[arg(long, default_value_t = true, action = ArgAction::Set)]
    verify_input: bool,
    /// Print large constants in full (as a resource section) instead of eliding them.
    #[arg(long)]
    print_large_constants: bool,
    /// Do not print op locations.
    #[arg(long)]
    no_locations: bool,
    /// List the registered passes and exit.
    #[arg(long)]
    list_passes: bool,
}

pub fn run(args: OptArgs) -> Result<ExitCode, String> {
    let passes = msc::passes();
    if args.list_passes {
        for info in passes.iter() {
            println!("  {:<20} {}", info.name, info.summary);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (name, text) = read_input(&args.input)?;
    let chunks = if args.split_input_file {
        parser::split_input_file(&text)
    } else {
        vec![parser::Chunk { text: text.as_str(), first_line: 1 }]
    };
    let print_options = PrintOptions {
        large_data: if args.print_large_constants { LargeData::Resources } else { LargeData::Elide },
        print_locations: !args.no_locations,
        ..PrintOptions::default()
    };
    let mut outputs = Vec::new();
    let mut failed = false;
    let mut stderr = std::io::stderr();
    for chunk in &chunks {
        let reported = process(&args, &name, chunk, &print_options, &mut outputs);
        if args.verify_diagnostics {
            let expected = Expectations::parse(chunk.text, chunk.first_line);
            for problem in expected.check(&reported) {
                let _ = writeln!(stderr, "{name}:{problem}");
                failed = true;
            }
        } else {
            for problem in &reported {
                let _ = writeln!(stderr, "{}", problem.render(&name));
                failed = true;
            }
        }
    }
    if !args.verify_diagnostics {
        let joined = outputs.join("// -----\n");
        match &args.output {
            Some(path) => std::fs::write(path, joined).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            None => print!("{joined}"),
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn read_input(input: &str) -> Result<(String, String), String> {
    if input == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(("<stdin>".to_string(), text))
    } else {
        let text = std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))?;
        Ok((input.to_string(), text))
    }
}

/// Parses, verifies, transforms and prints one input chunk; returns every problem reported.
fn process(
    args: &OptArgs,
    name: &str,
    chunk: &parser::Chunk<'_>,
    print_options: &PrintOptions,
    outputs: &mut Vec<String>,
) -> Vec<Reported> {
    let mut ctx = Context::new(msc::dialects());
    let parsed = match parser::parse_chunk(&mut ctx, chunk, name) {
        Ok(parsed) => parsed,
        Err(e) => return vec![Reported::parse(&e)],
    };
    let lines = |diags: Vec<msc_ir::Diagnostic>| -> Vec<Reported> {
        diags
            .into_iter()
            .map(|d| Reported::diagnostic(&d, d.op.and_then(|op| parsed.position(op)).map(|(line, _)| line)))
            .collect()
    };
    let instrumentation = Instrumentation {
        print_ir_after_all: args.print_ir_after_all,
        print_ir_after: args.print_ir_after.clone(),
        time_passes: args.time_passes,
        verify_each: args.verify_each,
        print_options: *print_options,
    };
    let shorthand = args.nn_egraph_optimize.then(|| "builtin.module(nn-egraph-optimize)".to_string());
    let mut manager = match args.pass_pipeline.as_ref().or(shorthand.as_ref()) {
        Some(p) => match PassManager::parse(&msc::passes(), p, instrumentation) {
            Ok(m) => Some(m),
            Err(e) => return vec![Reported::message(e)],
        },
        None => None,
    };
    let mut text = String::new();
    for &op in &parsed.ops {
        if args.verify_input
            && let Err(diags) = verifier::verify(&ctx, op)
        {
            return lines(diags);
        }
        if let Some(manager) = manager.as_mut()
            && let Err(diags) = manager.run(&mut ctx, op, &mut std::io::stderr())
        {
            return lines(diags);
        }
        text += &print_op(&ctx, op, print_options);
        text.push('\n');
    }
    if let Some(manager) = manager.filter(|_| args.time_passes) {
        eprint!("{}", manager.timing_report());
    }
    outputs.push(text);
    Vec::new()
}
