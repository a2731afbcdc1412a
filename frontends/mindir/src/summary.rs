//! [`ModelSummary`]: what `msc inspect` shows of a MindIR model without importing it: producer,
//! inputs and outputs, the functions, a primitive histogram, the parameter count, and the
//! primitives msc cannot import.

use crate::error::ImportError;
use crate::graph::{Model, short_name};
use crate::proto::ModelProto;
use crate::tensor::data_type_name;
use msc_frontend::UnsupportedReport;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A summary of a MindIR model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelSummary {
    pub producer: String,
    pub mind_ir_version: i64,
    /// Graph inputs (parameters excluded): name, data type, dims.
    pub inputs: Vec<(String, String, Vec<i64>)>,
    pub outputs: Vec<String>,
    /// The function graphs the main graph may call.
    pub functions: Vec<String>,
    pub node_count: usize,
    /// `(primitive, count)` over all graphs, most used first (constants and calls left out).
    pub op_histogram: Vec<(String, usize)>,
    /// Elements over all parameters of all graphs.
    pub parameter_count: u64,
    pub unsupported: UnsupportedReport,
}

pub(crate) fn summarize_model(model: &ModelProto) -> Result<ModelSummary, ImportError> {
    let graph = model.graph.as_ref().ok_or(ImportError::NoGraph)?;
    let prims: HashMap<&str, &str> = model.primitives.iter().map(|p| (p.name(), p.op_type())).collect();
    let graphs: Vec<_> = std::iter::once(graph).chain(&model.functions).collect();
    let mut histogram: BTreeMap<String, usize> = BTreeMap::new();
    for node in graphs.iter().flat_map(|g| &g.node) {
        if let Some(name) = node.op_type().strip_prefix("REF::")
            && let Some(op) = prims.get(name)
        {
            *histogram.entry(op.to_string()).or_default() += 1;
        }
    }
    let mut op_histogram: Vec<(String, usize)> = histogram.into_iter().collect();
    op_histogram.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let parameters: Vec<&str> = graph.parameter.iter().map(|p| p.name()).collect();
    Ok(ModelSummary {
        producer: format!("{} {}", model.producer_name(), model.producer_version()).trim().to_string(),
        mind_ir_version: model.mind_ir_version(),
        inputs: graph
            .input
            .iter()
            .filter(|i| !parameters.contains(&i.name()))
            .map(|i| {
                let t = i.tensor.first();
                let dtype = t.map_or("?".to_string(), |t| data_type_name(t.data_type()));
                (short_name(i.name()).to_string(), dtype, t.map(|t| t.dims.clone()).unwrap_or_default())
            })
            .collect(),
        outputs: graph.output.iter().map(|o| short_name(o.name()).to_string()).collect(),
        functions: model.functions.iter().map(|f| f.name().to_string()).collect(),
        node_count: graphs.iter().map(|g| g.node.len()).sum(),
        op_histogram,
        parameter_count: graphs
            .iter()
            .flat_map(|g| &g.parameter)
            .map(|p| p.dims.iter().map(|&d| d.max(0) as u64).product::<u64>())
            .sum(),
        unsupported: Model::new(model).unsupported(graph),
    })
}

impl fmt::Display for ModelSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "format: MindIR (producer {}, MindIR version {})", self.producer, self.mind_ir_version)?;
        writeln!(f, "inputs:")?;
        for (name, dtype, dims) in &self.inputs {
            writeln!(f, "  {name}: {dtype} {dims:?}")?;
        }
        writeln!(f, "outputs: {}", self.outputs.join(", "))?;
        if !self.functions.is_empty() {
            writeln!(f, "functions: {}", self.functions.join(", "))?;
        }
        writeln!(f, "nodes: {}", self.node_count)?;
        writeln!(f, "parameters: {}", self.parameter_count)?;
        writeln!(f, "primitives:")?;
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
