//! Times the depthwise routine on MobileNetV2's depthwise layers (3x3, ReLU6, bias), one thread, with each
//! instruction set the host has and each vectorization, marking the one plans choose:
//! `cargo run --release -p msc-runtime --example depthwise_bench [FILTER] [VECTORIZE]`, where FILTER keeps the
//! lines containing it (e.g. `Avx2` or `7x7`) and VECTORIZE (`AlongWidth` or `AcrossChannels`) times only that
//! vectorization (for profiling one of them).

use msc_runtime::depthwise::{DepthwiseCall, Isa, Strategy, Vectorize, depthwise};
use msc_runtime::routine::{Activation, Conv2d};
use std::time::Instant;

fn main() {
    let filter = std::env::args().nth(1).unwrap_or_default();
    let only = std::env::args().nth(2).unwrap_or_default();
    // (channels, input size, stride) of MobileNetV2's depthwise layers.
    let layers = [(32, 112, 1), (96, 112, 2), (144, 56, 1), (144, 56, 2), (192, 28, 1), (384, 14, 1), (960, 7, 1)];
    for isa in [Isa::Portable, Isa::Avx2].into_iter().filter(|i| i.is_available()) {
        for (channels, size, stride) in layers {
            let out = (size + 2 - 3) / stride + 1;
            let call = DepthwiseCall {
                batch: 1,
                conv: Conv2d {
                    channels,
                    height: size,
                    width: size,
                    kernel: [3, 3],
                    stride: [stride, stride],
                    dilation: [1, 1],
                    pad: [1, 1],
                    out: [out, out],
                },
                multiplier: 1,
                alpha: 1.0,
                bias: true,
                residual: false,
                activation: Activation::Clip { lo: 0.0, hi: 6.0 },
            };
            let name = format!("{isa:?} {channels}x{size}x{size} s{stride}:");
            if !name.contains(&filter) {
                continue;
            }
            let x = vec![0.5f32; (channels * size * size) as usize];
            let w = vec![0.1f32; (channels * 9) as usize];
            let b = vec![0.2f32; channels as usize];
            let mut y = vec![0f32; (channels * out * out) as usize];
            let chosen = Strategy::for_call(&call, isa).vectorize;
            let mut line = name;
            let vectorizations = [Vectorize::AlongWidth, Vectorize::AcrossChannels];
            for vectorize in vectorizations.into_iter().filter(|v| format!("{v:?}").contains(&only)) {
                let strategy = Strategy { isa, vectorize };
                let mut best = f64::MAX;
                for _ in 0..200 {
                    let start = Instant::now();
                    depthwise(&call, strategy, &x, &w, &mut y, Some(&b), None).expect("a valid call");
                    best = best.min(start.elapsed().as_secs_f64());
                }
                let gflops = 2.0 * 9.0 * y.len() as f64 / best / 1e9;
                let mark = if vectorize == chosen { "*" } else { " " };
                line += &format!("  {mark}{vectorize:?} {:7.1} us ({gflops:4.1} GFLOP/s)", best * 1e6);
            }
            println!("{line}");
        }
    }
}
