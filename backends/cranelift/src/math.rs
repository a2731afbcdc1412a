//! Inline expansions of `math` functions and of `arith.remf`, written once over the CLIF type
//! (scalar `F32` or vector `F32X4`): range reduction, a polynomial (Cephes single-precision
//! coefficients; for erf, Eigen's rational approximation below 1 and Numerical Recipes' erfc
//! fit above), and selects for NaN, infinities,
//! overflow and underflow. No calls, no constant pools beyond what Cranelift emits inline.
//!
//! Accuracy (checked against Rust's f64 functions on dense sweeps in `tests/math.rs`; measured
//! maxima in brackets): exp [0.95] and log [0.77] within 3 ulp; tanh [1.25], sinh [2.66], cosh
//! [2.85], asinh [2.51], acosh [2.05], atanh [1.28], asin [2.30], acos [1.22], atan [2.60] within
//! 4 ulp; erf within 4 ulp [3.40]; tan within 6 ulp [3.08] on |x| <= 100; sin and
//! cos within 4 ulp or 1e-7 absolutely for |x| <= 8192 (the three-part pi/2 reduction loses
//! accuracy beyond that); rsqrt within 1.5 ulp [1.47]. `powf` computes `exp(y * log|x|)` in f32, so its
//! error grows with `|y ln x|`: within `2 + 2 |y ln x|` ulp.
//! f64 versions (scalar only) are in `math/wide.rs`.
//! `remf` is exact: repeated exact subtraction of `|y|` scaled by powers of two (Sterbenz),
//! for F32 and F64 scalars.

use crate::emit::{self, bitcast, fconst, iconst};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, Value, types};
use cranelift_frontend::FunctionBuilder;
use std::f64::consts;

/// A type-generic float expression writer.
struct M<'a, 'b> {
    fb: &'a mut FunctionBuilder<'b>,
    ty: ir::Type,
}

