//! Convolutions (`nn.conv`, `nn.conv_transpose`) and the sliding-window attributes they share with
//! the pooling ops (auto_pad, kernel_shape, strides, dilations, pads).

use crate::shape::{common_element, format_dim, format_shape, operand, unify_dims, verify_inferred};
use msc_ir::{Context, Dim, OpDef, OpRef, TensorType, Type, declare_op};
use msc_nn_kernels::KernelError;
use msc_nn_kernels::conv::{
    AutoPad, ConvParams, ConvTransposeParams, conv_output_shape, resolve_conv_transpose, resolve_pads,
};

declare_op! {
    /// Convolution (ONNX `Conv`): x is N x C x D1 x ... x Dn, w is M x C/group x k1 x ... x kn, the
    /// optional bias b has M values; the result is N x M x (one output size per spatial axis).
    ///
    /// Example: `%y = "nn.conv"(%x, %w) {pads = [1, 1, 1, 1]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>`
    pub Conv = "nn.conv", CONV {
        operands { x: FLOAT_TENSOR, w: FLOAT_TENSOR }
        optional { b: FLOAT_TENSOR }
        results { y: FLOAT_TENSOR }
        attributes {
            auto_pad: String = Str("NOTSET"),
            dilations: Vec<i64> = Optional,
            group: i64 = Int(1),
            kernel_shape: Vec<i64> = Optional,
            pads: Vec<i64> = Optional,
            strides: Vec<i64> = Optional,
        }
        traits: [PURE],
        verify: Some(verify_conv),
        infer: Some(infer_conv),
    }
}

declare_op! {
    /// Transposed convolution (ONNX `ConvTranspose`): x is N x C x D1 x ... x Dn, w is
    /// C x M/group x k1 x ... x kn, the optional bias b has M values; the result is N x M x (one
    /// output size per spatial axis, fixed by `output_shape` when given).
    ///
    /// Example: `%y = "nn.conv_transpose"(%x, %w) {strides = [2, 2]} : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>`
    pub ConvTranspose = "nn.conv_transpose", CONV_TRANSPOSE {
        operands { x: FLOAT_TENSOR, w: FLOAT_TENSOR }
        optional { b: FLOAT_TENSOR }
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
        }
        traits: [PURE],
        verify: Some(verify_conv_transpose),
        infer: Some(infer_conv_transpose),
    }
}

pub(crate) const OPS: &[&OpDef] = &[&CONV, &CONV_TRANSPOSE];

/// The sliding-window attributes of the conv and pooling ops, checked against the number of spatial
/// axes. Absent lists take the ONNX defaults (strides and dilations 1, pads 0).
pub(crate) struct Window {
    pub(crate) auto_pad: AutoPad,
    pub(crate) kernel_shape: Option<Vec<usize>>,
    pub(crate) strides: Vec<usize>,
    pub(crate) dilations: Vec<usize>,
    /// `[x1_begin, x2_begin, ..., x1_end, x2_end, ...]`.
    pub(crate) pads: Vec<usize>,
}

impl Window {
    /// Reads the window attributes of `op` for `spatial` spatial axes.
    pub(crate) fn read(op: &OpRef<'_>, spatial: usize) -> Result<Window, String> {
        let auto_pad_name = op.string("auto_pad")?;
        let auto_pad = AutoPad::parse(&auto_pad_name).map_err(|e| e.0)?;
        let pads = list_attr(op, "pads", 2 * spatial, 0)?;
        // ONNX forbids pads together with auto_pad; all-zero pads say nothing and are tolerated.
        if auto_pad != AutoPad::NotSet && pads.iter().any(|&p| p != 0) {
            return Err(format!("attribute `pads` {pads:?} cannot be combined with auto_pad = {auto_pad_name:?}"));
        }
        let kernel_shape = match op.raw_attr("kernel_shape") {
            Some(_) => Some(list_attr(op, "kernel_shape", spatial, 1)?),
            None => None,
        };
        Ok(Window {
            auto_pad,
            kernel_shape,
            strides: list_attr(op, "strides", spatial, 1)?,
            dilations: list_attr(op, "dilations", spatial, 1)?,
            pads,
        })
    }

    /// `[pad_begin, pad_end]` of spatial axis `i`.
    fn axis_pads(&self, i: usize) -> [usize; 2] {
        [self.pads[i], self.pads[self.strides.len() + i]]
    }

