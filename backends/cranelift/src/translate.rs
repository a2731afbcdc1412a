//! Lowers one kernel function (arith/math/scf/memref ops) to a CLIF function and compiles it.
//!
//! Values: `index` → I64; f32 → F32; f64 → F64; f16/bf16 → F32 holding a value of the type,
//! rounded after every op; i1 → I8 holding 0/1; i8/ui8 → I8; i16/i32/i64 → I16/I32/I64.
//! Signedness comes from the op and, as in the interpreter (the oracle), from the type: `ui8` and
//! i1 values are zero-extended, so signed ops on them (`divsi`, `maxsi`, `slt`, `extsi`, ...) act
//! unsigned. Integer division and remainder by zero give 0; `MIN / -1` wraps. An `scf.for` whose
//! step is not positive runs no iterations (the interpreter rejects it).
//!
//! [`Translator::compute`] is the pure part, written over CLIF values so that the vectorizer can
//! call it with 4-lane vectors for the ops it marks vector-native.

use crate::emit::{self, fconst, iconst};
use crate::half::{self, Half};
use crate::{Error, Target, math, vectorize};
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    self, AbiParam, BlockArg, InstBuilder, MemFlagsData, Signature, UserFuncName, Value, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use msc_ir::{Attribute, BlockId, Context, ElementType, MemRefType, OpId, OpRef, Type};
use std::collections::HashMap;

/// A scalar type as the code generator sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Index,
    F32,
    F64,
    Half(Half),
    /// An integer of `bits` bits; `unsigned` for `ui8` (whose "signed" ops act unsigned).
    Int {
        bits: u8,
        unsigned: bool,
    },
    Bool,
}

impl Kind {
    pub(crate) fn of(ty: &Type) -> Option<Kind> {
        Some(match ty {
            Type::Index => Kind::Index,
            Type::Element(e) => match e {
                ElementType::F32 => Kind::F32,
                ElementType::F64 => Kind::F64,
                ElementType::F16 => Kind::Half(Half::F16),
                ElementType::BF16 => Kind::Half(Half::BF16),
                ElementType::I8 => Kind::Int { bits: 8, unsigned: false },
                ElementType::U8 => Kind::Int { bits: 8, unsigned: true },
                ElementType::I16 => Kind::Int { bits: 16, unsigned: false },
                ElementType::I32 => Kind::Int { bits: 32, unsigned: false },
                ElementType::I64 => Kind::Int { bits: 64, unsigned: false },
                ElementType::Bool => Kind::Bool,
            },
            _ => return None,
        })
    }

    /// The CLIF type of a value of this kind.
    pub(crate) fn clif(self) -> ir::Type {
        match self {
            Kind::Index => types::I64,
            Kind::F32 | Kind::Half(_) => types::F32,
            Kind::F64 => types::F64,
            Kind::Int { bits, .. } => ir::Type::int(u16::from(bits)).unwrap_or(types::I64),
            Kind::Bool => types::I8,
        }
    }

    pub(crate) fn is_float(self) -> bool {
        matches!(self, Kind::F32 | Kind::F64 | Kind::Half(_))
    }

    /// Whether the value is zero-extended (its signed ops act unsigned).
    fn unsigned(self) -> bool {
        matches!(self, Kind::Bool | Kind::Int { unsigned: true, .. })
    }

    /// The width the interpreter gives the type in shifts and range checks.
    fn bits(self) -> u32 {
        self.clif().bits()
    }
}

/// Flags for buffer accesses: possibly unaligned, never trapping.
pub(crate) fn data_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// A compiled kernel: its machine code and how many of its loops were vectorized.
pub(crate) struct Compiled {
    pub(crate) code: Vec<u8>,
    pub(crate) vectorized_loops: u32,
}

