//! Lowerings of the `nn` movement ops to kernels, and [`Movement`], the strided-copy kernel builder
//! they share with the indexing and resize families.
//!
//! Reshapes (`reshape`, `flatten`, `squeeze`, `unsqueeze`) are views of their operand's buffer.
//! Everything else is one or more [`Movement`]s: a loop nest over an iteration space that reads
//! the source and writes the destination at flat offsets affine in the loop indices, plus index
//! terms read from index buffers (gathers, scatters, lookup tables).

use super::{CHUNK, LowerFn, Lowering};
use msc_ir::{DenseAttr, Dim, ElementType, MemRefType, TensorType, Value};
use msc_kernel::{BinOp, Cmp, KernelBuilder, KernelFunc, kernel};
use msc_nn_kernels::movement::{DepthToSpaceMode, PadMode};

pub(super) const LOWERINGS: &[(&str, LowerFn)] = &[
    ("nn.identity", identity),
    ("nn.reshape", view),
    ("nn.flatten", view),
    ("nn.squeeze", view),
    ("nn.unsqueeze", view),
    ("nn.transpose", transpose),
    ("nn.concat", concat),
    ("nn.split", split),
    ("nn.slice", slice),
    ("nn.pad", pad),
    ("nn.tile", tile),
    ("nn.expand", expand),
    ("nn.depth_to_space", depth_to_space),
    ("nn.space_to_depth", space_to_depth),
];

// ----- the strided-copy kernel builder -----

/// A flat offset `base + sum(strides[i] * iv[i])` over the loop indices `iv` of an iteration space.
#[derive(Clone, Debug)]
pub(super) struct Affine {
    pub base: i64,
    pub strides: Vec<i64>,
}

impl Affine {
    /// The row-major offsets of a buffer of `shape` iterated over that same shape.
    pub fn dense(shape: &[u64]) -> Affine {
        Affine { base: 0, strides: row_major(shape) }
    }
}

/// An index read from a (flat view of an) integer buffer at an affine position, taken modulo the
/// axis length `dim` when negative, clamped into `[0, dim)`, and multiplied by `scale`.
///
/// ONNX leaves indices outside `[-dim, dim)` undefined; the clamp only guarantees that compiled
/// code never reads or writes outside its buffers on such data.
#[derive(Clone, Debug)]
pub(super) struct Gathered {
    pub buffer: Value,
    pub at: Affine,
    pub dim: u64,
    pub scale: i64,
}

/// A flat offset into a buffer: an affine part plus gathered index terms.
#[derive(Clone, Debug)]
pub(super) struct Offset {
    pub affine: Affine,
    pub gathered: Vec<Gathered>,
}

impl From<Affine> for Offset {
    fn from(affine: Affine) -> Offset {
        Offset { affine, gathered: vec![] }
    }
}

/// How the tiles of a [`Movement`] may split its iteration space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tiling {
    /// Any split: every destination element is written once.
    Free,
    /// Writes to one destination element must keep their order (scatters with repeated indices):
    /// tiles split only the innermost axis, and only when that provably keeps tiles' writes
    /// disjoint; otherwise one tile.
    Ordered,
}

/// `dst[dst offset] = src[src offset]` (or `dst = combine(dst, src)`) for every point of the
/// iteration space `shape`, both buffers seen flat.
#[derive(Clone, Debug)]
pub(super) struct Movement {
    pub shape: Vec<u64>,
    pub src: Offset,
    pub dst: Offset,
}

/// The row-major element strides of `shape`.
pub(super) fn row_major(shape: &[u64]) -> Vec<i64> {
    MemRefType::new(shape.to_vec(), ElementType::F32).strides().into_iter().map(|s| s as i64).collect()
}

/// `ty` seen as one flat buffer of the same elements.
fn flat(ty: &MemRefType) -> MemRefType {
    MemRefType::new(vec![ty.num_elements().unwrap_or(0)], ty.element)
}

impl Movement {
    /// A copy over `shape` reading `src` and writing row-major into the destination.
    pub fn dense(shape: Vec<u64>, src: impl Into<Offset>) -> Movement {
        let dst = Affine::dense(&shape).into();
        Movement { shape, src: src.into(), dst }
    }

