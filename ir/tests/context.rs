//! Tests of the IR storage: use-def chains, replace-all-uses-with, erase, moving ops between
//! blocks, and pre/post-order walks.

use msc_ir::{
    BlockId, Builder, Context, Dialect, ElementType, InsertPoint, Location, OpId, Registry, Type, Value, WalkOrder,
    declare_op,
};
use std::sync::Arc;

declare_op! {
    /// A test op with any number of operands and one result of the first operand's type.
    pub Node = "t.node", NODE {
        variadic { inputs: ANY }
        results { output: ANY }
        attributes { tag: i64 = Optional }
        traits: [PURE],
    }
}

declare_op! {
    /// A test container with one region.
    pub Graph = "t.graph", GRAPH {
        regions: 1,
        traits: [NO_TERMINATOR],
    }
}

fn f32x4() -> Type {
    Type::tensor(&[4], ElementType::F32)
}

/// A context with a graph whose block has one f32 argument.
fn setup() -> (Context, OpId, BlockId, Value) {
    let mut registry = Registry::new();
    registry
        .register(Dialect {
            name: "t",
            summary: "test ops",
            ops: vec![&NODE, &GRAPH],
            canonicalization_patterns: Vec::new,
            materialize_constant: None,
        })
        .unwrap();
    let mut ctx = Context::new(Arc::new(registry));
    let graph = ctx.create_op(Graph::new().into_state(Location::Unknown));
    let region = ctx.op(graph).regions()[0];
    let block = ctx.append_block(region, vec![f32x4()]);
    let arg = ctx.block_args(block)[0];
    (ctx, graph, block, arg)
}

fn node(ctx: &mut Context, at: InsertPoint, inputs: Vec<Value>, tag: i64) -> OpId {
    let mut b = Builder::new(ctx, at);
    Node::new().inputs(inputs).tag(tag).build_with_types(&mut b, vec![f32x4()]).unwrap()
}

fn tags(ctx: &Context, ops: impl IntoIterator<Item = OpId>) -> Vec<i64> {
    ops.into_iter().filter_map(|op| ctx.op(op).int("tag").ok()).collect()
}

#[test]
fn uses_are_tracked_and_replaced() {
    let (mut ctx, _, block, arg) = setup();
    let a = node(&mut ctx, InsertPoint::End(block), vec![arg, arg], 1);
    let av = ctx.op(a).result(0);
    let b = node(&mut ctx, InsertPoint::End(block), vec![av], 2);
    assert_eq!(ctx.uses(arg).len(), 2);
    assert_eq!(ctx.uses(av).len(), 1);
    assert_eq!(ctx.uses(av)[0].op, b);

    ctx.replace_all_uses(av, arg);
    assert!(!ctx.has_uses(av));
    assert_eq!(ctx.uses(arg).len(), 3);
    assert_eq!(ctx.op(b).operands(), &[arg]);

    ctx.set_operand(b, 0, av);
    assert_eq!(ctx.uses(arg).len(), 2);
    assert_eq!(ctx.uses(av).len(), 1);
}

#[test]
fn erase_removes_the_op_and_its_uses() {
    let (mut ctx, _, block, arg) = setup();
    let a = node(&mut ctx, InsertPoint::End(block), vec![arg], 1);
    let b = node(&mut ctx, InsertPoint::End(block), vec![arg], 2);
    ctx.erase_op(a);
    assert!(!ctx.is_live(a));
    assert_eq!(ctx.uses(arg).len(), 1);
    assert_eq!(tags(&ctx, ctx.block_ops(block)), vec![2]);
    ctx.replace_op(b, &[arg]);
    assert_eq!(ctx.block_ops(block).count(), 0);
    assert!(!ctx.has_uses(arg));
}

#[test]
fn erasing_a_container_erases_chains_inside_it() {
    let (mut ctx, graph, block, arg) = setup();
    let a = node(&mut ctx, InsertPoint::End(block), vec![arg], 1);
    let av = ctx.op(a).result(0);
    let b = node(&mut ctx, InsertPoint::End(block), vec![av], 2);
    ctx.erase_op(graph);
    assert!(!ctx.is_live(graph) && !ctx.is_live(a) && !ctx.is_live(b));
}

#[test]
#[should_panic(expected = "is still used")]
fn erasing_a_used_op_is_a_caller_bug() {
    let (mut ctx, _, block, arg) = setup();
    let a = node(&mut ctx, InsertPoint::End(block), vec![arg], 1);
    let av = ctx.op(a).result(0);
    node(&mut ctx, InsertPoint::End(block), vec![av], 2);
    ctx.erase_op(a);
}

#[test]
fn insertion_points_and_moves_keep_block_order() {
    let (mut ctx, graph, block, arg) = setup();
    let one = node(&mut ctx, InsertPoint::End(block), vec![arg], 1);
    let three = node(&mut ctx, InsertPoint::End(block), vec![arg], 3);
    node(&mut ctx, InsertPoint::Before(three), vec![arg], 2);
    node(&mut ctx, InsertPoint::Start(block), vec![arg], 0);
    node(&mut ctx, InsertPoint::After(three), vec![arg], 4);
    assert_eq!(tags(&ctx, ctx.block_ops(block)), vec![0, 1, 2, 3, 4]);

    ctx.move_op(one, InsertPoint::End(block));
    assert_eq!(tags(&ctx, ctx.block_ops(block)), vec![0, 2, 3, 4, 1]);

    let region = ctx.op(graph).regions()[0];
    let other = ctx.append_block(region, vec![]);
    ctx.move_op(three, InsertPoint::End(other));
    assert_eq!(tags(&ctx, ctx.block_ops(block)), vec![0, 2, 4, 1]);
    assert_eq!(tags(&ctx, ctx.block_ops(other)), vec![3]);
    assert_eq!(ctx.op_parent_block(three), Some(other));
    assert_eq!(ctx.block_last_op(block).map(|op| ctx.op(op).int("tag").unwrap()), Some(1));
}

#[test]
fn walks_visit_nested_ops_in_pre_and_post_order() {
    let (mut ctx, graph, block, arg) = setup();
    node(&mut ctx, InsertPoint::End(block), vec![arg], 1);
    let inner = ctx.create_op(Graph::new().into_state(Location::Unknown));
    ctx.insert_op(inner, InsertPoint::End(block));
    let inner_region = ctx.op(inner).regions()[0];
    let inner_block = ctx.append_block(inner_region, vec![]);
    node(&mut ctx, InsertPoint::End(inner_block), vec![arg], 2);
    node(&mut ctx, InsertPoint::End(block), vec![arg], 3);

    let pre = ctx.walk(graph, WalkOrder::Pre);
    let post = ctx.walk(graph, WalkOrder::Post);
    assert_eq!(pre[0], graph);
    assert_eq!(*post.last().unwrap(), graph);
    assert_eq!(tags(&ctx, pre.iter().copied()), vec![1, 2, 3]);
    let inner_pre = pre.iter().position(|&o| o == inner).unwrap();
    let inner_post = post.iter().position(|&o| o == inner).unwrap();
    let two = |ops: &[OpId]| ops.iter().position(|&o| ctx.op(o).int("tag") == Ok(2)).unwrap();
    assert!(inner_pre < two(&pre), "pre-order visits a parent before its children");
    assert!(inner_post > two(&post), "post-order visits children before their parent");
    assert!(ctx.is_nested_in(pre[two(&pre)], graph));
    assert_eq!(ctx.parent_op(inner), Some(graph));
}
