//! Kernel-level dialects: buffers, loops and scalar arithmetic between `nn` and machine code.
