//! Winograd F(4x4, 3x3) convolution: 3x3, stride-1, undilated, one-group 2-D f32 NCHW `nn.conv` and
//! `nn.fused_conv` with constant weights, as three steps on 6x6 input tiles that overlap by 2:
//!
//! 1. `winograd_input` (after `winograd_pad` copies the input into a zero-padded buffer whose sides are
//!    `4·tiles + 2`, unless it already has that shape): `V[p][c][t] = (Bᵀ d B)[p]` for every channel `c`
//!    and tile `t` (images and tiles flattened), one vector loop over the tiles of a tile row;
//! 2. one `kernel.gemm` batched over the 36 positions `p`: `M[p] = U[p] · V[p]` (`K x C` times `C x T`),
//!    `U[p] = (G g Gᵀ)[p]` computed at compile time in f64, a constant the driver packs for the engine;
//! 3. `winograd_output`: `Y = Aᵀ M A` per tile and output channel, plus the bias and the fused epilogue,
//!    stored only where the tile lies inside the output (the last tile row and column may be partial).
//!
//! The matrices come from the interpolation points 0, ±1, ±2 and ∞ ([`Matrices::new`]). [`lower`] takes
//! the path when the cost model predicts it faster than the direct implicit GEMM
//! ([`CostModel::winograd_pays`]) or when the pass option `conv=winograd` forces it.

use super::fused::Epilogue;
use super::gemm::product;
use super::reduce::{Rows, flat};
use super::{ConvLowering, Lowering};
use crate::egraph::cost::CostModel;
use msc_ir::{DenseAttr, ElementType, MemRefType, TensorType, Value};
use msc_kernel::KernelBuilder;
use msc_runtime::routine::{BatchLevel, Source};

/// Output tile side.
const M: usize = 4;
/// Filter side.
const R: usize = 3;
/// Input tile side.
const N: usize = M + R - 1;
/// The finite interpolation points (∞ is the last one).
const POINTS: [f64; N - 1] = [0.0, 1.0, -1.0, 2.0, -2.0];

/// The Toom-Cook matrices of F(M, R): the correlation `y[i] = Σ_k g[k]·d[i + k]` of an input tile `d`
/// (N values) with a filter `g` (R taps) is `Aᵀ[(G g) ⊙ (Bᵀ d)]`.
#[derive(Debug)]
pub(crate) struct Matrices {
    pub at: [[f64; N]; M],
    pub g: [[f64; R]; N],
    pub bt: [[f64; N]; N],
}

/// The coefficients (by increasing power) of `Π (x - root)`.
fn poly_from_roots(roots: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut coeffs = vec![1.0];
    for root in roots {
        let mut next = vec![0.0; coeffs.len() + 1];
        for (i, &c) in coeffs.iter().enumerate() {
            next[i + 1] += c;
            next[i] -= root * c;
        }
        coeffs = next;
    }
    coeffs
}

impl Matrices {
    /// Row `j < N-1` evaluates at point `p_j`: `Aᵀ[i][j] = p_jⁱ`, `G[j][k] = p_jᵏ / Π_{l≠j}(p_j - p_l)`, and
    /// `Bᵀ[j]` holds `Π_{l≠j}(x - p_l)`; the last row is the point ∞: the leading coefficients (`G` the last
    /// tap, `Aᵀ` the last output, `Bᵀ` the coefficients of `Π_l (x - p_l)`).
    pub(crate) fn new() -> Matrices {
        let mut m = Matrices { at: [[0.0; N]; M], g: [[0.0; R]; N], bt: [[0.0; N]; N] };
        for (j, &p) in POINTS.iter().enumerate() {
            let others = || POINTS.iter().enumerate().filter(move |&(l, _)| l != j).map(|(_, &q)| q);
            let scale: f64 = others().map(|q| p - q).product();
            for (i, row) in m.at.iter_mut().enumerate() {
                row[j] = p.powi(i as i32);
            }
            for (k, g) in m.g[j].iter_mut().enumerate() {
                *g = p.powi(k as i32) / scale;
            }
            for (i, c) in poly_from_roots(others()).into_iter().enumerate() {
                m.bt[j][i] = c;
            }
        }
        m.at[M - 1][N - 1] = 1.0;
        m.g[N - 1][R - 1] = 1.0;
        for (i, c) in poly_from_roots(POINTS.iter().copied()).into_iter().enumerate() {
            m.bt[N - 1][i] = c;
        }
        m
    }
}

