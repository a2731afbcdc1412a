//! `cargo xtask <command>`: project automation written in Rust, std only.
//!
//! Each command lives in its own module and is listed once in [`COMMANDS`].

mod arm64;
mod bench;
mod calibrate;
mod ci;
mod onnx_case;
mod onnx_conformance;
mod onnx_fixtures;
mod process;
mod python;
mod test;

use std::process::ExitCode;

/// A subcommand: its name, a one-line summary for `help`, and its entry point,
/// which receives the arguments after the command name.
struct Command {
    name: &'static str,
    summary: &'static str,
    run: fn(&[String]) -> Result<(), String>,
}

const COMMANDS: &[Command] = &[
    Command {
        name: "ci",
        summary: "run the CI checks in order: fmt --check, clippy -D warnings, then `test`",
        run: ci::run,
    },
    Command {
        name: "test",
        summary: "run the whole test suite: cargo test --workspace, onnx-conformance --check (interp and cpu), onnx-fixtures",
        run: test::run,
    },
    Command {
        name: "onnx-conformance",
        summary: "[--check] [--filter SUBSTR] [--backend interp|kernel-interp|cpu|arm64] run the ONNX backend test suites; write the report and passing lists",
        run: onnx_conformance::run,
    },
    Command {
        name: "onnx-fixtures",
        summary: "check the ResNet/MobileNetV2/BERT-style fixture models against ONNX Runtime",
        run: onnx_fixtures::run,
    },
    Command {
        name: "bench",
        summary: "[--models a,b] [--threads 1,2] [--gemm-only|--models-only] [--quick] [--iterations K] [--warmup W] [--budget S] [--json PATH] GEMM and model latency: msc vs ONNX Runtime, tract, OpenBLAS",
        run: bench::run,
    },
    Command {
        name: "bench-worker",
        summary: "(run by `bench`) one msc measurement in its own process: compile MODEL INPUTS OUT.ms | run OUT.ms INPUTS THREADS WARMUP ITERATIONS BUDGET_S",
        run: bench::run_worker,
    },
    Command {
        name: "calibrate",
        summary: "[--check] measure the e-graph cost model's rates on this machine, rewrite passes/src/egraph/calibration/<arch>.txt, and compare predicted with measured latency on the fixtures",
        run: calibrate::run,
    },
    Command { name: "help", summary: "print this help", run: help },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = args.split_first() else {
        eprint!("{}", usage());
        return ExitCode::from(2);
    };
    let Some(command) = COMMANDS.iter().find(|c| c.name == name) else {
        eprintln!("xtask: error: unknown command `{name}`\n");
        eprint!("{}", usage());
        return ExitCode::from(2);
    };
    match (command.run)(rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn help(args: &[String]) -> Result<(), String> {
    process::no_arguments("help", args)?;
    print!("{}", usage());
    Ok(())
}

fn usage() -> String {
    let mut text = String::from("Usage: cargo xtask <command>\n\nCommands:\n");
    for command in COMMANDS {
        text.push_str(&format!("  {:<17} {}\n", command.name, command.summary));
    }
    text
}
