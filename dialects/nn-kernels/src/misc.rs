//! Assorted kernels: `TopK`, `Trilu`, `Einsum`, `Range`, `OneHot` and `NonZero`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use crate::binary::where_;
use crate::shape::{increment, normalize_axis, strides};
use crate::support::{self, Accepts, check_dtype, in_op, lines};
use crate::{DType, Data, Result, Tensor, bail};

/// ONNX `TopK`: the `k` largest (or smallest) elements along `axis` (ONNX default -1) and their I64
/// positions. Equal values keep their order (the lower index first); NaN counts as larger than
/// every number, as in numpy's sort. The results are always sorted, which also satisfies ONNX
/// `sorted = 0` (order unspecified).
pub fn topk(x: &Tensor, k: usize, axis: i64, largest: bool) -> Result<(Tensor, Tensor)> {
    check_dtype("topk", x.dtype(), Accepts::Numeric)?;
    let n = x.shape()[support::axis("topk", axis, x.rank())?];
    if k > n {
        bail!("topk: k = {k} exceeds the size {n} of axis {axis}");
    }
    let axis = support::axis("topk", axis, x.rank())?;
    let mut out_shape = x.shape().to_vec();
    out_shape[axis] = k;
    let in_lines = lines(x.shape(), axis);
    let orders: Vec<Vec<usize>> = if x.dtype().is_float() {
        let values = x.to_f64();
        in_lines.iter().map(|l| ranked(l.iter().map(|&i| values[i]).collect(), nan_greatest, largest)).collect()
    } else {
        let values = x.to_i64();
        in_lines.iter().map(|l| ranked(l.iter().map(|&i| values[i]).collect(), i64::cmp, largest)).collect()
    };
    let out_len = out_shape.iter().product();
    let (mut picks, mut positions) = (vec![0; out_len], vec![0; out_len]);
    for ((in_line, out_line), order) in in_lines.iter().zip(lines(&out_shape, axis)).zip(&orders) {
        for (&slot, &pos) in out_line.iter().zip(order) {
            picks[slot] = in_line[pos];
            positions[slot] = pos as i64;
        }
    }
    let values = Tensor::new(out_shape.clone(), x.data().gather(&picks))?;
    Ok((values, Tensor::from_i64(DType::I64, out_shape, &positions)?))
}

/// Positions `0..values.len()` ordered by `cmp`, largest first if `largest`; ties keep index order.
fn ranked<T: Copy>(values: Vec<T>, cmp: impl Fn(&T, &T) -> Ordering, largest: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| {
        let o = cmp(&values[i], &values[j]);
        if largest { o.reverse() } else { o }
    });
    order
}

/// Orders floats numerically with NaN above every number (and equal to NaN).
fn nan_greatest(a: &f64, b: &f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

/// ONNX `Trilu`: keeps the upper (`upper`) or lower triangle of the last two axes of `x`, offset by
/// `k` diagonals (positive `k` moves up and right), and zeroes the rest.
pub fn trilu(x: &Tensor, k: i64, upper: bool) -> Result<Tensor> {
    if x.rank() < 2 {
        bail!("trilu: input must have rank at least 2, got shape {:?}", x.shape());
    }
    let (rows, cols) = (x.shape()[x.rank() - 2], x.shape()[x.rank() - 1]);
    let keep: Vec<bool> = (0..x.len())
        .map(|i| {
            let diagonal = (i % cols) as i64 - ((i / cols) % rows) as i64;
            if upper { diagonal >= k } else { diagonal <= k }
        })
        .collect();
    let mask = Tensor::new(x.shape().to_vec(), Data::Bool(keep))?;
    where_(&mask, x, &Tensor::scalar(x.dtype(), 0.0))
}

/// One subscript of an einsum term: a letter, or one of the dimensions an ellipsis stands for
/// (numbered from the left of the broadcast ellipsis shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Label {
    Ellipsis(usize),
    Letter(char),
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Letter(c) => write!(f, "label '{c}'"),
            Label::Ellipsis(i) => write!(f, "ellipsis dimension {i}"),
        }
    }
}

