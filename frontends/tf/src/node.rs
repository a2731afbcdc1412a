//! [`Node`]: what an op importer sees of one TensorFlow node (its dataflow inputs as IR values,
//! its attributes) plus helpers for constants, casts and the NHWC/NCHW transposes.

use crate::proto::attr_value::Value as AttrKind;
use crate::proto::{AttrValue, NodeDef, TensorProto};
use crate::tensor::element_type;
use msc_frontend::build;
use msc_ir::{Builder, DenseAttr, ElementType, OpId, TensorType, Value};
use msc_nn::ops::Transpose;

/// One node being imported.
pub(crate) struct Node<'a, 'b> {
    pub(crate) b: &'a mut Builder<'b>,
    pub(crate) def: &'a NodeDef,
    /// The dataflow inputs (control inputs left out).
    pub(crate) inputs: Vec<Value>,
}

/// The layout of an image tensor, from a node's `data_format` attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Nhwc,
    Nchw,
}

impl Format {
    /// The axes of height and width.
    pub(crate) fn spatial(self) -> [usize; 2] {
        match self {
            Format::Nhwc => [1, 2],
            Format::Nchw => [2, 3],
        }
    }
}

impl Node<'_, '_> {
    /// Required dataflow input `i`.
    pub(crate) fn input(&self, i: usize) -> Result<Value, String> {
        self.inputs
            .get(i)
            .copied()
            .ok_or_else(|| format!("input #{i} is required but the node has {}", self.inputs.len()))
    }

    /// The tensor type of `v`.
    pub(crate) fn ty(&self, v: Value) -> Result<TensorType, String> {
        build::tensor_type(self.b.ctx_ref(), v)
    }

    /// The rank of `v`.
    pub(crate) fn rank(&self, v: Value) -> Result<usize, String> {
        Ok(self.ty(v)?.rank())
    }

    /// The static shape of `v`, or an error naming what needs it.
    pub(crate) fn static_shape(&self, v: Value, what: &str) -> Result<Vec<u64>, String> {
        let ty = self.ty(v)?;
        ty.static_shape().ok_or_else(|| format!("{what} needs a static shape, got {ty}"))
    }

    /// The values of input `i` as integers; it must be a constant (after folding).
    pub(crate) fn const_ints(&self, i: usize, what: &str) -> Result<Vec<i64>, String> {
        let v = self.input(i)?;
        build::constant(self.b.ctx_ref(), v)
            .and_then(DenseAttr::to_i64s)
            .ok_or_else(|| format!("the {what} (input #{i}) must be a constant"))
    }

    /// The single integer of input `i`, a constant.
    pub(crate) fn const_int(&self, i: usize, what: &str) -> Result<i64, String> {
        match self.const_ints(i, what)?[..] {
            [v] => Ok(v),
            ref other => Err(format!("the {what} (input #{i}) must hold one value, got {other:?}")),
        }
    }

    /// A 1-D i64 constant.
    pub(crate) fn i64s(&mut self, values: &[i64]) -> Result<Value, String> {
        build::i64s(self.b, values)
    }

    /// A rank-0 constant of `element`.
    pub(crate) fn scalar(&mut self, element: ElementType, value: f64) -> Result<Value, String> {
        build::scalar(self.b, element, value)
    }

    /// `v` converted to `to`.
    pub(crate) fn cast(&mut self, v: Value, to: ElementType) -> Result<Value, String> {
        build::cast(self.b, v, to)
    }

    /// Input `i` as i64 (shape, axes and index operands of `nn` ops are i64; TensorFlow's are
    /// usually i32).
    /// Constants are converted here, so that the op built on them sees a constant operand.
    pub(crate) fn input_i64(&mut self, i: usize) -> Result<Value, String> {
        let v = self.input(i)?;
        match build::constant(self.b.ctx_ref(), v).and_then(|d| Some((d.ty().clone(), d.to_i64s()?))) {
            Some((ty, values)) => {
                build::dense(self.b, DenseAttr::from_i64s(ty.with_element(ElementType::I64), &values)?)
            }
            None => self.cast(v, ElementType::I64),
        }
    }

    /// Input `i` as a 1-D i64 list of axes (TensorFlow also accepts a scalar).
    pub(crate) fn axes_input(&mut self, i: usize) -> Result<Value, String> {
        let v = self.input_i64(i)?;
        if self.rank(v)? != 0 {
            return Ok(v);
        }
        match build::constant(self.b.ctx_ref(), v).and_then(DenseAttr::to_i64s) {
            Some(values) => self.i64s(&values),
            None => {
                let shape = self.i64s(&[1])?;
                msc_nn::ops::Reshape::new(v, shape).build_value(self.b)
            }
        }
    }

