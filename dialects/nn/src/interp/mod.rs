//! The reference interpreter: executes an `nn` function on host tensors, op by op, through the
//! reference kernels of `msc-nn-kernels`. Simple and obviously correct: it is the oracle for every
//! backend and the engine of constant folding.
//!
//! Each op family registers its evaluators in a table (one file per family, mirroring `ops/`).

mod constant;
mod conv;
mod elementwise;
mod fused;
mod indexing;
mod linalg;
mod misc;
mod movement;
mod normalize;
mod pool;
mod reduce;
mod resize;

use msc_builtin::func;
use msc_ir::{Attribute, Context, DenseAttr, Dim, ElementType, Location, OpId, OpRef, TensorType, Type, Value};
use msc_nn_kernels::{DType, Data, Tensor};
use std::collections::HashMap;
use std::sync::OnceLock;

/// An interpreter failure, naming the op and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct InterpError {
    pub op: String,
    pub loc: Location,
    pub message: String,
}

impl std::fmt::Display for InterpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: '{}': {}", self.loc, self.op, self.message)
    }
}

impl std::error::Error for InterpError {}

/// Computes an op's results from its evaluated operands.
pub type EvalFn = fn(&Eval<'_>) -> Result<Vec<Tensor>, String>;

/// The results of a single-result kernel, as evaluators return them.
pub(crate) fn single(result: msc_nn_kernels::Result<Tensor>) -> Result<Vec<Tensor>, String> {
    result.map(|t| vec![t]).map_err(|e| e.0)
}

/// What an evaluator sees: the op (for attributes) and its operand tensors.
pub struct Eval<'a> {
    pub op: OpRef<'a>,
    inputs: &'a [&'a Tensor],
}

impl<'a> Eval<'a> {
    /// Operand `i`.
    pub fn input(&self, i: usize) -> Result<&'a Tensor, String> {
        self.inputs.get(i).copied().ok_or_else(|| format!("missing operand #{i}"))
    }

    pub fn inputs(&self) -> &'a [&'a Tensor] {
        self.inputs
    }

    /// The operands of slot `name` (empty for an absent optional operand).
    pub fn group(&self, name: &str) -> Result<Vec<&'a Tensor>, String> {
        let slot = self
            .op
            .def()
            .operands
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| format!("no operand slot `{name}`"))?;
        let ranges = self.op.operand_segments()?;
        Ok(self.inputs[ranges[slot].clone()].to_vec())
    }

    /// The operand of slot `name`, if present.
    pub fn named(&self, name: &str) -> Result<Option<&'a Tensor>, String> {
        Ok(self.group(name)?.first().copied())
    }

    /// The operand of slot `name` read as integers (for shape, axes, pads, ... operands).
    pub fn named_ints(&self, name: &str) -> Result<Option<Vec<i64>>, String> {
        Ok(self.named(name)?.map(Tensor::to_i64))
    }

    /// The element type of result `i` as a kernel dtype.
    pub fn result_dtype(&self, i: usize) -> Result<DType, String> {
        let ty = self.op.result_type(i);
        ty.element().map(dtype).ok_or_else(|| format!("result #{i} has non-tensor type {ty}"))
    }
}

mod families {
    use super::EvalFn;
    /// Every family's evaluator table.
    pub(super) fn tables() -> Vec<&'static [(&'static str, EvalFn)]> {
        vec![
            super::constant::TABLE,
            super::elementwise::TABLE,
            super::reduce::TABLE,
            super::normalize::TABLE,
            super::misc::TABLE,
            super::conv::TABLE,
            super::indexing::TABLE,
            super::linalg::TABLE,
            super::movement::TABLE,
            super::pool::TABLE,
            super::resize::TABLE,
            super::fused::TABLE,
        ]
    }
}

fn evaluators() -> &'static HashMap<&'static str, EvalFn> {
    static TABLE: OnceLock<HashMap<&'static str, EvalFn>> = OnceLock::new();
    TABLE.get_or_init(|| families::tables().into_iter().flatten().copied().collect())
}

/// Whether the interpreter can execute ops named `name`.
pub fn supports(name: &str) -> bool {
    evaluators().contains_key(name)
}

/// Evaluates one op on given operand tensors.
pub fn eval_op(ctx: &Context, op: OpId, inputs: &[&Tensor]) -> Result<Vec<Tensor>, InterpError> {
    let view = ctx.op(op);
    let fail = |message: String| InterpError { op: view.name().to_string(), loc: view.loc().clone(), message };
    let eval = evaluators()
        .get(view.name())
        .ok_or_else(|| fail("the reference interpreter has no kernel for this op".into()))?;
    let results = eval(&Eval { op: view, inputs }).map_err(fail)?;
    if results.len() != view.results().len() {
        return Err(fail(format!("kernel produced {} results, the op has {}", results.len(), view.results().len())));
    }
    for (i, (t, &v)) in results.iter().zip(view.results()).enumerate() {
        check_value(ctx.value_type(v), t, &mut HashMap::new()).map_err(|e| fail(format!("result #{i}: {e}")))?;
    }
    Ok(results)
}

