//! Where an op's results are computed: a result the function returns goes straight into its output
//! buffer, and an operand of an `nn.concat` that is a contiguous part of the concat's result (every axis
//! before the concat's has size 1) goes straight into that part (its other readers read it there), so the
//! concat copies only the operands that are not already in place. A value two concats read goes into the
//! first; the concat's buffer lives from its first part on.

use super::{Lowering, memref_for};
use msc_ir::{Context, OpId, Value};
use std::collections::HashMap;

pub(super) struct Placement {
    /// Results computed into an output buffer of the function.
    outputs: HashMap<Value, Value>,
    /// Results computed into a part of a concat's result: that result and the part's byte offset.
    parts: HashMap<Value, (Value, u64)>,
    /// The buffers of concat results made so far (when the first of their parts was computed).
    concats: HashMap<Value, Value>,
}

impl Placement {
    /// Placement for the function body `ops`, whose returned values `outputs` maps to output buffers.
    pub fn new(ctx: &Context, ops: &[OpId], outputs: HashMap<Value, Value>) -> Placement {
        let mut parts = HashMap::new();
        for &op in ops {
            let concat = ctx.op(op);
            if concat.name() != "nn.concat" {
                continue;
            }
            let (Ok(shape), Ok(axis)) = (memref_for(concat.result_type(0)).map(|t| t.shape), concat.int("axis")) else {
                continue;
            };
            let axis = if axis < 0 { axis + shape.len() as i64 } else { axis };
            if !(0..shape.len() as i64).contains(&axis) {
                continue;
            }
            if shape[..axis as usize].iter().any(|&d| d != 1) {
                continue;
            }
            let mut offset = 0;
            for &x in concat.operands() {
                let computed = ctx.defining_op(x).is_some_and(|p| ctx.op(p).name() != "nn.constant");
                let once = concat.operands().iter().filter(|&&y| y == x).count() == 1;
                if computed && once && !outputs.contains_key(&x) {
                    parts.entry(x).or_insert((concat.result(0), offset));
                }
                offset += memref_for(ctx.value_type(x)).ok().and_then(|t| t.size_in_bytes()).unwrap_or(0);
            }
        }
        Placement { outputs, parts, concats: HashMap::new() }
    }

    /// The buffer result `r` is computed into when it is placed; `None` lets the lowering allocate one.
    pub fn buffer(&mut self, l: &mut Lowering<'_>, r: Value) -> Option<Value> {
        if let Some(&buffer) = self.concats.get(&r).or_else(|| self.outputs.get(&r)) {
            return Some(buffer);
        }
        let &(concat, offset) = self.parts.get(&r)?;
        let whole = match self.buffer(l, concat) {
            Some(buffer) => buffer,
            None => {
                let ty = memref_for(l.ctx.value_type(concat)).ok()?;
                l.alloc(ty)
            }
        };
        self.concats.insert(concat, whole);
        let ty = memref_for(l.ctx.value_type(r)).ok()?;
        Some(l.view(whole, ty, offset))
    }
}
