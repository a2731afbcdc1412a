//! `lower-to-kernel` end to end: nn functions are lowered, verified, and the lowered program run
//! by the kernel-level interpreter gives the reference interpreter's outputs.

mod common;

use common::check;

use msc_nn_kernels::{Data, Tensor};

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

#[test]
fn planned_buffers_share_the_arena_and_keep_results_exact() {
    // A chain of five ops: each intermediate dies after its consumer, so two arena slots suffice.
    let src = r#""builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<256xf32>):
    %a = "nn.neg"(%x) : (tensor<256xf32>) -> tensor<256xf32>
    %b = "nn.exp"(%a) : (tensor<256xf32>) -> tensor<256xf32>
    %c = "nn.add"(%b, %x) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    %d = "nn.tanh"(%c) : (tensor<256xf32>) -> tensor<256xf32>
    %e = "nn.mul"(%d, %c) : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
    "func.return"(%e) : (tensor<256xf32>) -> ()
  }) {function_type = (tensor<256xf32>) -> tensor<256xf32>, sym_name = "f"} : () -> ()
}) : () -> ()"#;
    let x = f32s(&[256], (0..256).map(|i| (i as f32 - 128.0) / 32.0).collect());
    let mut ctx = msc_ir::Context::new(common::registry());
    let module = msc_ir::parse_source(&mut ctx, src, "test.mlir").unwrap()[0];
    let func = ctx.block_ops(msc_builtin::body(&ctx, module)).next().unwrap();
    let expected = msc_nn::interp::run_function(&ctx, func, std::slice::from_ref(&x)).unwrap();
    msc_passes::lower_to_kernel::lower_module(&mut ctx, module, Default::default()).unwrap();
    let plans = msc_passes::plan_memory::plan_module(&mut ctx, module).unwrap();
    let plan = &plans.iter().find(|(name, _)| name == "f").unwrap().1;
    assert_eq!(plan.buffers, 4, "four intermediates (the last op writes the output)");
    assert_eq!(plan.total_size, 4 * 1024);
    assert_eq!(plan.arena_size, 2 * 1024, "{plan:?}");
    // The kernel interpreter runs planned functions inside one arena: overlap would corrupt this.
    let mut buffers = vec![x.data().to_le_bytes(), vec![0u8; 1024]];
    msc_kernel::interp::run_program(&ctx, module, "f", &mut buffers).unwrap();
    let got = Data::from_le_bytes(msc_nn_kernels::DType::F32, &buffers[1]).unwrap();
    for (g, w) in got.to_f64().iter().zip(expected[0].to_f64()) {
        assert!((g - w).abs() <= 1e-6 * (1.0 + w.abs()), "{g} vs {w}");
    }
}
