//! Control flow, memory access and tiling compiled for the host and compared with the kernel
//! interpreter: `scf.for` with carried values, `scf.if` with and without results, nested loops
//! over 2-D buffers, tile sub-ranges `[begin, end)`, and the vectorized loops against the scalar
//! translation on lengths 0..=13 (bit-exact), vectorized reductions (every kind, tails, initial
//! values, NaN and infinities) against the interpreter, and a softmax-shaped row kernel (masked,
//! underflowing and -inf inputs) whose three loops must all be vectorized.

mod common;

use common::*;
use msc_cranelift::parse_target;
use msc_ir::{ElementType, MemRefType, Type};
use msc_kernel::{BinOp, Cmp, KernelBuilder, arith, math};

fn f32s(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn ramp(n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|i| ((i as f32) * 0.37 - 3.1) * scale).collect()
}

/// Runs kernel `name` through the interpreter and the JIT on tiles `[begin, end)` and asserts
/// that every buffer ends equal.
fn compare(
    ctx: &msc_ir::Context,
    jit: &Jit,
    func: msc_ir::OpId,
    name: &str,
    buffers: &[Vec<u8>],
    begin: i64,
    end: i64,
) {
    let mut want = buffers.to_vec();
    interpret(ctx, func, &mut want, begin, end);
    let mut got = buffers.to_vec();
    jit.run(name, &mut got, begin, end);
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            same_bits(ElementType::F32, g, w),
            "{name} [{begin}, {end}): buffer {i} differs: {:?}",
            first_difference(ElementType::F32, g, w)
        );
    }
}

#[test]
fn row_sums_with_carried_values_over_tile_ranges() {
    let (mut ctx, module) = module();
    let (rows, cols) = (6u64, 7u64);
    let x = MemRefType::new(vec![rows, cols], ElementType::F32);
    let y = MemRefType::new(vec![rows], ElementType::F32);
    let func = kernel(&mut ctx, module, "row_sum", &[x, y], |kb, k| {
        let (x, y) = (k.buffers[0], k.buffers[1]);
        kb.for_range(k.begin, k.end, |kb, r| {
            let zero = kb.constant(0.0, ElementType::F32);
            let lo = kb.index(0);
            let hi = kb.index(cols as i64);
            let neg_inf = kb.constant(f64::NEG_INFINITY, ElementType::F32);
            let out = kb.for_carry(lo, hi, &[zero, neg_inf], |kb, c, acc| {
                let v = kb.load(x, &[r, c]);
                vec![kb.add(acc[0], v), kb.max(acc[1], v)]
            });
            let s = kb.add(out[0], out[1]);
            kb.store(s, y, &[r]);
        });
    });
    let jit = Jit::host(&ctx, module);
    let buffers = vec![f32s(&ramp((rows * cols) as usize, 1.5)), vec![0; rows as usize * 4]];
    for (b, e) in [(0, 6), (0, 0), (2, 5), (5, 6), (3, 3)] {
        compare(&ctx, &jit, func, "row_sum", &buffers, b, e);
    }
}

#[test]
fn if_with_results_and_without_else() {
    let (mut ctx, module) = module();
    let n = 16u64;
    let ty = MemRefType::new(vec![n], ElementType::F32);
    let func = kernel(&mut ctx, module, "branchy", &[ty.clone(), ty.clone(), ty], |kb, k| {
        let (x, y, z) = (k.buffers[0], k.buffers[1], k.buffers[2]);
        kb.for_range(k.begin, k.end, |kb, i| {
            let v = kb.load(x, &[i]);
            let zero = kb.constant(0.0, ElementType::F32);
            let neg = kb.cmp(Cmp::Lt, v, zero);
            let r = kb.if_else(
                neg,
                vec![Type::Element(ElementType::F32), Type::Index],
                |kb| {
                    let e = kb.unary(&math::ABSF, v);
                    vec![e, kb.index(1)]
                },
                |kb| {
                    let s = kb.mul(v, v);
                    vec![s, kb.index(2)]
                },
            );
            kb.store(r[0], y, &[i]);
            let two = kb.index(2);
            let is_two = kb.cmp(Cmp::Eq, r[1], two);
            kb.if_then(is_two, |kb| {
                let h = kb.constant(0.5, ElementType::F32);
                kb.store(h, z, &[i]);
            });
        });
    });
    let jit = Jit::host(&ctx, module);
    let buffers = vec![f32s(&ramp(16, 1.0)), vec![0; 64], vec![0; 64]];
    compare(&ctx, &jit, func, "branchy", &buffers, 0, 16);
    compare(&ctx, &jit, func, "branchy", &buffers, 3, 11);
}

