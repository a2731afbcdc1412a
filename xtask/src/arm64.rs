//! Runs a model compiled for aarch64 on this x86_64 machine: the ELF object `msc compile
//! --target arm64 --emit-object` produces is linked with a small C harness by
//! `aarch64-linux-gnu-gcc` and run under `qemu-aarch64` (user-mode emulation). Used by the
//! `arm64` backend of the ONNX harness (`onnx_case`).

use crate::onnx_case::{FailClass, Failure, from_runtime};
use crate::process;
use msc_nn_kernels::Tensor;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The C harness: reads the inputs from stdin, runs `msc_model_run`, writes the outputs.
const HARNESS: &str = "backends/cranelift/tests/aarch64/harness.c";
const GCC: &str = "aarch64-linux-gnu-gcc";
const QEMU: &str = "qemu-aarch64";
const SYSROOT: &str = "/usr/aarch64-linux-gnu";

/// A linked aarch64 executable of one model.
pub struct Program {
    exe: PathBuf,
    inputs: Vec<u64>,
    outputs: Vec<msc::runtime::TensorInfo>,
}

fn fail(message: impl Into<String>) -> Failure {
    Failure::new(FailClass::RunError, message)
}

impl Program {
    /// Emits the object of `compiled` (an aarch64 compilation of the case in `case_dir`) and links it.
    pub fn build(case_dir: &Path, compiled: &msc::compile::Compiled) -> Result<Program, Failure> {
        for tool in [GCC, QEMU] {
            if Command::new(tool).arg("--version").output().is_err() {
                return Err(fail(format!(
                    "`{tool}` not found: install gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user"
                )));
            }
        }
        let name = case_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let work = process::data_dir("arm64").join(name);
        std::fs::create_dir_all(&work).map_err(|e| fail(format!("cannot create {}: {e}", work.display())))?;
        let m = &compiled.lowered;
        let schedule = m.ctx.op(m.func).string("sym_name").map_err(fail)?;
        let plan = &compiled.artefact.plan;
        let object = msc_cranelift::emit_object(
            &m.ctx,
            m.module,
            &schedule,
            &compiled.target,
            &plan.steps,
            &compiled.artefact.weights,
            plan.arena_size,
        )
        .map_err(|e| fail(e.to_string()))?;
        let object_path = work.join("model.o");
        std::fs::write(&object_path, object)
            .map_err(|e| fail(format!("cannot write {}: {e}", object_path.display())))?;
        let exe = work.join("model");
        let harness = process::workspace_root().join(HARNESS);
        let status = Command::new(GCC)
            .arg("-O1")
            .arg(&harness)
            .arg(&object_path)
            .arg("-o")
            .arg(&exe)
            .status()
            .map_err(|e| fail(format!("cannot run {GCC}: {e}")))?;
        if !status.success() {
            return Err(fail(format!("{GCC} failed to link {}", object_path.display())));
        }
        let manifest = &compiled.artefact.manifest;
        let inputs = manifest.inputs.iter().map(|i| i.byte_size().unwrap_or(0)).collect();
        Ok(Program { exe, inputs, outputs: manifest.outputs.clone() })
    }

    /// Runs the program under qemu on `inputs` (in the model's input order).
    pub fn run(&self, inputs: &[msc::runtime::Tensor]) -> Result<Vec<Tensor>, Failure> {
        let mut args: Vec<String> = vec![self.inputs.len().to_string()];
        args.extend(self.inputs.iter().map(|n| n.to_string()));
        args.push(self.outputs.len().to_string());
        let sizes: Vec<u64> = self.outputs.iter().map(|o| o.byte_size().unwrap_or(0)).collect();
        args.extend(sizes.iter().map(|n| n.to_string()));
        let mut child = Command::new(QEMU)
            .args(["-L", SYSROOT])
            .arg(&self.exe)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("cannot run {QEMU}: {e}")))?;
        let mut stdin = child.stdin.take().ok_or_else(|| fail("no stdin"))?;
        let data: Vec<u8> = inputs.iter().flat_map(|t| t.as_bytes().to_vec()).collect();
        let writer = std::thread::spawn(move || stdin.write_all(&data));
        let out = child.wait_with_output().map_err(|e| fail(format!("{QEMU}: {e}")))?;
        writer.join().map_err(|_| fail("writer thread panicked"))?.map_err(|e| fail(format!("writing inputs: {e}")))?;
        if !out.status.success() {
            return Err(fail(format!("the aarch64 program failed: {}", String::from_utf8_lossy(&out.stderr))));
        }
        let mut at = 0usize;
        let mut tensors = Vec::new();
        for (info, size) in self.outputs.iter().zip(sizes) {
            let bytes = out.stdout.get(at..at + size as usize).ok_or_else(|| fail("the program wrote too little"))?;
            at += size as usize;
            let shape: Vec<usize> = info.shape.iter().map(|&d| d as usize).collect();
            let t = msc::runtime::Tensor::from_bytes(info.dtype, &shape, bytes).map_err(|e| fail(e.to_string()))?;
            tensors.push(from_runtime(&t)?);
        }
        Ok(tensors)
    }
}
