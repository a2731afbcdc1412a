//! Normalizations from primitive patterns: layer_norm (mean/sub/pow/mean/add/sqrt/div) and
//! rms_norm, affine scale and shift folded into them, and inference batch_norm as a folded
//! per-channel scale and shift.

use super::{Rule, Rw};
use egg::Id;
use msc_ir::Attribute;
use msc_nn::shape::normalize_axes;

pub const RULES: &[&Rule] =
    &[&FUSE_LAYER_NORM, &FUSE_RMS_NORM, &FOLD_SCALE_INTO_NORM, &FOLD_SHIFT_INTO_LAYER_NORM, &BATCH_NORM_TO_SCALE_SHIFT];

// (x - mean(x)) / √(mean((x - mean(x))²) + ε) ==> layer_norm(x, 1; axis, ε)   (mean over trailing axes)
pub static FUSE_LAYER_NORM: Rule = Rule {
    name: "fuse-layer-norm",
    roots: &["nn.div", "nn.mul"],
    creates: &["nn.layer_norm"],
    apply: |rw, _, root| {
        for (centered, inv_std) in root.operand_orders() {
            let Some((var_eps, eps)) = reciprocal_sqrt_plus_eps(rw, inv_std, root.name() == "nn.div") else { continue };
            let Some(sub) = rw.op(centered, "nn.sub") else { continue };
            let [x, mean] = sub.args[..] else { continue };
            let Some(axis) = trailing_mean(rw, mean, x) else { continue };
            let Some(squares_mean) = rw.op(var_eps, "nn.reduce_mean") else { continue };
            let same_axes = trailing_mean_axis(rw, &squares_mean) == Some(axis);
            if !same_axes || !is_square_of(rw, squares_mean.args[0], centered) {
                continue;
            }
            return normalized(rw, "nn.layer_norm", x, axis, eps);
        }
        None
    },
};

// x / √(mean(x²) + ε) ==> rms_norm(x, 1; axis, ε)   (mean over trailing axes)
pub static FUSE_RMS_NORM: Rule = Rule {
    name: "fuse-rms-norm",
    roots: &["nn.div", "nn.mul"],
    creates: &["nn.rms_norm"],
    apply: |rw, _, root| {
        for (x, inv_rms) in root.operand_orders() {
            let Some((var_eps, eps)) = reciprocal_sqrt_plus_eps(rw, inv_rms, root.name() == "nn.div") else { continue };
            let Some(mean) = rw.op(var_eps, "nn.reduce_mean") else { continue };
            let Some(axis) = trailing_mean_axis(rw, &mean) else { continue };
            if is_square_of(rw, mean.args[0], x) && rw.rank(mean.args[0]) == rw.rank(x) {
                return normalized(rw, "nn.rms_norm", x, axis, eps);
            }
        }
        None
    },
};

// layer_norm(x, s, b) · γ ==> layer_norm(x, s·γ, b·γ);   rms_norm(x, s) · γ ==> rms_norm(x, s·γ)   (γ constant over the normalized dims)
pub static FOLD_SCALE_INTO_NORM: Rule = Rule {
    name: "fold-scale-into-norm",
    roots: &["nn.mul"],
    creates: &[],
    apply: |rw, _, mul| {
        for (y, gamma) in mul.operand_orders() {
            for name in ["nn.layer_norm", "nn.rms_norm"] {
                for norm in rw.ops(y, name) {
                    let Some(gamma) = over_normalized_dims(rw, gamma, y, &norm) else { continue };
                    let mut args = vec![norm.args[0], rw.binary("nn.mul", norm.args[1], gamma)?];
                    if let Some(&b) = norm.args.get(2) {
                        args.push(rw.binary("nn.mul", b, gamma)?);
                    }
                    return rw.add(norm.sig.as_ref().clone(), &args);
                }
            }
        }
        None
    },
};

// layer_norm(x, s, b) + β ==> layer_norm(x, s, b + β)   (β constant over the normalized dims)
pub static FOLD_SHIFT_INTO_LAYER_NORM: Rule = Rule {
    name: "fold-shift-into-layer-norm",
    roots: &["nn.add"],
    creates: &["nn.expand"],
    apply: |rw, _, add| {
        for (y, beta) in add.operand_orders() {
            for norm in rw.ops(y, "nn.layer_norm") {
                let Some(beta) = over_normalized_dims(rw, beta, y, &norm) else { continue };
                let b = match norm.args.get(2) {
                    Some(&b) => rw.binary("nn.add", b, beta)?,
                    None => {
                        let shape = rw.static_shape(norm.args[1])?;
                        let shape = rw.i64s(&shape.iter().map(|&d| d as i64).collect::<Vec<_>>());
                        rw.binary("nn.expand", beta, shape)?
                    }
                };
                return rw.add(norm.sig.as_ref().clone(), &[norm.args[0], norm.args[1], b]);
            }
        }
        None
    },
};

