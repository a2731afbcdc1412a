// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s

// Tests that the primitive layer-norm pattern with an affine scale and shift becomes one layer_norm.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<2x8xf32>):
    %axes = "nn.constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
    %two = "nn.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
    %eps = "nn.constant"() {value = dense<1.0e-05> : tensor<f32>} : () -> tensor<f32>
    %g = "nn.constant"() {value = dense<1.5> : tensor<8xf32>} : () -> tensor<8xf32>
    %be = "nn.constant"() {value = dense<0.25> : tensor<8xf32>} : () -> tensor<8xf32>
    %m = "nn.reduce_mean"(%x, %axes) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32> loc("mean")
    %d = "nn.sub"(%x, %m) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32> loc("sub")
    %p = "nn.pow"(%d, %two) : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32> loc("pow")
    %v = "nn.reduce_mean"(%p, %axes) : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32> loc("var")
    %ve = "nn.add"(%v, %eps) : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32> loc("add_eps")
    %s = "nn.sqrt"(%ve) : (tensor<2x1xf32>) -> tensor<2x1xf32> loc("sqrt")
    %n = "nn.div"(%d, %s) : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32> loc("div")
    %y = "nn.mul"(%n, %g) : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32> loc("gamma")
    %r = "nn.add"(%y, %be) : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32> loc("beta")
    "func.return"(%r) : (tensor<2x8xf32>) -> ()
  }) {function_type = (tensor<2x8xf32>) -> tensor<2x8xf32>, sym_name = "layer_norm"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-DAG: %[[S:.*]] = "nn.constant"() {value = dense<1.5> : tensor<8xf32>}
// CHECK-DAG: %[[B:.*]] = "nn.constant"() {value = dense<0.25> : tensor<8xf32>}
// CHECK: "nn.layer_norm"(%arg0, %[[S]], %[[B]]) {axis = 1, epsilon = {{.*}}}
// CHECK-NEXT: "func.return"
