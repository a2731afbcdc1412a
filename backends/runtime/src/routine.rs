//! What a plan step runs: a compiled kernel, or a routine built into the runtime (the fp32 GEMM engine,
//! described by a [`GemmCall`], the depthwise convolution, by a [`DepthwiseCall`], a Winograd convolution, by a
//! [`WinogradConvCall`], a transposed convolution's col2im, by a [`Col2imCall`], or a 2-D resize, by a
//! [`ResizeCall`]). This file holds the descriptors, their encoding in the plan section, the check that every
//! element a routine would touch lies inside the step's buffers, the binding of a call to the engine once per
//! session ([`GemmPlan`]) and to one run's buffers ([`BoundGemm`]), and the per-thread scratch the engine's
//! callers share ([`with_scratch`]).

use std::fmt;
use std::str::FromStr;

pub use crate::col2im::Col2imCall;
pub use crate::depthwise::DepthwiseCall;
use crate::error::LoadErrorKind;
use crate::format::{Reader, Writer};
pub use crate::gemm::Activation;
use crate::gemm::{self, Gemm, GemmError, OperandA, OperandB, Problem, Variant};
pub use crate::resize::ResizeCall;
pub use crate::winograd::WinogradConvCall;

/// What a step runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Routine {
    /// The compiled kernel with this index in [`Plan::kernels`](crate::Plan::kernels).
    Kernel(u32),
    /// The runtime's GEMM engine. The step's arguments are `a, b, c`, then the bias if
    /// [`GemmCall::bias`] is not [`Bias::None`], then the residual if [`GemmCall::residual_ld`] is set;
    /// all hold `f32`. The runtime chooses the tiling, so the step's `tiles` is 0 in the file.
    Gemm(Box<GemmCall>),
    /// The runtime's depthwise 2-D convolution. The step's arguments are `x, w, y`, then the bias and the
    /// residual if the call has them; `tiles` is 0, as for GEMMs.
    Depthwise(Box<DepthwiseCall>),
    /// The runtime's Winograd F(4x4, 3x3) convolution. The step's arguments are `x, U, y`, then the bias and
    /// the residual if the call has them; `tiles` is 0.
    WinogradConv(Box<WinogradConvCall>),
    /// The runtime's col2im of a transposed convolution. The step's arguments are `col, y`, then the bias and
    /// the residual if the call has them; `tiles` is 0.
    Col2im(Box<Col2imCall>),
    /// The runtime's 2-D resize. The step's arguments are `x, y`; `tiles` is 0.
    Resize(Box<ResizeCall>),
}

/// `C = act(alpha·A·B + bias + residual)` for an `m x n` C, repeated over the batch levels.
#[derive(Debug, Clone, PartialEq)]
pub struct GemmCall {
    pub m: u64,
    pub n: u64,
    pub k: u64,
    /// How A (`m x k`) is stored; [`Source::Im2col`] is not allowed for A.
    pub a: Source,
    /// How B (`k x n`) is stored.
    pub b: Source,
    /// Elements between consecutive rows of C (C's columns are contiguous).
    pub ldc: u64,
    /// Nested batch loops, outermost first: each level repeats the product `count` times, moving every
    /// operand by its stride (in elements; 0 broadcasts the operand).
    pub batch: Vec<BatchLevel>,
    pub alpha: f32,
    pub bias: Bias,
    /// Elements between consecutive rows of the residual (added to C before the activation), if any.
    pub residual_ld: Option<u64>,
    pub activation: Activation,
}

/// The layout of a GEMM input operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Element `(i, j)` at `i·row + j·col`.
    Strided { row: u64, col: u64 },
    /// Pre-packed into panels of `width` rows of A (or columns of B): panel `p` holds, for every `k` in order,
    /// the `width` elements of its rows (columns) at that `k`, zero-padded past the matrix edge; panels follow
    /// each other. This is the GEMM engine's packing layout; `width` must be one its kernels use.
    Packed { width: u32 },
    /// B as the implicit im2col matrix of one NCHW image (B only): row `(c, ky, kx)`, column `(oy, ox)`.
    Im2col(Conv2d),
}

