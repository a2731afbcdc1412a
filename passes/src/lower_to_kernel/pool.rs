//! Lowerings of the `nn` pool ops to kernels.

use super::LowerFn;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[];
