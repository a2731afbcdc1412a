//! Constants, shapes and data movement: Const, the pass-through ops (Identity, NoOp,
//! StopGradient, ... import as nothing: their users see the input), Reshape, Transpose, the
//! concats, Pack/Unpack, the splits, Slice and StridedSlice, Gather, the pads, Squeeze,
//! ExpandDims, Shape, Fill, Cast and Tile. TensorFlow's i32 shape and axis operands are cast to
//! the i64 the `nn` ops take (folded at import for constants).

use super::{Entry, one};
use crate::node::Node;
use crate::tensor::dense_from_proto;
use msc_frontend::build;
use msc_frontend::slicing::{self, StridedSlice};
use msc_ir::{ElementType, Value};
use msc_nn::ops::*;

pub(crate) const TABLE: &[Entry] = &[
    ("Const", constant),
    ("Identity", |n| one(n.input(0)?)),
    ("IdentityN", |n| Ok(n.inputs.clone())),
    ("StopGradient", |n| one(n.input(0)?)),
    ("PreventGradient", |n| one(n.input(0)?)),
    ("Snapshot", |n| one(n.input(0)?)),
    ("PlaceholderWithDefault", |n| one(n.input(0)?)),
    ("NoOp", |_| Ok(vec![])),
    ("Reshape", |n| {
        let shape = n.input_i64(1)?;
        // TensorFlow's 0 is an empty dim, not "copy the input's" as in ONNX.
        one(Reshape::new(n.input(0)?, shape).allowzero(1).build_value(n.b)?)
    }),
    ("Transpose", |n| {
        let perm = n.const_ints(1, "perm")?;
        let x = n.input(0)?;
        one(n.transpose(x, &perm)?)
    }),
    ("ConcatV2", |n| concat(n, n.inputs.len().saturating_sub(1), 0)),
    ("Concat", |n| concat(n, 0, 1)),
    ("Pack", pack),
    ("Unpack", unpack),
    ("Split", |n| {
        let axis = n.const_int(0, "split axis")?;
        let num = n.int("num_split")?.ok_or("attribute 'num_split' is required")?;
        let op = Split::new(n.input(1)?).axis(axis).num_outputs(num).build(n.b)?;
        Ok(n.results(op))
    }),
    ("SplitV", split_v),
    ("Slice", slice),
    ("StridedSlice", strided_slice),
    ("Gather", |n| one(Gather::new(n.input(0)?, n.input(1)?).axis(0).build_value(n.b)?)),
    ("GatherV2", gather_v2),
    ("Pad", |n| pad(n, "constant")),
    ("PadV2", |n| pad(n, "constant")),
    ("MirrorPad", |n| match n.string_or("mode", "REFLECT")?.as_str() {
        "REFLECT" => pad(n, "reflect"),
        other => Err(format!("MirrorPad mode '{other}' is not supported (only REFLECT)")),
    }),
    ("Squeeze", |n| {
        let axes = n.ints("squeeze_dims")?.or(n.ints("axis")?).unwrap_or_default();
        let mut op = Squeeze::new(n.input(0)?);
        if !axes.is_empty() {
            op = op.axes(n.i64s(&axes)?);
        }
        one(op.build_value(n.b)?)
    }),
    ("ExpandDims", |n| {
        let axis = n.axes_input(1)?;
        one(Unsqueeze::new(n.input(0)?, axis).build_value(n.b)?)
    }),
    ("Shape", |n| {
        let shape = Shape::new(n.input(0)?).build_value(n.b)?;
        let to = n.dtype("out_type")?.unwrap_or(ElementType::I32);
        one(n.cast(shape, to)?)
    }),
    ("Fill", |n| {
        let dims = n.input_i64(0)?;
        one(Expand::new(n.input(1)?, dims).build_value(n.b)?)
    }),
    ("Cast", |n| {
        let to = n.dtype("DstT")?.ok_or("attribute 'DstT' is required")?;
        let x = n.input(0)?;
        one(n.cast(x, to)?)
    }),
    ("Tile", |n| {
        let repeats = n.input_i64(1)?;
        one(Tile::new(n.input(0)?, repeats).build_value(n.b)?)
    }),
];

/// Const: the `value` tensor, `tensor_content` shared with the model bytes.
fn constant(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let t = n.tensor("value")?.ok_or("attribute 'value' is required")?;
    let dense = dense_from_proto(t)?;
    one(build::dense(n.b, dense)?)
}

/// A concat of the inputs other than the constant axis at `axis_input`, starting at `first`.
fn concat(n: &mut Node<'_, '_>, axis_input: usize, first: usize) -> Result<Vec<Value>, String> {
    let axis = n.const_int(axis_input, "concat axis")?;
    let inputs: Vec<Value> =
        n.inputs.iter().enumerate().filter(|&(i, _)| i != axis_input && i >= first).map(|(_, &v)| v).collect();
    one(Concat::new().inputs(inputs).axis(axis).build_value(n.b)?)
}