// batch_norm(x, s, β, μ, σ²) ==> x · k + (β - μ·k)   with k = s/√(σ²+ε), both reshaped to [C, 1, ...]
pub static BATCH_NORM_TO_SCALE_SHIFT: Rule = Rule {
    name: "batch-norm-to-scale-shift",
    roots: &["nn.batch_norm"],
    creates: &["nn.reshape", "nn.sqrt"],
    apply: |rw, _, bn| {
        let [x, s, beta, mean, var] = bn.args[..] else { return None };
        if ![s, beta, mean, var].iter().all(|&c| rw.is_const(c)) {
            return None;
        }
        let shape = rw.static_shape(x)?;
        let mut channel_shape = vec![1i64; shape.len().checked_sub(1)?];
        channel_shape[0] = *shape.get(1)? as i64;
        let eps = rw.scalar_like(var, bn.sig.float("epsilon")?)?;
        let var_eps = rw.binary("nn.add", var, eps)?;
        let std = rw.unary("nn.sqrt", var_eps)?;
        let k = rw.binary("nn.div", s, std)?;
        let mean_k = rw.binary("nn.mul", mean, k)?;
        let shift = rw.binary("nn.sub", beta, mean_k)?;
        let (k, shift) = (rw.reshape(k, &channel_shape)?, rw.reshape(shift, &channel_shape)?);
        let scaled = rw.binary("nn.mul", x, k)?;
        rw.binary("nn.add", scaled, shift)
    },
};

/// For `1/√(v + ε)` (`divides`: the class is the divisor `√(v + ε)`, else `rsqrt(v + ε)` or
/// `1/√(v + ε)` as a factor): `(v + ε, ε)`.
fn reciprocal_sqrt_plus_eps(rw: &Rw<'_>, class: Id, divides: bool) -> Option<(Id, f64)> {
    let radicand = if divides {
        rw.op(class, "nn.sqrt")?.args[0]
    } else if let Some(rsqrt) = rw.op(class, "nn.rsqrt") {
        rsqrt.args[0]
    } else {
        rw.op(rw.op(class, "nn.reciprocal")?.args[0], "nn.sqrt")?.args[0]
    };
    let add = rw.op(radicand, "nn.add")?;
    add.operand_orders().into_iter().find_map(|(v, eps)| Some((v, rw.uniform(eps).filter(|e| *e > 0.0)?)))
}

/// For a `reduce_mean` over the trailing axes `[axis, rank)` with kept dims: `axis`.
fn trailing_mean_axis(rw: &Rw<'_>, mean: &super::OpNode) -> Option<usize> {
    let rank = rw.rank(mean.args[0])?;
    let axes: Vec<i64> = rw.data(*mean.args.get(1)?).values.as_ref()?.iter().map(|&a| a as i64).collect();
    let mut axes = normalize_axes(&axes, rank).ok()?;
    axes.sort_unstable();
    let first = *axes.first()?;
    let trailing = axes.iter().enumerate().all(|(i, &a)| a == first + i) && *axes.last()? == rank - 1;
    (trailing && mean.sig.int("keepdims")? == 1).then_some(first)
}

/// The axis of `class` holding `reduce_mean(x)` over trailing axes.
fn trailing_mean(rw: &Rw<'_>, class: Id, x: Id) -> Option<usize> {
    rw.ops(class, "nn.reduce_mean").iter().filter(|m| m.args[0] == x).find_map(|m| trailing_mean_axis(rw, m))
}

/// Whether `class` holds `d²` (`pow(d, 2)` or `d · d`).
fn is_square_of(rw: &Rw<'_>, class: Id, d: Id) -> bool {
    rw.ops(class, "nn.pow").iter().any(|p| p.args[0] == d && rw.is_value(p.args[1], 2.0))
        || rw.ops(class, "nn.mul").iter().any(|m| m.args[0] == d && m.args[1] == d)
}

/// `name(x, ones; axis, epsilon)` with a unit scale over the normalized dims.
fn normalized(rw: &mut Rw<'_>, name: &str, x: Id, axis: usize, eps: f64) -> Option<Id> {
    let shape = rw.static_shape(x)?;
    let normalized_shape = &shape[axis..];
    let count = normalized_shape.iter().product::<u64>() as usize;
    let ones = rw.floats_like(x, normalized_shape, &vec![1.0; count])?;
    let attrs = [("axis", Attribute::Int(axis as i64)), ("epsilon", Attribute::Float(eps))];
    rw.build(name, &attrs, &[x, ones])
}

/// A constant that varies only along the normalized dims of `norm` (whose result is `y`),
/// reshaped to the normalized shape's trailing dims so it combines with the scale and bias.
fn over_normalized_dims(rw: &mut Rw<'_>, c: Id, y: Id, norm: &super::OpNode) -> Option<Id> {
    if !rw.is_const(c) {
        return None;
    }
    let rank = rw.rank(y)?;
    let axis = msc_nn::shape::normalize_axis(norm.sig.int("axis")?, rank).ok()?;
    let shape = rw.static_shape(c)?;
    let leading = shape.len().saturating_sub(rank - axis);
    if shape[..leading].iter().any(|&d| d != 1) {
        return None;
    }
    let kept: Vec<i64> = shape[leading..].iter().map(|&d| d as i64).collect();
    if kept.len() == shape.len() { Some(c) } else { rw.reshape(c, &kept) }
}