/// The geometry of a 2-D convolution over one `channels x height x width` image, for [`Source::Im2col`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2d {
    pub channels: u64,
    pub height: u64,
    pub width: u64,
    /// Kernel height and width.
    pub kernel: [u64; 2],
    pub stride: [u64; 2],
    pub dilation: [u64; 2],
    /// Zero padding before the first row and column (the padding after is implied by the output size).
    pub pad: [u64; 2],
    /// Output height and width.
    pub out: [u64; 2],
}

/// One batch level of a [`GemmCall`]: strides in elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLevel {
    pub count: u64,
    pub a: u64,
    pub b: u64,
    pub c: u64,
    pub bias: u64,
    pub residual: u64,
}

/// How the bias is broadcast over C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bias {
    None,
    /// One value per row (`m` values): a convolution's per-channel bias.
    PerRow,
    /// One value per column (`n` values): a dense layer's bias.
    PerColumn,
}

impl Source {
    /// How many elements of its buffer an operand of `rows x cols` in this layout spans (0 if empty).
    fn span(&self, rows: u64, cols: u64, packs_rows: bool) -> Option<u64> {
        if rows == 0 || cols == 0 {
            return Some(0);
        }
        match *self {
            Source::Strided { row, col } => {
                (rows - 1).checked_mul(row)?.checked_add((cols - 1).checked_mul(col)?)?.checked_add(1)
            }
            Source::Packed { width } => {
                let (panelled, other) = if packs_rows { (rows, cols) } else { (cols, rows) };
                panelled.div_ceil(width.into()).checked_mul(width.into())?.checked_mul(other)
            }
            Source::Im2col(conv) => conv.channels.checked_mul(conv.height)?.checked_mul(conv.width),
        }
    }
}

impl GemmCall {
    /// The number of buffer arguments a step running this call takes.
    pub fn num_args(&self) -> usize {
        3 + usize::from(self.bias != Bias::None) + usize::from(self.residual_ld.is_some())
    }

    /// Checks the call is well formed and every element it touches lies inside buffers of `arg_lens` bytes.
    pub fn check(&self, arg_lens: &[u64]) -> Result<(), String> {
        if arg_lens.len() != self.num_args() {
            return Err(format!("a GEMM step takes {} buffers, this one has {}", self.num_args(), arg_lens.len()));
        }
        if matches!(self.a, Source::Im2col(_)) {
            return Err("A cannot be an im2col view".into());
        }
        for (what, source) in [("A", &self.a), ("B", &self.b)] {
            if let Source::Packed { width } = source
                && !(1..=64).contains(width)
            {
                return Err(format!("{what} is packed in panels of {width}, outside 1..=64"));
            }
        }
        if let Source::Im2col(c) = self.b {
            let valid = c.kernel.iter().chain(&c.stride).chain(&c.dilation).all(|&v| v > 0);
            let k = c.channels.checked_mul(c.kernel[0]).and_then(|v| v.checked_mul(c.kernel[1]));
            let n = c.out[0].checked_mul(c.out[1]);
            if !valid || k != Some(self.k) || n != Some(self.n) {
                return Err(format!("the im2col geometry {c:?} does not give a {} x {} B", self.k, self.n));
            }
        }
        if self.n > self.ldc || self.residual_ld.is_some_and(|ld| self.n > ld) {
            return Err("a row stride is shorter than a row".into());
        }
        let empty = self.m == 0 || self.n == 0 || self.batch.iter().any(|l| l.count == 0);
        let bias_len = match self.bias {
            Bias::None => 0,
            Bias::PerRow => self.m,
            Bias::PerColumn => self.n,
        };
        let residual_span = self.residual_ld.map(|ld| Source::Strided { row: ld, col: 1 }.span(self.m, self.n, true));
        let operands = [
            ("A", Some(self.a.span(self.m, self.k, true)), (|l| l.a) as fn(&BatchLevel) -> u64),
            ("B", Some(self.b.span(self.k, self.n, false)), |l| l.b),
            ("C", Some(Source::Strided { row: self.ldc, col: 1 }.span(self.m, self.n, true)), |l| l.c),
            ("the bias", (self.bias != Bias::None).then_some(Some(bias_len)), |l| l.bias),
            ("the residual", residual_span, |l| l.residual),
        ];
        let present = operands.into_iter().filter_map(|(what, span, stride)| Some((what, span?, stride)));
        for ((what, span, stride), &len) in present.zip(arg_lens) {
            let batch_span = self
                .batch
                .iter()
                .try_fold(0u64, |acc, l| acc.checked_add(l.count.checked_sub(1)?.checked_mul(stride(l))?));
            let needed =
                if empty { Some(0) } else { span.zip(batch_span).and_then(|(s, b)| s.checked_add(b)?.checked_mul(4)) };
            if needed.is_none_or(|bytes| bytes > len) {
                return Err(format!("{what} needs more than its {len}-byte buffer"));
            }
        }
        Ok(())
    }
}

