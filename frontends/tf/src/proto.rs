//! The TensorFlow protobuf types, generated at build time from `proto/tensorflow.proto` by prost.

#![allow(clippy::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/tensorflow.rs"));
