//! Evaluators of the convolutions (`nn.conv`, `nn.conv_transpose`).

use super::{Eval, EvalFn, single};
use crate::ops::conv::Window;
use msc_nn_kernels::Tensor;
use msc_nn_kernels::conv::{self, ConvParams, ConvTransposeParams};

pub(super) const TABLE: &[(&str, EvalFn)] = &[("nn.conv", eval_conv), ("nn.conv_transpose", eval_conv_transpose)];

/// The kernel parameters of a conv op with `spatial` spatial axes.
pub(super) fn conv_params(e: &Eval<'_>, spatial: usize) -> Result<ConvParams, String> {
    let window = Window::read(&e.op, spatial)?;
    let group = e.op.int("group")?;
    Ok(ConvParams {
        auto_pad: window.auto_pad,
        dilations: window.dilations,
        group: usize::try_from(group).map_err(|_| format!("attribute `group` must be positive, got {group}"))?,
        kernel_shape: window.kernel_shape.unwrap_or_default(),
        pads: window.pads,
        strides: window.strides,
    })
}

fn eval_conv(e: &Eval<'_>) -> Result<Vec<Tensor>, String> {
    let (x, w, b) = (e.input(0)?, e.input(1)?, e.named("b")?);
    single(conv::conv(x, w, b, &conv_params(e, x.rank().saturating_sub(2))?))
}

/// A list attribute of non-negative integers, empty when absent (the kernels' "ONNX default").
fn sizes(e: &Eval<'_>, name: &str) -> Result<Vec<usize>, String> {
    let values = e.op.opt_ints(name)?.unwrap_or_default();
    values
        .iter()
        .map(|&v| usize::try_from(v).map_err(|_| format!("attribute `{name}` {values:?} holds a negative value")))
        .collect()
}

pub(super) fn eval_conv_transpose(e: &Eval<'_>) -> Result<Vec<Tensor>, String> {
    let (x, w, b) = (e.input(0)?, e.input(1)?, e.named("b")?);
    let params = ConvTransposeParams {
        conv: conv_params(e, x.rank().saturating_sub(2))?,
        output_padding: sizes(e, "output_padding")?,
        output_shape: sizes(e, "output_shape")?,
    };
    single(conv::conv_transpose(x, w, b, &params))
}
