//! Accuracy of the inline f32 math functions against Rust's f64 functions, on dense sweeps,
//! through both the 4-lane vector loop and the scalar loop (one generic implementation, so both
//! must also agree bit for bit), and of the f64 ones (`f64_functions`) against Rust's f64
//! functions (made accurate where std's are not). Each function states its bound: an error is accepted if it is
//! within `ulps` units in the last place of the f32 result, or within `abs` absolutely (for
//! results near a zero of the function, where relative error is meaningless).

mod common;

use common::*;
use msc_cranelift::parse_target;
use msc_ir::{ElementType, MemRefType};
use msc_kernel::math;

struct Bound {
    ulps: f64,
    abs: f64,
}

/// Units in the last place of an f32 at `v` (subnormal spacing below the normal range).
fn ulp32(v: f64) -> f64 {
    let e = if v == 0.0 { -126 } else { (v.abs().log2().floor() as i32).clamp(-126, 127) };
    2f64.powi(e - 23)
}

fn linear(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64).collect()
}

/// `n` points spread logarithmically over `[lo, hi]` (both > 0), with both signs if `signed`.
fn logarithmic(lo: f64, hi: f64, n: usize, signed: bool) -> Vec<f64> {
    let (a, b) = (lo.ln(), hi.ln());
    let mut v: Vec<f64> = (0..n).map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp()).collect();
    if signed {
        let neg: Vec<f64> = v.iter().map(|x| -x).collect();
        v.extend(neg);
    }
    v
}

