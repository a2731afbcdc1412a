//! `kernel.depthwise_conv`: a call of the runtime's depthwise 2-D convolution in a schedule function, its
//! attributes as the runtime's [`DepthwiseCall`] descriptor, and its reference semantics for the interpreter.

use msc_ir::{Attribute, OpDef, OpRef, declare_op};
use msc_runtime::routine::{Activation, DepthwiseCall};

use crate::routine::{buffer_lens, finish, operand_lens, size};

declare_op! {
    /// `y = act(alpha · depthwise_conv(x, w) + bias + residual)`, run by the runtime's depthwise routine (see
    /// `msc_runtime::routine::DepthwiseCall`, whose fields the attributes spell; `geometry` is the text form of
    /// `msc_runtime::routine::Conv2d`). Operands: x, w, y, then the bias if `bias`, then the residual if
    /// `residual`; all f32.
    ///
    /// Example: `"kernel.depthwise_conv"(%x, %w, %y, %b) {batch = 1, geometry = "32x112x112 k3x3 s1x1 d1x1 p1x1 o112x112", bias = true, activation = "clip 0 6"} : (memref<1x32x112x112xf32>, memref<32x1x3x3xf32>, memref<1x32x112x112xf32>, memref<32xf32>) -> ()`
    pub DepthwiseConv = "kernel.depthwise_conv", DEPTHWISE_CONV {
        variadic { buffers: ANY }
        attributes {
            batch: i64 = Required,
            geometry: String = Required,
            multiplier: i64 = Int(1),
            alpha: f64 = Float(1.0),
            bias: bool = Bool(false),
            residual: bool = Bool(false),
            activation: String = Str("none"),
        }
        verify: Some(verify_depthwise),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&DEPTHWISE_CONV]
}

/// The call a `kernel.depthwise_conv` op describes.
pub fn call_of(op: OpRef<'_>) -> Result<DepthwiseCall, String> {
    let size = |name: &str| size(op, name);
    Ok(DepthwiseCall {
        batch: size("batch")?,
        conv: op.string("geometry")?.parse()?,
        multiplier: size("multiplier")?,
        alpha: op.float("alpha")? as f32,
        bias: op.bool("bias")?,
        residual: op.bool("residual")?,
        activation: op.string("activation")?.parse()?,
    })
}

/// The attributes spelling `call`, for building a `kernel.depthwise_conv` op.
pub fn attributes_of(call: &DepthwiseCall) -> Vec<(&'static str, Attribute)> {
    let mut attrs = vec![
        ("batch", Attribute::Int(call.batch as i64)),
        ("geometry", Attribute::String(call.conv.to_string().into())),
    ];
    if call.multiplier != 1 {
        attrs.push(("multiplier", Attribute::Int(call.multiplier as i64)));
    }
    if call.alpha != 1.0 {
        attrs.push(("alpha", Attribute::Float(call.alpha.into())));
    }
    for (name, on) in [("bias", call.bias), ("residual", call.residual)] {
        if on {
            attrs.push((name, Attribute::Bool(true)));
        }
    }
    if call.activation != Activation::None {
        attrs.push(("activation", Attribute::String(call.activation.to_string().into())));
    }
    attrs
}

fn verify_depthwise(op: OpRef<'_>) -> Result<(), String> {
    call_of(op)?.check(&operand_lens(op)?)
}

/// Evaluates `call` on f32 buffers in the plainest way (f64 sums, every tap bounds-checked), as the oracle for
/// the routine: `buffers` are the operands' elements in order, y (index 2) is written.
pub fn evaluate(call: &DepthwiseCall, buffers: &mut [Vec<f32>]) -> Result<(), String> {
    call.check(&buffer_lens(buffers))?;
    let c = call.conv;
    let out_channels = c.channels * call.multiplier;
    let residual_index = if call.bias { 4 } else { 3 };
    let mut at = 0;
    for n in 0..call.batch {
        for o in 0..out_channels {
            let channel = o / call.multiplier;
            for oy in 0..c.out[0] {
                for ox in 0..c.out[1] {
                    let mut acc = 0f64;
                    for ky in 0..c.kernel[0] {
                        let iy =
                            (oy * c.stride[0] + ky * c.dilation[0]).checked_sub(c.pad[0]).filter(|&y| y < c.height);
                        for kx in 0..c.kernel[1] {
                            let ix =
                                (ox * c.stride[1] + kx * c.dilation[1]).checked_sub(c.pad[1]).filter(|&x| x < c.width);
                            if let (Some(iy), Some(ix)) = (iy, ix) {
                                let x =
                                    buffers[0][(((n * c.channels + channel) * c.height + iy) * c.width + ix) as usize];
                                let w = buffers[1][((o * c.kernel[0] + ky) * c.kernel[1] + kx) as usize];
                                acc += f64::from(x) * f64::from(w);
                            }
                        }
                    }
                    let bias = call.bias.then(|| buffers[3][o as usize]);
                    let residual = call.residual.then(|| buffers[residual_index][at]);
                    buffers[2][at] = finish(acc * f64::from(call.alpha), bias, residual, call.activation);
                    at += 1;
                }
            }
        }
    }
    Ok(())
}
