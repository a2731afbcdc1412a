//! Between IR and e-graph: a function body becomes an e-graph (arguments, interned constants, one
//! e-node per op result), and an extraction becomes the new body.
//!
//! Locations: every original op is remembered with its class and operand classes. A written-back
//! op takes the locations of the original ops it absorbed — those reachable from its class through
//! original operands without passing a class the new body computes itself — merged, in source
//! order, into one `Location::Fused`. Ops absorbing nothing (folded weight expressions) take the
//! location of the op that uses them.

use super::analysis::{NnAnalysis, NnEGraph};
use super::extract::Extraction;
use super::lang::{ConstId, Node, OpSig};
use egg::{Id, Language};
use msc_builtin::func;
use msc_ir::{Attribute, Builder, Context, Location, OpId, OpState, Traits, Type, Value};
use std::collections::{HashMap, HashSet};

/// An op of the original function.
pub struct Origin {
    /// Its e-node (children as added, not necessarily canonical now).
    pub node: Node,
    pub class: Id,
    pub loc: Location,
}

/// A function turned into an e-graph.
pub struct Converted {
    pub egraph: NnEGraph,
    /// The classes the function returns, in order.
    pub roots: Vec<Id>,
    /// The original ops, in program order.
    pub origins: Vec<Origin>,
    /// Where each original constant came from.
    const_locs: HashMap<ConstId, Location>,
}

/// Builds the e-graph of the `func.func` op `func_op`. Fails, saying why, for bodies the optimizer
/// does not handle (several blocks, ops with regions, non-`nn` or impure ops, non-tensor values).
pub fn to_egraph(ctx: &Context, func_op: OpId) -> Result<Converted, String> {
    let view = ctx.op(func_op);
    let region = *view.regions().first().ok_or("the function has no body")?;
    let [body] = ctx.region_blocks(region) else { return Err("the function body has several blocks".into()) };
    let arg_types = ctx
        .block_args(*body)
        .iter()
        .map(|&a| ctx.value_type(a).as_tensor().cloned().ok_or("a function argument is not a tensor"))
        .collect::<Result<Vec<_>, _>>()?;
    let analysis = NnAnalysis::new(ctx.registry().clone(), arg_types, ctx.next_fresh_symbol_number());
    let mut egraph = NnEGraph::new(analysis);
    let mut classes: HashMap<Value, Id> = HashMap::new();
    for (i, &arg) in ctx.block_args(*body).iter().enumerate() {
        classes.insert(arg, egraph.add(Node::Arg(i as u32)));
    }
    let mut origins = Vec::new();
    let mut const_locs = HashMap::new();
    let mut roots = None;
    for op in ctx.block_ops(*body) {
        let view = ctx.op(op);
        if view.name() == func::RETURN.name {
            roots = Some(view.operands().iter().map(|v| classes[v]).collect());
            continue;
        }
        if let Some(Attribute::Dense(value)) = view.raw_attr("value").filter(|_| view.has_trait(Traits::CONSTANT_LIKE))
        {
            let c = egraph.analysis.tables.intern_const(value.clone());
            const_locs.entry(c).or_insert_with(|| view.loc().clone());
            classes.insert(view.result(0), egraph.add(Node::Const(c)));
            continue;
        }
        if view.def().dialect() != "nn" || !view.regions().is_empty() || !view.has_trait(Traits::PURE) {
            return Err(format!("'{}' is not a pure, region-free nn op", view.name()));
        }
        let args: Vec<Id> = view.operands().iter().map(|v| classes[v]).collect();
        for (i, &result) in view.results().iter().enumerate() {
            let ty = ctx
                .value_type(result)
                .as_tensor()
                .ok_or_else(|| format!("'{}' has a non-tensor result", view.name()))?;
            let sig = egraph.analysis.tables.intern_sig(OpSig::of(&view, i));
            let node = Node::Op(sig, args.clone());
            egraph.analysis.note_type(node.clone(), ty.clone());
            let class = egraph.add(node.clone());
            classes.insert(result, class);
            origins.push(Origin { node, class, loc: view.loc().clone() });
        }
    }
    egraph.rebuild();
    let roots = roots.ok_or("the function body has no 'func.return'")?;
    Ok(Converted { egraph, roots, origins, const_locs })
}

impl Converted {
    /// The canonical classes of the roots.
    pub fn canonical_roots(&self) -> Vec<Id> {
        self.roots.iter().map(|&r| self.egraph.find(r)).collect()
    }