    /// Every affine map of the movement (both offsets and the positions of their index terms).
    fn maps_mut(&mut self) -> Vec<&mut Affine> {
        let mut maps = vec![];
        for offset in [&mut self.src, &mut self.dst] {
            maps.push(&mut offset.affine);
            maps.extend(offset.gathered.iter_mut().map(|g| &mut g.at));
        }
        maps
    }

    fn remove_axis(&mut self, axis: usize) {
        self.shape.remove(axis);
        for m in self.maps_mut() {
            m.strides.remove(axis);
        }
    }

    /// Drops unit axes and merges neighbouring axes that every map walks contiguously, so the
    /// innermost loop is as long as possible. The result has at least one axis.
    fn simplify(mut self) -> Movement {
        let mut axis = 0;
        while axis < self.shape.len() {
            if self.shape[axis] == 1 {
                self.remove_axis(axis);
            } else {
                axis += 1;
            }
        }
        let mut axis = 0;
        while axis + 1 < self.shape.len() {
            let inner = self.shape[axis + 1] as i64;
            if self.maps_mut().iter().all(|m| m.strides[axis] == m.strides[axis + 1] * inner) {
                self.shape[axis + 1] *= self.shape[axis];
                self.remove_axis(axis);
            } else {
                axis += 1;
            }
        }
        if self.shape.is_empty() {
            self.shape.push(1);
            self.maps_mut().into_iter().for_each(|m| m.strides.push(0));
        }
        self
    }

    /// Whether tiles splitting only the innermost axis write disjoint destination elements: the
    /// innermost axis moves the destination by 1, and every other part of the destination offset
    /// (index terms included, whatever their position) is a multiple of some `m` at least as long
    /// as the innermost axis, so the offset modulo `m` is the innermost index.
    fn columns_are_disjoint(&self) -> bool {
        let last = self.shape.len() - 1;
        let dst = &self.dst;
        if dst.affine.strides[last] != 1 {
            return false;
        }
        let parts =
            dst.affine.strides[..last].iter().chain([&dst.affine.base]).chain(dst.gathered.iter().map(|g| &g.scale));
        let m = parts.fold(0u64, |g, &p| gcd(g, p.unsigned_abs()));
        m == 0 || m >= self.shape[last]
    }

    /// The offset of the source run when the movement copies one contiguous run of the source into
    /// the whole (dense) destination.
    fn contiguous_source(&self) -> Option<i64> {
        let (src, dst) = (&self.src, &self.dst);
        let plain = |o: &Offset| o.gathered.is_empty() && o.affine.strides == [1];
        (self.shape.len() == 1 && plain(src) && plain(dst) && dst.affine.base == 0).then_some(src.affine.base)
    }

    /// Moves `src` into result `i` of the op being lowered (the destination offset must be dense
    /// over the result): a view of `src` when that is one contiguous run of it, else a kernel.
    pub fn into_result(self, l: &mut Lowering<'_>, hint: &str, src: Value, i: usize) -> Value {
        let ty = l.result_type(i);
        let mv = self.simplify();
        if let Some(base) = mv.contiguous_source().filter(|_| !mv.shape.contains(&0)) {
            let offset = base as u64 * ty.element.size() as u64;
            return l.view(src, ty, offset);
        }
        let out = l.result(i);
        mv.launch(l, hint, src, out, Tiling::Free, None);
        out
    }

