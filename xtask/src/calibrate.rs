//! `cargo xtask calibrate [--check]`: measures the rates of the e-graph optimizer's cost model on this
//! machine and rewrites `passes/src/egraph/calibration/<arch>.txt`, then reports predicted against measured
//! latency on the fixture models (`--check` only reports, with the checked-in table).
//!
//! Each rate comes from a one-op microbenchmark compiled by the CPU backend (optimizer off) and timed by the
//! runtime on one thread. It is solved from the cost model itself: the benchmark's predicted latency under a
//! *unit* calibration (that rate 1, every other rate unbounded, no launch overhead) divided by its measured
//! time, less the time of a trivial model (binding, arena, outputs). So the model and the measurement agree
//! on each benchmark by construction, and the fixture comparison shows how far that carries.

use crate::{process, python};
use msc::runtime::gemm::{Isa, Variant};
use msc_passes::egraph::cost::{Calibration, CostModel, predict_latency_us};
use std::time::Instant;

/// One microbenchmark: the calibration key it measures, and its function as IR text.
struct Bench {
    key: &'static str,
    ir: String,
    /// The number of kernels it runs (the launch-overhead benchmark runs many).
    kernels: f64,
}

fn ty(shape: &[u64]) -> String {
    let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
    format!("tensor<{}xf32>", dims.join("x"))
}

/// A module whose function `@f` takes `x: input` and returns `%y` computed by `body`.
fn module(input: &[u64], body: &str, output: &[u64]) -> String {
    format!(
        r#""builtin.module"() ({{
  "func.func"() ({{
  ^bb0(%x: {inp}):
{body}
    "func.return"(%y) : ({out}) -> ()
  }}) {{function_type = ({inp}) -> ({out}), sym_name = "f"}} : () -> ()
}}) : () -> ()"#,
        inp = ty(input),
        out = ty(output),
    )
}

/// A splat weight of `shape`.
fn weight(name: &str, shape: &[u64]) -> String {
    format!("    %{name} = \"nn.constant\"() {{value = dense<0.01> : {t}}} : () -> {t}\n", t = ty(shape))
}

/// A 3x3 convolution of 64 to 64 channels over 28x28 stored in `layout`.
fn conv(key: &'static str, layout: &str, stored: &[u64]) -> Bench {
    let w = [64, 64, 3, 3];
    let body = format!(
        "{}    %y = \"nn.fused_conv\"(%x, %w) {{layout = \"{layout}\", pads = [1, 1, 1, 1], operandSegmentSizes = [1, 1, 0, 0]}} : ({}, {}) -> {}",
        weight("w", &w),
        ty(stored),
        ty(&w),
        ty(stored)
    );
    Bench { key, ir: module(stored, &body, stored), kernels: 1.0 }
}

/// A 3x3 depthwise convolution of 128 channels over 56x56, NCHW.
fn depthwise() -> Bench {
    let (x, w) = ([1, 128, 56, 56], [128, 1, 3, 3]);
    let body = format!(
        "{}    %y = \"nn.fused_conv\"(%x, %w) {{layout = \"NCHW\", group = 128, pads = [1, 1, 1, 1], operandSegmentSizes = [1, 1, 0, 0]}} : ({}, {}) -> {}",
        weight("w", &w),
        ty(&x),
        ty(&w),
        ty(&x)
    );
    Bench { key: "depthwise_gflops", ir: module(&x, &body, &x), kernels: 1.0 }
}

