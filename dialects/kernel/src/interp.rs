//! An interpreter for kernel-level IR: runs a lowered program (its schedule function's weights,
//! allocations, views and launches) or one kernel function on host byte buffers. It is the
//! oracle for lowering (`nn` interpreter vs this) and for code generation (this vs machine code),
//! so it favours plainness and checks every access: an out-of-bounds load or store is an error
//! naming the op, not undefined behaviour.

use crate::{arith, col2im, depthwise, gemm, kernel, memref, resize, scf, winograd};
use msc_ir::{Attribute, BlockId, Context, ElementType, MemRefType, OpId, OpRef, Type, Value};
use std::collections::HashMap;

/// A scalar: floats as `f64` rounded to their type after every op, integers as `i64` wrapped to
/// their type (sign-extended when signed, zero-extended for `ui8` and i1).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scalar {
    F(f64),
    I(i64),
}

/// A buffer argument: which host buffer, the byte offset into it, and the memref type seen.
#[derive(Clone, Debug)]
struct BufRef {
    buffer: usize,
    offset: usize,
    ty: MemRefType,
}

#[derive(Clone, Debug)]
enum Slot {
    Scalar(Scalar),
    Buf(BufRef),
}

/// Runs the schedule function `entry` of a lowered `module`: `inputs` and `outputs` are the byte
/// buffers of its memref arguments in order (inputs first, as the signature lists them).
pub fn run_program(ctx: &Context, module: OpId, entry: &str, buffers: &mut Vec<Vec<u8>>) -> Result<(), String> {
    let func = lookup(ctx, module, entry)?;
    let block = ctx.op(func).entry_block(0).ok_or("the schedule function has no body")?;
    let args = ctx.block_args(block);
    if args.len() != buffers.len() {
        return Err(format!("{entry} takes {} buffers, {} given", args.len(), buffers.len()));
    }
    // A planned function (memory planning set `kernel.arena_size` and each alloc's `offset`) runs
    // with all its allocations in one arena, so a bad plan shows up as wrong results.
    let arena = match ctx.op(func).raw_attr("kernel.arena_size") {
        Some(Attribute::Int(size)) => {
            buffers.push(vec![0; usize::try_from(*size).map_err(|_| "bad kernel.arena_size")?]);
            Some(buffers.len() - 1)
        }
        _ => None,
    };
    let mut env: HashMap<Value, BufRef> = HashMap::new();
    for (i, &arg) in args.iter().enumerate() {
        let ty = memref_type(ctx.value_type(arg))?;
        if ty.size_in_bytes() != Some(buffers[i].len() as u64) {
            return Err(format!("buffer {i} has {} bytes; {ty} needs {:?}", buffers[i].len(), ty.size_in_bytes()));
        }
        env.insert(arg, BufRef { buffer: i, offset: 0, ty });
    }
    for op_id in ctx.block_ops(block) {
        let op = ctx.op(op_id);
        let name = op.name();
        if name == kernel::CONSTANT.name {
            let Some(Attribute::Dense(value)) = op.raw_attr("value") else { return Err("bad kernel.constant".into()) };
            let bytes = value.full_bytes().ok_or("a kernel.constant's value is elided: the data is not in the IR")?;
            buffers.push(bytes.to_vec());
            env.insert(
                op.result(0),
                BufRef { buffer: buffers.len() - 1, offset: 0, ty: memref_type(op.result_type(0))? },
            );
        } else if name == memref::ALLOC.name {
            let ty = memref_type(op.result_type(0))?;
            let size = ty.size_in_bytes().ok_or("allocation too large")? as usize;
            let place = match (arena, op.raw_attr("offset")) {
                (Some(arena), Some(Attribute::Int(offset))) => {
                    let offset = *offset as usize;
                    if offset.checked_add(size).is_none_or(|end| end > buffers[arena].len()) {
                        return Err(format!("allocation at {offset} of {size} bytes is outside the arena"));
                    }
                    BufRef { buffer: arena, offset, ty }
                }
                _ => {
                    buffers.push(vec![0; size]);
                    BufRef { buffer: buffers.len() - 1, offset: 0, ty }
                }
            };
            env.insert(op.result(0), place);
        } else if name == kernel::VIEW.name {
            let source = env[&op.operand(0)].clone();
            let offset = source.offset + op.int("offset")? as usize;
            env.insert(op.result(0), BufRef { buffer: source.buffer, offset, ty: memref_type(op.result_type(0))? });
        } else if name == kernel::LAUNCH.name {
            let callee = match op.raw_attr("callee") {
                Some(Attribute::Symbol(s)) => s.clone(),
                _ => return Err("kernel.launch without a callee".into()),
            };
            let kernel = lookup(ctx, module, &callee)?;
            let args: Vec<BufRef> = op.operands().iter().map(|v| env[v].clone()).collect();
            let tiles = op.int("tiles")?;
            run_kernel_on(ctx, kernel, &args, buffers, 0, tiles)
                .map_err(|e| format!("in kernel @{callee} ({}): {e}", op.loc()))?;
        } else if name == gemm::GEMM.name {
            run_routine(op, &env, buffers, 2, |operands| gemm::evaluate(&gemm::call_of(op)?, operands))
                .map_err(|e| format!("in kernel.gemm ({}): {e}", op.loc()))?;
        } else if name == depthwise::DEPTHWISE_CONV.name {
            run_routine(op, &env, buffers, 2, |operands| depthwise::evaluate(&depthwise::call_of(op)?, operands))
                .map_err(|e| format!("in kernel.depthwise_conv ({}): {e}", op.loc()))?;
        } else if name == winograd::WINOGRAD_CONV.name {
            run_routine(op, &env, buffers, 2, |operands| winograd::evaluate(&winograd::call_of(op)?, operands))
                .map_err(|e| format!("in kernel.winograd_conv ({}): {e}", op.loc()))?;
        } else if name == col2im::COL2IM.name {
            run_routine(op, &env, buffers, 1, |operands| col2im::evaluate(&col2im::call_of(op)?, operands))
                .map_err(|e| format!("in kernel.col2im ({}): {e}", op.loc()))?;
        } else if name == resize::RESIZE.name {
            run_routine(op, &env, buffers, 1, |operands| resize::evaluate(&resize::call_of(op)?, operands))
                .map_err(|e| format!("in kernel.resize ({}): {e}", op.loc()))?;
        } else if name == msc_builtin::RETURN.name {
            break;
        } else {
            return Err(format!("'{name}' cannot appear in a schedule function"));
        }
    }
    Ok(())
}