/// Compiles kernel function `func` to machine code, refusing any relocation.
pub(crate) fn compile_kernel(ctx: &Context, func: OpId, name: &str, target: &Target) -> Result<Compiled, Error> {
    let mut clif = cranelift_codegen::Context::new();
    let (function, vectorized_loops) = build_function(ctx, func, name, target)?;
    clif.func = function;
    let compiled = clif
        .compile(&*target.isa, &mut ControlPlane::default())
        .map_err(|e| Error::Codegen { kernel: name.to_string(), reason: format!("{:?}", e.inner) })?;
    let relocs = compiled.buffer.relocs();
    if !relocs.is_empty() {
        let names: Vec<String> = relocs.iter().map(|r| format!("{:?}", r.target)).collect();
        return Err(Error::Relocation { kernel: name.to_string(), relocations: names.join(", ") });
    }
    Ok(Compiled { code: compiled.code_buffer().to_vec(), vectorized_loops })
}

/// The kernel signature: `(args: *const *mut u8, begin: i64, end: i64)`.
pub(crate) fn kernel_signature(target: &Target) -> Signature {
    let mut sig = Signature::new(target.isa.default_call_conv());
    sig.params.push(AbiParam::new(target.isa.pointer_type()));
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig
}

/// Builds the CLIF function of kernel `func`; also returns the number of vectorized loops.
fn build_function(ctx: &Context, func: OpId, name: &str, target: &Target) -> Result<(ir::Function, u32), Error> {
    let mut function = ir::Function::with_name_signature(UserFuncName::default(), kernel_signature(target));
    let mut fbc = FunctionBuilderContext::new();
    let fb = FunctionBuilder::new(&mut function, &mut fbc);
    let mut t =
        Translator { ctx, kernel: name, target, fb, values: HashMap::new(), buffers: HashMap::new(), vectorized: 0 };
    let body = ctx.op(func).entry_block(0).ok_or_else(|| t.unsupported_msg("func.func", "the kernel has no body"))?;
    let entry = t.fb.create_block();
    t.fb.append_block_params_for_function_params(entry);
    t.fb.switch_to_block(entry);
    let params = t.fb.block_params(entry).to_vec();
    let args = ctx.block_args(body);
    t.values.insert(args[0], params[1]);
    t.values.insert(args[1], params[2]);
    let ptr = target.isa.pointer_type();
    for (i, &arg) in args[2..].iter().enumerate() {
        let Type::MemRef(ty) = ctx.value_type(arg) else {
            return Err(t.unsupported_msg("func.func", "a kernel's arguments after begin/end must be memrefs"));
        };
        let offset = i32::try_from(i * ptr.bytes() as usize)
            .map_err(|_| t.unsupported_msg("func.func", "too many buffer arguments"))?;
        let base = t.fb.ins().load(ptr, MemFlagsData::trusted(), params[0], offset);
        t.buffers.insert(arg, (base, ty.clone()));
    }
    t.block(body)?;
    t.fb.ins().return_(&[]);
    t.fb.seal_all_blocks();
    let vectorized = t.vectorized;
    t.fb.finalize(target.isa.frontend_config());
    Ok((function, vectorized))
}

/// Translation state of one kernel.
pub(crate) struct Translator<'a, 'f> {
    pub(crate) ctx: &'a Context,
    pub(crate) kernel: &'a str,
    pub(crate) target: &'a Target,
    pub(crate) fb: FunctionBuilder<'f>,
    pub(crate) values: HashMap<msc_ir::Value, Value>,
    pub(crate) buffers: HashMap<msc_ir::Value, (Value, MemRefType)>,
    vectorized: u32,
}

impl Translator<'_, '_> {
    pub(crate) fn unsupported_msg(&self, op: &str, reason: &str) -> Error {
        Error::Unsupported { kernel: self.kernel.to_string(), op: op.to_string(), reason: reason.to_string() }
    }

    pub(crate) fn unsupported(&self, op: OpRef<'_>, reason: impl Into<String>) -> Error {
        Error::Unsupported {
            kernel: self.kernel.to_string(),
            op: format!("{} at {}", op.name(), op.loc()),
            reason: reason.into(),
        }
    }

    pub(crate) fn value(&self, op: OpRef<'_>, v: msc_ir::Value) -> Result<Value, Error> {
        self.values.get(&v).copied().ok_or_else(|| self.unsupported(op, "an operand is not a computed scalar"))
    }

    pub(crate) fn buffer(&self, op: OpRef<'_>, v: msc_ir::Value) -> Result<(Value, MemRefType), Error> {
        self.buffers.get(&v).cloned().ok_or_else(|| self.unsupported(op, "the buffer operand is not a kernel argument"))
    }

