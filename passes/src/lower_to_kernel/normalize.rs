//! Lowerings of the `nn` normalizations to kernels. Each is one or two reductions over its axes
//! ([`reduce`]: maxima and sums for the softmax family, means and variances for the norms) into
//! scratch buffers of per-group statistics, then one elementwise pass ([`launch_nest`]) that reads
//! each element's statistics and per-channel parameters through broadcast strides.
//!
//! Statistics accumulate in f32 for f32 (and for f16/bf16); the variance is the two-pass
//! `mean((x - mean)^2)` of the reference kernels.

use super::reduce::{
    Env, Kind, Nest, Reduction, Rows, acc_type, arg_extreme, broadcast_strides, fill, flat, flat_operand, for_span,
    kept_strides, launch_nest, reduce, reduce_kind, row_major,
};
use super::{LowerFn, Lowering};
use msc_ir::{ElementType, MemRefType, Value};
use msc_kernel::{BinOp, Cmp, KernelBuilder, math};
use msc_nn::shape::{normalize_axes, normalize_axis};

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.softmax", |l| softmax(l, false)),
    ("nn.log_softmax", |l| softmax(l, true)),
    ("nn.hardmax", hardmax),
    ("nn.batch_norm", batch_norm),
    ("nn.instance_norm", |l| {
        let channels = l.memref(l.operand(0)).shape.get(1).copied().unwrap_or(1);
        grouped_norm(l, channels as i64)
    }),
    ("nn.group_norm", |l| {
        let groups = l.op().int("num_groups")?;
        grouped_norm(l, groups)
    }),
    ("nn.layer_norm", layer_norm),
    ("nn.lrn", lrn),
    ("nn.mean_variance_normalization", mean_variance_normalization),
    ("nn.lp_normalization", lp_normalization),
];

/// The operand's shape and element type, and the axis attribute `axis` normalized.
fn along_axis(l: &Lowering<'_>) -> Result<(Vec<u64>, ElementType, usize), String> {
    let ty = l.memref(l.operand(0));
    let axis = normalize_axis(l.op().int("axis")?, ty.shape.len())?;
    Ok((ty.shape, ty.element, axis))
}

/// A scratch buffer of `n` elements of type `e`.
fn scratch(l: &mut Lowering<'_>, n: u64, e: ElementType) -> Value {
    let buf = l.alloc(MemRefType::new(vec![n], e));
    flat(l, buf)
}

/// The number of groups left after reducing the `mask` axes of `shape`.
fn group_count(shape: &[u64], mask: &[bool]) -> u64 {
    shape.iter().zip(mask).filter(|(_, r)| !**r).map(|(d, _)| d).product()
}

/// `softmax` (`exp(x - max) / sum(exp(x - max))`) or, with `log`, `log_softmax` (`x - max -
/// log(sum(exp(x - max)))`) along `axis`.
fn softmax(l: &mut Lowering<'_>, log: bool) -> Result<Vec<Value>, String> {
    let (shape, e, axis) = along_axis(l)?;
    let acc = acc_type(e);
    if axis + 1 == shape.len() && e == acc {
        return Ok(vec![softmax_rows(l, &shape, log)]);
    }
    let mask: Vec<bool> = (0..shape.len()).map(|d| d == axis).collect();
    let (_, x) = flat_operand(l, 0);
    let groups = group_count(&shape, &mask);
    let (maxima, sums) = (scratch(l, groups, acc), scratch(l, groups, acc));
    let load_max = |kb: &mut KernelBuilder<'_>, env: &Env<'_>| kb.load(env.extra[0], &[env.out]);
    let max = Reduction {
        acc,
        init: &|kb| kb.constant(f64::NEG_INFINITY, acc),
        map: &|_, _, v| v,
        combine: BinOp::Max,
        finalize: &|_, _, v| v,
    };
    reduce(l, "softmax_max", (x, &shape, &mask), maxima, &[], &max);
    let sum = Reduction {
        acc,
        init: &|kb| kb.constant(0.0, acc),
        map: &|kb, env, v| {
            let m = load_max(kb, env);
            let d = kb.sub(v, m);
            kb.unary(&math::EXP, d)
        },
        combine: BinOp::Add,
        // With `log`, the sum becomes `max + log(sum)`, the amount to subtract.
        finalize: &|kb, env, v| {
            if log {
                let m = load_max(kb, env);
                let lv = kb.unary(&math::LOG, v);
                kb.add(m, lv)
            } else {
                v
            }
        },
    };
    reduce(l, "softmax_sum", (x, &shape, &mask), sums, &[maxima], &sum);
    let out = l.result(0);
    let y = flat(l, out);
    let nest = Nest::new(&shape, vec![row_major(&shape), kept_strides(&shape, &mask)]);
    launch_nest(l, if log { "log_softmax" } else { "softmax" }, &nest, &[x, y, maxima, sums], |kb, bufs, idx| {
        let v = kb.load(bufs[0], &[idx[0]]);
        let v = kb.cast(v, acc);
        let s = kb.load(bufs[3], &[idx[1]]);
        let r = if log {
            kb.sub(v, s)
        } else {
            let m = kb.load(bufs[2], &[idx[1]]);
            let d = kb.sub(v, m);
            let ex = kb.unary(&math::EXP, d);
            kb.div(ex, s)
        };
        let r = kb.cast(r, e);
        kb.store(r, bufs[1], &[idx[0]]);
    });
    Ok(vec![out])
}

