//! [`OpRef`]: a read-only view of one op with typed accessors for operands, results, attributes
//! (defaults applied) and constant operands. Verifiers, shape functions and folders receive it.

use crate::attr::{AttrDict, Attribute, DenseAttr};
use crate::context::{BlockId, Context, OpId, RegionId, Value};
use crate::dialect::{OPERAND_SEGMENTS_ATTR, OpDef, Traits};
use crate::location::Location;
use crate::types::{TensorType, Type};
use std::cell::RefCell;
use std::ops::Range;

thread_local! {
    /// While [`OpRef::shape_operands`] runs a shape function: the values it asked
    /// [`OpRef::constant_value`] for.
    static CONSTANT_READS: RefCell<Option<Vec<Value>>> = const { RefCell::new(None) };
}

/// A read-only view of an op.
#[derive(Clone, Copy)]
pub struct OpRef<'a> {
    ctx: &'a Context,
    id: OpId,
}

impl<'a> OpRef<'a> {
    pub(crate) fn new(ctx: &'a Context, id: OpId) -> OpRef<'a> {
        OpRef { ctx, id }
    }

    pub fn id(&self) -> OpId {
        self.id
    }

    pub fn ctx(&self) -> &'a Context {
        self.ctx
    }

    pub fn def(&self) -> &'static OpDef {
        self.ctx.ops[self.id].def
    }

    pub fn name(&self) -> &'static str {
        self.def().name
    }

    pub fn has_trait(&self, t: Traits) -> bool {
        self.def().has_trait(t)
    }

    pub fn loc(&self) -> &'a Location {
        &self.ctx.ops[self.id].loc
    }

    pub fn operands(&self) -> &'a [Value] {
        &self.ctx.ops[self.id].operands
    }

    pub fn operand(&self, i: usize) -> Value {
        self.operands()[i]
    }

    pub fn operand_type(&self, i: usize) -> &'a Type {
        self.ctx.value_type(self.operand(i))
    }

    pub fn results(&self) -> &'a [Value] {
        &self.ctx.ops[self.id].results
    }

    pub fn result(&self, i: usize) -> Value {
        self.results()[i]
    }

    pub fn result_type(&self, i: usize) -> &'a Type {
        self.ctx.value_type(self.result(i))
    }

    pub fn regions(&self) -> &'a [RegionId] {
        &self.ctx.ops[self.id].regions
    }

    /// The first block of region `i`, if the region has one.
    pub fn entry_block(&self, i: usize) -> Option<BlockId> {
        self.ctx.region_blocks(*self.regions().get(i)?).first().copied()
    }

    // ----- operands by slot name -----

    /// The operand index ranges of each declared operand slot.
    pub fn operand_segments(&self) -> Result<Vec<Range<usize>>, String> {
        let segments = self.raw_attr(OPERAND_SEGMENTS_ATTR).and_then(Attribute::as_ints);
        let sizes = OpDef::segment_sizes(self.def().operands, self.operands().len(), segments.as_deref())
            .map_err(|e| format!("operands: {e}"))?;
        let mut start = 0;
        Ok(sizes
            .into_iter()
            .map(|n| {
                start += n;
                start - n..start
            })
            .collect())
    }

    /// The operands bound to the slot called `name` (empty for an absent optional operand).
    pub fn operand_group(&self, name: &str) -> &'a [Value] {
        let Some(slot) = self.def().operands.iter().position(|a| a.name == name) else {
            panic!("{} declares no operand `{name}`", self.name());
        };
        match self.operand_segments() {
            Ok(ranges) => &self.operands()[ranges[slot].clone()],
            Err(_) => &[],
        }
    }

    /// The single operand of slot `name`, if present.
    pub fn named_operand(&self, name: &str) -> Option<Value> {
        self.operand_group(name).first().copied()
    }

    /// The tensor type of operand `i`, or an error naming it.
    pub fn tensor_operand(&self, i: usize) -> Result<&'a TensorType, String> {
        self.operands()
            .get(i)
            .map(|&v| self.ctx.value_type(v))
            .ok_or_else(|| format!("missing operand #{i}"))?
            .as_tensor()
            .ok_or_else(|| format!("operand #{i} must be a tensor"))
    }

    /// The tensor type of the operand in slot `name`, if present.
    pub fn named_tensor(&self, name: &str) -> Result<Option<&'a TensorType>, String> {
        self.named_operand(name)
            .map(|v| self.ctx.value_type(v).as_tensor().ok_or_else(|| format!("operand `{name}` must be a tensor")))
            .transpose()
    }

    /// The constant value of operand `v` when it is defined by a constant-like op.
    pub fn constant_value(&self, v: Value) -> Option<&'a DenseAttr> {
        CONSTANT_READS.with_borrow_mut(|reads| {
            if let Some(reads) = reads
                && !reads.contains(&v)
            {
                reads.push(v);
            }
        });
        let def = self.ctx.defining_op(v)?;
        let op = self.ctx.op(def);
        if !op.has_trait(Traits::CONSTANT_LIKE) {
            return None;
        }
        op.raw_attr("value")?.as_dense().filter(|d| !d.is_elided())
    }

    /// The constant operand in slot `name` as integers, when it is a known constant.
    pub fn constant_ints(&self, name: &str) -> Option<Vec<i64>> {
        self.constant_value(self.named_operand(name)?)?.to_i64s()
    }

    /// The operands whose values (not only types) the op's shape function reads, such as
    /// reshape's `shape` or resize's `scales`: its results' shapes depend on them. Found by running
    /// the shape function and recording what it asks [`OpRef::constant_value`] for, so it is exactly
    /// what the function reads now: one that stops at the first operand it finds not constant
    /// names only that one. Empty for ops without a shape function.
    pub fn shape_operands(&self) -> Vec<Value> {
        let Some(infer) = self.def().infer else { return Vec::new() };
        let outer = CONSTANT_READS.replace(Some(Vec::new()));
        // The result does not matter, only what the function read on the way.
        let _ = infer(*self);
        let reads = CONSTANT_READS.replace(outer).unwrap_or_default();
        reads.into_iter().filter(|v| self.operands().contains(v)).collect()
    }

    // ----- attributes -----

    pub fn attrs(&self) -> &'a AttrDict {
        &self.ctx.ops[self.id].attrs
    }

    /// The attribute as written, without defaults.
    pub fn raw_attr(&self, name: &str) -> Option<&'a Attribute> {
        self.attrs().get(name)
    }

    /// The attribute, or its declared default.
    pub fn attr(&self, name: &str) -> Option<Attribute> {
        self.raw_attr(name).cloned().or_else(|| self.def().attr_def(name).and_then(|d| d.default.value()))
    }

    fn typed<T>(&self, name: &str, what: &str, get: impl Fn(&Attribute) -> Option<T>) -> Result<T, String> {
        let attr = self.attr(name).ok_or_else(|| format!("missing attribute `{name}`"))?;
        get(&attr).ok_or_else(|| format!("attribute `{name}` must be {what}, got {}", attr.kind_name()))
    }

    pub fn int(&self, name: &str) -> Result<i64, String> {
        self.typed(name, "an integer", Attribute::as_int)
    }

    pub fn float(&self, name: &str) -> Result<f64, String> {
        self.typed(name, "a float", Attribute::as_float)
    }

    pub fn bool(&self, name: &str) -> Result<bool, String> {
        self.typed(name, "a bool", Attribute::as_bool)
    }

    pub fn string(&self, name: &str) -> Result<String, String> {
        self.typed(name, "a string", |a| a.as_str().map(str::to_string))
    }

    pub fn ints(&self, name: &str) -> Result<Vec<i64>, String> {
        self.typed(name, "an array of integers", Attribute::as_ints)
    }

    pub fn floats(&self, name: &str) -> Result<Vec<f64>, String> {
        self.typed(name, "an array of floats", Attribute::as_floats)
    }

    /// An optional integer-array attribute: `Ok(None)` when absent and without default.
    pub fn opt_ints(&self, name: &str) -> Result<Option<Vec<i64>>, String> {
        self.attr(name).map(|_| self.ints(name)).transpose()
    }

    pub fn type_attr(&self, name: &str) -> Result<Type, String> {
        self.typed(name, "a type", |a| a.as_type().cloned())
    }
}
