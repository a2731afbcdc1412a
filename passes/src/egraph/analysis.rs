//! The e-class analysis: what every class of equal tensors is known to be — its type (static and
//! symbolic dims, element type), its storage layout, whether it is computable at compile time,
//! and for small constants their values (so rules can read a clip bound or a scalar factor).
//!
//! Types of new e-nodes come from the ops' own shape functions and verifiers, run on a scratch
//! [`Context`]: there is one definition of every op's shape, shared with the rest of the compiler.

use super::lang::{ConstId, Node, OpSig, Tables};
use egg::{Analysis, DidMerge, EGraph, Id};
use msc_ir::{Attribute, BlockId, Context, Layout, Location, OpId, OpState, Registry, TensorType, Traits, Type, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The e-graph type of the optimizer.
pub type NnEGraph = EGraph<Node, NnAnalysis>;

/// Constants with at most this many elements carry their values in [`ClassData::values`].
const SMALL_CONSTANT: usize = 64;

/// What is known about an e-class.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassData {
    /// `None` only if the class's first node could not be typed (never for nodes rules add).
    pub ty: Option<TensorType>,
    /// The order the tensor's elements are stored in, for rank-4 (NCHW-family) tensors.
    pub layout: Option<Layout>,
    /// Computable at compile time: a constant, or a pure op of constants.
    pub is_const: bool,
    /// A constant leaf of the class, if it has one.
    pub constant: Option<ConstId>,
    /// The values of a small constant leaf, row-major.
    pub values: Option<Arc<[f64]>>,
}

impl ClassData {
    /// The static shape, if every dim is static.
    pub fn static_shape(&self) -> Option<Vec<u64>> {
        self.ty.as_ref()?.static_shape()
    }

    pub fn rank(&self) -> Option<usize> {
        self.ty.as_ref().map(TensorType::rank)
    }

    /// The single value of a small constant whose elements are all equal.
    pub fn uniform_value(&self) -> Option<f64> {
        let values = self.values.as_ref()?;
        let first = *values.first()?;
        values.iter().all(|&v| v == first).then_some(first)
    }
}

/// The analysis state: the interned tables and what typing new nodes needs.
pub struct NnAnalysis {
    pub tables: Tables,
    pub registry: Arc<Registry>,
    /// The k of the blocked layout NCHW<k>c the target offers to convolutions.
    pub blocked_layout_k: u32,
    /// Types of the function's arguments.
    arg_types: Vec<TensorType>,
    /// Types already computed for nodes about to be added (by conversion or by a rule that had
    /// to type the node to know it is valid), so `make` does not compute them again.
    known_types: HashMap<Node, TensorType>,
    scratch: Context,
    scratch_block: BlockId,
}

impl NnAnalysis {
    /// A fresh analysis for a function with arguments of `arg_types`. Symbols the scratch context
    /// invents start past `first_free_symbol`, so they never alias the function's own symbols.
    pub fn new(registry: Arc<Registry>, arg_types: Vec<TensorType>, first_free_symbol: u64) -> NnAnalysis {
        let mut scratch = Context::new(registry.clone());
        scratch.note_symbol(&format!("s{}", first_free_symbol + (1 << 20)));
        let module = msc_builtin::create_module(&mut scratch);
        let scratch_block = msc_builtin::body(&scratch, module);
        NnAnalysis {
            tables: Tables::default(),
            registry,
            blocked_layout_k: 16,
            arg_types,
            known_types: HashMap::new(),
            scratch,
            scratch_block,
        }
    }

    /// Records the type of a node about to be added.
    pub fn note_type(&mut self, node: Node, ty: TensorType) {
        self.known_types.insert(node, ty);
    }

    /// The type of result `sig.result` of `sig` applied to operands of the given types (and
    /// constant values, which shape functions read for shape/axes operands), or `None` if the op's
    /// shape function or verifier rejects the combination.
    pub fn infer(&mut self, sig: &OpSig, operands: &[(TensorType, Option<ConstId>)]) -> Option<TensorType> {
        let infer = sig.def.infer?;
        let mut created: Vec<OpId> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        for (ty, constant) in operands {
            let value = match constant {
                Some(c) => {
                    let dense = self.tables.constant(*c).clone();
                    let mut state = OpState::new(&msc_nn::ops::CONSTANT, Location::Unknown);
                    state.attrs.insert("value".into(), Attribute::Dense(dense));
                    state.result_types = vec![Type::Tensor(ty.clone())];
                    let op = self.scratch.create_op(state);
                    created.push(op);
                    self.scratch.op(op).result(0)
                }
                None => self.scratch.add_block_arg(self.scratch_block, Type::Tensor(ty.clone())),
            };
            values.push(value);
        }
        let mut state = OpState::new(sig.def, Location::Unknown);
        state.operands = values;
        state.attrs = sig.attrs.clone();
        let op = self.scratch.create_op(state);
        let types = infer(self.scratch.op(op)).ok();
        let result = types.and_then(|types| {
            let ty = types.get(sig.result)?.as_tensor()?.clone();
            self.scratch.push_results(op, types);
            let valid = sig.def.verify.is_none_or(|verify| verify(self.scratch.op(op)).is_ok());
            valid.then_some(ty)
        });
        self.scratch.erase_op(op);
        for op in created {
            self.scratch.erase_op(op);
        }
        result
    }

