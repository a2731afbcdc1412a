//! Network primitives: Conv2D, Conv2DTranspose, BiasAdd, BatchNorm, LayerNorm, MaxPool, AvgPool,
//! Softmax/LogSoftmax, MatMul, BatchMatMul, Dense and the resizes. MindSpore images are NCHW
//! and weights OIHW, as in `nn`. Pad modes are `same` (extra padding at the end, ONNX
//! SAME_UPPER), `valid` and `pad` (explicit `pad = (top, bottom, left, right)`); MindSpore 2.x
//! passes pad modes and formats of new-style primitives as enum integers (PAD 0, SAME 1, VALID 2;
//! NCHW 0, NHWC 1).

use super::{Entry, tensor};
use crate::node::{ATTR, Node};
use crate::value::Val;
use msc_frontend::compat::{ForwardPadding, backprop_pads, resize_modes};
use msc_ir::Value;
use msc_nn::ops::*;

pub(crate) const TABLE: &[Entry] = &[
    ("Conv2D", conv2d),
    ("Conv2DTranspose", conv2d_transpose),
    ("Conv2DBackpropInput", conv2d_transpose),
    ("BiasAdd", bias_add),
    ("BatchNorm", batch_norm),
    ("LayerNorm", layer_norm),
    ("MaxPool", |n| pool(n, true)),
    ("AvgPool", |n| pool(n, false)),
    ("Softmax", |n| {
        let x = n.tensor(0)?;
        let axis = n.ints_arg(1, "axis")?.and_then(|a| a.first().copied()).unwrap_or(-1);
        tensor(Softmax::new(x).axis(axis).build_value(n.b)?)
    }),
    ("LogSoftmax", |n| {
        let x = n.tensor(0)?;
        let axis = n.int_arg(1, "axis", -1)?;
        tensor(LogSoftmax::new(x).axis(axis).build_value(n.b)?)
    }),
    ("MatMul", matmul),
    ("BatchMatMul", matmul),
    ("Dense", dense),
    ("ResizeBilinearV2", |n| resize(n, "linear")),
    ("ResizeBilinear", |n| resize(n, "linear")),
    ("ResizeNearestNeighbor", |n| resize(n, "nearest")),
    ("ResizeNearestNeighborV2", |n| resize(n, "nearest")),
];

const PAD_MODES: &[&str] = &["PAD", "SAME", "VALID"];
const FORMATS: &[&str] = &["NCHW", "NHWC"];

/// The last two values of a per-dim list (`(1, 1, s, s)` or `(s, s)`), or one value repeated.
fn spatial(values: Option<Vec<i64>>, name: &str) -> Result<Vec<i64>, String> {
    match values.as_deref() {
        None => Ok(vec![1, 1]),
        Some([v]) => Ok(vec![*v, *v]),
        Some([.., a, b]) => Ok(vec![*a, *b]),
        Some([]) => Err(format!("'{name}' is empty")),
    }
}

fn check_nchw(n: &mut Node<'_, '_>, input: usize, attr: &str) -> Result<(), String> {
    match n.enum_arg(input, attr, FORMATS)?.as_deref() {
        None | Some("NCHW") => Ok(()),
        Some(other) => Err(format!("format {other} is not supported (only NCHW)")),
    }
}

/// `(auto_pad, pads)` of a pad mode; explicit `pad` is `(top, bottom, left, right)`.
fn window_padding(mode: &str, pad: Option<Vec<i64>>) -> Result<(&'static str, Option<Vec<i64>>), String> {
    match mode {
        "SAME" => Ok(("SAME_UPPER", None)),
        "VALID" => Ok(("VALID", None)),
        "PAD" => match pad.as_deref() {
            Some(&[t, b, l, r]) => Ok(("NOTSET", Some(vec![t, l, b, r]))),
            Some(&[p]) => Ok(("NOTSET", Some(vec![p; 4]))),
            None => Ok(("NOTSET", Some(vec![0; 4]))),
            Some(other) => Err(format!("'pad' must have 1 or 4 values, got {other:?}")),
        },
        other => Err(format!("pad mode '{other}' is not supported")),
    }
}

