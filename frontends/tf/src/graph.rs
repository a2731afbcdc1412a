//! GraphDef to IR: one `builtin.module` holding one `func.func` (named `main`) whose arguments are
//! the graph's Placeholders, whose body holds the nodes the outputs depend on in topological
//! order, and whose `func.return` returns the outputs. Control inputs (`^name`) order nothing in a
//! dataflow graph and are dropped; `name:k` refers to output `k` of node `name`, `name` to its
//! output 0.

use crate::error::ImportError;
use crate::node::Node;
use crate::ops::{self, PLACEHOLDER};
use crate::proto::{GraphDef, NodeDef};
use crate::tensor::element_type;
use crate::{ImportOptions, Imported};
use msc_builtin::func::Return;
use msc_builtin::{append_func, body, create_module};
use msc_frontend::build::{
    SignatureNames, finish_function, fold_new_ops, freeze_inputs, override_shape, topological_order,
};
use msc_ir::{Builder, Context, Dim, Location, TensorType, Type, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A reference to output `output` of node `node` (an index into the GraphDef's nodes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Ref {
    node: usize,
    output: usize,
}

/// Splits `name:k` into the node name and output index; `None` for a control input `^name`.
pub(crate) fn parse_ref(input: &str) -> Option<(&str, usize)> {
    if input.starts_with('^') {
        return None;
    }
    match input.rsplit_once(':') {
        Some((name, k)) if !k.is_empty() && k.bytes().all(|c| c.is_ascii_digit()) => Some((name, k.parse().ok()?)),
        _ => Some((input, 0)),
    }
}

/// The graph's nodes by name, each node's dataflow inputs resolved.
struct Resolved<'g> {
    nodes: &'g [NodeDef],
    by_name: HashMap<&'g str, usize>,
    inputs: Vec<Vec<Ref>>,
}

impl<'g> Resolved<'g> {
    fn new(nodes: &'g [NodeDef]) -> Result<Resolved<'g>, ImportError> {
        let mut by_name = HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            if node.name.is_empty() {
                return Err(ImportError::Graph(format!("node #{i} ({}) has no name", node.op)));
            }
            if by_name.insert(node.name.as_str(), i).is_some() {
                return Err(ImportError::Graph(format!("two nodes are named '{}'", node.name)));
            }
        }
        let mut inputs = Vec::with_capacity(nodes.len());
        for node in nodes {
            let mut refs = Vec::new();
            for input in &node.input {
                let Some((name, output)) = parse_ref(input) else { continue };
                let Some(&producer) = by_name.get(name) else {
                    return Err(ImportError::DanglingInput { node: node.name.clone(), input: input.clone() });
                };
                refs.push(Ref { node: producer, output });
            }
            inputs.push(refs);
        }
        Ok(Resolved { nodes, by_name, inputs })
    }

    /// The tensor `name` or `name:k`.
    fn tensor(&self, name: &str) -> Result<Ref, String> {
        let (node, output) = parse_ref(name).ok_or("a control input names no tensor")?;
        let node = *self.by_name.get(node).ok_or_else(|| format!("the graph has no node '{node}'"))?;
        Ok(Ref { node, output })
    }

    /// Output 0 of every node whose outputs no node consumes (NoOp, Const and Placeholder aside).
    fn sinks(&self) -> Vec<Ref> {
        let consumed: HashSet<usize> = self.inputs.iter().flatten().map(|r| r.node).collect();
        (0..self.nodes.len())
            .filter(|i| !consumed.contains(i) && !matches!(self.nodes[*i].op.as_str(), "NoOp" | "Const" | PLACEHOLDER))
            .map(|node| Ref { node, output: 0 })
            .collect()
    }

    /// The nodes `outputs` depend on, in a topological order.
    fn needed(&self, outputs: &[Ref]) -> Result<Vec<usize>, ImportError> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = outputs.iter().map(|r| r.node).collect();
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut seen[i], true) {
                stack.extend(self.inputs[i].iter().map(|r| r.node));
            }
        }
        let needed: Vec<usize> = (0..self.nodes.len()).filter(|&i| seen[i]).collect();
        let position: HashMap<usize, usize> = needed.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let deps: Vec<Vec<usize>> =
            needed.iter().map(|&i| self.inputs[i].iter().map(|r| position[&r.node]).collect()).collect();
        let order = topological_order(&deps).map_err(|p| {
            ImportError::Graph(format!(
                "the graph has a cycle through node '{}' (or a node depending on one)",
                self.nodes[needed[p]].name
            ))
        })?;
        Ok(order.into_iter().map(|p| needed[p]).collect())
    }
}

