//! Runs one ONNX test case through the frontend and the reference interpreter and compares the
//! results with the expected outputs.
//!
//! A case is a directory in the layout of the ONNX backend tests: `model.onnx` and one or more
//! `test_data_set_<n>/` holding `input_<i>.pb` and `output_<i>.pb` (serialized TensorProtos).

use msc_nn_kernels::{DType, Tensor};
use msc_onnx::{ImportError, ImportOptions, import_file, read_tensor_file};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// How close an output must be to the expected one: `|actual - expected| <= atol + rtol * |expected|`
/// element-wise for floating-point outputs (NaN matches NaN); integer and boolean outputs must be
/// equal.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    pub rtol: f64,
    pub atol: f64,
}

/// Why a case failed, in the order of the stages a case goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailClass {
    /// The importer reported ops it does not support.
    UnsupportedOp,
    /// The case has inputs or outputs the harness cannot represent (sequences, optionals, maps,
    /// strings, element types the kernels lack).
    UnsupportedType,
    /// The importer (or reading the test data) failed otherwise.
    ImportError,
    /// The interpreter failed.
    RunError,
    /// The outputs differ from the expected ones.
    Mismatch,
    /// Something panicked: always a bug.
    Crash,
}

impl FailClass {
    pub const ALL: [FailClass; 6] = [
        FailClass::UnsupportedOp,
        FailClass::UnsupportedType,
        FailClass::ImportError,
        FailClass::RunError,
        FailClass::Mismatch,
        FailClass::Crash,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FailClass::UnsupportedType => "unsupported-type",
            FailClass::UnsupportedOp => "unsupported-op",
            FailClass::ImportError => "import-error",
            FailClass::RunError => "run-error",
            FailClass::Mismatch => "mismatch",
            FailClass::Crash => "crash",
        }
    }
}

/// A failed case: its class and what went wrong.
#[derive(Debug, Clone)]
pub struct Failure {
    pub class: FailClass,
    pub message: String,
}

impl Failure {
    pub fn new(class: FailClass, message: impl Into<String>) -> Failure {
        Failure { class, message: message.into() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class.name(), self.message)
    }
}

/// The largest deviation of one output from its expected value in one data set.
#[derive(Debug, Clone)]
pub struct OutputError {
    pub output: String,
    pub max_abs: f64,
    /// Over the elements whose expected value is non-zero.
    pub max_rel: f64,
}

/// What executes an imported model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The `nn` reference interpreter.
    Interp,
    /// `lower-to-kernel` and `plan-memory`, then the kernel-level interpreter: checks the lowering
    /// and the memory plan without machine code.
    KernelInterp,
    /// The whole compiler for this host (`msc::compile`), run by the runtime on two threads.
    Cpu,
    /// The whole compiler for aarch64: an ELF object linked with a C harness by
    /// `aarch64-linux-gnu-gcc` and run under `qemu-aarch64`; its outputs must also equal the host's
    /// compiled outputs within [`ARM64_VS_HOST`].
    Arm64,
}

/// How close the aarch64 outputs must be to the host's. They are not the same kernels: a linked
/// object has no runtime, so it runs loops where the host runs the GEMM engine, the depthwise routine
/// and Winograd, which sum in other orders (K blocks, vector lanes, transformed tiles); and the math
/// polynomials and FMA contraction round differently on the two ISAs. So the two agree to the
/// rounding of their dot products (the fixtures' own tolerance), not to the last bits.
pub const ARM64_VS_HOST: Tolerance = Tolerance { rtol: 1e-4, atol: 1e-5 };

