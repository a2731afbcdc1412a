//! Lowerings of the `nn` conv ops to kernels.

use super::LowerFn;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[];