    pub(crate) fn kind(&self, op: OpRef<'_>, ty: &Type) -> Result<Kind, Error> {
        Kind::of(ty).ok_or_else(|| self.unsupported(op, format!("values of type {ty} are not scalars")))
    }

    /// Emits a block's ops; returns the CLIF values of its `scf.yield` operands.
    pub(crate) fn block(&mut self, block: BlockId) -> Result<Vec<Value>, Error> {
        for id in self.ctx.block_ops(block) {
            let op = self.ctx.op(id);
            match op.name() {
                "scf.yield" => return op.operands().iter().map(|&v| self.value(op, v)).collect(),
                "func.return" => return Ok(vec![]),
                _ => self.op(op)?,
            }
        }
        Ok(vec![])
    }

    fn op(&mut self, op: OpRef<'_>) -> Result<(), Error> {
        match op.name() {
            "scf.for" => self.for_loop(op),
            "scf.if" => self.if_op(op),
            "memref.load" => {
                let (base, ty) = self.buffer(op, op.operand(0))?;
                let indices: Vec<Value> =
                    op.operands()[1..].iter().map(|&v| self.value(op, v)).collect::<Result<_, _>>()?;
                let addr = self.address(base, &ty, &indices);
                let v = self.load_typed(ty.element, addr, false);
                self.values.insert(op.result(0), v);
                Ok(())
            }
            "memref.store" => {
                let value = self.value(op, op.operand(0))?;
                let (base, ty) = self.buffer(op, op.operand(1))?;
                let indices: Vec<Value> =
                    op.operands()[2..].iter().map(|&v| self.value(op, v)).collect::<Result<_, _>>()?;
                let addr = self.address(base, &ty, &indices);
                self.store(ty.element, value, addr, 0);
                Ok(())
            }
            _ => {
                if op.results().len() != 1 {
                    return Err(self.unsupported(op, "not an op of a kernel body"));
                }
                let args: Vec<Value> = op.operands().iter().map(|&v| self.value(op, v)).collect::<Result<_, _>>()?;
                let v = self.compute(op, &args)?;
                self.values.insert(op.result(0), v);
                Ok(())
            }
        }
    }

    /// `base + linear(indices) * element size`, row-major over the static shape.
    pub(crate) fn address(&mut self, base: Value, ty: &MemRefType, indices: &[Value]) -> Value {
        let mut linear: Option<Value> = None;
        for (&i, stride) in indices.iter().zip(ty.strides()) {
            let term = if stride == 1 { i } else { self.fb.ins().imul_imm_s(i, stride as i64) };
            linear = Some(match linear {
                None => term,
                Some(acc) => self.fb.ins().iadd(acc, term),
            });
        }
        match linear {
            None => base,
            Some(l) => {
                let bytes = self.fb.ins().imul_imm_s(l, ty.element.size() as i64);
                self.fb.ins().iadd(base, bytes)
            }
        }
    }

    /// Loads one element (or, with `vector`, four consecutive f32/i32 elements) at `addr`.
    pub(crate) fn load_typed(&mut self, elem: ElementType, addr: Value, vector: bool) -> Value {
        let kind = Kind::of(&Type::Element(elem)).unwrap_or(Kind::F32);
        let flags = data_flags();
        match kind {
            Kind::Half(h) => {
                let bits = self.fb.ins().uload16(types::I32, flags, addr, 0);
                half::to_f32(&mut self.fb, h, bits)
            }
            _ => {
                let ty = if vector { kind.clif().by(4).unwrap_or(kind.clif()) } else { kind.clif() };
                self.fb.ins().load(ty, flags, addr, 0)
            }
        }
    }

    /// Stores `v` (a scalar of the element's kind, or a 4-lane vector of f32/i32) at `addr`.
    pub(crate) fn store(&mut self, elem: ElementType, v: Value, addr: Value, offset: i32) {
        let flags = data_flags();
        match Kind::of(&Type::Element(elem)) {
            Some(Kind::Half(h)) => {
                let bits = half::from_f32(&mut self.fb, h, v);
                self.fb.ins().istore16(flags, bits, addr, offset);
            }
            _ => {
                self.fb.ins().store(flags, v, addr, offset);
            }
        }
    }

