//! Every arith/math op on every element type it admits, compiled for the host and compared with
//! the kernel interpreter element by element: bit-exact (any NaN equals any NaN) for integer ops,
//! casts and basic float arithmetic; within one unit in the last place of the result type for
//! `rsqrt`, `fma` and the f16/bf16 transcendental functions (computed in f32, then rounded);
//! within the bounds `tests/math.rs` establishes (on dense sweeps) for f32 transcendentals.

mod common;

use common::cases::*;
use common::*;
use msc_cranelift::{compile_kernels, parse_target};
use msc_ir::ElementType::I32;
use msc_ir::MemRefType;
use msc_kernel::arith;

#[test]
fn every_op_on_every_type_matches_the_interpreter() {
    let cases = cases();
    let (ctx, module, funcs) = build(&cases);
    let jit = Jit::host(&ctx, module);
    let mut scalar_target = parse_target("host").unwrap();
    scalar_target.vectorize = false;
    let scalar = Jit::new(&ctx, module, &scalar_target);
    let vectorized = jit.compiled.kernels.iter().filter(|k| k.vectorized_loops > 0).count();
    assert!(vectorized >= 60, "only {vectorized} kernels were vectorized");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    for (c, &func) in cases.iter().zip(&funcs) {
        let mut buffers = case_buffers(c, &mut rng);
        let mut expected = buffers.clone();
        interpret(&ctx, func, &mut expected, 0, N as i64);
        let mut scalar_buffers = buffers.clone();
        scalar.run(&c.name, &mut scalar_buffers, 0, N as i64);
        jit.run(&c.name, &mut buffers, 0, N as i64);
        if !same_bits(c.output, buffers.last().unwrap(), scalar_buffers.last().unwrap()) {
            failures.push(format!("{}: the vector loop differs from the scalar loop", c.name));
        }
        let n = buffers.len() - 1;
        if let Err(e) = check_case(c, &buffers[..n], &buffers[n], &expected[n]) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Also covered against the interpreter by the cases; stated here explicitly.
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

#[test]
fn every_op_compiles_for_x86_64_and_aarch64() {
    let cases = cases();
    let (ctx, module, _) = build(&cases);
    for target in ["x86_64", "aarch64"] {
        let t = parse_target(target).unwrap();
        let compiled = compile_kernels(&ctx, module, SCHEDULE, &t).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(compiled.kernels.len(), cases.len());
        for k in &compiled.kernels {
            assert_eq!(k.offset % msc_cranelift::KERNEL_ALIGN as u64, 0);
            assert!(k.len > 0 && k.offset + k.len <= compiled.code.len() as u64);
        }
        assert_eq!(compiled.cpu_features, t.cpu_features);
    }
}
