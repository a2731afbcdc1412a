//! Elementwise ops: activations, unary math, and broadcasting binary math and comparisons (which
//! follow numpy broadcasting in TensorFlow as in `nn`).

use super::{Entry, one};
use crate::node::Node;
use msc_ir::{ElementType, Value};
use msc_nn::ops::*;

pub(crate) const TABLE: &[Entry] = &[
    ("Relu", |n| one(Relu::new(n.input(0)?).build_value(n.b)?)),
    ("Relu6", relu6),
    ("Elu", |n| one(Elu::new(n.input(0)?).build_value(n.b)?)),
    ("Selu", |n| one(Selu::new(n.input(0)?).build_value(n.b)?)),
    ("LeakyRelu", |n| {
        let alpha = n.float_or("alpha", 0.2)?;
        one(LeakyRelu::new(n.input(0)?).alpha(alpha).build_value(n.b)?)
    }),
    ("Sigmoid", |n| one(Sigmoid::new(n.input(0)?).build_value(n.b)?)),
    ("Tanh", |n| one(Tanh::new(n.input(0)?).build_value(n.b)?)),
    ("Softplus", |n| one(Softplus::new(n.input(0)?).build_value(n.b)?)),
    ("Softsign", |n| one(Softsign::new(n.input(0)?).build_value(n.b)?)),
    ("Erf", |n| one(Erf::new(n.input(0)?).build_value(n.b)?)),
    ("Erfc", erfc),
    ("Exp", |n| one(Exp::new(n.input(0)?).build_value(n.b)?)),
    ("Log", |n| one(Log::new(n.input(0)?).build_value(n.b)?)),
    ("Neg", |n| one(Neg::new(n.input(0)?).build_value(n.b)?)),
    ("Abs", |n| one(Abs::new(n.input(0)?).build_value(n.b)?)),
    ("Sqrt", |n| one(Sqrt::new(n.input(0)?).build_value(n.b)?)),
    ("Rsqrt", |n| one(Rsqrt::new(n.input(0)?).build_value(n.b)?)),
    ("Square", |n| {
        let x = n.input(0)?;
        one(Mul::new(x, x).build_value(n.b)?)
    }),
    ("Reciprocal", |n| one(Reciprocal::new(n.input(0)?).build_value(n.b)?)),
    ("Inv", |n| one(Reciprocal::new(n.input(0)?).build_value(n.b)?)),
    ("Floor", |n| one(Floor::new(n.input(0)?).build_value(n.b)?)),
    ("Ceil", |n| one(Ceil::new(n.input(0)?).build_value(n.b)?)),
    ("Round", |n| one(Round::new(n.input(0)?).build_value(n.b)?)),
    ("Sign", |n| one(Sign::new(n.input(0)?).build_value(n.b)?)),
    ("Sin", |n| one(Sin::new(n.input(0)?).build_value(n.b)?)),
    ("Cos", |n| one(Cos::new(n.input(0)?).build_value(n.b)?)),
    ("LogicalNot", |n| one(Not::new(n.input(0)?).build_value(n.b)?)),
    ("Add", |n| one(Add::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("AddV2", |n| one(Add::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("Sub", |n| one(Sub::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("Mul", |n| one(Mul::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("RealDiv", |n| one(Div::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("Div", |n| one(Div::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("FloorDiv", floor_div),
    ("FloorMod", |n| one(Mod::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("Maximum", |n| one(Max::new().inputs(vec![n.input(0)?, n.input(1)?]).build_value(n.b)?)),
    ("Minimum", |n| one(Min::new().inputs(vec![n.input(0)?, n.input(1)?]).build_value(n.b)?)),
    ("Pow", |n| one(Pow::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("SquaredDifference", |n| {
        let d = Sub::new(n.input(0)?, n.input(1)?).build_value(n.b)?;
        one(Mul::new(d, d).build_value(n.b)?)
    }),
    ("AddN", |n| one(Sum::new().inputs(n.inputs.clone()).build_value(n.b)?)),
    ("Greater", |n| one(Greater::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("GreaterEqual", |n| one(GreaterOrEqual::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("Less", |n| one(Less::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("LessEqual", |n| one(LessOrEqual::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("Equal", |n| one(Equal::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("NotEqual", |n| {
        let eq = Equal::new(n.input(0)?, n.input(1)?).build_value(n.b)?;
        one(Not::new(eq).build_value(n.b)?)
    }),
    ("LogicalAnd", |n| one(And::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("LogicalOr", |n| one(Or::new(n.input(0)?, n.input(1)?).build_value(n.b)?)),
    ("Select", select),
    ("SelectV2", |n| one(Where::new(n.input(0)?, n.input(1)?, n.input(2)?).build_value(n.b)?)),
];

/// `min(max(x, 0), 6)`.
fn relu6(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let x = n.input(0)?;
    let element = n.ty(x)?.element;
    let (lo, hi) = (n.scalar(element, 0.0)?, n.scalar(element, 6.0)?);
    one(Clip::new(x).min(lo).max(hi).build_value(n.b)?)
}

/// `1 - erf(x)`.
fn erfc(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let x = n.input(0)?;
    let element = n.ty(x)?.element;
    let e = Erf::new(x).build_value(n.b)?;
    let one_ = n.scalar(element, 1.0)?;
    one(Sub::new(one_, e).build_value(n.b)?)
}

/// `floor(x / y)` for floats; integers divide with `nn.div`, which truncates (TensorFlow floors:
/// the two differ for operands of different signs, so integer FloorDiv is refused).
fn floor_div(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let (x, y) = (n.input(0)?, n.input(1)?);
    if !n.ty(x)?.element.is_float() {
        return Err("integer FloorDiv is not supported (nn.div truncates)".into());
    }
    let q = Div::new(x, y).build_value(n.b)?;
    one(Floor::new(q).build_value(n.b)?)
}

/// Select (v1): a rank-1 condition picks whole rows of higher-rank operands; otherwise the
/// shapes match and it is elementwise.
fn select(n: &mut Node<'_, '_>) -> Result<Vec<Value>, String> {
    let (mut cond, x, y) = (n.input(0)?, n.input(1)?, n.input(2)?);
    let (c_rank, x_rank) = (n.rank(cond)?, n.rank(x)?);
    if c_rank == 1 && x_rank > 1 {
        let axes = n.i64s(&(1..x_rank as i64).collect::<Vec<_>>())?;
        cond = Unsqueeze::new(cond, axes).build_value(n.b)?;
    }
    if n.ty(cond)?.element != ElementType::Bool {
        return Err("the condition must be bool".into());
    }
    one(Where::new(cond, x, y).build_value(n.b)?)
}
