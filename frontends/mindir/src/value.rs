//! [`Val`]: what a MindIR node produces. Besides tensors, MindSpore graphs pass constant scalars,
//! tuples and tensors (most op arguments of MindSpore 2.x are such constant inputs), tuples of
//! values (`MakeTuple`, multi-output ops), and monads that only order side effects.

use crate::proto::AttributeProto;
use crate::proto::attribute_proto::AttributeType as T;
use msc_frontend::ExternalFiles;
use msc_ir::{DenseAttr, Value};

/// A value in a MindIR graph.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    Tensor(Value),
    /// A constant tensor not yet placed in the IR (placed when used as a tensor).
    Dense(DenseAttr),
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    Tuple(Vec<Val>),
    /// A monad or `None`: no data.
    Nothing,
}

impl Val {
    /// The integers of an int, a bool, a tuple of ints, or a constant integer tensor.
    pub(crate) fn ints(&self) -> Option<Vec<i64>> {
        match self {
            Val::Int(i) => Some(vec![*i]),
            Val::Bool(b) => Some(vec![*b as i64]),
            Val::Tuple(items) => items.iter().map(|v| v.int()).collect(),
            Val::Dense(d) => d.to_i64s(),
            _ => None,
        }
    }

    /// A single integer (a one-element tuple or tensor counts).
    pub(crate) fn int(&self) -> Option<i64> {
        match self.ints()?[..] {
            [v] => Some(v),
            _ => None,
        }
    }

    /// A single number as a float.
    pub(crate) fn float(&self) -> Option<f64> {
        match self {
            Val::Float(f) => Some(*f),
            Val::Int(i) => Some(*i as f64),
            Val::Dense(d) => match d.to_f64s()?[..] {
                [v] => Some(v),
                _ => None,
            },
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Val::Tensor(_) => "a tensor",
            Val::Dense(_) => "a constant tensor",
            Val::Int(_) => "an int",
            Val::Float(_) => "a float",
            Val::Bool(_) => "a bool",
            Val::Str(_) => "a string",
            Val::Tuple(_) => "a tuple",
            Val::Nothing => "nothing (a monad or None)",
        }
    }
}

/// The value of a constant attribute (a `Constant` node's `value`, or a primitive's attribute).
/// Scalars are in `i`/`f`/`d`/`s`, or as the one element of `ints`/`floats`/`doubles`/`strings`
/// inside tuples.
pub(crate) fn attr_value(a: &AttributeProto, external: &mut ExternalFiles) -> Result<Val, String> {
    let ty = T::try_from(a.r#type.unwrap_or(0)).unwrap_or(T::Undefined);
    let ints = |one: Val| -> Val {
        match a.ints.len() {
            0 => one,
            1 => Val::Int(a.ints[0]),
            _ => Val::Tuple(a.ints.iter().map(|&i| Val::Int(i)).collect()),
        }
    };
    Ok(match ty {
        T::Int8 | T::Int16 | T::Int32 | T::Int64 | T::Uint8 | T::Uint16 | T::Uint32 | T::Uint64 => {
            ints(Val::Int(a.i()))
        }
        T::Bool => match a.ints.first() {
            Some(&i) => Val::Bool(i != 0),
            None => Val::Bool(a.i() != 0),
        },
        T::Float | T::Float16 | T::Bfloat16 => match a.floats.first() {
            Some(&f) => Val::Float(f as f64),
            None => Val::Float(a.f() as f64),
        },
        T::Double => match a.doubles.first() {
            Some(&d) => Val::Float(d),
            None => Val::Float(a.d()),
        },
        T::String => {
            let bytes = a.strings.first().cloned().unwrap_or_else(|| a.s.clone().unwrap_or_default());
            Val::Str(String::from_utf8(bytes.to_vec()).map_err(|_| "a string is not valid UTF-8".to_string())?)
        }
        T::Tuple | T::List => Val::Tuple(a.values.iter().map(|v| attr_value(v, external)).collect::<Result<_, _>>()?),
        T::Tensor | T::Tensors => {
            let t = a.t.as_ref().or(a.tensors.first()).ok_or("a tensor constant holds no tensor")?;
            Val::Dense(crate::tensor::dense_from_proto(t, external).map_err(|e| e.to_string())?)
        }
        T::Umonad | T::Iomonad | T::None => Val::Nothing,
        other => return Err(format!("constants of type {} are not supported", other.as_str_name())),
    })
}
