//! The msc IR: an MLIR-like multi-level IR of ops, regions, blocks and SSA values.
//!
//! Code map:
//! - [`entity`]: typed `u32` ids and the tables behind them.
//! - [`context`]: the storage ([`Context`]), use-def chains and all structural mutation.
//! - [`types`], [`attr`], [`location`]: the value-level vocabulary.
//! - [`dialect`]: op declarations ([`OpDef`]), dialects and the open [`Registry`].
//! - [`op`]: [`OpRef`], the typed read-only view of an op.
//! - [`builder`]: [`Builder`] and the [`declare_op!`] macro.
//! - [`printer`] / [`parser`]: the MLIR generic text format.
//! - [`verifier`]: structural and per-op verification.
//! - [`rewrite`]: rewrite patterns and the greedy driver.
//! - [`pass`]: passes, the pass registry, pipelines and instrumentation.
//!
//! This crate knows no dialect: `builtin`, `func` and `nn` are declared in `dialects/`.

pub mod attr;
pub mod builder;
pub mod context;
pub mod diagnostic;
pub mod dialect;
pub mod entity;
pub mod location;
pub mod op;
pub mod parser;
pub mod pass;
pub mod printer;
pub mod rewrite;
pub mod types;
pub mod verifier;

pub use attr::{AttrDict, Attribute, DenseAttr, DenseStorage};
pub use builder::{AttrValue, Builder, SymbolRef};
pub use context::{BlockId, Context, InsertPoint, OpId, OpState, RegionId, Use, Value, ValueDef, WalkOrder};
pub use diagnostic::Diagnostic;
pub use dialect::{
    ArgDef, Arity, AttrDef, AttrDefault, AttrKind, Dialect, FoldResult, OPERAND_SEGMENTS_ATTR, OpDef, Registry, Traits,
    TypeConstraint,
};
pub use location::Location;
pub use op::OpRef;
pub use parser::{Chunk, ParseError, Parsed, parse_chunk, parse_source, split_input_file};
pub use printer::{LargeData, PrintOptions, print_op, print_ops};
pub use types::{Dim, ElementType, FunctionType, Layout, MemRefType, TensorType, Type};