/// Runs a routine call (`kernel.gemm`, `kernel.depthwise_conv`, `kernel.winograd_conv`, `kernel.col2im`,
/// `kernel.resize`) through its `evaluate`
/// on copies of its operands' f32 elements, then writes its output (operand `output`) back.
fn run_routine(
    op: OpRef<'_>,
    env: &HashMap<Value, BufRef>,
    buffers: &mut [Vec<u8>],
    output: usize,
    evaluate: impl FnOnce(&mut [Vec<f32>]) -> Result<(), String>,
) -> Result<(), String> {
    let places: Vec<&BufRef> = op.operands().iter().map(|v| &env[v]).collect();
    let mut operands = Vec::with_capacity(places.len());
    for place in &places {
        let len = place.ty.size_in_bytes().ok_or("operand too large")? as usize;
        let bytes = buffers[place.buffer].get(place.offset..place.offset + len).ok_or("operand outside its buffer")?;
        operands
            .push(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect::<Vec<f32>>());
    }
    evaluate(&mut operands)?;
    let c = places[output];
    let out = &mut buffers[c.buffer][c.offset..];
    for (slot, v) in out.chunks_exact_mut(4).zip(&operands[output]) {
        slot.copy_from_slice(&v.to_le_bytes());
    }
    Ok(())
}

/// Runs kernel function `func` on tiles `[begin, end)` with `buffers` as its buffer arguments.
pub fn run_kernel(ctx: &Context, func: OpId, buffers: &mut [Vec<u8>], begin: i64, end: i64) -> Result<(), String> {
    let block = ctx.op(func).entry_block(0).ok_or("the kernel has no body")?;
    let args: Vec<BufRef> = ctx.block_args(block)[2..]
        .iter()
        .enumerate()
        .map(|(i, &a)| Ok(BufRef { buffer: i, offset: 0, ty: memref_type(ctx.value_type(a))? }))
        .collect::<Result<_, String>>()?;
    run_kernel_on(ctx, func, &args, buffers, begin, end)
}

