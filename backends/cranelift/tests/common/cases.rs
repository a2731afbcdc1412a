//! The op-coverage cases shared by `tests/ops.rs` (host JIT) and `tests/aot.rs` (aarch64 under
//! qemu): one elementwise kernel per (op, element type), its inputs and how to check its output.

use super::*;
use msc_ir::{ElementType, MemRefType, Type, Value};
use msc_kernel::{KernelBuilder, arith, math};

pub const N: usize = 96;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Check {
    Exact,
    /// Within this many units in the last place of the output type.
    Ulps(f64),
    /// Within this many ulps, or this absolute error (results near zeros of the function).
    UlpsOrAbs(f64, f64),
}

pub type Body = Box<dyn Fn(&mut KernelBuilder<'_>, &[Value]) -> Value>;

pub struct Case {
    pub name: String,
    pub inputs: Vec<ElementType>,
    pub output: ElementType,
    pub check: Check,
    pub body: Body,
}

fn case(name: String, inputs: Vec<ElementType>, output: ElementType, check: Check, body: Body) -> Case {
    Case { name, inputs, output, check, body }
}

use ElementType::*;

const FLOATS: [ElementType; 4] = [F32, F64, F16, BF16];
const INTS: [ElementType; 6] = [I8, U8, I16, I32, I64, Bool];

fn name(t: ElementType) -> &'static str {
    t.mnemonic()
}

pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for t in FLOATS {
        let binary: [(&str, &'static msc_ir::OpDef); 7] = [
            ("addf", &arith::ADDF),
            ("subf", &arith::SUBF),
            ("mulf", &arith::MULF),
            ("divf", &arith::DIVF),
            ("remf", &arith::REMF),
            ("maximumf", &arith::MAXIMUMF),
            ("minimumf", &arith::MINIMUMF),
        ];
        for (n, def) in binary {
            out.push(case(
                format!("{n}_{}", name(t)),
                vec![t, t],
                t,
                Check::Exact,
                Box::new(move |kb, a| kb.op(def, a)),
            ));
        }
        let unary: [(&str, &'static msc_ir::OpDef); 8] = [
            ("negf", &arith::NEGF),
            ("absf", &math::ABSF),
            ("sqrt", &math::SQRT),
            ("floor", &math::FLOOR),
            ("ceil", &math::CEIL),
            ("roundeven", &math::ROUNDEVEN),
            ("trunc", &math::TRUNC),
            ("rsqrt", &math::RSQRT),
        ];
        for (n, def) in unary {
            let check = if n == "rsqrt" { Check::Ulps(1.0) } else { Check::Exact };
            out.push(case(format!("{n}_{}", name(t)), vec![t], t, check, Box::new(move |kb, a| kb.op(def, &a[..1]))));
        }
        out.push(case(
            format!("fma_{}", name(t)),
            vec![t, t, t],
            t,
            Check::Ulps(1.0),
            Box::new(|kb, a| kb.op(&math::FMA, a)),
        ));
        out.push(case(
            format!("const_{}", name(t)),
            vec![t],
            t,
            Check::Exact,
            Box::new(move |kb, a| {
                let c = kb.constant(1.3, t);
                kb.op(&arith::MULF, &[a[0], c])
            }),
        ));
        for p in msc_kernel::arith::CMPF_PREDICATES {
            out.push(case(
                format!("cmpf_{p}_{}", name(t)),
                vec![t, t],
                Bool,
                Check::Exact,
                Box::new(move |kb, a| cmp_op(kb, &arith::CMPF, p, a[0], a[1])),
            ));
        }
        for p in msc_kernel::arith::CMPF_PREDICATES {
            // f32 buffers in and out: the vectorizer takes these, with vector compares.
            out.push(case(
                format!("cmpf_select_{p}_{}", name(t)),
                vec![t, t],
                t,
                Check::Exact,
                Box::new(move |kb, a| {
                    let c = cmp_op(kb, &arith::CMPF, p, a[0], a[1]);
                    kb.select(c, a[0], a[1])
                }),
            ));
        }
        out.push(case(
            format!("select_{}", name(t)),
            vec![t, t],
            t,
            Check::Exact,
            Box::new(|kb, a| {
                let c = cmp_op(kb, &arith::CMPF, "olt", a[0], a[1]);
                kb.select(c, a[0], a[1])
            }),
        ));
        {
            for (n, def) in transcendental() {
                let arity = if n == "powf" { 2 } else { 1 };
                // f32 and f64: the bounds `tests/math.rs` establishes (powf: |y ln x| <= 89, or
                // 710, for finite results); f16/bf16 are computed in f32, then rounded: within one
                // of their ulps.
                let check = match (t, n) {
                    (F32, "exp" | "log") => Check::Ulps(3.0),
                    (F32, "sin" | "cos") => Check::UlpsOrAbs(4.0, 1e-7),
                    (F32, "tan") => Check::UlpsOrAbs(6.0, 1e-7),
                    (F32, "powf") => Check::Ulps(2.0 + 2.0 * 89.0),
                    (F32, _) => Check::Ulps(4.0),
                    // std's acosh near 1 and atanh near -1 (the interpreter's) are less accurate
                    // than the expansions: compare absolutely there.
                    (F64, "powf") => Check::Ulps(2.0 + 2.0 * 710.0),
                    (F64, _) => Check::UlpsOrAbs(8.0, 1e-12),
                    _ => Check::Ulps(1.0),
                };
                out.push(case(
                    format!("{n}_{}", name(t)),
                    vec![t; arity],
                    t,
                    check,
                    Box::new(move |kb, a| kb.op(def, &a[..arity])),
                ));
            }
        }
        for to in FLOATS {
            if to == t {
                continue;
            }
            let def = if to.size() > t.size() { &arith::EXTF } else { &arith::TRUNCF };
            if to.size() == t.size() {
                // f16 <-> bf16 through f32, as KernelBuilder::cast does.
                out.push(case(
                    format!("cast_{}_{}", name(t), name(to)),
                    vec![t],
                    to,
                    Check::Exact,
                    Box::new(move |kb, a| kb.cast(a[0], to)),
                ));
                continue;
            }
            out.push(case(
                format!("{}_{}_{}", if to.size() > t.size() { "extf" } else { "truncf" }, name(t), name(to)),
                vec![t],
                to,
                Check::Exact,
                Box::new(move |kb, a| kb.op_to(def, &a[..1], Type::Element(to))),
            ));
        }
        for to in INTS {
            for (n, def) in [("fptosi", &arith::FPTOSI), ("fptoui", &arith::FPTOUI)] {
                out.push(case(
                    format!("{n}_{}_{}", name(t), name(to)),
                    vec![t],
                    to,
                    Check::Exact,
                    Box::new(move |kb, a| kb.op_to(def, &a[..1], Type::Element(to))),
                ));
            }
        }
        out.push(case(
            format!("fptosi_index_{}", name(t)),
            vec![t],
            I64,
            Check::Exact,
            Box::new(|kb, a| {
                let i = kb.op_to(&arith::FPTOSI, &a[..1], Type::Index);
                kb.op_to(&arith::INDEX_CAST, &[i], Type::Element(I64))
            }),
        ));
        let same_width_int = match t {
            F32 => I32,
            F64 => I64,
            _ => I16,
        };
        out.push(case(
            format!("bitcast_{}", name(t)),
            vec![t],
            same_width_int,
            Check::Exact,
            Box::new(move |kb, a| kb.op_to(&arith::BITCAST, &a[..1], Type::Element(same_width_int))),
        ));
        out.push(case(
            format!("bitcast_back_{}", name(t)),
            vec![same_width_int],
            t,
            Check::Exact,
            Box::new(move |kb, a| kb.op_to(&arith::BITCAST, &a[..1], Type::Element(t))),
        ));
    }
    out.push(case(
        "bitcast_f16_bf16".into(),
        vec![F16],
        BF16,
        Check::Exact,
        Box::new(|kb, a| kb.op_to(&arith::BITCAST, &a[..1], Type::Element(BF16))),
    ));
    for t in INTS {
        let binary: [(&str, &'static msc_ir::OpDef); 17] = [
            ("addi", &arith::ADDI),
            ("subi", &arith::SUBI),
            ("muli", &arith::MULI),
            ("divsi", &arith::DIVSI),
            ("divui", &arith::DIVUI),
            ("remsi", &arith::REMSI),
            ("remui", &arith::REMUI),
            ("maxsi", &arith::MAXSI),
            ("minsi", &arith::MINSI),
            ("maxui", &arith::MAXUI),
            ("minui", &arith::MINUI),
            ("andi", &arith::ANDI),
            ("ori", &arith::ORI),
            ("xori", &arith::XORI),
            ("shli", &arith::SHLI),
            ("shrsi", &arith::SHRSI),
            ("shrui", &arith::SHRUI),
        ];
        for (n, def) in binary {
            out.push(case(
                format!("{n}_{}", name(t)),
                vec![t, t],
                t,
                Check::Exact,
                Box::new(move |kb, a| kb.op(def, a)),
            ));
        }
        out.push(case(
            format!("absi_{}", name(t)),
            vec![t],
            t,
            Check::Exact,
            Box::new(|kb, a| kb.op(&math::ABSI, &a[..1])),
        ));
        out.push(case(
            format!("const_{}", name(t)),
            vec![t],
            t,
            Check::Exact,
            Box::new(move |kb, a| {
                let c = kb.int(-3, t);
                kb.op(&arith::XORI, &[a[0], c])
            }),
        ));
        for p in msc_kernel::arith::CMPI_PREDICATES {
            out.push(case(
                format!("cmpi_{p}_{}", name(t)),
                vec![t, t],
                Bool,
                Check::Exact,
                Box::new(move |kb, a| cmp_op(kb, &arith::CMPI, p, a[0], a[1])),
            ));
        }
        for p in msc_kernel::arith::CMPI_PREDICATES {
            out.push(case(
                format!("cmpi_select_{p}_{}", name(t)),
                vec![t, t],
                t,
                Check::Exact,
                Box::new(move |kb, a| {
                    let c = cmp_op(kb, &arith::CMPI, p, a[0], a[1]);
                    let d = kb.op(&arith::XORI, &[a[0], a[1]]);
                    kb.select(c, d, a[1])
                }),
            ));
        }
        out.push(case(
            format!("select_{}", name(t)),
            vec![Bool, t, t],
            t,
            Check::Exact,
            Box::new(|kb, a| kb.select(a[0], a[1], a[2])),
        ));
        for to in INTS {
            if to.size() > t.size() && to != Bool {
                for (n, def) in [("extsi", &arith::EXTSI), ("extui", &arith::EXTUI)] {
                    out.push(case(
                        format!("{n}_{}_{}", name(t), name(to)),
                        vec![t],
                        to,
                        Check::Exact,
                        Box::new(move |kb, a| kb.op_to(def, &a[..1], Type::Element(to))),
                    ));
                }
            }
            if to.size() < t.size() || (to == Bool && t != Bool) {
                out.push(case(
                    format!("trunci_{}_{}", name(t), name(to)),
                    vec![t],
                    to,
                    Check::Exact,
                    Box::new(move |kb, a| kb.op_to(&arith::TRUNCI, &a[..1], Type::Element(to))),
                ));
            }
            if to.size() == t.size() && to != t {
                out.push(case(
                    format!("bitcast_{}_{}", name(t), name(to)),
                    vec![t],
                    to,
                    Check::Exact,
                    Box::new(move |kb, a| kb.op_to(&arith::BITCAST, &a[..1], Type::Element(to))),
                ));
            }
        }
        out.push(case(
            format!("index_cast_{}", name(t)),
            vec![t, t],
            t,
            Check::Exact,
            Box::new(move |kb, a| {
                let i = kb.op_to(&arith::INDEX_CAST, &a[..1], Type::Index);
                let j = kb.op_to(&arith::INDEX_CAST, &a[1..2], Type::Index);
                let s = kb.op(&arith::SUBI, &[i, j]);
                kb.op_to(&arith::INDEX_CAST, &[s], Type::Element(t))
            }),
        ));
        for to in FLOATS {
            for (n, def) in [("sitofp", &arith::SITOFP), ("uitofp", &arith::UITOFP)] {
                out.push(case(
                    format!("{n}_{}_{}", name(t), name(to)),
                    vec![t],
                    to,
                    Check::Exact,
                    Box::new(move |kb, a| kb.op_to(def, &a[..1], Type::Element(to))),
                ));
            }
        }
    }
    out
}

fn transcendental() -> Vec<(&'static str, &'static msc_ir::OpDef)> {
    vec![
        ("exp", &math::EXP),
        ("log", &math::LOG),
        ("tanh", &math::TANH),
        ("erf", &math::ERF),
        ("sin", &math::SIN),
        ("cos", &math::COS),
        ("tan", &math::TAN),
        ("asin", &math::ASIN),
        ("acos", &math::ACOS),
        ("atan", &math::ATAN),
        ("sinh", &math::SINH),
        ("cosh", &math::COSH),
        ("asinh", &math::ASINH),
        ("acosh", &math::ACOSH),
        ("atanh", &math::ATANH),
        ("powf", &math::POWF),
    ]
}

/// Input values of type `t`: special values then pseudo-random ones.
fn inputs(t: ElementType, rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if t.is_float() {
        let specials = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -2.5,
            3.0,
            2.5,
            1e-3,
            -7.75,
            65504.0,
            1e30,
            -1e30,
            1e-40,
            6e-8,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123456.7,
            1.5,
            4.0,
            0.25,
            -0.75,
            0.999,
            1e-5,
            300.0,
            -40000.0,
        ];
        let mut values: Vec<f64> = specials.to_vec();
        while values.len() < N {
            let scale = [1.0, 10.0, 1000.0, 1e-3][values.len() % 4];
            values.push(rng.f64_in(-4.0, 4.0) * scale);
        }
        out.extend(encode(t, &values));
    } else {
        let bits = (t.size() * 8) as u32;
        let specials: [i64; 24] =
            [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1, -2, i64::MIN, i64::MAX, 100, -100, 200];
        for i in 0..N {
            let v = if i < specials.len() { specials[i] as u64 } else { rng.next() >> (i % 60) };
            let v = if t == Bool { v & 1 } else { v };
            out.extend(&v.to_le_bytes()[..(bits / 8) as usize]);
        }
    }
    out
}

/// Units in the last place of `t` at `v`.
fn ulp(t: ElementType, v: f64) -> f64 {
    let p = match t {
        F32 => 24,
        F64 => 53,
        F16 => 11,
        _ => 8,
    };
    let min_exp = match t {
        F16 => -14,
        F64 => -1022,
        _ => -126,
    };
    let e = if v == 0.0 { min_exp } else { (v.abs().log2().floor() as i32).max(min_exp) };
    2f64.powi(e - p + 1)
}

/// A module with one elementwise kernel per case (f32/i32-only ones are vectorized).
pub fn build(cases: &[Case]) -> (msc_ir::Context, msc_ir::OpId, Vec<msc_ir::OpId>) {
    let (mut ctx, module) = module();
    let mut funcs = Vec::new();
    for c in cases {
        let mut buffers: Vec<MemRefType> = c.inputs.iter().map(|&t| MemRefType::new(vec![N as u64], t)).collect();
        buffers.push(MemRefType::new(vec![N as u64], c.output));
        let func = kernel(&mut ctx, module, &c.name, &buffers, |kb, k| {
            let (bufs, out) = (k.buffers[..k.buffers.len() - 1].to_vec(), k.buffers[k.buffers.len() - 1]);
            kb.for_range(k.begin, k.end, |kb, i| {
                let args: Vec<Value> = bufs.iter().map(|&b| kb.load(b, &[i])).collect();
                let r = (c.body)(kb, &args);
                kb.store(r, out, &[i]);
            });
        });
        funcs.push(func);
    }
    (ctx, module, funcs)
}

/// The buffers of case `c`: its inputs (the second rotated to vary the pairs; zero divisors
/// included) and a poisoned output.
pub fn case_buffers(c: &Case, rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut buffers: Vec<Vec<u8>> = c.inputs.iter().map(|&t| inputs(t, rng)).collect();
    if buffers.len() > 1 {
        let size = c.inputs[1].size();
        buffers[1].rotate_left(size * 5);
    }
    buffers.push(vec![0xA5; N * c.output.size()]);
    buffers
}

/// Checks output `got` of case `c` on `inputs` against the interpreter's `want`.
pub fn check_case(c: &Case, inputs: &[Vec<u8>], got: &[u8], want: &[u8]) -> Result<(), String> {
    // sin/cos/tan reduce their argument accurately for |x| <= 8192 only (see src/math.rs).
    let trig = ["sin_", "cos_", "tan_"].iter().any(|p| c.name.starts_with(p));
    let x0 = decode(c.inputs[0], &inputs[0]);
    let ok = match c.check {
        Check::Exact => same_bits(c.output, got, want),
        Check::Ulps(u) | Check::UlpsOrAbs(u, _) => {
            decode(c.output, got).iter().zip(decode(c.output, want)).enumerate().all(|(i, (&g, w))| {
                let abs = if let Check::UlpsOrAbs(_, a) = c.check { a } else { 0.0 };
                g == w
                    || (g.is_nan() && w.is_nan())
                    || (g - w).abs() <= u * ulp(c.output, w)
                    || (g - w).abs() <= abs
                    || (trig && x0[i].abs() > 8192.0)
            })
        }
    };
    if ok {
        return Ok(());
    }
    let (i, g, w) = first_difference(c.output, got, want).unwrap_or((0, 0.0, 0.0));
    let ins: Vec<f64> = c.inputs.iter().zip(inputs).map(|(&t, b)| decode(t, b)[i]).collect();
    Err(format!("{}: element {i} of inputs {ins:?}: got {g}, want {w}", c.name))
}
