//! `kernel.resize`: a call of the runtime's 2-D resize in a schedule function, its attributes as the runtime's
//! [`ResizeCall`] descriptor (one tap table per axis), and its reference semantics for the interpreter.

use msc_ir::{Attribute, OpDef, OpRef, declare_op};
use msc_runtime::resize::{AxisTaps, ResizeCall};

use crate::routine::{buffer_lens, operand_lens, size};

declare_op! {
    /// `y[p, oy, ox] = Σ_a Σ_b wr[oy][a] · wc[ox][b] · x[p, r[oy][a], c[ox][b]]` over the taps of output row `oy`
    /// and output column `ox`; run by the runtime's resize (see `msc_runtime::resize::ResizeCall`). An axis
    /// without weights is nearest: its table (`rows` or `columns`) holds the input position each output position
    /// copies. An axis with weights (`row_weights`, `column_weights`) is linear: two positions and two weights
    /// per output position, in order. Operands: x (`planes x height x width`) and y (`planes x rows x
    /// columns`), both f32.
    ///
    /// Example: `"kernel.resize"(%x, %y) {planes = 2, height = 2, width = 2, rows = [0, 0, 1, 1], columns = [0, 1, 0, 1, 1, 1], column_weights = [1.0, 0.0, 0.5, 0.5, 1.0, 0.0]} : (memref<2x2x2xf32>, memref<2x4x3xf32>) -> ()`
    pub Resize = "kernel.resize", RESIZE {
        variadic { buffers: ANY }
        attributes {
            planes: i64 = Required,
            height: i64 = Required,
            width: i64 = Required,
            rows: Vec<i64> = Required,
            row_weights: Vec<f64> = Optional,
            columns: Vec<i64> = Required,
            column_weights: Vec<f64> = Optional,
        }
        verify: Some(verify),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&RESIZE]
}

/// The taps of the axis whose tables are attributes `positions` and `weights`.
fn axis_of(op: OpRef<'_>, positions: &str, weights: &str) -> Result<AxisTaps, String> {
    let table: Vec<u32> = op
        .ints(positions)?
        .into_iter()
        .map(|p| u32::try_from(p).map_err(|_| format!("`{positions}` holds {p}, not a position")))
        .collect::<Result<_, _>>()?;
    let Some(weights) = op.attr(weights).map(|_| op.floats(weights)).transpose()? else {
        return Ok(AxisTaps::Nearest(table));
    };
    if !table.len().is_multiple_of(2) || weights.len() != table.len() {
        return Err(format!(
            "a linear axis has two positions and two weights per output position, not {} and {}",
            table.len(),
            weights.len()
        ));
    }
    let tap = |values: &[u32], t: usize| values.iter().skip(t).step_by(2).copied().collect();
    let weight = |t: usize| weights.iter().skip(t).step_by(2).map(|&w| w as f32).collect();
    Ok(AxisTaps::Linear { positions: [tap(&table, 0), tap(&table, 1)], weights: [weight(0), weight(1)] })
}

/// The call a `kernel.resize` op describes.
pub fn call_of(op: OpRef<'_>) -> Result<ResizeCall, String> {
    Ok(ResizeCall {
        planes: size(op, "planes")?,
        input: [size(op, "height")?, size(op, "width")?],
        rows: axis_of(op, "rows", "row_weights")?,
        columns: axis_of(op, "columns", "column_weights")?,
    })
}

/// The attributes spelling `call`, for building a `kernel.resize` op.
pub fn attributes_of(call: &ResizeCall) -> Vec<(&'static str, Attribute)> {
    let int = |v: u64| Attribute::Int(v as i64);
    let mut attrs = vec![("planes", int(call.planes)), ("height", int(call.input[0])), ("width", int(call.input[1]))];
    for (axis, names) in [(&call.rows, ["rows", "row_weights"]), (&call.columns, ["columns", "column_weights"])] {
        match axis {
            AxisTaps::Nearest(positions) => {
                attrs.push((names[0], Attribute::ints(&positions.iter().map(|&p| i64::from(p)).collect::<Vec<_>>())));
            }
            AxisTaps::Linear { positions, weights } => {
                let pairs = positions[0].iter().zip(&positions[1]).flat_map(|(&a, &b)| [i64::from(a), i64::from(b)]);
                let weights = weights[0].iter().zip(&weights[1]).flat_map(|(&a, &b)| [f64::from(a), f64::from(b)]);
                attrs.push((names[0], Attribute::ints(&pairs.collect::<Vec<_>>())));
                attrs.push((names[1], Attribute::floats(&weights.collect::<Vec<_>>())));
            }
        }
    }
    attrs
}

fn verify(op: OpRef<'_>) -> Result<(), String> {
    call_of(op)?.check(&operand_lens(op)?)
}

/// The taps `(position, weight)` of output position `i` of an axis.
fn taps(axis: &AxisTaps, i: usize) -> Vec<(usize, f64)> {
    match axis {
        AxisTaps::Nearest(positions) => vec![(positions[i] as usize, 1.0)],
        AxisTaps::Linear { positions, weights } => {
            (0..2).map(|t| (positions[t][i] as usize, f64::from(weights[t][i]))).collect()
        }
    }
}

/// Evaluates `call` on f32 buffers in the plainest way (every output sums its row and column taps' products in
/// f64), as the oracle for the routine: `buffers` are x and y; y (index 1) is written.
pub fn evaluate(call: &ResizeCall, buffers: &mut [Vec<f32>]) -> Result<(), String> {
    call.check(&buffer_lens(buffers))?;
    let [h, w] = call.input.map(|v| v as usize);
    let (out_h, out_w) = (call.rows.len(), call.columns.len());
    for plane in 0..call.planes as usize {
        for oy in 0..out_h {
            for ox in 0..out_w {
                let mut v = 0.0;
                for (r, wr) in taps(&call.rows, oy) {
                    for (c, wc) in taps(&call.columns, ox) {
                        v += wr * wc * f64::from(buffers[0][(plane * h + r) * w + c]);
                    }
                }
                buffers[1][(plane * out_h + oy) * out_w + ox] = v as f32;
            }
        }
    }
    Ok(())
}