#[test]
fn nested_loops_transpose_and_scaled_add() {
    let (mut ctx, module) = module();
    let a = MemRefType::new(vec![5, 9], ElementType::F32);
    let t = MemRefType::new(vec![9, 5], ElementType::F32);
    let func = kernel(&mut ctx, module, "transpose", &[a, t], |kb, k| {
        let (a, t) = (k.buffers[0], k.buffers[1]);
        kb.for_range(k.begin, k.end, |kb, i| {
            kb.for_n(9, |kb, j| {
                let v = kb.load(a, &[i, j]);
                let two = kb.constant(2.0, ElementType::F32);
                let w = kb.mul(v, two);
                kb.store(w, t, &[j, i]);
            });
        });
    });
    let jit = Jit::host(&ctx, module);
    let buffers = vec![f32s(&ramp(45, 1.0)), vec![0; 45 * 4]];
    compare(&ctx, &jit, func, "transpose", &buffers, 0, 5);
    compare(&ctx, &jit, func, "transpose", &buffers, 1, 3);
}

/// The body of a row loop: (builder, buffers, row, column).
type RowBody = Box<dyn Fn(&mut KernelBuilder<'_>, &[msc_ir::Value], msc_ir::Value, msc_ir::Value)>;

/// Kernels whose innermost loop the vectorizer takes, over a length-`n` row.
fn vector_kernels(ctx: &mut msc_ir::Context, module: msc_ir::OpId, n: u64) -> Vec<(&'static str, msc_ir::OpId)> {
    let f = ElementType::F32;
    let i = ElementType::I32;
    let v = |e: ElementType| MemRefType::new(vec![2, n.max(1)], e);
    let mut out = Vec::new();
    // y[r, j] = tanh(x[r, j] * s + b[j]) with x, b loads, an invariant scalar load, exp/log/select.
    let mut body = |name: &'static str, bufs: Vec<MemRefType>, f: RowBody| {
        let func = kernel(ctx, module, name, &bufs, |kb, k| {
            let bufs = k.buffers.clone();
            kb.for_range(k.begin, k.end, |kb, r| {
                let lo = kb.index(0);
                let hi = kb.index(n as i64);
                kb.for_range(lo, hi, |kb, j| f(kb, &bufs, r, j));
            });
        });
        out.push((name, func));
    };
    body(
        "affine_math",
        vec![v(f), MemRefType::new(vec![n.max(1)], f), MemRefType::new(vec![1], f), v(f)],
        Box::new(|kb, b, r, j| {
            let x = kb.load(b[0], &[r, j]);
            let bias = kb.load(b[1], &[j]);
            let zero = kb.index(0);
            let s = kb.load(b[2], &[zero]);
            let t = kb.mul(x, s);
            let t = kb.add(t, bias);
            let e = kb.unary(&math::TANH, t);
            let l = kb.unary(&math::EXP, e);
            let c = kb.constant(0.25, ElementType::F32);
            let big = kb.cmp(Cmp::Gt, l, c);
            let y = kb.select(big, l, t);
            let y = kb.unary(&math::FLOOR, y);
            kb.store(y, b[3], &[r, j]);
        }),
    );
    body(
        "int_ops",
        vec![v(i), v(i), v(i), v(f)],
        Box::new(|kb, b, r, j| {
            let x = kb.load(b[0], &[r, j]);
            let y = kb.load(b[1], &[r, j]);
            let s = kb.add(x, y);
            let m = kb.mul(s, x);
            let mx = kb.max(m, y);
            let q = kb.div(mx, y); // per-lane (no vector division)
            let three = kb.int(3, ElementType::I32);
            let sh = kb.op(&arith::SHRSI, &[q, three]);
            kb.store(sh, b[2], &[r, j]);
            let fl = kb.op_to(&arith::SITOFP, &[sh], Type::Element(ElementType::F32));
            kb.store(fl, b[3], &[r, j]);
        }),
    );
    body(
        "in_place_and_gather",
        vec![v(f), v(f), MemRefType::new(vec![n.max(1)], i)],
        Box::new(move |kb, b, r, j| {
            // y[r, j] += x[r, n-1-j] * 2: a reversed (gathered) load, an in-place update.
            let last = kb.index(n as i64 - 1);
            let rev = kb.sub(last, j);
            let x = kb.load(b[0], &[r, rev]);
            let y = kb.load(b[1], &[r, j]);
            let two = kb.constant(2.0, ElementType::F32);
            let t = kb.mul(x, two);
            let s = kb.add(y, t);
            kb.store(s, b[1], &[r, j]);
            let iv = kb.op_to(&arith::INDEX_CAST, &[j], Type::Element(ElementType::I32));
            kb.store(iv, b[2], &[j]);
        }),
    );
    out
}

