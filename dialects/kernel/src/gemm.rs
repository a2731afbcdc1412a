//! `kernel.gemm`: a call of the runtime's fp32 GEMM engine in a schedule function, its attributes as the
//! runtime's [`GemmCall`] descriptor, and its reference semantics for the interpreter.

use msc_ir::{Attribute, OpDef, OpRef, declare_op};
use msc_runtime::routine::{Activation, BatchLevel, Bias, GemmCall, Source};

use crate::routine::{buffer_lens, finish, operand_lens, size};

declare_op! {
    /// `C = act(alpha·A·B + bias + residual)` over the batch levels, run by the runtime's GEMM engine
    /// (see `msc_runtime::routine::GemmCall`, whose fields the attributes spell). Operands: A, B, C, then
    /// the bias if `bias` is not `"none"`, then the residual if `residual_ld` is given; all f32.
    /// `batch` holds six strides per level: count, A, B, C, bias, residual.
    ///
    /// Example: `"kernel.gemm"(%w, %x, %y, %b) {m = 8, n = 1024, k = 27, ldc = 1024, a = "strided 27 1", b = "im2col 3x32x32 k3x3 s1x1 d1x1 p1x1 o32x32", bias = "row", activation = "relu"} : (memref<8x3x3x3xf32>, memref<1x3x32x32xf32>, memref<1x8x32x32xf32>, memref<8xf32>) -> ()`
    pub Gemm = "kernel.gemm", GEMM {
        variadic { buffers: ANY }
        attributes {
            m: i64 = Required,
            n: i64 = Required,
            k: i64 = Required,
            ldc: i64 = Required,
            a: String = Required,
            b: String = Required,
            batch: Vec<i64> = Optional,
            alpha: f64 = Float(1.0),
            bias: String = Str("none"),
            residual_ld: i64 = Optional,
            activation: String = Str("none"),
        }
        verify: Some(verify_gemm),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&GEMM]
}

/// The call a `kernel.gemm` op describes.
pub fn call_of(op: OpRef<'_>) -> Result<GemmCall, String> {
    let size = |name: &str| size(op, name);
    let strides = match op.raw_attr("batch") {
        Some(_) => op.ints("batch")?,
        None => Vec::new(),
    };
    if strides.len() % 6 != 0 || strides.iter().any(|&s| s < 0) {
        return Err("`batch` must hold six non-negative numbers per level".into());
    }
    let batch = strides
        .chunks(6)
        .map(|l| {
            let [count, a, b, c, bias, residual] = [l[0], l[1], l[2], l[3], l[4], l[5]].map(|v| v as u64);
            BatchLevel { count, a, b, c, bias, residual }
        })
        .collect();
    let bias = match op.string("bias")?.as_str() {
        "none" => Bias::None,
        "row" => Bias::PerRow,
        "column" => Bias::PerColumn,
        other => return Err(format!("`bias` is \"{other}\", expected \"none\", \"row\" or \"column\"")),
    };
    Ok(GemmCall {
        m: size("m")?,
        n: size("n")?,
        k: size("k")?,
        a: op.string("a")?.parse()?,
        b: op.string("b")?.parse()?,
        ldc: size("ldc")?,
        batch,
        alpha: op.float("alpha")? as f32,
        bias,
        residual_ld: op.raw_attr("residual_ld").map(|_| size("residual_ld")).transpose()?,
        activation: op.string("activation")?.parse()?,
    })
}

/// The attributes spelling `call`, for building a `kernel.gemm` op.
pub fn attributes_of(call: &GemmCall) -> Vec<(&'static str, Attribute)> {
    let int = |v: u64| Attribute::Int(v as i64);
    let mut attrs = vec![
        ("m", int(call.m)),
        ("n", int(call.n)),
        ("k", int(call.k)),
        ("ldc", int(call.ldc)),
        ("a", Attribute::String(call.a.to_string().into())),
        ("b", Attribute::String(call.b.to_string().into())),
    ];
    if !call.batch.is_empty() {
        let strides = call.batch.iter().flat_map(|l| [l.count, l.a, l.b, l.c, l.bias, l.residual]);
        attrs.push(("batch", Attribute::ints(&strides.map(|v| v as i64).collect::<Vec<_>>())));
    }
    if call.alpha != 1.0 {
        attrs.push(("alpha", Attribute::Float(call.alpha.into())));
    }
    let bias = match call.bias {
        Bias::None => None,
        Bias::PerRow => Some("row"),
        Bias::PerColumn => Some("column"),
    };
    if let Some(bias) = bias {
        attrs.push(("bias", Attribute::String(bias.into())));
    }
    if let Some(ld) = call.residual_ld {
        attrs.push(("residual_ld", int(ld)));
    }
    if call.activation != Activation::None {
        attrs.push(("activation", Attribute::String(call.activation.to_string().into())));
    }
    attrs
}