/// The text form the compiler's IR uses: `relu`, `clip 0 6`, `leaky_relu 0.1`, ... (the `nn` epilogue step
/// names); [`str::parse`] reads it back.
impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::None => f.write_str("none"),
            Activation::Relu => f.write_str("relu"),
            Activation::Clip { lo, hi } => write!(f, "clip {lo} {hi}"),
            Activation::LeakyRelu { alpha } => write!(f, "leaky_relu {alpha}"),
            Activation::Sigmoid => f.write_str("sigmoid"),
            Activation::Tanh => f.write_str("tanh"),
            Activation::Silu => f.write_str("silu"),
            Activation::Gelu => f.write_str("gelu"),
            Activation::HardSwish => f.write_str("hard_swish"),
        }
    }
}

impl FromStr for Activation {
    type Err = String;

    fn from_str(s: &str) -> Result<Activation, String> {
        let tokens: Vec<&str> = s.split_whitespace().collect();
        let number = |i: usize| -> Result<f32, String> {
            tokens.get(i).ok_or(format!("`{s}` needs a parameter"))?.parse().map_err(|_| format!("bad number in `{s}`"))
        };
        let activation = match tokens.first().copied().unwrap_or("") {
            "none" => Activation::None,
            "relu" => Activation::Relu,
            "clip" => Activation::Clip { lo: number(1)?, hi: number(2)? },
            "leaky_relu" => Activation::LeakyRelu { alpha: number(1)? },
            "sigmoid" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            "silu" => Activation::Silu,
            "gelu" => Activation::Gelu,
            "hard_swish" => Activation::HardSwish,
            _ => return Err(format!("`{s}` is not a GEMM activation")),
        };
        if activation.to_string().split_whitespace().count() != tokens.len() {
            return Err(format!("`{s}` has extra tokens"));
        }
        Ok(activation)
    }
}

/// The text form the compiler's IR uses: `strided 64 1`, `packed 16`,
/// `im2col 3x32x32 k3x3 s1x1 d1x1 p1x1 o32x32`; [`str::parse`] reads it back.
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Strided { row, col } => write!(f, "strided {row} {col}"),
            Source::Packed { width } => write!(f, "packed {width}"),
            Source::Im2col(c) => write!(f, "im2col {c}"),
        }
    }
}

/// The text form `CxHxW kHxW sHxW dHxW pHxW oHxW` (channels and image, kernel, stride, dilation, top and left
/// pads, output); [`str::parse`] reads it back.
impl fmt::Display for Conv2d {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [(kh, kw), (sh, sw), (dh, dw), (ph, pw), (oh, ow)] =
            [self.kernel, self.stride, self.dilation, self.pad, self.out].map(|[a, b]| (a, b));
        let (c, h, w) = (self.channels, self.height, self.width);
        write!(f, "{c}x{h}x{w} k{kh}x{kw} s{sh}x{sw} d{dh}x{dw} p{ph}x{pw} o{oh}x{ow}")
    }
}

impl FromStr for Conv2d {
    type Err = String;

    fn from_str(s: &str) -> Result<Conv2d, String> {
        let bad = || format!("`{s}` is not a convolution geometry (CxHxW kHxW sHxW dHxW pHxW oHxW)");
        let tokens: Vec<&str> = s.split_whitespace().collect();
        let dims = |token: &str, prefix: &str| -> Result<Vec<u64>, String> {
            let rest = token.strip_prefix(prefix).ok_or_else(bad)?;
            rest.split('x').map(|d| d.parse().map_err(|_| bad())).collect()
        };
        let pair = |i: usize, prefix: &str| -> Result<[u64; 2], String> {
            <[u64; 2]>::try_from(dims(tokens.get(i).ok_or_else(bad)?, prefix)?).map_err(|_| bad())
        };
        let [image, _, _, _, _, _] = tokens.as_slice() else { return Err(bad()) };
        let [channels, height, width] = <[u64; 3]>::try_from(dims(image, "")?).map_err(|_| bad())?;
        Ok(Conv2d {
            channels,
            height,
            width,
            kernel: pair(1, "k")?,
            stride: pair(2, "s")?,
            dilation: pair(3, "d")?,
            pad: pair(4, "p")?,
            out: pair(5, "o")?,
        })
    }
}

