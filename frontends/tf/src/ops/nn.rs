//! Image and network ops: convolutions, pooling, bias, batch normalization, softmax and resizes.
//! TensorFlow images are NHWC and filters HWIO unless `data_format = "NCHW"`; the `nn` ops are
//! NCHW/OIHW, so NHWC images are transposed in and out of each op (the transposes between two
//! image ops compose to the identity in `canonicalize`) and filters are transposed once (folded at
//! import for constant weights).

use super::{Entry, one};
use crate::node::{Format, Node};
use msc_frontend::compat::{ForwardPadding, backprop_pads, resize_modes};
use msc_ir::Value;
use msc_nn::ops::*;

pub(crate) const TABLE: &[Entry] = &[
    ("Conv2D", conv2d),
    ("DepthwiseConv2dNative", depthwise_conv2d),
    ("Conv2DBackpropInput", conv2d_backprop_input),
    ("BiasAdd", bias_add),
    ("FusedBatchNorm", fused_batch_norm),
    ("FusedBatchNormV2", fused_batch_norm),
    ("FusedBatchNormV3", fused_batch_norm),
    ("MaxPool", max_pool),
    ("AvgPool", avg_pool),
    ("Softmax", |n| one(Softmax::new(n.input(0)?).axis(-1).build_value(n.b)?)),
    ("LogSoftmax", |n| one(LogSoftmax::new(n.input(0)?).axis(-1).build_value(n.b)?)),
    ("ResizeBilinear", |n| resize(n, "linear")),
    ("ResizeNearestNeighbor", |n| resize(n, "nearest")),
];

/// The padding of a windowed op: `(auto_pad, pads)` in ONNX terms. TensorFlow's SAME puts the odd
/// extra cell at the end, which is ONNX's SAME_UPPER.
fn padding(n: &Node<'_, '_>, format: Format) -> Result<(&'static str, Option<Vec<i64>>), String> {
    match n.string_or("padding", "VALID")?.as_str() {
        "SAME" => Ok(("SAME_UPPER", None)),
        "VALID" => Ok(("VALID", None)),
        "EXPLICIT" => {
            let list = n.ints("explicit_paddings")?.unwrap_or_default();
            if list.len() != 8 {
                return Err(format!("explicit_paddings must have 8 values, got {list:?}"));
            }
            let [h, w] = format.spatial();
            Ok(("NOTSET", Some(vec![list[2 * h], list[2 * w], list[2 * h + 1], list[2 * w + 1]])))
        }
        other => Err(format!("padding '{other}' is not supported")),
    }
}

fn conv2d(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let format = n.format()?;
    let (x, filter) = (n.input(0)?, n.input(1)?);
    let (auto_pad, pads) = padding(n, format)?;
    let (strides, dilations) = (n.spatial_list("strides", format)?, n.spatial_list("dilations", format)?);
    let channel_axis = if format == Format::Nhwc { 3 } else { 1 };
    let channels = n.ty(x)?.shape.get(channel_axis).cloned();
    let filter_in = n.static_shape(filter, "Conv2D's filter")?;
    if filter_in.len() != 4 {
        return Err(format!("the filter must be 4-D (HWIO), got {filter_in:?}"));
    }
    let group = match channels.and_then(|c| c.as_static()) {
        Some(c) if filter_in[2] > 0 && c % filter_in[2] == 0 => (c / filter_in[2]) as i64,
        _ => 1,
    };
    let x = n.nchw_of(x, format)?;
    let w = n.transpose(filter, &[3, 2, 0, 1])?;
    let mut conv = Conv::new(x, w).strides(strides).dilations(dilations).auto_pad(auto_pad.to_string()).group(group);
    if let Some(pads) = pads {
        conv = conv.pads(pads);
    }
    let y = conv.build_value(n.b)?;
    one(n.nchw_back(y, format)?)
}

