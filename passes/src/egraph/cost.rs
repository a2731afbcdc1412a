//! The per-target cost model: a roofline estimate of each kernel's latency from a calibration
//! table (`calibration/<target>.txt`, `key = value` lines, parsed only by [`Calibration::parse`]).
//!
//! A kernel takes `max(flops / compute rate of its op class, bytes moved / bandwidth)` plus a
//! launch overhead; transposes (layout conversions) move bytes at the lower transposition
//! bandwidth; reshape-like views cost almost nothing; anything computable at compile time costs 0
//! (`fold-constants` computes it after the optimizer). [`predict_latency_us`] sums the model over
//! a function's ops, so predicted and measured latencies can be compared.

use super::analysis::NnEGraph;
use super::extract::CostFunction;
use super::lang::{Node, OpSig};
use egg::Id;
use msc_builtin::func;
use msc_ir::{Context, Layout, OpId, TensorType, Traits, Value};
use msc_runtime::gemm::{Activation, CacheSizes, Variant};
use msc_runtime::routine::WinogradConvCall;
use msc_runtime::winograd::{WinogradBlocking, tile_grid};
use std::collections::HashSet;

/// The measured (or estimated) rates of one target.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// The k of the blocked layout NCHW<k>c offered to convolutions.
    pub blocked_layout_k: u32,
    pub gemm_gflops: f64,
    pub conv_nchw_gflops: f64,
    pub conv_nhwc_gflops: f64,
    pub conv_nchwc_gflops: f64,
    /// NCHW depthwise convolutions (one input channel per group), run by the runtime's depthwise routine.
    pub depthwise_gflops: f64,
    pub elementwise_gflops: f64,
    pub reduction_gflops: f64,
    pub bandwidth_gb_per_s: f64,
    pub transpose_bandwidth_gb_per_s: f64,
    pub launch_overhead_us: f64,
    pub view_us: f64,
    /// The Winograd tile transforms (runtime routines), in FLOP/s of dense 6x6 matrix products ([`CostModel::winograd_pays`]).
    pub winograd_transform_gflops: f64,
}

const X86_64: &str = include_str!("calibration/x86_64.txt");
const AARCH64: &str = include_str!("calibration/aarch64.txt");

impl Calibration {
    /// Parses a calibration file: `key = value` lines, `#` comments, every key exactly once.
    pub fn parse(text: &str) -> Result<Calibration, String> {
        let mut values: std::collections::BTreeMap<&str, f64> = Default::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (key, value) = line.split_once('=').ok_or_else(|| format!("line {}: expected `key = value`", n + 1))?;
            let (key, value) = (key.trim(), value.trim());
            let number: f64 = value.parse().map_err(|_| format!("line {}: `{value}` is not a number", n + 1))?;
            if !(number.is_finite() && number > 0.0) {
                return Err(format!("line {}: `{key}` must be a positive number", n + 1));
            }
            if values.insert(key, number).is_some() {
                return Err(format!("line {}: `{key}` is given twice", n + 1));
            }
        }
        let mut take = |key: &str| values.remove(key).ok_or_else(|| format!("the calibration lacks `{key}`"));
        let calibration = Calibration {
            blocked_layout_k: take("blocked_layout_k")? as u32,
            gemm_gflops: take("gemm_gflops")?,
            conv_nchw_gflops: take("conv_nchw_gflops")?,
            conv_nhwc_gflops: take("conv_nhwc_gflops")?,
            conv_nchwc_gflops: take("conv_nchwc_gflops")?,
            depthwise_gflops: take("depthwise_gflops")?,
            elementwise_gflops: take("elementwise_gflops")?,
            reduction_gflops: take("reduction_gflops")?,
            bandwidth_gb_per_s: take("bandwidth_gb_per_s")?,
            transpose_bandwidth_gb_per_s: take("transpose_bandwidth_gb_per_s")?,
            launch_overhead_us: take("launch_overhead_us")?,
            view_us: take("view_us")?,
            winograd_transform_gflops: take("winograd_transform_gflops")?,
        };
        match values.keys().next() {
            Some(key) => Err(format!("the calibration has an unknown key `{key}`")),
            None => Ok(calibration),
        }
    }

    /// The checked-in calibration of `target`: `host`, `x86_64`/`x86-64`, `arm64`/`aarch64`, or a
    /// triple starting with one of those.
    pub fn for_target(target: &str) -> Result<(&'static str, Calibration), String> {
        let arch = if target == "host" { std::env::consts::ARCH } else { target };
        let (arch, text) = match arch.split('-').next().unwrap_or(arch) {
            "x86_64" | "x86" => ("x86_64", X86_64),
            "aarch64" | "arm64" => ("aarch64", AARCH64),
            _ => return Err(format!("no cost-model calibration for target `{target}` (known: x86_64, aarch64)")),
        };
        let calibration = Calibration::parse(text).map_err(|e| format!("calibration of {arch}: {e}"))?;
        Ok((arch, calibration))
    }
}

