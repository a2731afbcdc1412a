//! `ndarray` interop (cargo feature `ndarray`): runtime tensors from and to `ndarray` arrays of
//! any element type the runtime's [`Element`] covers.
//!
//! ```
//! let a = ndarray::arr2(&[[1.0f32, 2.0], [3.0, 4.0]]);
//! let t = msc::ndarray::from_array(&a).unwrap();
//! let back: ndarray::ArrayD<f32> = msc::ndarray::to_array(&t).unwrap();
//! assert_eq!(back.into_dimensionality::<ndarray::Ix2>().unwrap(), a);
//! ```

use msc_runtime::{Element, Tensor, TensorError};
use ndarray::{ArrayBase, ArrayD, Data, Dimension, IxDyn};

/// A tensor holding a copy of `array` (any memory layout; the tensor is row-major).
pub fn from_array<T: Element, S: Data<Elem = T>, D: Dimension>(array: &ArrayBase<S, D>) -> Result<Tensor, TensorError> {
    let values: Vec<T> = array.iter().copied().collect();
    Tensor::from_slice(array.shape(), &values)
}

/// The tensor's values as an array; an error when `T` is not the tensor's element type.
pub fn to_array<T: Element>(tensor: &Tensor) -> Result<ArrayD<T>, TensorError> {
    let values = tensor.to_vec::<T>()?;
    Ok(ArrayD::from_shape_vec(IxDyn(tensor.shape()), values).expect("a tensor's shape matches its element count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_layout_and_checks_the_element_type() {
        let a = ndarray::Array::from_shape_fn((2, 3), |(i, j)| (i * 3 + j) as i64);
        let t = from_array(&a.t()).unwrap();
        assert_eq!(t.shape(), &[3, 2]);
        assert_eq!(t.to_vec::<i64>().unwrap(), vec![0, 3, 1, 4, 2, 5]);
        assert_eq!(to_array::<i64>(&t).unwrap(), a.t().into_dyn());
        assert!(to_array::<f32>(&t).is_err());
    }
}
