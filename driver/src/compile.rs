//! Compiling a model (ONNX, TensorFlow GraphDef or MindIR) to a `.ms` artefact: import, optimize the `nn` IR, lower it to kernels, plan
//! memory, generate machine code, and assemble the artefact (manifest, weights, plan, code).

use crate::Error;
use crate::pack;
use msc_builtin::func;
use msc_cranelift::{CompiledKernels, Target};
use msc_ir::pass::{Instrumentation, PassManager};
use msc_ir::{Attribute, Context, ElementType, Location, OpId, Type, Value};
use msc_kernel::{kernel, memref};
use msc_runtime::gemm::Variant;
use msc_runtime::{Artefact, Base, BufferRef, DType, Kernel, Manifest, Plan, Routine, Step, TensorInfo};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// The `nn`-level optimization pipeline run before lowering (and again after the e-graph
/// optimizer, to compute the weights its rules folded and drop what it left unused).
pub const NN_PIPELINE: &str = "builtin.module(canonicalize, fold-constants, cse, dce)";

/// The cleanup after the e-graph optimizer. Its folds compute the weights rules rewrote (a conv's weights
/// times a batch norm's scale), which are as large as the weights themselves, so the byte budget is 256 MiB
/// rather than the default 1 MiB: an unfolded weight expression would run at every inference.
const AFTER_EGRAPH_PIPELINE: &str = "builtin.module(fold-constants{max-bytes=268435456}, cse, dce)";

/// How to compile.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// `host`, `x86_64`, `arm64`, `aarch64` or a target triple.
    pub target: String,
    /// Input shapes by input name (`-1` keeps the model's dim).
    pub input_shapes: Vec<(String, Vec<i64>)>,
    /// Inputs frozen to a value by input name: each becomes a constant (and leaves the compiled
    /// model's inputs), so the shapes it decides (a reshape's target, a resize's scales) are static.
    /// Convert runtime tensors with [`crate::formats::host_tensor`].
    pub frozen_inputs: Vec<(String, msc_nn_kernels::Tensor)>,
    /// The model's format; `None` tells it from the file's content.
    pub framework: Option<crate::formats::Framework>,
    /// Print the IR after every pass (to standard error).
    pub print_ir_after_all: bool,
    /// Keep pass timings for the summary.
    pub time_passes: bool,
    /// Store the lowered IR in the artefact.
    pub embed_ir: bool,
    /// Generate code for every step, calling none of the runtime's routines (its GEMM engine): the code
    /// of such a compilation also runs linked into a standalone object (`msc compile --emit-object`).
    pub standalone_code: bool,
    /// Run the e-graph optimizer (fusion, layout selection) between the nn pipeline and lowering.
    pub egraph: bool,
    /// Rules the e-graph optimizer must not run, by name.
    pub disabled_rules: Vec<String>,
    /// Bounds of the e-graph optimizer's saturation (`None`: its defaults).
    pub egraph_node_limit: Option<usize>,
    pub egraph_iter_limit: Option<usize>,
}

impl Default for CompileOptions {
    fn default() -> CompileOptions {
        CompileOptions {
            target: "host".into(),
            input_shapes: Vec::new(),
            frozen_inputs: Vec::new(),
            framework: None,
            print_ir_after_all: false,
            time_passes: false,
            embed_ir: false,
            standalone_code: false,
            egraph: true,
            disabled_rules: Vec::new(),
            egraph_node_limit: None,
            egraph_iter_limit: None,
        }
    }
}

pub use crate::formats::Model;

/// What compiling produced, and what it took.
pub struct Compiled {
    pub artefact: Artefact,
    pub summary: Summary,
    /// The lowered module, kept for object-file emission (`msc compile --emit-object`).
    pub lowered: Model,
    pub target: Target,
    /// What the e-graph optimizer did, per function (empty with `egraph: false`).
    pub egraph_reports: Vec<msc_passes::egraph::Report>,
}

