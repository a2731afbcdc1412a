//! Lowering of `nn.resize` to kernels. Shapes are static and scales, sizes and roi constant, so the
//! reference kernel's own plan ([`resize_samples`]) gives, at compile time, the input positions and
//! weights behind every output position of every resized axis; they become weight tables.
//!
//! When every output position copies one input position (nearest mode), the whole resize is one
//! gather [`Movement`] through per-axis index tables. Otherwise each
//! resized axis is one pass that sums the weighted taps, in f32 (f64 for f64 data), the inner loop
//! running over the elements after the axis, or, for the innermost axis, over the output positions
//! (tap-major tables, i32 positions), so the stores are unit stride either way.

use super::movement::{Affine, Gathered, Movement, Offset, for_rows, index_table, narrow_index_table, row_major};
use super::reduce::flat;
use super::{CHUNK, LowerFn, Lowering};
use msc_ir::{DenseAttr, Dim, ElementType, MemRefType, TensorType, Value};
use msc_kernel::resize::{RESIZE, attributes_of};
use msc_kernel::{Cmp, KernelBuilder, KernelFunc};
use msc_nn_kernels::resize::{ResizeTarget, Sample, resize_samples};
use msc_runtime::resize::{AxisTaps, ResizeCall};

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[("nn.resize", resize)];

/// The constant floats of optional operand `name`.
fn constant_floats(l: &Lowering<'_>, name: &str) -> Result<Option<Vec<f64>>, String> {
    let op = l.op();
    let Some(v) = op.named_operand(name) else { return Ok(None) };
    let values = op.constant_value(v).and_then(|d| d.to_f64s());
    values.map(Some).ok_or_else(|| format!("nn.resize: operand `{name}` must be a constant for the CPU lowering"))
}

/// Each resized axis that changes, with how each of its output positions is computed.
type Passes = Vec<(usize, Vec<Sample>)>;

/// The input's type and its resampling ([`resize_samples`]).
fn samples(l: &Lowering<'_>) -> Result<(MemRefType, Passes), String> {
    let params = msc_nn::ops::resize::resize_params(&l.op())?;
    let x = l.operand(0);
    let in_ty = l.memref(x);
    if !in_ty.element.is_float() {
        return Err(format!("nn.resize: {} data is not supported (floats only)", in_ty.element));
    }
    let roi = constant_floats(l, "roi")?;
    let scales = constant_floats(l, "scales")?;
    let sizes = match l.op().named_operand("sizes") {
        Some(_) => Some(super::movement::constant_ints(l, "sizes")?),
        None => None,
    };
    let target = match (&scales, &sizes) {
        (Some(scales), None) => ResizeTarget::Scales(scales),
        (None, Some(sizes)) => ResizeTarget::Sizes(sizes),
        _ => return Err("nn.resize: needs exactly one of `scales` and `sizes`".into()),
    };
    let input: Vec<usize> = in_ty.shape.iter().map(|&d| d as usize).collect();
    let passes = resize_samples(&input, roi.as_deref(), target, &params).map_err(|e| e.0)?;
    let out_ty = l.result_type(0);
    let mut shape = in_ty.shape.clone();
    for (axis, samples) in &passes {
        shape[*axis] = samples.len() as u64;
    }
    if shape != out_ty.shape {
        return Err(format!("nn.resize: the resized shape {shape:?} is not the result's {:?}", out_ty.shape));
    }
    Ok((in_ty, passes))
}

