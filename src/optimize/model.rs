//! The model of one solve: every constraint of the scenario as a named *item* (a floor, a cap,
//! a change limit or quota bound of one unit, one bound of a group, one custom row), and the
//! resolved model of any subset of the items: per-unit boxes, group rows with count bounds,
//! custom rows. Items are the granularity of infeasibility explanations.

use super::constraints::{ceil_times, exact_decimal, floor_times, Combine, Constraints, Op};

/// What kind of constraint an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    /// A floor of the core problem (`lower`).
    Floor,
    /// A cap of the core problem (`upper`).
    Cap,
    /// `[optimize.change] max_abs` on one unit.
    ChangeAbs,
    /// `[optimize.change] max_rel` on one unit.
    ChangeRel,
    /// `[optimize.change]` with `combine = "either"`: the larger of the two limits.
    ChangeEither,
    /// `quota_condition` on one unit.
    Quota,
    /// A group's min_share or min_count.
    GroupMin,
    /// A group's max_share or max_count.
    GroupMax,
    /// A custom constraint.
    Custom,
}

/// What an item constrains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Unit(usize),
    Group(usize),
    Custom(usize),
}

/// One named constraint.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub kind: ItemKind,
    pub target: Target,
    /// Unit items: the slot range they allow. Group minimum: `lo` is the count. Group
    /// maximum: `hi` is the count.
    pub lo: u64,
    pub hi: u64,
    /// The constraint in the scenario's own words.
    pub name: String,
}

/// A group row of a resolved model.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// Index of the group in [`Constraints::groups`].
    pub group: usize,
    pub members: Vec<usize>,
    pub lo: u64,
    pub hi: u64,
    pub lo_item: Option<usize>,
    pub hi_item: Option<usize>,
}

/// A custom row of a resolved model.
#[derive(Debug, Clone)]
pub(crate) struct CustomRow {
    pub item: usize,
    pub terms: Vec<(usize, i64)>,
    pub op: Op,
    pub rhs: i64,
}

/// The constraints of a subset of items: `lo ≤ x ≤ hi`, `Σ x = total`, rows, custom rows.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub total: u64,
    pub lo: Vec<u64>,
    pub hi: Vec<u64>,
    /// The item that sets each unit's lower / upper bound (`None`: the default 0 / total).
    pub lo_item: Vec<Option<usize>>,
    pub hi_item: Vec<Option<usize>>,
    pub rows: Vec<Row>,
    pub customs: Vec<CustomRow>,
}

impl Model {
    pub fn len(&self) -> usize {
        self.lo.len()
    }

    /// Whether every row and box is satisfied by `x` and the slots sum to the total.
    pub fn satisfied_by(&self, x: &[u64]) -> bool {
        x.iter().sum::<u64>() == self.total
            && (0..x.len()).all(|i| self.lo[i] <= x[i] && x[i] <= self.hi[i])
            && self.rows.iter().all(|r| {
                let s: u64 = r.members.iter().map(|&i| x[i]).sum();
                r.lo <= s && s <= r.hi
            })
            && self.customs.iter().all(|c| c.op.holds(custom_lhs(&c.terms, x), c.rhs as i128))
    }
}

/// Σ a_i x_i exactly.
pub(crate) fn custom_lhs(terms: &[(usize, i64)], x: &[u64]) -> i128 {
    terms.iter().map(|&(i, a)| a as i128 * x[i] as i128).sum()
}

/// A problem instance: the data of one solve and all of its items.
#[derive(Debug, Clone)]
pub(crate) struct Instance<'a> {
    pub ideal: &'a [f64],
    pub names: &'a [String],
    pub constraints: &'a Constraints,
    pub total: u64,
    pub items: Vec<Item>,
}

/// A quota for messages: two decimals.
fn show_q(q: f64) -> String {
    format!("{q:.2}")
}

