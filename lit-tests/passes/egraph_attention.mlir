// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=aarch64}, fold-constants, cse, dce)' | filecheck %s
// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s --check-prefix=X86

// Tests that BERT-style multi-head attention (heads split by reshape + transpose, k transposed with
// perm [0, 2, 3, 1], a scale division, a mask add, softmax on the last axis) becomes nn.attention on
// the head-split q, k and v, the two transposes of k composing into one, where the cost model says it
// pays (aarch64's estimated table). On x86_64 the measured table prices nn.attention at the loop rate its
// lowering runs at, so the products stay GEMMs: the scale and mask go into the first one's epilogue, and
// k's transpose becomes the row-preserving head split with the matmul's trans_b.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%q: tensor<1x3x8xf32>, %k: tensor<1x5x8xf32>, %v: tensor<1x5x8xf32>, %mask: tensor<1x1x1x5xf32>):
    %shape = "nn.constant"() {value = dense<[1, -1, 2, 4]> : tensor<4xi64>} : () -> tensor<4xi64>
    %s = "nn.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
    %qr = "nn.reshape"(%q, %shape) : (tensor<1x3x8xf32>, tensor<4xi64>) -> tensor<1x3x2x4xf32> loc("q_reshape")
    %qh = "nn.transpose"(%qr) {perm = [0, 2, 1, 3]} : (tensor<1x3x2x4xf32>) -> tensor<1x2x3x4xf32> loc("q_heads")
    %kr = "nn.reshape"(%k, %shape) : (tensor<1x5x8xf32>, tensor<4xi64>) -> tensor<1x5x2x4xf32> loc("k_reshape")
    %kt = "nn.transpose"(%kr) {perm = [0, 2, 3, 1]} : (tensor<1x5x2x4xf32>) -> tensor<1x2x4x5xf32> loc("k_heads_t")
    %vr = "nn.reshape"(%v, %shape) : (tensor<1x5x8xf32>, tensor<4xi64>) -> tensor<1x5x2x4xf32> loc("v_reshape")
    %vh = "nn.transpose"(%vr) {perm = [0, 2, 1, 3]} : (tensor<1x5x2x4xf32>) -> tensor<1x2x5x4xf32> loc("v_heads")
    %qk = "nn.matmul"(%qh, %kt) : (tensor<1x2x3x4xf32>, tensor<1x2x4x5xf32>) -> tensor<1x2x3x5xf32> loc("qk")
    %sc = "nn.div"(%qk, %s) : (tensor<1x2x3x5xf32>, tensor<f32>) -> tensor<1x2x3x5xf32> loc("scale")
    %ms = "nn.add"(%sc, %mask) : (tensor<1x2x3x5xf32>, tensor<1x1x1x5xf32>) -> tensor<1x2x3x5xf32> loc("mask")
    %p = "nn.softmax"(%ms) {axis = -1} : (tensor<1x2x3x5xf32>) -> tensor<1x2x3x5xf32> loc("softmax")
    %r = "nn.matmul"(%p, %vh) : (tensor<1x2x3x5xf32>, tensor<1x2x5x4xf32>) -> tensor<1x2x3x4xf32> loc("pv")
    "func.return"(%r) : (tensor<1x2x3x4xf32>) -> ()
  }) {function_type = (tensor<1x3x8xf32>, tensor<1x5x8xf32>, tensor<1x5x8xf32>, tensor<1x1x1x5xf32>) -> tensor<1x2x3x4xf32>, sym_name = "attention"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-DAG: %[[Q:.*]] = "nn.transpose"(%{{.*}}) {perm = [0, 2, 1, 3]}{{.*}}loc("q_heads")
// CHECK-DAG: %[[K:.*]] = "nn.transpose"(%{{.*}}) {perm = [0, 2, 1, 3]}{{.*}}loc(fused["k_heads_t", "qk"
// CHECK-DAG: %[[V:.*]] = "nn.transpose"(%{{.*}}) {perm = [0, 2, 1, 3]}{{.*}}loc("v_heads")
// CHECK: "nn.attention"(%[[Q]], %[[K]], %[[V]], %arg3) {scale = 0.5}{{.*}}loc(fused["k_heads_t", "qk", "scale", "mask", "softmax", "pv"])
// CHECK-NOT: nn.softmax
// X86-LABEL: "func.func"
// X86-NOT: nn.attention
// X86: "nn.transpose"({{.*}}) {perm = [0, 2, 1, 3]}{{.*}}loc(fused["k_heads_t", "qk"
// X86: "nn.fused_matmul"({{.*}}) {epilogue = ["div $2", "add $3"], trans_b = 1}
// X86-NEXT: "nn.softmax"
// X86: "nn.matmul"
