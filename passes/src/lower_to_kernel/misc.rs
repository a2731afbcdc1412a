//! Lowerings of the `nn` misc ops to kernels.

use super::LowerFn;

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[];
