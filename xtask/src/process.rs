//! Helpers shared by xtask commands: argument checks, workspace paths, and running processes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Fails if a command that takes no arguments was given some.
pub fn no_arguments(command: &str, args: &[String]) -> Result<(), String> {
    match args.first() {
        None => Ok(()),
        Some(arg) => Err(format!("`{command}` takes no arguments, got `{arg}`")),
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace")
}

/// Where xtask keeps generated data (the Python venv, generated test cases): always the
/// workspace's `target/`, whatever `CARGO_TARGET_DIR` says, so every build directory shares one
/// venv and one copy of the data.
pub fn data_dir(name: &str) -> PathBuf {
    workspace_root().join("target").join(name)
}

/// Runs `command`, echoing it as `shown` first and its duration after; fails unless it exits
/// successfully.
pub fn run(command: &mut Command, shown: &str) -> Result<(), String> {
    println!("==> {shown}");
    let start = Instant::now();
    let status = command.status().map_err(|err| format!("could not start `{shown}`: {err}"))?;
    println!("    ({:.1}s)", start.elapsed().as_secs_f64());
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
}

/// Runs `cargo ARGS` in the workspace root, echoing the command first.
///
/// Uses the cargo that launched xtask (`$CARGO`) so toolchain overrides carry over.
pub fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(cargo).args(args).current_dir(workspace_root()), &format!("cargo {}", args.join(" ")))
}

/// The CPU's model name from `/proc/cpuinfo`, or `unknown CPU`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().into())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