impl Backend {
    pub fn parse(name: &str) -> Result<Backend, String> {
        match name {
            "interp" => Ok(Backend::Interp),
            "kernel-interp" => Ok(Backend::KernelInterp),
            "cpu" => Ok(Backend::Cpu),
            "arm64" => Ok(Backend::Arm64),
            other => Err(format!("unknown backend `{other}` (expected interp, kernel-interp, cpu or arm64)")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Interp => "interp",
            Backend::KernelInterp => "kernel-interp",
            Backend::Cpu => "cpu",
            Backend::Arm64 => "arm64",
        }
    }
}

/// What a passing case did.
#[derive(Debug, Clone, Default)]
pub struct Passed {
    /// The largest deviation of each output in each data set.
    pub errors: Vec<OutputError>,
    /// The inputs frozen to constants (the compiled backends freeze the inputs that decide shapes).
    pub frozen_inputs: Vec<String>,
}

/// Runs the case in `dir`: imports `model.onnx`, runs every data set through `backend` and
/// compares the outputs within `tolerance`. A panic anywhere is caught and reported as a
/// [`FailClass::Crash`].
///
/// The compiled backends need static shapes. They bind the inputs' shapes to the first data set's
/// (as a user would with `--input-shape`) and freeze, as `--freeze-input` would, exactly the inputs
/// whose values decide a shape ([`inputs_deciding_shapes`]) to each data set's values, compiling
/// once per distinct set of frozen values. The other inputs stay inputs.
pub fn run(dir: &Path, tolerance: Tolerance, backend: Backend) -> Result<Passed, Failure> {
    guarded(|| run_unguarded(dir, tolerance, backend))
}

/// Runs `case`, turning a panic into a [`FailClass::Crash`] with the panic's message and location.
fn guarded<T>(case: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    install_panic_hook();
    IN_CASE.set(true);
    let result = panic::catch_unwind(AssertUnwindSafe(case));
    IN_CASE.set(false);
    result.unwrap_or_else(|payload| {
        let message = LAST_PANIC.take().unwrap_or_else(|| panic_payload_text(payload.as_ref()));
        Err(Failure::new(FailClass::Crash, message))
    })
}

fn run_unguarded(dir: &Path, tolerance: Tolerance, backend: Backend) -> Result<Passed, Failure> {
    let import = |options: &ImportOptions| {
        import_file(&dir.join("model.onnx"), options).map_err(|err| {
            let class = if matches!(err, ImportError::Unsupported(_)) {
                FailClass::UnsupportedOp
            } else {
                FailClass::ImportError
            };
            Failure::new(class, err.to_string())
        })
    };
    let imported = import(&ImportOptions::default())?;
    let data_sets = data_sets(dir)?;
    let mut errors = Vec::new();
    if backend == Backend::Interp {
        for (data_set, data_dir) in data_sets.iter().enumerate() {
            let inputs = read_tensors(data_dir, "input")?;
            let actual = msc_nn::interp::run_function(&imported.ctx, imported.func, &inputs)
                .map_err(|err| Failure::new(FailClass::RunError, err.to_string()))?;
            let expected = read_tensors(data_dir, "output")?;
            check_outputs(&actual, &expected, &imported.output_names, tolerance, data_set, &mut errors)?;
        }
        return Ok(Passed { errors, frozen_inputs: Vec::new() });
    }
    let names = imported.input_names.clone();
    let first = match data_sets.first() {
        Some(first) => read_tensors(first, "input")?,
        None => Vec::new(),
    };
    let input_shapes: Vec<(String, Vec<i64>)> = names
        .iter()
        .zip(&first)
        .map(|(name, t)| (name.clone(), t.shape().iter().map(|&d| d as i64).collect()))
        .collect();
    // `frozen` indexes `names`; `values` holds every input of one data set.
    let options = |frozen: &[usize], values: &[Tensor]| ImportOptions {
        input_shapes: input_shapes.clone(),
        frozen_inputs: frozen.iter().filter_map(|&i| Some((names[i].clone(), values.get(i)?.clone()))).collect(),
    };
    // Freezing an input can make a further shape operand readable (one a shape function reads
    // only once an earlier one is constant), so repeat until no input decides a shape.
    let mut frozen: Vec<usize> = Vec::new();
    let mut imported = import(&options(&frozen, &first))?;
    loop {
        let more: Vec<usize> = inputs_deciding_shapes(&imported)
            .iter()
            .filter_map(|name| names.iter().position(|n| n == name))
            .filter(|i| !frozen.contains(i))
            .collect();
        if more.is_empty() || first.is_empty() {
            break;
        }
        frozen.extend(more);
        imported = import(&options(&frozen, &first))?;
    }
    let mut compiled: Option<(Vec<Tensor>, Executable)> = None;
    if data_sets.is_empty() {
        Executable::new(dir, imported, backend)?;
        return Ok(Passed::default());
    }
    let mut imported = Some(imported);
    for (data_set, data_dir) in data_sets.iter().enumerate() {
        let inputs = read_tensors(data_dir, "input")?;
        let frozen_values: Vec<Tensor> = frozen.iter().filter_map(|&i| inputs.get(i).cloned()).collect();
        if compiled.as_ref().is_none_or(|(values, _)| *values != frozen_values) {
            let model = match imported.take() {
                Some(model) => model,
                None => import(&options(&frozen, &inputs))?,
            };
            compiled = Some((frozen_values, Executable::new(dir, model, backend)?));
        }
        let (_, executable) = compiled.as_ref().expect("compiled just above");
        let fed: Vec<Tensor> =
            inputs.into_iter().enumerate().filter(|(i, _)| !frozen.contains(i)).map(|(_, t)| t).collect();
        let actual = executable.run(&fed, data_set)?;
        let expected = read_tensors(data_dir, "output")?;
        check_outputs(&actual, &expected, &executable.output_names, tolerance, data_set, &mut errors)?;
    }
    Ok(Passed { errors, frozen_inputs: frozen.iter().map(|&i| names[i].clone()).collect() })
}

/// The inputs of `imported` whose values decide the shape of a result: those reaching, through any
/// ops, an operand that the shape function of an op with a symbolic result dim reads as a value
/// ([`msc_ir::OpRef::shape_operands`]: reshape's `shape`, resize's `scales`, slice's `starts`, ...).
/// An input that reaches only operands whose types matter (the data) is not among them, nor one
/// reaching them only through values of symbolic shape (freezing the inputs that decide that shape
/// makes them static, and then their shapes fold to constants).
pub fn inputs_deciding_shapes(imported: &msc_onnx::Imported) -> Vec<String> {
    let ctx = &imported.ctx;
    let block = msc_builtin::body(ctx, imported.func);
    let arguments = ctx.block_args(block);
    let symbolic = |v: &msc_ir::Value| ctx.value_type(*v).as_tensor().is_some_and(|t| t.static_shape().is_none());
    let mut pending: Vec<msc_ir::Value> = ctx
        .walk(imported.func, msc_ir::WalkOrder::Pre)
        .into_iter()
        .map(|op| ctx.op(op))
        .filter(|op| op.results().iter().any(symbolic))
        .flat_map(|op| op.shape_operands())
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    while let Some(v) = pending.pop() {
        // A value of symbolic shape comes after another op deciding a shape: it is fixed by freezing
        // that op's inputs (in the next round), and its own values (the data) need not be frozen.
        if !seen.insert(v) || symbolic(&v) {
            continue;
        }
        if let Some(i) = arguments.iter().position(|&a| a == v) {
            found.push(i);
        } else if let Some(def) = ctx.defining_op(v) {
            pending.extend(ctx.op(def).operands());
        }
    }
    found.sort();
    found.into_iter().map(|i| imported.input_names[i].clone()).collect()
}

/// Compares one data set's outputs with the expected ones, recording each output's deviation.
fn check_outputs(
    actual: &[Tensor],
    expected: &[Tensor],
    names: &[String],
    tolerance: Tolerance,
    data_set: usize,
    errors: &mut Vec<OutputError>,
) -> Result<(), Failure> {
    if actual.len() != expected.len() {
        return Err(Failure::new(
            FailClass::Mismatch,
            format!("data set {data_set}: {} outputs, expected {}", actual.len(), expected.len()),
        ));
    }
    for (i, (actual, expected)) in actual.iter().zip(expected).enumerate() {
        let output = names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
        let (max_abs, max_rel) = compare(actual, expected, tolerance).map_err(|message| {
            Failure::new(FailClass::Mismatch, format!("data set {data_set}, output '{output}': {message}"))
        })?;
        errors.push(OutputError { output, max_abs, max_rel });
    }
    Ok(())
}

/// An imported model made ready for a backend other than the interpreter.
struct Executable {
    output_names: Vec<String>,
    kind: ExecutableKind,
}

enum ExecutableKind {
    /// Lowered to the kernel level, for the kernel-level interpreter: the module, the schedule
    /// function's name and its tensor signature before lowering.
    Lowered { ctx: msc_ir::Context, module: msc_ir::OpId, name: String, signature: msc_ir::FunctionType },
    /// Compiled with the whole compiler (see [`Backend::Cpu`] and [`Backend::Arm64`]).
    Compiled { session: Box<msc::runtime::Session>, arm64: Option<crate::arm64::Program> },
}

impl Executable {
    fn new(dir: &Path, mut imported: msc_onnx::Imported, backend: Backend) -> Result<Executable, Failure> {
        let output_names = imported.output_names.clone();
        if backend == Backend::KernelInterp {
            let (ctx, module) = (&mut imported.ctx, imported.module);
            let name = ctx.op(imported.func).string("sym_name").map_err(|e| Failure::new(FailClass::ImportError, e))?;
            let signature = msc_builtin::func::signature(ctx.op(imported.func))
                .map_err(|e| Failure::new(FailClass::ImportError, e))?;
            let text = |diagnostics: Vec<msc_ir::Diagnostic>| {
                diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
            };
            msc_passes::lower_to_kernel::lower_module(ctx, module, Default::default())
                .map_err(|d| Failure::new(FailClass::UnsupportedOp, text(d)))?;
            msc_passes::plan_memory::plan_module(ctx, module)
                .map_err(|d| Failure::new(FailClass::RunError, text(d)))?;
            let kind = ExecutableKind::Lowered { ctx: imported.ctx, module, name, signature };
            return Ok(Executable { output_names, kind });
        }
        let model = || msc::compile::Model {
            ctx: imported.ctx.clone(),
            module: imported.module,
            func: imported.func,
            input_names: imported.input_names.clone(),
            output_names: imported.output_names.clone(),
        };
        // The aarch64 program is a linked object without the runtime, so it carries code for every step.
        let compile = |target: &str| {
            let standalone_code = target == "arm64";
            let options = msc::compile::CompileOptions { target: target.into(), standalone_code, ..Default::default() };
            msc::compile::compile(model(), &options, &mut |_| {}).map_err(|e| {
                let class = match e {
                    msc::Error::UnsupportedOp(_) => FailClass::UnsupportedOp,
                    _ => FailClass::RunError,
                };
                Failure::new(class, e.to_string())
            })
        };
        let host = compile("host")?;
        let model = msc::runtime::Model::from_bytes(host.artefact.to_bytes(), msc::runtime::Trust::TrustedProducer)
            .map_err(|e| Failure::new(FailClass::RunError, e.to_string()))?;
        // Poisoned buffers: a step reading arena or output bytes that no step wrote fails the case.
        let session = msc::runtime::Session::new(model, 2)
            .map_err(|e| Failure::new(FailClass::RunError, e.to_string()))?
            .with_poisoned_buffers();
        let arm64 = match backend {
            Backend::Arm64 => Some(crate::arm64::Program::build(dir, &compile("arm64")?)?),
            _ => None,
        };
        Ok(Executable { output_names, kind: ExecutableKind::Compiled { session: Box::new(session), arm64 } })
    }

