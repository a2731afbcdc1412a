//! The `scf` dialect: structured control flow. `scf.for` counts an `index` from a lower to an upper
//! bound and may carry values between iterations; `scf.if` picks one of two regions; `scf.yield`
//! ends their blocks. Names and structure follow MLIR's `scf` dialect.

use msc_ir::{OpDef, OpRef, Type, declare_op};

declare_op! {
    /// A counted loop: `for iv = lower_bound; iv < upper_bound; iv += step`. The body block takes
    /// `iv` then the carried values; its `scf.yield` gives the next carried values, and the op's
    /// results are the carried values after the last iteration (the initial ones if none ran).
    ///
    /// Example: `%s = "scf.for"(%c0, %n, %c1, %zero) ({ ^bb0(%i: index, %acc: f32): ... "scf.yield"(%next) : (f32) -> () }) : (index, index, index, f32) -> f32`
    pub For = "scf.for", FOR {
        operands { lower_bound: ANY, upper_bound: ANY, step: ANY }
        variadic { init_args: ANY }
        variadic_results { results: ANY }
        regions: 1,
        verify: Some(verify_for),
    }
}

declare_op! {
    /// Runs the `then` region when `condition` holds, else the `else` region (which may be empty
    /// when the op has no results). Each region's `scf.yield` gives the results.
    pub If = "scf.if", IF {
        operands { condition: ANY }
        variadic_results { results: ANY }
        regions: 2,
        verify: Some(verify_if),
    }
}

declare_op! {
    /// Ends an `scf.for` or `scf.if` block, giving its values.
    pub Yield = "scf.yield", YIELD {
        variadic { values: ANY }
        traits: [TERMINATOR],
        verify: Some(verify_yield),
    }
}

pub(crate) fn ops() -> Vec<&'static OpDef> {
    vec![&FOR, &IF, &YIELD]
}

fn verify_for(op: OpRef<'_>) -> Result<(), String> {
    for (i, what) in ["lower bound", "upper bound", "step"].iter().enumerate() {
        if *op.operand_type(i) != Type::Index {
            return Err(format!("the {what} must be index, got {}", op.operand_type(i)));
        }
    }
    let inits: Vec<&Type> = op.operands()[3..].iter().map(|&v| op.ctx().value_type(v)).collect();
    let results: Vec<&Type> = op.results().iter().map(|&v| op.ctx().value_type(v)).collect();
    if inits != results {
        return Err(format!("{} carried value(s) but {} result(s) of other types", inits.len(), results.len()));
    }
    let Some(body) = op.entry_block(0) else { return Err("the loop has no body block".into()) };
    let args: Vec<&Type> = op.ctx().block_args(body).iter().map(|&v| op.ctx().value_type(v)).collect();
    if args.first() != Some(&&Type::Index) || args[1..] != inits[..] {
        return Err("the body block must take the index then one argument per carried value, of the same types".into());
    }
    Ok(())
}

fn verify_if(op: OpRef<'_>) -> Result<(), String> {
    if *op.operand_type(0) != Type::Element(msc_ir::ElementType::Bool) {
        return Err(format!("the condition must be i1, got {}", op.operand_type(0)));
    }
    if op.entry_block(0).is_none() {
        return Err("the then region has no block".into());
    }
    if op.entry_block(1).is_none() && !op.results().is_empty() {
        return Err("an scf.if with results needs an else region".into());
    }
    Ok(())
}

fn verify_yield(op: OpRef<'_>) -> Result<(), String> {
    let ctx = op.ctx();
    let Some(parent) = ctx.parent_op(op.id()) else { return Err("scf.yield outside of an op".into()) };
    let parent = ctx.op(parent);
    if parent.name() != FOR.name && parent.name() != IF.name {
        return Err(format!("scf.yield must end an scf.for or scf.if block, not a {} block", parent.name()));
    }
    let values: Vec<&Type> = op.operands().iter().map(|&v| ctx.value_type(v)).collect();
    let expected: Vec<&Type> = parent.results().iter().map(|&v| ctx.value_type(v)).collect();
    if values != expected {
        return Err(format!(
            "yields {} value(s) but the parent {} expects {}",
            values.len(),
            parent.name(),
            expected.len()
        ));
    }
    Ok(())
}