    fn for_loop(&mut self, op: OpRef<'_>) -> Result<(), Error> {
        let [lb, ub, step] = [0, 1, 2].map(|i| self.value(op, op.operand(i)));
        let (lb, ub, step) = (lb?, ub?, step?);
        let inits: Vec<Value> = op.operands()[3..].iter().map(|&v| self.value(op, v)).collect::<Result<_, _>>()?;
        let body = op.entry_block(0).ok_or_else(|| self.unsupported(op, "scf.for without a body"))?;
        let (lb, inits) = if self.target.vectorize && vectorize::is_vectorizable(self.ctx, op) {
            self.vectorized += 1;
            vectorize::emit(self, op, lb, ub, &inits)?
        } else {
            (lb, inits)
        };
        let results = self.counted_loop(op, body, lb, ub, step, &inits)?;
        for (&r, v) in op.results().iter().zip(results) {
            self.values.insert(r, v);
        }
        Ok(())
    }

    /// `for iv = lb; iv < ub; iv += step` carrying `inits` through `body` (none run if step ≤ 0).
    fn counted_loop(
        &mut self,
        op: OpRef<'_>,
        body: BlockId,
        lb: Value,
        ub: Value,
        step: Value,
        inits: &[Value],
    ) -> Result<Vec<Value>, Error> {
        let carried_types: Vec<ir::Type> = inits.iter().map(|&v| self.fb.func.dfg.value_type(v)).collect();
        let header = self.fb.create_block();
        self.fb.append_block_param(header, types::I64);
        let exit = self.fb.create_block();
        for &ty in &carried_types {
            self.fb.append_block_param(header, ty);
            self.fb.append_block_param(exit, ty);
        }
        let body_block = self.fb.create_block();
        let mut header_args = vec![BlockArg::Value(lb)];
        header_args.extend(inits.iter().map(|&v| BlockArg::Value(v)));
        let init_args: Vec<BlockArg> = inits.iter().map(|&v| BlockArg::Value(v)).collect();
        let step_ok = self.fb.ins().icmp_imm_s(IntCC::SignedGreaterThan, step, 0);
        self.fb.ins().brif(step_ok, header, &header_args, exit, &init_args);

        self.fb.switch_to_block(header);
        let params = self.fb.block_params(header).to_vec();
        let more = self.fb.ins().icmp(IntCC::SignedLessThan, params[0], ub);
        let carried_args: Vec<BlockArg> = params[1..].iter().map(|&v| BlockArg::Value(v)).collect();
        self.fb.ins().brif(more, body_block, &[], exit, &carried_args);

        self.fb.switch_to_block(body_block);
        let args = self.ctx.block_args(body);
        if args.len() != params.len() {
            return Err(self.unsupported(op, "the body block's arguments do not match the carried values"));
        }
        for (&a, &p) in args.iter().zip(&params) {
            self.values.insert(a, p);
        }
        let next = self.block(body)?;
        if next.len() != inits.len() {
            return Err(self.unsupported(op, "scf.yield does not give one value per carried value"));
        }
        let iv_next = self.fb.ins().iadd(params[0], step);
        let mut back = vec![BlockArg::Value(iv_next)];
        back.extend(next.iter().map(|&v| BlockArg::Value(v)));
        self.fb.ins().jump(header, &back);

        self.fb.switch_to_block(exit);
        Ok(self.fb.block_params(exit).to_vec())
    }

    fn if_op(&mut self, op: OpRef<'_>) -> Result<(), Error> {
        let cond = self.value(op, op.operand(0))?;
        let then_block = self.fb.create_block();
        let else_block = self.fb.create_block();
        let merge = self.fb.create_block();
        let mut result_types = Vec::new();
        for &r in op.results() {
            let kind = self.kind(op, self.ctx.value_type(r))?;
            result_types.push(kind.clif());
            self.fb.append_block_param(merge, kind.clif());
        }
        self.fb.ins().brif(cond, then_block, &[], else_block, &[]);
        for (region, block) in [(0, then_block), (1, else_block)] {
            self.fb.switch_to_block(block);
            let values = match op.entry_block(region) {
                Some(b) => self.block(b)?,
                None => vec![],
            };
            if values.len() != result_types.len() {
                return Err(self.unsupported(op, "a branch does not yield one value per result"));
            }
            let args: Vec<BlockArg> = values.iter().map(|&v| BlockArg::Value(v)).collect();
            self.fb.ins().jump(merge, &args);
        }
        self.fb.switch_to_block(merge);
        let params = self.fb.block_params(merge).to_vec();
        for (&r, v) in op.results().iter().zip(params) {
            self.values.insert(r, v);
        }
        Ok(())
    }