/// `softmax` or `log_softmax` along the innermost axis of `shape` (data in its accumulator type):
/// one kernel, three unit-stride loops per row (which the backend vectorizes): the maximum; the
/// sum of `exp(x - max)`, which softmax also stores into the result; then the result times the
/// reciprocal of the sum (softmax: one division per row instead of one per element, which moves
/// the result from `exp / sum` by at most about one more ulp) or `x - (max + log(sum))`
/// (log_softmax).
fn softmax_rows(l: &mut Lowering<'_>, shape: &[u64], log: bool) -> Value {
    let len = *shape.last().unwrap_or(&1);
    let groups = shape[..shape.len() - 1].iter().product::<u64>();
    let e = l.memref(l.operand(0)).element;
    let out = l.result(0);
    if len == 0 || groups == 0 {
        return out;
    }
    let (_, x) = flat_operand(l, 0);
    let y = flat(l, out);
    let rows = Rows::new(groups, 3 * len);
    l.launch(if log { "log_softmax" } else { "softmax" }, &[x, y], rows.tiles(), |kb, kf| {
        let (xb, yb) = (kf.buffers[0], kf.buffers[1]);
        rows.for_each(kb, kf, |kb, g| {
            let base = kb.mul_const(g, len as i64);
            let (lo, hi) = (kb.index(0), kb.index(len as i64));
            let neg_inf = kb.constant(f64::NEG_INFINITY, e);
            let max = kb.for_carry(lo, hi, &[neg_inf], |kb, j, m| {
                let i = kb.add_index(base, j);
                let v = kb.load(xb, &[i]);
                vec![kb.max(m[0], v)]
            })[0];
            let zero = kb.constant(0.0, e);
            let sum = kb.for_carry(lo, hi, &[zero], |kb, j, s| {
                let i = kb.add_index(base, j);
                let v = kb.load(xb, &[i]);
                let d = kb.sub(v, max);
                let ex = kb.unary(&math::EXP, d);
                if !log {
                    kb.store(ex, yb, &[i]);
                }
                vec![kb.add(s[0], ex)]
            })[0];
            let row_constant = if log {
                let ls = kb.unary(&math::LOG, sum);
                kb.add(max, ls)
            } else {
                let one = kb.constant(1.0, e);
                kb.div(one, sum)
            };
            kb.for_range(lo, hi, |kb, j| {
                let i = kb.add_index(base, j);
                let r = if log {
                    let v = kb.load(xb, &[i]);
                    kb.sub(v, row_constant)
                } else {
                    let v = kb.load(yb, &[i]);
                    kb.mul(v, row_constant)
                };
                kb.store(r, yb, &[i]);
            });
        });
    });
    out
}

/// `hardmax`: 1 at the first maximum along `axis`, 0 elsewhere.
fn hardmax(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (shape, e, axis) = along_axis(l)?;
    let x = l.operand(0);
    let mask: Vec<bool> = (0..shape.len()).map(|d| d == axis).collect();
    let winners = scratch(l, group_count(&shape, &mask), ElementType::I64);
    if shape[axis] > 0 {
        arg_extreme(l, (x, &shape, axis), winners, true, false);
    }
    let out = l.result(0);
    let y = flat(l, out);
    // The third "buffer" of the nest is the position along the axis.
    let position: Vec<i64> = mask.iter().map(|&m| i64::from(m)).collect();
    let nest = Nest::new(&shape, vec![row_major(&shape), kept_strides(&shape, &mask), position]);
    launch_nest(l, "hardmax", &nest, &[y, winners], |kb, bufs, idx| {
        let winner = kb.load(bufs[1], &[idx[1]]);
        let here = kb.cast(idx[2], ElementType::I64);
        let hit = kb.cmp(Cmp::Eq, winner, here);
        let (one, zero) = (kb.constant(1.0, e), kb.constant(0.0, e));
        let v = kb.select(hit, one, zero);
        kb.store(v, bufs[0], &[idx[0]]);
    });
    Ok(vec![out])
}

