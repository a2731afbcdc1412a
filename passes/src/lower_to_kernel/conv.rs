//! Lowerings of the `nn` convolutions (`nn.conv`, `nn.conv_transpose`) to kernels, and [`Window`],
//! the sliding-window loop structure that pooling shares.
//!
//! One tile computes whole output rows (the innermost spatial axis): the row starts as the bias,
//! then for each input channel of the group and each kernel tap, a unit-stride loop (for stride 1)
//! over the row's valid range adds `w * x`. Taps on the outer spatial axes are runtime loops with
//! one bounds check per row and tap; taps on the innermost axis are unrolled, each with its valid
//! range of output cells computed at compile time, so no check runs per element. Sums accumulate in
//! the element type (f32 for f32).

use super::linalg::{Run, axpy};
use super::reduce::{Rows, fill, flat, for_span};
use super::{LowerFn, Lowering};
use msc_ir::Value;
use msc_kernel::{BinOp, Cmp, KernelBuilder};
use msc_nn_kernels::conv::{AutoPad, ConvParams, ConvTransposeParams, resolve_conv_transpose, resolve_pads};
use msc_runtime::routine::Conv2d;

pub(super) const LOWERINGS: &[(&str, LowerFn)] =
    &[("nn.conv", |l| conv(l, false)), ("nn.conv_transpose", |l| conv(l, true))];

/// The sliding-window geometry of a conv, conv_transpose or pooling op over its spatial axes. A
/// conv (or pool) output cell `o` and kernel offset `k` read input cell `o * stride + k * dilation -
/// pad`; a transposed conv's input cell `i` feeds output cell `i * stride + k * dilation - pad`.
#[derive(Clone, Debug)]
pub(super) struct Window {
    pub input: Vec<u64>,
    pub output: Vec<u64>,
    pub kernel: Vec<u64>,
    pub strides: Vec<i64>,
    pub dilations: Vec<i64>,
    /// Padding before and after each spatial axis (negative only for conv_transpose).
    pub pads: Vec<i64>,
    pub pads_end: Vec<i64>,
    pub transposed: bool,
}

/// One kernel tap at a valid position on the outer spatial axes, for one output row: the inner
/// loop runs `j` over `range`, touching output cell `j * out.0 + out.1` of the row and input cell
/// `j * input.0 + input.1` of the input row starting at `in_row` (an offset in the input plane).
pub(super) struct Tap<'v> {
    pub in_row: Value,
    /// The input coordinates on the outer spatial axes.
    pub coords: &'v [Value],
    /// The flat (row-major) index of the tap in the kernel.
    pub kernel: Value,
    pub out: (i64, i64),
    pub input: (i64, i64),
    pub range: (i64, i64),
}

/// Reads an optional list attribute of `len` non-negative values (`default` each when absent).
fn list(l: &Lowering<'_>, name: &str, len: usize, default: usize) -> Result<Vec<usize>, String> {
    match l.op().opt_ints(name)? {
        None => Ok(vec![default; len]),
        Some(v) if v.len() == len && v.iter().all(|&x| x >= 0) => Ok(v.into_iter().map(|x| x as usize).collect()),
        Some(v) => Err(format!("attribute `{name}` {v:?} must hold {len} non-negative values")),
    }
}

impl Window {
    /// The window of a conv or pooling op with input spatial shape `input`, kernel `kernel` and
    /// output spatial shape `output` (from the result type), with auto_pad resolved.
    pub(super) fn read(l: &Lowering<'_>, input: &[u64], kernel: &[u64], output: &[u64]) -> Result<Window, String> {
        let n = input.len();
        let auto_pad = AutoPad::parse(&l.op().string("auto_pad")?).map_err(|e| e.0)?;
        let (strides, dilations) = (list(l, "strides", n, 1)?, list(l, "dilations", n, 1)?);
        let pads = list(l, "pads", 2 * n, 0)?;
        let usizes = |v: &[u64]| v.iter().map(|&x| x as usize).collect::<Vec<_>>();
        let pads =
            resolve_pads(auto_pad, &usizes(input), &usizes(kernel), &strides, &dilations, &pads).map_err(|e| e.0)?;
        Ok(Window {
            input: input.to_vec(),
            output: output.to_vec(),
            kernel: kernel.to_vec(),
            strides: strides.iter().map(|&s| s as i64).collect(),
            dilations: dilations.iter().map(|&d| d as i64).collect(),
            pads: pads[..n].iter().map(|&p| p as i64).collect(),
            pads_end: pads[n..].iter().map(|&p| p as i64).collect(),
            transposed: false,
        })
    }

