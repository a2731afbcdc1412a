//! Layout selection: a 2-D conv may run in NHWC or in the blocked NCHW<k>c (k from the target's
//! calibration), with explicit conversions around it; conversions move through elementwise ops
//! (adjusting constant operands) and cancel in pairs through the shape rules, and the cost model
//! decides which layout each conv gets.
//!
//! Conversions: NCHW→NHWC is `transpose [0,2,3,1]` (back: `[0,3,1,2]`); NCHW→NCHW<k>c is
//! `reshape [N,C/k,k,H,W]` then `transpose [0,1,3,4,2]` (back: `transpose [0,1,4,2,3]` then
//! `reshape [N,C,H,W]`).

use super::conv::as_fused_conv;
use super::{ANY_OP, OpNode, Rule, Rw};
use egg::Id;
use msc_ir::{Attribute, Traits};

pub const RULES: &[&Rule] = &[
    &CONV_TO_NHWC,
    &CONV_TO_BLOCKED,
    &MOVE_TRANSPOSE_THROUGH_UNARY,
    &MOVE_TRANSPOSE_THROUGH_BINARY,
    &MOVE_RESHAPE_THROUGH_UNARY,
];

// conv(x, w, b) ==> transpose(fused_conv(transpose(x, [0,2,3,1]), w, b; layout = NHWC), [0,3,1,2])
pub static CONV_TO_NHWC: Rule = Rule {
    name: "conv-to-nhwc",
    roots: &["nn.conv", "nn.fused_conv"],
    creates: &["nn.fused_conv", "nn.transpose"],
    apply: |rw, _, node| {
        let fused = nchw_conv_without_extras(rw, node)?;
        let x = rw.transpose(node.args[0], &[0, 2, 3, 1])?;
        let y = relayout(rw, &fused, x, "NHWC")?;
        rw.transpose(y, &[0, 3, 1, 2])
    },
};

// conv(x, w, b) ==> from_blocked(fused_conv(to_blocked(x), w, b; layout = NCHW<k>c))   (C, M multiples of k)
pub static CONV_TO_BLOCKED: Rule = Rule {
    name: "conv-to-blocked-layout",
    roots: &["nn.conv", "nn.fused_conv"],
    creates: &["nn.fused_conv", "nn.transpose", "nn.reshape"],
    apply: |rw, class, node| {
        let k = rw.egraph.analysis.blocked_layout_k as i64;
        let fused = nchw_conv_without_extras(rw, node)?;
        let [n, c, h, w] = rw.static_shape(node.args[0])?.try_into().ok()?;
        let [_, m, oh, ow] = rw.static_shape(class)?.try_into().ok()?;
        let [n, c, h, w, m, oh, ow] = [n, c, h, w, m, oh, ow].map(|d| d as i64);
        if c % k != 0 || m % k != 0 {
            return None;
        }
        let split = rw.reshape(node.args[0], &[n, c / k, k, h, w])?;
        let x = rw.transpose(split, &[0, 1, 3, 4, 2])?;
        let y = relayout(rw, &fused, x, &format!("NCHW{k}c"))?;
        let unblocked = rw.transpose(y, &[0, 1, 4, 2, 3])?;
        rw.reshape(unblocked, &[n, m, oh, ow])
    },
};

// u(transpose(x, p)) ==> transpose(u(x), p)   (u unary elementwise)
pub static MOVE_TRANSPOSE_THROUGH_UNARY: Rule = Rule {
    name: "move-transpose-through-unary",
    roots: ANY_OP,
    creates: &[],
    apply: |rw, _, op| {
        let t = single_input_elementwise(op).and_then(|x| rw.op(x, "nn.transpose"))?;
        let perm = super::shape::perm(rw, &t)?;
        let inner = rw.add(op.sig.as_ref().clone(), &[t.args[0]])?;
        rw.transpose(inner, &perm)
    },
};