/// Loads `buf[i]` as the accumulator type `acc`.
fn load_as(kb: &mut KernelBuilder<'_>, buf: Value, i: Value, acc: ElementType) -> Value {
    let v = kb.load(buf, &[i]);
    kb.cast(v, acc)
}

/// `batch_norm` (inference): `(x - mean[c]) * (scale[c] / sqrt(var[c] + epsilon)) + b[c]`, the
/// per-channel factor computed first.
fn batch_norm(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let epsilon = l.op().float("epsilon")?;
    let (shape, x) = flat_operand(l, 0);
    let e = l.memref(x).element;
    let acc = acc_type(e);
    if shape.len() < 2 {
        return Err(format!("nn.batch_norm: input shape {shape:?} has no channel axis"));
    }
    let c = shape[1];
    let [scale, bias, mean, var] = [1, 2, 3, 4].map(|i| l.operand(i));
    let factor = scratch(l, c, acc);
    launch_nest(l, "batch_norm_factor", &Nest::new(&[c], vec![vec![1]]), &[scale, var, factor], |kb, bufs, idx| {
        let s = load_as(kb, bufs[0], idx[0], acc);
        let v = load_as(kb, bufs[1], idx[0], acc);
        let eps = kb.constant(epsilon, acc);
        let v = kb.add(v, eps);
        let root = kb.unary(&math::SQRT, v);
        let f = kb.div(s, root);
        kb.store(f, bufs[2], &[idx[0]]);
    });
    let out = l.result(0);
    let y = flat(l, out);
    let channel: Vec<i64> = (0..shape.len()).map(|d| i64::from(d == 1)).collect();
    let nest = Nest::new(&shape, vec![row_major(&shape), channel]);
    launch_nest(l, "batch_norm", &nest, &[x, y, mean, factor, bias], |kb, bufs, idx| {
        let v = load_as(kb, bufs[0], idx[0], acc);
        let m = load_as(kb, bufs[2], idx[1], acc);
        let f = kb.load(bufs[3], &[idx[1]]);
        let b = load_as(kb, bufs[4], idx[1], acc);
        let d = kb.sub(v, m);
        let t = kb.mul(d, f);
        let r = kb.add(t, b);
        let r = kb.cast(r, e);
        kb.store(r, bufs[1], &[idx[0]]);
    });
    Ok(vec![out])
}

/// The mean and `1 / denominator(variance)` of each group of `x` (the `mask` axes of `shape`
/// reduced), in scratch buffers of type `acc`: one division per group, so that standardizing is a
/// multiplication per element (as ONNX's LayerNormalization defines it: `Reciprocal`, then `Mul`).
/// For the norms the reference divides, this moves results by at most about one ulp.
fn moments(
    l: &mut Lowering<'_>,
    (x, shape, mask): (Value, &[u64], &[bool]),
    acc: ElementType,
    denominator: &dyn Fn(&mut KernelBuilder<'_>, Value) -> Value,
) -> (Value, Value) {
    let groups = group_count(shape, mask);
    let count = shape.iter().product::<u64>() / groups.max(1);
    let (means, reciprocals) = (scratch(l, groups, acc), scratch(l, groups, acc));
    let divide = |kb: &mut KernelBuilder<'_>, v: Value| {
        let n = kb.constant(count as f64, acc);
        kb.div(v, n)
    };
    let zero = |kb: &mut KernelBuilder<'_>| kb.constant(0.0, acc);
    let mean =
        Reduction { acc, init: &zero, map: &|_, _, v| v, combine: BinOp::Add, finalize: &|kb, _, v| divide(kb, v) };
    reduce(l, "mean", (x, shape, mask), means, &[], &mean);
    let variance = Reduction {
        acc,
        init: &zero,
        map: &|kb, env, v| {
            let m = kb.load(env.extra[0], &[env.out]);
            let d = kb.sub(v, m);
            kb.mul(d, d)
        },
        combine: BinOp::Add,
        finalize: &|kb, _, v| {
            let var = divide(kb, v);
            let d = denominator(kb, var);
            let one = kb.constant(1.0, acc);
            kb.div(one, d)
        },
    };
    reduce(l, "variance", (x, shape, mask), reciprocals, &[means], &variance);
    (means, reciprocals)
}

