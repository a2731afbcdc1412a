//! Lowerings of the `nn` elementwise ops to kernels: one generic broadcasting kernel builder
//! ([`broadcast_map`]) and, per op, a scalar body.
//!
//! Numerics follow the reference kernels (`msc-nn-kernels`): integers compute in their own type
//! with wrapping (the same low bits as the reference's `i64` arithmetic), including ONNX `Mod`'s
//! sign rules and `BitShift`'s direction; float-to-integer conversions go through `i64` and wrap,
//! as the reference's `as i64` does. Floats compute in their own type (f64 in f64, f32 in f32)
//! where the reference rounds one f64 result; f16 and bf16 compute in f32 (extended after the
//! load, truncated before the store). Transcendental activations therefore differ from the
//! reference by a few f32 ulps, well within the ONNX backend tests' tolerance.

use super::{CHUNK, LowerFn, Lowering};
use msc_ir::{ElementType, MemRefType, Type, Value};
use msc_kernel::{BinOp, Cmp, KernelBuilder, KernelFunc, arith, is_unsigned, math};
use msc_nn_kernels::epilogue::Activation;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.abs", |l| map(l, |kb, v| abs(kb, v[0]))),
    ("nn.neg", |l| map(l, |kb, v| neg(kb, v[0]))),
    ("nn.exp", |l| map(l, |kb, v| kb.unary(&math::EXP, v[0]))),
    ("nn.log", |l| map(l, |kb, v| kb.unary(&math::LOG, v[0]))),
    ("nn.sqrt", |l| map(l, |kb, v| kb.unary(&math::SQRT, v[0]))),
    ("nn.rsqrt", |l| map(l, |kb, v| kb.unary(&math::RSQRT, v[0]))),
    ("nn.reciprocal", |l| map(l, |kb, v| reciprocal(kb, v[0]))),
    ("nn.floor", |l| map(l, |kb, v| kb.unary(&math::FLOOR, v[0]))),
    ("nn.ceil", |l| map(l, |kb, v| kb.unary(&math::CEIL, v[0]))),
    ("nn.round", |l| map(l, |kb, v| kb.unary(&math::ROUNDEVEN, v[0]))),
    ("nn.sign", |l| map(l, |kb, v| sign(kb, v[0]))),
    ("nn.sin", |l| map(l, |kb, v| kb.unary(&math::SIN, v[0]))),
    ("nn.cos", |l| map(l, |kb, v| kb.unary(&math::COS, v[0]))),
    ("nn.tan", |l| map(l, |kb, v| kb.unary(&math::TAN, v[0]))),
    ("nn.asin", |l| map(l, |kb, v| kb.unary(&math::ASIN, v[0]))),
    ("nn.acos", |l| map(l, |kb, v| kb.unary(&math::ACOS, v[0]))),
    ("nn.atan", |l| map(l, |kb, v| kb.unary(&math::ATAN, v[0]))),
    ("nn.sinh", |l| map(l, |kb, v| kb.unary(&math::SINH, v[0]))),
    ("nn.cosh", |l| map(l, |kb, v| kb.unary(&math::COSH, v[0]))),
    ("nn.asinh", |l| map(l, |kb, v| kb.unary(&math::ASINH, v[0]))),
    ("nn.acosh", |l| map(l, |kb, v| kb.unary(&math::ACOSH, v[0]))),
    ("nn.atanh", |l| map(l, |kb, v| kb.unary(&math::ATANH, v[0]))),
    ("nn.tanh", |l| map(l, |kb, v| kb.unary(&math::TANH, v[0]))),
    ("nn.erf", |l| map(l, |kb, v| via_float(kb, v[0], |kb, x| kb.unary(&math::ERF, x)))),
    ("nn.sigmoid", |l| map(l, |kb, v| sigmoid(kb, v[0]))),
    ("nn.relu", |l| map(l, |kb, v| relu(kb, v[0]))),
    ("nn.leaky_relu", |l| {
        let alpha = l.op().float("alpha")?;
        map(l, move |kb, v| leaky_relu(kb, v[0], alpha))
    }),
    ("nn.elu", |l| {
        let alpha = l.op().float("alpha")?;
        map(l, move |kb, v| elu(kb, v[0], alpha))
    }),
    ("nn.selu", |l| {
        let (alpha, gamma) = (l.op().float("alpha")?, l.op().float("gamma")?);
        map(l, move |kb, v| selu(kb, v[0], alpha, gamma))
    }),
    ("nn.celu", |l| {
        let alpha = l.op().float("alpha")?;
        map(l, move |kb, v| celu(kb, v[0], alpha))
    }),
    ("nn.gelu", |l| {
        let tanh = l.op().string("approximate")? == "tanh";
        map(l, move |kb, v| gelu(kb, v[0], tanh))
    }),
    ("nn.silu", |l| map(l, |kb, v| silu(kb, v[0]))),
    ("nn.hard_sigmoid", |l| {
        let (alpha, beta) = (l.op().float("alpha")?, l.op().float("beta")?);
        map(l, move |kb, v| hard_sigmoid(kb, v[0], alpha, beta))
    }),
    ("nn.hard_swish", |l| map(l, |kb, v| hard_swish(kb, v[0]))),
    ("nn.softplus", |l| map(l, |kb, v| softplus(kb, v[0]))),
    ("nn.softsign", |l| map(l, |kb, v| softsign(kb, v[0]))),
    ("nn.mish", |l| map(l, |kb, v| mish(kb, v[0]))),
    ("nn.thresholded_relu", |l| {
        let alpha = l.op().float("alpha")?;
        map(l, move |kb, v| thresholded_relu(kb, v[0], alpha))
    }),
    ("nn.shrink", |l| {
        let (bias, lambd) = (l.op().float("bias")?, l.op().float("lambd")?);
        map(l, move |kb, v| via_float(kb, v[0], |kb, x| shrink(kb, x, bias, lambd)))
    }),
    ("nn.is_nan", |l| map(l, |kb, v| kb.cmp(Cmp::Ne, v[0], v[0]))),
    ("nn.is_inf", |l| {
        let (negative, positive) = (l.op().bool("detect_negative")?, l.op().bool("detect_positive")?);
        map(l, move |kb, v| is_inf(kb, v[0], negative, positive))
    }),
    ("nn.not", |l| map(l, |kb, v| not(kb, v[0]))),
    ("nn.bitwise_not", |l| map(l, |kb, v| not(kb, v[0]))),
    ("nn.clip", clip),
    ("nn.cast", |l| {
        let to = l.result_type(0).element;
        map(l, move |kb, v| convert(kb, v[0], to))
    }),
    ("nn.add", |l| map(l, |kb, v| kb.add(v[0], v[1]))),
    ("nn.sub", |l| map(l, |kb, v| kb.sub(v[0], v[1]))),
    ("nn.mul", |l| map(l, |kb, v| kb.mul(v[0], v[1]))),
    ("nn.div", |l| map(l, |kb, v| kb.div(v[0], v[1]))),
    ("nn.pow", |l| map(l, |kb, v| pow(kb, v[0], v[1]))),
    ("nn.mod", |l| {
        let fmod = l.op().bool("fmod")?;
        map(l, move |kb, v| if fmod { kb.binary(BinOp::Rem, v[0], v[1]) } else { floored_rem(kb, v[0], v[1]) })
    }),
    ("nn.equal", |l| map(l, |kb, v| kb.cmp(Cmp::Eq, v[0], v[1]))),
    ("nn.less", |l| map(l, |kb, v| kb.cmp(Cmp::Lt, v[0], v[1]))),
    ("nn.less_or_equal", |l| map(l, |kb, v| kb.cmp(Cmp::Le, v[0], v[1]))),
    ("nn.greater", |l| map(l, |kb, v| kb.cmp(Cmp::Gt, v[0], v[1]))),
    ("nn.greater_or_equal", |l| map(l, |kb, v| kb.cmp(Cmp::Ge, v[0], v[1]))),
    ("nn.and", |l| map(l, |kb, v| kb.binary(BinOp::And, v[0], v[1]))),
    ("nn.or", |l| map(l, |kb, v| kb.binary(BinOp::Or, v[0], v[1]))),
    ("nn.xor", |l| map(l, |kb, v| kb.binary(BinOp::Xor, v[0], v[1]))),
    ("nn.bit_shift", |l| {
        let left = match l.op().string("direction")?.as_str() {
            "LEFT" => true,
            "RIGHT" => false,
            other => return Err(format!("nn.bit_shift: unknown direction \"{other}\"")),
        };
        map(l, move |kb, v| bit_shift(kb, v[0], v[1], left))
    }),
    ("nn.bitwise_and", |l| map(l, |kb, v| kb.binary(BinOp::And, v[0], v[1]))),
    ("nn.bitwise_or", |l| map(l, |kb, v| kb.binary(BinOp::Or, v[0], v[1]))),
    ("nn.bitwise_xor", |l| map(l, |kb, v| kb.binary(BinOp::Xor, v[0], v[1]))),
    ("nn.prelu", |l| map(l, |kb, v| prelu(kb, v[0], v[1]))),
    ("nn.sum", |l| map(l, |kb, v| fold(kb, BinOp::Add, v))),
    ("nn.mean", |l| map(l, mean)),
    ("nn.min", |l| map(l, |kb, v| fold(kb, BinOp::Min, v))),
    ("nn.max", |l| map(l, |kb, v| fold(kb, BinOp::Max, v))),
    ("nn.where", |l| map(l, |kb, v| kb.select(v[0], v[1], v[2]))),
];

