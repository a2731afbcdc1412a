//! Every arith/math op on every element type it admits, compiled for the host and compared with
//! the kernel interpreter element by element: bit-exact (any NaN equals any NaN) for integer ops,
//! casts and basic float arithmetic; within one unit in the last place of the result type for
//! `rsqrt`, `fma` and the f16/bf16 transcendental functions (computed in f32, then rounded).
//! f32 transcendental accuracy is in `tests/math.rs`.

mod common;

use common::*;
use msc_ir::{ElementType, MemRefType, Type, Value};
use msc_kernel::{KernelBuilder, arith, math};

const N: usize = 96;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Check {
    Exact,
    /// Within this many units in the last place of the output type.
    Ulps(f64),
}

type Body = Box<dyn Fn(&mut KernelBuilder<'_>, &[Value]) -> Value>;

struct Case {
    name: String,
    inputs: Vec<ElementType>,
    output: ElementType,
    check: Check,
    /// Division: zero divisors (operand 1) are replaced by one for the interpreter.
    nonzero_divisor: bool,
    body: Body,
}

fn case(name: String, inputs: Vec<ElementType>, output: ElementType, check: Check, body: Body) -> Case {
    Case { name, inputs, output, check, nonzero_divisor: false, body }
}

use ElementType::*;

const FLOATS: [ElementType; 4] = [F32, F64, F16, BF16];
const INTS: [ElementType; 6] = [I8, U8, I16, I32, I64, Bool];

fn name(t: ElementType) -> &'static str {
    t.mnemonic()
}

fn cases() -> Vec<Case> {
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
        if t == F16 || t == BF16 {
            for (n, def) in transcendental() {
                let arity = if n == "powf" { 2 } else { 1 };
                out.push(case(
                    format!("{n}_{}", name(t)),
                    vec![t; arity],
                    t,
                    Check::Ulps(1.0),
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
            let mut c =
                case(format!("{n}_{}", name(t)), vec![t, t], t, Check::Exact, Box::new(move |kb, a| kb.op(def, a)));
            c.nonzero_divisor = n.starts_with("div") || n.starts_with("rem");
            out.push(c);
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

#[test]
fn every_op_on_every_type_matches_the_interpreter() {
    let (mut ctx, module) = module();
    let cases = cases();
    let mut funcs = Vec::new();
    for c in &cases {
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
    let jit = Jit::host(&ctx, module);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    for (c, &func) in cases.iter().zip(&funcs) {
        let mut buffers: Vec<Vec<u8>> = c.inputs.iter().map(|&t| inputs(t, &mut rng)).collect();
        // Vary operand pairings: rotate the second input.
        if buffers.len() > 1 {
            let size = c.inputs[1].size();
            buffers[1].rotate_left(size * 5);
        }
        if c.nonzero_divisor {
            let size = c.inputs[1].size();
            for chunk in buffers[1].chunks_mut(size) {
                if chunk.iter().all(|&b| b == 0) {
                    chunk[0] = 1;
                }
            }
        }
        buffers.push(vec![0xA5; N * c.output.size()]);
        let mut expected = buffers.clone();
        interpret(&ctx, func, &mut expected, 0, N as i64);
        jit.run(&c.name, &mut buffers, 0, N as i64);
        let (got, want) = (buffers.last().unwrap(), expected.last().unwrap());
        // sin/cos/tan reduce their argument accurately for |x| <= 8192 only (see src/math.rs).
        let trig = ["sin_", "cos_", "tan_"].iter().any(|p| c.name.starts_with(p));
        let x0 = decode(c.inputs[0], &buffers[0]);
        let ok = match c.check {
            Check::Exact => same_bits(c.output, got, want),
            Check::Ulps(u) => {
                decode(c.output, got).iter().zip(decode(c.output, want)).enumerate().all(|(i, (&g, w))| {
                    g == w
                        || (g.is_nan() && w.is_nan())
                        || (g - w).abs() <= u * ulp(c.output, w)
                        || (trig && x0[i].abs() > 8192.0)
                })
            }
        };
        if !ok {
            let (i, g, w) = first_difference(c.output, got, want).unwrap_or((0, 0.0, 0.0));
            let ins: Vec<f64> = c.inputs.iter().zip(&buffers).map(|(&t, b)| decode(t, b)[i]).collect();
            failures.push(format!("{}: element {i} of inputs {ins:?}: got {g}, want {w}", c.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn integer_division_by_zero_gives_zero_and_min_over_minus_one_wraps() {
    let (mut ctx, module) = module();
    let ty = MemRefType::new(vec![4], I32);
    for (n, def) in
        [("divsi", &arith::DIVSI), ("remsi", &arith::REMSI), ("divui", &arith::DIVUI), ("remui", &arith::REMUI)]
    {
        kernel(&mut ctx, module, n, &[ty.clone(), ty.clone(), ty.clone()], |kb, k| {
            let (a, b, o) = (k.buffers[0], k.buffers[1], k.buffers[2]);
            kb.for_range(k.begin, k.end, |kb, i| {
                let x = kb.load(a, &[i]);
                let y = kb.load(b, &[i]);
                let r = kb.op(def, &[x, y]);
                kb.store(r, o, &[i]);
            });
        });
    }
    let jit = Jit::host(&ctx, module);
    let a = encode(I32, &[7.0, i32::MIN as f64, -9.0, i32::MIN as f64]);
    let b = encode(I32, &[0.0, -1.0, 0.0, 0.0]);
    for (n, want) in [
        ("divsi", [0.0, i32::MIN as f64, 0.0, 0.0]),
        ("remsi", [0.0, 0.0, 0.0, 0.0]),
        ("divui", [0.0, 0.0, 0.0, 0.0]),
        ("remui", [0.0, i32::MIN as f64, 0.0, 0.0]),
    ] {
        let mut bufs = vec![a.clone(), b.clone(), vec![0xff; 16]];
        jit.run(n, &mut bufs, 0, 4);
        assert_eq!(decode(I32, &bufs[2]), want, "{n}");
    }
}
