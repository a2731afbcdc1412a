//! Lowerings of the fused `nn` ops (`nn.fused_conv`, `nn.fused_conv_transpose`, `nn.fused_matmul`,
//! `nn.fused_elementwise`, `nn.rms_norm`, `nn.attention`) to kernels, and [`apply_steps`], the one lowering of an epilogue
//! step list, which every fused kernel runs right after computing each output element.
//!
//! These are plain direct loops (a faster engine will replace the hot paths): fused_conv_transpose is
//! conv_transpose's loops, then the epilogue in place; fused_conv computes
//! each output element of its stored layout (NCHW, NHWC or NCHW<k>c) as a sum over its group's
//! input channels and kernel taps, addressing the input in its own stored layout (no transposes);
//! fused_matmul computes each output element as one dot product, transposes being strides. Sums
//! accumulate in f32 for f32, f16 and bf16 and in f64 for f64, where the reference accumulates in
//! f64; a few f32 ulps per term apart.

use super::conv::Window;
use super::elementwise::{activation, broadcast_map, load_widened, pow};
use super::reduce::{Rows, acc_type, broadcast_strides, flat, for_span, offset, row_major};
use super::{LowerFn, Lowering, chunk_tiles, for_chunks};
use msc_ir::{ElementType, MemRefType, Value};
use msc_kernel::{BinOp, Cmp, KernelBuilder, math};
use msc_nn::ops::fused::{attention_scale, read_steps};
use msc_nn::shape::normalize_axis;
use msc_nn_kernels::epilogue::{Binary, Step};
use msc_nn_kernels::fused::ConvLayout;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.fused_conv", fused_conv),
    ("nn.fused_conv_transpose", |l| conv_then_epilogue(l, true)),
    ("nn.fused_matmul", fused_matmul),
    ("nn.fused_elementwise", fused_elementwise),
    ("nn.rms_norm", rms_norm),
    ("nn.attention", attention),
];

