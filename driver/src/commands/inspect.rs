//! `msc inspect`: a summary of a model (ONNX, TensorFlow GraphDef, MindIR) without importing it.

use clap::Args;
use msc::formats::{self, Framework};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    about = "Summarize a model (ONNX, TensorFlow GraphDef, MindIR): inputs/outputs, op histogram, parameters, unsupported ops",
    after_help = "Examples:\n  \
        msc inspect model.onnx\n  \
        msc inspect model.onnx --unsupported-only   # just the ops msc cannot import\n  \
        msc inspect frozen.pb\n  \
        msc inspect net.mindir"
)]
pub struct InspectArgs {
    /// The model file.
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
