//! [`KernelBuilder`]: writes kernel-level IR (loops, loads, stores, scalar arithmetic) with
//! closures for loop bodies, element-type-aware arithmetic, and constant-folded `index` math,
//! and [`build_kernel`], which adds one kernel function to a module.

use crate::{arith, memref, scf};
use msc_builtin::Return;
use msc_ir::{Attribute, BlockId, Builder, Context, ElementType, InsertPoint, MemRefType, OpDef, OpId, Type, Value};

/// Arithmetic that picks the float, signed or unsigned op by the operands' type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    /// Float division, or integer division rounding toward zero.
    Div,
    /// Float `fmod`, or the integer remainder with the dividend's sign.
    Rem,
    Max,
    Min,
    And,
    Or,
    Xor,
}

/// A comparison; floats compare ordered (false on NaN) except `Ne`, which is true on NaN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Writes kernel-level ops at an insertion point.
pub struct KernelBuilder<'a> {
    b: Builder<'a>,
}

/// Unsigned types: `ui8` and `i1`. Everything else integer is signed, `index` included.
pub fn is_unsigned(ty: &Type) -> bool {
    matches!(ty, Type::Element(ElementType::U8 | ElementType::Bool))
}

fn is_float(ty: &Type) -> bool {
    matches!(ty, Type::Element(e) if e.is_float())
}

