//! Ahead-of-time output: an ELF relocatable object holding the kernels (local symbols), the
//! weights (`msc_model_weights`, read-only, 64-byte aligned), the arena size
//! (`const unsigned long long msc_model_arena_size`) and the entry function
//! `void msc_model_run(void *const *inputs, void *const *outputs, void *arena)`, which runs the
//! schedule's steps in order on one thread: each step's buffer addresses (input i, output i,
//! arena or weights base plus the offset) go into an array on the stack, then the kernel is
//! called on tiles `[0, tiles)`. The arena must be `msc_model_arena_size` bytes;
//! its contents do not matter (every step writes the arena bytes it reads).

use crate::translate::{compile_kernel, kernel_signature};
use crate::{Error, Target, kernel_functions};
use cranelift_codegen::ir::{
    AbiParam, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind, UserFuncName, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataDescription, Linkage, Module};
use cranelift_object::{ObjectBuilder, ObjectModule};
use msc_ir::{Context, OpId, Type};
use msc_runtime::{Base, Routine, Step};

/// The entry function's symbol.
pub const ENTRY_SYMBOL: &str = "msc_model_run";
/// The arena size's symbol (a `const unsigned long long`).
pub const ARENA_SIZE_SYMBOL: &str = "msc_model_arena_size";
/// The weights' symbol (read-only bytes).
pub const WEIGHTS_SYMBOL: &str = "msc_model_weights";

fn obj_err(e: impl std::fmt::Display) -> Error {
    Error::Object(e.to_string())
}

/// Writes an object file for `target` with the kernels of `module` (`plan` steps index them in
/// module order, as [`crate::compile_kernels`] lists them), the weights, the arena size and the
/// entry function running `plan`.
pub fn emit_object(
    ctx: &Context,
    module: OpId,
    schedule: &str,
    target: &Target,
    plan: &[Step],
    weights: &[u8],
    arena_size: u64,
) -> Result<Vec<u8>, Error> {
    let kernels = kernel_functions(ctx, module, schedule)?;
    check_plan(ctx, &kernels, plan, weights.len() as u64, arena_size)?;
    let builder = ObjectBuilder::new(target.isa.clone(), "msc_model", cranelift_module::default_libcall_names())
        .map_err(obj_err)?;
    let mut obj = ObjectModule::new(builder);
    let sig = kernel_signature(target);
    let mut ids = Vec::new();
    for (name, func) in &kernels {
        let bytes = compile_kernel(ctx, *func, name, target)?.code;
        let id = obj.declare_function(&format!("msc_kernel_{name}"), Linkage::Local, &sig).map_err(obj_err)?;
        obj.define_function_bytes(id, crate::KERNEL_ALIGN as u64, &bytes, &[]).map_err(obj_err)?;
        ids.push(id);
    }

    let weights_id = obj.declare_data(WEIGHTS_SYMBOL, Linkage::Export, false, false).map_err(obj_err)?;
    let mut desc = DataDescription::new();
    desc.define(weights.to_vec().into_boxed_slice());
    desc.set_align(64);
    obj.define_data(weights_id, &desc).map_err(obj_err)?;
    let arena_id = obj.declare_data(ARENA_SIZE_SYMBOL, Linkage::Export, false, false).map_err(obj_err)?;
    let mut desc = DataDescription::new();
    let size_bytes = if target.isa.endianness() == cranelift_codegen::ir::Endianness::Little {
        arena_size.to_le_bytes()
    } else {
        arena_size.to_be_bytes()
    };
    desc.define(Box::new(size_bytes));
    desc.set_align(8);
    obj.define_data(arena_id, &desc).map_err(obj_err)?;

    let ptr = target.isa.pointer_type();
    let mut entry_sig = Signature::new(target.isa.default_call_conv());
    for _ in 0..3 {
        entry_sig.params.push(AbiParam::new(ptr));
    }
    let entry_id = obj.declare_function(ENTRY_SYMBOL, Linkage::Export, &entry_sig).map_err(obj_err)?;
    let mut clif = obj.make_context();
    clif.func = cranelift_codegen::ir::Function::with_name_signature(UserFuncName::default(), entry_sig);
    {
        let mut fbc = FunctionBuilderContext::new();
        let mut fb = FunctionBuilder::new(&mut clif.func, &mut fbc);
        let refs: Vec<_> = ids.iter().map(|&id| obj.declare_func_in_func(id, fb.func)).collect();
        let weights_gv = obj.declare_data_in_func(weights_id, fb.func);
        let block = fb.create_block();
        fb.append_block_params_for_function_params(block);
        fb.switch_to_block(block);
        let [inputs, outputs, arena] = [0, 1, 2].map(|i| fb.block_params(block)[i]);
        let weights_base = fb.ins().symbol_value(ptr, weights_gv);
        let max_args = plan.iter().map(|s| s.args.len()).max().unwrap_or(0).max(1);
        let slot_size = i32::try_from(max_args * ptr.bytes() as usize)
            .map_err(|_| Error::Plan(format!("a step with {max_args} arguments")))?
            .unsigned_abs();
        let slot = fb.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, slot_size, 3));
        let flags = MemFlagsData::trusted();
        for step in plan {
            for (i, arg) in step.args.iter().enumerate() {
                let base = match arg.base {
                    Base::Input(k) => fb.ins().load(ptr, flags, inputs, slot_offset(k, ptr.bytes())?),
                    Base::Output(k) => fb.ins().load(ptr, flags, outputs, slot_offset(k, ptr.bytes())?),
                    Base::Arena => arena,
                    Base::Weights => weights_base,
                };
                let addr = fb.ins().iadd_imm_s(base, arg.offset as i64);
                fb.ins().stack_store(ptr, addr, slot, (i * ptr.bytes() as usize) as i32);
            }
            let args = fb.ins().stack_addr(ptr, slot, 0);
            let begin = fb.ins().iconst(types::I64, 0);
            let end = fb.ins().iconst(types::I64, step.tiles as i64);
            fb.ins().call(refs[kernel_index(step)? as usize], &[args, begin, end]);
        }
        fb.ins().return_(&[]);
        fb.seal_all_blocks();
        fb.finalize(target.isa.frontend_config());
    }
    obj.define_function(entry_id, &mut clif)
        .map_err(|e| Error::Codegen { kernel: ENTRY_SYMBOL.into(), reason: format!("{e:?}") })?;
    obj.finish().emit().map_err(obj_err)
}

