// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s

// Tests that a chain of elementwise ops with a broadcast operand becomes one fused elementwise op.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8xf32>):
    %a = "nn.add"(%x, %y) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> loc("add")
    %b = "nn.tanh"(%a) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("tanh")
    %r = "nn.mul"(%y, %b) : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("mul")
    "func.return"(%r) : (tensor<4x8xf32>) -> ()
  }) {function_type = (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>, sym_name = "chain"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: "nn.fused_elementwise"(%arg0, %arg1, %arg1) {steps = ["add $1", "tanh", "mul $2 swap"]}{{.*}}loc(fused["add", "tanh", "mul"])