    /// A float result: f16/bf16 values are rounded to their type.
    fn finish_float(&mut self, kind: Kind, v: Value) -> Value {
        match kind {
            Kind::Half(h) => half::round(&mut self.fb, h, v),
            _ => v,
        }
    }

    /// An integer result: i1 keeps only its low bit (vector i1 values are lane masks, left alone).
    fn finish_int(&mut self, kind: Kind, v: Value) -> Value {
        let ty = self.fb.func.dfg.value_type(v);
        if kind == Kind::Bool && !ty.is_vector() { self.fb.ins().band_imm_s(v, 1) } else { v }
    }

    /// The value of one pure op (constants, arith, math) on CLIF operands: scalars, or 4-lane
    /// vectors for the ops [`vectorize`] marks vector-native.
    pub(crate) fn compute(&mut self, op: OpRef<'_>, args: &[Value]) -> Result<Value, Error> {
        let name = op.name();
        let short = name.split_once('.').map_or(name, |(_, n)| n);
        let out = self.kind(op, op.result_type(0))?;
        if name == "arith.constant" {
            return self.constant(op, out);
        }
        let input = self.kind(op, op.operand_type(0))?;
        let dialect_ok = name.starts_with("arith.") || name.starts_with("math.");
        if !dialect_ok || args.is_empty() {
            return Err(self.unsupported(op, "not an op of a kernel body"));
        }
        let a = args[0];
        let b = args.get(1).copied().unwrap_or(a);
        let fb = &mut self.fb;
        let v = match short {
            "addf" => fb.ins().fadd(a, b),
            "subf" => fb.ins().fsub(a, b),
            "mulf" => fb.ins().fmul(a, b),
            "divf" => fb.ins().fdiv(a, b),
            "remf" => math::fmod(fb, a, b),
            "maximumf" => fb.ins().fmax(a, b),
            "minimumf" => fb.ins().fmin(a, b),
            "negf" => fb.ins().fneg(a),
            "absf" => fb.ins().fabs(a),
            "sqrt" => fb.ins().sqrt(a),
            "rsqrt" => {
                let ty = fb.func.dfg.value_type(a);
                let s = fb.ins().sqrt(a);
                let one = fconst(fb, ty, 1.0);
                fb.ins().fdiv(one, s)
            }
            "floor" => fb.ins().floor(a),
            "ceil" => fb.ins().ceil(a),
            "roundeven" => fb.ins().nearest(a),
            "trunc" => fb.ins().trunc(a),
            "fma" => {
                if self.target.has_fma() {
                    fb.ins().fma(a, b, args[2])
                } else {
                    let p = fb.ins().fmul(a, b);
                    fb.ins().fadd(p, args[2])
                }
            }
            "exp" | "log" | "tanh" | "erf" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh"
            | "asinh" | "acosh" | "atanh" | "powf" => math::function(fb, short, a, b),
            "cmpf" => {
                let predicate = op.string("predicate").unwrap_or_default();
                let cc = float_cc(&predicate).ok_or_else(|| self.unsupported(op, "unknown predicate"))?;
                if self.fb.func.dfg.value_type(a).is_vector() {
                    return Ok(vector_fcmp(&mut self.fb, cc, a, b));
                }
                return Ok(self.fb.ins().fcmp(cc, a, b));
            }
            "cmpi" => {
                let cc = int_cc(&op.string("predicate").unwrap_or_default(), input.unsigned())
                    .ok_or_else(|| self.unsupported(op, "unknown predicate"))?;
                return Ok(self.fb.ins().icmp(cc, a, b));
            }
            "select" => return Ok(emit::select(&mut self.fb, a, b, args[2])),
            "addi" => fb.ins().iadd(a, b),
            "subi" => fb.ins().isub(a, b),
            "muli" => fb.ins().imul(a, b),
            "divsi" | "divui" | "remsi" | "remui" => {
                let signed = short.ends_with("si") && !input.unsigned();
                division(fb, short.starts_with("div"), signed, a, b)
            }
            "maxsi" if !input.unsigned() => fb.ins().smax(a, b),
            "minsi" if !input.unsigned() => fb.ins().smin(a, b),
            "maxsi" | "maxui" => fb.ins().umax(a, b),
            "minsi" | "minui" => fb.ins().umin(a, b),
            "andi" => fb.ins().band(a, b),
            "ori" => fb.ins().bor(a, b),
            "xori" => fb.ins().bxor(a, b),
            "shli" | "shrui" | "shrsi" => shift(fb, short, input, a, b),
            "absi" if input.unsigned() => a,
            "absi" => fb.ins().iabs(a),
            "extf" | "truncf" => convert_float(fb, input, out, a),
            "sitofp" | "uitofp" => {
                let ty = fb.func.dfg.value_type(a);
                if ty.is_vector() {
                    // Only i32 → f32 is vector-native.
                    return Ok(fb.ins().fcvt_from_sint(types::F32X4, a));
                }
                let unsigned = short == "uitofp" || input.unsigned();
                let wide = extend(fb, a, types::I64, !unsigned);
                let f = if unsigned {
                    fb.ins().fcvt_from_uint(types::F64, wide)
                } else {
                    fb.ins().fcvt_from_sint(types::F64, wide)
                };
                convert_float(fb, Kind::F64, out, f)
            }
            "fptosi" | "fptoui" => {
                let ty = fb.func.dfg.value_type(a);
                if ty.is_vector() {
                    return Ok(fb.ins().fcvt_to_sint_sat(types::I32X4, a));
                }
                float_to_int(fb, short == "fptoui", out, a)
            }
            "extsi" | "extui" | "trunci" | "index_cast" => {
                let signed = short != "extui" && !input.unsigned();
                extend(fb, a, out.clif(), signed)
            }
            "bitcast" => bitcast(fb, input, out, a),
            _ => return Err(self.unsupported(op, "not an op of a kernel body")),
        };
        Ok(if out.is_float() { self.finish_float(out, v) } else { self.finish_int(out, v) })
    }

