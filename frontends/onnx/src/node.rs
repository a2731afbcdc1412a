//! [`NodeCtx`]: what an op importer sees of one ONNX node (its inputs as IR values, attributes,
//! opset version) plus helpers to build constants and read constant operands.

use crate::attrs::Attrs;
use crate::error::ImportError;
use crate::load::ExternalData;
use crate::proto::NodeProto;
use crate::registry::IGNORED_ATTRIBUTES;
use crate::tensor::dense_from_proto;
use msc_ir::{Builder, DenseAttr, ElementType, OpId, TensorType, Type, Value};
use msc_nn::ops::{Reshape, Shape, Unsqueeze};

/// One node being imported.
pub(crate) struct NodeCtx<'a, 'b> {
    pub(crate) b: &'a mut Builder<'b>,
    pub(crate) node: &'a NodeProto,
    /// The node's inputs; `None` for an omitted optional input (empty name).
    pub(crate) inputs: Vec<Option<Value>>,
    pub(crate) attrs: Attrs<'a>,
    /// The model's opset version for the node's domain.
    pub(crate) opset: i64,
    pub(crate) external: &'a mut ExternalData,
}

impl NodeCtx<'_, '_> {
    /// Fails on any attribute outside `known` (custom importers list the attributes they read, so
    /// that none is silently ignored).
    pub(crate) fn known_attrs(&self, known: &[&str]) -> Result<(), String> {
        match self
            .attrs
            .iter()
            .find(|a| !known.contains(&a.name.as_str()) && !IGNORED_ATTRIBUTES.contains(&a.name.as_str()))
        {
            Some(a) => Err(format!("attribute '{}' is not supported", a.name)),
            None => Ok(()),
        }
    }

    /// Required input `i`.
    pub(crate) fn input(&self, i: usize) -> Result<Value, String> {
        self.opt_input(i).ok_or_else(|| format!("input #{i} is required but missing"))
    }

    /// Optional input `i`.
    pub(crate) fn opt_input(&self, i: usize) -> Option<Value> {
        self.inputs.get(i).copied().flatten()
    }

    /// The number of outputs the node declares (including omitted ones).
    pub(crate) fn num_outputs(&self) -> usize {
        self.node.output.len()
    }

    /// Whether output `i` is requested (present with a non-empty name).
    pub(crate) fn wants_output(&self, i: usize) -> bool {
        self.node.output.get(i).is_some_and(|name| !name.is_empty())
    }

    /// The tensor type of `v`.
    pub(crate) fn ty(&self, v: Value) -> Result<TensorType, String> {
        msc_frontend::build::tensor_type(self.b.ctx_ref(), v)
    }

    /// The static shape of `v`, or an error naming `what` needs it.
    pub(crate) fn static_shape(&self, v: Value, what: &str) -> Result<Vec<u64>, String> {
        let ty = self.ty(v)?;
        ty.static_shape().ok_or_else(|| format!("{what} needs a static input shape, got {ty}"))
    }

    /// The values of `v` when it is defined by a constant.
    pub(crate) fn constant(&self, v: Value) -> Option<&DenseAttr> {
        msc_frontend::build::constant(self.b.ctx_ref(), v)
    }

    /// The values of `v` as integers when it is a constant.
    pub(crate) fn constant_ints(&self, v: Value) -> Option<Vec<i64>> {
        self.constant(v)?.to_i64s()
    }

    /// A constant holding `dense`.
    pub(crate) fn dense(&mut self, dense: DenseAttr) -> Result<Value, String> {
        msc_frontend::build::dense(self.b, dense)
    }

    /// A 1-D i64 constant.
    pub(crate) fn i64s(&mut self, values: &[i64]) -> Result<Value, String> {
        msc_frontend::build::i64s(self.b, values)
    }

    /// A constant of `element` with `shape`, every element `value`.
    pub(crate) fn filled(&mut self, element: ElementType, shape: &[u64], value: f64) -> Result<Value, String> {
        msc_frontend::build::filled(self.b, element, shape, value)
    }

    /// A rank-0 constant of `element`.
    pub(crate) fn scalar(&mut self, element: ElementType, value: f64) -> Result<Value, String> {
        self.filled(element, &[], value)
    }

    /// `v` converted to `to` (itself when it already has that element type).
    pub(crate) fn cast(&mut self, v: Value, to: ElementType) -> Result<Value, String> {
        msc_frontend::build::cast(self.b, v, to)
    }

    /// A 1-D `v` (per-axis parameters) shaped to broadcast along `axis` of a rank-`rank` tensor;
    /// scalars and inputs of rank 1 are returned as they are.
    pub(crate) fn along_axis(&mut self, v: Value, axis: i64, rank: usize) -> Result<Value, String> {
        if self.ty(v)?.rank() != 1 || rank <= 1 {
            return Ok(v);
        }
        let axis = if axis < 0 { axis + rank as i64 } else { axis };
        if !(0..rank as i64).contains(&axis) {
            return Err(format!("axis {axis} is out of range for rank {rank}"));
        }
        let others: Vec<i64> = (0..rank as i64).filter(|&a| a != axis).collect();
        let axes = self.i64s(&others)?;
        Unsqueeze::new(v, axes).build_value(self.b)
    }

    /// The tensor attribute `name` as a dense constant value.
    pub(crate) fn dense_attr(&mut self, name: &str) -> Result<Option<DenseAttr>, String> {
        let Some(t) = self.attrs.tensor(name)? else { return Ok(None) };
        dense_from_proto(t.clone(), self.external).map(Some).map_err(|e| match e {
            ImportError::Tensor { reason, .. } => format!("attribute '{name}': {reason}"),
            other => format!("attribute '{name}': {other}"),
        })
    }

    /// Every result of `op`.
    pub(crate) fn results(&self, op: OpId) -> Vec<Value> {
        self.b.ctx_ref().op(op).results().to_vec()
    }

    /// `x` reshaped to the shape of `like` (a constant shape when static, else `nn.shape`), typed
    /// exactly as `like` so that symbolic dims keep their names.
    pub(crate) fn reshape_like(&mut self, x: Value, like: Value) -> Result<Value, String> {
        let ty = self.ty(like)?;
        let shape = match ty.static_shape() {
            Some(dims) => self.i64s(&dims.iter().map(|&d| d as i64).collect::<Vec<_>>())?,
            None => Shape::new(like).build_value(self.b)?,
        };
        let op = Reshape::new(x, shape)
            .build_with_types(self.b, vec![Type::Tensor(ty.with_element(self.ty(x)?.element))])?;
        Ok(self.results(op)[0])
    }
}
