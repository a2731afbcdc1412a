//! GEMM-shaped ops lowered to `kernel.gemm`, a call of the runtime's GEMM engine, instead of loops:
//! f32 `nn.matmul`, `nn.fused_matmul`, `nn.gemm`, and 2-D NCHW `nn.conv` / `nn.fused_conv` (each image
//! and group a product of the weights with the implicit im2col matrix of the input) and
//! `nn.conv_transpose` / `nn.fused_conv_transpose` (a product of the transposed weights with the input
//! into columns, then a call of the runtime's col2im, `kernel.col2im`, that sums them into the output with
//! the bias and the epilogue). A fused op's
//! epilogue runs in the engine's store when it has the engine's form `act(alpha·acc + bias + residual)`.
//!
//! [`lower`] returns `None` for what the engine does not cover (other element types, empty products,
//! convs that are not 2-D NCHW or are depthwise (`depthwise.rs` is tried first), epilogues of another
//! form, a gemm `C` that is neither a row, a column nor a full matrix added once); those keep their
//! loop lowerings.

use super::Lowering;
use super::conv::Window;
use super::reduce::{broadcast_strides, flat, row_major};
use msc_ir::{ElementType, MemRefType, Value};
use msc_kernel::col2im::{COL2IM, attributes_of};
use msc_nn::ops::fused::read_steps;
use msc_nn_kernels::epilogue::{Activation as StepActivation, Binary, Step};
use msc_runtime::routine::{Activation, BatchLevel, Bias, Col2imCall, GemmCall, Source};

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
        "nn.conv_transpose" | "nn.fused_conv_transpose" => return conv_transpose(l).transpose(),
        "nn.matmul" => Ok(matmul(l, false, false)),
        "nn.fused_matmul" => match (l.op().bool("trans_a"), l.op().bool("trans_b")) {
            (Ok(ta), Ok(tb)) => Ok(matmul(l, ta, tb)),
            _ => return None,
        },
        "nn.gemm" => Ok(gemm(l)),
        "nn.conv" | "nn.fused_conv" => conv(l),
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
pub(super) fn product(m: u64, n: u64, k: u64, a: Source, b: Source) -> GemmCall {
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

/// `nn.matmul` and `nn.fused_matmul` (`a` and `b` read transposed as asked): numpy batching as batch
/// levels; a batch `b` does not have is folded into the rows.
fn matmul(l: &Lowering<'_>, trans_a: bool, trans_b: bool) -> Option<(GemmCall, Inputs)> {
    let (a, b) = (l.operand(0), l.operand(1));
    let (a_shape, b_shape) = (l.memref(a).shape, l.memref(b).shape);
    let a_mat = if a_shape.len() == 1 { vec![1, a_shape[0]] } else { a_shape.clone() };
    let b_mat = if b_shape.len() == 1 { vec![b_shape[0], 1] } else { b_shape.clone() };
    let (a_batch, &[ar, ac]) = a_mat.split_at(a_mat.len() - 2) else { return None };
    let (b_batch, &[br, bc]) = b_mat.split_at(b_mat.len() - 2) else { return None };
    let (m, k) = if trans_a { (ac, ar) } else { (ar, ac) };
    let n = if trans_b { br } else { bc };
    let a_source = if trans_a { Source::Strided { row: 1, col: m } } else { Source::Strided { row: k, col: 1 } };
    let b_source = if trans_b { Source::Strided { row: 1, col: k } } else { Source::Strided { row: n, col: 1 } };
    let rank = a_batch.len().max(b_batch.len());
    let pad = |s: &[u64]| [vec![1; rank - s.len()], s.to_vec()].concat();
    let batch: Vec<u64> = pad(a_batch).iter().zip(pad(b_batch)).map(|(&x, y)| if x == 1 { y } else { x }).collect();
    let mut call = product(m, n, k, a_source, b_source);
    let b_strides = broadcast_strides(b_batch, &batch);
    // One B for every batch entry and A's entries contiguous: one tall product, else batch levels.
    let tall = b_strides.iter().all(|&s| s == 0) && pad(a_batch) == batch && !trans_a;
    let vector = a_shape.len() == 1 || b_shape.len() == 1;
    let bias_shapes = Shapes {
        per_row: None,
        per_column: (!vector).then(|| vec![n]),
        column_batch: (!vector && !tall).then(|| batch.clone()),
    };
    let mut inputs = vec![a, b];
    epilogue(l, &mut call, &bias_shapes, &mut inputs)?;
    if tall {
        call.m = batch.iter().product::<u64>() * m;
    } else {
        let a_strides = broadcast_strides(a_batch, &batch);
        let c_strides = row_major(&batch);
        // A bias per column may have a row per entry of some batch dims (an attention mask per image).
        let bias_strides = match call.bias {
            Bias::PerColumn => {
                let shape = l.memref(inputs[2]).shape;
                broadcast_strides(&shape[..shape.len().saturating_sub(2)], &batch)
            }
            _ => vec![0; batch.len()],
        };
        for (d, &count) in batch.iter().enumerate() {
            if count > 1 {
                let c = c_strides[d] as u64 * m * n;
                let (a, b) = (a_strides[d] as u64 * m * k, b_strides[d] as u64 * k * n);
                call.batch.push(BatchLevel { count, a, b, c, bias: bias_strides[d] as u64 * n, residual: c });
            }
        }
    }
    Some((call, inputs))
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

/// A 2-D, non-depthwise `nn.conv` or NCHW `nn.fused_conv`: per image and group, `y = w · im2col(x) + b`.
fn conv(l: &Lowering<'_>) -> Result<Option<(GemmCall, Inputs)>, String> {
    if l.op().name() == "nn.fused_conv" && l.op().string("layout")? != "NCHW" {
        return Ok(None);
    }
    let (x, w, b) = (l.operand(0), l.operand(1), l.named("b"));
    let (xs, ws) = (l.memref(x).shape, l.memref(w).shape);
    let ys = l.result_type(0).shape;
    let group = l.op().int("group")? as u64;
    if xs.len() != 4 || group == 0 || (group > 1 && ys[1] / group < 4) {
        // Narrow groups have too little reuse for a GEMM; the loops handle them (depthwise ones go to
        // the depthwise routine first). One group of any width is a GEMM: the engine pads a product
        // of fewer rows than its register tile, which still beats the loops several times over.
        return Ok(None);
    }
    let window = Window::read(l, &xs[2..], &ws[2..], &ys[2..])?;
    let (cg, mg) = (xs[1] / group, ys[1] / group);
    let (in_plane, out_plane) = (xs[2] * xs[3], ys[2] * ys[3]);
    let k = cg * ws[2] * ws[3];
    let pointwise =
        ws[2..] == [1, 1] && window.strides == [1, 1] && window.pads.iter().chain(&window.pads_end).all(|&p| p == 0);
    let b_source =
        if pointwise { Source::Strided { row: in_plane, col: 1 } } else { Source::Im2col(window.conv2d(cg)) };
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
    let bias_shapes = Shapes { per_row: Some(vec![ys[1], 1, 1]), per_column: None, column_batch: None };
    Ok(epilogue(l, &mut call, &bias_shapes, &mut inputs).map(|()| (call, inputs)))
}

/// The shapes (leading 1s dropped) an epilogue operand has when it is a bias per row or per column of C.
pub(super) struct Shapes {
    pub per_row: Option<Vec<u64>>,
    pub per_column: Option<Vec<u64>>,
    /// C's batch dims when they are batch levels of the call: a bias per column may then also be one row
    /// of columns per entry of some of them (`[.., 1, n]`).
    pub column_batch: Option<Vec<u64>>,
}

impl Shapes {
    /// Whether an epilogue operand of `shape` is a bias per column.
    fn is_per_column(&self, shape: &[u64]) -> bool {
        let Some(per_column) = &self.per_column else { return false };
        if squeezed(shape) == *per_column {
            return true;
        }
        let Some((batch, [1, n])) = shape.split_last_chunk::<2>() else { return false };
        let Some(column_batch) = &self.column_batch else { return false };
        per_column.as_slice() == [*n]
            && batch.len() <= column_batch.len()
            && batch.iter().rev().zip(column_batch.iter().rev()).all(|(&d, &c)| d == 1 || d == c)
    }
}

/// `shape` without its leading 1s.
fn squeezed(shape: &[u64]) -> Vec<u64> {
    shape.iter().copied().skip_while(|&d| d == 1).collect()
}

/// A fused op's epilogue in the engine's form, `act(alpha · sum + bias + residual)`: what a GEMM, depthwise
/// or Winograd routine call applies as it stores.
#[derive(Clone, Copy)]
pub(super) struct EngineEpilogue {
    pub alpha: f32,
    pub bias: Bias,
    pub residual: bool,
    pub activation: Activation,
}

impl EngineEpilogue {
    /// Only the op's own bias, if it has one (per row: per output channel).
    pub fn with_bias(bias: bool) -> EngineEpilogue {
        let bias = if bias { Bias::PerRow } else { Bias::None };
        EngineEpilogue { alpha: 1.0, bias, residual: false, activation: Activation::None }
    }

    /// What `call` already applies (its op's alpha, bias or residual).
    fn of(call: &GemmCall) -> EngineEpilogue {
        let (alpha, bias, residual, activation) = (call.alpha, call.bias, call.residual_ld.is_some(), call.activation);
        EngineEpilogue { alpha, bias, residual, activation }
    }

    /// Writes it into `call`, whose residual is shaped like C.
    fn apply(self, call: &mut GemmCall) {
        (call.alpha, call.bias, call.activation) = (self.alpha, self.bias, self.activation);
        call.residual_ld = self.residual.then_some(call.n);
    }

    /// Folds the op's epilogue steps in (adding the operands they read to `inputs`) when they have the engine's
    /// form, in this order: a scalar constant `mul`/`div`, `add`s of at most one bias (per row or per column,
    /// `shapes`) and one residual shaped like the result, one activation the engine has. `None` otherwise.
    pub fn fold(mut self, l: &Lowering<'_>, shapes: &Shapes, inputs: &mut Inputs) -> Option<EngineEpilogue> {
        let steps = read_steps(&l.op(), "epilogue").ok()?;
        let out_shape = l.result_type(0).shape;
        let (mut bias, mut residual) = (None, None);
        let mut phase = 0;
        for step in steps {
            match step {
                // The op's own bias is added before the epilogue, so a scale after it cannot become alpha.
                Step::Binary { op: op @ (Binary::Mul | Binary::Div), operand, swap: false }
                    if phase == 0 && self.bias == Bias::None =>
                {
                    let value = l.op().constant_value(l.op().operand(operand))?.to_f64s()?;
                    let [v] = value.as_slice() else { return None };
                    self.alpha = if op == Binary::Mul { self.alpha * *v as f32 } else { self.alpha / *v as f32 };
                }
                Step::Binary { op: Binary::Add, operand, .. } if phase <= 1 => {
                    phase = 1;
                    let shape = l.memref(l.operand(operand)).shape;
                    let free_bias = self.bias == Bias::None && bias.is_none();
                    if shape == out_shape && !self.residual && residual.is_none() {
                        residual = Some(l.operand(operand));
                    } else if free_bias && shapes.per_row.as_ref() == Some(&squeezed(&shape)) {
                        bias = Some((Bias::PerRow, l.operand(operand)));
                    } else if free_bias && shapes.is_per_column(&shape) {
                        bias = Some((Bias::PerColumn, l.operand(operand)));
                    } else {
                        return None;
                    }
                }
                Step::Unary(activation) if phase <= 1 => {
                    phase = 2;
                    self.activation = engine_activation(activation)?;
                }
                _ => return None,
            }
        }
        if let Some((kind, value)) = bias {
            self.bias = kind;
            inputs.push(value);
        }
        if let Some(value) = residual {
            self.residual = true;
            inputs.push(value);
        }
        Some(self)
    }
}

/// Folds the op's epilogue into `call` (see [`EngineEpilogue::fold`]); `None` when it does not have the
/// engine's form.
fn epilogue(l: &Lowering<'_>, call: &mut GemmCall, shapes: &Shapes, inputs: &mut Inputs) -> Option<()> {
    EngineEpilogue::of(call).fold(l, shapes, inputs).map(|e| e.apply(call))
}

/// The engine's form of an epilogue activation, if it has one.
fn engine_activation(activation: StepActivation) -> Option<Activation> {
    Some(match activation {
        StepActivation::Relu => Activation::Relu,
        StepActivation::Clip { lo, hi } => Activation::Clip { lo: lo as f32, hi: hi as f32 },
        StepActivation::LeakyRelu { alpha } => Activation::LeakyRelu { alpha: alpha as f32 },
        StepActivation::Sigmoid => Activation::Sigmoid,
        StepActivation::Tanh => Activation::Tanh,
        StepActivation::Silu => Activation::Silu,
        StepActivation::Gelu => Activation::Gelu,
        StepActivation::HardSwish => Activation::HardSwish,
        _ => return None,
    })
}

/// A 2-D `nn.conv_transpose`: per image and group, `col = wᵀ · x` (`(M/g)·kh·kw` rows of `H·W` columns)
/// in a scratch buffer, then the runtime's col2im (`kernel.col2im`) sums the taps of every output,
/// `y[m, oy, ox] = act(b[m] + Σ col[(m, ky, kx), (ih, iw)] + residual)` over the taps with
/// `oy = ih·sh + ky·dh - pad_top` (and likewise for x), with the op's bias and its fused epilogue when that has
/// the engine's form ([`EngineEpilogue::fold`]); `None` otherwise, and for what is not 2-D NCHW.
fn conv_transpose(l: &mut Lowering<'_>) -> Result<Option<Vec<Value>>, String> {
    let (x, w, b) = (l.operand(0), l.operand(1), l.named("b"));
    let (xs, ws) = (l.memref(x).shape, l.memref(w).shape);
    let ys = l.result_type(0).shape;
    let group = l.op().int("group")? as u64;
    if xs.len() != 4 || group == 0 || ys.contains(&0) || xs.contains(&0) {
        return Ok(None);
    }
    let window = Window::read_transposed(l, &xs[2..], &ws[2..], &ys[2..])?;
    let mut extra: Inputs = b.into_iter().collect();
    let shapes = Shapes { per_row: Some(vec![ys[1], 1, 1]), per_column: None, column_batch: None };
    let Some(folded) = EngineEpilogue::with_bias(b.is_some()).fold(l, &shapes, &mut extra) else { return Ok(None) };
    // The window's pads before each axis: the output positions cut off before the first (never negative for a
    // transposed conv, whose pads only shrink the output).
    let (Ok(pad_top), Ok(pad_left)) = (u64::try_from(window.pads[0]), u64::try_from(window.pads[1])) else {
        return Ok(None);
    };
    let as_u64 = |v: &[i64]| [v[0] as u64, v[1] as u64];
    let (cg, mg) = (xs[1] / group, ys[1] / group);
    let (kh, kw) = (ws[2], ws[3]);
    let in_plane = xs[2] * xs[3];
    let (m, k, n) = (mg * kh * kw, cg, in_plane);
    let col2im = Col2imCall {
        images: xs[0],
        channels: ys[1],
        input: [xs[2], xs[3]],
        kernel: [kh, kw],
        stride: as_u64(&window.strides),
        dilation: as_u64(&window.dilations),
        pad: [pad_top, pad_left],
        out: [ys[2], ys[3]],
        bias: folded.bias != Bias::None,
        residual: folded.residual,
        activation: folded.activation,
    };
    let len = |shape: &[u64]| 4 * shape.iter().product::<u64>();
    let mut lens = vec![len(&[xs[0], group, m, n]), len(&ys)];
    lens.extend(extra.iter().map(|&v| len(&l.memref(v).shape)));
    if folded.alpha != 1.0 || col2im.check(&lens).is_err() {
        return Ok(None);
    }
    let mut call = product(m, n, k, Source::Strided { row: 1, col: m }, Source::Strided { row: n, col: 1 });
    let levels = [(xs[0], 0, xs[1] * in_plane, group * m * n), (group, cg * m, cg * in_plane, m * n)];
    call.batch = levels
        .into_iter()
        .filter(|l| l.0 > 1)
        .map(|(count, a, b, c)| BatchLevel { count, a, b, c, bias: 0, residual: 0 })
        .collect();
    let columns = l.alloc(MemRefType::new(vec![xs[0] * group * m * n], ElementType::F32));
    let (wf, xf) = (flat(l, w), flat(l, x));
    l.gemm(&call, &[wf, xf, columns]);
    let out = l.result(0);
    let mut buffers = vec![columns, flat(l, out)];
    for value in extra {
        buffers.push(flat(l, value));
    }
    l.routine(&COL2IM, attributes_of(&col2im), &buffers);
    Ok(Some(vec![out]))
}
