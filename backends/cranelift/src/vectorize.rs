//! 4-lane vectorization of innermost `scf.for` loops.
//!
//! A loop qualifies when its step is the constant 1, its body has no nested regions, every value
//! in the body is f32, i32, i1 or `index`, it accesses only f32/i32 buffers, it stores at least
//! once or carries a value, every store's indices are loop-invariant but the last, which is
//! `iv + invariant` (unit stride), and any buffer it stores to is loaded only at the very index
//! operands it is stored at. Distinct buffer arguments are assumed not to overlap in ways that
//! carry a dependence between iterations (the kernel contract).
//!
//! Carried values must be reductions: an f32 or i32 value `acc` whose only use is one op
//! `acc ⊕ x` (⊕ one of `addf`, `mulf`, `maximumf`, `minimumf`, `addi`, `muli`, `maxsi`, `minsi`;
//! either operand order) whose result is used only by the `scf.yield`, at `acc`'s position. A
//! loop with reductions and no `math` op (whose time is then the chain of ⊕, not the body) first
//! runs eight elements at a time with two vector accumulators per reduction, so that two
//! dependency chains of ⊕ overlap (a NaN-propagating maximum is several instructions deep):
//! accumulator u's lane k folds the elements `8j + 4u + k`. The first starts
//! from the identity of ⊕ with the initial value in lane 0, the second from the identity (both
//! from the initial value in every lane for the idempotent max/min). After that loop the two are
//! combined lane by lane, a loop four elements at a time (at most one iteration) folds on, the
//! lanes are combined as `(l0 ⊕ l1) ⊕ (l2 ⊕ l3)`, and the scalar loop folds the remaining
//! elements into that in order. Other loops go four elements at a time. Integer
//! results are exact; float sums and products are reassociated, so they may differ from the
//! sequential order in the last bits (like any blocked or threaded reduction).
//! `maximumf`/`minimumf` propagate NaN in any order and treat -0 < +0, so their results are exact
//! too.
//!
//! The vector loops cover `4 * floor((ub - lb) / 4)` iterations; the scalar loop does the rest.
//! Each body value is one of: uniform (a scalar, same in all lanes), linear (an
//! `index` whose lane k is `s + k`), a vector (f32/i32 lanes, i1 as all-ones/zero lane masks), or
//! per-lane scalars (`index` values that are neither). Ops the vector unit has ([`vector_native`])
//! run on vectors through the same [`Translator::compute`] as scalars (the math expansions are
//! type-generic); the others run once per lane on extracted scalars. Loads at unit-stride
//! indices are vector loads, at invariant ones scalar loads, at any other index four scalar loads.

use crate::Error;
use crate::emit::{fconst, iconst};
use crate::translate::{Kind, Translator};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, Value, types};
use msc_ir::{Attribute, Context, ElementType, OpId, OpRef, Type};
use std::collections::HashMap;

const LANES: i64 = 4;

/// How a body value varies with the loop's induction variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Invariant,
    Linear,
    General,
}

fn lane_ok(ty: &Type) -> bool {
    matches!(ty, Type::Index | Type::Element(ElementType::F32 | ElementType::I32 | ElementType::Bool))
}

fn buffer_ok(ty: &Type) -> bool {
    matches!(ty, Type::MemRef(m) if matches!(m.element, ElementType::F32 | ElementType::I32))
}

/// Whether `op` (an `scf.for`) is a loop this module vectorizes.
pub(crate) fn is_vectorizable(ctx: &Context, op: OpRef<'_>) -> bool {
    analyze(ctx, op).is_some()
}

/// What the analysis found out about a qualifying loop.
struct Plan {
    /// The class of every value defined in the body.
    class: HashMap<msc_ir::Value, Class>,
    /// Per carried value, the op that folds an element into it.
    reductions: Vec<OpId>,
    /// Whether the vector loop goes eight elements at a time with two accumulators per reduction:
    /// when there are reductions and no `math` op (a body with a math expansion is bound by its
    /// throughput, not by the chain of ⊕, and a second copy of it only adds register pressure).
    two_accumulators: bool,
}

/// How the lanes of a reduction's vector accumulator start.
enum Start {
    /// The identity of the reduction in every lane, the initial value in lane 0.
    Identity(f64),
    /// The initial value in every lane (max/min, which are idempotent).
    Splat,
}

