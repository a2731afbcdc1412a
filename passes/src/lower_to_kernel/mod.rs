//! `lower-to-kernel`: bufferizes each `nn` function and lowers every op to kernel functions.
//!
//! Each `func.func` of `nn` ops on statically shaped tensors becomes a *schedule function* of the
//! same name taking one memref per input and then one per result, with no results: weights become
//! `kernel.constant`, intermediates `memref.alloc`, reshapes `kernel.view`, and each op one or
//! more `kernel.launch`es of kernel functions (loops over buffers) added to the module. A result
//! is computed straight into its output buffer when it can be; otherwise it is copied there.
//!
//! The per-op lowerings live in one table per `nn` op family (the submodules); each receives a
//! [`Lowering`] to read its op and create buffers and kernels. Ops without a lowering, and
//! values with symbolic dims, are reported all at once with their locations.

mod conv;
mod depthwise;
mod elementwise;
mod fused;
mod gemm;
mod indexing;
mod linalg;
mod misc;
mod movement;
mod normalize;
mod placement;
mod pool;
mod reduce;
mod resize;
mod winograd;

use msc_builtin::func;
use msc_ir::pass::{Pass, PassInfo};
use msc_ir::{
    Attribute, Builder, Context, DenseAttr, Diagnostic, InsertPoint, Location, MemRefType, OpId, OpRef, SymbolRef,
    Type, Value,
};
use msc_kernel::{KernelBuilder, KernelFunc, build_kernel, kernel, memref};
use std::collections::HashMap;

pub const INFO: PassInfo = PassInfo {
    name: "lower-to-kernel",
    summary: "Bufferize nn functions and lower their ops to kernel functions and launches",
    create: |mut options| {
        let gemm = match options.take::<String>("gemm")?.as_deref() {
            None | Some("engine") => GemmLowering::Engine,
            Some("loops") => GemmLowering::Loops,
            Some(other) => return Err(format!("lower-to-kernel: `gemm={other}`: expected `engine` or `loops`")),
        };
        let conv = match options.take::<String>("conv")?.as_deref() {
            None | Some("auto") => ConvLowering::Auto,
            Some("winograd") => ConvLowering::Winograd,
            Some("direct") => ConvLowering::Direct,
            Some(other) => {
                return Err(format!("lower-to-kernel: `conv={other}`: expected `auto`, `winograd` or `direct`"));
            }
        };
        options.finish("lower-to-kernel")?;
        Ok(Box::new(LowerToKernel(LowerOptions { gemm, conv })))
    },
};

/// How the pass lowers GEMM-shaped ops (f32 matmul, gemm, conv) and depthwise convs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GemmLowering {
    /// `kernel.gemm` calls of the runtime's GEMM engine, `kernel.depthwise_conv` calls of its depthwise
    /// routine, `kernel.winograd_*` calls of its Winograd transforms and `kernel.resize` calls of its resize
    /// (pass option `gemm=engine`, the default).
    #[default]
    Engine,
    /// Plain loops, for code that must run without the runtime, e.g. linked objects (`gemm=loops`).
    Loops,
}

/// How the pass lowers 3x3 stride-1 f32 convolutions when `gemm` is `Engine` (pass option `conv`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConvLowering {
    /// Winograd F(4x4, 3x3) where the cost model predicts it faster than the direct GEMM (`conv=auto`).
    #[default]
    Auto,
    /// Winograd wherever it applies (`conv=winograd`), e.g. to test it on small convs.
    Winograd,
    /// Always the direct (implicit-im2col) GEMM (`conv=direct`).
    Direct,
}

/// The pass's options.
#[derive(Clone, Copy, Debug, Default)]
pub struct LowerOptions {
    pub gemm: GemmLowering,
    pub conv: ConvLowering,
}

struct LowerToKernel(LowerOptions);

impl Pass for LowerToKernel {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, ctx: &mut Context, root: OpId) -> Result<(), Vec<Diagnostic>> {
        lower_module(ctx, root, self.0)
    }
}

