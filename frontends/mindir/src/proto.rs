//! The MindIR protobuf types, generated at build time from `proto/mind_ir.proto` by prost.

#![allow(clippy::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/mind_ir.rs"));