fn conv2d(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let (x, w) = (n.tensor(0)?, n.tensor(1)?);
    check_nchw(n, ATTR, "format")?;
    let mode = n.enum_arg(ATTR, "pad_mode", PAD_MODES)?.unwrap_or_else(|| "VALID".into());
    let (auto_pad, pads) = window_padding(&mode, n.ints_arg(ATTR, "pad")?)?;
    let strides = spatial(n.ints_arg(ATTR, "stride")?, "stride")?;
    let dilations = spatial(n.ints_arg(ATTR, "dilation")?, "dilation")?;
    let group = n.int_arg(ATTR, "group", 1)?;
    let mut conv = Conv::new(x, w).strides(strides).dilations(dilations).group(group).auto_pad(auto_pad.to_string());
    if let Some(pads) = pads {
        conv = conv.pads(pads);
    }
    tensor(conv.build_value(n.b)?)
}

/// Conv2DTranspose(dout, weight, input_size): the gradient of a Conv2D with the same attributes,
/// whose input had the constant shape `input_size`.
fn conv2d_transpose(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let (dy, w) = (n.tensor(0)?, n.tensor(1)?);
    check_nchw(n, ATTR, "format")?;
    let size = n.ints_arg(2, "input_size")?.ok_or("the input size (input #2) is required")?;
    let mode = n.enum_arg(ATTR, "pad_mode", PAD_MODES)?.unwrap_or_else(|| "VALID".into());
    let strides = spatial(n.ints_arg(ATTR, "stride")?, "stride")?;
    let dilations = spatial(n.ints_arg(ATTR, "dilation")?, "dilation")?;
    let group = n.int_arg(ATTR, "group", 1)?;
    let dy_shape = n.ty(dy)?.static_shape().ok_or("Conv2DTranspose needs a static input shape")?;
    let w_shape = n.ty(w)?.static_shape().ok_or("Conv2DTranspose needs a static weight shape")?;
    if dy_shape.len() != 4 || w_shape.len() != 4 || size.len() != 4 {
        return Err(format!("expected 4-D input, weight and input_size, got {dy_shape:?}, {w_shape:?}, {size:?}"));
    }
    let forward = match window_padding(&mode, n.ints_arg(ATTR, "pad")?)? {
        ("SAME_UPPER", _) => ForwardPadding::Same,
        (_, Some(p)) => ForwardPadding::Explicit(p),
        _ => ForwardPadding::Valid,
    };
    let input = [dy_shape[2] as i64, dy_shape[3] as i64];
    let kernel = [w_shape[2] as i64, w_shape[3] as i64];
    let (pads, output_padding) = backprop_pads(&input, &size[2..], &kernel, &strides, &dilations, &forward)?;
    let y = ConvTranspose::new(dy, w)
        .strides(strides)
        .dilations(dilations)
        .group(group)
        .pads(pads)
        .output_padding(output_padding)
        .build_value(n.b)?;
    tensor(y)
}

/// `x + b` along the channel axis (1).
fn bias_add(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let (x, mut b) = (n.tensor(0)?, n.tensor(1)?);
    check_nchw(n, 2, "format")?;
    let rank = n.rank(x)?;
    if rank > 2 {
        let axes = n.i64s(&(1..rank as i64 - 1).collect::<Vec<_>>())?;
        b = Unsqueeze::new(b, axes).build_value(n.b)?;
    }
    tensor(Add::new(x, b).build_value(n.b)?)
}

/// BatchNorm(x, scale, bias, mean, variance, is_training, epsilon, momentum, format) in
/// inference mode; a tuple whose first element is `y` (the batch statistics are not produced).
fn batch_norm(n: &mut Node<'_, '_>) -> Result<Val, String> {
    if n.bool_arg(5, "is_training", false)? {
        return Err("is_training = true is not supported (only inference)".into());
    }
    let epsilon = n.float_arg(6, "epsilon", 1e-5)?;
    check_nchw(n, 8, "format")?;
    let [x, scale, b, mean, var] = [0, 1, 2, 3, 4].map(|i| n.tensor(i));
    let y = BatchNorm::new(x?, scale?, b?, mean?, var?).epsilon(epsilon).build_value(n.b)?;
    Ok(Val::Tuple(vec![Val::Tensor(y)]))
}

