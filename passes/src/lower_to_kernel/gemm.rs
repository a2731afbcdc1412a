//! GEMM-shaped ops lowered to `kernel.gemm`, a call of the runtime's GEMM engine, instead of loops:
//! f32 `nn.matmul`, `nn.gemm` and 2-D `nn.conv` (each image and group a product of the weights with the
//! implicit im2col matrix of the input, bias and residual applied in the engine's store).
//!
//! [`lower`] returns `None` for what the engine does not cover (other element types, empty products,
//! convs that are not 2-D or are depthwise, a gemm `C` that is neither a row, a column nor a full
//! matrix added once); those keep their loop lowerings.

use super::Lowering;
use super::conv::Window;
use super::reduce::{broadcast_strides, flat, row_major};
use msc_ir::{ElementType, Value};
use msc_runtime::routine::{Activation, BatchLevel, Bias, Conv2d, GemmCall, Source};

/// Lowers the op through the GEMM engine if it is GEMM-shaped, else returns `None`.
pub(super) fn lower(l: &mut Lowering<'_>) -> Option<Result<Vec<Value>, String>> {
    let all_f32 = l
        .op()
        .operands()
        .iter()
        .chain(l.op().results())
        .all(|&v| l.ctx.value_type(v).as_tensor().is_some_and(|t| t.element == ElementType::F32));
    if !all_f32 {
        return None;
    }
    let planned = match l.op().name() {
        "nn.matmul" => Ok(matmul(l)),
        "nn.gemm" => Ok(gemm(l)),
        "nn.conv" => conv(l),
        _ => return None,
    };
    match planned {
        Ok(Some((call, inputs))) if call.m > 0 && call.n > 0 && call.k > 0 => Some(Ok(emit(l, call, inputs))),
        Ok(_) => None,
        Err(e) => Some(Err(e)),
    }
}

/// The operands of a planned call besides C: A, B, then the bias and residual the call uses.
type Inputs = Vec<Value>;

/// Adds the `kernel.gemm` computing result 0 and returns its buffer.
fn emit(l: &mut Lowering<'_>, call: GemmCall, inputs: Inputs) -> Vec<Value> {
    let out = l.result(0);
    let mut buffers: Vec<Value> = inputs.into_iter().map(|v| flat(l, v)).collect();
    let c = flat(l, out);
    buffers.insert(2, c);
    l.gemm(&call, &buffers);
    vec![out]
}

/// A plain product with no batch, bias or activation yet.
fn product(m: u64, n: u64, k: u64, a: Source, b: Source) -> GemmCall {
    GemmCall {
        m,
        n,
        k,
        a,
        b,
        ldc: n,
        batch: vec![],
        alpha: 1.0,
        bias: Bias::None,
        residual_ld: None,
        activation: Activation::None,
    }
}

/// `nn.matmul`: numpy batching as batch levels; a batch `b` does not have is folded into the rows.
fn matmul(l: &Lowering<'_>) -> Option<(GemmCall, Inputs)> {
    let (a, b) = (l.operand(0), l.operand(1));
    let (a_shape, b_shape) = (l.memref(a).shape, l.memref(b).shape);
    let a_mat = if a_shape.len() == 1 { vec![1, a_shape[0]] } else { a_shape.clone() };
    let b_mat = if b_shape.len() == 1 { vec![b_shape[0], 1] } else { b_shape.clone() };
    let (a_batch, &[m, k]) = a_mat.split_at(a_mat.len() - 2) else { return None };
    let (b_batch, &[_, n]) = b_mat.split_at(b_mat.len() - 2) else { return None };
    let rank = a_batch.len().max(b_batch.len());
    let pad = |s: &[u64]| [vec![1; rank - s.len()], s.to_vec()].concat();
    let batch: Vec<u64> = pad(a_batch).iter().zip(pad(b_batch)).map(|(&x, y)| if x == 1 { y } else { x }).collect();
    let mut call = product(m, n, k, Source::Strided { row: k, col: 1 }, Source::Strided { row: n, col: 1 });
    let b_strides = broadcast_strides(b_batch, &batch);
    if b_strides.iter().all(|&s| s == 0) && pad(a_batch) == batch {
        // One B for every batch entry and A's entries contiguous: one tall product.
        call.m = batch.iter().product::<u64>() * m;
        return Some((call, vec![a, b]));
    }
    let a_strides = broadcast_strides(a_batch, &batch);
    let c_strides = row_major(&batch);
    for (d, &count) in batch.iter().enumerate() {
        if count > 1 {
            call.batch.push(BatchLevel {
                count,
                a: a_strides[d] as u64 * m * k,
                b: b_strides[d] as u64 * k * n,
                c: c_strides[d] as u64 * m * n,
                bias: 0,
                residual: 0,
            });
        }
    }
    Some((call, vec![a, b]))
}