fn benches(block: u64) -> Vec<Bench> {
    let unary = |op: &str, shape: &[u64]| format!("\"{op}\"(%x) : ({t}) -> {t}", t = ty(shape));
    let chain: String = (0..64)
        .map(|i| {
            let input = if i == 0 { "%x".to_string() } else { format!("%r{}", i - 1) };
            let result = if i == 63 { "%y".to_string() } else { format!("%r{i}") };
            format!("    {result} = \"nn.relu\"({input}) : ({t}) -> {t}\n", t = ty(&[16]))
        })
        .collect();
    let steps = r#"["relu", "neg", "abs", "sigmoid", "neg", "relu", "abs", "tanh"]"#;
    let matmul = format!(
        "{}    %y = \"nn.matmul\"(%x, %w) : ({}, {}) -> {}",
        weight("w", &[512, 512]),
        ty(&[256, 512]),
        ty(&[512, 512]),
        ty(&[256, 512])
    );
    vec![
        Bench { key: "launch_overhead_us", ir: module(&[16], chain.trim_end(), &[16]), kernels: 64.0 },
        Bench { key: "gemm_gflops", ir: module(&[256, 512], &matmul, &[256, 512]), kernels: 1.0 },
        conv("conv_nchw_gflops", "NCHW", &[1, 64, 28, 28]),
        conv("conv_nhwc_gflops", "NHWC", &[1, 28, 28, 64]),
        conv("conv_nchwc_gflops", &format!("NCHW{block}c"), &[1, 64 / block, 28, 28, block]),
        depthwise(),
        Bench {
            key: "elementwise_gflops",
            ir: module(
                &[64, 1024],
                &format!(
                    "    %y = \"nn.fused_elementwise\"(%x) {{steps = {steps}}} : ({t}) -> {t}",
                    t = ty(&[64, 1024])
                ),
                &[64, 1024],
            ),
            kernels: 1.0,
        },
        Bench {
            key: "reduction_gflops",
            ir: module(&[512, 1024], &format!("    %y = {}", unary("nn.softmax", &[512, 1024])), &[512, 1024]),
            kernels: 1.0,
        },
        Bench {
            key: "bandwidth_gb_per_s",
            ir: module(&[4096, 1024], &format!("    %y = {}", unary("nn.relu", &[4096, 1024])), &[4096, 1024]),
            kernels: 1.0,
        },
        Bench {
            key: "transpose_bandwidth_gb_per_s",
            ir: module(
                &[1, 64, 112, 112],
                &format!(
                    "    %y = \"nn.transpose\"(%x) {{perm = [0, 2, 3, 1]}} : ({}) -> {}",
                    ty(&[1, 64, 112, 112]),
                    ty(&[1, 112, 112, 64])
                ),
                &[1, 112, 112, 64],
            ),
            kernels: 1.0,
        },
    ]
}

/// A compiled model ready to time, with its input.
struct Timed {
    session: msc::runtime::Session,
    inputs: Vec<(String, msc::runtime::Tensor)>,
}

impl Timed {
    fn new(model: msc::compile::Model, optimize: bool) -> Result<Timed, String> {
        let options = msc::compile::CompileOptions { egraph: optimize, ..Default::default() };
        let compiled = msc::compile::compile(model, &options, &mut |_| {}).map_err(|e| e.to_string())?;
        let model = msc::runtime::Model::from_bytes(compiled.artefact.to_bytes(), msc::runtime::Trust::TrustedProducer)
            .map_err(|e| e.to_string())?;
        let inputs = model
            .inputs()
            .iter()
            .map(|info| {
                let shape: Vec<usize> = info.shape.iter().map(|&d| d as usize).collect();
                Ok((info.name.clone(), msc::runtime::Tensor::zeros(info.dtype, &shape).map_err(|e| e.to_string())?))
            })
            .collect::<Result<_, String>>()?;
        let session = msc::runtime::Session::new(model, 1).map_err(|e| e.to_string())?;
        Ok(Timed { session, inputs })
    }

    /// The median run time in microseconds over at least `min_runs` runs and about 0.3 s.
    fn median_us(&self, min_runs: usize) -> Result<f64, String> {
        let named: Vec<(&str, &msc::runtime::Tensor)> = self.inputs.iter().map(|(n, t)| (n.as_str(), t)).collect();
        self.session.run(&named).map_err(|e| e.to_string())?;
        let mut samples = Vec::new();
        let start = Instant::now();
        while samples.len() < min_runs || (start.elapsed().as_secs_f64() < 0.3 && samples.len() < 1000) {
            let t = Instant::now();
            self.session.run(&named).map_err(|e| e.to_string())?;
            samples.push(t.elapsed().as_secs_f64() * 1e6);
        }
        samples.sort_by(f64::total_cmp);
        Ok(samples[samples.len() / 2])
    }
}

fn parse(ir: &str) -> Result<msc::compile::Model, String> {
    let mut ctx = msc::ir::Context::new(msc::dialects());
    let module = msc::ir::parse_source(&mut ctx, ir, "calibrate.mlir").map_err(|e| e.to_string())?[0];
    let func = ctx.block_ops(msc::builtin::body(&ctx, module)).next().ok_or("no function")?;
    let model =
        msc::compile::Model { ctx, module, func, input_names: vec!["x".into()], output_names: vec!["y".into()] };
    Ok(model)
}