    /// The output size along spatial axis `i` of a window of `kernel` cells sliding over `input`
    /// cells: the reference kernels' rule when both are static, the input's symbol when the window
    /// provably keeps the size (stride 1 and padding that makes up for the window), else a fresh symbol.
    pub(crate) fn output_dim(
        &self,
        ctx: &Context,
        i: usize,
        input: &Dim,
        kernel: &Dim,
        ceil_mode: bool,
    ) -> Result<Dim, String> {
        let (stride, dilation, pads) = (self.strides[i], self.dilations[i], self.axis_pads(i));
        if let (Some(x), Some(k)) = (input.as_static(), kernel.as_static()) {
            let (x, k) = ([x as usize], [k as usize]);
            let pads = resolve_pads(self.auto_pad, &x, &k, &[stride], &[dilation], &pads).map_err(on_axis(i))?;
            let out = conv_output_shape(&x, &k, &[stride], &[dilation], &pads, ceil_mode).map_err(on_axis(i))?;
            return Ok(Dim::Static(out[0] as u64));
        }
        let padding = match self.auto_pad {
            AutoPad::SameUpper | AutoPad::SameLower => None,
            AutoPad::NotSet => Some(pads[0] + pads[1]),
            AutoPad::Valid => Some(0),
        };
        let span_minus_one =
            kernel.as_static().and_then(|k| k.checked_sub(1)).and_then(|k| (k as usize).checked_mul(dilation));
        let keeps_size = stride == 1 && (padding.is_none() || padding == span_minus_one);
        Ok(if keeps_size { input.clone() } else { Dim::Symbol(ctx.fresh_symbol()) })
    }

    /// The output size of conv_transpose along spatial axis `i` (see [`resolve_conv_transpose`]).
    fn transpose_output_dim(
        &self,
        ctx: &Context,
        i: usize,
        (input, kernel): (&Dim, &Dim),
        output_padding: usize,
        target: Option<usize>,
    ) -> Result<Dim, String> {
        let (stride, dilation, pads) = (self.strides[i], self.dilations[i], self.axis_pads(i));
        if let (Some(x), Some(k)) = (input.as_static(), kernel.as_static()) {
            let params = ConvTransposeParams {
                conv: ConvParams {
                    auto_pad: self.auto_pad,
                    dilations: vec![dilation],
                    group: 1,
                    kernel_shape: vec![],
                    pads: pads.to_vec(),
                    strides: vec![stride],
                },
                output_padding: vec![output_padding],
                output_shape: target.into_iter().collect(),
            };
            let (_, out) = resolve_conv_transpose(&[x as usize], &[k as usize], &params).map_err(on_axis(i))?;
            return Ok(Dim::Static(out[0] as u64));
        }
        if let Some(t) = target {
            return Ok(Dim::Static(t as u64));
        }
        let same = matches!(self.auto_pad, AutoPad::SameUpper | AutoPad::SameLower);
        if same && let Some(x) = input.as_static() {
            let out = x.checked_mul(stride as u64).ok_or("the output size overflows")?;
            return Ok(Dim::Static(out));
        }
        // With stride 1 the size grows by output_padding + (k - 1) * dilation and shrinks by the pads.
        let padding = if self.auto_pad == AutoPad::NotSet { pads[0] + pads[1] } else { 0 };
        let growth = kernel
            .as_static()
            .and_then(|k| k.checked_sub(1))
            .and_then(|k| (k as usize).checked_mul(dilation)?.checked_add(output_padding));
        let keeps_size = stride == 1 && (same || growth == Some(padding));
        Ok(if keeps_size { input.clone() } else { Dim::Symbol(ctx.fresh_symbol()) })
    }
}

/// The integer-list attribute `name`: `len` values, none below `min`; when absent, `len` copies of
/// `min` (which is the ONNX default of every window list).
fn list_attr(op: &OpRef<'_>, name: &str, len: usize, min: i64) -> Result<Vec<usize>, String> {
    let Some(values) = op.opt_ints(name)? else {
        return Ok(vec![min as usize; len]);
    };
    if values.len() != len {
        return Err(format!("attribute `{name}` {values:?} has {} values; expected {len}", values.len()));
    }
    if values.iter().any(|&v| v < min) {
        return Err(format!("attribute `{name}` {values:?} has a value below {min}"));
    }
    Ok(values.into_iter().map(|v| v as usize).collect())
}

