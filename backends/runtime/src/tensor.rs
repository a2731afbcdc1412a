//! Host tensors: an element type, a shape and owned 64-byte aligned bytes in native byte order. `Session::run`
//! takes them as inputs and returns them as outputs.

use std::fmt;

use crate::buffer::AlignedBuf;
use crate::error::TensorError;
use crate::format::DType;

/// A dense tensor with owned, zero-initialized, 64-byte aligned storage.
pub struct Tensor {
    dtype: DType,
    shape: Vec<usize>,
    data: AlignedBuf,
}

/// A Rust type that is the element type of some [`DType`]: `f32`, `f64`, `i8`, `u8`, `i16`, `i32`, `i64`,
/// `bool`. (`f16` and `bf16` have no Rust type; build them with [`Tensor::from_bytes`], read them with
/// [`Tensor::to_f32_vec`].)
pub trait Element: sealed::Element {}

mod sealed {
    use crate::format::DType;

    /// The conversions behind [`super::Element`], kept out of the public API.
    pub trait Element: Copy {
        const DTYPE: DType;
        /// Writes the value into `out`, which has exactly `DTYPE.size()` bytes.
        fn write(self, out: &mut [u8]);
        /// Reads a value from `bytes`, which has exactly `DTYPE.size()` bytes.
        fn read(bytes: &[u8]) -> Self;
    }
}

macro_rules! numeric_elements {
    ($($t:ty => $dtype:ident),* $(,)?) => {$(
        impl sealed::Element for $t {
            const DTYPE: DType = DType::$dtype;
            fn write(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_ne_bytes());
            }
            fn read(bytes: &[u8]) -> Self {
                let mut ne = [0; size_of::<$t>()];
                ne.copy_from_slice(bytes);
                <$t>::from_ne_bytes(ne)
            }
        }
        impl Element for $t {}
    )*};
}

numeric_elements!(f32 => F32, f64 => F64, i8 => I8, u8 => U8, i16 => I16, i32 => I32, i64 => I64);

impl sealed::Element for bool {
    const DTYPE: DType = DType::Bool;
    fn write(self, out: &mut [u8]) {
        out[0] = u8::from(self);
    }
    fn read(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
}

impl Element for bool {}

/// Bytes a tensor of this dtype and shape occupies, if that fits in memory.
fn byte_len(dtype: DType, shape: &[usize]) -> Result<usize, TensorError> {
    shape
        .iter()
        .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d))
        .filter(|&n| isize::try_from(n).is_ok())
        .ok_or_else(|| TensorError::SizeOverflow { dtype, shape: shape.to_vec() })
}

impl Tensor {
    /// Wraps storage the runtime allocated with the right size.
    pub(crate) fn from_buf(dtype: DType, shape: Vec<usize>, data: AlignedBuf) -> Tensor {
        Tensor { dtype, shape, data }
    }

    /// A tensor of zeros.
    pub fn zeros(dtype: DType, shape: &[usize]) -> Result<Tensor, TensorError> {
        let len = byte_len(dtype, shape)?;
        let data = AlignedBuf::zeroed(len).map_err(|e| TensorError::OutOfMemory { bytes: e.0 })?;
        Ok(Tensor { dtype, shape: shape.to_vec(), data })
    }

    /// A tensor holding a copy of `bytes`, which are elements in native byte order.
    pub fn from_bytes(dtype: DType, shape: &[usize], bytes: &[u8]) -> Result<Tensor, TensorError> {
        let expected = byte_len(dtype, shape)?;
        if bytes.len() != expected {
            return Err(TensorError::LengthMismatch { dtype, shape: shape.to_vec(), expected, found: bytes.len() });
        }
        let data = AlignedBuf::copy_of(bytes).map_err(|e| TensorError::OutOfMemory { bytes: e.0 })?;
        Ok(Tensor { dtype, shape: shape.to_vec(), data })
    }

    /// A tensor holding a copy of `values`, whose count must match the shape.
    pub fn from_slice<T: Element>(shape: &[usize], values: &[T]) -> Result<Tensor, TensorError> {
        let dtype = T::DTYPE;
        let mut tensor = Tensor::zeros(dtype, shape)?;
        let found = values.len().saturating_mul(dtype.size());
        if found != tensor.data.len() {
            let expected = tensor.data.len();
            return Err(TensorError::LengthMismatch { dtype, shape: shape.to_vec(), expected, found });
        }
        for (value, out) in values.iter().zip(tensor.data.as_mut_slice().chunks_exact_mut(dtype.size())) {
            value.write(out);
        }
        Ok(tensor)
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The dimensions, outermost first.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of elements.
    pub fn num_elements(&self) -> usize {
        self.data.len() / self.dtype.size()
    }

    /// The elements' bytes, in native byte order.
    pub fn as_bytes(&self) -> &[u8] {
        self.data.as_slice()
    }

    /// The elements' bytes, writable (e.g. to fill an input in place).
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.data.as_mut_slice()
    }

