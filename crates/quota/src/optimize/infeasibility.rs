//! Infeasibility that explains itself.
//!
//! 1. **Cheap checks before solving.** On the fast path's structure the node ranges of the
//!    group tree decide feasibility exactly; the first node whose range is empty names the
//!    contradiction with its numbers ("floors sum to 1040 > total 1039", "group 西部 needs
//!    ≥ 300 but its caps sum to 281"), and the bounds that produced the numbers are traced down
//!    the tree into the conflict list. On other models the same checks run on the boxes, on
//!    each group alone, and on each custom row against the boxes.
//! 2. **Deletion filter** when the solver still reports infeasible: drop the scenario's named
//!    constraints one at a time, keeping a constraint out whenever the rest stays infeasible;
//!    what remains is a minimal conflicting set — dropping any one member makes the rest
//!    feasible (Chinneck & Dravnieks, "Locating minimal infeasible constraint sets in linear
//!    programs", *ORSA J. Computing* 3 (1991) 157–168).

use std::fmt;

use super::fast::Tree;
use super::lp::{self, Answer, Budget};
use super::model::{Instance, ItemKind, Model, Target};
use super::OptimizeError;

/// Why no allocation satisfies the constraints: a one-line message with the numbers, and the
/// conflicting constraints in the scenario's own words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Infeasibility {
    /// The contradiction, e.g. "group 西部 needs ≥ 300 but its caps sum to 281".
    pub message: String,
    /// The constraints involved (each names its scenario key and unit or group).
    pub conflict: Vec<String>,
}

impl fmt::Display for Infeasibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        for c in &self.conflict {
            write!(f, "\n  - {c}")?;
        }
        Ok(())
    }
}

/// Items whose bounds produced a node's range, collected down the tree.
fn trace(tree: &Tree, model: &Model, v: usize, upper: bool, l: &[u64], h: &[u64], out: &mut Vec<usize>) {
    if tree.is_leaf(v) {
        let item = if upper { model.hi_item[v] } else { model.lo_item[v] };
        out.extend(item);
        return;
    }
    let (own_lo, own_hi) = tree.own(v);
    let kids = tree.children(v);
    let (sl, sh): (u64, u64) = (kids.iter().map(|&c| l[c]).sum(), kids.iter().map(|&c| h[c]).sum());
    let row = tree.row(v).map(|r| &model.rows[r]);
    match (upper, row) {
        (true, Some(r)) if own_hi <= sh => out.extend(r.hi_item),
        (false, Some(r)) if own_lo >= sl => out.extend(r.lo_item),
        _ => {
            for &c in kids {
                trace(tree, model, c, upper, l, h, out);
            }
        }
    }
}