/// The conv being lowered.
struct Conv {
    images: u64,
    channels: u64,
    filters: u64,
    input: [u64; 2],
    output: [u64; 2],
    /// Padding before the rows and the columns.
    pad: [u64; 2],
    /// Tiles per column and per row of an output plane.
    tiles: [u64; 2],
    weights: Vec<f64>,
}

impl Conv {
    /// The conv when it is one this lowering handles.
    fn read(l: &Lowering<'_>) -> Option<Conv> {
        let op = l.op();
        let is_f32 = |v: Value| l.ctx.value_type(v).as_tensor().is_some_and(|t| t.element == ElementType::F32);
        let nchw = match op.name() {
            "nn.conv" => true,
            "nn.fused_conv" => op.string("layout").ok()? == "NCHW",
            _ => false,
        };
        if !nchw || !op.operands().iter().chain(op.results()).all(|&v| is_f32(v)) || op.int("group").ok()? != 1 {
            return None;
        }
        let (xs, ws, ys) = (l.memref(l.operand(0)).shape, l.memref(l.operand(1)).shape, l.result_type(0).shape);
        if xs.len() != 4 || ws[2..] != [R as u64, R as u64] || xs.contains(&0) || ys.contains(&0) {
            return None;
        }
        let window = super::conv::Window::read(l, &xs[2..], &ws[2..], &ys[2..]).ok()?;
        if window.strides != [1, 1] || window.dilations != [1, 1] || window.pads.iter().any(|&p| p < 0) {
            return None;
        }
        let weights = op.constant_value(op.operand(1))?.to_f64s()?;
        let tiles = [ys[2].div_ceil(M as u64), ys[3].div_ceil(M as u64)];
        Some(Conv {
            images: xs[0],
            channels: xs[1],
            filters: ys[1],
            input: [xs[2], xs[3]],
            output: [ys[2], ys[3]],
            pad: [window.pads[0] as u64, window.pads[1] as u64],
            tiles,
            weights,
        })
    }

    /// The sides of the padded input: every tile's 6x6 window lies inside.
    fn padded(&self) -> [u64; 2] {
        [M as u64 * self.tiles[0] + R as u64 - 1, M as u64 * self.tiles[1] + R as u64 - 1]
    }

    /// Tiles of one image.
    fn plane_tiles(&self) -> u64 {
        self.tiles[0] * self.tiles[1]
    }

    /// Tiles of all images: the columns of the GEMM.
    fn all_tiles(&self) -> u64 {
        self.images * self.plane_tiles()
    }

    /// `U[p][k][c] = (G g_kc Gᵀ)[p]`, flattened.
    fn transformed_weights(&self, m: &Matrices) -> Vec<f64> {
        let (k_count, c_count) = (self.filters as usize, self.channels as usize);
        let mut u = vec![0.0; N * N * k_count * c_count];
        for kc in 0..k_count * c_count {
            let g = &self.weights[kc * R * R..(kc + 1) * R * R];
            for (a, ga) in m.g.iter().enumerate() {
                for (b, gb) in m.g.iter().enumerate() {
                    let row = |i: usize| -> f64 { gb.iter().zip(&g[i * R..(i + 1) * R]).map(|(x, y)| x * y).sum() };
                    u[(a * N + b) * k_count * c_count + kc] = ga.iter().enumerate().map(|(i, x)| x * row(i)).sum();
                }
            }
        }
        u
    }
}

/// Lowers the op as a Winograd convolution when it qualifies and `mode` (or, for `auto`, the cost model)
/// wants it; `None` leaves it to the other lowerings.
pub(super) fn lower(l: &mut Lowering<'_>, mode: ConvLowering) -> Option<Result<Vec<Value>, String>> {
    if mode == ConvLowering::Direct {
        return None;
    }
    let conv = Conv::read(l)?;
    if mode == ConvLowering::Auto {
        let model = CostModel::for_target("host").ok()?;
        let (n, c, k) = (conv.images, conv.channels, conv.filters);
        if !model.winograd_pays(n, c, k, conv.output) {
            return None;
        }
    }
    Some(emit(l, &conv))
}

