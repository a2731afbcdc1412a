//! The `math` dialect: transcendental and rounding functions on float scalars, `absi`, `fma` and
//! `powf`. Names follow MLIR's `math` dialect. Backends expand these into arithmetic or native
//! instructions; the results are specified to float accuracy, not bit-exactness.

use crate::arith::{ScalarKind, same_as_lhs, verify_binary, verify_unary};
use msc_ir::{OpDef, OpRef, declare_op};

/// Declares unary float functions: the operand and result share one float type.
macro_rules! unary_float_ops {
    ($($(#[doc = $doc:literal])+ $Name:ident = $name:literal, $DEF:ident;)*) => {
        $(declare_op! {
            $(#[doc = $doc])+
            pub $Name = $name, $DEF {
                operands { operand: ANY }
                results { result: ANY }
                traits: [PURE],
                verify: Some(|op| verify_unary(op, ScalarKind::Float)),
                infer: Some(same_as_lhs),
            }
        })*
        const UNARY_FLOAT_OPS: &[&OpDef] = &[$(&$DEF),*];
    };
}

unary_float_ops! {
    /// `|x|`.
    AbsF = "math.absf", ABSF;
    /// Square root.
    Sqrt = "math.sqrt", SQRT;
    /// `1 / sqrt(x)`.
    Rsqrt = "math.rsqrt", RSQRT;
    /// `e^x`.
    Exp = "math.exp", EXP;
    /// Natural logarithm.
    Log = "math.log", LOG;
    /// Hyperbolic tangent.
    Tanh = "math.tanh", TANH;
    /// The error function.
    Erf = "math.erf", ERF;
    /// Sine.
    Sin = "math.sin", SIN;
    /// Cosine.
    Cos = "math.cos", COS;
    /// Tangent.
    Tan = "math.tan", TAN;
    /// Arcsine.
    Asin = "math.asin", ASIN;
    /// Arccosine.
    Acos = "math.acos", ACOS;
    /// Arctangent.
    Atan = "math.atan", ATAN;
    /// Hyperbolic sine.
    Sinh = "math.sinh", SINH;
    /// Hyperbolic cosine.
    Cosh = "math.cosh", COSH;
    /// Inverse hyperbolic sine.
    Asinh = "math.asinh", ASINH;
    /// Inverse hyperbolic cosine.
    Acosh = "math.acosh", ACOSH;
    /// Inverse hyperbolic tangent.
    Atanh = "math.atanh", ATANH;
    /// Rounds toward negative infinity.
    Floor = "math.floor", FLOOR;
    /// Rounds toward positive infinity.
    Ceil = "math.ceil", CEIL;
    /// Rounds to the nearest integer value, halves to even.
    RoundEven = "math.roundeven", ROUNDEVEN;
    /// Rounds toward zero.
    Trunc = "math.trunc", TRUNC;
}

declare_op! {
    /// `|x|` on a signed integer (wrapping at the minimum value).
    pub AbsI = "math.absi", ABSI {
        operands { operand: ANY }
        results { result: ANY }
        traits: [PURE],
        verify: Some(|op| verify_unary(op, ScalarKind::IntOrIndex)),
        infer: Some(same_as_lhs),
    }
}

declare_op! {
    /// `lhs ^ rhs` on floats, with C `powf` semantics.
    pub PowF = "math.powf", POWF {
        operands { lhs: ANY, rhs: ANY }
        results { result: ANY }
        traits: [PURE],
        verify: Some(|op| verify_binary(op, ScalarKind::Float)),
        infer: Some(same_as_lhs),
    }
}

declare_op! {
    /// Fused multiply-add `a * b + c` (one rounding where the target has the instruction).
    pub Fma = "math.fma", FMA {
        operands { a: ANY, b: ANY, c: ANY }
        results { result: ANY }
        traits: [PURE],
        verify: Some(verify_fma),
        infer: Some(same_as_lhs),
    }
}

fn verify_fma(op: OpRef<'_>) -> Result<(), String> {
    verify_unary(op, ScalarKind::Float)?;
    if op.operand_type(1) != op.operand_type(0) || op.operand_type(2) != op.operand_type(0) {
        return Err("all three operands must have one type".into());
    }
    Ok(())
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    let mut ops: Vec<&'static OpDef> = vec![&ABSI, &POWF, &FMA];
    ops.extend(UNARY_FLOAT_OPS);
    ops
}
