//! f64 expansions of the `math` functions (scalar only: the vectorizer handles f32 and i32).
//!
//! Truncated Taylor series with exactly known coefficients after strong range reduction (exp on
//! |r| <= ln2/2 with a two-part ln 2; log and log1p through `s = f / (2 + f)`, fdlibm's form;
//! sin/cos on |r| <= pi/4 with fdlibm's three 33-bit parts of pi/2, accurate for |x| < 2^20 pi/2;
//! atan reduced to |t| <= tan(pi/12)), the other functions built from those with fdlibm's
//! cancellation-free identities (expm1 and log1p for sinh, tanh, asinh, acosh, atanh), and erf as
//! the same series loop the interpreter runs. Bounds, checked in `tests/math.rs`, are stated there.

use super::{M, Shift, Trig, log_special_cases, powf};
use crate::emit::fconst;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{BlockArg, InstBuilder, Value, types};
use std::f64::consts;

/// fdlibm's ln 2 split: `LN2_HI` has 32 significant bits, so `n * LN2_HI` is exact.
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;

/// `1/k!` for `k` in `from..=to` by `step`, highest first (Horner order); with `alternate`, the
/// signs alternate starting with `-1/from!` (the sine and cosine series after their first term).
fn inverse_factorials(from: u32, to: u32, step: u32, alternate: bool) -> Vec<f64> {
    let mut out = Vec::new();
    let mut k = to;
    loop {
        let f: f64 = (1..=k).map(f64::from).product();
        let sign = if alternate && ((k - from) / step).is_multiple_of(2) { -1.0 } else { 1.0 };
        out.push(sign / f);
        if k < from + step {
            break;
        }
        k -= step;
    }
    out
}

pub(super) fn function(m: &mut M<'_, '_>, name: &str, x: Value, y: Value) -> Value {
    match name {
        "exp" => exp(m, x),
        "log" => log(m, x),
        "tanh" => tanh(m, x),
        "erf" => erf(m, x),
        "sin" => sin_cos(m, x, Trig::Sin),
        "cos" => sin_cos(m, x, Trig::Cos),
        "tan" => sin_cos(m, x, Trig::Tan),
        "asin" => asin(m, x),
        "acos" => acos(m, x),
        "atan" => {
            let a = m.abs(x);
            let r = atan_abs(m, a);
            m.copysign(r, x)
        }
        "sinh" => sinh(m, x),
        "cosh" => cosh(m, x),
        "asinh" => asinh(m, x),
        "acosh" => acosh(m, x),
        "atanh" => atanh(m, x),
        _ => powf(m, x, y, exp, log),
    }
}

/// `x = n ln2 + r` with `n` integral (as a float) and |r| <= ln2/2, `n ln2` subtracted in two exact parts.
fn reduce_ln2(m: &mut M<'_, '_>, x: Value) -> (Value, Value) {
    let t = m.mulc(x, consts::LOG2_E);
    let n = m.fb.ins().nearest(t);
    let hi = m.mulc(n, LN2_HI);
    let r = m.sub(x, hi);
    let lo = m.mulc(n, LN2_LO);
    (n, m.sub(r, lo))
}

fn exp(m: &mut M<'_, '_>, x: Value) -> Value {
    let xc = m.clamp(x, -746.0, 710.0);
    let (n, r) = reduce_ln2(m, xc);
    let p = m.poly(r, &inverse_factorials(0, 13, 1, false));
    let ni = m.trunc_int(n);
    let n1 = m.shift(Shift::Arithmetic, ni, 1);
    let n2 = m.fb.ins().isub(ni, n1);
    let s1 = m.pow2(n1);
    let s2 = m.pow2(n2);
    let p = m.mul(p, s1);
    m.mul(p, s2)
}

/// `expm1(r)` for |r| <= ln2/2 by its Taylor series: `r + r^2 (1/2 + r/6 + ...)`.
fn expm1_small(m: &mut M<'_, '_>, r: Value) -> Value {
    let p = m.poly(r, &inverse_factorials(2, 17, 1, false));
    let r2 = m.mul(r, r);
    let p = m.mul(p, r2);
    m.add(r, p)
}

/// `e^x - 1` without cancellation: `2^n expm1(r) + (2^n - 1)` for |x| <= 40.
fn expm1(m: &mut M<'_, '_>, x: Value) -> Value {
    let xc = m.clamp(x, -40.0, 40.0);
    let (n, r) = reduce_ln2(m, xc);
    let e = expm1_small(m, r);
    let ni = m.trunc_int(n);
    let scale = m.pow2(ni);
    let scaled = m.mul(scale, e);
    let sm1 = m.addc(scale, -1.0);
    let mid = m.add(scaled, sm1);
    let big = exp(m, x);
    let big = m.addc(big, -1.0);
    let above = m.cmpc(FloatCC::GreaterThan, x, 40.0);
    let r = m.sel(above, big, mid);
    let below = m.cmpc(FloatCC::LessThan, x, -40.0);
    m.selc(below, -1.0, r)
}