    fn constant(&mut self, op: OpRef<'_>, out: Kind) -> Result<Value, Error> {
        let value = match op.raw_attr("value") {
            Some(Attribute::Float(f)) => *f,
            Some(Attribute::Int(i)) if out.is_float() => *i as f64,
            Some(Attribute::Int(i)) => return Ok(self.int_constant(out, *i)),
            Some(Attribute::Bool(b)) => return Ok(self.int_constant(out, i64::from(*b))),
            _ => return Err(self.unsupported(op, "the value is not an integer, float or bool attribute")),
        };
        Ok(match out {
            Kind::F64 => self.fb.ins().f64const(value),
            Kind::F32 => self.fb.ins().f32const(value as f32),
            Kind::Half(Half::F16) => self.fb.ins().f32const(::half::f16::from_f64(value).to_f32()),
            Kind::Half(Half::BF16) => self.fb.ins().f32const(::half::bf16::from_f64(value).to_f32()),
            _ => self.int_constant(out, value as i64),
        })
    }

    fn int_constant(&mut self, out: Kind, v: i64) -> Value {
        let v = if out == Kind::Bool { v & 1 } else { v };
        iconst(&mut self.fb, out.clif(), v)
    }
}

/// The CLIF condition of a `cmpf` predicate.
fn float_cc(p: &str) -> Option<FloatCC> {
    Some(match p {
        "oeq" => FloatCC::Equal,
        "one" => FloatCC::OrderedNotEqual,
        "olt" => FloatCC::LessThan,
        "ole" => FloatCC::LessThanOrEqual,
        "ogt" => FloatCC::GreaterThan,
        "oge" => FloatCC::GreaterThanOrEqual,
        "ord" => FloatCC::Ordered,
        "ueq" => FloatCC::UnorderedOrEqual,
        "une" => FloatCC::NotEqual,
        "ult" => FloatCC::UnorderedOrLessThan,
        "ule" => FloatCC::UnorderedOrLessThanOrEqual,
        "ugt" => FloatCC::UnorderedOrGreaterThan,
        "uge" => FloatCC::UnorderedOrGreaterThanOrEqual,
        "uno" => FloatCC::Unordered,
        _ => return None,
    })
}

