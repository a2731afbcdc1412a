//! Lowerings of the `nn` reductions (`reduce_*`, `arg_max`/`arg_min`, `cumsum`) to kernels, and the
//! loop helpers that linalg, conv, pooling and the normalizations share: [`Rows`] (tiles of rows),
//! [`Nest`] (a loop nest addressing several buffers through their own strides, broadcasting by
//! stride 0), [`reduce`] (reduce a set of axes with an init value, a combine op and a finalize
//! step) and [`arg_extreme`] (the position of the extreme value along an axis).
//!
//! Float reductions accumulate in the element type (f32 for f32; f16 and bf16 in f32), where the
//! reference interpreter accumulates in f64: sums of n f32 terms differ from it by about
//! `n * 6e-8` relative to the sum of magnitudes, far inside the conformance rtol of 1e-3.

use super::{CHUNK, LowerFn, Lowering};
use msc_ir::{ElementType, MemRefType, Value};
use msc_kernel::{BinOp, Cmp, KernelBuilder, KernelFunc, arith, math};

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.reduce_sum", |l| reduce_op(l, Kind::Sum)),
    ("nn.reduce_mean", |l| reduce_op(l, Kind::Mean)),
    ("nn.reduce_max", |l| reduce_op(l, Kind::Max)),
    ("nn.reduce_min", |l| reduce_op(l, Kind::Min)),
    ("nn.reduce_prod", |l| reduce_op(l, Kind::Prod)),
    ("nn.reduce_l1", |l| reduce_op(l, Kind::L1)),
    ("nn.reduce_l2", |l| reduce_op(l, Kind::L2)),
    ("nn.reduce_log_sum", |l| reduce_op(l, Kind::LogSum)),
    ("nn.reduce_log_sum_exp", |l| reduce_op(l, Kind::LogSumExp)),
    ("nn.reduce_sum_square", |l| reduce_op(l, Kind::SumSquare)),
    ("nn.arg_max", |l| arg_op(l, true)),
    ("nn.arg_min", |l| arg_op(l, false)),
    ("nn.cumsum", cumsum),
];

// ----- shared helpers -----

/// Buffer `buf` seen as a 1-D memref of all its elements.
pub(super) fn flat(l: &mut Lowering<'_>, buf: Value) -> Value {
    let ty = l.memref(buf);
    if ty.shape.len() == 1 {
        return buf;
    }
    let n = ty.num_elements().unwrap_or(0);
    l.view(buf, MemRefType::new(vec![n], ty.element), 0)
}

/// The element count and flat view of operand `i`.
pub(super) fn flat_operand(l: &mut Lowering<'_>, i: usize) -> (Vec<u64>, Value) {
    let buf = l.operand(i);
    (l.memref(buf).shape, flat(l, buf))
}

/// Row-major element strides of `shape`.
pub(super) fn row_major(shape: &[u64]) -> Vec<i64> {
    let mut strides = vec![1i64; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * shape[d + 1] as i64;
    }
    strides
}

/// The strides that read a row-major operand of shape `shape` broadcast (numpy-style, aligned at
/// the right) to `out`: 0 on the axes it lacks or has with size 1.
pub(super) fn broadcast_strides(shape: &[u64], out: &[u64]) -> Vec<i64> {
    let own = row_major(shape);
    let lead = out.len() - shape.len();
    (0..out.len()).map(|d| if d < lead || shape[d - lead] == 1 { 0 } else { own[d - lead] }).collect()
}

/// The accumulator type of float sums over element type `e`: f16 and bf16 accumulate in f32.
pub(super) fn acc_type(e: ElementType) -> ElementType {
    if matches!(e, ElementType::F16 | ElementType::BF16) { ElementType::F32 } else { e }
}

/// `rows` rows split into tiles of `per` rows.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rows {
    pub rows: u64,
    per: u64,
}

