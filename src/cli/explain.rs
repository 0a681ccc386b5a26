//! `quota explain`: why each unit gets what it gets — the derivation of a unit's ideal quota,
//! the audit trail of the apportionment (or of the optimisation model, laid out in
//! [`opt`]), who is next in line, the unit's margins, and the paradox checks. The library
//! computes ([`quota::explain`]); this file lays it out.

mod opt;

use std::path::PathBuf;

use quota::apportion::{Method, Ratio};
use quota::error::Location;
use quota::explain::derivation::{Derivation, Transform};
use quota::explain::margins::{Lever, Margin};
use quota::explain::next::{display_priority, Claim, HouseChange, NextInLine, QueuePosition};
use quota::explain::paradox::{self, ParadoxReport, QuotaSide};
use quota::explain::trail::{DivisorTrail, HamiltonTrail, MethodTrail, QuotaTrail, Trail};
use quota::explain::{self, BoundState, ExplainOptions, Explanation};
use quota::indicators::IndicatorTable;
use quota::scenario::{MethodChoice, Scenario, ScenarioFile};
use serde_json::json;

use super::flags::OverrideFlags;
use super::load::{self, read_text, ScenarioInputs};
use super::output::{self, Align};
use super::{input, internal, Failure};

/// Output format of `quota explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Aligned text.
    Table,
    /// Markdown.
    Md,
    /// JSON (every number, exact fractions as strings).
    Json,
}

/// Explain an allocation: derivation, audit trail, next in line, margins, paradoxes.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota explain --unit 44                      # 广东省 in the bundled 2024 first batch\n  quota explain --unit 广东省 --method webster --next 10\n  quota explain --paradoxes --compare-data new-indicators.csv\n  quota explain --unit 44 --format json -o explain-44.json"
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    scenario: Option<PathBuf>,
    /// The unit to explain, by code (44) or name (广东省, Guangdong): adds the derivation of its
    /// quota, its place in line and its margins.
    #[arg(long, short)]
    unit: Option<String>,
    #[command(flatten)]
    overrides: OverrideFlags,
    /// How many slots ahead (total + 1, + 2, …) and behind to list.
    #[arg(long, default_value_t = 5)]
    next: usize,
    /// Skip the margins (they re-allocate a few thousand times).
    #[arg(long)]
    no_margins: bool,
    /// Run the paradox checks: Alabama (N−1, N, N+1), quota rule, and with --compare-data the
    /// population paradox.
    #[arg(long)]
    paradoxes: bool,
    /// A second indicators file (the updated data) for the population-paradox check; the
    /// scenario's own indicators are "before". Implies --paradoxes.
    #[arg(long, value_name = "OTHER.csv")]
    compare_data: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ExplainFormat::Table)]
    format: ExplainFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let (scenario, inputs) = load::scenario(args.scenario.as_deref(), &args.overrides.overrides())?;
    let unit = args.unit.as_deref().map(|k| explain::find_unit(&scenario, k)).transpose().map_err(input)?;
    let opts = ExplainOptions {
        unit,
        next: args.next,
        margins: !args.no_margins,
        paradoxes: args.paradoxes || args.compare_data.is_some(),
    };
    let mut ex = explain::explain(&scenario, &opts).map_err(input)?;
    if let Some(other) = &args.compare_data {
        let after = scenario_on_other_data(&inputs, &scenario, other)?;
        let report = match ex.method {
            MethodChoice::Apportion(m) => paradox::population_paradox_scenarios(&scenario, &after, m),
            MethodChoice::Optimize => paradox::population_paradox_allocated(&scenario, &after),
        }
        .map_err(input)?;
        if let Some(p) = ex.paradoxes.as_mut() {
            p.population = Some(report);
        }
    }
    let stamp = super::stamp::stamp_of(&scenario, &inputs)?;
    let text = match args.format {
        ExplainFormat::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("stamp".into(), json!(stamp));
            doc.insert("units".into(), json!(units_json(&scenario)));
            if let serde_json::Value::Object(rest) = serde_json::to_value(&ex).map_err(internal)? {
                doc.extend(rest);
            }
            if let Some(other) = &args.compare_data {
                doc.insert("compare_data".into(), json!(other.display().to_string()));
            }
            output::json_text(&serde_json::Value::Object(doc))?
        }
        f => {
            let mut doc = Doc::default();
            layout(&mut doc, &scenario, &ex, args.compare_data.as_deref());
            doc.para(&stamp.line());
            if f == ExplainFormat::Md {
                doc.markdown()
            } else {
                doc.text()
            }
        }
    };
    output::emit(args.output.as_deref(), text.as_bytes())
}