/// The prediction of `model`'s function under `calibration`.
fn predict(model: &msc::compile::Model, calibration: &Calibration) -> f64 {
    let cost = CostModel { target: "calibration", calibration: calibration.clone() };
    predict_latency_us(&model.ctx, model.func, &cost)
}

/// Every rate unbounded and no overhead, but `key` set to 1.
fn unit(key: &str, block: u32) -> Calibration {
    let free = 1e15;
    let mut c = Calibration {
        blocked_layout_k: block,
        gemm_gflops: free,
        conv_nchw_gflops: free,
        conv_nhwc_gflops: free,
        conv_nchwc_gflops: free,
        depthwise_gflops: free,
        elementwise_gflops: free,
        reduction_gflops: free,
        bandwidth_gb_per_s: free,
        transpose_bandwidth_gb_per_s: free,
        launch_overhead_us: 1e-9,
        view_us: 1e-9,
        winograd_transform_gflops: free,
    };
    *field(&mut c, key) = 1.0;
    c
}

fn field<'c>(c: &'c mut Calibration, key: &str) -> &'c mut f64 {
    match key {
        "gemm_gflops" => &mut c.gemm_gflops,
        "conv_nchw_gflops" => &mut c.conv_nchw_gflops,
        "conv_nhwc_gflops" => &mut c.conv_nhwc_gflops,
        "conv_nchwc_gflops" => &mut c.conv_nchwc_gflops,
        "depthwise_gflops" => &mut c.depthwise_gflops,
        "elementwise_gflops" => &mut c.elementwise_gflops,
        "reduction_gflops" => &mut c.reduction_gflops,
        "bandwidth_gb_per_s" => &mut c.bandwidth_gb_per_s,
        "transpose_bandwidth_gb_per_s" => &mut c.transpose_bandwidth_gb_per_s,
        "launch_overhead_us" => &mut c.launch_overhead_us,
        other => unreachable!("no calibration key {other}"),
    }
}

/// Measures every rate on this machine.
fn measure(block: u32) -> Result<Calibration, String> {
    let baseline = Timed::new(
        parse(&module(&[16], &format!("    %y = \"nn.relu\"(%x) : ({t}) -> {t}", t = ty(&[16])), &[16]))?,
        false,
    )?
    .median_us(200)?;
    let mut calibration = unit("launch_overhead_us", block);
    calibration.view_us = 0.01;
    // Not measured here: carried over from the checked-in table.
    calibration.winograd_transform_gflops = Calibration::for_target("host")?.1.winograd_transform_gflops;
    for bench in benches(block.into()) {
        let model = parse(&bench.ir)?;
        let predicted = predict(&model, &unit(bench.key, block));
        let measured = (Timed::new(model, false)?.median_us(20)? - baseline).max(0.01);
        let value = if bench.key == "launch_overhead_us" { measured / bench.kernels } else { predicted / measured };
        eprintln!("  {:<30} {value:>10.3}   (measured {measured:.1} us)", bench.key);
        *field(&mut calibration, bench.key) = value;
    }
    Ok(calibration)
}

