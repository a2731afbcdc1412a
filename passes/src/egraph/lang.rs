//! The e-graph language: one e-node per function argument, interned constant, or `nn` op result.
//!
//! Op signatures (op definition, attributes, result index) and constants are interned in
//! [`Tables`] owned by the analysis, so e-nodes stay small (`Op(sig, children)`) and comparing
//! them never touches weights or attribute lists.

use egg::{Id, Language};
use msc_ir::{AttrDict, Attribute, DenseAttr, OpDef, OpRef};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Index of an interned [`OpSig`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigId(pub u32);

/// Index of an interned constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConstId(pub u32);

/// An e-node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    /// Function argument `i`.
    Arg(u32),
    /// A dense constant (`nn.constant`).
    Const(ConstId),
    /// Result `sig.result` of the op `sig` applied to the children, in operand order.
    Op(SigId, Vec<Id>),
}

impl Language for Node {
    type Discriminant = (u8, Option<SigId>, usize);

    fn discriminant(&self) -> Self::Discriminant {
        match self {
            Node::Arg(_) => (0, None, 0),
            Node::Const(_) => (1, None, 0),
            Node::Op(sig, children) => (2, Some(*sig), children.len()),
        }
    }

    fn matches(&self, other: &Self) -> bool {
        match (self, other) {
            (Node::Arg(a), Node::Arg(b)) => a == b,
            (Node::Const(a), Node::Const(b)) => a == b,
            (Node::Op(a, x), Node::Op(b, y)) => a == b && x.len() == y.len(),
            _ => false,
        }
    }

    fn children(&self) -> &[Id] {
        match self {
            Node::Op(_, children) => children,
            _ => &[],
        }
    }

    fn children_mut(&mut self) -> &mut [Id] {
        match self {
            Node::Op(_, children) => children,
            _ => &mut [],
        }
    }
}

/// An op as the e-graph sees it: which op, its attributes, and which of its results the e-node is.
#[derive(Clone, Debug)]
pub struct OpSig {
    pub def: &'static OpDef,
    pub attrs: AttrDict,
    pub result: usize,
}

impl OpSig {
    /// The signature of result `result` of the IR op `op`.
    pub fn of(op: &OpRef<'_>, result: usize) -> OpSig {
        OpSig { def: op.def(), attrs: op.attrs().clone(), result }
    }

    pub fn name(&self) -> &'static str {
        self.def.name
    }

    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attrs.get(name)
    }

    /// An integer attribute, or the op's declared default.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.attr_or_default(name)?.as_int()
    }

    pub fn float(&self, name: &str) -> Option<f64> {
        self.attr_or_default(name)?.as_float()
    }

    pub fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.attr_or_default(name)?.as_ints()
    }

    pub fn string(&self, name: &str) -> Option<String> {
        self.attr_or_default(name)?.as_str().map(str::to_string)
    }

    fn attr_or_default(&self, name: &str) -> Option<Attribute> {
        self.attrs
            .get(name)
            .cloned()
            .or_else(|| self.def.attributes.iter().find(|a| a.name == name).and_then(|a| a.default.value()))
    }

    /// The same op with `attrs` changed (`None` removes an attribute).
    pub fn with(&self, changes: &[(&str, Option<Attribute>)]) -> OpSig {
        let mut sig = self.clone();
        for (name, value) in changes {
            match value {
                Some(v) => sig.attrs.insert(name.to_string(), v.clone()),
                None => sig.attrs.remove(*name),
            };
        }
        sig
    }

    /// Identity of the op, whichever result: name and printed attributes.
    pub fn op_key(&self) -> String {
        let attrs: Vec<String> = self.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}{{{}}}", self.def.name, attrs.join(","))
    }

    /// Identity of the signature: the op and the result index.
    fn key(&self) -> String {
        format!("{}#{}", self.op_key(), self.result)
    }
}

/// The interned op signatures and constants of one e-graph.
#[derive(Default)]
pub struct Tables {
    sigs: Vec<Arc<OpSig>>,
    sig_ids: HashMap<String, SigId>,
    consts: Vec<DenseAttr>,
    const_ids: HashMap<u64, Vec<ConstId>>,
}

impl Tables {
    pub fn intern_sig(&mut self, sig: OpSig) -> SigId {
        let key = sig.key();
        if let Some(&id) = self.sig_ids.get(&key) {
            return id;
        }
        let id = SigId(self.sigs.len() as u32);
        self.sigs.push(Arc::new(sig));
        self.sig_ids.insert(key, id);
        id
    }

    pub fn sig(&self, id: SigId) -> &Arc<OpSig> {
        &self.sigs[id.0 as usize]
    }

    /// Interns a constant; equal constants (same type and bytes) share one id.
    pub fn intern_const(&mut self, value: DenseAttr) -> ConstId {
        // `DefaultHasher::new()` has fixed keys, so interning is deterministic.
        let mut hasher = std::hash::DefaultHasher::new();
        value.hash(&mut hasher);
        let bucket = self.const_ids.entry(hasher.finish()).or_default();
        if let Some(&id) = bucket.iter().find(|&&id| self.consts[id.0 as usize] == value) {
            return id;
        }
        let id = ConstId(self.consts.len() as u32);
        self.consts.push(value);
        bucket.push(id);
        id
    }

    pub fn constant(&self, id: ConstId) -> &DenseAttr {
        &self.consts[id.0 as usize]
    }
}