#[test]
fn vector_loops_match_scalar_loops_and_the_interpreter() {
    for n in 0..=13u64 {
        let (mut ctx, module) = module();
        let kernels = vector_kernels(&mut ctx, module, n);
        let vector = Jit::host(&ctx, module);
        let mut scalar_target = parse_target("host").unwrap();
        scalar_target.vectorize = false;
        let scalar = Jit::new(&ctx, module, &scalar_target);
        for k in &vector.compiled.kernels {
            assert_eq!(k.vectorized_loops, 1, "{} (n = {n}) was not vectorized", k.name);
        }
        let mut rng = Rng(n + 7);
        for (name, func) in kernels {
            let entry = ctx.op(func).entry_block(0).unwrap();
            let buffers: Vec<Vec<u8>> = ctx.block_args(entry)[2..]
                .iter()
                .map(|&a| {
                    let m = ctx.value_type(a).as_memref().unwrap().clone();
                    let count = m.num_elements().unwrap() as usize;
                    match m.element {
                        ElementType::I32 => {
                            (0..count).flat_map(|_| ((rng.next() % 21) as i32 - 10).to_le_bytes()).collect()
                        }
                        _ => (0..count).flat_map(|_| (rng.f64_in(-3.0, 3.0) as f32).to_le_bytes()).collect(),
                    }
                })
                .collect();
            let mut want = buffers.clone();
            interpret(&ctx, func, &mut want, 0, 2);
            let mut got_v = buffers.clone();
            vector.run(name, &mut got_v, 0, 2);
            let mut got_s = buffers.clone();
            scalar.run(name, &mut got_s, 0, 2);
            for b in 0..buffers.len() {
                assert_eq!(got_v[b], got_s[b], "{name} n = {n}: buffer {b}: vector loop != scalar loop");
                assert!(
                    same_bits(ElementType::F32, &got_v[b], &want[b]),
                    "{name} n = {n}: buffer {b} differs from the interpreter"
                );
            }
        }
    }
}

#[test]
fn loops_that_must_not_be_vectorized() {
    let (mut ctx, module) = module();
    let n = 9u64;
    let ty = MemRefType::new(vec![n], ElementType::F32);
    // A recurrence: y[j] = y[j - 1] + x[j] (loads y at another index than it stores).
    let rec = kernel(&mut ctx, module, "recurrence", &[ty.clone(), ty.clone()], |kb, k| {
        let (x, y) = (k.buffers[0], k.buffers[1]);
        let lo = kb.index(1);
        let hi = kb.index(n as i64);
        kb.for_range(lo, hi, |kb, j| {
            let prev = kb.add_const(j, -1);
            let a = kb.load(y, &[prev]);
            let b = kb.load(x, &[j]);
            let s = kb.add(a, b);
            kb.store(s, y, &[j]);
        });
    });
    // f16 data stays scalar.
    let h = MemRefType::new(vec![n], ElementType::F16);
    let half = kernel(&mut ctx, module, "half", &[h.clone(), h], |kb, k| {
        let (x, y) = (k.buffers[0], k.buffers[1]);
        let lo = kb.index(0);
        let hi = kb.index(n as i64);
        kb.for_range(lo, hi, |kb, j| {
            let a = kb.load(x, &[j]);
            let e = kb.unary(&math::EXP, a);
            kb.store(e, y, &[j]);
        });
    });
    let jit = Jit::host(&ctx, module);
    for k in &jit.compiled.kernels {
        assert_eq!(k.vectorized_loops, 0, "{} must stay scalar", k.name);
    }
    let buffers = vec![f32s(&ramp(9, 1.0)), f32s(&ramp(9, -0.5))];
    compare(&ctx, &jit, rec, "recurrence", &buffers, 0, 1);
    let hb = vec![encode(ElementType::F16, &[0.5, -1.0, 2.0, 0.0, 3.5, -0.25, 1.0, 4.0, -2.0]), vec![0; 18]];
    let mut want = hb.clone();
    interpret(&ctx, half, &mut want, 0, 1);
    let mut got = hb.clone();
    jit.run("half", &mut got, 0, 1);
    assert_eq!(got, want);
}

