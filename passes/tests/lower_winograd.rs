//! `lower-to-kernel`'s Winograd F(4x4, 3x3) convolutions (forced with `conv=winograd`) against the reference
//! interpreter on odd shapes: partial tiles, tiny images, asymmetric and zero pads, odd channel counts, bias,
//! residual and every engine activation; and the cost model's choice of Winograd under `conv=auto`.
//!
//! Tolerance: Winograd computes the same sums through the transformed domain, where the input transform
//! multiplies by up to 5 and the output transform by up to 8, so its f32 rounding error is a few times
//! that of a direct sum (about `1e-6 · Σ|w·x|`); with inputs in [-2, 2) and up to 16·9 taps the checks
//! use `2e-4 · (1 + |expected|)`, and fail with a wrong transform or a misplaced tile by orders of
//! magnitude.

mod common;

use msc_ir::{Context, PrintOptions, parse_source, print_op};
use msc_nn_kernels::{Data, Tensor};
use msc_passes::egraph::cost::CostModel;
use msc_passes::lower_to_kernel::{ConvLowering, LowerOptions, lower_module};

const TOL: f64 = 2e-4;

/// Deterministic values in [-2, 2).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

fn ty(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("tensor<{}xf32>", dims.join("x"))
}

/// A 3x3 conv of `x` (N, C, H, W) to `k` channels with constant weights, `pads` (top, left, bottom,
/// right); as `nn.fused_conv` with a bias and `epilogue` reading `extras` when `epilogue` is given,
/// else as `nn.conv` (with a bias when `bias`). Returns the module and its inputs.
struct Case<'a> {
    x: [usize; 4],
    k: usize,
    pads: [usize; 4],
    bias: bool,
    epilogue: Option<(&'a str, &'a [&'a [usize]])>,
}

impl Case<'_> {
    fn out(&self) -> [usize; 4] {
        let [n, _, h, w] = self.x;
        [n, self.k, h + self.pads[0] + self.pads[2] - 2, w + self.pads[1] + self.pads[3] - 2]
    }

    fn module(&self) -> (String, Vec<Tensor>) {
        let c = self.x[1];
        let weights = values(self.k * c * 9, 99);
        let literal: Vec<String> = weights.iter().map(|v| format!("{v:e}")).collect();
        let w_ty = ty(&[self.k, c, 3, 3]);
        let mut shapes: Vec<Vec<usize>> = vec![self.x.to_vec()];
        if self.bias {
            shapes.push(vec![self.k]);
        }
        let extras: &[&[usize]] = self.epilogue.map_or(&[], |e| e.1);
        shapes.extend(extras.iter().map(|s| s.to_vec()));
        let types: Vec<String> = shapes.iter().map(|s| ty(s)).collect();
        let args: Vec<String> = types.iter().enumerate().map(|(i, t)| format!("%a{i}: {t}")).collect();
        let mut operands = vec!["%a0".to_string(), "%w".to_string()];
        operands.extend((1..shapes.len()).map(|i| format!("%a{i}")));
        let mut operand_types = vec![types[0].clone(), w_ty.clone()];
        operand_types.extend(types[1..].iter().cloned());
        let pads = format!("pads = [{}, {}, {}, {}]", self.pads[0], self.pads[1], self.pads[2], self.pads[3]);
        let (op, attrs) = match self.epilogue {
            Some((steps, extras)) => (
                "nn.fused_conv",
                format!(
                    "{{{pads}, epilogue = [{steps}], operandSegmentSizes = [1, 1, {}, {}]}}",
                    i32::from(self.bias),
                    extras.len()
                ),
            ),
            None => ("nn.conv", format!("{{{pads}}}")),
        };
        let out = ty(&self.out());
        let src = format!(
            r#""builtin.module"() ({{
  "func.func"() ({{
  ^bb0({args}):
    %w = "nn.constant"() {{value = dense<[{literal}]> : {w_ty}}} : () -> {w_ty}
    %y = "{op}"({operands}) {attrs} : ({operand_types}) -> {out}
    "func.return"(%y) : ({out}) -> ()
  }}) {{function_type = ({types}) -> ({out}), sym_name = "f"}} : () -> ()
}}) : () -> ()"#,
            args = args.join(", "),
            literal = literal.join(", "),
            operands = operands.join(", "),
            operand_types = operand_types.join(", "),
            types = types.join(", "),
        );
        let inputs = shapes
            .iter()
            .enumerate()
            .map(|(i, s)| Tensor::new(s.clone(), Data::F32(values(s.iter().product(), i as u64 + 1))).unwrap())
            .collect();
        (src, inputs)
    }

    /// Checks the Winograd lowering (and that it is the one taken) and the direct one.
    fn check(&self) {
        self.check_taking_winograd(true);
    }

    /// Checks both lowerings against the reference, and that forcing Winograd takes it iff `winograd`.
    fn check_taking_winograd(&self, winograd: bool) {
        let (src, inputs) = self.module();
        let text = common::check_conv_lowering(&src, &inputs, TOL, ConvLowering::Winograd);
        assert_eq!(text.contains("kernel.winograd_conv"), winograd, "{text}");
        let text = common::check_conv_lowering(&src, &inputs, TOL, ConvLowering::Direct);
        assert!(!text.contains("winograd"), "{text}");
    }
}

