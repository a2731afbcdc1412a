//! Depthwise 2-D convolutions lowered to `kernel.depthwise_conv`, a call of the runtime's depthwise routine,
//! instead of loops: f32 NCHW `nn.conv` / `nn.fused_conv` whose every group is one input channel (`group`
//! equal to the input channels, each feeding `multiplier` output channels). A fused op's epilogue runs in the
//! routine when it has the GEMM engine's form `act(alpha·acc + bias + residual)` (folded by the GEMM
//! lowering's own reading of it, with the bias one value per output channel).
//!
//! [`lower`] returns `None` for what the routine does not cover (other element types and layouts, empty
//! tensors, epilogues of another form, geometry the runtime would reject); those keep their loop lowerings.

use super::Lowering;
use super::conv::Window;
use super::gemm::{EngineEpilogue, Shapes};
use super::reduce::flat;
use msc_ir::{ElementType, Value};
use msc_runtime::routine::{Bias, DepthwiseCall};

/// Lowers the op through the depthwise routine if it is a depthwise 2-D convolution, else returns `None`.
pub(super) fn lower(l: &mut Lowering<'_>) -> Option<Result<Vec<Value>, String>> {
    match plan(l) {
        Ok(Some((call, inputs))) => Some(Ok(emit(l, &call, inputs))),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

/// The call and its operands besides y (x, w, then the bias and residual the call uses).
fn plan(l: &Lowering<'_>) -> Result<Option<(DepthwiseCall, Vec<Value>)>, String> {
    let name = l.op().name();
    if !matches!(name, "nn.conv" | "nn.fused_conv") || name == "nn.fused_conv" && l.op().string("layout")? != "NCHW" {
        return Ok(None);
    }
    let all_f32 = l
        .op()
        .operands()
        .iter()
        .chain(l.op().results())
        .all(|&v| l.ctx.value_type(v).as_tensor().is_some_and(|t| t.element == ElementType::F32));
    let (x, w, b) = (l.operand(0), l.operand(1), l.named("b"));
    let (xs, ws, ys) = (l.memref(x).shape, l.memref(w).shape, l.result_type(0).shape);
    let group = l.op().int("group")? as u64;
    let empty = xs.contains(&0) || ys.contains(&0);
    // One input channel (group 1) is a plain conv the GEMM engine runs better.
    if !all_f32 || xs.len() != 4 || empty || xs[1] < 2 || group != xs[1] || ws[1] != 1 || ys[1] % xs[1] != 0 {
        return Ok(None);
    }
    let window = Window::read(l, &xs[2..], &ws[2..], &ys[2..])?;
    if window.pads.iter().chain(&window.pads_end).any(|&p| p < 0) {
        return Ok(None);
    }
    let conv = window.conv2d(xs[1]);
    let mut inputs = vec![x, w];
    inputs.extend(b);
    let shapes = Shapes { per_row: Some(vec![ys[1], 1, 1]), per_column: None, column_batch: None };
    let Some(folded) = EngineEpilogue::with_bias(b.is_some()).fold(l, &shapes, &mut inputs) else {
        return Ok(None);
    };
    let call = DepthwiseCall {
        batch: xs[0],
        conv,
        multiplier: ys[1] / xs[1],
        alpha: folded.alpha,
        bias: folded.bias != Bias::None,
        residual: folded.residual,
        activation: folded.activation,
    };
    let len = |v: Value| 4 * l.memref(v).shape.iter().product::<u64>();
    let mut lens: Vec<u64> = inputs.iter().map(|&v| len(v)).collect();
    lens.insert(2, 4 * ys.iter().product::<u64>());
    Ok(call.check(&lens).is_ok().then_some((call, inputs)))
}

/// Adds the `kernel.depthwise_conv` computing result 0 and returns its buffer.
fn emit(l: &mut Lowering<'_>, call: &DepthwiseCall, inputs: Vec<Value>) -> Vec<Value> {
    let out = l.result(0);
    let mut buffers: Vec<Value> = inputs.into_iter().map(|v| flat(l, v)).collect();
    let y = flat(l, out);
    buffers.insert(2, y);
    l.routine(&msc_kernel::depthwise::DEPTHWISE_CONV, msc_kernel::depthwise::attributes_of(call), &buffers);
    vec![out]
}
