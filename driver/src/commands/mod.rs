//! The `msc` subcommands, one file each.

pub mod bench;
pub mod compile;
pub mod import;
pub mod inspect;
pub mod opt;
pub mod run;

use msc::Session;
use msc::runtime::{DType, Tensor, TensorInfo, Trust};
use std::path::Path;

/// Parses `name=1x3x224x224` (`name=` alone is a scalar; `?` or -1 keeps a dim).
pub fn parse_input_shape(text: &str) -> Result<(String, Vec<i64>), String> {
    let (name, shape) = text.rsplit_once('=').ok_or("expected NAME=SHAPE, e.g. input=1x3x224x224")?;
    let dims = shape
        .split('x')
        .filter(|d| !d.is_empty())
        .map(|d| match d {
            "?" => Ok(-1),
            d => d
                .parse::<i64>()
                .ok()
                .filter(|&v| v >= -1)
                .ok_or_else(|| format!("'{d}' is not a dim (a size, '?' or -1)")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((name.to_string(), dims))
}

/// Parses `name=value.npy` (one array) for `--freeze-input`, reading the file.
pub fn parse_frozen_input(text: &str) -> Result<(String, msc_nn_kernels::Tensor), String> {
    let (name, file) = text.split_once('=').ok_or("expected NAME=FILE.npy, e.g. shape=shape.npy")?;
    let mut arrays = msc::npy::read_file(file.as_ref())?;
    if arrays.len() != 1 {
        return Err(format!("{file} holds {} arrays; give a .npy file", arrays.len()));
    }
    let value = msc::formats::host_tensor(&arrays.remove(0).1).map_err(|e| e.to_string())?;
    Ok((name.to_string(), value))
}

/// Opens a model for `msc run`/`msc bench`: a `.ms` artefact (the user running it is the trust
/// decision, as with any executable) or a model file compiled for this host with `input_shapes`
/// and `frozen_inputs`.
pub fn open_session(
    path: &Path,
    threads: usize,
    input_shapes: &[(String, Vec<i64>)],
    frozen_inputs: &[(String, msc_nn_kernels::Tensor)],
) -> Result<Session, String> {
    let mut builder = Session::builder().threads(threads).trust(Trust::TrustedProducer);
    for (name, shape) in input_shapes {
        builder = builder.input_shape(name, shape);
    }
    builder = builder.freeze_inputs(frozen_inputs);
    builder.commit_from_file(path).map_err(|e| format!("error: {}: {e}", path.display()))
}

/// Deterministic pseudo-random inputs for every model input: floats uniform in [-1, 1), integers
/// in [0, 8), booleans half true. `seed` varies them.
pub fn random_inputs(infos: &[TensorInfo], seed: u64) -> Result<Vec<(String, Tensor)>, String> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    infos
        .iter()
        .map(|info| {
            let shape: Vec<usize> = info.shape.iter().map(|&d| d as usize).collect();
            let n: usize = shape.iter().product();
            let mut t = Tensor::zeros(info.dtype, &shape).map_err(|e| e.to_string())?;
            let bytes = t.as_bytes_mut();
            let size = info.dtype.size();
            for i in 0..n {
                let r = next();
                let unit = (r >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
                let small = (r >> 33) % 8;
                let out = &mut bytes[i * size..(i + 1) * size];
                match info.dtype {
                    DType::F32 => out.copy_from_slice(&(unit as f32).to_le_bytes()),
                    DType::F64 => out.copy_from_slice(&unit.to_le_bytes()),
                    DType::F16 | DType::BF16 => {
                        // Exact in both: a multiple of 1/64 in [-1, 1).
                        let v = ((unit * 64.0).floor() / 64.0) as f32;
                        let bits = if info.dtype == DType::BF16 { (v.to_bits() >> 16) as u16 } else { f16_bits(v) };
                        out.copy_from_slice(&bits.to_le_bytes());
                    }
                    DType::Bool => out[0] = (r >> 40) as u8 & 1,
                    _ => out[..1.min(size)].copy_from_slice(&[small as u8]),
                }
            }
            Ok((info.name.clone(), t))
        })
        .collect()
}

/// The f16 bits of a multiple of 1/64 in [-1, 1) (exact, normal or zero).
fn f16_bits(v: f32) -> u16 {
    if v == 0.0 {
        return 0;
    }
    let bits = v.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xff) as i32 - 127 + 15;
    let mantissa = ((bits >> 13) & 0x3ff) as u16;
    sign | ((exp as u16) << 10) | mantissa
}
