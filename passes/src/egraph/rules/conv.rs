//! Convolution rules: per-channel bias and scale and batch norm folded into the weights, zero
//! padding folded into the conv's pads, a 1x1 conv after a conv merged into one, and (with the
//! fused ops) activations and residual adds into `nn.fused_conv`'s and `nn.fused_conv_transpose`'s epilogues.

use super::elementwise::{STEP_OPS, append_step};
use super::{OpNode, Rule, Rw};
use egg::Id;
use msc_ir::Attribute;

pub const RULES: &[&Rule] = &[
    &FUSE_CONV_ADD_BIAS,
    &FUSE_CONV_BATCH_NORM,
    &FUSE_CONV_MUL_SCALE,
    &FUSE_PAD_INTO_CONV,
    &FUSE_CONV_1X1_AFTER_CONV,
    &FUSE_CONV_EPILOGUE,
    &FUSE_CONV_TRANSPOSE_EPILOGUE,
];

/// The parts of an `nn.conv` e-node.
struct Conv {
    x: Id,
    w: Id,
    b: Option<Id>,
    /// Output channels.
    m: u64,
    /// Rank of the weight (and of the result).
    rank: usize,
}

fn conv(rw: &Rw<'_>, node: &OpNode) -> Option<Conv> {
    let w = *node.args.get(1)?;
    let w_shape = rw.static_shape(w)?;
    Some(Conv { x: node.args[0], w, b: node.args.get(2).copied(), m: w_shape[0], rank: w_shape.len() })
}

/// A constant `c` that broadcasts against an N x M x ... conv result (of rank `rank`) with one
/// value per channel, or one value for all, as an `[M]` vector; `None` for anything else.
fn per_channel(rw: &mut Rw<'_>, c: Id, m: u64, rank: usize) -> Option<Id> {
    if !rw.is_const(c) {
        return None;
    }
    let shape = rw.static_shape(c)?;
    if shape.len() > rank {
        return None;
    }
    let mut padded = vec![1u64; rank - shape.len()];
    padded.extend(&shape);
    if padded[0] != 1 || padded[2..].iter().any(|&d| d != 1) {
        return None;
    }
    match padded[1] {
        d if d == m => rw.reshape(c, &[m as i64]),
        1 => {
            let one = rw.reshape(c, &[1])?;
            let shape = rw.i64s(&[m as i64]);
            rw.binary("nn.expand", one, shape)
        }
        _ => None,
    }
}

/// `v` (an `[M]` vector) shaped `[M, 1, ..., 1]` to scale a weight of rank `rank` per output channel.
fn along_output_channels(rw: &mut Rw<'_>, v: Id, m: u64, rank: usize) -> Option<Id> {
    let mut shape = vec![1i64; rank];
    shape[0] = m as i64;
    rw.reshape(v, &shape)
}

/// The conv `node` with operands `args` (attributes kept).
fn rebuild(rw: &mut Rw<'_>, node: &OpNode, args: &[Id]) -> Option<Id> {
    rw.add(node.sig.as_ref().clone(), args)
}

// add(conv(x, w, b), c) ==> conv(x, w, b + c)   for a per-channel constant c
pub static FUSE_CONV_ADD_BIAS: Rule = Rule {
    name: "fuse-conv-add-bias",
    roots: &["nn.add"],
    creates: &["nn.reshape", "nn.expand"],
    apply: |rw, _, add| {
        for (y, c) in add.operand_orders() {
            for node in rw.ops(y, "nn.conv") {
                let Some(cv) = conv(rw, &node) else { continue };
                let Some(bias) = per_channel(rw, c, cv.m, cv.rank) else { continue };
                let bias = match cv.b {
                    Some(b) => rw.binary("nn.add", b, bias)?,
                    None => bias,
                };
                return rebuild(rw, &node, &[cv.x, cv.w, bias]);
            }
        }
        None
    },
};