/// Adds the kernels and the GEMM of `conv`; returns the result buffer.
fn emit(l: &mut Lowering<'_>, conv: &Conv) -> Result<Vec<Value>, String> {
    let m = Matrices::new();
    let (c, k, t) = (conv.channels, conv.filters, conv.all_tiles());
    let positions = (N * N) as u64;
    let u_type = TensorType::of(&[positions, k, c], ElementType::F32);
    let u = l.constant(DenseAttr::from_f64s(u_type, &conv.transformed_weights(&m))?)?;
    let padded = pad(l, conv);
    let v = l.alloc(MemRefType::new(vec![positions * c * t], ElementType::F32));
    input_transform(l, conv, &m, padded, v);
    let products = l.alloc(MemRefType::new(vec![positions * k * t], ElementType::F32));
    let mut call = product(k, t, c, Source::Strided { row: c, col: 1 }, Source::Strided { row: t, col: 1 });
    call.batch = vec![BatchLevel { count: positions, a: k * c, b: c * t, c: k * t, bias: 0, residual: 0 }];
    let uf = flat(l, u);
    l.gemm(&call, &[uf, v, products]);
    output_transform(l, conv, &m, products)
}

/// The input zero-padded to [`Conv::padded`] sides (the input itself when it has them already).
fn pad(l: &mut Lowering<'_>, conv: &Conv) -> Value {
    let x = flat(l, l.operand(0));
    let [hp, wp] = conv.padded();
    let ([h, w], [pt, pl]) = (conv.input, conv.pad);
    if [h, w] == [hp, wp] {
        return x;
    }
    let planes = conv.images * conv.channels;
    let xp = l.alloc(MemRefType::new(vec![planes * hp * wp], ElementType::F32));
    let rows = Rows::new(planes, hp * wp);
    l.launch("winograd_pad", &[x, xp], rows.tiles(), |kb, kf| {
        let (xb, pb) = (kf.buffers[0], kf.buffers[1]);
        rows.for_each(kb, kf, |kb, plane| {
            let src = kb.mul_const(plane, (h * w) as i64);
            let dst = kb.mul_const(plane, (hp * wp) as i64);
            let zero = kb.constant(0.0, ElementType::F32);
            let fill = |kb: &mut KernelBuilder<'_>, from: u64, to: u64| {
                let (lo, hi) = (kb.index(from as i64), kb.index(to as i64));
                kb.for_range(lo, hi, |kb, i| {
                    let at = kb.add_index(dst, i);
                    kb.store(zero, pb, &[at]);
                });
            };
            fill(kb, 0, pt * wp);
            fill(kb, (pt + h) * wp, hp * wp);
            let (lo, hi) = (kb.index(0), kb.index(h as i64));
            kb.for_range(lo, hi, |kb, y| {
                let row = kb.add_const(y, pt as i64);
                let row = kb.mul_const(row, wp as i64);
                let row = kb.add_index(dst, row);
                let from = kb.mul_const(y, w as i64);
                let from = kb.add_index(src, from);
                let fill_row = |kb: &mut KernelBuilder<'_>, a: u64, b: u64| {
                    let (lo, hi) = (kb.index(a as i64), kb.index(b as i64));
                    kb.for_range(lo, hi, |kb, i| {
                        let at = kb.add_index(row, i);
                        kb.store(zero, pb, &[at]);
                    });
                };
                fill_row(kb, 0, pl);
                fill_row(kb, pl + w, wp);
                let (lo, hi) = (kb.index(0), kb.index(w as i64));
                let row = kb.add_const(row, pl as i64);
                kb.for_range(lo, hi, |kb, i| {
                    let s = kb.add_index(from, i);
                    let value = kb.load(xb, &[s]);
                    let at = kb.add_index(row, i);
                    kb.store(value, pb, &[at]);
                });
            });
        });
    });
    xp
}

/// `Σ coeffs[i]·values[i]` over the nonzero coefficients (0 when all are zero).
fn combine(kb: &mut KernelBuilder<'_>, coeffs: &[f64], values: &[Value]) -> Value {
    let mut sum: Option<Value> = None;
    for (&c, &v) in coeffs.iter().zip(values) {
        sum = Some(match (sum, c) {
            (_, 0.0) => continue,
            (None, 1.0) => v,
            (Some(s), 1.0) => kb.add(s, v),
            (Some(s), -1.0) => kb.sub(s, v),
            (s, _) => {
                let k = kb.constant(c, ElementType::F32);
                let term = kb.mul(k, v);
                match s {
                    Some(s) => kb.add(s, term),
                    None => term,
                }
            }
        });
    }
    sum.unwrap_or_else(|| kb.constant(0.0, ElementType::F32))
}

