//! Building an imported function, the same way in every frontend: constants and small helpers on a
//! [`Builder`], import-time folding of each node's ops (so later nodes see constant operands and
//! static shapes), `--input-shape` overrides, a stable topological order, function names, and the
//! final signature, name attributes and verification.

use msc_ir::rewrite::{is_trivially_dead, try_fold};
use msc_ir::{
    Attribute, BlockId, Builder, Context, DenseAttr, Dim, ElementType, FunctionType, OpId, TensorType, Traits, Type,
    Value,
};
use msc_nn::fold::fold_with_interpreter;
use msc_nn::ops::{Cast, Constant};
use std::collections::{BTreeSet, HashMap};

/// The largest result, in bytes, that import-time folding evaluates with the interpreter.
pub const FOLD_MAX_BYTES: u64 = 1 << 20;

/// The tensor type of `v`.
pub fn tensor_type(ctx: &Context, v: Value) -> Result<TensorType, String> {
    let ty = ctx.value_type(v);
    ty.as_tensor().cloned().ok_or_else(|| format!("expected a tensor, got {ty}"))
}

/// The values of `v` when it is defined by a constant (and not elided).
pub fn constant(ctx: &Context, v: Value) -> Option<&DenseAttr> {
    let op = ctx.op(ctx.defining_op(v)?);
    op.has_trait(Traits::CONSTANT_LIKE).then(|| op.raw_attr("value")?.as_dense()).flatten().filter(|d| !d.is_elided())
}

/// A constant holding `dense`.
pub fn dense(b: &mut Builder<'_>, dense: DenseAttr) -> Result<Value, String> {
    Constant::new().value(dense).build_value(b)
}

/// A 1-D i64 constant.
pub fn i64s(b: &mut Builder<'_>, values: &[i64]) -> Result<Value, String> {
    dense(b, DenseAttr::from_i64s(TensorType::of(&[values.len() as u64], ElementType::I64), values)?)
}

/// A constant of `element` with `shape`, every element `value`.
pub fn filled(b: &mut Builder<'_>, element: ElementType, shape: &[u64], value: f64) -> Result<Value, String> {
    let ty = TensorType::of(shape, element);
    let count = ty.num_elements().unwrap_or(0) as usize;
    dense(b, DenseAttr::from_f64s(ty, &vec![value; count])?)
}

/// A rank-0 constant of `element`.
pub fn scalar(b: &mut Builder<'_>, element: ElementType, value: f64) -> Result<Value, String> {
    filled(b, element, &[], value)
}

/// `v` converted to `to` (itself when it already has that element type).
pub fn cast(b: &mut Builder<'_>, v: Value, to: ElementType) -> Result<Value, String> {
    if tensor_type(b.ctx_ref(), v)?.element == to { Ok(v) } else { Cast::new(v).to(Type::Element(to)).build_value(b) }
}

/// Folds the ops appended to `block` after `last` (all of them when `None`), in order, so that
/// later nodes see constant operands and static shapes: through the op's folder, else with the
/// interpreter when all operands are constants and each result is at most [`FOLD_MAX_BYTES`].
/// Returns `outputs` after folding; records the defining ops of folded ops' operands in
/// `operand_defs` (erase them at the end with [`finish_function`] when nothing uses them).
pub fn fold_new_ops(
    ctx: &mut Context,
    block: BlockId,
    last: Option<OpId>,
    outputs: &[Value],
    operand_defs: &mut Vec<OpId>,
) -> Result<Vec<Value>, String> {
    let mut next = match last {
        Some(op) => ctx.next_op(op),
        None => ctx.block_ops(block).next(),
    };
    let mut new_ops = Vec::new();
    while let Some(op) = next {
        new_ops.push(op);
        next = ctx.next_op(op);
    }
    let mut replaced: HashMap<Value, Value> = HashMap::new();
    for op in new_ops {
        if !ctx.is_live(op) {
            continue;
        }
        let view = ctx.op(op);
        let results = view.results().to_vec();
        let defs: Vec<OpId> = view.operands().iter().filter_map(|&v| ctx.defining_op(v)).collect();
        let folded = match try_fold(ctx, op)? {
            Some(values) => Some(values),
            None => fold_with_interpreter(ctx, op, FOLD_MAX_BYTES)?,
        };
        if let Some(values) = folded {
            replaced.extend(results.into_iter().zip(values));
            operand_defs.extend(defs);
        }
    }
    Ok(outputs
        .iter()
        .map(|&v| {
            let mut v = v;
            while let Some(&w) = replaced.get(&v) {
                v = w;
            }
            v
        })
        .collect())
}

