//! Fused ops, produced by the optimizer rather than the frontends: `nn.fused_conv` (a conv in a
//! chosen storage layout plus an epilogue), `nn.fused_conv_transpose`, `nn.fused_matmul`,
//! `nn.fused_elementwise`, `nn.rms_norm` and `nn.attention`.
//!
//! Epilogues and elementwise steps are arrays of strings in the grammar of
//! [`msc_nn_kernels::epilogue`] (`"add $2"`, `"relu"`, `"clip 0 6"`, `"sub $3 swap"`, ...): unary
//! steps, and binary steps reading operand `$k` of the op (all operands counted from 0), which must
//! be one of the op's extra operands and broadcast unidirectionally to the result.
//!
//! Blocked layouts `NCHW<k>c` need C and M to be multiples of k; with group > 1 they take
//! depthwise convs (group = C) or groups of whole channel blocks (C/group and M/group multiples of
//! k), and reject the rest.

use super::conv::{
    ConvShape, check_forward_conv, conv_output, conv_shape_of, infer_conv_transpose, verify_conv_transpose,
};
use super::linalg::matmul_shape;
use crate::shape::{
    broadcast_shapes, check_broadcasts_to, common_element, flag, format_dim, format_shape, normalize_axis, operand,
    unify_dims, verify_inferred,
};
use msc_ir::{Attribute, Dim, ElementType, OpDef, OpRef, TensorType, Type, declare_op};
use msc_nn_kernels::epilogue::{Step, parse_steps};
use msc_nn_kernels::fused::ConvLayout;
use std::ops::Range;

declare_op! {
    /// Convolution with its input and result stored in `layout`, followed by an epilogue:
    /// `y = epilogue(conv(x, w, b))`. `layout` is `"NCHW"` (as `nn.conv`, any spatial rank),
    /// `"NHWC"` (2-D: x is N x H x W x C, y is N x OH x OW x M) or `"NCHW<k>c"` for k in 4, 8, 16
    /// (2-D: x is N x C/k x H x W x k, y is N x M/k x OH x OW x k). The weight is M x C/group x kh x
    /// kw and the bias has M values whatever the layout; the window attributes are nn.conv's. The
    /// `epilogue` steps' `$k` index all operands (x = 0, w = 1, b = 2 when present, then the
    /// extras), and extras broadcast against y's stored shape.
    ///
    /// Example: `%y = "nn.fused_conv"(%x, %w, %b, %r) {epilogue = ["add $3", "relu"], layout = "NHWC", operandSegmentSizes = [1, 1, 1, 1], pads = [1, 1, 1, 1]} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>`
    pub FusedConv = "nn.fused_conv", FUSED_CONV {
        operands { x: FLOAT_TENSOR, w: FLOAT_TENSOR }
        optional { b: FLOAT_TENSOR }
        variadic { extras: FLOAT_TENSOR }
        results { y: FLOAT_TENSOR }
        attributes {
            auto_pad: String = Str("NOTSET"),
            dilations: Vec<i64> = Optional,
            group: i64 = Int(1),
            kernel_shape: Vec<i64> = Optional,
            pads: Vec<i64> = Optional,
            strides: Vec<i64> = Optional,
            layout: String = Str("NCHW"),
            epilogue: Vec<String> = Optional,
        }
        traits: [PURE],
        verify: Some(verify_fused_conv),
        infer: Some(infer_fused_conv),
    }
}

declare_op! {
    /// Transposed convolution followed by an epilogue: `y = epilogue(conv_transpose(x, w, b))`, NCHW, with
    /// `nn.conv_transpose`'s operands and attributes. The `epilogue` steps' `$k` index all operands (x = 0,
    /// w = 1, b = 2 when present, then the extras), and extras broadcast against y.
    ///
    /// Example: `%y = "nn.fused_conv_transpose"(%x, %w, %b) {epilogue = ["relu"], operandSegmentSizes = [1, 1, 1, 0], strides = [2, 2]} : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x7x7xf32>`
    pub FusedConvTranspose = "nn.fused_conv_transpose", FUSED_CONV_TRANSPOSE {
        operands { x: FLOAT_TENSOR, w: FLOAT_TENSOR }
        optional { b: FLOAT_TENSOR }
        variadic { extras: FLOAT_TENSOR }
        results { y: FLOAT_TENSOR }
        attributes {
            auto_pad: String = Str("NOTSET"),
            dilations: Vec<i64> = Optional,
            group: i64 = Int(1),
            kernel_shape: Vec<i64> = Optional,
            output_padding: Vec<i64> = Optional,
            output_shape: Vec<i64> = Optional,
            pads: Vec<i64> = Optional,
            strides: Vec<i64> = Optional,
            epilogue: Vec<String> = Optional,
        }
        traits: [PURE],
        verify: Some(verify_fused_conv_transpose),
        infer: Some(infer_conv_transpose),
    }
}