impl M<'_, '_> {
    fn c(&mut self, x: f64) -> Value {
        fconst(self.fb, self.ty, x)
    }
    fn ic(&mut self, x: i64) -> Value {
        iconst(self.fb, self.ty.as_int(), x)
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.fb.ins().fdiv(a, b)
    }
    fn mulc(&mut self, a: Value, c: f64) -> Value {
        let c = self.c(c);
        self.mul(a, c)
    }
    fn addc(&mut self, a: Value, c: f64) -> Value {
        let c = self.c(c);
        self.add(a, c)
    }
    /// `c - a`.
    fn rsubc(&mut self, c: f64, a: Value) -> Value {
        let c = self.c(c);
        self.sub(c, a)
    }
    fn abs(&mut self, a: Value) -> Value {
        self.fb.ins().fabs(a)
    }
    fn sqrt(&mut self, a: Value) -> Value {
        self.fb.ins().sqrt(a)
    }
    /// `a` limited to `[lo, hi]`; NaN stays NaN. Compare-and-select is much shorter than
    /// Cranelift's NaN-propagating `fmin`/`fmax` sequences.
    fn clamp(&mut self, a: Value, lo: f64, hi: f64) -> Value {
        let below = self.cmpc(FloatCC::LessThan, a, lo);
        let a = self.selc(below, lo, a);
        let above = self.cmpc(FloatCC::GreaterThan, a, hi);
        self.selc(above, hi, a)
    }
    /// Horner's rule, highest degree first.
    fn poly(&mut self, x: Value, coeffs: &[f64]) -> Value {
        let mut acc = self.c(coeffs[0]);
        for &k in &coeffs[1..] {
            let p = self.mul(acc, x);
            acc = self.addc(p, k);
        }
        acc
    }
    /// `w + w z P(z)`, `P` by [`M::poly`]: an odd series in `x` when `w = x` and `z = x²`.
    fn series(&mut self, w: Value, z: Value, coeffs: &[f64]) -> Value {
        let p = self.poly(z, coeffs);
        let p = self.mul(p, z);
        let p = self.mul(p, w);
        self.add(w, p)
    }
    fn cmp(&mut self, cc: FloatCC, a: Value, b: Value) -> Value {
        self.fb.ins().fcmp(cc, a, b)
    }
    fn cmpc(&mut self, cc: FloatCC, a: Value, c: f64) -> Value {
        let c = self.c(c);
        self.cmp(cc, a, c)
    }
    fn sel(&mut self, mask: Value, a: Value, b: Value) -> Value {
        emit::select(self.fb, mask, a, b)
    }
    fn selc(&mut self, mask: Value, c: f64, b: Value) -> Value {
        let c = self.c(c);
        self.sel(mask, c, b)
    }
    fn bits(&mut self, a: Value) -> Value {
        bitcast(self.fb, self.ty.as_int(), a)
    }
    fn float(&mut self, i: Value) -> Value {
        bitcast(self.fb, self.ty, i)
    }
    /// `|a|` with the sign of `s`.
    fn copysign(&mut self, a: Value, s: Value) -> Value {
        let abs = self.abs(a);
        let abs = self.bits(abs);
        let sb = self.bits(s);
        let sign = self.ic(if self.ty.lane_type() == types::F64 { i64::MIN } else { i64::from(i32::MIN) });
        let sign = self.fb.ins().band(sb, sign);
        let r = self.fb.ins().bor(abs, sign);
        self.float(r)
    }
    /// `2^k` for an integer `k` in the normal exponent range ([-126, 127] for f32, [-1022, 1023]
    /// for f64).
    fn pow2(&mut self, k: Value) -> Value {
        let (bias, mant) = if self.ty.lane_type() == types::F64 { (1023, 52) } else { (127, 23) };
        let biased = self.iaddc(k, bias);
        let bits = self.shift(Shift::Left, biased, mant);
        self.float(bits)
    }
    /// Integer `a + c` (immediate forms do not exist for vectors).
    fn iaddc(&mut self, a: Value, c: i64) -> Value {
        let c = self.ic(c);
        self.fb.ins().iadd(a, c)
    }
    fn bandc(&mut self, a: Value, c: i64) -> Value {
        let c = self.ic(c);
        self.fb.ins().band(a, c)
    }
    /// A shift by a constant (vector shifts take a scalar amount).
    fn shift(&mut self, kind: Shift, a: Value, n: i64) -> Value {
        let n = self.fb.ins().iconst(types::I32, n);
        match kind {
            Shift::Left => self.fb.ins().ishl(a, n),
            Shift::Logical => self.fb.ins().ushr(a, n),
            Shift::Arithmetic => self.fb.ins().sshr(a, n),
        }
    }
    fn trunc_int(&mut self, a: Value) -> Value {
        self.fb.ins().fcvt_to_sint_sat(self.ty.as_int(), a)
    }
    fn int_float(&mut self, i: Value) -> Value {
        self.fb.ins().fcvt_from_sint(self.ty, i)
    }
}

mod wide;

/// A one-operand function expansion.
type Unary = fn(&mut M<'_, '_>, Value) -> Value;

#[derive(Clone, Copy)]
enum Shift {
    Left,
    Logical,
    Arithmetic,
}

/// `math.<name>` of `x` (and `y` for `powf`) for F32, F32X4 or (see `math/wide.rs`) F64 values.
pub(crate) fn function(fb: &mut FunctionBuilder<'_>, name: &str, x: Value, y: Value) -> Value {
    let ty = fb.func.dfg.value_type(x);
    let mut m = M { fb, ty };
    if ty == types::F64 {
        return wide::function(&mut m, name, x, y);
    }
    match name {
        "exp" => exp(&mut m, x),
        "log" => log(&mut m, x),
        "tanh" => tanh(&mut m, x),
        "erf" => erf(&mut m, x),
        "sin" => sin_cos(&mut m, x, Trig::Sin),
        "cos" => sin_cos(&mut m, x, Trig::Cos),
        "tan" => sin_cos(&mut m, x, Trig::Tan),
        "asin" => asin(&mut m, x),
        "acos" => acos(&mut m, x),
        "atan" => atan(&mut m, x),
        "sinh" => sinh_cosh(&mut m, x, true),
        "cosh" => sinh_cosh(&mut m, x, false),
        "asinh" => asinh(&mut m, x),
        "acosh" => acosh(&mut m, x),
        "atanh" => atanh(&mut m, x),
        _ => powf(&mut m, x, y, exp, log),
    }
}