/// Imports a decoded GraphDef.
pub(crate) fn import_graph(graph: GraphDef, options: &ImportOptions) -> Result<Imported, ImportError> {
    let graph_nodes = graph.node.as_slice();
    let resolved = Resolved::new(graph_nodes)?;
    let outputs: Vec<Ref> = if options.outputs.is_empty() {
        resolved.sinks()
    } else {
        options
            .outputs
            .iter()
            .map(|o| resolved.tensor(o).map_err(|reason| ImportError::Output { output: o.clone(), reason }))
            .collect::<Result<_, _>>()?
    };
    if outputs.is_empty() {
        return Err(ImportError::Graph(
            "the graph has no outputs (no node other than NoOp, Const or Placeholder)".into(),
        ));
    }
    let order = resolved.needed(&outputs)?;
    let report = ops::unsupported(order.iter().map(|&i| &graph_nodes[i]));
    if !report.is_empty() {
        return Err(ImportError::Unsupported(report));
    }

    let mut ctx = Context::new(Arc::new(msc_nn::standard_registry()));
    let module = create_module(&mut ctx);
    let placeholders: Vec<usize> = order.iter().copied().filter(|&i| graph_nodes[i].op == PLACEHOLDER).collect();
    for (name, _) in &options.input_shapes {
        let base = parse_ref(name).map_or(name.as_str(), |(n, _)| n);
        if !placeholders.iter().any(|&i| graph_nodes[i].name == base) {
            return Err(ImportError::Input {
                input: name.clone(),
                reason: "is not an input (Placeholder) the outputs depend on (--input-shape)".into(),
            });
        }
    }
    let all_types: Vec<Type> =
        placeholders.iter().map(|&i| placeholder_type(&ctx, &graph_nodes[i], options)).collect::<Result<_, _>>()?;
    let all_names: Vec<String> = placeholders.iter().map(|&i| graph_nodes[i].name.clone()).collect();
    let frozen = freeze_inputs(all_names.clone(), all_types, &options.frozen_inputs, |w, i| {
        parse_ref(w).is_some_and(|(n, k)| n == all_names[i] && k == 0)
    })
    .map_err(|(input, reason)| ImportError::Input { input, reason })?;
    let (input_names, input_types) = (frozen.argument_names(), frozen.argument_types());
    let func = append_func(&mut ctx, module, "main", input_types.clone(), vec![]);
    let block = body(&ctx, func);
    let arguments = ctx.block_args(block).to_vec();

    // Ops to erase at the end if nothing uses them: folded ops' operands and Consts.
    let mut maybe_dead = Vec::new();
    let mut b = Builder::at_end(&mut ctx, block);
    let input_values = frozen.values(&mut b, &arguments).map_err(ImportError::Graph)?;
    let mut values: HashMap<Ref, Value> =
        placeholders.iter().zip(input_values).map(|(&node, v)| (Ref { node, output: 0 }, v)).collect();
    for &i in &order {
        let def = &graph_nodes[i];
        if def.op == PLACEHOLDER {
            continue;
        }
        let fail = |message: String| ImportError::Node { node: def.name.clone(), op: def.op.clone(), message };
        let mut inputs = Vec::with_capacity(resolved.inputs[i].len());
        for r in &resolved.inputs[i] {
            inputs.push(*values.get(r).ok_or_else(|| {
                fail(format!("input '{}:{}' is an output msc does not produce", graph_nodes[r.node].name, r.output))
            })?);
        }
        let import = ops::lookup(&def.op).expect("unsupported() checked every node's op");
        b.set_loc(Location::name(format!("tf:{}", def.name)));
        let last = b.ctx_ref().block_last_op(block);
        let mut node = Node { b: &mut b, def, inputs };
        let produced = import(&mut node).map_err(fail)?;
        let produced = fold_new_ops(b.ctx(), block, last, &produced, &mut maybe_dead).map_err(fail)?;
        if def.op == "Const" {
            // Consts read as attributes (shapes, axes, paddings) end up unused: erased at the end.
            maybe_dead.extend(produced.iter().filter_map(|&v| b.ctx_ref().defining_op(v)));
        }
        for (k, v) in produced.into_iter().enumerate() {
            values.insert(Ref { node: i, output: k }, v);
        }
    }

    let output_names: Vec<String> =
        outputs.iter().map(|r| format!("{}:{}", graph_nodes[r.node].name, r.output)).collect();
    let results: Vec<Value> = outputs
        .iter()
        .zip(&output_names)
        .map(|(r, name)| {
            values.get(r).copied().ok_or_else(|| ImportError::Output {
                output: name.clone(),
                reason: "is not produced (msc does not produce this output of its node)".into(),
            })
        })
        .collect::<Result<_, _>>()?;
    b.set_loc(Location::Unknown);
    Return::new().operands(results.clone()).build(&mut b).map_err(ImportError::Graph)?;
    drop(b);
    let names = SignatureNames { prefix: "tf", inputs: &input_names, outputs: &output_names };
    finish_function(&mut ctx, module, func, input_types, &results, &maybe_dead, names).map_err(ImportError::Verify)?;
    Ok(Imported { ctx, module, func, input_names, output_names })
}

/// The argument type of a Placeholder: `dtype`, and `shape` with `--input-shape` applied
/// (unknown dims become fresh symbols).
fn placeholder_type(ctx: &Context, def: &NodeDef, options: &ImportOptions) -> Result<Type, ImportError> {
    use crate::proto::attr_value::Value as A;
    let fail = |reason: String| ImportError::Input { input: def.name.clone(), reason };
    let element = match def.attr.get("dtype").and_then(|a| a.value.as_ref()) {
        Some(A::Type(code)) => element_type(*code).map_err(fail)?,
        _ => return Err(fail("has no 'dtype' attribute".into())),
    };
    let declared: Option<Vec<Dim>> = match def.attr.get("shape").and_then(|a| a.value.as_ref()) {
        Some(A::Shape(shape)) if !shape.unknown_rank => Some(
            shape
                .dim
                .iter()
                .map(|d| match d.size {
                    -1 => Dim::Symbol(ctx.fresh_symbol()),
                    s if s < 0 => Dim::Symbol(ctx.fresh_symbol()),
                    s => Dim::Static(s as u64),
                })
                .collect(),
        ),
        _ => None,
    };
    let wanted = options.input_shapes.iter().find(|(n, _)| parse_ref(n).is_some_and(|(n, k)| n == def.name && k == 0));
    let shape = match wanted {
        Some((_, wanted)) => override_shape(ctx, declared.as_deref(), wanted).map_err(fail)?,
        None => declared.ok_or_else(|| fail("has an unknown rank; give its shape with --input-shape".into()))?,
    };
    Ok(Type::Tensor(TensorType::new(shape, element)))
}