/// `sqrt(var + epsilon)`.
fn root_plus(epsilon: f64, acc: ElementType) -> impl Fn(&mut KernelBuilder<'_>, Value) -> Value {
    move |kb, var| {
        let eps = kb.constant(epsilon, acc);
        let v = kb.add(var, eps);
        kb.unary(&math::SQRT, v)
    }
}

/// Writes `y = (x - mean[g]) * reciprocal[g] * scale[s] + bias[b]` over `nest`, whose strides
/// address x (and y), the group statistics, and then scale and bias when given.
fn standardize(
    l: &mut Lowering<'_>,
    hint: &str,
    nest: &Nest,
    (x, y): (Value, Value),
    (means, reciprocals): (Value, Value),
    affine: &[Value],
) {
    let e = l.memref(y).element;
    let acc = l.memref(means).element;
    let mut buffers = vec![x, y, means, reciprocals];
    buffers.extend_from_slice(affine);
    launch_nest(l, hint, nest, &buffers, |kb, bufs, idx| {
        let v = load_as(kb, bufs[0], idx[0], acc);
        let m = kb.load(bufs[2], &[idx[1]]);
        let inverse = kb.load(bufs[3], &[idx[1]]);
        let t = kb.sub(v, m);
        let mut r = kb.mul(t, inverse);
        if let Some(&scale) = bufs.get(4) {
            let s = load_as(kb, scale, idx[2], acc);
            r = kb.mul(r, s);
        }
        if let Some(&bias) = bufs.get(5) {
            let b = load_as(kb, bias, idx[3], acc);
            r = kb.add(r, b);
        }
        let r = kb.cast(r, e);
        kb.store(r, bufs[1], &[idx[0]]);
    });
}

/// `group_norm` with `groups` groups of consecutive channels (and `instance_norm`, one channel
/// per group): each group standardized over its channels and spatial cells, then scaled and
/// shifted per channel.
fn grouped_norm(l: &mut Lowering<'_>, groups: i64) -> Result<Vec<Value>, String> {
    let name = l.op().name();
    let epsilon = l.op().float("epsilon")?;
    let ty = l.memref(l.operand(0));
    let shape = &ty.shape;
    let (n, c) = (shape[0], shape.get(1).copied().unwrap_or(1));
    if groups < 1 || c % groups as u64 != 0 {
        return Err(format!("{name}: {c} channels cannot be split into {groups} equal groups"));
    }
    let g = groups as u64;
    let grouped = [n, g, c / g, shape[2..].iter().product()];
    let mask = [false, false, true, true];
    let acc = acc_type(ty.element);
    let (_, x) = flat_operand(l, 0);
    let stats = moments(l, (x, &grouped, &mask), acc, &root_plus(epsilon, acc));
    let (scale, bias) = (l.operand(1), l.operand(2));
    let out = l.result(0);
    let y = flat(l, out);
    let channel = vec![0, (c / g) as i64, 1, 0];
    let nest = Nest::new(&grouped, vec![row_major(&grouped), kept_strides(&grouped, &mask), channel.clone(), channel]);
    standardize(l, name.trim_start_matches("nn."), &nest, (x, y), stats, &[scale, bias]);
    Ok(vec![out])
}

/// `layer_norm`: standardized over the axes from `axis` on, then `* scale + b` (broadcast).
fn layer_norm(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (shape, e, axis) = along_axis(l)?;
    let epsilon = l.op().float("epsilon")?;
    let acc = acc_type(e);
    let len: u64 = shape[axis..].iter().product();
    let mut affine = vec![l.operand(1)];
    affine.extend(l.named("b"));
    let per_row = |l: &Lowering<'_>, p: Value| {
        let ps = l.memref(p).shape;
        ps.len() <= shape.len() - axis && ps.iter().product::<u64>() == len
    };
    if len > 0 && affine.iter().all(|&p| per_row(l, p)) {
        return Ok(vec![layer_norm_rows(l, &shape, len, epsilon, &affine)]);
    }
    let mask: Vec<bool> = (0..shape.len()).map(|d| d >= axis).collect();
    let (_, x) = flat_operand(l, 0);
    let stats = moments(l, (x, &shape, &mask), acc, &root_plus(epsilon, acc));
    let mut strides = vec![row_major(&shape), kept_strides(&shape, &mask)];
    for &p in &affine {
        strides.push(broadcast_strides(&l.memref(p).shape, &shape));
    }
    let affine: Vec<Value> = affine.into_iter().map(|p| flat(l, p)).collect();
    let out = l.result(0);
    let y = flat(l, out);
    standardize(l, "layer_norm", &Nest::new(&shape, strides), (x, y), stats, &affine);
    Ok(vec![out])
}

