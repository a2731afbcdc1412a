//! `msc run`: run a model once on inputs from `.npy`/`.npz` files (or random ones), print a short
//! summary of each output, and optionally save the outputs as `.npy` files.

use clap::Args;
use msc::npy;
use msc::runtime::{DType, Tensor};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    about = "Run a model (.ms artefact, or a model file compiled for this machine) once",
    after_help = "Examples:\n  \
        msc run model.ms --input input=image.npy\n  \
        msc run model.ms --input inputs.npz --output-dir out/   # arrays named after the inputs\n  \
        msc run model.onnx                                        # random inputs\n\n\
        Running a .ms file runs its native code: only run artefacts you built or trust."
)]
pub struct RunArgs {
    /// The model: a `.ms` artefact or a model file (compiled in process for this machine).
    model: PathBuf,
    /// An input: `NAME=FILE.npy`, or an `.npz` file whose arrays are named after the inputs
    /// (repeatable). Inputs not given are random.
    #[arg(long, value_name = "NAME=FILE")]
    input: Vec<String>,
    /// Write each output to DIR/<output name>.npy.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Threads for intra-op parallelism.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Fix an input's shape before compiling a model file (repeatable).
    #[arg(long, value_name = "NAME=SHAPE", value_parser = super::parse_input_shape)]
    input_shape: Vec<(String, Vec<i64>)>,
    /// Freeze an input to the array in a `.npy` file, e.g. `shape=shape.npy` (repeatable): it becomes a
    /// constant, so the shapes it decides are static, and is no longer an input.
    #[arg(long, value_name = "NAME=FILE", value_parser = super::parse_frozen_input)]
    freeze_input: Vec<(String, msc_nn_kernels::Tensor)>,
    /// Seed of the random inputs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

pub fn run(args: RunArgs) -> Result<ExitCode, String> {
    let session = super::open_session(&args.model, args.threads, &args.input_shape, &args.freeze_input)?;
    let mut given: Vec<(String, Tensor)> = Vec::new();
    for spec in &args.input {
        match spec.split_once('=') {
            Some((name, file)) => {
                let mut arrays = npy::read_file(file.as_ref())?;
                if arrays.len() != 1 {
                    return Err(format!("error: {file} holds {} arrays; give NAME=FILE.npy", arrays.len()));
                }
                given.push((name.to_string(), arrays.remove(0).1));
            }
            None => given.extend(npy::read_file(spec.as_ref())?),
        }
    }
    let missing: Vec<_> =
        session.inputs().iter().filter(|i| !given.iter().any(|(n, _)| *n == i.name)).cloned().collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|i| i.name.as_str()).collect();
        eprintln!("msc run: random values for input(s) {} (seed {})", names.join(", "), args.seed);
        given.extend(super::random_inputs(&missing, args.seed)?);
    }
    let inputs: Vec<(&str, &Tensor)> = given.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let outputs = session.run(&inputs).map_err(|e| format!("error: {e}"))?;
    if let Some(dir) = &args.output_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    }
    for (name, tensor) in &outputs {
        println!("{}", describe(name, tensor));
        if let Some(dir) = &args.output_dir {
            let file = dir.join(format!("{}.npy", sanitize(name)));
            let bytes = npy::to_bytes(tensor).map_err(|e| format!("error: output {name}: {e}"))?;
            std::fs::write(&file, bytes).map_err(|e| format!("error: cannot write {}: {e}", file.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A file name for an output name (path separators and odd characters become `_`).
fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect()
}

/// `name: f32[1, 1000] min -3.2 max 4.1 mean 0.01  [0.12, -0.5, ...]`.
pub fn describe(name: &str, t: &Tensor) -> String {
    let head = format!("{name}: {}{:?}", t.dtype().name(), t.shape());
    let values: Option<Vec<f64>> = match t.dtype() {
        DType::I8 | DType::U8 | DType::I16 | DType::I32 | DType::I64 | DType::Bool => {
            integers(t).map(|v| v.into_iter().map(|x| x as f64).collect())
        }
        _ => t.to_f32_vec().map(|v| v.into_iter().map(f64::from).collect()),
    };
    let Some(values) = values.filter(|v| !v.is_empty()) else { return head };
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let first: Vec<String> = values.iter().take(6).map(|v| format!("{v:.6}")).collect();
    let more = if values.len() > 6 { ", ..." } else { "" };
    format!("{head}  min {min:.6} max {max:.6} mean {mean:.6}  [{}{more}]", first.join(", "))
}

fn integers(t: &Tensor) -> Option<Vec<i64>> {
    Some(match t.dtype() {
        DType::I8 => t.to_vec::<i8>().ok()?.into_iter().map(i64::from).collect(),
        DType::U8 => t.to_vec::<u8>().ok()?.into_iter().map(i64::from).collect(),
        DType::I16 => t.to_vec::<i16>().ok()?.into_iter().map(i64::from).collect(),
        DType::I32 => t.to_vec::<i32>().ok()?.into_iter().map(i64::from).collect(),
        DType::I64 => t.to_vec::<i64>().ok()?,
        DType::Bool => t.to_vec::<bool>().ok()?.into_iter().map(i64::from).collect(),
        _ => return None,
    })
}
