//! The `kernel` dialect: what ties kernels into a program. A lowered model is a module holding
//! kernel functions and one schedule function; the schedule function's body is a straight list
//! of `kernel.constant` (weights), `memref.alloc` (intermediates), `kernel.view` (reinterpreted
//! buffers, no copy) and `kernel.launch` (run a kernel on buffers) ops.
//!
//! A kernel function takes `(begin: index, end: index, buffers: memref...)` and does the work of
//! tiles `[begin, end)` of the `tiles` its launch declares, so a runtime may split the range over
//! threads; the tiles of one launch are independent.

use msc_ir::{OpDef, OpRef, Type, declare_op};

declare_op! {
    /// A constant buffer (a weight), placed in the artefact's weights section.
    ///
    /// Example: `%w = "kernel.constant"() {value = dense_resource<__elided__> : tensor<64x3x3x3xf32>} : () -> memref<64x3x3x3xf32>`
    pub Constant = "kernel.constant", CONSTANT {
        results { memref: ANY }
        attributes { value: msc_ir::DenseAttr = Required }
        traits: [PURE],
        verify: Some(verify_constant),
    }
}

declare_op! {
    /// The bytes of `source` from byte `offset` on, seen as another memref type (a reshape or a
    /// sub-buffer, never a copy).
    ///
    /// Example: `%v = "kernel.view"(%t) {offset = 0} : (memref<2x6xf32>) -> memref<12xf32>`
    pub View = "kernel.view", VIEW {
        operands { source: ANY }
        results { view: ANY }
        attributes { offset: i64 = Int(0) }
        traits: [PURE],
        verify: Some(verify_view),
    }
}

declare_op! {
    /// Runs kernel function `callee` over tiles `[0, tiles)` on the given buffers. `op_type` names
    /// the op the kernel implements (`nn.conv`), for profiles.
    ///
    /// Example: `"kernel.launch"(%x, %w, %y) {callee = @conv_0, tiles = 64} : (memref<...>, memref<...>, memref<...>) -> ()`
    pub Launch = "kernel.launch", LAUNCH {
        variadic { buffers: ANY }
        attributes { callee: msc_ir::SymbolRef = Required, tiles: i64 = Required, op_type: String = Optional }
        verify: Some(verify_launch),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&CONSTANT, &VIEW, &LAUNCH]
}

fn memref_of(ty: &Type, what: &str) -> Result<msc_ir::MemRefType, String> {
    match ty {
        Type::MemRef(m) => Ok(m.clone()),
        other => Err(format!("{what} must be a memref, got {other}")),
    }
}

fn verify_constant(op: OpRef<'_>) -> Result<(), String> {
    let ty = memref_of(op.result_type(0), "the result")?;
    let Some(msc_ir::Attribute::Dense(value)) = op.raw_attr("value") else {
        return Err("`value` must be a dense attribute".into());
    };
    let shape: Vec<u64> = value
        .ty()
        .shape
        .iter()
        .map(|d| d.as_static().ok_or("the value must have a static shape"))
        .collect::<Result<_, _>>()?;
    if shape != ty.shape || value.ty().element != ty.element {
        return Err(format!("the value's type {} does not match the result {ty}", value.ty()));
    }
    Ok(())
}

fn verify_view(op: OpRef<'_>) -> Result<(), String> {
    let source = memref_of(op.operand_type(0), "the source")?;
    let view = memref_of(op.result_type(0), "the result")?;
    let offset = op.int("offset")?;
    let fits = u64::try_from(offset)
        .ok()
        .zip(view.size_in_bytes())
        .and_then(|(o, n)| o.checked_add(n))
        .zip(source.size_in_bytes())
        .is_some_and(|(end, size)| end <= size);
    if !fits {
        return Err(format!("a view of {view} at byte offset {offset} does not fit in {source}"));
    }
    Ok(())
}

fn verify_launch(op: OpRef<'_>) -> Result<(), String> {
    if op.int("tiles")? < 0 {
        return Err("`tiles` must not be negative".into());
    }
    for &buffer in op.operands() {
        memref_of(op.ctx().value_type(buffer), "every launch operand")?;
    }
    Ok(())
}
