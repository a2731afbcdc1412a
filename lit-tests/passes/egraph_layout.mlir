// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s
// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=aarch64}, fold-constants, cse, dce)' | filecheck %s --check-prefix=ARM
// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64 disable-rule=conv-to-blocked-layout,conv-to-nhwc}, fold-constants, cse, dce)' | filecheck %s --check-prefix=NCHW

// Tests that the cost model decides the layout of two 3x3 convs with a relu between: the aarch64 table
// (estimates) prefers the blocked layout NCHW4c, with one conversion in and one out; the x86_64 table
// (measured on the CPU backend, whose NCHW convs run in the GEMM engine and whose blocked convs are plain
// loops) keeps NCHW; with the layout rules disabled they stay NCHW.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x16x56x56xf32>):
    %w = "nn.constant"() {value = dense<0.01> : tensor<16x16x3x3xf32>} : () -> tensor<16x16x3x3xf32>
    %a = "nn.conv"(%x, %w) {pads = [1, 1, 1, 1]} : (tensor<1x16x56x56xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x56x56xf32> loc("conv1")
    %b = "nn.relu"(%a) : (tensor<1x16x56x56xf32>) -> tensor<1x16x56x56xf32> loc("relu1")
    %r = "nn.conv"(%b, %w) {pads = [1, 1, 1, 1]} : (tensor<1x16x56x56xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x56x56xf32> loc("conv2")
    "func.return"(%r) : (tensor<1x16x56x56xf32>) -> ()
  }) {function_type = (tensor<1x16x56x56xf32>) -> tensor<1x16x56x56xf32>, sym_name = "two_convs"} : () -> ()
}) : () -> ()
// CHECK-LABEL: "func.func"
// CHECK-NOT: "nn.transpose"
// CHECK: "nn.fused_conv"(%arg0, %{{.*}}) {epilogue = ["relu"], operandSegmentSizes = [1, 1, 0, 0], pads = [1, 1, 1, 1]}
// CHECK-NOT: layout
// CHECK: "func.return"
// ARM-LABEL: "func.func"
// ARM: "nn.reshape"(%arg0
// ARM-NEXT: "nn.transpose"({{.*}}) {perm = [0, 1, 3, 4, 2]}
// ARM: layout = "NCHW4c"
// ARM: layout = "NCHW4c"
// NCHW-LABEL: "func.func"
// NCHW-NOT: layout
// NCHW: "nn.fused_conv"(%arg0, %{{.*}}) {epilogue = ["relu"]