/// The least f32 above `-150 ln 2`: below it `e^x <= 2^-150`, which rounds to +0.
const EXP_ZERO_BELOW: f64 = -103.972_076_416_015_62;

fn exp(m: &mut M<'_, '_>, x: Value) -> Value {
    // Arguments whose result rounds to zero give the zero by a select, not by a final scaling
    // that underflows: an underflowing multiply takes a slow microcode path on some CPUs (AMD
    // Zen 3), and softmax over attention-masked scores (-10000) has many such arguments.
    let zero = m.cmpc(FloatCC::LessThan, x, EXP_ZERO_BELOW);
    let xc = m.selc(zero, 0.0, x);
    let above = m.cmpc(FloatCC::GreaterThan, xc, 89.0);
    let xc = m.selc(above, 89.0, xc);
    let t = m.mulc(xc, consts::LOG2_E);
    let n = m.fb.ins().nearest(t);
    let a = m.mulc(n, 0.693359375);
    let r = m.sub(xc, a);
    let b = m.mulc(n, -2.12194440e-4);
    let r = m.sub(r, b);
    let z = m.mul(r, r);
    let p = m.poly(
        r,
        &[1.9875691500E-4, 1.3981999507E-3, 8.3334519073E-3, 4.1665795894E-2, 1.6666665459E-1, 5.0000001201E-1],
    );
    let p = m.mul(p, z);
    let p = m.add(p, r);
    let p = m.addc(p, 1.0);
    // Scale by 2^n in two steps so that subnormal results round once and 2^128 overflows.
    let ni = m.trunc_int(n);
    let n1 = m.shift(Shift::Arithmetic, ni, 1);
    let n2 = m.fb.ins().isub(ni, n1);
    let s1 = m.pow2(n1);
    let s2 = m.pow2(n2);
    let p = m.mul(p, s1);
    let p = m.mul(p, s2);
    m.selc(zero, 0.0, p)
}

fn log(m: &mut M<'_, '_>, x: Value) -> Value {
    let is_sub = m.cmpc(FloatCC::LessThan, x, f64::from(f32::MIN_POSITIVE));
    let scaled = m.mulc(x, 8388608.0);
    let xs = m.sel(is_sub, scaled, x);
    let bits = m.bits(xs);
    let e = m.shift(Shift::Logical, bits, 23);
    let e = m.bandc(e, 0xff);
    let e = m.iaddc(e, -126);
    let sub_adjust = m.ic(-23);
    let zero = m.ic(0);
    let adjust = m.sel(is_sub, sub_adjust, zero);
    let e = m.fb.ins().iadd(e, adjust);
    let mant_mask = m.ic(0x807f_ffff);
    let mb = m.fb.ins().band(bits, mant_mask);
    let half_exp = m.ic(0x3f00_0000);
    let mb = m.fb.ins().bor(mb, half_exp);
    let mant = m.float(mb);
    let small = m.cmpc(FloatCC::LessThan, mant, consts::FRAC_1_SQRT_2);
    let one = m.ic(1);
    let dec = m.sel(small, one, zero);
    let e = m.fb.ins().isub(e, dec);
    let doubled = m.add(mant, mant);
    let mant = m.sel(small, doubled, mant);
    let f = m.addc(mant, -1.0);
    let ef = m.int_float(e);
    let z = m.mul(f, f);
    let y = m.poly(
        f,
        &[
            7.0376836292E-2,
            -1.1514610310E-1,
            1.1676998740E-1,
            -1.2420140846E-1,
            1.4249322787E-1,
            -1.6668057665E-1,
            2.0000714765E-1,
            -2.4999993993E-1,
            3.3333331174E-1,
        ],
    );
    let y = m.mul(y, f);
    let y = m.mul(y, z);
    let lo = m.mulc(ef, -2.12194440e-4);
    let y = m.add(y, lo);
    let hz = m.mulc(z, 0.5);
    let y = m.sub(y, hz);
    let r = m.add(f, y);
    let hi = m.mulc(ef, 0.693359375);
    let r = m.add(r, hi);
    log_special_cases(m, x, r)
}

