//! TensorFlow tensors to IR constants: data types, shapes, and [`TensorProto`] to [`DenseAttr`].
//! `tensor_content` stays a slice of the model bytes; the typed `*_val` fields are encoded once,
//! and a field holding one value for a larger shape becomes a splat (TensorFlow repeats the last
//! value given to fill the shape).

use crate::proto::{DataType, TensorProto, TensorShapeProto};
use bytes::Bytes;
use msc_ir::{DenseAttr, ElementType, TensorType};

/// The name of a TensorFlow data type code, for messages.
pub(crate) fn data_type_name(code: i32) -> String {
    DataType::try_from(code).map_or_else(|_| format!("data type {code}"), |d| d.as_str_name().to_string())
}

/// The IR element type of a TensorFlow data type code (`_REF` types, code + 100, as their base).
pub(crate) fn element_type(code: i32) -> Result<ElementType, String> {
    let code = if code > 100 { code - 100 } else { code };
    Ok(match DataType::try_from(code) {
        Ok(DataType::DtFloat) => ElementType::F32,
        Ok(DataType::DtHalf) => ElementType::F16,
        Ok(DataType::DtBfloat16) => ElementType::BF16,
        Ok(DataType::DtDouble) => ElementType::F64,
        Ok(DataType::DtInt8) => ElementType::I8,
        Ok(DataType::DtUint8) => ElementType::U8,
        Ok(DataType::DtInt16) => ElementType::I16,
        Ok(DataType::DtInt32) => ElementType::I32,
        Ok(DataType::DtInt64) => ElementType::I64,
        Ok(DataType::DtBool) => ElementType::Bool,
        _ => return Err(format!("element type {} is not supported by msc", data_type_name(code))),
    })
}

/// The static dims of a shape; unknown rank or dims are an error.
pub(crate) fn static_dims(shape: Option<&TensorShapeProto>) -> Result<Vec<u64>, String> {
    let Some(shape) = shape else { return Ok(vec![]) };
    if shape.unknown_rank {
        return Err("the tensor has an unknown rank".into());
    }
    shape
        .dim
        .iter()
        .map(|d| u64::try_from(d.size).map_err(|_| format!("the tensor has an unknown dim {}", d.size)))
        .collect()
}

/// The dense constant a tensor holds.
pub(crate) fn dense_from_proto(t: &TensorProto) -> Result<DenseAttr, String> {
    let element = element_type(t.dtype)?;
    let ty = TensorType::of(&static_dims(t.tensor_shape.as_ref())?, element);
    let count = ty.num_elements().ok_or("the tensor's element count overflows")?;
    if !t.tensor_content.is_empty() {
        return DenseAttr::from_bytes(ty, t.tensor_content.clone()).map_err(|e| format!("tensor_content: {e}"));
    }
    let (values, field) = typed_values(t, element);
    match values.len() as u64 {
        0 if count == 0 => DenseAttr::from_bytes(ty, Bytes::new()),
        // No values: every element is zero.
        0 => DenseAttr::splat(ty, Bytes::from(vec![0; element.size()])),
        n if n == count => DenseAttr::from_bytes(ty, Bytes::from(values.concat())),
        n if n > count => Err(format!("{field} holds {n} values but the shape {:?} needs {count}", ty.static_shape())),
        1 => DenseAttr::splat(ty, Bytes::from(values[0].clone())),
        _ => {
            let last = values.last().cloned().unwrap_or_default();
            let mut bytes = values.concat();
            for _ in values.len() as u64..count {
                bytes.extend_from_slice(&last);
            }
            DenseAttr::from_bytes(ty, Bytes::from(bytes))
        }
    }
}

/// The elements of the typed field that holds `element`, each as its little-endian bytes, and
/// the field's name.
fn typed_values(t: &TensorProto, element: ElementType) -> (Vec<Vec<u8>>, &'static str) {
    fn le<T, const N: usize>(values: &[T], f: impl Fn(&T) -> [u8; N]) -> Vec<Vec<u8>> {
        values.iter().map(|v| f(v).to_vec()).collect()
    }
    match element {
        ElementType::F32 => (le(&t.float_val, |v| v.to_le_bytes()), "float_val"),
        ElementType::F64 => (le(&t.double_val, |v| v.to_le_bytes()), "double_val"),
        // Half and bfloat16 travel as their bit patterns.
        ElementType::F16 | ElementType::BF16 => (le(&t.half_val, |&v| (v as u16).to_le_bytes()), "half_val"),
        ElementType::I64 => (le(&t.int64_val, |v| v.to_le_bytes()), "int64_val"),
        ElementType::I32 => (le(&t.int_val, |v| v.to_le_bytes()), "int_val"),
        ElementType::I16 => (le(&t.int_val, |&v| (v as i16).to_le_bytes()), "int_val"),
        ElementType::I8 | ElementType::U8 => (le(&t.int_val, |&v| [v as u8]), "int_val"),
        ElementType::Bool => (le(&t.bool_val, |&v| [v as u8]), "bool_val"),
    }
}
