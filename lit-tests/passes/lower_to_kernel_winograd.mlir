// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(lower-to-kernel{conv=winograd})' | filecheck %s

// Tests that a 3x3 stride-1 conv with constant weights becomes Winograd F(4x4, 3x3): the input padded to
// the tile grid (5x6 output: 2x2 tiles, a 10x10 padded plane), the input transform storing each of the
// 36 positions through its own view of V, one kernel.gemm batched over the positions with the
// transformed weights as a 36x3x2 constant A, the output transform storing each of the 16 cells through
// its own view of Z, and the scatter of the cells into the output with the bias.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x2x5x6xf32>, %b: tensor<3xf32>):
    %w = "nn.constant"() {value = dense<0.5> : tensor<3x2x3x3xf32>} : () -> tensor<3x2x3x3xf32>
    %y = "nn.conv"(%x, %w, %b) {pads = [1, 1, 1, 1]} : (tensor<1x2x5x6xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x5x6xf32>
    "func.return"(%y) : (tensor<1x3x5x6xf32>) -> ()
  }) {function_type = (tensor<1x2x5x6xf32>, tensor<3xf32>) -> tensor<1x3x5x6xf32>, sym_name = "wino"} : () -> ()
}) : () -> ()
// CHECK: sym_name = "winograd_pad_0"
// CHECK: sym_name = "winograd_input_1"
// CHECK: sym_name = "winograd_output_2"
// CHECK: sym_name = "winograd_scatter_3"
// CHECK: %[[U:.*]] = "kernel.constant"() {value = dense_resource<__elided__> : tensor<36x3x2xf32>} : () -> memref<36x3x2xf32>
// CHECK: %[[P:.*]] = "memref.alloc"() : () -> memref<200xf32>
// CHECK: "kernel.launch"(%{{.*}}, %[[P]]) {callee = @winograd_pad_0, op_type = "nn.conv", tiles = 1}
// CHECK: %[[V:.*]] = "memref.alloc"() : () -> memref<288xf32>
// CHECK: "kernel.view"(%[[V]]) {offset = 32} : (memref<288xf32>) -> memref<8xf32>
// CHECK: {callee = @winograd_input_1, op_type = "nn.conv", tiles = 1}
// CHECK: %[[M:.*]] = "memref.alloc"() : () -> memref<432xf32>
// CHECK: %[[UF:.*]] = "kernel.view"(%[[U]])
// CHECK: "kernel.gemm"(%[[UF]], %[[V]], %[[M]]) {a = "strided 2 1", b = "strided 4 1", batch = [36, 6, 8, 12, 0, 0], k = 2, ldc = 4, m = 3, n = 4}
// CHECK: %[[Z:.*]] = "memref.alloc"() : () -> memref<192xf32>
// CHECK: "kernel.launch"(%[[M]], %{{.*}}) {callee = @winograd_output_2, op_type = "nn.conv", tiles = 1}
// CHECK: "kernel.launch"(%[[Z]], %{{.*}}, %arg1) {callee = @winograd_scatter_3, op_type = "nn.conv", tiles = 1}

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