impl Rows {
    /// `rows` rows of about `work` element operations each, in tiles of about [`CHUNK`] operations.
    pub(super) fn new(rows: u64, work: u64) -> Rows {
        Rows { rows, per: (CHUNK / work.max(1)).max(1) }
    }

    pub(super) fn tiles(&self) -> u64 {
        self.rows.div_ceil(self.per)
    }

    /// Runs `body(row)` for the rows of the kernel's tiles `[begin, end)`.
    pub(super) fn for_each(
        &self,
        kb: &mut KernelBuilder<'_>,
        kf: &KernelFunc,
        body: impl FnOnce(&mut KernelBuilder<'_>, Value),
    ) {
        let per = kb.index(self.per as i64);
        let lo = kb.mul(kf.begin, per);
        let hi = kb.mul(kf.end, per);
        let rows = kb.index(self.rows as i64);
        let hi = kb.min(hi, rows);
        kb.for_range(lo, hi, |kb, r| body(kb, r));
    }
}

/// `for j in lo..hi { body(j) }` with constant bounds.
pub(super) fn for_span(kb: &mut KernelBuilder<'_>, lo: i64, hi: i64, body: impl FnOnce(&mut KernelBuilder<'_>, Value)) {
    let (lo, hi) = (kb.index(lo), kb.index(hi));
    kb.for_range(lo, hi, |kb, j| body(kb, j));
}

/// Stores `v` into `buf[base .. base + len]`.
pub(super) fn fill(kb: &mut KernelBuilder<'_>, buf: Value, base: Value, len: u64, v: Value) {
    for_span(kb, 0, len as i64, |kb, j| {
        let i = kb.add_index(base, j);
        kb.store(v, buf, &[i]);
    });
}

/// `base + j * stride` on `index`.
pub(super) fn offset(kb: &mut KernelBuilder<'_>, base: Value, j: Value, stride: i64) -> Value {
    let t = kb.mul_const(j, stride);
    kb.add_index(base, t)
}

/// A loop nest over `shape` addressing several buffers, each through its own element strides (0 on
/// broadcast axes). Size-1 axes are dropped and axes that are contiguous in every buffer merged, so
/// the innermost loop is as long as it can be.
#[derive(Clone, Debug)]
pub(super) struct Nest {
    shape: Vec<u64>,
    strides: Vec<Vec<i64>>,
}

impl Nest {
    pub(super) fn new(shape: &[u64], strides: Vec<Vec<i64>>) -> Nest {
        let mut nest = Nest { shape: vec![], strides: vec![vec![]; strides.len()] };
        for (d, &n) in shape.iter().enumerate() {
            if n == 1 {
                continue;
            }
            let contiguous = !nest.shape.is_empty()
                && strides.iter().zip(&nest.strides).all(|(s, merged)| merged.last() == Some(&(s[d] * n as i64)));
            if contiguous {
                *nest.shape.last_mut().expect("not empty") *= n;
                for (merged, s) in nest.strides.iter_mut().zip(&strides) {
                    *merged.last_mut().expect("not empty") = s[d];
                }
            } else {
                nest.shape.push(n);
                for (merged, s) in nest.strides.iter_mut().zip(&strides) {
                    merged.push(s[d]);
                }
            }
        }
        if nest.shape.is_empty() {
            nest.shape.push(1);
            nest.strides.iter_mut().for_each(|s| s.push(0));
        }
        nest
    }

    fn rows(&self) -> Rows {
        let last = *self.shape.last().expect("a nest has an axis");
        Rows::new(self.shape[..self.shape.len() - 1].iter().product(), last)
    }

    pub(super) fn tiles(&self) -> u64 {
        if self.shape.contains(&0) { 0 } else { self.rows().tiles() }
    }

