//! ModelProto to IR: one `builtin.module` holding one `func.func` (named `main`) whose arguments
//! are the main graph's inputs (parameters excluded), whose body holds its parameters as
//! `nn.constant`s and its nodes in topological order, with every call of one of the model's
//! function graphs inlined, and whose `func.return` returns the graph's output (each element of
//! it when it is a tuple).

use crate::error::ImportError;
use crate::node::Node;
use crate::ops;
use crate::proto::{GraphProto, ModelProto, NodeProto, PrimitiveProto, ValueInfoProto};
use crate::tensor::{dense_from_proto, element_type};
use crate::value::{Val, attr_value};
use crate::{ImportOptions, Imported};
use msc_builtin::func::Return;
use msc_builtin::{append_func, body, create_module};
use msc_frontend::build::{
    SignatureNames, finish_function, fold_new_ops, freeze_inputs, override_shape, topological_order,
};
use msc_frontend::{ExternalFiles, UnsupportedReport, build};
use msc_ir::{BlockId, Builder, Context, Dim, Location, OpId, TensorType, Type, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The prefix of node op types that refer to a primitive or a function graph of the model.
const REF: &str = "REF::";

/// A node's name for messages and locations: its scope (`Default/conv1-Conv2d/Conv2D-op0`) when
/// MindSpore recorded one, else its name.
pub(crate) fn node_name(node: &NodeProto) -> String {
    match node.domain() {
        "" => node.name().to_string(),
        scope => scope.to_string(),
    }
}

/// The part of a MindIR value name after the graph prefix (`<graph>:x` is `x`).
pub(crate) fn short_name(name: &str) -> &str {
    match name.split_once(':') {
        Some((_, rest)) if !rest.is_empty() => rest,
        _ => name,
    }
}

/// What a node does.
enum Callee<'m> {
    Constant,
    Function(&'m GraphProto),
    /// A primitive: its op type and attributes.
    Primitive(&'m str, &'m [crate::proto::AttributeProto]),
}

/// The model's primitives and functions by name.
pub(crate) struct Model<'m> {
    primitives: HashMap<&'m str, &'m PrimitiveProto>,
    functions: HashMap<&'m str, &'m GraphProto>,
}