/// The numbers `msc compile` prints.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub target: String,
    pub ops_before: usize,
    pub ops_after: usize,
    pub kernels: usize,
    pub vectorized_loops: u32,
    pub arena_size: u64,
    /// Bytes all intermediates would take without memory reuse.
    pub intermediates_size: u64,
    pub weights_size: u64,
    pub code_size: u64,
    /// Wall time per phase, in order.
    pub phases: Vec<(String, Duration)>,
    /// The pass timing report, when requested.
    pub pass_timings: Option<String>,
}

/// Compiles the model file at `path`; `progress` hears the name of each phase as it starts.
pub fn compile_file(path: &Path, options: &CompileOptions, progress: &mut dyn FnMut(&str)) -> Result<Compiled, Error> {
    progress("import");
    let start = Instant::now();
    let framework = crate::formats::detect(path, options.framework).map_err(Error::Import)?;
    let model = crate::formats::import(path, framework, options.input_shapes.clone(), &options.frozen_inputs)?;
    let mut compiled = compile(model, options, progress)?;
    compiled.summary.phases.insert(0, ("import".into(), start.elapsed()));
    Ok(compiled)
}

/// Compiles an imported model.
pub fn compile(mut model: Model, options: &CompileOptions, progress: &mut dyn FnMut(&str)) -> Result<Compiled, Error> {
    let target = msc_cranelift::parse_target(&options.target)?;
    let mut summary = Summary { target: target.triple.to_string(), ..Summary::default() };
    let phase = |summary: &mut Summary, name: &str, start: Instant| {
        summary.phases.push((name.to_string(), start.elapsed()));
    };
    let name = model.ctx.op(model.func).string("sym_name").map_err(Error::Verify)?;
    let signature = func::signature(model.ctx.op(model.func)).map_err(Error::Verify)?;
    summary.ops_before = count_ops(&model.ctx, model.func);

    progress("optimize");
    let start = Instant::now();
    let instrumentation = instrumentation(options);
    let mut stderr = std::io::stderr();
    let (egraph_reports, nn_timings) = optimize_nn(&mut model, options, &target)?;
    let func_op = lookup(&model.ctx, model.module, &name)?;
    summary.ops_after = count_ops(&model.ctx, func_op);
    phase(&mut summary, "optimize", start);

    progress("lower");
    let start = Instant::now();
    // dce drops what lowering left unused: index constants, shape operands turned weights.
    let gemm = if options.standalone_code { "loops" } else { "engine" };
    let lower = format!("builtin.module(lower-to-kernel{{gemm={gemm}}}, dce, plan-memory)");
    let mut lower_pm = PassManager::parse(&crate::passes(), &lower, instrumentation).map_err(Error::Verify)?;
    lower_pm.run(&mut model.ctx, model.module, &mut stderr).map_err(|d| {
        let text = diagnostics(&d);
        if text.contains("no CPU kernel lowering") { Error::UnsupportedOp(text) } else { Error::Verify(text) }
    })?;
    let schedule = lookup(&model.ctx, model.module, &name)?;
    if options.time_passes {
        summary.pass_timings = Some(nn_timings + &lower_pm.timing_report());
    }
    phase(&mut summary, "lower", start);

    progress("codegen");
    let start = Instant::now();
    let code = msc_cranelift::compile_kernels(&model.ctx, model.module, &name, &target)?;
    phase(&mut summary, "codegen", start);

    progress("assemble");
    let start = Instant::now();
    let (plan, weights, packed_for) = assemble_plan(&model.ctx, schedule, &code)?;
    let mut cpu_features = code.cpu_features.clone();
    for feature in packed_for.iter().flat_map(|v| v.required_features()) {
        if !cpu_features.iter().any(|f| f == feature) {
            cpu_features.push(feature.to_string());
        }
    }
    let manifest = manifest(&signature, &model.input_names, &model.output_names)?;
    summary.kernels = code.kernels.len();
    summary.vectorized_loops = code.kernels.iter().map(|k| k.vectorized_loops).sum();
    summary.arena_size = plan.arena_size;
    summary.intermediates_size = intermediates_size(&model.ctx, schedule);
    summary.weights_size = weights.len() as u64;
    summary.code_size = code.code.len() as u64;
    let ir = options.embed_ir.then(|| msc_ir::print_op(&model.ctx, model.module, &msc_ir::PrintOptions::default()));
    let artefact = Artefact {
        producer: format!("msc {}", env!("CARGO_PKG_VERSION")),
        target: target.triple.to_string(),
        cpu_features,
        manifest,
        weights,
        plan,
        code: code.code,
        ir,
    };
    phase(&mut summary, "assemble", start);
    model.func = schedule;
    Ok(Compiled { artefact, summary, lowered: model, target, egraph_reports })
}