fn resize(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (in_ty, passes) = samples(l)?;
    let x = l.operand(0);
    if passes.is_empty() {
        return Ok(vec![x]);
    }
    let copies: Option<Vec<(usize, Vec<i64>)>> =
        passes.iter().map(|(axis, samples)| Some((*axis, single_positions(samples)?))).collect();
    if let Some(copies) = copies {
        return nearest(l, x, &in_ty.shape, copies);
    }
    let acc = if in_ty.element == ElementType::F64 { ElementType::F64 } else { ElementType::F32 };
    let (mut current, mut current_shape) = (x, in_ty.shape);
    let last = passes.len() - 1;
    for (i, (axis, samples)) in passes.into_iter().enumerate() {
        let mut next_shape = current_shape.clone();
        next_shape[axis] = samples.len() as u64;
        let next = if i == last { l.result(0) } else { l.alloc(MemRefType::new(next_shape.clone(), acc)) };
        resample(l, current, &current_shape, axis, &samples, acc, next)?;
        (current, current_shape) = (next, next_shape);
    }
    Ok(vec![current])
}

/// Lowers an f32 `nn.resize` of the last two axes whose every output position has one or two taps on each axis
/// (nearest and linear modes, no extrapolated positions) to `kernel.resize`, a call of the runtime's resize with
/// the tap tables of [`resize_samples`]; `None` for what it does not cover (other ranks, axes, element types,
/// cubic and antialiased filters, tf_crop_and_resize's extrapolation, no change at all), which keeps the loops.
pub(super) fn lower_routine(l: &mut Lowering<'_>) -> Option<Result<Vec<Value>, String>> {
    if l.op().name() != "nn.resize" || l.result_type(0).element != ElementType::F32 {
        return None;
    }
    let (in_ty, passes) = samples(l).ok()?;
    let rank = in_ty.shape.len();
    if in_ty.element != ElementType::F32 || rank < 2 || passes.is_empty() || passes.iter().any(|(a, _)| *a + 2 < rank) {
        return None;
    }
    let axis_taps = |axis: usize| -> Option<AxisTaps> {
        let Some((_, samples)) = passes.iter().find(|(a, _)| *a == axis) else {
            return Some(AxisTaps::Nearest((0..u32::try_from(in_ty.shape[axis]).ok()?).collect()));
        };
        if let Some(positions) = single_positions(samples) {
            return Some(AxisTaps::Nearest(positions.into_iter().map(u32::try_from).collect::<Result<_, _>>().ok()?));
        }
        let (mut positions, mut weights) = ([vec![], vec![]], [vec![], vec![]]);
        for sample in samples {
            // One tap counts twice at half its weight: a zero weight would turn an infinite input into NaN.
            let taps = match sample {
                Sample::Weighted(t) if t.len() == 2 => [t[0], t[1]],
                Sample::Weighted(t) if t.len() == 1 => [(t[0].0, t[0].1 / 2.0); 2],
                _ => return None,
            };
            for (tap, (p, w)) in taps.into_iter().enumerate() {
                positions[tap].push(u32::try_from(p).ok()?);
                weights[tap].push(w as f32);
            }
        }
        Some(AxisTaps::Linear { positions, weights })
    };
    let call = ResizeCall {
        planes: in_ty.shape[..rank - 2].iter().product(),
        input: [in_ty.shape[rank - 2], in_ty.shape[rank - 1]],
        rows: axis_taps(rank - 2)?,
        columns: axis_taps(rank - 1)?,
    };
    let out = l.result(0);
    let len = |shape: &[u64]| 4 * shape.iter().product::<u64>();
    call.check(&[len(&in_ty.shape), len(&l.memref(out).shape)]).ok()?;
    let buffers = [flat(l, l.operand(0)), flat(l, out)];
    l.routine(&RESIZE, attributes_of(&call), &buffers);
    Some(Ok(vec![out]))
}

/// The input position each output position copies, when each is exactly one tap of weight 1.
fn single_positions(samples: &[Sample]) -> Option<Vec<i64>> {
    samples
        .iter()
        .map(|s| match s {
            Sample::Weighted(taps) if matches!(taps.as_slice(), [(_, w)] if *w == 1.0) => Some(taps[0].0 as i64),
            _ => None,
        })
        .collect()
}