impl<'a> KernelBuilder<'a> {
    pub fn new(b: Builder<'a>) -> KernelBuilder<'a> {
        KernelBuilder { b }
    }

    /// A builder appending to the end of `block`.
    pub fn at_end(ctx: &'a mut Context, block: BlockId) -> KernelBuilder<'a> {
        KernelBuilder::new(Builder::at_end(ctx, block))
    }

    pub fn builder(&mut self) -> &mut Builder<'a> {
        &mut self.b
    }

    pub fn ctx(&mut self) -> &mut Context {
        self.b.ctx()
    }

    pub fn ty(&self, v: Value) -> Type {
        self.b.ctx_ref().value_type(v).clone()
    }

    /// The element type of a scalar value (`None` for `index`).
    pub fn element(&self, v: Value) -> Option<ElementType> {
        self.b.ctx_ref().value_type(v).element()
    }

    fn insert(
        &mut self,
        def: &'static OpDef,
        operands: &[Value],
        attrs: Vec<(&str, Attribute)>,
        types: Option<Vec<Type>>,
    ) -> OpId {
        let mut state = msc_ir::OpState::new(def, self.b.loc().clone());
        state.operands = operands.to_vec();
        for (name, attr) in attrs {
            state.attrs.insert(name.to_string(), attr);
        }
        assert!(!def.needs_operand_segments(), "kernel-level ops have at most one variable operand slot");
        match types {
            Some(types) => {
                state.result_types = types;
                self.b.insert_typed(state)
            }
            None => self.b.insert(state).unwrap_or_else(|e| panic!("kernel builder: {e}")),
        }
    }

    /// Creates `def` on `operands`, its result type inferred. Panics on ill-typed operands: the
    /// builder is for compiler code, where that is a bug.
    pub fn op(&mut self, def: &'static OpDef, operands: &[Value]) -> Value {
        let op = self.insert(def, operands, vec![], None);
        self.b.ctx_ref().op(op).result(0)
    }

    /// Creates `def` on `operands` with result type `ty` (casts).
    pub fn op_to(&mut self, def: &'static OpDef, operands: &[Value], ty: Type) -> Value {
        let op = self.insert(def, operands, vec![], Some(vec![ty]));
        self.b.ctx_ref().op(op).result(0)
    }

    // ----- constants -----

    /// An `index` constant.
    pub fn index(&mut self, v: i64) -> Value {
        let op = self.insert(&arith::CONSTANT, &[], vec![("value", Attribute::Int(v))], Some(vec![Type::Index]));
        self.b.ctx_ref().op(op).result(0)
    }

    /// A constant of element type `ty` (floats take `v`, integers its truncation, i1 `v != 0`).
    pub fn constant(&mut self, v: f64, ty: ElementType) -> Value {
        let value = if ty.is_float() {
            Attribute::Float(v)
        } else if ty == ElementType::Bool {
            Attribute::Bool(v != 0.0)
        } else {
            Attribute::Int(v as i64)
        };
        let op = self.insert(&arith::CONSTANT, &[], vec![("value", value)], Some(vec![Type::Element(ty)]));
        self.b.ctx_ref().op(op).result(0)
    }

    /// An integer constant of element type `ty`, exact for all of i64.
    pub fn int(&mut self, v: i64, ty: ElementType) -> Value {
        let value = if ty == ElementType::Bool { Attribute::Bool(v != 0) } else { Attribute::Int(v) };
        let op = self.insert(&arith::CONSTANT, &[], vec![("value", value)], Some(vec![Type::Element(ty)]));
        self.b.ctx_ref().op(op).result(0)
    }

    /// The value of `v` if an `arith.constant` of an integer or index defines it.
    pub fn constant_int(&self, v: Value) -> Option<i64> {
        let ctx = self.b.ctx_ref();
        let op = ctx.op(ctx.defining_op(v)?);
        match (op.name() == arith::CONSTANT.name, op.raw_attr("value")) {
            (true, Some(Attribute::Int(i))) => Some(*i),
            _ => None,
        }
    }

    // ----- arithmetic -----

    /// `a op b`, picking the float, signed or unsigned op by the operands' type.
    pub fn binary(&mut self, op: BinOp, a: Value, b: Value) -> Value {
        let ty = self.ty(a);
        let (float, unsigned) = (is_float(&ty), is_unsigned(&ty));
        let def: &'static OpDef = match op {
            BinOp::Add if float => &arith::ADDF,
            BinOp::Add => &arith::ADDI,
            BinOp::Sub if float => &arith::SUBF,
            BinOp::Sub => &arith::SUBI,
            BinOp::Mul if float => &arith::MULF,
            BinOp::Mul => &arith::MULI,
            BinOp::Div if float => &arith::DIVF,
            BinOp::Div if unsigned => &arith::DIVUI,
            BinOp::Div => &arith::DIVSI,
            BinOp::Rem if float => &arith::REMF,
            BinOp::Rem if unsigned => &arith::REMUI,
            BinOp::Rem => &arith::REMSI,
            BinOp::Max if float => &arith::MAXIMUMF,
            BinOp::Max if unsigned => &arith::MAXUI,
            BinOp::Max => &arith::MAXSI,
            BinOp::Min if float => &arith::MINIMUMF,
            BinOp::Min if unsigned => &arith::MINUI,
            BinOp::Min => &arith::MINSI,
            BinOp::And => &arith::ANDI,
            BinOp::Or => &arith::ORI,
            BinOp::Xor => &arith::XORI,
        };
        self.op(def, &[a, b])
    }

