//! Activations from the primitive patterns frontends produce: gelu (erf and tanh forms),
//! silu/swish, hard_swish (two forms), mish.

use super::{Rule, Rw};
use egg::Id;
use msc_ir::Attribute;
use std::f64::consts::{FRAC_1_SQRT_2, PI, SQRT_2};

pub const RULES: &[&Rule] = &[&FUSE_SILU, &FUSE_GELU_ERF, &FUSE_GELU_TANH, &FUSE_HARD_SWISH, &FUSE_MISH];

// x · sigmoid(x) ==> silu(x)
pub static FUSE_SILU: Rule = Rule {
    name: "fuse-silu",
    roots: &["nn.mul"],
    creates: &["nn.silu"],
    apply: |rw, _, mul| {
        let (x, _) = mul.operand_orders().into_iter().find(|&(x, s)| unary_arg(rw, s, "nn.sigmoid") == Some(x))?;
        rw.unary("nn.silu", x)
    },
};

// x · 0.5 · (1 + erf(x / √2)) ==> gelu(x)
pub static FUSE_GELU_ERF: Rule = Rule {
    name: "fuse-gelu-erf",
    roots: &["nn.mul"],
    creates: &["nn.gelu"],
    apply: |rw, class, _| {
        for factors in products(rw, class) {
            let [a, b, c] = factors[..] else { continue };
            for (half, x, bracket) in [(a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)] {
                if rw.is_value(half, 0.5)
                    && let Some(erf) = one_plus(rw, bracket)
                    && let Some(arg) = unary_arg(rw, erf, "nn.erf")
                    && scaled_class(rw, arg, FRAC_1_SQRT_2) == Some(x)
                {
                    return rw.unary("nn.gelu", x);
                }
            }
        }
        None
    },
};

// 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))) ==> gelu(x; approximate = "tanh")
pub static FUSE_GELU_TANH: Rule = Rule {
    name: "fuse-gelu-tanh",
    roots: &["nn.mul"],
    creates: &["nn.gelu"],
    apply: |rw, class, _| {
        for factors in products(rw, class) {
            let [a, b, c] = factors[..] else { continue };
            for (half, x, bracket) in [(a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)] {
                if rw.is_value(half, 0.5)
                    && let Some(tanh) = one_plus(rw, bracket)
                    && let Some(arg) = unary_arg(rw, tanh, "nn.tanh")
                    && let Some(inner) = scaled_class(rw, arg, (2.0 / PI).sqrt())
                    && is_x_plus_cubic(rw, inner, x)
                {
                    return rw.build("nn.gelu", &[("approximate", Attribute::string("tanh"))], &[x]);
                }
            }
        }
        None
    },
};

// x · hard_sigmoid(x; 1/6, 0.5) ==> hard_swish(x);   x · clip(x + 3, 0, 6) / 6 ==> hard_swish(x)
pub static FUSE_HARD_SWISH: Rule = Rule {
    name: "fuse-hard-swish",
    roots: &["nn.mul", "nn.div"],
    creates: &["nn.hard_swish"],
    apply: |rw, class, root| {
        if root.name() == "nn.mul" {
            for (x, hs) in root.operand_orders() {
                if let Some(node) = rw.op(hs, "nn.hard_sigmoid")
                    && node.args[0] == x
                    && (node.sig.float("alpha")? - 1.0 / 6.0).abs() < 1e-6
                    && (node.sig.float("beta")? - 0.5).abs() < 1e-6
                {
                    return rw.unary("nn.hard_swish", x);
                }
            }
        }
        // x · relu6(x + 3) / 6, as a division by 6 or a product with 1/6.
        let candidates: Vec<Vec<Id>> = match root.name() {
            "nn.div" if rw.is_value(root.args[1], 6.0) => products(rw, root.args[0]),
            _ => products(rw, class)
                .into_iter()
                .filter_map(|f| {
                    let sixth = f.iter().position(|&c| rw.is_value(c, 1.0 / 6.0))?;
                    Some(f.iter().enumerate().filter(|&(i, _)| i != sixth).map(|(_, &c)| c).collect())
                })
                .collect(),
        };
        for factors in candidates {
            let [a, b] = factors[..] else { continue };
            for (x, relu6) in [(a, b), (b, a)] {
                let Some(clip) = rw.op(relu6, "nn.clip") else { continue };
                let [shifted, lo, hi] = clip.args[..] else { continue };
                let Some(add) = rw.op(shifted, "nn.add") else { continue };
                if rw.is_value(lo, 0.0)
                    && rw.is_value(hi, 6.0)
                    && add.operand_orders().iter().any(|&(y, three)| y == x && rw.is_value(three, 3.0))
                {
                    return rw.unary("nn.hard_swish", x);
                }
            }
        }
        None
    },
};

