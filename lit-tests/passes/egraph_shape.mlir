// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s

// Tests that a transpose pair composing to the identity and a reshape chain disappear.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<2x3x4xf32>):
    %s1 = "nn.constant"() {value = dense<[6, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
    %s2 = "nn.constant"() {value = dense<[2, 3, 4]> : tensor<3xi64>} : () -> tensor<3xi64>
    %a = "nn.transpose"(%x) {perm = [1, 2, 0]} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32> loc("t1")
    %b = "nn.transpose"(%a) {perm = [2, 0, 1]} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32> loc("t2")
    %c = "nn.reshape"(%b, %s1) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32> loc("r1")
    %d = "nn.reshape"(%c, %s2) : (tensor<6x4xf32>, tensor<3xi64>) -> tensor<2x3x4xf32> loc("r2")
    %r = "nn.identity"(%d) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("id")
    "func.return"(%r) : (tensor<2x3x4xf32>) -> ()
  }) {function_type = (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>, sym_name = "shapes"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-NEXT: ^bb0(%arg0: tensor<2x3x4xf32>):
// CHECK-NEXT: "func.return"(%arg0)

// -----

// Tests that a slice taking back the second input of a concat is that input.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%a: tensor<2x2xf32>, %b: tensor<3x2xf32>):
    %st = "nn.constant"() {value = dense<[2]> : tensor<1xi64>} : () -> tensor<1xi64>
    %en = "nn.constant"() {value = dense<[5]> : tensor<1xi64>} : () -> tensor<1xi64>
    %ax = "nn.constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
    %c = "nn.concat"(%a, %b) {axis = 0} : (tensor<2x2xf32>, tensor<3x2xf32>) -> tensor<5x2xf32> loc("concat")
    %r = "nn.slice"(%c, %st, %en, %ax) {operandSegmentSizes = [1, 1, 1, 1, 0]} : (tensor<5x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3x2xf32> loc("slice")
    "func.return"(%r) : (tensor<3x2xf32>) -> ()
  }) {function_type = (tensor<2x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>, sym_name = "slice_concat"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-NEXT: ^bb0(%arg0: tensor<2x2xf32>, %arg1: tensor<3x2xf32>):
// CHECK-NEXT: "func.return"(%arg1)
