//! Compiles `proto/mind_ir.proto` with protox (no `protoc` needed) and generates the prost types;
//! `bytes` fields become `bytes::Bytes` so decoding from a memory map slices instead of copying.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto/mind_ir.proto");
    let descriptors = protox::compile(["mind_ir.proto"], ["proto"])?;
    prost_build::Config::new().bytes(["."]).compile_fds(descriptors)?;
    Ok(())
}
