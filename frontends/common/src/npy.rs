//! NumPy `.npy` files (format versions 1 to 3, little-endian, C order) as host tensors: the
//! fixtures' inputs and the frameworks' reference outputs.

use msc_nn_kernels::{DType, Data, Tensor};
use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

/// Reads the `.npy` file at `path`.
pub fn read_npy(path: &Path) -> Result<Tensor, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_npy(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the bytes of a `.npy` file.
pub fn parse_npy(bytes: &[u8]) -> Result<Tensor, String> {
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err("not a .npy file (no \\x93NUMPY magic)".into());
    }
    let (header_len, start): (usize, usize) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        v => return Err(format!("unsupported .npy format version {v}")),
    };
    let end = start.checked_add(header_len).filter(|&e| e <= bytes.len()).ok_or("the header is truncated")?;
    let header = std::str::from_utf8(&bytes[start..end]).map_err(|_| "the header is not text")?;
    let descr = field(header, "descr")?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    if field(header, "fortran_order")? != "False" {
        return Err("Fortran-order arrays are not supported".into());
    }
    let dtype = match descr {
        "<f4" => DType::F32,
        "<f2" => DType::F16,
        "<f8" => DType::F64,
        "|i1" => DType::I8,
        "|u1" => DType::U8,
        "<i2" => DType::I16,
        "<i4" => DType::I32,
        "<i8" => DType::I64,
        "|b1" => DType::Bool,
        other => return Err(format!("element type '{other}' is not supported")),
    };
    let shape = field(header, "shape")?;
    let shape: Vec<usize> = shape
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.parse::<usize>().map_err(|_| format!("bad dim '{d}' in the shape")))
        .collect::<Result<_, _>>()?;
    let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).ok_or("the shape overflows")?;
    let size = count.checked_mul(dtype.size()).ok_or("the shape overflows")?;
    let data = &bytes[end..];
    if data.len() != size {
        return Err(format!("{} data bytes, the shape {shape:?} of {descr} needs {size}", data.len()));
    }
    let data = Data::from_le_bytes(dtype, data).map_err(|e| e.0)?;
    Tensor::new(shape, data).map_err(|e| e.0)
}

/// The text of `key`'s value in the header dictionary, up to the next top-level comma.
fn field<'a>(header: &'a str, key: &str) -> Result<&'a str, String> {
    let quoted = [format!("'{key}'"), format!("\"{key}\"")];
    let at = quoted.iter().find_map(|q| header.find(q.as_str()).map(|i| i + q.len())).ok_or(format!("no '{key}'"))?;
    let rest = header[at..].trim_start().strip_prefix(':').ok_or(format!("no value for '{key}'"))?.trim_start();
    let mut depth = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | '}' if depth == 0 => return Ok(rest[..i].trim()),
            _ => {}
        }
    }
    Err(format!("the value of '{key}' is not terminated"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
        let header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}\n");
        let mut out = MAGIC.to_vec();
        out.extend([1, 0]);
        out.extend((header.len() as u16).to_le_bytes());
        out.extend(header.as_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn parses_arrays_and_scalars() {
        let data: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let t = parse_npy(&npy("<f4", "(2, 3)", &data)).unwrap();
        assert_eq!(t.shape(), &[2, 3]);
        assert_eq!(t.to_f64(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let t = parse_npy(&npy("<i8", "()", &7i64.to_le_bytes())).unwrap();
        assert_eq!((t.shape(), t.to_i64()), (&[][..], vec![7]));
        let t = parse_npy(&npy("<i4", "(2,)", &[1, 0, 0, 0, 2, 0, 0, 0])).unwrap();
        assert_eq!(t.to_i64(), vec![1, 2]);
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(parse_npy(b"hello").unwrap_err().contains("magic"));
        assert!(parse_npy(&npy("<f4", "(2,)", &[0; 7])).unwrap_err().contains("needs 8"));
        assert!(parse_npy(&npy("<c8", "(1,)", &[0; 8])).unwrap_err().contains("not supported"));
    }
}