declare_op! {
    /// Matrix product followed by an epilogue: `y = epilogue(matmul(a', b'))` with numpy `matmul`
    /// semantics (as `nn.matmul`), where a' (b') is a (b) with its last two axes swapped when
    /// `trans_a` (`trans_b`) is 1 (only for rank 2 or more). The epilogue's `$k` index all operands
    /// (a = 0, b = 1, extras from 2).
    ///
    /// Example: `%y = "nn.fused_matmul"(%a, %b, %bias) {epilogue = ["add $2", "gelu"], trans_b = 1} : (tensor<8x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<8x32xf32>`
    pub FusedMatMul = "nn.fused_matmul", FUSED_MATMUL {
        operands { a: FLOAT_TENSOR, b: FLOAT_TENSOR }
        variadic { extras: FLOAT_TENSOR }
        results { y: FLOAT_TENSOR }
        attributes {
            trans_a: i64 = Int(0),
            trans_b: i64 = Int(0),
            epilogue: Vec<String> = Optional,
        }
        traits: [PURE],
        verify: Some(verify_fused_matmul),
        infer: Some(infer_fused_matmul),
    }
}

declare_op! {
    /// A chain of elementwise steps: the result has the broadcast shape of all inputs and the
    /// element type of the first; `acc` starts as `inputs[0]` broadcast to it, then each of `steps`
    /// (non-empty) updates it; `$k` names `inputs[k]`.
    ///
    /// Example: `%y = "nn.fused_elementwise"(%x, %s) {steps = ["mul $1", "sigmoid", "mul $0"]} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>`
    pub FusedElementwise = "nn.fused_elementwise", FUSED_ELEMENTWISE {
        variadic { inputs: FLOAT_TENSOR }
        results { y: FLOAT_TENSOR }
        attributes { steps: Vec<String> = Required }
        traits: [PURE],
        verify: Some(verify_fused_elementwise),
        infer: Some(infer_fused_elementwise),
    }
}

declare_op! {
    /// RMS normalization (ONNX `RMSNormalization`, opset 23): over the axes `axis..rank`,
    /// `y = x / sqrt(mean(x^2) + epsilon) * scale`, scale broadcast to those trailing axes.
    ///
    /// Example: `%y = "nn.rms_norm"(%x, %scale) {epsilon = 1.0e-06 : f32} : (tensor<2x5x64xf32>, tensor<64xf32>) -> tensor<2x5x64xf32>`
    pub RmsNorm = "nn.rms_norm", RMS_NORM {
        operands { x: FLOAT_TENSOR, scale: FLOAT_TENSOR }
        results { y: FLOAT_TENSOR }
        attributes {
            axis: i64 = Int(-1),
            epsilon: f64 = Float(1e-5),
        }
        traits: [PURE],
        verify: Some(verify_rms_norm),
        infer: Some(infer_rms_norm),
    }
}

declare_op! {
    /// Scaled dot-product attention: `y = softmax(q kᵀ * scale + mask, last axis) v` with q
    /// [..., Sq, D], k [..., Sk, D], v [..., Sk, Dv] (leading axes broadcast numpy-style), the
    /// optional float additive mask broadcast to [..., Sq, Sk], and `scale` 1/sqrt(D) when absent;
    /// the result is [..., Sq, Dv].
    ///
    /// Example: `%y = "nn.attention"(%q, %k, %v) : (tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x16x8xf32>`
    pub Attention = "nn.attention", ATTENTION {
        operands { q: FLOAT_TENSOR, k: FLOAT_TENSOR, v: FLOAT_TENSOR }
        optional { mask: FLOAT_TENSOR }
        results { y: FLOAT_TENSOR }
        attributes { scale: f64 = Optional }
        traits: [PURE],
        verify: Some(verify_attention),
        infer: Some(infer_attention),
    }
}

