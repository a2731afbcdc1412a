//! Primitives that carry no computation: `MakeTuple`/`TupleGetItem` build and pick tuples, `Load`
//! reads a parameter (its value), `Depend` orders its first input after the others (its value is
//! the first input), `UpdateState` threads the side-effect monad (no value).

use super::Entry;
use crate::node::Node;
use crate::value::Val;

pub(crate) const TABLE: &[Entry] = &[
    ("MakeTuple", |n| Ok(Val::Tuple(n.inputs.clone()))),
    ("MakeList", |n| Ok(Val::Tuple(n.inputs.clone()))),
    ("TupleGetItem", tuple_get_item),
    ("ListGetItem", tuple_get_item),
    ("Load", |n| first(n)),
    ("Depend", |n| first(n)),
    ("UpdateState", |_| Ok(Val::Nothing)),
];

fn first(n: &mut Node<'_, '_>) -> Result<Val, String> {
    n.inputs.first().cloned().ok_or_else(|| "input #0 is required".to_string())
}

fn tuple_get_item(n: &mut Node<'_, '_>) -> Result<Val, String> {
    let index = n.inputs.get(1).and_then(Val::int).ok_or("the index (input #1) must be a constant int")?;
    match n.inputs.first() {
        Some(Val::Tuple(items)) => {
            let i = if index < 0 { index + items.len() as i64 } else { index };
            items
                .get(i as usize)
                .cloned()
                .ok_or_else(|| format!("index {index} is out of range for a tuple of {}", items.len()))
        }
        Some(other) => Err(format!("input #0 must be a tuple, got {}", other.kind())),
        None => Err("input #0 is required".into()),
    }
}