/// `0.28` → `28%`, using the exact decimal.
fn percent(r: f64) -> String {
    let p = r * 100.0;
    let s = format!("{:.6}", p);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

impl<'a> Instance<'a> {
    /// Creates the items in a fixed order: per unit its floor, cap, change limits and quota
    /// bounds; then group bounds; then custom constraints. `constraints` must be valid for
    /// `ideal.len()` units.
    pub fn new(
        ideal: &'a [f64],
        lower: &[u64],
        upper: &[u64],
        total: u64,
        constraints: &'a Constraints,
        names: &'a [String],
    ) -> Self {
        let mut items = Vec::new();
        let unit = |kind, i: usize, lo: u64, hi: u64, name: String| Item {
            kind,
            target: Target::Unit(i),
            lo,
            hi,
            name,
        };
        for i in 0..ideal.len() {
            let who = &names[i];
            if lower[i] > 0 {
                items.push(unit(
                    ItemKind::Floor,
                    i,
                    lower[i],
                    total,
                    format!("floor of {who} ({})", lower[i]),
                ));
            }
            if upper[i] < total {
                items.push(unit(ItemKind::Cap, i, 0, upper[i], format!("cap of {who} ({})", upper[i])));
            }
            if let Some(c) = &constraints.change {
                let p = c.previous[i];
                let rel = c.max_rel.map(|r| (r, floor_times(exact_decimal(r).expect("validated"), p)));
                match (c.max_abs, rel, c.combine) {
                    (Some(a), Some((r, d)), Combine::Either) => {
                        let e = a.max(d);
                        let (lo, hi) = (p.saturating_sub(e), p + e);
                        items.push(unit(
                            ItemKind::ChangeEither,
                            i,
                            lo,
                            hi,
                            format!(
                                "change for {who} (previous {p}, ±max({a}, {}) = ±{e}: {lo}..{hi})",
                                percent(r)
                            ),
                        ));
                    }
                    (abs, rel, _) => {
                        if let Some(a) = abs {
                            let (lo, hi) = (p.saturating_sub(a), p.saturating_add(a));
                            items.push(unit(
                                ItemKind::ChangeAbs,
                                i,
                                lo,
                                hi,
                                format!("change.max_abs for {who} (previous {p}, ±{a}: {lo}..{hi})"),
                            ));
                        }
                        if let Some((r, d)) = rel {
                            let (lo, hi) = (p.saturating_sub(d), p + d);
                            items.push(unit(
                                ItemKind::ChangeRel,
                                i,
                                lo,
                                hi,
                                format!(
                                    "change.max_rel for {who} (previous {p}, ±{}: {lo}..{hi})",
                                    percent(r)
                                ),
                            ));
                        }
                    }
                }
            }
            if constraints.quota_condition {
                let q = ideal[i];
                let (lo, hi) = (q.floor() as u64, q.ceil() as u64);
                items.push(unit(
                    ItemKind::Quota,
                    i,
                    lo,
                    hi,
                    format!("quota_condition for {who} (ideal {}: {lo}..{hi})", show_q(q)),
                ));
            }
        }
        for (g, group) in constraints.groups.iter().enumerate() {
            let name = &group.name;
            let mut push = |kind, lo: u64, hi: u64, text: String| {
                items.push(Item { kind, target: Target::Group(g), lo, hi, name: text })
            };
            if let Some(s) = group.min_share {
                let c = ceil_times(exact_decimal(s).expect("validated"), total);
                push(ItemKind::GroupMin, c, total, format!("group {name} min_share {s} (≥ {c} of {total})"));
            }
            if let Some(c) = group.min_count {
                push(ItemKind::GroupMin, c, total, format!("group {name} min_count {c}"));
            }
            if let Some(s) = group.max_share {
                let c = floor_times(exact_decimal(s).expect("validated"), total);
                push(ItemKind::GroupMax, 0, c, format!("group {name} max_share {s} (≤ {c} of {total})"));
            }
            if let Some(c) = group.max_count {
                push(ItemKind::GroupMax, 0, c, format!("group {name} max_count {c}"));
            }
        }
        for (k, c) in constraints.custom.iter().enumerate() {
            let mut lhs = String::new();
            for (t, &(i, a)) in c.terms.iter().enumerate() {
                let sign = if a < 0 { "−" } else { "+" };
                let mag = a.unsigned_abs();
                let coef = if mag == 1 { String::new() } else { format!("{mag}·") };
                if t == 0 {
                    lhs.push_str(if a < 0 { "−" } else { "" });
                } else {
                    lhs.push_str(&format!(" {sign} "));
                }
                lhs.push_str(&format!("{coef}{}", names[i]));
            }
            items.push(Item {
                kind: ItemKind::Custom,
                target: Target::Custom(k),
                lo: 0,
                hi: 0,
                name: format!("custom '{}': {lhs} {} {}", c.name, c.op.symbol(), c.rhs),
            });
        }
        Instance { ideal, names, constraints, total, items }
    }

    pub fn len(&self) -> usize {
        self.ideal.len()
    }

    /// The model of the items marked active.
    pub fn model(&self, active: &[bool]) -> Model {
        let n = self.len();
        let total = self.total;
        let mut m = Model {
            total,
            lo: vec![0; n],
            hi: vec![total; n],
            lo_item: vec![None; n],
            hi_item: vec![None; n],
            rows: Vec::new(),
            customs: Vec::new(),
        };
        let groups = &self.constraints.groups;
        let mut rows: Vec<Option<Row>> = vec![None; groups.len()];
        for (k, item) in self.items.iter().enumerate() {
            if !active[k] {
                continue;
            }
            match item.target {
                Target::Unit(i) => {
                    if item.lo > m.lo[i] {
                        m.lo[i] = item.lo;
                        m.lo_item[i] = Some(k);
                    }
                    if item.hi < m.hi[i] {
                        m.hi[i] = item.hi;
                        m.hi_item[i] = Some(k);
                    }
                }
                Target::Group(g) => {
                    let row = rows[g].get_or_insert_with(|| Row {
                        group: g,
                        members: groups[g].members.clone(),
                        lo: 0,
                        hi: total,
                        lo_item: None,
                        hi_item: None,
                    });
                    if item.kind == ItemKind::GroupMin {
                        if row.lo_item.is_none() || item.lo > row.lo {
                            row.lo = item.lo;
                            row.lo_item = Some(k);
                        }
                    } else if row.hi_item.is_none() || item.hi < row.hi {
                        row.hi = item.hi;
                        row.hi_item = Some(k);
                    }
                }
                Target::Custom(c) => {
                    let spec = &self.constraints.custom[c];
                    m.customs.push(CustomRow {
                        item: k,
                        terms: spec.terms.clone(),
                        op: spec.op,
                        rhs: spec.rhs,
                    });
                }
            }
        }
        m.rows = rows.into_iter().flatten().collect();
        m
    }

    /// The model with every item active.
    pub fn full_model(&self) -> Model {
        self.model(&vec![true; self.items.len()])
    }
}
