//! The `memref` dialect: reading and writing buffer elements and allocating buffers. Names follow
//! MLIR's `memref` dialect; buffers are always statically shaped, dense and row-major.

use msc_ir::{OpDef, OpRef, Type, declare_op};

declare_op! {
    /// Loads one element: one `index` per dimension, in bounds (not checked at run time).
    ///
    /// Example: `%v = "memref.load"(%buf, %i, %j) : (memref<4x8xf32>, index, index) -> f32`
    pub Load = "memref.load", LOAD {
        operands { memref: ANY }
        variadic { indices: ANY }
        results { result: ANY }
        verify: Some(verify_load),
        infer: Some(infer_load),
    }
}

declare_op! {
    /// Stores one element at one `index` per dimension.
    ///
    /// Example: `"memref.store"(%v, %buf, %i, %j) : (f32, memref<4x8xf32>, index, index) -> ()`
    pub Store = "memref.store", STORE {
        operands { value: ANY, memref: ANY }
        variadic { indices: ANY }
        verify: Some(verify_store),
    }
}

declare_op! {
    /// A buffer for an intermediate value. Memory planning gives it `offset`, its byte offset in
    /// the run's arena.
    ///
    /// Example: `%t = "memref.alloc"() {offset = 0} : () -> memref<1x64x56x56xf32>`
    pub Alloc = "memref.alloc", ALLOC {
        results { memref: ANY }
        attributes { offset: i64 = Optional }
        verify: Some(verify_alloc),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&LOAD, &STORE, &ALLOC]
}

fn check_indices(op: OpRef<'_>, memref: usize) -> Result<msc_ir::MemRefType, String> {
    let Type::MemRef(ty) = op.operand_type(memref) else {
        return Err(format!("expected a memref operand, got {}", op.operand_type(memref)));
    };
    let indices = &op.operands()[memref + 1..];
    if indices.len() != ty.shape.len() {
        return Err(format!("{} index(es) for a rank-{} memref", indices.len(), ty.shape.len()));
    }
    if let Some(&bad) = indices.iter().find(|&&i| *op.ctx().value_type(i) != Type::Index) {
        return Err(format!("indices must be index, got {}", op.ctx().value_type(bad)));
    }
    Ok(ty.clone())
}

fn verify_load(op: OpRef<'_>) -> Result<(), String> {
    let ty = check_indices(op, 0)?;
    if *op.result_type(0) != Type::Element(ty.element) {
        return Err(format!("loads {} from a memref of {}", op.result_type(0), ty.element));
    }
    Ok(())
}

fn infer_load(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    match op.operand_type(0) {
        Type::MemRef(ty) => Ok(vec![Type::Element(ty.element)]),
        other => Err(format!("expected a memref operand, got {other}")),
    }
}

fn verify_store(op: OpRef<'_>) -> Result<(), String> {
    let ty = check_indices(op, 1)?;
    if *op.operand_type(0) != Type::Element(ty.element) {
        return Err(format!("stores {} into a memref of {}", op.operand_type(0), ty.element));
    }
    Ok(())
}

fn verify_alloc(op: OpRef<'_>) -> Result<(), String> {
    let Type::MemRef(ty) = op.result_type(0) else {
        return Err(format!("allocates a memref, not {}", op.result_type(0)));
    };
    if ty.size_in_bytes().is_none() {
        return Err(format!("{ty} is too large"));
    }
    if matches!(op.attr("offset"), Some(msc_ir::Attribute::Int(o)) if o < 0) {
        return Err("the arena offset must not be negative".into());
    }
    Ok(())
}