/// A vector float comparison from the conditions every backend has for vectors (=, !=, <, <=,
/// ordered, unordered), swapping operands and negating for the others.
fn vector_fcmp(fb: &mut FunctionBuilder<'_>, cc: FloatCC, a: Value, b: Value) -> Value {
    let not = |fb: &mut FunctionBuilder<'_>, cc: FloatCC, x: Value, y: Value| {
        let r = fb.ins().fcmp(cc, x, y);
        fb.ins().bnot(r)
    };
    match cc {
        FloatCC::GreaterThan => fb.ins().fcmp(FloatCC::LessThan, b, a),
        FloatCC::GreaterThanOrEqual => fb.ins().fcmp(FloatCC::LessThanOrEqual, b, a),
        FloatCC::OrderedNotEqual => {
            let o = fb.ins().fcmp(FloatCC::Ordered, a, b);
            let ne = fb.ins().fcmp(FloatCC::NotEqual, a, b);
            fb.ins().band(o, ne)
        }
        FloatCC::UnorderedOrEqual => {
            let u = fb.ins().fcmp(FloatCC::Unordered, a, b);
            let eq = fb.ins().fcmp(FloatCC::Equal, a, b);
            fb.ins().bor(u, eq)
        }
        FloatCC::UnorderedOrLessThan => not(fb, FloatCC::LessThanOrEqual, b, a),
        FloatCC::UnorderedOrLessThanOrEqual => not(fb, FloatCC::LessThan, b, a),
        FloatCC::UnorderedOrGreaterThan => not(fb, FloatCC::LessThanOrEqual, a, b),
        FloatCC::UnorderedOrGreaterThanOrEqual => not(fb, FloatCC::LessThan, a, b),
        cc => fb.ins().fcmp(cc, a, b),
    }
}

/// The CLIF condition of a `cmpi` predicate; signed predicates on zero-extended types compare
/// unsigned, as in the interpreter.
fn int_cc(p: &str, unsigned: bool) -> Option<IntCC> {
    Some(match p {
        "eq" => IntCC::Equal,
        "ne" => IntCC::NotEqual,
        "slt" if !unsigned => IntCC::SignedLessThan,
        "sle" if !unsigned => IntCC::SignedLessThanOrEqual,
        "sgt" if !unsigned => IntCC::SignedGreaterThan,
        "sge" if !unsigned => IntCC::SignedGreaterThanOrEqual,
        "ult" | "slt" => IntCC::UnsignedLessThan,
        "ule" | "sle" => IntCC::UnsignedLessThanOrEqual,
        "ugt" | "sgt" => IntCC::UnsignedGreaterThan,
        "uge" | "sge" => IntCC::UnsignedGreaterThanOrEqual,
        _ => return None,
    })
}

/// Sign- or zero-extends, or truncates, an integer to `ty`.
fn extend(fb: &mut FunctionBuilder<'_>, v: Value, ty: ir::Type, signed: bool) -> Value {
    let from = fb.func.dfg.value_type(v);
    if from.bits() == ty.bits() {
        v
    } else if from.bits() > ty.bits() {
        fb.ins().ireduce(ty, v)
    } else if signed {
        fb.ins().sextend(ty, v)
    } else {
        fb.ins().uextend(ty, v)
    }
}

