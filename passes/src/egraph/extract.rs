//! Extraction: choosing one e-node per needed class so that the graph they form is the cheapest.
//!
//! Costs are DAG costs: a class used twice is computed once, so the cost of a choice is the sum of
//! the node costs of the *set* of classes below it, not of the tree. The algorithm is a bottom-up
//! fixed point over a worklist: each class keeps its best node and the set of classes (with their
//! node costs) that node needs; a node is a candidate only once all its children have a choice and
//! none of their sets contains the class itself (that would be a cycle). When a class's choice
//! changes, its parents are revisited. If the fixed point does not settle within its budget, or the
//! result is not acyclic after all, extraction falls back to tree costs, which with non-negative
//! costs and strict improvement can never choose a cycle; the method used is reported.

use super::analysis::NnEGraph;
use super::lang::Node;
use egg::{Id, Language};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

/// The cost of computing one e-node, its children excluded.
pub trait CostFunction {
    fn node_cost(&self, egraph: &NnEGraph, class: Id, node: &Node) -> f64;
}

/// How the choice was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// DAG costs (shared classes counted once).
    Dag,
    /// Tree costs, because the DAG fixed point did not settle or produced a cycle.
    TreeFallback,
}

/// One chosen node per class needed by the roots.
pub struct Extraction {
    /// Canonical class id to its chosen node (children canonical too).
    pub choices: HashMap<Id, Node>,
    /// The summed cost of the chosen nodes of the classes the roots need (each counted once).
    pub cost: f64,
    pub method: Method,
}

impl Extraction {
    /// The classes the roots need, in an order where children come before parents.
    pub fn needed_in_order(&self, roots: &[Id]) -> Vec<Id> {
        let mut order = Vec::new();
        let mut seen = HashSet::new();
        for &root in roots {
            self.post_order(root, &mut seen, &mut order);
        }
        order
    }

    fn post_order(&self, class: Id, seen: &mut HashSet<Id>, order: &mut Vec<Id>) {
        // Iterative, so deep graphs cannot overflow the stack.
        let mut stack = vec![(class, false)];
        while let Some((c, expanded)) = stack.pop() {
            if expanded {
                order.push(c);
                continue;
            }
            if !seen.insert(c) {
                continue;
            }
            stack.push((c, true));
            for &child in self.choices[&c].children().iter().rev() {
                stack.push((child, false));
            }
        }
    }
}

/// A class's current best: its node, and the classes it needs with their node costs (sorted).
struct Best {
    node: Node,
    needs: Rc<Vec<(Id, f64)>>,
    total: f64,
}

/// Extracts the cheapest acyclic graph for `roots` (see the module doc); `None` only if some
/// root has no acyclic choice at all, which a graph built from a valid function always has.
pub fn extract(egraph: &NnEGraph, roots: &[Id], cost: &dyn CostFunction) -> Option<Extraction> {
    let roots: Vec<Id> = roots.iter().map(|&r| egraph.find(r)).collect();
    let costs = node_costs(egraph, cost);
    if let Some(mut choices) = dag_choices(&costs)
        && is_acyclic(&choices, &roots)
    {
        improve(&mut choices, &roots, &costs);
        return Some(finish(choices, &roots, &costs, Method::Dag));
    }
    extract_tree(egraph, &roots, cost)
}

/// Extracts with tree costs only (what [`extract`] falls back to), for comparison.
pub fn extract_tree(egraph: &NnEGraph, roots: &[Id], cost: &dyn CostFunction) -> Option<Extraction> {
    let roots: Vec<Id> = roots.iter().map(|&r| egraph.find(r)).collect();
    let costs = node_costs(egraph, cost);
    let choices = tree_choices(&costs);
    is_acyclic(&choices, &roots).then(|| finish(choices, &roots, &costs, Method::TreeFallback))
}

/// Every (class, node) with its cost, classes in id order.
type NodeCosts = Vec<(Id, Vec<(Node, f64)>)>;

fn node_costs(egraph: &NnEGraph, cost: &dyn CostFunction) -> NodeCosts {
    let mut classes: Vec<Id> = egraph.classes().map(|c| c.id).collect();
    classes.sort();
    classes
        .into_iter()
        .map(|id| {
            let nodes = egraph[id]
                .nodes
                .iter()
                .map(|n| {
                    let n = n.clone().map_children(|c| egraph.find(c));
                    let c = cost.node_cost(egraph, id, &n).max(0.0);
                    (n, c)
                })
                .collect();
            (id, nodes)
        })
        .collect()
}

