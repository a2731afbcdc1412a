//! Lowerings of the `nn` ops without a larger family to kernels: `trilu`, `range`, `one_hot`,
//! `constant_of_shape`, `shape`, `size`, `topk` and `einsum`.
//!
//! `nn.non_zero` has no lowering: its result's length depends on the data, so its type is never
//! static and the pass rejects it before lowering.

use super::elementwise::{broadcast_map, launch_rows, load_widened, reshaped};
use super::{LowerFn, Lowering};
use msc_ir::{DenseAttr, ElementType, TensorType, Type, Value};
use msc_kernel::{BinOp, Cmp, KernelBuilder, arith};
use msc_nn_kernels::misc::Contraction;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.trilu", trilu),
    ("nn.range", range),
    ("nn.one_hot", one_hot),
    ("nn.constant_of_shape", constant_of_shape),
    ("nn.shape", shape),
    ("nn.size", size),
    ("nn.topk", topk),
    ("nn.einsum", einsum),
];

/// The product of `dims`.
fn product(dims: &[u64]) -> u64 {
    dims.iter().product()
}

/// An `index` as an i64 scalar.
fn index_to_i64(kb: &mut KernelBuilder<'_>, i: Value) -> Value {
    kb.op_to(&arith::INDEX_CAST, &[i], Type::Element(ElementType::I64))
}

/// `trilu`: per row of each matrix, the kept columns are one contiguous range, so each row is a
/// copy loop and a zero-fill loop split at the diagonal (no per-element test).
fn trilu(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let upper = l.op().bool("upper")?;
    let (input, k) = (l.operand(0), l.named("k"));
    let out = l.result(0);
    let ty = l.memref(out);
    let rank = ty.shape.len();
    let (rows, cols) = (ty.shape[rank - 2], ty.shape[rank - 1]);
    let batch = product(&ty.shape[..rank - 2]);
    let shape = vec![batch, rows, cols];
    let mut buffers = vec![reshaped(l, input, shape.clone()), reshaped(l, out, shape)];
    buffers.extend(k);
    let element = ty.element;
    launch_rows(l, "trilu", &buffers, &[batch, rows], cols, |kb, kf, row, lo, hi| {
        let (x, y) = (kf.buffers[0], kf.buffers[1]);
        let k = match kf.buffers.get(2) {
            Some(&k) => {
                let k = kb.load(k, &[]);
                kb.to_index(k)
            }
            None => kb.index(0),
        };
        // Upper keeps columns >= row + k, lower columns <= row + k: split at `row + k (+ 1)`.
        let diagonal = kb.add_index(row[1], k);
        let split = if upper { diagonal } else { kb.add_const(diagonal, 1) };
        let split = kb.max(split, lo);
        let split = kb.min(split, hi);
        let ((copy_lo, copy_hi), (zero_lo, zero_hi)) =
            if upper { ((split, hi), (lo, split)) } else { ((lo, split), (split, hi)) };
        let zero = kb.constant(0.0, element);
        kb.for_range(zero_lo, zero_hi, |kb, j| kb.store(zero, y, &[row[0], row[1], j]));
        kb.for_range(copy_lo, copy_hi, |kb, j| {
            let v = kb.load(x, &[row[0], row[1], j]);
            kb.store(v, y, &[row[0], row[1], j]);
        });
    });
    Ok(vec![out])
}

/// `range`: element `i` is `start + i * delta`, in f64 for floats (as the reference) and with
/// wrapping in the element type for integers. The length is the static result length.
fn range(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (start, delta) = (l.operand(0), l.operand(2));
    let out = l.result(0);
    let ty = l.memref(out);
    let element = ty.element;
    launch_rows(l, "range", &[start, delta, out], &[], ty.shape[0], |kb, kf, _, lo, hi| {
        let compute = if element.is_float() { ElementType::F64 } else { element };
        let s = kb.load(kf.buffers[0], &[]);
        let s = kb.cast(s, compute);
        let d = kb.load(kf.buffers[1], &[]);
        let d = kb.cast(d, compute);
        kb.for_range(lo, hi, |kb, i| {
            let count = index_to_i64(kb, i);
            let n = kb.cast(count, compute);
            let step = kb.mul(n, d);
            let v = kb.add(s, step);
            let v = kb.cast(v, element);
            kb.store(v, kf.buffers[2], &[i]);
        });
    });
    Ok(vec![out])
}

