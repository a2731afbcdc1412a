//! Lowerings of the `nn` indexing ops to kernels: gathers are [`Movement`]s whose source offset
//! holds index terms; scatters copy the data, then run a movement whose destination does.
//!
//! Indices outside `[-dim, dim)` are undefined in ONNX; the lowered kernels clamp them into the
//! axis (see [`Gathered`]) so they never touch memory outside their buffers.

use super::movement::{Affine, Gathered, Movement, Offset, Tiling, axis, row_major};
use super::{LowerFn, Lowering, copy};
use msc_ir::Value;
use msc_kernel::BinOp;
use msc_nn_kernels::indexing::ScatterReduction;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.gather", gather),
    ("nn.gather_elements", gather_elements),
    ("nn.gather_nd", gather_nd),
    ("nn.scatter_nd", scatter_nd),
    ("nn.scatter_elements", scatter_elements),
];

/// Fails when an index would address an empty axis while there is something to gather.
fn check_axis(dim: u64, count: u64) -> Result<(), String> {
    if dim == 0 && count > 0 {
        return Err("indices address an empty axis".into());
    }
    Ok(())
}

/// Data and indices buffers with their shapes.
fn data_and_indices(l: &Lowering<'_>) -> (Value, Vec<u64>, Value, Vec<u64>) {
    let (data, indices) = (l.operand(0), l.operand(1));
    (data, l.memref(data).shape, indices, l.memref(indices).shape)
}

/// `gather`: data seen as P x D x Q around the axis, the result as P x I x Q (I indices).
fn gather(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (data, shape, indices, index_shape) = data_and_indices(l);
    let axis = axis(l, "axis", shape.len())?;
    let (p, d, q) = (shape[..axis].iter().product::<u64>(), shape[axis], shape[axis + 1..].iter().product::<u64>());
    let i: u64 = index_shape.iter().product();
    check_axis(d, p * i * q)?;
    let index = Gathered { buffer: indices, at: Affine { base: 0, strides: vec![0, 1, 0] }, dim: d, scale: q as i64 };
    let src = Offset { affine: Affine { base: 0, strides: vec![(d * q) as i64, 0, 1] }, gathered: vec![index] };
    Ok(vec![Movement::dense(vec![p, i, q], src).into_result(l, "gather", data, 0)])
}

/// The offset into data (of `shape`) of `indices[i]` with its `axis` coordinate replaced by the
/// index there, over the index positions i (of `index_shape`).
fn element_offset(indices: Value, shape: &[u64], index_shape: &[u64], axis: usize) -> Offset {
    let strides = row_major(shape);
    let index = Gathered { buffer: indices, at: Affine::dense(index_shape), dim: shape[axis], scale: strides[axis] };
    let mut affine = Affine { base: 0, strides };
    affine.strides[axis] = 0;
    Offset { affine, gathered: vec![index] }
}

fn gather_elements(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (data, shape, indices, index_shape) = data_and_indices(l);
    let axis = axis(l, "axis", shape.len())?;
    check_axis(shape[axis], index_shape.iter().product())?;
    let src = element_offset(indices, &shape, &index_shape, axis);
    Ok(vec![Movement::dense(index_shape, src).into_result(l, "gather_elements", data, 0)])
}

/// The index tuples of gather_nd / scatter_nd: for indices of shape `[batch..., tuples..., k]` into
/// data of `shape` after `b` batch axes, the iteration space `[B, T, S]` (batches, tuples per batch,
/// slice size) and the data offset of each (batch, tuple, slice position).
fn tuples(indices: Value, shape: &[u64], index_shape: &[u64], b: usize) -> Result<(Vec<u64>, Offset), String> {
    let q = index_shape.len();
    let k = index_shape[q - 1] as usize;
    let batches: u64 = index_shape[..b].iter().product();
    let per_batch: u64 = index_shape[b..q - 1].iter().product();
    let slice: u64 = shape[b + k..].iter().product();
    let strides = row_major(shape);
    let batch_stride = shape[b..].iter().product::<u64>() as i64;
    let gathered = (0..k)
        .map(|j| {
            let at = Affine { base: j as i64, strides: vec![(per_batch as usize * k) as i64, k as i64, 0] };
            check_axis(shape[b + j], batches * per_batch * slice)?;
            Ok(Gathered { buffer: indices, at, dim: shape[b + j], scale: strides[b + j] })
        })
        .collect::<Result<_, String>>()?;
    let affine = Affine { base: 0, strides: vec![batch_stride, 0, 1] };
    Ok((vec![batches, per_batch, slice], Offset { affine, gathered }))
}

fn gather_nd(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (data, shape, indices, index_shape) = data_and_indices(l);
    let b = l.op().int("batch_dims")?;
    if b < 0 || b as usize >= index_shape.len().min(shape.len()) {
        return Err(format!("batch_dims {b} does not fit data {shape:?} and indices {index_shape:?}"));
    }
    let (iteration, src) = tuples(indices, &shape, &index_shape, b as usize)?;
    Ok(vec![Movement::dense(iteration, src).into_result(l, "gather_nd", data, 0)])
}

/// The kernel op combining an update with the destination (`None`: overwrite).
fn reduction(l: &Lowering<'_>, data: Value) -> Result<Option<BinOp>, String> {
    let reduction = ScatterReduction::parse(&l.op().string("reduction")?).map_err(|e| e.0)?;
    let op = match reduction {
        ScatterReduction::None => return Ok(None),
        ScatterReduction::Add => BinOp::Add,
        ScatterReduction::Mul => BinOp::Mul,
        ScatterReduction::Max => BinOp::Max,
        ScatterReduction::Min => BinOp::Min,
    };
    if l.memref(data).element == msc_ir::ElementType::Bool {
        return Err(format!("{}: reduction {reduction:?} needs numbers, got i1 elements", l.op().name()));
    }
    Ok(Some(op))
}

/// A copy of data into the result, then `updates` moved into it by `dst` over `shape`, in the order
/// of the updates (repeated indices combine, or the last one wins).
fn scatter(l: &mut Lowering<'_>, hint: &str, shape: Vec<u64>, dst: Offset) -> Result<Vec<Value>, String> {
    let (data, updates) = (l.operand(0), l.operand(2));
    let combine = reduction(l, data)?;
    let out = l.result(0);
    copy(l, data, out);
    let mv = Movement { src: Affine::dense(&shape).into(), dst, shape };
    mv.launch(l, hint, updates, out, Tiling::Ordered, combine);
    Ok(vec![out])
}

fn scatter_nd(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (_, shape, indices, index_shape) = data_and_indices(l);
    let (iteration, dst) = tuples(indices, &shape, &index_shape, 0)?;
    scatter(l, "scatter_nd", iteration, dst)
}

fn scatter_elements(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (_, shape, indices, index_shape) = data_and_indices(l);
    let axis = axis(l, "axis", shape.len())?;
    check_axis(shape[axis], index_shape.iter().product())?;
    let dst = element_offset(indices, &shape, &index_shape, axis);
    scatter(l, "scatter_elements", index_shape, dst)
}