pub(crate) const OPS: &[&OpDef] =
    &[&FUSED_CONV, &FUSED_CONV_TRANSPOSE, &FUSED_MATMUL, &FUSED_ELEMENTWISE, &RMS_NORM, &ATTENTION];

// ----- epilogues -----

/// The steps of the string-array attribute `name` (absent: none), parsed.
pub fn read_steps(op: &OpRef<'_>, name: &str) -> Result<Vec<Step>, String> {
    let Some(attr) = op.attr(name) else { return Ok(Vec::new()) };
    let texts = attr
        .as_array()
        .and_then(|items| items.iter().map(|a| a.as_str().map(str::to_string)).collect::<Option<Vec<String>>>())
        .ok_or_else(|| format!("attribute `{name}` must be an array of strings, got {}", attr.kind_name()))?;
    parse_steps(&texts).map_err(|e| format!("attribute `{name}` {}", e.0))
}

/// Checks the steps of attribute `name`: well-formed, and every `$k` one of the `extras` operands
/// with a shape that broadcasts unidirectionally to `result`.
fn verify_steps(op: &OpRef<'_>, name: &str, extras: Range<usize>, result: &[Dim]) -> Result<Vec<Step>, String> {
    let steps = read_steps(op, name)?;
    let count = op.operands().len();
    for (i, step) in steps.iter().enumerate() {
        let Some(k) = step.operand() else { continue };
        let at = || format!("attribute `{name}` #{i}: step \"{step}\"");
        if k >= count {
            return Err(format!("{}: operand ${k} is out of range (the op has {count} operands)", at()));
        }
        if !extras.contains(&k) {
            let allowed = if extras.is_empty() {
                "the op has no extra operands".to_string()
            } else {
                format!("extra operands are ${}..=${}", extras.start, extras.end - 1)
            };
            return Err(format!("{}: operand ${k} is not an extra operand ({allowed})", at()));
        }
        let shape = &operand(op, k)?.shape;
        check_broadcasts_to(shape, result).map_err(|_| {
            format!(
                "{}: extra operand ${k} of shape {} does not broadcast to the result shape {}",
                at(),
                format_shape(shape),
                format_shape(result)
            )
        })?;
    }
    Ok(steps)
}

/// The operand index range of slot `name`.
fn slot(op: &OpRef<'_>, name: &str) -> Result<Range<usize>, String> {
    let index = op.def().operands.iter().position(|a| a.name == name).expect("the op declares the slot");
    Ok(op.operand_segments()?[index].clone())
}

// ----- fused_conv -----

/// A fused conv's layout and its conv geometry with the input seen as N x C x H x W.
struct FusedConvShape {
    layout: ConvLayout,
    conv: ConvShape,
}

fn fused_conv_shape(op: &OpRef<'_>) -> Result<FusedConvShape, String> {
    let layout = ConvLayout::parse(&op.string("layout")?).map_err(|e| format!("attribute `layout`: {}", e.0))?;
    let x = operand(op, 0)?;
    let s = &x.shape;
    let logical = match layout {
        ConvLayout::Nchw => s.clone(),
        ConvLayout::Nhwc => {
            if x.rank() != 4 {
                return Err(format!("layout NHWC needs an N x H x W x C input, got shape {}", format_shape(s)));
            }
            vec![s[0].clone(), s[3].clone(), s[1].clone(), s[2].clone()]
        }
        ConvLayout::Blocked(k) => {
            let k64 = k as u64;
            if x.rank() != 5 || unify_dims(&s[4], &Dim::Static(k64)).is_err() {
                return Err(format!(
                    "layout NCHW{k}c needs an N x C/{k} x H x W x {k} input, got shape {}",
                    format_shape(s)
                ));
            }
            let c = match s[1].as_static() {
                Some(blocks) => Dim::Static(blocks * k64),
                None => Dim::Symbol(op.ctx().fresh_symbol()),
            };
            vec![s[0].clone(), c, s[2].clone(), s[3].clone()]
        }
    };
    let conv = conv_shape_of(op, TensorType::new(logical, x.element))?;
    Ok(FusedConvShape { layout, conv })
}

