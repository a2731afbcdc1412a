//! ModelProto to IR: one `builtin.module` holding one `func.func` named after the graph, whose
//! arguments are the graph inputs (initializers excluded), whose body holds the initializers as
//! `nn.constant`s and then the nodes in topological order, and whose `func.return` returns the
//! graph outputs. ONNX value names of inputs and outputs are kept as the function attributes
//! `onnx.input_names` and `onnx.output_names`.

use crate::error::ImportError;
use crate::load::ExternalData;
use crate::node::NodeCtx;
use crate::proto::{GraphProto, ModelProto, ValueInfoProto, tensor_shape_proto, type_proto};
use crate::registry::{Opsets, import, lookup, node_name, unsupported};
use crate::tensor::{dense_from_proto, element_type};
use crate::{ImportOptions, Imported};
use msc_builtin::func::Return;
use msc_builtin::{append_func, body, create_module};
use msc_frontend::build::{
    SignatureNames, finish_function, fold_new_ops, freeze_inputs, function_name, override_shape, topological_order,
};
use msc_ir::{Builder, Context, Dim, Location, TensorType, Type, Value};
use msc_nn::ops::Constant;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// Imports a decoded model; consumes it so that weights held in typed fields are freed as they are
/// converted and nothing of the protobuf outlives the import.
pub(crate) fn import_model(
    model: ModelProto,
    dir: Option<&Path>,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let opsets = Opsets::new(&model.opset_import);
    let mut graph = model.graph.ok_or(ImportError::NoGraph)?;
    let report = unsupported(&graph.node, &opsets);
    if !report.is_empty() {
        return Err(ImportError::Unsupported(report));
    }
    if let Some(sparse) = graph.sparse_initializer.first() {
        let name = sparse.values.as_ref().map(|v| v.name.clone()).unwrap_or_default();
        return Err(ImportError::Tensor { tensor: name, reason: "sparse initializers are not supported".into() });
    }
    let order = node_order(&graph)?;

    let mut ctx = Context::new(Arc::new(msc_nn::standard_registry()));
    let module = create_module(&mut ctx);
    let initializers: HashSet<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<&ValueInfoProto> = graph.input.iter().filter(|i| !initializers.contains(i.name.as_str())).collect();
    let all_names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let frozen =
        freeze_inputs(all_names.clone(), input_types(&ctx, &inputs, options)?, &options.frozen_inputs, |w, i| {
            w == all_names[i]
        })
        .map_err(|(input, reason)| ImportError::Input { input, reason })?;
    let (input_names, input_types) = (frozen.argument_names(), frozen.argument_types());
    let func = append_func(&mut ctx, module, &function_name(&graph.name), input_types.clone(), vec![]);
    let block = body(&ctx, func);
    let arguments = ctx.block_args(block).to_vec();

    let mut external = ExternalData::new(dir);
    let mut b = Builder::at_end(&mut ctx, block);
    let input_values = frozen.values(&mut b, &arguments).map_err(ImportError::Graph)?;
    let mut values: HashMap<String, Value> = all_names.into_iter().zip(input_values).collect();
    for init in std::mem::take(&mut graph.initializer) {
        let name = init.name.clone();
        let dense = dense_from_proto(init, &mut external)?;
        b.set_loc(Location::name(format!("onnx:{name}")));
        let value = Constant::new()
            .value(dense)
            .build_value(&mut b)
            .map_err(|reason| ImportError::Tensor { tensor: name.clone(), reason })?;
        values.insert(name, value);
    }

    // Defining ops of the operands of folded ops: erased at the end when nothing uses them.
    let mut folded_operands = Vec::new();
    // Outputs a node declares but its importer does not produce: (producing node, output index).
    let mut unavailable: HashMap<&str, (String, usize)> = HashMap::new();
    for &i in &order {
        let node = &graph.node[i];
        let name = node_name(node, i);
        let fail = |message: String| ImportError::Node { node: name.clone(), op_type: node.op_type.clone(), message };
        let opset = opsets.version(&node.domain).expect("unsupported() checked every node's opset");
        let entry = lookup(&node.domain, &node.op_type, opset).expect("unsupported() checked every node's importer");
        let mut inputs = Vec::with_capacity(node.input.len());
        for input in &node.input {
            inputs.push(match input.as_str() {
                "" => None,
                input => Some(match values.get(input) {
                    Some(&v) => v,
                    None => {
                        return Err(match unavailable.get(input) {
                            Some((producer, k)) => fail(format!(
                                "input '{input}' is output #{k} of node '{producer}', which msc does not produce"
                            )),
                            None => ImportError::DanglingInput { node: name.clone(), input: input.to_string() },
                        });
                    }
                }),
            });
        }
        b.set_loc(Location::name(format!("onnx:{name}")));
        let mut n = NodeCtx {
            b: &mut b,
            node,
            inputs,
            attrs: crate::attrs::Attrs::new(&node.attribute),
            opset,
            external: &mut external,
        };
        let last = n.b.ctx_ref().block_last_op(block);
        let outputs = import(&entry, &mut n).map_err(fail)?;
        let outputs = fold_new_ops(b.ctx(), block, last, &outputs, &mut folded_operands).map_err(fail)?;
        for (k, output) in node.output.iter().enumerate().filter(|(_, o)| !o.is_empty()) {
            match outputs.get(k) {
                Some(&v) => {
                    values.insert(output.clone(), v);
                }
                None => {
                    unavailable.insert(output, (name.clone(), k));
                }
            }
        }
    }

    let mut results = Vec::with_capacity(graph.output.len());
    for output in &graph.output {
        let value = match values.get(&output.name) {
            Some(&v) => v,
            None => match unavailable.get(output.name.as_str()) {
                Some((producer, k)) => {
                    return Err(ImportError::Graph(format!(
                        "graph output '{}' is output #{k} of node '{producer}', which msc does not produce",
                        output.name
                    )));
                }
                None => return Err(ImportError::DanglingOutput { output: output.name.clone() }),
            },
        };
        check_output_type(b.ctx_ref(), output, value)?;
        results.push(value);
    }
    b.set_loc(Location::Unknown);
    Return::new().operands(results.clone()).build(&mut b).map_err(ImportError::Graph)?;
    drop(b);
    let output_names: Vec<String> = graph.output.iter().map(|o| o.name.clone()).collect();
    let names = SignatureNames { prefix: "onnx", inputs: &input_names, outputs: &output_names };
    finish_function(&mut ctx, module, func, input_types, &results, &folded_operands, names)
        .map_err(ImportError::Verify)?;
    Ok(Imported { ctx, module, func, input_names, output_names })
}