/// `rows[i]·values` for every row: a small matrix times the column `values`.
fn apply(kb: &mut KernelBuilder<'_>, rows: &[[f64; N]], values: &[Value]) -> Vec<Value> {
    rows.iter().map(|row| combine(kb, row, values)).collect()
}

/// `mat · d · matᵀ` for the row-major `N x N` window `d`, as rows: `mat · d` one column at a time, then each
/// of its rows times `matᵀ`.
fn sandwich(kb: &mut KernelBuilder<'_>, mat: &[[f64; N]], d: &[Value]) -> Vec<Vec<Value>> {
    let mut mat_d = vec![Vec::new(); mat.len()];
    for j in 0..N {
        let col: Vec<Value> = (0..N).map(|i| d[i * N + j]).collect();
        for (i, value) in apply(kb, mat, &col).into_iter().enumerate() {
            mat_d[i].push(value);
        }
    }
    mat_d.iter().map(|row| apply(kb, mat, row)).collect()
}

/// `count` consecutive views of `len` f32 values each over `buffer`: one buffer per transform position, so
/// every store of a transform kernel has its own buffer and its tile loop vectorizes.
fn position_views(l: &mut Lowering<'_>, buffer: Value, count: u64, len: u64) -> Vec<Value> {
    (0..count).map(|p| l.view(buffer, MemRefType::new(vec![len], ElementType::F32), p * len * 4)).collect()
}

/// The first column of tile row `ty` of `image` in plane `plane` (a channel of V or a filter of M and Z):
/// `plane·tiles + (image·th + ty)·tw`.
fn tile_row_start(kb: &mut KernelBuilder<'_>, conv: &Conv, plane: Value, image: Value, ty: Value) -> Value {
    let [th, tw] = conv.tiles;
    let row = kb.mul_const(image, th as i64);
    let row = kb.add_index(row, ty);
    let row = kb.mul_const(row, tw as i64);
    let start = kb.mul_const(plane, conv.all_tiles() as i64);
    kb.add_index(start, row)
}

/// `V[p][c][t] = (Bᵀ d B)[p]` for the 6x6 window `d` of tile `t` in channel `c`: one tile per (image,
/// channel, tile row), a loop over the tiles of the row storing at consecutive `t`; each position `p` is
/// its own buffer (a view of `V`), so every store has its own buffer and the loop vectorizes.
fn input_transform(l: &mut Lowering<'_>, conv: &Conv, m: &Matrices, padded: Value, v: Value) {
    let [hp, wp] = conv.padded();
    let (c, t, [th, tw]) = (conv.channels, conv.all_tiles(), conv.tiles);
    let mut buffers = vec![padded];
    buffers.extend(position_views(l, v, (N * N) as u64, c * t));
    let rows = Rows::new(conv.images * c * th, tw * (N * N * 8) as u64);
    l.launch("winograd_input", &buffers, rows.tiles(), |kb, kf| {
        let xb = kf.buffers[0];
        rows.for_each(kb, kf, |kb, r| {
            let [image, channel, ty] = kb.delinearize(r, &[conv.images, c, th])[..] else {
                unreachable!("three coordinates")
            };
            // The window's top-left cell in the padded plane, and the tile row's first column of V.
            let plane = kb.mul_const(image, c as i64);
            let plane = kb.add_index(plane, channel);
            let top = kb.mul_const(plane, hp as i64);
            let row = kb.mul_const(ty, M as i64);
            let top = kb.add_index(top, row);
            let top = kb.mul_const(top, wp as i64);
            let column = tile_row_start(kb, conv, channel, image, ty);
            let (lo, hi) = (kb.index(0), kb.index(tw as i64));
            kb.for_range(lo, hi, |kb, tx| {
                let left = kb.mul_const(tx, M as i64);
                let corner = kb.add_index(top, left);
                let d: Vec<Value> = (0..N * N)
                    .map(|p| {
                        let at = kb.add_const(corner, ((p / N) as u64 * wp + (p % N) as u64) as i64);
                        kb.load(xb, &[at])
                    })
                    .collect();
                let out = kb.add_index(column, tx);
                for (a, row) in sandwich(kb, &m.bt, &d).into_iter().enumerate() {
                    for (b, value) in row.into_iter().enumerate() {
                        kb.store(value, kf.buffers[1 + a * N + b], &[out]);
                    }
                }
            });
        });
    });
}