/// `one_hot`: the output viewed as `[outer, depth, inner]` (`inner` the index dims after `axis`)
/// holds `values[1]` where the (wrapped) index equals the depth position, else `values[0]`. The
/// unit-stride inner loop runs over `inner`, or over `depth` when `axis` is last.
fn one_hot(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (indices, values) = (l.operand(0), l.operand(2));
    let out = l.result(0);
    let out_ty = l.memref(out);
    let index_shape = l.memref(indices).shape;
    let axis = msc_nn::shape::normalize_axis(l.op().int("axis")?, out_ty.shape.len())?;
    let (outer, depth, inner) = (product(&index_shape[..axis]), out_ty.shape[axis], product(&index_shape[axis..]));
    let depth_inner = inner == 1;
    let out_shape = if depth_inner { vec![outer, depth] } else { vec![outer, depth, inner] };
    let buffers = [reshaped(l, indices, vec![outer, inner]), values, reshaped(l, out, out_shape)];
    let (rows, columns) = if depth_inner { (vec![outer], depth) } else { (vec![outer, depth], inner) };
    launch_rows(l, "one_hot", &buffers, &rows, columns, |kb, kf, row, lo, hi| {
        let (x, values, y) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        let (i0, i1) = (kb.index(0), kb.index(1));
        let off = kb.load(values, &[i0]);
        let on = kb.load(values, &[i1]);
        // The index at `[row[0], j]` as i64, negative ones wrapped by `depth`.
        let wrapped_index = |kb: &mut KernelBuilder<'_>, j: Value| {
            let v = kb.load(x, &[row[0], j]);
            let v = if kb.element(v).is_some_and(ElementType::is_float) {
                kb.op_to(&arith::FPTOSI, &[v], Type::Element(ElementType::I64))
            } else {
                kb.cast(v, ElementType::I64)
            };
            let zero = kb.int(0, ElementType::I64);
            let negative = kb.cmp(Cmp::Lt, v, zero);
            let n = kb.int(depth as i64, ElementType::I64);
            let shifted = kb.add(v, n);
            kb.select(negative, shifted, v)
        };
        if depth_inner {
            let index = wrapped_index(kb, i0);
            kb.for_range(lo, hi, |kb, d| {
                let d64 = index_to_i64(kb, d);
                let hit = kb.cmp(Cmp::Eq, index, d64);
                let v = kb.select(hit, on, off);
                kb.store(v, y, &[row[0], d]);
            });
        } else {
            let d64 = index_to_i64(kb, row[1]);
            kb.for_range(lo, hi, |kb, j| {
                let index = wrapped_index(kb, j);
                let hit = kb.cmp(Cmp::Eq, index, d64);
                let v = kb.select(hit, on, off);
                kb.store(v, y, &[row[0], row[1], j]);
            });
        }
    });
    Ok(vec![out])
}

/// `constant_of_shape`: a fill kernel storing the `value` attribute (f32 zero when absent).
fn constant_of_shape(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let element = l.result_type(0).element;
    let (float, int) = match l.op().raw_attr("value") {
        None => (Some(0.0), Some(0)),
        Some(attr) => {
            let dense = attr.as_dense().ok_or("nn.constant_of_shape: `value` must be a dense attribute")?;
            (dense.f64_at(0), dense.i64_at(0))
        }
    };
    let (Some(float), Some(int)) = (float, int) else {
        return Err("nn.constant_of_shape: the `value` attribute is elided".into());
    };
    let out = l.result(0);
    broadcast_map(l, "constant_of_shape", &[], out, move |kb, _| {
        if element.is_float() { kb.constant(float, element) } else { kb.int(int, element) }
    });
    Ok(vec![out])
}

/// `shape`: the (static) dims as an i64 weight.
fn shape(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let dims = l.memref(l.operand(0)).shape;
    let rank = dims.len() as i64;
    let bound = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
    let start = bound(l.op().int("start")?);
    let end = match l.op().raw_attr("end") {
        Some(_) => bound(l.op().int("end")?),
        None => dims.len(),
    };
    let values: Vec<i64> = dims[start..end.max(start)].iter().map(|&d| d as i64).collect();
    let dense = DenseAttr::from_i64s(TensorType::of(&[values.len() as u64], ElementType::I64), &values)?;
    Ok(vec![l.constant(dense)?])
}