/// The order to import nodes in: the file's order when it is topological (as ONNX requires),
/// else a stable topological sort (taking ready nodes in file order). Fails on dangling inputs, duplicate producers and cycles.
fn node_order(graph: &GraphProto) -> Result<Vec<usize>, ImportError> {
    let mut producer: HashMap<&str, usize> = HashMap::new();
    for (i, node) in graph.node.iter().enumerate() {
        for output in node.output.iter().filter(|o| !o.is_empty()) {
            if let Some(j) = producer.insert(output, i) {
                return Err(ImportError::Graph(format!(
                    "value '{output}' is produced by both node '{}' and node '{}'",
                    node_name(&graph.node[j], j),
                    node_name(node, i)
                )));
            }
        }
    }
    let sources: HashSet<&str> =
        graph.input.iter().map(|i| i.name.as_str()).chain(graph.initializer.iter().map(|t| t.name.as_str())).collect();
    // For each node, the nodes producing its inputs.
    let mut deps: Vec<Vec<usize>> = Vec::with_capacity(graph.node.len());
    for (i, node) in graph.node.iter().enumerate() {
        let mut d = Vec::new();
        for input in node.input.iter().filter(|x| !x.is_empty()) {
            match producer.get(input.as_str()) {
                Some(&p) if !sources.contains(input.as_str()) => d.push(p),
                Some(_) => {}
                None if sources.contains(input.as_str()) => {}
                None => return Err(ImportError::DanglingInput { node: node_name(node, i), input: input.clone() }),
            }
        }
        deps.push(d);
    }
    topological_order(&deps).map_err(|i| {
        ImportError::Graph(format!(
            "the graph has a cycle through node '{}' (or a node depending on one)",
            node_name(&graph.node[i], i)
        ))
    })
}