/// Runs the `func.func` op `func` on `inputs` and returns its results.
pub fn run_function(ctx: &Context, func_op: OpId, inputs: &[Tensor]) -> Result<Vec<Tensor>, InterpError> {
    let view = ctx.op(func_op);
    let fail = |message: String| InterpError { op: view.name().to_string(), loc: view.loc().clone(), message };
    let sig = func::signature(view).map_err(fail)?;
    if inputs.len() != sig.inputs.len() {
        return Err(fail(format!("takes {} inputs, {} given", sig.inputs.len(), inputs.len())));
    }
    let entry = view.entry_block(0).ok_or_else(|| fail("function has no body".into()))?;
    let mut symbols = HashMap::new();
    let mut env: HashMap<Value, Tensor> = HashMap::new();
    for (i, ((&arg, ty), t)) in ctx.block_args(entry).iter().zip(&sig.inputs).zip(inputs).enumerate() {
        check_value(ty, t, &mut symbols).map_err(|e| fail(format!("input #{i}: {e}")))?;
        env.insert(arg, t.clone());
    }
    for op in ctx.block_ops(entry) {
        let view = ctx.op(op);
        let args: Vec<&Tensor> = view.operands().iter().map(|v| &env[v]).collect();
        if view.name() == func::RETURN.name {
            return Ok(args.into_iter().cloned().collect());
        }
        let results = if view.name() == func::CALL.name {
            let callee = view.raw_attr("callee").and_then(Attribute::as_symbol).unwrap_or_default();
            let target = func::lookup_function(ctx, op, callee).ok_or_else(|| InterpError {
                op: view.name().to_string(),
                loc: view.loc().clone(),
                message: format!("unknown callee @{callee}"),
            })?;
            let owned: Vec<Tensor> = args.into_iter().cloned().collect();
            run_function(ctx, target, &owned)?
        } else {
            eval_op(ctx, op, &args)?
        };
        env.extend(view.results().iter().copied().zip(results));
    }
    Err(fail("function body has no 'func.return'".into()))
}

/// Checks a tensor against a type; symbolic dims must bind to the same size everywhere.
pub fn check_value(ty: &Type, t: &Tensor, symbols: &mut HashMap<String, usize>) -> Result<(), String> {
    let tt = ty.as_tensor().ok_or_else(|| format!("type {ty} is not a tensor type"))?;
    if dtype(tt.element) != t.dtype() {
        return Err(format!("expected element type {} but the tensor holds {:?}", tt.element, t.dtype()));
    }
    let shape_ok = tt.rank() == t.rank()
        && tt.shape.iter().zip(t.shape()).all(|(d, &n)| match d {
            Dim::Static(s) => *s as usize == n,
            Dim::Symbol(name) => *symbols.entry(name.to_string()).or_insert(n) == n,
        });
    if !shape_ok {
        return Err(format!(
            "expected shape {} but the tensor has shape {:?}",
            crate::shape::format_shape(&tt.shape),
            t.shape()
        ));
    }
    Ok(())
}

/// The kernel dtype of an IR element type.
pub fn dtype(e: ElementType) -> DType {
    match e {
        ElementType::F32 => DType::F32,
        ElementType::F16 => DType::F16,
        ElementType::BF16 => DType::BF16,
        ElementType::F64 => DType::F64,
        ElementType::I8 => DType::I8,
        ElementType::U8 => DType::U8,
        ElementType::I16 => DType::I16,
        ElementType::I32 => DType::I32,
        ElementType::I64 => DType::I64,
        ElementType::Bool => DType::Bool,
    }
}

/// The IR element type of a kernel dtype.
pub fn element_type(d: DType) -> ElementType {
    ElementType::ALL.into_iter().find(|&e| dtype(e) == d).expect("every dtype has an element type")
}

/// The host tensor a dense attribute holds (fails for elided data).
pub fn tensor_from_dense(dense: &DenseAttr) -> Result<Tensor, String> {
    let bytes = dense
        .full_bytes()
        .ok_or("the constant's data was elided from the text; re-import the model to compute with it")?;
    let shape = dense.ty().static_shape().expect("dense attributes have static shapes");
    let data = Data::from_le_bytes(dtype(dense.ty().element), &bytes).map_err(|e| e.0)?;
    Tensor::new(shape.into_iter().map(|d| d as usize).collect(), data).map_err(|e| e.0)
}

/// A dense attribute holding a host tensor.
pub fn dense_from_tensor(t: &Tensor) -> DenseAttr {
    let ty = TensorType::of(&t.shape().iter().map(|&d| d as u64).collect::<Vec<_>>(), element_type(t.dtype()));
    DenseAttr::from_bytes(ty, t.data().to_le_bytes().into()).expect("tensor bytes match their shape")
}