fn instrumentation(options: &CompileOptions) -> Instrumentation {
    Instrumentation {
        print_ir_after_all: options.print_ir_after_all,
        time_passes: options.time_passes,
        ..Instrumentation::default()
    }
}

/// The `nn`-level part of [`compile`]: the cleanup pipeline, then (unless `options.egraph` is off) the
/// e-graph optimizer for `options.target` and the cleanup after it. The model stays at the `nn` level.
pub fn optimize(model: &mut Model, options: &CompileOptions) -> Result<Vec<msc_passes::egraph::Report>, Error> {
    let target = msc_cranelift::parse_target(&options.target)?;
    Ok(optimize_nn(model, options, &target)?.0)
}

/// [`optimize`] for a parsed target; also returns the pass timings.
fn optimize_nn(
    model: &mut Model,
    options: &CompileOptions,
    target: &Target,
) -> Result<(Vec<msc_passes::egraph::Report>, String), Error> {
    let instrumentation = instrumentation(options);
    let mut stderr = std::io::stderr();
    let mut pm = PassManager::parse(&crate::passes(), NN_PIPELINE, instrumentation.clone()).map_err(Error::Verify)?;
    pm.run(&mut model.ctx, model.module, &mut stderr).map_err(|d| Error::Verify(diagnostics(&d)))?;
    let mut timings = pm.timing_report();
    let mut reports = Vec::new();
    if options.egraph {
        reports = run_egraph_optimizer(model, options, target)?;
        let mut cleanup =
            PassManager::parse(&crate::passes(), AFTER_EGRAPH_PIPELINE, instrumentation).map_err(Error::Verify)?;
        cleanup.run(&mut model.ctx, model.module, &mut stderr).map_err(|d| Error::Verify(diagnostics(&d)))?;
        timings += &cleanup.timing_report();
    }
    Ok((reports, timings))
}

/// Runs `nn-egraph-optimize` for `target`, offering only rules whose ops the CPU lowering supports.
fn run_egraph_optimizer(
    model: &mut Model,
    options: &CompileOptions,
    target: &Target,
) -> Result<Vec<msc_passes::egraph::Report>, Error> {
    use msc_passes::egraph;
    let defaults = egraph::Limits::default();
    let egraph_options = egraph::Options {
        limits: egraph::Limits {
            node_limit: options.egraph_node_limit.unwrap_or(defaults.node_limit),
            iter_limit: options.egraph_iter_limit.unwrap_or(defaults.iter_limit),
        },
        disabled_rules: options.disabled_rules.clone(),
        target: target.triple.to_string(),
        explain: false,
        lowerable_only: true,
    };
    egraph::optimize(&mut model.ctx, model.module, &egraph_options).map_err(Error::Verify)
}

fn diagnostics(d: &[msc_ir::Diagnostic]) -> String {
    d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
}

fn lookup(ctx: &Context, module: OpId, name: &str) -> Result<OpId, Error> {
    let body = msc_builtin::body(ctx, module);
    ctx.block_ops(body)
        .find(|&f| ctx.op(f).raw_attr("sym_name").and_then(|a| a.as_str()) == Some(name))
        .ok_or_else(|| Error::Verify(format!("function @{name} disappeared during compilation")))
}

/// The number of ops in a function body, nested ones included, the terminator excluded.
fn count_ops(ctx: &Context, f: OpId) -> usize {
    ctx.walk(f, msc_ir::WalkOrder::Pre).len().saturating_sub(2)
}