/// LayerNorm(x, gamma, beta, begin_norm_axis, begin_params_axis, epsilon): normalized over the
/// axes from `begin_norm_axis` on; a tuple whose first element is `y`.
fn layer_norm(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let (x, gamma, beta) = (n.tensor(0)?, n.tensor(1)?, n.tensor(2)?);
    let rank = n.rank(x)? as i64;
    let norm_axis = n.int_arg(3, "begin_norm_axis", 1)?;
    let params_axis = n.int_arg(4, "begin_params_axis", 1)?;
    let epsilon = n.float_arg(5, "epsilon", 1e-7)?;
    let normalize = |a: i64| if a < 0 { a + rank } else { a };
    if normalize(norm_axis) != normalize(params_axis) {
        return Err(format!("begin_norm_axis {norm_axis} and begin_params_axis {params_axis} differ"));
    }
    let y = LayerNorm::new(x, gamma).b(beta).axis(norm_axis).epsilon(epsilon).build_value(n.b)?;
    Ok(Val::Tuple(vec![Val::Tensor(y)]))
}

/// MaxPool/AvgPool(x, kernel_size, strides, pad_mode, format); average pooling leaves padding
/// out of the count.
fn pool(n: &mut Node<'_, '_>, max: bool) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let kernel = spatial(n.ints_arg(1, "kernel_size")?, "kernel_size")?;
    let strides = spatial(n.ints_arg(2, "strides")?, "strides")?;
    let mode = n.enum_arg(3, "pad_mode", PAD_MODES)?.unwrap_or_else(|| "VALID".into());
    check_nchw(n, 4, "format")?;
    let (auto_pad, pads) = window_padding(&mode, None)?;
    let y = if max {
        let mut pool = MaxPool::new(x).kernel_shape(kernel).strides(strides).auto_pad(auto_pad.to_string());
        if let Some(pads) = pads {
            pool = pool.pads(pads);
        }
        let op = pool.build(n.b)?;
        n.results(op)[0]
    } else {
        AveragePool::new(x)
            .kernel_shape(kernel)
            .strides(strides)
            .auto_pad(auto_pad.to_string())
            .count_include_pad(0)
            .build_value(n.b)?
    };
    tensor(y)
}

/// `x` transposed in its last two dims.
fn transpose_last(n: &mut Node<'_, '_>, x: Value) -> Result<Value, String> {
    let rank = n.rank(x)? as i64;
    if rank < 2 {
        return Err("a transposed operand must have rank 2 or more".into());
    }
    let mut perm: Vec<i64> = (0..rank).collect();
    perm.swap(rank as usize - 2, rank as usize - 1);
    Transpose::new(x).perm(perm).build_value(n.b)
}

/// MatMul/BatchMatMul(x, y, transpose_a, transpose_b).
fn matmul(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let (mut a, mut b) = (n.tensor(0)?, n.tensor(1)?);
    if n.bool_arg(2, "transpose_a", false)? {
        a = transpose_last(n, a)?;
    }
    if n.bool_arg(3, "transpose_b", false)? {
        b = transpose_last(n, b)?;
    }
    tensor(MatMul::new(a, b).build_value(n.b)?)
}

/// Dense(x, w, b): `x @ w^T + b`.
fn dense(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let w = n.tensor(1)?;
    let w = transpose_last(n, w)?;
    let mut y = MatMul::new(x, w).build_value(n.b)?;
    if matches!(n.inputs.get(2), Some(Val::Tensor(_) | Val::Dense(_))) {
        let b = n.tensor(2)?;
        y = Add::new(y, b).build_value(n.b)?;
    }
    tensor(y)
}

/// ResizeBilinearV2(x, size, align_corners, half_pixel_centers) and ResizeNearestNeighbor
/// (`size` an attribute in older exports): TensorFlow's coordinate rules on NCHW images.
fn resize(n: &mut Node<'_, '_>, mode: &str) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let size = n.ints_arg(1, "size")?.ok_or("the size (input #1) is required")?;
    let align = n.bool_arg(2, "align_corners", false)?;
    let half = n.bool_arg(3, "half_pixel_centers", false)?;
    let shape = n.ty(x)?.static_shape().ok_or("resize needs a static input shape")?;
    if shape.len() != 4 || size.len() != 2 {
        return Err(format!("expected a 4-D image and 2 sizes, got {shape:?} and {size:?}"));
    }
    let (coordinates, nearest) = resize_modes(align, half, mode);
    let sizes = n.i64s(&[shape[0] as i64, shape[1] as i64, size[0], size[1]])?;
    let y = Resize::new(x)
        .sizes(sizes)
        .mode(mode.to_string())
        .coordinate_transformation_mode(coordinates.to_string())
        .nearest_mode(nearest.to_string())
        .build_value(n.b)?;
    tensor(y)
}