#[test]
fn vectorized_tile_ranges_start_and_end_anywhere() {
    let (mut ctx, module) = module();
    let n = 13u64;
    let ty = MemRefType::new(vec![n], ElementType::F32);
    let iy = MemRefType::new(vec![n], ElementType::I32);
    let func = kernel(&mut ctx, module, "axpy", &[ty.clone(), ty, iy], |kb, k| {
        let (x, y, z) = (k.buffers[0], k.buffers[1], k.buffers[2]);
        kb.for_range(k.begin, k.end, |kb, i| {
            let a = kb.load(x, &[i]);
            let b = kb.load(y, &[i]);
            let three = kb.constant(3.0, ElementType::F32);
            let t = kb.mul(a, three);
            let s = kb.add(t, b);
            kb.store(s, y, &[i]);
            let ii = kb.op_to(&arith::INDEX_CAST, &[i], Type::Element(ElementType::I32));
            let f = kb.op_to(&arith::FPTOSI, &[s], Type::Element(ElementType::I32));
            let r = kb.add(ii, f);
            kb.store(r, z, &[i]);
        });
    });
    let jit = Jit::host(&ctx, module);
    assert_eq!(jit.compiled.kernels[0].vectorized_loops, 1);
    let buffers = vec![f32s(&ramp(13, 1.0)), f32s(&ramp(13, -2.0)), vec![0; 52]];
    for begin in 0..=13 {
        for end in begin..=13 {
            compare(&ctx, &jit, func, "axpy", &buffers, begin, end);
        }
    }
}

/// The reductions the vectorizer folds on four lanes: (name, element type, op, accumulator first).
const REDUCTIONS: &[(&str, ElementType, BinOp, bool)] = &[
    ("sum", ElementType::F32, BinOp::Add, true),
    ("product", ElementType::F32, BinOp::Mul, false),
    ("maximum", ElementType::F32, BinOp::Max, true),
    ("minimum", ElementType::F32, BinOp::Min, false),
    ("int_sum", ElementType::I32, BinOp::Add, false),
    ("int_product", ElementType::I32, BinOp::Mul, true),
    ("int_maximum", ElementType::I32, BinOp::Max, false),
    ("int_minimum", ElementType::I32, BinOp::Min, true),
];

/// Kernel `name`: `y[0] = fold(y[0], x[0..n])` with `op` in one carried loop, plus `z[j] = x[j]`
/// when `store` (a loop that both stores and reduces).
fn reduction_kernel(
    ctx: &mut msc_ir::Context,
    module: msc_ir::OpId,
    name: &str,
    (e, op, acc_first): (ElementType, BinOp, bool),
    n: u64,
    store: bool,
) -> msc_ir::OpId {
    let x = MemRefType::new(vec![n.max(1)], e);
    let y = MemRefType::new(vec![1], e);
    kernel(ctx, module, name, &[x.clone(), y, x], |kb, k| {
        let (x, y, z) = (k.buffers[0], k.buffers[1], k.buffers[2]);
        let zero = kb.index(0);
        let init = kb.load(y, &[zero]);
        let hi = kb.index(n as i64);
        let out = kb.for_carry(zero, hi, &[init], |kb, j, acc| {
            let v = kb.load(x, &[j]);
            if store {
                kb.store(v, z, &[j]);
            }
            vec![if acc_first { kb.binary(op, acc[0], v) } else { kb.binary(op, v, acc[0]) }]
        });
        kb.store(out[0], y, &[zero]);
    })
}

