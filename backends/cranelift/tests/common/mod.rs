//! Shared test helpers: a context with the kernel dialects, kernels built with `KernelBuilder`,
//! JIT mapping of compiled code, and comparison against the kernel interpreter.
#![allow(dead_code)] // Each test binary uses a different subset of the helpers.

use msc_cranelift::{CompiledKernels, Target, compile_kernels, parse_target};
use msc_ir::{Attribute, Context, ElementType, Location, MemRefType, OpId, OpState, Registry, Type, Value};
use msc_kernel::{KernelBuilder, KernelFunc, build_kernel};
use std::sync::Arc;

pub mod cases;

pub const SCHEDULE: &str = "main";

pub fn context() -> Context {
    let mut registry = Registry::new();
    msc_builtin::register(&mut registry).unwrap();
    msc_kernel::register(&mut registry).unwrap();
    Context::new(Arc::new(registry))
}

/// A fresh module in a fresh context.
pub fn module() -> (Context, OpId) {
    let mut ctx = context();
    let module = msc_builtin::create_module(&mut ctx);
    (ctx, module)
}

/// Adds kernel `name` over `buffers` with body `body`.
pub fn kernel(
    ctx: &mut Context,
    module: OpId,
    name: &str,
    buffers: &[MemRefType],
    body: impl FnOnce(&mut KernelBuilder<'_>, &KernelFunc),
) -> OpId {
    let func = build_kernel(ctx, module, name, buffers, Location::Unknown, body);
    msc_ir::verifier::verify(ctx, module).unwrap_or_else(|e| panic!("kernel @{name} does not verify: {e:?}"));
    func
}

/// Inserts `def` with a string `predicate` attribute (all cmpf/cmpi predicates).
pub fn cmp_op(kb: &mut KernelBuilder<'_>, def: &'static msc_ir::OpDef, predicate: &str, a: Value, b: Value) -> Value {
    let loc = kb.builder().loc().clone();
    let mut state = OpState::new(def, loc);
    state.operands = vec![a, b];
    state.attrs.insert("predicate".to_string(), Attribute::string(predicate));
    state.result_types = vec![Type::Element(ElementType::Bool)];
    let op = kb.builder().insert(state).unwrap();
    kb.builder().ctx_ref().op(op).result(0)
}

/// Compiled kernels mapped executable.
pub struct Jit {
    map: memmap2::Mmap,
    pub compiled: CompiledKernels,
}

type KernelFn = unsafe extern "C" fn(*const *mut u8, i64, i64);

impl Jit {
    pub fn new(ctx: &Context, module: OpId, target: &Target) -> Jit {
        let compiled = compile_kernels(ctx, module, SCHEDULE, target).unwrap_or_else(|e| panic!("{e}"));
        let mut map = memmap2::MmapMut::map_anon(compiled.code.len().max(1)).unwrap();
        map[..compiled.code.len()].copy_from_slice(&compiled.code);
        let map = map.make_exec().unwrap();
        Jit { map, compiled }
    }

    pub fn host(ctx: &Context, module: OpId) -> Jit {
        Jit::new(ctx, module, &parse_target("host").unwrap())
    }

    /// Runs kernel `name` on `buffers` over tiles `[begin, end)`.
    pub fn run(&self, name: &str, buffers: &mut [Vec<u8>], begin: i64, end: i64) {
        let k = self.compiled.kernels.iter().find(|k| k.name == name).unwrap_or_else(|| panic!("no kernel {name}"));
        let ptrs: Vec<*mut u8> = buffers.iter_mut().map(|b| b.as_mut_ptr()).collect();
        // SAFETY: the code was compiled for this host from a verified kernel whose buffer
        // arguments have exactly these sizes; the map is executable and outlives the call.
        unsafe {
            let f: KernelFn = std::mem::transmute(self.map.as_ptr().add(k.offset as usize));
            f(ptrs.as_ptr(), begin, end);
        }
    }
}

/// Runs kernel `func` through the interpreter.
pub fn interpret(ctx: &Context, func: OpId, buffers: &mut [Vec<u8>], begin: i64, end: i64) {
    msc_kernel::interp::run_kernel(ctx, func, buffers, begin, end).unwrap_or_else(|e| panic!("interpreter: {e}"));
}

/// Deterministic pseudo-random numbers (xorshift).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn f64_in(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Encodes `values` as little-endian elements of `ty` (floats rounded as the interpreter does).
pub fn encode(ty: ElementType, values: &[f64]) -> Vec<u8> {
    let mut out = Vec::new();
    for &v in values {
        match ty {
            ElementType::F32 => out.extend((v as f32).to_le_bytes()),
            ElementType::F64 => out.extend(v.to_le_bytes()),
            ElementType::F16 => out.extend(half::f16::from_f64(v).to_le_bytes()),
            ElementType::BF16 => out.extend(half::bf16::from_f64(v).to_le_bytes()),
            ElementType::I8 | ElementType::U8 => out.push(v as i64 as u8),
            ElementType::Bool => out.push((v != 0.0) as u8),
            ElementType::I16 => out.extend((v as i64 as i16).to_le_bytes()),
            ElementType::I32 => out.extend((v as i64 as i32).to_le_bytes()),
            ElementType::I64 => out.extend((v as i64).to_le_bytes()),
        }
    }
    out
}

/// Decodes little-endian elements of `ty` as f64 (integers exactly up to 2^53).
pub fn decode(ty: ElementType, bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks(ty.size())
        .map(|b| match ty {
            ElementType::F32 => f32::from_le_bytes(b.try_into().unwrap()) as f64,
            ElementType::F64 => f64::from_le_bytes(b.try_into().unwrap()),
            ElementType::F16 => half::f16::from_le_bytes(b.try_into().unwrap()).to_f64(),
            ElementType::BF16 => half::bf16::from_le_bytes(b.try_into().unwrap()).to_f64(),
            ElementType::I8 => b[0] as i8 as f64,
            ElementType::U8 | ElementType::Bool => b[0] as f64,
            ElementType::I16 => i16::from_le_bytes(b.try_into().unwrap()) as f64,
            ElementType::I32 => i32::from_le_bytes(b.try_into().unwrap()) as f64,
            ElementType::I64 => i64::from_le_bytes(b.try_into().unwrap()) as f64,
        })
        .collect()
}

/// Whether two element encodings are equal, counting any NaN equal to any NaN.
pub fn same_bits(ty: ElementType, a: &[u8], b: &[u8]) -> bool {
    if !ty.is_float() {
        return a == b;
    }
    a.chunks(ty.size()).zip(b.chunks(ty.size())).all(|(x, y)| {
        x == y || {
            let (fx, fy) = (decode(ty, x)[0], decode(ty, y)[0]);
            fx.is_nan() && fy.is_nan()
        }
    })
}

/// The first index where two buffers differ, with both values, for messages.
pub fn first_difference(ty: ElementType, a: &[u8], b: &[u8]) -> Option<(usize, f64, f64)> {
    let (da, db) = (decode(ty, a), decode(ty, b));
    let n = ty.size();
    (0..da.len()).find(|&i| !same_bits(ty, &a[i * n..(i + 1) * n], &b[i * n..(i + 1) * n])).map(|i| (i, da[i], db[i]))
}
