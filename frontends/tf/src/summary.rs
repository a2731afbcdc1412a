//! [`ModelSummary`]: what `msc inspect` shows of a GraphDef without importing it: the
//! Placeholders, the default outputs, an op histogram, the parameter count (elements of every
//! Const), and the ops msc cannot import.

use crate::error::ImportError;
use crate::ops;
use crate::proto::GraphDef;
use crate::proto::attr_value::Value as A;
use crate::tensor::data_type_name;
use msc_frontend::UnsupportedReport;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// A summary of a GraphDef.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelSummary {
    /// The GraphDef's producer version (the TensorFlow graph version).
    pub producer: i32,
    /// Placeholders: name, data type, dims (`?` unknown; `None` for an unknown rank).
    pub inputs: Vec<(String, String, Option<Vec<String>>)>,
    /// Nodes whose outputs nothing consumes (NoOp, Const and Placeholder aside).
    pub outputs: Vec<String>,
    pub node_count: usize,
    /// `(op, count)`, most used first.
    pub op_histogram: Vec<(String, usize)>,
    /// Elements over all Const tensors.
    pub parameter_count: u64,
    pub unsupported: UnsupportedReport,
}

pub(crate) fn summarize_graph(graph: &GraphDef) -> Result<ModelSummary, ImportError> {
    let mut histogram: BTreeMap<String, usize> = BTreeMap::new();
    for node in &graph.node {
        *histogram.entry(node.op.clone()).or_default() += 1;
    }
    let mut op_histogram: Vec<(String, usize)> = histogram.into_iter().collect();
    op_histogram.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let inputs = graph
        .node
        .iter()
        .filter(|n| n.op == ops::PLACEHOLDER)
        .map(|n| {
            let dtype = match n.attr.get("dtype").and_then(|a| a.value.as_ref()) {
                Some(A::Type(code)) => data_type_name(*code),
                _ => "?".into(),
            };
            let dims = match n.attr.get("shape").and_then(|a| a.value.as_ref()) {
                Some(A::Shape(s)) if !s.unknown_rank => {
                    Some(s.dim.iter().map(|d| if d.size < 0 { "?".into() } else { d.size.to_string() }).collect())
                }
                _ => None,
            };
            (n.name.clone(), dtype, dims)
        })
        .collect();
    let consumed: HashSet<&str> =
        graph.node.iter().flat_map(|n| &n.input).filter_map(|i| crate::graph::parse_ref(i).map(|(n, _)| n)).collect();
    let outputs = graph
        .node
        .iter()
        .filter(|n| {
            !consumed.contains(n.name.as_str()) && !matches!(n.op.as_str(), "NoOp" | "Const" | ops::PLACEHOLDER)
        })
        .map(|n| n.name.clone())
        .collect();
    let parameter_count = graph
        .node
        .iter()
        .filter(|n| n.op == "Const")
        .filter_map(|n| match n.attr.get("value").and_then(|a| a.value.as_ref()) {
            Some(A::Tensor(t)) => {
                t.tensor_shape.as_ref().map(|s| s.dim.iter().map(|d| d.size.max(0) as u64).product::<u64>())
            }
            _ => None,
        })
        .sum::<u64>();
    Ok(ModelSummary {
        producer: graph.versions.as_ref().map_or(0, |v| v.producer),
        inputs,
        outputs,
        node_count: graph.node.len(),
        op_histogram,
        parameter_count,
        unsupported: ops::unsupported(graph.node.iter()),
    })
}

impl fmt::Display for ModelSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "format: TensorFlow GraphDef (producer version {})", self.producer)?;
        writeln!(f, "inputs:")?;
        for (name, dtype, dims) in &self.inputs {
            let dims = dims.as_ref().map_or("unknown rank".to_string(), |d| format!("[{}]", d.join(", ")));
            writeln!(f, "  {name}: {dtype} {dims}")?;
        }
        writeln!(f, "outputs: {}", self.outputs.join(", "))?;
        writeln!(f, "nodes: {}", self.node_count)?;
        writeln!(f, "parameters: {}", self.parameter_count)?;
        writeln!(f, "ops:")?;
        for (op, count) in &self.op_histogram {
            writeln!(f, "  {op}: {count}")?;
        }
        if self.unsupported.is_empty() {
            writeln!(f, "unsupported ops: none")
        } else {
            writeln!(f, "{}", self.unsupported)
        }
    }
}