/// How a reduction op's accumulators start, if `op` (of f32 or i32 values) is a reduction.
fn reduction_start(op: OpRef<'_>) -> Option<Start> {
    let float = *op.result_type(0) == Type::Element(ElementType::F32);
    Some(match (op.name(), float) {
        // -0 is the identity of addition (+0 would turn a sum of -0s into +0).
        ("arith.addf", true) => Start::Identity(-0.0),
        ("arith.mulf", true) | ("arith.muli", false) => Start::Identity(1.0),
        ("arith.addi", false) => Start::Identity(0.0),
        ("arith.maximumf" | "arith.minimumf", true) | ("arith.maxsi" | "arith.minsi", false) => Start::Splat,
        _ => return None,
    })
}

/// The op folding carried value `acc` (yielded as `next`) in a reduction, if the pair is one.
fn reduction(ctx: &Context, acc: msc_ir::Value, next: msc_ir::Value) -> Option<OpId> {
    if !matches!(ctx.value_type(acc), Type::Element(ElementType::F32 | ElementType::I32)) {
        return None;
    }
    let [only] = ctx.uses(acc) else { return None };
    let [_] = ctx.uses(next) else { return None };
    let op = ctx.op(only.op);
    let folds = op.results() == [next] && op.operands().len() == 2 && op.operands().iter().any(|&v| v != acc);
    (folds && reduction_start(op).is_some()).then_some(only.op)
}

/// The classes of the body values and the reductions, if the loop qualifies.
fn analyze(ctx: &Context, op: OpRef<'_>) -> Option<Plan> {
    let carried = op.results().len();
    if op.operands().len() != 3 + carried || op.regions().len() != 1 {
        return None;
    }
    let step = ctx.op(ctx.defining_op(op.operand(2))?);
    if step.name() != "arith.constant" || step.raw_attr("value") != Some(&Attribute::Int(1)) {
        return None;
    }
    if ctx.region_blocks(op.regions()[0]).len() != 1 {
        return None;
    }
    let body = op.entry_block(0)?;
    let args = ctx.block_args(body);
    let yielded = ctx.op(ctx.block_last_op(body)?);
    if args.len() != 1 + carried || yielded.name() != "scf.yield" || yielded.operands().len() != carried {
        return None;
    }
    let reductions: Vec<OpId> =
        args[1..].iter().zip(yielded.operands()).map(|(&a, &y)| reduction(ctx, a, y)).collect::<Option<_>>()?;
    let mut class: HashMap<msc_ir::Value, Class> = HashMap::new();
    class.insert(args[0], Class::Linear);
    for &a in &args[1..] {
        class.insert(a, Class::General);
    }
    let of = |class: &HashMap<msc_ir::Value, Class>, v: msc_ir::Value| *class.get(&v).unwrap_or(&Class::Invariant);
    let mut stores: HashMap<msc_ir::Value, Vec<msc_ir::Value>> = HashMap::new();
    let mut loads: Vec<(msc_ir::Value, Vec<msc_ir::Value>)> = Vec::new();
    for id in ctx.block_ops(body) {
        let o = ctx.op(id);
        if !o.regions().is_empty() || !o.results().iter().all(|&r| lane_ok(ctx.value_type(r))) {
            return None;
        }
        match o.name() {
            "scf.yield" => {}
            "memref.load" => {
                if !buffer_ok(o.operand_type(0)) {
                    return None;
                }
                let indices = &o.operands()[1..];
                let c = if indices.iter().all(|&i| of(&class, i) == Class::Invariant) {
                    Class::Invariant
                } else {
                    Class::General
                };
                class.insert(o.result(0), c);
                loads.push((o.operand(0), indices.to_vec()));
            }
            "memref.store" => {
                if !buffer_ok(o.operand_type(1)) {
                    return None;
                }
                let indices = &o.operands()[2..];
                let (last, rest) = indices.split_last()?;
                if of(&class, *last) != Class::Linear || rest.iter().any(|&i| of(&class, i) != Class::Invariant) {
                    return None;
                }
                match stores.get(&o.operand(1)) {
                    Some(seen) if seen.as_slice() != indices => return None,
                    _ => {
                        stores.insert(o.operand(1), indices.to_vec());
                    }
                }
            }
            name if name.starts_with("arith.") || name.starts_with("math.") => {
                let classes: Vec<Class> = o.operands().iter().map(|&v| of(&class, v)).collect();
                let c = if classes.iter().all(|&c| c == Class::Invariant) {
                    Class::Invariant
                } else if linear_op(name, &classes) {
                    Class::Linear
                } else {
                    Class::General
                };
                class.insert(o.result(0), c);
            }
            _ => return None,
        }
    }
    if stores.is_empty() && carried == 0 {
        return None;
    }
    let conflict = loads.iter().any(|(buf, idx)| stores.get(buf).is_some_and(|s| s != idx));
    let has_math = ctx.block_ops(body).any(|id| ctx.op(id).name().starts_with("math."));
    let two_accumulators = !reductions.is_empty() && !has_math;
    if conflict { None } else { Some(Plan { class, reductions, two_accumulators }) }
}