/// Nearest resampling of all axes at once: a gather through one position table per resized axis.
fn nearest(
    l: &mut Lowering<'_>,
    x: Value,
    shape: &[u64],
    copies: Vec<(usize, Vec<i64>)>,
) -> Result<Vec<Value>, String> {
    let strides = row_major(shape);
    let mut src = Offset::from(Affine { base: 0, strides: strides.clone() });
    for (axis, positions) in copies {
        let table = index_table(l, &positions)?;
        let mut at = Affine { base: 0, strides: vec![0; shape.len()] };
        at.strides[axis] = 1;
        src.affine.strides[axis] = 0;
        src.gathered.push(Gathered { buffer: table, at, dim: shape[axis], scale: strides[axis] });
    }
    let out_shape = l.result_type(0).shape;
    Ok(vec![Movement::dense(out_shape, src).into_result(l, "resize_nearest", x, 0)])
}

/// A weight of `values` with element type `element` and `shape`.
fn table(l: &mut Lowering<'_>, shape: &[u64], element: ElementType, values: &[f64]) -> Result<Value, String> {
    let ty = TensorType::new(shape.iter().map(|&d| Dim::Static(d)).collect(), element);
    l.constant(DenseAttr::from_f64s(ty, values)?)
}

/// One pass: `x` (of `shape`) resampled along `axis` by `samples` into `out`, computing in `acc`.
/// Output position y is `bias[y] + sum_t w[y, t] * x[.., pos[y, t], ..]` over its taps, a tap of
/// weight 0 (padding to the longest sample) adding nothing even next to an infinity.
///
/// Along an inner axis the loop runs over the `inner` elements after it, the taps' tables
/// (`[count, taps]`) read outside it; along the innermost axis it runs over the output positions
/// of a row, reading tap-major tables (`[taps, count]`) at unit stride and gathering the input.
fn resample(
    l: &mut Lowering<'_>,
    x: Value,
    shape: &[u64],
    axis: usize,
    samples: &[Sample],
    acc: ElementType,
    out: Value,
) -> Result<(), String> {
    let (outer, len, inner) =
        (shape[..axis].iter().product::<u64>(), shape[axis], shape[axis + 1..].iter().product::<u64>());
    let count = samples.len() as u64;
    let taps = samples.iter().map(|s| if let Sample::Weighted(t) = s { t.len() } else { 0 }).max().unwrap_or(0);
    let innermost = inner == 1;
    // Flat position of tap k of output position y in the tables.
    let at = |y: usize, k: usize| if innermost { k * samples.len() + y } else { y * taps + k };
    let (mut positions, mut weights, mut bias) =
        (vec![0i64; samples.len() * taps], vec![0.0; samples.len() * taps], vec![]);
    for (y, sample) in samples.iter().enumerate() {
        match sample {
            Sample::Weighted(t) => {
                for (k, &(p, w)) in t.iter().enumerate() {
                    (positions[at(y, k)], weights[at(y, k)]) = (p as i64, w);
                }
                bias.push(0.0);
            }
            Sample::Constant(v) => bias.push(*v),
        }
    }
    let padded = samples.iter().any(|s| !matches!(s, Sample::Weighted(t) if t.len() == taps));
    let has_bias = bias.iter().any(|&b| b != 0.0);
    let out_element = l.memref(out).element;
    // Buffers indexed [o, position, q] (along an inner axis) or [o, position] (the innermost).
    let view_shape = |positions: u64| if innermost { vec![outer, positions] } else { vec![outer, positions, inner] };
    let x = l.view(x, MemRefType::new(view_shape(len), l.memref(x).element), 0);
    let y_view = l.view(out, MemRefType::new(view_shape(count), out_element), 0);
    let mut buffers = vec![x, y_view];
    if taps > 0 {
        let table_shape = if innermost { [taps as u64, count] } else { [count, taps as u64] };
        let positions = if innermost { narrow_index_table(l, &positions)? } else { index_table(l, &positions)? };
        let element = l.memref(positions).element;
        let positions = l.view(positions, MemRefType::new(table_shape.to_vec(), element), 0);
        let weights = table(l, &table_shape, acc, &weights)?;
        buffers.extend([positions, weights]);
    }
    if has_bias {
        buffers.push(table(l, &[count], acc, &bias)?);
    }
    let sum = TapSum { taps, padded, has_bias, acc, out: out_element };
    if innermost {
        let per = (CHUNK / (count * taps.max(1) as u64).max(1)).max(1);
        l.launch("resize", &buffers, outer.div_ceil(per), move |kb, kf| {
            let (x, y_buf) = (kf.buffers[0], kf.buffers[1]);
            for_rows(kb, kf, outer, per, |kb, o| {
                kb.for_n(count, |kb, y| {
                    let taps = sum.load_taps(kb, kf, |t| [t, y]);
                    let v = sum.sum(kb, kf, y, &taps, |kb, p| kb.load(x, &[o, p]));
                    kb.store(v, y_buf, &[o, y]);
                });
            });
        });
        return Ok(());
    }
    let rows = outer * count;
    let per = (CHUNK / (inner * taps.max(1) as u64).max(1)).max(1);
    l.launch("resize", &buffers, rows.div_ceil(per), move |kb, kf| {
        let (x, y_buf) = (kf.buffers[0], kf.buffers[1]);
        for_rows(kb, kf, rows, per, |kb, row| {
            let ivs = kb.delinearize(row, &[outer, count]);
            let (o, y) = (ivs[0], ivs[1]);
            let taps = sum.load_taps(kb, kf, |t| [y, t]);
            kb.for_n(inner, |kb, q| {
                let v = sum.sum(kb, kf, y, &taps, |kb, p| kb.load(x, &[o, p, q]));
                kb.store(v, y_buf, &[o, y, q]);
            });
        });
    });
    Ok(())
}