impl<'m> Model<'m> {
    pub(crate) fn new(model: &'m ModelProto) -> Model<'m> {
        Model {
            primitives: model.primitives.iter().map(|p| (p.name(), p)).collect(),
            functions: model.functions.iter().map(|g| (g.name(), g)).collect(),
        }
    }

    fn callee(&self, node: &'m NodeProto) -> Callee<'m> {
        let op = node.op_type();
        if op == "Constant" {
            return Callee::Constant;
        }
        match op.strip_prefix(REF) {
            Some(name) => match (self.functions.get(name), self.primitives.get(name)) {
                (Some(g), _) => Callee::Function(g),
                (None, Some(p)) => Callee::Primitive(p.op_type(), &p.attribute),
                // An unknown reference: reported as unsupported under its own name.
                (None, None) => Callee::Primitive(name, &[]),
            },
            None => Callee::Primitive(op, &node.attribute),
        }
    }

    /// Every node of every graph whose primitive has no importer.
    pub(crate) fn unsupported(&self, main: &'m GraphProto) -> UnsupportedReport {
        let mut report = UnsupportedReport::default();
        let mut graphs = vec![main];
        graphs.extend(self.functions.values().copied());
        for graph in graphs {
            for node in &graph.node {
                if let Callee::Primitive(op, _) = self.callee(node)
                    && ops::lookup(op).is_none()
                {
                    report.add(op, "mindir", None, node_name(node));
                }
            }
        }
        report
    }
}

/// Imports a decoded model.
pub(crate) fn import_model(
    model: &ModelProto,
    dir: Option<&Path>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let graph = model.graph.as_ref().ok_or(ImportError::NoGraph)?;
    let m = Model::new(model);
    let report = m.unsupported(graph);
    if !report.is_empty() {
        return Err(ImportError::Unsupported(report));
    }
    let mut ctx = Context::new(Arc::new(msc_nn::standard_registry()));
    let module = create_module(&mut ctx);
    let parameters: HashSet<&str> = graph.parameter.iter().map(|p| p.name()).collect();
    let inputs: Vec<&ValueInfoProto> = graph.input.iter().filter(|i| !parameters.contains(i.name())).collect();
    for (name, _) in &options.input_shapes {
        if !inputs.iter().any(|i| i.name() == name || short_name(i.name()) == name) {
            return Err(ImportError::Input {
                input: name.clone(),
                reason: "is not an input of the model (--input-shape)".into(),
            });
        }
    }
    let all_types: Vec<Type> = inputs.iter().map(|i| input_type(&ctx, i, options)).collect::<Result<_, _>>()?;
    let all_names: Vec<String> = inputs.iter().map(|i| short_name(i.name()).to_string()).collect();
    let frozen = freeze_inputs(all_names, all_types, &options.frozen_inputs, |w, i| {
        w == inputs[i].name() || w == short_name(inputs[i].name())
    })
    .map_err(|(input, reason)| ImportError::Input { input, reason })?;
    let (input_names, input_types) = (frozen.argument_names(), frozen.argument_types());
    let func = append_func(&mut ctx, module, "main", input_types.clone(), vec![]);
    let block = body(&ctx, func);
    let arguments = ctx.block_args(block).to_vec();

    let mut external = ExternalFiles::new(dir);
    let constants = constants(graph, model, &mut external)?;
    let mut importer = Importer { model: &m, external, constants, folded: Vec::new(), block, calls: Vec::new() };
    let mut b = Builder::at_end(&mut ctx, block);
    let input_values = frozen.values(&mut b, &arguments).map_err(ImportError::Graph)?;
    let env: HashMap<String, Val> =
        inputs.iter().zip(input_values).map(|(i, v)| (i.name().to_string(), Val::Tensor(v))).collect();
    let output = importer.run(&mut b, graph, env)?;
    let base = graph.output.first().map_or("output", |o| short_name(o.name())).to_string();
    let mut results = Vec::new();
    flatten(&mut b, output, &mut results).map_err(|e| ImportError::Graph(format!("the graph output {e}")))?;
    let output_names: Vec<String> =
        if results.len() == 1 { vec![base] } else { (0..results.len()).map(|i| format!("{base}.{i}")).collect() };
    b.set_loc(Location::Unknown);
    Return::new().operands(results.clone()).build(&mut b).map_err(ImportError::Graph)?;
    drop(b);
    let names = SignatureNames { prefix: "mindir", inputs: &input_names, outputs: &output_names };
    finish_function(&mut ctx, module, func, input_types, &results, &importer.folded, names)
        .map_err(ImportError::Verify)?;
    Ok(Imported { ctx, module, func, input_names, output_names })
}

/// The tensors of a graph output (a tensor, or a tuple of them, nested tuples flattened).
fn flatten(b: &mut Builder<'_>, v: Val, out: &mut Vec<Value>) -> Result<(), String> {
    match v {
        Val::Tensor(v) => out.push(v),
        Val::Dense(d) => out.push(build::dense(b, d)?),
        Val::Tuple(items) => {
            for item in items {
                flatten(b, item, out)?;
            }
        }
        other => return Err(format!("is {}, not tensors", other.kind())),
    }
    Ok(())
}

/// The argument type of a graph input: its tensor's data type and dims (-1 becomes a fresh
/// symbol), with `--input-shape` applied.
fn input_type(ctx: &Context, input: &ValueInfoProto, options: &ImportOptions) -> Result<Type, ImportError> {
    let fail = |reason: String| ImportError::Input { input: input.name().to_string(), reason };
    let t = input.tensor.first().ok_or_else(|| fail("has no tensor type (only tensor inputs are supported)".into()))?;
    let element = element_type(t.data_type()).map_err(fail)?;
    let mut shape: Vec<Dim> =
        t.dims.iter().map(|&d| if d < 0 { Dim::Symbol(ctx.fresh_symbol()) } else { Dim::Static(d as u64) }).collect();
    if let Some((_, wanted)) =
        options.input_shapes.iter().find(|(n, _)| n == input.name() || n == short_name(input.name()))
    {
        shape = override_shape(ctx, Some(&shape), wanted).map_err(fail)?;
    }
    Ok(Type::Tensor(TensorType::new(shape, element)))
}

/// The values of the `Constant` nodes of every graph, by output name: MindSpore exports each
/// value node once, and a function graph may use one the main graph holds.
fn constants(
    main: &GraphProto,
    model: &ModelProto,
    external: &mut ExternalFiles,
) -> Result<HashMap<String, Val>, ImportError> {
    let mut constants = HashMap::new();
    for node in std::iter::once(main).chain(&model.functions).flat_map(|g| &g.node) {
        if node.op_type() != "Constant" {
            continue;
        }
        let fail = |message: String| ImportError::Node { node: node_name(node), op: "Constant".into(), message };
        let value = node.attribute.iter().find(|a| a.name() == "value").ok_or_else(|| fail("has no 'value'".into()))?;
        let key = node.output.first().map_or(node.name(), |o| o.as_str()).to_string();
        constants.insert(key, attr_value(value, external).map_err(fail)?);
    }
    Ok(constants)
}

/// The state of one import.
struct Importer<'m, 'a> {
    model: &'a Model<'m>,
    external: ExternalFiles,
    /// Every graph's `Constant` nodes (see [`constants`]).
    constants: HashMap<String, Val>,
    /// Defining ops of folded ops' operands (see [`fold_new_ops`]).
    folded: Vec<OpId>,
    block: BlockId,
    /// The function graphs being inlined, innermost last (recursion is an error).
    calls: Vec<String>,
}

impl<'m> Importer<'m, '_> {
    /// Imports the nodes of `graph` with its inputs bound in `env`; returns its output.
    fn run(
        &mut self,
        b: &mut Builder<'_>,
        graph: &'m GraphProto,
        mut env: HashMap<String, Val>,
    ) -> Result<Val, ImportError> {
        for p in &graph.parameter {
            let dense = dense_from_proto(p, &mut self.external)?;
            env.insert(p.name().to_string(), Val::Dense(dense));
        }
        let order = node_order(graph, |name| env.contains_key(name) || self.constants.contains_key(name))?;
        for i in order {
            let node = &graph.node[i];
            if node.op_type() == "Constant" {
                continue;
            }
            let name = node_name(node);
            let fail =
                |message: String| ImportError::Node { node: name.clone(), op: node.op_type().to_string(), message };
            let inputs: Vec<Val> = node
                .input
                .iter()
                .map(|input| {
                    env.get(input.as_str()).or(self.constants.get(input.as_str())).cloned().unwrap_or(Val::Nothing)
                })
                .collect();
            b.set_loc(Location::name(format!("mindir:{name}")));
            let last = b.ctx_ref().block_last_op(self.block);
            let value = match self.model.callee(node) {
                Callee::Constant => continue,
                Callee::Function(g) => {
                    if self.calls.iter().any(|c| c == g.name()) {
                        return Err(fail(format!("graph '{}' calls itself (recursion is not supported)", g.name())));
                    }
                    if g.input.len() != inputs.len() {
                        return Err(fail(format!(
                            "graph '{}' takes {} inputs, the call passes {}",
                            g.name(),
                            g.input.len(),
                            inputs.len()
                        )));
                    }
                    let env = g.input.iter().map(|i| i.name().to_string()).zip(inputs).collect();
                    self.calls.push(g.name().to_string());
                    let result = self.run(b, g, env);
                    self.calls.pop();
                    result?
                }
                Callee::Primitive(op, attrs) => {
                    let import = ops::lookup(op).expect("unsupported() checked every primitive");
                    let fail = |message: String| ImportError::Node { node: name.clone(), op: op.to_string(), message };
                    let mut n = Node { b, inputs, attrs, external: &mut self.external };
                    let value = import(&mut n).map_err(fail)?;
                    let mut tensors = Vec::new();
                    collect_tensors(&value, &mut tensors);
                    let folded = fold_new_ops(b.ctx(), self.block, last, &tensors, &mut self.folded).map_err(fail)?;
                    let mapped: HashMap<Value, Value> = tensors.into_iter().zip(folded).collect();
                    replace_tensors(value, &mapped)
                }
            };
            let key = node.output.first().map_or(node.name(), |o| o.as_str()).to_string();
            env.insert(key, value);
        }
        let output = graph
            .output
            .first()
            .ok_or_else(|| ImportError::Graph(format!("graph '{}' has no output", graph.name())))?;
        env.remove(output.name()).ok_or_else(|| {
            ImportError::Graph(format!(
                "the output '{}' of graph '{}' is not produced by any node",
                output.name(),
                graph.name()
            ))
        })
    }
}

fn collect_tensors(v: &Val, out: &mut Vec<Value>) {
    match v {
        Val::Tensor(t) => out.push(*t),
        Val::Tuple(items) => items.iter().for_each(|i| collect_tensors(i, out)),
        _ => {}
    }
}

fn replace_tensors(v: Val, mapped: &HashMap<Value, Value>) -> Val {
    match v {
        Val::Tensor(t) => Val::Tensor(mapped.get(&t).copied().unwrap_or(t)),
        Val::Tuple(items) => Val::Tuple(items.into_iter().map(|i| replace_tensors(i, mapped)).collect()),
        other => other,
    }
}

/// A topological order of `graph`'s nodes; every input must be `bound` or produced by a node.
fn node_order(graph: &GraphProto, bound: impl Fn(&str) -> bool) -> Result<Vec<usize>, ImportError> {
    let mut producer: HashMap<&str, usize> = HashMap::new();
    for (i, node) in graph.node.iter().enumerate() {
        let key = node.output.first().map_or(node.name(), |o| o.as_str());
        if producer.insert(key, i).is_some() {
            return Err(ImportError::Graph(format!("graph '{}': two nodes produce '{key}'", graph.name())));
        }
    }
    let mut deps = Vec::with_capacity(graph.node.len());
    for node in &graph.node {
        let mut d = Vec::new();
        for input in &node.input {
            match producer.get(input.as_str()) {
                Some(&p) => d.push(p),
                None if bound(input) => {}
                None => {
                    return Err(ImportError::DanglingInput {
                        graph: graph.name().to_string(),
                        node: node_name(node),
                        input: input.clone(),
                    });
                }
            }
        }
        deps.push(d);
    }
    topological_order(&deps).map_err(|i| {
        ImportError::Graph(format!(
            "graph '{}' has a cycle through node '{}' (or a node depending on one)",
            graph.name(),
            node_name(&graph.node[i])
        ))
    })
}
