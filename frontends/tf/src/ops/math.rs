//! Linear algebra and reductions: MatMul and the BatchMatMuls (with their transpose flags),
//! Einsum, the reductions over an axes input, ArgMax/ArgMin, Range and OneHot.

use super::{Entry, one};
use crate::node::Node;
use msc_ir::{ElementType, OpDef, OpState, Value};
use msc_nn::ops::*;

pub(crate) const TABLE: &[Entry] = &[
    ("MatMul", |n| matmul(n, "transpose_a", "transpose_b")),
    ("BatchMatMul", |n| matmul(n, "adj_x", "adj_y")),
    ("BatchMatMulV2", |n| matmul(n, "adj_x", "adj_y")),
    ("BatchMatMulV3", |n| matmul(n, "adj_x", "adj_y")),
    ("Einsum", einsum),
    ("Mean", |n| reduce(n, &REDUCE_MEAN)),
    ("Sum", |n| reduce(n, &REDUCE_SUM)),
    ("Max", |n| reduce(n, &REDUCE_MAX)),
    ("Min", |n| reduce(n, &REDUCE_MIN)),
    ("Prod", |n| reduce(n, &REDUCE_PROD)),
    ("ArgMax", |n| arg(n, true)),
    ("ArgMin", |n| arg(n, false)),
    ("Range", range),
    ("OneHot", one_hot),
];

/// `a @ b`, either operand first transposed in its last two dims when its flag is set. A
/// BatchMatMulV3 with `Tout` casts the result.
fn matmul(n: &mut Node<'_, '_>, flag_a: &str, flag_b: &str) -> Result<Vec<Value>, String> {
    let mut operands = [n.input(0)?, n.input(1)?];
    for (v, flag) in operands.iter_mut().zip([flag_a, flag_b]) {
        if n.bool_or(flag, false)? {
            let rank = n.rank(*v)? as i64;
            if rank < 2 {
                return Err(format!("{flag} needs an operand of rank 2 or more"));
            }
            let mut perm: Vec<i64> = (0..rank).collect();
            perm.swap(rank as usize - 2, rank as usize - 1);
            *v = n.transpose(*v, &perm)?;
        }
    }
    let y = MatMul::new(operands[0], operands[1]).build_value(n.b)?;
    match n.dtype("Tout")? {
        Some(to) => one(n.cast(y, to)?),
        None => one(y),
    }
}

fn einsum(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let equation = n.string_or("equation", "")?;
    if equation.is_empty() {
        return Err("attribute 'equation' is required".into());
    }
    one(Einsum::new().inputs(n.inputs.clone()).equation(equation).build_value(n.b)?)
}

/// A reduction over the axes in input 1 (an empty list reduces nothing), keeping them with
/// `keep_dims`.
fn reduce(n: &mut Node<'_, '_>, def: &'static OpDef) -> Result<Vec<Value>, String> {
    let x = n.input(0)?;
    let axes = n.axes_input(1)?;
    let keep = n.bool_or("keep_dims", false)?;
    let mut state = OpState::new(def, n.b.loc().clone());
    state.operands = vec![x, axes];
    state.attrs.insert("keepdims".into(), msc_ir::Attribute::Int(keep as i64));
    state.attrs.insert("noop_with_empty_axes".into(), msc_ir::Attribute::Int(1));
    let op = n.b.insert(state)?;
    one(n.results(op)[0])
}

/// ArgMax/ArgMin along the constant axis in input 1, as `output_type` (i64 by default).
fn arg(n: &mut Node<'_, '_>, max: bool) -> Result<Vec<Value>, String> {
    let x = n.input(0)?;
    let axis = n.const_int(1, "dimension")?;
    let y = if max {
        ArgMax::new(x).axis(axis).keepdims(0).build_value(n.b)?
    } else {
        ArgMin::new(x).axis(axis).keepdims(0).build_value(n.b)?
    };
    let to = n.dtype("output_type")?.unwrap_or(ElementType::I64);
    one(n.cast(y, to)?)
}

fn range(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    one(Range::new(n.input(0)?, n.input(1)?, n.input(2)?).build_value(n.b)?)
}

/// OneHot(indices, depth, on_value, off_value) along `axis`; `nn.one_hot` takes `[off, on]`.
fn one_hot(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let (indices, depth, on, off) = (n.input(0)?, n.input(1)?, n.input(2)?, n.input(3)?);
    let shape = n.i64s(&[1])?;
    let on = Reshape::new(on, shape).build_value(n.b)?;
    let off = Reshape::new(off, shape).build_value(n.b)?;
    let values = Concat::new().inputs(vec![off, on]).axis(0).build_value(n.b)?;
    let axis = n.int_or("axis", -1)?;
    one(OneHot::new(indices, depth, values).axis(axis).build_value(n.b)?)
}