    /// The runtime's geometry of this 2-D window over `channels` input channels, as the GEMM engine's
    /// implicit im2col and the depthwise routine take it. The pads must be non-negative.
    pub(super) fn conv2d(&self, channels: u64) -> Conv2d {
        let pair = |v: &[i64]| [v[0] as u64, v[1] as u64];
        Conv2d {
            channels,
            height: self.input[0],
            width: self.input[1],
            kernel: [self.kernel[0], self.kernel[1]],
            stride: pair(&self.strides),
            dilation: pair(&self.dilations),
            pad: pair(&self.pads),
            out: [self.output[0], self.output[1]],
        }
    }

    /// The window of a conv_transpose with input spatial shape `input`, kernel `kernel` and output
    /// spatial shape `output`, with auto_pad, output_padding and output_shape resolved.
    pub(super) fn read_transposed(
        l: &Lowering<'_>,
        input: &[u64],
        kernel: &[u64],
        output: &[u64],
    ) -> Result<Window, String> {
        let n = input.len();
        let usizes = |v: &[u64]| v.iter().map(|&x| x as usize).collect::<Vec<_>>();
        let params = ConvTransposeParams {
            conv: ConvParams {
                auto_pad: AutoPad::parse(&l.op().string("auto_pad")?).map_err(|e| e.0)?,
                dilations: list(l, "dilations", n, 1)?,
                group: 1,
                kernel_shape: vec![],
                pads: list(l, "pads", 2 * n, 0)?,
                strides: list(l, "strides", n, 1)?,
            },
            output_padding: list(l, "output_padding", n, 0)?,
            output_shape: l
                .op()
                .opt_ints("output_shape")?
                .unwrap_or_default()
                .into_iter()
                .map(|v| v as usize)
                .collect(),
        };
        let (pads, _) = resolve_conv_transpose(&usizes(input), &usizes(kernel), &params).map_err(|e| e.0)?;
        Ok(Window {
            input: input.to_vec(),
            output: output.to_vec(),
            kernel: kernel.to_vec(),
            strides: params.conv.strides.iter().map(|&s| s as i64).collect(),
            dilations: params.conv.dilations.iter().map(|&d| d as i64).collect(),
            pads: pads[..n].to_vec(),
            pads_end: pads[n..].to_vec(),
            transposed: true,
        })
    }

    /// Whether some output cell's window lies over padding alone on some axis (no kernel tap
    /// reaches an input cell). Not for transposed windows.
    pub(super) fn has_empty_window(&self) -> bool {
        (0..self.input.len()).any(|ax| {
            let (s, d, p, len) = (self.strides[ax], self.dilations[ax], self.pads[ax], self.input[ax] as i64);
            (0..self.output[ax] as i64)
                .any(|o| (0..self.kernel[ax] as i64).all(|k| !(0..len).contains(&(o * s + k * d - p))))
        })
    }

    /// This (non-transposed) window split in two: `outer` slides over the outer spatial axes only
    /// (on the innermost axis its single tap reads the whole input row, unit stride, into an output
    /// row as long), `inner` is the 1-D window of the innermost axis alone.
    pub(super) fn split_innermost(&self) -> (Window, Window) {
        let last = self.input.len() - 1;
        let mut outer = self.clone();
        outer.output[last] = self.input[last];
        outer.kernel[last] = 1;
        outer.strides[last] = 1;
        outer.dilations[last] = 1;
        outer.pads[last] = 0;
        outer.pads_end[last] = 0;
        let inner = Window {
            input: vec![self.input[last]],
            output: vec![self.output[last]],
            kernel: vec![self.kernel[last]],
            strides: vec![self.strides[last]],
            dilations: vec![self.dilations[last]],
            pads: vec![self.pads[last]],
            pads_end: vec![self.pads_end[last]],
            transposed: false,
        };
        (outer, inner)
    }

    /// Number of rows (all spatial axes but the innermost) of the output.
    pub(super) fn out_rows(&self) -> u64 {
        self.output[..self.output.len() - 1].iter().product()
    }

