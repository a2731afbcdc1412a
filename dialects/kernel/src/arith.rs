//! The `arith` dialect: scalar constants, integer and float arithmetic, comparisons, `select` and
//! casts on `index` and element-typed scalars. Names follow MLIR's `arith` dialect.

use msc_ir::{OpDef, OpRef, Type, declare_op};

/// Declares binary ops whose operands and result share one scalar type.
macro_rules! binary_ops {
    ($($(#[doc = $doc:literal])+ $Name:ident = $name:literal, $DEF:ident [$kind:ident];)*) => {
        $(declare_op! {
            $(#[doc = $doc])+
            pub $Name = $name, $DEF {
                operands { lhs: ANY, rhs: ANY }
                results { result: ANY }
                traits: [PURE],
                verify: Some(|op| verify_binary(op, ScalarKind::$kind)),
                infer: Some(same_as_lhs),
            }
        })*
        const BINARY_OPS: &[&OpDef] = &[$(&$DEF),*];
    };
}

/// Declares casts: one operand, the result type given explicitly.
macro_rules! cast_ops {
    ($($(#[doc = $doc:literal])+ $Name:ident = $name:literal, $DEF:ident [$from:ident -> $to:ident];)*) => {
        $(declare_op! {
            $(#[doc = $doc])+
            pub $Name = $name, $DEF {
                operands { input: ANY }
                results { result: ANY }
                traits: [PURE],
                verify: Some(|op| verify_cast(op, ScalarKind::$from, ScalarKind::$to)),
            }
        })*
        const CAST_OPS: &[&OpDef] = &[$(&$DEF),*];
    };
}

binary_ops! {
    /// Float addition.
    AddF = "arith.addf", ADDF [Float];
    /// Float subtraction.
    SubF = "arith.subf", SUBF [Float];
    /// Float multiplication.
    MulF = "arith.mulf", MULF [Float];
    /// Float division.
    DivF = "arith.divf", DIVF [Float];
    /// Float remainder with the sign of the dividend (C `fmod`).
    RemF = "arith.remf", REMF [Float];
    /// Float maximum; NaN if either operand is NaN.
    MaximumF = "arith.maximumf", MAXIMUMF [Float];
    /// Float minimum; NaN if either operand is NaN.
    MinimumF = "arith.minimumf", MINIMUMF [Float];
    /// Integer addition (wrapping), on integers and `index`.
    AddI = "arith.addi", ADDI [IntOrIndex];
    /// Integer subtraction (wrapping).
    SubI = "arith.subi", SUBI [IntOrIndex];
    /// Integer multiplication (wrapping).
    MulI = "arith.muli", MULI [IntOrIndex];
    /// Signed integer division rounding toward zero; division by zero gives 0, `MIN / -1` wraps.
    DivSI = "arith.divsi", DIVSI [IntOrIndex];
    /// Unsigned integer division; division by zero gives 0.
    DivUI = "arith.divui", DIVUI [IntOrIndex];
    /// Signed remainder with the sign of the dividend; by zero gives 0.
    RemSI = "arith.remsi", REMSI [IntOrIndex];
    /// Unsigned remainder; by zero gives 0.
    RemUI = "arith.remui", REMUI [IntOrIndex];
    /// Signed maximum.
    MaxSI = "arith.maxsi", MAXSI [IntOrIndex];
    /// Signed minimum.
    MinSI = "arith.minsi", MINSI [IntOrIndex];
    /// Unsigned maximum.
    MaxUI = "arith.maxui", MAXUI [IntOrIndex];
    /// Unsigned minimum.
    MinUI = "arith.minui", MINUI [IntOrIndex];
    /// Bitwise and (also logical and on i1).
    AndI = "arith.andi", ANDI [IntOrBool];
    /// Bitwise or.
    OrI = "arith.ori", ORI [IntOrBool];
    /// Bitwise exclusive or.
    XOrI = "arith.xori", XORI [IntOrBool];
    /// Shift left; shift amounts at or above the bit width give 0.
    ShLI = "arith.shli", SHLI [IntOrIndex];
    /// Arithmetic shift right; amounts at or above the bit width fill with the sign bit.
    ShRSI = "arith.shrsi", SHRSI [IntOrIndex];
    /// Logical shift right; amounts at or above the bit width give 0.
    ShRUI = "arith.shrui", SHRUI [IntOrIndex];
}

cast_ops! {
    /// Widens a float (f16/bf16 → f32, f32 → f64).
    ExtF = "arith.extf", EXTF [Float -> Float];
    /// Narrows a float, rounding to nearest even.
    TruncF = "arith.truncf", TRUNCF [Float -> Float];
    /// Signed integer to float.
    SIToFP = "arith.sitofp", SITOFP [IntOrIndex -> Float];
    /// Unsigned integer or i1 to float.
    UIToFP = "arith.uitofp", UITOFP [IntOrBool -> Float];
    /// Float to signed integer, rounding toward zero, saturating; NaN gives 0.
    FPToSI = "arith.fptosi", FPTOSI [Float -> IntOrIndex];
    /// Float to unsigned integer, rounding toward zero, saturating; NaN gives 0.
    FPToUI = "arith.fptoui", FPTOUI [Float -> IntOrBool];
    /// Sign-extends an integer to a wider one.
    ExtSI = "arith.extsi", EXTSI [IntOrIndex -> IntOrIndex];
    /// Zero-extends an integer or i1 to a wider integer.
    ExtUI = "arith.extui", EXTUI [IntOrBool -> IntOrIndex];
    /// Truncates an integer to a narrower one (or to i1 by its low bit).
    TruncI = "arith.trunci", TRUNCI [IntOrIndex -> IntOrBool];
    /// Converts between `index` and an integer type, sign-extending or truncating.
    IndexCast = "arith.index_cast", INDEX_CAST [IntOrIndex -> IntOrIndex];
    /// Reinterprets the bits of a scalar as another scalar type of the same width.
    Bitcast = "arith.bitcast", BITCAST [Any -> Any];
}

declare_op! {
    /// A scalar constant: `value` is an integer or float attribute; the result type is explicit.
    ///
    /// Example: `%0 = "arith.constant"() {value = 1.0} : () -> f32`
    pub Constant = "arith.constant", CONSTANT {
        results { result: ANY }
        attributes { value: msc_ir::Attribute = Required }
        traits: [PURE, CONSTANT_LIKE],
        verify: Some(verify_constant),
    }
}

declare_op! {
    /// Float negation.
    pub NegF = "arith.negf", NEGF {
        operands { operand: ANY }
        results { result: ANY }
        traits: [PURE],
        verify: Some(|op| verify_unary(op, ScalarKind::Float)),
        infer: Some(same_as_lhs),
    }
}

declare_op! {
    /// Float comparison to i1. `predicate` is one of MLIR's: `oeq one olt ole ogt oge ord` (ordered:
    /// false when either side is NaN) and `ueq une ult ule ugt uge uno` (unordered: true on NaN).
    pub CmpF = "arith.cmpf", CMPF {
        operands { lhs: ANY, rhs: ANY }
        results { result: ANY }
        attributes { predicate: String = Required }
        traits: [PURE],
        verify: Some(|op| verify_compare(op, ScalarKind::Float, CMPF_PREDICATES)),
        infer: Some(infer_i1),
    }
}

declare_op! {
    /// Integer comparison to i1. `predicate`: `eq ne slt sle sgt sge ult ule ugt uge`.
    pub CmpI = "arith.cmpi", CMPI {
        operands { lhs: ANY, rhs: ANY }
        results { result: ANY }
        attributes { predicate: String = Required }
        traits: [PURE],
        verify: Some(|op| verify_compare(op, ScalarKind::IntOrIndex, CMPI_PREDICATES)),
        infer: Some(infer_i1),
    }
}

declare_op! {
    /// `condition ? true_value : false_value`, with an i1 condition.
    pub Select = "arith.select", SELECT {
        operands { condition: ANY, true_value: ANY, false_value: ANY }
        results { result: ANY }
        traits: [PURE],
        verify: Some(verify_select),
        infer: Some(infer_select),
    }
}

/// The float comparison predicates.
pub const CMPF_PREDICATES: &[&str] =
    &["oeq", "one", "olt", "ole", "ogt", "oge", "ord", "ueq", "une", "ult", "ule", "ugt", "uge", "uno"];
/// The integer comparison predicates.
pub const CMPI_PREDICATES: &[&str] = &["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"];

pub(crate) fn ops() -> Vec<&'static OpDef> {
    let mut ops: Vec<&'static OpDef> = vec![&CONSTANT, &NEGF, &CMPF, &CMPI, &SELECT];
    ops.extend(BINARY_OPS);
    ops.extend(CAST_OPS);
    ops
}

/// Which scalar types an operand may have.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ScalarKind {
    Float,
    IntOrIndex,
    IntOrBool,
    Any,
}

impl ScalarKind {
    pub(crate) fn admits(self, ty: &Type) -> bool {
        match (self, ty) {
            (ScalarKind::Any, Type::Element(_) | Type::Index) => true,
            (ScalarKind::Float, Type::Element(e)) => e.is_float(),
            (ScalarKind::IntOrIndex, Type::Index) => true,
            (ScalarKind::IntOrIndex, Type::Element(e)) => e.is_int() || *e == msc_ir::ElementType::Bool,
            (ScalarKind::IntOrBool, Type::Element(e)) => e.is_int() || *e == msc_ir::ElementType::Bool,
            _ => false,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ScalarKind::Float => "a float scalar",
            ScalarKind::IntOrIndex => "an integer or i1 scalar, or index",
            ScalarKind::IntOrBool => "an integer or i1 scalar",
            ScalarKind::Any => "a scalar or index",
        }
    }
}

pub(crate) fn check_kind(what: &str, ty: &Type, kind: ScalarKind) -> Result<(), String> {
    if kind.admits(ty) { Ok(()) } else { Err(format!("{what} must be {}, got {ty}", kind.describe())) }
}

pub(crate) fn same_as_lhs(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    Ok(vec![op.operand_type(0).clone()])
}

fn infer_i1(_: OpRef<'_>) -> Result<Vec<Type>, String> {
    Ok(vec![Type::Element(msc_ir::ElementType::Bool)])
}

fn infer_select(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    Ok(vec![op.operand_type(1).clone()])
}

pub(crate) fn verify_unary(op: OpRef<'_>, kind: ScalarKind) -> Result<(), String> {
    check_kind("the operand", op.operand_type(0), kind)?;
    if op.result_type(0) != op.operand_type(0) {
        return Err(format!("result type {} differs from the operand type {}", op.result_type(0), op.operand_type(0)));
    }
    Ok(())
}

pub(crate) fn verify_binary(op: OpRef<'_>, kind: ScalarKind) -> Result<(), String> {
    check_kind("the left operand", op.operand_type(0), kind)?;
    if op.operand_type(1) != op.operand_type(0) || op.result_type(0) != op.operand_type(0) {
        return Err(format!(
            "operands and result must have one type, got {}, {} -> {}",
            op.operand_type(0),
            op.operand_type(1),
            op.result_type(0)
        ));
    }
    Ok(())
}

fn verify_compare(op: OpRef<'_>, kind: ScalarKind, predicates: &[&str]) -> Result<(), String> {
    check_kind("the left operand", op.operand_type(0), kind)?;
    if op.operand_type(1) != op.operand_type(0) {
        return Err(format!("operands must have one type, got {} and {}", op.operand_type(0), op.operand_type(1)));
    }
    let predicate = op.string("predicate")?;
    if !predicates.contains(&predicate.as_str()) {
        return Err(format!("unknown predicate '{predicate}' (expected one of {})", predicates.join(", ")));
    }
    check_i1("the result", op.result_type(0))
}

fn check_i1(what: &str, ty: &Type) -> Result<(), String> {
    if *ty == Type::Element(msc_ir::ElementType::Bool) { Ok(()) } else { Err(format!("{what} must be i1, got {ty}")) }
}

fn verify_select(op: OpRef<'_>) -> Result<(), String> {
    check_i1("the condition", op.operand_type(0))?;
    check_kind("the selected values", op.operand_type(1), ScalarKind::Any)?;
    if op.operand_type(2) != op.operand_type(1) || op.result_type(0) != op.operand_type(1) {
        return Err("the two values and the result must have one type".into());
    }
    Ok(())
}

fn verify_cast(op: OpRef<'_>, from: ScalarKind, to: ScalarKind) -> Result<(), String> {
    check_kind("the operand", op.operand_type(0), from)?;
    check_kind("the result", op.result_type(0), to)?;
    if op.name() == "arith.bitcast" {
        let width = |t: &Type| match t {
            Type::Element(e) => e.size(),
            _ => 8,
        };
        if width(op.operand_type(0)) != width(op.result_type(0)) {
            return Err(format!(
                "bitcast between types of different widths: {} to {}",
                op.operand_type(0),
                op.result_type(0)
            ));
        }
    }
    Ok(())
}

fn verify_constant(op: OpRef<'_>) -> Result<(), String> {
    let ty = op.result_type(0);
    check_kind("the result", ty, ScalarKind::Any)?;
    match (op.raw_attr("value"), ty) {
        (Some(msc_ir::Attribute::Float(_)), Type::Element(e)) if e.is_float() => Ok(()),
        (Some(msc_ir::Attribute::Int(_)), Type::Index | Type::Element(_)) => Ok(()),
        (Some(msc_ir::Attribute::Bool(_)), Type::Element(msc_ir::ElementType::Bool)) => Ok(()),
        (other, _) => Err(format!("`value` {other:?} does not fit the result type {ty}")),
    }
}