    /// Launches the movement from `src` into `dst` (buffers of any shape, seen flat). With
    /// `combine`, the destination element becomes `combine(old, new)` (a scatter reduction).
    pub fn launch(
        self,
        l: &mut Lowering<'_>,
        hint: &str,
        src: Value,
        dst: Value,
        tiling: Tiling,
        combine: Option<BinOp>,
    ) {
        if self.shape.contains(&0) {
            return;
        }
        let mv = self.simplify();
        let (src_ty, dst_ty) = (l.memref(src), l.memref(dst));
        let mut buffers = vec![l.view(src, flat(&src_ty), 0), l.view(dst, flat(&dst_ty), 0)];
        // Each distinct index buffer once, flat, after the source and destination.
        let mut index_buffers: Vec<Value> = vec![];
        for g in mv.src.gathered.iter().chain(&mv.dst.gathered) {
            if !index_buffers.contains(&g.buffer) {
                index_buffers.push(g.buffer);
            }
        }
        for &b in &index_buffers {
            let ty = flat(&l.memref(b));
            buffers.push(l.view(b, ty, 0));
        }
        let last = mv.shape.len() - 1;
        let (outer, inner) = (&mv.shape[..last], mv.shape[last]);
        let rows: u64 = outer.iter().product();
        let split = match tiling {
            Tiling::Free if inner > CHUNK => Split::RowPieces(inner.div_ceil(CHUNK)),
            Tiling::Free => Split::Rows((CHUNK / inner).max(1)),
            Tiling::Ordered if mv.columns_are_disjoint() && inner > CHUNK => Split::Columns,
            Tiling::Ordered => Split::Rows(rows),
        };
        let tiles = match split {
            Split::Rows(per) => rows.div_ceil(per),
            Split::RowPieces(pieces) => rows * pieces,
            Split::Columns => inner.div_ceil(CHUNK),
        };
        let outer = outer.to_vec();
        l.launch(hint, &buffers, tiles, move |kb, kf| {
            let (src, dst) = (kf.buffers[0], kf.buffers[1]);
            let indices = IndexBuffers { of: &index_buffers, args: &kf.buffers[2..] };
            // Columns [lo, hi) of row `row`.
            let row_body = |kb: &mut KernelBuilder<'_>, row: Value, lo: Value, hi: Value| {
                let ivs = if outer.is_empty() { vec![] } else { kb.delinearize(row, &outer) };
                let src_outer = outer_offset(kb, &mv.src, &ivs, &indices);
                let dst_outer = outer_offset(kb, &mv.dst, &ivs, &indices);
                kb.for_range(lo, hi, |kb, j| {
                    let s = inner_offset(kb, &mv.src, src_outer, &ivs, j, &indices);
                    let d = inner_offset(kb, &mv.dst, dst_outer, &ivs, j, &indices);
                    let mut v = kb.load(src, &[s]);
                    if let Some(op) = combine {
                        let old = kb.load(dst, &[d]);
                        v = kb.binary(op, old, v);
                    }
                    kb.store(v, dst, &[d]);
                });
            };
            // The columns of chunk `piece`.
            let chunk = |kb: &mut KernelBuilder<'_>, piece: Value| {
                let lo = kb.mul_const(piece, CHUNK as i64);
                let hi = kb.add_const(lo, CHUNK as i64);
                let len = kb.index(inner as i64);
                (lo, kb.min(hi, len))
            };
            match split {
                Split::Rows(per) => {
                    let (zero, len) = (kb.index(0), kb.index(inner as i64));
                    for_rows(kb, kf, rows, per, |kb, row| row_body(kb, row, zero, len));
                }
                Split::RowPieces(pieces) => kb.for_range(kf.begin, kf.end, |kb, t| {
                    let n = kb.index(pieces as i64);
                    let row = kb.div(t, n);
                    let piece = kb.binary(BinOp::Rem, t, n);
                    let (lo, hi) = chunk(kb, piece);
                    row_body(kb, row, lo, hi);
                }),
                Split::Columns => kb.for_range(kf.begin, kf.end, |kb, piece| {
                    let (lo, hi) = chunk(kb, piece);
                    kb.for_n(rows, |kb, row| row_body(kb, row, lo, hi));
                }),
            }
        });
    }
}

/// How the tiles of a launch cover an iteration space of `rows` (all axes but the innermost) by
/// `inner` columns.
#[derive(Clone, Copy, Debug)]
enum Split {
    /// Tile t holds the whole rows `[t * per, (t + 1) * per)`.
    Rows(u64),
    /// Tile t holds column chunk `t % pieces` of row `t / pieces` (chunks of [`CHUNK`] columns).
    RowPieces(u64),
    /// Tile t holds column chunk t of every row, rows in order.
    Columns,
}

/// Runs `body(row)` for the rows `[0, rows)` of tiles `[begin, end)`, tile t holding rows
/// `[t * per, (t + 1) * per)`.
pub(super) fn for_rows(
    kb: &mut KernelBuilder<'_>,
    kf: &KernelFunc,
    rows: u64,
    per: u64,
    body: impl FnOnce(&mut KernelBuilder<'_>, Value),
) {
    let per = kb.index(per as i64);
    let first = kb.mul(kf.begin, per);
    let end = kb.mul(kf.end, per);
    let n = kb.index(rows as i64);
    let end = kb.min(end, n);
    kb.for_range(first, end, body);
}

/// The kernel arguments holding the index buffers `of` (buffers of the lowering).
struct IndexBuffers<'a> {
    of: &'a [Value],
    args: &'a [Value],
}

