//! `lower-to-kernel` end to end: nn functions are lowered, verified, and the lowered program run
//! by the kernel-level interpreter gives the reference interpreter's outputs.

use msc_ir::verifier::verify;
use msc_ir::{Context, OpId, PrintOptions, Registry, parse_source, print_op};
use msc_nn_kernels::{Data, Tensor};
use std::sync::Arc;

fn registry() -> Arc<Registry> {
    let mut registry = msc_nn::standard_registry();
    msc_kernel::register(&mut registry).unwrap();
    Arc::new(registry)
}

/// Parses `src` (a module with one function `@f`), lowers it, verifies the result, runs both
/// the reference interpreter (before) and the kernel interpreter (after) on `inputs`, and
/// returns the lowered IR text after checking the outputs agree exactly.
fn check(src: &str, inputs: &[Tensor]) -> String {
    let mut ctx = Context::new(registry());
    let module = parse_source(&mut ctx, src, "test.mlir").unwrap_or_else(|e| panic!("{e}"))[0];
    let func = function(&ctx, module);
    let expected = msc_nn::interp::run_function(&ctx, func, inputs).unwrap();
    msc_passes::lower_to_kernel::lower_module(&mut ctx, module)
        .unwrap_or_else(|d| panic!("{}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")));
    let text = print_op(&ctx, module, &PrintOptions::default());
    verify(&ctx, module).unwrap_or_else(|d| panic!("{text}\n{d:?}"));
    let mut buffers: Vec<Vec<u8>> = inputs.iter().map(|t| t.data().to_le_bytes()).collect();
    buffers.extend(expected.iter().map(|t| vec![0u8; t.data().to_le_bytes().len()]));
    msc_kernel::interp::run_program(&ctx, module, "f", &mut buffers).unwrap_or_else(|e| panic!("{text}\n{e}"));
    for (i, t) in expected.iter().enumerate() {
        let got = Data::from_le_bytes(t.dtype(), &buffers[inputs.len() + i]).unwrap();
        assert_eq!(&got, t.data(), "output {i}\n{text}");
    }
    text
}

fn function(ctx: &Context, module: OpId) -> OpId {
    let body = msc_builtin::body(ctx, module);
    ctx.block_ops(body).next().unwrap()
}

fn f32s(shape: &[usize], values: Vec<f32>) -> Tensor {
    Tensor::new(shape.to_vec(), Data::F32(values)).unwrap()
}

#[test]
fn a_returned_input_is_copied_into_the_output_buffer() {
    let text = check(
        r#""builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<3xf32>):
    %y = "nn.identity"(%x) : (tensor<3xf32>) -> tensor<3xf32>
    "func.return"(%y) : (tensor<3xf32>) -> ()
  }) {function_type = (tensor<3xf32>) -> tensor<3xf32>, sym_name = "f"} : () -> ()
}) : () -> ()"#,
        &[f32s(&[3], vec![1.0, -2.0, 3.5])],
    );
    assert!(text.contains("kernel.launch"), "{text}");
}