    /// Replaces the body of `func_op` by the extracted graph. Returns the new ops.
    pub fn write_back(&self, ctx: &mut Context, func_op: OpId, extraction: &Extraction) -> Result<Vec<OpId>, String> {
        let body = msc_builtin::body(ctx, func_op);
        let ret = ctx.block_last_op(body).ok_or("the function body is empty")?;
        let old: Vec<OpId> = ctx.block_ops(body).filter(|&op| op != ret).collect();
        let roots = self.canonical_roots();
        let order = extraction.needed_in_order(&roots);
        let locs = self.locations(extraction, &order);
        let args = ctx.block_args(body).to_vec();
        let mut values: HashMap<Id, Value> = HashMap::new();
        let mut built: HashMap<(String, Vec<Value>), OpId> = HashMap::new();
        let mut new_ops = Vec::new();
        for class in &order {
            let value = match &extraction.choices[class] {
                Node::Arg(i) => args[*i as usize],
                Node::Const(c) => {
                    let dense = self.egraph.analysis.tables.constant(*c).clone();
                    let loc = self.const_locs.get(c).cloned().unwrap_or_else(|| locs[class].clone());
                    let mut b = Builder::before(ctx, ret);
                    b.set_loc(loc);
                    let op = msc_nn::ops::Constant::new().value(dense).build(&mut b)?;
                    new_ops.push(op);
                    ctx.op(op).result(0)
                }
                Node::Op(sig, children) => {
                    let sig = self.egraph.analysis.tables.sig(*sig);
                    let operands: Vec<Value> = children.iter().map(|c| values[&self.egraph.find(*c)]).collect();
                    let key = (sig.op_key(), operands.clone());
                    let op = match built.get(&key) {
                        Some(&op) => op,
                        None => {
                            let mut state = OpState::new(sig.def, locs[class].clone());
                            state.operands = operands;
                            state.attrs = sig.attrs.clone();
                            let op = Builder::before(ctx, ret).insert(state)?;
                            built.insert(key, op);
                            new_ops.push(op);
                            op
                        }
                    };
                    *ctx.op(op).results().get(sig.result).ok_or("an op lost a result")?
                }
            };
            values.insert(*class, value);
        }
        let results: Vec<Value> = roots.iter().map(|r| values[r]).collect();
        for (&result, expected) in results.iter().zip(func::signature(ctx.op(func_op))?.results) {
            // Re-inference may name symbolic dims afresh; the signature's names are the contract.
            if let (Type::Tensor(got), Type::Tensor(want)) = (ctx.value_type(result), &expected)
                && got != want
                && got.element == want.element
                && got.shape.len() == want.shape.len()
                && got
                    .shape
                    .iter()
                    .zip(&want.shape)
                    .all(|(a, b)| a == b || (a.as_static().is_none() && b.as_static().is_none()))
            {
                ctx.set_value_type(result, expected);
            }
        }
        ctx.set_operands(ret, results);
        for op in old.into_iter().rev() {
            ctx.erase_op(op);
        }
        Ok(new_ops)
    }

    /// The location of each needed class's new op: the merged locations of the original ops it
    /// absorbs, or else those of its first user (`order` has children before parents).
    fn locations(&self, extraction: &Extraction, order: &[Id]) -> HashMap<Id, Location> {
        let needed: HashSet<Id> = order.iter().copied().collect();
        let mut by_class: HashMap<Id, Vec<usize>> = HashMap::new();
        for (i, origin) in self.origins.iter().enumerate() {
            by_class.entry(self.egraph.find(origin.class)).or_default().push(i);
        }
        let mut locs: HashMap<Id, Location> = HashMap::new();
        for &class in order.iter().rev() {
            let mut absorbed = Vec::new();
            let mut seen = HashSet::new();
            let mut stack = vec![class];
            while let Some(c) = stack.pop() {
                if !seen.insert(c) {
                    continue;
                }
                for &i in by_class.get(&c).into_iter().flatten() {
                    absorbed.push(i);
                    for &arg in self.origins[i].node.children() {
                        let arg = self.egraph.find(arg);
                        if !needed.contains(&arg) {
                            stack.push(arg);
                        }
                    }
                }
            }
            absorbed.sort_unstable();
            absorbed.dedup();
            let own = Location::fuse(absorbed.iter().map(|&i| self.origins[i].loc.clone()));
            let loc = match own {
                Location::Unknown => locs.get(&class).cloned().unwrap_or_default(),
                known => known,
            };
            for &child in extraction.choices[&class].children() {
                locs.entry(self.egraph.find(child)).or_insert_with(|| loc.clone());
            }
            locs.insert(class, loc);
        }
        locs
    }
}
