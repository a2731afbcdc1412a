//! `kernel.col2im`: a call of the runtime's col2im of a 2-D transposed convolution in a schedule function, its
//! attributes as the runtime's [`Col2imCall`] descriptor, and its reference semantics for the interpreter.

use msc_ir::{Attribute, OpDef, OpRef, declare_op};
use msc_runtime::routine::{Activation, Col2imCall};

use crate::routine::{buffer_lens, finish, operand_lens, size};

declare_op! {
    /// `y[n, m, oy, ox] = act(bias[m] + residual[n, m, oy, ox] + Σ col[((n·channels + m)·kh + ky)·kw + kx, ih·width + iw])`
    /// over the taps with `ih·stride_h = oy + pad_top - ky·dilation_h` and `iw·stride_w = ox + pad_left -
    /// kx·dilation_w` inside the input; run by the runtime's col2im (see `msc_runtime::routine::Col2imCall`, whose
    /// fields the attributes spell). Operands: col (`images·channels·kh·kw` rows of `height·width`), y (`images x
    /// channels x out_height x out_width`), then the bias if `bias`, then the residual if `residual`; all f32.
    ///
    /// Example: `"kernel.col2im"(%col, %y, %b) {images = 1, channels = 16, height = 128, width = 128, kernel_h = 4, kernel_w = 4, stride_h = 2, stride_w = 2, pad_top = 1, pad_left = 1, out_height = 256, out_width = 256, bias = true, activation = "relu"} : (memref<4194304xf32>, memref<1048576xf32>, memref<16xf32>) -> ()`
    pub Col2im = "kernel.col2im", COL2IM {
        variadic { buffers: ANY }
        attributes {
            images: i64 = Required,
            channels: i64 = Required,
            height: i64 = Required,
            width: i64 = Required,
            kernel_h: i64 = Required,
            kernel_w: i64 = Required,
            stride_h: i64 = Int(1),
            stride_w: i64 = Int(1),
            dilation_h: i64 = Int(1),
            dilation_w: i64 = Int(1),
            pad_top: i64 = Int(0),
            pad_left: i64 = Int(0),
            out_height: i64 = Required,
            out_width: i64 = Required,
            bias: bool = Bool(false),
            residual: bool = Bool(false),
            activation: String = Str("none"),
        }
        verify: Some(verify),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&COL2IM]
}

/// The attribute names of each geometry pair, in [`Col2imCall`]'s order after `images` and `channels`.
const PAIRS: [[&str; 2]; 6] = [
    ["height", "width"],
    ["kernel_h", "kernel_w"],
    ["stride_h", "stride_w"],
    ["dilation_h", "dilation_w"],
    ["pad_top", "pad_left"],
    ["out_height", "out_width"],
];

/// The call a `kernel.col2im` op describes.
pub fn call_of(op: OpRef<'_>) -> Result<Col2imCall, String> {
    let pair = |i: usize| -> Result<[u64; 2], String> { Ok([size(op, PAIRS[i][0])?, size(op, PAIRS[i][1])?]) };
    Ok(Col2imCall {
        images: size(op, "images")?,
        channels: size(op, "channels")?,
        input: pair(0)?,
        kernel: pair(1)?,
        stride: pair(2)?,
        dilation: pair(3)?,
        pad: pair(4)?,
        out: pair(5)?,
        bias: op.bool("bias")?,
        residual: op.bool("residual")?,
        activation: op.string("activation")?.parse()?,
    })
}

/// The attributes spelling `call`, for building a `kernel.col2im` op.
pub fn attributes_of(call: &Col2imCall) -> Vec<(&'static str, Attribute)> {
    let int = |v: u64| Attribute::Int(v as i64);
    let mut attrs = vec![("images", int(call.images)), ("channels", int(call.channels))];
    let values = [call.input, call.kernel, call.stride, call.dilation, call.pad, call.out];
    for (names, pair) in PAIRS.iter().zip(values) {
        for (name, value) in names.iter().zip(pair) {
            attrs.push((*name, int(value)));
        }
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

fn verify(op: OpRef<'_>) -> Result<(), String> {
    call_of(op)?.check(&operand_lens(op)?)
}

/// The input position tap `k` of an axis reads for output position `o`, if any: `i` with
/// `i·stride = o + pad - k·dilation` and `i < input`.
fn source(o: u64, k: u64, [input, stride, dilation, pad]: [u64; 4]) -> Option<u64> {
    let at = (o + pad).checked_sub(k * dilation)?;
    (at % stride == 0 && at / stride < input).then_some(at / stride)
}

/// Evaluates `call` on f32 buffers in the plainest way (every output gathers its taps, summed in f64), as the
/// oracle for the routine: `buffers` are col, y, then the bias and residual the call uses; y (index 1) is
/// written.
pub fn evaluate(call: &Col2imCall, buffers: &mut [Vec<f32>]) -> Result<(), String> {
    call.check(&buffer_lens(buffers))?;
    let ([h, w], [kh, kw], [oh, ow]) = (call.input, call.kernel, call.out);
    let axis = |a: usize| [call.input[a], call.stride[a], call.dilation[a], call.pad[a]];
    let residual_index = if call.bias { 3 } else { 2 };
    let mut index = 0;
    for plane in 0..call.images * call.channels {
        let channel = plane % call.channels;
        for oy in 0..oh {
            for ox in 0..ow {
                let mut v = 0.0;
                for ky in 0..kh {
                    let Some(ih) = source(oy, ky, axis(0)) else { continue };
                    for kx in 0..kw {
                        let Some(iw) = source(ox, kx, axis(1)) else { continue };
                        let row = (plane * kh + ky) * kw + kx;
                        v += f64::from(buffers[0][((row * h + ih) * w + iw) as usize]);
                    }
                }
                let bias = call.bias.then(|| buffers[2][channel as usize]);
                let residual = call.residual.then(|| buffers[residual_index][index]);
                buffers[1][index] = finish(v, bias, residual, call.activation);
                index += 1;
            }
        }
    }
    Ok(())
}
