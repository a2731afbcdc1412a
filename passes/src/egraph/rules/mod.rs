//! The rewrite rules, one file per family, and what every rule is made of: a [`Rule`] names the
//! ops at the root of its pattern and a function that, given a root e-node, checks the rule's
//! conditions through the e-class analysis and builds the equal expression with [`Rw`].
//!
//! Rules are egg [`Rewrite`]s: the searcher finds classes holding a root op, the applier runs the
//! rule and unions what it built with the class. A rule that does not match returns `None`.

pub mod activation;
pub mod attention;
pub mod conv;
pub mod elementwise;
pub mod layout;
pub mod matmul;
pub mod normalization;
pub mod shape;

use super::analysis::{ClassData, NnAnalysis, NnEGraph};
use super::lang::{Node, OpSig};
use egg::{Applier, Id, PatternAst, Rewrite, SearchMatches, Searcher, Subst, Symbol, Var};
use msc_ir::{Attribute, DenseAttr, ElementType, TensorType};
use std::sync::Arc;

/// A named rewrite rule.
pub struct Rule {
    /// Kebab-case, stating the rewrite (`fuse-conv-batch-norm`); `disable-rule=` takes it.
    pub name: &'static str,
    /// The op names at the root of the rule's pattern ([`ANY_OP`]: every op).
    pub roots: &'static [&'static str],
    /// Ops the rewritten form may create besides those it matched: the rule is offered only where
    /// all of them are registered (and, for compilation, lowerable).
    pub creates: &'static [&'static str],
    /// Tries the rule on the root e-node `root` of class `class`: returns the class of an equal
    /// expression it built, or `None` when the rule's conditions do not hold.
    pub apply: fn(&mut Rw<'_>, Id, &OpNode) -> Option<Id>,
}

/// `roots` of a rule that looks at every op.
pub const ANY_OP: &[&str] = &["*"];

/// Every rule of every family.
pub fn all() -> Vec<&'static Rule> {
    [
        conv::RULES,
        matmul::RULES,
        normalization::RULES,
        activation::RULES,
        attention::RULES,
        shape::RULES,
        elementwise::RULES,
        layout::RULES,
    ]
    .concat()
}

/// An op e-node with its signature resolved.
#[derive(Clone, Debug)]
pub struct OpNode {
    pub sig: Arc<OpSig>,
    pub args: Vec<Id>,
}

impl OpNode {
    pub fn name(&self) -> &'static str {
        self.sig.name()
    }

    /// The two operands of a binary op, in both orders when the op is commutative.
    pub fn operand_orders(&self) -> Vec<(Id, Id)> {
        match self.args[..] {
            [a, b] if matches!(self.name(), "nn.add" | "nn.mul" | "nn.max" | "nn.min") => vec![(a, b), (b, a)],
            [a, b] => vec![(a, b)],
            _ => vec![],
        }
    }
}

/// The egg rewrite running `rule`.
pub fn rewrite(rule: &'static Rule) -> Rewrite<Node, NnAnalysis> {
    Rewrite::new(rule.name, RootSearcher(rule), RuleApplier(rule)).expect("rules bind no pattern variables")
}

/// Finds the classes holding one of a rule's root ops.
struct RootSearcher(&'static Rule);

impl Searcher<Node, NnAnalysis> for RootSearcher {
    fn search_eclass_with_limit(&self, egraph: &NnEGraph, eclass: Id, limit: usize) -> Option<SearchMatches<'_, Node>> {
        let found = limit > 0 && !roots_in(egraph, eclass, self.0.roots).is_empty();
        found.then(|| SearchMatches { eclass, substs: vec![Subst::default()], ast: None })
    }

    fn vars(&self) -> Vec<Var> {
        vec![]
    }
}

/// Runs a rule on every root node of a matched class.
struct RuleApplier(&'static Rule);

impl Applier<Node, NnAnalysis> for RuleApplier {
    fn apply_one(
        &self,
        egraph: &mut NnEGraph,
        eclass: Id,
        _subst: &Subst,
        _ast: Option<&PatternAst<Node>>,
        _rule: Symbol,
    ) -> Vec<Id> {
        let mut changed = Vec::new();
        for root in roots_in(egraph, eclass, self.0.roots) {
            let built = (self.0.apply)(&mut Rw { egraph }, eclass, &root);
            if let Some(built) = built
                && egraph.union(eclass, built)
            {
                changed.push(eclass);
            }
        }
        changed
    }
}

/// The op nodes of `class` named one of `names`, result 0 only.
fn roots_in(egraph: &NnEGraph, class: Id, names: &[&str]) -> Vec<OpNode> {
    egraph[class]
        .nodes
        .iter()
        .filter_map(|node| match node {
            Node::Op(sig, args) => {
                let sig = egraph.analysis.tables.sig(*sig);
                (sig.result == 0 && (names == ANY_OP || names.contains(&sig.name())))
                    .then(|| OpNode { sig: sig.clone(), args: args.clone() })
            }
            _ => None,
        })
        .collect()
}

/// What rules read and build with: typed access to classes and typed construction of nodes.
pub struct Rw<'a> {
    pub egraph: &'a mut NnEGraph,
}

