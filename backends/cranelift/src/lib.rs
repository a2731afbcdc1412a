//! CPU backend: kernel-level IR to machine code with Cranelift, JIT for the host and AOT (ELF
//! objects) for x86_64 and aarch64.
//!
//! - [`parse_target`] picks the target: its triple, the Cranelift ISA flags and the CPU features
//!   the generated code requires (`target.rs`).
//! - [`compile_kernels`] compiles every kernel function of a lowered module into one
//!   position-independent code buffer without relocations (`translate.rs` lowers the ops to CLIF,
//!   `vectorize.rs` emits 4-lane loops, `math.rs` expands `math` functions and `remf` inline,
//!   `half.rs` the f16/bf16 conversions, `emit.rs` holds scalar/vector-generic CLIF helpers).
//! - [`emit_object`] writes an ELF relocatable object with the kernels, the weights and an entry
//!   function `msc_model_run` that runs a schedule (`object.rs`).
//!
//! The kernel ABI is `extern "C" fn(args: *const *mut u8, begin: i64, end: i64)` in the target's
//! default C calling convention, where `args[i]` is the base address of the i-th memref argument.

mod emit;
mod error;
mod half;
mod math;
mod object;
mod target;
mod translate;
mod vectorize;

pub use error::Error;
pub use object::{ARENA_SIZE_SYMBOL, ENTRY_SYMBOL, WEIGHTS_SYMBOL, emit_object};
pub use target::{Target, parse_target};

use msc_ir::{Context, OpId, Type};

/// The machine code of all kernels of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledKernels {
    /// All kernels, each starting at a multiple of [`KERNEL_ALIGN`] bytes; no relocations.
    pub code: Vec<u8>,
    /// The kernels in module order.
    pub kernels: Vec<KernelCode>,
    /// The CPU features the code requires, spelled as `is_x86_feature_detected!` /
    /// `is_aarch64_feature_detected!` spell them.
    pub cpu_features: Vec<String>,
}

/// Where one kernel lies in [`CompiledKernels::code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelCode {
    pub name: String,
    /// Offset of the entry point in [`CompiledKernels::code`].
    pub offset: u64,
    /// Length of the kernel's code in bytes.
    pub len: u64,
    /// How many loops got a 4-lane vector loop (see `vectorize.rs`).
    pub vectorized_loops: u32,
}

/// The alignment of each kernel's first instruction in [`CompiledKernels::code`].
pub const KERNEL_ALIGN: usize = 64;

/// Compiles every kernel function of `module` (every `func.func` but `schedule` whose first two
/// arguments are `index` and the rest memrefs) for `target`.
pub fn compile_kernels(ctx: &Context, module: OpId, schedule: &str, target: &Target) -> Result<CompiledKernels, Error> {
    let mut code = Vec::new();
    let mut kernels = Vec::new();
    for (name, func) in kernel_functions(ctx, module, schedule)? {
        let compiled = translate::compile_kernel(ctx, func, &name, target)?;
        while code.len() % KERNEL_ALIGN != 0 {
            code.push(0);
        }
        kernels.push(KernelCode {
            name,
            offset: code.len() as u64,
            len: compiled.code.len() as u64,
            vectorized_loops: compiled.vectorized_loops,
        });
        code.extend_from_slice(&compiled.code);
    }
    Ok(CompiledKernels { code, kernels, cpu_features: target.cpu_features.clone() })
}

/// The kernel functions of `module` in order, with their names.
pub(crate) fn kernel_functions(ctx: &Context, module: OpId, schedule: &str) -> Result<Vec<(String, OpId)>, Error> {
    let body = ctx.op(module).entry_block(0).ok_or(Error::BadModule("the module has no body".into()))?;
    let mut out = Vec::new();
    for op in ctx.block_ops(body) {
        let func = ctx.op(op);
        if func.name() != msc_builtin::FUNC.name {
            continue;
        }
        let Some(name) = func.raw_attr("sym_name").and_then(|a| a.as_str()) else {
            return Err(Error::BadModule("a func.func without a sym_name".into()));
        };
        if name == schedule {
            continue;
        }
        let Some(entry) = func.entry_block(0) else {
            return Err(Error::BadModule(format!("function @{name} has no body")));
        };
        let args = ctx.block_args(entry);
        let is_kernel = args.len() >= 2
            && args[..2].iter().all(|&a| *ctx.value_type(a) == Type::Index)
            && args[2..].iter().all(|&a| matches!(ctx.value_type(a), Type::MemRef(_)));
        if is_kernel {
            out.push((name.to_string(), op));
        }
    }
    Ok(out)
}