fn render(c: &Calibration, arch: &str, cpu: &str) -> String {
    format!(
        "# Cost-model calibration of the e-graph optimizer (nn-egraph-optimize) for {arch}.
#
# Format: one `key = value` per line, value a number; `#` starts a comment; blank lines are
# ignored; every key below is required and no other key is allowed. Rates are sustained rates of
# one core: GFLOP/s for compute, GB/s for memory traffic; times in microseconds.
#
# MEASURED by `cargo xtask calibrate` on {cpu}, one thread: each rate is its one-op
# microbenchmark's predicted latency at rate 1 over its measured latency (xtask/src/calibrate.rs).

# The channel block k of the blocked layout NCHW<k>c offered to convolutions (the GEMM engine's
# vector width: 16 with AVX-512, 8 with AVX2, 4 with NEON).
blocked_layout_k = {}

# Matrix products (matmul, gemm, fused_matmul, attention): 256x512 times 512x512.
gemm_gflops = {:.2}
# Convolutions 64 -> 64 channels, 3x3 over 28x28, per layout of their input and output.
conv_nchw_gflops = {:.2}
conv_nhwc_gflops = {:.2}
conv_nchwc_gflops = {:.2}
# Depthwise convolutions (NCHW, group = channels), 128 channels 3x3 over 56x56.
depthwise_gflops = {:.2}
# Elementwise ops, per step of a fused chain (8 steps over 64K values).
elementwise_gflops = {:.2}
# Reductions, normalizations, softmax, pooling (softmax over 512 rows of 1024).
reduction_gflops = {:.2}
# Memory traffic of any kernel (relu over 16 MiB; roofline: the longer of compute and traffic).
bandwidth_gb_per_s = {:.2}
# Memory traffic of transposes (layout conversions, NCHW to NHWC of 64x112x112).
transpose_bandwidth_gb_per_s = {:.2}
# Fixed cost of one kernel (a chain of 64 relus over 16 values).
launch_overhead_us = {:.3}
# A reshape-like op that only reinterprets its input (no data moved): not measurable, a constant.
view_us = {}
# Winograd F(4x4, 3x3) tile transforms (inside the runtime's fused Winograd routine), in FLOP/s of dense
# 6x6 matrix products: ESTIMATED from their times in `msc bench --profile`, not measured by calibrate.
winograd_transform_gflops = {}
",
        c.blocked_layout_k,
        c.gemm_gflops,
        c.conv_nchw_gflops,
        c.conv_nhwc_gflops,
        c.conv_nchwc_gflops,
        c.depthwise_gflops,
        c.elementwise_gflops,
        c.reduction_gflops,
        c.bandwidth_gb_per_s,
        c.transpose_bandwidth_gb_per_s,
        c.launch_overhead_us,
        c.view_us,
        c.winograd_transform_gflops,
    )
}

/// Imports fixture `name` with its inputs' shapes from its first data set.
fn import_fixture(dir: &std::path::Path) -> Result<msc::compile::Model, String> {
    let path = dir.join("model.onnx");
    let inputs = crate::onnx_case::read_tensors(&dir.join("test_data_set_0"), "input").map_err(|e| e.to_string())?;
    let import =
        |shapes| msc::formats::import(&path, msc::formats::Framework::Onnx, shapes, &[]).map_err(|e| e.to_string());
    let names = import(vec![])?.input_names;
    import(names.into_iter().zip(&inputs).map(|(n, t)| (n, t.shape().iter().map(|&d| d as i64).collect())).collect())
}

/// Predicted (the optimized nn function under `cost`) against measured latency of each fixture model, one
/// thread.
fn compare_fixtures(cost: &CostModel) -> Result<(), String> {
    let data = process::data_dir("onnx-fixtures");
    python::venv()?.generate(&process::workspace_root().join("frontends/onnx/fixtures/generate.py"), &data)?;
    println!("| model | predicted ms | measured ms | measured / predicted |\n|---|---|---|---|");
    for name in ["resnet", "mobilenetv2", "bert"] {
        let mut optimized = import_fixture(&data.join(name))?;
        msc::compile::optimize(&mut optimized, &msc::compile::CompileOptions::default()).map_err(|e| e.to_string())?;
        let predicted = predict_latency_us(&optimized.ctx, optimized.func, cost) / 1e3;
        let measured = Timed::new(import_fixture(&data.join(name))?, true)?.median_us(20)? / 1e3;
        println!("| {name} | {predicted:.3} | {measured:.3} | {:.2} |", measured / predicted);
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("`calibrate` takes [--check]".into()),
    };
    let cost = if check {
        CostModel::for_target("host")?
    } else {
        let block = match Variant::best_for_host().isa() {
            Isa::Avx512 => 16,
            Isa::Avx2 => 8,
            Isa::Neon | Isa::Generic => 4,
        };
        let cpu = process::cpu_model();
        eprintln!("==> measuring the cost model's rates on {cpu}");
        let calibration = measure(block)?;
        let arch = std::env::consts::ARCH;
        let path = process::workspace_root().join(format!("passes/src/egraph/calibration/{arch}.txt"));
        let text = render(&calibration, arch, &cpu);
        Calibration::parse(&text)?;
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("==> wrote {} (rebuild msc to use it)", path.display());
        CostModel { target: arch, calibration }
    };
    compare_fixtures(&cost)
}
