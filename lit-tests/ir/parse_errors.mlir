// RUN: msc opt %s --split-input-file --verify-diagnostics

// Tests that an op of no registered dialect is rejected where its name is written.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2xf32>):
    // expected-error @+1 {{unknown operation 'nn.frobnicate'; is its dialect registered?}}
    %0 = "nn.frobnicate"(%arg0) : (tensor<2xf32>) -> tensor<2xf32>
    "func.return"(%0) : (tensor<2xf32>) -> ()
  }) {function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "unknown_op"} : () -> ()
}) : () -> ()

// -----

// Tests that custom op syntax is rejected with a hint to use the generic form.
// expected-error @+1 {{expected an op in generic form ("func.func"(...) : ...); custom op syntax is not supported}}
func.func @custom(%arg0: tensor<2xf32>) -> tensor<2xf32> {
  return %arg0 : tensor<2xf32>
}

// -----

// Tests that an unknown tensor element type is rejected, listing the known ones.
"builtin.module"() ({
  "func.func"() ({
  // expected-error @+1 {{unknown element type 'f31' (expected one of f32, f16, bf16, f64, i8, ui8, i16, i32, i64, i1)}}
  ^bb0(%arg0: tensor<2xf31>):
    "func.return"() : () -> ()
  }) {function_type = () -> (), sym_name = "unknown_element_type"} : () -> ()
}) : () -> ()

// -----

// Tests that an unknown type name is rejected.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{unknown type 'vector' (expected tensor<...>, memref<...>, index, a function type or one of}}
    "func.return"() : (vector) -> ()
  }) {function_type = () -> (), sym_name = "unknown_type"} : () -> ()
}) : () -> ()

// -----

// Tests that memref dimensions must be static.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{memref dimensions must be static}}
    "func.return"() : (memref<?x4xf32>) -> ()
  }) {function_type = () -> (), sym_name = "unknown_type"} : () -> ()
}) : () -> ()

// -----

// Tests that a dense literal with the wrong number of elements for its type is rejected.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{dense literal has 3 elements but tensor<2xi64> needs 2}}
    %0 = "nn.constant"() {value = dense<[1, 2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
    "func.return"(%0) : (tensor<2xi64>) -> ()
  }) {function_type = () -> tensor<2xi64>, sym_name = "bad_dense_count"} : () -> ()
}) : () -> ()

// -----

// Tests that a nested dense literal must match the shape of its type, not only its element count.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{dense literal has shape [3, 2] but tensor<2x3xi64> has shape [2, 3]}}
    %0 = "nn.constant"() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<2x3xi64>} : () -> tensor<2x3xi64>
    "func.return"(%0) : (tensor<2x3xi64>) -> ()
  }) {function_type = () -> tensor<2x3xi64>, sym_name = "bad_dense_shape"} : () -> ()
}) : () -> ()

// -----

// Tests that a ragged dense literal is rejected.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{dense literal is ragged: its sub-lists differ in shape}}
    %0 = "nn.constant"() {value = dense<[[1, 2], [3]]> : tensor<2x2xi64>} : () -> tensor<2x2xi64>
    "func.return"(%0) : (tensor<2x2xi64>) -> ()
  }) {function_type = () -> tensor<2x2xi64>, sym_name = "ragged_dense"} : () -> ()
}) : () -> ()

// -----

// Tests that a dense element that does not fit its element type is rejected.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{300 does not fit in a i8 element}}
    %0 = "nn.constant"() {value = dense<[1, 300]> : tensor<2xi8>} : () -> tensor<2xi8>
    "func.return"(%0) : (tensor<2xi8>) -> ()
  }) {function_type = () -> tensor<2xi8>, sym_name = "dense_out_of_range"} : () -> ()
}) : () -> ()

// -----

// Tests that a float element in an integer dense literal is rejected.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{expected an integer for a i32 element}}
    %0 = "nn.constant"() {value = dense<[1, 2.5]> : tensor<2xi32>} : () -> tensor<2xi32>
    "func.return"(%0) : (tensor<2xi32>) -> ()
  }) {function_type = () -> tensor<2xi32>, sym_name = "dense_float_in_int"} : () -> ()
}) : () -> ()

// -----