/// `nn.gemm`: the transposes are strides, `alpha` scales, `beta = 1` adds `C` as a bias or residual.
fn gemm(l: &Lowering<'_>) -> Option<(GemmCall, Inputs)> {
    let op = l.op();
    let (alpha, beta) = (op.float("alpha").ok()?, op.float("beta").ok()?);
    let (trans_a, trans_b) = (op.bool("trans_a").ok()?, op.bool("trans_b").ok()?);
    let (a, b, c) = (l.operand(0), l.operand(1), l.named("c"));
    let (a_shape, b_shape) = (l.memref(a).shape, l.memref(b).shape);
    let (m, k) = if trans_a { (a_shape[1], a_shape[0]) } else { (a_shape[0], a_shape[1]) };
    let n = if trans_b { b_shape[0] } else { b_shape[1] };
    let a_source = if trans_a { Source::Strided { row: 1, col: m } } else { Source::Strided { row: k, col: 1 } };
    let b_source = if trans_b { Source::Strided { row: 1, col: k } } else { Source::Strided { row: n, col: 1 } };
    let mut call = product(m, n, k, a_source, b_source);
    call.alpha = alpha as f32;
    let mut inputs = vec![a, b];
    if let Some(c) = c {
        if beta != 1.0 {
            return None;
        }
        match l.memref(c).shape.as_slice() {
            [cn] | [1, cn] if *cn == n && n > 1 => call.bias = Bias::PerColumn,
            [cm, 1] if *cm == m && m > 1 => call.bias = Bias::PerRow,
            [cm, cn] if (*cm, *cn) == (m, n) => call.residual_ld = Some(n),
            _ => return None,
        }
        inputs.push(c);
    }
    Some((call, inputs))
}

/// A 2-D, non-depthwise `nn.conv`: per image and group, `y = w · im2col(x) + b`.
fn conv(l: &Lowering<'_>) -> Result<Option<(GemmCall, Inputs)>, String> {
    let (x, w, b) = (l.operand(0), l.operand(1), l.named("b"));
    let (xs, ws) = (l.memref(x).shape, l.memref(w).shape);
    let ys = l.result_type(0).shape;
    let group = l.op().int("group")? as u64;
    if xs.len() != 4 || group == 0 || ys[1] / group < 4 {
        // Depthwise and narrow groups have too little reuse for a GEMM; the loops handle them.
        return Ok(None);
    }
    let window = Window::read(l, &xs[2..], &ws[2..], &ys[2..])?;
    let (cg, mg) = (xs[1] / group, ys[1] / group);
    let (in_plane, out_plane) = (xs[2] * xs[3], ys[2] * ys[3]);
    let k = cg * ws[2] * ws[3];
    let pointwise =
        ws[2..] == [1, 1] && window.strides == [1, 1] && window.pads.iter().chain(&window.pads_end).all(|&p| p == 0);
    let b_source = if pointwise {
        Source::Strided { row: in_plane, col: 1 }
    } else {
        let pair = |v: &[i64]| [v[0] as u64, v[1] as u64];
        Source::Im2col(Conv2d {
            channels: cg,
            height: xs[2],
            width: xs[3],
            kernel: [ws[2], ws[3]],
            stride: pair(&window.strides),
            dilation: pair(&window.dilations),
            pad: pair(&window.pads),
            out: [ys[2], ys[3]],
        })
    };
    let mut call = product(mg, out_plane, k, Source::Strided { row: k, col: 1 }, b_source);
    let mut levels =
        vec![(ys[0], 0, xs[1] * in_plane, ys[1] * out_plane, 0), (group, mg * k, cg * in_plane, mg * out_plane, mg)];
    levels.retain(|l| l.0 > 1);
    call.batch =
        levels.into_iter().map(|(count, a, b, c, bias)| BatchLevel { count, a, b, c, bias, residual: c }).collect();
    let mut inputs = vec![w, x];
    if let Some(b) = b {
        call.bias = Bias::PerRow;
        inputs.push(b);
    }
    Ok(Some((call, inputs)))
}