fn verify_gemm(op: OpRef<'_>) -> Result<(), String> {
    call_of(op)?.check(&operand_lens(op)?)
}

/// Evaluates `call` on f32 buffers in the plainest way (f64 accumulation), as the oracle for the engine:
/// `buffers` are the operands' elements in order, C (index 2) is written.
pub fn evaluate(call: &GemmCall, buffers: &mut [Vec<f32>]) -> Result<(), String> {
    call.check(&buffer_lens(buffers))?;
    let levels: Vec<BatchLevel> = call.batch.clone();
    let total: u64 = levels.iter().map(|l| l.count).product();
    let bias_index = 3;
    let residual_index = if call.bias == Bias::None { 3 } else { 4 };
    for flat in 0..total {
        // Offsets of this batch entry, innermost level varying fastest.
        let mut rest = flat;
        let mut offset = BatchLevel { count: 0, a: 0, b: 0, c: 0, bias: 0, residual: 0 };
        for l in levels.iter().rev() {
            let i = rest % l.count;
            rest /= l.count;
            offset.a += i * l.a;
            offset.b += i * l.b;
            offset.c += i * l.c;
            offset.bias += i * l.bias;
            offset.residual += i * l.residual;
        }
        for i in 0..call.m {
            for j in 0..call.n {
                let mut acc = 0f64;
                for p in 0..call.k {
                    let a = element(&call.a, &buffers[0], offset.a, i, p, call.k, true);
                    let b = element(&call.b, &buffers[1], offset.b, p, j, call.k, false);
                    acc += f64::from(a) * f64::from(b);
                }
                let bias = match call.bias {
                    Bias::None => None,
                    Bias::PerRow => Some(buffers[bias_index][(offset.bias + i) as usize]),
                    Bias::PerColumn => Some(buffers[bias_index][(offset.bias + j) as usize]),
                };
                let residual =
                    call.residual_ld.map(|ld| buffers[residual_index][(offset.residual + i * ld + j) as usize]);
                let v = acc * f64::from(call.alpha);
                buffers[2][(offset.c + i * call.ldc + j) as usize] = finish(v, bias, residual, call.activation);
            }
        }
    }
    Ok(())
}

/// Element `(row, col)` of an operand (`packs_rows`: A, whose panels hold rows), 0 in an im2col's padding.
fn element(source: &Source, data: &[f32], base: u64, row: u64, col: u64, k: u64, packs_rows: bool) -> f32 {
    let index = match *source {
        Source::Strided { row: rs, col: cs } => row * rs + col * cs,
        Source::Packed { width } => {
            let (w, (lane_of, k_index)) = (u64::from(width), if packs_rows { (row, col) } else { (col, row) });
            (lane_of / w) * w * k + k_index * w + lane_of % w
        }
        Source::Im2col(c) => {
            let (channel, ky, kx) =
                (row / (c.kernel[0] * c.kernel[1]), row / c.kernel[1] % c.kernel[0], row % c.kernel[1]);
            let (oy, ox) = (col / c.out[1], col % c.out[1]);
            let y = (oy * c.stride[0] + ky * c.dilation[0]).checked_sub(c.pad[0]).filter(|&y| y < c.height);
            let x = (ox * c.stride[1] + kx * c.dilation[1]).checked_sub(c.pad[1]).filter(|&x| x < c.width);
            match (y, x) {
                (Some(y), Some(x)) => (channel * c.height + y) * c.width + x,
                _ => return 0.0,
            }
        }
    };
    data[(base + index) as usize]
}