// conv(x, w, b) -> batch_norm(s, β, μ, σ²) ==> conv(x, w·s/√(σ²+ε), (b-μ)·s/√(σ²+ε)+β)
pub static FUSE_CONV_BATCH_NORM: Rule = Rule {
    name: "fuse-conv-batch-norm",
    roots: &["nn.batch_norm"],
    creates: &["nn.reshape", "nn.sqrt"],
    apply: |rw, _, bn| {
        let [y, s, beta, mean, var] = bn.args[..] else { return None };
        if ![s, beta, mean, var].iter().all(|&c| rw.is_const(c)) {
            return None;
        }
        let node = rw.op(y, "nn.conv")?;
        let cv = conv(rw, &node)?;
        let eps = rw.scalar_like(var, bn.sig.float("epsilon")?)?;
        let var_eps = rw.binary("nn.add", var, eps)?;
        let std = rw.unary("nn.sqrt", var_eps)?;
        let k = rw.binary("nn.div", s, std)?;
        let k_w = along_output_channels(rw, k, cv.m, cv.rank)?;
        let w = rw.binary("nn.mul", cv.w, k_w)?;
        let centered = match cv.b {
            Some(b) => rw.binary("nn.sub", b, mean)?,
            None => rw.unary("nn.neg", mean)?,
        };
        let scaled = rw.binary("nn.mul", centered, k)?;
        let b = rw.binary("nn.add", scaled, beta)?;
        rebuild(rw, &node, &[cv.x, w, b])
    },
};

// mul(conv(x, w, b), c) ==> conv(x, w·c, b·c)   for a per-channel constant c
pub static FUSE_CONV_MUL_SCALE: Rule = Rule {
    name: "fuse-conv-mul-scale",
    roots: &["nn.mul"],
    creates: &["nn.reshape", "nn.expand"],
    apply: |rw, _, mul| {
        for (y, c) in mul.operand_orders() {
            for node in rw.ops(y, "nn.conv") {
                let Some(cv) = conv(rw, &node) else { continue };
                let Some(k) = per_channel(rw, c, cv.m, cv.rank) else { continue };
                let k_w = along_output_channels(rw, k, cv.m, cv.rank)?;
                let w = rw.binary("nn.mul", cv.w, k_w)?;
                let mut args = vec![cv.x, w];
                if let Some(b) = cv.b {
                    args.push(rw.binary("nn.mul", b, k)?);
                }
                return rebuild(rw, &node, &args);
            }
        }
        None
    },
};

// conv(pad(x, p, 0), w, b) ==> conv(x, w, b; pads += spatial part of p)   (constant mode, zero)
pub static FUSE_PAD_INTO_CONV: Rule = Rule {
    name: "fuse-pad-into-conv",
    roots: &["nn.conv"],
    creates: &[],
    apply: |rw, _, node| {
        let padded = node.args[0];
        let pad = rw.op(padded, "nn.pad")?;
        // Operand segments: data, pads, constant_value?, axes? (axes must be absent).
        let segments = pad.sig.ints("operandSegmentSizes").unwrap_or(vec![1, 1, 0, 0]);
        let zero_fill = match (segments.get(2), pad.args.get(2)) {
            (Some(1), Some(&v)) => rw.is_value(v, 0.0),
            _ => true,
        };
        if pad.sig.string("mode")? != "constant" || !zero_fill || segments.get(3).is_some_and(|&n| n != 0) {
            return None;
        }
        if node.sig.string("auto_pad")? != "NOTSET" {
            return None;
        }
        let rank = rw.rank(padded)?;
        let p: Vec<i64> = rw.data(pad.args[1]).values.as_ref()?.iter().map(|&v| v as i64).collect();
        let spatial = rank.checked_sub(2)?;
        if p.len() != 2 * rank || p.iter().any(|&v| v < 0) || p[0] != 0 || p[1] != 0 || p[rank] != 0 || p[rank + 1] != 0
        {
            return None;
        }
        let old = node.sig.ints("pads").unwrap_or(vec![0; 2 * spatial]);
        let pads: Vec<i64> = (0..2 * spatial)
            .map(|i| old[i] + if i < spatial { p[2 + i] } else { p[rank + 2 + (i - spatial)] })
            .collect();
        let sig = node.sig.with(&[("pads", Some(Attribute::ints(&pads)))]);
        let mut args = node.args.clone();
        args[0] = pad.args[0];
        rw.add(sig, &args)
    },
};