/// The byte offset of pointer `k` in an array of pointers.
fn slot_offset(k: u32, pointer_bytes: u32) -> Result<i32, Error> {
    i32::try_from(u64::from(k) * u64::from(pointer_bytes))
        .map_err(|_| Error::Plan(format!("buffer index {k} is too large")))
}

/// The kernel a step calls: an object has no runtime, so a step calling a runtime routine is an error.
fn kernel_index(step: &Step) -> Result<u32, Error> {
    match step.routine {
        Routine::Kernel(index) => Ok(index),
        Routine::Gemm(_)
        | Routine::Depthwise(_)
        | Routine::WinogradConv(_)
        | Routine::Col2im(_)
        | Routine::Resize(_) => Err(Error::Plan(format!(
            "step {} calls a runtime routine, which a standalone object cannot; compile with standalone code \
                 (`CompileOptions::standalone_code`, set by `msc compile --emit-object`)",
            step.name
        ))),
    }
}

/// Checks every step against its kernel and the buffers it names.
fn check_plan(
    ctx: &Context,
    kernels: &[(String, OpId)],
    plan: &[Step],
    weights_len: u64,
    arena_size: u64,
) -> Result<(), Error> {
    for (s, step) in plan.iter().enumerate() {
        let kernel = kernel_index(step)?;
        let Some((name, func)) = kernels.get(kernel as usize) else {
            return Err(Error::Plan(format!("step {s} ({}) calls kernel {kernel} of {}", step.name, kernels.len())));
        };
        let entry = ctx.op(*func).entry_block(0).ok_or_else(|| Error::BadModule(format!("@{name} has no body")))?;
        let params = &ctx.block_args(entry)[2..];
        if params.len() != step.args.len() {
            return Err(Error::Plan(format!(
                "step {s} ({}) passes {} buffers to @{name}, which takes {}",
                step.name,
                step.args.len(),
                params.len()
            )));
        }
        if i64::try_from(step.tiles).is_err() {
            return Err(Error::Plan(format!("step {s} ({}) has {} tiles", step.name, step.tiles)));
        }
        for (i, (arg, &p)) in step.args.iter().zip(params).enumerate() {
            let need = match ctx.value_type(p) {
                Type::MemRef(m) => m.size_in_bytes().unwrap_or(u64::MAX),
                _ => u64::MAX,
            };
            let end = arg.offset.checked_add(arg.len);
            let limit = match arg.base {
                Base::Arena => Some(arena_size),
                Base::Weights => Some(weights_len),
                Base::Input(_) | Base::Output(_) => None,
            };
            let fits = end.is_some_and(|e| limit.is_none_or(|l| e <= l)) && arg.len >= need;
            if !fits || i64::try_from(arg.offset).is_err() {
                return Err(Error::Plan(format!(
                    "step {s} ({}) argument {i}: {} bytes at {} of {} do not hold the {need} bytes @{name} needs",
                    step.name, arg.len, arg.offset, arg.base
                )));
            }
        }
    }
    Ok(())
}
