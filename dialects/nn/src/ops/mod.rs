//! Declarations of every `nn` op, one file per family.

pub mod constant;
pub mod conv;
pub mod elementwise;
pub mod fused;
pub mod indexing;
pub mod linalg;
pub mod misc;
pub mod movement;
pub mod normalize;
pub mod pool;
pub mod reduce;
pub mod resize;

pub use constant::*;
pub use conv::*;
pub use elementwise::*;
pub use fused::*;
pub use indexing::*;
pub use linalg::*;
pub use misc::*;
pub use movement::*;
pub use normalize::*;
pub use pool::*;
pub use reduce::*;
pub use resize::*;

use msc_ir::OpDef;

/// Every nn op definition.
pub fn all() -> Vec<&'static OpDef> {
    [
        constant::OPS,
        elementwise::OPS,
        reduce::OPS,
        normalize::OPS,
        misc::OPS,
        conv::OPS,
        indexing::OPS,
        linalg::OPS,
        movement::OPS,
        pool::OPS,
        resize::OPS,
        fused::OPS,
    ]
    .concat()
}
