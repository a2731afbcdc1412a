//! Elementwise ops as steps of a fused op (the step grammar of `msc_nn_kernels::epilogue`), the
//! chain rule that gathers elementwise ops into one `nn.fused_elementwise`, and the helper the
//! conv and matmul epilogue rules share: appending a step to a fused op.

use super::{OpNode, Rule, Rw};
use egg::Id;
use msc_ir::Attribute;

pub const RULES: &[&Rule] = &[&FUSE_ELEMENTWISE_CHAIN];

/// The elementwise ops that have a step.
pub const STEP_OPS: &[&str] = &[
    "nn.relu",
    "nn.sigmoid",
    "nn.tanh",
    "nn.exp",
    "nn.neg",
    "nn.abs",
    "nn.sqrt",
    "nn.reciprocal",
    "nn.erf",
    "nn.silu",
    "nn.gelu",
    "nn.hard_swish",
    "nn.mish",
    "nn.softplus",
    "nn.hard_sigmoid",
    "nn.leaky_relu",
    "nn.elu",
    "nn.clip",
    "nn.add",
    "nn.sub",
    "nn.mul",
    "nn.div",
    "nn.max",
    "nn.min",
    "nn.pow",
];

/// A step applying `op` to the accumulator `acc`: its text with `$k` for the extra operand it
/// reads, and that operand. `None` when `op` has no step, does not take `acc` elementwise, or
/// would broadcast `acc` to a larger shape (`result` is `op`'s class).
pub fn step(rw: &Rw<'_>, op: &OpNode, acc: Id, result: Id, k: usize) -> Option<(String, Option<Id>)> {
    if rw.data(result).ty != rw.data(acc).ty {
        return None;
    }
    let short = op.name().strip_prefix("nn.")?;
    let float = |name| op.sig.float(name);
    match (op.name(), &op.args[..]) {
        ("nn.add" | "nn.sub" | "nn.mul" | "nn.div" | "nn.max" | "nn.min" | "nn.pow", &[a, b]) => {
            if a == acc {
                Some((format!("{short} ${k}"), Some(b)))
            } else if b == acc {
                Some((format!("{short} ${k} swap"), Some(a)))
            } else {
                None
            }
        }
        (_, [x]) if *x != acc => None,
        ("nn.clip", [_, bounds @ ..]) => {
            let bound = |i: usize, default: f64| match bounds.get(i) {
                None => Some(default),
                Some(&c) => rw.uniform(c),
            };
            let (lo, hi) = (bound(0, f64::NEG_INFINITY)?, bound(1, f64::INFINITY)?);
            Some((format!("clip {lo} {hi}"), None))
        }
        (_, [_]) => {
            let text = match op.name() {
                "nn.gelu" if op.sig.string("approximate")? == "tanh" => "gelu_tanh".to_string(),
                "nn.hard_sigmoid" => format!("hard_sigmoid {} {}", float("alpha")?, float("beta")?),
                "nn.leaky_relu" | "nn.elu" => format!("{short} {}", float("alpha")?),
                name if STEP_OPS.contains(&name) => short.to_string(),
                _ => return None,
            };
            Some((text, None))
        }
        _ => None,
    }
}

/// The steps attribute of a fused op (`epilogue`, or `steps` for `nn.fused_elementwise`).
pub fn steps_attr(fused: &OpNode) -> &'static str {
    if fused.name() == "nn.fused_elementwise" { "steps" } else { "epilogue" }
}

/// `fused` (a fused op in class `acc`) with `op` (applied to `acc`, giving `result`) appended to
/// its steps.
pub fn append_step(rw: &mut Rw<'_>, fused: &OpNode, op: &OpNode, acc: Id, result: Id) -> Option<Id> {
    let (text, extra) = step(rw, op, acc, result, fused.args.len())?;
    let name = steps_attr(fused);
    let mut steps: Vec<Attribute> = fused.sig.attr(name).and_then(|a| a.as_array()).unwrap_or_default().to_vec();
    steps.push(Attribute::string(text));
    let mut args = fused.args.clone();
    args.extend(extra);
    let mut changes = vec![(name, Some(Attribute::Array(steps)))];
    if matches!(fused.name(), "nn.fused_conv" | "nn.fused_conv_transpose") {
        changes.push(("operandSegmentSizes", Some(conv_segments(fused, args.len()))));
    }
    rw.add(fused.sig.with(&changes), &args)
}

/// `operandSegmentSizes` of a `nn.fused_conv` or `nn.fused_conv_transpose` with `count` operands: x, w, b when the original had
/// one, and the extras.
fn conv_segments(fused: &OpNode, count: usize) -> Attribute {
    let has_bias = match fused.sig.ints("operandSegmentSizes") {
        Some(segments) => segments.get(2).copied().unwrap_or(0),
        None => (fused.args.len() == 3) as i64,
    };
    Attribute::ints(&[1, 1, has_bias, count as i64 - 2 - has_bias])
}

// e₂(e₁(x, ...), ...) ==> fused_elementwise(x, ...; steps = [e₁, e₂])   (e₁ may already be fused)
pub static FUSE_ELEMENTWISE_CHAIN: Rule = Rule {
    name: "fuse-elementwise-chain",
    roots: STEP_OPS,
    creates: &["nn.fused_elementwise"],
    apply: |rw, class, outer| {
        let mut built = Vec::new();
        for acc in outer.args.clone() {
            for inner in rw.ops(acc, "nn.fused_elementwise") {
                built.extend(append_step(rw, &inner, outer, acc, class));
            }
            for &name in STEP_OPS {
                for inner in rw.ops(acc, name) {
                    let Some(start) = fused_from(rw, &inner, acc) else { continue };
                    for start in rw.ops(start, "nn.fused_elementwise") {
                        built.extend(append_step(rw, &start, outer, acc, class));
                    }
                }
            }
        }
        rw.alternatives(class, built)
    },
};

/// `op` (in class `result`) as a one-step `nn.fused_elementwise` whose first input is its first operand.
fn fused_from(rw: &mut Rw<'_>, op: &OpNode, result: Id) -> Option<Id> {
    let (text, extra) = step(rw, op, op.args[0], result, 1)?;
    let mut inputs = vec![op.args[0]];
    inputs.extend(extra);
    rw.build("nn.fused_elementwise", &[("steps", Attribute::Array(vec![Attribute::string(text)]))], &inputs)
}