impl FromStr for Source {
    type Err = String;

    fn from_str(s: &str) -> Result<Source, String> {
        let bad = || {
            format!("`{s}` is not a GEMM operand layout (strided R C, packed W, im2col CxHxW kHxW sHxW dHxW pHxW oHxW)")
        };
        let tokens: Vec<&str> = s.split_whitespace().collect();
        match tokens.as_slice() {
            ["strided", row, col] => {
                Ok(Source::Strided { row: row.parse().map_err(|_| bad())?, col: col.parse().map_err(|_| bad())? })
            }
            ["packed", width] => Ok(Source::Packed { width: width.parse().map_err(|_| bad())? }),
            ["im2col", geometry @ ..] if geometry.len() == 6 => {
                Ok(Source::Im2col(geometry.join(" ").parse().map_err(|_| bad())?))
            }
            _ => Err(bad()),
        }
    }
}

impl Routine {
    /// Writes the routine: tag 0 and the kernel index, tag 1 and the GEMM call, tag 2 and the depthwise call,
    /// tag 5 and the col2im call, tag 6 and the resize call, or tag 7 and the Winograd convolution call (tags 3
    /// and 4 were the retired three-step Winograd path's transforms).
    pub(crate) fn encode(&self, w: &mut Writer) {
        match self {
            Routine::Kernel(index) => {
                w.u8(0);
                w.u32(*index);
            }
            Routine::Gemm(call) => {
                w.u8(1);
                call.encode(w);
            }
            Routine::Depthwise(call) => {
                w.u8(2);
                call.encode(w);
            }
            Routine::Col2im(call) => {
                w.u8(5);
                call.encode(w);
            }
            Routine::Resize(call) => {
                w.u8(6);
                call.encode(w);
            }
            Routine::WinogradConv(call) => {
                w.u8(7);
                call.encode(w);
            }
        }
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Routine, LoadErrorKind> {
        match r.u8("step routine")? {
            0 => Ok(Routine::Kernel(r.u32("step kernel")?)),
            1 => Ok(Routine::Gemm(Box::new(GemmCall::decode(r)?))),
            2 => Ok(Routine::Depthwise(Box::new(DepthwiseCall::decode(r)?))),
            5 => Ok(Routine::Col2im(Box::new(Col2imCall::decode(r)?))),
            6 => Ok(Routine::Resize(Box::new(ResizeCall::decode(r)?))),
            7 => Ok(Routine::WinogradConv(Box::new(WinogradConvCall::decode(r)?))),
            tag => Err(r.error(format!("unknown step routine {tag}"))),
        }
    }
}

impl GemmCall {
    fn encode(&self, w: &mut Writer) {
        for v in [self.m, self.n, self.k] {
            w.u64(v);
        }
        for source in [&self.a, &self.b] {
            match *source {
                Source::Strided { row, col } => {
                    w.u8(0);
                    w.u64(row);
                    w.u64(col);
                }
                Source::Packed { width } => {
                    w.u8(1);
                    w.u32(width);
                }
                Source::Im2col(c) => {
                    w.u8(2);
                    encode_conv(&c, w);
                }
            }
        }
        w.u64(self.ldc);
        w.u64(self.batch.len() as u64);
        for l in &self.batch {
            for v in [l.count, l.a, l.b, l.c, l.bias, l.residual] {
                w.u64(v);
            }
        }
        w.u32(self.alpha.to_bits());
        w.u8(match self.bias {
            Bias::None => 0,
            Bias::PerRow => 1,
            Bias::PerColumn => 2,
        });
        // 0 is no residual: a real row stride is at least n >= 1.
        w.u64(self.residual_ld.unwrap_or(0));
        encode_activation(self.activation, w);
    }