    /// Runs `body(indices)` for every element of the kernel's tiles, `indices[b]` being the element
    /// index in buffer `b`; the innermost loop runs along the last axis.
    pub(super) fn for_each(
        &self,
        kb: &mut KernelBuilder<'_>,
        kf: &KernelFunc,
        body: impl FnOnce(&mut KernelBuilder<'_>, &[Value]),
    ) {
        let outer = &self.shape[..self.shape.len() - 1];
        let last = self.shape.len() - 1;
        self.rows().for_each(kb, kf, |kb, r| {
            let idx = kb.delinearize(r, outer);
            let bases: Vec<Value> = self.strides.iter().map(|s| kb.linearize(&idx, &s[..last])).collect();
            for_span(kb, 0, self.shape[last] as i64, |kb, j| {
                let indices: Vec<Value> =
                    bases.iter().zip(&self.strides).map(|(&b, s)| offset(kb, b, j, s[last])).collect();
                body(kb, &indices);
            });
        });
    }
}

/// Launches `body` over every element of `nest` (see [`Nest::for_each`]); the kernel's buffers are
/// `buffers` in order.
pub(super) fn launch_nest(
    l: &mut Lowering<'_>,
    hint: &str,
    nest: &Nest,
    buffers: &[Value],
    body: impl FnOnce(&mut KernelBuilder<'_>, &[Value], &[Value]),
) {
    let tiles = nest.tiles();
    if tiles == 0 {
        return;
    }
    l.launch(hint, buffers, tiles, |kb, kf| nest.for_each(kb, kf, |kb, idx| body(kb, &kf.buffers, idx)));
}

/// The strides of the result of reducing the `reduced` axes of `shape` (row-major over the kept
/// axes, 0 on the reduced ones): where each element's group result is.
pub(super) fn kept_strides(shape: &[u64], reduced: &[bool]) -> Vec<i64> {
    let mut strides = vec![0i64; shape.len()];
    let mut count = 1i64;
    for d in (0..shape.len()).rev() {
        if !reduced[d] {
            strides[d] = count;
            count *= shape[d] as i64;
        }
    }
    strides
}

/// What the closures of a [`Reduction`] see: the kernel's extra buffers and the flat index of the
/// output element being computed.
pub(super) struct Env<'e> {
    pub extra: &'e [Value],
    pub out: Value,
}

/// `out[g] = finalize(fold(combine, init, map(x[i]) for i in group g))`.
pub(super) struct Reduction<'a> {
    /// The accumulator's element type; elements are cast to it before `map`.
    pub acc: ElementType,
    pub init: &'a dyn Fn(&mut KernelBuilder<'_>) -> Value,
    pub map: &'a dyn Fn(&mut KernelBuilder<'_>, &Env<'_>, Value) -> Value,
    pub combine: BinOp,
    /// Turns the accumulator into a value of the output's element type.
    pub finalize: &'a dyn Fn(&mut KernelBuilder<'_>, &Env<'_>, Value) -> Value,
}