/// Pack: the inputs stacked along a new `axis`.
fn pack(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let axis = n.int_or("axis", 0)?;
    let rank = n.rank(n.input(0)?)? as i64;
    let axis = if axis < 0 { axis + rank + 1 } else { axis };
    let axes = n.i64s(&[axis])?;
    let mut parts = Vec::with_capacity(n.inputs.len());
    for v in n.inputs.clone() {
        parts.push(Unsqueeze::new(v, axes).build_value(n.b)?);
    }
    one(Concat::new().inputs(parts).axis(axis).build_value(n.b)?)
}

/// Unpack: `num` slices along `axis`, the axis removed.
fn unpack(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let axis = n.int_or("axis", 0)?;
    let num = n.int("num")?.ok_or("attribute 'num' is required")?;
    let op = Split::new(n.input(0)?).axis(axis).num_outputs(num).build(n.b)?;
    let axes = n.i64s(&[axis])?;
    let mut outputs = Vec::new();
    for part in n.results(op) {
        outputs.push(Squeeze::new(part).axes(axes).build_value(n.b)?);
    }
    Ok(outputs)
}

/// SplitV(value, size_splits, axis); one size may be -1 (the rest of the axis).
fn split_v(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let x = n.input(0)?;
    let mut sizes = n.const_ints(1, "size_splits")?;
    let axis = n.const_int(2, "split axis")?;
    if let Some(unknown) = sizes.iter().position(|&s| s == -1) {
        let shape = n.static_shape(x, "SplitV with a -1 size")?;
        let a = if axis < 0 { axis + shape.len() as i64 } else { axis };
        let dim = *shape.get(a as usize).ok_or(format!("axis {axis} is out of range"))? as i64;
        sizes[unknown] = dim - sizes.iter().filter(|&&s| s != -1).sum::<i64>();
    }
    let split = n.i64s(&sizes)?;
    let op = Split::new(x).split(split).axis(axis).build(n.b)?;
    Ok(n.results(op))
}

/// Slice(x, begin, size); a size of -1 runs to the end of the axis.
fn slice(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let begin = n.const_ints(1, "begin")?;
    let size = n.const_ints(2, "size")?;
    if begin.len() != size.len() {
        return Err(format!("begin {begin:?} and size {size:?} differ in length"));
    }
    let ends: Vec<i64> = begin.iter().zip(&size).map(|(&b, &s)| if s == -1 { i64::MAX } else { b + s }).collect();
    let axes: Vec<i64> = (0..begin.len() as i64).collect();
    let (starts, ends, axes) = (n.i64s(&begin)?, n.i64s(&ends)?, n.i64s(&axes)?);
    one(Slice::new(n.input(0)?, starts, ends).axes(axes).build_value(n.b)?)
}

/// StridedSlice with constant begin/end/strides and all five masks (see
/// [`msc_frontend::slicing`]).
fn strided_slice(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let x = n.input(0)?;
    let (begin, end, strides) = (n.const_ints(1, "begin")?, n.const_ints(2, "end")?, n.const_ints(3, "strides")?);
    let mask = |name: &str| -> Result<i64, String> { n.int_or(name, 0) };
    let spec = StridedSlice {
        begin: &begin,
        end: &end,
        strides: &strides,
        begin_mask: mask("begin_mask")?,
        end_mask: mask("end_mask")?,
        ellipsis_mask: mask("ellipsis_mask")?,
        new_axis_mask: mask("new_axis_mask")?,
        shrink_axis_mask: mask("shrink_axis_mask")?,
    };
    one(slicing::strided_slice(n.b, x, &spec)?)
}

/// GatherV2(params, indices, axis); `batch_dims` other than 0 is not supported.
fn gather_v2(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    if n.int_or("batch_dims", 0)? != 0 {
        return Err("batch_dims other than 0 is not supported".into());
    }
    let axis = n.const_int(2, "gather axis")?;
    one(Gather::new(n.input(0)?, n.input(1)?).axis(axis).build_value(n.b)?)
}

/// Pad/PadV2/MirrorPad: the constant N x 2 `paddings` become ONNX's `[begins..., ends...]`.
fn pad(n: &mut Node<'_, '_>, mode: &str) -> Result<Vec<Value>, String> {
    let paddings = n.const_ints(1, "paddings")?;
    if paddings.len() % 2 != 0 {
        return Err(format!("paddings {paddings:?} is not N x 2"));
    }
    let pads: Vec<i64> = paddings.iter().step_by(2).chain(paddings.iter().skip(1).step_by(2)).copied().collect();
    let pads = n.i64s(&pads)?;
    let mut op = Pad::new(n.input(0)?, pads).mode(mode.to_string());
    if mode == "constant" && n.inputs.len() > 2 {
        op = op.constant_value(n.input(2)?);
    }
    one(op.build_value(n.b)?)
}
