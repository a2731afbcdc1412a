//! What the calls of the runtime's routines (`kernel.gemm`, `kernel.depthwise_conv`, `kernel.winograd_conv`,
//! `kernel.col2im`, `kernel.resize`) share: their size attributes, the byte lengths their load-time checks take,
//! and the f64 reference epilogue of their evaluators.

use msc_ir::{ElementType, OpRef, Type};
use msc_runtime::routine::Activation;

/// The non-negative integer attribute `name`.
pub(crate) fn size(op: OpRef<'_>, name: &str) -> Result<u64, String> {
    u64::try_from(op.int(name)?).map_err(|_| format!("`{name}` must not be negative"))
}

/// The byte lengths of the op's operands, which must all be f32 memrefs.
pub(crate) fn operand_lens(op: OpRef<'_>) -> Result<Vec<u64>, String> {
    op.operands()
        .iter()
        .map(|&buffer| match op.ctx().value_type(buffer) {
            Type::MemRef(m) if m.element == ElementType::F32 => Ok(m.size_in_bytes().unwrap_or(u64::MAX)),
            other => Err(format!("every {} operand must be an f32 memref, got {other}", op.name())),
        })
        .collect()
}

/// The byte lengths of an evaluator's f32 buffers.
pub(crate) fn buffer_lens(buffers: &[Vec<f32>]) -> Vec<u64> {
    buffers.iter().map(|b| 4 * b.len() as u64).collect()
}

/// The routines' epilogue on a sum `v`: plus the bias and the residual (if any), then the activation, in f64.
pub(crate) fn finish(v: f64, bias: Option<f32>, residual: Option<f32>, activation: Activation) -> f32 {
    let v = v + bias.map_or(0.0, f64::from) + residual.map_or(0.0, f64::from);
    activate(activation, v) as f32
}

/// The activation's formula (the `nn` ops'), in f64.
fn activate(activation: Activation, x: f64) -> f64 {
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    match activation {
        Activation::None => x,
        Activation::Relu => x.max(0.0),
        Activation::Clip { lo, hi } => x.max(lo.into()).min(hi.into()),
        Activation::LeakyRelu { alpha } => {
            if x < 0.0 {
                f64::from(alpha) * x
            } else {
                x
            }
        }
        Activation::Sigmoid => sigmoid(x),
        Activation::Tanh => x.tanh(),
        Activation::Silu => x * sigmoid(x),
        Activation::Gelu => 0.5 * x * (1.0 + msc_nn_kernels::unary::erf(x / std::f64::consts::SQRT_2)),
        Activation::HardSwish => x * (x / 6.0 + 0.5).clamp(0.0, 1.0),
    }
}