/// Names spatial axis `i` in an error from a reference-kernel helper that was given that axis alone.
fn on_axis(i: usize) -> impl Fn(KernelError) -> String {
    move |e| e.0.replace("spatial axis 0", &format!("spatial axis {i}"))
}

/// The number of spatial axes of an N x C x D1 x ... x Dn input.
pub(crate) fn spatial_rank(x: &TensorType) -> Result<usize, String> {
    match x.rank() {
        r @ 3.. => Ok(r - 2),
        _ => Err(format!("the input must be N x C x D1 x ... (rank at least 3), got shape {}", format_shape(&x.shape))),
    }
}

/// What conv and conv_transpose (and fused_conv) read off their operands before computing the
/// output.
pub(crate) struct ConvShape {
    /// The input as N x C x D1 x ... x Dn.
    pub(crate) x: TensorType,
    pub(crate) w: TensorType,
    pub(crate) window: Window,
    /// `kernel_shape` when given, else the weight's spatial dims.
    pub(crate) kernel: Vec<Dim>,
    pub(crate) group: i64,
}

fn conv_shape(op: &OpRef<'_>) -> Result<ConvShape, String> {
    conv_shape_of(op, operand(op, 0)?)
}

/// [`ConvShape`] of a conv whose input, seen as N x C x D1 x ... x Dn, is `x` (operand 0 in
/// another layout for fused_conv); every operand must share one element type.
pub(crate) fn conv_shape_of(op: &OpRef<'_>, x: TensorType) -> Result<ConvShape, String> {
    common_element(op, 0..op.operands().len())?;
    let w = operand(op, 1)?;
    let spatial = spatial_rank(&x)?;
    if w.rank() != x.rank() {
        return Err(format!(
            "the weight has shape {} but needs rank {} like the input {}",
            format_shape(&w.shape),
            x.rank(),
            format_shape(&x.shape)
        ));
    }
    let window = Window::read(op, spatial)?;
    let kernel = match &window.kernel_shape {
        Some(k) => k.iter().map(|&k| Dim::Static(k as u64)).collect(),
        None => w.shape[2..].to_vec(),
    };
    let group = op.int("group")?;
    if group < 1 {
        return Err(format!("attribute `group` must be at least 1, got {group}"));
    }
    Ok(ConvShape { x, w, window, kernel, group })
}

fn infer_conv(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let s = conv_shape(&op)?;
    Ok(vec![Type::Tensor(TensorType::new(conv_output(&op, &s)?, s.x.element))])
}

/// The N x M x (output sizes) shape of a conv.
pub(crate) fn conv_output(op: &OpRef<'_>, s: &ConvShape) -> Result<Vec<Dim>, String> {
    let mut shape = vec![s.x.shape[0].clone(), s.w.shape[0].clone()];
    for (i, (input, k)) in s.x.shape[2..].iter().zip(&s.kernel).enumerate() {
        shape.push(s.window.output_dim(op.ctx(), i, input, k, false)?);
    }
    Ok(shape)
}

/// `dim` must be a multiple of `group` when static.
fn check_divisible(dim: &Dim, group: i64, what: &str) -> Result<(), String> {
    match dim.as_static() {
        Some(n) if n % group as u64 != 0 => Err(format!("{what} ({n}) is not divisible by group={group}")),
        _ => Ok(()),
    }
}

/// Checks shared by conv and conv_transpose: group divides the input channels, `kernel_shape`
/// matches the weight, the bias has one value per output channel.
fn check_conv(op: &OpRef<'_>, s: &ConvShape, out_channels: &Dim) -> Result<(), String> {
    check_divisible(&s.x.shape[1], s.group, "the input's channel count")?;
    for (i, (k, wd)) in s.kernel.iter().zip(&s.w.shape[2..]).enumerate() {
        unify_dims(k, wd).map_err(|_| {
            format!(
                "kernel_shape {} does not match the weight's shape {} on spatial axis {i}",
                format_shape(&s.kernel),
                format_shape(&s.w.shape)
            )
        })?;
    }
    if let Some(b) = op.named_tensor("b")? {
        let [m] = b.shape.as_slice() else {
            return Err(format!("the bias must be 1-D, got shape {}", format_shape(&b.shape)));
        };
        unify_dims(m, out_channels).map_err(|_| {
            format!(
                "the bias has shape {} but there are {} output channels",
                format_shape(&b.shape),
                format_dim(out_channels)
            )
        })?;
    }
    Ok(())
}

