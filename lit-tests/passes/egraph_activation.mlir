// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s

// Tests that the erf form of gelu and x * sigmoid(x) become nn.gelu and nn.silu (then one fused elementwise op).
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<4x8xf32>):
    %k = "nn.constant"() {value = dense<1.4142135> : tensor<f32>} : () -> tensor<f32>
    %one = "nn.constant"() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
    %half = "nn.constant"() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
    %d = "nn.div"(%x, %k) : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32> loc("div")
    %e = "nn.erf"(%d) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("erf")
    %a = "nn.add"(%e, %one) : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32> loc("add")
    %m = "nn.mul"(%x, %a) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("mul")
    %g = "nn.mul"(%m, %half) : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32> loc("half")
    %s = "nn.sigmoid"(%g) : (tensor<4x8xf32>) -> tensor<4x8xf32> loc("sigmoid")
    %r = "nn.mul"(%g, %s) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("swish")
    "func.return"(%r) : (tensor<4x8xf32>) -> ()
  }) {function_type = (tensor<4x8xf32>) -> tensor<4x8xf32>, sym_name = "gelu_silu"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: "nn.fused_elementwise"(%arg0) {steps = ["gelu", "silu"]}
// CHECK-NEXT: "func.return"
