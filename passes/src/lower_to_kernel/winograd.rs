//! Winograd F(4x4, 3x3) convolution: 3x3, stride-1, undilated, one-group 2-D f32 NCHW `nn.conv` and
//! `nn.fused_conv` with constant weights, as one `kernel.winograd_conv` call of the runtime's Winograd routine
//! on 6x6 input tiles that overlap by 2: per block of tiles, the input transform `V[p] = (Bᵀ d B)[p]`, the
//! products `M[p] = U[p] · V[p]` over the 36 positions `p` and the output transform
//! `y = act(Aᵀ M A + bias + residual)`; `U[p] = alpha · (G g Gᵀ)[p]` is computed here in f64, a constant
//! (`36 x K x C`) the driver packs for the GEMM engine.
//!
//! The matrices are the runtime's ([`MATRICES`]). [`lower`] takes the path (in `gemm=engine` mode only, like
//! every routine) when the fused epilogue has the GEMM engine's form and the cost model predicts it faster
//! than the direct implicit GEMM ([`CostModel::winograd_pays`]) or the pass option `conv=winograd` forces it.

use super::gemm::{EngineEpilogue, Shapes};
use super::reduce::flat;
use super::{ConvLowering, Lowering};
use crate::egraph::cost::CostModel;
use msc_ir::{DenseAttr, ElementType, TensorType, Value};
use msc_kernel::winograd::{WINOGRAD_CONV, attributes_of};
use msc_runtime::routine::{Bias, WinogradConvCall};
use msc_runtime::winograd::{MATRICES, POSITIONS, TAPS as R, WINDOW as N};

/// The conv being lowered.
struct Conv {
    images: u64,
    channels: u64,
    filters: u64,
    input: [u64; 2],
    output: [u64; 2],
    /// Padding before the rows and the columns.
    pad: [u64; 2],
    weights: Vec<f64>,
}

impl Conv {
    /// The conv when it is one this lowering handles.
    fn read(l: &Lowering<'_>) -> Option<Conv> {
        let op = l.op();
        let is_f32 = |v: Value| l.ctx.value_type(v).as_tensor().is_some_and(|t| t.element == ElementType::F32);
        let nchw = match op.name() {
            "nn.conv" => true,
            "nn.fused_conv" => op.string("layout").ok()? == "NCHW",
            _ => false,
        };
        if !nchw || !op.operands().iter().chain(op.results()).all(|&v| is_f32(v)) || op.int("group").ok()? != 1 {
            return None;
        }
        let (xs, ws, ys) = (l.memref(l.operand(0)).shape, l.memref(l.operand(1)).shape, l.result_type(0).shape);
        if xs.len() != 4 || ws[2..] != [R as u64, R as u64] || xs.contains(&0) || ys.contains(&0) {
            return None;
        }
        let window = super::conv::Window::read(l, &xs[2..], &ws[2..], &ys[2..]).ok()?;
        if window.strides != [1, 1] || window.dilations != [1, 1] || window.pads.iter().any(|&p| p < 0) {
            return None;
        }
        let weights = op.constant_value(op.operand(1))?.to_f64s()?;
        Some(Conv {
            images: xs[0],
            channels: xs[1],
            filters: ys[1],
            input: [xs[2], xs[3]],
            output: [ys[2], ys[3]],
            pad: [window.pads[0] as u64, window.pads[1] as u64],
            weights,
        })
    }

    /// `U[p][k][c] = (G g_kc Gᵀ)[p]`, flattened.
    fn transformed_weights(&self) -> Vec<f64> {
        let (k_count, c_count) = (self.filters as usize, self.channels as usize);
        let mut u = vec![0.0; N * N * k_count * c_count];
        for kc in 0..k_count * c_count {
            let g = &self.weights[kc * R * R..(kc + 1) * R * R];
            for (a, ga) in MATRICES.g.iter().enumerate() {
                for (b, gb) in MATRICES.g.iter().enumerate() {
                    let row = |i: usize| -> f64 { gb.iter().zip(&g[i * R..(i + 1) * R]).map(|(x, y)| x * y).sum() };
                    u[(a * N + b) * k_count * c_count + kc] = ga.iter().enumerate().map(|(i, x)| x * row(i)).sum();
                }
            }
        }
        u
    }
}

