//! The model formats msc imports (ONNX, TensorFlow frozen GraphDef, MindSpore MindIR): telling
//! them apart from a file's content (the extension only breaks a tie), and dispatching import and
//! inspect to their frontends.

use crate::Error;
use msc_frontend::UnsupportedReport;
use msc_ir::ElementType;
use msc_nn_kernels::Tensor as HostTensor;
use msc_runtime::Tensor;
use std::path::Path;

/// A model format, as `--framework` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    Onnx,
    Tf,
    Mindir,
}

/// An imported model, whatever its format: the context, the module, its one function and the
/// framework's names of the function's inputs and outputs.
pub struct Model {
    pub ctx: msc_ir::Context,
    pub module: msc_ir::OpId,
    pub func: msc_ir::OpId,
    pub input_names: Vec<String>,
    pub output_names: Vec<String>,
}

/// The format of the model in `path`: `forced` when given, else from the content: ONNX models
/// start with their `ir_version` varint (field 1, tag 0x08); MindIR models decode with MindSpore
/// as producer or a graph; GraphDefs decode with named nodes. The extension (`.onnx`, `.pb`,
/// `.mindir`) decides only when the content matches none of them. MindIR's schema descends from
/// ONNX's, so an ONNX file that does not start with `ir_version` (no known exporter writes one)
/// would pass for MindIR: `--framework onnx` forces it.
pub fn detect(path: &Path, forced: Option<Framework>) -> Result<Framework, String> {
    if let Some(framework) = forced {
        return Ok(framework);
    }
    let bytes = msc_frontend::map_file(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.first() == Some(&0x08) {
        return Ok(Framework::Onnx);
    }
    if msc_mindir::looks_like_mindir(&bytes) {
        return Ok(Framework::Mindir);
    }
    if msc_tf::looks_like_graph_def(&bytes) {
        return Ok(Framework::Tf);
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("onnx") => Ok(Framework::Onnx),
        Some("pb") => Ok(Framework::Tf),
        Some("mindir") => Ok(Framework::Mindir),
        _ => Err(format!(
            "cannot tell the format of {} from its content or extension; give it with --framework onnx|tf|mindir",
            path.display()
        )),
    }
}

/// Imports `path` with the frontend of `framework`; `input_shapes` override input shapes by name,
/// and each of `frozen_inputs` becomes a constant of the given value (leaving the signature).
/// Unsupported ops are an [`Error::UnsupportedOp`] naming all of them, other failures an
/// [`Error::Import`].
pub fn import(
    path: &Path,
    framework: Framework,
    input_shapes: Vec<(String, Vec<i64>)>,
    frozen_inputs: &[(String, HostTensor)],
) -> Result<Model, Error> {
    let fail = |unsupported: bool, e: &dyn std::fmt::Display| {
        let message = format!("{}: {e}", path.display());
        if unsupported { Error::UnsupportedOp(message) } else { Error::Import(message) }
    };
    let frozen_inputs = frozen_inputs.to_vec();
    Ok(match framework {
        Framework::Onnx => {
            let m = msc_onnx::import_file(path, &msc_onnx::ImportOptions { input_shapes, frozen_inputs })
                .map_err(|e| fail(matches!(e, msc_onnx::ImportError::Unsupported(_)), &e))?;
            Model {
                ctx: m.ctx,
                module: m.module,
                func: m.func,
                input_names: m.input_names,
                output_names: m.output_names,
            }
        }
        Framework::Tf => {
            let options = msc_tf::ImportOptions { input_shapes, frozen_inputs, ..Default::default() };
            let m = msc_tf::import_file(path, &options)
                .map_err(|e| fail(matches!(e, msc_tf::ImportError::Unsupported(_)), &e))?;
            Model {
                ctx: m.ctx,
                module: m.module,
                func: m.func,
                input_names: m.input_names,
                output_names: m.output_names,
            }
        }
        Framework::Mindir => {
            let m = msc_mindir::import_file(path, &msc_mindir::ImportOptions { input_shapes, frozen_inputs })
                .map_err(|e| fail(matches!(e, msc_mindir::ImportError::Unsupported(_)), &e))?;
            Model {
                ctx: m.ctx,
                module: m.module,
                func: m.func,
                input_names: m.input_names,
                output_names: m.output_names,
            }
        }
    })
}

/// The `msc inspect` summary of `path` and its unsupported ops.
pub fn summarize(path: &Path, framework: Framework) -> Result<(String, UnsupportedReport), String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    Ok(match framework {
        Framework::Onnx => {
            let s = msc_onnx::summarize(path).map_err(|e| fail(&e))?;
            (s.to_string(), s.unsupported)
        }
        Framework::Tf => {
            let s = msc_tf::summarize(path).map_err(|e| fail(&e))?;
            (s.to_string(), s.unsupported)
        }
        Framework::Mindir => {
            let s = msc_mindir::summarize(path).map_err(|e| fail(&e))?;
            (s.to_string(), s.unsupported)
        }
    })
}

/// A runtime tensor as the host tensor the frontends take (a frozen input's value).
pub fn host_tensor(t: &Tensor) -> Result<HostTensor, Error> {
    let fail = |e: String| Error::Usage(format!("cannot convert a {} tensor: {e}", t.dtype().name()));
    let element = ElementType::ALL
        .into_iter()
        .find(|&e| crate::compile::dtype(e) == t.dtype())
        .ok_or_else(|| fail("no IR element type".into()))?;
    let data =
        msc_nn_kernels::Data::from_le_bytes(msc_nn::interp::dtype(element), t.as_bytes()).map_err(|e| fail(e.0))?;
    HostTensor::new(t.shape().to_vec(), data).map_err(|e| fail(e.0))
}

/// A host tensor (the reference interpreter's) as a runtime tensor.
pub fn runtime_tensor(t: &HostTensor) -> Result<Tensor, Error> {
    let fail = |e: String| Error::Usage(format!("cannot convert a {:?} tensor: {e}", t.dtype()));
    let element = ElementType::ALL
        .into_iter()
        .find(|&e| msc_nn::interp::dtype(e) == t.dtype())
        .ok_or_else(|| fail("no IR element type".into()))?;
    Tensor::from_bytes(crate::compile::dtype(element), t.shape(), &t.data().to_le_bytes())
        .map_err(|e| fail(e.to_string()))
}