/// `linear ± invariant` and `invariant + linear` stay linear.
fn linear_op(name: &str, classes: &[Class]) -> bool {
    matches!(
        (name, classes),
        ("arith.addi", [Class::Linear, Class::Invariant] | [Class::Invariant, Class::Linear])
            | ("arith.subi", [Class::Linear, Class::Invariant])
    )
}

/// A body value during vector emission.
#[derive(Clone, Debug)]
enum V {
    Uniform(Value),
    Linear(Value),
    Vector(Value),
    Lanes(Vec<Value>),
}

/// Whether `op` runs on whole vectors (its operands and result are f32/i32/i1 lanes).
fn vector_native(op: OpRef<'_>) -> bool {
    let kinds: Vec<Option<Kind>> =
        op.operands().iter().map(|&v| Kind::of(op.ctx().value_type(v))).chain([Kind::of(op.result_type(0))]).collect();
    let f32_only = kinds.iter().all(|&k| k == Some(Kind::F32));
    let i32 = Some(Kind::Int { bits: 32, unsigned: false });
    let i32_only = kinds.iter().all(|&k| k == i32);
    let short = op.name().split_once('.').map_or("", |(_, n)| n);
    match short {
        "addf" | "subf" | "mulf" | "divf" | "maximumf" | "minimumf" | "negf" | "absf" | "sqrt" | "rsqrt" | "floor"
        | "ceil" | "roundeven" | "trunc" | "fma" | "exp" | "log" | "tanh" | "erf" | "sin" | "cos" | "tan" | "asin"
        | "acos" | "atan" | "sinh" | "cosh" | "asinh" | "acosh" | "atanh" | "powf" => f32_only,
        "addi" | "subi" | "muli" | "maxsi" | "minsi" | "maxui" | "minui" | "absi" => i32_only,
        "andi" | "ori" | "xori" => i32_only || kinds.iter().all(|&k| k == Some(Kind::Bool)),
        "cmpf" => kinds[0] == Some(Kind::F32),
        "cmpi" => kinds[0] == i32,
        "select" => matches!(kinds[1], Some(Kind::F32)) || kinds[1] == i32,
        "sitofp" => kinds[0] == i32 && kinds[1] == Some(Kind::F32),
        "fptosi" => kinds[0] == Some(Kind::F32) && kinds[1] == i32,
        "bitcast" => kinds.iter().all(|&k| k == Some(Kind::F32) || k == i32),
        _ => false,
    }
}

/// Whether `op` is `index_cast` from `index` to i32.
fn index_to_i32(op: OpRef<'_>) -> bool {
    op.name() == "arith.index_cast"
        && *op.operand_type(0) == Type::Index
        && *op.result_type(0) == Type::Element(ElementType::I32)
}