/// Division or remainder that never traps: by zero gives 0, `MIN / -1` wraps (remainder 0).
fn division(fb: &mut FunctionBuilder<'_>, div: bool, signed: bool, a: Value, b: Value) -> Value {
    let ty = fb.func.dfg.value_type(a);
    let zero = iconst(fb, ty, 0);
    let one = iconst(fb, ty, 1);
    let is_zero = fb.ins().icmp(IntCC::Equal, b, zero);
    let q = if signed {
        let minus_one = iconst(fb, ty, -1);
        let is_minus_one = fb.ins().icmp(IntCC::Equal, b, minus_one);
        let bad = fb.ins().bor(is_zero, is_minus_one);
        let safe = fb.ins().select(bad, one, b);
        let q = if div { fb.ins().sdiv(a, safe) } else { fb.ins().srem(a, safe) };
        let special = if div { fb.ins().ineg(a) } else { zero };
        fb.ins().select(is_minus_one, special, q)
    } else {
        let safe = fb.ins().select(is_zero, one, b);
        if div { fb.ins().udiv(a, safe) } else { fb.ins().urem(a, safe) }
    };
    fb.ins().select(is_zero, zero, q)
}

/// Shifts with the interpreter's rules for amounts at or above the width: `shli`/`shrui` give 0,
/// `shrsi` fills with the sign (on zero-extended types it is a logical shift).
fn shift(fb: &mut FunctionBuilder<'_>, op: &str, kind: Kind, a: Value, amount: Value) -> Value {
    let ty = fb.func.dfg.value_type(a);
    let bits = iconst(fb, ty, i64::from(kind.bits()));
    if op == "shrsi" && !kind.unsigned() {
        let max = iconst(fb, ty, i64::from(kind.bits()) - 1);
        let clamped = fb.ins().umin(amount, max);
        return fb.ins().sshr(a, clamped);
    }
    let shifted = if op == "shli" { fb.ins().ishl(a, amount) } else { fb.ins().ushr(a, amount) };
    let zero = iconst(fb, ty, 0);
    let too_far = fb.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, amount, bits);
    fb.ins().select(too_far, zero, shifted)
}

/// Float to float conversion with one rounding, as `extf`/`truncf` define it.
fn convert_float(fb: &mut FunctionBuilder<'_>, from: Kind, to: Kind, v: Value) -> Value {
    match (from, to) {
        (Kind::F64, Kind::F64) => v,
        (Kind::F64, Kind::F32) => fb.ins().fdemote(types::F32, v),
        (Kind::F64, Kind::Half(h)) => {
            let odd = half::f64_to_f32_odd(fb, v);
            half::round(fb, h, odd)
        }
        (_, Kind::F64) => fb.ins().fpromote(types::F64, v),
        (_, Kind::Half(h)) => half::round(fb, h, v),
        _ => v,
    }
}

/// `fptosi`/`fptoui`: truncate toward zero, saturate to the result's range, NaN → 0.
fn float_to_int(fb: &mut FunctionBuilder<'_>, unsigned: bool, out: Kind, v: Value) -> Value {
    let s = fb.ins().fcvt_to_sint_sat(types::I64, v);
    let bits = out.bits();
    let s = if bits < 64 {
        let (lo, hi) =
            if unsigned { (0, (1i64 << bits) - 1) } else { (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1) };
        let lo = fb.ins().iconst(types::I64, lo);
        let hi = fb.ins().iconst(types::I64, hi);
        let s = fb.ins().smin(s, hi);
        fb.ins().smax(s, lo)
    } else if unsigned {
        let zero = fb.ins().iconst(types::I64, 0);
        fb.ins().smax(s, zero)
    } else {
        s
    };
    extend(fb, s, out.clif(), true)
}

/// Reinterprets the bits of a scalar as another type of the same width.
fn bitcast(fb: &mut FunctionBuilder<'_>, from: Kind, to: Kind, v: Value) -> Value {
    let ty = fb.func.dfg.value_type(v);
    let bits = match from {
        Kind::Half(h) => half::from_f32(fb, h, v),
        Kind::F32 | Kind::F64 => emit::bitcast(fb, ty.as_int(), v),
        _ => v,
    };
    match to {
        Kind::Half(h) => {
            let wide = extend(fb, bits, types::I32, false);
            half::to_f32(fb, h, wide)
        }
        // Same width, so the lane count carries over (vectors are f32 <-> i32 only).
        Kind::F32 | Kind::F64 if ty.is_vector() => emit::bitcast(fb, types::F32X4, bits),
        Kind::F32 | Kind::F64 => emit::bitcast(fb, to.clif(), bits),
        _ if ty.is_vector() => emit::bitcast(fb, types::I32X4, bits),
        _ => extend(fb, bits, to.clif(), false),
    }
}