/// `size`: the (static) element count as an i64 weight.
fn size(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let n = product(&l.memref(l.operand(0)).shape) as i64;
    let dense = DenseAttr::from_i64s(TensorType::of(&[], ElementType::I64), &[n])?;
    Ok(vec![l.constant(dense)?])
}

/// `topk` by selection: for each line along `axis` and each output position `j`, a scan picks
/// the best element ranked after pick `j - 1` in the reference's total order (value, largest or
/// smallest first, NaN above every number, ties by lower index). `O(k n)` per line, no scratch.
fn topk(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let largest = l.op().bool("largest")?;
    let x = l.operand(0);
    let x_ty = l.memref(x);
    let axis = msc_nn::shape::normalize_axis(l.op().int("axis")?, x_ty.shape.len())?;
    let (values, indices) = (l.result(0), l.result(1));
    let k = l.memref(values).shape[axis];
    let (outer, n, inner) = (product(&x_ty.shape[..axis]), x_ty.shape[axis], product(&x_ty.shape[axis + 1..]));
    if k == 0 {
        return Ok(vec![values, indices]);
    }
    let buffers = [
        reshaped(l, x, vec![outer, n, inner]),
        reshaped(l, values, vec![outer, k, inner]),
        reshaped(l, indices, vec![outer, k, inner]),
    ];
    let element = x_ty.element;
    launch_rows(l, "topk", &buffers, &[outer], inner, |kb, kf, row, lo, hi| {
        let (x, out_values, out_indices) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        kb.for_range(lo, hi, |kb, i| {
            let (zero, k_end) = (kb.index(0), kb.index(k as i64));
            let first = load_widened(kb, x, &[row[0], zero, i]);
            let minus_one = kb.index(-1);
            // Carried: the previous pick's value and index (-1 before the first pick).
            kb.for_carry(zero, k_end, &[first, minus_one], |kb, j, prev| {
                let (prev_value, prev_index) = (prev[0], prev[1]);
                let (n_end, no) = (kb.index(n as i64), kb.constant(0.0, ElementType::Bool));
                let picked = kb.for_carry(zero, n_end, &[no, first, zero], |kb, p, best| {
                    let v = load_widened(kb, x, &[row[0], p, i]);
                    let no_previous = kb.cmp(Cmp::Lt, prev_index, zero);
                    let after_previous = ranks_before(kb, prev_value, prev_index, v, p, largest);
                    let eligible = kb.binary(BinOp::Or, no_previous, after_previous);
                    let beats = ranks_before(kb, v, p, best[1], best[2], largest);
                    let first_found = kb.cmp(Cmp::Eq, best[0], no);
                    let better = kb.binary(BinOp::Or, first_found, beats);
                    let take = kb.binary(BinOp::And, eligible, better);
                    let found = kb.binary(BinOp::Or, best[0], take);
                    let value = kb.select(take, v, best[1]);
                    let index = kb.select(take, p, best[2]);
                    vec![found, value, index]
                });
                let stored = kb.cast(picked[1], element);
                kb.store(stored, out_values, &[row[0], j, i]);
                let index = index_to_i64(kb, picked[2]);
                kb.store(index, out_indices, &[row[0], j, i]);
                vec![picked[1], picked[2]]
            });
        });
    });
    Ok(vec![values, indices])
}

/// Whether `(a, ia)` ranks strictly before `(b, ib)` in `topk`'s order: the larger (or smaller)
/// value first, NaN above every number and equal to NaN, ties by the lower index.
fn ranks_before(kb: &mut KernelBuilder<'_>, a: Value, ia: Value, b: Value, ib: Value, largest: bool) -> Value {
    let cmp = if largest { Cmp::Gt } else { Cmp::Lt };
    let mut strictly = kb.cmp(cmp, a, b);
    let mut equal = kb.cmp(Cmp::Eq, a, b);
    if kb.element(a).is_some_and(ElementType::is_float) {
        let (a_nan, b_nan) = (kb.cmp(Cmp::Ne, a, a), kb.cmp(Cmp::Ne, b, b));
        let both_nan = kb.binary(BinOp::And, a_nan, b_nan);
        equal = kb.binary(BinOp::Or, equal, both_nan);
        // NaN is the largest: it ranks first when largest, last when smallest.
        let (nan_side, number_side) = if largest { (a_nan, b_nan) } else { (b_nan, a_nan) };
        let yes = kb.constant(1.0, ElementType::Bool);
        let number = kb.binary(BinOp::Xor, number_side, yes);
        let by_nan = kb.binary(BinOp::And, nan_side, number);
        strictly = kb.binary(BinOp::Or, strictly, by_nan);
    }
    let lower_index = kb.cmp(Cmp::Lt, ia, ib);
    let tie = kb.binary(BinOp::And, equal, lower_index);
    kb.binary(BinOp::Or, strictly, tie)
}