/// A parsed einsum term: its letters, and where (before which letter) its ellipsis sits.
struct Term {
    letters: Vec<char>,
    ellipsis_at: Option<usize>,
}

impl Term {
    fn parse(text: &str) -> Result<Term> {
        let (mut letters, mut ellipsis_at) = (Vec::new(), None);
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("...") {
                if ellipsis_at.is_some() {
                    bail!("einsum: term {text:?} has more than one ellipsis");
                }
                ellipsis_at = Some(letters.len());
                rest = after;
            } else if c.is_ascii_alphabetic() {
                letters.push(c);
                rest = &rest[1..];
            } else {
                bail!("einsum: unexpected character {c:?} in term {text:?}");
            }
        }
        Ok(Term { letters, ellipsis_at })
    }

    /// The labels of the term's dimensions, its ellipsis standing for the last `ellipsis_rank` of
    /// the `total_ellipsis` broadcast ellipsis dimensions.
    fn labels(&self, ellipsis_rank: usize, total_ellipsis: usize) -> Vec<Label> {
        let letter = |c: &char| Label::Letter(*c);
        match self.ellipsis_at {
            None => self.letters.iter().map(letter).collect(),
            Some(at) => self.letters[..at]
                .iter()
                .map(letter)
                .chain((total_ellipsis - ellipsis_rank..total_ellipsis).map(Label::Ellipsis))
                .chain(self.letters[at..].iter().map(letter))
                .collect(),
        }
    }
}

/// ONNX `Einsum` with numpy semantics: explicit (`->`) or implicit output (broadcast ellipsis
/// dimensions, then the letters used exactly once, in ASCII order), repeated letters within a
/// term (diagonals), `...` broadcasting, size-1 broadcasting of a letter, and any number of
/// operands of one numeric type. Computed by visiting every combination of label values.
pub fn einsum(equation: &str, inputs: &[&Tensor]) -> Result<Tensor> {
    let Some(first) = inputs.first() else { bail!("einsum: needs at least one input") };
    let dtype = first.dtype();
    if let Some(other) = inputs.iter().find(|t| t.dtype() != dtype) {
        bail!("einsum: input element types differ ({dtype:?} vs {:?})", other.dtype());
    }
    check_dtype("einsum", dtype, Accepts::Numeric)?;

    let shapes: Vec<&[usize]> = inputs.iter().map(|t| t.shape()).collect();
    let (plan, out_shape) = Contraction::plan(equation, &shapes)?;
    if dtype.is_float() {
        let operands: Vec<Vec<f64>> = inputs.iter().map(|t| t.to_f64()).collect();
        Tensor::from_f64(dtype, out_shape, &plan.run(&operands, 0.0, 1.0, |a, b| a + b, |a, b| a * b))
    } else {
        let operands: Vec<Vec<i64>> = inputs.iter().map(|t| t.to_i64()).collect();
        Tensor::from_i64(dtype, out_shape, &plan.run(&operands, 0, 1, i64::wrapping_add, i64::wrapping_mul))
    }
}

/// A sum of products over the full index space of an einsum's labels (output labels first).
/// Public so that compilers lower einsum with exactly this plan.
pub struct Contraction {
    /// The size of every label: the output's, in output order, then the summed ones.
    pub space: Vec<usize>,
    /// Per operand, the flat-index step of each label (0 where the operand broadcasts).
    pub operand_steps: Vec<Vec<usize>>,
    /// The output's row-major strides.
    pub output_steps: Vec<usize>,
}