/// The runtime's name for an element type.
pub fn dtype(e: ElementType) -> DType {
    match e {
        ElementType::F32 => DType::F32,
        ElementType::F16 => DType::F16,
        ElementType::BF16 => DType::BF16,
        ElementType::F64 => DType::F64,
        ElementType::I8 => DType::I8,
        ElementType::U8 => DType::U8,
        ElementType::I16 => DType::I16,
        ElementType::I32 => DType::I32,
        ElementType::I64 => DType::I64,
        ElementType::Bool => DType::Bool,
    }
}

fn manifest(signature: &msc_ir::FunctionType, inputs: &[String], outputs: &[String]) -> Result<Manifest, Error> {
    let infos = |types: &[Type], names: &[String], what: &str| -> Result<Vec<TensorInfo>, Error> {
        types
            .iter()
            .enumerate()
            .map(|(i, ty)| {
                let memref = msc_passes::lower_to_kernel::memref_for(ty).map_err(Error::Verify)?;
                let name = names.get(i).cloned().unwrap_or_else(|| format!("{what}{i}"));
                Ok(TensorInfo { name, dtype: dtype(memref.element), shape: memref.shape })
            })
            .collect()
    };
    Ok(Manifest {
        inputs: infos(&signature.inputs, inputs, "input")?,
        outputs: infos(&signature.results, outputs, "output")?,
    })
}

/// Bytes all planned allocations would take without reuse.
fn intermediates_size(ctx: &Context, schedule: OpId) -> u64 {
    let body = msc_builtin::body(ctx, schedule);
    ctx.block_ops(body)
        .filter(|&op| ctx.op(op).name() == memref::ALLOC.name)
        .filter_map(|op| ctx.op(op).result_type(0).as_memref()?.size_in_bytes())
        .map(|n| n.next_multiple_of(msc_passes::plan_memory::ALIGN))
        .sum()
}