/// `layer_norm` whose scale and bias each hold one row (`len` values, the normalized axes): one kernel over
/// the rows, each standardized while it is in cache (mean, variance, then `(x - mean) * (1 / sqrt(var +
/// epsilon)) * scale + b`, as [`moments`] and [`standardize`] compute them), instead of three passes over
/// the whole tensor.
fn layer_norm_rows(l: &mut Lowering<'_>, shape: &[u64], len: u64, epsilon: f64, affine: &[Value]) -> Value {
    let e = l.memref(l.operand(0)).element;
    let acc = acc_type(e);
    let out = l.result(0);
    let rows = shape.iter().product::<u64>() / len;
    if rows == 0 {
        return out;
    }
    let (_, x) = flat_operand(l, 0);
    let y = flat(l, out);
    let mut buffers = vec![x, y];
    buffers.extend(affine.iter().map(|&p| flat(l, p)));
    let tiles = Rows::new(rows, 4 * len);
    l.launch("layer_norm", &buffers, tiles.tiles(), |kb, kf| {
        let (xb, yb) = (kf.buffers[0], kf.buffers[1]);
        let affine = kf.buffers[2..].to_vec();
        tiles.for_each(kb, kf, |kb, r| {
            let base = kb.mul_const(r, len as i64);
            let (lo, hi) = (kb.index(0), kb.index(len as i64));
            let count = kb.constant(len as f64, acc);
            let zero = kb.constant(0.0, acc);
            let sum = kb.for_carry(lo, hi, &[zero], |kb, j, s| {
                let i = kb.add_index(base, j);
                let v = load_as(kb, xb, i, acc);
                vec![kb.add(s[0], v)]
            })[0];
            let mean = kb.div(sum, count);
            let squares = kb.for_carry(lo, hi, &[zero], |kb, j, s| {
                let i = kb.add_index(base, j);
                let v = load_as(kb, xb, i, acc);
                let d = kb.sub(v, mean);
                let dd = kb.mul(d, d);
                vec![kb.add(s[0], dd)]
            })[0];
            let variance = kb.div(squares, count);
            let root = root_plus(epsilon, acc)(kb, variance);
            let one = kb.constant(1.0, acc);
            let inverse = kb.div(one, root);
            kb.for_range(lo, hi, |kb, j| {
                let i = kb.add_index(base, j);
                let v = load_as(kb, xb, i, acc);
                let t = kb.sub(v, mean);
                let mut r = kb.mul(t, inverse);
                if let Some(&scale) = affine.first() {
                    let s = load_as(kb, scale, j, acc);
                    r = kb.mul(r, s);
                }
                if let Some(&bias) = affine.get(1) {
                    let b = load_as(kb, bias, j, acc);
                    r = kb.add(r, b);
                }
                let r = kb.cast(r, e);
                kb.store(r, yb, &[i]);
            });
        });
    });
    out
}

/// `mean_variance_normalization`: `(x - mean) / (sqrt(var) + 1e-9)` over `axes`.
fn mean_variance_normalization(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let ty = l.memref(l.operand(0));
    let mut mask = vec![false; ty.shape.len()];
    for a in normalize_axes(&l.op().ints("axes")?, ty.shape.len())? {
        mask[a] = true;
    }
    let acc = acc_type(ty.element);
    let (_, x) = flat_operand(l, 0);
    let denominator = |kb: &mut KernelBuilder<'_>, var: Value| {
        let root = kb.unary(&math::SQRT, var);
        let tiny = kb.constant(1e-9, acc);
        kb.add(root, tiny)
    };
    let stats = moments(l, (x, &ty.shape, &mask), acc, &denominator);
    let out = l.result(0);
    let y = flat(l, out);
    let nest = Nest::new(&ty.shape, vec![row_major(&ty.shape), kept_strides(&ty.shape, &mask)]);
    standardize(l, "mean_variance_normalization", &nest, (x, y), stats, &[]);
    Ok(vec![out])
}

