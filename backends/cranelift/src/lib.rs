//! CPU backend: kernel-level IR to machine code with Cranelift.