/// A depthwise convolution: the H x W x C x M filter becomes (C*M) x 1 x H x W with C groups
/// (output channel `c * M + m`, as in TensorFlow).
fn depthwise_conv2d(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let format = n.format()?;
    let (x, filter) = (n.input(0)?, n.input(1)?);
    let (auto_pad, pads) = padding(n, format)?;
    let (strides, dilations) = (n.spatial_list("strides", format)?, n.spatial_list("dilations", format)?);
    let f = n.static_shape(filter, "DepthwiseConv2dNative's filter")?;
    let [h, w, c, m] = f[..] else { return Err(format!("the filter must be 4-D (H x W x C x M), got {f:?}")) };
    let shape = n.i64s(&[h as i64, w as i64, 1, (c * m) as i64])?;
    let flat = Reshape::new(filter, shape).build_value(n.b)?;
    let w = n.transpose(flat, &[3, 2, 0, 1])?;
    let x = n.nchw_of(x, format)?;
    let mut conv = Conv::new(x, w).strides(strides).dilations(dilations).auto_pad(auto_pad.to_string()).group(c as i64);
    if let Some(pads) = pads {
        conv = conv.pads(pads);
    }
    let y = conv.build_value(n.b)?;
    one(n.nchw_back(y, format)?)
}

/// The gradient of a convolution with respect to its input, which is a transposed convolution:
/// inputs `input_sizes` (the result's shape, a constant), the H x W x (result channels) x
/// (incoming channels) filter, and `out_backprop` (padding: see [`backprop_pads`]).
fn conv2d_backprop_input(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let format = n.format()?;
    let sizes = n.const_ints(0, "input_sizes")?;
    let (filter, dy) = (n.input(1)?, n.input(2)?);
    let padding_name = n.string_or("padding", "VALID")?;
    let (strides, dilations) = (n.spatial_list("strides", format)?, n.spatial_list("dilations", format)?);
    let f = n.static_shape(filter, "Conv2DBackpropInput's filter")?;
    let dy_shape = n.static_shape(dy, "Conv2DBackpropInput")?;
    if f.len() != 4 || dy_shape.len() != 4 || sizes.len() != 4 {
        return Err(format!("expected 4-D filter, out_backprop and input_sizes, got {f:?}, {dy_shape:?}, {sizes:?}"));
    }
    let spatial = format.spatial();
    let forward = match (padding(n, format)?.1, padding_name.as_str()) {
        (Some(explicit), _) => ForwardPadding::Explicit(explicit),
        (None, "VALID") => ForwardPadding::Valid,
        (None, _) => ForwardPadding::Same,
    };
    let input: Vec<i64> = spatial.iter().map(|&a| dy_shape[a] as i64).collect();
    let output: Vec<i64> = spatial.iter().map(|&a| sizes[a]).collect();
    let kernel = [f[0] as i64, f[1] as i64];
    let (pads, output_padding) = backprop_pads(&input, &output, &kernel, &strides, &dilations, &forward)?;
    let w = n.transpose(filter, &[3, 2, 0, 1])?;
    let x = n.nchw_of(dy, format)?;
    let y = ConvTranspose::new(x, w)
        .strides(strides)
        .dilations(dilations)
        .pads(pads)
        .output_padding(output_padding)
        .build_value(n.b)?;
    one(n.nchw_back(y, format)?)
}

/// `x + bias` with the bias along the channel axis.
fn bias_add(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let (x, mut bias) = (n.input(0)?, n.input(1)?);
    let rank = n.rank(x)?;
    if n.format()? == Format::Nchw && rank > 2 {
        let axes = n.i64s(&(1..rank as i64 - 1).collect::<Vec<_>>())?;
        bias = Unsqueeze::new(bias, axes).build_value(n.b)?;
    }
    one(Add::new(x, bias).build_value(n.b)?)
}