fn run_kernel_on(
    ctx: &Context,
    func: OpId,
    args: &[BufRef],
    buffers: &mut [Vec<u8>],
    begin: i64,
    end: i64,
) -> Result<(), String> {
    let block = ctx.op(func).entry_block(0).ok_or("the kernel has no body")?;
    let params = ctx.block_args(block);
    if params.len() != args.len() + 2 {
        return Err(format!("the kernel takes {} buffers, {} given", params.len() - 2, args.len()));
    }
    let mut machine = Machine { ctx, buffers, env: HashMap::new() };
    machine.env.insert(params[0], Slot::Scalar(Scalar::I(begin)));
    machine.env.insert(params[1], Slot::Scalar(Scalar::I(end)));
    for (&p, a) in params[2..].iter().zip(args) {
        machine.env.insert(p, Slot::Buf(a.clone()));
    }
    machine.block(block).map(|_| ())
}

fn lookup(ctx: &Context, module: OpId, name: &str) -> Result<OpId, String> {
    let body = ctx.op(module).entry_block(0).ok_or("the module has no body")?;
    ctx.block_ops(body)
        .find(|&f| ctx.op(f).raw_attr("sym_name").and_then(|a| a.as_str()) == Some(name))
        .ok_or_else(|| format!("no function @{name} in the module"))
}

fn memref_type(ty: &Type) -> Result<MemRefType, String> {
    ty.as_memref().cloned().ok_or_else(|| format!("expected a memref, got {ty}"))
}

struct Machine<'a, 'b> {
    ctx: &'a Context,
    buffers: &'b mut [Vec<u8>],
    env: HashMap<Value, Slot>,
}

impl Machine<'_, '_> {
    fn scalar(&self, v: Value) -> Scalar {
        match self.env.get(&v) {
            Some(Slot::Scalar(s)) => *s,
            other => panic!("interpreter: {v:?} is not a computed scalar ({other:?}); the verifier admits no such IR"),
        }
    }

    fn buf(&self, v: Value) -> &BufRef {
        match self.env.get(&v) {
            Some(Slot::Buf(b)) => b,
            other => panic!("interpreter: {v:?} is not a buffer ({other:?})"),
        }
    }

    /// Runs a block's ops; returns the operands of its terminator (`scf.yield`), if any.
    fn block(&mut self, block: BlockId) -> Result<Vec<Scalar>, String> {
        for op_id in self.ctx.block_ops(block) {
            let op = self.ctx.op(op_id);
            if op.name() == scf::YIELD.name {
                return Ok(op.operands().iter().map(|&v| self.scalar(v)).collect());
            }
            self.op(op).map_err(|e| format!("{e} (at '{}' {})", op.name(), op.loc()))?;
        }
        Ok(vec![])
    }

    fn set(&mut self, v: Value, s: Scalar) {
        self.env.insert(v, Slot::Scalar(s));
    }

    fn op(&mut self, op: OpRef<'_>) -> Result<(), String> {
        let name = op.name();
        let result_ty = op.results().first().map(|&r| self.ctx.value_type(r).clone());
        if name == scf::FOR.name {
            return self.for_loop(op);
        }
        if name == scf::IF.name {
            let cond = self.scalar(op.operand(0));
            let region = if cond == Scalar::I(0) { 1 } else { 0 };
            let values = match op.entry_block(region) {
                Some(block) => self.block(block)?,
                None => vec![],
            };
            for (&r, v) in op.results().iter().zip(values) {
                self.set(r, v);
            }
            return Ok(());
        }
        if name == memref::LOAD.name {
            let (buffer, at, elem) = self.address(op, 0)?;
            let bytes = &self.buffers[buffer][at..at + elem.size()];
            let s = decode(elem, bytes);
            self.set(op.result(0), s);
            return Ok(());
        }
        if name == memref::STORE.name {
            let value = self.scalar(op.operand(0));
            let (buffer, at, elem) = self.address(op, 1)?;
            encode(elem, value, &mut self.buffers[buffer][at..at + elem.size()]);
            return Ok(());
        }
        if name == msc_builtin::RETURN.name {
            return Ok(());
        }
        let ty = result_ty.ok_or_else(|| format!("'{name}' is not executable in a kernel"))?;
        let operands: Vec<Scalar> = op.operands().iter().map(|&v| self.scalar(v)).collect();
        let operand_ty = op.operands().first().map(|&v| self.ctx.value_type(v).clone());
        let value = if name == arith::CONSTANT.name {
            match op.raw_attr("value") {
                Some(Attribute::Float(f)) => Scalar::F(*f),
                Some(Attribute::Int(i)) => Scalar::I(*i),
                Some(Attribute::Bool(b)) => Scalar::I(*b as i64),
                other => return Err(format!("bad constant value {other:?}")),
            }
        } else {
            eval(name, &operands, operand_ty.as_ref().unwrap_or(&ty), &ty, op)?
        };
        let value = normalize(value, &ty);
        self.set(op.result(0), value);
        Ok(())
    }