/// Lowers the op as a Winograd convolution when it qualifies and `mode` (or, for `auto`, the cost model)
/// wants it; `None` leaves it to the other lowerings.
pub(super) fn lower(l: &mut Lowering<'_>, mode: ConvLowering) -> Option<Result<Vec<Value>, String>> {
    if mode == ConvLowering::Direct {
        return None;
    }
    let conv = Conv::read(l)?;
    if mode == ConvLowering::Auto {
        let model = CostModel::for_target("host").ok()?;
        let (n, c, k) = (conv.images, conv.channels, conv.filters);
        if !model.winograd_pays(n, c, k, conv.output) {
            return None;
        }
    }
    let planned = plan(l, &conv)?;
    Some(emit(l, &conv, planned))
}

/// The routine call of `conv` and its extra operands (the bias and residual it uses), with the epilogue's
/// alpha; `None` when the fused epilogue is not of the GEMM engine's form or the runtime would reject the call.
fn plan(l: &Lowering<'_>, conv: &Conv) -> Option<(WinogradConvCall, Vec<Value>, f32)> {
    let ys = l.result_type(0).shape;
    let extra_bias = l.named("b");
    let mut extra: Vec<Value> = extra_bias.into_iter().collect();
    let shapes = Shapes { per_row: Some(vec![conv.filters, 1, 1]), per_column: None, column_batch: None };
    let folded = EngineEpilogue::with_bias(extra_bias.is_some()).fold(l, &shapes, &mut extra)?;
    let call = WinogradConvCall {
        images: conv.images,
        channels: conv.channels,
        filters: conv.filters,
        input: conv.input,
        pad: conv.pad,
        out: conv.output,
        u_width: 0,
        bias: folded.bias != Bias::None,
        residual: folded.residual,
        activation: folded.activation,
    };
    let len = |shape: &[u64]| 4 * shape.iter().product::<u64>();
    let mut lens =
        vec![len(&l.memref(l.operand(0)).shape), len(&[POSITIONS as u64, conv.filters, conv.channels]), len(&ys)];
    lens.extend(extra.iter().map(|&v| len(&l.memref(v).shape)));
    call.check(&lens).is_ok().then_some((call, extra, folded.alpha))
}

/// Adds the routine call of `conv` with its transformed weights; returns the result buffer.
fn emit(
    l: &mut Lowering<'_>,
    conv: &Conv,
    (call, extra, alpha): (WinogradConvCall, Vec<Value>, f32),
) -> Result<Vec<Value>, String> {
    let u_type = TensorType::of(&[POSITIONS as u64, conv.filters, conv.channels], ElementType::F32);
    let u: Vec<f64> = conv.transformed_weights().into_iter().map(|w| w * f64::from(alpha)).collect();
    let u = l.constant(DenseAttr::from_f64s(u_type, &u)?)?;
    let out = l.result(0);
    let mut buffers = vec![flat(l, l.operand(0)), flat(l, u), flat(l, out)];
    for value in extra {
        buffers.push(flat(l, value));
    }
    l.routine(&WINOGRAD_CONV, attributes_of(&call), &buffers);
    Ok(vec![out])
}

#[cfg(test)]
mod tests {
    use super::*;
    use msc_runtime::winograd::TILE as M;

    /// Deterministic values in [-1, 1).
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
            })
            .collect()
    }

    /// `Aᵀ[U ⊙ (Bᵀ d B)]A` with U from [`Conv::transformed_weights`] is the 2-D correlation of the window `d`.
    #[test]
    fn transformed_weights_compute_the_correlation_with_the_runtime_transforms() {
        let m = MATRICES;
        let (d, g) = (values(N * N, 7), values(R * R, 8));
        let conv = Conv {
            images: 1,
            channels: 1,
            filters: 1,
            input: [N as u64; 2],
            output: [M as u64; 2],
            pad: [0, 0],
            weights: g.clone(),
        };
        let u = conv.transformed_weights();
        let mut prod = [[0.0; N]; N];
        for (a, row) in prod.iter_mut().enumerate() {
            for (b, p) in row.iter_mut().enumerate() {
                let row = |i: usize| -> f64 { m.bt[b].iter().zip(&d[i * N..(i + 1) * N]).map(|(x, y)| x * y).sum() };
                let v: f64 = m.bt[a].iter().enumerate().map(|(i, x)| x * row(i)).sum();
                *p = v * u[a * N + b];
            }
        }
        for oy in 0..M {
            for ox in 0..M {
                let mut got = 0.0;
                for (a, row) in prod.iter().enumerate() {
                    for (b, p) in row.iter().enumerate() {
                        got += m.at[oy][a] * p * m.at[ox][b];
                    }
                }
                let want: f64 = (0..R * R).map(|k| g[k] * d[(oy + k / R) * N + ox + k % R]).sum();
                assert!((got - want).abs() < 1e-12, "2-D output ({oy}, {ox}): {got} vs {want}");
            }
        }
    }
}