    /// `v` transposed by `perm`.
    pub(crate) fn transpose(&mut self, v: Value, perm: &[i64]) -> Result<Value, String> {
        Transpose::new(v).perm(perm.to_vec()).build_value(self.b)
    }

    /// An image in `format` as NCHW (a transpose for NHWC).
    pub(crate) fn nchw_of(&mut self, v: Value, format: Format) -> Result<Value, String> {
        match format {
            Format::Nchw => Ok(v),
            Format::Nhwc => self.transpose(v, &[0, 3, 1, 2]),
        }
    }

    /// An NCHW image back in `format`.
    pub(crate) fn nchw_back(&mut self, v: Value, format: Format) -> Result<Value, String> {
        match format {
            Format::Nchw => Ok(v),
            Format::Nhwc => self.transpose(v, &[0, 2, 3, 1]),
        }
    }

    /// Every result of `op`.
    pub(crate) fn results(&self, op: OpId) -> Vec<Value> {
        self.b.ctx_ref().op(op).results().to_vec()
    }

    fn attr(&self, name: &str) -> Option<&AttrKind> {
        self.def.attr.get(name).and_then(|a: &AttrValue| a.value.as_ref())
    }

    fn wrong(&self, name: &str, want: &str) -> String {
        format!("attribute '{name}' must be {want}, got {:?}", self.attr(name))
    }

    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.attr(name) {
            None => Ok(None),
            Some(AttrKind::I(i)) => Ok(Some(*i)),
            Some(_) => Err(self.wrong(name, "an int")),
        }
    }

    pub(crate) fn int_or(&self, name: &str, default: i64) -> Result<i64, String> {
        Ok(self.int(name)?.unwrap_or(default))
    }

    pub(crate) fn float_or(&self, name: &str, default: f64) -> Result<f64, String> {
        match self.attr(name) {
            None => Ok(default),
            Some(AttrKind::F(f)) => Ok(*f as f64),
            Some(_) => Err(self.wrong(name, "a float")),
        }
    }

    pub(crate) fn bool_or(&self, name: &str, default: bool) -> Result<bool, String> {
        match self.attr(name) {
            None => Ok(default),
            Some(AttrKind::B(b)) => Ok(*b),
            Some(_) => Err(self.wrong(name, "a bool")),
        }
    }

    pub(crate) fn string_or(&self, name: &str, default: &str) -> Result<String, String> {
        match self.attr(name) {
            None => Ok(default.to_string()),
            Some(AttrKind::S(s)) => {
                String::from_utf8(s.to_vec()).map_err(|_| format!("attribute '{name}' is not valid UTF-8"))
            }
            Some(_) => Err(self.wrong(name, "a string")),
        }
    }

    /// An integer list (`None` when absent).
    pub(crate) fn ints(&self, name: &str) -> Result<Option<Vec<i64>>, String> {
        match self.attr(name) {
            None => Ok(None),
            Some(AttrKind::List(list)) => Ok(Some(list.i.clone())),
            Some(_) => Err(self.wrong(name, "a list of ints")),
        }
    }

    /// An element type attribute (`T`, `DstT`, `out_type`, ...).
    pub(crate) fn dtype(&self, name: &str) -> Result<Option<ElementType>, String> {
        match self.attr(name) {
            None => Ok(None),
            Some(AttrKind::Type(code)) => element_type(*code).map(Some).map_err(|e| format!("attribute '{name}': {e}")),
            Some(_) => Err(self.wrong(name, "a data type")),
        }
    }

    pub(crate) fn tensor(&self, name: &str) -> Result<Option<&TensorProto>, String> {
        match self.attr(name) {
            None => Ok(None),
            Some(AttrKind::Tensor(t)) => Ok(Some(t)),
            Some(_) => Err(self.wrong(name, "a tensor")),
        }
    }

    /// The `data_format` attribute of image ops (`NHWC` by default).
    pub(crate) fn format(&self) -> Result<Format, String> {
        match self.string_or("data_format", "NHWC")?.as_str() {
            "NHWC" => Ok(Format::Nhwc),
            "NCHW" => Ok(Format::Nchw),
            other => Err(format!("data_format '{other}' is not supported (only NHWC and NCHW)")),
        }
    }

    /// A per-dim list attribute (`strides`, `dilations`, `ksize`) of a 4-D image op, as the two
    /// spatial values; absent lists are all ones.
    pub(crate) fn spatial_list(&self, name: &str, format: Format) -> Result<Vec<i64>, String> {
        match self.ints(name)? {
            None => Ok(vec![1, 1]),
            Some(list) if list.len() == 4 => Ok(format.spatial().iter().map(|&a| list[a]).collect()),
            Some(list) => Err(format!("attribute '{name}' must have 4 values, got {list:?}")),
        }
    }
}