/// `r`, a logarithm of `x` for finite positive `x`, with ln's values elsewhere: -inf at 0, NaN below 0,
/// +inf at +inf, NaN for NaN.
fn log_special_cases(m: &mut M<'_, '_>, x: Value, r: Value) -> Value {
    let is_zero = m.cmpc(FloatCC::Equal, x, 0.0);
    let r = m.selc(is_zero, f64::NEG_INFINITY, r);
    let is_neg = m.cmpc(FloatCC::LessThan, x, 0.0);
    let r = m.selc(is_neg, f64::NAN, r);
    let is_inf = m.cmpc(FloatCC::Equal, x, f64::INFINITY);
    let r = m.selc(is_inf, f64::INFINITY, r);
    let is_nan = m.cmp(FloatCC::Unordered, x, x);
    m.sel(is_nan, x, r)
}

fn tanh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let z = m.mul(x, x);
    let small =
        m.series(x, z, &[-5.70498872745E-3, 2.06390887954E-2, -5.37397155531E-2, 1.33314422036E-1, -3.33332819422E-1]);
    let a2 = m.add(a, a);
    let e = exp(m, a2);
    let e1 = m.addc(e, 1.0);
    let two = m.c(2.0);
    let q = m.div(two, e1);
    let t = m.rsubc(1.0, q);
    let large = m.copysign(t, x);
    let is_small = m.cmpc(FloatCC::LessThan, a, 0.625);
    m.sel(is_small, small, large)
}

