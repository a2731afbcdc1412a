//! Shared by the lowering tests: lower an `nn` module to kernels, run it with the kernel-level
//! interpreter, and compare with the `nn` reference interpreter.
#![allow(dead_code)] // each test binary uses its own subset

use msc_ir::verifier::verify;
use msc_ir::{Context, PrintOptions, Registry, parse_source, print_op};
use msc_nn_kernels::{Data, Tensor};
use msc_passes::lower_to_kernel::{ConvLowering, GemmLowering, LowerOptions};
use std::sync::Arc;

pub fn registry() -> Arc<Registry> {
    let mut registry = msc_nn::standard_registry();
    msc_kernel::register(&mut registry).unwrap();
    Arc::new(registry)
}

/// Parses `src` (a module whose first function is `@f`), runs `@f` on `inputs` with the reference
/// interpreter, lowers the module, verifies it, runs the lowered `@f` with the kernel-level
/// interpreter (outputs start as garbage, so a kernel relying on zeroed outputs fails), and
/// checks the outputs agree: integers and booleans exactly, floats within `tol * (1 + |expected|)`
/// (0: bit-exact), NaN matching NaN. GEMM-shaped ops are checked both as `kernel.gemm` calls and as
/// loops. Returns the lowered IR text (with `kernel.gemm` calls).
pub fn check_within(src: &str, inputs: &[Tensor], tol: f64) -> String {
    check_lowering(src, inputs, tol, LowerOptions { gemm: GemmLowering::Loops, ..LowerOptions::default() });
    check_lowering(src, inputs, tol, LowerOptions::default())
}

/// [`check_within`] for one set of lowering options, with convolutions lowered as `conv` says.
pub fn check_conv_lowering(src: &str, inputs: &[Tensor], tol: f64, conv: ConvLowering) -> String {
    check_lowering(src, inputs, tol, LowerOptions { gemm: GemmLowering::Engine, conv })
}

fn check_lowering(src: &str, inputs: &[Tensor], tol: f64, options: LowerOptions) -> String {
    let mut ctx = Context::new(registry());
    let module = parse_source(&mut ctx, src, "test.mlir").unwrap_or_else(|e| panic!("{e}\n{src}"))[0];
    let func = ctx.block_ops(msc_builtin::body(&ctx, module)).next().unwrap();
    let expected = msc_nn::interp::run_function(&ctx, func, inputs).unwrap();
    msc_passes::lower_to_kernel::lower_module(&mut ctx, module, options)
        .unwrap_or_else(|d| panic!("{}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")));
    let text = print_op(&ctx, module, &PrintOptions::default());
    verify(&ctx, module).unwrap_or_else(|d| panic!("{text}\n{d:?}"));
    let mut buffers: Vec<Vec<u8>> = inputs.iter().map(|t| t.data().to_le_bytes()).collect();
    buffers.extend(expected.iter().map(|t| vec![0x7fu8; t.data().to_le_bytes().len()]));
    msc_kernel::interp::run_program(&ctx, module, "f", &mut buffers).unwrap_or_else(|e| panic!("{text}\n{e}"));
    for (i, t) in expected.iter().enumerate() {
        let got = Data::from_le_bytes(t.dtype(), &buffers[inputs.len() + i]).unwrap();
        if t.dtype().is_float() {
            for (k, (g, w)) in got.to_f64().iter().zip(t.to_f64()).enumerate() {
                let close = *g == w || (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol * (1.0 + w.abs());
                assert!(close, "output {i} element {k}: got {g}, expected {w}\n{text}");
            }
        } else {
            assert_eq!(&got, t.data(), "output {i}\n{text}");
        }
    }
    text
}

/// [`check_within`] with bit-exact agreement.
pub fn check(src: &str, inputs: &[Tensor]) -> String {
    check_within(src, inputs, 0.0)
}

/// Lowering `src` fails with a message containing `message`.
pub fn check_error(src: &str, message: &str) {
    let mut ctx = Context::new(registry());
    let module = parse_source(&mut ctx, src, "test.mlir").unwrap_or_else(|e| panic!("{e}"))[0];
    let errors = msc_passes::lower_to_kernel::lower_module(&mut ctx, module, LowerOptions::default()).unwrap_err();
    let text = errors.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n");
    assert!(text.contains(message), "{text}");
}
