//! [`Node`]: what a primitive importer sees of one MindIR node: its inputs as [`Val`]s and its
//! primitive's attributes. MindSpore 2.x passes most arguments as constant inputs, older
//! primitives as attributes; [`Node::arg`] reads either.

use crate::proto::AttributeProto;
use crate::value::{Val, attr_value};
use msc_frontend::{ExternalFiles, build};
use msc_ir::{Builder, ElementType, OpId, TensorType, Value};

/// The input index to pass to [`Node::arg`] and friends for arguments that are only ever
/// primitive attributes (old-style primitives such as Conv2D).
pub(crate) const ATTR: usize = usize::MAX;

/// One node being imported.
pub(crate) struct Node<'a, 'b> {
    pub(crate) b: &'a mut Builder<'b>,
    pub(crate) inputs: Vec<Val>,
    /// The primitive's attributes.
    pub(crate) attrs: &'a [AttributeProto],
    pub(crate) external: &'a mut ExternalFiles,
}

impl Node<'_, '_> {
    fn val(&self, i: usize) -> Result<&Val, String> {
        self.inputs.get(i).ok_or_else(|| format!("input #{i} is required but the node has {}", self.inputs.len()))
    }

    /// Input `i` as a tensor (constant tensors are placed in the IR).
    pub(crate) fn tensor(&mut self, i: usize) -> Result<Value, String> {
        match self.val(i)?.clone() {
            Val::Tensor(v) => Ok(v),
            Val::Dense(d) => build::dense(self.b, d),
            other => Err(format!("input #{i} must be a tensor, got {}", other.kind())),
        }
    }

    /// Input `i` as a tensor; a scalar becomes a rank-0 constant of `like`'s element type.
    pub(crate) fn tensor_like(&mut self, i: usize, like: Value) -> Result<Value, String> {
        match self.val(i)? {
            Val::Int(_) | Val::Float(_) | Val::Bool(_) => {
                let value = match self.val(i)? {
                    Val::Bool(b) => *b as i64 as f64,
                    v => v.float().unwrap_or_default(),
                };
                let element = self.ty(like)?.element;
                self.scalar(element, value)
            }
            _ => self.tensor(i),
        }
    }

    /// The primitive attribute `name`.
    pub(crate) fn attr(&mut self, name: &str) -> Result<Option<Val>, String> {
        match self.attrs.iter().find(|a| a.name() == name) {
            Some(a) => attr_value(a, self.external).map(Some).map_err(|e| format!("attribute '{name}': {e}")),
            None => Ok(None),
        }
    }

    /// Argument `i`: the input when the node has it, else the primitive attribute `attr`.
    pub(crate) fn arg(&mut self, i: usize, attr: &str) -> Result<Option<Val>, String> {
        match self.inputs.get(i) {
            Some(Val::Nothing) | None => self.attr(attr),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    pub(crate) fn int_arg(&mut self, i: usize, attr: &str, default: i64) -> Result<i64, String> {
        match self.arg(i, attr)? {
            None => Ok(default),
            Some(v) => v.int().ok_or_else(|| format!("'{attr}' must be an int, got {}", v.kind())),
        }
    }

    pub(crate) fn ints_arg(&mut self, i: usize, attr: &str) -> Result<Option<Vec<i64>>, String> {
        match self.arg(i, attr)? {
            None => Ok(None),
            Some(Val::Tensor(v)) => build::constant(self.b.ctx_ref(), v)
                .and_then(|d| d.to_i64s())
                .map(Some)
                .ok_or_else(|| format!("'{attr}' must be constant")),
            Some(v) => v.ints().map(Some).ok_or_else(|| format!("'{attr}' must be ints, got {}", v.kind())),
        }
    }

    pub(crate) fn float_arg(&mut self, i: usize, attr: &str, default: f64) -> Result<f64, String> {
        match self.arg(i, attr)? {
            None => Ok(default),
            Some(v) => v.float().ok_or_else(|| format!("'{attr}' must be a number, got {}", v.kind())),
        }
    }

    pub(crate) fn bool_arg(&mut self, i: usize, attr: &str, default: bool) -> Result<bool, String> {
        Ok(self.int_arg(i, attr, default as i64)? != 0)
    }

    /// A string argument; MindSpore 2.x passes enums (pad modes, formats) as integers, which
    /// `enum_names` maps back to the strings older primitives carried.
    pub(crate) fn enum_arg(&mut self, i: usize, attr: &str, enum_names: &[&str]) -> Result<Option<String>, String> {
        match self.arg(i, attr)? {
            None => Ok(None),
            Some(Val::Str(s)) => Ok(Some(s.to_uppercase())),
            Some(v) => match v.int() {
                Some(k) if (0..enum_names.len() as i64).contains(&k) => Ok(Some(enum_names[k as usize].to_string())),
                _ => Err(format!("'{attr}' must be one of {enum_names:?}, got {v:?}")),
            },
        }
    }

    /// The tensor type of `v`.
    pub(crate) fn ty(&self, v: Value) -> Result<TensorType, String> {
        build::tensor_type(self.b.ctx_ref(), v)
    }

    pub(crate) fn rank(&self, v: Value) -> Result<usize, String> {
        Ok(self.ty(v)?.rank())
    }

    pub(crate) fn i64s(&mut self, values: &[i64]) -> Result<Value, String> {
        build::i64s(self.b, values)
    }

    pub(crate) fn scalar(&mut self, element: ElementType, value: f64) -> Result<Value, String> {
        build::scalar(self.b, element, value)
    }

    pub(crate) fn results(&self, op: OpId) -> Vec<Value> {
        self.b.ctx_ref().op(op).results().to_vec()
    }
}