    fn decode(r: &mut Reader<'_>) -> Result<GemmCall, LoadErrorKind> {
        let [m, n, k] = [r.u64("gemm m")?, r.u64("gemm n")?, r.u64("gemm k")?];
        let source = |r: &mut Reader<'_>, what: &str| -> Result<Source, LoadErrorKind> {
            match r.u8(what)? {
                0 => Ok(Source::Strided { row: r.u64(what)?, col: r.u64(what)? }),
                1 => Ok(Source::Packed { width: r.u32(what)? }),
                2 => Ok(Source::Im2col(decode_conv(r, what)?)),
                tag => Err(r.error(format!("unknown {what} layout {tag}"))),
            }
        };
        let a = source(r, "gemm A")?;
        let b = source(r, "gemm B")?;
        let ldc = r.u64("gemm ldc")?;
        let levels = r.count("gemm batch level", 6 * 8)?;
        let mut batch = Vec::with_capacity(levels);
        for _ in 0..levels {
            let v: [u64; 6] = decode_u64s(r, "gemm batch level")?;
            batch.push(BatchLevel { count: v[0], a: v[1], b: v[2], c: v[3], bias: v[4], residual: v[5] });
        }
        let alpha = f32::from_bits(r.u32("gemm alpha")?);
        let bias = match r.u8("gemm bias")? {
            0 => Bias::None,
            1 => Bias::PerRow,
            2 => Bias::PerColumn,
            tag => return Err(r.error(format!("unknown gemm bias kind {tag}"))),
        };
        let residual_ld = Some(r.u64("gemm residual stride")?).filter(|&ld| ld != 0);
        let activation = decode_activation(r, "gemm activation")?;
        Ok(GemmCall { m, n, k, a, b, ldc, batch, alpha, bias, residual_ld, activation })
    }
}

/// Writes a convolution geometry: 13 `u64`s.
pub(crate) fn encode_conv(c: &Conv2d, w: &mut Writer) {
    let fields = [c.channels, c.height, c.width].into_iter();
    for v in fields.chain(c.kernel).chain(c.stride).chain(c.dilation).chain(c.pad).chain(c.out) {
        w.u64(v);
    }
}

pub(crate) fn decode_conv(r: &mut Reader<'_>, what: &str) -> Result<Conv2d, LoadErrorKind> {
    let v: [u64; 13] = decode_u64s(r, what)?;
    Ok(Conv2d {
        channels: v[0],
        height: v[1],
        width: v[2],
        kernel: [v[3], v[4]],
        stride: [v[5], v[6]],
        dilation: [v[7], v[8]],
        pad: [v[9], v[10]],
        out: [v[11], v[12]],
    })
}

/// Writes the epilogue flags and activation a routine call ends with (depthwise, Winograd, col2im).
pub(crate) fn encode_epilogue(bias: bool, residual: bool, activation: Activation, w: &mut Writer) {
    w.u8(u8::from(bias));
    w.u8(u8::from(residual));
    encode_activation(activation, w);
}

/// Reads what [`encode_epilogue`] wrote: (bias, residual, activation) of a `what` call.
pub(crate) fn decode_epilogue(r: &mut Reader<'_>, what: &str) -> Result<(bool, bool, Activation), LoadErrorKind> {
    let (bias, residual) = (r.flag(&format!("{what} bias"))?, r.flag(&format!("{what} residual"))?);
    Ok((bias, residual, decode_activation(r, &format!("{what} activation"))?))
}

/// Reads `N` u64 fields of a `what` call.
pub(crate) fn decode_u64s<const N: usize>(r: &mut Reader<'_>, what: &str) -> Result<[u64; N], LoadErrorKind> {
    let mut v = [0u64; N];
    for x in &mut v {
        *x = r.u64(what)?;
    }
    Ok(v)
}