/// The stored shape of the N x M x OH x OW ... result of a fused conv.
fn stored_result(op: &OpRef<'_>, layout: ConvLayout, y: Vec<Dim>) -> Result<Vec<Dim>, String> {
    Ok(match layout {
        ConvLayout::Nchw => y,
        ConvLayout::Nhwc => vec![y[0].clone(), y[2].clone(), y[3].clone(), y[1].clone()],
        ConvLayout::Blocked(k) => {
            let blocks = match y[1].as_static() {
                Some(m) if m % k as u64 != 0 => {
                    return Err(format!(
                        "layout NCHW{k}c needs the output channel count to be a multiple of {k}, got {m}"
                    ));
                }
                Some(m) => Dim::Static(m / k as u64),
                None => Dim::Symbol(op.ctx().fresh_symbol()),
            };
            vec![y[0].clone(), blocks, y[2].clone(), y[3].clone(), Dim::Static(k as u64)]
        }
    })
}

fn infer_fused_conv(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let FusedConvShape { layout, conv } = fused_conv_shape(&op)?;
    let y = stored_result(&op, layout, conv_output(&op, &conv)?)?;
    Ok(vec![Type::Tensor(TensorType::new(y, conv.x.element))])
}

fn verify_fused_conv(op: OpRef<'_>) -> Result<(), String> {
    let FusedConvShape { layout, conv } = fused_conv_shape(&op)?;
    check_forward_conv(&op, &conv)?;
    if let ConvLayout::Blocked(k) = layout {
        let (c, m, g) = (conv.x.shape[1].as_static(), conv.w.shape[0].as_static(), conv.group as u64);
        if let Some(m) = m
            && m % k as u64 != 0
        {
            return Err(format!("layout NCHW{k}c needs the output channel count to be a multiple of {k}, got {m}"));
        }
        if let (Some(c), Some(m)) = (c, m) {
            let whole_blocks = (c / g) % k as u64 == 0 && (m / g) % k as u64 == 0;
            if g > 1 && g != c && !whole_blocks {
                return Err(format!(
                    "layout NCHW{k}c takes group = 1, depthwise (group = C) or groups of whole channel blocks \
                     (C/group and M/group multiples of {k}); got group={g} with C={c} and M={m}"
                ));
            }
        }
    }
    let y = infer_fused_conv(op)?;
    let y = y[0].as_tensor().expect("a tensor");
    verify_steps(&op, "epilogue", slot(&op, "extras")?, &y.shape)?;
    verify_inferred(op)
}

// ----- fused_conv_transpose -----

/// `nn.conv_transpose`'s checks, then the epilogue's.
fn verify_fused_conv_transpose(op: OpRef<'_>) -> Result<(), String> {
    verify_conv_transpose(op)?;
    let y = infer_conv_transpose(op)?;
    let y = y[0].as_tensor().expect("a tensor");
    verify_steps(&op, "epilogue", slot(&op, "extras")?, &y.shape).map(|_| ())
}

// ----- fused_matmul -----

/// Operand `i` of fused_matmul with its last two axes swapped when flag `name` is set.
fn maybe_transposed(op: &OpRef<'_>, i: usize, name: &str) -> Result<TensorType, String> {
    let mut t = operand(op, i)?;
    if flag(op, name)? {
        let r = t.rank();
        if r < 2 {
            return Err(format!(
                "attribute `{name}` needs an operand of rank 2 or more, got shape {}",
                format_shape(&t.shape)
            ));
        }
        t.shape.swap(r - 2, r - 1);
    }
    Ok(t)
}

fn infer_fused_matmul(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let element = common_element(&op, 0..op.operands().len())?;
    let (a, b) = (maybe_transposed(&op, 0, "trans_a")?, maybe_transposed(&op, 1, "trans_b")?);
    Ok(vec![Type::Tensor(TensorType::new(matmul_shape(op.ctx(), &a, &b)?, element))])
}

fn verify_fused_matmul(op: OpRef<'_>) -> Result<(), String> {
    let y = infer_fused_matmul(op)?;
    let y = y[0].as_tensor().expect("a tensor");
    verify_steps(&op, "epilogue", slot(&op, "extras")?, &y.shape)?;
    verify_inferred(op)
}

// ----- fused_elementwise -----

fn infer_fused_elementwise(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let element = common_element(&op, 0..op.operands().len())?;
    let types: Vec<TensorType> = (0..op.operands().len()).map(|i| operand(&op, i)).collect::<Result<_, _>>()?;
    let shapes: Vec<&[Dim]> = types.iter().map(|t| t.shape.as_slice()).collect();
    Ok(vec![Type::Tensor(TensorType::new(broadcast_shapes(op.ctx(), &shapes)?, element))])
}

