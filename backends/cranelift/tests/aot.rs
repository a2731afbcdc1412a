//! Ahead-of-time objects: a small program (four kernels, one of them a vectorized reduction,
//! weights, an arena, three inputs, four outputs) emitted with `emit_object`, linked with
//! `tests/aarch64/harness.c`, run, and compared with the interpreter running the same steps.
//!
//! - aarch64: needs `aarch64-linux-gnu-gcc` and `qemu-aarch64` (Debian/Ubuntu: `apt-get install
//!   gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user`); fails when they are missing unless
//!   `MSC_SKIP_AARCH64=1`.
//! - x86_64: linked with the host's `cc` and run natively when the host is x86-64-v3.
//!
//! Both also run every op case of `tests/ops.rs` (`tests/common/cases.rs`) as one program.

mod common;

use common::cases;
use common::*;
use msc_cranelift::{compile_kernels, emit_object, parse_target};
use msc_ir::{Context, ElementType, MemRefType, OpId, Type};
use msc_kernel::{arith, math};
use msc_runtime::{Base, BufferRef, Routine, Step};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const ROWS: u64 = 4;
const COLS: u64 = 10;
const N: u64 = ROWS * COLS;

struct Program {
    ctx: Context,
    module: OpId,
    funcs: Vec<OpId>,
    plan: Vec<Step>,
    weights: Vec<u8>,
    arena_size: u64,
    inputs: Vec<Vec<u8>>,
    output_sizes: Vec<usize>,
}

fn buf(base: Base, offset: u64, len: u64) -> BufferRef {
    BufferRef { base, offset, len }
}

fn step(kernel: u32, tiles: u64, args: Vec<BufferRef>) -> Step {
    Step { routine: Routine::Kernel(kernel), tiles, args, name: format!("step{kernel}"), op_type: "test".into() }
}

