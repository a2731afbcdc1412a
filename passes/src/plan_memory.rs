//! `plan-memory`: gives every `memref.alloc` of a lowered schedule function a byte offset in one
//! arena, decided at compile time, so a run allocates one block and intermediates whose lifetimes
//! do not overlap share memory.
//!
//! A buffer lives from the first to the last schedule op that uses it or any `kernel.view` of it,
//! both included, so a kernel never reads and writes overlapping bytes. Buffers are placed largest
//! first at the lowest 64-byte-aligned offset that overlaps no placed buffer alive at the same
//! time (greedy by size, as in TFLite's arena planner). The arena size goes into the function's
//! `kernel.arena_size` attribute (only on functions that allocate).

use msc_builtin::func;
use msc_ir::pass::{Pass, PassInfo};
use msc_ir::{Attribute, Context, Diagnostic, OpId, Value};
use msc_kernel::{kernel, memref};
use std::collections::HashMap;

pub const INFO: PassInfo = PassInfo {
    name: "plan-memory",
    summary: "Assign every intermediate buffer an offset in one arena, reusing memory of dead buffers",
    create: |options| {
        options.finish("plan-memory")?;
        Ok(Box::new(PlanMemory))
    },
};

/// Alignment of every buffer in the arena, in bytes.
pub const ALIGN: u64 = 64;

/// The attribute of a schedule function holding its arena size in bytes.
pub const ARENA_SIZE_ATTR: &str = "kernel.arena_size";

struct PlanMemory;

impl Pass for PlanMemory {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, ctx: &mut Context, root: OpId) -> Result<(), Vec<Diagnostic>> {
        plan_module(ctx, root).map(|_| ())
    }
}

/// Plans every function of `module`; returns the plan of each, by function name.
pub fn plan_module(ctx: &mut Context, module: OpId) -> Result<Vec<(String, MemoryPlan)>, Vec<Diagnostic>> {
    let body = msc_builtin::body(ctx, module);
    let funcs: Vec<OpId> = ctx.block_ops(body).filter(|&op| ctx.op(op).name() == func::FUNC.name).collect();
    let mut plans = Vec::new();
    for f in funcs {
        let name = ctx.op(f).string("sym_name").map_err(|e| vec![Diagnostic::at(ctx, f, e)])?;
        let plan = plan_function(ctx, f).map_err(|e| vec![Diagnostic::at(ctx, f, e)])?;
        plans.push((name, plan));
    }
    Ok(plans)
}

/// The outcome of planning one function.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryPlan {
    /// Bytes of the arena.
    pub arena_size: u64,
    /// Bytes all intermediates would take without reuse (each aligned).
    pub total_size: u64,
    /// Number of buffers placed.
    pub buffers: usize,
}

/// Plans the allocations of one schedule function (a no-op for functions without any).
pub fn plan_function(ctx: &mut Context, f: OpId) -> Result<MemoryPlan, String> {
    let body = msc_builtin::body(ctx, f);
    let ops: Vec<OpId> = ctx.block_ops(body).collect();
    // Each alloc, and the alloc each view stands for.
    let mut root_of: HashMap<Value, Value> = HashMap::new();
    let mut allocs: Vec<(OpId, Value, u64)> = Vec::new();
    let mut live: HashMap<Value, (usize, usize)> = HashMap::new();
    for (step, &op) in ops.iter().enumerate() {
        let view = ctx.op(op);
        if view.name() == memref::ALLOC.name {
            let v = view.result(0);
            let ty = ctx.value_type(v).as_memref().ok_or("memref.alloc of a non-memref")?;
            let size = ty.size_in_bytes().and_then(|n| n.checked_next_multiple_of(ALIGN)).ok_or("buffer too large")?;
            allocs.push((op, v, size));
            root_of.insert(v, v);
            live.insert(v, (step, step));
            continue;
        }
        if view.name() == kernel::VIEW.name
            && let Some(&root) = root_of.get(&view.operand(0))
        {
            root_of.insert(view.result(0), root);
        }
        for operand in view.operands() {
            if let Some(root) = root_of.get(operand) {
                live.get_mut(root).expect("every root has a lifetime").1 = step;
            }
        }
    }
    // Largest first; ties by program order so the plan is deterministic.
    let mut order: Vec<usize> = (0..allocs.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(allocs[i].2), i));
    let mut placed: Vec<(u64, u64, (usize, usize))> = Vec::new();
    let mut offsets = vec![0u64; allocs.len()];
    let mut arena_size = 0u64;
    for i in order {
        let (_, v, size) = allocs[i];
        let (first, last) = live[&v];
        let mut conflicts: Vec<(u64, u64)> = placed
            .iter()
            .filter(|(_, _, (f, l))| *f <= last && first <= *l)
            .map(|&(offset, size, _)| (offset, size))
            .collect();
        conflicts.sort_unstable();
        let mut offset = 0u64;
        for (o, s) in conflicts {
            if offset + size <= o {
                break;
            }
            offset = offset.max(o + s);
        }
        offsets[i] = offset;
        placed.push((offset, size, (first, last)));
        arena_size = arena_size.max(offset.checked_add(size).ok_or("arena too large")?);
    }
    for (i, &(op, _, _)) in allocs.iter().enumerate() {
        ctx.set_attr(op, "offset", Attribute::Int(offsets[i] as i64));
    }
    if !allocs.is_empty() {
        ctx.set_attr(f, ARENA_SIZE_ATTR, Attribute::Int(arena_size as i64));
    }
    Ok(MemoryPlan { arena_size, total_size: allocs.iter().map(|a| a.2).sum(), buffers: allocs.len() })
}
