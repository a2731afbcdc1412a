//! Evaluators of the fused ops (`ops/fused.rs`), each a composition of the reference kernels.

use super::conv::{conv_params, eval_conv_transpose};
use super::{Eval, EvalFn, single};
use crate::ops::fused::{attention_scale, read_steps};
use crate::shape::flag;
use msc_nn_kernels::Tensor;
use msc_nn_kernels::epilogue::apply;
use msc_nn_kernels::fused::{ConvLayout, attention, fused_conv, fused_elementwise, fused_matmul};
use msc_nn_kernels::normalize::rms_norm;

pub(super) const TABLE: &[(&str, EvalFn)] = &[
    ("nn.fused_conv", eval_fused_conv),
    ("nn.fused_conv_transpose", |e| {
        let y = eval_conv_transpose(e)?.pop().ok_or("conv_transpose gave no result")?;
        single(apply(&read_steps(&e.op, "epilogue")?, y, e.inputs()))
    }),
    ("nn.fused_matmul", |e| {
        let flags = (flag(&e.op, "trans_a")?, flag(&e.op, "trans_b")?);
        let steps = read_steps(&e.op, "epilogue")?;
        single(fused_matmul(e.input(0)?, e.input(1)?, flags, &steps, e.inputs()))
    }),
    ("nn.fused_elementwise", |e| single(fused_elementwise(e.inputs(), &read_steps(&e.op, "steps")?))),
    ("nn.rms_norm", |e| single(rms_norm(e.input(0)?, e.input(1)?, e.op.int("axis")?, e.op.float("epsilon")?))),
    ("nn.attention", |e| {
        let (q, k, v) = (e.input(0)?, e.input(1)?, e.input(2)?);
        single(attention(q, k, v, e.named("mask")?, attention_scale(&e.op)?))
    }),
];

fn eval_fused_conv(e: &Eval<'_>) -> Result<Vec<Tensor>, String> {
    let layout = ConvLayout::parse(&e.op.string("layout")?).map_err(|e| e.0)?;
    let (x, w, b) = (e.input(0)?, e.input(1)?, e.named("b")?);
    // The window attributes are read for the input's spatial rank, which is 2 in the 2-D layouts.
    let spatial = if layout == ConvLayout::Nchw { x.rank().saturating_sub(2) } else { 2 };
    let steps = read_steps(&e.op, "epilogue")?;
    single(fused_conv(x, w, b, &conv_params(e, spatial)?, layout, &steps, e.inputs()))
}
