//! Elementwise primitives: activations (ReLU, ReLU6, GeLU, FastGeLU, SiLU, ...), unary math, and
//! broadcasting binary math and comparisons; scalar operands (`Muls`, constants) take the
//! element type of the tensor operand.

use super::{Entry, tensor};
use crate::node::Node;
use crate::value::Val;
use msc_ir::Value;
use msc_nn::ops::*;

pub(crate) const TABLE: &[Entry] = &[
    ("ReLU", |n| tensor(Relu::new(n.tensor(0)?).build_value(n.b)?)),
    ("ReLU6", relu6),
    ("Sigmoid", |n| tensor(Sigmoid::new(n.tensor(0)?).build_value(n.b)?)),
    ("Tanh", |n| tensor(Tanh::new(n.tensor(0)?).build_value(n.b)?)),
    // MindSpore's GeLU primitive computes the tanh approximation.
    ("GeLU", |n| tensor(Gelu::new(n.tensor(0)?).approximate("tanh".to_string()).build_value(n.b)?)),
    ("FastGeLU", fast_gelu),
    ("SiLU", |n| tensor(Silu::new(n.tensor(0)?).build_value(n.b)?)),
    ("Softplus", |n| tensor(Softplus::new(n.tensor(0)?).build_value(n.b)?)),
    ("HSwish", |n| tensor(HardSwish::new(n.tensor(0)?).build_value(n.b)?)),
    ("Elu", |n| {
        let x = n.tensor(0)?;
        let alpha = n.float_arg(1, "alpha", 1.0)?;
        tensor(Elu::new(x).alpha(alpha).build_value(n.b)?)
    }),
    ("Erf", |n| tensor(Erf::new(n.tensor(0)?).build_value(n.b)?)),
    ("Exp", |n| tensor(Exp::new(n.tensor(0)?).build_value(n.b)?)),
    ("Log", |n| tensor(Log::new(n.tensor(0)?).build_value(n.b)?)),
    ("Sqrt", |n| tensor(Sqrt::new(n.tensor(0)?).build_value(n.b)?)),
    ("Rsqrt", |n| tensor(Rsqrt::new(n.tensor(0)?).build_value(n.b)?)),
    ("Neg", |n| tensor(Neg::new(n.tensor(0)?).build_value(n.b)?)),
    ("Abs", |n| tensor(Abs::new(n.tensor(0)?).build_value(n.b)?)),
    ("Reciprocal", |n| tensor(Reciprocal::new(n.tensor(0)?).build_value(n.b)?)),
    ("Square", |n| {
        let x = n.tensor(0)?;
        tensor(Mul::new(x, x).build_value(n.b)?)
    }),
    ("Add", |n| binary(n, |b, x, y| Add::new(x, y).build_value(b))),
    ("Adds", |n| binary(n, |b, x, y| Add::new(x, y).build_value(b))),
    ("Sub", |n| binary(n, |b, x, y| Sub::new(x, y).build_value(b))),
    ("Mul", |n| binary(n, |b, x, y| Mul::new(x, y).build_value(b))),
    ("Muls", |n| binary(n, |b, x, y| Mul::new(x, y).build_value(b))),
    ("RealDiv", |n| binary(n, |b, x, y| Div::new(x, y).build_value(b))),
    ("Div", |n| binary(n, |b, x, y| Div::new(x, y).build_value(b))),
    ("Pow", |n| binary(n, |b, x, y| Pow::new(x, y).build_value(b))),
    ("Maximum", |n| binary(n, |b, x, y| Max::new().inputs(vec![x, y]).build_value(b))),
    ("Minimum", |n| binary(n, |b, x, y| Min::new().inputs(vec![x, y]).build_value(b))),
    ("Equal", |n| binary(n, |b, x, y| Equal::new(x, y).build_value(b))),
    ("Less", |n| binary(n, |b, x, y| Less::new(x, y).build_value(b))),
    ("Greater", |n| binary(n, |b, x, y| Greater::new(x, y).build_value(b))),
];

/// `min(max(x, 0), 6)`.
fn relu6(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let element = n.ty(x)?.element;
    let (lo, hi) = (n.scalar(element, 0.0)?, n.scalar(element, 6.0)?);
    tensor(Clip::new(x).min(lo).max(hi).build_value(n.b)?)
}

/// MindSpore's FastGeLU, `x / (1 + exp(-1.702 |x|)) * exp(0.851 (x - |x|))`, which equals
/// `x * sigmoid(1.702 x)`.
fn fast_gelu(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let x = n.tensor(0)?;
    let element = n.ty(x)?.element;
    let k = n.scalar(element, 1.702)?;
    let kx = Mul::new(x, k).build_value(n.b)?;
    let gate = Sigmoid::new(kx).build_value(n.b)?;
    tensor(Mul::new(x, gate).build_value(n.b)?)
}

/// A binary op of a tensor and a tensor or scalar (either side).
fn binary(
    n: &mut Node<'_, '_>,
    build: fn(&mut msc_ir::Builder<'_>, Value, Value) -> Result<Value, String>,
) -> Result<Val, String> {
    let (x, y) = match (n.inputs.first(), n.inputs.get(1)) {
        (Some(Val::Tensor(_) | Val::Dense(_)), _) => {
            let x = n.tensor(0)?;
            (x, n.tensor_like(1, x)?)
        }
        _ => {
            let y = n.tensor(1)?;
            (n.tensor_like(0, y)?, y)
        }
    };
    tensor(build(n.b, x, y)?)
}
