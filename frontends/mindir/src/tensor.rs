//! MindIR tensors to IR constants: data types, and [`TensorProto`] to [`DenseAttr`]. `raw_data`
//! and external weights stay slices of the mapped files; the typed fields (`float_data`,
//! `int64_data`, ...) are encoded once.

use crate::error::ImportError;
use crate::proto::TensorProto;
use crate::proto::tensor_proto::DataType;
use bytes::Bytes;
use msc_frontend::ExternalFiles;
use msc_ir::{DenseAttr, ElementType, TensorType};

/// The name of a MindIR data type code, for messages.
pub(crate) fn data_type_name(code: i32) -> String {
    DataType::try_from(code).map_or_else(|_| format!("data type {code}"), |d| d.as_str_name().to_string())
}

/// The IR element type of a MindIR data type code.
pub(crate) fn element_type(code: i32) -> Result<ElementType, String> {
    Ok(match DataType::try_from(code) {
        Ok(DataType::Float) => ElementType::F32,
        Ok(DataType::Float16) => ElementType::F16,
        Ok(DataType::Bfloat16) => ElementType::BF16,
        Ok(DataType::Double | DataType::Float64) => ElementType::F64,
        Ok(DataType::Int8) => ElementType::I8,
        Ok(DataType::Uint8) => ElementType::U8,
        Ok(DataType::Int16) => ElementType::I16,
        Ok(DataType::Int32) => ElementType::I32,
        Ok(DataType::Int64) => ElementType::I64,
        Ok(DataType::Bool) => ElementType::Bool,
        _ => return Err(format!("element type {} is not supported by msc", data_type_name(code))),
    })
}

/// The tensor's dims as sizes; negative (dynamic) dims are an error.
fn static_dims(dims: &[i64]) -> Result<Vec<u64>, String> {
    dims.iter().map(|&d| u64::try_from(d).map_err(|_| format!("dims {dims:?} have a dynamic dim {d}"))).collect()
}

/// The dense constant a tensor holds: inline `raw_data`, an external weight file, or a typed field.
pub(crate) fn dense_from_proto(t: &TensorProto, external: &mut ExternalFiles) -> Result<DenseAttr, ImportError> {
    let fail = |reason: String| ImportError::Tensor { tensor: t.name().to_string(), reason };
    if t.compression_type.is_some_and(|c| c != 0) {
        return Err(fail("compressed tensors are not supported".into()));
    }
    let element = element_type(t.data_type()).map_err(fail)?;
    let ty = TensorType::of(&static_dims(&t.dims).map_err(fail)?, element);
    let bytes = if let Some(ext) = &t.external_data {
        let location = ext.location().to_string();
        let number = |v: Option<i64>, what: &str| {
            v.map(|v| {
                u64::try_from(v).map_err(|_| ImportError::ExternalData {
                    tensor: t.name().to_string(),
                    location: location.clone(),
                    reason: format!("{what} {v} is negative"),
                })
            })
            .transpose()
        };
        let (offset, length) = (number(ext.offset, "offset")?, number(ext.length, "length")?);
        external.read(&location, offset, length).map_err(|reason| ImportError::ExternalData {
            tensor: t.name().to_string(),
            location: location.clone(),
            reason,
        })?
    } else if let Some(raw) = &t.raw_data {
        raw.clone()
    } else {
        typed_bytes(t, element, ty.num_elements().unwrap_or(0)).map_err(fail)?
    };
    DenseAttr::from_bytes(ty, bytes).map_err(fail)
}

/// Encodes the typed data field that holds elements of `element`, checking the element count.
fn typed_bytes(t: &TensorProto, element: ElementType, count: u64) -> Result<Bytes, String> {
    fn le<T, const N: usize>(values: &[T], f: impl Fn(&T) -> [u8; N]) -> (usize, Vec<u8>) {
        (values.len(), values.iter().flat_map(f).collect())
    }
    let (len, bytes) = match element {
        ElementType::F32 => le(&t.float_data, |v| v.to_le_bytes()),
        ElementType::F64 => le(&t.double_data, |v| v.to_le_bytes()),
        ElementType::I64 => le(&t.int64_data, |v| v.to_le_bytes()),
        ElementType::I32 => le(&t.int32_data, |v| v.to_le_bytes()),
        ElementType::I16 => le(&t.int32_data, |&v| (v as i16).to_le_bytes()),
        ElementType::F16 | ElementType::BF16 => le(&t.int32_data, |&v| (v as u16).to_le_bytes()),
        ElementType::I8 | ElementType::U8 => le(&t.int32_data, |&v| [v as u8]),
        ElementType::Bool => le(&t.int32_data, |&v| [(v != 0) as u8]),
    };
    if len as u64 != count {
        return Err(format!("holds {len} value(s) in its typed field but its dims {:?} need {count}", t.dims));
    }
    Ok(Bytes::from(bytes))
}