/// Whether `got` is `want` within `1e-5 * scale` (float sums and products are reassociated by
/// the vectorizer; `scale` is the sum of the magnitudes of the terms, or of the result for a
/// product), bit-exact for integers, NaN for NaN.
fn close(e: ElementType, got: &[u8], want: &[u8], scale: f64) -> bool {
    if !e.is_float() {
        return got == want;
    }
    let (g, w) = (decode(e, got)[0], decode(e, want)[0]);
    (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= 1e-5 * scale
}

#[test]
fn reductions_are_vectorized_and_match_the_interpreter() {
    for n in [0u64, 1, 3, 4, 5, 8, 17] {
        for store in [false, true] {
            let (mut ctx, module) = module();
            let funcs: Vec<_> = REDUCTIONS
                .iter()
                .map(|&(name, e, op, first)| {
                    (name, e, reduction_kernel(&mut ctx, module, name, (e, op, first), n, store))
                })
                .collect();
            let jit = Jit::host(&ctx, module);
            for k in &jit.compiled.kernels {
                assert_eq!(k.vectorized_loops, 1, "{} (n = {n}) was not vectorized", k.name);
            }
            let mut rng = Rng(n * 31 + u64::from(store));
            for &(name, e, func) in &funcs {
                // Inits: the op's identity, an ordinary value, and values that decide the result.
                let inits: &[f64] = if e.is_float() {
                    &[0.0, -0.0, 1.0, 2.5, -7.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN]
                } else {
                    &[0.0, 1.0, 3.0, -5.0, 1e9]
                };
                let len = n.max(1) as usize;
                let mut inputs: Vec<Vec<f64>> = (0..4)
                    .map(|_| {
                        (0..len)
                            .map(|_| {
                                if e.is_float() {
                                    rng.f64_in(0.5, 1.5) * if rng.next().is_multiple_of(2) { 1.0 } else { -1.0 }
                                } else {
                                    (rng.next() % 21) as f64 - 10.0
                                }
                            })
                            .collect()
                    })
                    .collect();
                if e.is_float() {
                    // NaN, infinities and signed zeros at the start, in a lane, and in the tail.
                    for (k, special) in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0].into_iter().enumerate() {
                        let mut v = inputs[0].clone();
                        let at = [0, 1, len - 1, len / 2][k].min(len - 1);
                        v[at] = special;
                        inputs.push(v);
                    }
                    inputs.push(vec![-0.0; len]);
                }
                for &init in inits {
                    for x in &inputs {
                        let buffers = vec![encode(e, x), encode(e, &[init]), vec![0; len * 4]];
                        let mut want = buffers.clone();
                        interpret(&ctx, func, &mut want, 0, 1);
                        let mut got = buffers.clone();
                        jit.run(name, &mut got, 0, 1);
                        let w = decode(e, &want[1])[0];
                        let scale =
                            if name == "sum" { init.abs() + x.iter().map(|v| v.abs()).sum::<f64>() } else { w.abs() };
                        assert!(
                            close(e, &got[1], &want[1], scale) && got[2] == want[2],
                            "{name} n = {n} init = {init} x = {x:?}: got {:?}, want {:?}",
                            decode(e, &got[1]),
                            decode(e, &want[1])
                        );
                        if matches!(name, "maximum" | "minimum") {
                            assert!(same_bits(e, &got[1], &want[1]), "{name}: max/min must be exact");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn carried_values_that_are_not_reductions_stay_scalar() {
    let (mut ctx, module) = module();
    let n = 9u64;
    let ty = MemRefType::new(vec![n], ElementType::F32);
    let one = MemRefType::new(vec![1], ElementType::F32);
    let e = ElementType::F32;
    // acc * 0.5 + x: the accumulator is used twice over.
    let affine = kernel(&mut ctx, module, "affine_recurrence", &[ty.clone(), one.clone()], |kb, k| {
        let zero = kb.index(0);
        let init = kb.load(k.buffers[1], &[zero]);
        let hi = kb.index(n as i64);
        let out = kb.for_carry(zero, hi, &[init], |kb, j, acc| {
            let v = kb.load(k.buffers[0], &[j]);
            let half = kb.constant(0.5, e);
            let s = kb.mul(acc[0], half);
            vec![kb.add(s, v)]
        });
        kb.store(out[0], k.buffers[1], &[zero]);
    });
    // acc - x: subtraction does not reassociate.
    let diff = kernel(&mut ctx, module, "difference", &[ty.clone(), one.clone()], |kb, k| {
        let zero = kb.index(0);
        let init = kb.load(k.buffers[1], &[zero]);
        let hi = kb.index(n as i64);
        let out = kb.for_carry(zero, hi, &[init], |kb, j, acc| {
            let v = kb.load(k.buffers[0], &[j]);
            vec![kb.sub(acc[0], v)]
        });
        kb.store(out[0], k.buffers[1], &[zero]);
    });
    // The running sum is also stored: its value is needed in every iteration.
    let prefix = kernel(&mut ctx, module, "prefix_sum", &[ty.clone(), ty], |kb, k| {
        let zero = kb.index(0);
        let init = kb.constant(0.0, e);
        let hi = kb.index(n as i64);
        kb.for_carry(zero, hi, &[init], |kb, j, acc| {
            let v = kb.load(k.buffers[0], &[j]);
            let s = kb.add(acc[0], v);
            kb.store(s, k.buffers[1], &[j]);
            vec![s]
        });
    });
    let jit = Jit::host(&ctx, module);
    for k in &jit.compiled.kernels {
        assert_eq!(k.vectorized_loops, 0, "{} must stay scalar", k.name);
    }
    let x = f32s(&ramp(9, 1.0));
    compare(&ctx, &jit, affine, "affine_recurrence", &[x.clone(), f32s(&[2.0])], 0, 1);
    compare(&ctx, &jit, diff, "difference", &[x.clone(), f32s(&[2.0])], 0, 1);
    compare(&ctx, &jit, prefix, "prefix_sum", &[x, vec![0; 36]], 0, 1);
}

/// A softmax kernel shaped like `lower-to-kernel`'s (one tile per row of `n`): the row maximum,
/// `exp(x - max)` stored and summed in one loop, then the stored values times `1 / sum`.
fn softmax_rows_kernel(ctx: &mut msc_ir::Context, module: msc_ir::OpId, rows: u64, n: u64) -> msc_ir::OpId {
    let e = ElementType::F32;
    let ty = MemRefType::new(vec![rows * n], e);
    kernel(ctx, module, "softmax_rows", &[ty.clone(), ty], |kb, k| {
        let (x, y) = (k.buffers[0], k.buffers[1]);
        kb.for_range(k.begin, k.end, |kb, r| {
            let base = kb.mul_const(r, n as i64);
            let (lo, hi) = (kb.index(0), kb.index(n as i64));
            let neg_inf = kb.constant(f64::NEG_INFINITY, e);
            let max = kb.for_carry(lo, hi, &[neg_inf], |kb, j, m| {
                let i = kb.add_index(base, j);
                let v = kb.load(x, &[i]);
                vec![kb.max(m[0], v)]
            })[0];
            let zero = kb.constant(0.0, e);
            let sum = kb.for_carry(lo, hi, &[zero], |kb, j, s| {
                let i = kb.add_index(base, j);
                let v = kb.load(x, &[i]);
                let d = kb.sub(v, max);
                let ex = kb.unary(&math::EXP, d);
                kb.store(ex, y, &[i]);
                vec![kb.add(s[0], ex)]
            })[0];
            let one = kb.constant(1.0, e);
            let reciprocal = kb.div(one, sum);
            kb.for_range(lo, hi, |kb, j| {
                let i = kb.add_index(base, j);
                let v = kb.load(y, &[i]);
                let p = kb.mul(v, reciprocal);
                kb.store(p, y, &[i]);
            });
        });
    })
}

#[test]
fn softmax_rows_are_fully_vectorized_and_match_the_interpreter() {
    // Rows: ordinary values, attention-masked entries (-10000, whose exp underflows to 0), a wide
    // spread (almost every exp underflows), -inf entries, and an all -inf row (NaN).
    let rows = 5u64;
    for n in [1u64, 3, 4, 5, 7, 8, 13, 128] {
        let (mut ctx, module) = module();
        let func = softmax_rows_kernel(&mut ctx, module, rows, n);
        let jit = Jit::host(&ctx, module);
        assert_eq!(jit.compiled.kernels[0].vectorized_loops, 3, "n = {n}: every loop gets a vector body");
        let mut rng = Rng(n);
        let mut x = Vec::new();
        for r in 0..rows {
            for j in 0..n {
                let v = rng.f64_in(-3.0, 3.0);
                x.push(match r {
                    1 if j % 3 == 2 => v - 10000.0,
                    2 => v * 1e4,
                    3 if j % 2 == 1 => f64::NEG_INFINITY,
                    4 => f64::NEG_INFINITY,
                    _ => v,
                });
            }
        }
        let buffers = vec![encode(ElementType::F32, &x), vec![0; x.len() * 4]];
        let mut want = buffers.clone();
        interpret(&ctx, func, &mut want, 0, rows as i64);
        let mut got = buffers.clone();
        jit.run("softmax_rows", &mut got, 0, rows as i64);
        let (got, want) = (decode(ElementType::F32, &got[1]), decode(ElementType::F32, &want[1]));
        for (k, (&g, &w)) in got.iter().zip(&want).enumerate() {
            // exp within 3 ulp and a reassociated f32 sum: 2e-6 relative, plus a few units of
            // 2^-149 for subnormal results; exact zeros stay zero.
            let close = (g.is_nan() && w.is_nan()) || (g - w).abs() <= 2e-6 * w.abs() + 1e-44;
            assert!(close, "n = {n}, row {}, element {}: got {g:e}, want {w:e}", k as u64 / n, k as u64 % n);
        }
    }
}