/// Translates a planned schedule function into the runtime's plan: each buffer value becomes a
/// byte range of an input, an output, the arena or the weights; each launch a step. Constant GEMM operands
/// are packed for the engine variant the target's CPU features allow; the variant is returned when anything
/// was packed, as the artefact then needs its CPU features. A weight is stored as it is only if a step reads
/// it so: one that only feeds packed GEMM operands is stored once, packed.
fn assemble_plan(
    ctx: &Context,
    schedule: OpId,
    code: &CompiledKernels,
) -> Result<(Plan, Vec<u8>, Option<Variant>), Error> {
    let gemm_variant = msc_runtime::routine::packing_variant(&code.cpu_features);
    let mut packed_for = None;
    let arena_size = match ctx.op(schedule).raw_attr(msc_passes::plan_memory::ARENA_SIZE_ATTR) {
        Some(Attribute::Int(n)) => *n as u64,
        _ => 0,
    };
    let body = msc_builtin::body(ctx, schedule);
    let args = ctx.block_args(body);
    let kernel_index: HashMap<&str, u32> =
        code.kernels.iter().enumerate().map(|(i, k)| (k.name.as_str(), i as u32)).collect();
    let mut buffers = Buffers { ctx, places: HashMap::new(), weights: Vec::new(), stored: HashMap::new() };
    let num_outputs = count_outputs(ctx, schedule);
    let num_inputs = args.len() - num_outputs;
    for (i, &arg) in args.iter().enumerate() {
        let base = if i < num_inputs { Base::Input(i as u32) } else { Base::Output((i - num_inputs) as u32) };
        buffers.places.insert(arg, Place::Buffer(base, 0));
    }
    let mut steps = Vec::new();
    for op_id in ctx.block_ops(body) {
        let op = ctx.op(op_id);
        let name = op.name();
        if name == kernel::CONSTANT.name {
            buffers.places.insert(op.result(0), Place::Weight { constant: op.result(0), offset: 0 });
        } else if name == memref::ALLOC.name {
            let offset = op.int("offset").map_err(|e| bad(format!("an allocation was not planned: {e}")))?;
            buffers.places.insert(op.result(0), Place::Buffer(Base::Arena, offset as u64));
        } else if name == kernel::VIEW.name {
            let by = op.int("offset").map_err(bad)? as u64;
            let place = match buffers.places[&op.operand(0)] {
                Place::Buffer(base, offset) => Place::Buffer(base, offset + by),
                Place::Weight { constant, offset } => Place::Weight { constant, offset: offset + by },
            };
            buffers.places.insert(op.result(0), place);
        } else if name == kernel::LAUNCH.name {
            let callee = op.raw_attr("callee").and_then(|a| a.as_symbol()).ok_or_else(|| bad("no callee"))?;
            let kernel = *kernel_index.get(callee).ok_or_else(|| bad(format!("no code for kernel @{callee}")))?;
            steps.push(Step {
                routine: Routine::Kernel(kernel),
                tiles: op.int("tiles").map_err(bad)? as u64,
                args: buffers.refs(op.operands())?,
                name: location_name(op.loc(), callee),
                op_type: op.string("op_type").unwrap_or_else(|_| "kernel".into()),
            });
        } else if name == msc_kernel::gemm::GEMM.name {
            let mut call = msc_kernel::gemm::call_of(op).map_err(bad)?;
            let args = buffers.arguments(op, &mut packed_for, gemm_variant, |index, operand| {
                let which = [pack::Operand::A, pack::Operand::B].get(index).copied()?;
                pack::pack(&mut call, which, &pack::constant_data(ctx, operand)?, gemm_variant)
            })?;
            steps.push(Step {
                routine: Routine::Gemm(Box::new(call)),
                tiles: 0,
                args,
                name: location_name(op.loc(), "gemm"),
                op_type: "kernel.gemm".into(),
            });
        } else if name == msc_kernel::winograd::WINOGRAD_CONV.name {
            let mut call = msc_kernel::winograd::call_of(op).map_err(bad)?;
            let args = buffers.arguments(op, &mut packed_for, gemm_variant, |index, operand| {
                if index != 1 {
                    return None;
                }
                pack::pack_winograd_u(&mut call, &pack::constant_data(ctx, operand)?, gemm_variant)
            })?;
            steps.push(Step {
                routine: Routine::WinogradConv(Box::new(call)),
                tiles: 0,
                args,
                name: location_name(op.loc(), "winograd_conv"),
                op_type: name.into(),
            });
        } else if let Some(routine) = runtime_routine(op)? {
            // A runtime routine other than the GEMM: the op's operands are its arguments, as they are.
            steps.push(Step {
                routine,
                tiles: 0,
                args: buffers.refs(op.operands())?,
                name: location_name(op.loc(), name.trim_start_matches("kernel.")),
                op_type: name.into(),
            });
        } else if name != func::RETURN.name {
            return Err(bad(format!("unexpected '{name}' in a schedule function")));
        }
    }
    let kernels =
        code.kernels.iter().map(|k| Kernel { name: k.name.clone(), code_offset: k.offset, code_len: k.len }).collect();
    Ok((Plan { arena_size, kernels, steps }, buffers.weights, packed_for))
}

/// The routine of a `kernel` op that calls one of the runtime's routines besides the GEMM and the Winograd
/// convolution (whose constant operands are packed first), if it is one.
fn runtime_routine(op: msc_ir::OpRef<'_>) -> Result<Option<Routine>, Error> {
    use msc_kernel::{col2im, depthwise, resize};
    let name = op.name();
    Ok(Some(if name == depthwise::DEPTHWISE_CONV.name {
        Routine::Depthwise(Box::new(depthwise::call_of(op).map_err(bad)?))
    } else if name == col2im::COL2IM.name {
        Routine::Col2im(Box::new(col2im::call_of(op).map_err(bad)?))
    } else if name == resize::RESIZE.name {
        Routine::Resize(Box::new(resize::call_of(op).map_err(bad)?))
    } else {
        return Ok(None);
    }))
}

/// An error in the lowered schedule (a compiler bug, not a user error).
fn bad(message: impl std::fmt::Display) -> Error {
    Error::Verify(format!("lowered schedule: {message}"))
}

/// Where a schedule's buffer value lies: in a run's buffers, or `offset` bytes into a weight (the value of
/// the `kernel.constant` result `constant`), which is stored on first use.
#[derive(Clone, Copy)]
enum Place {
    Buffer(Base, u64),
    Weight { constant: Value, offset: u64 },
}