impl Contraction {
    /// Parses `equation` for operands of the given shapes into a contraction and its output shape.
    pub fn plan(equation: &str, shapes: &[&[usize]]) -> Result<(Contraction, Vec<usize>)> {
        let equation: String = equation.chars().filter(|c| !c.is_whitespace()).collect();
        let (lhs, rhs) = match equation.split_once("->") {
            Some((l, r)) => (l, Some(Term::parse(r)?)),
            None => (equation.as_str(), None),
        };
        let terms = lhs.split(',').map(Term::parse).collect::<Result<Vec<_>>>()?;
        if terms.len() != shapes.len() {
            bail!(
                "einsum: equation {equation:?} has {} operand terms but {} inputs were given",
                terms.len(),
                shapes.len()
            );
        }
        // How many dimensions each operand's ellipsis covers.
        let mut ellipsis_ranks = Vec::with_capacity(shapes.len());
        for (term, shape) in terms.iter().zip(shapes) {
            let (rank, named) = (shape.len(), term.letters.len());
            match term.ellipsis_at {
                Some(_) if rank >= named => ellipsis_ranks.push(rank - named),
                None if rank == named => ellipsis_ranks.push(0),
                _ => bail!(
                    "einsum: term {:?} does not fit an input of shape {:?}",
                    term.letters.iter().collect::<String>(),
                    shape
                ),
            }
        }
        let total_ellipsis = ellipsis_ranks.iter().copied().max().unwrap_or(0);
        let operand_labels: Vec<Vec<Label>> =
            terms.iter().zip(&ellipsis_ranks).map(|(t, &e)| t.labels(e, total_ellipsis)).collect();

        // The size of every label; size 1 broadcasts against any other size.
        let mut sizes: HashMap<Label, usize> = HashMap::new();
        for (labels, shape) in operand_labels.iter().zip(shapes) {
            for (&label, &d) in labels.iter().zip(shape.iter()) {
                let size = sizes.entry(label).or_insert(d);
                if *size == 1 {
                    *size = d;
                } else if d != 1 && d != *size {
                    bail!("einsum: {label} has mismatched sizes {} and {d}", *size);
                }
            }
        }

        let output = match rhs {
            Some(term) => {
                if term.ellipsis_at.is_none() && total_ellipsis > 0 {
                    bail!("einsum: the inputs use '...' but the output {equation:?} does not");
                }
                let labels = term.labels(total_ellipsis, total_ellipsis);
                for (i, label) in labels.iter().enumerate() {
                    if !sizes.contains_key(label) {
                        bail!("einsum: output {label} does not appear in any input");
                    }
                    if labels[..i].contains(label) {
                        bail!("einsum: output {label} appears more than once");
                    }
                }
                labels
            }
            None => {
                let mut letters: Vec<Label> = sizes
                    .keys()
                    .filter(|l| matches!(l, Label::Letter(_)))
                    .filter(|&l| operand_labels.iter().flatten().filter(|&m| m == l).count() == 1)
                    .copied()
                    .collect();
                letters.sort();
                (0..total_ellipsis).map(Label::Ellipsis).chain(letters).collect()
            }
        };

        // Every label: the output's first, then the summed ones.
        let mut summed: Vec<Label> = sizes.keys().filter(|l| !output.contains(l)).copied().collect();
        summed.sort();
        let all: Vec<Label> = output.iter().chain(&summed).copied().collect();
        let space: Vec<usize> = all.iter().map(|l| sizes[l]).collect();
        let out_shape: Vec<usize> = space[..output.len()].to_vec();
        let position: HashMap<Label, usize> = all.iter().enumerate().map(|(i, &l)| (l, i)).collect();

        // Per operand, the flat-index step each label contributes (summed over repeats; 0 where the
        // operand broadcasts).
        let operand_steps: Vec<Vec<usize>> = operand_labels
            .iter()
            .zip(shapes)
            .map(|(labels, shape)| {
                let mut steps = vec![0; all.len()];
                for ((label, &d), s) in labels.iter().zip(shape.iter()).zip(strides(shape)) {
                    if d != 1 {
                        steps[position[label]] += s;
                    }
                }
                steps
            })
            .collect();
        let output_steps = strides(&out_shape);
        Ok((Contraction { space, operand_steps, output_steps }, out_shape))
    }

    fn run<T: Copy>(&self, operands: &[Vec<T>], zero: T, one: T, add: fn(T, T) -> T, mul: fn(T, T) -> T) -> Vec<T> {
        let offset = |steps: &[usize], index: &[usize]| -> usize { steps.iter().zip(index).map(|(s, i)| s * i).sum() };
        let out_len: usize = self.space[..self.output_steps.len()].iter().product();
        let mut out = vec![zero; out_len];
        let mut index = vec![0; self.space.len()];
        for _ in 0..self.space.iter().product::<usize>() {
            let product = operands
                .iter()
                .zip(&self.operand_steps)
                .fold(one, |p, (values, steps)| mul(p, values[offset(steps, &index)]));
            let slot = offset(&self.output_steps, &index);
            out[slot] = add(out[slot], product);
            increment(&mut index, &self.space);
        }
        out
    }
}

