//! `cargo xtask test`: the whole test suite, as on a fresh machine: the Rust tests, then the ONNX
//! conformance check against the checked-in passing lists of the reference interpreter and of the
//! compiled CPU path, then the fixture models (interpreter, host CPU, aarch64 under qemu).
//!
//! `cargo test --workspace` alone needs no Python; the two ONNX steps make their pinned venv
//! under `target/python-venv` on first use (see [`crate::python`]).

use crate::{onnx_conformance, onnx_fixtures, process};

pub fn run(args: &[String]) -> Result<(), String> {
    process::no_arguments("test", args)?;
    process::cargo(&["test", "--workspace"])?;
    process::cargo(&["test", "-p", "msc", "--features", "ndarray", "--lib"])?;
    process::cargo(&["test", "-p", "msc", "--features", "ndarray", "--doc"])?;
    onnx_conformance::run(&["--check".to_string()])?;
    onnx_conformance::run(&["--check".to_string(), "--backend".to_string(), "cpu".to_string()])?;
    onnx_fixtures::run(&[])?;
    println!(
        "==> all tests passed: cargo test, ONNX conformance on the interpreter and the CPU backend (no regressions), ONNX fixtures"
    );
    Ok(())
}