// conv₂(conv₁(x, w₁, b₁), w₂ 1x1, b₂) ==> conv₁(x, w₂·w₁, w₂·b₁ + b₂)   (group 1, stride 1, no pads on conv₂)
pub static FUSE_CONV_1X1_AFTER_CONV: Rule = Rule {
    name: "fuse-conv-1x1-after-conv",
    roots: &["nn.conv"],
    creates: &["nn.reshape", "nn.matmul"],
    apply: |rw, _, second| {
        let outer = conv(rw, second)?;
        let w2_shape = rw.static_shape(outer.w)?;
        let pointwise = w2_shape[2..].iter().all(|&k| k == 1)
            && second.sig.int("group")? == 1
            && second.sig.ints("strides").is_none_or(|s| s.iter().all(|&v| v == 1))
            && second.sig.ints("pads").is_none_or(|p| p.iter().all(|&v| v == 0))
            && matches!(second.sig.string("auto_pad")?.as_str(), "NOTSET" | "VALID");
        if !pointwise || !rw.is_const(outer.w) {
            return None;
        }
        let first = rw.op(outer.x, "nn.conv")?;
        let inner = conv(rw, &first)?;
        let w1_shape = rw.static_shape(inner.w)?;
        if first.sig.int("group")? != 1 || !rw.is_const(inner.w) || w2_shape[1] != inner.m {
            return None;
        }
        let (m2, m1) = (outer.m as i64, inner.m as i64);
        let w2 = rw.reshape(outer.w, &[m2, m1])?;
        let per_filter: u64 = w1_shape[1..].iter().product();
        let w1 = rw.reshape(inner.w, &[m1, per_filter as i64])?;
        let product = rw.binary("nn.matmul", w2, w1)?;
        let mut shape: Vec<i64> = w1_shape.iter().map(|&d| d as i64).collect();
        shape[0] = m2;
        let w = rw.reshape(product, &shape)?;
        let mut args = vec![inner.x, w];
        let bias_in = match inner.b {
            Some(b1) => {
                let column = rw.reshape(b1, &[m1, 1])?;
                let mixed = rw.binary("nn.matmul", w2, column)?;
                Some(rw.reshape(mixed, &[m2])?)
            }
            None => None,
        };
        match (bias_in, outer.b) {
            (Some(a), Some(b)) => args.push(rw.binary("nn.add", a, b)?),
            (Some(a), None) | (None, Some(a)) => args.push(a),
            (None, None) => {}
        }
        rebuild(rw, &first, &args)
    },
};

// e(conv(x, w, b), r...) ==> fused_conv(x, w, b, r...; epilogue = [..., e])   (activations, residual adds; extras in NCHW only)
pub static FUSE_CONV_EPILOGUE: Rule = Rule {
    name: "fuse-conv-epilogue",
    roots: STEP_OPS,
    creates: &["nn.fused_conv"],
    apply: |rw, class, op| {
        let mut built = Vec::new();
        for acc in op.args.clone() {
            for fused in rw.ops(acc, "nn.fused_conv") {
                // Extra operands broadcast against the stored layout: only NCHW takes them as is.
                if fused.sig.string("layout").as_deref() == Some("NCHW") || op.args.len() == 1 {
                    built.extend(append_step(rw, &fused, op, acc, class));
                }
            }
            for node in rw.ops(acc, "nn.conv") {
                if let Some(fused) = as_fused_conv(rw, &node) {
                    built.extend(append_step(rw, &fused, op, acc, class));
                }
            }
        }
        rw.alternatives(class, built)
    },
};

// e(conv_transpose(x, w, b), r...) ==> fused_conv_transpose(x, w, b, r...; epilogue = [..., e])   (NCHW)
pub static FUSE_CONV_TRANSPOSE_EPILOGUE: Rule = Rule {
    name: "fuse-conv-transpose-epilogue",
    roots: STEP_OPS,
    creates: &["nn.fused_conv_transpose"],
    apply: |rw, class, op| {
        let mut built = Vec::new();
        for acc in op.args.clone() {
            for fused in rw.ops(acc, "nn.fused_conv_transpose") {
                built.extend(append_step(rw, &fused, op, acc, class));
            }
            for node in rw.ops(acc, "nn.conv_transpose") {
                if let Some(fused) = fused_form(rw, &node, "nn.fused_conv_transpose") {
                    built.extend(append_step(rw, &fused, op, acc, class));
                }
            }
        }
        rw.alternatives(class, built)
    },
};

/// The conv `node` as an `nn.fused_conv` in NCHW with an empty epilogue (not added to the e-graph).
pub fn as_fused_conv(rw: &Rw<'_>, node: &OpNode) -> Option<OpNode> {
    fused_form(rw, node, "nn.fused_conv")
}

/// `node` (a conv or transposed conv) as the fused op `fused` with its attributes, its operands (x, w and
/// the bias if any) and an empty epilogue (not added to the e-graph).
fn fused_form(rw: &Rw<'_>, node: &OpNode, fused: &str) -> Option<OpNode> {
    let def = rw.egraph.analysis.registry.op(fused)?;
    let has_bias = node.args.len() as i64 - 2;
    let mut attrs = node.sig.attrs.clone();
    attrs.insert("operandSegmentSizes".into(), Attribute::ints(&[1, 1, has_bias, 0]));
    let sig = super::super::lang::OpSig { def, attrs, result: 0 };
    Some(OpNode { sig: std::sync::Arc::new(sig), args: node.args.clone() })
}
