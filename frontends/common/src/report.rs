//! [`UnsupportedReport`]: every op a model uses that an importer cannot handle, each with every
//! node using it, so that one import attempt lists all the work there is.

use std::fmt;

/// One unsupported op type: where it comes from and which nodes use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsupportedOp {
    pub op_type: String,
    /// Where the op type is defined: an ONNX domain (`ai.onnx`), `tf`, `mindir`.
    pub domain: String,
    /// The version of the domain the model uses, when the format has one (ONNX opsets).
    pub opset: Option<i64>,
    /// Every node using it, by name.
    pub nodes: Vec<String>,
}

/// Every unsupported op of a model, in order of first use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnsupportedReport {
    pub ops: Vec<UnsupportedOp>,
}

impl UnsupportedReport {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Records that `node` uses an unsupported op.
    pub fn add(&mut self, op_type: &str, domain: &str, opset: Option<i64>, node: String) {
        match self.ops.iter_mut().find(|o| o.op_type == op_type && o.domain == domain && o.opset == opset) {
            Some(op) => op.nodes.push(node),
            None => self.ops.push(UnsupportedOp {
                op_type: op_type.to_string(),
                domain: domain.to_string(),
                opset,
                nodes: vec![node],
            }),
        }
    }
}

impl fmt::Display for UnsupportedOp {
    /// `Loop (ai.onnx opset 13): 2 nodes: loop_1, loop_2`, or without a version `Foo (tf): 1 node: foo`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.opset {
            Some(v) => write!(f, "{} ({} opset {v})", self.op_type, self.domain)?,
            None => write!(f, "{} ({})", self.op_type, self.domain)?,
        }
        let s = if self.nodes.len() == 1 { "" } else { "s" };
        write!(f, ": {} node{s}: {}", self.nodes.len(), self.nodes.join(", "))
    }
}

impl fmt::Display for UnsupportedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes: usize = self.ops.iter().map(|o| o.nodes.len()).sum();
        write!(f, "the model uses {} unsupported op type(s) in {nodes} node(s):", self.ops.len())?;
        for op in &self.ops {
            write!(f, "\n  {op}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_of_one_op_are_grouped_in_order_of_first_use() {
        let mut report = UnsupportedReport::default();
        report.add("Loop", "ai.onnx", Some(13), "a".into());
        report.add("Foo", "tf", None, "b".into());
        report.add("Loop", "ai.onnx", Some(13), "c".into());
        assert_eq!(
            report.to_string(),
            "the model uses 2 unsupported op type(s) in 3 node(s):\n  Loop (ai.onnx opset 13): 2 nodes: a, c\n  \
             Foo (tf): 1 node: b"
        );
    }
}