    /// The elements as a vector of `T`, which must be the tensor's element type.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>, TensorError> {
        if T::DTYPE != self.dtype {
            return Err(TensorError::DtypeMismatch { expected: T::DTYPE, found: self.dtype });
        }
        Ok(self.as_bytes().chunks_exact(self.dtype.size()).map(T::read).collect())
    }

    /// The elements converted to `f32`, for floating-point tensors (`f32`, `f16`, `bf16`, `f64`, the latter
    /// rounded); `None` for integer and boolean tensors.
    pub fn to_f32_vec(&self) -> Option<Vec<f32>> {
        let bytes = self.as_bytes();
        let halves = || bytes.chunks_exact(2).map(|c| u16::from_ne_bytes([c[0], c[1]]));
        match self.dtype {
            DType::F32 => self.to_vec().ok(),
            DType::F64 => self.to_vec::<f64>().ok().map(|v| v.into_iter().map(|x| x as f32).collect()),
            DType::F16 => Some(halves().map(f16_to_f32).collect()),
            DType::BF16 => Some(halves().map(|h| f32::from_bits(u32::from(h) << 16)).collect()),
            DType::I8 | DType::U8 | DType::I16 | DType::I32 | DType::I64 | DType::Bool => None,
        }
    }

    /// The start of the storage, for kernels. Writing through it is only allowed for outputs.
    pub(crate) fn data_ptr(&self) -> *const u8 {
        self.data.as_slice().as_ptr()
    }
}

/// Bitwise equality: same dtype, same shape, same bytes (so NaNs with equal bits compare equal).
impl PartialEq for Tensor {
    fn eq(&self, other: &Tensor) -> bool {
        self.dtype == other.dtype && self.shape == other.shape && self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tensor").field("dtype", &self.dtype).field("shape", &self.shape).finish_non_exhaustive()
    }
}

/// IEEE binary16 to binary32, exact (every half is a float).
fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exponent = u32::from((h >> 10) & 0x1f);
    let mantissa = u32::from(h & 0x3ff);
    let bits = match (exponent, mantissa) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: mantissa * 2^-24. Shift the leading one up to the implicit bit.
            let shift = mantissa.leading_zeros() - 21;
            sign | ((127 - 15 + 1 - shift) << 23) | (((mantissa << shift) & 0x3ff) << 13)
        }
        (0x1f, _) => sign | 0x7f80_0000 | (mantissa << 13),
        _ => sign | ((exponent + 127 - 15) << 23) | (mantissa << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f16_conversion_is_exact() {
        for (half, float) in [
            (0x3c00, 1.0f32),
            (0xc000, -2.0),
            (0x0000, 0.0),
            (0x7bff, 65504.0),
            (0x0001, 2f32.powi(-24)),
            (0x0200, 2f32.powi(-15)),
            (0x03ff, 1023.0 * 2f32.powi(-24)),
            (0x0400, 2f32.powi(-14)),
            (0x7c00, f32::INFINITY),
        ] {
            assert_eq!(f16_to_f32(half), float, "{half:#06x}");
        }
        assert!(f16_to_f32(0x7e00).is_nan());
        assert_eq!(f16_to_f32(0x8000).to_bits(), (-0.0f32).to_bits());
    }

    #[test]
    fn tensors_convert_and_check_lengths() {
        let t = Tensor::from_slice(&[2, 2], &[1.0f32, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(t.dtype(), DType::F32);
        assert_eq!(t.num_elements(), 4);
        assert_eq!(t.as_bytes().as_ptr() as usize % 64, 0);
        assert_eq!(t.to_vec::<f32>().unwrap(), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(t.to_f32_vec().unwrap(), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(t.to_vec::<i32>(), Err(TensorError::DtypeMismatch { expected: DType::I32, found: DType::F32 }));
        assert!(matches!(Tensor::from_slice(&[3], &[1i64, 2]), Err(TensorError::LengthMismatch { .. })));
        assert!(matches!(Tensor::from_bytes(DType::I16, &[2], &[0; 3]), Err(TensorError::LengthMismatch { .. })));
        assert!(matches!(Tensor::zeros(DType::F64, &[usize::MAX, 2]), Err(TensorError::SizeOverflow { .. })));

        let b = Tensor::from_slice(&[3], &[true, false, true]).unwrap();
        assert_eq!(b.as_bytes(), [1, 0, 1]);
        assert_eq!(b.to_vec::<bool>().unwrap(), [true, false, true]);
        assert_eq!(b.to_f32_vec(), None);

        let bf = Tensor::from_bytes(DType::BF16, &[1], &0x3f80u16.to_ne_bytes()).unwrap();
        assert_eq!(bf.to_f32_vec().unwrap(), [1.0]);
        let d = Tensor::from_slice(&[1], &[0.5f64]).unwrap();
        assert_eq!(d.to_f32_vec().unwrap(), [0.5]);
        let empty = Tensor::zeros(DType::I32, &[0, 7]).unwrap();
        assert_eq!(empty.as_bytes(), [0u8; 0]);
        assert_eq!(empty.to_vec::<i32>().unwrap(), Vec::<i32>::new());
    }
}