    /// Runs one data set's (unfrozen) inputs.
    fn run(&self, inputs: &[Tensor], data_set: usize) -> Result<Vec<Tensor>, Failure> {
        let (session, arm64) = match &self.kind {
            ExecutableKind::Lowered { ctx, module, name, signature } => {
                return run_lowered(ctx, *module, name, signature, inputs)
                    .map_err(|err| Failure::new(FailClass::RunError, err));
            }
            ExecutableKind::Compiled { session, arm64 } => (session, arm64),
        };
        let runtime_inputs: Vec<msc::runtime::Tensor> = inputs.iter().map(to_runtime).collect::<Result<_, _>>()?;
        let named: Vec<(&str, &msc::runtime::Tensor)> =
            session.model().inputs().iter().map(|i| i.name.as_str()).zip(runtime_inputs.iter()).collect();
        let outputs = session.run(&named).map_err(|e| Failure::new(FailClass::RunError, e.to_string()))?;
        let host: Vec<Tensor> = outputs.iter().map(|(_, t)| from_runtime(t)).collect::<Result<_, _>>()?;
        let Some(program) = arm64 else { return Ok(host) };
        let device = program.run(&runtime_inputs)?;
        for (i, (d, h)) in device.iter().zip(&host).enumerate() {
            compare(d, h, ARM64_VS_HOST).map_err(|message| {
                Failure::new(
                    FailClass::Mismatch,
                    format!("data set {data_set}, output {i}: aarch64 vs host: {message}"),
                )
            })?;
        }
        Ok(device)
    }
}

/// A reference-kernel tensor as a runtime tensor.
pub fn to_runtime(t: &Tensor) -> Result<msc::runtime::Tensor, Failure> {
    msc::formats::runtime_tensor(t).map_err(|e| Failure::new(FailClass::UnsupportedType, e.to_string()))
}

/// A runtime tensor as a reference-kernel tensor.
pub fn from_runtime(t: &msc::runtime::Tensor) -> Result<Tensor, Failure> {
    msc::formats::host_tensor(t).map_err(|e| Failure::new(FailClass::UnsupportedType, e.to_string()))
}

/// Runs lowered schedule function `name` on `inputs` with the kernel-level interpreter;
/// `signature` is the function's tensor signature before lowering.
fn run_lowered(
    ctx: &msc_ir::Context,
    module: msc_ir::OpId,
    name: &str,
    signature: &msc_ir::FunctionType,
    inputs: &[Tensor],
) -> Result<Vec<Tensor>, String> {
    let mut buffers: Vec<Vec<u8>> = inputs.iter().map(|t| t.data().to_le_bytes()).collect();
    let mut shapes = Vec::new();
    for ty in &signature.results {
        let memref = msc_passes::lower_to_kernel::memref_for(ty)?;
        buffers.push(vec![0; memref.size_in_bytes().ok_or("output too large")? as usize]);
        shapes.push((memref.shape.iter().map(|&d| d as usize).collect::<Vec<_>>(), memref.element));
    }
    msc_kernel::interp::run_program(ctx, module, name, &mut buffers)?;
    shapes
        .into_iter()
        .enumerate()
        .map(|(i, (shape, element))| {
            let bytes = &buffers[inputs.len() + i];
            let data = msc_nn_kernels::Data::from_le_bytes(msc_nn::interp::dtype(element), bytes).map_err(|e| e.0)?;
            Tensor::new(shape, data).map_err(|e| e.0)
        })
        .collect()
}

/// The case's `test_data_set_<n>` directories, in order of `n`.
fn data_sets(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| Failure::new(FailClass::ImportError, format!("cannot list {}: {err}", dir.display())))?;
    let mut sets: Vec<(usize, PathBuf)> = entries
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let index = path.file_name()?.to_str()?.strip_prefix("test_data_set_")?.parse().ok()?;
            Some((index, path))
        })
        .collect();
    sets.sort();
    Ok(sets.into_iter().map(|(_, path)| path).collect())
}