/// Reduces the axes of `shape` flagged in `reduced` of buffer `x` into buffer `out` (the kept axes'
/// elements, row-major, any shape) with `r`; `extra` buffers are passed to its closures. When the
/// innermost axis is reduced, each output element folds its group in a loop carrying the
/// accumulator; otherwise rows of outputs accumulate together (unit stride, in `out` itself or in a
/// scratch buffer of the accumulator type).
pub(super) fn reduce(
    l: &mut Lowering<'_>,
    hint: &str,
    (x, shape, reduced): (Value, &[u64], &[bool]),
    out: Value,
    extra: &[Value],
    r: &Reduction<'_>,
) {
    let out_strides = kept_strides(shape, reduced);
    let out_n: u64 = shape.iter().zip(reduced).filter(|(_, r)| !**r).map(|(d, _)| d).product();
    let total: u64 = shape.iter().product();
    if out_n == 0 {
        return;
    }
    let nest = Nest::new(shape, vec![row_major(shape), out_strides]);
    let (x, out) = (flat(l, x), flat(l, out));
    let axes: Vec<(u64, i64, i64)> =
        (0..nest.shape.len()).map(|d| (nest.shape[d], nest.strides[0][d], nest.strides[1][d])).collect();
    let kept: Vec<(u64, i64, i64)> = axes.iter().copied().filter(|a| a.2 != 0).collect();
    let folded: Vec<(u64, i64)> = axes.iter().filter(|a| a.2 == 0).map(|a| (a.0, a.1)).collect();
    let kept_shape: Vec<u64> = kept.iter().map(|a| a.0).collect();
    let kept_x: Vec<i64> = kept.iter().map(|a| a.1).collect();
    let per_output = total / out_n;

    if axes.last().is_none_or(|a| a.2 == 0) {
        // The innermost axis is reduced: one carried fold per output element.
        let rows = Rows::new(out_n, per_output);
        let mut buffers = vec![x, out];
        buffers.extend_from_slice(extra);
        l.launch(hint, &buffers, rows.tiles(), |kb, kf| {
            let (xb, ob, extra) = (kf.buffers[0], kf.buffers[1], &kf.buffers[2..]);
            rows.for_each(kb, kf, |kb, g| {
                let idx = kb.delinearize(g, &kept_shape);
                let base = kb.linearize(&idx, &kept_x);
                let env = Env { extra, out: g };
                let init = (r.init)(kb);
                let acc = fold(kb, &folded, base, init, &|kb, off, acc| {
                    let v = kb.load(xb, &[off]);
                    let v = kb.cast(v, r.acc);
                    let m = (r.map)(kb, &env, v);
                    kb.binary(r.combine, acc, m)
                });
                let y = (r.finalize)(kb, &env, acc);
                kb.store(y, ob, &[g]);
            });
        });
        return;
    }

    // The innermost axis is kept: accumulate whole rows of outputs.
    let (inner, x_inner, _) = *kept.last().expect("the innermost axis is kept");
    let (outer_shape, outer_x) = (&kept_shape[..kept.len() - 1], &kept_x[..kept.len() - 1]);
    let acc_buf = if l.memref(out).element == r.acc {
        out
    } else {
        let scratch = l.alloc(MemRefType::new(vec![out_n], r.acc));
        flat(l, scratch)
    };
    let rows = Rows::new(out_n / inner, per_output * inner);
    let mut buffers = vec![x, out, acc_buf];
    buffers.extend_from_slice(extra);
    l.launch(hint, &buffers, rows.tiles(), |kb, kf| {
        let (xb, ob, ab, extra) = (kf.buffers[0], kf.buffers[1], kf.buffers[2], &kf.buffers[3..]);
        rows.for_each(kb, kf, |kb, row| {
            let idx = kb.delinearize(row, outer_shape);
            let base = kb.linearize(&idx, outer_x);
            let o = kb.mul_const(row, inner as i64);
            let init = (r.init)(kb);
            fill(kb, ab, o, inner, init);
            nest_offsets(kb, &folded, base, &mut |kb, off| {
                for_span(kb, 0, inner as i64, |kb, j| {
                    let g = kb.add_index(o, j);
                    let xi = offset(kb, off, j, x_inner);
                    let a = kb.load(ab, &[g]);
                    let v = kb.load(xb, &[xi]);
                    let v = kb.cast(v, r.acc);
                    let m = (r.map)(kb, &Env { extra, out: g }, v);
                    let a = kb.binary(r.combine, a, m);
                    kb.store(a, ab, &[g]);
                });
            });
            for_span(kb, 0, inner as i64, |kb, j| {
                let g = kb.add_index(o, j);
                let a = kb.load(ab, &[g]);
                let y = (r.finalize)(kb, &Env { extra, out: g }, a);
                kb.store(y, ob, &[g]);
            });
        });
    });
}