/// A graph name as a function symbol: letters, digits and `_`, never empty.
pub fn function_name(name: &str) -> String {
    let mut out: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if out.is_empty() {
        out = "main".into();
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Applies an `--input-shape` override: -1 keeps the declared dim (or makes a fresh symbol).
pub fn override_shape(ctx: &Context, declared: Option<&[Dim]>, wanted: &[i64]) -> Result<Vec<Dim>, String> {
    if let Some(declared) = declared
        && declared.len() != wanted.len()
    {
        return Err(format!("has rank {} but the override {wanted:?} has rank {}", declared.len(), wanted.len()));
    }
    wanted
        .iter()
        .enumerate()
        .map(|(i, &w)| match w {
            -1 => Ok(declared.map_or_else(|| Dim::Symbol(ctx.fresh_symbol()), |d| d[i].clone())),
            w if w < 0 => Err(format!("the override {wanted:?} has a negative dim {w}")),
            w => Ok(Dim::Static(w as u64)),
        })
        .collect()
}

/// A topological order of nodes given, for each node, the nodes it depends on: the given order
/// when it already is one, else Kahn's algorithm taking ready nodes in the given order. On a cycle,
/// `Err` holds a node on it (or depending on one).
pub fn topological_order(deps: &[Vec<usize>]) -> Result<Vec<usize>, usize> {
    if deps.iter().enumerate().all(|(i, d)| d.iter().all(|&p| p < i)) {
        return Ok((0..deps.len()).collect());
    }
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); deps.len()];
    let mut pending: Vec<usize> = deps.iter().map(Vec::len).collect();
    for (i, d) in deps.iter().enumerate() {
        for &p in d {
            users[p].push(i);
        }
    }
    let mut ready: BTreeSet<usize> = (0..deps.len()).filter(|&i| pending[i] == 0).collect();
    let mut order = Vec::with_capacity(deps.len());
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &u in &users[i] {
            pending[u] -= 1;
            if pending[u] == 0 {
                ready.insert(u);
            }
        }
    }
    match (0..deps.len()).find(|&i| pending[i] > 0) {
        None => Ok(order),
        Some(i) => Err(i),
    }
}

/// The names of an imported function's inputs and outputs in the source framework.
pub struct SignatureNames<'a> {
    /// The attribute prefix: `onnx` gives `onnx.input_names` and `onnx.output_names`.
    pub prefix: &'a str,
    pub inputs: &'a [String],
    pub outputs: &'a [String],
}

/// Finishes an imported function whose body ends with its `func.return` of `results`: erases the
/// ops in `folded_operands` nothing uses any more, sets the function type and the name
/// attributes, and verifies the module. The error is the verifier's diagnostics.
pub fn finish_function(
    ctx: &mut Context,
    module: OpId,
    func: OpId,
    input_types: Vec<Type>,
    results: &[Value],
    folded_operands: &[OpId],
    names: SignatureNames<'_>,
) -> Result<(), String> {
    for &op in folded_operands.iter().rev() {
        if ctx.is_live(op) && is_trivially_dead(ctx, op) {
            ctx.erase_op(op);
        }
    }
    let result_types = results.iter().map(|&v| ctx.value_type(v).clone()).collect();
    ctx.set_attr(
        func,
        "function_type",
        Attribute::Type(Type::Function(FunctionType { inputs: input_types, results: result_types })),
    );
    let strings = |names: &[String]| Attribute::Array(names.iter().map(|n| Attribute::string(n.as_str())).collect());
    ctx.set_attr(func, format!("{}.input_names", names.prefix), strings(names.inputs));
    ctx.set_attr(func, format!("{}.output_names", names.prefix), strings(names.outputs));
    msc_ir::verifier::verify(ctx, module)
        .map_err(|diagnostics| diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topological_order_keeps_sorted_input_and_finds_cycles() {
        assert_eq!(topological_order(&[vec![], vec![0], vec![0, 1]]), Ok(vec![0, 1, 2]));
        assert_eq!(topological_order(&[vec![1], vec![], vec![0]]), Ok(vec![1, 0, 2]));
        assert_eq!(topological_order(&[vec![], vec![2], vec![1]]), Err(1));
    }

    #[test]
    fn function_names_are_symbols() {
        assert_eq!(function_name("my graph-1"), "my_graph_1");
        assert_eq!(function_name(""), "main");
        assert_eq!(function_name("1x"), "_1x");
    }
}