/// The argument types of the graph inputs, with `options.input_shapes` applied. `dim_param`s
/// become symbols of that name, unknown dims fresh symbols.
fn input_types(ctx: &Context, inputs: &[&ValueInfoProto], options: &ImportOptions) -> Result<Vec<Type>, ImportError> {
    for (name, _) in &options.input_shapes {
        if !inputs.iter().any(|i| &i.name == name) {
            return Err(ImportError::Input {
                input: name.clone(),
                reason: "is not an input of the model (--input-shape)".into(),
            });
        }
    }
    // Note every named dim first, so that fresh symbols never collide with them.
    let declared: Vec<Option<DeclaredTensor>> = inputs.iter().map(|i| tensor_type(i)).collect::<Result<_, _>>()?;
    for (_, dims) in declared.iter().flatten() {
        for dim in dims.iter().flatten() {
            if let Some(tensor_shape_proto::dimension::Value::DimParam(p)) = &dim.value {
                ctx.note_symbol(p);
            }
        }
    }
    inputs
        .iter()
        .zip(declared)
        .map(|(input, declared)| {
            let fail = |reason: String| ImportError::Input { input: input.name.clone(), reason };
            let (code, dims) = declared.ok_or_else(|| fail("has no tensor type".into()))?;
            let element = element_type(code).map_err(fail)?;
            let mut shape: Option<Vec<Dim>> = dims
                .map(|dims| dims.iter().map(|d| declared_dim(ctx, d)).collect::<Result<_, _>>())
                .transpose()
                .map_err(fail)?;
            if let Some((_, wanted)) = options.input_shapes.iter().find(|(n, _)| *n == input.name) {
                shape = Some(override_shape(ctx, shape.as_deref(), wanted).map_err(fail)?);
            }
            let shape = shape.ok_or_else(|| fail("has no shape (unknown rank); give one with --input-shape".into()))?;
            Ok(Type::Tensor(TensorType::new(shape, element)))
        })
        .collect()
}

/// A declared tensor type: the element type code and the dims (`None` when the rank is unknown).
type DeclaredTensor = (i32, Option<Vec<tensor_shape_proto::Dimension>>);

/// A declared value's tensor type, or `None` when the value is untyped; an error for non-tensor types.
fn tensor_type(input: &ValueInfoProto) -> Result<Option<DeclaredTensor>, ImportError> {
    let fail = |kind: &str| ImportError::Input {
        input: input.name.clone(),
        reason: format!("is a {kind}, which msc does not support (only tensors)"),
    };
    match input.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        None => Ok(None),
        Some(type_proto::Value::TensorType(t)) => Ok(Some((t.elem_type, t.shape.as_ref().map(|s| s.dim.clone())))),
        Some(type_proto::Value::SequenceType(_)) => Err(fail("sequence")),
        Some(type_proto::Value::MapType(_)) => Err(fail("map")),
        Some(type_proto::Value::OptionalType(_)) => Err(fail("optional")),
        Some(type_proto::Value::SparseTensorType(_)) => Err(fail("sparse tensor")),
    }
}

fn declared_dim(ctx: &Context, dim: &tensor_shape_proto::Dimension) -> Result<Dim, String> {
    use tensor_shape_proto::dimension::Value;
    match &dim.value {
        Some(Value::DimValue(v)) if *v < 0 => Err(format!("has a negative dim {v}")),
        Some(Value::DimValue(v)) => Ok(Dim::Static(*v as u64)),
        Some(Value::DimParam(p)) if !p.is_empty() => Ok(Dim::symbol(p.as_str())),
        _ => Ok(Dim::Symbol(ctx.fresh_symbol())),
    }
}

/// A graph output's declared element type must match the imported value's.
fn check_output_type(ctx: &Context, output: &ValueInfoProto, value: Value) -> Result<(), ImportError> {
    let Ok(Some((code, _))) = tensor_type(output) else { return Ok(()) };
    let Ok(declared) = element_type(code) else { return Ok(()) };
    match ctx.value_type(value).element() {
        Some(actual) if actual != declared => Err(ImportError::Graph(format!(
            "graph output '{}' is declared {declared} but the imported graph computes {actual}",
            output.name
        ))),
        _ => Ok(()),
    }
}