// Tests that a use of a value that is never defined is rejected at the use.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2xf32>):
    // expected-error @+1 {{value %x is used but never defined}}
    %0 = "nn.add"(%arg0, %x) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    "func.return"(%0) : (tensor<2xf32>) -> ()
  }) {function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "undefined_value"} : () -> ()
}) : () -> ()

// -----

// Tests that a use whose type in the op's signature differs from the value's type is rejected.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2xf32>):
    // expected-error @+1 {{use of %arg0 expects type tensor<3xf32> but %arg0 has type tensor<2xf32>}}
    %0 = "nn.relu"(%arg0) : (tensor<3xf32>) -> tensor<3xf32>
    "func.return"(%0) : (tensor<3xf32>) -> ()
  }) {function_type = (tensor<2xf32>) -> tensor<3xf32>, sym_name = "use_type_mismatch"} : () -> ()
}) : () -> ()

// -----

// Tests that a result number past the results of a multi-result op is rejected.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<4xf32>):
    %0:2 = "nn.split"(%arg0) {num_outputs = 2} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
    // expected-error @+1 {{%0#2 does not exist: %0 names 2 value(s)}}
    "func.return"(%0#2) : (tensor<2xf32>) -> ()
  }) {function_type = (tensor<4xf32>) -> tensor<2xf32>, sym_name = "bad_result_number"} : () -> ()
}) : () -> ()

// -----

// Tests that a value name defined twice in one scope is rejected, pointing at the first definition.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2xf32>):
    %0 = "nn.relu"(%arg0) : (tensor<2xf32>) -> tensor<2xf32>
    // expected-error @+1 {{redefinition of value %0 (first defined at 149:5)}}
    %0 = "nn.neg"(%arg0) : (tensor<2xf32>) -> tensor<2xf32>
    "func.return"(%0) : (tensor<2xf32>) -> ()
  }) {function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "redefinition"} : () -> ()
}) : () -> ()

// -----

// Tests that an unclosed operand list is reported at the token where ')' was expected.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2xf32>):
    // expected-error @+1 {{expected ')' to close the operand list}}
    %0 = "nn.relu"(%arg0 : (tensor<2xf32>) -> tensor<2xf32>
    "func.return"(%0) : (tensor<2xf32>) -> ()
  }) {function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "unclosed_paren"} : () -> ()
}) : () -> ()

// -----

// Tests that an unclosed region is reported at the end of the input (the line after the case).
"builtin.module"() ({
  "func.func"() ({
    "func.return"() : () -> ()
  }) {function_type = () -> (), sym_name = "unclosed_region"} : () -> ()
// expected-error @+2 {{expected '}' to close the region}}

// -----

// Tests that an unclosed region list is reported where ')' was expected.
"builtin.module"() ({
  "func.func"() ({
    "func.return"() : () -> ()
  // expected-error @+1 {{expected ')' to close the region list}}
  } {function_type = () -> (), sym_name = "unclosed_region_list"} : () -> ()
}) : () -> ()

// -----

// Tests that an op without its type is rejected.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2xf32>):
    %0 = "nn.relu"(%arg0) : (tensor<2xf32>) -> tensor<2xf32>
    // The error is at the next token, on the following line.
    // expected-error @+2 {{expected ':' followed by the op's type, e.g. : (tensor<2xf32>) -> tensor<2xf32>}}
    "func.return"(%0)
  }) {function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "missing_type"} : () -> ()
}) : () -> ()

// -----

// Tests that the number of result names must match the op's type.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<4xf32>):
    // expected-error @+1 {{1 result name(s) are given but the op's type has 2 result(s)}}
    %0 = "nn.split"(%arg0) {num_outputs = 2} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
    "func.return"(%0) : (tensor<2xf32>) -> ()
  }) {function_type = (tensor<4xf32>) -> tensor<2xf32>, sym_name = "result_names"} : () -> ()
}) : () -> ()

// -----

// Tests that the number of operands must match the op's type.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2xf32>):
    // expected-error @+1 {{the op has 2 operand(s) but its type lists 1 operand type(s)}}
    %0 = "nn.add"(%arg0, %arg0) : (tensor<2xf32>) -> tensor<2xf32>
    "func.return"(%0) : (tensor<2xf32>) -> ()
  }) {function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "operand_types"} : () -> ()
}) : () -> ()