/// Lowers every function of `module` (see the module docs).
pub fn lower_module(ctx: &mut Context, module: OpId, options: LowerOptions) -> Result<(), Vec<Diagnostic>> {
    let body = msc_builtin::body(ctx, module);
    let funcs: Vec<OpId> = ctx.block_ops(body).filter(|&op| ctx.op(op).name() == func::FUNC.name).collect();
    for f in funcs {
        lower_function(ctx, module, f, options)?;
    }
    Ok(())
}

/// Lowers one op: reads it through `l.op()`, creates buffers and kernels, and returns one
/// buffer per result.
pub(crate) type LowerFn = fn(&mut Lowering<'_>) -> Result<Vec<Value>, String>;

/// Every lowering, by `nn` op name.
fn lowerings() -> HashMap<&'static str, LowerFn> {
    let tables: [&[(&str, LowerFn)]; 11] = [
        conv::LOWERINGS,
        elementwise::LOWERINGS,
        fused::LOWERINGS,
        indexing::LOWERINGS,
        linalg::LOWERINGS,
        misc::LOWERINGS,
        movement::LOWERINGS,
        normalize::LOWERINGS,
        pool::LOWERINGS,
        reduce::LOWERINGS,
        resize::LOWERINGS,
    ];
    tables.into_iter().flatten().copied().collect()
}

/// The names of the `nn` ops this pass can lower, sorted.
pub fn supported_ops() -> Vec<&'static str> {
    let mut ops: Vec<&str> = lowerings().into_keys().chain(["nn.constant"]).collect();
    ops.sort_unstable();
    ops
}

/// The attribute of a schedule function giving how many of its trailing arguments are outputs.
pub const NUM_OUTPUTS_ATTR: &str = "kernel.num_outputs";

/// The memref a statically shaped tensor type is stored in.
pub fn memref_for(ty: &Type) -> Result<MemRefType, String> {
    let Type::Tensor(t) = ty else { return Err(format!("expected a tensor, got {ty}")) };
    let shape = t
        .shape
        .iter()
        .map(|d| d.as_static())
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(|| format!("{ty} has a symbolic dimension; compile for static input shapes (--input-shape)"))?;
    Ok(MemRefType::new(shape, t.element))
}

/// What a lowering works with: the op being lowered, the buffers of its operands, and the module
/// to add kernels to.
pub(crate) struct Lowering<'a> {
    pub ctx: &'a mut Context,
    module: OpId,
    op: OpId,
    /// The schedule function's body: weights, allocations, views and launches go at its end.
    schedule: msc_ir::BlockId,
    buffers: &'a HashMap<Value, Value>,
    /// For each result of the op, the buffer it is computed into when [`placement`] placed it.
    outputs: Vec<Option<Value>>,
    kernel_count: &'a mut usize,
}

