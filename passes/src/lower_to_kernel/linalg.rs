//! Lowerings of the `nn` linalg ops to kernels.

use super::LowerFn;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[];
