// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s

// Tests that a matmul with a transposed operand, a bias add and a relu become one fused matmul.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%a: tensor<8x16xf32>, %b: tensor<32x16xf32>):
    %c = "nn.constant"() {value = dense<0.5> : tensor<32xf32>} : () -> tensor<32xf32>
    %t = "nn.transpose"(%b) {perm = [1, 0]} : (tensor<32x16xf32>) -> tensor<16x32xf32> loc("transpose")
    %m = "nn.matmul"(%a, %t) : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32> loc("matmul")
    %y = "nn.add"(%m, %c) : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> loc("bias")
    %r = "nn.relu"(%y) : (tensor<8x32xf32>) -> tensor<8x32xf32> loc("relu")
    "func.return"(%r) : (tensor<8x32xf32>) -> ()
  }) {function_type = (tensor<8x16xf32>, tensor<32x16xf32>) -> tensor<8x32xf32>, sym_name = "matmul_bias_relu"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK: "nn.fused_matmul"(%arg0, %arg1, %{{.*}}) {epilogue = ["add $2", "relu"], trans_b = 1}{{.*}}loc(fused["transpose", "matmul", "bias", "relu"])
// CHECK-NEXT: "func.return"

// -----

// Tests that a division of a batched matmul by a scalar joins its epilogue.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%a: tensor<2x4x8xf32>, %b: tensor<2x8x16xf32>):
    %s = "nn.constant"() {value = dense<4.0> : tensor<f32>} : () -> tensor<f32>
    %m = "nn.matmul"(%a, %b) : (tensor<2x4x8xf32>, tensor<2x8x16xf32>) -> tensor<2x4x16xf32> loc("matmul")
    %r = "nn.div"(%m, %s) : (tensor<2x4x16xf32>, tensor<f32>) -> tensor<2x4x16xf32> loc("scale")
    "func.return"(%r) : (tensor<2x4x16xf32>) -> ()
  }) {function_type = (tensor<2x4x8xf32>, tensor<2x8x16xf32>) -> tensor<2x4x16xf32>, sym_name = "matmul_scale"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK: %[[S:.*]] = "nn.constant"() {value = dense<4.0> : tensor<f32>}
// CHECK-NEXT: "nn.fused_matmul"(%arg0, %arg1, %[[S]]) {epilogue = ["div $2"]}{{.*}}loc(fused["matmul", "scale"])
