//! `msc import`: an ONNX, TensorFlow GraphDef or MindIR model in, IR text out.

use clap::Args;
use msc::formats::{self, Framework};
use msc_ir::printer::{LargeData, PrintOptions, print_op};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    about = "Import a model (ONNX, TensorFlow frozen GraphDef, MindIR) into the nn dialect and print the IR",
    after_help = "Examples:\n  \
        msc import model.onnx                                   # print the IR, weights elided\n  \
        msc import model.onnx -o model.mlir --print-large-constants\n  \
        msc import model.onnx --input-shape input=1x3x224x224   # fix the input shape\n  \
        msc import model.onnx --input-shape ids=?x128            # '?' or -1 keeps a dim symbolic\n  \
        msc import frozen.pb --input-shape input:0=1x224x224x3   # TensorFlow: 'input' or 'input:0'\n  \
        msc import net.mindir                                   # MindSpore MindIR\n  \
        msc import model.bin --framework tf                     # the format is read from the content; force it"
)]
pub struct ImportArgs {
    /// The model file (external data and weight files are read from its directory).
    input: PathBuf,
    /// The model's format (default: detected from the file's content).
    #[arg(long, value_enum)]
    framework: Option<Framework>,
    /// Output file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Print large constants (weights) in full, as a resource section, instead of eliding them.
    #[arg(long)]
    print_large_constants: bool,
    /// Override an input's shape, e.g. `input=1x3x224x224` (repeatable; `?` or -1 keeps a dim).
    #[arg(long, value_name = "NAME=SHAPE", value_parser = super::parse_input_shape)]
    input_shape: Vec<(String, Vec<i64>)>,
    /// Freeze an input to the array in a `.npy` file, e.g. `shape=shape.npy` (repeatable): it becomes a
    /// constant, so the shapes it decides are static, and is no longer an input.
    #[arg(long, value_name = "NAME=FILE", value_parser = super::parse_frozen_input)]
    freeze_input: Vec<(String, msc_nn_kernels::Tensor)>,
    /// Do not print op locations.
    #[arg(long)]
    no_locations: bool,
}

pub fn run(args: ImportArgs) -> Result<ExitCode, String> {
    let error = |e: String| format!("error: {e}");
    let framework = formats::detect(&args.input, args.framework).map_err(error)?;
    let imported = formats::import(&args.input, framework, args.input_shape, &args.freeze_input)
        .map_err(|e| format!("error: {e}"))?;
    let print_options = PrintOptions {
        large_data: if args.print_large_constants { LargeData::Resources } else { LargeData::Elide },
        print_locations: !args.no_locations,
        ..PrintOptions::default()
    };
    let text = print_op(&imported.ctx, imported.module, &print_options) + "\n";
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