fn verify_conv(op: OpRef<'_>) -> Result<(), String> {
    check_forward_conv(&op, &conv_shape(&op)?)?;
    verify_inferred(op)
}

/// The checks of a (forward) conv: [`check_conv`], then the weight's channels per group against
/// the input's channels and group, and the output channels divisible by group.
pub(crate) fn check_forward_conv(op: &OpRef<'_>, s: &ConvShape) -> Result<(), String> {
    let (c, m, c_per_group) = (&s.x.shape[1], &s.w.shape[0], &s.w.shape[1]);
    check_conv(op, s, m)?;
    if let (Some(c), Some(cg)) = (c.as_static(), c_per_group.as_static())
        && cg.checked_mul(s.group as u64) != Some(c)
    {
        return Err(format!(
            "the weight has {cg} input channels per group but the input has {c} channels and group={}",
            s.group
        ));
    }
    check_divisible(m, s.group, "the weight's output channel count")
}

/// The output channel count of conv_transpose: the weight's `M / group` times `group`.
fn transpose_channels(ctx: &Context, s: &ConvShape) -> Result<Dim, String> {
    Ok(match &s.w.shape[1] {
        Dim::Static(n) => Dim::Static(n.checked_mul(s.group as u64).ok_or("the output channel count overflows")?),
        sym if s.group == 1 => sym.clone(),
        Dim::Symbol(_) => Dim::Symbol(ctx.fresh_symbol()),
    })
}

/// `output_padding` and `output_shape` of conv_transpose; `output_shape` may list the spatial sizes
/// alone or the full N x C x ... shape, whose last entries are used.
fn transpose_attrs(op: &OpRef<'_>, spatial: usize) -> Result<(Vec<usize>, Option<Vec<usize>>), String> {
    let output_padding = list_attr(op, "output_padding", spatial, 0)?;
    let output_shape = match op.opt_ints("output_shape")? {
        None => None,
        Some(shape) if shape.len() == spatial || shape.len() == spatial + 2 => {
            if shape.iter().any(|&d| d < 0) {
                return Err(format!("attribute `output_shape` {shape:?} has a negative size"));
            }
            Some(shape[shape.len() - spatial..].iter().map(|&d| d as usize).collect())
        }
        Some(shape) => {
            return Err(format!(
                "attribute `output_shape` {shape:?} has {} values; expected {spatial} (or {} with N and C)",
                shape.len(),
                spatial + 2
            ));
        }
    };
    Ok((output_padding, output_shape))
}

pub(crate) fn infer_conv_transpose(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let s = conv_shape(&op)?;
    let spatial = s.kernel.len();
    let (output_padding, output_shape) = transpose_attrs(&op, spatial)?;
    let mut shape = vec![s.x.shape[0].clone(), transpose_channels(op.ctx(), &s)?];
    for i in 0..spatial {
        let target = output_shape.as_ref().map(|t| t[i]);
        let dims = (&s.x.shape[2 + i], &s.kernel[i]);
        shape.push(s.window.transpose_output_dim(op.ctx(), i, dims, output_padding[i], target)?);
    }
    Ok(vec![Type::Tensor(TensorType::new(shape, s.x.element))])
}

pub(crate) fn verify_conv_transpose(op: OpRef<'_>) -> Result<(), String> {
    let s = conv_shape(&op)?;
    check_conv(&op, &s, &transpose_channels(op.ctx(), &s)?)?;
    unify_dims(&s.w.shape[0], &s.x.shape[1]).map_err(|_| {
        format!(
            "the weight {} must have as many input channels as the input {}",
            format_shape(&s.w.shape),
            format_shape(&s.x.shape)
        )
    })?;
    let (output_padding, _) = transpose_attrs(&op, s.kernel.len())?;
    for (i, &p) in output_padding.iter().enumerate() {
        let limit = s.window.strides[i].max(s.window.dilations[i]);
        if p >= limit {
            return Err(format!(
                "output_padding {output_padding:?} must be below the stride or dilation on every spatial axis (axis {i}: {p} >= {limit})"
            ));
        }
    }
    verify_inferred(op)
}