fn program() -> Program {
    let (mut ctx, module) = module();
    let f32_2d = MemRefType::new(vec![ROWS, COLS], ElementType::F32);
    let row = MemRefType::new(vec![COLS], ElementType::F32);
    let flat = |e| MemRefType::new(vec![N], e);
    // t[r, j] = exp(x[r, j] * 0.5) * w[j] + sin(x[r, j])
    let k0 = kernel(&mut ctx, module, "scale_exp", &[f32_2d.clone(), row, f32_2d], |kb, k| {
        let (x, w, t) = (k.buffers[0], k.buffers[1], k.buffers[2]);
        kb.for_range(k.begin, k.end, |kb, r| {
            kb.for_n(COLS, |kb, j| {
                let v = kb.load(x, &[r, j]);
                let h = kb.constant(0.5, ElementType::F32);
                let e = kb.mul(v, h);
                let e = kb.unary(&math::EXP, e);
                let wj = kb.load(w, &[j]);
                let e = kb.mul(e, wj);
                let s = kb.unary(&math::SIN, v);
                let y = kb.add(e, s);
                kb.store(y, t, &[r, j]);
            });
        });
    });
    // y[i] = t[i] + q[i]; z[i] = ((q[i] * 3) >> 1) rem 7 + i (t seen flat; vectorized).
    let k1 = kernel(
        &mut ctx,
        module,
        "mix",
        &[flat(ElementType::F32), flat(ElementType::I32), flat(ElementType::F32), flat(ElementType::I32)],
        |kb, k| {
            let (t, q, y, z) = (k.buffers[0], k.buffers[1], k.buffers[2], k.buffers[3]);
            kb.for_range(k.begin, k.end, |kb, i| {
                let tv = kb.load(t, &[i]);
                let qv = kb.load(q, &[i]);
                let qf = kb.op_to(&arith::SITOFP, &[qv], Type::Element(ElementType::F32));
                let s = kb.add(tv, qf);
                kb.store(s, y, &[i]);
                let three = kb.int(3, ElementType::I32);
                let m = kb.mul(qv, three);
                let one = kb.int(1, ElementType::I32);
                let sh = kb.op(&arith::SHRSI, &[m, one]);
                let seven = kb.int(7, ElementType::I32);
                let r = kb.op(&arith::REMSI, &[sh, seven]);
                let ii = kb.op_to(&arith::INDEX_CAST, &[i], Type::Element(ElementType::I32));
                let r = kb.add(r, ii);
                kb.store(r, z, &[i]);
            });
        },
    );
    // h2[i] = tanh(h[i]) * h[i] + 1 in f16.
    let k2 = kernel(&mut ctx, module, "half", &[flat(ElementType::F16), flat(ElementType::F16)], |kb, k| {
        let (h, o) = (k.buffers[0], k.buffers[1]);
        kb.for_range(k.begin, k.end, |kb, i| {
            let v = kb.load(h, &[i]);
            let t = kb.unary(&math::TANH, v);
            let p = kb.mul(t, v);
            let one = kb.constant(1.0, ElementType::F16);
            let r = kb.add(p, one);
            kb.store(r, o, &[i]);
        });
    });
    // s[r] = [max(-inf, x[r, ..]), 0.5 + sum(float(q[r, ..])), float(7 + sum(q[r, ..]))]: three
    // reductions carried by one vectorized loop (float sums of integers are exact in any order).
    let f32_rows = MemRefType::new(vec![ROWS, COLS], ElementType::F32);
    let i32_rows = MemRefType::new(vec![ROWS, COLS], ElementType::I32);
    let stats = MemRefType::new(vec![ROWS, 3], ElementType::F32);
    let k3 = kernel(&mut ctx, module, "row_stats", &[f32_rows, i32_rows, stats], |kb, k| {
        let (x, q, s) = (k.buffers[0], k.buffers[1], k.buffers[2]);
        kb.for_range(k.begin, k.end, |kb, r| {
            let inits = [
                kb.constant(f64::NEG_INFINITY, ElementType::F32),
                kb.constant(0.5, ElementType::F32),
                kb.int(7, ElementType::I32),
            ];
            let (lo, hi) = (kb.index(0), kb.index(COLS as i64));
            let acc = kb.for_carry(lo, hi, &inits, |kb, j, acc| {
                let v = kb.load(x, &[r, j]);
                let qv = kb.load(q, &[r, j]);
                let qf = kb.op_to(&arith::SITOFP, &[qv], Type::Element(ElementType::F32));
                vec![kb.max(acc[0], v), kb.add(qf, acc[1]), kb.add(acc[2], qv)]
            });
            let total = kb.op_to(&arith::SITOFP, &[acc[2]], Type::Element(ElementType::F32));
            for (c, v) in [acc[0], acc[1], total].into_iter().enumerate() {
                let c = kb.index(c as i64);
                kb.store(v, s, &[r, c]);
            }
        });
    });
    let mut rng = Rng(99);
    let x: Vec<f64> = (0..N).map(|_| rng.f64_in(-4.0, 4.0)).collect();
    let q: Vec<f64> = (0..N).map(|_| (rng.next() % 20001) as f64 - 10000.0).collect();
    let hv: Vec<f64> = (0..N).map(|_| rng.f64_in(-3.0, 3.0)).collect();
    let w: Vec<f64> = (0..COLS).map(|j| 0.25 * j as f64 - 1.0).collect();
    let mut weights = vec![0u8; 16];
    weights.extend(encode(ElementType::F32, &w));
    let f = N * 4;
    let plan = vec![
        step(0, ROWS, vec![buf(Base::Input(0), 0, f), buf(Base::Weights, 16, COLS * 4), buf(Base::Arena, 64, f)]),
        step(
            1,
            N,
            vec![
                buf(Base::Arena, 64, f),
                buf(Base::Input(1), 0, f),
                buf(Base::Output(0), 0, f),
                buf(Base::Output(1), 0, f),
            ],
        ),
        step(2, N, vec![buf(Base::Input(2), 0, N * 2), buf(Base::Output(2), 0, N * 2)]),
        step(3, ROWS, vec![buf(Base::Input(0), 0, f), buf(Base::Input(1), 0, f), buf(Base::Output(3), 0, ROWS * 12)]),
    ];
    Program {
        ctx,
        module,
        funcs: vec![k0, k1, k2, k3],
        plan,
        weights,
        arena_size: 64 + f,
        inputs: vec![encode(ElementType::F32, &x), encode(ElementType::I32, &q), encode(ElementType::F16, &hv)],
        output_sizes: vec![f as usize, f as usize, (N * 2) as usize, (ROWS * 12) as usize],
    }
}

