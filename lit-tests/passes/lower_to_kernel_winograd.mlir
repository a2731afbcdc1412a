// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(lower-to-kernel{conv=winograd})' | filecheck %s

// Tests that a 3x3 stride-1 conv with constant weights becomes Winograd F(4x4, 3x3) as one runtime call and
// no kernels: kernel.winograd_conv reading x with its padding implied, the transformed weights as a 36x3x2
// constant U, and writing y with the bias.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x2x5x6xf32>, %b: tensor<3xf32>):
    %w = "nn.constant"() {value = dense<0.5> : tensor<3x2x3x3xf32>} : () -> tensor<3x2x3x3xf32>
    %y = "nn.conv"(%x, %w, %b) {pads = [1, 1, 1, 1]} : (tensor<1x2x5x6xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x5x6xf32>
    "func.return"(%y) : (tensor<1x3x5x6xf32>) -> ()
  }) {function_type = (tensor<1x2x5x6xf32>, tensor<3xf32>) -> tensor<1x3x5x6xf32>, sym_name = "wino"} : () -> ()
}) : () -> ()
// CHECK-NOT: kernel.launch
// CHECK: %[[U:.*]] = "kernel.constant"() {value = dense_resource<__elided__> : tensor<36x3x2xf32>} : () -> memref<36x3x2xf32>
// CHECK: %[[X:.*]] = "kernel.view"(%arg0)
// CHECK: %[[UF:.*]] = "kernel.view"(%[[U]])
// CHECK: "kernel.winograd_conv"(%[[X]], %[[UF]], %{{.*}}, %arg1) {bias = true, channels = 2, filters = 3, height = 5, images = 1, out_height = 5, out_width = 6, pad_left = 1, pad_top = 1, width = 6}
// CHECK-NOT: kernel.launch

// -----

// Tests that a strided 3x3 conv keeps the direct GEMM even when Winograd is forced (Winograd takes
// stride 1 only).
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x2x6x6xf32>):
    %w = "nn.constant"() {value = dense<0.5> : tensor<4x2x3x3xf32>} : () -> tensor<4x2x3x3xf32>
    %y = "nn.conv"(%x, %w) {pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
    "func.return"(%y) : (tensor<1x4x3x3xf32>) -> ()
  }) {function_type = (tensor<1x2x6x6xf32>) -> tensor<1x4x3x3xf32>, sym_name = "strided"} : () -> ()
}) : () -> ()
// CHECK-NOT: winograd
// CHECK: "kernel.gemm"