/// Folds `step(offset, acc)` over nested loops of `axes` (extent, stride), carrying `acc`.
fn fold(
    kb: &mut KernelBuilder<'_>,
    axes: &[(u64, i64)],
    base: Value,
    acc: Value,
    step: &dyn Fn(&mut KernelBuilder<'_>, Value, Value) -> Value,
) -> Value {
    let Some((&(n, stride), rest)) = axes.split_first() else { return step(kb, base, acc) };
    let (lb, ub) = (kb.index(0), kb.index(n as i64));
    kb.for_carry(lb, ub, &[acc], |kb, iv, carried| {
        let off = offset(kb, base, iv, stride);
        vec![fold(kb, rest, off, carried[0], step)]
    })[0]
}

/// Runs `body(offset)` in nested loops over `axes` (extent, stride) from `base`.
fn nest_offsets(
    kb: &mut KernelBuilder<'_>,
    axes: &[(u64, i64)],
    base: Value,
    body: &mut dyn FnMut(&mut KernelBuilder<'_>, Value),
) {
    let Some((&(n, stride), rest)) = axes.split_first() else { return body(kb, base) };
    for_span(kb, 0, n as i64, |kb, iv| {
        let off = offset(kb, base, iv, stride);
        nest_offsets(kb, rest, off, body);
    });
}

/// `[outer, axis, inner]`: the sizes before, at and after `axis` of `shape`.
pub(super) fn split_at_axis(shape: &[u64], axis: usize) -> [u64; 3] {
    [shape[..axis].iter().product(), shape[axis], shape[axis + 1..].iter().product()]
}

/// Runs `body(line, base, stride)` once per line along `axis` of `shape` in the kernel's tiles: the
/// line's elements are at `base + i * stride` for `i` in `0..shape[axis]`, and `line` is its flat
/// index in a result with the axis reduced.
pub(super) fn launch_lines(
    l: &mut Lowering<'_>,
    hint: &str,
    (shape, axis): (&[u64], usize),
    buffers: &[Value],
    body: impl FnOnce(&mut KernelBuilder<'_>, &[Value], Value, Value, i64),
) {
    let [outer, len, inner] = split_at_axis(shape, axis);
    let rows = Rows::new(outer * inner, len);
    if rows.rows == 0 {
        return;
    }
    l.launch(hint, buffers, rows.tiles(), |kb, kf| {
        rows.for_each(kb, kf, |kb, g| {
            let idx = kb.delinearize(g, &[outer, inner]);
            let base = kb.linearize(&idx, &[(len * inner) as i64, 1]);
            body(kb, &kf.buffers, g, base, inner as i64);
        });
    });
}

/// Writes into i64 buffer `out` (one element per line along `axis`) the position of the largest
/// (or smallest) element of each line of `x`: the first of equal ones, or the last with `last`;
/// float NaN beats every number (numpy's rule, as the reference kernels).
pub(super) fn arg_extreme(
    l: &mut Lowering<'_>,
    (x, shape, axis): (Value, &[u64], usize),
    out: Value,
    largest: bool,
    last: bool,
) {
    let len = shape[axis] as i64;
    let (x, out) = (flat(l, x), flat(l, out));
    launch_lines(l, "arg_extreme", (shape, axis), &[x, out], |kb, bufs, g, base, stride| {
        let (xb, ob) = (bufs[0], bufs[1]);
        let first = kb.load(xb, &[base]);
        let zero = kb.int(0, ElementType::I64);
        let (lb, ub) = (kb.index(1), kb.index(len));
        let best = kb.for_carry(lb, ub, &[first, zero], |kb, i, c| {
            let off = offset(kb, base, i, stride);
            let v = kb.load(xb, &[off]);
            let wins = |kb: &mut KernelBuilder<'_>, a: Value, b: Value| {
                let beats = kb.cmp(if largest { Cmp::Gt } else { Cmp::Lt }, a, b);
                if kb.element(a).is_some_and(ElementType::is_float) {
                    let a_nan = kb.cmp(Cmp::Ne, a, a);
                    let b_num = kb.cmp(Cmp::Eq, b, b);
                    let nan_wins = kb.binary(BinOp::And, a_nan, b_num);
                    kb.binary(BinOp::Or, beats, nan_wins)
                } else {
                    beats
                }
            };
            let mut take = wins(kb, v, c[0]);
            if last {
                let kept = wins(kb, c[0], v);
                let yes = kb.int(1, ElementType::Bool);
                let not_kept = kb.binary(BinOp::Xor, kept, yes);
                take = kb.binary(BinOp::Or, take, not_kept);
            }
            let i64 = kb.cast(i, ElementType::I64);
            vec![kb.select(take, v, c[0]), kb.select(take, i64, c[1])]
        });
        kb.store(best[1], ob, &[g]);
    });
}

// ----- the reduce ops -----

/// The combining function of a reduction over axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Sum,
    Mean,
    Max,
    Min,
    Prod,
    L1,
    L2,
    LogSum,
    LogSumExp,
    SumSquare,
    /// `(sum of |x|^p)^(1/p)` (Lp pooling).
    Pow(f64),
}

/// The smallest and largest value of an integer element type.
fn int_range(e: ElementType) -> (i64, i64) {
    match e {
        ElementType::I8 => (i8::MIN.into(), i8::MAX.into()),
        ElementType::U8 => (0, u8::MAX.into()),
        ElementType::I16 => (i16::MIN.into(), i16::MAX.into()),
        ElementType::I32 => (i32::MIN.into(), i32::MAX.into()),
        ElementType::Bool => (0, 1),
        _ => (i64::MIN, i64::MAX),
    }
}

/// The reduced-axes mask of a `reduce_*` op on a rank-`rank` operand, or `None` when it reduces
/// nothing (empty axes with `noop_with_empty_axes`).
fn reduce_mask(l: &Lowering<'_>, rank: usize) -> Result<Option<Vec<bool>>, String> {
    let op = l.op();
    let axes = match op.named_tensor("axes")? {
        None => vec![],
        // An empty axes tensor needs no values (ONNX tests pass it as a runtime input).
        Some(t) if t.num_elements() == Some(0) => vec![],
        Some(_) => op.constant_ints("axes").ok_or_else(|| {
            format!("{}: axes that are not a constant are not supported by the CPU lowering", op.name())
        })?,
    };
    if axes.is_empty() {
        return Ok(if op.bool("noop_with_empty_axes")? { None } else { Some(vec![true; rank]) });
    }
    let mut mask = vec![false; rank];
    for a in msc_nn::shape::normalize_axes(&axes, rank)? {
        mask[a] = true;
    }
    Ok(Some(mask))
}

fn reduce_op(l: &mut Lowering<'_>, kind: Kind) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let Some(mask) = reduce_mask(l, shape.len())? else { return Ok(vec![x]) };
    let out = l.result(0);
    reduce_kind(l, kind, (x, &shape, &mask), out)?;
    Ok(vec![out])
}

/// Reduces the `mask` axes of `x` (of shape `shape`) into `out` with `kind`, with the reference
/// kernels' semantics (integer sums wrap; integer L2 and log reductions compute in f64).
pub(super) fn reduce_kind(
    l: &mut Lowering<'_>,
    kind: Kind,
    (x, shape, mask): (Value, &[u64], &[bool]),
    out: Value,
) -> Result<(), String> {
    let e = l.memref(x).element;
    let group: u64 = shape.iter().zip(mask).filter(|(_, r)| **r).map(|(d, _)| d).product();
    let float = e.is_float();
    // Integer L2 and log reductions compute in f64 and truncate, as the reference does.
    let acc = match kind {
        Kind::L2 | Kind::LogSum | Kind::LogSumExp | Kind::Pow(_) if !float => ElementType::F64,
        _ if float => acc_type(e),
        _ => e,
    };
    if kind == Kind::Mean && !float && group == 0 {
        return Err(format!("{}: the mean of an empty set of integers is undefined", l.op().name()));
    }
    let (lo, hi) = if float {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        let (a, b) = int_range(e);
        (a as f64, b as f64)
    };
    let (combine, init) = match kind {
        Kind::Max if e == ElementType::Bool => (BinOp::Or, 0.0),
        Kind::Min if e == ElementType::Bool => (BinOp::And, 1.0),
        Kind::Max => (BinOp::Max, lo),
        Kind::Min => (BinOp::Min, hi),
        Kind::Prod => (BinOp::Mul, 1.0),
        _ => (BinOp::Add, 0.0),
    };
    let init_fn = |kb: &mut KernelBuilder<'_>| kb.constant(init, acc);
    let map = |kb: &mut KernelBuilder<'_>, _: &Env<'_>, v: Value| match kind {
        Kind::L1 if acc.is_float() => kb.unary(&math::ABSF, v),
        Kind::L1 => kb.unary(&math::ABSI, v),
        Kind::L2 | Kind::SumSquare => kb.mul(v, v),
        Kind::Pow(p) => {
            let a = kb.unary(&math::ABSF, v);
            let p = kb.constant(p, acc);
            kb.op(&math::POWF, &[a, p])
        }
        _ => v,
    };

    if kind == Kind::LogSumExp {
        // Shift by the maximum (taken as 0 when it is not finite, which gives the plain form).
        let groups = shape.iter().zip(mask).filter(|(_, r)| !**r).map(|(d, _)| d).product();
        let maxima = l.alloc(MemRefType::new(vec![groups], acc));
        let max_init = |kb: &mut KernelBuilder<'_>| kb.constant(f64::NEG_INFINITY, acc);
        let max = Reduction {
            acc,
            init: &max_init,
            map: &map,
            combine: BinOp::Max,
            finalize: &|kb, _, v| finite_or_zero(kb, v),
        };
        reduce(l, "reduce_max", (x, shape, mask), maxima, &[], &max);
        let shifted = Reduction {
            acc,
            init: &init_fn,
            map: &|kb, env, v| {
                let m = kb.load(env.extra[0], &[env.out]);
                let d = kb.sub(v, m);
                kb.unary(&math::EXP, d)
            },
            combine: BinOp::Add,
            finalize: &|kb, env, v| {
                let m = kb.load(env.extra[0], &[env.out]);
                let log = kb.unary(&math::LOG, v);
                let y = kb.add(log, m);
                kb.cast(y, e)
            },
        };
        reduce(l, "reduce_log_sum_exp", (x, shape, mask), out, &[maxima], &shifted);
        return Ok(());
    }

    let finalize = |kb: &mut KernelBuilder<'_>, _: &Env<'_>, v: Value| {
        let v = match kind {
            Kind::Mean => {
                let n = if acc.is_float() { kb.constant(group as f64, acc) } else { kb.int(group as i64, acc) };
                kb.div(v, n)
            }
            Kind::L2 => kb.unary(&math::SQRT, v),
            Kind::LogSum => kb.unary(&math::LOG, v),
            Kind::Pow(p) => {
                let inv = kb.constant(1.0 / p, acc);
                kb.op(&math::POWF, &[v, inv])
            }
            _ => v,
        };
        kb.cast(v, e)
    };
    let r = Reduction { acc, init: &init_fn, map: &map, combine, finalize: &finalize };
    let hint = l.op().name().trim_start_matches("nn.").to_string();
    reduce(l, &hint, (x, shape, mask), out, &[], &r);
    Ok(())
}

/// `v` when it is finite, else 0.
pub(super) fn finite_or_zero(kb: &mut KernelBuilder<'_>, v: Value) -> Value {
    let e = kb.element(v).expect("a float");
    let zero = kb.constant(0.0, e);
    let d = kb.sub(v, v);
    let finite = kb.cmp(Cmp::Eq, d, zero);
    kb.select(finite, v, zero)
}

fn arg_op(l: &mut Lowering<'_>, largest: bool) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let axis = msc_nn::shape::normalize_axis(l.op().int("axis")?, shape.len())?;
    if shape[axis] == 0 {
        return Err(format!("{}: axis {axis} has size 0, so it has no extreme element", l.op().name()));
    }
    let last = l.op().bool("select_last_index")?;
    let out = l.result(0);
    arg_extreme(l, (x, &shape, axis), out, largest, last);
    Ok(vec![out])
}

/// `cumsum`: running sums along the axis, which when it is not a constant is read at run time (in
/// one tile: a branch per possible axis).
fn cumsum(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let op = l.op();
    let axis = match op.constant_ints("axis").as_deref() {
        Some(&[a]) => Some(a),
        Some(_) => return Err("nn.cumsum: `axis` must hold one value".into()),
        None => None,
    };
    let flags = (op.bool("exclusive")?, op.bool("reverse")?);
    let (shape, x) = flat_operand(l, 0);
    let out = l.result(0);
    let y = flat(l, out);
    let e = l.memref(y).element;
    let acc = if e.is_float() { acc_type(e) } else { e };
    if shape.contains(&0) {
        return Ok(vec![out]);
    }
    let scan = |kb: &mut KernelBuilder<'_>, bufs: &[Value], (base, stride, len): (Value, i64, i64)| {
        scan_line(kb, (bufs[0], bufs[1]), (base, stride, len), acc, flags);
    };
    if let Some(axis) = axis {
        let axis = msc_nn::shape::normalize_axis(axis, shape.len())?;
        let len = shape[axis] as i64;
        launch_lines(l, "cumsum", (&shape, axis), &[x, y], |kb, bufs, _, base, stride| {
            scan(kb, bufs, (base, stride, len))
        });
        return Ok(vec![out]);
    }
    let axis_buf = l.operand(1);
    let axis_buf = flat(l, axis_buf);
    let rank = shape.len() as i64;
    l.launch("cumsum", &[x, y, axis_buf], 1, |kb, kf| {
        let zero = kb.index(0);
        let a = kb.load(kf.buffers[2], &[zero]);
        let a = kb.to_index(a);
        let negative = kb.cmp(Cmp::Lt, a, zero);
        let wrapped = kb.add_const(a, rank);
        let a = kb.select(negative, wrapped, a);
        for axis in 0..shape.len() {
            let [outer, len, inner] = split_at_axis(&shape, axis);
            let here = kb.index(axis as i64);
            let is_axis = kb.cmp(Cmp::Eq, a, here);
            kb.if_then(is_axis, |kb| {
                kb.nest(&[outer, inner], |kb, idx| {
                    let base = kb.linearize(idx, &[(len * inner) as i64, 1]);
                    scan(kb, &kf.buffers, (base, inner as i64, len as i64));
                });
            });
        }
    });
    Ok(vec![out])
}

/// The running sums of one line (`len` elements `stride` apart from `base`) of `x` into `y`,
/// accumulated in `acc`; `exclusive` leaves out each element itself, `reverse` sums from the end.
fn scan_line(
    kb: &mut KernelBuilder<'_>,
    (x, y): (Value, Value),
    (base, stride, len): (Value, i64, i64),
    acc: ElementType,
    (exclusive, reverse): (bool, bool),
) {
    let e = kb.ty(y).as_memref().expect("a buffer").element;
    let zero = kb.constant(0.0, acc);
    let (lb, ub) = (kb.index(0), kb.index(len));
    kb.for_carry(lb, ub, &[zero], |kb, i, total| {
        let i = if reverse {
            let end = kb.index(len - 1);
            kb.op(&arith::SUBI, &[end, i])
        } else {
            i
        };
        let off = offset(kb, base, i, stride);
        let v = kb.load(x, &[off]);
        let v = kb.cast(v, acc);
        let next = kb.add(total[0], v);
        let out = kb.cast(if exclusive { total[0] } else { next }, e);
        kb.store(out, y, &[off]);
        vec![next]
    });
}
