//! Building an imported function, the same way in every frontend: constants and small helpers on a
//! [`Builder`], import-time folding of each node's ops (so later nodes see constant operands and
//! static shapes), `--input-shape` overrides, inputs frozen to constants (`--freeze-input`), a stable
//! topological order, function names, and the final signature, name attributes and verification.

use msc_ir::rewrite::{is_trivially_dead, try_fold};
use msc_ir::{
    Attribute, BlockId, Builder, Context, DenseAttr, Dim, ElementType, FunctionType, OpId, TensorType, Traits, Type,
    Value,
};
use msc_nn::fold::fold_with_interpreter;
use msc_nn::interp::{check_value, dense_from_tensor};
use msc_nn::ops::{Cast, Constant};
use msc_nn_kernels::Tensor;
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

/// A model's inputs split into the imported function's arguments and the inputs frozen to given
/// values, which become constants so that shape inference and folding see them.
pub struct FrozenInputs {
    names: Vec<String>,
    types: Vec<Type>,
    /// For each input, its value when it is frozen.
    frozen: Vec<Option<DenseAttr>>,
}

/// Freezes the inputs `values` names to those values. `names` and `types` are the model's
/// inputs as declared (after `--input-shape`); `is_named(wanted, i)` says whether `wanted` names
/// input `i`. A value must have the input's element type and a shape its declared shape admits.
/// The error is the input's name (as given) and why.
pub fn freeze_inputs(
    names: Vec<String>,
    types: Vec<Type>,
    values: &[(String, Tensor)],
    is_named: impl Fn(&str, usize) -> bool,
) -> Result<FrozenInputs, (String, String)> {
    let mut frozen = vec![None; names.len()];
    for (wanted, value) in values {
        let fail = |reason: String| (wanted.clone(), reason);
        let i = (0..names.len())
            .find(|&i| is_named(wanted, i))
            .ok_or_else(|| fail("is not an input of the model (--freeze-input)".into()))?;
        if frozen[i].is_some() {
            return Err(fail("is frozen twice (--freeze-input)".into()));
        }
        check_value(&types[i], value, &mut HashMap::new())
            .map_err(|reason| fail(format!("cannot be frozen to the given value: {reason}")))?;
        frozen[i] = Some(dense_from_tensor(value));
    }
    Ok(FrozenInputs { names, types, frozen })
}

impl FrozenInputs {
    /// The names of the inputs that stay function arguments, in order.
    pub fn argument_names(&self) -> Vec<String> {
        self.arguments().map(|i| self.names[i].clone()).collect()
    }

    /// The types of the inputs that stay function arguments, in order.
    pub fn argument_types(&self) -> Vec<Type> {
        self.arguments().map(|i| self.types[i].clone()).collect()
    }

    fn arguments(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.names.len()).filter(|&i| self.frozen[i].is_none())
    }

    /// The value of every input, in order: the function's `arguments` (one per input that stays an
    /// argument) and, for each frozen input, a constant built with `b`.
    pub fn values(&self, b: &mut Builder<'_>, arguments: &[Value]) -> Result<Vec<Value>, String> {
        let mut arguments = arguments.iter();
        self.frozen
            .iter()
            .map(|frozen| match frozen {
                Some(value) => dense(b, value.clone()),
                None => arguments.next().copied().ok_or_else(|| "the function has too few arguments".to_string()),
            })
            .collect()
    }
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
    fn frozen_inputs_become_constants_and_leave_the_signature() {
        use msc_nn_kernels::Data;
        let ty = |shape: &[Dim], e| Type::Tensor(TensorType::new(shape.to_vec(), e));
        let names = vec!["x".to_string(), "shape".to_string()];
        let types =
            vec![ty(&[Dim::Static(2), Dim::Static(3)], ElementType::F32), ty(&[Dim::symbol("n")], ElementType::I64)];
        let shape = Tensor::new(vec![2], Data::I64(vec![3, 2])).unwrap();
        let freeze = |value: &Tensor, wanted: &str| {
            let names = names.clone();
            freeze_inputs(names.clone(), types.clone(), &[(wanted.to_string(), value.clone())], |w, i| w == names[i])
        };
        let inputs = freeze(&shape, "shape").unwrap();
        assert_eq!(inputs.argument_names(), vec!["x".to_string()]);
        assert_eq!(inputs.argument_types(), vec![types[0].clone()]);
        let mut ctx = Context::new(std::sync::Arc::new(msc_nn::standard_registry()));
        let module = msc_builtin::create_module(&mut ctx);
        let func = msc_builtin::append_func(&mut ctx, module, "main", inputs.argument_types(), vec![]);
        let block = msc_builtin::body(&ctx, func);
        let arguments = ctx.block_args(block).to_vec();
        let mut b = Builder::at_end(&mut ctx, block);
        let values = inputs.values(&mut b, &arguments).unwrap();
        assert_eq!(values[0], arguments[0]);
        assert_eq!(constant(&ctx, values[1]).and_then(|d| d.to_i64s()), Some(vec![3, 2]));

        let wrong_type = Tensor::new(vec![2], Data::I32(vec![3, 2])).unwrap();
        let (name, reason) = freeze(&wrong_type, "shape").err().unwrap();
        assert_eq!(name, "shape");
        assert!(reason.contains("element type"), "{reason}");
        let transposed = Tensor::new(vec![3, 2], Data::F32(vec![0.0; 6])).unwrap();
        let (_, reason) = freeze(&transposed, "x").err().unwrap();
        assert!(reason.contains("expected shape [2, 3]"), "{reason}");
        let (name, reason) = freeze(&shape, "y").err().unwrap();
        assert_eq!(name, "y");
        assert!(reason.contains("not an input"), "{reason}");
    }

    #[test]
    fn function_names_are_symbols() {
        assert_eq!(function_name("my graph-1"), "my_graph_1");
        assert_eq!(function_name(""), "main");
        assert_eq!(function_name("1x"), "_1x");
    }
}
