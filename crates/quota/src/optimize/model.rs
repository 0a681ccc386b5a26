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
    /// A group bound given as a share (`min_share`, `max_share`) rather than a count.
    pub via_share: bool,
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
    /// `max_rel` as a percentage for names ("15%"), formatted once.
    rel_text: String,
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
        let mut items =
            Vec::with_capacity(3 * ideal.len() + 2 * constraints.groups.len() + constraints.custom.len());
        let unit = |kind, i: usize, lo: u64, hi: u64| Item {
            kind,
            target: Target::Unit(i),
            lo,
            hi,
            via_share: false,
        };
        let change = constraints.change.as_ref().map(|c| {
            let r = c.max_rel.map(|r| exact_decimal(r).expect("validated"));
            (c, r)
        });
        for i in 0..ideal.len() {
            if lower[i] > 0 {
                items.push(unit(ItemKind::Floor, i, lower[i], total));
            }
            if upper[i] < total {
                items.push(unit(ItemKind::Cap, i, 0, upper[i]));
            }
            if let Some((c, r)) = change {
                let p = c.previous[i];
                let d = r.map(|r| floor_times(r, p));
                match (c.max_abs, d, c.combine) {
                    (Some(a), Some(d), Combine::Either) => {
                        let e = a.max(d);
                        items.push(unit(ItemKind::ChangeEither, i, p.saturating_sub(e), p.saturating_add(e)));
                    }
                    (abs, rel, _) => {
                        if let Some(a) = abs {
                            items.push(unit(
                                ItemKind::ChangeAbs,
                                i,
                                p.saturating_sub(a),
                                p.saturating_add(a),
                            ));
                        }
                        if let Some(d) = rel {
                            items.push(unit(ItemKind::ChangeRel, i, p.saturating_sub(d), p + d));
                        }
                    }
                }
            }
            if constraints.quota_condition {
                let q = ideal[i];
                items.push(unit(ItemKind::Quota, i, q.floor() as u64, q.ceil() as u64));
            }
        }
        for (g, group) in constraints.groups.iter().enumerate() {
            let mut push = |kind, lo: u64, hi: u64, via_share: bool| {
                items.push(Item { kind, target: Target::Group(g), lo, hi, via_share })
            };
            if let Some(s) = group.min_share {
                push(
                    ItemKind::GroupMin,
                    ceil_times(exact_decimal(s).expect("validated"), total),
                    total,
                    true,
                );
            }
            if let Some(c) = group.min_count {
                push(ItemKind::GroupMin, c, total, false);
            }
            if let Some(s) = group.max_share {
                push(ItemKind::GroupMax, 0, floor_times(exact_decimal(s).expect("validated"), total), true);
            }
            if let Some(c) = group.max_count {
                push(ItemKind::GroupMax, 0, c, false);
            }
        }
        for k in 0..constraints.custom.len() {
            items.push(Item {
                kind: ItemKind::Custom,
                target: Target::Custom(k),
                lo: 0,
                hi: 0,
                via_share: false,
            });
        }
        let rel_text = constraints.change.as_ref().and_then(|c| c.max_rel).map(percent).unwrap_or_default();
        Instance { ideal, names, constraints, total, items, rel_text }
    }

    /// Item k in the scenario's own words ("change.max_rel for 四川省 (previous 40, ±15%:
    /// 34..46)"). Built on demand: only messages and reports need it.
    pub fn name(&self, k: usize) -> String {
        let item = &self.items[k];
        let (lo, hi, total) = (item.lo, item.hi, self.total);
        match item.target {
            Target::Unit(i) => {
                let who = &self.names[i];
                let change = self.constraints.change.as_ref();
                let p = change.map_or(0, |c| c.previous[i]);
                let a = change.and_then(|c| c.max_abs).unwrap_or(0);
                let r = &self.rel_text;
                match item.kind {
                    ItemKind::Floor => format!("floor of {who} ({lo})"),
                    ItemKind::Cap => format!("cap of {who} ({hi})"),
                    ItemKind::ChangeAbs => {
                        format!("change.max_abs for {who} (previous {p}, ±{a}: {lo}..{hi})")
                    }
                    ItemKind::ChangeRel => {
                        format!("change.max_rel for {who} (previous {p}, ±{r}: {lo}..{hi})")
                    }
                    ItemKind::ChangeEither => {
                        format!("change for {who} (previous {p}, ±max({a}, {r}) = ±{}: {lo}..{hi})", hi - p)
                    }
                    _ => format!("quota_condition for {who} (ideal {}: {lo}..{hi})", show_q(self.ideal[i])),
                }
            }
            Target::Group(g) => {
                let group = &self.constraints.groups[g];
                let name = &group.name;
                match (item.kind, item.via_share) {
                    (ItemKind::GroupMin, true) => {
                        format!(
                            "group {name} min_share {} (≥ {lo} of {total})",
                            group.min_share.unwrap_or(0.0)
                        )
                    }
                    (ItemKind::GroupMin, false) => format!("group {name} min_count {lo}"),
                    (_, true) => format!(
                        "group {name} max_share {} (≤ {hi} of {total})",
                        group.max_share.unwrap_or(0.0)
                    ),
                    (_, false) => format!("group {name} max_count {hi}"),
                }
            }
            Target::Custom(k) => {
                let c = &self.constraints.custom[k];
                let mut lhs = String::new();
                for (t, &(i, a)) in c.terms.iter().enumerate() {
                    let mag = a.unsigned_abs();
                    let coef = if mag == 1 { String::new() } else { format!("{mag}·") };
                    if t == 0 {
                        lhs.push_str(if a < 0 { "−" } else { "" });
                    } else {
                        lhs.push_str(if a < 0 { " − " } else { " + " });
                    }
                    lhs.push_str(&format!("{coef}{}", self.names[i]));
                }
                format!("custom '{}': {lhs} {} {}", c.name, c.op.symbol(), c.rhs)
            }
        }
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
