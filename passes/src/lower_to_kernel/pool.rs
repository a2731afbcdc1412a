//! Lowerings of the `nn` pooling ops to kernels: the windowed ones (`nn.max_pool` with its indices,
//! `nn.average_pool`, `nn.lp_pool`) run the convolution's [`Window`] loops over rows of outputs; the
//! global ones are reductions over the spatial axes ([`reduce_kind`]).
//!
//! Window sums accumulate in the element type (f32 for f32). Average pooling divides by a
//! compile-time table of window sizes (padding counted or not by `count_include_pad`).

use super::conv::Window;
use super::linalg::{Run, update};
use super::reduce::{Kind, Rows, fill, flat, flat_operand, for_span, offset, reduce_kind};
use super::{LowerFn, Lowering};
use msc_ir::{DenseAttr, ElementType, MemRefType, TensorType, Value};
use msc_kernel::{BinOp, Cmp, KernelBuilder, math};

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.max_pool", max_pool),
    ("nn.average_pool", average_pool),
    ("nn.lp_pool", lp_pool),
    ("nn.global_average_pool", |l| global_pool(l, Kind::Mean)),
    ("nn.global_max_pool", |l| global_pool(l, Kind::Max)),
    ("nn.global_lp_pool", |l| {
        let p = l.op().int("p")?;
        global_pool(l, lp_kind(p))
    }),
];

/// The reduction of Lp pooling: L1 and L2 directly, other `p` through `powf`.
fn lp_kind(p: i64) -> Kind {
    match p {
        1 => Kind::L1,
        2 => Kind::L2,
        p => Kind::Pow(p as f64),
    }
}

fn global_pool(l: &mut Lowering<'_>, kind: Kind) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let mask: Vec<bool> = (0..shape.len()).map(|d| d >= 2).collect();
    let out = l.result(0);
    reduce_kind(l, kind, (x, &shape, &mask), out)?;
    Ok(vec![out])
}

/// A windowed pooling op: its window and the rows of its output (plane, outer output coordinates).
struct Pooling {
    window: Window,
    in_plane: u64,
    row_shape: Vec<u64>,
    rows: Rows,
    element: ElementType,
}

impl Pooling {
    fn read(l: &mut Lowering<'_>) -> Result<Pooling, String> {
        let xs = l.memref(l.operand(0)).shape;
        let ys = l.result_type(0).shape;
        let kernel: Vec<u64> = l.op().ints("kernel_shape")?.into_iter().map(|k| k.max(1) as u64).collect();
        if xs.len() < 3 || kernel.len() != xs.len() - 2 {
            return Err(format!("{}: kernel_shape {kernel:?} does not fit input shape {xs:?}", l.op().name()));
        }
        let window = Window::read(l, &xs[2..], &kernel, &ys[2..])?;
        let mut row_shape = vec![xs[0] * xs[1]];
        row_shape.extend(&ys[2..ys.len() - 1]);
        let rows = Rows::new(row_shape.iter().product(), window.kernel_size() * window.out_row());
        let element = l.result_type(0).element;
        Ok(Pooling { in_plane: xs[2..].iter().product(), window, row_shape, rows, element })
    }