/// The scalar body of an epilogue step's activation on a float `x` (the same bodies as the
/// `nn` ops it stands for).
pub(super) fn activation(kb: &mut KernelBuilder<'_>, a: Activation, x: Value) -> Value {
    use Activation as A;
    match a {
        A::Relu => relu(kb, x),
        A::Sigmoid => sigmoid(kb, x),
        A::Tanh => kb.unary(&math::TANH, x),
        A::Exp => kb.unary(&math::EXP, x),
        A::Neg => neg(kb, x),
        A::Abs => abs(kb, x),
        A::Sqrt => kb.unary(&math::SQRT, x),
        A::Reciprocal => reciprocal(kb, x),
        A::Erf => kb.unary(&math::ERF, x),
        A::Silu => silu(kb, x),
        A::Gelu => gelu(kb, x, false),
        A::GeluTanh => gelu(kb, x, true),
        A::HardSwish => hard_swish(kb, x),
        A::Mish => mish(kb, x),
        A::Softplus => softplus(kb, x),
        A::HardSigmoid { alpha, beta } => hard_sigmoid(kb, x, alpha, beta),
        A::LeakyRelu { alpha } => leaky_relu(kb, x, alpha),
        A::Clip { lo, hi } => {
            let (lo, hi) = (constant(kb, lo, x), constant(kb, hi, x));
            clamp(kb, x, Some(lo), Some(hi))
        }
        A::Elu { alpha } => elu(kb, x, alpha),
    }
}