fn erf(m: &mut M<'_, '_>, x: Value) -> Value {
    let xc = m.clamp(x, -1.0, 1.0);
    let x2 = m.mul(xc, xc);
    let p = m.poly(
        x2,
        &[
            -2.72614225801306e-10,
            2.77068142495902e-08,
            -2.10102402082508e-06,
            -5.69250639462346e-05,
            -7.34990630326855e-04,
            -2.95459980854025e-03,
            -1.60960333262415e-02,
        ],
    );
    let q = m.poly(
        x2,
        &[
            -1.45660718464996e-05,
            -2.13374055278905e-04,
            -1.68282697438203e-03,
            -7.37332916720468e-03,
            -1.42647390514189e-02,
        ],
    );
    // x (P/Q) rather than (x P)/Q: one rounding for subnormal x.
    let pq = m.div(p, q);
    let small = m.mul(pq, xc);
    // |x| >= 1: erf = 1 - erfc(|x|), erfc from Numerical Recipes' Chebyshev fit (relative error
    // below 1.2e-7), so the result is accurate to a few ulp near ±1.
    let a = m.abs(x);
    let half_a = m.mulc(a, 0.5);
    let d = m.addc(half_a, 1.0);
    let one = m.c(1.0);
    let t = m.div(one, d);
    let p = m.poly(
        t,
        &[
            0.17087277,
            -0.82215223,
            1.48851587,
            -1.13520398,
            0.27886807,
            -0.18628806,
            0.09678418,
            0.37409196,
            1.00002368,
            -1.26551223,
        ],
    );
    let a2 = m.mul(a, a);
    let arg = m.sub(p, a2);
    let e = exp(m, arg);
    let erfc = m.mul(t, e);
    let large = m.rsubc(1.0, erfc);
    let large = m.copysign(large, x);
    let is_small = m.cmpc(FloatCC::LessThan, a, 1.0);
    m.sel(is_small, small, large)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Trig {
    Sin,
    Cos,
    Tan,
}

/// sin, cos and tan: `x = j π/2 + r` with a three-part π/2 (accurate for |x| ≤ 8192), then the
/// sine and cosine polynomials on `r ∈ [-π/4, π/4]` picked and signed by the quadrant.
fn sin_cos(m: &mut M<'_, '_>, x: Value, which: Trig) -> Value {
    let t = m.mulc(x, consts::FRAC_2_PI);
    let j = m.fb.ins().nearest(t);
    let mut r = x;
    for part in [1.5703125, 4.837_512_969_970_703e-4, 7.549_789_954_891_882e-8] {
        let p = m.mulc(j, part);
        r = m.sub(r, p);
    }
    let z = m.mul(r, r);
    let s = m.poly(z, &[-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1]);
    let s = m.mul(s, z);
    let s = m.mul(s, r);
    let s = m.add(s, r);
    let c = m.poly(z, &[2.443315711809948E-5, -1.388731625493765E-3, 4.166664568298827E-2]);
    let c = m.mul(c, z);
    let c = m.mul(c, z);
    let hz = m.mulc(z, 0.5);
    let c = m.sub(c, hz);
    let c = m.addc(c, 1.0);
    let q = m.trunc_int(j);
    let q = if which == Trig::Cos { m.iaddc(q, 1) } else { q };
    let one = m.ic(1);
    let low = m.fb.ins().band(q, one);
    let zero = m.ic(0);
    let odd = m.fb.ins().icmp(IntCC::NotEqual, low, zero);
    if which == Trig::Tan {
        let st = m.div(s, c);
        let ct = m.div(c, s);
        let ct = m.fb.ins().fneg(ct);
        return m.sel(odd, ct, st);
    }
    let v = m.sel(odd, c, s);
    // Quadrants 2 and 3 negate: move bit 1 of q to the sign bit.
    let two = m.ic(2);
    let neg = m.fb.ins().band(q, two);
    let neg = m.shift(Shift::Left, neg, 30);
    let vb = m.bits(v);
    let vb = m.fb.ins().bxor(vb, neg);
    m.float(vb)
}

/// The asin polynomial `w + w z P(z)` (|result| ≤ π/6 on its range).
fn asin_poly(m: &mut M<'_, '_>, z: Value, w: Value) -> Value {
    m.series(w, z, &[4.2163199048E-2, 2.4181311049E-2, 4.5470025998E-2, 7.4953002686E-2, 1.6666752422E-1])
}

/// For |x| > 0.5: `z = (1 - |x|) / 2` and `w = sqrt(z)`; else `z = x²`, `w = x`.
fn asin_args(m: &mut M<'_, '_>, x: Value) -> (Value, Value, Value) {
    let a = m.abs(x);
    let big = m.cmpc(FloatCC::GreaterThan, a, 0.5);
    let one_minus = m.rsubc(1.0, a);
    let zb = m.mulc(one_minus, 0.5);
    let zs = m.mul(x, x);
    let z = m.sel(big, zb, zs);
    let wb = m.sqrt(z);
    let w = m.sel(big, wb, x);
    (big, z, w)
}

fn asin(m: &mut M<'_, '_>, x: Value) -> Value {
    let (big, z, w) = asin_args(m, x);
    let p = asin_poly(m, z, w);
    let p2 = m.add(p, p);
    let pb = m.rsubc(consts::FRAC_PI_2, p2);
    let pb = m.copysign(pb, x);
    let r = m.sel(big, pb, p);
    out_of_unit_nan(m, x, r)
}

fn acos(m: &mut M<'_, '_>, x: Value) -> Value {
    let (big, z, w) = asin_args(m, x);
    let p = asin_poly(m, z, w);
    let p2 = m.add(p, p);
    let neg = m.cmpc(FloatCC::LessThan, x, 0.0);
    let from_pi = m.rsubc(consts::PI, p2);
    let far = m.sel(neg, from_pi, p2);
    let near = m.rsubc(consts::FRAC_PI_2, p);
    let r = m.sel(big, far, near);
    out_of_unit_nan(m, x, r)
}

/// NaN where |x| > 1.
fn out_of_unit_nan(m: &mut M<'_, '_>, x: Value, r: Value) -> Value {
    let a = m.abs(x);
    let out = m.cmpc(FloatCC::GreaterThan, a, 1.0);
    m.selc(out, f64::NAN, r)
}

fn atan(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let big = m.cmpc(FloatCC::GreaterThan, a, 2.414213562373095);
    let mid = m.cmpc(FloatCC::GreaterThan, a, 0.414_213_562_373_095);
    let minus_one = m.c(-1.0);
    let wb = m.div(minus_one, a);
    let am1 = m.addc(a, -1.0);
    let ap1 = m.addc(a, 1.0);
    let wm = m.div(am1, ap1);
    let w = m.sel(mid, wm, a);
    let w = m.sel(big, wb, w);
    let zero = m.c(0.0);
    let y0 = m.selc(mid, consts::FRAC_PI_4, zero);
    let y0 = m.selc(big, consts::FRAC_PI_2, y0);
    let z = m.mul(w, w);
    let y = m.poly(z, &[8.05374449538e-2, -1.38776856032E-1, 1.99777106478E-1, -3.33329491539E-1]);
    let y = m.mul(y, z);
    let y = m.mul(y, w);
    let y = m.add(y, w);
    let y = m.add(y, y0);
    m.copysign(y, x)
}

fn sinh_cosh(m: &mut M<'_, '_>, x: Value, sinh: bool) -> Value {
    let a = m.abs(x);
    let e = exp(m, a);
    let he = m.mulc(e, 0.5);
    let half = m.c(0.5);
    let inv = m.div(half, e);
    let mid = if sinh { m.sub(he, inv) } else { m.add(he, inv) };
    // Large |x|: exp(|x|/2)^2 / 2, so that results up to f32::MAX do not overflow early.
    let ha = m.mulc(a, 0.5);
    let h = exp(m, ha);
    let hh = m.mulc(h, 0.5);
    let big = m.mul(hh, h);
    let is_big = m.cmpc(FloatCC::GreaterThan, a, 9.0);
    let r = m.sel(is_big, big, mid);
    if !sinh {
        return r;
    }
    let r = m.copysign(r, x);
    let z = m.mul(x, x);
    let small = m.series(x, z, &[2.03721912945E-4, 8.33028376239E-3, 1.66667160211E-1]);
    let is_small = m.cmpc(FloatCC::LessThan, a, 1.0);
    m.sel(is_small, small, r)
}

fn asinh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let huge = m.cmpc(FloatCC::GreaterThan, a, 1500.0);
    let a2 = m.mul(a, a);
    let a2 = m.addc(a2, 1.0);
    let s = m.sqrt(a2);
    let arg = m.add(a, s);
    let arg = m.sel(huge, a, arg);
    let l = log(m, arg);
    let zero = m.c(0.0);
    let extra = m.selc(huge, consts::LN_2, zero);
    let l = m.add(l, extra);
    let large = m.copysign(l, x);
    let z = m.mul(x, x);
    let small = m.series(x, z, &[2.0122003309E-2, -4.2699340972E-2, 7.4847586088E-2, -1.6666288134E-1]);
    let is_small = m.cmpc(FloatCC::LessThan, a, 0.5);
    m.sel(is_small, small, large)
}

