// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)' | filecheck %s
// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=aarch64}, fold-constants, cse, dce)' | filecheck %s --check-prefix=ARM
// RUN: msc opt %s --split-input-file --pass-pipeline='builtin.module(nn-egraph-optimize{target=x86_64 disable-rule=conv-to-blocked-layout,conv-to-nhwc}, fold-constants, cse, dce)' | filecheck %s --check-prefix=NCHW

// Tests that two large 3x3 convs with a relu between run in the target's blocked layout (NCHW16c on
// x86_64, NCHW4c on aarch64) with one conversion in and one out, and stay NCHW when the layout rules are disabled.
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
// CHECK: "nn.reshape"(%arg0
// CHECK-NEXT: "nn.transpose"({{.*}}) {perm = [0, 1, 3, 4, 2]}
// CHECK: "nn.fused_conv"({{.*}}) {epilogue = ["relu"], layout = "NCHW16c"
// CHECK-NEXT: "nn.fused_conv"({{.*}}) {layout = "NCHW16c"
// CHECK-NEXT: "nn.transpose"({{.*}}) {perm = [0, 1, 4, 2, 3]}
// CHECK: "nn.reshape"
// ARM-LABEL: "func.func"
// ARM: layout = "NCHW4c"
// ARM: layout = "NCHW4c"
// NCHW-LABEL: "func.func"
// NCHW-NOT: layout
// NCHW: "nn.fused_conv"(%arg0, %{{.*}}) {epilogue = ["relu"]