    fn for_loop(&mut self, op: OpRef<'_>) -> Result<(), String> {
        let [lb, ub, step] = [0, 1, 2].map(|i| match self.scalar(op.operand(i)) {
            Scalar::I(v) => v,
            Scalar::F(_) => unreachable!("loop bounds are index"),
        });
        if step <= 0 {
            return Err(format!("scf.for step must be positive, got {step}"));
        }
        let mut carried: Vec<Scalar> = op.operands()[3..].iter().map(|&v| self.scalar(v)).collect();
        let block = op.entry_block(0).ok_or("scf.for without a body")?;
        let args = self.ctx.block_args(block).to_vec();
        let mut iv = lb;
        while iv < ub {
            self.set(args[0], Scalar::I(iv));
            for (&a, &c) in args[1..].iter().zip(&carried) {
                self.set(a, c);
            }
            carried = self.block(block)?;
            iv += step;
        }
        for (&r, c) in op.results().iter().zip(carried) {
            self.set(r, c);
        }
        Ok(())
    }

    /// The buffer, byte offset and element type of a load/store, bounds-checked.
    fn address(&self, op: OpRef<'_>, memref_operand: usize) -> Result<(usize, usize, ElementType), String> {
        let buf = self.buf(op.operand(memref_operand)).clone();
        let indices: Vec<i64> = op.operands()[memref_operand + 1..]
            .iter()
            .map(|&v| match self.scalar(v) {
                Scalar::I(i) => i,
                Scalar::F(_) => unreachable!("indices are index"),
            })
            .collect();
        let mut linear = 0i64;
        for ((&i, &n), s) in indices.iter().zip(&buf.ty.shape).zip(buf.ty.strides()) {
            if i < 0 || i as u64 >= n {
                return Err(format!("index {indices:?} is out of bounds of {}", buf.ty));
            }
            linear += i * s as i64;
        }
        let at = buf.offset + linear as usize * buf.ty.element.size();
        if at + buf.ty.element.size() > self.buffers[buf.buffer].len() {
            return Err(format!(
                "access at byte {at} is past the end of its {}-byte buffer",
                self.buffers[buf.buffer].len()
            ));
        }
        Ok((buf.buffer, at, buf.ty.element))
    }
}

fn decode(elem: ElementType, b: &[u8]) -> Scalar {
    match elem {
        ElementType::F32 => Scalar::F(f32::from_le_bytes(b.try_into().unwrap()) as f64),
        ElementType::F64 => Scalar::F(f64::from_le_bytes(b.try_into().unwrap())),
        ElementType::F16 => Scalar::F(half::f16::from_le_bytes(b.try_into().unwrap()).to_f64()),
        ElementType::BF16 => Scalar::F(half::bf16::from_le_bytes(b.try_into().unwrap()).to_f64()),
        ElementType::I8 => Scalar::I(b[0] as i8 as i64),
        ElementType::U8 | ElementType::Bool => Scalar::I(b[0] as i64),
        ElementType::I16 => Scalar::I(i16::from_le_bytes(b.try_into().unwrap()) as i64),
        ElementType::I32 => Scalar::I(i32::from_le_bytes(b.try_into().unwrap()) as i64),
        ElementType::I64 => Scalar::I(i64::from_le_bytes(b.try_into().unwrap())),
    }
}

fn encode(elem: ElementType, s: Scalar, out: &mut [u8]) {
    let (f, i) = match s {
        Scalar::F(f) => (f, f as i64),
        Scalar::I(i) => (i as f64, i),
    };
    match elem {
        ElementType::F32 => out.copy_from_slice(&(f as f32).to_le_bytes()),
        ElementType::F64 => out.copy_from_slice(&f.to_le_bytes()),
        ElementType::F16 => out.copy_from_slice(&half::f16::from_f64(f).to_le_bytes()),
        ElementType::BF16 => out.copy_from_slice(&half::bf16::from_f64(f).to_le_bytes()),
        ElementType::I8 | ElementType::U8 | ElementType::Bool => out[0] = i as u8,
        ElementType::I16 => out.copy_from_slice(&(i as i16).to_le_bytes()),
        ElementType::I32 => out.copy_from_slice(&(i as i32).to_le_bytes()),
        ElementType::I64 => out.copy_from_slice(&i.to_le_bytes()),
    }
}