/// The cost model of one target.
#[derive(Clone, Debug)]
pub struct CostModel {
    /// The architecture the calibration is for (`x86_64`, `aarch64`).
    pub target: &'static str,
    pub calibration: Calibration,
}

/// What a kernel does, for picking its rate.
enum KernelClass {
    Gemm,
    /// `nn.attention`: GEMM-like work, but its CPU lowering is loops (not the GEMM engine), so it runs at
    /// the loop rate of reductions.
    Attention,
    Conv(Layout),
    /// An elementwise kernel doing this many operations per element.
    Elementwise(usize),
    Reduction,
    Transpose,
    /// Copies data around (concat, slice, pad, gather, ...).
    Movement,
    View,
}

fn classify(sig: &OpSig) -> KernelClass {
    match sig.name() {
        "nn.reshape" | "nn.squeeze" | "nn.unsqueeze" | "nn.flatten" | "nn.identity" => KernelClass::View,
        // A transpose that keeps the last axis in place copies whole rows, at the bandwidth of any copy.
        "nn.transpose" if sig.ints("perm").is_some_and(|p| p.last().is_some_and(|&l| l + 1 == p.len() as i64)) => {
            KernelClass::Movement
        }
        "nn.transpose" => KernelClass::Transpose,
        "nn.matmul" | "nn.gemm" | "nn.fused_matmul" | "nn.einsum" => KernelClass::Gemm,
        "nn.attention" => KernelClass::Attention,
        "nn.conv" | "nn.conv_transpose" | "nn.fused_conv" | "nn.fused_conv_transpose" => {
            KernelClass::Conv(sig.string("layout").and_then(|l| Layout::parse(&l)).unwrap_or(Layout::Nchw))
        }
        "nn.fused_elementwise" => {
            KernelClass::Elementwise(sig.attr("steps").and_then(|s| s.as_array()).map_or(1, <[_]>::len))
        }
        "nn.concat" | "nn.slice" | "nn.pad" | "nn.gather" | "nn.split" | "nn.tile" | "nn.expand" | "nn.cast" => {
            KernelClass::Movement
        }
        _ if sig.def.has_trait(Traits::ELEMENTWISE) => KernelClass::Elementwise(1),
        _ => KernelClass::Reduction,
    }
}

fn elements(t: &TensorType) -> f64 {
    t.shape.iter().map(|d| d.as_static().unwrap_or(1) as f64).product()
}

fn bytes(t: &TensorType) -> f64 {
    elements(t) * t.element.size() as f64
}

impl CostModel {
    pub fn for_target(target: &str) -> Result<CostModel, String> {
        let (target, calibration) = Calibration::for_target(target)?;
        Ok(CostModel { target, calibration })
    }