fn acosh(m: &mut M<'_, '_>, x: Value) -> Value {
    let z = m.addc(x, -1.0);
    let huge = m.cmpc(FloatCC::GreaterThan, x, 1500.0);
    let xp1 = m.addc(x, 1.0);
    let prod = m.mul(z, xp1);
    let s = m.sqrt(prod);
    let arg = m.add(x, s);
    let arg = m.sel(huge, x, arg);
    let l = log(m, arg);
    let zero = m.c(0.0);
    let extra = m.selc(huge, consts::LN_2, zero);
    let large = m.add(l, extra);
    let p = m.poly(z, &[1.7596881071E-3, -7.5272886713E-3, 2.6454905019E-2, -1.1784741703E-1, 1.4142135263E0]);
    let sz = m.sqrt(z);
    let small = m.mul(p, sz);
    let is_small = m.cmpc(FloatCC::LessThan, z, 0.5);
    let r = m.sel(is_small, small, large);
    let below = m.cmpc(FloatCC::LessThan, x, 1.0);
    m.selc(below, f64::NAN, r)
}

fn atanh(m: &mut M<'_, '_>, x: Value) -> Value {
    let a = m.abs(x);
    let num = m.addc(a, 1.0);
    let den = m.rsubc(1.0, a);
    let q = m.div(num, den);
    let l = log(m, q);
    let l = m.mulc(l, 0.5);
    let large = m.copysign(l, x);
    let z = m.mul(x, x);
    let small =
        m.series(x, z, &[1.81740078349E-1, 8.24370301058E-2, 1.46691431730E-1, 1.99782164500E-1, 3.33337300303E-1]);
    let is_small = m.cmpc(FloatCC::LessThan, a, 0.5);
    m.sel(is_small, small, large)
}

