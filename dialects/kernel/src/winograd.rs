//! `kernel.winograd_input` and `kernel.winograd_output`: calls of the runtime's Winograd F(4x4, 3x3)
//! transforms in a schedule function, their attributes as the runtime's [`WinogradInputCall`] and
//! [`WinogradOutputCall`] descriptors, and their reference semantics for the interpreter.

use msc_ir::{Attribute, OpDef, OpRef, declare_op};
use msc_runtime::routine::{Activation, WinogradInputCall, WinogradOutputCall};
use msc_runtime::winograd::{MATRICES, POSITIONS, TILE, WINDOW, tile_grid};

use crate::routine::{buffer_lens, finish, operand_lens, size};

declare_op! {
    /// `V[p][c][t] = (Bᵀ d B)[p]` for the 6x6 window `d` of every tile `t` (4x4 tiles of the
    /// `out_height x out_width` output, over all images) of every channel `c` of x, zero outside x; run by the
    /// runtime's Winograd input transform (see `msc_runtime::routine::WinogradInputCall`, whose fields the
    /// attributes spell). Operands: x (`images x channels x height x width`), V (`36 x channels x tiles`).
    ///
    /// Example: `"kernel.winograd_input"(%x, %v) {images = 1, channels = 32, height = 56, width = 56, pad_top = 1, pad_left = 1, out_height = 56, out_width = 56} : (memref<100352xf32>, memref<225792xf32>) -> ()`
    pub WinogradInput = "kernel.winograd_input", WINOGRAD_INPUT {
        variadic { buffers: ANY }
        attributes {
            images: i64 = Required,
            channels: i64 = Required,
            height: i64 = Required,
            width: i64 = Required,
            pad_top: i64 = Int(0),
            pad_left: i64 = Int(0),
            out_height: i64 = Required,
            out_width: i64 = Required,
        }
        verify: Some(verify_input),
    }
}

declare_op! {
    /// `y = act(Aᵀ M A + bias + residual)` for every 4x4 tile of y, stored only inside y; run by the runtime's
    /// Winograd output transform (see `msc_runtime::routine::WinogradOutputCall`, whose fields the attributes
    /// spell). Operands: M (`36 x channels x tiles`), y (`images x channels x out_height x out_width`), then the
    /// bias if `bias`, then the residual if `residual`; all f32.
    ///
    /// Example: `"kernel.winograd_output"(%m, %y, %b) {images = 1, channels = 64, out_height = 56, out_width = 56, bias = true, activation = "relu"} : (memref<451584xf32>, memref<200704xf32>, memref<64xf32>) -> ()`
    pub WinogradOutput = "kernel.winograd_output", WINOGRAD_OUTPUT {
        variadic { buffers: ANY }
        attributes {
            images: i64 = Required,
            channels: i64 = Required,
            out_height: i64 = Required,
            out_width: i64 = Required,
            bias: bool = Bool(false),
            residual: bool = Bool(false),
            activation: String = Str("none"),
        }
        verify: Some(verify_output),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&WINOGRAD_INPUT, &WINOGRAD_OUTPUT]
}

/// The call a `kernel.winograd_input` op describes.
pub fn input_call_of(op: OpRef<'_>) -> Result<WinogradInputCall, String> {
    Ok(WinogradInputCall {
        images: size(op, "images")?,
        channels: size(op, "channels")?,
        input: [size(op, "height")?, size(op, "width")?],
        pad: [size(op, "pad_top")?, size(op, "pad_left")?],
        out: [size(op, "out_height")?, size(op, "out_width")?],
    })
}

/// The call a `kernel.winograd_output` op describes.
pub fn output_call_of(op: OpRef<'_>) -> Result<WinogradOutputCall, String> {
    Ok(WinogradOutputCall {
        images: size(op, "images")?,
        channels: size(op, "channels")?,
        out: [size(op, "out_height")?, size(op, "out_width")?],
        bias: op.bool("bias")?,
        residual: op.bool("residual")?,
        activation: op.string("activation")?.parse()?,
    })
}

