// Tests that the pass manager runs nested pipelines on the ops they name, passes pass options on,
// prints the IR after passes and timing reports on request, and rejects bad pipelines with a
// message pointing into the pipeline. One input, one RUN line per behaviour.

// Nested pipelines: `builtin.module(func.func(...))` reaches functions directly in the module,
// not those of a nested module; anchoring on the nested module reaches them.
// RUN: msc opt %s --pass-pipeline='builtin.module(func.func(cse))' | filecheck %s --check-prefix=NESTED
// RUN: msc opt %s --pass-pipeline='builtin.module(builtin.module(func.func(cse)))' | filecheck %s --check-prefix=INNER
// RUN: msc opt %s --pass-pipeline=' builtin.module( cse , dce ) ' | filecheck %s --check-prefix=BOTH

// Pass options change behaviour: the negation of the 8-byte constant folds only within budget.
// RUN: msc opt %s --pass-pipeline='builtin.module(func.func(fold-constants{max-bytes=4}))' | filecheck %s --check-prefix=SMALL
// RUN: msc opt %s --pass-pipeline='builtin.module(func.func(fold-constants{max-bytes=8}))' | filecheck %s --check-prefix=FOLD

// Instrumentation, on standard error.
// RUN: msc opt %s --pass-pipeline='builtin.module(cse,dce)' --print-ir-after-all 2>&1 | filecheck %s --check-prefix=AFTER-ALL
// RUN: msc opt %s --pass-pipeline='builtin.module(cse,dce)' --print-ir-after=cse 2>&1 | filecheck %s --check-prefix=AFTER-CSE
// RUN: msc opt %s --pass-pipeline='builtin.module(func.func(cse))' --print-ir-after=cse 2>&1 | filecheck %s --check-prefix=AFTER-NESTED
// RUN: msc opt %s --pass-pipeline='builtin.module(func.func(cse),dce)' --time-passes 2>&1 | filecheck %s --check-prefix=TIME
// RUN: msc opt %s --pass-pipeline='builtin.module(cse)' 2>&1 | filecheck %s --check-prefix=QUIET

// Pipeline errors.
// RUN: not msc opt %s --pass-pipeline='builtin.module(frobnicate)' 2>&1 | filecheck %s --check-prefix=ERR-PASS
// RUN: not msc opt %s --pass-pipeline='builtin.module(cse{aggressive=1})' 2>&1 | filecheck %s --check-prefix=ERR-OPTION
// RUN: not msc opt %s --pass-pipeline='builtin.module(fold-constants{max-bytes=lots})' 2>&1 | filecheck %s --check-prefix=ERR-VALUE
// RUN: not msc opt %s --pass-pipeline='builtin.module(fold-constants{max-bytes})' 2>&1 | filecheck %s --check-prefix=ERR-KV
// RUN: not msc opt %s --pass-pipeline='func.func(cse)' 2>&1 | filecheck %s --check-prefix=ERR-ANCHOR
// RUN: not msc opt %s --pass-pipeline='builtin.module(func.func(cse)' 2>&1 | filecheck %s --check-prefix=ERR-PAREN
// RUN: not msc opt %s --pass-pipeline='builtin.module(cse,,dce)' 2>&1 | filecheck %s --check-prefix=ERR-EMPTY
// RUN: not msc opt %s --pass-pipeline='builtin.module(cse) dce' 2>&1 | filecheck %s --check-prefix=ERR-TRAILING
// RUN: not msc opt %s --pass-pipeline='builtin.module(fold-constants{max-bytes=4)' 2>&1 | filecheck %s --check-prefix=ERR-BRACE

"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<4xf32>):
    %0 = "nn.relu"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
    %1 = "nn.relu"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
    %2 = "nn.add"(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %c = "nn.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
    %d = "nn.neg"(%c) : (tensor<2xf32>) -> tensor<2xf32>
    %dead = "nn.exp"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
    "func.return"(%2, %d) : (tensor<4xf32>, tensor<2xf32>) -> ()
  }) {function_type = (tensor<4xf32>) -> (tensor<4xf32>, tensor<2xf32>), sym_name = "outer"} : () -> ()
  "builtin.module"() ({
    "func.func"() ({
    ^bb0(%arg0: tensor<4xf32>):
      %0 = "nn.sigmoid"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
      %1 = "nn.sigmoid"(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
      %2 = "nn.mul"(%0, %1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      "func.return"(%2) : (tensor<4xf32>) -> ()
    }) {function_type = (tensor<4xf32>) -> tensor<4xf32>, sym_name = "inner"} : () -> ()
  }) {sym_name = "nested"} : () -> ()
}) : () -> ()

// NESTED-LABEL: "func.func"
// NESTED:      %[[R:.*]] = "nn.relu"(%arg0)
// NESTED-NEXT: "nn.add"(%[[R]], %[[R]])
// NESTED:      "nn.exp"
// NESTED:      sym_name = "outer"
// NESTED-LABEL: "func.func"
// NESTED:      %[[S0:.*]] = "nn.sigmoid"(%arg0)
// NESTED-NEXT: %[[S1:.*]] = "nn.sigmoid"(%arg0)
// NESTED-NEXT: "nn.mul"(%[[S0]], %[[S1]])
// NESTED:      sym_name = "inner"