/// Emits the vector loops of `op` over `[lb, ub)` with carried values starting at `inits`;
/// returns where the scalar remainder starts and the carried values it starts from.
pub(crate) fn emit(
    t: &mut Translator<'_, '_>,
    op: OpRef<'_>,
    lb: Value,
    ub: Value,
    inits: &[Value],
) -> Result<(Value, Vec<Value>), Error> {
    let Some(plan) = analyze(t.ctx, op) else { return Ok((lb, inits.to_vec())) };
    let n = t.fb.ins().isub(ub, lb);
    let zero = t.fb.ins().iconst(types::I64, 0);
    let n = t.fb.ins().smax(n, zero);

    let mut kinds = Vec::new();
    let mut first = Vec::new();
    let mut second = Vec::new();
    for (&id, &init) in plan.reductions.iter().zip(inits) {
        let r = t.ctx.op(id);
        let kind = t.kind(r, r.result_type(0))?;
        let ty = vector_type(kind);
        let (lane0, rest) = match reduction_start(r) {
            Some(Start::Identity(c)) => {
                let identity =
                    if kind == Kind::F32 { fconst(&mut t.fb, ty, c) } else { iconst(&mut t.fb, ty, c as i64) };
                (t.fb.ins().insertlane(identity, init, 0), identity)
            }
            _ => {
                let all = t.fb.ins().splat(ty, init);
                (all, all)
            }
        };
        first.push(lane0);
        second.push(rest);
        kinds.push(kind);
    }

    let mut from = lb;
    let mut accs = first;
    if plan.two_accumulators {
        // Two accumulators per reduction, so that two chains of ⊕ overlap.
        let n8 = t.fb.ins().band_imm_s(n, -2 * LANES);
        let end = t.fb.ins().iadd(lb, n8);
        let pair = vector_loop(t, op, &plan, &kinds, (from, end), vec![accs, second])?;
        accs = Vec::new();
        for (k, &id) in plan.reductions.iter().enumerate() {
            accs.push(t.compute(t.ctx.op(id), &[pair[0][k], pair[1][k]])?);
        }
        from = end;
    }
    let n4 = t.fb.ins().band_imm_s(n, -LANES);
    let vec_end = t.fb.ins().iadd(lb, n4);
    let partials = vector_loop(t, op, &plan, &kinds, (from, vec_end), vec![accs])?.remove(0);

    let mut folded = Vec::new();
    for (&id, (&v, &kind)) in plan.reductions.iter().zip(partials.iter().zip(&kinds)) {
        let r = t.ctx.op(id);
        let lanes: Vec<Value> = (0..LANES).map(|k| lane(t, &V::Vector(v), k, kind)).collect();
        let low = t.compute(r, &[lanes[0], lanes[1]])?;
        let high = t.compute(r, &[lanes[2], lanes[3]])?;
        folded.push(t.compute(r, &[low, high])?);
    }
    Ok((vec_end, folded))
}

/// A loop over `[from, to)` (a multiple of `LANES * accs.len()` long) that runs the body of `op`
/// once per set of vector accumulators in `accs` (one vector per reduction, of `kinds`), the
/// `u`-th copy on lanes `iv + LANES * u ..`; returns the accumulators after it.
fn vector_loop(
    t: &mut Translator<'_, '_>,
    op: OpRef<'_>,
    plan: &Plan,
    kinds: &[Kind],
    (from, to): (Value, Value),
    accs: Vec<Vec<Value>>,
) -> Result<Vec<Vec<Value>>, Error> {
    let body = op.entry_block(0).ok_or_else(|| t.unsupported(op, "scf.for without a body"))?;
    let copies = accs.len();
    let header = t.fb.create_block();
    t.fb.append_block_param(header, types::I64);
    let body_block = t.fb.create_block();
    let exit = t.fb.create_block();
    for _ in 0..copies {
        for &kind in kinds {
            t.fb.append_block_param(header, vector_type(kind));
            t.fb.append_block_param(exit, vector_type(kind));
        }
    }
    let start: Vec<BlockArg> = std::iter::once(from).chain(accs.into_iter().flatten()).map(BlockArg::Value).collect();
    t.fb.ins().jump(header, &start);
    t.fb.switch_to_block(header);
    let params = t.fb.block_params(header).to_vec();
    let iv = params[0];
    let more = t.fb.ins().icmp(IntCC::SignedLessThan, iv, to);
    let carried: Vec<BlockArg> = params[1..].iter().map(|&v| BlockArg::Value(v)).collect();
    t.fb.ins().brif(more, body_block, &[], exit, &carried);

    t.fb.switch_to_block(body_block);
    let args = t.ctx.block_args(body);
    let mut back = Vec::new();
    let per_copy = kinds.len();
    for u in 0..copies {
        let copy_accs = &params[1 + u * per_copy..1 + (u + 1) * per_copy];
        let mut env: HashMap<msc_ir::Value, V> = HashMap::new();
        let lane0 = if u == 0 { iv } else { t.fb.ins().iadd_imm_s(iv, LANES * u as i64) };
        env.insert(args[0], V::Linear(lane0));
        for (&a, &p) in args[1..].iter().zip(copy_accs) {
            env.insert(a, V::Vector(p));
        }
        for id in t.ctx.block_ops(body) {
            let o = t.ctx.op(id);
            if o.name() == "scf.yield" {
                for (&y, &kind) in o.operands().iter().zip(kinds) {
                    let v = get(t, o, &env, y)?;
                    back.push(BlockArg::Value(to_vector(t, &v, kind)));
                }
                break;
            }
            vector_op(t, o, &plan.class, &mut env)?;
        }
    }
    let next = t.fb.ins().iadd_imm_s(iv, LANES * copies as i64);
    back.insert(0, BlockArg::Value(next));
    t.fb.ins().jump(header, &back);

    t.fb.switch_to_block(exit);
    let results = t.fb.block_params(exit).to_vec();
    Ok((0..copies).map(|u| results[u * per_copy..(u + 1) * per_copy].to_vec()).collect())
}