/// Writes an activation: its code and two parameters.
pub(crate) fn encode_activation(activation: Activation, w: &mut Writer) {
    let (code, params) = match activation {
        Activation::None => (0, [0.0, 0.0]),
        Activation::Relu => (1, [0.0, 0.0]),
        Activation::Clip { lo, hi } => (2, [lo, hi]),
        Activation::LeakyRelu { alpha } => (3, [alpha, 0.0]),
        Activation::Sigmoid => (4, [0.0, 0.0]),
        Activation::Tanh => (5, [0.0, 0.0]),
        Activation::Silu => (6, [0.0, 0.0]),
        Activation::Gelu => (7, [0.0, 0.0]),
        Activation::HardSwish => (8, [0.0, 0.0]),
    };
    w.u8(code);
    for p in params {
        w.u32(p.to_bits());
    }
}

pub(crate) fn decode_activation(r: &mut Reader<'_>, what: &str) -> Result<Activation, LoadErrorKind> {
    let code = r.u8(what)?;
    let [p, q] = [f32::from_bits(r.u32(what)?), f32::from_bits(r.u32(what)?)];
    Ok(match code {
        0 => Activation::None,
        1 => Activation::Relu,
        2 => Activation::Clip { lo: p, hi: q },
        3 => Activation::LeakyRelu { alpha: p },
        4 => Activation::Sigmoid,
        5 => Activation::Tanh,
        6 => Activation::Silu,
        7 => Activation::Gelu,
        8 => Activation::HardSwish,
        tag => return Err(r.error(format!("unknown {what} {tag}"))),
    })
}

/// The addresses and byte lengths of a routine's arguments given as slices (the entry points for tests and
/// callers outside a plan): `inputs`, then `output`, then the bias and residual given, which must be the ones
/// the call reads (`reads`: bias, residual).
pub(crate) fn slice_arguments(
    inputs: &[&[f32]],
    output: &mut [f32],
    [bias, residual]: [Option<&[f32]>; 2],
    reads: (bool, bool),
) -> Result<(Vec<*mut u8>, Vec<u64>), String> {
    if (bias.is_some(), residual.is_some()) != reads {
        return Err("the bias and residual given differ from the call's".into());
    }
    let mut args: Vec<*mut u8> = inputs.iter().map(|x| x.as_ptr().cast_mut().cast()).collect();
    let mut lens: Vec<u64> = inputs.iter().map(|x| 4 * x.len() as u64).collect();
    args.push(output.as_mut_ptr().cast());
    lens.push(4 * output.len() as u64);
    for extra in [bias, residual].into_iter().flatten() {
        args.push(extra.as_ptr().cast_mut().cast());
        lens.push(4 * extra.len() as u64);
    }
    Ok((args, lens))
}

/// The engine variant whose panel widths a compilation for a CPU with `cpu_features` packs weights for: the
/// fastest SIMD variant those features allow (the artefact must then require its features), else the generic
/// kernel's shape.
pub fn packing_variant(cpu_features: &[String]) -> Variant {
    let has = |v: &Variant| v.required_features().iter().all(|f| cpu_features.iter().any(|c| c == f));
    [Variant::AVX512, Variant::AVX2, Variant::NEON]
        .into_iter()
        .find(has)
        .unwrap_or_else(|| Variant::generic(4, 8).expect("a valid generic shape"))
}

/// The fastest engine variant the host has whose panel widths are `mr` and `nr` (those given: the widths of
/// pre-packed operands), else a generic kernel of those widths.
pub(crate) fn engine_variant(mr: Option<usize>, nr: Option<usize>) -> Result<Variant, GemmError> {
    let fits = |v: &Variant| mr.is_none_or(|w| w == v.mr()) && nr.is_none_or(|w| w == v.nr());
    match Variant::available_on_host().into_iter().find(fits) {
        Some(v) => Ok(v),
        None => Variant::generic(mr.unwrap_or(4), nr.unwrap_or(8)),
    }
}

/// How this host runs a GEMM step, fixed when a session is created: the variant, and the tiles of each batch
/// entry (they depend on the shapes only), so a run binds the step without setting up the engine twice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GemmPlan {
    variant: Variant,
    tiles_per_entry: usize,
}

