//! Shape and data-movement primitives and reductions: Reshape, Transpose, Concat, Split,
//! StridedSlice, Gather, ExpandDims, Squeeze, Flatten, Pad, Cast and ReduceMean/Sum/Max/Min.
//! Shapes, axes and permutations are constant tuples (inputs in MindSpore 2.x, attributes before).

use super::{Entry, tensor};
use crate::node::Node;
use crate::value::Val;
use msc_frontend::slicing::{self, StridedSlice};
use msc_ir::{Attribute, ElementType, OpDef, OpState};
use msc_nn::ops::*;

pub(crate) const TABLE: &[Entry] = &[
    ("Reshape", |n| {
        let x = n.tensor(0)?;
        let shape = n.ints_arg(1, "shape")?.ok_or("the shape (input #1) must be a constant tuple")?;
        let shape = n.i64s(&shape)?;
        tensor(Reshape::new(x, shape).build_value(n.b)?)
    }),
    ("Transpose", |n| {
        let x = n.tensor(0)?;
        let perm = n.ints_arg(1, "perm")?.ok_or("the permutation (input #1) must be a constant tuple")?;
        tensor(Transpose::new(x).perm(perm).build_value(n.b)?)
    }),
    ("Concat", concat),
    ("Split", split),
    ("StridedSlice", strided_slice),
    ("Gather", |n| {
        let (x, indices) = (n.tensor(0)?, n.tensor(1)?);
        let axis = n.int_arg(2, "axis", 0)?;
        if n.int_arg(3, "batch_dims", 0)? != 0 {
            return Err("batch_dims other than 0 is not supported".into());
        }
        tensor(Gather::new(x, indices).axis(axis).build_value(n.b)?)
    }),
    ("ExpandDims", |n| {
        let x = n.tensor(0)?;
        let axis = n.int_arg(1, "axis", 0)?;
        let axes = n.i64s(&[axis])?;
        tensor(Unsqueeze::new(x, axes).build_value(n.b)?)
    }),
    ("Squeeze", |n| {
        let x = n.tensor(0)?;
        let axes = n.ints_arg(1, "axis")?.unwrap_or_default();
        let mut op = Squeeze::new(x);
        if !axes.is_empty() {
            op = op.axes(n.i64s(&axes)?);
        }
        tensor(op.build_value(n.b)?)
    }),
    ("Flatten", |n| tensor(Flatten::new(n.tensor(0)?).axis(1).build_value(n.b)?)),
    ("Pad", pad),
    ("Cast", cast),
    ("ReduceMean", |n| reduce(n, &REDUCE_MEAN)),
    ("ReduceSum", |n| reduce(n, &REDUCE_SUM)),
    ("ReduceMax", |n| reduce(n, &REDUCE_MAX)),
    ("ReduceMin", |n| reduce(n, &REDUCE_MIN)),
];

/// Concat(tensors, axis): the tensors are a tuple (a `MakeTuple`).
fn concat(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let Some(Val::Tuple(items)) = n.inputs.first().cloned() else {
        return Err("input #0 must be a tuple of tensors".into());
    };
    let axis = n.int_arg(1, "axis", 0)?;
    let mut inputs = Vec::with_capacity(items.len());
    for item in items {
        inputs.push(match item {
            Val::Tensor(v) => v,
            Val::Dense(d) => msc_frontend::build::dense(n.b, d)?,
            other => return Err(format!("a concatenated value is {}", other.kind())),
        });
    }
    tensor(Concat::new().inputs(inputs).axis(axis).build_value(n.b)?)
}

/// Split(x, axis, output_num): equal parts, as a tuple.
fn split(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let axis = n.int_arg(1, "axis", 0)?;
    let count = n.int_arg(2, "output_num", 1)?;
    let op = Split::new(x).axis(axis).num_outputs(count).build(n.b)?;
    Ok(Val::Tuple(n.results(op).into_iter().map(Val::Tensor).collect()))
}

/// StridedSlice(x, begin, end, strides, begin_mask, end_mask, ellipsis_mask, new_axis_mask,
/// shrink_axis_mask), TensorFlow's semantics.
fn strided_slice(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let mut list = |i: usize, name: &str| -> Result<Vec<i64>, String> {
        n.ints_arg(i, name)?.ok_or_else(|| format!("'{name}' (input #{i}) must be a constant tuple"))
    };
    let (begin, end, strides) = (list(1, "begin")?, list(2, "end")?, list(3, "strides")?);
    let spec = StridedSlice {
        begin: &begin,
        end: &end,
        strides: &strides,
        begin_mask: n.int_arg(4, "begin_mask", 0)?,
        end_mask: n.int_arg(5, "end_mask", 0)?,
        ellipsis_mask: n.int_arg(6, "ellipsis_mask", 0)?,
        new_axis_mask: n.int_arg(7, "new_axis_mask", 0)?,
        shrink_axis_mask: n.int_arg(8, "shrink_axis_mask", 0)?,
    };
    tensor(slicing::strided_slice(n.b, x, &spec)?)
}

/// Pad with the attribute `paddings = ((begin, end), ...)`, zeros.
fn pad(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let paddings = match n.arg(1, "paddings")? {
        Some(Val::Tuple(rows)) => rows
            .iter()
            .map(|r| r.ints().filter(|p| p.len() == 2))
            .collect::<Option<Vec<_>>>()
            .ok_or("'paddings' must be pairs")?,
        _ => return Err("'paddings' must be a tuple of (begin, end) pairs".into()),
    };
    let pads: Vec<i64> = paddings.iter().map(|p| p[0]).chain(paddings.iter().map(|p| p[1])).collect();
    let pads = n.i64s(&pads)?;
    tensor(Pad::new(x, pads).build_value(n.b)?)
}

/// MindSpore type ids (as exported: int32 is 34, float16 42, bool 30) of the element types msc has.
fn type_id(id: i64) -> Option<ElementType> {
    Some(match id {
        30 => ElementType::Bool,
        32 => ElementType::I8,
        33 => ElementType::I16,
        34 => ElementType::I32,
        35 => ElementType::I64,
        37 => ElementType::U8,
        42 => ElementType::F16,
        43 => ElementType::F32,
        44 => ElementType::F64,
        _ => return None,
    })
}

/// Cast(x, dtype), the target a MindSpore type id.
fn cast(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let id = n.int_arg(1, "dst_type", -1)?;
    let to = type_id(id).ok_or_else(|| format!("the target type id {id} is not supported"))?;
    tensor(msc_frontend::build::cast(n.b, x, to)?)
}

/// ReduceX(x, axis, keep_dims): an empty axis tuple reduces every axis.
fn reduce(n: &mut Node<'_, '_>, def: &'static OpDef) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let axes = n.ints_arg(1, "axis")?.unwrap_or_default();
    let keep = n.bool_arg(2, "keep_dims", false)?;
    let mut state = OpState::new(def, n.b.loc().clone());
    state.operands = vec![x];
    if !axes.is_empty() {
        state.operands.push(n.i64s(&axes)?);
    }
    state.attrs.insert("keepdims".into(), Attribute::Int(keep as i64));
    let op = n.b.insert(state)?;
    tensor(n.results(op)[0])
}