// x · tanh(softplus(x)) ==> mish(x)
pub static FUSE_MISH: Rule = Rule {
    name: "fuse-mish",
    roots: &["nn.mul"],
    creates: &["nn.mish"],
    apply: |rw, _, mul| {
        for (x, t) in mul.operand_orders() {
            if let Some(sp) = unary_arg(rw, t, "nn.tanh")
                && unary_arg(rw, sp, "nn.softplus") == Some(x)
            {
                return rw.unary("nn.mish", x);
            }
        }
        None
    },
};

/// The operand of a unary op `name` in `class`.
fn unary_arg(rw: &Rw<'_>, class: Id, name: &str) -> Option<Id> {
    rw.op(class, name).map(|n| n.args[0])
}

/// The factor lists of a product held by `class`: `[a, b]` for `a · b`, and one level deeper
/// `[a1, a2, b]` where a factor is itself a product.
pub fn products(rw: &Rw<'_>, class: Id) -> Vec<Vec<Id>> {
    let mut out = Vec::new();
    for mul in rw.ops(class, "nn.mul") {
        let [a, b] = mul.args[..] else { continue };
        out.push(vec![a, b]);
        for (inner, other) in [(a, b), (b, a)] {
            for nested in rw.ops(inner, "nn.mul") {
                out.push(vec![nested.args[0], nested.args[1], other]);
            }
        }
    }
    out
}

/// `t` if `class` holds `1 + t` (or `t + 1`).
fn one_plus(rw: &Rw<'_>, class: Id) -> Option<Id> {
    let add = rw.op(class, "nn.add")?;
    add.operand_orders().into_iter().find(|&(one, _)| rw.is_value(one, 1.0)).map(|(_, t)| t)
}

/// `x` if `class` holds `x · k`, `k · x` or `x / (1/k)` for the constant `k`.
fn scaled_class(rw: &Rw<'_>, class: Id, k: f64) -> Option<Id> {
    if let Some(mul) = rw.op(class, "nn.mul")
        && let Some((x, _)) = mul.operand_orders().into_iter().find(|&(_, c)| rw.is_value(c, k))
    {
        return Some(x);
    }
    let div = rw.op(class, "nn.div")?;
    (rw.is_value(div.args[1], 1.0 / k) || (k == FRAC_1_SQRT_2 && rw.is_value(div.args[1], SQRT_2)))
        .then_some(div.args[0])
}

/// Whether `class` holds `x + 0.044715 · x³` (x³ as `pow(x, 3)` or `x · x · x`).
fn is_x_plus_cubic(rw: &Rw<'_>, class: Id, x: Id) -> bool {
    let Some(add) = rw.op(class, "nn.add") else { return false };
    add.operand_orders().into_iter().any(|(y, cubic_term)| {
        y == x
            && scaled_class(rw, cubic_term, 0.044715).is_some_and(|cube| {
                rw.ops(cube, "nn.pow").iter().any(|p| p.args[0] == x && rw.is_value(p.args[1], 3.0))
                    || products(rw, cube).iter().any(|f| f.len() == 3 && f.iter().all(|&c| c == x))
            })
    })
}
