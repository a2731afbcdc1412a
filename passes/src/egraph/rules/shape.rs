//! Shape cleanups: reshape and transpose chains, squeeze/unsqueeze/flatten as reshapes, nested
//! concats, slices that take back one input of a concat, identity removal.

use super::{OpNode, Rule, Rw};
use egg::Id;
use msc_nn::shape::normalize_axis;

pub const RULES: &[&Rule] = &[
    &COMPOSE_RESHAPE_RESHAPE,
    &REMOVE_IDENTITY_RESHAPE,
    &COMPOSE_TRANSPOSE_TRANSPOSE,
    &REMOVE_IDENTITY_TRANSPOSE,
    &VIEW_OP_TO_RESHAPE,
    &FLATTEN_CONCAT_OF_CONCAT,
    &SLICE_OF_CONCAT_TO_INPUT,
    &REMOVE_IDENTITY,
];

// reshape(reshape(x, s1), s2) ==> reshape(x, shape of the result)
pub static COMPOSE_RESHAPE_RESHAPE: Rule = Rule {
    name: "compose-reshape-reshape",
    roots: &["nn.reshape"],
    creates: &[],
    apply: |rw, class, outer| {
        let inner = rw.op(outer.args[0], "nn.reshape")?;
        let shape = static_i64_shape(rw, class)?;
        rw.reshape(inner.args[0], &shape)
    },
};

// reshape(x, s) ==> x   when x already has the result's type
pub static REMOVE_IDENTITY_RESHAPE: Rule = Rule {
    name: "remove-identity-reshape",
    roots: &["nn.reshape"],
    creates: &[],
    apply: |rw, class, op| same_type(rw, class, op.args[0]),
};

// transpose(transpose(x, p), q) ==> transpose(x, [p[q[0]], p[q[1]], ...])
pub static COMPOSE_TRANSPOSE_TRANSPOSE: Rule = Rule {
    name: "compose-transpose-transpose",
    roots: &["nn.transpose"],
    creates: &[],
    apply: |rw, _, outer| {
        let inner = rw.op(outer.args[0], "nn.transpose")?;
        let (p, q) = (perm(rw, &inner)?, perm(rw, outer)?);
        let composed: Vec<i64> = q.iter().map(|&i| p[i as usize]).collect();
        rw.transpose(inner.args[0], &composed)
    },
};

// transpose(x, [0, 1, ..., n-1]) ==> x
pub static REMOVE_IDENTITY_TRANSPOSE: Rule = Rule {
    name: "remove-identity-transpose",
    roots: &["nn.transpose"],
    creates: &[],
    apply: |rw, _, op| {
        let p = perm(rw, op)?;
        p.iter().enumerate().all(|(i, &d)| d == i as i64).then_some(op.args[0])
    },
};

// squeeze(x) | unsqueeze(x) | flatten(x) ==> reshape(x, shape of the result)
pub static VIEW_OP_TO_RESHAPE: Rule = Rule {
    name: "view-op-to-reshape",
    roots: &["nn.squeeze", "nn.unsqueeze", "nn.flatten"],
    creates: &["nn.reshape"],
    apply: |rw, class, op| {
        let shape = static_i64_shape(rw, class)?;
        rw.reshape(op.args[0], &shape)
    },
};

// concat(a, concat(b, c; axis), d; axis) ==> concat(a, b, c, d; axis)
pub static FLATTEN_CONCAT_OF_CONCAT: Rule = Rule {
    name: "flatten-concat-of-concat",
    roots: &["nn.concat"],
    creates: &[],
    apply: |rw, class, outer| {
        let axis = concat_axis(rw, class, outer)?;
        let mut inputs = Vec::new();
        let mut flattened = false;
        for &input in &outer.args {
            match rw.ops(input, "nn.concat").into_iter().find(|inner| concat_axis(rw, input, inner) == Some(axis)) {
                Some(inner) if !flattened => {
                    inputs.extend(&inner.args);
                    flattened = true;
                }
                _ => inputs.push(input),
            }
        }
        flattened.then_some(())?;
        rw.add(outer.sig.as_ref().clone(), &inputs)
    },
};

// slice(concat(x0, x1, x2; axis), starts=[o1], ends=[o1 + len(x1)], axes=[axis]) ==> x1
pub static SLICE_OF_CONCAT_TO_INPUT: Rule = Rule {
    name: "slice-of-concat-to-input",
    roots: &["nn.slice"],
    creates: &[],
    apply: |rw, _, slice| {
        let source = slice.args[0];
        let concat = rw.op(source, "nn.concat")?;
        let axis = concat_axis(rw, source, &concat)?;
        let rank = rw.rank(source)?;
        if slice.sig.ints("operandSegmentSizes").is_some_and(|s| s.get(3) == Some(&0)) && slice.args.len() > 3 {
            return None; // steps without axes
        }
        let single = |rw: &Rw<'_>, i: usize| -> Option<i64> {
            let values = rw.data(*slice.args.get(i)?).values.clone()?;
            (values.len() == 1).then(|| values[0] as i64)
        };
        let slice_axis = match slice.args.get(3) {
            Some(_) => normalize_axis(single(rw, 3)?, rank).ok()?,
            None if rank == 1 => 0,
            None => return None,
        };
        if slice_axis != axis || slice.args.get(4).is_some_and(|_| single(rw, 4) != Some(1)) {
            return None;
        }
        let (start, end) = (single(rw, 1)?, single(rw, 2)?);
        let mut offset = 0i64;
        for &input in &concat.args {
            let len = *rw.static_shape(input)?.get(axis)? as i64;
            if start == offset && (end == offset + len || (end >= offset + len && input == *concat.args.last()?)) {
                return Some(input);
            }
            offset += len;
        }
        None
    },
};

// identity(x) ==> x
pub static REMOVE_IDENTITY: Rule =
    Rule { name: "remove-identity", roots: &["nn.identity"], creates: &[], apply: |_, _, op| Some(op.args[0]) };

/// `x` when it has the type of `class` (so an op from `x` to `class` changes nothing).
fn same_type(rw: &Rw<'_>, class: Id, x: Id) -> Option<Id> {
    let (a, b) = (rw.data(class).ty.as_ref()?, rw.data(x).ty.as_ref()?);
    (a == b).then_some(x)
}

/// The static shape of `class` as reshape's i64 shape operand.
pub fn static_i64_shape(rw: &Rw<'_>, class: Id) -> Option<Vec<i64>> {
    Some(rw.static_shape(class)?.into_iter().map(|d| d as i64).collect())
}

/// The permutation of a transpose (absent `perm` reverses the dims).
pub fn perm(rw: &Rw<'_>, transpose: &OpNode) -> Option<Vec<i64>> {
    match transpose.sig.ints("perm") {
        Some(p) => Some(p),
        None => Some((0..rw.rank(transpose.args[0])? as i64).rev().collect()),
    }
}

/// The normalized axis of a concat whose result is `class`.
fn concat_axis(rw: &Rw<'_>, class: Id, concat: &OpNode) -> Option<usize> {
    normalize_axis(concat.sig.int("axis")?, rw.rank(class)?).ok()
}