fn conv(x: [usize; 4], k: usize, pads: [usize; 4]) -> Case<'static> {
    Case { x, k, pads, bias: false, epilogue: None }
}

#[test]
fn partial_tiles_odd_channels_and_bias() {
    // 6x7 output: a partial last tile row and column.
    Case { bias: true, ..conv([1, 3, 6, 7], 5, [1, 1, 1, 1]) }.check();
    // Two images, 13x11 output, 16 channels.
    Case { bias: true, ..conv([2, 16, 13, 11], 8, [1, 1, 1, 1]) }.check();
    // Output a multiple of 4 with pad 1; 9 tiles per row (a block of 8 and one more), 2 blocks of rows.
    conv([1, 4, 8, 8], 3, [1, 1, 1, 1]).check();
    Case { bias: true, ..conv([1, 3, 6, 35], 2, [1, 1, 1, 1]) }.check();
}

#[test]
fn tiny_images_and_asymmetric_or_zero_pads() {
    conv([1, 2, 1, 1], 3, [1, 1, 1, 1]).check();
    conv([1, 3, 2, 2], 2, [1, 1, 1, 1]).check();
    conv([2, 3, 5, 6], 3, [0, 1, 1, 0]).check();
    conv([1, 5, 4, 7], 1, [2, 0, 0, 2]).check();
    // No padding at all: output 8x8 from 10x10 and 7x8 from 9x10.
    conv([1, 4, 10, 10], 4, [0, 0, 0, 0]).check();
    conv([1, 4, 9, 10], 5, [0, 0, 0, 0]).check();
}

#[test]
fn fused_epilogues_with_residual_and_each_activation() {
    let out: &[usize] = &[2, 4, 5, 7];
    for activation in ["relu", "clip 0 6", "leaky_relu 0.1", "sigmoid", "tanh", "silu", "gelu", "hard_swish"] {
        let steps = format!("\"add $3\", \"{activation}\"");
        let case = Case { bias: true, epilogue: Some((&steps, &[out])), ..conv([2, 5, 5, 7], 4, [1, 1, 1, 1]) };
        case.check();
    }
    // A residual alone, and a bias added by the epilogue instead of the op.
    Case { epilogue: Some(("\"add $2\"", &[&[1, 2, 9, 17]])), ..conv([1, 3, 9, 17], 2, [1, 1, 1, 1]) }.check();
    Case { epilogue: Some(("\"add $2\", \"relu\"", &[&[4, 1, 1]])), ..conv([2, 5, 5, 7], 4, [1, 1, 1, 1]) }.check();
}

#[test]
fn epilogues_without_the_engine_form_keep_the_direct_lowering() {
    let out: &[usize] = &[2, 4, 5, 7];
    // An activation the engine does not have.
    let steps = "\"add $3\", \"gelu_tanh\"";
    let case = Case { bias: true, epilogue: Some((steps, &[out])), ..conv([2, 5, 5, 7], 4, [1, 1, 1, 1]) };
    case.check_taking_winograd(false);
    // A per-channel scale (the engine scales by one alpha) and a residual without bias.
    let case = Case {
        epilogue: Some(("\"mul $2\", \"add $3\", \"relu\"", &[&[4, 1, 1], out])),
        ..conv([2, 5, 5, 7], 4, [1, 1, 1, 1])
    };
    case.check_taking_winograd(false);
}

/// Lowers a conv with splat weights under `conv=auto` and says whether it took the Winograd path.
fn auto_picks_winograd(x: [usize; 4], k: usize) -> bool {
    let case = conv(x, k, [1, 1, 1, 1]);
    let w_ty = ty(&[k, x[1], 3, 3]);
    let (x_ty, out) = (ty(&x), ty(&case.out()));
    let src = format!(
        r#""builtin.module"() ({{
  "func.func"() ({{
  ^bb0(%x: {x_ty}):
    %w = "nn.constant"() {{value = dense<0.5> : {w_ty}}} : () -> {w_ty}
    %y = "nn.conv"(%x, %w) {{pads = [1, 1, 1, 1]}} : ({x_ty}, {w_ty}) -> {out}
    "func.return"(%y) : ({out}) -> ()
  }}) {{function_type = ({x_ty}) -> ({out}), sym_name = "f"}} : () -> ()
}}) : () -> ()"#
    );
    let mut ctx = Context::new(common::registry());
    let module = parse_source(&mut ctx, &src, "test.mlir").unwrap()[0];
    lower_module(&mut ctx, module, LowerOptions { conv: ConvLowering::Auto, ..LowerOptions::default() }).unwrap();
    print_op(&ctx, module, &PrintOptions::default()).contains("kernel.winograd_conv")
}

#[test]
fn cost_model_picks_winograd_for_resnet_sized_convs_only() {
    let model = CostModel::for_target("x86_64").unwrap();
    assert!(model.winograd_pays(1, 64, 64, [56, 56]));
    assert!(model.winograd_pays(1, 96, 32, [128, 128]));
    assert!(!model.winograd_pays(1, 3, 4, [8, 8]));
    assert!(auto_picks_winograd([1, 64, 56, 56], 64));
    assert!(!auto_picks_winograd([1, 4, 8, 8], 4));
}