/// Inference batch normalization. NCHW maps to `nn.batch_norm`; NHWC is expressed per channel on
/// the last axis as `x * a + c` with `a = scale / sqrt(var + epsilon)` and `c = offset - mean * a`
/// (constant for frozen graphs, so folded at import). Only output 0 (`y`) is produced.
fn fused_batch_norm(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    if n.bool_or("is_training", true)? {
        return Err("is_training = true is not supported (only inference)".into());
    }
    let epsilon = n.float_or("epsilon", 1e-4)?;
    let [x, scale, offset, mean, var] = [0, 1, 2, 3, 4].map(|i| n.input(i));
    let (x, scale, offset, mean, var) = (x?, scale?, offset?, mean?, var?);
    if n.format()? == Format::Nchw {
        return one(BatchNorm::new(x, scale, offset, mean, var).epsilon(epsilon).build_value(n.b)?);
    }
    let element = n.ty(scale)?.element;
    let eps = n.scalar(element, epsilon)?;
    let shifted = Add::new(var, eps).build_value(n.b)?;
    let inv = Rsqrt::new(shifted).build_value(n.b)?;
    let a = Mul::new(scale, inv).build_value(n.b)?;
    let ma = Mul::new(mean, a).build_value(n.b)?;
    let c = Sub::new(offset, ma).build_value(n.b)?;
    let xa = Mul::new(x, a).build_value(n.b)?;
    one(Add::new(xa, c).build_value(n.b)?)
}

fn max_pool(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let format = n.format()?;
    let (auto_pad, pads) = padding(n, format)?;
    let (ksize, strides) = (n.spatial_list("ksize", format)?, n.spatial_list("strides", format)?);
    let x = n.input(0)?;
    let x = n.nchw_of(x, format)?;
    let mut pool = MaxPool::new(x).kernel_shape(ksize).strides(strides).auto_pad(auto_pad.to_string());
    if let Some(pads) = pads {
        pool = pool.pads(pads);
    }
    let op = pool.build(n.b)?;
    let y = n.results(op)[0];
    one(n.nchw_back(y, format)?)
}

/// Average pooling; TensorFlow averages over the cells inside the image only (padding excluded).
fn avg_pool(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let format = n.format()?;
    let (auto_pad, _) = padding(n, format)?;
    let (ksize, strides) = (n.spatial_list("ksize", format)?, n.spatial_list("strides", format)?);
    let x = n.input(0)?;
    let x = n.nchw_of(x, format)?;
    let y = AveragePool::new(x)
        .kernel_shape(ksize)
        .strides(strides)
        .auto_pad(auto_pad.to_string())
        .count_include_pad(0)
        .build_value(n.b)?;
    one(n.nchw_back(y, format)?)
}

/// ResizeBilinear / ResizeNearestNeighbor of an NHWC image to the constant `size` (height,
/// width), the coordinate mapping set by `align_corners` and `half_pixel_centers` (see
/// [`resize_modes`]).
fn resize(n: &mut Node<'_, '_>, mode: &str) -> Result<Vec<Value>, String> {
    let size = n.const_ints(1, "size")?;
    let x = n.input(0)?;
    let shape = n.static_shape(x, "resize")?;
    if shape.len() != 4 || size.len() != 2 {
        return Err(format!("expected a 4-D image and 2 sizes, got {shape:?} and {size:?}"));
    }
    let (align, half) = (n.bool_or("align_corners", false)?, n.bool_or("half_pixel_centers", false)?);
    let (coordinates, nearest) = resize_modes(align, half, mode);
    let sizes = n.i64s(&[shape[0] as i64, shape[3] as i64, size[0], size[1]])?;
    let x = n.nchw_of(x, Format::Nhwc)?;
    let y = Resize::new(x)
        .sizes(sizes)
        .mode(mode.to_string())
        .coordinate_transformation_mode(coordinates.to_string())
        .nearest_mode(nearest.to_string())
        .build_value(n.b)?;
    one(n.nchw_back(y, Format::Nhwc)?)
}