/// Runs the plan through the interpreter; returns the outputs.
fn reference(p: &Program) -> Vec<Vec<u8>> {
    let mut inputs = p.inputs.clone();
    let mut outputs: Vec<Vec<u8>> = p.output_sizes.iter().map(|&n| vec![0; n]).collect();
    let mut arena = vec![0u8; p.arena_size as usize];
    let mut weights = p.weights.clone();
    for s in &p.plan {
        let mut args: Vec<Vec<u8>> = Vec::new();
        for a in &s.args {
            let base: &Vec<u8> = match a.base {
                Base::Input(i) => &inputs[i as usize],
                Base::Output(i) => &outputs[i as usize],
                Base::Arena => &arena,
                Base::Weights => &weights,
            };
            args.push(base[a.offset as usize..(a.offset + a.len) as usize].to_vec());
        }
        let Routine::Kernel(kernel) = s.routine else { unreachable!("these plans call kernels only") };
        interpret(&p.ctx, p.funcs[kernel as usize], &mut args, 0, s.tiles as i64);
        for (a, bytes) in s.args.iter().zip(args) {
            let base: &mut Vec<u8> = match a.base {
                Base::Input(i) => &mut inputs[i as usize],
                Base::Output(i) => &mut outputs[i as usize],
                Base::Arena => &mut arena,
                Base::Weights => &mut weights,
            };
            base[a.offset as usize..(a.offset + a.len) as usize].copy_from_slice(&bytes);
        }
    }
    outputs
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// A fresh directory per call (tests run in parallel in one process).
fn scratch_dir(name: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("msc-cranelift-{name}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Emits the object of program `p` for `target`, links it with `cc`, runs it (through `runner`
/// if given) and returns its outputs.
fn link_and_run(p: &Program, target: &str, cc: &str, runner: Option<&[&str]>) -> Vec<Vec<u8>> {
    let t = parse_target(target).unwrap();
    let object = emit_object(&p.ctx, p.module, SCHEDULE, &t, &p.plan, &p.weights, p.arena_size)
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = scratch_dir(target);
    let obj_path = dir.join("model.o");
    std::fs::write(&obj_path, &object).unwrap();
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aarch64/harness.c");
    let exe = dir.join("model");
    let out = Command::new(cc).arg("-O1").arg(&harness).arg(&obj_path).arg("-o").arg(&exe).output().unwrap();
    assert!(out.status.success(), "{cc} failed: {}", String::from_utf8_lossy(&out.stderr));

    let mut args: Vec<String> = vec![p.inputs.len().to_string()];
    args.extend(p.inputs.iter().map(|i| i.len().to_string()));
    args.push(p.output_sizes.len().to_string());
    args.extend(p.output_sizes.iter().map(|n| n.to_string()));
    let mut cmd = match runner {
        Some(r) => {
            let mut c = Command::new(r[0]);
            c.args(&r[1..]).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    let mut child =
        cmd.args(&args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let input: Vec<u8> = p.inputs.concat();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "the {target} program failed: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
    let mut at = 0;
    let outputs = p
        .output_sizes
        .iter()
        .map(|&n| {
            at += n;
            out.stdout[at - n..at].to_vec()
        })
        .collect();
    assert_eq!(at, out.stdout.len());
    outputs
}

/// Runs the small program for `target` and compares it with the interpreter.
fn check_program(target: &str, cc: &str, runner: Option<&[&str]>) {
    let p = program();
    // The f32 kernels' innermost loops (the reduction too) are vectorized, the f16 one is not.
    let compiled = compile_kernels(&p.ctx, p.module, SCHEDULE, &parse_target(target).unwrap()).unwrap();
    let vectorized: Vec<u32> = compiled.kernels.iter().map(|k| k.vectorized_loops).collect();
    assert_eq!(vectorized, [1, 1, 0, 1]);
    let got = link_and_run(&p, target, cc, runner);
    let want = reference(&p);
    for (i, ((g, w), ty)) in
        got.iter().zip(&want).zip([ElementType::F32, ElementType::I32, ElementType::F16, ElementType::F32]).enumerate()
    {
        assert!(same_bits(ty, g, w), "{target} output {i} differs: {:?}", first_difference(ty, g, w));
    }
}

/// The op-coverage cases of `tests/ops.rs` as one program: step k runs case k on inputs and
/// writes output k.
fn all_ops_program() -> (Program, Vec<cases::Case>) {
    let cases = cases::cases();
    let (ctx, module, funcs) = cases::build(&cases);
    let mut rng = Rng(0x5eed);
    let mut inputs = Vec::new();
    let mut output_sizes = Vec::new();
    let mut plan = Vec::new();
    for (k, c) in cases.iter().enumerate() {
        let mut buffers = cases::case_buffers(c, &mut rng);
        let out = buffers.pop().unwrap();
        let mut args = Vec::new();
        for b in buffers {
            args.push(buf(Base::Input(inputs.len() as u32), 0, b.len() as u64));
            inputs.push(b);
        }
        args.push(buf(Base::Output(k as u32), 0, out.len() as u64));
        output_sizes.push(out.len());
        plan.push(step(k as u32, cases::N as u64, args));
    }
    (Program { ctx, module, funcs, plan, weights: Vec::new(), arena_size: 0, inputs, output_sizes }, cases)
}

/// Runs every op case for `target` and compares each output with the interpreter's.
fn check_all_ops(target: &str, cc: &str, runner: Option<&[&str]>) {
    let (p, cases) = all_ops_program();
    let got = link_and_run(&p, target, cc, runner);
    let want = reference(&p);
    let mut failures = Vec::new();
    for (k, c) in cases.iter().enumerate() {
        let inputs: Vec<Vec<u8>> = p.plan[k].args[..c.inputs.len()]
            .iter()
            .map(|a| match a.base {
                Base::Input(i) => p.inputs[i as usize].clone(),
                _ => unreachable!("case inputs are model inputs"),
            })
            .collect();
        if let Err(e) = cases::check_case(c, &inputs, &got[k], &want[k]) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: {} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The aarch64 tools, or why the test cannot run (`None`: skipped on request).
fn aarch64_tools() -> Option<()> {
    if std::env::var("MSC_SKIP_AARCH64").as_deref() == Ok("1") {
        eprintln!("skipped: MSC_SKIP_AARCH64=1");
        return None;
    }
    let missing: Vec<&str> = ["aarch64-linux-gnu-gcc", "qemu-aarch64"].into_iter().filter(|t| !have(t)).collect();
    assert!(
        missing.is_empty(),
        "{} not found: install gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user (or set MSC_SKIP_AARCH64=1)",
        missing.join(" and ")
    );
    Some(())
}

const QEMU: &[&str] = &["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"];

/// Whether this host can run the x86_64 (x86-64-v3) objects natively.
fn x86_64_host() -> bool {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2")
        && is_x86_feature_detected!("fma")
        && is_x86_feature_detected!("bmi2")
        && have("cc")
    {
        return true;
    }
    eprintln!("skipped: needs an x86-64-v3 host with a C compiler `cc`");
    false
}

#[test]
fn aarch64_object_runs_under_qemu_like_the_interpreter() {
    if aarch64_tools().is_some() {
        check_program("aarch64", "aarch64-linux-gnu-gcc", Some(QEMU));
    }
}

#[test]
fn aarch64_every_op_matches_the_interpreter() {
    if aarch64_tools().is_some() {
        check_all_ops("aarch64", "aarch64-linux-gnu-gcc", Some(QEMU));
    }
}

#[test]
fn x86_64_object_runs_natively_like_the_interpreter() {
    if x86_64_host() {
        check_program("x86_64", "cc", None);
        check_all_ops("x86_64", "cc", None);
    }
}

#[test]
fn bad_plans_are_rejected() {
    let p = program();
    let t = parse_target("x86_64").unwrap();
    let mut plan = p.plan.clone();
    plan[0].routine = Routine::Kernel(7);
    let err = emit_object(&p.ctx, p.module, SCHEDULE, &t, &plan, &p.weights, p.arena_size).unwrap_err().to_string();
    assert!(err.contains("calls kernel 7 of 4"), "{err}");
    let mut plan = p.plan.clone();
    plan[0].args[2].offset = p.arena_size;
    let err = emit_object(&p.ctx, p.module, SCHEDULE, &t, &plan, &p.weights, p.arena_size).unwrap_err().to_string();
    assert!(err.contains("argument 2"), "{err}");
    let mut plan = p.plan.clone();
    plan[1].args.pop();
    let err = emit_object(&p.ctx, p.module, SCHEDULE, &t, &plan, &p.weights, p.arena_size).unwrap_err().to_string();
    assert!(err.contains("passes 3 buffers to @mix, which takes 4"), "{err}");
}