/// Reads `<prefix>_0.pb`, `<prefix>_1.pb`, ... up to the first missing index.
pub fn read_tensors(data_dir: &Path, prefix: &str) -> Result<Vec<Tensor>, Failure> {
    (0..)
        .map(|i| data_dir.join(format!("{prefix}_{i}.pb")))
        .take_while(|path| path.exists())
        .map(|path| {
            read_tensor_file(&path)
                .map_err(|err| Failure::new(FailClass::ImportError, format!("cannot read {}: {err}", path.display())))
        })
        .collect()
}

/// Compares an output with its expected value; returns the largest absolute and relative errors.
///
/// Like the ONNX backend runner, bfloat16 outputs get at least two bfloat16 ULPs (`2^-6`) of
/// relative tolerance.
fn compare(actual: &Tensor, expected: &Tensor, tolerance: Tolerance) -> Result<(f64, f64), String> {
    if actual.dtype() != expected.dtype() {
        return Err(format!("element type {:?}, expected {:?}", actual.dtype(), expected.dtype()));
    }
    if actual.shape() != expected.shape() {
        return Err(format!("shape {:?}, expected {:?}", actual.shape(), expected.shape()));
    }
    let dtype = expected.dtype();
    if dtype.is_float() {
        let rtol = if dtype == DType::BF16 { tolerance.rtol.max(2f64.powi(-6)) } else { tolerance.rtol };
        let close =
            |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= tolerance.atol + rtol * b.abs();
        deviations(
            &actual.to_f64(),
            &expected.to_f64(),
            close,
            |x| x,
            &format!("rtol {rtol:e}, atol {:e}", tolerance.atol),
        )
    } else {
        // Integers and booleans compare exactly, as i64 (f64 would round large values).
        deviations(&actual.to_i64(), &expected.to_i64(), |a, b| a == b, |x| x as f64, "exact")
    }
}