/// Rounds a float to its type's precision, wraps an integer to its type's width.
fn normalize(s: Scalar, ty: &Type) -> Scalar {
    match (s, ty) {
        (Scalar::F(f), Type::Element(e)) => Scalar::F(match e {
            ElementType::F32 => f as f32 as f64,
            ElementType::F16 => half::f16::from_f64(f).to_f64(),
            ElementType::BF16 => half::bf16::from_f64(f).to_f64(),
            _ => f,
        }),
        (Scalar::I(i), Type::Element(e)) => Scalar::I(match e {
            ElementType::I8 => i as i8 as i64,
            ElementType::U8 => i as u8 as i64,
            ElementType::Bool => i & 1,
            ElementType::I16 => i as i16 as i64,
            ElementType::I32 => i as i32 as i64,
            _ => i,
        }),
        (s, _) => s,
    }
}

fn bits(ty: &Type) -> u32 {
    match ty {
        Type::Element(e) => e.size() as u32 * 8,
        _ => 64,
    }
}

/// The unsigned view of a normalized integer of type `ty`.
fn unsigned(i: i64, ty: &Type) -> u64 {
    match bits(ty) {
        64 => i as u64,
        b => (i as u64) & ((1u64 << b) - 1),
    }
}

fn eval(name: &str, x: &[Scalar], in_ty: &Type, out_ty: &Type, op: OpRef<'_>) -> Result<Scalar, String> {
    use Scalar::{F, I};
    let f = |i: usize| match x[i] {
        F(v) => v,
        I(v) => v as f64,
    };
    let int = |i: usize| match x[i] {
        I(v) => v,
        F(v) => v as i64,
    };
    let u = |i: usize| unsigned(int(i), in_ty);
    let op_name = name.split_once('.').map_or(name, |(_, n)| n);
    Ok(match op_name {
        "addf" => F(f(0) + f(1)),
        "subf" => F(f(0) - f(1)),
        "mulf" => F(f(0) * f(1)),
        "divf" => F(f(0) / f(1)),
        "remf" => F(f(0) % f(1)),
        "maximumf" => F(if f(0).is_nan() || f(1).is_nan() { f64::NAN } else { f(0).max(f(1)) }),
        "minimumf" => F(if f(0).is_nan() || f(1).is_nan() { f64::NAN } else { f(0).min(f(1)) }),
        "negf" => F(-f(0)),
        "addi" => I(int(0).wrapping_add(int(1))),
        "subi" => I(int(0).wrapping_sub(int(1))),
        "muli" => I(int(0).wrapping_mul(int(1))),
        // Division by zero gives 0 (machine code must not trap on user data).
        "divsi" | "remsi" if int(1) == 0 => I(0),
        "divui" | "remui" if u(1) == 0 => I(0),
        "divsi" => I(int(0).wrapping_div(int(1))),
        "remsi" => I(int(0).wrapping_rem(int(1))),
        "divui" => I((u(0) / u(1)) as i64),
        "remui" => I((u(0) % u(1)) as i64),
        "maxsi" => I(int(0).max(int(1))),
        "minsi" => I(int(0).min(int(1))),
        "maxui" => I(u(0).max(u(1)) as i64),
        "minui" => I(u(0).min(u(1)) as i64),
        "andi" => I(int(0) & int(1)),
        "ori" => I(int(0) | int(1)),
        "xori" => I(int(0) ^ int(1)),
        "shli" => I(if u(1) >= bits(in_ty) as u64 { 0 } else { int(0).wrapping_shl(u(1) as u32) }),
        "shrsi" => I(int(0) >> u(1).min(63)),
        "shrui" => I(if u(1) >= bits(in_ty) as u64 { 0 } else { (u(0) >> u(1)) as i64 }),
        "cmpf" => {
            let (a, b) = (f(0), f(1));
            let unordered = a.is_nan() || b.is_nan();
            let p = op.string("predicate")?;
            let ordered = |r: bool| !unordered && r;
            let unord = |r: bool| unordered || r;
            I(match p.as_str() {
                "oeq" => ordered(a == b),
                "one" => ordered(a != b),
                "olt" => ordered(a < b),
                "ole" => ordered(a <= b),
                "ogt" => ordered(a > b),
                "oge" => ordered(a >= b),
                "ord" => !unordered,
                "ueq" => unord(a == b),
                "une" => unord(a != b),
                "ult" => unord(a < b),
                "ule" => unord(a <= b),
                "ugt" => unord(a > b),
                "uge" => unord(a >= b),
                "uno" => unordered,
                other => return Err(format!("unknown predicate {other}")),
            } as i64)
        }
        "cmpi" => {
            let p = op.string("predicate")?;
            let (a, b, ua, ub) = (int(0), int(1), u(0), u(1));
            I(match p.as_str() {
                "eq" => a == b,
                "ne" => a != b,
                "slt" => a < b,
                "sle" => a <= b,
                "sgt" => a > b,
                "sge" => a >= b,
                "ult" => ua < ub,
                "ule" => ua <= ub,
                "ugt" => ua > ub,
                "uge" => ua >= ub,
                other => return Err(format!("unknown predicate {other}")),
            } as i64)
        }
        "select" => {
            if int(0) != 0 {
                x[1]
            } else {
                x[2]
            }
        }
        "extf" | "truncf" => F(f(0)),
        "sitofp" => F(int(0) as f64),
        "uitofp" => F(u(0) as f64),
        "fptosi" | "fptoui" => {
            let v = f(0).trunc();
            I(if v.is_nan() {
                0
            } else {
                let (lo, hi) = int_range(out_ty, op_name == "fptoui");
                v.clamp(lo as f64, hi as f64) as i64
            })
        }
        "extsi" | "index_cast" => I(int(0)),
        "extui" => I(u(0) as i64),
        "trunci" => I(int(0)),
        "bitcast" => bitcast(x[0], in_ty, out_ty),
        "absf" => F(f(0).abs()),
        "absi" => I(int(0).wrapping_abs()),
        "sqrt" => F(f(0).sqrt()),
        "rsqrt" => F(1.0 / f(0).sqrt()),
        "exp" => F(f(0).exp()),
        "log" => F(f(0).ln()),
        "tanh" => F(f(0).tanh()),
        "erf" => F(msc_nn_kernels::unary::erf(f(0))),
        "sin" => F(f(0).sin()),
        "cos" => F(f(0).cos()),
        "tan" => F(f(0).tan()),
        "asin" => F(f(0).asin()),
        "acos" => F(f(0).acos()),
        "atan" => F(f(0).atan()),
        "sinh" => F(f(0).sinh()),
        "cosh" => F(f(0).cosh()),
        "asinh" => F(f(0).asinh()),
        "acosh" => F(f(0).acosh()),
        "atanh" => F(f(0).atanh()),
        "floor" => F(f(0).floor()),
        "ceil" => F(f(0).ceil()),
        "roundeven" => F(f(0).round_ties_even()),
        "trunc" => F(f(0).trunc()),
        "powf" => F(f(0).powf(f(1))),
        "fma" => F(f(0).mul_add(f(1), f(2))),
        _ => return Err(format!("'{name}' is not executable in a kernel")),
    })
}

