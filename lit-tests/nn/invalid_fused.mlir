// RUN: msc opt %s --split-input-file --verify-diagnostics

// Verifier rules of the fused ops: one case per rule, each expecting its error on the offending
// op.

// Tests that a malformed epilogue step is reported with the step and the offending token.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>):
    // expected-error @+1 {{'nn.fused_conv' op attribute `epilogue` #1: step "leaky_relu fast": token "fast" is not a number (<alpha>)}}
    %0 = "nn.fused_conv"(%x, %w) {epilogue = ["relu", "leaky_relu fast"], operandSegmentSizes = [1, 1, 0, 0]} : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> (), sym_name = "bad_step"} : () -> ()
}) : () -> ()

// -----

// Tests that a step's operand must exist.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4xf32>):
    // expected-error @+1 {{'nn.fused_matmul' op attribute `epilogue` #0: step "add $5": operand $5 is out of range (the op has 3 operands)}}
    %0 = "nn.fused_matmul"(%a, %b, %c) {epilogue = ["add $5"]} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> (), sym_name = "operand_out_of_range"} : () -> ()
}) : () -> ()

// -----

// Tests that a step may read only an extra operand, not the conv's input, weight or bias.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %r: tensor<1x4x3x3xf32>):
    // expected-error @+1 {{'nn.fused_conv' op attribute `epilogue` #0: step "mul $2": operand $2 is not an extra operand (extra operands are $3..=$3)}}
    %0 = "nn.fused_conv"(%x, %w, %b, %r) {epilogue = ["mul $2"], operandSegmentSizes = [1, 1, 1, 1]} : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1x4x3x3xf32>) -> (), sym_name = "not_extra"} : () -> ()
}) : () -> ()

// -----

// Tests that an extra must broadcast to the stored result without growing it.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x5x5x3xf32>, %w: tensor<4x3x3x3xf32>, %r: tensor<1x4x3x3xf32>):
    // expected-error @+1 {{'nn.fused_conv' op attribute `epilogue` #0: step "add $2": extra operand $2 of shape [1, 4, 3, 3] does not broadcast to the result shape [1, 3, 3, 4]}}
    %0 = "nn.fused_conv"(%x, %w, %r) {epilogue = ["add $2"], layout = "NHWC", operandSegmentSizes = [1, 1, 0, 1]} : (tensor<1x5x5x3xf32>, tensor<4x3x3x3xf32>, tensor<1x4x3x3xf32>) -> tensor<1x3x3x4xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<1x5x5x3xf32>, tensor<4x3x3x3xf32>, tensor<1x4x3x3xf32>) -> (), sym_name = "extra_broadcast"} : () -> ()
}) : () -> ()

// -----

// Tests that blocked layouts need an output channel count divisible by the block.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x1x5x5x4xf32>, %w: tensor<6x4x3x3xf32>):
    // expected-error @+1 {{'nn.fused_conv' op layout NCHW4c needs the output channel count to be a multiple of 4, got 6}}
    %0 = "nn.fused_conv"(%x, %w) {layout = "NCHW4c", operandSegmentSizes = [1, 1, 0, 0]} : (tensor<1x1x5x5x4xf32>, tensor<6x4x3x3xf32>) -> tensor<1x2x3x3x4xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<1x1x5x5x4xf32>, tensor<6x4x3x3xf32>) -> (), sym_name = "blocked_channels"} : () -> ()
}) : () -> ()

// -----

// Tests that an unknown layout is rejected.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>):
    // expected-error @+1 {{'nn.fused_conv' op attribute `layout`: unknown layout "CHWN"; expected NCHW, NHWC, NCHW4c, NCHW8c or NCHW16c}}
    %0 = "nn.fused_conv"(%x, %w) {layout = "CHWN", operandSegmentSizes = [1, 1, 0, 0]} : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> (), sym_name = "unknown_layout"} : () -> ()
}) : () -> ()

// -----

// Tests that fused_elementwise needs at least one step.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%x: tensor<4xf32>):
    // expected-error @+1 {{'nn.fused_elementwise' op attribute `steps` must hold at least one step}}
    %0 = "nn.fused_elementwise"(%x) {steps = []} : (tensor<4xf32>) -> tensor<4xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<4xf32>) -> (), sym_name = "no_steps"} : () -> ()
}) : () -> ()

// -----

// Tests that attention's mask must broadcast to the scores [..., Sq, Sk].
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%q: tensor<3x2xf32>, %k: tensor<4x2xf32>, %v: tensor<4x5xf32>, %m: tensor<3x5xf32>):
    // expected-error @+1 {{'nn.attention' op the mask of shape [3, 5] does not broadcast to the scores [..., Sq, Sk] = [3, 4]}}
    %0 = "nn.attention"(%q, %k, %v, %m) : (tensor<3x2xf32>, tensor<4x2xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
    "func.return"() : () -> ()
  }) {function_type = (tensor<3x2xf32>, tensor<4x2xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> (), sym_name = "attention_mask"} : () -> ()
}) : () -> ()
