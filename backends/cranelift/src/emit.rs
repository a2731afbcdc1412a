//! Small CLIF helpers that work alike on scalars and on 4-lane vectors: constants of a value's
//! type, bit casts between a float type and the integer type of its width, lane-wise selects.

use cranelift_codegen::ir::{self, Endianness, InstBuilder, MemFlagsData, Value, types};
use cranelift_frontend::FunctionBuilder;

/// Bit-cast flags: vectors need an explicit lane order.
fn cast_flags(ty: ir::Type) -> MemFlagsData {
    if ty.is_vector() { MemFlagsData::new().with_endianness(Endianness::Little) } else { MemFlagsData::new() }
}

/// `v` reinterpreted as `ty` (same total width).
pub(crate) fn bitcast(fb: &mut FunctionBuilder<'_>, ty: ir::Type, v: Value) -> Value {
    if fb.func.dfg.value_type(v) == ty {
        return v;
    }
    fb.ins().bitcast(ty, cast_flags(ty), v)
}

/// A float constant of type `ty` (scalar or splat).
pub(crate) fn fconst(fb: &mut FunctionBuilder<'_>, ty: ir::Type, c: f64) -> Value {
    let scalar = match ty.lane_type() {
        types::F64 => fb.ins().f64const(c),
        _ => fb.ins().f32const(c as f32),
    };
    splat_to(fb, ty, scalar)
}

/// An integer constant of type `ty` (scalar or splat), truncated to the lane width.
pub(crate) fn iconst(fb: &mut FunctionBuilder<'_>, ty: ir::Type, c: i64) -> Value {
    let lane = ty.lane_type();
    let masked = if lane.bits() >= 64 { c } else { c & ((1i64 << lane.bits()) - 1) };
    let scalar = fb.ins().iconst(lane, masked);
    splat_to(fb, ty, scalar)
}

/// `scalar` broadcast to `ty` when `ty` is a vector, else `scalar`.
pub(crate) fn splat_to(fb: &mut FunctionBuilder<'_>, ty: ir::Type, scalar: Value) -> Value {
    if ty.is_vector() { fb.ins().splat(ty, scalar) } else { scalar }
}

/// Lane-wise `mask ? a : b` where `mask` comes from a comparison (`I8` 0/1 on scalars, all-ones
/// lanes on vectors).
pub(crate) fn select(fb: &mut FunctionBuilder<'_>, mask: Value, a: Value, b: Value) -> Value {
    let ty = fb.func.dfg.value_type(a);
    if ty.is_vector() {
        let mask = bitcast(fb, ty, mask);
        fb.ins().bitselect(mask, a, b)
    } else {
        fb.ins().select(mask, a, b)
    }
}

/// Lane-wise `a & b` of two comparison masks.
pub(crate) fn and_mask(fb: &mut FunctionBuilder<'_>, a: Value, b: Value) -> Value {
    fb.ins().band(a, b)
}

/// Lane-wise `a | b` of two comparison masks.
pub(crate) fn or_mask(fb: &mut FunctionBuilder<'_>, a: Value, b: Value) -> Value {
    fb.ins().bor(a, b)
}