    /// The type of `node` whose children are classes of `egraph`.
    pub fn type_of(egraph: &mut NnEGraph, node: &Node) -> Option<TensorType> {
        if let Some(ty) = egraph.analysis.known_types.get(node) {
            return Some(ty.clone());
        }
        match node {
            Node::Arg(i) => egraph.analysis.arg_types.get(*i as usize).cloned(),
            Node::Const(c) => Some(egraph.analysis.tables.constant(*c).ty().clone()),
            Node::Op(sig, children) => {
                let operands = children
                    .iter()
                    .map(|&c| Some((egraph[c].data.ty.clone()?, egraph[c].data.constant)))
                    .collect::<Option<Vec<_>>>()?;
                let sig = egraph.analysis.tables.sig(*sig).clone();
                egraph.analysis.infer(&sig, &operands)
            }
        }
    }
}

/// The layout a node's result is stored in.
fn layout_of(egraph: &NnEGraph, node: &Node, ty: Option<&TensorType>) -> Option<Layout> {
    let rank = ty.map(TensorType::rank);
    match node {
        Node::Arg(_) => (rank == Some(4)).then_some(Layout::Nchw),
        Node::Const(_) => None,
        Node::Op(sig, children) => {
            let sig = egraph.analysis.tables.sig(*sig);
            let input = children.first().and_then(|&c| egraph[c].data.layout);
            if let Some(layout) = sig.string("layout").and_then(|l| Layout::parse(&l)) {
                return Some(layout);
            }
            match (sig.name(), sig.ints("perm").as_deref(), input) {
                ("nn.transpose", Some([0, 2, 3, 1]), Some(Layout::Nchw)) => Some(Layout::Nhwc),
                ("nn.transpose", Some([0, 3, 1, 2]), Some(Layout::Nhwc)) => Some(Layout::Nchw),
                ("nn.transpose", Some([0, 1, 3, 4, 2]), None) => {
                    let block = ty.and_then(|t| t.shape.get(4)?.as_static());
                    block.map(|k| Layout::Nchwc(k as u32))
                }
                _ if sig.def.has_trait(Traits::ELEMENTWISE) => input,
                _ => (rank == Some(4)).then_some(Layout::Nchw),
            }
        }
    }
}

impl Analysis<Node> for NnAnalysis {
    type Data = ClassData;

    fn make(egraph: &mut NnEGraph, node: &Node, _id: Id) -> ClassData {
        let ty = NnAnalysis::type_of(egraph, node);
        egraph.analysis.known_types.remove(node);
        let layout = layout_of(egraph, node, ty.as_ref());
        let (is_const, constant) = match node {
            Node::Arg(_) => (false, None),
            Node::Const(c) => (true, Some(*c)),
            Node::Op(sig, children) => {
                let pure = egraph.analysis.tables.sig(*sig).def.has_trait(Traits::PURE);
                (pure && children.iter().all(|&c| egraph[c].data.is_const), None)
            }
        };
        let values = constant.and_then(|c| {
            let dense = egraph.analysis.tables.constant(c);
            (dense.len() <= SMALL_CONSTANT).then(|| dense.to_f64s()).flatten().map(Arc::from)
        });
        ClassData { ty, layout, is_const, constant, values }
    }

    fn merge(&mut self, a: &mut ClassData, b: ClassData) -> DidMerge {
        let before = a.clone();
        if a.ty.is_none() {
            a.ty = b.ty.clone();
        }
        if a.layout.is_none() {
            a.layout = b.layout;
        }
        a.is_const |= b.is_const;
        if a.constant.is_none() {
            a.constant = b.constant;
            a.values = b.values.clone();
        }
        DidMerge(*a != before, *a != b)
    }
}