impl GemmPlan {
    /// The fastest variant whose panel widths fit the call's packed operands, else a generic kernel of those
    /// widths; the engine's checks run here, once.
    pub(crate) fn new(call: &GemmCall) -> Result<GemmPlan, GemmError> {
        let width = |s: &Source| match s {
            Source::Packed { width } => Some(*width as usize),
            _ => None,
        };
        let variant = engine_variant(width(&call.a), width(&call.b))?;
        let mut plan = GemmPlan { variant, tiles_per_entry: 0 };
        if call.batch.iter().all(|l| l.count > 0) {
            // Entry 0 at placeholder addresses (up to five buffers), only set up, never run.
            let placeholders = [std::ptr::NonNull::<u8>::dangling().as_ptr(); 5];
            plan.tiles_per_entry = BoundGemm::new(call, plan, &placeholders).entry(0)?.tiles();
        }
        Ok(plan)
    }
}

/// A GEMM step bound to one run's buffers: the batch entries' products, their tiles numbered entry-major.
pub(crate) struct BoundGemm<'a> {
    call: &'a GemmCall,
    variant: Variant,
    args: &'a [*mut u8],
    entries: u64,
    tiles_per_entry: usize,
}

// SAFETY: the pointers are dereferenced only by the engine's tiles, which write disjoint parts of C.
unsafe impl Sync for BoundGemm<'_> {}

impl<'a> BoundGemm<'a> {
    /// Binds `call` (checked at load time against the buffers' lengths), planned by `plan`, to `args`, its
    /// buffers' addresses.
    pub(crate) fn new(call: &'a GemmCall, plan: GemmPlan, args: &'a [*mut u8]) -> BoundGemm<'a> {
        let entries = call.batch.iter().map(|l| l.count).product();
        BoundGemm { call, variant: plan.variant, args, entries, tiles_per_entry: plan.tiles_per_entry }
    }

    /// Independent tiles over all batch entries.
    pub(crate) fn tiles(&self) -> u64 {
        self.entries * self.tiles_per_entry as u64
    }

    /// The engine's problem for batch entry `index` (innermost level varying fastest).
    fn entry(&self, index: u64) -> Result<Gemm, GemmError> {
        let call = self.call;
        let mut offsets = [0u64; 5];
        let mut rest = index;
        for level in call.batch.iter().rev() {
            let i = rest % level.count;
            rest /= level.count;
            for (offset, stride) in offsets.iter_mut().zip([level.a, level.b, level.c, level.bias, level.residual]) {
                *offset += i * stride;
            }
        }
        let [a, b, c, bias, residual] = offsets.map(|o| o as usize);
        let at = |arg: usize, offset: usize| self.args[arg].cast::<f32>().wrapping_add(offset);
        let strided = |ptr: *const f32, row: u64, col: u64| gemm::Strided {
            ptr,
            row_stride: row as usize,
            col_stride: col as usize,
        };
        let a = match call.a {
            Source::Strided { row, col } => OperandA::Strided(strided(at(0, a), row, col)),
            Source::Packed { width } => OperandA::Packed(gemm::Packed { ptr: at(0, a), width: width as usize }),
            Source::Im2col(_) => unreachable!("rejected at load time"),
        };
        let b = match call.b {
            Source::Strided { row, col } => OperandB::Strided(strided(at(1, b), row, col)),
            Source::Packed { width } => OperandB::Packed(gemm::Packed { ptr: at(1, b), width: width as usize }),
            Source::Im2col(conv) => OperandB::Im2col(gemm::Im2col {
                image: at(1, b),
                conv: gemm::ConvGeometry {
                    channels: conv.channels as usize,
                    height: conv.height as usize,
                    width: conv.width as usize,
                    kernel_h: conv.kernel[0] as usize,
                    kernel_w: conv.kernel[1] as usize,
                    stride_h: conv.stride[0] as usize,
                    stride_w: conv.stride[1] as usize,
                    dilation_h: conv.dilation[0] as usize,
                    dilation_w: conv.dilation[1] as usize,
                    pad_top: conv.pad[0] as usize,
                    pad_left: conv.pad[1] as usize,
                    out_h: conv.out[0] as usize,
                    out_w: conv.out[1] as usize,
                },
            }),
        };
        let bias = match call.bias {
            Bias::None => gemm::Bias::None,
            Bias::PerRow => gemm::Bias::PerRow(at(3, bias)),
            Bias::PerColumn => gemm::Bias::PerCol(at(3, bias)),
        };
        let residual_arg = if call.bias == Bias::None { 3 } else { 4 };
        let residual =
            call.residual_ld.map(|ld| gemm::Residual { ptr: at(residual_arg, residual), row_stride: ld as usize });
        let problem = Problem {
            m: call.m as usize,
            n: call.n as usize,
            k: call.k as usize,
            a,
            b,
            c: at(2, c),
            ldc: call.ldc as usize,
            epilogue: gemm::Epilogue { alpha: call.alpha, bias, residual, activation: call.activation },
        };
        Gemm::new(self.variant, problem)
    }

    /// Runs tiles `[begin, end)` on this thread.
    ///
    /// # Safety
    /// The buffers must be live and as long as the load-time check required; calls running at the same time
    /// must be given disjoint tile ranges.
    pub(crate) unsafe fn run_tiles(&self, begin: u64, end: u64) {
        let per = self.tiles_per_entry as u64;
        let mut tile = begin;
        while tile < end {
            let entry = tile / per;
            let stop = end.min((entry + 1) * per);
            let gemm = self.entry(entry).expect("every entry has the shape of entry 0, which the plan accepted");
            with_scratch(gemm.scratch_len(), |scratch| {
                let range = (tile - entry * per) as usize..(stop - entry * per) as usize;
                // SAFETY: forwarded contract: every element the call describes lies in its buffers (checked at
                // load time) and C overlaps no input (the compiler's memory plan keeps them apart).
                unsafe { gemm.run_tiles(range, scratch) }.expect("the range lies inside this entry's tiles");
            });
            tile = stop;
        }
    }
}