    /// The predicted latency in microseconds of one kernel computing `sig` on `inputs`.
    pub fn kernel_latency_us(&self, sig: &OpSig, inputs: &[&TensorType], output: &TensorType) -> f64 {
        let cal = &self.calibration;
        let moved: f64 = inputs.iter().map(|t| bytes(t)).sum::<f64>() + bytes(output);
        let out = elements(output);
        let (flops, gflops) = match classify(sig) {
            KernelClass::View => return cal.view_us,
            KernelClass::Transpose => return moved / (cal.transpose_bandwidth_gb_per_s * 1e3) + cal.launch_overhead_us,
            KernelClass::Movement => (0.0, 1.0),
            KernelClass::Gemm => (2.0 * out * reduction_length(sig, inputs), cal.gemm_gflops),
            KernelClass::Attention => (2.0 * out * reduction_length(sig, inputs), cal.reduction_gflops),
            KernelClass::Conv(layout) => {
                // w is M x C/group x k...: each output element takes C/group * prod(k) MACs.
                let per_output =
                    inputs.get(1).map_or(1.0, |w| elements(w) / w.shape[0].as_static().unwrap_or(1) as f64);
                let channels = inputs.first().and_then(|x| x.shape.get(1)?.as_static());
                let depthwise = !sig.name().contains("conv_transpose")
                    && channels.is_some_and(|c| c > 1 && sig.int("group").is_some_and(|g| g as u64 == c));
                let rate = match layout {
                    Layout::Nchw if depthwise => cal.depthwise_gflops,
                    Layout::Nchw => cal.conv_nchw_gflops,
                    Layout::Nhwc => cal.conv_nhwc_gflops,
                    Layout::Nchwc(_) => cal.conv_nchwc_gflops,
                };
                (2.0 * out * per_output, rate)
            }
            KernelClass::Elementwise(steps) => (out * steps as f64, cal.elementwise_gflops),
            KernelClass::Reduction => (2.0 * inputs.iter().map(|t| elements(t)).sum::<f64>(), cal.reduction_gflops),
        };
        let compute = flops / (gflops * 1e3);
        let traffic = moved / (cal.bandwidth_gb_per_s * 1e3);
        compute.max(traffic) + cal.launch_overhead_us
    }
}

impl CostModel {
    /// Whether a 3x3 stride-1 conv of `images` images, `channels` to `filters` channels and an `output`
    /// plane is predicted faster as the runtime's fused Winograd F(4x4, 3x3) routine than as the direct GEMM
    /// at the NCHW conv rate. The routine's time: a GEMM of 36/(16·9) of the direct one's FLOPs per 4x4 tile
    /// at the GEMM rate; the input and output transforms (counted as dense 6x6 matrix products per tile and
    /// channel) at `winograd_transform_gflops`, which keep V and M in cache (no traffic of their own); and U
    /// (`36·filters·channels` values, 4x the direct weights) read once per block of tiles, with the runtime's
    /// blocking for this host's caches (`WinogradBlocking::for_call`, one thread), at the memory bandwidth (a
    /// bound: a U within L3 arrives faster). The rates are the calibration's: `gemm_gflops` and
    /// `bandwidth_gb_per_s` (measured by `cargo xtask calibrate`), `winograd_transform_gflops` (estimated from
    /// the three-step routines' profiles). On detection's 96 -> 32 conv at 128x128 (1024 tiles in 64 blocks,
    /// U 442 KiB) it predicts 16.3 ms against the 7.2 ms measured (`msc bench --profile`, one thread, AVX2 with
    /// a 512 KiB L2, min of 20) and 41.6 ms for the direct conv; on ResNet-50's 512 -> 512 convs at 7x7 (4
    /// tiles in one block, U 37.7 MB) 6.8 ms against 3.7 measured, 10.6 predicted direct: every 3x3 stride-1
    /// conv of both models keeps the Winograd path, as with the three-step routines.
    pub fn winograd_pays(&self, images: u64, channels: u64, filters: u64, output: [u64; 2]) -> bool {
        let cal = &self.calibration;
        let [th, tw] = tile_grid(output);
        let tiles = (images * th * tw) as f64;
        let (c, k) = (channels as f64, filters as f64);
        let direct = 2.0 * (images * output[0] * output[1]) as f64 * c * k * 9.0 / (cal.conv_nchw_gflops * 1e3);
        let gemm = 2.0 * 36.0 * tiles * c * k / (cal.gemm_gflops * 1e3);
        let transforms = tiles * (c * 2.0 * 2.0 * 216.0 + k * 2.0 * (144.0 + 96.0));
        let call = WinogradConvCall {
            images,
            channels,
            filters,
            input: output,
            pad: [1, 1],
            out: output,
            u_width: 0,
            bias: false,
            residual: false,
            activation: Activation::None,
        };
        let block = WinogradBlocking::for_call(&call, Variant::best_for_host(), CacheSizes::host(), 1).tiles as u64;
        let u_bytes = 36.0 * c * k * 4.0;
        let u_traffic = (images * (th * tw).div_ceil(block)) as f64 * u_bytes / (cal.bandwidth_gb_per_s * 1e3);
        let winograd = gemm + transforms / (cal.winograd_transform_gflops * 1e3) + u_traffic + cal.launch_overhead_us;
        winograd < direct
    }
}