impl IndexBuffers<'_> {
    fn arg(&self, buffer: Value) -> Value {
        self.args[self.of.iter().position(|&b| b == buffer).expect("every index buffer is an argument")]
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// `sum(strides[i] * ivs[i])` over the outer loop indices (all but the innermost).
fn outer_affine(kb: &mut KernelBuilder<'_>, affine: &Affine, ivs: &[Value]) -> Value {
    let linear = kb.linearize(ivs, &affine.strides[..ivs.len()]);
    kb.add_const(linear, affine.base)
}

/// The value of index term `g` at `position`, normalized, clamped and scaled.
fn gathered_term(kb: &mut KernelBuilder<'_>, g: &Gathered, position: Value, indices: &IndexBuffers<'_>) -> Value {
    let buffer = indices.arg(g.buffer);
    let raw = kb.load(buffer, &[position]);
    let i = kb.to_index(raw);
    let zero = kb.index(0);
    let negative = kb.cmp(Cmp::Lt, i, zero);
    let wrapped = kb.add_const(i, g.dim as i64);
    let i = kb.select(negative, wrapped, i);
    let i = kb.max(i, zero);
    let top = kb.index(g.dim as i64 - 1);
    let i = kb.min(i, top);
    kb.mul_const(i, g.scale)
}

/// The part of `offset` that does not depend on the innermost loop index.
fn outer_offset(kb: &mut KernelBuilder<'_>, offset: &Offset, ivs: &[Value], indices: &IndexBuffers<'_>) -> Value {
    let inner = ivs.len();
    let mut acc = outer_affine(kb, &offset.affine, ivs);
    for g in offset.gathered.iter().filter(|g| g.at.strides[inner] == 0) {
        let position = outer_affine(kb, &g.at, ivs);
        let term = gathered_term(kb, g, position, indices);
        acc = kb.add_index(acc, term);
    }
    acc
}

/// The full offset at innermost index `j`, given its outer part.
fn inner_offset(
    kb: &mut KernelBuilder<'_>,
    offset: &Offset,
    outer: Value,
    ivs: &[Value],
    j: Value,
    indices: &IndexBuffers<'_>,
) -> Value {
    let inner = ivs.len();
    let step = kb.mul_const(j, offset.affine.strides[inner]);
    let mut acc = kb.add_index(outer, step);
    for g in offset.gathered.iter().filter(|g| g.at.strides[inner] != 0) {
        let base = outer_affine(kb, &g.at, ivs);
        let step = kb.mul_const(j, g.at.strides[inner]);
        let position = kb.add_index(base, step);
        let term = gathered_term(kb, g, position, indices);
        acc = kb.add_index(acc, term);
    }
    acc
}

// ----- the lowerings -----

/// `identity`: the result is the operand's buffer.
fn identity(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    Ok(vec![l.operand(0)])
}

/// Reshapes: the operand's buffer seen with the result's shape.
fn view(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let (x, ty) = (l.operand(0), l.result_type(0));
    Ok(vec![l.view(x, ty, 0)])
}

/// An `nn` axis attribute normalised for `rank`.
pub(super) fn axis(l: &Lowering<'_>, name: &str, rank: usize) -> Result<usize, String> {
    let a = l.op().int(name)?;
    let r = rank as i64;
    if a < -r || a >= r {
        return Err(format!("attribute `{name}` {a} is out of range for rank {rank}"));
    }
    Ok(if a < 0 { a + r } else { a } as usize)
}

/// The constant integers of operand `name`, which the CPU lowering needs at compile time.
pub(super) fn constant_ints(l: &Lowering<'_>, name: &str) -> Result<Vec<i64>, String> {
    l.op()
        .constant_ints(name)
        .ok_or_else(|| format!("{}: operand `{name}` must be a constant for the CPU lowering", l.op().name()))
}

/// Optional constant axes `name` normalised for `rank` (`None` when the operand is absent).
fn constant_axes(l: &Lowering<'_>, name: &str, rank: usize) -> Result<Option<Vec<usize>>, String> {
    if l.op().named_operand(name).is_none() {
        return Ok(None);
    }
    let r = rank as i64;
    constant_ints(l, name)?
        .into_iter()
        .map(|a| match a {
            _ if a < -r || a >= r => Err(format!("axis {a} is out of range for rank {rank}")),
            _ if a < 0 => Ok((a + r) as usize),
            _ => Ok(a as usize),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `x` (of logical shape `shape`) transposed by `perm` into result 0.
fn permute(l: &mut Lowering<'_>, hint: &str, x: Value, shape: &[u64], perm: &[usize]) -> Value {
    let strides = row_major(shape);
    let out_shape = perm.iter().map(|&p| shape[p]).collect();
    let src = Affine { base: 0, strides: perm.iter().map(|&p| strides[p]).collect() };
    Movement::dense(out_shape, src).into_result(l, hint, x, 0)
}

fn transpose(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let perm: Vec<usize> = match l.op().opt_ints("perm")? {
        Some(perm) => perm.into_iter().map(|p| p as usize).collect(),
        None => (0..shape.len()).rev().collect(),
    };
    Ok(vec![permute(l, "transpose", x, &shape, &perm)])
}

fn concat(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let out_shape = l.result_type(0).shape;
    let axis = axis(l, "axis", out_shape.len())?;
    let out_strides = row_major(&out_shape);
    let inputs: Vec<Value> = (0..l.op().operands().len()).map(|i| l.operand(i)).collect();
    let out = l.result(0);
    let element_bytes = l.memref(out).element.size() as i64;
    let mut start = 0;
    for x in inputs {
        let shape = l.memref(x).shape;
        let base = start as i64 * out_strides[axis];
        start += shape[axis];
        // An operand computed straight into its part of the result (see `placement`) needs no copy.
        let in_place = l.ctx.defining_op(x).is_some_and(|v| {
            let view = l.ctx.op(v);
            view.name() == kernel::VIEW.name && view.operand(0) == out && view.int("offset") == Ok(base * element_bytes)
        });
        if !in_place {
            let dst = Affine { base, strides: out_strides.clone() };
            let mv = Movement { src: Affine::dense(&shape).into(), dst: dst.into(), shape };
            mv.launch(l, "concat", x, out, Tiling::Free, None);
        }
    }
    Ok(vec![out])
}

fn split(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let axis = axis(l, "axis", shape.len())?;
    let strides = row_major(&shape);
    let mut start = 0;
    let mut results = vec![];
    for i in 0..l.op().results().len() {
        let piece = l.result_type(i).shape;
        let src = Affine { base: start as i64 * strides[axis], strides: strides.clone() };
        start += piece[axis];
        results.push(Movement::dense(piece, src).into_result(l, "split", x, i));
    }
    Ok(results)
}

/// Where an ONNX slice `start..` by `step` begins on an axis of `dim` cells (negative counts from the
/// end; clamped into `[0, dim]`, or `[0, dim - 1]` walking backwards).
fn slice_start(dim: u64, start: i64, step: i64) -> i64 {
    let d = dim as i128;
    let s = if start < 0 { start as i128 + d } else { start as i128 };
    (if step > 0 { s.clamp(0, d) } else { s.clamp(0, d - 1) }) as i64
}

fn slice(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let starts = constant_ints(l, "starts")?;
    let axes = constant_axes(l, "axes", shape.len())?.unwrap_or_else(|| (0..starts.len()).collect());
    let steps = match l.op().named_operand("steps") {
        Some(_) => constant_ints(l, "steps")?,
        None => vec![1; starts.len()],
    };
    if axes.len() != starts.len() || steps.len() != starts.len() || steps.contains(&0) {
        return Err(format!("nn.slice: starts {starts:?}, axes {axes:?} and steps {steps:?} do not match"));
    }
    let strides = row_major(&shape);
    let mut src = Affine { base: 0, strides: strides.clone() };
    for ((&a, &start), &step) in axes.iter().zip(&starts).zip(&steps) {
        if shape[a] > 0 {
            src.base += slice_start(shape[a], start, step) * strides[a];
        }
        src.strides[a] = strides[a] * step;
    }
    let out_shape = l.result_type(0).shape;
    Ok(vec![Movement::dense(out_shape, src).into_result(l, "slice", x, 0)])
}

/// A one-element weight holding `value` as element type `element`.
pub(super) fn scalar_constant(l: &mut Lowering<'_>, value: f64, element: ElementType) -> Result<Value, String> {
    let ty = TensorType::new(vec![Dim::Static(1)], element);
    l.constant(DenseAttr::from_f64s(ty, &[value])?)
}

/// A weight of i64 `values` (an index table).
pub(super) fn index_table(l: &mut Lowering<'_>, values: &[i64]) -> Result<Value, String> {
    typed_index_table(l, values, ElementType::I64)
}

/// An index table of `values` in i32 when they all fit, else in i64: the code generator vectorizes
/// loops that read i32 tables (not i64 ones). Its readers take either element type.
pub(super) fn narrow_index_table(l: &mut Lowering<'_>, values: &[i64]) -> Result<Value, String> {
    let fits = values.iter().all(|&v| i32::try_from(v).is_ok());
    typed_index_table(l, values, if fits { ElementType::I32 } else { ElementType::I64 })
}

fn typed_index_table(l: &mut Lowering<'_>, values: &[i64], element: ElementType) -> Result<Value, String> {
    let ty = TensorType::new(vec![Dim::Static(values.len() as u64)], element);
    l.constant(DenseAttr::from_i64s(ty, values)?)
}

/// For each output position of an axis of `dim` cells padded by `begin` and `end` (negative pads
/// crop first) in a non-constant `mode`, the input position it copies.
fn pad_positions(dim: u64, begin: i64, end: i64, mode: PadMode) -> Result<Vec<i64>, String> {
    let (crop_begin, crop_end) = (begin.min(0).saturating_neg(), end.min(0).saturating_neg());
    let kept = (dim as i64).saturating_sub(crop_begin).saturating_sub(crop_end);
    let (grow_begin, grow_end) = (begin.max(0), end.max(0));
    if kept <= 0 {
        return Err(format!("nn.pad: {mode:?} padding of an axis of {dim} by {begin} and {end} leaves no cells"));
    }
    let len = kept + grow_begin + grow_end;
    Ok((0..len)
        .map(|o| {
            let i = o - grow_begin;
            let p = match mode {
                PadMode::Wrap => i.rem_euclid(kept),
                PadMode::Reflect if kept > 1 => {
                    let period = 2 * (kept - 1);
                    let m = i.rem_euclid(period);
                    if m >= kept { period - m } else { m }
                }
                // Edge, and reflecting a single cell.
                _ => i.clamp(0, kept - 1),
            };
            p + crop_begin
        })
        .collect())
}

fn pad(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let in_ty = l.memref(x);
    let rank = in_ty.shape.len();
    let mode = PadMode::parse(&l.op().string("mode")?).map_err(|e| e.0)?;
    let pads = constant_ints(l, "pads")?;
    let axes = constant_axes(l, "axes", rank)?.unwrap_or_else(|| (0..rank).collect());
    if pads.len() != 2 * axes.len() {
        return Err(format!("nn.pad: pads {pads:?} need a begin and an end for each of the axes {axes:?}"));
    }
    let (mut begin, mut end) = (vec![0i64; rank], vec![0i64; rank]);
    for (i, &a) in axes.iter().enumerate() {
        (begin[a], end[a]) = (pads[i], pads[axes.len() + i]);
    }
    let out_shape = l.result_type(0).shape;
    let (in_strides, out_strides) = (row_major(&in_ty.shape), row_major(&out_shape));
    if mode != PadMode::Constant {
        // Each padded axis reads its input position from a table.
        let mut src = Offset::from(Affine { base: 0, strides: in_strides.clone() });
        for a in (0..rank).filter(|&a| (begin[a], end[a]) != (0, 0)) {
            let table = pad_positions(in_ty.shape[a], begin[a], end[a], mode)?;
            let table = index_table(l, &table)?;
            src.affine.strides[a] = 0;
            let mut at = Affine { base: 0, strides: vec![0; rank] };
            at.strides[a] = 1;
            src.gathered.push(Gathered { buffer: table, at, dim: in_ty.shape[a], scale: in_strides[a] });
        }
        return Ok(vec![Movement::dense(out_shape, src).into_result(l, "pad", x, 0)]);
    }
    // The input less its cropped cells lands after the grown cells.
    let mut kept = in_ty.shape.clone();
    let mut src = Affine { base: 0, strides: in_strides.clone() };
    let mut dst = Affine { base: 0, strides: out_strides };
    for a in 0..rank {
        kept[a] = (kept[a] as i64 + begin[a].min(0) + end[a].min(0)) as u64;
        src.base -= begin[a].min(0) * in_strides[a];
        dst.base += begin[a].max(0) * dst.strides[a];
    }
    let mv = Movement { shape: kept, src: src.into(), dst: dst.into() };
    if begin.iter().chain(&end).all(|&p| p <= 0) {
        return Ok(vec![mv.into_result(l, "pad", x, 0)]);
    }
    let fill = match l.named("constant_value") {
        Some(v) => v,
        None => scalar_constant(l, 0.0, in_ty.element)?,
    };
    let out = l.result(0);
    let everywhere = Affine { base: 0, strides: vec![0; rank] };
    Movement::dense(out_shape, everywhere).launch(l, "pad_fill", fill, out, Tiling::Free, None);
    mv.launch(l, "pad", x, out, Tiling::Free, None);
    Ok(vec![out])
}

fn tile(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let out_shape = l.result_type(0).shape;
    // Output axis a of d * r cells is (repeat, position) in r x d: iterate over both.
    let in_strides = row_major(&shape);
    let out_strides = row_major(&out_shape);
    let (mut iteration, mut src, mut dst) = (vec![], vec![], vec![]);
    for a in 0..shape.len() {
        let repeats = out_shape[a].checked_div(shape[a]).unwrap_or(0);
        iteration.extend([repeats, shape[a]]);
        src.extend([0, in_strides[a]]);
        dst.extend([shape[a] as i64 * out_strides[a], out_strides[a]]);
    }
    let mv = Movement {
        shape: iteration,
        src: Affine { base: 0, strides: src }.into(),
        dst: Affine { base: 0, strides: dst }.into(),
    };
    Ok(vec![mv.into_result(l, "tile", x, 0)])
}

/// The strides that read a buffer of `shape` broadcast (numpy rules) to `out_shape`.
pub(super) fn broadcast_strides(shape: &[u64], out_shape: &[u64]) -> Vec<i64> {
    let offset = out_shape.len() - shape.len();
    let strides = row_major(shape);
    let mut result = vec![0; out_shape.len()];
    for (i, &d) in shape.iter().enumerate() {
        if d != 1 {
            result[offset + i] = strides[i];
        }
    }
    result
}

fn expand(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let shape = l.memref(x).shape;
    let out_shape = l.result_type(0).shape;
    let src = Affine { base: 0, strides: broadcast_strides(&shape, &out_shape) };
    Ok(vec![Movement::dense(out_shape, src).into_result(l, "expand", x, 0)])
}

/// The N x C x H x W input of depth_to_space / space_to_depth and the block size.
fn blocks(l: &Lowering<'_>, x: Value) -> Result<([u64; 4], u64), String> {
    let &[n, c, h, w] = l.memref(x).shape.as_slice() else {
        return Err("the input must be N x C x H x W".into());
    };
    let b = l.op().int("blocksize")?;
    if b < 1 {
        return Err(format!("blocksize {b} must be positive"));
    }
    Ok(([n, c, h, w], b as u64))
}

fn depth_to_space(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let ([n, c, h, w], b) = blocks(l, x)?;
    let depth = c / (b * b);
    let mode = DepthToSpaceMode::parse(&l.op().string("mode")?).map_err(|e| e.0)?;
    let (split, perm) = match mode {
        DepthToSpaceMode::Dcr => ([n, b, b, depth, h, w], [0, 3, 4, 1, 5, 2]),
        DepthToSpaceMode::Crd => ([n, depth, b, b, h, w], [0, 1, 4, 2, 5, 3]),
    };
    Ok(vec![permute(l, "depth_to_space", x, &split, &perm)])
}

fn space_to_depth(l: &mut Lowering<'_>) -> Result<Vec<Value>, String> {
    let x = l.operand(0);
    let ([n, c, h, w], b) = blocks(l, x)?;
    Ok(vec![permute(l, "space_to_depth", x, &[n, c, h / b, b, w / b, b], &[0, 3, 5, 1, 2, 4])])
}