/// C `powf`: `|x|^y = exp(y log|x|)`, negated for negative x and odd integer y, with C's special
/// cases (`pow(x, ±0) = 1`, `pow(1, y) = 1`, `pow(-1, ±inf) = 1`, NaN for negative finite x and
/// non-integer y).
fn powf(m: &mut M<'_, '_>, x: Value, y: Value, exp: Unary, log: Unary) -> Value {
    let ax = m.abs(x);
    let l = log(m, ax);
    let yl = m.mul(y, l);
    let r = exp(m, yl);
    let yt = m.fb.ins().trunc(y);
    let y_int = m.cmp(FloatCC::Equal, yt, y);
    let hy = m.mulc(y, 0.5);
    let hyt = m.fb.ins().trunc(hy);
    let half_not_int = m.cmp(FloatCC::NotEqual, hyt, hy);
    let y_odd = emit::and_mask(m.fb, y_int, half_not_int);
    let neg_r = m.fb.ins().fneg(r);
    let xb = m.bits(x);
    let zero_i = m.ic(0);
    let x_signed = m.fb.ins().icmp(IntCC::SignedLessThan, xb, zero_i);
    let flip = emit::and_mask(m.fb, y_odd, x_signed);
    let r = m.sel(flip, neg_r, r);
    // Negative finite x with non-integer y: NaN.
    let x_neg = m.cmpc(FloatCC::LessThan, x, 0.0);
    let x_fin = m.cmpc(FloatCC::GreaterThan, x, f64::NEG_INFINITY);
    let y_frac = m.cmp(FloatCC::NotEqual, yt, y);
    let bad = emit::and_mask(m.fb, x_neg, x_fin);
    let bad = emit::and_mask(m.fb, bad, y_frac);
    let r = m.selc(bad, f64::NAN, r);
    // Results that are 1 whatever the other operand.
    let y_zero = m.cmpc(FloatCC::Equal, y, 0.0);
    let x_one = m.cmpc(FloatCC::Equal, x, 1.0);
    let ax_one = m.cmpc(FloatCC::Equal, ax, 1.0);
    let ay = m.abs(y);
    let y_inf = m.cmpc(FloatCC::Equal, ay, f64::INFINITY);
    let one_inf = emit::and_mask(m.fb, ax_one, y_inf);
    let ones = emit::or_mask(m.fb, y_zero, x_one);
    let ones = emit::or_mask(m.fb, ones, one_inf);
    m.selc(ones, 1.0, r)
}

