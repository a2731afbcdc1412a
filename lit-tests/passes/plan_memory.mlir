// RUN: msc opt %s --pass-pipeline='builtin.module(plan-memory)' | filecheck %s

// Tests that buffers whose lifetimes do not overlap share arena bytes, that buffers alive at the
// same launch (inclusive lifetimes: a kernel's input and output) do not, that a view keeps its
// buffer alive, and that the arena size is recorded on the function. Buffers are 64-byte aligned
// and placed largest first.
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: index, %arg1: index, %arg2: memref<16xf32>, %arg3: memref<16xf32>):
    "func.return"() : () -> ()
  }) {function_type = (index, index, memref<16xf32>, memref<16xf32>) -> (), sym_name = "k"} : () -> ()
  "func.func"() ({
  ^bb0(%in: memref<16xf32>, %out: memref<16xf32>):
    %a = "memref.alloc"() : () -> memref<16xf32>
    "kernel.launch"(%in, %a) {callee = @k, tiles = 1} : (memref<16xf32>, memref<16xf32>) -> ()
    %b = "memref.alloc"() : () -> memref<16xf32>
    "kernel.launch"(%a, %b) {callee = @k, tiles = 1} : (memref<16xf32>, memref<16xf32>) -> ()
    %c = "memref.alloc"() : () -> memref<4xf32>
    %v = "kernel.view"(%b) {offset = 0} : (memref<16xf32>) -> memref<16xf32>
    "kernel.launch"(%v, %c) {callee = @k, tiles = 1} : (memref<16xf32>, memref<4xf32>) -> ()
    %d = "memref.alloc"() : () -> memref<16xf32>
    "kernel.launch"(%c, %d) {callee = @k, tiles = 1} : (memref<4xf32>, memref<16xf32>) -> ()
    "kernel.launch"(%d, %out) {callee = @k, tiles = 1} : (memref<16xf32>, memref<16xf32>) -> ()
    "func.return"() : () -> ()
  }) {function_type = (memref<16xf32>, memref<16xf32>) -> (), sym_name = "schedule"} : () -> ()
}) : () -> ()
// Lifetimes (schedule op indices): a [0, 3], b [2, 6] (through the view), c [4, 8], d [7, 9]:
// c reuses a's bytes, d reuses b's.
// CHECK: sym_name = "k"
// CHECK-LABEL: ^bb0(%arg0: memref<16xf32>, %arg1: memref<16xf32>):
// CHECK-NEXT: "memref.alloc"() {offset = 0} : () -> memref<16xf32>
// CHECK: "memref.alloc"() {offset = 64} : () -> memref<16xf32>
// CHECK: "memref.alloc"() {offset = 0} : () -> memref<4xf32>
// CHECK: "memref.alloc"() {offset = 64} : () -> memref<16xf32>
// CHECK: kernel.arena_size = 128
