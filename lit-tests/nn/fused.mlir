// RUN: msc opt %s --split-input-file | filecheck %s
// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(shape-inference)' | filecheck %s --check-prefix=INFER
// RUN: msc opt %s --split-input-file | msc opt - --split-input-file | filecheck %s

// Round trip and shape inference of the fused ops (nn.fused_conv, nn.fused_matmul,
// nn.fused_elementwise, nn.rms_norm, nn.attention). The printer puts a function's attributes
// after its body, so each case ends with the CHECK-LABEL on its sym_name. Verifier errors are in
// invalid_fused.mlir.

// Tests that an NHWC fused_conv with a bias, a residual extra and an epilogue prints back with
// every operand and attribute (operandSegmentSizes splits bias and extras).
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %r: tensor<1x8x8x4xf32>):
    %0 = "nn.fused_conv"(%x, %w, %b, %r) {epilogue = ["add $3", "relu"], layout = "NHWC", operandSegmentSizes = [1, 1, 1, 1], pads = [1, 1, 1, 1]} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
    "func.return"(%0) : (tensor<1x8x8x4xf32>) -> ()
  }) {function_type = (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>, sym_name = "conv_nhwc"} : () -> ()
}) : () -> ()
// CHECK: %0 = "nn.fused_conv"(%arg0, %arg1, %arg2, %arg3) {epilogue = ["add $3", "relu"], layout = "NHWC", operandSegmentSizes = [1, 1, 1, 1], pads = [1, 1, 1, 1]} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
// CHECK-NEXT: "func.return"(%0) : (tensor<1x8x8x4xf32>) -> ()
// CHECK-LABEL: sym_name = "conv_nhwc"
// INFER: "nn.fused_conv"{{.*}} -> tensor<1x8x8x4xf32>
// INFER-LABEL: sym_name = "conv_nhwc"

// -----

// Tests that a blocked depthwise fused_conv with a symbolic batch infers N x M/8 x OH x OW x 8,
// keeping the batch symbol, and that the clip step prints its infinite bound.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<?x2x9x9x8xf32, {dims = ["N"]}>, %w: tensor<16x1x3x3xf32>):
    %0 = "nn.fused_conv"(%x, %w) {epilogue = ["clip -inf 6"], group = 16, layout = "NCHW8c", operandSegmentSizes = [1, 1, 0, 0], strides = [2, 2]} : (tensor<?x2x9x9x8xf32, {dims = ["N"]}>, tensor<16x1x3x3xf32>) -> tensor<?x?x?x?x8xf32, {dims = ["N", "a", "b", "c"]}>
    "func.return"(%0) : (tensor<?x?x?x?x8xf32, {dims = ["N", "a", "b", "c"]}>) -> ()
  }) {function_type = (tensor<?x2x9x9x8xf32, {dims = ["N"]}>, tensor<16x1x3x3xf32>) -> tensor<?x?x?x?x8xf32, {dims = ["N", "a", "b", "c"]}>, sym_name = "conv_blocked"} : () -> ()
}) : () -> ()
// CHECK: "nn.fused_conv"(%arg0, %arg1) {epilogue = ["clip -inf 6"], group = 16, layout = "NCHW8c", operandSegmentSizes = [1, 1, 0, 0], strides = [2, 2]}
// CHECK-LABEL: sym_name = "conv_blocked"
// INFER: "nn.fused_conv"{{.*}} -> tensor<?x2x4x4x8xf32, {dims = ["N"]}>
// INFER-LABEL: sym_name = "conv_blocked"

// -----

// Tests that fused_matmul, fused_elementwise, rms_norm and attention print back, and that
// shape inference computes their results.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%a: tensor<2x8x16xf32>, %b: tensor<32x16xf32>, %bias: tensor<32xf32>, %s: tensor<32xf32>, %m: tensor<8x8xf32>):
    %0 = "nn.fused_matmul"(%a, %b, %bias) {epilogue = ["add $2", "gelu_tanh"], trans_b = 1} : (tensor<2x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
    %1 = "nn.fused_elementwise"(%0, %s) {steps = ["mul $1", "sigmoid", "mul $0", "sub $1 swap"]} : (tensor<2x8x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
    %2 = "nn.rms_norm"(%1, %s) {epsilon = 1.0e-06} : (tensor<2x8x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
    %3 = "nn.attention"(%2, %2, %2, %m) {scale = 0.125} : (tensor<2x8x32xf32>, tensor<2x8x32xf32>, tensor<2x8x32xf32>, tensor<8x8xf32>) -> tensor<2x8x32xf32>
    "func.return"(%3) : (tensor<2x8x32xf32>) -> ()
  }) {function_type = (tensor<2x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>, tensor<32xf32>, tensor<8x8xf32>) -> tensor<2x8x32xf32>, sym_name = "transformer"} : () -> ()
}) : () -> ()
// CHECK: %0 = "nn.fused_matmul"(%arg0, %arg1, %arg2) {epilogue = ["add $2", "gelu_tanh"], trans_b = 1} : (tensor<2x8x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
// CHECK-NEXT: %1 = "nn.fused_elementwise"(%0, %arg3) {steps = ["mul $1", "sigmoid", "mul $0", "sub $1 swap"]} : (tensor<2x8x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
// CHECK-NEXT: %2 = "nn.rms_norm"(%1, %arg3) {epsilon = 1.0e-06} : (tensor<2x8x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
// CHECK-NEXT: %3 = "nn.attention"(%2, %2, %2, %arg4) {scale = 0.125} : (tensor<2x8x32xf32>, tensor<2x8x32xf32>, tensor<2x8x32xf32>, tensor<8x8xf32>) -> tensor<2x8x32xf32>
// CHECK-LABEL: sym_name = "transformer"
// INFER: "nn.attention"{{.*}} -> tensor<2x8x32xf32>
// INFER-LABEL: sym_name = "transformer"