/// `log(1 + f)` for small |f| (fdlibm's kernel): `s = f / (2 + f)`,
/// `f - (f^2/2 - s (f^2/2 + R(s^2)))` with `R(z) = sum 2 z^k / (2k + 1)`.
fn log1p_kernel(m: &mut M<'_, '_>, f: Value) -> Value {
    let d = m.addc(f, 2.0);
    let s = m.div(f, d);
    let z = m.mul(s, s);
    let coeffs: Vec<f64> = (1..=16).rev().map(|k| 2.0 / f64::from(2 * k + 1)).collect();
    let r = m.poly(z, &coeffs);
    let r = m.mul(r, z);
    let ff = m.mul(f, f);
    let hfsq = m.mulc(ff, 0.5);
    let inner = m.add(hfsq, r);
    let inner = m.mul(s, inner);
    let inner = m.sub(hfsq, inner);
    m.sub(f, inner)
}

fn log(m: &mut M<'_, '_>, x: Value) -> Value {
    let is_sub = m.cmpc(FloatCC::LessThan, x, f64::MIN_POSITIVE);
    let scaled = m.mulc(x, 2f64.powi(54));
    let xs = m.sel(is_sub, scaled, x);
    let bits = m.bits(xs);
    let e = m.shift(Shift::Logical, bits, 52);
    let e = m.bandc(e, 0x7ff);
    let e = m.iaddc(e, -1022);
    let sub_adjust = m.ic(-54);
    let zero = m.ic(0);
    let adjust = m.sel(is_sub, sub_adjust, zero);
    let e = m.fb.ins().iadd(e, adjust);
    let mant = m.bandc(bits, 0x800f_ffff_ffff_ffff_u64 as i64);
    let half = m.ic(0x3fe0_0000_0000_0000);
    let mant = m.fb.ins().bor(mant, half);
    let mant = m.float(mant);
    let small = m.cmpc(FloatCC::LessThan, mant, consts::FRAC_1_SQRT_2);
    let one = m.ic(1);
    let dec = m.sel(small, one, zero);
    let e = m.fb.ins().isub(e, dec);
    let doubled = m.add(mant, mant);
    let mant = m.sel(small, doubled, mant);
    let f = m.addc(mant, -1.0);
    let l = log1p_kernel(m, f);
    let ef = m.int_float(e);
    let lo = m.mulc(ef, LN2_LO);
    let l = m.add(l, lo);
    let hi = m.mulc(ef, LN2_HI);
    let r = m.add(hi, l);
    log_special_cases(m, x, r)
}

fn log1p(m: &mut M<'_, '_>, x: Value) -> Value {
    let k = log1p_kernel(m, x);
    let u = m.addc(x, 1.0);
    let l = log(m, u);
    let a = m.abs(x);
    let small = m.cmpc(FloatCC::LessThan, a, 0.4);
    m.sel(small, k, l)
}

fn tanh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let a2 = m.add(a, a);
    let e = expm1(m, a2);
    let d = m.addc(e, 2.0);
    let t = m.div(e, d);
    let big = m.cmpc(FloatCC::GreaterThan, a, 22.0);
    let t = m.selc(big, 1.0, t);
    m.copysign(t, x)
}

/// `exp(|x|/2)^2 / 2`: cosh and |sinh| for |x| > 22, finite up to the overflow threshold.
fn half_square(m: &mut M<'_, '_>, a: Value) -> Value {
    let ha = m.mulc(a, 0.5);
    let h = exp(m, ha);
    let hh = m.mulc(h, 0.5);
    m.mul(hh, h)
}

fn sinh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let e = expm1(m, a);
    let e1 = m.addc(e, 1.0);
    let q = m.div(e, e1);
    let s = m.add(e, q);
    let s = m.mulc(s, 0.5);
    let big = half_square(m, a);
    let is_big = m.cmpc(FloatCC::GreaterThan, a, 22.0);
    let r = m.sel(is_big, big, s);
    m.copysign(r, x)
}

fn cosh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let e = exp(m, a);
    let he = m.mulc(e, 0.5);
    let half = m.c(0.5);
    let inv = m.div(half, e);
    let c = m.add(he, inv);
    let big = half_square(m, a);
    let is_big = m.cmpc(FloatCC::GreaterThan, a, 22.0);
    m.sel(is_big, big, c)
}