/// Runs `def` on `xs` (and `ys`) through the JIT, vectorized and not; returns both results.
fn run(def: &'static msc_ir::OpDef, xs: &[f32], ys: Option<&[f32]>) -> (Vec<f32>, Vec<f32>) {
    let (mut ctx, module) = module();
    let n = xs.len() as u64;
    let ty = MemRefType::new(vec![n], ElementType::F32);
    let mut buffers = vec![ty.clone(), ty.clone()];
    if ys.is_some() {
        buffers.push(ty);
    }
    kernel(&mut ctx, module, "f", &buffers, |kb, k| {
        let bufs = k.buffers.clone();
        kb.for_range(k.begin, k.end, |kb, i| {
            let x = kb.load(bufs[0], &[i]);
            let r = if bufs.len() == 3 {
                let y = kb.load(bufs[1], &[i]);
                kb.op(def, &[x, y])
            } else {
                kb.op(def, &[x])
            };
            kb.store(r, *bufs.last().unwrap(), &[i]);
        });
    });
    let mut outputs = Vec::new();
    for vectorize in [true, false] {
        let mut target = parse_target("host").unwrap();
        target.vectorize = vectorize;
        let jit = Jit::new(&ctx, module, &target);
        assert_eq!(jit.compiled.kernels[0].vectorized_loops, u32::from(vectorize));
        let mut bufs: Vec<Vec<u8>> = vec![xs.iter().flat_map(|x| x.to_le_bytes()).collect()];
        if let Some(ys) = ys {
            bufs.push(ys.iter().flat_map(|y| y.to_le_bytes()).collect());
        }
        bufs.push(vec![0; xs.len() * 4]);
        jit.run("f", &mut bufs, 0, xs.len() as i64);
        outputs.push(bufs.last().unwrap().chunks(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect());
    }
    let scalar = outputs.pop().unwrap();
    (outputs.pop().unwrap(), scalar)
}

/// Checks `def` against `reference` on `xs` within `bound`; returns the max error in ulps.
fn check(name: &str, def: &'static msc_ir::OpDef, reference: fn(f64) -> f64, xs: &[f64], bound: Bound) -> f64 {
    let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    let (vector, scalar) = run(def, &xs32, None);
    let mut worst = 0.0f64;
    for (i, &x) in xs32.iter().enumerate() {
        assert!(
            vector[i].to_bits() == scalar[i].to_bits() || (vector[i].is_nan() && scalar[i].is_nan()),
            "{name}({x:e}): vector {:e} != scalar {:e}",
            vector[i],
            scalar[i]
        );
        let want = reference(x as f64);
        let got = vector[i] as f64;
        if want.is_nan() || got.is_nan() {
            assert!(want.is_nan() && got.is_nan(), "{name}({x:e}) = {got:e}, want {want:e}");
            continue;
        }
        let want32 = want as f32 as f64;
        if want32.is_infinite() || got.is_infinite() {
            assert_eq!(got, want32, "{name}({x:e})");
            continue;
        }
        let err = (got - want).abs();
        let ulps = err / ulp32(want);
        assert!(
            ulps <= bound.ulps || err <= bound.abs,
            "{name}({x:e}) = {got:e}, want {want:e}: {ulps:.2} ulp, {err:e} absolute (bound {} ulp or {:e})",
            bound.ulps,
            bound.abs
        );
        if err > bound.abs {
            worst = worst.max(ulps);
        }
    }
    eprintln!("{name}: max {worst:.2} ulp outside the absolute bound over {} points", xs.len());
    worst
}

const SPECIALS: [f64; 9] = [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1.0, -1.0, 1e-40, -1e-40];

fn with_specials(mut v: Vec<f64>) -> Vec<f64> {
    v.extend(SPECIALS);
    v
}

#[test]
fn exp_within_3_ulp() {
    // Below about -103.97 the result rounds to zero (taken by a select): every f32 around that
    // threshold, and arguments far below it such as softmax's masked scores.
    let underflow = [linear(-104.5, -103.5, 200_000), linear(-1e5, -104.5, 20_000)].concat();
    let xs = with_specials([linear(-104.0, 89.0, 400_000), linear(-1.0, 1.0, 100_000), underflow].concat());
    check("exp", &math::EXP, f64::exp, &xs, Bound { ulps: 3.0, abs: 0.0 });
}

#[test]
fn log_within_3_ulp() {
    let xs =
        with_specials([logarithmic(1e-45, 3e38, 400_000, false), linear(0.5, 2.0, 100_000), vec![-1.0, -5.0]].concat());
    check("log", &math::LOG, f64::ln, &xs, Bound { ulps: 3.0, abs: 0.0 });
}

#[test]
fn hyperbolic_functions() {
    let xs = with_specials([linear(-12.0, 12.0, 200_000), logarithmic(1e-30, 10.0, 50_000, true)].concat());
    check("tanh", &math::TANH, f64::tanh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs = with_specials([linear(-89.5, 89.5, 200_000), logarithmic(1e-30, 10.0, 50_000, true)].concat());
    check("sinh", &math::SINH, f64::sinh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    check("cosh", &math::COSH, f64::cosh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs = with_specials(logarithmic(1e-30, 3e38, 200_000, true));
    check("asinh", &math::ASINH, f64::asinh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs =
        with_specials([logarithmic(1.0, 3e38, 200_000, false), linear(1.0, 2.0, 50_000), vec![0.5, -3.0]].concat());
    check("acosh", &math::ACOSH, f64::acosh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs =
        with_specials([linear(-1.0, 1.0, 200_000), logarithmic(1e-30, 1.0, 50_000, true), vec![1.5, -2.0]].concat());
    check("atanh", &math::ATANH, f64::atanh, &xs, Bound { ulps: 4.0, abs: 0.0 });
}

#[test]
fn erf_within_4_ulp() {
    let xs = with_specials([linear(-8.0, 8.0, 400_000), logarithmic(1e-30, 1.0, 50_000, true)].concat());
    check("erf", &math::ERF, msc_nn_kernels::unary::erf, &xs, Bound { ulps: 4.0, abs: 0.0 });
}

#[test]
fn trigonometric_functions() {
    // |x| <= 8192: within 4 ulp, or 1e-7 absolutely near zeros of the function.
    let xs = with_specials(
        [linear(-8192.0, 8192.0, 400_000), linear(-7.0, 7.0, 100_000), logarithmic(1e-30, 1.0, 20_000, true)].concat(),
    );
    check("sin", &math::SIN, f64::sin, &xs, Bound { ulps: 4.0, abs: 1e-7 });
    check("cos", &math::COS, f64::cos, &xs, Bound { ulps: 4.0, abs: 1e-7 });
    let xs = with_specials([linear(-100.0, 100.0, 400_000), logarithmic(1e-30, 1.0, 20_000, true)].concat());
    check("tan", &math::TAN, f64::tan, &xs, Bound { ulps: 6.0, abs: 1e-7 });
    let xs =
        with_specials([linear(-1.0, 1.0, 200_000), logarithmic(1e-30, 1.0, 20_000, true), vec![1.5, -1.5]].concat());
    check("asin", &math::ASIN, f64::asin, &xs, Bound { ulps: 4.0, abs: 0.0 });
    check("acos", &math::ACOS, f64::acos, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs = with_specials([linear(-20.0, 20.0, 200_000), logarithmic(1e-30, 3e38, 100_000, true)].concat());
    check("atan", &math::ATAN, f64::atan, &xs, Bound { ulps: 4.0, abs: 0.0 });
}

#[test]
fn rsqrt_within_1_5_ulp() {
    let xs = with_specials(logarithmic(1e-45, 3e38, 200_000, false));
    check("rsqrt", &math::RSQRT, |x| 1.0 / x.sqrt(), &xs, Bound { ulps: 1.5, abs: 0.0 });
}

#[test]
fn powf_accuracy_and_special_cases() {
    // Relative error bound: (2 + 2 |y ln x|) ulp, for results in the normal range.
    let mut rng = Rng(12345);
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for _ in 0..200_000 {
        let x = rng.f64_in(-7.0, 7.0).exp() as f32;
        let y = rng.f64_in(-12.0, 12.0) as f32;
        xs.push(x);
        ys.push(y);
    }
    let specials =
        [0.0f32, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 2.5, f32::INFINITY, f32::NEG_INFINITY, f32::NAN];
    for &x in &specials {
        for &y in &specials {
            xs.push(x);
            ys.push(y);
        }
    }
    let (vector, scalar) = run(&math::POWF, &xs, Some(&ys));
    for i in 0..xs.len() {
        let (x, y) = (xs[i] as f64, ys[i] as f64);
        let want = x.powf(y);
        let got = vector[i] as f64;
        assert!(vector[i].to_bits() == scalar[i].to_bits() || (vector[i].is_nan() && scalar[i].is_nan()));
        if want.is_nan() || got.is_nan() {
            assert!(want.is_nan() && got.is_nan(), "powf({x:e}, {y:e}) = {got:e}, want {want:e}");
            continue;
        }
        let want32 = want as f32 as f64;
        if got == want32 {
            continue;
        }
        if want32.is_infinite() || want32 == 0.0 || got.is_infinite() || got == 0.0 {
            assert_eq!(got, want32, "powf({x:e}, {y:e})");
            continue;
        }
        if want.abs() < f64::from(f32::MIN_POSITIVE) {
            continue;
        }
        let ulps = (got - want).abs() / ulp32(want);
        let bound = 2.0 + 2.0 * (y * x.abs().ln()).abs();
        assert!(ulps <= bound, "powf({x:e}, {y:e}) = {got:e}, want {want:e}: {ulps:.2} ulp > {bound:.2}");
    }
}

/// Units in the last place of an f64 at `v`.
fn ulp64(v: f64) -> f64 {
    let e = if v == 0.0 { -1022 } else { (v.abs().log2().floor() as i32).clamp(-1022, 1023) } - 52;
    if e < -1022 { f64::from_bits(1u64 << (e + 1074)) } else { f64::from_bits(((e + 1023) as u64) << 52) }
}

/// Runs `def` on f64 `xs` (and `ys`) through the JIT (f64 stays scalar).
fn run64(def: &'static msc_ir::OpDef, xs: &[f64], ys: Option<&[f64]>) -> Vec<f64> {
    let (mut ctx, module) = module();
    let ty = MemRefType::new(vec![xs.len() as u64], ElementType::F64);
    let mut buffers = vec![ty.clone(), ty.clone()];
    if ys.is_some() {
        buffers.push(ty);
    }
    kernel(&mut ctx, module, "f", &buffers, |kb, k| {
        let bufs = k.buffers.clone();
        kb.for_range(k.begin, k.end, |kb, i| {
            let x = kb.load(bufs[0], &[i]);
            let r = if bufs.len() == 3 {
                let y = kb.load(bufs[1], &[i]);
                kb.op(def, &[x, y])
            } else {
                kb.op(def, &[x])
            };
            kb.store(r, *bufs.last().unwrap(), &[i]);
        });
    });
    let jit = Jit::host(&ctx, module);
    let mut bufs: Vec<Vec<u8>> = vec![xs.iter().flat_map(|x| x.to_le_bytes()).collect()];
    if let Some(ys) = ys {
        bufs.push(ys.iter().flat_map(|y| y.to_le_bytes()).collect());
    }
    bufs.push(vec![0; xs.len() * 8]);
    jit.run("f", &mut bufs, 0, xs.len() as i64);
    bufs.last().unwrap().chunks(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect()
}

/// Checks the f64 expansion of `def` against `reference` on `xs` within `bound` (in f64 ulps).
fn check64(name: &str, def: &'static msc_ir::OpDef, reference: fn(f64) -> f64, xs: &[f64], bound: Bound) {
    let got = run64(def, xs, None);
    let mut worst = 0.0f64;
    for (&x, &g) in xs.iter().zip(&got) {
        let want = reference(x);
        if want.is_nan() || g.is_nan() {
            assert!(want.is_nan() && g.is_nan(), "{name}({x:e}) = {g:e}, want {want:e}");
            continue;
        }
        if want.is_infinite() || g.is_infinite() {
            assert_eq!(g, want, "{name}({x:e})");
            continue;
        }
        let err = (g - want).abs();
        let ulps = err / ulp64(want);
        assert!(
            ulps <= bound.ulps || err <= bound.abs,
            "{name}({x:e}) = {g:e}, want {want:e}: {ulps:.2} ulp, {err:e} absolute (bound {} ulp or {:e})",
            bound.ulps,
            bound.abs
        );
        if err > bound.abs {
            worst = worst.max(ulps);
        }
    }
    eprintln!("{name} (f64): max {worst:.2} ulp outside the absolute bound over {} points", xs.len());
}

/// f64 bounds (measured maxima in brackets): exp [1], log [1] 2 ulp; tanh [2], atanh [2], atan
/// [2] 3 ulp; sinh, cosh, asinh, asin, acos [3] and acosh [2] 4 ulp; sin, cos [2] 3 ulp or 2e-16
/// absolutely for |x| <= 1e6; tan [3] 5 ulp; erf [4] 5 ulp from the interpreter's series.
#[test]
fn f64_functions() {
    let xs = with_specials([linear(-746.0, 710.0, 200_000), linear(-1.0, 1.0, 50_000)].concat());
    check64("exp", &math::EXP, f64::exp, &xs, Bound { ulps: 2.0, abs: 0.0 });
    let xs = with_specials([logarithmic(5e-324, 1.7e308, 200_000, false), linear(0.5, 2.0, 50_000)].concat());
    check64("log", &math::LOG, f64::ln, &xs, Bound { ulps: 2.0, abs: 0.0 });
    let xs = with_specials([linear(-30.0, 30.0, 100_000), logarithmic(1e-300, 30.0, 50_000, true)].concat());
    check64("tanh", &math::TANH, f64::tanh, &xs, Bound { ulps: 3.0, abs: 0.0 });
    let xs = with_specials([linear(-710.0, 710.0, 100_000), logarithmic(1e-300, 30.0, 50_000, true)].concat());
    check64("sinh", &math::SINH, f64::sinh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    check64("cosh", &math::COSH, f64::cosh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs = with_specials(logarithmic(1e-300, 1e300, 100_000, true));
    check64("asinh", &math::ASINH, f64::asinh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs = with_specials([logarithmic(1.0, 1e300, 100_000, false), linear(1.0, 3.0, 50_000)].concat());
    // std's acosh loses accuracy just above 1 (ln of 1 + small); the reference uses ln_1p there.
    let acosh =
        |x: f64| if x < 2.0 { (x - 1.0 + (2.0 * (x - 1.0) + (x - 1.0) * (x - 1.0)).sqrt()).ln_1p() } else { x.acosh() };
    check64("acosh", &math::ACOSH, acosh, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs = with_specials([linear(-1.0, 1.0, 100_000), logarithmic(1e-300, 1.0, 50_000, true)].concat());
    // std's atanh is accurate for x > 0 only (its formula cancels for x near -1).
    check64("atanh", &math::ATANH, |x| x.abs().atanh().copysign(x), &xs, Bound { ulps: 3.0, abs: 0.0 });
    check64("asin", &math::ASIN, f64::asin, &xs, Bound { ulps: 4.0, abs: 0.0 });
    check64("acos", &math::ACOS, f64::acos, &xs, Bound { ulps: 4.0, abs: 0.0 });
    let xs = with_specials([linear(-30.0, 30.0, 100_000), logarithmic(1e-300, 1e300, 100_000, true)].concat());
    check64("atan", &math::ATAN, f64::atan, &xs, Bound { ulps: 3.0, abs: 0.0 });
    let xs = with_specials(
        [linear(-1e6, 1e6, 200_000), linear(-7.0, 7.0, 50_000), logarithmic(1e-300, 1.0, 20_000, true)].concat(),
    );
    check64("sin", &math::SIN, f64::sin, &xs, Bound { ulps: 3.0, abs: 2e-16 });
    check64("cos", &math::COS, f64::cos, &xs, Bound { ulps: 3.0, abs: 2e-16 });
    let xs = with_specials([linear(-100.0, 100.0, 200_000), logarithmic(1e-300, 1.0, 20_000, true)].concat());
    check64("tan", &math::TAN, f64::tan, &xs, Bound { ulps: 5.0, abs: 2e-16 });
    let xs = with_specials([linear(-7.0, 7.0, 100_000), logarithmic(1e-300, 1.0, 20_000, true)].concat());
    check64("erf", &math::ERF, msc_nn_kernels::unary::erf, &xs, Bound { ulps: 5.0, abs: 0.0 });
}