/// Applies `steps` to the scalar `acc` (f32 for f16/bf16 results); `load(kb, k)` gives operand
/// `k`'s (widened) value at the element being computed.
pub(super) fn apply_steps(
    kb: &mut KernelBuilder<'_>,
    steps: &[Step],
    acc: Value,
    load: &mut dyn FnMut(&mut KernelBuilder<'_>, usize) -> Value,
) -> Value {
    let mut acc = acc;
    for step in steps {
        acc = match *step {
            Step::Unary(a) => activation(kb, a, acc),
            Step::Binary { op, operand, swap } => {
                let v = load(kb, operand);
                let (lhs, rhs) = if swap { (v, acc) } else { (acc, v) };
                match op {
                    Binary::Add => kb.add(lhs, rhs),
                    Binary::Sub => kb.sub(lhs, rhs),
                    Binary::Mul => kb.mul(lhs, rhs),
                    Binary::Div => kb.div(lhs, rhs),
                    Binary::Max => kb.max(lhs, rhs),
                    Binary::Min => kb.min(lhs, rhs),
                    Binary::Pow => pow(kb, lhs, rhs),
                }
            }
        };
    }
    acc
}

/// An epilogue attribute ready for a kernel that computes its output element by element: the
/// steps and, for every operand they read, its buffer and strides against the output shape.
pub(super) struct Epilogue {
    steps: Vec<Step>,
    out_shape: Vec<u64>,
    /// (operand index, flat buffer, element strides against `out_shape`).
    operands: Vec<(usize, Value, Vec<i64>)>,
}

impl Epilogue {
    pub(super) fn read(l: &mut Lowering<'_>, out_shape: &[u64]) -> Result<Epilogue, String> {
        let steps = read_steps(&l.op(), "epilogue")?;
        let mut operands: Vec<(usize, Value, Vec<i64>)> = Vec::new();
        for k in steps.iter().filter_map(Step::operand) {
            if operands.iter().all(|o| o.0 != k) {
                let buf = l.operand(k);
                let strides = broadcast_strides(&l.memref(buf).shape, out_shape);
                operands.push((k, flat(l, buf), strides));
            }
        }
        Ok(Epilogue { steps, out_shape: out_shape.to_vec(), operands })
    }

    /// The buffers the kernel must take (after its own) for the epilogue.
    pub(super) fn buffers(&self) -> Vec<Value> {
        self.operands.iter().map(|o| o.1).collect()
    }

    /// Applies the steps to `acc`, the output element at flat index `r`; the epilogue's buffers
    /// are the kernel's buffers from `first`.
    fn apply(&self, kb: &mut KernelBuilder<'_>, buffers: &[Value], first: usize, r: Value, acc: Value) -> Value {
        if self.operands.is_empty() {
            return apply_steps(kb, &self.steps, acc, &mut |_, _| unreachable!("no step reads an operand"));
        }
        let idx = kb.delinearize(r, &self.out_shape);
        self.apply_at(kb, buffers, first, &idx, acc)
    }

    /// Applies the steps to `acc`, the output element at indices `idx`; the epilogue's buffers are the
    /// kernel's buffers from `first`.
    pub(super) fn apply_at(
        &self,
        kb: &mut KernelBuilder<'_>,
        buffers: &[Value],
        first: usize,
        idx: &[Value],
        acc: Value,
    ) -> Value {
        apply_steps(kb, &self.steps, acc, &mut |kb, k| {
            let p = self.operands.iter().position(|o| o.0 == k).expect("every read operand is listed");
            let at = kb.linearize(idx, &self.operands[p].2);
            load_widened(kb, buffers[first + p], &[at])
        })
    }
}

/// Loads `buf[i]` as the accumulator type `acc`.
fn load_acc(kb: &mut KernelBuilder<'_>, buf: Value, i: Value, acc: ElementType) -> Value {
    let v = kb.load(buf, &[i]);
    kb.cast(v, acc)
}

/// A loop `lo..hi` carrying one value.
fn sum_over(
    kb: &mut KernelBuilder<'_>,
    (lo, hi): (i64, i64),
    init: Value,
    body: impl FnOnce(&mut KernelBuilder<'_>, Value, Value) -> Value,
) -> Value {
    let (lo, hi) = (kb.index(lo), kb.index(hi));
    kb.for_carry(lo, hi, &[init], |kb, i, c| vec![body(kb, i, c[0])])[0]
}

// ----- fused_conv -----

/// A stored conv tensor's shape as N x C x spatial... in `layout`.
fn logical(layout: ConvLayout, s: &[u64]) -> Vec<u64> {
    match layout {
        ConvLayout::Nchw => s.to_vec(),
        ConvLayout::Nhwc => vec![s[0], s[3], s[1], s[2]],
        ConvLayout::Blocked(k) => vec![s[0], s[1] * k as u64, s[2], s[3]],
    }
}

/// The flat offset in a buffer of stored shape `shape` of logical element (n, c, spatial...).
fn stored_offset(
    kb: &mut KernelBuilder<'_>,
    layout: ConvLayout,
    shape: &[u64],
    n: Value,
    c: Value,
    spatial: &[Value],
) -> Value {
    let strides = row_major(shape);
    let mut idx = vec![n];
    match layout {
        ConvLayout::Nchw => {
            idx.push(c);
            idx.extend(spatial);
        }
        ConvLayout::Nhwc => {
            idx.extend(spatial);
            idx.push(c);
        }
        ConvLayout::Blocked(k) => {
            let kv = kb.index(k as i64);
            let (outer, inner) = (kb.div(c, kv), kb.binary(BinOp::Rem, c, kv));
            idx.push(outer);
            idx.extend(spatial);
            idx.push(inner);
        }
    }
    kb.linearize(&idx, &strides)
}

/// The logical (n, c, spatial...) coordinates of the stored output element with indices `idx`.
fn logical_coords(kb: &mut KernelBuilder<'_>, layout: ConvLayout, idx: &[Value]) -> (Value, Value, Vec<Value>) {
    match layout {
        ConvLayout::Nchw => (idx[0], idx[1], idx[2..].to_vec()),
        ConvLayout::Nhwc => (idx[0], idx[3], idx[1..3].to_vec()),
        ConvLayout::Blocked(k) => {
            let outer = kb.mul_const(idx[1], k as i64);
            (idx[0], kb.add_index(outer, idx[4]), idx[2..4].to_vec())
        }
    }
}

/// What one kernel tap of a fused conv reads: the input's layout, stored shape and batch/channel.
struct ConvInput<'s> {
    layout: ConvLayout,
    shape: &'s [u64],
    n: Value,
    channel: Value,
}

/// `acc + sum over the kernel taps of axes `axis..` of x[tap] * w[tap]` for output cell `out`;
/// taps outside the input read (a clamped cell, then) zero.
#[allow(clippy::too_many_arguments)]
fn taps(
    kb: &mut KernelBuilder<'_>,
    window: &Window,
    (x, wb): (Value, Value),
    input: &ConvInput<'_>,
    out: &[Value],
    (cells, valid, tap): (&mut Vec<Value>, Value, Value),
    acc: Value,
) -> Value {
    let axis = cells.len();
    if axis == window.input.len() {
        let xi = stored_offset(kb, input.layout, input.shape, input.n, input.channel, cells);
        let et = kb.element(acc).expect("a float accumulator");
        let xv = load_acc(kb, x, xi, et);
        let wv = load_acc(kb, wb, tap, et);
        let p = kb.mul(xv, wv);
        let zero = kb.constant(0.0, et);
        let p = kb.select(valid, p, zero);
        return kb.add(acc, p);
    }
    let (s, d, pad, len) = (window.strides[axis], window.dilations[axis], window.pads[axis], window.input[axis] as i64);
    sum_over(kb, (0, window.kernel[axis] as i64), acc, |kb, k, acc| {
        let t = kb.mul_const(out[axis], s);
        let kd = kb.mul_const(k, d);
        let t = kb.add_index(t, kd);
        let cell = kb.add_const(t, -pad);
        let (zero, limit) = (kb.index(0), kb.index(len));
        let nonneg = kb.cmp(Cmp::Ge, cell, zero);
        let below = kb.cmp(Cmp::Lt, cell, limit);
        let inside = kb.binary(BinOp::And, nonneg, below);
        let valid = kb.binary(BinOp::And, valid, inside);
        let clamped = kb.select(inside, cell, zero);
        let tap = kb.mul_const(tap, window.kernel[axis] as i64);
        let tap = kb.add_index(tap, k);
        cells.push(clamped);
        let acc = taps(kb, window, (x, wb), input, out, (cells, valid, tap), acc);
        cells.pop();
        acc
    })
}

/// An NCHW `nn.fused_conv` (or `nn.fused_conv_transpose` if `transposed`): `nn.conv`'s (`nn.conv_transpose`'s)
/// lowering (output rows as vector loops) and then the epilogue in place.
fn conv_then_epilogue(l: &mut Lowering<'_>, transposed: bool) -> Result<Vec<Value>, String> {
    let out = super::conv::conv(l, transposed)?;
    let ys = l.memref(out[0]).shape;
    let epilogue = Epilogue::read(l, &ys)?;
    let total: u64 = ys.iter().product();
    if !epilogue.steps.is_empty() && total > 0 {
        let e = l.memref(out[0]).element;
        let mut buffers = vec![flat(l, out[0])];
        buffers.extend(epilogue.buffers());
        l.launch("fused_conv_epilogue", &buffers, chunk_tiles(total), |kb, kf| {
            let y = kf.buffers[0];
            for_chunks(kb, kf, total, |kb, i| {
                let v = load_acc(kb, y, i, acc_type(e));
                let v = epilogue.apply(kb, &kf.buffers, 1, i, v);
                let v = kb.cast(v, e);
                kb.store(v, y, &[i]);
            });
        });
    }
    Ok(out)
}

/// `nn.fused_conv`: in NCHW, [`conv_then_epilogue`]; in the other layouts, one tile computes a run of output
/// elements in stored order.
fn fused_conv(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let layout = ConvLayout::parse(&l.op().string("layout")?).map_err(|e| e.0)?;
    if layout == ConvLayout::Nchw {
        return conv_then_epilogue(l, false);
    }
    let (x, w, b) = (l.operand(0), l.operand(1), l.named("b"));
    let (xs, ws) = (l.memref(x).shape, l.memref(w).shape);
    let out = l.result(0);
    let (ys, e) = (l.memref(out).shape, l.memref(out).element);
    let group = u64::try_from(l.op().int("group")?).map_err(|_| "attribute `group` must be positive")?;
    let (xl, yl) = (logical(layout, &xs), logical(layout, &ys));
    let window = Window::read(l, &xl[2..], &ws[2..], &yl[2..])?;
    let (cg, mg) = (ws[1], yl[1] / group.max(1));
    let ksize = window.kernel_size();
    let total: u64 = ys.iter().product();
    let epilogue = Epilogue::read(l, &ys)?;
    if total == 0 {
        return Ok(vec![out]);
    }
    let acc = acc_type(e);
    let mut buffers = vec![flat(l, x), flat(l, w), flat(l, out)];
    let bias_at = b.map(|b| {
        buffers.push(b);
        buffers.len() - 1
    });
    let first_extra = buffers.len();
    buffers.extend(epilogue.buffers());
    let rows = Rows::new(total, cg * ksize);
    l.launch("fused_conv", &buffers, rows.tiles(), |kb, kf| {
        let (xb, wb, yb) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        rows.for_each(kb, kf, |kb, r| {
            let idx = kb.delinearize(r, &ys);
            let (n, oc, out_cells) = logical_coords(kb, layout, &idx);
            let init = match bias_at {
                Some(p) => load_acc(kb, kf.buffers[p], oc, acc),
                None => kb.constant(0.0, acc),
            };
            let mgv = kb.index(mg as i64);
            let grp = kb.div(oc, mgv);
            let first = kb.mul_const(grp, cg as i64);
            let filter = kb.mul_const(oc, cg as i64);
            let sum = sum_over(kb, (0, cg as i64), init, |kb, ic, acc| {
                let channel = kb.add_index(first, ic);
                let input = ConvInput { layout, shape: &xs, n, channel };
                let tap = kb.add_index(filter, ic);
                let valid = kb.constant(1.0, ElementType::Bool);
                taps(kb, &window, (xb, wb), &input, &out_cells, (&mut Vec::new(), valid, tap), acc)
            });
            let y = epilogue.apply(kb, &kf.buffers, first_extra, r, sum);
            let y = kb.cast(y, e);
            kb.store(y, yb, &[r]);
        });
    });
    Ok(vec![out])
}

// ----- fused_matmul -----

/// `nn.fused_matmul`: each output element is one dot product over K, the transposes and batch
/// broadcasting being strides.
fn fused_matmul(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (trans_a, trans_b) = (l.op().bool("trans_a")?, l.op().bool("trans_b")?);
    let (a, b) = (l.operand(0), l.operand(1));
    let (a_shape, b_shape) = (l.memref(a).shape, l.memref(b).shape);
    let out = l.result(0);
    let (ys, e) = (l.memref(out).shape, l.memref(out).element);
    // Each operand's matrix part as (rows, cols) of a' / b', with element strides along them.
    let matrix = |s: &[u64], trans: bool, vector_is_row: bool| -> ((u64, u64), (i64, i64), Vec<u64>) {
        if s.len() == 1 {
            let n = s[0];
            return if vector_is_row { ((1, n), (0, 1), vec![]) } else { ((n, 1), (1, 0), vec![]) };
        }
        let (r, c) = (s[s.len() - 2], s[s.len() - 1]);
        let batch = s[..s.len() - 2].to_vec();
        if trans { ((c, r), (1, c as i64), batch) } else { ((r, c), (c as i64, 1), batch) }
    };
    let ((m, k), (a_i, a_k), a_batch) = matrix(&a_shape, trans_a, true);
    let ((_, n), (b_k, b_j), b_batch) = matrix(&b_shape, trans_b, false);
    let rank = a_batch.len().max(b_batch.len());
    let pad = |s: &[u64]| [vec![1; rank - s.len()], s.to_vec()].concat();
    let batch: Vec<u64> = pad(&a_batch).iter().zip(pad(&b_batch)).map(|(&x, y)| if x == 1 { y } else { x }).collect();
    let scaled = |s: Vec<i64>, size: u64| s.into_iter().map(|v| v * size as i64).collect::<Vec<i64>>();
    let a_strides = scaled(broadcast_strides(&a_batch, &batch), m * k);
    let b_strides = scaled(broadcast_strides(&b_batch, &batch), k * n);
    let mut full = batch.clone();
    full.extend([m, n]);
    let total: u64 = full.iter().product();
    let epilogue = Epilogue::read(l, &ys)?;
    if total == 0 {
        return Ok(vec![out]);
    }
    let acc = acc_type(e);
    let mut buffers = vec![flat(l, a), flat(l, b), flat(l, out)];
    buffers.extend(epilogue.buffers());
    let rows = Rows::new(total, k);
    l.launch("fused_matmul", &buffers, rows.tiles(), |kb, kf| {
        let (ab, bb, yb) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        rows.for_each(kb, kf, |kb, r| {
            let idx = kb.delinearize(r, &full);
            let (bi, ij) = idx.split_at(rank);
            let a_base = kb.linearize(bi, &a_strides);
            let a_base = offset(kb, a_base, ij[0], a_i);
            let b_base = kb.linearize(bi, &b_strides);
            let b_base = offset(kb, b_base, ij[1], b_j);
            let zero = kb.constant(0.0, acc);
            let dot = sum_over(kb, (0, k as i64), zero, |kb, kk, s| {
                let ai = offset(kb, a_base, kk, a_k);
                let bj = offset(kb, b_base, kk, b_k);
                let av = load_acc(kb, ab, ai, acc);
                let bv = load_acc(kb, bb, bj, acc);
                let p = kb.mul(av, bv);
                kb.add(s, p)
            });
            let y = epilogue.apply(kb, &kf.buffers, 3, r, dot);
            let y = kb.cast(y, e);
            kb.store(y, yb, &[r]);
        });
    });
    Ok(vec![out])
}

// ----- fused_elementwise -----

/// `nn.fused_elementwise`: the broadcasting elementwise kernel with the steps as its body.
fn fused_elementwise(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let steps = read_steps(&l.op(), "steps")?;
    let inputs: Vec<Value> = (0..l.op().operands().len()).map(|i| l.operand(i)).collect();
    let out = l.result(0);
    broadcast_map(l, "fused_elementwise", &inputs, out, |kb, v| apply_steps(kb, &steps, v[0], &mut |_, k| v[k]));
    Ok(vec![out])
}

// ----- rms_norm -----

/// `nn.rms_norm`: one row per group of normalized elements: the mean square in a loop, then
/// `x / sqrt(mean + epsilon) * scale` along the row.
fn rms_norm(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (x, scale) = (l.operand(0), l.operand(1));
    let (shape, e) = (l.memref(x).shape, l.memref(x).element);
    let axis = normalize_axis(l.op().int("axis")?, shape.len())?;
    let epsilon = l.op().float("epsilon")?;
    let inner = &shape[axis..];
    let len: u64 = inner.iter().product();
    let groups: u64 = shape[..axis].iter().product();
    let scale_strides = broadcast_strides(&l.memref(scale).shape, inner);
    let out = l.result(0);
    if len == 0 || groups == 0 {
        return Ok(vec![out]);
    }
    let acc = acc_type(e);
    let buffers = [flat(l, x), flat(l, scale), flat(l, out)];
    let rows = Rows::new(groups, 2 * len);
    let inner = inner.to_vec();
    l.launch("rms_norm", &buffers, rows.tiles(), |kb, kf| {
        let (xb, sb, yb) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        rows.for_each(kb, kf, |kb, g| {
            let base = kb.mul_const(g, len as i64);
            let zero = kb.constant(0.0, acc);
            let sum = sum_over(kb, (0, len as i64), zero, |kb, j, s| {
                let i = kb.add_index(base, j);
                let v = load_acc(kb, xb, i, acc);
                let sq = kb.mul(v, v);
                kb.add(s, sq)
            });
            let count = kb.constant(len as f64, acc);
            let mean = kb.div(sum, count);
            let eps = kb.constant(epsilon, acc);
            let shifted = kb.add(mean, eps);
            let root = kb.unary(&math::SQRT, shifted);
            for_span(kb, 0, len as i64, |kb, j| {
                let i = kb.add_index(base, j);
                let v = load_acc(kb, xb, i, acc);
                let at = kb.delinearize(j, &inner);
                let si = kb.linearize(&at, &scale_strides);
                let s = load_acc(kb, sb, si, acc);
                let y = kb.div(v, root);
                let y = kb.mul(y, s);
                let y = kb.cast(y, e);
                kb.store(y, yb, &[i]);
            });
        });
    });
    Ok(vec![out])
}

// ----- attention -----

/// Element strides of the batch axes of a [..., rows, cols] operand broadcast to `batch`.
fn batch_strides(shape: &[u64], batch: &[u64]) -> Vec<i64> {
    let r = shape.len();
    let matrix = (shape[r - 2] * shape[r - 1]) as i64;
    broadcast_strides(&shape[..r - 2], batch).into_iter().map(|s| s * matrix).collect()
}

/// `nn.attention`: one row per (batch..., query): the scaled, masked scores and their maximum into
/// a scratch row, their exponentials and sum, then each output column as the weighted sum of v's
/// column divided by the sum.
fn attention(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (q, k, v, mask) = (l.operand(0), l.operand(1), l.operand(2), l.named("mask"));
    let [qs, ks, vs] = [q, k, v].map(|b| l.memref(b).shape);
    let out = l.result(0);
    let (ys, e) = (l.memref(out).shape, l.memref(out).element);
    let batch = ys[..ys.len() - 2].to_vec();
    let (sq, d) = (qs[qs.len() - 2], qs[qs.len() - 1]);
    let (sk, dv) = (ks[ks.len() - 2], vs[vs.len() - 1]);
    let scale = attention_scale(&l.op())?.unwrap_or(1.0 / (d as f64).sqrt());
    let [q_strides, k_strides, v_strides] = [&qs, &ks, &vs].map(|s| batch_strides(s, &batch));
    let mut row_shape = batch.clone();
    row_shape.push(sq);
    let mut score_shape = row_shape.clone();
    score_shape.push(sk);
    let mask_strides = mask.map(|m| broadcast_strides(&l.memref(m).shape, &score_shape));
    let rows_count: u64 = row_shape.iter().product();
    if rows_count == 0 || dv == 0 {
        return Ok(vec![out]);
    }
    let acc = acc_type(e);
    let scratch = l.alloc(MemRefType::new(vec![rows_count * sk], acc));
    let mut buffers = vec![flat(l, q), flat(l, k), flat(l, v), flat(l, out), scratch];
    buffers.extend(mask.map(|m| flat(l, m)));
    let rows = Rows::new(rows_count, sk * (d + dv));
    l.launch("attention", &buffers, rows.tiles(), |kb, kf| {
        let [qb, kb_, vb, yb, sb] = [0, 1, 2, 3, 4].map(|i| kf.buffers[i]);
        rows.for_each(kb, kf, |kb, r| {
            let idx = kb.delinearize(r, &row_shape);
            let (bi, i) = (&idx[..batch.len()], idx[batch.len()]);
            let q_base = kb.linearize(bi, &q_strides);
            let q_base = offset(kb, q_base, i, d as i64);
            let k_base = kb.linearize(bi, &k_strides);
            let v_base = kb.linearize(bi, &v_strides);
            let s_base = kb.mul_const(r, sk as i64);
            let minus_inf = kb.constant(f64::NEG_INFINITY, acc);
            let max = sum_over(kb, (0, sk as i64), minus_inf, |kb, j, m| {
                let zero = kb.constant(0.0, acc);
                let k_row = offset(kb, k_base, j, d as i64);
                let dot = sum_over(kb, (0, d as i64), zero, |kb, t, s| {
                    let qi = kb.add_index(q_base, t);
                    let ki = kb.add_index(k_row, t);
                    let qv = load_acc(kb, qb, qi, acc);
                    let kv = load_acc(kb, kb_, ki, acc);
                    let p = kb.mul(qv, kv);
                    kb.add(s, p)
                });
                let sc = kb.constant(scale, acc);
                let mut score = kb.mul(dot, sc);
                if let Some(strides) = &mask_strides {
                    let mut at = idx.clone();
                    at.push(j);
                    let mi = kb.linearize(&at, strides);
                    let mv = load_acc(kb, kf.buffers[5], mi, acc);
                    score = kb.add(score, mv);
                }
                let si = kb.add_index(s_base, j);
                kb.store(score, sb, &[si]);
                kb.max(m, score)
            });
            let zero = kb.constant(0.0, acc);
            let total = sum_over(kb, (0, sk as i64), zero, |kb, j, s| {
                let si = kb.add_index(s_base, j);
                let score = kb.load(sb, &[si]);
                let shifted = kb.sub(score, max);
                let p = kb.unary(&math::EXP, shifted);
                kb.store(p, sb, &[si]);
                kb.add(s, p)
            });
            let y_base = kb.mul_const(r, dv as i64);
            for_span(kb, 0, dv as i64, |kb, c| {
                let zero = kb.constant(0.0, acc);
                let weighted = sum_over(kb, (0, sk as i64), zero, |kb, j, s| {
                    let si = kb.add_index(s_base, j);
                    let p = kb.load(sb, &[si]);
                    let vi = offset(kb, v_base, j, dv as i64);
                    let vi = kb.add_index(vi, c);
                    let vv = load_acc(kb, vb, vi, acc);
                    let t = kb.mul(p, vv);
                    kb.add(s, t)
                });
                let y = kb.div(weighted, total);
                let y = kb.cast(y, e);
                let yi = kb.add_index(y_base, c);
                kb.store(y, yb, &[yi]);
            });
        });
    });
    Ok(vec![out])
}
