//! Bit-level conversions for the 16-bit float types, which live in `F32` registers: f16/bf16 →
//! f32 (exact) and f32 → f16/bf16 (round to nearest even, with infinities, NaNs and
//! subnormals), and f64 → f32 rounded to odd, so that f64 → f32 → f16 rounds only once.
//!
//! The 16-bit patterns are carried in the low half of an `I32`.

use crate::emit::{bitcast, fconst, iconst, select};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_frontend::FunctionBuilder;

/// Which 16-bit float format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Half {
    F16,
    BF16,
}

/// The bits of `v` (an `F32`) rounded to the format, in the low 16 bits of an `I32`.
pub(crate) fn from_f32(fb: &mut FunctionBuilder<'_>, format: Half, v: Value) -> Value {
    let ty = types::I32;
    let x = bitcast(fb, ty, v);
    let abs_mask = iconst(fb, ty, 0x7fff_ffff);
    let a = fb.ins().band(x, abs_mask);
    let inf_bits = iconst(fb, ty, 0x7f80_0000);
    let is_nan = fb.ins().icmp(IntCC::UnsignedGreaterThan, a, inf_bits);
    match format {
        Half::BF16 => {
            let hi = fb.ins().ushr_imm_s(x, 16);
            let quiet = fb.ins().bor_imm_s(hi, 0x40);
            let odd = fb.ins().band_imm_s(hi, 1);
            let bias = fb.ins().iadd_imm_s(odd, 0x7fff);
            let rounded = fb.ins().iadd(x, bias);
            let rounded = fb.ins().ushr_imm_s(rounded, 16);
            select(fb, is_nan, quiet, rounded)
        }
        Half::F16 => {
            let sign = fb.ins().ushr_imm_s(x, 16);
            let sign = fb.ins().band_imm_s(sign, 0x8000);
            // NaN: keep the top payload bits, force quiet.
            let payload = fb.ins().ushr_imm_s(a, 13);
            let payload = fb.ins().band_imm_s(payload, 0x3ff);
            let nan = fb.ins().bor_imm_s(payload, 0x7e00);
            // Normal: rebias the exponent and round the mantissa to 10 bits, ties to even.
            let odd = fb.ins().ushr_imm_s(a, 13);
            let odd = fb.ins().band_imm_s(odd, 1);
            let t = fb.ins().iadd_imm_s(a, 0xfff - 0x3800_0000);
            let t = fb.ins().iadd(t, odd);
            let normal = fb.ins().ushr_imm_s(t, 13);
            // Subnormal or zero: let the FPU round by adding 0.5, whose ulp is 2^-24.
            let af = bitcast(fb, types::F32, a);
            let half = fconst(fb, types::F32, 0.5);
            let sum = fb.ins().fadd(af, half);
            let sum = bitcast(fb, ty, sum);
            let sub = fb.ins().iadd_imm_s(sum, -0x3f00_0000);
            let min_normal = iconst(fb, ty, 0x3880_0000);
            let is_sub = fb.ins().icmp(IntCC::UnsignedLessThan, a, min_normal);
            let r = select(fb, is_sub, sub, normal);
            // At or above 65520 rounds to infinity.
            let overflow = iconst(fb, ty, 0x477f_f000);
            let is_inf = fb.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, a, overflow);
            let inf = iconst(fb, ty, 0x7c00);
            let r = select(fb, is_inf, inf, r);
            let r = select(fb, is_nan, nan, r);
            fb.ins().bor(r, sign)
        }
    }
}

/// The `F32` value of the 16-bit pattern in the low bits of `bits` (an `I32`).
pub(crate) fn to_f32(fb: &mut FunctionBuilder<'_>, format: Half, bits: Value) -> Value {
    let ty = types::I32;
    match format {
        Half::BF16 => {
            let x = fb.ins().ishl_imm_s(bits, 16);
            bitcast(fb, types::F32, x)
        }
        Half::F16 => {
            let x = fb.ins().band_imm_s(bits, 0xffff);
            let sign = fb.ins().band_imm_s(x, 0x8000);
            let sign = fb.ins().ishl_imm_s(sign, 16);
            let em = fb.ins().band_imm_s(x, 0x7fff);
            let em = fb.ins().ishl_imm_s(em, 13);
            let exp = fb.ins().band_imm_s(em, 0x0f80_0000);
            let o = fb.ins().iadd_imm_s(em, 0x3800_0000);
            let o_inf = fb.ins().iadd_imm_s(o, 0x3800_0000);
            let o_sub = fb.ins().iadd_imm_s(o, 0x0080_0000);
            let o_sub = bitcast(fb, types::F32, o_sub);
            let magic = fconst(fb, types::F32, f64::from(f32::from_bits(0x3880_0000)));
            let o_sub = fb.ins().fsub(o_sub, magic);
            let o_sub = bitcast(fb, ty, o_sub);
            let all = iconst(fb, ty, 0x0f80_0000);
            let is_inf = fb.ins().icmp(IntCC::Equal, exp, all);
            let r = select(fb, is_inf, o_inf, o);
            let is_sub = fb.ins().icmp_imm_s(IntCC::Equal, exp, 0);
            let r = select(fb, is_sub, o_sub, r);
            let r = fb.ins().bor(r, sign);
            bitcast(fb, types::F32, r)
        }
    }
}

/// `v` (an `F32`) rounded to the format and back: what an f16/bf16 op result holds.
pub(crate) fn round(fb: &mut FunctionBuilder<'_>, format: Half, v: Value) -> Value {
    let bits = from_f32(fb, format, v);
    to_f32(fb, format, bits)
}

/// `x` (an `F64`) to `F32` rounding to odd: exact results stay, inexact ones get the odd
/// neighbour toward zero. Rounding that to ≤ 22 significant bits is a single correct rounding.
pub(crate) fn f64_to_f32_odd(fb: &mut FunctionBuilder<'_>, x: Value) -> Value {
    let t = fb.ins().fdemote(types::F32, x);
    let back = fb.ins().fpromote(types::F64, t);
    let inexact = fb.ins().fcmp(FloatCC::OrderedNotEqual, back, x);
    let abs_back = fb.ins().fabs(back);
    let abs_x = fb.ins().fabs(x);
    let away = fb.ins().fcmp(FloatCC::GreaterThan, abs_back, abs_x);
    let tb = bitcast(fb, types::I32, t);
    let away = fb.ins().uextend(types::I32, away);
    let toward_zero = fb.ins().isub(tb, away);
    let odd = fb.ins().bor_imm_s(toward_zero, 1);
    let r = select(fb, inexact, odd, tb);
    bitcast(fb, types::F32, r)
}