/// The representable range of an integer type.
fn int_range(ty: &Type, unsigned: bool) -> (i64, i64) {
    match (bits(ty), unsigned) {
        (1, _) => (0, 1),
        (64, false) => (i64::MIN, i64::MAX),
        (64, true) => (0, i64::MAX),
        (b, false) => (-(1i64 << (b - 1)), (1i64 << (b - 1)) - 1),
        (b, true) => (0, (1i64 << b) - 1),
    }
}

fn bitcast(s: Scalar, from: &Type, to: &Type) -> Scalar {
    let raw: u64 = match (s, from) {
        (Scalar::F(f), Type::Element(ElementType::F32)) => (f as f32).to_bits() as u64,
        (Scalar::F(f), Type::Element(ElementType::F16)) => half::f16::from_f64(f).to_bits() as u64,
        (Scalar::F(f), Type::Element(ElementType::BF16)) => half::bf16::from_f64(f).to_bits() as u64,
        (Scalar::F(f), _) => f.to_bits(),
        (Scalar::I(i), _) => unsigned(i, from),
    };
    match to {
        Type::Element(ElementType::F32) => Scalar::F(f32::from_bits(raw as u32) as f64),
        Type::Element(ElementType::F16) => Scalar::F(half::f16::from_bits(raw as u16).to_f64()),
        Type::Element(ElementType::BF16) => Scalar::F(half::bf16::from_bits(raw as u16).to_f64()),
        Type::Element(ElementType::F64) => Scalar::F(f64::from_bits(raw)),
        _ => Scalar::I(raw as i64),
    }
}