/// `Z[cell][f][t] = (Aᵀ M A)[cell]` for every tile `t` of filter `f`, all 16 cells even in partial tiles: one
/// tile per (image, filter, tile row), a loop over the tiles of the row loading and storing at consecutive `t`,
/// each cell its own buffer (a view of `Z`), so the loop vectorizes like the input transform's.
fn output_cells(l: &mut Lowering<'_>, conv: &Conv, m: &Matrices, products: Value) -> Value {
    let (k, t, [th, tw]) = (conv.filters, conv.all_tiles(), conv.tiles);
    let cells = (M * M) as u64;
    let z = l.alloc(MemRefType::new(vec![cells * k * t], ElementType::F32));
    let mut buffers = vec![products];
    buffers.extend(position_views(l, z, cells, k * t));
    let rows = Rows::new(conv.images * k * th, tw * (N * N * 8) as u64);
    l.launch("winograd_output", &buffers, rows.tiles(), |kb, kf| {
        let mb = kf.buffers[0];
        rows.for_each(kb, kf, |kb, r| {
            let [image, filter, ty] = kb.delinearize(r, &[conv.images, k, th])[..] else {
                unreachable!("three coordinates")
            };
            let column = tile_row_start(kb, conv, filter, image, ty);
            let (lo, hi) = (kb.index(0), kb.index(tw as i64));
            kb.for_range(lo, hi, |kb, tx| {
                let at = kb.add_index(column, tx);
                let mv: Vec<Value> = (0..N * N)
                    .map(|p| {
                        let i = kb.add_const(at, (p as u64 * k * t) as i64);
                        kb.load(mb, &[i])
                    })
                    .collect();
                for (i, row) in sandwich(kb, &m.at, &mv).into_iter().enumerate() {
                    for (j, value) in row.into_iter().enumerate() {
                        kb.store(value, kf.buffers[1 + i * M + j], &[at]);
                    }
                }
            });
        });
    });
    z
}