// INNER-LABEL: "func.func"
// INNER:      %[[R0:.*]] = "nn.relu"(%arg0)
// INNER-NEXT: %[[R1:.*]] = "nn.relu"(%arg0)
// INNER-NEXT: "nn.add"(%[[R0]], %[[R1]])
// INNER:      sym_name = "outer"
// INNER-LABEL: "func.func"
// INNER:      %[[S:.*]] = "nn.sigmoid"(%arg0)
// INNER-NEXT: "nn.mul"(%[[S]], %[[S]])
// INNER:      sym_name = "inner"

// BOTH-LABEL: "func.func"
// BOTH:      %[[R:.*]] = "nn.relu"(%arg0)
// BOTH-NEXT: "nn.add"(%[[R]], %[[R]])
// BOTH-NOT:  "nn.exp"
// BOTH:      sym_name = "outer"
// BOTH-LABEL: "func.func"
// BOTH:      %[[S:.*]] = "nn.sigmoid"(%arg0)
// BOTH-NEXT: "nn.mul"(%[[S]], %[[S]])
// BOTH:      sym_name = "inner"

// SMALL-LABEL: "func.func"
// SMALL:      %[[C:.*]] = "nn.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>}
// SMALL-NEXT: %[[D:.*]] = "nn.neg"(%[[C]])
// SMALL:      "func.return"(%{{.*}}, %[[D]])

// FOLD-LABEL: "func.func"
// FOLD-NOT:   "nn.neg"
// FOLD:       %[[D:.*]] = "nn.constant"() {value = dense<[-1.0, -2.0]> : tensor<2xf32>}
// FOLD-NOT:   "nn.neg"
// FOLD:       "func.return"(%{{.*}}, %[[D]])

// AFTER-ALL:      // -----// IR Dump After cse //----- //
// AFTER-ALL-NEXT: "builtin.module"() ({
// AFTER-ALL:      "nn.exp"
// AFTER-ALL:      // -----// IR Dump After dce //----- //
// AFTER-ALL-NEXT: "builtin.module"() ({
// AFTER-ALL-NOT:  "nn.exp"
// AFTER-ALL-NOT:  IR Dump After
// AFTER-ALL:      {{^}}}) : () -> ()
// AFTER-ALL-NOT:  IR Dump After
// AFTER-ALL:      {{^}}"builtin.module"() ({
// AFTER-ALL-NOT:  "nn.exp"

// AFTER-CSE-NOT:  IR Dump After dce
// AFTER-CSE:      // -----// IR Dump After cse //----- //
// AFTER-CSE-NEXT: "builtin.module"() ({
// AFTER-CSE:      "nn.exp"
// AFTER-CSE-NOT:  IR Dump After

// The nested pass dumps the function it ran on, once per function.
// AFTER-NESTED:      // -----// IR Dump After cse //----- //
// AFTER-NESTED-NEXT: "func.func"() ({
// AFTER-NESTED:      sym_name = "outer"
// AFTER-NESTED-NOT:  IR Dump After
// AFTER-NESTED:      {{^}}"builtin.module"() ({

// TIME:      ... Pass execution timing report ...
// TIME:      Total Execution Time: {{[0-9]+\.[0-9]+}} seconds
// TIME:      ----Wall Time----  ----Name----
// TIME-NEXT: {{^ +[0-9]+\.[0-9]+ \( *[0-9]+\.[0-9]%\)  cse$}}
// TIME-NEXT: {{^ +[0-9]+\.[0-9]+ \( *[0-9]+\.[0-9]%\)  dce$}}
// TIME-NEXT: {{^ +[0-9]+\.[0-9]+ \(100\.0%\)  Total$}}
// TIME:      {{^}}"builtin.module"() ({

// Without instrumentation flags nothing but the IR is written.
// QUIET-NOT:  IR Dump
// QUIET-NOT:  timing report
// QUIET:      {{^}}"builtin.module"() ({

// ERR-PASS: error: invalid pass pipeline at column 16: unknown pass `frobnicate` (registered passes: canonicalize, cse, dce, fold-constants, lower-to-kernel, nn-egraph-optimize, plan-memory, shape-inference)
// ERR-PASS-NEXT: builtin.module(frobnicate)
// ERR-PASS-NEXT: {{^}}                 ^

// ERR-OPTION: error: invalid pass pipeline at column {{[0-9]+}}: pass `cse` has no option `aggressive`

// ERR-VALUE: error: invalid pass pipeline at column {{[0-9]+}}: option `max-bytes` has invalid value `lots`

// ERR-KV: error: invalid pass pipeline at column {{[0-9]+}}: option `max-bytes` must be written key=value

// ERR-ANCHOR: error: 'builtin.module' op the pipeline is anchored on 'func.func' but was given a 'builtin.module'

// ERR-PAREN: error: invalid pass pipeline at column 30: expected ')' to close the pipeline nested on 'builtin.module'

// ERR-EMPTY: error: invalid pass pipeline at column 20: expected a pass or op name

// ERR-TRAILING: error: invalid pass pipeline at column 21: unexpected text after the pipeline

// ERR-BRACE: error: invalid pass pipeline at column 30: expected '}' to close the pass options