// b(transpose(x, p), c) ==> transpose(b(x, transpose(c, p⁻¹)), p)   (c constant, or c = transpose(y, p) giving y)
pub static MOVE_TRANSPOSE_THROUGH_BINARY: Rule = Rule {
    name: "move-transpose-through-binary",
    roots: &["nn.add", "nn.sub", "nn.mul", "nn.div", "nn.max", "nn.min", "nn.pow"],
    creates: &[],
    apply: |rw, class, op| {
        let [a, b] = op.args[..] else { return None };
        for (i, (x_t, other)) in [(a, b), (b, a)].into_iter().enumerate() {
            let Some(t) = rw.op(x_t, "nn.transpose") else { continue };
            let perm = super::shape::perm(rw, &t)?;
            let rank = rw.rank(class)?;
            if rank != perm.len() {
                continue;
            }
            let other = match rw
                .ops(other, "nn.transpose")
                .into_iter()
                .find(|o| super::shape::perm(rw, o).as_ref() == Some(&perm))
            {
                Some(same) => same.args[0],
                None if rw.is_const(other) => inverse_transposed(rw, other, &perm)?,
                None => continue,
            };
            let args = if i == 0 { [t.args[0], other] } else { [other, t.args[0]] };
            let inner = rw.add(op.sig.as_ref().clone(), &args)?;
            return rw.transpose(inner, &perm);
        }
        None
    },
};

// u(reshape(x, s)) ==> reshape(u(x), s)   (u unary elementwise)
pub static MOVE_RESHAPE_THROUGH_UNARY: Rule = Rule {
    name: "move-reshape-through-unary",
    roots: ANY_OP,
    creates: &[],
    apply: |rw, class, op| {
        let r = single_input_elementwise(op).and_then(|x| rw.op(x, "nn.reshape"))?;
        let inner = rw.add(op.sig.as_ref().clone(), &[r.args[0]])?;
        let shape = super::shape::static_i64_shape(rw, class)?;
        rw.reshape(inner, &shape)
    },
};

/// A conv (or an NCHW fused conv reading no extra operand) as a fused conv to re-layout.
fn nchw_conv_without_extras(rw: &Rw<'_>, node: &OpNode) -> Option<OpNode> {
    if rw.rank(node.args[0])? != 4 {
        return None;
    }
    match node.name() {
        "nn.conv" => as_fused_conv(rw, node),
        _ => {
            let segments = node.sig.ints("operandSegmentSizes")?;
            let plain = node.sig.string("layout")? == "NCHW" && segments.get(3) == Some(&0);
            plain.then(|| node.clone())
        }
    }
}

/// `fused` reading `x` (already converted) and storing its result in `layout`.
fn relayout(rw: &mut Rw<'_>, fused: &OpNode, x: Id, layout: &str) -> Option<Id> {
    let mut args = fused.args.clone();
    args[0] = x;
    rw.add(fused.sig.with(&[("layout", Some(Attribute::string(layout)))]), &args)
}

/// The operand of a unary elementwise op (any op with the ELEMENTWISE trait and one operand).
fn single_input_elementwise(op: &OpNode) -> Option<Id> {
    (op.sig.def.has_trait(Traits::ELEMENTWISE) && op.args.len() == 1).then(|| op.args[0])
}

/// The constant `c`, broadcast-padded to rank `perm.len()`, transposed by the inverse of `perm`.
fn inverse_transposed(rw: &mut Rw<'_>, c: Id, perm: &[i64]) -> Option<Id> {
    let shape = rw.static_shape(c)?;
    if shape.iter().all(|&d| d == 1) && shape.len() <= perm.len() {
        return Some(c);
    }
    let rank = perm.len();
    let mut padded = vec![1i64; rank.checked_sub(shape.len())?];
    padded.extend(shape.iter().map(|&d| d as i64));
    let c = if padded.len() == shape.len() { c } else { rw.reshape(c, &padded)? };
    let mut inverse = vec![0i64; rank];
    for (i, &p) in perm.iter().enumerate() {
        inverse[p as usize] = i as i64;
    }
    rw.transpose(c, &inverse)
}