fn units_json(s: &Scenario) -> Vec<serde_json::Value> {
    s.units
        .as_slice()
        .iter()
        .enumerate()
        .map(|(i, u)| json!({ "index": i, "code": u.code, "name": u.name_zh, "name_en": u.name_en }))
        .collect()
}

/// The same scenario on another indicators file (for the population-paradox check).
fn scenario_on_other_data(
    inputs: &ScenarioInputs,
    s: &Scenario,
    other: &std::path::Path,
) -> Result<Scenario, Failure> {
    let mut file =
        ScenarioFile::parse(&inputs.scenario.text, inputs.scenario.location()).map_err(internal)?;
    file.method = s.method.name().to_string();
    file.total = s.total;
    file.merge_cities = s.merged;
    let label = other.display().to_string();
    let text = read_text(other)?;
    let table = IndicatorTable::parse(&text, Location::file(&label), &inputs.units).map_err(input)?;
    Scenario::build(&file, &inputs.units, &table, Location::file(&label))
        .map_err(|p| input(quota::scenario::join_problems(p)))
}

/// A document: headings, paragraphs and tables, rendered as text or Markdown.
#[derive(Default)]
struct Doc {
    blocks: Vec<Block>,
}

enum Block {
    Heading(String),
    Para(String),
    Table { header: Vec<String>, align: Vec<Align>, rows: Vec<Vec<String>> },
}

impl Doc {
    fn heading(&mut self, s: &str) {
        self.blocks.push(Block::Heading(s.to_string()));
    }
    fn para(&mut self, s: &str) {
        self.blocks.push(Block::Para(s.to_string()));
    }
    fn table(&mut self, header: &[&str], align: &[Align], rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            align: align.to_vec(),
            rows,
        });
    }
    fn text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    out.push_str(&format!("{h}\n{}\n\n", "=".repeat(h.chars().count().min(100))))
                }
                Block::Para(p) => out.push_str(&format!("{p}\n\n")),
                Block::Table { header, align, rows } => {
                    out.push_str(&output::text_table(header, align, rows, false));
                    out.push('\n');
                }
            }
        }
        out.trim_end().to_string() + "\n"
    }
    fn markdown(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(h) => out.push_str(&format!("### {h}\n\n")),
                Block::Para(p) => out.push_str(&format!("{}\n\n", p.replace('\n', "  \n"))),
                Block::Table { header, align, rows } => {
                    out.push_str(&output::markdown_table(header, align, rows));
                    out.push('\n');
                }
            }
        }
        out.trim_end().to_string() + "\n"
    }
}

const L: Align = Align::Left;
const R: Align = Align::Right;

fn label(s: &Scenario, i: usize) -> String {
    let u = s.units.get(i);
    format!("{} {}", u.code, u.name_zh)
}