/// `einsum` with the reference kernel's contraction plan: per output element, nested loops over
/// the summed labels carry the sum (f16 and bf16 in f32) of the operands' product, each operand
/// read at its flat offset `sum(step[label] * index[label])`.
fn einsum(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let equation = l.op().string("equation")?;
    let inputs: Vec<Value> = (0..l.op().operands().len()).map(|i| l.operand(i)).collect();
    let shapes: Vec<Vec<usize>> =
        inputs.iter().map(|&v| l.memref(v).shape.iter().map(|&d| d as usize).collect()).collect();
    let shape_refs: Vec<&[usize]> = shapes.iter().map(Vec::as_slice).collect();
    let (plan, out_shape) = Contraction::plan(&equation, &shape_refs).map_err(|e| format!("nn.einsum: {}", e.0))?;
    let out = l.result(0);
    let element = l.memref(out).element;
    let mut buffers: Vec<Value> =
        inputs.iter().zip(&shapes).map(|(&v, s)| reshaped(l, v, vec![s.iter().product::<usize>() as u64])).collect();
    // A scalar output is seen as one element so that the row loop has a dim to run over.
    let dims: Vec<u64> = if out_shape.is_empty() { vec![1] } else { out_shape.iter().map(|&d| d as u64).collect() };
    buffers.push(reshaped(l, out, dims.clone()));
    let summed: Vec<u64> = plan.space[out_shape.len()..].iter().map(|&d| d as u64).collect();
    let steps: Vec<Vec<i64>> = plan.operand_steps.iter().map(|s| s.iter().map(|&d| d as i64).collect()).collect();
    let (outer, inner) = dims.split_at(dims.len() - 1);
    let labelled_output = !out_shape.is_empty();
    launch_rows(l, "einsum", &buffers, outer, inner[0], |kb, kf, row, lo, hi| {
        let (operands, y) = kf.buffers.split_at(steps.len());
        kb.for_range(lo, hi, |kb, j| {
            let mut at = row.to_vec();
            at.push(j);
            let mut labels = if labelled_output { at.clone() } else { Vec::new() };
            let compute =
                if matches!(element, ElementType::F16 | ElementType::BF16) { ElementType::F32 } else { element };
            let zero = kb.constant(0.0, compute);
            let term = |kb: &mut KernelBuilder<'_>, labels: &[Value]| {
                let factors: Vec<Value> = operands
                    .iter()
                    .zip(&steps)
                    .map(|(&x, s)| {
                        let offset = kb.linearize(labels, s);
                        load_widened(kb, x, &[offset])
                    })
                    .collect();
                factors[1..].iter().fold(factors[0], |p, &f| kb.mul(p, f))
            };
            let sum = sum_over(kb, &summed, &mut labels, zero, &term);
            let sum = kb.cast(sum, element);
            kb.store(sum, y[0], &at);
        });
    });
    Ok(vec![out])
}

/// `acc + sum of term(labels ++ ivs)` over the index space `extents`, as nested loops carrying
/// the sum.
fn sum_over<'a>(
    kb: &mut KernelBuilder<'a>,
    extents: &[u64],
    labels: &mut Vec<Value>,
    acc: Value,
    term: &dyn Fn(&mut KernelBuilder<'_>, &[Value]) -> Value,
) -> Value {
    let Some((&n, rest)) = extents.split_first() else {
        let t = term(kb, labels);
        return kb.add(acc, t);
    };
    let (lb, ub) = (kb.index(0), kb.index(n as i64));
    let sums = kb.for_carry(lb, ub, &[acc], |kb, iv, carried| {
        labels.push(iv);
        let next = sum_over(kb, rest, labels, carried[0], term);
        labels.pop();
        vec![next]
    });
    sums[0]
}