/// The weighted sum of a [`resample`] kernel, whose buffers are the input, the output, the
/// position and weight tables (when there are taps), then the bias table (when any is nonzero).
#[derive(Clone, Copy)]
struct TapSum {
    taps: usize,
    padded: bool,
    has_bias: bool,
    acc: ElementType,
    out: ElementType,
}

impl TapSum {
    /// The position (as an index) and weight of every tap, tap t at table index `index(t)`.
    fn load_taps(
        &self,
        kb: &mut KernelBuilder<'_>,
        kf: &KernelFunc,
        index: impl Fn(Value) -> [Value; 2],
    ) -> Vec<(Value, Value)> {
        (0..self.taps)
            .map(|t| {
                let at = index(kb.index(t as i64));
                let p = kb.load(kf.buffers[2], &at);
                (kb.to_index(p), kb.load(kf.buffers[3], &at))
            })
            .collect()
    }

    /// `bias[y] + sum of w * load(p)` over `taps`, in the output type.
    fn sum(
        &self,
        kb: &mut KernelBuilder<'_>,
        kf: &KernelFunc,
        y: Value,
        taps: &[(Value, Value)],
        load: impl Fn(&mut KernelBuilder<'_>, Value) -> Value,
    ) -> Value {
        let mut sum = self.has_bias.then(|| kb.load(kf.buffers[kf.buffers.len() - 1], &[y]));
        for &(p, w) in taps {
            let v = load(kb, p);
            let v = kb.cast(v, self.acc);
            let mut term = kb.mul(w, v);
            if self.padded {
                let zero = kb.constant(0.0, self.acc);
                let nonzero = kb.cmp(Cmp::Ne, w, zero);
                term = kb.select(nonzero, term, zero);
            }
            sum = Some(match sum {
                Some(s) => kb.add(s, term),
                None => term,
            });
        }
        let sum = sum.unwrap_or_else(|| kb.constant(0.0, self.acc));
        kb.cast(sum, self.out)
    }
}