/// The places of a schedule's buffer values and the weights section being written.
struct Buffers<'a> {
    ctx: &'a Context,
    places: HashMap<Value, Place>,
    weights: Vec<u8>,
    /// The offset in `weights` of each constant stored so far.
    stored: HashMap<Value, u64>,
}

impl Buffers<'_> {
    /// Appends `bytes` to the weights, aligned for the runtime; returns their range.
    fn store(&mut self, bytes: impl IntoIterator<Item = u8>) -> BufferRef {
        self.weights.resize(self.weights.len().next_multiple_of(msc_runtime::BUFFER_ALIGN), 0);
        let offset = self.weights.len() as u64;
        self.weights.extend(bytes);
        BufferRef { base: Base::Weights, offset, len: self.weights.len() as u64 - offset }
    }

    /// The range of buffer value `v`, storing the weight it reads if that is not stored yet.
    /// The step arguments of routine call `op`: each operand's buffer, or, where `packed(index, operand)` packs
    /// it (a constant weight), the packed values stored with the weights, recording `variant` in `packed_for`.
    fn arguments(
        &mut self,
        op: msc_ir::OpRef<'_>,
        packed_for: &mut Option<Variant>,
        variant: Variant,
        mut packed: impl FnMut(usize, Value) -> Option<Vec<f32>>,
    ) -> Result<Vec<BufferRef>, Error> {
        let mut args = Vec::with_capacity(op.operands().len());
        for (index, &operand) in op.operands().iter().enumerate() {
            args.push(match packed(index, operand) {
                Some(values) => {
                    *packed_for = Some(variant);
                    self.store(values.iter().flat_map(|v| v.to_le_bytes()))
                }
                None => self.resolve(operand)?,
            });
        }
        Ok(args)
    }

    fn resolve(&mut self, v: Value) -> Result<BufferRef, Error> {
        let len = self.ctx.value_type(v).as_memref().and_then(|m| m.size_in_bytes()).unwrap_or(0);
        let (base, offset) = match *self.places.get(&v).ok_or_else(|| bad("a buffer used before its definition"))? {
            Place::Buffer(base, offset) => (base, offset),
            Place::Weight { constant, offset } => {
                let start = match self.stored.get(&constant) {
                    Some(&start) => start,
                    None => {
                        let op =
                            self.ctx.op(self.ctx.defining_op(constant).ok_or_else(|| bad("a weight without an op"))?);
                        let Some(Attribute::Dense(value)) = op.raw_attr("value") else {
                            return Err(bad("kernel.constant without a value"));
                        };
                        let bytes = value.full_bytes().ok_or_else(|| bad("a weight's data is elided"))?;
                        let start = self.store(bytes.iter().copied()).offset;
                        self.stored.insert(constant, start);
                        start
                    }
                };
                (Base::Weights, start + offset)
            }
        };
        Ok(BufferRef { base, offset, len })
    }

    /// The ranges of `values`.
    fn refs(&mut self, values: &[Value]) -> Result<Vec<BufferRef>, Error> {
        values.iter().map(|&v| self.resolve(v)).collect()
    }
}

/// The number of output buffers of a schedule function (stored by lowering on the function).
fn count_outputs(ctx: &Context, schedule: OpId) -> usize {
    match ctx.op(schedule).raw_attr(msc_passes::lower_to_kernel::NUM_OUTPUTS_ATTR) {
        Some(Attribute::Int(n)) => *n as usize,
        _ => 0,
    }
}

/// A profile-friendly name for a location: the source node name(s), else `fallback`.
fn location_name(loc: &Location, fallback: &str) -> String {
    match loc {
        Location::Name(name) => name.to_string(),
        Location::FileLineCol { file, line, column } => format!("{file}:{line}:{column}"),
        Location::Fused(parts) => parts.iter().map(|p| location_name(p, fallback)).collect::<Vec<_>>().join("+"),
        Location::Unknown => fallback.to_string(),
    }
}