/// ONNX `Range`: `start, start + delta, ...` up to (excluding) `limit`, as a rank-1 tensor of the
/// inputs' type (F32, F64, I16, I32 or I64); each input holds a single element. Its length is
/// `max(ceil((limit - start) / delta), 0)` and element `i` is `start + i * delta`.
pub fn range(start: &Tensor, limit: &Tensor, delta: &Tensor) -> Result<Tensor> {
    let dtype = start.dtype();
    if !matches!(dtype, DType::F32 | DType::F64 | DType::I16 | DType::I32 | DType::I64) {
        bail!("range: element type {dtype:?} is not supported; expected F32, F64, I16, I32 or I64");
    }
    for (what, t) in [("start", start), ("limit", limit), ("delta", delta)] {
        if t.len() != 1 {
            bail!("range: {what} must hold a single element, got shape {:?}", t.shape());
        }
        if t.dtype() != dtype {
            bail!("range: {what} has element type {:?} but start has {dtype:?}", t.dtype());
        }
    }
    if dtype.is_float() {
        let (s, l, d) = (start.to_f64()[0], limit.to_f64()[0], delta.to_f64()[0]);
        let count = ((l - s) / d).ceil().max(0.0);
        if d == 0.0 || !count.is_finite() {
            bail!("range: cannot step from {s} to {l} by {d}");
        }
        let values: Vec<f64> = (0..count as usize).map(|i| s + i as f64 * d).collect();
        Tensor::from_f64(dtype, vec![values.len()], &values)
    } else {
        let (s, l, d) = (start.to_i64()[0], limit.to_i64()[0], delta.to_i64()[0]);
        if d == 0 {
            bail!("range: delta must not be 0");
        }
        // ceil((l - s) / d) in i128, so the difference cannot overflow.
        let (diff, step) = (i128::from(l) - i128::from(s), i128::from(d));
        let quotient = diff / step;
        let count = if diff % step != 0 && (diff > 0) == (step > 0) { quotient + 1 } else { quotient };
        let values: Vec<i64> = (0..count.max(0) as i64).map(|i| s + i * d).collect();
        Tensor::from_i64(dtype, vec![values.len()], &values)
    }
}

/// ONNX `OneHot`: a new axis of size `depth` inserted at `axis` (ONNX default -1, counted in the
/// output's rank) holding `values[1]` where it equals the index and `values[0]` elsewhere.
/// Negative indices count from `depth`; indices outside `-depth..depth` give all `values[0]`.
/// Float indices truncate toward zero.
pub fn one_hot(indices: &Tensor, depth: i64, values: &Tensor, axis: i64) -> Result<Tensor> {
    check_dtype("one_hot", indices.dtype(), Accepts::Numeric)?;
    if depth < 1 {
        bail!("one_hot: depth must be positive, got {depth}");
    }
    if values.shape() != [2] {
        bail!("one_hot: values must have shape [2] (off, on), got {:?}", values.shape());
    }
    let axis = in_op("one_hot", normalize_axis(axis, indices.rank() + 1))?;
    let mut out_shape = indices.shape().to_vec();
    out_shape.insert(axis, depth as usize);
    let inner: usize = indices.shape()[axis..].iter().product();
    let idx = indices.to_i64();
    let picks: Vec<usize> = (0..out_shape.iter().product())
        .map(|flat: usize| {
            let (outer, class, i) = (flat / (inner * depth as usize), (flat / inner) % depth as usize, flat % inner);
            let index = idx[outer * inner + i];
            let index = if index < 0 { index + depth } else { index };
            usize::from(index == class as i64)
        })
        .collect();
    Tensor::new(out_shape, values.data().gather(&picks))
}

