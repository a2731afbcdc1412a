//! Lowerings of the `nn` linalg ops (`nn.matmul`, `nn.gemm`) to kernels, and [`update`] / [`axpy`],
//! the inner loops they share with the convolutions and pooling.
//!
//! Products run as `for i { y[i, :] = 0; for k { y[i, :] += a[i, k] * b[k, :] } }`, the unit-stride
//! loop over the output row innermost, one tile per group of output rows. Float products accumulate
//! in the element type (f32 for f32; the reference accumulates in f64), which for K terms differs by
//! about `K * 6e-8` relative to the sum of the terms' magnitudes.

use super::reduce::{Rows, broadcast_strides, fill, flat, for_span, offset};
use super::{LowerFn, Lowering};
use msc_ir::{MemRefType, Value};
use msc_kernel::KernelBuilder;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[("nn.matmul", matmul), ("nn.gemm", gemm)];

/// A strided run of a buffer: element `j` is at `base + j * stride`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Run {
    pub buf: Value,
    pub base: Value,
    pub stride: i64,
}

/// `y[j] = combine(y[j], x[j])` for `j` in `lo..hi` (constant bounds): the elementwise update the
/// products, convolutions and pooling windows accumulate with.
pub(super) fn update(
    kb: &mut KernelBuilder<'_>,
    x: Run,
    y: Run,
    (lo, hi): (i64, i64),
    combine: impl Fn(&mut KernelBuilder<'_>, Value, Value) -> Value,
) {
    if lo >= hi {
        return;
    }
    for_span(kb, lo, hi, |kb, j| {
        let xi = offset(kb, x.base, j, x.stride);
        let yi = offset(kb, y.base, j, y.stride);
        let v = kb.load(x.buf, &[xi]);
        let acc = kb.load(y.buf, &[yi]);
        let combined = combine(kb, acc, v);
        kb.store(combined, y.buf, &[yi]);
    });
}

/// `y[j] += a * x[j]` for `j` in `lo..hi` (constant bounds): the innermost loop of the products
/// and convolutions.
pub(super) fn axpy(kb: &mut KernelBuilder<'_>, a: Value, x: Run, y: Run, range: (i64, i64)) {
    update(kb, x, y, range, |kb, acc, v| {
        let p = kb.mul(a, v);
        kb.add(acc, p)
    });
}

/// `c[0..n] = sum over k of a[k] * b[k * n .. k * n + n]`: one output row of a product, where
/// `a` is the row of the left matrix (`k` elements, any stride) and `b` the row-major right matrix.
fn product_row(kb: &mut KernelBuilder<'_>, a: Run, b: Run, c: Run, (k, n): (u64, u64)) {
    let zero = {
        let ty = kb.ty(c.buf);
        let element = ty.as_memref().expect("a buffer").element;
        kb.constant(0.0, element)
    };
    fill(kb, c.buf, c.base, n, zero);
    for_span(kb, 0, k as i64, |kb, kk| {
        let ai = offset(kb, a.base, kk, a.stride);
        let av = kb.load(a.buf, &[ai]);
        let bb = offset(kb, b.base, kk, n as i64);
        axpy(kb, av, Run { base: bb, stride: 1, ..b }, c, (0, n as i64));
    });
}

/// `nn.matmul`: numpy-style batched products; a 1-D `a` is a row, a 1-D `b` a column.
fn matmul(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (a, b) = (l.operand(0), l.operand(1));
    let (a_shape, b_shape) = (l.memref(a).shape, l.memref(b).shape);
    let a_mat = if a_shape.len() == 1 { vec![1, a_shape[0]] } else { a_shape.clone() };
    let b_mat = if b_shape.len() == 1 { vec![b_shape[0], 1] } else { b_shape.clone() };
    let (a_batch, a_mn) = a_mat.split_at(a_mat.len() - 2);
    let (b_batch, b_kn) = b_mat.split_at(b_mat.len() - 2);
    let (m, k, n) = (a_mn[0], a_mn[1], b_kn[1]);
    let rank = a_batch.len().max(b_batch.len());
    let pad = |s: &[u64]| [vec![1; rank - s.len()], s.to_vec()].concat();
    let batch: Vec<u64> = pad(a_batch).iter().zip(pad(b_batch)).map(|(&x, y)| if x == 1 { y } else { x }).collect();
    let out = l.result(0);
    let (af, bf, cf) = (flat(l, a), flat(l, b), flat(l, out));
    // Each row of the output is (batch index..., i); a and b are found through broadcast strides.
    let mut shape = batch.clone();
    shape.push(m);
    let scale = |s: Vec<i64>, size: u64| s.into_iter().map(|v| v * size as i64).collect::<Vec<i64>>();
    let mut a_strides = scale(broadcast_strides(a_batch, &batch), m * k);
    a_strides.push(k as i64);
    let mut b_strides = scale(broadcast_strides(b_batch, &batch), k * n);
    b_strides.push(0);
    let rows = Rows::new(shape.iter().product(), k * n);
    if rows.rows == 0 || n == 0 {
        return Ok(vec![out]);
    }
    l.launch("matmul", &[af, bf, cf], rows.tiles(), |kb, kf| {
        let (ab, bb, cb) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        rows.for_each(kb, kf, |kb, r| {
            let idx = kb.delinearize(r, &shape);
            let a_base = kb.linearize(&idx, &a_strides);
            let b_base = kb.linearize(&idx, &b_strides);
            let c_base = kb.mul_const(r, n as i64);
            let a = Run { buf: ab, base: a_base, stride: 1 };
            let b = Run { buf: bb, base: b_base, stride: 1 };
            product_row(kb, a, b, Run { buf: cb, base: c_base, stride: 1 }, (k, n));
        });
    });
    Ok(vec![out])
}

/// `nn.gemm`: `alpha * A' * B' + beta * C`. A transposed B is first transposed into a scratch
/// buffer so the product's inner loop stays unit-stride.
fn gemm(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let op = l.op();
    let (alpha, beta) = (op.float("alpha")?, op.float("beta")?);
    let (trans_a, trans_b) = (op.bool("trans_a")?, op.bool("trans_b")?);
    let (a, b, c) = (l.operand(0), l.operand(1), l.named("c"));
    let (a_shape, b_shape) = (l.memref(a).shape, l.memref(b).shape);
    let (m, k) = if trans_a { (a_shape[1], a_shape[0]) } else { (a_shape[0], a_shape[1]) };
    let n = if trans_b { b_shape[0] } else { b_shape[1] };
    let out = l.result(0);
    let e = l.memref(out).element;
    let (af, mut bf, yf) = (flat(l, a), flat(l, b), flat(l, out));
    if m == 0 || n == 0 {
        return Ok(vec![out]);
    }
    if trans_b && k > 0 {
        let bt = l.alloc(MemRefType::new(vec![k * n], e));
        let rows = Rows::new(k, n);
        l.launch("gemm_transpose_b", &[bf, bt], rows.tiles(), |kb, kf| {
            let (src, dst) = (kf.buffers[0], kf.buffers[1]);
            rows.for_each(kb, kf, |kb, kk| {
                let dst_base = kb.mul_const(kk, n as i64);
                for_span(kb, 0, n as i64, |kb, j| {
                    let si = offset(kb, kk, j, k as i64);
                    let di = kb.add_index(dst_base, j);
                    let v = kb.load(src, &[si]);
                    kb.store(v, dst, &[di]);
                });
            });
        });
        bf = bt;
    }
    let c = match c {
        Some(c) => {
            let c_shape = l.memref(c).shape;
            Some((flat(l, c), broadcast_strides(&c_shape, &[m, n])))
        }
        None => None,
    };
    let mut buffers = vec![af, bf, yf];
    buffers.extend(c.as_ref().map(|c| c.0));
    let c_strides = c.map(|c| c.1);
    let rows = Rows::new(m, k * n);
    let a_strides = if trans_a { (1, m as i64) } else { (k as i64, 1) };
    l.launch("gemm", &buffers, rows.tiles(), |kb, kf| {
        let (ab, bb, yb) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        rows.for_each(kb, kf, |kb, i| {
            let a_base = kb.mul_const(i, a_strides.0);
            let y_base = kb.mul_const(i, n as i64);
            let zero = kb.index(0);
            let a = Run { buf: ab, base: a_base, stride: a_strides.1 };
            let y = Run { buf: yb, base: y_base, stride: 1 };
            product_row(kb, a, Run { buf: bb, base: zero, stride: 1 }, y, (k, n));
            let c_base = c_strides.as_ref().map(|s| kb.mul_const(i, s[0]));
            let alpha_v = (alpha != 1.0).then(|| kb.constant(alpha, e));
            let beta_v = (beta != 1.0).then(|| kb.constant(beta, e));
            for_span(kb, 0, n as i64, |kb, j| {
                let yi = kb.add_index(y_base, j);
                let mut v = kb.load(yb, &[yi]);
                if let Some(alpha) = alpha_v {
                    v = kb.mul(alpha, v);
                }
                if let (Some(base), Some(s)) = (c_base, &c_strides) {
                    let ci = offset(kb, base, j, s[1]);
                    let cv = kb.load(kf.buffers[3], &[ci]);
                    let cv = match beta_v {
                        Some(beta) => kb.mul(beta, cv),
                        None => cv,
                    };
                    v = kb.add(v, cv);
                }
                kb.store(v, yb, &[yi]);
            });
        });
    });
    Ok(vec![out])
}