/// The attributes spelling `call`, for building a `kernel.winograd_input` op.
pub fn input_attributes_of(call: &WinogradInputCall) -> Vec<(&'static str, Attribute)> {
    let int = |v: u64| Attribute::Int(v as i64);
    vec![
        ("images", int(call.images)),
        ("channels", int(call.channels)),
        ("height", int(call.input[0])),
        ("width", int(call.input[1])),
        ("pad_top", int(call.pad[0])),
        ("pad_left", int(call.pad[1])),
        ("out_height", int(call.out[0])),
        ("out_width", int(call.out[1])),
    ]
}

/// The attributes spelling `call`, for building a `kernel.winograd_output` op.
pub fn output_attributes_of(call: &WinogradOutputCall) -> Vec<(&'static str, Attribute)> {
    let int = |v: u64| Attribute::Int(v as i64);
    let mut attrs = vec![
        ("images", int(call.images)),
        ("channels", int(call.channels)),
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

fn verify_input(op: OpRef<'_>) -> Result<(), String> {
    input_call_of(op)?.check(&operand_lens(op)?)
}

fn verify_output(op: OpRef<'_>) -> Result<(), String> {
    output_call_of(op)?.check(&operand_lens(op)?)
}

/// Evaluates `call` on f32 buffers in the plainest way (f64 sums, every window element bounds-checked), as
/// the oracle for the routine: `buffers` are x and V, V (index 1) is written.
pub fn evaluate_input(call: &WinogradInputCall, buffers: &mut [Vec<f32>]) -> Result<(), String> {
    call.check(&buffer_lens(buffers))?;
    let ([h, w], [th, tw], c) = (call.input, tile_grid(call.out), call.channels);
    let tiles = call.images * th * tw;
    let bt = MATRICES.bt;
    for n in 0..call.images {
        for ch in 0..c {
            for ty in 0..th {
                for tx in 0..tw {
                    let mut d = [[0f64; WINDOW]; WINDOW];
                    for (i, row) in d.iter_mut().enumerate() {
                        let r = (TILE as u64 * ty + i as u64).checked_sub(call.pad[0]).filter(|&r| r < h);
                        for (j, value) in row.iter_mut().enumerate() {
                            let s = (TILE as u64 * tx + j as u64).checked_sub(call.pad[1]).filter(|&s| s < w);
                            if let (Some(r), Some(s)) = (r, s) {
                                *value = f64::from(buffers[0][(((n * c + ch) * h + r) * w + s) as usize]);
                            }
                        }
                    }
                    let t = (n * th + ty) * tw + tx;
                    for p in 0..POSITIONS {
                        let (a, b) = (p / WINDOW, p % WINDOW);
                        let mut v = 0.0;
                        for (i, row) in d.iter().enumerate() {
                            for (j, &value) in row.iter().enumerate() {
                                v += bt[a][i] * value * bt[b][j];
                            }
                        }
                        buffers[1][((p as u64 * c + ch) * tiles + t) as usize] = v as f32;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Evaluates `call` on f32 buffers in the plainest way (f64 sums), as the oracle for the routine: `buffers`
/// are M, y, then the bias and residual the call uses; y (index 1) is written.
pub fn evaluate_output(call: &WinogradOutputCall, buffers: &mut [Vec<f32>]) -> Result<(), String> {
    call.check(&buffer_lens(buffers))?;
    let ([oh, ow], [th, tw], k) = (call.out, tile_grid(call.out), call.channels);
    let tiles = call.images * th * tw;
    let residual_index = if call.bias { 3 } else { 2 };
    let at = MATRICES.at;
    let mut index = 0;
    for n in 0..call.images {
        for f in 0..k {
            for oy in 0..oh {
                for ox in 0..ow {
                    let t = (n * th + oy / TILE as u64) * tw + ox / TILE as u64;
                    let (i, j) = ((oy % TILE as u64) as usize, (ox % TILE as u64) as usize);
                    let mut v = 0.0;
                    for p in 0..POSITIONS {
                        let m = f64::from(buffers[0][((p as u64 * k + f) * tiles + t) as usize]);
                        v += at[i][p / WINDOW] * m * at[j][p % WINDOW];
                    }
                    let bias = call.bias.then(|| buffers[2][f as usize]);
                    let residual = call.residual.then(|| buffers[residual_index][index]);
                    buffers[1][index] = finish(v, bias, residual, call.activation);
                    index += 1;
                }
            }
        }
    }
    Ok(())
}