/// The largest absolute and relative deviations over all elements, or an error describing the
/// elements that are not `close` if there are any.
fn deviations<T: Copy + fmt::Display>(
    actual: &[T],
    expected: &[T],
    close: impl Fn(T, T) -> bool,
    to_f64: impl Fn(T) -> f64,
    tolerance: &str,
) -> Result<(f64, f64), String> {
    let (mut max_abs, mut max_rel, mut bad, mut first_bad) = (0f64, 0f64, 0usize, None);
    for (i, (&a, &b)) in actual.iter().zip(expected).enumerate() {
        let (x, y) = (to_f64(a), to_f64(b));
        let abs = match (x - y).abs() {
            _ if x == y || (x.is_nan() && y.is_nan()) => 0.0,
            d if d.is_nan() => f64::INFINITY,
            d => d,
        };
        max_abs = max_abs.max(abs);
        if y != 0.0 && y.is_finite() {
            max_rel = max_rel.max(abs / y.abs());
        }
        if !close(a, b) {
            bad += 1;
            first_bad.get_or_insert(i);
        }
    }
    match first_bad {
        None => Ok((max_abs, max_rel)),
        Some(i) => Err(format!(
            "{bad} of {} elements differ ({tolerance}); first at flat index {i}: got {}, expected {}; \
             max abs error {max_abs:e}, max rel error {max_rel:e}",
            expected.len(),
            actual[i],
            expected[i]
        )),
    }
}