    /// Launches `body(row, plane, y_row)` per output row, with the taps of the row's windows
    /// available through `self.window`; `y_row` is the row's first element in the output.
    fn launch(
        &self,
        l: &mut Lowering<'_>,
        hint: &str,
        buffers: &[Value],
        body: impl Fn(&mut KernelBuilder<'_>, &[Value], (Value, Value, &[Value]), Value),
    ) {
        if self.rows.rows == 0 || self.window.out_row() == 0 {
            return;
        }
        l.launch(hint, buffers, self.rows.tiles(), |kb, kf| {
            self.rows.for_each(kb, kf, |kb, r| {
                let idx = kb.delinearize(r, &self.row_shape);
                let y_row = kb.mul_const(r, self.window.out_row() as i64);
                body(kb, &kf.buffers, (r, idx[0], &idx[1..]), y_row);
            });
        });
    }

    /// Accumulates `combine(y, map(x))` into the output row from every tap of its windows.
    fn accumulate(
        &self,
        kb: &mut KernelBuilder<'_>,
        (xb, yb): (Value, Value),
        (plane, coords, y_row): (Value, &[Value], Value),
        map: &dyn Fn(&mut KernelBuilder<'_>, Value) -> Value,
    ) {
        let x_plane = kb.mul_const(plane, self.in_plane as i64);
        self.window.taps(kb, coords, &mut |kb, tap| {
            let x_base = kb.add_index(x_plane, tap.in_row);
            let x_base = kb.add_const(x_base, tap.input.1);
            for_span(kb, tap.range.0, tap.range.1, |kb, j| {
                let xi = offset(kb, x_base, j, tap.input.0);
                let yi = kb.add_index(y_row, j);
                let v = kb.load(xb, &[xi]);
                let v = map(kb, v);
                let acc = kb.load(yb, &[yi]);
                let s = kb.add(acc, v);
                kb.store(s, yb, &[yi]);
            });
        });
    }

    /// Rewrites the output row as `finalize(y, j)`.
    fn finalize(
        &self,
        kb: &mut KernelBuilder<'_>,
        yb: Value,
        y_row: Value,
        f: impl Fn(&mut KernelBuilder<'_>, Value, Value) -> Value,
    ) {
        for_span(kb, 0, self.window.out_row() as i64, |kb, j| {
            let yi = kb.add_index(y_row, j);
            let v = kb.load(yb, &[yi]);
            let v = f(kb, v, j);
            kb.store(v, yb, &[yi]);
        });
    }
}

fn average_pool(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let p = Pooling::read(l)?;
    let include_pad = l.op().bool("count_include_pad")?;
    // The number of counted cells of each output position's window, a product over the axes.
    let w = &p.window;
    let per_axis: Vec<Vec<f64>> = (0..w.input.len())
        .map(|ax| {
            let (len, end) = (w.input[ax] as i64, w.input[ax] as i64 + w.pads_end[ax]);
            (0..w.output[ax] as i64)
                .map(|o| {
                    let cells = (0..w.kernel[ax] as i64).map(|k| o * w.strides[ax] + k * w.dilations[ax] - w.pads[ax]);
                    cells.filter(|&c| if include_pad { c < end } else { (0..len).contains(&c) }).count() as f64
                })
                .collect()
        })
        .collect();
    let mut counts = vec![1.0f64];
    for axis in &per_axis {
        counts = counts.iter().flat_map(|&c| axis.iter().map(move |&a| c * a)).collect();
    }
    let table = DenseAttr::from_f64s(TensorType::of(&[counts.len() as u64], p.element), &counts)?;
    let table = l.constant(table)?;
    let (_, x) = flat_operand(l, 0);
    let out = l.result(0);
    let y = flat(l, out);
    let (out_rows, row_len) = (w.out_rows() as i64, w.out_row() as i64);
    p.launch(l, "average_pool", &[x, y, table], |kb, bufs, (r, plane, coords), y_row| {
        let zero = kb.constant(0.0, p.element);
        fill(kb, bufs[1], y_row, p.window.out_row(), zero);
        p.accumulate(kb, (bufs[0], bufs[1]), (plane, coords, y_row), &|_, v| v);
        let rows = kb.index(out_rows);
        let orow = kb.binary(BinOp::Rem, r, rows);
        let pos = kb.mul_const(orow, row_len);
        p.finalize(kb, bufs[1], y_row, |kb, v, j| {
            let ci = kb.add_index(pos, j);
            let count = kb.load(bufs[2], &[ci]);
            kb.div(v, count)
        });
    });
    Ok(vec![out])
}

fn lp_pool(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let p = Pooling::read(l)?;
    let power = l.op().int("p")?;
    let (_, x) = flat_operand(l, 0);
    let out = l.result(0);
    let y = flat(l, out);
    let e = p.element;
    p.launch(l, "lp_pool", &[x, y], |kb, bufs, (_, plane, coords), y_row| {
        let zero = kb.constant(0.0, e);
        fill(kb, bufs[1], y_row, p.window.out_row(), zero);
        p.accumulate(kb, (bufs[0], bufs[1]), (plane, coords, y_row), &|kb, v| match power {
            1 => kb.unary(&math::ABSF, v),
            2 => kb.mul(v, v),
            _ => {
                let a = kb.unary(&math::ABSF, v);
                let pv = kb.constant(power as f64, e);
                kb.op(&math::POWF, &[a, pv])
            }
        });
        p.finalize(kb, bufs[1], y_row, |kb, v, _| match power {
            1 => v,
            2 => kb.unary(&math::SQRT, v),
            _ => {
                let inv = kb.constant(1.0 / power as f64, e);
                kb.op(&math::POWF, &[v, inv])
            }
        });
    });
    Ok(vec![out])
}

/// `nn.max_pool`: the first largest value under each window (NaN only when it comes first) and
/// its flat index in x (spatial axes row-major, or column-major with `storage_order = 1`); a
/// window over padding alone gives 0 and index -1, as the reference kernel does.
///
/// When the indices are unused, the op is a float and every window covers at least one input
/// cell, [`max_pool_values`] computes the values alone, in loops the code generator vectorizes.
fn max_pool(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let p = Pooling::read(l)?;
    if !l.result_used(1) && p.element.is_float() && !p.window.has_empty_window() {
        return max_pool_values(l, &p);
    }
    let column_major = l.op().bool("storage_order")?;
    let (_, x) = flat_operand(l, 0);
    let (out, indices) = (l.result(0), l.result(1));
    let (y, ib) = (flat(l, out), flat(l, indices));
    let e = p.element;
    let w = &p.window;
    // Column-major strides of the input's spatial axes.
    let mut col = vec![1i64; w.input.len()];
    for ax in 1..w.input.len() {
        col[ax] = col[ax - 1] * w.input[ax - 1] as i64;
    }
    let last = w.input.len() - 1;
    p.launch(l, "max_pool", &[x, y, ib], |kb, bufs, (_, plane, coords), y_row| {
        let (xb, yb, ib) = (bufs[0], bufs[1], bufs[2]);
        let init = kb.constant(if e.is_float() { f64::NEG_INFINITY } else { 0.0 }, e);
        let none = kb.int(-1, ElementType::I64);
        fill(kb, yb, y_row, w.out_row(), init);
        fill(kb, ib, y_row, w.out_row(), none);
        let x_plane = kb.mul_const(plane, p.in_plane as i64);
        w.taps(kb, coords, &mut |kb, tap| {
            let x_base = kb.add_index(x_plane, tap.in_row);
            let x_base = kb.add_const(x_base, tap.input.1);
            // The flat index reported for input cell j: x_base + j * s, or its column-major twin.
            let (index_base, index_stride) = if column_major {
                let outer = kb.linearize(tap.coords, &col[..last]);
                let base = kb.add_index(x_plane, outer);
                (kb.add_const(base, tap.input.1 * col[last]), tap.input.0 * col[last])
            } else {
                (x_base, tap.input.0)
            };
            for_span(kb, tap.range.0, tap.range.1, |kb, j| {
                let xi = offset(kb, x_base, j, tap.input.0);
                let yi = kb.add_index(y_row, j);
                let v = kb.load(xb, &[xi]);
                let best = kb.load(yb, &[yi]);
                let best_index = kb.load(ib, &[yi]);
                let greater = kb.cmp(Cmp::Gt, v, best);
                let zero = kb.int(0, ElementType::I64);
                let empty = kb.cmp(Cmp::Lt, best_index, zero);
                let take = kb.binary(BinOp::Or, greater, empty);
                let index = offset(kb, index_base, j, index_stride);
                let index = kb.cast(index, ElementType::I64);
                let v = kb.select(take, v, best);
                let index = kb.select(take, index, best_index);
                kb.store(v, yb, &[yi]);
                kb.store(index, ib, &[yi]);
            });
        });
        // Windows over padding alone hold 0.
        p.finalize(kb, yb, y_row, |kb, v, j| {
            let yi = kb.add_index(y_row, j);
            let index = kb.load(ib, &[yi]);
            let zero_index = kb.int(0, ElementType::I64);
            let empty = kb.cmp(Cmp::Lt, index, zero_index);
            let zero = kb.constant(0.0, e);
            kb.select(empty, zero, v)
        });
    });
    Ok(vec![out, indices])
}

/// The values of `nn.max_pool` without its indices, in two unit-stride-store passes per output
/// row: the maximum over the taps of the outer spatial axes into a scratch row as long as an input
/// row, then the maximum over the innermost axis's taps of that row (strided reads when the
/// stride is above 1). Maxima are `maximumf`, so a NaN anywhere under a window gives NaN (the
/// indexed path keeps a NaN only when it comes first); the caller checks that no window lies over
/// padding alone, so the -inf start never shows.
fn max_pool_values(l: &mut Lowering<'_>, p: &Pooling) -> Result<Vec<Value>, String> {
    let (outer, inner) = p.window.split_innermost();
    let width = *p.window.input.last().expect("at least one spatial axis");
    let (_, x) = flat_operand(l, 0);
    let out = l.result(0);
    let y = flat(l, out);
    let unused_indices = l.result(1);
    let scratch = l.alloc(MemRefType::new(vec![p.rows.rows * width], p.element));
    let e = p.element;
    let max = |kb: &mut KernelBuilder<'_>, best, v| kb.max(best, v);
    p.launch(l, "max_pool", &[x, y, scratch], |kb, bufs, (r, plane, coords), y_row| {
        let (xb, yb, sb) = (bufs[0], bufs[1], bufs[2]);
        let lowest = kb.constant(f64::NEG_INFINITY, e);
        let s_row = kb.mul_const(r, width as i64);
        fill(kb, sb, s_row, width, lowest);
        let x_plane = kb.mul_const(plane, p.in_plane as i64);
        outer.taps(kb, coords, &mut |kb, tap| {
            let x_row = kb.add_index(x_plane, tap.in_row);
            update(
                kb,
                Run { buf: xb, base: x_row, stride: tap.input.0 },
                Run { buf: sb, base: s_row, stride: 1 },
                tap.range,
                max,
            );
        });
        fill(kb, yb, y_row, p.window.out_row(), lowest);
        inner.taps(kb, &[], &mut |kb, tap| {
            let s_base = kb.add_const(s_row, tap.input.1);
            update(
                kb,
                Run { buf: sb, base: s_base, stride: tap.input.0 },
                Run { buf: yb, base: y_row, stride: 1 },
                tap.range,
                max,
            );
        });
    });
    Ok(vec![out, unused_indices])
}