impl Rw<'_> {
    pub fn data(&self, class: Id) -> &ClassData {
        &self.egraph[class].data
    }

    pub fn static_shape(&self, class: Id) -> Option<Vec<u64>> {
        self.data(class).static_shape()
    }

    pub fn rank(&self, class: Id) -> Option<usize> {
        self.data(class).rank()
    }

    pub fn element(&self, class: Id) -> Option<ElementType> {
        Some(self.data(class).ty.as_ref()?.element)
    }

    pub fn is_const(&self, class: Id) -> bool {
        self.data(class).is_const
    }

    /// The single value of a small constant whose elements are all equal (a scalar factor, a
    /// clip bound, an epsilon).
    pub fn uniform(&self, class: Id) -> Option<f64> {
        self.data(class).uniform_value()
    }

    /// Whether `class` is a small constant all of whose elements are (within 1e-6 relative) `v`.
    pub fn is_value(&self, class: Id, v: f64) -> bool {
        self.uniform(class).is_some_and(|u| (u - v).abs() <= 1e-6 * v.abs().max(1.0))
    }

    /// The `name` op nodes of `class`.
    pub fn ops(&self, class: Id, name: &str) -> Vec<OpNode> {
        roots_in(self.egraph, class, &[name])
    }

    /// The first `name` op node of `class`.
    pub fn op(&self, class: Id, name: &str) -> Option<OpNode> {
        self.ops(class, name).into_iter().next()
    }

    /// Adds `sig` applied to `args` if the op's shape function and verifier accept it.
    pub fn add(&mut self, sig: OpSig, args: &[Id]) -> Option<Id> {
        let args: Vec<Id> = args.iter().map(|&a| self.egraph.find(a)).collect();
        let operands = args
            .iter()
            .map(|&a| Some((self.data(a).ty.clone()?, self.data(a).constant)))
            .collect::<Option<Vec<_>>>()?;
        let ty = self.egraph.analysis.infer(&sig, &operands)?;
        let node = Node::Op(self.egraph.analysis.tables.intern_sig(sig), args);
        self.egraph.analysis.note_type(node.clone(), ty);
        Some(self.egraph.add(node))
    }

    /// Adds the op `name` (result 0) with `attrs` applied to `args`; `None` if the op is not
    /// registered or rejects the operands.
    pub fn build(&mut self, name: &str, attrs: &[(&str, Attribute)], args: &[Id]) -> Option<Id> {
        let def = self.egraph.analysis.registry.op(name)?;
        let attrs = attrs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        self.add(OpSig { def, attrs, result: 0 }, args)
    }

    pub fn unary(&mut self, name: &str, x: Id) -> Option<Id> {
        self.build(name, &[], &[x])
    }

    pub fn binary(&mut self, name: &str, a: Id, b: Id) -> Option<Id> {
        self.build(name, &[], &[a, b])
    }

    pub fn constant(&mut self, value: DenseAttr) -> Id {
        let c = self.egraph.analysis.tables.intern_const(value);
        self.egraph.add(Node::Const(c))
    }

    /// A 1-D i64 constant (a shape, axes, pads).
    pub fn i64s(&mut self, values: &[i64]) -> Id {
        let ty = TensorType::of(&[values.len() as u64], ElementType::I64);
        self.constant(DenseAttr::from_i64s(ty, values).expect("the type fits the values"))
    }

    /// A constant of shape `shape` holding `values`, with the element type of `like`.
    pub fn floats_like(&mut self, like: Id, shape: &[u64], values: &[f64]) -> Option<Id> {
        let ty = TensorType::of(shape, self.element(like)?);
        Some(self.constant(DenseAttr::from_f64s(ty, values).ok()?))
    }

    /// A scalar constant with the element type of `like`.
    pub fn scalar_like(&mut self, like: Id, value: f64) -> Option<Id> {
        self.floats_like(like, &[], &[value])
    }

    /// The first of several equal expressions a rule built for `class`, the others unioned with
    /// `class` directly (a rule returns one class; alternatives must not hide one another).
    pub fn alternatives(&mut self, class: Id, built: Vec<Id>) -> Option<Id> {
        for &other in built.iter().skip(1) {
            self.egraph.union(class, other);
        }
        built.first().copied()
    }

    /// `nn.reshape(x, shape)`.
    pub fn reshape(&mut self, x: Id, shape: &[i64]) -> Option<Id> {
        let shape = self.i64s(shape);
        self.binary("nn.reshape", x, shape)
    }

    /// `nn.transpose(x) {perm}`.
    pub fn transpose(&mut self, x: Id, perm: &[i64]) -> Option<Id> {
        self.build("nn.transpose", &[("perm", Attribute::ints(perm))], &[x])
    }
}