/// "caps" if every item is a cap (or floors if every item is a floor), otherwise "upper
/// bounds" / "lower bounds" with a breakdown by kind.
fn describe(inst: &Instance, items: &[usize], upper: bool) -> String {
    let pure = if upper { ItemKind::Cap } else { ItemKind::Floor };
    if items.iter().all(|&k| inst.items[k].kind == pure) {
        return if upper { "caps" } else { "floors" }.to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let kinds = [
        (ItemKind::Floor, "floors of"),
        (ItemKind::Cap, "caps of"),
        (ItemKind::ChangeAbs, "change.max_abs for"),
        (ItemKind::ChangeRel, "change.max_rel for"),
        (ItemKind::ChangeEither, "change limits for"),
        (ItemKind::Quota, "quota_condition for"),
    ];
    for (kind, label) in kinds {
        let count = items.iter().filter(|&&k| inst.items[k].kind == kind).count();
        if count > 0 {
            parts.push(format!("{label} {count} unit{}", if count == 1 { "" } else { "s" }));
        }
    }
    for &k in items {
        if matches!(inst.items[k].kind, ItemKind::GroupMin | ItemKind::GroupMax) {
            parts.push(inst.name(k));
        }
    }
    let what = if upper { "upper bounds" } else { "lower bounds" };
    if parts.is_empty() {
        what.to_string()
    } else {
        format!("{what} ({})", parts.join(", "))
    }
}

fn names(inst: &Instance, items: &[usize]) -> Vec<String> {
    let mut items = items.to_vec();
    items.sort_unstable();
    items.dedup();
    items.iter().map(|&k| inst.name(k)).collect()
}

/// The explanation of the tree node `v` whose range is empty (`l`, `h` as left by
/// [`Tree::ranges`]).
pub(crate) fn tree_failure(
    inst: &Instance,
    model: &Model,
    tree: &Tree,
    v: usize,
    l: &[u64],
    h: &[u64],
) -> Infeasibility {
    let total = model.total;
    if tree.is_leaf(v) {
        let who = &inst.names[v];
        let src = |item: Option<usize>| item.map_or("the total".to_string(), |k| inst.name(k));
        let items: Vec<usize> = model.lo_item[v].into_iter().chain(model.hi_item[v]).collect();
        return Infeasibility {
            message: format!(
                "{who} must get ≥ {} ({}) but ≤ {} ({})",
                model.lo[v],
                src(model.lo_item[v]),
                model.hi[v],
                src(model.hi_item[v])
            ),
            conflict: names(inst, &items),
        };
    }
    let (own_lo, own_hi) = tree.own(v);
    let kids = tree.children(v);
    let (sl, sh): (u64, u64) = (kids.iter().map(|&c| l[c]).sum(), kids.iter().map(|&c| h[c]).sum());
    let row = tree.row(v).map(|r| &model.rows[r]);
    let group = row.map(|r| inst.constraints.groups[r.group].name.as_str());
    if let (Some(r), true) = (row, own_lo > own_hi) {
        let items: Vec<usize> = r.lo_item.into_iter().chain(r.hi_item).collect();
        return Infeasibility {
            message: format!("group {} needs ≥ {own_lo} but allows ≤ {own_hi}", group.unwrap_or_default()),
            conflict: names(inst, &items),
        };
    }
    let mut items = Vec::new();
    if own_lo > sh {
        for &c in kids {
            trace(tree, model, c, true, l, h, &mut items);
        }
        let what = describe(inst, &items, true);
        let message = match (group, row) {
            (Some(g), Some(r)) => {
                items.extend(r.lo_item);
                format!("group {g} needs ≥ {own_lo} but its {what} sum to {sh}")
            }
            _ => format!("{what} sum to {sh} < total {total}"),
        };
        Infeasibility { message, conflict: names(inst, &items) }
    } else {
        for &c in kids {
            trace(tree, model, c, false, l, h, &mut items);
        }
        let what = describe(inst, &items, false);
        let message = match (group, row) {
            (Some(g), Some(r)) => {
                items.extend(r.hi_item);
                format!("group {g} allows ≤ {own_hi} but its {what} sum to {sl}")
            }
            _ => format!("{what} sum to {sl} > total {total}"),
        };
        Infeasibility { message, conflict: names(inst, &items) }
    }
}

/// Cheap checks on a model that is not laminar: the boxes and the total, each group on its
/// own, each custom row against the boxes.
pub(crate) fn precheck(inst: &Instance, model: &Model) -> Option<Infeasibility> {
    let mut single = model.clone();
    single.customs.clear();
    single.rows.clear();
    let (mut l, mut h) = (Vec::new(), Vec::new());
    let bare = Tree::build(&single, inst.ideal).expect("no rows: laminar");
    if let Err(v) = bare.ranges(&model.lo, &model.hi, &mut l, &mut h) {
        return Some(tree_failure(inst, &single, &bare, v, &l, &h));
    }
    for row in &model.rows {
        single.rows = vec![row.clone()];
        let tree = Tree::build(&single, inst.ideal).expect("one row: laminar");
        if let Err(v) = tree.ranges(&model.lo, &model.hi, &mut l, &mut h) {
            return Some(tree_failure(inst, &single, &tree, v, &l, &h));
        }
    }
    for c in &model.customs {
        let (mut min, mut max) = (0i128, 0i128);
        let (mut at_min, mut at_max) = (Vec::new(), Vec::new());
        for &(i, a) in &c.terms {
            let (lo, hi) = (model.lo[i] as i128, model.hi[i] as i128);
            let a128 = a as i128;
            if a > 0 {
                min += a128 * lo;
                max += a128 * hi;
                at_min.extend(model.lo_item[i]);
                at_max.extend(model.hi_item[i]);
            } else {
                min += a128 * hi;
                max += a128 * lo;
                at_min.extend(model.hi_item[i]);
                at_max.extend(model.lo_item[i]);
            }
        }
        let rhs = c.rhs as i128;
        let name = &inst.constraints.custom[match inst.items[c.item].target {
            Target::Custom(k) => k,
            _ => unreachable!("a custom row's item is a custom constraint"),
        }]
        .name;
        let (fails, message, mut items) = match c.op {
            super::constraints::Op::Le | super::constraints::Op::Eq if min > rhs => (
                true,
                format!("custom '{name}' needs ≤ {rhs} but its smallest possible value within the bounds is {min}"),
                at_min,
            ),
            super::constraints::Op::Ge | super::constraints::Op::Eq if max < rhs => (
                true,
                format!("custom '{name}' needs ≥ {rhs} but its largest possible value within the bounds is {max}"),
                at_max,
            ),
            _ => (false, String::new(), Vec::new()),
        };
        if fails {
            items.push(c.item);
            return Some(Infeasibility { message, conflict: names(inst, &items) });
        }
    }
    None
}

/// Whether the model of `active` items has an allocation (`None` if the time ran out).
fn feasible(inst: &Instance, active: &[bool], budget: &Budget) -> Result<Option<bool>, OptimizeError> {
    let model = inst.model(active);
    if let Ok(tree) = Tree::build(&model, inst.ideal) {
        let (mut l, mut h) = (Vec::new(), Vec::new());
        return Ok(Some(tree.ranges(&model.lo, &model.hi, &mut l, &mut h).is_ok()));
    }
    Ok(match lp::feasible(&model, &model.lo, &model.hi, budget)? {
        Answer::Found { .. } => Some(true),
        Answer::Infeasible => Some(false),
        Answer::TimedOut => None,
    })
}

/// The order in which the filter tries to drop items: the core's floors and caps first, then
/// per-unit side constraints, then group bounds and custom rows — so that, among several
/// minimal sets, the one reported keeps the scenario's own constraints where it can.
fn drop_order(inst: &Instance) -> Vec<usize> {
    let rank = |k: ItemKind| match k {
        ItemKind::Floor | ItemKind::Cap => 0,
        ItemKind::Quota => 1,
        ItemKind::ChangeAbs | ItemKind::ChangeRel | ItemKind::ChangeEither => 2,
        ItemKind::GroupMax | ItemKind::GroupMin => 3,
        ItemKind::Custom => 4,
    };
    let mut order: Vec<usize> = (0..inst.items.len()).collect();
    order.sort_by_key(|&k| (rank(inst.items[k].kind), k));
    order
}

/// A minimal set of conflicting items by the deletion filter, starting from the items marked in
/// `start` (`None`: every item). `None` if they turn out to be feasible.
pub(crate) fn deletion_filter(
    inst: &Instance,
    start: Option<&[bool]>,
    budget: &Budget,
) -> Result<Option<Infeasibility>, OptimizeError> {
    let mut active = start.map_or_else(|| vec![true; inst.items.len()], <[bool]>::to_vec);
    if feasible(inst, &active, budget)? != Some(false) {
        return Ok(None);
    }
    let mut complete = true;
    for k in drop_order(inst) {
        if !active[k] {
            continue;
        }
        active[k] = false;
        match feasible(inst, &active, budget)? {
            Some(false) => {}
            Some(true) => active[k] = true,
            None => {
                active[k] = true;
                complete = false;
                break;
            }
        }
    }
    let items: Vec<usize> = (0..active.len()).filter(|&k| active[k]).collect();
    let message = if complete {
        "no allocation satisfies these constraints together; dropping any one of them makes the rest feasible"
    } else {
        "no allocation satisfies these constraints together (time limit reached: the set may not be minimal)"
    };
    Ok(Some(Infeasibility { message: message.to_string(), conflict: names(inst, &items) }))
}