/// `lp_normalization`: `x / ||x||_p` along `axis` (p 1 or 2); a zero norm gives 0.
fn lp_normalization(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (shape, e, axis) = along_axis(l)?;
    let kind = match l.op().int("p")? {
        1 => Kind::L1,
        2 => Kind::L2,
        p => return Err(format!("nn.lp_normalization: p must be 1 or 2, got {p}")),
    };
    let mask: Vec<bool> = (0..shape.len()).map(|d| d == axis).collect();
    let x = l.operand(0);
    let norms = scratch(l, group_count(&shape, &mask), e);
    reduce_kind(l, kind, (x, &shape, &mask), norms)?;
    let x = flat(l, x);
    let out = l.result(0);
    let y = flat(l, out);
    let nest = Nest::new(&shape, vec![row_major(&shape), kept_strides(&shape, &mask)]);
    launch_nest(l, "lp_normalization", &nest, &[x, y, norms], |kb, bufs, idx| {
        let v = kb.load(bufs[0], &[idx[0]]);
        let n = kb.load(bufs[2], &[idx[1]]);
        let zero = kb.constant(0.0, e);
        let is_zero = kb.cmp(Cmp::Eq, n, zero);
        let q = kb.div(v, n);
        let r = kb.select(is_zero, zero, q);
        kb.store(r, bufs[1], &[idx[0]]);
    });
    Ok(vec![out])
}

/// `lrn`: `x / (bias + alpha / size * s)^beta`, `s` the sum of squares over the channels
/// `c - floor((size - 1) / 2) ..= c + ceil((size - 1) / 2)` that exist. One tile row per
/// (batch, channel) plane; the sums accumulate in the output row.
fn lrn(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let op = l.op();
    let (alpha, beta, bias, size) = (op.float("alpha")?, op.float("beta")?, op.float("bias")?, op.int("size")?);
    let ty = l.memref(l.operand(0));
    if size < 1 || ty.shape.len() < 2 {
        return Err(format!("nn.lrn: size {size} on input shape {:?} is not supported", ty.shape));
    }
    let e = ty.element;
    let (c, plane) = (ty.shape[1] as i64, ty.shape[2..].iter().product::<u64>() as i64);
    let (_, x) = flat_operand(l, 0);
    let out = l.result(0);
    let y = flat(l, out);
    let rows: Vec<u64> = vec![ty.shape[0], ty.shape[1]];
    let tiling = Rows::new(rows.iter().product(), plane as u64 * size as u64);
    if tiling.rows == 0 || plane == 0 {
        return Ok(vec![out]);
    }
    l.launch("lrn", &[x, y], tiling.tiles(), |kb, kf| {
        let (xb, yb) = (kf.buffers[0], kf.buffers[1]);
        tiling.for_each(kb, kf, |kb, r| {
            let idx = kb.delinearize(r, &rows);
            let (n, ch) = (idx[0], idx[1]);
            let row = kb.mul_const(r, plane);
            let zero = kb.constant(0.0, e);
            fill(kb, yb, row, plane as u64, zero);
            let first = kb.add_const(ch, -(size - 1) / 2);
            let lo_bound = kb.index(0);
            let lo = kb.max(first, lo_bound);
            let last = kb.add_const(ch, size / 2 + 1);
            let hi_bound = kb.index(c);
            let hi = kb.min(last, hi_bound);
            let n_c = kb.mul_const(n, c);
            kb.for_range(lo, hi, |kb, other| {
                let p = kb.add_index(n_c, other);
                let base = kb.mul_const(p, plane);
                for_span(kb, 0, plane, |kb, j| {
                    let xi = kb.add_index(base, j);
                    let yi = kb.add_index(row, j);
                    let v = kb.load(xb, &[xi]);
                    let sq = kb.mul(v, v);
                    let s = kb.load(yb, &[yi]);
                    let s = kb.add(s, sq);
                    kb.store(s, yb, &[yi]);
                });
            });
            for_span(kb, 0, plane, |kb, j| {
                let yi = kb.add_index(row, j);
                let s = kb.load(yb, &[yi]);
                let v = kb.load(xb, &[yi]);
                let k = kb.constant(alpha / size as f64, e);
                let b = kb.constant(bias, e);
                let t = kb.mul(k, s);
                let t = kb.add(b, t);
                let be = kb.constant(beta, e);
                let d = kb.op(&math::POWF, &[t, be]);
                let r = kb.div(v, d);
                kb.store(r, yb, &[yi]);
            });
        });
    });
    Ok(vec![out])
}
