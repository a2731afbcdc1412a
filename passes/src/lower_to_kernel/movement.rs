//! Lowerings of the `nn` movement ops to kernels.

use super::{LowerFn, Lowering};
use msc_ir::Value;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[("nn.identity", identity)];

/// `identity`: the result is the operand's buffer.
fn identity(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    Ok(vec![l.operand(0)])
}