impl<'a> Lowering<'a> {
    /// The op being lowered.
    pub fn op(&self) -> OpRef<'_> {
        self.ctx.op(self.op)
    }

    /// The op's location.
    pub fn loc(&self) -> Location {
        self.ctx.op(self.op).loc().clone()
    }

    /// The buffer holding tensor value `v` (an operand of the op).
    pub fn buffer(&self, v: Value) -> Value {
        self.buffers[&v]
    }

    /// The buffer of operand `i`.
    pub fn operand(&self, i: usize) -> Value {
        self.buffer(self.ctx.op(self.op).operand(i))
    }

    /// The buffer of the operand in slot `name`, if present.
    pub fn named(&self, name: &str) -> Option<Value> {
        self.ctx.op(self.op).named_operand(name).map(|v| self.buffer(v))
    }

    /// The memref type of buffer `v`.
    pub fn memref(&self, v: Value) -> MemRefType {
        self.ctx.value_type(v).as_memref().expect("lowered values are memrefs").clone()
    }

    /// The memref type of result `i` of the op.
    pub fn result_type(&self, i: usize) -> MemRefType {
        memref_for(self.ctx.op(self.op).result_type(i)).expect("result types were checked to be static")
    }

    /// Whether result `i` of the op has uses (other ops or the function's return read it).
    pub fn result_used(&self, i: usize) -> bool {
        self.ctx.has_uses(self.ctx.op(self.op).result(i))
    }

    /// The buffer result `i` is computed into: where [`placement`] put it (the function's output buffer,
    /// a part of a concat's result), else a new allocation.
    pub fn result(&mut self, i: usize) -> Value {
        match self.outputs[i].take() {
            Some(out) => out,
            None => {
                let ty = self.result_type(i);
                self.alloc(ty)
            }
        }
    }

    /// A scratch buffer (an arena allocation).
    pub fn alloc(&mut self, ty: MemRefType) -> Value {
        let state = memref::Alloc::new().into_state(self.loc());
        self.insert(state, ty)
    }

    /// Inserts `state` at the end of the schedule with one result of type `ty`.
    fn insert(&mut self, mut state: msc_ir::OpState, ty: MemRefType) -> Value {
        state.result_types = vec![Type::MemRef(ty)];
        let op = Builder::at_end(self.ctx, self.schedule).insert(state).expect("the result type is given");
        self.ctx.op(op).result(0)
    }

    /// Buffer `source` from byte `offset` seen as `ty` (no copy).
    pub fn view(&mut self, source: Value, ty: MemRefType, offset: u64) -> Value {
        let state = kernel::View::new(source).offset(offset as i64).into_state(self.loc());
        self.insert(state, ty)
    }

    /// A weight buffer holding `value` (e.g. weights pre-packed into a kernel's layout).
    pub fn constant(&mut self, value: DenseAttr) -> Result<Value, String> {
        let ty = memref_for(&Type::Tensor(value.ty().clone()))?;
        let state = kernel::Constant::new().value(value).into_state(self.loc());
        Ok(self.insert(state, ty))
    }

    /// Adds a call of the runtime's GEMM engine on `buffers` (A, B, C, then bias and residual as `call` says).
    pub fn gemm(&mut self, call: &msc_runtime::GemmCall, buffers: &[Value]) {
        self.routine(&msc_kernel::gemm::GEMM, msc_kernel::gemm::attributes_of(call), buffers);
    }

    /// Adds a call of the runtime routine op `def` (which has no results) on `buffers` with `attributes`.
    pub fn routine(
        &mut self,
        def: &'static msc_ir::OpDef,
        attributes: Vec<(&'static str, msc_ir::Attribute)>,
        buffers: &[Value],
    ) {
        let mut state = msc_ir::OpState::new(def, self.loc());
        state.operands = buffers.to_vec();
        for (name, value) in attributes {
            state.attrs.insert(name.to_string(), value);
        }
        Builder::at_end(self.ctx, self.schedule).insert(state).expect("a routine op has no results");
    }

    /// Adds a kernel function on `buffers` (its name derived from `hint`), fills it with
    /// `body`, and launches it over `tiles` tiles.
    pub fn launch(
        &mut self,
        hint: &str,
        buffers: &[Value],
        tiles: u64,
        body: impl FnOnce(&mut KernelBuilder<'_>, &KernelFunc),
    ) {
        let name = format!("{hint}_{}", *self.kernel_count);
        *self.kernel_count += 1;
        let types: Vec<MemRefType> = buffers.iter().map(|&b| self.memref(b)).collect();
        let op_type = self.op().name().to_string();
        let loc = self.loc();
        let func = build_kernel(self.ctx, self.module, &name, &types, loc.clone(), body);
        // Kernels go before the schedule function's op so the module reads callees first.
        let schedule_func = self.ctx.block_parent(self.schedule).and_then(|r| self.ctx.region_parent(r));
        if let Some(schedule_func) = schedule_func {
            self.ctx.move_op(func, InsertPoint::Before(schedule_func));
        }
        let state = kernel::Launch::new()
            .buffers(buffers.to_vec())
            .callee(SymbolRef(name))
            .tiles(tiles as i64)
            .op_type(op_type)
            .into_state(loc);
        Builder::at_end(self.ctx, self.schedule).insert(state).expect("launch has no results");
    }
}

/// Runs `body(i)` for every `i` in `[0, n)`, split into `tiles(n)` tiles of `CHUNK` elements:
/// the kernel's tile range `[begin, end)` covers elements `[begin * CHUNK, min(end * CHUNK, n))`.
/// The inner loop is unit-stride in `i`, so the code generator can vectorize it.
pub(crate) fn for_chunks(
    kb: &mut KernelBuilder<'_>,
    kf: &KernelFunc,
    n: u64,
    body: impl FnOnce(&mut KernelBuilder<'_>, Value),
) {
    let chunk = kb.index(CHUNK as i64);
    let lo = kb.mul(kf.begin, chunk);
    let hi = kb.mul(kf.end, chunk);
    let n = kb.index(n as i64);
    let hi = kb.min(hi, n);
    kb.for_range(lo, hi, body);
}

/// Elements per tile of [`for_chunks`] loops.
pub(crate) const CHUNK: u64 = 4096;

/// The number of [`for_chunks`] tiles for `n` elements.
pub(crate) fn chunk_tiles(n: u64) -> u64 {
    n.div_ceil(CHUNK)
}

/// Copies buffer `src` into `dst` (same byte size) with a kernel.
pub(crate) fn copy(l: &mut Lowering<'_>, src: Value, dst: Value) {
    let ty = l.memref(dst);
    let n = ty.num_elements().unwrap_or(0);
    let flat = MemRefType::new(vec![n], ty.element);
    let (src, dst) = (l.view(src, flat.clone(), 0), l.view(dst, flat, 0));
    l.launch("copy", &[src, dst], chunk_tiles(n), |kb, kf| {
        let (s, d) = (kf.buffers[0], kf.buffers[1]);
        for_chunks(kb, kf, n, |kb, i| {
            let v = kb.load(s, &[i]);
            kb.store(v, d, &[i]);
        });
    });
}

fn lower_function(ctx: &mut Context, module: OpId, f: OpId, options: LowerOptions) -> Result<(), Vec<Diagnostic>> {
    let sig = func::signature(ctx.op(f)).map_err(|e| vec![Diagnostic::at(ctx, f, e)])?;
    let name = ctx.op(f).string("sym_name").map_err(|e| vec![Diagnostic::at(ctx, f, e)])?;
    let old_body = msc_builtin::body(ctx, f);
    let table = lowerings();

    // Check everything first: static shapes and a lowering for every op.
    let mut errors = Vec::new();
    let arg_types: Vec<Result<MemRefType, String>> = sig.inputs.iter().chain(&sig.results).map(memref_for).collect();
    for (i, ty) in arg_types.iter().enumerate() {
        if let Err(e) = ty {
            let what =
                if i < sig.inputs.len() { format!("input {i}") } else { format!("result {}", i - sig.inputs.len()) };
            errors.push(Diagnostic::at(ctx, f, format!("@{name} {what}: {e}")));
        }
    }
    let ops: Vec<OpId> = ctx.block_ops(old_body).collect();
    for &op in &ops {
        let view = ctx.op(op);
        if view.name() == func::RETURN.name || view.name() == "nn.constant" {
            continue;
        }
        if !view.regions().is_empty() {
            errors.push(Diagnostic::at(ctx, op, "ops with regions cannot be lowered to kernels yet"));
        } else if !table.contains_key(view.name()) {
            errors.push(Diagnostic::at(ctx, op, format!("'{}' has no CPU kernel lowering yet", view.name())));
        }
        for &r in view.results() {
            if let Err(e) = memref_for(ctx.value_type(r)) {
                errors.push(Diagnostic::at(ctx, op, format!("result: {e}")));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let arg_types: Vec<Type> = arg_types.into_iter().map(|t| Type::MemRef(t.expect("checked"))).collect();

    // The schedule function, first under a temporary name.
    let schedule_func = msc_builtin::append_func(ctx, module, &format!("{name}.lowering"), arg_types, vec![]);
    ctx.set_loc(schedule_func, ctx.op(f).loc().clone());
    ctx.set_attr(schedule_func, NUM_OUTPUTS_ATTR, Attribute::Int(sig.results.len() as i64));
    let schedule = msc_builtin::body(ctx, schedule_func);
    let args = ctx.block_args(schedule).to_vec();
    let (input_args, output_args) = args.split_at(sig.inputs.len());
    let mut buffers: HashMap<Value, Value> =
        ctx.block_args(old_body).iter().copied().zip(input_args.iter().copied()).collect();

    // Results returned exactly once, by a value the function computes, are computed in place.
    let ret = ctx.block_last_op(old_body).filter(|&op| ctx.op(op).name() == func::RETURN.name);
    let returned: Vec<Value> = ret.map(|r| ctx.op(r).operands().to_vec()).unwrap_or_default();
    let mut in_place: HashMap<Value, Value> = HashMap::new();
    for (i, &v) in returned.iter().enumerate() {
        if returned.iter().filter(|&&w| w == v).count() == 1 {
            in_place.insert(v, output_args[i]);
        }
    }
    let mut placement = placement::Placement::new(ctx, &ops, in_place);

    let mut kernel_count = 0usize;
    for op in ops {
        let view = ctx.op(op);
        if view.name() == func::RETURN.name {
            break;
        }
        let results = view.results().to_vec();
        if view.name() == "nn.constant" {
            let Some(Attribute::Dense(value)) = view.raw_attr("value") else {
                return Err(vec![Diagnostic::at(ctx, op, "nn.constant without a dense value")]);
            };
            let value = value.clone();
            let mut l = Lowering {
                ctx,
                module,
                op,
                schedule,
                buffers: &buffers,
                outputs: vec![None],
                kernel_count: &mut kernel_count,
            };
            let buffer = l.constant(value).map_err(|e| vec![Diagnostic::at(ctx, op, e)])?;
            buffers.insert(results[0], buffer);
            continue;
        }
        let lower = table[view.name()];
        let mut l =
            Lowering { ctx, module, op, schedule, buffers: &buffers, outputs: vec![], kernel_count: &mut kernel_count };
        l.outputs = results.iter().map(|&r| placement.buffer(&mut l, r)).collect();
        let engine = (options.gemm == GemmLowering::Engine)
            .then(|| {
                depthwise::lower(&mut l)
                    .or_else(|| winograd::lower(&mut l, options.conv))
                    .or_else(|| gemm::lower(&mut l))
                    .or_else(|| resize::lower_routine(&mut l))
            })
            .flatten();
        let produced = engine.unwrap_or_else(|| lower(&mut l)).map_err(|e| vec![Diagnostic::at(ctx, op, e)])?;
        if produced.len() != results.len() {
            let msg = format!("lowering gave {} buffers for {} results", produced.len(), results.len());
            return Err(vec![Diagnostic::at(ctx, op, msg)]);
        }
        buffers.extend(results.into_iter().zip(produced));
    }

    // Copy results that were not computed in place into their output buffers.
    let ret_op = ret;
    for (i, &v) in returned.iter().enumerate() {
        let buffer = buffers[&v];
        if buffer != output_args[i] {
            let op = ret_op.expect("returned values come from a return");
            let mut l = Lowering {
                ctx,
                module,
                op,
                schedule,
                buffers: &buffers,
                outputs: vec![],
                kernel_count: &mut kernel_count,
            };
            copy(&mut l, buffer, output_args[i]);
        }
    }
    let mut b = Builder::at_end(ctx, schedule);
    func::Return::new().build(&mut b).map_err(|e| vec![Diagnostic::global(e)])?;
    ctx.erase_op(f);
    ctx.set_attr(schedule_func, "sym_name", Attribute::string(name));
    Ok(())
}