fn verify_fused_elementwise(op: OpRef<'_>) -> Result<(), String> {
    let y = infer_fused_elementwise(op)?;
    let y = y[0].as_tensor().expect("a tensor");
    if verify_steps(&op, "steps", 0..op.operands().len(), &y.shape)?.is_empty() {
        return Err("attribute `steps` must hold at least one step".into());
    }
    verify_inferred(op)
}

// ----- rms_norm -----

fn infer_rms_norm(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let (x, scale) = (operand(&op, 0)?, operand(&op, 1)?);
    common_element(&op, 0..2)?;
    let axis = normalize_axis(op.int("axis")?, x.rank())?;
    check_broadcasts_to(&scale.shape, &x.shape[axis..]).map_err(|_| {
        format!(
            "the scale of shape {} does not broadcast to the normalized axes {} of the input {}",
            format_shape(&scale.shape),
            format_shape(&x.shape[axis..]),
            format_shape(&x.shape)
        )
    })?;
    Ok(vec![Type::Tensor(x)])
}

fn verify_rms_norm(op: OpRef<'_>) -> Result<(), String> {
    let epsilon = op.float("epsilon")?;
    if epsilon.is_nan() || epsilon < 0.0 {
        return Err(format!("attribute `epsilon` must not be negative, got {epsilon}"));
    }
    verify_inferred(op)
}

// ----- attention -----

/// The batch axes, Sq, Sk and Dv of an attention (checked: ranks, D and Sk agree, batches broadcast).
fn attention_dims(op: &OpRef<'_>) -> Result<(Vec<Dim>, [Dim; 3], ElementType), String> {
    let element = common_element(op, 0..op.operands().len())?;
    let [q, k, v] = [0, 1, 2].map(|i| operand(op, i));
    let (q, k, v) = (q?, k?, v?);
    for (name, t) in [("q", &q), ("k", &k), ("v", &v)] {
        if t.rank() < 2 {
            return Err(format!(
                "`{name}` must have rank 2 or more ([..., S, D]), got shape {}",
                format_shape(&t.shape)
            ));
        }
    }
    let last2 = |t: &TensorType| (t.shape[t.rank() - 2].clone(), t.shape[t.rank() - 1].clone());
    let ((sq, dq), (sk, dk), (sv, dv)) = (last2(&q), last2(&k), last2(&v));
    unify_dims(&dq, &dk).map_err(|_| {
        format!(
            "q {} and k {} must have the same last dim D ({} vs {})",
            format_shape(&q.shape),
            format_shape(&k.shape),
            format_dim(&dq),
            format_dim(&dk)
        )
    })?;
    let sk = unify_dims(&sk, &sv).map_err(|_| {
        format!(
            "k {} and v {} must have the same sequence length Sk ({} vs {})",
            format_shape(&k.shape),
            format_shape(&v.shape),
            format_dim(&sk),
            format_dim(&sv)
        )
    })?;
    let batches = [&q, &k, &v].map(|t| &t.shape[..t.rank() - 2]);
    let batch = broadcast_shapes(op.ctx(), &batches).map_err(|e| format!("the batch axes of q, k and v: {e}"))?;
    Ok((batch, [sq, sk, dv], element))
}

fn infer_attention(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let (mut shape, [sq, _, dv], element) = attention_dims(&op)?;
    shape.extend([sq, dv]);
    Ok(vec![Type::Tensor(TensorType::new(shape, element))])
}

fn verify_attention(op: OpRef<'_>) -> Result<(), String> {
    let (mut scores, [sq, sk, _], _) = attention_dims(&op)?;
    scores.extend([sq, sk]);
    if let Some(mask) = op.named_tensor("mask")? {
        check_broadcasts_to(&mask.shape, &scores).map_err(|_| {
            format!(
                "the mask of shape {} does not broadcast to the scores [..., Sq, Sk] = {}",
                format_shape(&mask.shape),
                format_shape(&scores)
            )
        })?;
    }
    attention_scale(&op)?;
    verify_inferred(op)
}

/// The `scale` of an attention: the attribute, or 1/sqrt(D) when absent (`None` here).
pub fn attention_scale(op: &OpRef<'_>) -> Result<Option<f64>, String> {
    op.raw_attr("scale")
        .map(|a: &Attribute| {
            a.as_float().ok_or_else(|| format!("attribute `scale` must be a float, got {}", a.kind_name()))
        })
        .transpose()
}