// -----

// Tests that naming more dynamic dims than the tensor has is rejected.
"builtin.module"() ({
  "func.func"() ({
  // expected-error @+1 {{the tensor has 1 dynamic ('?') dimension(s) but `dims` names 2}}
  ^bb0(%arg0: tensor<?x3xf32, {dims = ["N", "M"]}>):
    "func.return"() : () -> ()
  }) {function_type = () -> (), sym_name = "dims_count"} : () -> ()
}) : () -> ()

// -----

// Tests that an unknown layout in a tensor encoding is rejected.
"builtin.module"() ({
  "func.func"() ({
  // expected-error @+1 {{unknown layout 'NCWH' (expected NCHW, NHWC or NCHW<block>c such as NCHW16c)}}
  ^bb0(%arg0: tensor<1x3x4x4xf32, {layout = "NCWH"}>):
    "func.return"() : () -> ()
  }) {function_type = () -> (), sym_name = "bad_layout"} : () -> ()
}) : () -> ()

// -----

// Tests that an unknown key in a tensor encoding is rejected.
"builtin.module"() ({
  "func.func"() ({
  // expected-error @+1 {{unknown tensor encoding key 'order' (expected dims or layout)}}
  ^bb0(%arg0: tensor<4xf32, {order = 1}>):
    "func.return"() : () -> ()
  }) {function_type = () -> (), sym_name = "bad_encoding"} : () -> ()
}) : () -> ()

// -----

// Tests that an attribute given twice in one dictionary is rejected.
"builtin.module"() ({
  "func.func"() ({
    "func.return"() : () -> ()
  // expected-error @+1 {{attribute 'sym_name' is given twice}}
  }) {function_type = () -> (), sym_name = "a", sym_name = "b"} : () -> ()
}) : () -> ()

// -----

// Tests that an integer attribute out of the range of i64 is rejected.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<2x3xf32>):
    // expected-error @+1 {{integer literal 99999999999999999999 is out of range for i64}}
    %0 = "nn.shape"(%arg0) {start = 99999999999999999999} : (tensor<2x3xf32>) -> tensor<0xi64>
    "func.return"(%0) : (tensor<0xi64>) -> ()
  }) {function_type = (tensor<2x3xf32>) -> tensor<0xi64>, sym_name = "int_range"} : () -> ()
}) : () -> ()

// -----

// Tests that a block label defined twice in one region is rejected.
"builtin.module"() ({
  "func.func"() ({
  ^bb0:
    "func.return"() : () -> ()
  // expected-error @+1 {{block ^bb0 is defined twice in this region}}
  ^bb0:
    "func.return"() : () -> ()
  }) {function_type = () -> (), sym_name = "block_twice"} : () -> ()
}) : () -> ()

// -----

// Tests that block successors are rejected as unsupported.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{block successors ([^bb1]) are not supported}}
    "func.return"() [^bb1] : () -> ()
  ^bb1:
    "func.return"() : () -> ()
  }) {function_type = () -> (), sym_name = "successors"} : () -> ()
}) : () -> ()

// -----

// Tests that a malformed location is rejected.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{expected a location: unknown, "name", "file":line:col or fused[...]}}
    "func.return"() : () -> () loc(42)
  }) {function_type = () -> (), sym_name = "bad_loc"} : () -> ()
}) : () -> ()

// -----

// Tests that a dense_resource handle without a resource section entry is rejected.
"builtin.module"() ({
  "func.func"() ({
    // expected-error @+1 {{unknown resource 'blob7': the file has no dialect_resources entry for it}}
    %0 = "nn.constant"() {value = dense_resource<blob7> : tensor<4xf32>} : () -> tensor<4xf32>
    "func.return"(%0) : (tensor<4xf32>) -> ()
  }) {function_type = () -> tensor<4xf32>, sym_name = "unknown_resource"} : () -> ()
}) : () -> ()

// -----

// Tests that an unterminated string literal is reported by the lexer.
"builtin.module"() ({
  // expected-error @+1 {{unterminated string literal (a newline must be written \n)}}
  "func.func"() {sym_name = "oops} : () -> ()
}) : () -> ()