fn asinh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let a2 = m.mul(a, a);
    let w = m.addc(a2, 1.0);
    let w = m.sqrt(w);
    let w = m.addc(w, 1.0);
    let q = m.div(a2, w);
    let arg = m.add(a, q);
    let small = log1p(m, arg);
    let l = log(m, a);
    let huge = m.addc(l, consts::LN_2);
    let is_huge = m.cmpc(FloatCC::GreaterThan, a, 2f64.powi(28));
    let r = m.sel(is_huge, huge, small);
    m.copysign(r, x)
}

fn acosh(m: &mut M<'_, '_>, x: Value) -> Value {
    let t = m.addc(x, -1.0);
    let t2 = m.mul(t, t);
    let two_t = m.add(t, t);
    let w = m.add(two_t, t2);
    let w = m.sqrt(w);
    let arg = m.add(t, w);
    let small = log1p(m, arg);
    let xx = m.mul(x, x);
    let w = m.addc(xx, -1.0);
    let w = m.sqrt(w);
    let w = m.add(x, w);
    let one = m.c(1.0);
    let inv = m.div(one, w);
    let x2 = m.add(x, x);
    let arg = m.sub(x2, inv);
    let mid = log(m, arg);
    let l = log(m, x);
    let huge = m.addc(l, consts::LN_2);
    let is_mid = m.cmpc(FloatCC::GreaterThanOrEqual, x, 2.0);
    let r = m.sel(is_mid, mid, small);
    let is_huge = m.cmpc(FloatCC::GreaterThan, x, 2f64.powi(28));
    let r = m.sel(is_huge, huge, r);
    let below = m.cmpc(FloatCC::LessThan, x, 1.0);
    m.selc(below, f64::NAN, r)
}

fn atanh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let a2 = m.add(a, a);
    let d = m.rsubc(1.0, a);
    let q = m.div(a2, d);
    let l = log1p(m, q);
    let r = m.mulc(l, 0.5);
    m.copysign(r, x)
}

/// sin, cos and tan: `x = j pi/2 + r` with fdlibm's 33-bit parts of pi/2 (exact products for
/// |j| < 2^20), Taylor series on |r| <= pi/4, quadrant selection as in the f32 version.
fn sin_cos(m: &mut M<'_, '_>, x: Value, which: Trig) -> Value {
    let t = m.mulc(x, consts::FRAC_2_PI);
    let j = m.fb.ins().nearest(t);
    let mut r = x;
    for part in [1.5707963267341256, 6.077100506303966e-11, 2.0222662487111665e-21] {
        let p = m.mulc(j, part);
        r = m.sub(r, p);
    }
    let r = {
        let p = m.mulc(j, 8.4784276603689e-32);
        m.sub(r, p)
    };
    let z = m.mul(r, r);
    let s = m.poly(z, &inverse_factorials(3, 21, 2, true));
    let s = m.mul(s, z);
    let s = m.mul(s, r);
    let s = m.add(s, r);
    let c = m.poly(z, &inverse_factorials(2, 22, 2, true));
    let c = m.mul(c, z);
    let c = m.addc(c, 1.0);
    let q = m.trunc_int(j);
    let q = if which == Trig::Cos { m.iaddc(q, 1) } else { q };
    let low = m.bandc(q, 1);
    let zero = m.ic(0);
    let odd = m.fb.ins().icmp(IntCC::NotEqual, low, zero);
    if which == Trig::Tan {
        let st = m.div(s, c);
        let ct = m.div(c, s);
        let ct = m.fb.ins().fneg(ct);
        return m.sel(odd, ct, st);
    }
    let v = m.sel(odd, c, s);
    let neg = m.bandc(q, 2);
    let neg = m.shift(Shift::Left, neg, 62);
    let vb = m.bits(v);
    let vb = m.fb.ins().bxor(vb, neg);
    m.float(vb)
}

