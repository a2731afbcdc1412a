//! Lowerings of the `nn` elementwise ops to kernels.

use super::LowerFn;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[];
