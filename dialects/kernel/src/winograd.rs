//! `kernel.winograd_conv`: a call of the runtime's Winograd F(4x4, 3x3) convolution in a schedule function,
//! its attributes as the runtime's [`WinogradConvCall`] descriptor, and its reference semantics for the
//! interpreter.

use msc_ir::{Attribute, OpDef, OpRef, declare_op};
use msc_runtime::routine::{Activation, WinogradConvCall};
use msc_runtime::winograd::{MATRICES, POSITIONS, TILE, WINDOW, tile_grid};

use crate::routine::{buffer_lens, finish, operand_lens, size};

declare_op! {
    /// `y = act(conv3x3(x, g) + bias + residual)` for a stride-1 3x3 convolution computed as Winograd
    /// F(4x4, 3x3): per 4x4 output tile, `Aᵀ (Σ_c U[p][k][c] · (Bᵀ d_c B)[p]) A` with `d_c` the tile's 6x6
    /// window of input channel `c` (zero outside x) and `U = G g Gᵀ` the transformed weights; run by the
    /// runtime's Winograd routine (see `msc_runtime::routine::WinogradConvCall`, whose fields the attributes
    /// spell; U is row-major here, the driver packs it). Operands: x (`images x channels x height x width`), U
    /// (`36 x filters x channels`), y (`images x filters x out_height x out_width`), then the bias (`filters`) if
    /// `bias`, then the residual (shaped like y) if `residual`; all f32.
    ///
    /// Example: `"kernel.winograd_conv"(%x, %u, %y, %b) {images = 1, channels = 32, filters = 64, height = 56, width = 56, pad_top = 1, pad_left = 1, out_height = 56, out_width = 56, bias = true, activation = "relu"} : (memref<100352xf32>, memref<73728xf32>, memref<200704xf32>, memref<64xf32>) -> ()`
    pub WinogradConv = "kernel.winograd_conv", WINOGRAD_CONV {
        variadic { buffers: ANY }
        attributes {
            images: i64 = Required,
            channels: i64 = Required,
            filters: i64 = Required,
            height: i64 = Required,
            width: i64 = Required,
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
    vec![&WINOGRAD_CONV]
}

/// The call a `kernel.winograd_conv` op describes (U row-major).
pub fn call_of(op: OpRef<'_>) -> Result<WinogradConvCall, String> {
    Ok(WinogradConvCall {
        images: size(op, "images")?,
        channels: size(op, "channels")?,
        filters: size(op, "filters")?,
        input: [size(op, "height")?, size(op, "width")?],
        pad: [size(op, "pad_top")?, size(op, "pad_left")?],
        out: [size(op, "out_height")?, size(op, "out_width")?],
        u_width: 0,
        bias: op.bool("bias")?,
        residual: op.bool("residual")?,
        activation: op.string("activation")?.parse()?,
    })
}

/// The attributes spelling `call` (whose U must be row-major), for building a `kernel.winograd_conv` op.
pub fn attributes_of(call: &WinogradConvCall) -> Vec<(&'static str, Attribute)> {
    let int = |v: u64| Attribute::Int(v as i64);
    let mut attrs = vec![
        ("images", int(call.images)),
        ("channels", int(call.channels)),
        ("filters", int(call.filters)),
        ("height", int(call.input[0])),
        ("width", int(call.input[1])),
        ("pad_top", int(call.pad[0])),
        ("pad_left", int(call.pad[1])),
        ("out_height", int(call.out[0])),
        ("out_width", int(call.out[1])),
    ];
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

/// Evaluates `call` (U row-major) on f32 buffers in the plainest way (f64 transforms and sums, every window
/// element bounds-checked), as the oracle for the routine: `buffers` are x, U, y, then the bias and residual
/// the call uses; y (index 2) is written.
pub fn evaluate(call: &WinogradConvCall, buffers: &mut [Vec<f32>]) -> Result<(), String> {
    call.check(&buffer_lens(buffers))?;
    if call.u_width != 0 {
        return Err("the evaluator reads a row-major U".into());
    }
    let ([h, w], [oh, ow]) = (call.input.map(|v| v as usize), call.out.map(|v| v as usize));
    let [th, tw] = tile_grid(call.out).map(|v| v as usize);
    let (c, k) = (call.channels as usize, call.filters as usize);
    let [pad_top, pad_left] = call.pad.map(|v| v as usize);
    let residual_index = if call.bias { 4 } else { 3 };
    let (bt, at) = (MATRICES.bt, MATRICES.at);
    for n in 0..call.images as usize {
        for ty in 0..th {
            for tx in 0..tw {
                // V[p][c] of the tile.
                let mut v = vec![0f64; POSITIONS * c];
                for ch in 0..c {
                    let mut d = [[0f64; WINDOW]; WINDOW];
                    for (i, row) in d.iter_mut().enumerate() {
                        let r = (TILE * ty + i).checked_sub(pad_top).filter(|&r| r < h);
                        for (j, value) in row.iter_mut().enumerate() {
                            let s = (TILE * tx + j).checked_sub(pad_left).filter(|&s| s < w);
                            if let (Some(r), Some(s)) = (r, s) {
                                *value = f64::from(buffers[0][((n * c + ch) * h + r) * w + s]);
                            }
                        }
                    }
                    for p in 0..POSITIONS {
                        let (a, b) = (p / WINDOW, p % WINDOW);
                        let mut sum = 0.0;
                        for (i, row) in d.iter().enumerate() {
                            for (j, &value) in row.iter().enumerate() {
                                sum += bt[a][i] * value * bt[b][j];
                            }
                        }
                        v[p * c + ch] = sum;
                    }
                }
                for f in 0..k {
                    let m: Vec<f64> = (0..POSITIONS)
                        .map(|p| (0..c).map(|ch| f64::from(buffers[1][(p * k + f) * c + ch]) * v[p * c + ch]).sum())
                        .collect();
                    for i in 0..TILE.min(oh - TILE * ty) {
                        for j in 0..TILE.min(ow - TILE * tx) {
                            let sum: f64 = (0..POSITIONS).map(|p| at[i][p / WINDOW] * m[p] * at[j][p % WINDOW]).sum();
                            let index = ((n * k + f) * oh + TILE * ty + i) * ow + TILE * tx + j;
                            let bias = call.bias.then(|| buffers[3][f]);
                            let residual = call.residual.then(|| buffers[residual_index][index]);
                            buffers[2][index] = finish(sum, bias, residual, call.activation);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