    /// Length of an output row.
    pub(super) fn out_row(&self) -> u64 {
        *self.output.last().expect("at least one spatial axis")
    }

    pub(super) fn kernel_size(&self) -> u64 {
        self.kernel.iter().product()
    }

    /// Calls `body` for every kernel tap of the output row with coordinates `out` on the outer
    /// spatial axes, in row-major kernel order, skipping taps outside the input.
    pub(super) fn taps(
        &self,
        kb: &mut KernelBuilder<'_>,
        out: &[Value],
        body: &mut dyn FnMut(&mut KernelBuilder<'_>, &Tap<'_>),
    ) {
        let zero = kb.index(0);
        self.outer_taps(kb, out, (zero, zero), &mut Vec::new(), body);
    }

    fn outer_taps(
        &self,
        kb: &mut KernelBuilder<'_>,
        out: &[Value],
        (in_row, kernel): (Value, Value),
        coords: &mut Vec<Value>,
        body: &mut dyn FnMut(&mut KernelBuilder<'_>, &Tap<'_>),
    ) {
        let ax = coords.len();
        let last = self.input.len() - 1;
        if ax == last {
            return self.inner_taps(kb, (in_row, kernel), coords, body);
        }
        let (s, d, p, len) = (self.strides[ax], self.dilations[ax], self.pads[ax], self.input[ax] as i64);
        for_span(kb, 0, self.kernel[ax] as i64, |kb, k| {
            let kd = kb.mul_const(k, d);
            let zero = kb.index(0);
            let (cell, valid) = if self.transposed {
                // Output cell o is fed by input cell (o + p - k * d) / s when that divides.
                let t = kb.add_const(out[ax], p);
                let t = kb.op(&msc_kernel::arith::SUBI, &[t, kd]);
                let nonneg = kb.cmp(Cmp::Ge, t, zero);
                let limit = kb.index(len * s);
                let below = kb.cmp(Cmp::Lt, t, limit);
                let mut valid = kb.binary(BinOp::And, nonneg, below);
                if s > 1 {
                    let sv = kb.index(s);
                    let rem = kb.binary(BinOp::Rem, t, sv);
                    let divides = kb.cmp(Cmp::Eq, rem, zero);
                    valid = kb.binary(BinOp::And, valid, divides);
                    (kb.div(t, sv), valid)
                } else {
                    (t, valid)
                }
            } else {
                let t = kb.mul_const(out[ax], s);
                let t = kb.add_index(t, kd);
                let cell = kb.add_const(t, -p);
                let nonneg = kb.cmp(Cmp::Ge, cell, zero);
                let limit = kb.index(len);
                let below = kb.cmp(Cmp::Lt, cell, limit);
                (cell, kb.binary(BinOp::And, nonneg, below))
            };
            kb.if_then(valid, |kb| {
                let row = kb.mul_const(in_row, len);
                let row = kb.add_index(row, cell);
                let tap = kb.mul_const(kernel, self.kernel[ax] as i64);
                let tap = kb.add_index(tap, k);
                coords.push(cell);
                self.outer_taps(kb, out, (row, tap), coords, body);
                coords.pop();
            });
        });
    }

    /// The unrolled taps of the innermost axis, each with its valid range.
    fn inner_taps(
        &self,
        kb: &mut KernelBuilder<'_>,
        (in_row, kernel): (Value, Value),
        coords: &[Value],
        body: &mut dyn FnMut(&mut KernelBuilder<'_>, &Tap<'_>),
    ) {
        let ax = self.input.len() - 1;
        let (s, d, p) = (self.strides[ax], self.dilations[ax], self.pads[ax]);
        let (input, output) = (self.input[ax] as i64, self.output[ax] as i64);
        // j runs over `looped` cells and reaches cell j * s + shift of `target` cells.
        let (looped, target) = if self.transposed { (input, output) } else { (output, input) };
        let row = kb.mul_const(in_row, input);
        let kernel = kb.mul_const(kernel, self.kernel[ax] as i64);
        for kw in 0..self.kernel[ax] as i64 {
            let shift = kw * d - p;
            let lo = (-shift).div_euclid(s) + i64::from((-shift).rem_euclid(s) != 0);
            let hi = (target - shift - 1).div_euclid(s) + 1;
            let range = (lo.max(0), hi.min(looped));
            if range.0 >= range.1 {
                continue;
            }
            let (out, inp) = if self.transposed { ((s, shift), (1, 0)) } else { ((1, 0), (s, shift)) };
            let tap = kb.add_const(kernel, kw);
            body(kb, &Tap { in_row: row, coords, kernel: tap, out, input: inp, range });
        }
    }
}