    pub fn add(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinOp::Add, a, b)
    }

    pub fn sub(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinOp::Sub, a, b)
    }

    pub fn mul(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinOp::Mul, a, b)
    }

    pub fn div(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinOp::Div, a, b)
    }

    pub fn max(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinOp::Max, a, b)
    }

    pub fn min(&mut self, a: Value, b: Value) -> Value {
        self.binary(BinOp::Min, a, b)
    }

    /// A unary `math`/`arith` op whose result has the operand's type (`&math::EXP`, `&arith::NEGF`).
    pub fn unary(&mut self, def: &'static OpDef, x: Value) -> Value {
        self.op(def, &[x])
    }

    /// Compares `a` and `b` to an i1.
    pub fn cmp(&mut self, cmp: Cmp, a: Value, b: Value) -> Value {
        let ty = self.ty(a);
        let (def, predicate) = if is_float(&ty) {
            let p = match cmp {
                Cmp::Eq => "oeq",
                Cmp::Ne => "une",
                Cmp::Lt => "olt",
                Cmp::Le => "ole",
                Cmp::Gt => "ogt",
                Cmp::Ge => "oge",
            };
            (&arith::CMPF, p)
        } else {
            let unsigned = is_unsigned(&ty);
            let p = match cmp {
                Cmp::Eq => "eq",
                Cmp::Ne => "ne",
                Cmp::Lt if unsigned => "ult",
                Cmp::Lt => "slt",
                Cmp::Le if unsigned => "ule",
                Cmp::Le => "sle",
                Cmp::Gt if unsigned => "ugt",
                Cmp::Gt => "sgt",
                Cmp::Ge if unsigned => "uge",
                Cmp::Ge => "sge",
            };
            (&arith::CMPI, p)
        };
        let op = self.insert(def, &[a, b], vec![("predicate", Attribute::string(predicate))], None);
        self.b.ctx_ref().op(op).result(0)
    }

    /// `c ? a : b`.
    pub fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        self.op(&arith::SELECT, &[c, a, b])
    }

    /// Converts a scalar to element type `to` with ONNX `Cast` semantics: float to integer
    /// truncates toward zero (saturating), anything to i1 is `!= 0`, i1 to a number is 0 or 1.
    pub fn cast(&mut self, v: Value, to: ElementType) -> Value {
        let from_ty = self.ty(v);
        let to_ty = Type::Element(to);
        if from_ty == to_ty {
            return v;
        }
        let from = match from_ty {
            Type::Element(e) => e,
            _ => return self.op_to(&arith::INDEX_CAST, &[v], to_ty),
        };
        if to == ElementType::Bool {
            let zero = self.constant(0.0, from);
            return self.cmp(Cmp::Ne, v, zero);
        }
        let def: &'static OpDef = match (from.is_float(), to.is_float()) {
            (true, true) if from.size() < to.size() || (from.size() == to.size()) => {
                // f16 <-> bf16 goes through f32.
                if from.size() == to.size() {
                    let wide = self.op_to(&arith::EXTF, &[v], Type::Element(ElementType::F32));
                    return self.op_to(&arith::TRUNCF, &[wide], to_ty);
                }
                &arith::EXTF
            }
            (true, true) => &arith::TRUNCF,
            (true, false) if to == ElementType::U8 => &arith::FPTOUI,
            (true, false) => &arith::FPTOSI,
            (false, true) if from == ElementType::U8 || from == ElementType::Bool => &arith::UITOFP,
            (false, true) => &arith::SITOFP,
            (false, false) if from.size() < to.size() && (from == ElementType::U8 || from == ElementType::Bool) => {
                &arith::EXTUI
            }
            (false, false) if from.size() < to.size() => &arith::EXTSI,
            (false, false) if from.size() > to.size() => &arith::TRUNCI,
            // Same width, other signedness (i8 <-> ui8): the bits carry over.
            (false, false) => &arith::BITCAST,
        };
        self.op_to(def, &[v], to_ty)
    }

    /// An integer or `index` scalar as `index` (sign-extending; `ui8` and i1 zero-extend).
    pub fn to_index(&mut self, v: Value) -> Value {
        match self.ty(v) {
            Type::Index => v,
            ty if is_unsigned(&ty) => {
                let wide = self.op_to(&arith::EXTUI, &[v], Type::Element(ElementType::I64));
                self.op_to(&arith::INDEX_CAST, &[wide], Type::Index)
            }
            _ => self.op_to(&arith::INDEX_CAST, &[v], Type::Index),
        }
    }

    // ----- index arithmetic, folded when the operands are constants -----

    /// `a + b` on `index`, folding constants and `+ 0`.
    pub fn add_index(&mut self, a: Value, b: Value) -> Value {
        match (self.constant_int(a), self.constant_int(b)) {
            (Some(x), Some(y)) => self.index(x.wrapping_add(y)),
            (Some(0), None) => b,
            (None, Some(0)) => a,
            _ => self.op(&arith::ADDI, &[a, b]),
        }
    }

    /// `a + k` on `index`.
    pub fn add_const(&mut self, a: Value, k: i64) -> Value {
        let k = self.index(k);
        self.add_index(a, k)
    }

    /// `a * k` on `index`, folding constants, `* 0` and `* 1`.
    pub fn mul_const(&mut self, a: Value, k: i64) -> Value {
        match (self.constant_int(a), k) {
            (Some(x), _) => self.index(x.wrapping_mul(k)),
            (None, 0) => self.index(0),
            (None, 1) => a,
            _ => {
                let k = self.index(k);
                self.op(&arith::MULI, &[a, k])
            }
        }
    }

    /// The row-major linear offset `sum(indices[i] * strides[i])` on `index`.
    pub fn linearize(&mut self, indices: &[Value], strides: &[i64]) -> Value {
        let mut acc = self.index(0);
        for (&i, &s) in indices.iter().zip(strides) {
            let term = self.mul_const(i, s);
            acc = self.add_index(acc, term);
        }
        acc
    }

    /// Splits a linear `index` into row-major indices of `shape`.
    pub fn delinearize(&mut self, linear: Value, shape: &[u64]) -> Vec<Value> {
        let mut out = vec![linear; shape.len()];
        let mut rest = linear;
        for d in (0..shape.len()).rev() {
            let n = self.index(shape[d] as i64);
            if d == 0 {
                out[d] = rest;
            } else {
                out[d] = self.op(&arith::REMSI, &[rest, n]);
                rest = self.op(&arith::DIVSI, &[rest, n]);
            }
        }
        out
    }

    // ----- memory -----

    /// Loads `buf[indices]`.
    pub fn load(&mut self, buf: Value, indices: &[Value]) -> Value {
        let mut operands = vec![buf];
        operands.extend_from_slice(indices);
        self.op(&memref::LOAD, &operands)
    }

    /// Stores `v` at `buf[indices]`.
    pub fn store(&mut self, v: Value, buf: Value, indices: &[Value]) {
        let mut operands = vec![v, buf];
        operands.extend_from_slice(indices);
        self.insert(&memref::STORE, &operands, vec![], None);
    }

    // ----- control flow -----

    /// Runs `body` inside `block`, then restores the insertion point.
    fn within<R>(&mut self, block: BlockId, body: impl FnOnce(&mut KernelBuilder<'a>) -> R) -> R {
        let saved = self.b.insert_point();
        self.b.set_insert_point(InsertPoint::End(block));
        let r = body(self);
        self.b.set_insert_point(saved);
        r
    }

    /// `for iv in lb..ub step 1 { body(iv) }`.
    pub fn for_range(&mut self, lb: Value, ub: Value, body: impl FnOnce(&mut KernelBuilder<'a>, Value)) {
        self.for_carry(lb, ub, &[], |kb, iv, _| {
            body(kb, iv);
            vec![]
        });
    }

    /// `for iv in 0..n { body(iv) }`.
    pub fn for_n(&mut self, n: u64, body: impl FnOnce(&mut KernelBuilder<'a>, Value)) {
        let lb = self.index(0);
        let ub = self.index(n as i64);
        self.for_range(lb, ub, body);
    }

    /// A loop carrying values: `body(iv, carried)` returns the next carried values; returns the
    /// values after the last iteration.
    pub fn for_carry(
        &mut self,
        lb: Value,
        ub: Value,
        inits: &[Value],
        body: impl FnOnce(&mut KernelBuilder<'a>, Value, &[Value]) -> Vec<Value>,
    ) -> Vec<Value> {
        let step = self.index(1);
        let mut operands = vec![lb, ub, step];
        operands.extend_from_slice(inits);
        let types: Vec<Type> = inits.iter().map(|&v| self.ty(v)).collect();
        let op = self.insert(&scf::FOR, &operands, vec![], Some(types.clone()));
        let region = self.b.ctx_ref().op(op).regions()[0];
        let mut arg_types = vec![Type::Index];
        arg_types.extend(types);
        let block = self.ctx().append_block(region, arg_types);
        let args = self.b.ctx_ref().block_args(block).to_vec();
        self.within(block, |kb| {
            let next = body(kb, args[0], &args[1..]);
            kb.insert(&scf::YIELD, &next, vec![], None);
        });
        self.b.ctx_ref().op(op).results().to_vec()
    }

    /// Nested loops over `extents` (outermost first); `body` gets one index per loop.
    pub fn nest(&mut self, extents: &[u64], body: impl FnOnce(&mut KernelBuilder<'a>, &[Value])) {
        type Body<'a, 'b> = Box<dyn FnOnce(&mut KernelBuilder<'a>, &[Value]) + 'b>;
        fn go<'a>(kb: &mut KernelBuilder<'a>, extents: &[u64], ivs: &mut Vec<Value>, body: Body<'a, '_>) {
            match extents.split_first() {
                None => body(kb, ivs),
                Some((&n, rest)) => kb.for_n(n, |kb, iv| {
                    ivs.push(iv);
                    go(kb, rest, ivs, body);
                }),
            }
        }
        go(self, extents, &mut Vec::new(), Box::new(body));
    }

    /// `if cond { then() }`.
    pub fn if_then(&mut self, cond: Value, then: impl FnOnce(&mut KernelBuilder<'a>)) {
        let op = self.insert(&scf::IF, &[cond], vec![], Some(vec![]));
        let regions = self.b.ctx_ref().op(op).regions().to_vec();
        let block = self.ctx().append_block(regions[0], vec![]);
        self.within(block, |kb| {
            then(kb);
            kb.insert(&scf::YIELD, &[], vec![], None);
        });
    }

    /// `if cond { then() } else { otherwise() }`, each branch giving values of `types`.
    pub fn if_else(
        &mut self,
        cond: Value,
        types: Vec<Type>,
        then: impl FnOnce(&mut KernelBuilder<'a>) -> Vec<Value>,
        otherwise: impl FnOnce(&mut KernelBuilder<'a>) -> Vec<Value>,
    ) -> Vec<Value> {
        let op = self.insert(&scf::IF, &[cond], vec![], Some(types));
        let regions = self.b.ctx_ref().op(op).regions().to_vec();
        let then_block = self.ctx().append_block(regions[0], vec![]);
        let else_block = self.ctx().append_block(regions[1], vec![]);
        self.within(then_block, |kb| {
            let values = then(kb);
            kb.insert(&scf::YIELD, &values, vec![], None);
        });
        self.within(else_block, |kb| {
            let values = otherwise(kb);
            kb.insert(&scf::YIELD, &values, vec![], None);
        });
        self.b.ctx_ref().op(op).results().to_vec()
    }
}

/// A kernel function under construction: its op, the tile range and the buffer arguments.
pub struct KernelFunc {
    pub func: OpId,
    pub begin: Value,
    pub end: Value,
    pub buffers: Vec<Value>,
    pub body: BlockId,
}

/// Appends kernel function `name(begin: index, end: index, buffers...)` to `module`, lets
/// `body` fill it, and ends it with `func.return`. Returns the function op.
pub fn build_kernel(
    ctx: &mut Context,
    module: OpId,
    name: &str,
    buffers: &[MemRefType],
    loc: msc_ir::Location,
    body: impl FnOnce(&mut KernelBuilder<'_>, &KernelFunc),
) -> OpId {
    let mut inputs = vec![Type::Index, Type::Index];
    inputs.extend(buffers.iter().cloned().map(Type::MemRef));
    let func = msc_builtin::append_func(ctx, module, name, inputs, vec![]);
    ctx.set_loc(func, loc.clone());
    let block = msc_builtin::body(ctx, func);
    let args = ctx.block_args(block).to_vec();
    let kernel = KernelFunc { func, begin: args[0], end: args[1], buffers: args[2..].to_vec(), body: block };
    let mut kb = KernelBuilder::at_end(ctx, block);
    kb.builder().set_loc(loc);
    body(&mut kb, &kernel);
    Return::new().build(kb.builder()).expect("func.return with no values always builds");
    func
}