/// The length of the dot products of a GEMM-like op.
fn reduction_length(sig: &OpSig, inputs: &[&TensorType]) -> f64 {
    let dim = |t: Option<&&TensorType>, from_end: usize| {
        t.and_then(|t| t.shape.len().checked_sub(from_end).map(|i| t.shape[i].as_static().unwrap_or(1) as f64))
            .unwrap_or(1.0)
    };
    let transposed = |name| sig.int(name).unwrap_or(0) != 0;
    match sig.name() {
        "nn.gemm" | "nn.fused_matmul" => dim(inputs.first(), if transposed("trans_a") { 2 } else { 1 }),
        // softmax(q kᵀ) v: D for the scores, Sk for the product with v (per output element).
        "nn.attention" => dim(inputs.first(), 1) + dim(inputs.get(1), 2),
        _ => dim(inputs.first(), 1),
    }
}

impl CostFunction for CostModel {
    fn node_cost(&self, egraph: &NnEGraph, class: Id, node: &Node) -> f64 {
        let Node::Op(sig, children) = node else { return 0.0 };
        if egraph[class].data.is_const {
            return 0.0;
        }
        let sig = egraph.analysis.tables.sig(*sig);
        let inputs: Option<Vec<&TensorType>> = children.iter().map(|&c| egraph[c].data.ty.as_ref()).collect();
        match (inputs, egraph[class].data.ty.as_ref()) {
            (Some(inputs), Some(output)) => self.kernel_latency_us(sig, &inputs, output),
            _ => self.calibration.launch_overhead_us,
        }
    }
}

/// The predicted latency in microseconds of the `func.func` op `func`: the sum over its ops of
/// [`CostModel::kernel_latency_us`], except for ops computable at compile time (constants and
/// pure ops of them, which `fold-constants` computes).
pub fn predict_latency_us(ctx: &Context, func_op: OpId, model: &CostModel) -> f64 {
    let body = msc_builtin::body(ctx, func_op);
    let mut constant: HashSet<Value> = HashSet::new();
    let mut total = 0.0;
    for op in ctx.block_ops(body) {
        let view = ctx.op(op);
        if view.name() == func::RETURN.name {
            continue;
        }
        let folds = view.has_trait(Traits::PURE) && view.operands().iter().all(|v| constant.contains(v));
        if folds {
            constant.extend(view.results());
            continue;
        }
        let inputs: Vec<&TensorType> = view.operands().iter().filter_map(|&v| ctx.value_type(v).as_tensor()).collect();
        if let Some(output) = view.results().first().and_then(|&r| ctx.value_type(r).as_tensor()) {
            total += model.kernel_latency_us(&OpSig::of(&view, 0), &inputs, output);
        }
    }
    total
}
