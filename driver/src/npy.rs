//! NumPy `.npy` files (format versions 1–3) and `.npz` archives of them, read into and written
//! from runtime [`Tensor`]s. Little-endian, C-order arrays of bool, int8–int64, uint8, float16,
//! float32 and float64.

use msc_runtime::{DType, Tensor};
use std::io::{Read, Seek};
use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

fn descr(dtype: DType) -> Option<&'static str> {
    Some(match dtype {
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::F16 => "<f2",
        DType::I8 => "|i1",
        DType::U8 => "|u1",
        DType::I16 => "<i2",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::Bool => "|b1",
        DType::BF16 => return None,
    })
}

fn dtype_of(descr: &str) -> Option<DType> {
    let canonical = descr.replace('=', "<").replace("|", "<");
    DType::ALL.into_iter().find(|&d| self::descr(d).is_some_and(|s| s.replace('|', "<") == canonical))
}

/// Parses one `.npy` file's bytes; `what` names it in errors.
pub fn parse(bytes: &[u8], what: &str) -> Result<Tensor, String> {
    let bad = |m: &str| format!("{what}: not a valid .npy file: {m}");
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err(bad("it does not start with \\x93NUMPY"));
    }
    let (header_len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10usize),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        v => return Err(bad(&format!("format version {v} is not supported (1, 2 and 3 are)"))),
    };
    let end = start.checked_add(header_len).filter(|&e| e <= bytes.len()).ok_or_else(|| bad("truncated header"))?;
    let header = std::str::from_utf8(&bytes[start..end]).map_err(|_| bad("the header is not text"))?;
    let field = |key: &str| -> Result<&str, String> {
        let at = header.find(&format!("'{key}'")).ok_or_else(|| bad(&format!("no '{key}' in the header")))?;
        let rest = header[at + key.len() + 2..].trim_start();
        Ok(rest.strip_prefix(':').ok_or_else(|| bad("malformed header"))?.trim_start())
    };
    let descr_text = field("descr")?;
    let descr = descr_text.strip_prefix('\'').and_then(|s| s.split('\'').next()).ok_or_else(|| bad("bad descr"))?;
    let dtype = dtype_of(descr).ok_or_else(|| {
        format!("{what}: element type '{descr}' is not supported (little-endian bool, int8-64, uint8, float16/32/64)")
    })?;
    if field("fortran_order")?.starts_with("True") {
        return Err(format!("{what}: Fortran-order arrays are not supported; save with np.ascontiguousarray"));
    }
    let shape_text = field("shape")?;
    let close = shape_text.find(')').ok_or_else(|| bad("bad shape"))?;
    let shape = shape_text[1..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| bad(&format!("bad dimension '{s}'"))))
        .collect::<Result<Vec<usize>, String>>()?;
    Tensor::from_bytes(dtype, &shape, &bytes[end..]).map_err(|e| format!("{what}: {e}"))
}

/// Serializes a tensor as a version-1 `.npy` file.
pub fn to_bytes(tensor: &Tensor) -> Result<Vec<u8>, String> {
    let descr = descr(tensor.dtype()).ok_or("bfloat16 has no .npy type; convert it to float32 first")?;
    let dims: Vec<String> = tensor.shape().iter().map(|d| d.to_string()).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // Pad so the data starts at a multiple of 64 bytes, ending the header with a newline.
    let total = MAGIC.len() + 4 + header.len() + 1;
    header.push_str(&" ".repeat(total.next_multiple_of(64) - total));
    header.push('\n');
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(tensor.as_bytes());
    Ok(out)
}

/// Reads `path`: one `.npy` array, or every array of an `.npz` archive (named by member, without
/// `.npy`).
pub fn read_file(path: &Path) -> Result<Vec<(String, Tensor)>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let what = path.display().to_string();
    if bytes.starts_with(MAGIC) {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(vec![(stem, parse(&bytes, &what)?)]);
    }
    read_npz(std::io::Cursor::new(bytes), &what)
}

fn read_npz(reader: impl Read + Seek, what: &str) -> Result<Vec<(String, Tensor)>, String> {
    let mut archive =
        zip::ZipArchive::new(reader).map_err(|e| format!("{what}: neither a .npy file nor an .npz archive: {e}"))?;
    let mut arrays = Vec::new();
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).map_err(|e| format!("{what}: {e}"))?;
        let name = member.name().trim_end_matches(".npy").to_string();
        let mut data = Vec::new();
        member.read_to_end(&mut data).map_err(|e| format!("{what}: member {name}: {e}"))?;
        arrays.push((name.clone(), parse(&data, &format!("{what}[{name}]"))?));
    }
    Ok(arrays)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_supported_type() {
        for dtype in DType::ALL.into_iter().filter(|&d| d != DType::BF16) {
            let t = Tensor::zeros(dtype, &[2, 3]).unwrap();
            let back = parse(&to_bytes(&t).unwrap(), "t").unwrap();
            assert_eq!((back.dtype(), back.shape()), (dtype, &[2usize, 3][..]));
        }
        let t = Tensor::from_slice(&[3], &[1.0f32, -2.0, 3.5]).unwrap();
        let bytes = to_bytes(&t).unwrap();
        assert_eq!(bytes.len() % 64, 12, "data starts at a multiple of 64: header is 64 bytes");
        assert_eq!(parse(&bytes, "t").unwrap().to_vec::<f32>().unwrap(), vec![1.0, -2.0, 3.5]);
    }

    #[test]
    fn reads_numpys_own_header_forms() {
        let header = "{'descr': '<i8', 'fortran_order': False, 'shape': (), }";
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[1, 0]);
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&7i64.to_le_bytes());
        let t = parse(&bytes, "s").unwrap();
        assert_eq!((t.shape().len(), t.to_vec::<i64>().unwrap()), (0, vec![7]));
    }

    #[test]
    fn bad_files_are_errors_naming_the_file() {
        assert!(parse(b"hello", "x.npy").unwrap_err().contains("x.npy: not a valid .npy"));
        let t = Tensor::from_slice(&[4], &[1i32, 2, 3, 4]).unwrap();
        let bytes = to_bytes(&t).unwrap();
        let err = parse(&bytes[..bytes.len() - 1], "x.npy").unwrap_err();
        assert!(err.starts_with("x.npy:"), "{err}");
        let mut fortran = bytes.clone();
        let at = fortran.windows(5).position(|w| w == b"False").unwrap();
        fortran[at..at + 5].copy_from_slice(b"True ");
        assert!(parse(&fortran, "f.npy").unwrap_err().contains("Fortran"));
    }
}
