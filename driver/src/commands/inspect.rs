//! `msc inspect`: a summary of a model (ONNX, TensorFlow GraphDef, MindIR) without importing it, or of a
//! compiled `.ms` artefact.

use clap::Args;
use msc::formats::{self, Framework};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    about = "Summarize a model (ONNX, TensorFlow GraphDef, MindIR): inputs/outputs, op histogram, parameters, unsupported ops; \
             or a compiled .ms artefact: target, signature, sizes, steps by op type",
    after_help = "Examples:\n  \
        msc inspect model.onnx\n  \
        msc inspect model.onnx --unsupported-only   # just the ops msc cannot import\n  \
        msc inspect frozen.pb\n  \
        msc inspect net.mindir\n  \
        msc inspect model.ms                        # a compiled artefact"
)]
pub struct InspectArgs {
    /// The model file, or a `.ms` artefact (recognized by its content).
    input: PathBuf,
    /// The model's format (default: detected from the file's content).
    #[arg(long, value_enum)]
    framework: Option<Framework>,
    /// Print only the unsupported ops (nothing when all are supported).
    #[arg(long)]
    unsupported_only: bool,
}

pub fn run(args: InspectArgs) -> Result<ExitCode, String> {
    let error = |e: String| format!("error: {e}");
    if msc::is_artefact(&args.input).map_err(|e| error(e.to_string()))? {
        if args.unsupported_only || args.framework.is_some() {
            return Err(error(format!(
                "{} is a compiled .ms artefact: --unsupported-only and --framework apply to models",
                args.input.display()
            )));
        }
        print!("{}", msc::artefact::summarize(&args.input).map_err(error)?);
        return Ok(ExitCode::SUCCESS);
    }
    let framework = formats::detect(&args.input, args.framework).map_err(error)?;
    let (summary, unsupported) = formats::summarize(&args.input, framework).map_err(error)?;
    if args.unsupported_only {
        for op in &unsupported.ops {
            println!("{op}");
        }
    } else {
        print!("{summary}");
    }
    Ok(ExitCode::SUCCESS)
}
