//! The `msc` command-line tool: one subcommand per file under `commands/`.

mod commands;
mod diagnostics;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "msc",
    version,
    about = "msc: a neural-network compiler with an MLIR-like IR",
    after_help = "Examples:\n  msc compile model.onnx -o model.ms --target arm64\n  msc run model.ms --input x=img.npy\n  msc bench model.onnx --threads 2 --profile\n  msc opt model.mlir --pass-pipeline='builtin.module(canonicalize,cse)'\n  msc opt - --pass-pipeline='builtin.module(fold-constants)' < in.mlir\n  msc opt --list-passes\n  msc import model.onnx -o model.mlir\n  msc inspect model.onnx"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Compile(commands::compile::CompileArgs),
    Run(commands::run::RunArgs),
    Bench(commands::bench::BenchArgs),
    Opt(commands::opt::OptArgs),
    Import(commands::import::ImportArgs),
    Inspect(commands::inspect::InspectArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compile(args) => commands::compile::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Bench(args) => commands::bench::run(args),
        Command::Opt(args) => commands::opt::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Inspect(args) => commands::inspect::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
