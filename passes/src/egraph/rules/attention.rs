//! Scaled-dot-product attention: `softmax(q·kᵀ·s + mask)·v` into `nn.attention`, with kᵀ written
//! as a transpose of k (which the shape rules then compose with the frontends' head transposes).

use super::{Rule, Rw};
use egg::Id;
use msc_ir::Attribute;
use msc_nn::shape::normalize_axis;

pub const RULES: &[&Rule] = &[&FUSE_ATTENTION];

// matmul(softmax(matmul(q, kᵀ) · s + mask; axis = -1), v) ==> attention(q, k, v, mask; scale = s)
pub static FUSE_ATTENTION: Rule = Rule {
    name: "fuse-attention",
    roots: &["nn.matmul"],
    creates: &["nn.attention", "nn.transpose"],
    apply: |rw, _, product| {
        let [probs, v] = product.args[..] else { return None };
        let softmax = rw.op(probs, "nn.softmax")?;
        let rank = rw.rank(probs)?;
        if rank < 2 || normalize_axis(softmax.sig.int("axis")?, rank).ok()? != rank - 1 {
            return None;
        }
        let (scaled, mask) = split_mask(rw, softmax.args[0]);
        let (scores, scale) = split_scale(rw, scaled);
        let qk = rw.op(scores, "nn.matmul")?;
        let [q, k_t] = qk.args[..] else { return None };
        let mut perm: Vec<i64> = (0..rank as i64).collect();
        perm.swap(rank - 2, rank - 1);
        let k = rw.transpose(k_t, &perm)?;
        let mut args = vec![q, k, v];
        args.extend(mask);
        rw.build("nn.attention", &[("scale", Attribute::Float(scale))], &args)
    },
};

/// `(s, Some(mask))` for `s + mask` (either order; the mask is the operand that is not a scaled
/// or plain matmul), else `(class, None)`.
fn split_mask(rw: &Rw<'_>, class: Id) -> (Id, Option<Id>) {
    for add in rw.ops(class, "nn.add") {
        for (scores, mask) in add.operand_orders() {
            if split_scale(rw, scores).0 != scores || rw.op(scores, "nn.matmul").is_some() {
                return (scores, Some(mask));
            }
        }
    }
    (class, None)
}

/// `(x, s)` for `x · s` or `x / (1/s)` with a scalar constant; else `(class, 1)`.
fn split_scale(rw: &Rw<'_>, class: Id) -> (Id, f64) {
    for mul in rw.ops(class, "nn.mul") {
        if let Some((x, s)) = mul.operand_orders().into_iter().find_map(|(x, s)| Some((x, rw.uniform(s)?))) {
            return (x, s);
        }
    }
    for div in rw.ops(class, "nn.div") {
        if let Some(d) = rw.uniform(div.args[1]).filter(|d| *d != 0.0) {
            return (div.args[0], 1.0 / d);
        }
    }
    (class, 1.0)
}