fn get(t: &Translator<'_, '_>, o: OpRef<'_>, env: &HashMap<msc_ir::Value, V>, v: msc_ir::Value) -> Result<V, Error> {
    match env.get(&v) {
        Some(x) => Ok(x.clone()),
        None => t.value(o, v).map(V::Uniform),
    }
}

fn vector_op(
    t: &mut Translator<'_, '_>,
    o: OpRef<'_>,
    class: &HashMap<msc_ir::Value, Class>,
    env: &mut HashMap<msc_ir::Value, V>,
) -> Result<(), Error> {
    // Buffers are not values of the body; index 0 of a load and 1 of a store stand in for them.
    let operands: Vec<V> = o
        .operands()
        .iter()
        .map(|&v| match t.ctx.value_type(v) {
            Type::MemRef(_) => Ok(V::Lanes(Vec::new())),
            _ => get(t, o, env, v),
        })
        .collect::<Result<_, _>>()?;
    match o.name() {
        "memref.load" => {
            let (base, ty) = t.buffer(o, o.operand(0))?;
            let result = match split_indices(&operands[1..]) {
                Some((uniform, None)) => V::Uniform({
                    let addr = t.address(base, &ty, &uniform);
                    t.load_typed(ty.element, addr, false)
                }),
                Some((mut uniform, Some(last))) => {
                    uniform.push(last);
                    let addr = t.address(base, &ty, &uniform);
                    V::Vector(t.load_typed(ty.element, addr, true))
                }
                None => {
                    let mut lanes = Vec::new();
                    for k in 0..LANES {
                        let idx: Vec<Value> = operands[1..].iter().map(|x| lane(t, x, k, Kind::Index)).collect();
                        let addr = t.address(base, &ty, &idx);
                        lanes.push(t.load_typed(ty.element, addr, false));
                    }
                    let kind = element_kind(ty.element);
                    V::Vector(build(t, &lanes, kind))
                }
            };
            env.insert(o.result(0), result);
        }
        "memref.store" => {
            let (base, ty) = t.buffer(o, o.operand(1))?;
            let Some((mut uniform, Some(last))) = split_indices(&operands[2..]) else {
                return Err(t.unsupported(o, "vectorizer: store indices are not unit-stride (analysis bug)"));
            };
            uniform.push(last);
            let addr = t.address(base, &ty, &uniform);
            let kind = element_kind(ty.element);
            let v = to_vector(t, &operands[0], kind);
            t.store(ty.element, v, addr, 0);
        }
        _ => {
            let result = if class.get(&o.result(0)) == Some(&Class::Invariant) {
                let args: Vec<Value> = operands.iter().map(|x| lane(t, x, 0, Kind::Index)).collect();
                V::Uniform(t.compute(o, &args)?)
            } else if class.get(&o.result(0)) == Some(&Class::Linear) {
                let args: Vec<Value> = operands.iter().map(|x| lane(t, x, 0, Kind::Index)).collect();
                V::Linear(t.compute(o, &args)?)
            } else if let (Some(V::Linear(s)), true) = (operands.first(), index_to_i32(o)) {
                // The lanes of `iv + k` as i32: a splat plus [0, 1, 2, 3].
                let s32 = t.fb.ins().ireduce(types::I32, *s);
                let base = t.fb.ins().splat(types::I32X4, s32);
                let iota: Vec<u8> = (0..LANES as i32).flat_map(|k| k.to_le_bytes()).collect();
                let handle = t.fb.func.dfg.constants.insert(ir::ConstantData::from(iota));
                let iota = t.fb.ins().vconst(types::I32X4, handle);
                V::Vector(t.fb.ins().iadd(base, iota))
            } else if vector_native(o) {
                let kinds: Vec<Kind> =
                    o.operands().iter().map(|&v| t.kind(o, t.ctx.value_type(v))).collect::<Result<_, _>>()?;
                let args: Vec<Value> = operands.iter().zip(kinds).map(|(x, k)| to_vector(t, x, k)).collect();
                V::Vector(t.compute(o, &args)?)
            } else {
                let kinds: Vec<Kind> =
                    o.operands().iter().map(|&v| t.kind(o, t.ctx.value_type(v))).collect::<Result<_, _>>()?;
                let out = t.kind(o, o.result_type(0))?;
                let mut lanes = Vec::new();
                for k in 0..LANES {
                    let args: Vec<Value> = operands.iter().zip(&kinds).map(|(x, &kind)| lane(t, x, k, kind)).collect();
                    lanes.push(t.compute(o, &args)?);
                }
                if out == Kind::Index { V::Lanes(lanes) } else { V::Vector(build(t, &lanes, out)) }
            };
            env.insert(o.result(0), result);
        }
    }
    Ok(())
}