/// atan of a non-negative `a` (or NaN): 1/a above 1, then `atan t = pi/6 + atan((t sqrt3 - 1) /
/// (t + sqrt3))` above tan(pi/12), then the series `t - t^3/3 + t^5/5 - ...`.
fn atan_abs(m: &mut M<'_, '_>, a: Value) -> Value {
    let big = m.cmpc(FloatCC::GreaterThan, a, 1.0);
    let one = m.c(1.0);
    let inv = m.div(one, a);
    let t = m.sel(big, inv, a);
    let sqrt3 = 3f64.sqrt();
    let mid = m.cmpc(FloatCC::GreaterThan, t, 0.2679491924311227);
    let num = m.mulc(t, sqrt3);
    let num = m.addc(num, -1.0);
    let den = m.addc(t, sqrt3);
    let tr = m.div(num, den);
    let t = m.sel(mid, tr, t);
    let zero = m.c(0.0);
    let base = m.selc(mid, consts::FRAC_PI_6, zero);
    let z = m.mul(t, t);
    let coeffs: Vec<f64> = (1..=18).rev().map(|k| if k % 2 == 1 { -1.0 } else { 1.0 } / f64::from(2 * k + 1)).collect();
    let series = m.series(t, z, &coeffs);
    let y = m.add(base, series);
    let flipped = m.rsubc(consts::FRAC_PI_2, y);
    m.sel(big, flipped, y)
}

fn asin(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let one_minus = m.rsubc(1.0, a);
    let one_plus = m.addc(a, 1.0);
    let d = m.mul(one_minus, one_plus);
    let d = m.sqrt(d);
    let ratio = m.div(a, d);
    let r = atan_abs(m, ratio);
    m.copysign(r, x)
}

fn acos(m: &mut M<'_, '_>, x: Value) -> Value {
    let one_minus = m.rsubc(1.0, x);
    let one_plus = m.addc(x, 1.0);
    let q = m.div(one_minus, one_plus);
    let q = m.sqrt(q);
    let r = atan_abs(m, q);
    m.add(r, r)
}

/// erf by the interpreter's own series, `2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (1 3 ... (2n+1))`,
/// summed until a term drops below 1e-17 of the sum; ±1 from |x| >= 6.
fn erf(m: &mut M<'_, '_>, x: Value) -> Value {
    let fb = &mut *m.fb;
    let ty = types::F64;
    let a = fb.ins().fabs(x);
    let six = fconst(fb, ty, 6.0);
    let saturated = fb.ins().fcmp(FloatCC::GreaterThanOrEqual, a, six);
    let one = fconst(fb, ty, 1.0);
    let unit = fb.ins().fcopysign(one, x);
    let is_nan = fb.ins().fcmp(FloatCC::Unordered, x, x);
    let early_value = fb.ins().select(is_nan, x, unit);
    let early = fb.ins().bor(saturated, is_nan);

    let head = fb.create_block();
    for _ in 0..3 {
        fb.append_block_param(head, ty);
    }
    let body = fb.create_block();
    let exit = fb.create_block();
    fb.append_block_param(exit, ty);
    let done = fb.create_block();
    fb.append_block_param(done, ty);
    let zero = fconst(fb, ty, 0.0);
    fb.ins().brif(
        early,
        done,
        &[BlockArg::Value(early_value)],
        head,
        &[BlockArg::Value(x), BlockArg::Value(x), BlockArg::Value(zero)],
    );

    fb.switch_to_block(head);
    let [term, sum, n] = [0, 1, 2].map(|i| fb.block_params(head)[i]);
    let at = fb.ins().fabs(term);
    let asum = fb.ins().fabs(sum);
    let eps = fconst(fb, ty, 1e-17);
    let limit = fb.ins().fmul(asum, eps);
    let more = fb.ins().fcmp(FloatCC::GreaterThan, at, limit);
    fb.ins().brif(more, body, &[], exit, &[BlockArg::Value(sum)]);

    fb.switch_to_block(body);
    let n1 = fb.ins().fadd(n, one);
    let two = fconst(fb, ty, 2.0);
    let two_x = fb.ins().fmul(two, x);
    let num = fb.ins().fmul(two_x, x);
    let two_n = fb.ins().fmul(two, n1);
    let den = fb.ins().fadd(two_n, one);
    let factor = fb.ins().fdiv(num, den);
    let term = fb.ins().fmul(term, factor);
    let sum = fb.ins().fadd(sum, term);
    fb.ins().jump(head, &[BlockArg::Value(term), BlockArg::Value(sum), BlockArg::Value(n1)]);

    fb.switch_to_block(exit);
    let sum = fb.block_params(exit)[0];
    let neg = fb.ins().fneg(x);
    let sq = fb.ins().fmul(neg, x);
    let e = exp(m, sq);
    let fb = &mut *m.fb;
    let k = fconst(fb, ty, 2.0 / consts::PI.sqrt());
    let r = fb.ins().fmul(k, e);
    let r = fb.ins().fmul(r, sum);
    fb.ins().jump(done, &[BlockArg::Value(r)]);

    fb.switch_to_block(done);
    fb.block_params(done)[0]
}
