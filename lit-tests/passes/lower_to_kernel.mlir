// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(lower-to-kernel)' | filecheck %s

// Tests that each op becomes a kernel function over (begin, end, buffers...) and a launch in the
// schedule function, which takes the inputs then the outputs as memrefs; intermediates are
// allocations, and the last op writes straight into the output buffer.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<8xf32>):
    %a = "nn.neg"(%x) : (tensor<8xf32>) -> tensor<8xf32>
    %b = "nn.exp"(%a) : (tensor<8xf32>) -> tensor<8xf32>
    "func.return"(%b) : (tensor<8xf32>) -> ()
  }) {function_type = (tensor<8xf32>) -> tensor<8xf32>, sym_name = "chain"} : () -> ()
}) : () -> ()
// CHECK: ^bb0(%arg0: index, %arg1: index, %arg2: memref<8xf32>, %arg3: memref<8xf32>):
// CHECK: "scf.for"
// CHECK: "memref.load"(%arg2
// CHECK: "arith.negf"
// CHECK: "memref.store"
// CHECK: sym_name = "neg_0"
// CHECK: "math.exp"
// CHECK: sym_name = "exp_1"
// CHECK: ^bb0(%arg0: memref<8xf32>, %arg1: memref<8xf32>):
// CHECK-NEXT: %[[T:.*]] = "memref.alloc"() : () -> memref<8xf32>
// CHECK-NEXT: "kernel.launch"(%arg0, %[[T]]) {callee = @neg_0, op_type = "nn.neg", tiles = 1}
// CHECK-NEXT: "kernel.launch"(%[[T]], %arg1) {callee = @exp_1, op_type = "nn.exp", tiles = 1}
// CHECK-NEXT: "func.return"() : () -> ()
// CHECK: kernel.num_outputs = 1, sym_name = "chain"

// -----

// Tests that weights become kernel constants, a reshape becomes a view (no kernel), and a
// returned input is copied into its output buffer.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<2x2xf32>):
    %s = "nn.constant"() {value = dense<[4]> : tensor<1xi64>} : () -> tensor<1xi64>
    %w = "nn.constant"() {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> tensor<4xf32>
    %r = "nn.reshape"(%x, %s) : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<4xf32>
    %y = "nn.add"(%r, %w) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    "func.return"(%y, %x) : (tensor<4xf32>, tensor<2x2xf32>) -> ()
  }) {function_type = (tensor<2x2xf32>) -> (tensor<4xf32>, tensor<2x2xf32>), sym_name = "views"} : () -> ()
}) : () -> ()
// CHECK: ^bb0(%arg0: memref<2x2xf32>, %arg1: memref<4xf32>, %arg2: memref<2x2xf32>):
// CHECK: %[[W:.*]] = "kernel.constant"() {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : () -> memref<4xf32>
// CHECK: %[[V:.*]] = "kernel.view"(%arg0) {offset = 0} : (memref<2x2xf32>) -> memref<4xf32>
// CHECK: "kernel.launch"(%[[V]], %[[W]], %arg1) {callee = @add_{{[0-9]+}}, op_type = "nn.add"
// CHECK: "kernel.launch"({{.*}}) {callee = @copy_{{[0-9]+}}, op_type = "func.return"
// CHECK: sym_name = "views"

// -----

// Tests that a fused conv becomes one kernel over the flat stored (NHWC) buffers plus the bias and
// the epilogue's extra, in which each output element is summed, gets the residual added and the
// relu applied, then is stored.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x4x4x2xf32>, %w: tensor<3x2x1x1xf32>, %b: tensor<3xf32>, %r: tensor<1x4x4x3xf32>):
    %y = "nn.fused_conv"(%x, %w, %b, %r) {epilogue = ["add $3", "relu"], layout = "NHWC", operandSegmentSizes = [1, 1, 1, 1]} : (tensor<1x4x4x2xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
    "func.return"(%y) : (tensor<1x4x4x3xf32>) -> ()
  }) {function_type = (tensor<1x4x4x2xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>, sym_name = "fused_conv_nhwc"} : () -> ()
}) : () -> ()
// CHECK: ^bb0(%arg0: index, %arg1: index, %arg2: memref<32xf32>, %arg3: memref<6xf32>, %arg4: memref<48xf32>, %arg5: memref<3xf32>, %arg6: memref<48xf32>):
// CHECK: "scf.for"
// CHECK: "memref.load"(%arg5
// CHECK: "arith.mulf"
// CHECK: "arith.select"
// CHECK: "arith.addf"
// CHECK: "memref.load"(%arg6
// CHECK: "arith.addf"
// CHECK: "arith.cmpf"
// CHECK: "arith.select"
// CHECK: "memref.store"({{.*}}, %arg4,
// CHECK: sym_name = "fused_conv_0"
// CHECK: ^bb0(%arg0: memref<1x4x4x2xf32>, %arg1: memref<3x2x1x1xf32>, %arg2: memref<3xf32>, %arg3: memref<1x4x4x3xf32>, %arg4: memref<1x4x4x3xf32>):
// CHECK: "kernel.launch"({{.*}}) {callee = @fused_conv_0, op_type = "nn.fused_conv", tiles = 1}
// CHECK: sym_name = "fused_conv_nhwc"

// -----

// Tests that softmax and layer_norm divide once per row, not per element: softmax's last loop
// multiplies by `1 / sum`, and the layer_norm kernel computes `1 / sqrt(var + eps)` once per row
// (after its mean and variance loops), by which its last loop multiplies.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<2x5xf32>, %s: tensor<5xf32>):
    %y = "nn.softmax"(%x) {axis = -1} : (tensor<2x5xf32>) -> tensor<2x5xf32>
    %z = "nn.layer_norm"(%y, %s) {axis = -1, epsilon = 1.0e-5 : f64} : (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
    "func.return"(%z) : (tensor<2x5xf32>) -> ()
  }) {function_type = (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>, sym_name = "rows"} : () -> ()
}) : () -> ()
// CHECK: "arith.maximumf"
// CHECK: "math.exp"
// CHECK: "arith.addf"
// CHECK: %[[ONE:.*]] = "arith.constant"() {value = 1.0} : () -> f32
// CHECK-NEXT: %[[R:.*]] = "arith.divf"(%[[ONE]], %{{.*}}) : (f32, f32) -> f32
// CHECK: "scf.for"
// CHECK-NOT: "arith.divf"
// CHECK: "arith.mulf"(%{{.*}}, %[[R]]) : (f32, f32) -> f32
// CHECK: sym_name = "softmax_0"
// CHECK: "math.sqrt"
// CHECK-NEXT: %[[ONE2:.*]] = "arith.constant"() {value = 1.0} : () -> f32
// CHECK-NEXT: %[[R2:.*]] = "arith.divf"(%[[ONE2]], %{{.*}}) : (f32, f32) -> f32
// CHECK: "scf.for"
// CHECK-NOT: "arith.divf"
// CHECK: "arith.mulf"(%{{.*}}, %[[R2]]) : (f32, f32) -> f32
// CHECK-NOT: "arith.divf"
// CHECK: sym_name = "layer_norm_1"