/// `y = epilogue(Aᵀ M A + bias)`: [`output_cells`] computes the cells, then one tile per (image, filter)
/// scatters them into the output (their stores are 4 apart, which no vector loop takes) with the bias and
/// the fused epilogue, the partial last column and row with only their cells inside the output.
fn output_transform(l: &mut Lowering<'_>, conv: &Conv, m: &Matrices, products: Value) -> Result<Vec<Value>, String> {
    let z = output_cells(l, conv, m, products);
    let out = l.result(0);
    let ys = l.result_type(0).shape;
    let epilogue =
        if l.op().name() == "nn.fused_conv" { Some(Epilogue::read(l, &ys)?) } else { None }.filter(|e| !e.is_empty());
    let yf = flat(l, out);
    let mut buffers = vec![z, yf];
    let bias = l.named("b").map(|b| {
        buffers.push(b);
        buffers.len() - 1
    });
    let first_extra = buffers.len();
    if let Some(e) = &epilogue {
        buffers.extend(e.buffers());
    }
    let (k, t, [th, tw], [oh, ow]) = (conv.filters, conv.all_tiles(), conv.tiles, conv.output);
    let out_strides = [(k * oh * ow) as i64, (oh * ow) as i64, ow as i64, 1];
    let rows = Rows::new(conv.images * k, oh * ow * 4);
    l.launch("winograd_scatter", &buffers, rows.tiles(), |kb, kf| {
        let (zb, yb) = (kf.buffers[0], kf.buffers[1]);
        rows.for_each(kb, kf, |kb, r| {
            let [image, filter] = kb.delinearize(r, &[conv.images, k])[..] else { unreachable!("two coordinates") };
            let bias = bias.map(|p| kb.load(kf.buffers[p], &[filter]));
            let column = kb.mul_const(filter, t as i64);
            let first = kb.mul_const(image, (th * tw) as i64);
            let column = kb.add_index(column, first);
            // One tile at (ty, tx) with its first `height` rows and `width` columns inside the output.
            let tile = |kb: &mut KernelBuilder<'_>, ty: Value, tx: Value, height: usize, width: usize| {
                let at = kb.mul_const(ty, tw as i64);
                let at = kb.add_index(at, tx);
                let at = kb.add_index(column, at);
                let oy0 = kb.mul_const(ty, M as i64);
                let ox0 = kb.mul_const(tx, M as i64);
                for i in 0..height {
                    let oy = kb.add_const(oy0, i as i64);
                    for j in 0..width {
                        let cell = kb.add_const(at, ((i * M + j) as u64 * k * t) as i64);
                        let mut value = kb.load(zb, &[cell]);
                        let ox = kb.add_const(ox0, j as i64);
                        if let Some(b) = bias {
                            value = kb.add(value, b);
                        }
                        let idx = [image, filter, oy, ox];
                        if let Some(e) = &epilogue {
                            value = e.apply_at(kb, &kf.buffers, first_extra, &idx, value);
                        }
                        let at = kb.linearize(&idx, &out_strides);
                        kb.store(value, yb, &[at]);
                    }
                }
            };
            let (full_rows, full_cols) = (oh / M as u64, ow / M as u64);
            let (last_height, last_width) = ((oh % M as u64) as usize, (ow % M as u64) as usize);
            let last_col = kb.index(full_cols as i64);
            let row_of_tiles = |kb: &mut KernelBuilder<'_>, ty: Value, height: usize| {
                let (lo, hi) = (kb.index(0), kb.index(full_cols as i64));
                kb.for_range(lo, hi, |kb, tx| tile(kb, ty, tx, height, M));
                if last_width > 0 {
                    tile(kb, ty, last_col, height, last_width);
                }
            };
            let (lo, hi) = (kb.index(0), kb.index(full_rows as i64));
            kb.for_range(lo, hi, |kb, ty| row_of_tiles(kb, ty, M));
            if last_height > 0 {
                let ty = kb.index(full_rows as i64);
                row_of_tiles(kb, ty, last_height);
            }
        });
    });
    Ok(vec![out])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-1, 1).
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
            })
            .collect()
    }

    fn mat_vec<const C: usize>(rows: &[[f64; C]], v: &[f64]) -> Vec<f64> {
        rows.iter().map(|r| r.iter().zip(v).map(|(a, b)| a * b).sum()).collect()
    }

    #[test]
    fn matrices_compute_the_correlation_in_one_and_two_dimensions() {
        let m = Matrices::new();
        // The well-known first row of Bᵀ for F(4, 3): x⁴ - 5x² + 4.
        assert_eq!(m.bt[0], [4.0, 0.0, -5.0, 0.0, 1.0, 0.0]);
        for seed in 0..8 {
            let (d, g) = (values(N, seed), values(R, seed + 100));
            let gg = mat_vec(&m.g, &g);
            let bd = mat_vec(&m.bt, &d);
            let prod: Vec<f64> = gg.iter().zip(&bd).map(|(a, b)| a * b).collect();
            let y = mat_vec(&m.at, &prod);
            for (i, yi) in y.iter().enumerate() {
                let want: f64 = (0..R).map(|k| g[k] * d[i + k]).sum();
                assert!((yi - want).abs() < 1e-12, "1-D output {i}: {yi} vs {want}");
            }
        }
        // 2-D: Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A, with G g Gᵀ from Conv::transformed_weights.
        let (d, g) = (values(N * N, 7), values(R * R, 8));
        let conv = Conv {
            images: 1,
            channels: 1,
            filters: 1,
            input: [N as u64; 2],
            output: [M as u64; 2],
            pad: [0, 0],
            tiles: [1, 1],
            weights: g.clone(),
        };
        let u = conv.transformed_weights(&m);
        let mut prod = [[0.0; N]; N];
        for (a, row) in prod.iter_mut().enumerate() {
            for (b, p) in row.iter_mut().enumerate() {
                let row = |i: usize| -> f64 { m.bt[b].iter().zip(&d[i * N..(i + 1) * N]).map(|(x, y)| x * y).sum() };
                let v: f64 = m.bt[a].iter().enumerate().map(|(i, x)| x * row(i)).sum();
                *p = v * u[a * N + b];
            }
        }
        for oy in 0..M {
            for ox in 0..M {
                let mut got = 0.0;
                for (a, row) in prod.iter().enumerate() {
                    for (b, p) in row.iter().enumerate() {
                        got += m.at[oy][a] * p * m.at[ox][b];
                    }
                }
                let want: f64 = (0..R * R).map(|k| g[k] * d[(oy + k / R) * N + ox + k % R]).sum();
                assert!((got - want).abs() < 1e-12, "2-D output ({oy}, {ox}): {got} vs {want}");
            }
        }
    }
}