thread_local! {
    /// Each thread's scratch for the GEMM engine's packing and the Winograd convolution's blocks, grown to the
    /// largest step it ran (so only a thread's first runs allocate).
    static SCRATCH: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on this thread's scratch, at least `len` values (not cleared: it holds what earlier steps left).
pub(crate) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    SCRATCH.with_borrow_mut(|scratch| {
        if scratch.len() < len {
            scratch.resize(len, 0.0);
        }
        f(scratch)
    })
}

/// The product of `dims`, `None` on overflow.
pub(crate) fn count(dims: &[u64]) -> Option<u64> {
    dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))
}

/// Checks that each dense f32 operand `(name, values)` of a routine call lies inside its buffer of `arg_lens`
/// bytes (`None` values: the count overflowed). With an `empty` output the call touches nothing, so every
/// operand fits.
pub(crate) fn check_dense_operands<'n>(
    operands: impl IntoIterator<Item = (&'n str, Option<u64>)>,
    arg_lens: &[u64],
    empty: bool,
) -> Result<(), String> {
    for ((name, values), &len) in operands.into_iter().zip(arg_lens) {
        let values = if empty { Some(0) } else { values };
        if values.and_then(|v| v.checked_mul(4)).is_none_or(|bytes| bytes > len) {
            return Err(format!("{name} needs more than its {len}-byte buffer"));
        }
    }
    Ok(())
}

/// `run_tiles(begin, end)` for a bound routine `$bound` whose `tiles_with::<AVX2>` runs its tiles with or
/// without AVX2 and FMA code, on the instruction set in its `isa` field: the AVX2 instantiation is inlined into
/// an entry compiled with those features (a closure would not inherit them).
macro_rules! avx2_or_portable_tiles {
    ($bound:ident) => {
        impl $bound<'_> {
            /// Runs tiles `[begin, end)` on this thread.
            ///
            /// # Safety
            /// The buffers must be live and as long as the call's `check` required, the output must overlap no
            /// other argument, and calls running at the same time must be given disjoint tile ranges.
            pub(crate) unsafe fn run_tiles(&self, begin: u64, end: u64) {
                match self.isa {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: forwarded contract; a call is bound to an instruction set the host has.
                    $crate::depthwise::Isa::Avx2 => unsafe { self.avx2_tiles(begin, end) },
                    // SAFETY: forwarded contract.
                    _ => unsafe { self.tiles_with::<false>(begin, end) },
                }
            }

            /// `tiles_with` compiled with AVX2 and FMA.
            ///
            /// # Safety
            /// As `run_tiles`, on a host with AVX2 and FMA.
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            unsafe fn avx2_tiles(&self, begin: u64, end: u64) {
                // SAFETY: forwarded contract.
                unsafe { self.tiles_with::<true>(begin, end) }
            }
        }
    };
}
pub(crate) use avx2_or_portable_tiles;
