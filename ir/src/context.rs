//! The IR storage: tables of ops, blocks, regions and values owned by one [`Context`], with use-def
//! chains and every structural mutation (create, insert, move, erase, replace-all-uses-with).
//!
//! Structure: an op owns regions; a region owns an ordered list of blocks; a block owns arguments
//! and a doubly linked list of ops. Values are op results or block arguments and know their uses.

use crate::attr::{AttrDict, Attribute};
use crate::dialect::{OpDef, Registry};
use crate::entity::{EntityTable, entity_id};
use crate::location::Location;
use crate::op::OpRef;
use crate::types::Type;
use std::cell::Cell;
use std::sync::Arc;

entity_id!(
    /// An SSA value: an op result or a block argument.
    Value, "v"
);
entity_id!(
    /// An operation.
    OpId, "op"
);
entity_id!(
    /// A basic block inside a region.
    BlockId, "block"
);
entity_id!(
    /// A region: an ordered list of blocks owned by an op.
    RegionId, "region"
);

/// Where a value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueDef {
    Result { op: OpId, index: u32 },
    Arg { block: BlockId, index: u32 },
}

/// One use of a value: operand `index` of `op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Use {
    pub op: OpId,
    pub index: u32,
}

#[derive(Clone)]
pub(crate) struct ValueData {
    pub ty: Type,
    pub def: ValueDef,
    pub uses: Vec<Use>,
}

#[derive(Clone)]
pub(crate) struct OpData {
    pub def: &'static OpDef,
    pub operands: Vec<Value>,
    pub results: Vec<Value>,
    pub attrs: AttrDict,
    pub regions: Vec<RegionId>,
    pub loc: Location,
    pub parent: Option<BlockId>,
    pub prev: Option<OpId>,
    pub next: Option<OpId>,
}

#[derive(Clone, Default)]
pub(crate) struct BlockData {
    pub args: Vec<Value>,
    pub first: Option<OpId>,
    pub last: Option<OpId>,
    pub parent: Option<RegionId>,
}

#[derive(Clone, Default)]
pub(crate) struct RegionData {
    pub blocks: Vec<BlockId>,
    pub parent: Option<OpId>,
}

/// Where to insert an op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InsertPoint {
    /// At the end of a block.
    End(BlockId),
    /// At the start of a block.
    Start(BlockId),
    Before(OpId),
    After(OpId),
}

/// Traversal order for [`Context::walk`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkOrder {
    /// An op before the ops nested in its regions.
    Pre,
    /// The ops nested in an op's regions before the op itself.
    Post,
}

/// Owns all IR objects and the dialect registry they are declared in.
#[derive(Clone)]
pub struct Context {
    registry: Arc<Registry>,
    pub(crate) ops: EntityTable<OpId, OpData>,
    pub(crate) blocks: EntityTable<BlockId, BlockData>,
    pub(crate) regions: EntityTable<RegionId, RegionData>,
    pub(crate) values: EntityTable<Value, ValueData>,
    next_symbol: Cell<u64>,
}

/// Everything needed to create an op.
#[derive(Clone, Debug)]
pub struct OpState {
    pub def: &'static OpDef,
    pub operands: Vec<Value>,
    pub result_types: Vec<Type>,
    pub attrs: AttrDict,
    pub num_regions: usize,
    pub loc: Location,
}

impl OpState {
    pub fn new(def: &'static OpDef, loc: Location) -> OpState {
        OpState {
            def,
            operands: vec![],
            result_types: vec![],
            attrs: AttrDict::new(),
            num_regions: def.num_regions,
            loc,
        }
    }
}

impl Context {
    pub fn new(registry: Arc<Registry>) -> Context {
        Context {
            registry,
            ops: EntityTable::default(),
            blocks: EntityTable::default(),
            regions: EntityTable::default(),
            values: EntityTable::default(),
            next_symbol: Cell::new(0),
        }
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    // ----- reading -----

    /// A read-only view of an op with typed accessors.
    pub fn op(&self, op: OpId) -> OpRef<'_> {
        OpRef::new(self, op)
    }