fn group(n: u128) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (k, c) in d.chars().enumerate() {
        if k > 0 && (d.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn dec(r: Ratio, places: usize) -> String {
    if r.is_infinite() {
        "∞".into()
    } else {
        format!("{:.*}", places, r.to_f64())
    }
}

fn layout(doc: &mut Doc, s: &Scenario, ex: &Explanation, compare: Option<&std::path::Path>) {
    doc.heading(&format!(
        "quota explain — scenario {} — method {} — {} slots over {} units",
        ex.scenario,
        ex.method,
        ex.total,
        s.units.len()
    ));
    let asked = ex.derivation.as_ref().map(|d| d.unit);
    if let Some(d) = &ex.derivation {
        let slots = ex.slots()[d.unit];
        doc.para(&format!("{} {} ({}, {}): {} slots", d.code, d.name, d.name_en, d.region.name_zh(), slots));
        derivation(doc, s, d, ex.trail.as_ref());
    }
    if let Some(t) = &ex.trail {
        trail(doc, s, t, asked);
    }
    if let Some(o) = &ex.optimizer {
        opt::trail(doc, s, o, asked);
    }
    next_in_line(doc, s, ex, asked);
    if let Some(d) = &ex.derivation {
        margins(doc, d, &ex.margins, ex.method);
    }
    if let Some(p) = &ex.paradoxes {
        paradoxes(doc, s, ex, p, compare);
    }
}

/// The derivation of a unit's quota; `t` is the apportionment's trail (None: the optimiser,
/// which uses the ideal quota itself rather than a quota after floors and caps).
fn derivation(doc: &mut Doc, s: &Scenario, d: &Derivation, t: Option<&Trail>) {
    doc.heading(&format!("1. Ideal quota of {} {}", d.code, d.name));
    let rows = d
        .indicators
        .iter()
        .map(|i| {
            let how = match &i.transform {
                Transform::Share => "t = x".to_string(),
                Transform::MinMax { min, max } => format!("t = (x − {min})/({max} − {min})"),
                Transform::ZScore { mean, sd, z, min_z } => {
                    format!("z = (x − {mean:.6})/{sd:.6} = {z:.6}; t = z − ({min_z:.6})")
                }
                Transform::LogShare => "t = ln(1 + x)".to_string(),
            };
            vec![
                i.column.clone(),
                i.label.clone(),
                format!("{}", i.raw),
                how,
                format!("{:.6}", i.transformed),
                format!("{:.6}", i.column_sum),
                format!("{:.9}", i.normalised),
                format!("{:.4}", i.weight),
                format!("{:.9}", i.contribution),
            ]
        })
        .collect();
    doc.table(
        &["indicator", "label", "raw x", "transform", "t", "Σt (all units)", "s = t/Σt", "weight w", "w·s"],
        &[L, L, R, L, R, R, R, R, R],
        rows,
    );
    let mut lines = vec![format!("base score       b = Σ w·s = {:.9}", d.base)];
    if let Some(dev) = &d.development {
        lines.push(format!(
            "development      g = {} = {}; 1/g = {:.9e}; Σ(1/g) over all units = {:.9e}; u = (1/g)/Σ(1/g) = {:.9}",
            dev.column, dev.raw, dev.inverse, dev.inverse_sum, dev.term
        ));
        lines.push(format!(
            "                 b' = (1 − δ)·b + δ·u = {:.2} × {:.9} + {:.2} × {:.9} = {:.9}",
            1.0 - dev.weight,
            d.base,
            dev.weight,
            dev.term,
            d.adjusted
        ));
    }
    lines.push(format!(
        "region           {} multiplier m = {}: score = m·b' = {:.9}",
        d.region.name_zh(),
        d.region_factor,
        d.score
    ));
    lines.push(format!(
        "share            score / Σ score = {:.9} / {:.9} = {:.9}",
        d.score, d.score_sum, d.share
    ));
    lines.push(format!("ideal quota      q = N · share = {} × {:.9} = {:.6}", d.total, d.share, d.ideal));
    lines.push(format!(
        "integer weight   W = round(10^12 · share) = {} (ΣW over all units = {}); exact from here on",
        group(d.integer_weight as u128),
        group(d.weight_sum)
    ));
    let Some(t) = t else {
        lines.push(format!(
            "optimiser's q    q = N·W/ΣW = {} × {} / {} = {} ≈ {}: the slots are chosen closest to this q under floor {}, cap {} and the side constraints (section 2); no quota is re-scaled for the bounds",
            d.total,
            group(d.integer_weight as u128),
            group(d.weight_sum),
            Ratio::new(d.total as u128 * d.integer_weight as u128, d.weight_sum),
            dec(Ratio::new(d.total as u128 * d.integer_weight as u128, d.weight_sum), 9),
            d.floor,
            d.cap
        ));
        doc.para(&lines.join("\n"));
        return;
    };
    let bound = match d.bound {
        BoundState::Free => format!(
            "free: the {} units held at a bound take their floor or cap, the rest share R = {} slots by weight: q* = R·W/W_free = {} × {} / {} = {} = {}",
            t.units.iter().filter(|u| u.bound != BoundState::Free).count(),
            d.free_slots,
            d.free_slots,
            group(d.integer_weight as u128),
            group(d.free_weight),
            d.quota,
            dec(d.quota.0, 9)
        ),
        BoundState::AtFloor => format!("held at its floor: q* = {}", d.floor),
        BoundState::AtCap => format!("held at its cap (its share is above it): q* = {}", d.cap.min(s.total)),
    };
    lines.push(format!("floor and cap    floor {}, cap {}: {bound}", d.floor, d.cap));
    doc.para(&lines.join("\n"));
}

fn bound_word(b: BoundState) -> &'static str {
    match b {
        BoundState::Free => "",
        BoundState::AtFloor => "floor",
        BoundState::AtCap => "cap",
    }
}

fn mark(i: usize, asked: Option<usize>) -> String {
    if asked == Some(i) {
        "▶".into()
    } else {
        String::new()
    }
}

fn trail(doc: &mut Doc, s: &Scenario, t: &Trail, asked: Option<usize>) {
    let held: Vec<String> = (0..t.units.len())
        .filter(|&i| t.units[i].bound != BoundState::Free)
        .map(|i| format!("{} at its {} {}", label(s, i), bound_word(t.units[i].bound), t.units[i].quota))
        .collect();
    let mut intro = if held.is_empty() {
        format!("No floor or cap binds: q* = N·W/ΣW = {} × W / {}.", t.total, group(t.weight_sum))
    } else {
        format!(
            "Quotas after floors and caps: {}; the other units share R = {} slots by weight, q* = μ·W with μ = R/W_free = {}/{}.",
            held.join(", "),
            t.free_slots,
            t.free_slots,
            group(t.free_weight)
        )
    };
    match &t.steps {
        MethodTrail::LargestRemainder(h) => {
            doc.heading(&format!("2. Audit trail — {} (largest remainder)", t.method));
            intro.push_str(&format!(
                "\nEach unit gets ⌊q*⌋: {} slots in all; the L = {} slots left go to the {} largest remainders q* − ⌊q*⌋ (exact fractions below).",
                h.whole_sum, h.left, h.left
            ));
            doc.para(&intro);
            hamilton_table(doc, s, t, h, asked);
        }
        MethodTrail::Divisor(d) => {
            doc.heading(&format!("2. Audit trail — {} (divisor method, {})", t.method, d.divisors));
            let dtext = match &d.divisor {
                Some(x) if x.0.reduced().den == 1 => group(x.0.reduced().num),
                Some(x) => format!("{} (exactly {})", dec(x.0, 3), x),
                None => format!("√{} ≈ {:.3}", d.threshold, d.divisor_approx),
            };
            intro.push_str(&format!(
                "\nDivisor D = {dtext}: a unit holding k slots gets another while its quotient W/D reaches d(k), then its floor and cap apply.{}",
                if d.squared { " Huntington–Hill priorities W/√(k(k+1)) are compared exactly as squares W²/(k(k+1)); shown here as √." } else { "" }
            ));
            intro.push_str(&divisor_cutoff(d, t.method));
            doc.para(&intro);
            divisor_table(doc, s, t, d, asked);
        }
        MethodTrail::Sequential(q) => {
            doc.heading(&format!("2. Audit trail — {} (Balinski–Young, slot by slot)", t.method));
            intro.push_str(&format!(
                "\nStarting from the floors ({} slots), each next slot goes to the unit with the largest Jefferson priority W/(k+1) among those still within their upper quota at the new size (k < (h+1)·W/ΣW) and below their cap. {} slots were given this way.",
                q.start,
                q.steps.len()
            ));
            doc.para(&intro);
            quota_table(doc, s, t, q, asked);
        }
    }
    if t.ties.is_empty() {
        doc.para(&format!("Ties: none decided a slot (rule if one had: {}).", t.tie_rule));
    } else {
        let lines: Vec<String> = t
            .ties
            .iter()
            .map(|tie| {
                format!(
                    "tie at priority {}: won by {}; lost by {} ({})",
                    tie.priority,
                    tie.winners.iter().map(|&i| label(s, i)).collect::<Vec<_>>().join(", "),
                    tie.losers.iter().map(|&i| label(s, i)).collect::<Vec<_>>().join(", "),
                    t.tie_rule
                )
            })
            .collect();
        doc.para(&lines.join("\n"));
    }
}

fn hamilton_table(doc: &mut Doc, s: &Scenario, t: &Trail, h: &HamiltonTrail, asked: Option<usize>) {
    let mut order: Vec<usize> = h.ranking.clone();
    order.extend((0..t.units.len()).filter(|i| !h.ranking.contains(i)));
    let rank_of = |i: usize| h.ranking.iter().position(|&r| r == i);
    let rows = order
        .iter()
        .map(|&i| {
            let u = &t.units[i];
            let rank = rank_of(i);
            let extra = rank.is_some_and(|r| (r as u64) < h.left);
            vec![
                mark(i, asked),
                rank.map_or("—".into(), |r| (r + 1).to_string()),
                label(s, i),
                bound_word(u.bound).into(),
                dec(u.quota.0, 6),
                h.whole[i].to_string(),
                dec(h.remainders[i].0, 9),
                h.remainders[i].to_string(),
                if extra { "+1".into() } else { String::new() },
                u.seats.to_string(),
            ]
        })
        .collect();
    doc.table(
        &["", "rank", "unit", "bound", "q*", "⌊q*⌋", "remainder", "remainder (exact)", "", "slots"],
        &[L, R, L, L, R, R, R, R, L, R],
        rows,
    );
    let who = |k: usize| h.ranking.get(k).map(|&i| label(s, i)).unwrap_or_default();
    let mut cut = vec![];
    if let Some(li) = &h.last_in {
        cut.push(format!(
            "last remainder in: {} = {} (rank {}, {})",
            dec(li.0, 9),
            li,
            h.left,
            who(h.left as usize - 1)
        ));
    }
    if let Some(fo) = &h.first_out {
        cut.push(format!(
            "first remainder out: {} = {} (rank {}, {})",
            dec(fo.0, 9),
            fo,
            h.left + 1,
            who(h.left as usize)
        ));
    }
    if !cut.is_empty() {
        doc.para(&format!("Cut-off: {}.", cut.join("; ")));
    }
}

fn divisor_cutoff(d: &DivisorTrail, m: Method) -> String {
    let p = |r: &quota::explain::Exact| {
        if d.squared {
            format!("{:.3} (squared: {})", display_priority(r.0, true), r)
        } else {
            format!("{} (exactly {})", dec(r.0, 3), r)
        }
    };
    let mut s = String::new();
    if let Some(li) = &d.last_in {
        s.push_str(&format!("\nWeakest claim served (above floors): priority {}.", p(li)));
    }
    if let Some(fo) = &d.first_out {
        s.push_str(&format!(" Strongest claim not served (below caps): priority {}.", p(fo)));
    }
    if d.tied {
        s.push_str(" They are equal: no divisor separates them, and the tie-break decided (see ties).");
    } else {
        s.push_str(&format!(
            " Any divisor between them gives the same {m} result; D is the roundest such number."
        ));
    }
    s
}

fn divisor_table(doc: &mut Doc, s: &Scenario, t: &Trail, d: &DivisorTrail, asked: Option<usize>) {
    let rows = (0..t.units.len())
        .map(|i| {
            let u = &t.units[i];
            let count = if d.counts[i] > quota::apportion::MAX_SEATS {
                format!("> {}", quota::apportion::MAX_SEATS)
            } else {
                d.counts[i].to_string()
            };
            vec![
                mark(i, asked),
                label(s, i),
                group(u.weight as u128),
                dec(u.quota.0, 4),
                format!("{:.6}", d.quotients_approx[i]),
                d.quotients[i].as_ref().map_or("irrational".into(), |q| q.to_string()),
                count,
                u.floor.to_string(),
                u.cap.to_string(),
                bound_word(u.bound).into(),
                u.seats.to_string(),
            ]
        })
        .collect();
    doc.table(
        &["", "unit", "W", "q*", "W/D", "W/D (exact)", "by D", "floor", "cap", "bound", "slots"],
        &[L, L, R, R, R, R, R, R, R, L, R],
        rows,
    );
}

fn quota_table(doc: &mut Doc, s: &Scenario, t: &Trail, q: &QuotaTrail, asked: Option<usize>) {
    let shown: Vec<&quota::explain::trail::QuotaStep> = q
        .steps
        .iter()
        .enumerate()
        .filter(|(k, st)| asked == Some(st.unit) || *k + 10 >= q.steps.len())
        .map(|(_, st)| st)
        .collect();
    let rows = shown
        .iter()
        .map(|st| {
            vec![
                st.house.to_string(),
                label(s, st.unit),
                st.unit_slot.to_string(),
                dec(st.priority.0, 3),
                st.priority.to_string(),
                st.eligible.to_string(),
                if st.waived { "waived".into() } else { String::new() },
            ]
        })
        .collect();
    doc.para(&match asked {
        Some(u) => {
            format!("Slots won by {} and the last 10 slots (all {} in JSON):", label(s, u), q.steps.len())
        }
        None => format!("The last 10 slots (all {} in JSON):", q.steps.len()),
    });
    doc.table(
        &["slot", "unit", "its slot", "priority W/(k+1)", "exact", "eligible", "quota condition"],
        &[R, L, R, R, R, R, L],
        rows,
    );
    let final_rows = (0..t.units.len())
        .map(|i| {
            let u = &t.units[i];
            vec![
                mark(i, asked),
                label(s, i),
                dec(u.quota.0, 4),
                u.floor.to_string(),
                u.cap.to_string(),
                u.seats.to_string(),
            ]
        })
        .collect();
    doc.table(&["", "unit", "q*", "floor", "cap", "slots"], &[L, L, R, R, R, R], final_rows);
}

fn claims_table(doc: &mut Doc, s: &Scenario, claims: &[Claim], squared: bool, asked: Option<usize>) {
    let rows = claims
        .iter()
        .map(|c| {
            vec![
                mark(c.unit, asked),
                c.house.to_string(),
                label(s, c.unit),
                c.unit_slot.to_string(),
                format!("{:.3}", display_priority(c.priority.0, squared)),
                c.priority.to_string(),
            ]
        })
        .collect();
    let exact = if squared { "priority² (exact)" } else { "priority (exact)" };
    doc.table(&["", "slot", "unit", "its slot", "priority", exact], &[L, R, L, R, R, R], rows);
}

fn changes_table(doc: &mut Doc, s: &Scenario, changes: &[HouseChange]) {
    let fmt = |v: &[quota::explain::next::SlotChange]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.iter()
                .map(|c| format!("{} {}→{}", label(s, c.unit), c.from, c.to))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let rows = changes
        .iter()
        .map(|c| vec![format!("{} → {}", c.from_total, c.to_total), fmt(&c.gains), fmt(&c.losses)])
        .collect();
    doc.table(&["total", "gains", "losses"], &[L, L, L], rows);
}

fn next_in_line(doc: &mut Doc, s: &Scenario, ex: &Explanation, asked: Option<usize>) {
    doc.heading("3. Next in line and last in");
    match &ex.next_in_line {
        NextInLine::Priorities { squared, next, last_in, note } => {
            let what = if ex.method == MethodChoice::Apportion(Method::Quota) {
                "the quota method's sequence continued (Jefferson priority W/(k+1) among eligible units)"
            } else if *squared {
                "priority W/√(k(k+1)), compared exactly as the square"
            } else {
                "priority W/d(k)"
            };
            doc.para(&format!("If the total grew, the next slots would go to ({what}):"));
            claims_table(doc, s, next, *squared, asked);
            doc.para("If the total shrank, these slots would go first (weakest served claim first):");
            claims_table(doc, s, last_in, *squared, asked);
            if let Some(n) = note {
                doc.para(n);
            }
            if let Some(pos) = &ex.position {
                doc.para(&position_text(s, pos, ex.total, *squared));
            }
        }
        NextInLine::Reruns { grow, shrink, note } => {
            if ex.method == MethodChoice::Optimize {
                doc.para("The optimiser has no queue of claims: every total is a new optimisation (group shares converted at that total; floors, caps, change limits and counts as written). Shown instead: the model re-solved at each total, and what changes from one total to the next.");
            } else {
                doc.para("Hamilton is not house monotone (the Alabama paradox: a unit can lose a slot when the total grows), so it has no single queue of next claims. Shown instead: Hamilton re-run at each total, and what changes from one total to the next.");
            }
            doc.para("If the total grew:");
            changes_table(doc, s, grow);
            doc.para("If the total shrank:");
            changes_table(doc, s, shrink);
            if let Some(n) = note {
                doc.para(n);
            }
        }
    }
}

fn position_text(s: &Scenario, p: &QueuePosition, total: u64, squared: bool) -> String {
    let mut parts = vec![];
    match (&p.next_priority, p.next_rank) {
        (Some(pr), Some(r)) => parts.push(format!(
            "its next slot has priority {:.3} and would be national slot {} (N + {r})",
            display_priority(pr.0, squared),
            total + r
        )),
        _ => parts.push("it is at its cap".into()),
    }
    match (&p.last_priority, p.last_rank) {
        (Some(pr), Some(r)) => parts.push(format!(
            "its last slot has priority {:.3} and would be the {} slot to go",
            display_priority(pr.0, squared),
            ordinal(r)
        )),
        _ => parts.push("it is at its floor".into()),
    }
    format!("▶ {}: {}.", label(s, p.unit), parts.join("; "))
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn margins(doc: &mut Doc, d: &Derivation, ms: &[Margin], method: MethodChoice) {
    if ms.is_empty() {
        return;
    }
    doc.heading(&format!("4. Margins of {} {}", d.code, d.name));
    let how = if method == MethodChoice::Optimize {
        " Each point tested re-solves the optimisation model with its constraints as written; no monotone response is claimed for it."
    } else {
        ""
    };
    doc.para(&format!("The smallest change of one input, everything else fixed, that moves the unit's slots (bisected to 1e-9 of the value; “—”: no change within the range searched). Indicator values are raw values; weights are normalised weights, the others rescaled to keep the sum 1.{how}"));
    let cell = |c: &Option<quota::explain::margins::Crossing>, cur: f64, sign: &str, weight: bool| match c {
        None => "—".to_string(),
        Some(c) => {
            let rel = if cur.abs() > 0.0 {
                format!(" ({sign}{:.3}%)", c.after / cur.abs() * 100.0)
            } else {
                String::new()
            };
            if weight {
                format!("{sign}{:.6} → {:.6}{rel}: {} slots", c.after, c.value, c.slots)
            } else {
                format!("{sign}{} → {}{rel}: {} slots", sig(c.after), sig(c.value), c.slots)
            }
        }
    };
    let rows = ms
        .iter()
        .map(|m| {
            let weight = m.lever == Lever::Weight;
            let what = match m.lever {
                Lever::Indicator => format!("{} (value)", m.column),
                Lever::Development => format!("{} (development)", m.column),
                Lever::Weight => format!("weight of {}", m.column),
            };
            let mono = if m.proven_monotone {
                "monotone (proved)"
            } else if m.monotone_on_grid {
                "monotone on grid"
            } else {
                "NOT monotone on grid"
            };
            vec![
                what,
                if weight { format!("{:.6}", m.current) } else { sig(m.current) },
                cell(&m.up, m.current, "+", weight),
                cell(&m.down, m.current, "−", weight),
                mono.into(),
            ]
        })
        .collect();
    doc.table(&["input", "now", "raise by", "lower by", "response"], &[L, R, L, L, L], rows);
}

/// A decimal with 10 significant digits, trailing zeros trimmed.
fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (10 - 1 - x.abs().log10().floor() as i32).clamp(0, 15) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn paradoxes(
    doc: &mut Doc,
    s: &Scenario,
    ex: &Explanation,
    p: &ParadoxReport,
    compare: Option<&std::path::Path>,
) {
    doc.heading("5. Paradox checks");
    let totals = p.totals.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
    let m = ex.method;
    let run = if m == MethodChoice::Optimize {
        "the optimisation model re-solved".to_string()
    } else {
        format!("{m} run")
    };
    let monotone = matches!(m, MethodChoice::Apportion(a) if a.is_divisor() || a == Method::Quota);
    let mut lines = vec![];
    if p.alabama.is_empty() {
        lines.push(format!(
            "Alabama paradox: none — {run} at totals {totals}; no unit loses a slot as the total grows{}.",
            if monotone { " (the method is house monotone)" } else { "" }
        ));
    } else {
        lines.push(format!("Alabama paradox: FOUND ({run} at totals {totals}):"));
        for c in &p.alabama {
            lines.push(format!(
                "  {} has {} slots at total {} but {} at {}",
                label(s, c.unit),
                c.from,
                c.from_total,
                c.to,
                c.to_total
            ));
        }
    }
    for n in &p.notes {
        lines.push(format!("  (not run: {n})"));
    }
    if p.quota_violations.is_empty() {
        lines.push("Quota rule: every unit has ⌊q⌋ or ⌈q⌉ slots of its ideal quota q = N·W/ΣW.".into());
    } else {
        lines.push("Quota rule: units outside [⌊q⌋, ⌈q⌉] of their ideal quota q = N·W/ΣW:".into());
        for v in &p.quota_violations {
            lines.push(format!(
                "  {}: {} slots, {} quota {} ({}); {}",
                label(s, v.unit),
                v.slots,
                match v.side {
                    QuotaSide::BelowLower => "below its lower",
                    QuotaSide::AboveUpper => "above its upper",
                },
                dec(v.quota.0, 4),
                v.quota,
                match (&ex.optimizer, v.forced_by_bounds) {
                    (Some(o), _) => {
                        let free = o.units[v.unit].without_side as u128;
                        let q = v.quota.0;
                        if q.floor() <= free && free <= q.num.div_ceil(q.den) {
                            format!("without side constraints it has {free}, within quota: the side constraints move it out")
                        } else {
                            format!("without side constraints it has {free}, also outside: the floors and caps already do")
                        }
                    }
                    (None, true) => {
                        format!("forced by its floor or cap (quota after bounds {})", dec(v.bounded_quota.0, 4))
                    }
                    (None, false) => format!("the method's own (quota after bounds {})", dec(v.bounded_quota.0, 4)),
                }
            ));
        }
    }
    match (&p.population, compare) {
        (Some(pop), Some(path)) => {
            if pop.cases.is_empty() && pop.pairs.is_empty() {
                lines.push(format!(
                    "Population paradox (scenario data → {}): none — no unit's share and slots move in opposite directions.",
                    path.display()
                ));
            } else {
                lines.push(format!("Population paradox (scenario data → {}):", path.display()));
                for c in &pop.cases {
                    lines.push(format!(
                        "  {}: share {:.6}% → {:.6}% but slots {} → {}",
                        label(s, c.unit),
                        c.share_before * 100.0,
                        c.share_after * 100.0,
                        c.from,
                        c.to
                    ));
                }
                for c in &pop.pairs {
                    lines.push(format!(
                        "  {} grew relative to {} yet went {} → {} while the other went {} → {} (Balinski–Young pairwise form)",
                        label(s, c.unit),
                        label(s, c.other),
                        c.unit_slots.0,
                        c.unit_slots.1,
                        c.other_slots.0,
                        c.other_slots.1
                    ));
                }
            }
        }
        _ => lines.push("Population paradox: not checked (give --compare-data OTHER.csv).".into()),
    }
    doc.para(&lines.join("\n"));
}