/// Lowers the op elementwise: every operand, broadcast, into result 0 through `body`.
fn map(
    l: &mut Lowering<'_>,
    body: impl FnOnce(&mut KernelBuilder<'_>, &[Value]) -> Value,
) -> Result<Vec<Value>, String> {
    let inputs: Vec<Value> = (0..l.op().operands().len()).map(|i| l.operand(i)).collect();
    let hint = l.op().name().trim_start_matches("nn.");
    let out = l.result(0);
    broadcast_map(l, hint, &inputs, out, body);
    Ok(vec![out])
}

/// Computes `out = body(inputs...)` elementwise with numpy broadcasting of `inputs` to `out`'s
/// shape, in one kernel named after `hint`. `body` gets the values of one output element's
/// operands (f16 and bf16 extended to f32) and returns the element; a float of another width
/// than the output's is rounded to it before the store.
///
/// Dims of size 1 in the output are dropped and adjacent dims that every input either has or
/// broadcasts along are merged, so same-shape operands become one flat loop. The innermost loop
/// runs over the last merged dim with unit stride; operands broadcast along it are loaded once
/// per row, before the loop.
pub(super) fn broadcast_map(
    l: &mut Lowering<'_>,
    hint: &str,
    inputs: &[Value],
    out: Value,
    body: impl FnOnce(&mut KernelBuilder<'_>, &[Value]) -> Value,
) {
    let out_ty = l.memref(out);
    if out_ty.num_elements() == Some(0) {
        return;
    }
    let in_tys: Vec<MemRefType> = inputs.iter().map(|&v| l.memref(v)).collect();
    let (shape, present) = merge_dims(&out_ty.shape, &in_tys);
    let mut buffers: Vec<Value> = Vec::with_capacity(inputs.len() + 1);
    for (k, &input) in inputs.iter().enumerate() {
        let dims = shape.iter().zip(&present[k]).map(|(&n, &p)| if p { n } else { 1 }).collect::<Vec<u64>>();
        buffers.push(reshaped(l, input, dims));
    }
    buffers.push(reshaped(l, out, shape.clone()));
    let (outer, inner) = shape.split_at(shape.len() - 1);
    let out_element = out_ty.element;
    launch_rows(l, hint, &buffers, outer, inner[0], |kb, kf, row, lo, hi| {
        let (ins, out) = kf.buffers.split_at(inputs.len());
        let zero = kb.index(0);
        let indices = |k: usize, j: Value| -> Vec<Value> {
            let mut at: Vec<Value> = row.iter().zip(&present[k]).map(|(&i, &p)| if p { i } else { zero }).collect();
            at.push(if present[k][row.len()] { j } else { zero });
            at
        };
        // Operands broadcast along the inner dim are loop-invariant: load them once per row.
        let hoisted: Vec<Option<Value>> = (0..ins.len())
            .map(|k| (!present[k][row.len()]).then(|| load_widened(kb, ins[k], &indices(k, zero))))
            .collect();
        kb.for_range(lo, hi, |kb, j| {
            let values: Vec<Value> = (0..ins.len())
                .map(|k| hoisted[k].unwrap_or_else(|| load_widened(kb, ins[k], &indices(k, j))))
                .collect();
            let mut result = body(kb, &values);
            if kb.element(result).is_some_and(|e| e.is_float() && e != out_element) && out_element.is_float() {
                result = kb.cast(result, out_element);
            }
            let mut at = row.to_vec();
            at.push(j);
            kb.store(result, out[0], &at);
        });
    });
}

/// The iteration shape of a broadcast to `out` (size-1 dims dropped, mergeable dims merged; at
/// least one dim) and, per input, which of its dims it has (`false`: broadcast along it).
fn merge_dims(out: &[u64], inputs: &[MemRefType]) -> (Vec<u64>, Vec<Vec<bool>>) {
    let rank = out.len();
    let mut shape: Vec<u64> = Vec::new();
    let mut present: Vec<Vec<bool>> = vec![Vec::new(); inputs.len()];
    for d in (0..rank).filter(|&d| out[d] != 1) {
        let has: Vec<bool> = inputs
            .iter()
            .map(|t| {
                let offset = rank - t.shape.len();
                d >= offset && t.shape[d - offset] != 1
            })
            .collect();
        let mergeable = !shape.is_empty() && present.iter().zip(&has).all(|(p, &h)| p.last() == Some(&h));
        if mergeable {
            *shape.last_mut().expect("not empty") *= out[d];
        } else {
            shape.push(out[d]);
            present.iter_mut().zip(&has).for_each(|(p, &h)| p.push(h));
        }
    }
    if shape.is_empty() {
        shape.push(1);
        present.iter_mut().for_each(|p| p.push(false));
    }
    (shape, present)
}

/// Buffer `v` seen with shape `dims` (same element count), without a view when it already is.
pub(super) fn reshaped(l: &mut Lowering<'_>, v: Value, dims: Vec<u64>) -> Value {
    let ty = l.memref(v);
    if ty.shape == dims { v } else { l.view(v, MemRefType::new(dims, ty.element), 0) }
}

/// Launches kernel `hint` on `buffers` over the index space `outer ++ [inner]` (non-empty `inner`
/// rows), in tiles of about [`CHUNK`] elements: runs of whole rows when a row is shorter, else
/// `CHUNK`-long pieces of one row. `row(kb, kf, indices, lo, hi)` emits the work for columns
/// `[lo, hi)` of the row at `indices` (of `outer`), typically a unit-stride `scf.for`.
pub(super) fn launch_rows(
    l: &mut Lowering<'_>,
    hint: &str,
    buffers: &[Value],
    outer: &[u64],
    inner: u64,
    row: impl FnOnce(&mut KernelBuilder<'_>, &KernelFunc, &[Value], Value, Value),
) {
    let rows: u64 = outer.iter().product();
    if rows == 0 || inner == 0 {
        return;
    }
    let chunk = CHUNK as i64;
    if outer.is_empty() {
        // One row: tiles are its CHUNK-long pieces, a tile range one column range.
        l.launch(hint, buffers, inner.div_ceil(CHUNK), |kb, kf| {
            let lo = kb.mul_const(kf.begin, chunk);
            let hi = kb.mul_const(kf.end, chunk);
            let n = kb.index(inner as i64);
            let hi = kb.min(hi, n);
            row(kb, kf, &[], lo, hi);
        });
    } else if inner < CHUNK {
        let per_tile = CHUNK / inner;
        l.launch(hint, buffers, rows.div_ceil(per_tile), |kb, kf| {
            let first = kb.mul_const(kf.begin, per_tile as i64);
            let last = kb.mul_const(kf.end, per_tile as i64);
            let n = kb.index(rows as i64);
            let last = kb.min(last, n);
            kb.for_range(first, last, |kb, r| {
                let indices = kb.delinearize(r, outer);
                let (lo, hi) = (kb.index(0), kb.index(inner as i64));
                row(kb, kf, &indices, lo, hi);
            });
        });
    } else {
        let pieces = inner.div_ceil(CHUNK);
        l.launch(hint, buffers, rows * pieces, |kb, kf| {
            kb.for_range(kf.begin, kf.end, |kb, t| {
                let p = kb.index(pieces as i64);
                let r = kb.div(t, p);
                let piece = kb.binary(BinOp::Rem, t, p);
                let indices = kb.delinearize(r, outer);
                let lo = kb.mul_const(piece, chunk);
                let hi = kb.add_const(lo, chunk);
                let n = kb.index(inner as i64);
                let hi = kb.min(hi, n);
                row(kb, kf, &indices, lo, hi);
            });
        });
    }
}

/// Loads `buf[indices]`, extending f16 and bf16 to f32.
pub(super) fn load_widened(kb: &mut KernelBuilder<'_>, buf: Value, indices: &[Value]) -> Value {
    let v = kb.load(buf, indices);
    match kb.element(v) {
        Some(ElementType::F16 | ElementType::BF16) => kb.cast(v, ElementType::F32),
        _ => v,
    }
}

/// A constant of `like`'s element type.
fn constant(kb: &mut KernelBuilder<'_>, value: f64, like: Value) -> Value {
    let element = kb.element(like).expect("element-typed scalar");
    kb.constant(value, element)
}

fn is_float(kb: &KernelBuilder<'_>, v: Value) -> bool {
    kb.element(v).is_some_and(ElementType::is_float)
}

/// Converts a scalar to `to` as the reference's `Tensor::cast` does: floats to integers through
/// a saturating `i64` conversion, then wrapping to `to`'s width; everything else as
/// [`KernelBuilder::cast`].
fn convert(kb: &mut KernelBuilder<'_>, v: Value, to: ElementType) -> Value {
    if is_float(kb, v) && to.is_int() {
        let wide = kb.op_to(&arith::FPTOSI, &[v], Type::Element(ElementType::I64));
        return kb.cast(wide, to);
    }
    kb.cast(v, to)
}

/// `f(x)` for a float `x`; for an integer `x`, `f` in f64, truncated back to the integer type
/// (the reference's integer `Erf` and `Shrink`).
fn via_float(kb: &mut KernelBuilder<'_>, x: Value, f: impl FnOnce(&mut KernelBuilder<'_>, Value) -> Value) -> Value {
    if is_float(kb, x) {
        return f(kb, x);
    }
    let element = kb.element(x).expect("element-typed scalar");
    let wide = kb.cast(x, ElementType::F64);
    let y = f(kb, wide);
    convert(kb, y, element)
}

/// `c ? a : b` with `c = x < 0`.
fn if_negative(kb: &mut KernelBuilder<'_>, x: Value, a: Value, b: Value) -> Value {
    let zero = constant(kb, 0.0, x);
    let negative = kb.cmp(Cmp::Lt, x, zero);
    kb.select(negative, a, b)
}

fn abs(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    if is_float(kb, x) {
        kb.unary(&math::ABSF, x)
    } else if is_unsigned(&kb.ty(x)) {
        x
    } else {
        kb.unary(&math::ABSI, x)
    }
}

fn neg(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    if is_float(kb, x) {
        kb.unary(&arith::NEGF, x)
    } else {
        let zero = constant(kb, 0.0, x);
        kb.sub(zero, x)
    }
}

fn reciprocal(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let one = constant(kb, 1.0, x);
    kb.div(one, x)
}

/// -1, 0 or 1 by the sign of `x`; float zeros and NaN stay as they are.
fn sign(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let (zero, one, minus_one) = (constant(kb, 0.0, x), constant(kb, 1.0, x), constant(kb, -1.0, x));
    let negative = kb.cmp(Cmp::Lt, x, zero);
    let rest = kb.select(negative, minus_one, x);
    let positive = kb.cmp(Cmp::Gt, x, zero);
    kb.select(positive, one, rest)
}

/// `x < 0 ? 0 : x` (NaN passes through).
fn relu(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let zero = constant(kb, 0.0, x);
    if_negative(kb, x, zero, x)
}

fn leaky_relu(kb: &mut KernelBuilder<'_>, x: Value, alpha: f64) -> Value {
    let alpha = constant(kb, alpha, x);
    let scaled = kb.mul(alpha, x);
    if_negative(kb, x, scaled, x)
}

/// `e^x - 1`, accurate near 0 (Kahan's `(u - 1) * x / ln u` with `u = e^x`); for `x <= 0`, the
/// only range the activations use it on.
fn expm1(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let one = constant(kb, 1.0, x);
    let minus_one = constant(kb, -1.0, x);
    let u = kb.unary(&math::EXP, x);
    let um1 = kb.sub(u, one);
    let log_u = kb.unary(&math::LOG, u);
    let scaled = kb.mul(um1, x);
    let general = kb.div(scaled, log_u);
    let underflow = kb.cmp(Cmp::Eq, um1, minus_one);
    let general = kb.select(underflow, minus_one, general);
    let tiny = kb.cmp(Cmp::Eq, u, one);
    kb.select(tiny, x, general)
}

/// `ln(1 + y)` for `y >= 0`, accurate near 0 (`ln u * y / (u - 1)` with `u = 1 + y`).
fn log1p(kb: &mut KernelBuilder<'_>, y: Value) -> Value {
    let one = constant(kb, 1.0, y);
    let u = kb.add(one, y);
    let log_u = kb.unary(&math::LOG, u);
    let scaled = kb.mul(log_u, y);
    let um1 = kb.sub(u, one);
    let general = kb.div(scaled, um1);
    let tiny = kb.cmp(Cmp::Eq, u, one);
    kb.select(tiny, y, general)
}

fn elu(kb: &mut KernelBuilder<'_>, x: Value, alpha: f64) -> Value {
    let alpha = constant(kb, alpha, x);
    let e = expm1(kb, x);
    let scaled = kb.mul(alpha, e);
    if_negative(kb, x, scaled, x)
}

/// `x > 0 ? x : alpha * expm1(x / divisor)`, the shared shape of `selu` and `celu`.
fn positive_or_expm1(kb: &mut KernelBuilder<'_>, x: Value, alpha: f64, divisor: Option<f64>) -> Value {
    let zero = constant(kb, 0.0, x);
    let arg = match divisor {
        Some(d) => {
            let d = constant(kb, d, x);
            kb.div(x, d)
        }
        None => x,
    };
    let e = expm1(kb, arg);
    let alpha = constant(kb, alpha, x);
    let scaled = kb.mul(alpha, e);
    let positive = kb.cmp(Cmp::Gt, x, zero);
    kb.select(positive, x, scaled)
}

fn selu(kb: &mut KernelBuilder<'_>, x: Value, alpha: f64, gamma: f64) -> Value {
    let inner = positive_or_expm1(kb, x, alpha, None);
    let gamma = constant(kb, gamma, x);
    kb.mul(gamma, inner)
}

fn celu(kb: &mut KernelBuilder<'_>, x: Value, alpha: f64) -> Value {
    positive_or_expm1(kb, x, alpha, Some(alpha))
}

/// `0.5 x (1 + erf(x / sqrt 2))`, or with `tanh`, `0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))`.
fn gelu(kb: &mut KernelBuilder<'_>, x: Value, tanh: bool) -> Value {
    let phi = if tanh {
        let cube = kb.mul(x, x);
        let cube = kb.mul(cube, x);
        let c = constant(kb, 0.044715, x);
        let term = kb.mul(c, cube);
        let sum = kb.add(x, term);
        let k = constant(kb, (2.0 / std::f64::consts::PI).sqrt(), x);
        let inner = kb.mul(k, sum);
        kb.unary(&math::TANH, inner)
    } else {
        let sqrt2 = constant(kb, std::f64::consts::SQRT_2, x);
        let scaled = kb.div(x, sqrt2);
        kb.unary(&math::ERF, scaled)
    };
    let (half, one) = (constant(kb, 0.5, x), constant(kb, 1.0, x));
    let factor = kb.add(one, phi);
    let hx = kb.mul(half, x);
    kb.mul(hx, factor)
}

/// `1 / (1 + e^-x)`.
fn sigmoid(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let one = constant(kb, 1.0, x);
    let minus_x = kb.unary(&arith::NEGF, x);
    let e = kb.unary(&math::EXP, minus_x);
    let denominator = kb.add(one, e);
    kb.div(one, denominator)
}

fn silu(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let s = sigmoid(kb, x);
    kb.mul(x, s)
}

/// `clamp(alpha x + beta, 0, 1)` (NaN propagates).
fn hard_sigmoid(kb: &mut KernelBuilder<'_>, x: Value, alpha: f64, beta: f64) -> Value {
    let (alpha, beta) = (constant(kb, alpha, x), constant(kb, beta, x));
    let (zero, one) = (constant(kb, 0.0, x), constant(kb, 1.0, x));
    let ax = kb.mul(alpha, x);
    let y = kb.add(ax, beta);
    let y = kb.max(y, zero);
    kb.min(y, one)
}

fn hard_swish(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let h = hard_sigmoid(kb, x, 1.0 / 6.0, 0.5);
    kb.mul(x, h)
}

/// `ln(1 + e^x)` as `max(x, 0) + ln(1 + e^-|x|)`, which does not overflow.
fn softplus(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let zero = constant(kb, 0.0, x);
    let magnitude = kb.unary(&math::ABSF, x);
    let minus = kb.unary(&arith::NEGF, magnitude);
    let e = kb.unary(&math::EXP, minus);
    let tail = log1p(kb, e);
    let head = kb.max(x, zero);
    kb.add(head, tail)
}

fn softsign(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let one = constant(kb, 1.0, x);
    let magnitude = kb.unary(&math::ABSF, x);
    let denominator = kb.add(one, magnitude);
    kb.div(x, denominator)
}

fn mish(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let s = softplus(kb, x);
    let t = kb.unary(&math::TANH, s);
    kb.mul(x, t)
}

fn thresholded_relu(kb: &mut KernelBuilder<'_>, x: Value, alpha: f64) -> Value {
    let (alpha, zero) = (constant(kb, alpha, x), constant(kb, 0.0, x));
    let above = kb.cmp(Cmp::Gt, x, alpha);
    kb.select(above, x, zero)
}

/// `x + bias` below `-lambd`, `x - bias` above `lambd`, else 0 (on floats).
fn shrink(kb: &mut KernelBuilder<'_>, x: Value, bias: f64, lambd: f64) -> Value {
    let (bias, zero) = (constant(kb, bias, x), constant(kb, 0.0, x));
    let (low, high) = (constant(kb, -lambd, x), constant(kb, lambd, x));
    let above = kb.cmp(Cmp::Gt, x, high);
    let minus = kb.sub(x, bias);
    let rest = kb.select(above, minus, zero);
    let below = kb.cmp(Cmp::Lt, x, low);
    let plus = kb.add(x, bias);
    kb.select(below, plus, rest)
}

/// Whether `x` is an infinity of a selected sign (beyond the type's largest finite value).
fn is_inf(kb: &mut KernelBuilder<'_>, x: Value, negative: bool, positive: bool) -> Value {
    let largest = if kb.element(x) == Some(ElementType::F64) { f64::MAX } else { f32::MAX as f64 };
    let mut result = kb.constant(0.0, ElementType::Bool);
    if positive {
        let bound = constant(kb, largest, x);
        let hit = kb.cmp(Cmp::Gt, x, bound);
        result = kb.binary(BinOp::Or, result, hit);
    }
    if negative {
        let bound = constant(kb, -largest, x);
        let hit = kb.cmp(Cmp::Lt, x, bound);
        result = kb.binary(BinOp::Or, result, hit);
    }
    result
}

/// Logical (i1) or bitwise (integers) complement.
fn not(kb: &mut KernelBuilder<'_>, x: Value) -> Value {
    let ones = constant(kb, -1.0, x);
    kb.binary(BinOp::Xor, x, ones)
}

/// `Clip` with its optional scalar bounds: raise to `min`, then lower to `max` (NaN passes).
fn clip(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (has_min, has_max) = (l.named("min").is_some(), l.named("max").is_some());
    map(l, move |kb, v| {
        let (lo, hi) = (has_min.then(|| v[1]), has_max.then(|| v[v.len() - 1]));
        clamp(kb, v[0], lo, hi)
    })
}

/// Raises `x` to `lo`, then lowers it to `hi` (absent bounds do not clamp; NaN passes).
fn clamp(kb: &mut KernelBuilder<'_>, x: Value, lo: Option<Value>, hi: Option<Value>) -> Value {
    let mut x = x;
    if let Some(lo) = lo {
        let below = kb.cmp(Cmp::Lt, x, lo);
        x = kb.select(below, lo, x);
    }
    if let Some(hi) = hi {
        let above = kb.cmp(Cmp::Gt, x, hi);
        x = kb.select(above, hi, x);
    }
    x
}

/// The remainder with the divisor's sign (Python's `%`, ONNX `Mod` with `fmod = 0`).
fn floored_rem(kb: &mut KernelBuilder<'_>, x: Value, y: Value) -> Value {
    let r = kb.binary(BinOp::Rem, x, y);
    let zero = constant(kb, 0.0, x);
    let nonzero = kb.cmp(Cmp::Ne, r, zero);
    let r_negative = kb.cmp(Cmp::Lt, r, zero);
    let y_negative = kb.cmp(Cmp::Lt, y, zero);
    let signs_differ = kb.binary(BinOp::Xor, r_negative, y_negative);
    let fix = kb.binary(BinOp::And, nonzero, signs_differ);
    let adjusted = kb.add(r, y);
    kb.select(fix, adjusted, r)
}

/// `x << y` or `x >> y` (arithmetic for signed types); amounts out of range give 0 (-1 when
/// shifting a negative value right), as the `arith` shifts define.
fn bit_shift(kb: &mut KernelBuilder<'_>, x: Value, y: Value, left: bool) -> Value {
    let def = match (left, is_unsigned(&kb.ty(x))) {
        (true, _) => &arith::SHLI,
        (false, true) => &arith::SHRUI,
        (false, false) => &arith::SHRSI,
    };
    kb.op(def, &[x, y])
}

fn prelu(kb: &mut KernelBuilder<'_>, x: Value, slope: Value) -> Value {
    let scaled = kb.mul(slope, x);
    if_negative(kb, x, scaled, x)
}

/// `v[0] op v[1] op ...`.
fn fold(kb: &mut KernelBuilder<'_>, op: BinOp, v: &[Value]) -> Value {
    v[1..].iter().fold(v[0], |acc, &x| kb.binary(op, acc, x))
}

fn mean(kb: &mut KernelBuilder<'_>, v: &[Value]) -> Value {
    let sum = fold(kb, BinOp::Add, v);
    let count = constant(kb, v.len() as f64, sum);
    kb.div(sum, count)
}

/// ONNX `Pow` as the reference computes it: a float power in the wider float type of the two
/// operands, or in f64 for an integer base with a float exponent (truncated back); an integer
/// base with an integer exponent uses exact wrapping powers.
pub(super) fn pow(kb: &mut KernelBuilder<'_>, base: Value, exponent: Value) -> Value {
    let base_element = kb.element(base).expect("element-typed scalar");
    let exponent_element = kb.element(exponent).expect("element-typed scalar");
    if !base_element.is_float() && !exponent_element.is_float() {
        return int_pow(kb, base, exponent);
    }
    let wide =
        if !base_element.is_float() || exponent_element == ElementType::F64 { ElementType::F64 } else { base_element };
    let (b, e) = (kb.cast(base, wide), kb.cast(exponent, wide));
    let p = kb.op(&math::POWF, &[b, e]);
    if base_element.is_float() { kb.cast(p, base_element) } else { convert(kb, p, base_element) }
}

/// `base^exponent` with wrapping multiplication, by repeated squaring over the exponent's 64
/// bits (negative exponents, which the reference rejects, give garbage).
fn int_pow(kb: &mut KernelBuilder<'_>, base: Value, exponent: Value) -> Value {
    let element = kb.element(base).expect("element-typed scalar");
    let e = kb.cast(exponent, ElementType::I64);
    let one = kb.int(1, element);
    let (one64, zero64) = (kb.int(1, ElementType::I64), kb.int(0, ElementType::I64));
    let (lb, ub) = (kb.index(0), kb.index(64));
    let results = kb.for_carry(lb, ub, &[one, base, e], |kb, _, c| {
        let (acc, b, e) = (c[0], c[1], c[2]);
        let bit = kb.binary(BinOp::And, e, one64);
        let odd = kb.cmp(Cmp::Ne, bit, zero64);
        let product = kb.mul(acc, b);
        let acc = kb.select(odd, product, acc);
        let b = kb.mul(b, b);
        let e = kb.op(&arith::SHRUI, &[e, one64]);
        vec![acc, b, e]
    });
    results[0]
}