fn element_kind(e: ElementType) -> Kind {
    Kind::of(&Type::Element(e)).unwrap_or(Kind::F32)
}

/// Uniform leading indices and, if the last one is linear, its lane-0 value; `None` when an
/// index is neither.
fn split_indices(indices: &[V]) -> Option<(Vec<Value>, Option<Value>)> {
    let (last, rest) = indices.split_last()?;
    let uniform: Vec<Value> =
        rest.iter().map(|x| if let V::Uniform(v) = x { Some(*v) } else { None }).collect::<Option<_>>()?;
    match last {
        V::Uniform(v) => Some(([uniform, vec![*v]].concat(), None)),
        V::Linear(v) => Some((uniform, Some(*v))),
        _ => None,
    }
}

/// The scalar of lane `k` (i1 lanes as I8 0/1).
fn lane(t: &mut Translator<'_, '_>, x: &V, k: i64, kind: Kind) -> Value {
    match x {
        V::Uniform(v) => *v,
        V::Linear(v) => {
            if k == 0 {
                *v
            } else {
                t.fb.ins().iadd_imm_s(*v, k)
            }
        }
        V::Lanes(ls) => ls[k as usize],
        V::Vector(v) => {
            let s = t.fb.ins().extractlane(*v, k as u8);
            if kind == Kind::Bool {
                let s = t.fb.ins().ireduce(types::I8, s);
                t.fb.ins().band_imm_s(s, 1)
            } else {
                s
            }
        }
    }
}

/// The lane type of a kind's vectors (i1 lanes are I32 masks).
fn vector_type(kind: Kind) -> ir::Type {
    match kind {
        Kind::F32 => types::F32X4,
        _ => types::I32X4,
    }
}

/// A scalar of `kind` in vector-lane form (i1 → 0 / all ones).
fn lane_form(t: &mut Translator<'_, '_>, s: Value, kind: Kind) -> Value {
    if kind == Kind::Bool {
        let w = t.fb.ins().uextend(types::I32, s);
        let w = t.fb.ins().band_imm_s(w, 1);
        t.fb.ins().ineg(w)
    } else {
        s
    }
}

/// Builds a vector from four lane scalars.
fn build(t: &mut Translator<'_, '_>, lanes: &[Value], kind: Kind) -> Value {
    let first = lane_form(t, lanes[0], kind);
    let mut v = t.fb.ins().splat(vector_type(kind), first);
    for (k, &s) in lanes.iter().enumerate().skip(1) {
        let s = lane_form(t, s, kind);
        v = t.fb.ins().insertlane(v, s, k as u8);
    }
    v
}

/// Any body value of `kind` as a vector.
fn to_vector(t: &mut Translator<'_, '_>, x: &V, kind: Kind) -> Value {
    match x {
        V::Vector(v) => *v,
        V::Uniform(s) => {
            let s = lane_form(t, *s, kind);
            t.fb.ins().splat(vector_type(kind), s)
        }
        V::Linear(_) | V::Lanes(_) => {
            let lanes: Vec<Value> = (0..LANES).map(|k| lane(t, x, k, kind)).collect();
            build(t, &lanes, kind)
        }
    }
}
