// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s

// Tests that a batch norm and a relu after a conv become one fused conv whose weights fold, with the
// locations of all three.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x2x6x6xf32>):
    %w = "nn.constant"() {value = dense<0.5> : tensor<4x2x3x3xf32>} : () -> tensor<4x2x3x3xf32>
    %s = "nn.constant"() {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
    %b = "nn.constant"() {value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>} : () -> tensor<4xf32>
    %m = "nn.constant"() {value = dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>} : () -> tensor<4xf32>
    %v = "nn.constant"() {value = dense<[1.0, 0.5, 2.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
    %c = "nn.conv"(%x, %w) {pads = [1, 1, 1, 1]} : (tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> loc("conv1")
    %y = "nn.batch_norm"(%c, %s, %b, %m, %v) : (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32> loc("bn1")
    %r = "nn.relu"(%y) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("relu1")
    "func.return"(%r) : (tensor<1x4x6x6xf32>) -> ()
  }) {function_type = (tensor<1x2x6x6xf32>) -> tensor<1x4x6x6xf32>, sym_name = "conv_bn_relu"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-NOT: nn.batch_norm
// CHECK: "nn.fused_conv"(%arg0, %{{.*}}, %{{.*}}) {epilogue = ["relu"], operandSegmentSizes = [1, 1, 1, 0], pads = [1, 1, 1, 1]}{{.*}}loc(fused["conv1", "bn1", "relu1"])
// CHECK-NOT: nn.relu

// -----

// Tests that zero padding before a conv becomes the conv's pads.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x1x4x4xf32>):
    %p = "nn.constant"() {value = dense<[0, 0, 1, 1, 0, 0, 1, 1]> : tensor<8xi64>} : () -> tensor<8xi64>
    %w = "nn.constant"() {value = dense<0.5> : tensor<1x1x3x3xf32>} : () -> tensor<1x1x3x3xf32>
    %z = "nn.pad"(%x, %p) {operandSegmentSizes = [1, 1, 0, 0]} : (tensor<1x1x4x4xf32>, tensor<8xi64>) -> tensor<1x1x6x6xf32> loc("pad")
    %r = "nn.conv"(%z, %w) : (tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> loc("conv")
    "func.return"(%r) : (tensor<1x1x4x4xf32>) -> ()
  }) {function_type = (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>, sym_name = "pad_conv"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-NOT: nn.pad
// CHECK: "nn.conv"(%arg0, %{{.*}}) {pads = [1, 1, 1, 1]}

// -----

// Tests that a relu after a transposed conv becomes its fused epilogue.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x2x3x3xf32>):
    %w = "nn.constant"() {value = dense<0.5> : tensor<2x4x4x4xf32>} : () -> tensor<2x4x4x4xf32>
    %b = "nn.constant"() {value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>} : () -> tensor<4xf32>
    %y = "nn.conv_transpose"(%x, %w, %b) {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x3x3xf32>, tensor<2x4x4x4xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32> loc("deconv")
    %r = "nn.relu"(%y) : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("relu")
    "func.return"(%r) : (tensor<1x4x6x6xf32>) -> ()
  }) {function_type = (tensor<1x2x3x3xf32>) -> tensor<1x4x6x6xf32>, sym_name = "deconv_relu"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK: "nn.fused_conv_transpose"(%arg0, %{{.*}}, %{{.*}}) {epilogue = ["relu"], operandSegmentSizes = [1, 1, 1, 0], pads = [1, 1, 1, 1], strides = [2, 2]}{{.*}}loc(fused["deconv", "relu"])
// CHECK-NOT: nn.relu