/// `nn.conv` and `nn.conv_transpose`.
pub(super) fn conv(l: &mut Lowering<'_>, transposed: bool) -> Result<Vec<Value>, String> {
    let name = l.op().name();
    let (x, w, b) = (l.operand(0), l.operand(1), l.named("b"));
    let (xs, ws) = (l.memref(x).shape, l.memref(w).shape);
    let out = l.result(0);
    let ys = l.memref(out).shape;
    let group = l.op().int("group")?;
    if group < 1 || xs.len() < 3 {
        return Err(format!("{name}: group {group} on an input of shape {xs:?} is not supported by the CPU lowering"));
    }
    let group = group as u64;
    let (c, m) = (xs[1], ys[1]);
    let (cg, mg) = (c / group, m / group);
    let window = if transposed {
        Window::read_transposed(l, &xs[2..], &ws[2..], &ys[2..])?
    } else {
        Window::read(l, &xs[2..], &ws[2..], &ys[2..])?
    };
    let in_plane: u64 = xs[2..].iter().product();
    let ksize = window.kernel_size();
    let row_len = window.out_row();
    let mut row_shape = vec![ys[0], m];
    row_shape.extend(&ys[2..ys.len() - 1]);
    let rows = Rows::new(row_shape.iter().product(), cg * ksize * row_len);
    if rows.rows == 0 || row_len == 0 {
        return Ok(vec![out]);
    }
    let e = l.memref(out).element;
    let mut buffers = vec![flat(l, x), flat(l, w), flat(l, out)];
    if let Some(b) = b {
        buffers.push(b);
    }
    let hint = name.trim_start_matches("nn.");
    l.launch(hint, &buffers, rows.tiles(), |kb, kf| {
        let (xb, wb, yb) = (kf.buffers[0], kf.buffers[1], kf.buffers[2]);
        rows.for_each(kb, kf, |kb, r| {
            let idx = kb.delinearize(r, &row_shape);
            let (n, oc) = (idx[0], idx[1]);
            let y_row = kb.mul_const(r, row_len as i64);
            let init = match kf.buffers.get(3) {
                Some(&bias) => kb.load(bias, &[oc]),
                None => kb.constant(0.0, e),
            };
            fill(kb, yb, y_row, row_len, init);
            let mgv = kb.index(mg as i64);
            let grp = if group == 1 { kb.index(0) } else { kb.div(oc, mgv) };
            let first = kb.mul_const(grp, cg as i64);
            let n_c = kb.mul_const(n, c as i64);
            for_span(kb, 0, cg as i64, |kb, ic| {
                let ch = kb.add_index(first, ic);
                let plane = kb.add_index(n_c, ch);
                let x_plane = kb.mul_const(plane, in_plane as i64);
                // conv: w[oc, ic, k...]; conv_transpose: w[ch, oc % mg, k...].
                let w_filter = if transposed {
                    let ocg = kb.binary(BinOp::Rem, oc, mgv);
                    let t = kb.mul_const(ch, mg as i64);
                    kb.add_index(t, ocg)
                } else {
                    let t = kb.mul_const(oc, cg as i64);
                    kb.add_index(t, ic)
                };
                let w_base = kb.mul_const(w_filter, ksize as i64);
                window.taps(kb, &idx[2..], &mut |kb, tap| {
                    let wi = kb.add_index(w_base, tap.kernel);
                    let wv = kb.load(wb, &[wi]);
                    let x_base = kb.add_index(x_plane, tap.in_row);
                    let x_base = kb.add_const(x_base, tap.input.1);
                    let y_base = kb.add_const(y_row, tap.out.1);
                    let xr = Run { buf: xb, base: x_base, stride: tap.input.0 };
                    let yr = Run { buf: yb, base: y_base, stride: tap.out.0 };
                    axpy(kb, wv, xr, yr, tap.range);
                });
            });
        });
    });
    Ok(vec![out])
}