/// ONNX `NonZero`: the I64 coordinates of the non-zero elements of `x` in row-major order, as a
/// `[rank, count]` tensor (row `a` lists coordinate `a` of each element).
pub fn non_zero(x: &Tensor) -> Result<Tensor> {
    let found: Vec<usize> = x.to_bool().iter().enumerate().filter(|&(_, &b)| b).map(|(i, _)| i).collect();
    let (rank, count) = (x.rank(), found.len());
    let strides = strides(x.shape());
    let mut coords = vec![0; rank * count];
    for (j, &flat) in found.iter().enumerate() {
        for a in 0..rank {
            coords[a * count + j] = ((flat / strides[a]) % x.shape()[a]) as i64;
        }
    }
    Tensor::from_i64(DType::I64, vec![rank, count], &coords)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::assert_close;

    fn f64t(shape: Vec<usize>, values: &[f64]) -> Tensor {
        Tensor::from_f64(DType::F64, shape, values).unwrap()
    }

    /// 1, 2, ... in the given shape.
    fn iota(shape: Vec<usize>) -> Tensor {
        let n: usize = shape.iter().product();
        f64t(shape, &(1..=n).map(|v| v as f64).collect::<Vec<_>>())
    }

    #[test]
    fn topk_picks_and_breaks_ties() {
        let x = f64t(vec![2, 4], &[1.0, 3.0, 3.0, 2.0, 4.0, 4.0, 4.0, 0.0]);
        let (values, indices) = topk(&x, 2, -1, true).unwrap();
        assert_eq!(values.shape(), &[2, 2]);
        assert_eq!(values.to_f64(), vec![3.0, 3.0, 4.0, 4.0]);
        assert_eq!(indices.to_i64(), vec![1, 2, 0, 1]);
        let (values, indices) = topk(&x, 3, 1, false).unwrap();
        assert_eq!(values.to_f64(), vec![1.0, 2.0, 3.0, 0.0, 4.0, 4.0]);
        assert_eq!(indices.to_i64(), vec![0, 3, 1, 3, 0, 1]);
        // Along axis 0, with k = 1: the larger of each column (ties -> row 0).
        let (values, indices) = topk(&x, 1, 0, true).unwrap();
        assert_eq!(values.shape(), &[1, 4]);
        assert_eq!(values.to_f64(), vec![4.0, 4.0, 4.0, 2.0]);
        assert_eq!(indices.to_i64(), vec![1, 1, 1, 0]);
        let ints = Tensor::from(vec![5i64, -3, 9]);
        let (values, indices) = topk(&ints, 2, 0, false).unwrap();
        assert_eq!((values.to_i64(), indices.to_i64()), (vec![-3, 5], vec![1, 0]));
        let nan = f64t(vec![3], &[1.0, f64::NAN, 2.0]);
        assert_eq!(topk(&nan, 1, 0, true).unwrap().1.to_i64(), vec![1]);
        assert_eq!(topk(&x, 5, -1, true).unwrap_err().0, "topk: k = 5 exceeds the size 4 of axis -1");
        assert!(topk(&x, 1, 2, true).is_err());
    }

    #[test]
    fn trilu_keeps_triangles() {
        let x = iota(vec![3, 3]);
        assert_eq!(trilu(&x, 0, true).unwrap().to_f64(), vec![1.0, 2.0, 3.0, 0.0, 5.0, 6.0, 0.0, 0.0, 9.0]);
        assert_eq!(trilu(&x, 1, true).unwrap().to_f64(), vec![0.0, 2.0, 3.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0]);
        assert_eq!(trilu(&x, 0, false).unwrap().to_f64(), vec![1.0, 0.0, 0.0, 4.0, 5.0, 0.0, 7.0, 8.0, 9.0]);
        assert_eq!(trilu(&x, -1, false).unwrap().to_f64(), vec![0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 7.0, 8.0, 0.0]);
        // Batched over leading axes, non-square.
        let b = Tensor::from_i64(DType::I32, vec![2, 1, 2], &[1, 2, 3, 4]).unwrap();
        assert_eq!(trilu(&b, 0, false).unwrap().to_i64(), vec![1, 0, 3, 0]);
        assert!(trilu(&iota(vec![3]), 0, true).is_err());
    }

    #[test]
    fn einsum_forms() {
        // Expected values from numpy.einsum on the same inputs.
        let (a, b) = (iota(vec![2, 3]), iota(vec![3, 4]));
        let mm = einsum("ij,jk->ik", &[&a, &b]).unwrap();
        assert_eq!(mm.shape(), &[2, 4]);
        assert_close(&mm.to_f64(), &[38.0, 44.0, 50.0, 56.0, 83.0, 98.0, 113.0, 128.0]);
        assert_eq!(einsum("ij,jk", &[&a, &b]).unwrap(), mm);
        let t = einsum("ij->ji", &[&a]).unwrap();
        assert_eq!((t.shape(), t.to_f64()), (&[3usize, 2][..], vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]));
        // Implicit output sorts letters: "ba" is a transpose.
        assert_eq!(einsum("ba", &[&a]).unwrap(), t);
        let m = iota(vec![3, 3]);
        assert_eq!(einsum("ii->", &[&m]).unwrap().to_f64(), vec![15.0]);
        assert_eq!(einsum("ii->i", &[&m]).unwrap().to_f64(), vec![1.0, 5.0, 9.0]);
        let (x, y) = (iota(vec![2, 2, 3]), iota(vec![2, 3, 2]));
        let batch = einsum("bij,bjk->bik", &[&x, &y]).unwrap();
        assert_close(&batch.to_f64(), &[22.0, 28.0, 49.0, 64.0, 220.0, 244.0, 301.0, 334.0]);
        // The ellipsis broadcasts [2] against []: the [3, 2] matrix multiplies both batches.
        let c = iota(vec![3, 2]);
        let ell = einsum("...ij,...jk->...ik", &[&x, &c]).unwrap();
        assert_eq!(ell.shape(), &[2, 2, 2]);
        assert_close(&ell.to_f64(), &[22.0, 28.0, 49.0, 64.0, 76.0, 100.0, 103.0, 136.0]);
        assert_eq!(einsum("i...->...", &[&a]).unwrap().to_f64(), vec![5.0, 7.0, 9.0]);
        assert_eq!(einsum("...ij", &[&x]).unwrap(), x);
        // Outer product, full contraction, repeated letter across a diagonal, spaces.
        let (u, v) = (iota(vec![2]), f64t(vec![3], &[3.0, 4.0, 5.0]));
        assert_eq!(einsum("i,j", &[&u, &v]).unwrap().to_f64(), vec![3.0, 4.0, 5.0, 6.0, 8.0, 10.0]);
        assert_eq!(einsum("ij, ij ->", &[&a, &a]).unwrap().to_f64(), vec![91.0]);
        assert_eq!(einsum("iij->j", &[&iota(vec![2, 2, 2])]).unwrap().to_f64(), vec![8.0, 10.0]);
        // Size-1 broadcasting of a letter (numpy allows it): 2 * (1 + 2 + 3).
        assert_eq!(einsum("i,i", &[&f64t(vec![1], &[2.0]), &iota(vec![3])]).unwrap().to_f64(), vec![12.0]);
        let ints = Tensor::from_i64(DType::I32, vec![2], &[i32::MAX as i64, 2]).unwrap();
        // MAX * MAX + 4 wraps: (2^31 - 1)^2 + 4 = 2^62 - 2^32 + 5 -> 5 mod 2^32.
        assert_eq!(einsum("i,i->", &[&ints, &ints]).unwrap().to_i64(), vec![5]);
    }

    #[test]
    fn einsum_errors() {
        let a = iota(vec![2, 3]);
        assert!(einsum("ij,jk->ik", &[&a]).unwrap_err().0.contains("2 operand terms but 1 inputs"));
        assert!(einsum("ijk->i", &[&a]).unwrap_err().0.contains("does not fit an input of shape [2, 3]"));
        assert!(einsum("ij,ij->i", &[&a, &iota(vec![3, 2])]).unwrap_err().0.contains("mismatched sizes"));
        assert!(einsum("ij->k", &[&a]).unwrap_err().0.contains("does not appear"));
        assert!(einsum("ij->ii", &[&a]).unwrap_err().0.contains("more than once"));
        assert!(einsum("i1->i", &[&a]).unwrap_err().0.contains("unexpected character"));
        assert!(einsum("......->", &[&a]).unwrap_err().0.contains("more than one ellipsis"));
        assert!(einsum("...j->j", &[&a]).unwrap_err().0.contains("does not"));
        assert!(einsum("ij,jk", &[&a, &Tensor::from(vec![1i64, 2, 3])]).is_err());
    }

    #[test]
    fn range_floats_and_ints() {
        let f = |v: f64| Tensor::scalar(DType::F32, v);
        let r = range(&f(1.0), &f(2.0), &f(0.25)).unwrap();
        assert_eq!((r.dtype(), r.to_f64()), (DType::F32, vec![1.0, 1.25, 1.5, 1.75]));
        // ceil((0 - 1) / -0.3) = ceil(3.33) = 4 elements.
        assert_close(&range(&f(1.0), &f(0.0), &f(-0.3)).unwrap().to_f64(), &[1.0, 0.7, 0.4, 0.1]);
        assert_eq!(range(&f(1.0), &f(0.0), &f(1.0)).unwrap().shape(), &[0]);
        let i = |v: i64| Tensor::from_i64(DType::I32, vec![], &[v]).unwrap();
        assert_eq!(range(&i(0), &i(10), &i(3)).unwrap().to_i64(), vec![0, 3, 6, 9]);
        assert_eq!(range(&i(10), &i(4), &i(-3)).unwrap().to_i64(), vec![10, 7]);
        assert_eq!(range(&i(5), &i(5), &i(1)).unwrap().shape(), &[0]);
        assert!(range(&i(0), &i(5), &i(0)).is_err());
        assert!(range(&i(0), &f(5.0), &i(1)).unwrap_err().0.contains("limit has element type F32"));
        assert!(range(&Tensor::from(vec![1i64, 2]), &i(5), &i(1)).is_err());
    }

    #[test]
    fn one_hot_axes_and_negative_indices() {
        let indices = Tensor::from(vec![0i64, -1, 3, 1]);
        let values = Tensor::from(vec![0.5f32, 2.0]);
        let y = one_hot(&indices, 3, &values, -1).unwrap();
        assert_eq!(y.shape(), &[4, 3]);
        // -1 means depth - 1 = 2; 3 is out of range, so the row is all off.
        assert_eq!(y.to_f64(), vec![2.0, 0.5, 0.5, 0.5, 0.5, 2.0, 0.5, 0.5, 0.5, 0.5, 2.0, 0.5]);
        let y = one_hot(&indices, 3, &values, 0).unwrap();
        assert_eq!(y.shape(), &[3, 4]);
        assert_eq!(y.to_f64(), vec![2.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 2.0, 0.5, 2.0, 0.5, 0.5]);
        let two_d = Tensor::from_i64(DType::I32, vec![2, 1], &[1, 0]).unwrap();
        let y = one_hot(&two_d, 2, &Tensor::from(vec![0i64, 1]), 1).unwrap();
        assert_eq!((y.shape(), y.to_i64()), (&[2usize, 2, 1][..], vec![0, 1, 1, 0]));
        assert!(one_hot(&indices, 0, &values, -1).is_err());
        assert!(one_hot(&indices, 3, &Tensor::from(vec![1.0f32]), -1).is_err());
        assert!(one_hot(&indices, 3, &values, 2).is_err());
    }

    #[test]
    fn non_zero_lists_coordinates() {
        let x = f64t(vec![2, 3], &[0.0, 1.0, 0.0, 2.0, 0.0, f64::NAN]);
        let y = non_zero(&x).unwrap();
        // Non-zeros at (0, 1), (1, 0), (1, 2).
        assert_eq!((y.shape(), y.to_i64()), (&[2usize, 3][..], vec![0, 1, 1, 1, 0, 2]));
        let b = Tensor::new(vec![3], Data::Bool(vec![false, false, false])).unwrap();
        assert_eq!(non_zero(&b).unwrap().shape(), &[1, 0]);
    }
}