/// `x fmod y` (C `fmod`, exact) for F32 or F64 scalars.
pub(crate) fn fmod(fb: &mut FunctionBuilder<'_>, x: Value, y: Value) -> Value {
    let ty = fb.func.dfg.value_type(x);
    let (ity, mant, bias) = if ty == types::F64 { (types::I64, 52, 1023) } else { (types::I32, 23, 127) };
    let ax = fb.ins().fabs(x);
    let ay = fb.ins().fabs(y);
    let zero = fconst(fb, ty, 0.0);
    let inf = fconst(fb, ty, f64::INFINITY);
    let y_zero = fb.ins().fcmp(FloatCC::Equal, ay, zero);
    let any_nan = fb.ins().fcmp(FloatCC::Unordered, x, y);
    let x_inf = fb.ins().fcmp(FloatCC::Equal, ax, inf);
    let nan_case = fb.ins().bor(y_zero, any_nan);
    let nan_case = fb.ins().bor(nan_case, x_inf);
    let small = fb.ins().fcmp(FloatCC::LessThan, ax, ay);
    let nan = fconst(fb, ty, f64::NAN);
    let early_value = fb.ins().select(nan_case, nan, x);
    let early = fb.ins().bor(nan_case, small);

    let head = fb.create_block();
    fb.append_block_param(head, ty);
    let step = fb.create_block();
    let done = fb.create_block();
    fb.append_block_param(done, ty);
    fb.ins().brif(early, done, &[BlockArg::Value(early_value)], head, &[BlockArg::Value(ax)]);

    fb.switch_to_block(head);
    let r = fb.block_params(head)[0];
    let more = fb.ins().fcmp(FloatCC::GreaterThanOrEqual, r, ay);
    let result = fb.ins().fcopysign(r, x);
    fb.ins().brif(more, step, &[], done, &[BlockArg::Value(result)]);

    // r ≥ |y|: subtract t = |y| 2^d with t ≤ r < 2t, exactly.
    fb.switch_to_block(step);
    let d = {
        let er = ilogb(fb, r, ity, mant, bias);
        let ey = ilogb(fb, ay, ity, mant, bias);
        fb.ins().isub(er, ey)
    };
    let mut t = ay;
    let mut rest = d;
    for _ in 0..3 {
        let cap = fb.ins().iconst(ity, bias);
        let k = fb.ins().umin(rest, cap);
        let biased = fb.ins().iadd_imm_s(k, bias);
        let pbits = fb.ins().ishl_imm_s(biased, mant);
        let p = bitcast(fb, ty, pbits);
        t = fb.ins().fmul(t, p);
        rest = fb.ins().isub(rest, k);
    }
    let too_big = fb.ins().fcmp(FloatCC::GreaterThan, t, r);
    let half = fconst(fb, ty, 0.5);
    let halved = fb.ins().fmul(t, half);
    let t = fb.ins().select(too_big, halved, t);
    let next = fb.ins().fsub(r, t);
    fb.ins().jump(head, &[BlockArg::Value(next)]);

    fb.switch_to_block(done);
    fb.block_params(done)[0]
}

/// The unbiased exponent of a positive finite nonzero float (subnormals included).
fn ilogb(fb: &mut FunctionBuilder<'_>, v: Value, ity: ir::Type, mant: i64, bias: i64) -> Value {
    let bits = bitcast(fb, ity, v);
    let e = fb.ins().ushr_imm_s(bits, mant);
    let normal = fb.ins().iadd_imm_s(e, -bias);
    let lz = fb.ins().clz(bits);
    let width = i64::from(ity.bits());
    let top = fb.ins().iconst(ity, width - 1);
    let sub = fb.ins().isub(top, lz);
    let sub = fb.ins().iadd_imm_s(sub, -(bias + mant - 1));
    let is_sub = fb.ins().icmp_imm_s(IntCC::Equal, e, 0);
    fb.ins().select(is_sub, sub, normal)
}
