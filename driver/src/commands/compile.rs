//! `msc compile`: a model in, a `.ms` artefact (and optionally an object file) out, with a
//! one-screen summary of what the compiler did.

use clap::Args;
use msc::compile::{CompileOptions, Summary, compile_file};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
#[command(
    about = "Compile a model to a .ms artefact for a CPU target",
    after_help = "Examples:\n  \
        msc compile model.onnx -o model.ms                       # for this machine\n  \
        msc compile model.onnx -o model.ms --target arm64        # for aarch64 Linux\n  \
        msc compile model.onnx -o model.ms --input-shape input=1x3x224x224\n  \
        msc compile model.onnx -o model.ms --freeze-input sizes=sizes.npy   # a shape input as a constant\n  \
        msc compile model.onnx -o model.ms --target arm64 --emit-object model.o   # plus an ELF object\n  \
        msc compile model.onnx -o model.ms --explain --disable-rule fuse-conv-epilogue  # optimizer report\n\n\
        Targets: host, x86_64, arm64, aarch64, or a full triple such as aarch64-unknown-linux-gnu."
)]
pub struct CompileArgs {
    /// The model file: ONNX, TensorFlow frozen GraphDef (.pb) or MindIR (format read from the content).
    input: PathBuf,
    /// The artefact to write.
    #[arg(short, long)]
    output: PathBuf,
    /// The target: host, x86_64, arm64/aarch64 or a triple.
    #[arg(long, default_value = "host")]
    target: String,
    /// Fix an input's shape, e.g. `input=1x3x224x224` (repeatable); every shape must end up static.
    #[arg(long, value_name = "NAME=SHAPE", value_parser = super::parse_input_shape)]
    input_shape: Vec<(String, Vec<i64>)>,
    /// Freeze an input to the array in a `.npy` file, e.g. `shape=shape.npy` (repeatable): it becomes a
    /// constant, so the shapes it decides are static, and is no longer an input.
    #[arg(long, value_name = "NAME=FILE", value_parser = super::parse_frozen_input)]
    freeze_input: Vec<(String, msc_nn_kernels::Tensor)>,
    /// Print the IR after every pass (to standard error).
    #[arg(long)]
    print_ir_after_all: bool,
    /// Print a pass timing report.
    #[arg(long)]
    time_passes: bool,
    /// Also write an ELF object file with the kernels, the weights and `msc_model_run` (the whole model then
    /// compiles to generated code, without the runtime's GEMM engine).
    #[arg(long, value_name = "FILE")]
    emit_object: Option<PathBuf>,
    /// Store the lowered IR in the artefact (for inspection).
    #[arg(long)]
    embed_ir: bool,
    /// The model's format, when its content does not tell.
    #[arg(long, value_enum)]
    framework: Option<msc::formats::Framework>,
    /// Print what the e-graph optimizer did: rules fired, conv layouts, ops before and after.
    #[arg(long)]
    explain: bool,
    /// Do not run this e-graph rule (repeatable; `msc opt --nn-egraph-optimize` lists them on a typo).
    #[arg(long, value_name = "NAME")]
    disable_rule: Vec<String>,
    /// Skip the e-graph optimizer (fusion and layout selection).
    #[arg(long)]
    no_egraph: bool,
    /// Stop saturating the e-graph at this many nodes.
    #[arg(long, value_name = "N")]
    egraph_node_limit: Option<usize>,
    /// Stop saturating the e-graph after this many iterations.
    #[arg(long, value_name = "N")]
    egraph_iter_limit: Option<usize>,
}

pub fn run(args: CompileArgs) -> Result<ExitCode, String> {
    let options = CompileOptions {
        target: args.target.clone(),
        input_shapes: args.input_shape.clone(),
        frozen_inputs: args.freeze_input.clone(),
        framework: args.framework,
        print_ir_after_all: args.print_ir_after_all,
        time_passes: args.time_passes,
        embed_ir: args.embed_ir,
        standalone_code: args.emit_object.is_some(),
        egraph: !args.no_egraph,
        disabled_rules: args.disable_rule.clone(),
        egraph_node_limit: args.egraph_node_limit,
        egraph_iter_limit: args.egraph_iter_limit,
    };
    let interactive = std::io::stderr().is_terminal();
    let mut progress = |phase: &str| {
        if interactive {
            eprint!("\r\x1b[2Kmsc compile: {phase}...");
            let _ = std::io::stderr().flush();
        }
    };
    let result = compile_file(&args.input, &options, &mut progress);
    if interactive {
        eprint!("\r\x1b[2K");
    }
    let compiled = result.map_err(|e| format!("error: {e}"))?;
    if args.explain {
        for report in &compiled.egraph_reports {
            eprint!("{report}");
        }
    }
    let bytes = compiled.artefact.to_bytes();
    std::fs::write(&args.output, &bytes).map_err(|e| format!("error: cannot write {}: {e}", args.output.display()))?;
    if let Some(object) = &args.emit_object {
        let m = &compiled.lowered;
        let name = m.ctx.op(m.func).string("sym_name").map_err(|e| format!("error: {e}"))?;
        let plan = &compiled.artefact.plan;
        let bytes = msc_cranelift::emit_object(
            &m.ctx,
            m.module,
            &name,
            &compiled.target,
            &plan.steps,
            &compiled.artefact.weights,
            plan.arena_size,
        )
        .map_err(|e| format!("error: {e}"))?;
        std::fs::write(object, bytes).map_err(|e| format!("error: cannot write {}: {e}", object.display()))?;
    }
    print!("{}", render(&args, &compiled.summary, bytes.len()));
    if let Some(report) = &compiled.summary.pass_timings {
        eprint!("{report}");
    }
    Ok(ExitCode::SUCCESS)
}

fn render(args: &CompileArgs, s: &Summary, file_size: usize) -> String {
    let saved = if s.intermediates_size > 0 {
        format!(", {:.0}% saved by reuse", 100.0 * (1.0 - s.arena_size as f64 / s.intermediates_size as f64))
    } else {
        String::new()
    };
    let phases: Vec<String> = s.phases.iter().map(|(name, d)| format!("{name} {}", duration(*d))).collect();
    let total: Duration = s.phases.iter().map(|(_, d)| *d).sum();
    let mut out = format!("compiled {} -> {} for {}\n", args.input.display(), args.output.display(), s.target);
    out += &format!("  ops      {} before optimization, {} after\n", s.ops_before, s.ops_after);
    out += &format!("  kernels  {} ({} vectorized loops)\n", s.kernels, s.vectorized_loops);
    out += &format!("  arena    {} (intermediates {}{saved})\n", bytes(s.arena_size), bytes(s.intermediates_size));
    out += &format!("  weights  {}\n", bytes(s.weights_size));
    out += &format!("  code     {}\n", bytes(s.code_size));
    out += &format!("  file     {}\n", bytes(file_size as u64));
    out += &format!("  time     {} ({})\n", duration(total), phases.join(", "));
    if let Some(object) = &args.emit_object {
        out += &format!("  object   {}\n", object.display());
    }
    out
}

/// `1.5 MiB`, `12 KiB`, `100 B`.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// `1.23s` or `45.6ms`.
pub fn duration(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 { format!("{:.2}s", d.as_secs_f64()) } else { format!("{:.1}ms", d.as_secs_f64() * 1e3) }
}
