//! The GEMM table: square fp32 `Y = A x B` with B a constant (the weights case), one-MatMul
//! models from `xtask/bench/models.py`, through msc, ONNX Runtime and numpy's OpenBLAS, in
//! GFLOP/s and as a percentage of the FMA peak of [`super::peak`].

use super::{NUMPY, Options, PeerThreads, Row};
use crate::python;

/// The sizes `models.py` writes; `--quick` stops at [`QUICK_MAX`].
pub const SIZES: &[usize] = &[256, 512, 1024, 2048, 4096];
const QUICK_MAX: usize = 1024;

/// The flops of an `n x n` by `n x n` product (a multiply-add counts as two).
pub fn flops(n: usize) -> f64 {
    2.0 * (n as f64).powi(3)
}

pub fn run(options: &Options, venv: &python::Venv) -> Vec<Row> {
    let sizes: Vec<usize> = SIZES.iter().copied().filter(|&n| !options.quick || n <= QUICK_MAX).collect();
    println!("==> GEMM: n = {sizes:?}");
    let numpy = [(NUMPY, "numpy", PeerThreads::Each)];
    sizes
        .iter()
        .flat_map(|n| {
            super::measure(&n.to_string(), &super::models::bench_dir().join(format!("gemm_{n}")), options, venv, &numpy)
        })
        .collect()
}