    /// Whether the op exists (has not been erased).
    pub fn is_live(&self, op: OpId) -> bool {
        self.ops.get(op).is_some()
    }

    pub fn value_type(&self, v: Value) -> &Type {
        &self.values[v].ty
    }

    pub fn value_def(&self, v: Value) -> ValueDef {
        self.values[v].def
    }

    /// The op that defines `v`, or `None` for block arguments.
    pub fn defining_op(&self, v: Value) -> Option<OpId> {
        match self.values[v].def {
            ValueDef::Result { op, .. } => Some(op),
            ValueDef::Arg { .. } => None,
        }
    }

    pub fn uses(&self, v: Value) -> &[Use] {
        &self.values[v].uses
    }

    pub fn has_uses(&self, v: Value) -> bool {
        !self.values[v].uses.is_empty()
    }

    pub fn block_args(&self, block: BlockId) -> &[Value] {
        &self.blocks[block].args
    }

    /// The ops of a block in order.
    pub fn block_ops(&self, block: BlockId) -> BlockOps<'_> {
        BlockOps { ctx: self, next: self.blocks[block].first }
    }

    /// The last op of a block (its terminator, when it has one).
    pub fn block_last_op(&self, block: BlockId) -> Option<OpId> {
        self.blocks[block].last
    }

    pub fn block_parent(&self, block: BlockId) -> Option<RegionId> {
        self.blocks[block].parent
    }

    pub fn region_blocks(&self, region: RegionId) -> &[BlockId] {
        &self.regions[region].blocks
    }

    pub fn region_parent(&self, region: RegionId) -> Option<OpId> {
        self.regions[region].parent
    }

    /// The block an op sits in, if it is attached.
    pub fn op_parent_block(&self, op: OpId) -> Option<BlockId> {
        self.ops[op].parent
    }

    /// The op whose region contains this op's block.
    pub fn parent_op(&self, op: OpId) -> Option<OpId> {
        let block = self.ops[op].parent?;
        self.region_parent(self.blocks[block].parent?)
    }

    pub fn next_op(&self, op: OpId) -> Option<OpId> {
        self.ops[op].next
    }

    pub fn prev_op(&self, op: OpId) -> Option<OpId> {
        self.ops[op].prev
    }

    /// All ops nested under `root` (including it) in the given order. Collected up front, so the
    /// caller may mutate the IR while iterating; check [`Context::is_live`] for erased ops.
    pub fn walk(&self, root: OpId, order: WalkOrder) -> Vec<OpId> {
        let mut out = Vec::new();
        self.walk_into(root, order, &mut out);
        out
    }

    fn walk_into(&self, op: OpId, order: WalkOrder, out: &mut Vec<OpId>) {
        if order == WalkOrder::Pre {
            out.push(op);
        }
        for &region in &self.ops[op].regions {
            for &block in &self.regions[region].blocks {
                for nested in self.block_ops(block) {
                    self.walk_into(nested, order, out);
                }
            }
        }
        if order == WalkOrder::Post {
            out.push(op);
        }
    }

    /// Whether `op` is `ancestor` or nested (at any depth) inside it.
    pub fn is_nested_in(&self, mut op: OpId, ancestor: OpId) -> bool {
        loop {
            if op == ancestor {
                return true;
            }
            match self.parent_op(op) {
                Some(parent) => op = parent,
                None => return false,
            }
        }
    }

    /// A symbol name (`s0`, `s1`, ...) not yet used for a dynamic dim in this context.
    pub fn fresh_symbol(&self) -> Arc<str> {
        let n = self.next_symbol.get();
        self.next_symbol.set(n + 1);
        format!("s{n}").into()
    }

    /// The number the next fresh symbol will carry: every symbol `sN` with `N` at least this
    /// number was made after this call.
    pub fn next_fresh_symbol_number(&self) -> u64 {
        self.next_symbol.get()
    }

    /// The number `N` of a symbol named `sN`, as [`Context::fresh_symbol`] makes them.
    pub fn fresh_symbol_number(name: &str) -> Option<u64> {
        name.strip_prefix('s')?.parse().ok()
    }

    /// Records that a symbol name is in use, so [`Context::fresh_symbol`] never returns it.
    pub fn note_symbol(&self, name: &str) {
        if let Some(n) = Context::fresh_symbol_number(name)
            && n >= self.next_symbol.get()
        {
            self.next_symbol.set(n + 1);
        }
    }

    // ----- creating -----

    /// Creates a detached op with fresh result values and empty regions.
    pub fn create_op(&mut self, state: OpState) -> OpId {
        let op = self.ops.push(OpData {
            def: state.def,
            operands: Vec::new(),
            results: Vec::new(),
            attrs: state.attrs,
            regions: Vec::new(),
            loc: state.loc,
            parent: None,
            prev: None,
            next: None,
        });
        for v in state.operands {
            self.push_operand(op, v);
        }
        self.push_results(op, state.result_types);
        for _ in 0..state.num_regions {
            let region = self.regions.push(RegionData { blocks: vec![], parent: Some(op) });
            self.ops[op].regions.push(region);
        }
        op
    }

    /// Appends results of the given types to an op (used by builders after shape inference).
    pub fn push_results(&mut self, op: OpId, types: Vec<Type>) {
        for ty in types {
            let index = self.ops[op].results.len() as u32;
            let v = self.values.push(ValueData { ty, def: ValueDef::Result { op, index }, uses: vec![] });
            self.ops[op].results.push(v);
        }
    }

    /// Appends an operand to an op.
    pub fn push_operand(&mut self, op: OpId, v: Value) {
        let index = self.ops[op].operands.len() as u32;
        self.values[v].uses.push(Use { op, index });
        self.ops[op].operands.push(v);
    }

    /// Appends a new block with arguments of the given types to a region.
    pub fn append_block(&mut self, region: RegionId, arg_types: Vec<Type>) -> BlockId {
        let block = self.blocks.push(BlockData { parent: Some(region), ..BlockData::default() });
        for ty in arg_types {
            self.add_block_arg(block, ty);
        }
        self.regions[region].blocks.push(block);
        block
    }

    pub fn add_block_arg(&mut self, block: BlockId, ty: Type) -> Value {
        let index = self.blocks[block].args.len() as u32;
        let v = self.values.push(ValueData { ty, def: ValueDef::Arg { block, index }, uses: vec![] });
        self.blocks[block].args.push(v);
        v
    }

    // ----- mutating -----

    /// Links a detached op into a block at `at`.
    pub fn insert_op(&mut self, op: OpId, at: InsertPoint) {
        assert!(self.ops[op].parent.is_none(), "insert_op: {op:?} is already in a block; detach it first");
        let (block, prev, next) = match at {
            InsertPoint::End(b) => (b, self.blocks[b].last, None),
            InsertPoint::Start(b) => (b, None, self.blocks[b].first),
            InsertPoint::Before(anchor) => {
                (self.ops[anchor].parent.expect("anchor op is in a block"), self.ops[anchor].prev, Some(anchor))
            }
            InsertPoint::After(anchor) => {
                (self.ops[anchor].parent.expect("anchor op is in a block"), Some(anchor), self.ops[anchor].next)
            }
        };
        let data = &mut self.ops[op];
        data.parent = Some(block);
        data.prev = prev;
        data.next = next;
        match prev {
            Some(p) => self.ops[p].next = Some(op),
            None => self.blocks[block].first = Some(op),
        }
        match next {
            Some(n) => self.ops[n].prev = Some(op),
            None => self.blocks[block].last = Some(op),
        }
    }

    /// Unlinks an op from its block, keeping it (and its uses) alive.
    pub fn detach_op(&mut self, op: OpId) {
        let Some(block) = self.ops[op].parent else { return };
        let (prev, next) = (self.ops[op].prev, self.ops[op].next);
        match prev {
            Some(p) => self.ops[p].next = next,
            None => self.blocks[block].first = next,
        }
        match next {
            Some(n) => self.ops[n].prev = prev,
            None => self.blocks[block].last = prev,
        }
        let data = &mut self.ops[op];
        data.parent = None;
        data.prev = None;
        data.next = None;
    }

    /// Moves an op (with its regions) to another position.
    pub fn move_op(&mut self, op: OpId, to: InsertPoint) {
        self.detach_op(op);
        self.insert_op(op, to);
    }

    /// Erases an op and everything nested in it. Its results must have no uses outside it.
    ///
    /// # Panics
    /// If a result is still used: replace the uses first (a caller bug, not a user error).
    pub fn erase_op(&mut self, op: OpId) {
        for nested in self.walk(op, WalkOrder::Post) {
            for &r in &self.ops[nested].results {
                let outside = self.values[r].uses.iter().any(|u| !self.is_nested_in(u.op, op));
                assert!(!outside, "erase_op: result {r:?} of {} is still used", self.ops[nested].def.name);
            }
        }
        self.detach_op(op);
        let nested_ops = self.walk(op, WalkOrder::Post);
        // Uses go first: a later op in a block may use the results of an earlier one.
        for &nested in &nested_ops {
            self.drop_operands(nested);
        }
        for nested in nested_ops {
            let data = self.ops.remove(nested).expect("live op");
            for r in data.results {
                self.values.remove(r);
            }
            for region in data.regions {
                for block in self.regions.remove(region).expect("live region").blocks {
                    for arg in self.blocks.remove(block).expect("live block").args {
                        self.values.remove(arg);
                    }
                }
            }
        }
    }

    fn drop_operands(&mut self, op: OpId) {
        let operands = std::mem::take(&mut self.ops[op].operands);
        for (i, v) in operands.into_iter().enumerate() {
            let uses = &mut self.values[v].uses;
            let pos = uses.iter().position(|u| *u == Use { op, index: i as u32 }).expect("use recorded");
            uses.swap_remove(pos);
        }
    }

    /// Replaces operand `index` of `op` by `v`.
    pub fn set_operand(&mut self, op: OpId, index: usize, v: Value) {
        let old = self.ops[op].operands[index];
        let u = Use { op, index: index as u32 };
        let uses = &mut self.values[old].uses;
        let pos = uses.iter().position(|x| *x == u).expect("use recorded");
        uses.swap_remove(pos);
        self.values[v].uses.push(u);
        self.ops[op].operands[index] = v;
    }

    /// Replaces all operands of `op` (drops the old uses).
    pub fn set_operands(&mut self, op: OpId, operands: Vec<Value>) {
        self.drop_operands(op);
        for v in operands {
            self.push_operand(op, v);
        }
    }

    /// Makes every use of `old` use `new` instead.
    pub fn replace_all_uses(&mut self, old: Value, new: Value) {
        if old == new {
            return;
        }
        for u in std::mem::take(&mut self.values[old].uses) {
            self.ops[u.op].operands[u.index as usize] = new;
            self.values[new].uses.push(u);
        }
    }

    /// Replaces every use of `op`'s results by `values` (one per result) and erases `op`.
    pub fn replace_op(&mut self, op: OpId, values: &[Value]) {
        let results = self.ops[op].results.clone();
        assert_eq!(results.len(), values.len(), "replace_op: result count mismatch");
        for (&old, &new) in results.iter().zip(values) {
            self.replace_all_uses(old, new);
        }
        self.erase_op(op);
    }

    pub fn set_value_type(&mut self, v: Value, ty: Type) {
        self.values[v].ty = ty;
    }

    pub fn set_attr(&mut self, op: OpId, name: impl Into<String>, attr: Attribute) {
        self.ops[op].attrs.insert(name.into(), attr);
    }

    pub fn remove_attr(&mut self, op: OpId, name: &str) -> Option<Attribute> {
        self.ops[op].attrs.remove(name)
    }

    pub fn set_loc(&mut self, op: OpId, loc: Location) {
        self.ops[op].loc = loc;
    }
}

/// Iterator over the ops of a block.
pub struct BlockOps<'a> {
    ctx: &'a Context,
    next: Option<OpId>,
}

impl Iterator for BlockOps<'_> {
    type Item = OpId;
    fn next(&mut self) -> Option<OpId> {
        let op = self.next?;
        self.next = self.ctx.ops[op].next;
        Some(op)
    }
}