/// Parents of each class (the classes with a node using it), from the node lists.
fn parents(costs: &NodeCosts) -> HashMap<Id, Vec<usize>> {
    let mut parents: HashMap<Id, Vec<usize>> = HashMap::new();
    for (i, (_, nodes)) in costs.iter().enumerate() {
        for (node, _) in nodes {
            for &child in node.children() {
                let list = parents.entry(child).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    parents
}

/// Runs a bottom-up worklist fixed point; `evaluate` proposes the best choice of a class given the
/// current choices. Returns `None` when it does not settle within the budget.
fn fixed_point(
    costs: &NodeCosts,
    mut evaluate: impl FnMut(&[(Node, f64)], Id, &HashMap<Id, Best>) -> Option<Best>,
) -> Option<HashMap<Id, Best>> {
    let parents = parents(costs);
    let mut best: HashMap<Id, Best> = HashMap::new();
    let mut queued: BTreeSet<usize> = (0..costs.len()).collect();
    let mut budget = 64 * costs.len().max(16);
    while let Some(i) = queued.pop_first() {
        budget = budget.checked_sub(1)?;
        let (class, nodes) = &costs[i];
        let proposal = evaluate(nodes, *class, &best);
        let changed = match (&proposal, best.get(class)) {
            (None, None) => false,
            (Some(p), Some(b)) => p.node != b.node || p.needs != b.needs || p.total != b.total,
            _ => true,
        };
        if changed {
            match proposal {
                Some(p) => best.insert(*class, p),
                None => best.remove(class),
            };
            queued.extend(parents.get(class).into_iter().flatten().copied());
        }
    }
    Some(best)
}

fn dag_choices(costs: &NodeCosts) -> Option<HashMap<Id, Node>> {
    let best = fixed_point(costs, |nodes, class, best| {
        let mut winner: Option<Best> = None;
        for (node, own) in nodes {
            let Some(sets) = node.children().iter().map(|c| best.get(c).map(|b| &b.needs)).collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let mut needs = union(&sets);
            if needs.binary_search_by_key(&class, |&(c, _)| c).is_ok() {
                continue;
            }
            let at = needs.partition_point(|&(c, _)| c < class);
            needs.insert(at, (class, *own));
            let total: f64 = needs.iter().map(|&(_, c)| c).sum();
            if winner.as_ref().is_none_or(|w| total < w.total) {
                winner = Some(Best { node: node.clone(), needs: Rc::new(needs), total });
            }
        }
        winner
    })?;
    Some(best.into_iter().map(|(c, b)| (c, b.node)).collect())
}

/// The greedy fixed point minimizes each class's own subgraph, so a class may pick a node that
/// recomputes what another part of the graph needs anyway (a conv fused into one consumer while
/// another consumer still needs it). Improvement passes fix that: each needed class tries its
/// other nodes and keeps one that lowers the cost of the whole extraction (and stays acyclic).
fn improve(choices: &mut HashMap<Id, Node>, roots: &[Id], costs: &NodeCosts) {
    let alternatives: HashMap<Id, &Vec<(Node, f64)>> = costs.iter().map(|(c, nodes)| (*c, nodes)).collect();
    let Some(mut best) = total_cost(choices, roots, &alternatives) else { return };
    for _ in 0..4 {
        let mut improved = false;
        let order = Extraction { choices: choices.clone(), cost: 0.0, method: Method::Dag }.needed_in_order(roots);
        for class in order {
            for (node, _) in alternatives[&class].iter() {
                if choices[&class] == *node || !node.children().iter().all(|c| choices.contains_key(c)) {
                    continue;
                }
                let previous = choices.insert(class, node.clone()).expect("needed classes have a choice");
                match total_cost(choices, roots, &alternatives) {
                    Some(total) if total < best - 1e-9 => {
                        best = total;
                        improved = true;
                    }
                    _ => {
                        choices.insert(class, previous);
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// The summed node cost of the classes the roots need under `choices`; `None` if they form a cycle.
fn total_cost(choices: &HashMap<Id, Node>, roots: &[Id], alternatives: &HashMap<Id, &Vec<(Node, f64)>>) -> Option<f64> {
    if !is_acyclic(choices, roots) {
        return None;
    }
    let order = Extraction { choices: choices.clone(), cost: 0.0, method: Method::Dag }.needed_in_order(roots);
    let cost_of = |class: &Id| alternatives[class].iter().find(|(n, _)| *n == choices[class]).map_or(0.0, |(_, c)| *c);
    Some(order.iter().map(cost_of).sum())
}

/// Tree costs: a node costs itself plus its children's totals; a choice changes only on strict
/// improvement, so no class can end up depending on itself.
fn tree_choices(costs: &NodeCosts) -> HashMap<Id, Node> {
    let no_needs = Rc::new(Vec::new());
    let best = fixed_point(costs, |nodes, class, best| {
        let current = best.get(&class).map(|b| &b.node);
        let mut winner: Option<Best> = None;
        for (node, own) in nodes {
            let Some(children) = node.children().iter().map(|c| best.get(c).map(|b| b.total)).sum::<Option<f64>>()
            else {
                continue;
            };
            let total = children + own;
            let better = winner.as_ref().is_none_or(|w| total < w.total || (total == w.total && current == Some(node)));
            if better {
                winner = Some(Best { node: node.clone(), needs: no_needs.clone(), total });
            }
        }
        winner
    })
    .unwrap_or_default();
    best.into_iter().map(|(c, b)| (c, b.node)).collect()
}

/// The sorted union of sorted `(class, cost)` lists.
fn union(sets: &[&Rc<Vec<(Id, f64)>>]) -> Vec<(Id, f64)> {
    let Some(largest) = sets.iter().max_by_key(|s| s.len()) else {
        return Vec::new();
    };
    let mut out: Vec<(Id, f64)> = largest.as_ref().clone();
    for set in sets {
        if Rc::ptr_eq(set, largest) {
            continue;
        }
        let mut merged = Vec::with_capacity(out.len() + set.len());
        let (mut i, mut j) = (0, 0);
        while i < out.len() || j < set.len() {
            match (out.get(i), set.get(j)) {
                (Some(a), Some(b)) if a.0 == b.0 => {
                    merged.push(*a);
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if a.0 < b.0 => {
                    merged.push(*a);
                    i += 1;
                }
                (Some(a), None) => {
                    merged.push(*a);
                    i += 1;
                }
                (_, Some(b)) => {
                    merged.push(*b);
                    j += 1;
                }
                (None, None) => unreachable!("the loop condition"),
            }
        }
        out = merged;
    }
    out
}

/// Whether following the choices from the roots never comes back to a class on the current path
/// (and every needed class has a choice).
pub fn is_acyclic(choices: &HashMap<Id, Node>, roots: &[Id]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        OnPath,
        Done,
    }
    let mut marks: HashMap<Id, Mark> = HashMap::new();
    for &root in roots {
        let mut stack = vec![(root, false)];
        while let Some((class, leaving)) = stack.pop() {
            if leaving {
                marks.insert(class, Mark::Done);
                continue;
            }
            match marks.get(&class) {
                Some(Mark::Done) => continue,
                Some(Mark::OnPath) => return false,
                None => {}
            }
            let Some(node) = choices.get(&class) else { return false };
            marks.insert(class, Mark::OnPath);
            stack.push((class, true));
            for &child in node.children() {
                match marks.get(&child) {
                    Some(Mark::OnPath) => return false,
                    Some(Mark::Done) => {}
                    None => stack.push((child, false)),
                }
            }
        }
    }
    true
}

fn finish(choices: HashMap<Id, Node>, roots: &[Id], costs: &NodeCosts, method: Method) -> Extraction {
    let mut extraction = Extraction { choices, cost: 0.0, method };
    let cost_of: HashMap<(Id, &Node), f64> =
        costs.iter().flat_map(|(class, nodes)| nodes.iter().map(move |(n, c)| ((*class, n), *c))).collect();
    extraction.cost = extraction
        .needed_in_order(roots)
        .iter()
        .map(|class| cost_of.get(&(*class, &extraction.choices[class])).copied().unwrap_or(0.0))
        .sum();
    extraction
}