thread_local! {
    /// Whether this thread is inside [`run`], whose panics the hook records instead of printing.
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    /// The last panic's message and location on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records panics inside a case for its report and leaves every
/// other panic to the previous hook.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_CASE.get() {
                let location = info.location().map(|l| format!(" at {l}")).unwrap_or_default();
                let message = format!("panicked{location}: {}", panic_payload_text(info.payload()));
                LAST_PANIC.set(Some(message));
            } else {
                previous(info);
            }
        }));
    });
}

fn panic_payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKEND: Tolerance = Tolerance { rtol: 1e-3, atol: 1e-7 };

    fn tensor(dtype: DType, values: &[f64]) -> Tensor {
        Tensor::from_f64(dtype, vec![values.len()], values).unwrap()
    }

    #[test]
    fn floats_within_atol_plus_rtol_times_expected_match() {
        let expected = tensor(DType::F32, &[1.0, -2.0, 0.0, 100.0]);
        let actual = tensor(DType::F32, &[1.0009, -2.0019, 5e-8, 100.09]);
        let (max_abs, max_rel) = compare(&actual, &expected, BACKEND).unwrap();
        assert!((max_abs - 0.09).abs() < 1e-4 && max_rel < 1e-3, "{max_abs} {max_rel}");
    }

    #[test]
    fn floats_beyond_the_tolerance_are_a_mismatch_naming_the_first_element() {
        let expected = tensor(DType::F32, &[1.0, 2.0, 3.0]);
        let actual = tensor(DType::F32, &[1.0, 2.01, 3.01]);
        let message = compare(&actual, &expected, BACKEND).unwrap_err();
        assert!(message.starts_with("2 of 3 elements differ"), "{message}");
        assert!(message.contains("first at flat index 1"), "{message}");
    }

    #[test]
    fn nan_matches_nan_and_equal_infinities_match() {
        let values = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        assert_eq!(compare(&tensor(DType::F64, &values), &tensor(DType::F64, &values), BACKEND), Ok((0.0, 0.0)));
        let message = compare(&tensor(DType::F64, &[1.0]), &tensor(DType::F64, &[f64::NAN]), BACKEND).unwrap_err();
        assert!(message.contains("max abs error inf"), "{message}");
    }

    #[test]
    fn bfloat16_gets_two_ulps_of_relative_tolerance() {
        let expected = tensor(DType::BF16, &[1.0]);
        assert!(compare(&tensor(DType::BF16, &[1.0078125]), &expected, BACKEND).is_ok());
        assert!(compare(&tensor(DType::BF16, &[1.03125]), &expected, BACKEND).is_err());
    }

    #[test]
    fn integers_and_booleans_compare_exactly() {
        let expected = Tensor::from_i64(DType::I64, vec![2], &[i64::MAX, 0]).unwrap();
        let actual = Tensor::from_i64(DType::I64, vec![2], &[i64::MAX - 1, 0]).unwrap();
        assert!(compare(&actual, &expected, BACKEND).unwrap_err().contains("(exact)"));
        assert!(compare(&tensor(DType::Bool, &[1.0, 0.0]), &tensor(DType::Bool, &[1.0, 1.0]), BACKEND).is_err());
    }

    #[test]
    fn element_type_and_shape_must_agree() {
        let expected = tensor(DType::F32, &[1.0, 2.0]);
        assert!(compare(&tensor(DType::F64, &[1.0, 2.0]), &expected, BACKEND).unwrap_err().starts_with("element type"));
        let reshaped = expected.clone().reshaped(vec![2, 1]).unwrap();
        assert!(compare(&reshaped, &expected, BACKEND).unwrap_err().starts_with("shape"));
    }

    #[test]
    fn a_panic_inside_a_case_is_a_crash_with_its_message_and_location() {
        let failure = guarded::<()>(|| panic!("kaboom")).unwrap_err();
        assert_eq!(failure.class, FailClass::Crash);
        assert!(failure.message.starts_with("panicked at xtask/src/onnx_case.rs:"), "{}", failure.message);
        assert!(failure.message.ends_with(": kaboom"), "{}", failure.message);
    }

    /// `out = reshape(y, shape(reshape(x, s)))` with `x: [2, 3]`, `s: [2]` i64, `y: [3, 2]`.
    fn reshape_by_the_shape_of_a_reshape() -> msc_onnx::Imported {
        use msc_ir::{Builder, Dim, ElementType, TensorType, Type};
        use msc_nn::ops::{Reshape, Shape};
        let mut ctx = msc_ir::Context::new(std::sync::Arc::new(msc_nn::standard_registry()));
        let module = msc_builtin::create_module(&mut ctx);
        let tensor = |dims: &[u64], e| Type::Tensor(TensorType::new(dims.iter().map(|&d| Dim::Static(d)).collect(), e));
        let inputs =
            vec![tensor(&[2, 3], ElementType::F32), tensor(&[2], ElementType::I64), tensor(&[3, 2], ElementType::F32)];
        let func = msc_builtin::append_func(&mut ctx, module, "main", inputs, vec![]);
        let block = msc_builtin::body(&ctx, func);
        let args = ctx.block_args(block).to_vec();
        let mut b = Builder::at_end(&mut ctx, block);
        let first = Reshape::new(args[0], args[1]).build_value(&mut b).unwrap();
        let shape = Shape::new(first).build_value(&mut b).unwrap();
        let out = Reshape::new(args[2], shape).build_value(&mut b).unwrap();
        msc_builtin::func::Return::new().operands(vec![out]).build(&mut b).unwrap();
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect();
        msc_onnx::Imported { ctx, module, func, input_names: names(&["x", "s", "y"]), output_names: names(&["out"]) }
    }

    #[test]
    fn only_the_inputs_whose_values_decide_a_shape_are_frozen() {
        // `x` reaches the second reshape's target only through the shape of a value of symbolic
        // shape, and `y` only as data: neither decides a shape by its values.
        assert_eq!(inputs_deciding_shapes(&reshape_by_the_shape_of_a_reshape()), vec!["s".to_string()]);
    }

    #[test]
    fn a_missing_model_is_an_import_error() {
        let failure = run(Path::new("/nonexistent/msc-case"), BACKEND, Backend::Interp).unwrap_err();
        assert_eq!(failure.class, FailClass::ImportError, "{failure}");
    }
}
