//! Strided slices as TensorFlow's StridedSlice and MindSpore's StridedSlice define them (begin,
//! end and strides per spec entry, with begin/end/ellipsis/new-axis/shrink-axis masks), lowered to
//! `nn.slice`, `nn.squeeze` and `nn.unsqueeze`.

use crate::build::{i64s, tensor_type};
use msc_ir::{Builder, Value};
use msc_nn::ops::{Slice, Squeeze, Unsqueeze};

/// What one entry of a StridedSlice spec does to the output.
enum Spec {
    /// Keeps input axis `axis`, sliced.
    Keep,
    /// Removes a slice of one element of an input axis.
    Shrink,
    /// Inserts a new axis of size 1.
    NewAxis,
}

/// A strided slice as TensorFlow and MindSpore define it: per spec entry `i`, `begin[i]`,
/// `end[i]` and `strides[i]`, and bit `i` of each mask.
pub struct StridedSlice<'a> {
    pub begin: &'a [i64],
    pub end: &'a [i64],
    pub strides: &'a [i64],
    /// Ignore `begin[i]`: start at the first element (the last one for negative strides).
    pub begin_mask: i64,
    /// Ignore `end[i]`: run to the end.
    pub end_mask: i64,
    /// Entry `i` stands for as many whole axes as the spec leaves unaddressed.
    pub ellipsis_mask: i64,
    /// Entry `i` inserts an axis of size 1.
    pub new_axis_mask: i64,
    /// Entry `i` takes the one element at `begin[i]` and removes the axis.
    pub shrink_axis_mask: i64,
}

/// `x` sliced by `spec`: an `nn.slice` over the input axes, then `nn.squeeze` of the shrunk axes,
/// then `nn.unsqueeze` of the new ones.
pub fn strided_slice(b: &mut Builder<'_>, x: Value, spec: &StridedSlice<'_>) -> Result<Value, String> {
    let rank = tensor_type(b.ctx_ref(), x)?.rank();
    let (begin, end, strides) = (spec.begin, spec.end, spec.strides);
    if begin.len() != end.len() || begin.len() != strides.len() {
        return Err(format!("begin {begin:?}, end {end:?} and strides {strides:?} differ in length"));
    }
    let (begin_mask, end_mask, ellipsis_mask) = (spec.begin_mask, spec.end_mask, spec.ellipsis_mask);
    let (new_axis_mask, shrink_mask) = (spec.new_axis_mask, spec.shrink_axis_mask);
    let bit = |m: i64, i: usize| m >> i & 1 == 1;
    let explicit_axes = (0..begin.len()).filter(|&i| !bit(new_axis_mask, i) && !bit(ellipsis_mask, i)).count();
    let (mut starts, mut ends, mut steps, mut axes) = (vec![], vec![], vec![], vec![]);
    let mut specs = Vec::new();
    let mut axis = 0usize;
    for i in 0..begin.len() {
        if bit(ellipsis_mask, i) {
            let covered = rank.checked_sub(explicit_axes).ok_or("the spec has more axes than the input")?;
            for _ in 0..covered {
                specs.push(Spec::Keep);
                axis += 1;
            }
            continue;
        }
        if bit(new_axis_mask, i) {
            specs.push(Spec::NewAxis);
            continue;
        }
        if axis >= rank {
            return Err(format!("the spec addresses axis {axis} of a rank-{rank} input"));
        }
        let step = strides[i];
        if step == 0 {
            return Err("a stride is 0".into());
        }
        if bit(shrink_mask, i) {
            let b = begin[i];
            starts.push(b);
            ends.push(if b == -1 { i64::MAX } else { b + 1 });
            steps.push(1);
            specs.push(Spec::Shrink);
        } else {
            let (from_start, to_end) = if step > 0 { (0, i64::MAX) } else { (i64::MAX, i64::MIN) };
            starts.push(if bit(begin_mask, i) { from_start } else { begin[i] });
            ends.push(if bit(end_mask, i) { to_end } else { end[i] });
            steps.push(step);
            specs.push(Spec::Keep);
        }
        axes.push(axis as i64);
        axis += 1;
    }
    let mut y = x;
    if !axes.is_empty() {
        let (s, e, a, st) = (i64s(b, &starts)?, i64s(b, &ends)?, i64s(b, &axes)?, i64s(b, &steps)?);
        y = Slice::new(y, s, e).axes(a).steps(st).build_value(b)?;
    }
    // Input axes and output positions, walking the spec (axes past it are kept).
    let (mut input_axis, mut output_axis) = (0i64, 0i64);
    let (mut shrunk, mut added) = (vec![], vec![]);
    for spec in &specs {
        match spec {
            Spec::Keep => {
                input_axis += 1;
                output_axis += 1;
            }
            Spec::Shrink => {
                shrunk.push(input_axis);
                input_axis += 1;
            }
            Spec::NewAxis => {
                added.push(output_axis);
                output_axis += 1;
            }
        }
    }
    if !shrunk.is_empty() {
        let axes = i64s(b, &shrunk)?;
        y = Squeeze::new(y).axes(axes).build_value(b)?;
    }
    if !added.is_empty() {
        let axes = i64s(b, &added)?;
        y = Unsqueeze::new(y, axes).build_value(b)?;
    }
    Ok(y)
}
