//! `quota compare`: one scenario under different weighting schemes × apportionment methods —
//! slots per unit and the change from the scenario as written, the weights, and the metrics of
//! [`quota::compare::metrics`] — or two scenarios side by side (Δ slots and Δ money per unit).
//! Optionally a grouped bar chart (SVG) of slots by unit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quota::allocate::{allocate, Allocation};
use quota::apportion::Method;
use quota::compare::svg::{self, BarChart, Series, PALETTE};
use quota::compare::{
    self, allocate_with, diff, metrics, parse_methods, parse_schemes, proportional_split, Metrics,
    ScenarioDiff, SchemeSpec, Split,
};
use quota::error::Location;
use quota::scenario::{MethodChoice, Scenario};
use quota::weighting::{
    derive, parse_ahp_csv, parse_ahp_toml, DeriveOptions, IndicatorMatrix, PairwiseMatrix, Scheme, Weights,
};
use serde_json::{json, Value};

use super::flags::{OverrideFlags, WeightingFlags};
use super::load::{self, read_text, ScenarioInputs};
use super::output::{self, Align, Format};
use super::{input, internal, Failure};

/// Compare weighting schemes and methods on one scenario, or two scenarios side by side.
#[derive(Debug, clap::Args)]
#[command(mut_arg("method", |a| a.help(
    "Apportionment method of the scenario(s), i.e. of the baseline (overrides the scenario)"
)))]
#[command(after_help = "\
One scenario (the bundled 2024 first batch when none is given): each scheme derives weights for the \
scenario's indicators (manual = the scenario's own weights; ahp:FILE = AHP with that matrix), and the \
scenario is allocated with them — by each method of --methods (columns scheme/method), or by the \
scenario's method (columns named by scheme). Everything else (normalisation, disparity term, floors, \
caps) stays as written. The baseline is the scenario as written: its weights and its method.\n\n\
Output: the weights per scheme; every unit's slots per column with the change from the baseline; and per \
column the metrics: deviation from each single-indicator proportional split (the total apportioned by that \
indicator alone, same method, no bounds or disparity term), the firm-weighted Gini of slots per 小巨人 \
firm, shares by NBS region, units at floor or cap, ties, and quota-rule violations against q* (quota after \
floors and caps) and q (ideal quota). CSV holds one table (--show units, metrics or weights); JSON \
holds everything, with the single-indicator splits.\n\n\
Two scenarios (A B): every unit's slots and money (万元) under A and B and the change from A to B.\n\n\
Examples:\n  \
quota compare                                                  # equal, manual, entropy, critic, cv, pca\n  \
quota compare --schemes equal,entropy,critic,ahp:data/ahp/scenario-indicators.csv,pca --format md\n  \
quota compare --schemes entropy,critic --methods hamilton,webster,jefferson --chart compare.svg\n  \
quota compare data/scenarios/2024-batch1.toml other.toml --chart diff.svg")]
pub struct Args {
    /// Scenario file (TOML); two files compare scenario A with scenario B. The bundled 2024
    /// first-batch scenario when omitted.
    #[arg(num_args = 0..=2, value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    /// Weighting schemes, comma-separated: equal, manual, entropy, critic, cv, pca, ahp (matrix
    /// from --ahp) or ahp:FILE (default: equal,manual,entropy,critic,cv,pca, and ahp with --ahp).
    #[arg(long, value_delimiter = ',')]
    schemes: Vec<String>,
    /// Apportionment methods, comma-separated: every scheme is allocated by each (columns
    /// scheme/method). Default: the scenario's method.
    #[arg(long, value_delimiter = ',')]
    methods: Vec<String>,
    #[command(flatten)]
    weighting: WeightingFlags,
    #[command(flatten)]
    overrides: OverrideFlags,
    /// Column of the indicators file with each unit's number of 小巨人 firms, for the Gini
    /// [default: xiaojuren, skipped if the file has no such column].
    #[arg(long, value_name = "COLUMN")]
    firms_column: Option<String>,
    /// Tables to show, comma-separated: units, metrics, weights (default: all; CSV: units).
    #[arg(long, value_delimiter = ',', value_enum)]
    show: Vec<Show>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write a grouped bar chart of slots by unit, one colour per column (SVG, atomically).
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
}

/// A table of the single-scenario output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
enum Show {
    /// Slots per unit and column, with the change from the baseline.
    Units,
    /// Metrics per column.
    Metrics,
    /// Weights per scheme.
    Weights,
}

const DEFAULT_FIRMS_COLUMN: &str = "xiaojuren";

pub fn run(args: Args) -> Result<(), Failure> {
    if args.scenarios.len() == 2 {
        return run_two(args);
    }
    let shows = shows(&args)?;
    let cmp = build(&args)?;
    let text = render(&cmp, &shows, args.format)?;
    if let Some(path) = &args.chart {
        // The baseline grey; one hue per scheme, lighter for each further method.
        let mut series = vec![Series {
            name: format!("baseline ({})", cmp.baseline_method),
            colour: svg::colour(0),
            values: slots(&cmp.baseline),
        }];
        let per_scheme = cmp.columns.len() / cmp.schemes.len().max(1);
        series.extend(cmp.columns.iter().enumerate().map(|(k, c)| {
            let (scheme, method) = (k / per_scheme, k % per_scheme);
            let t = if per_scheme > 1 { 0.6 * method as f64 / (per_scheme - 1) as f64 } else { 0.0 };
            Series {
                name: c.label.clone(),
                colour: svg::tint(&svg::colour(1 + scheme % (PALETTE.len() - 1)), t),
                values: slots(&c.allocation),
            }
        }));
        let chart = BarChart {
            title: format!(
                "{} — slots by unit: the baseline and {}",
                cmp.scenario.name,
                if cmp.by_method {
                    plural(cmp.columns.len(), "scheme/method column")
                } else {
                    plural(cmp.columns.len(), "weighting scheme")
                }
            ),
            subtitle: format!(
                "{} slots over {} units; baseline = the scenario as written (method {}); {}",
                cmp.scenario.total,
                cmp.scenario.units.len(),
                cmp.baseline_method,
                cmp.stamp
            ),
            y_label: "slots 名额".into(),
            categories: cmp.baseline.units.iter().map(|u| u.name.clone()).collect(),
            series,
        };
        write_chart(path, &chart)?;
    }
    output::emit(args.output.as_deref(), text.as_bytes())
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn write_chart(path: &Path, chart: &BarChart) -> Result<(), Failure> {
    output::write_atomic(path, chart.to_svg().as_bytes())
}

fn shows(args: &Args) -> Result<Vec<Show>, Failure> {
    let mut s = args.show.clone();
    s.sort();
    s.dedup();
    if s.is_empty() {
        s = if args.format == Format::Csv {
            vec![Show::Units]
        } else {
            vec![Show::Weights, Show::Units, Show::Metrics]
        };
    }
    if args.format == Format::Csv && s.len() > 1 {
        return Err(input(anyhow::anyhow!(
            "CSV holds one table: choose --show units, --show metrics or --show weights"
        )));
    }
    // Print in reading order: weights, units, metrics.
    s.sort_by_key(|x| match x {
        Show::Weights => 0,
        Show::Units => 1,
        Show::Metrics => 2,
    });
    Ok(s)
}

/// One weighting scheme's weights.
struct SchemeColumn {
    label: String,
    weights: Weights,
}

/// One scheme × method column.
struct Column {
    label: String,
    method: Method,
    allocation: Allocation,
    metrics: Metrics,
}

/// Everything the single-scenario output shows.
struct Comparison {
    scenario: Scenario,
    baseline_method: Method,
    baseline: Allocation,
    baseline_metrics: Metrics,
    schemes: Vec<SchemeColumn>,
    columns: Vec<Column>,
    /// Single-indicator splits per method, in indicator order.
    splits: BTreeMap<Method, Vec<Split>>,
    /// The firms column used for the Gini, if any, and the firms per unit.
    firms_column: Option<String>,
    firms: Vec<u64>,
    /// Whether the columns are scheme × method (`--methods`).
    by_method: bool,
    /// The reproducibility stamp of the baseline scenario's inputs.
    stamp: String,
}

fn slots(a: &Allocation) -> Vec<u64> {
    a.units.iter().map(|u| u.slots).collect()
}

fn with_context(f: Failure, what: String) -> Failure {
    match f {
        Failure::Input(e) => Failure::Input(e.context(what)),
        Failure::Internal(e) => Failure::Internal(e.context(what)),
        Failure::Mismatch(e) => Failure::Mismatch(e.context(what)),
    }
}

fn read_ahp(path: &Path) -> Result<PairwiseMatrix, Failure> {
    let text = read_text(path)?;
    let at = Location::file(path.display().to_string());
    let parsed = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        parse_ahp_toml(&text, at)
    } else {
        parse_ahp_csv(&text, at)
    };
    parsed.map_err(input)
}

fn build(args: &Args) -> Result<Comparison, Failure> {
    // First stage: every name on the command line, before any file is read.
    let specs: Vec<SchemeSpec> = if args.schemes.is_empty() {
        let mut s: Vec<SchemeSpec> =
            [Scheme::Equal, Scheme::Manual, Scheme::Entropy, Scheme::Critic, Scheme::Cv, Scheme::Pca]
                .into_iter()
                .map(SchemeSpec::plain)
                .collect();
        if args.weighting.ahp.is_some() {
            s.push(SchemeSpec::plain(Scheme::Ahp));
        }
        s
    } else {
        parse_schemes(&args.schemes).map_err(|e| with_context(input(e), "--schemes".into()))?
    };
    let methods: Option<Vec<Method>> = if args.methods.is_empty() {
        None
    } else {
        Some(parse_methods(&args.methods).map_err(|e| with_context(input(e), "--methods".into()))?)
    };
    let (ahp_method, pca_keep) = args.weighting.parse()?;
    let several_ahp = specs.iter().filter(|s| s.scheme == Scheme::Ahp).count() > 1;
    let labels: Vec<String> = specs.iter().map(|s| s.label(several_ahp)).collect();
    compare::distinct("column", labels.iter().cloned()).map_err(input)?;

    let overrides = args.overrides.overrides();
    let (scenario, inputs) = load::scenario(args.scenarios.first().map(PathBuf::as_path), &overrides)?;
    let stamp = super::stamp::stamp_of(&scenario, &inputs)?.line();
    let baseline_method = match scenario.method {
        MethodChoice::Apportion(m) => m,
        MethodChoice::Optimize => {
            return Err(input(anyhow::anyhow!(
                "{}: method 'optimize' cannot be compared here; choose an apportionment method with --method",
                scenario.at
            )))
        }
    };
    let methods = methods.unwrap_or_else(|| vec![baseline_method]);
    let by_method = !args.methods.is_empty();

    // AHP matrices: --ahp for plain `ahp`, the named file for `ahp:FILE`.
    let default_ahp = args
        .weighting
        .ahp
        .as_deref()
        .map(read_ahp)
        .transpose()
        .map_err(|e| with_context(e, "--ahp".into()))?;
    let matrix = IndicatorMatrix::new(
        scenario.indicators.iter().map(|i| i.column.clone()).collect(),
        scenario.units.as_slice().iter().map(|u| u.code.clone()).collect(),
        (0..scenario.units.len())
            .map(|u| scenario.indicators.iter().map(|i| i.values[u]).collect())
            .collect(),
    )
    .map_err(input)?;
    let base_options = DeriveOptions {
        manual: Some(scenario.indicators.iter().map(|i| (i.column.clone(), i.weight)).collect()),
        ahp: None,
        ahp_method,
        allow_inconsistent: args.weighting.allow_inconsistent,
        pca_keep,
    };
    let mut schemes = Vec::with_capacity(specs.len());
    for (spec, label) in specs.iter().zip(&labels) {
        let ahp = match &spec.ahp_file {
            Some(f) => Some(
                read_ahp(Path::new(f)).map_err(|e| with_context(e, format!("weighting scheme {spec}")))?,
            ),
            None => default_ahp.clone(),
        };
        let options = DeriveOptions { ahp, ..base_options.clone() };
        let weights = derive(spec.scheme, &matrix, &options).map_err(|e| {
            let bad = e.is_bad_input();
            let hint = if spec.scheme == Scheme::Ahp && options.ahp.is_none() {
                " (give --ahp FILE, or write ahp:FILE in --schemes)"
            } else {
                ""
            };
            let e = anyhow::Error::new(e).context(format!("weighting scheme {spec}{hint}"));
            if bad {
                input(e)
            } else {
                internal(e)
            }
        })?;
        for w in &weights.warnings {
            eprintln!("warning ({label}): {w}");
        }
        schemes.push(SchemeColumn { label: label.clone(), weights });
    }

    // The splits each indicator alone would give, for every method in play.
    let mut splits: BTreeMap<Method, Vec<Split>> = BTreeMap::new();
    for &m in methods.iter().chain(std::iter::once(&baseline_method)) {
        if let std::collections::btree_map::Entry::Vacant(e) = splits.entry(m) {
            let s = (0..scenario.indicators.len())
                .map(|j| proportional_split(&scenario, j, m))
                .collect::<Result<Vec<_>, _>>()
                .map_err(internal)?;
            e.insert(s);
        }
    }
    let (firms_column, firms) = firms(args, &scenario, &inputs)?;

    let baseline = allocate(&scenario)
        .map_err(input)
        .map_err(|f| with_context(f, "allocating the scenario as written".into()))?;
    let base_slots = slots(&baseline);
    let measure = |a: &Allocation, m: Method| -> Result<Metrics, Failure> {
        let sp: Vec<&Split> = splits[&m].iter().collect();
        metrics(a, &sp, &firms, &base_slots).map_err(internal)
    };
    let baseline_metrics = measure(&baseline, baseline_method)?;
    let mut columns = Vec::with_capacity(schemes.len() * methods.len());
    for s in &schemes {
        for &m in &methods {
            let label = if by_method { format!("{}/{m}", s.label) } else { s.label.clone() };
            let allocation = allocate_with(&scenario, &s.weights.weights, m)
                .map_err(input)
                .map_err(|f| with_context(f, format!("allocating with {label}")))?;
            let metrics = measure(&allocation, m)?;
            columns.push(Column { label, method: m, allocation, metrics });
        }
    }
    Ok(Comparison {
        scenario,
        baseline_method,
        baseline,
        baseline_metrics,
        schemes,
        columns,
        splits,
        firms_column,
        firms,
        by_method,
        stamp,
    })
}

/// The number of 小巨人 firms per unit (after any merge), from `--firms-column` or, when the
/// indicators file has it, the default column; no column (and zeros) when there is none, and
/// the Gini is skipped.
fn firms(args: &Args, s: &Scenario, inputs: &ScenarioInputs) -> Result<(Option<String>, Vec<u64>), Failure> {
    let column = args.firms_column.clone().unwrap_or_else(|| DEFAULT_FIRMS_COLUMN.to_string());
    let values = match inputs.indicators.integer_column(&column) {
        Ok(v) => v,
        Err(quota::error::DataError::MissingColumn { .. }) if args.firms_column.is_none() => {
            return Ok((None, vec![0; s.units.len()]));
        }
        Err(e) => {
            return Err(with_context(input(e), "--firms-column (the number of 小巨人 firms per unit)".into()))
        }
    };
    if !s.merged {
        return Ok((Some(column), values));
    }
    let (merged, map) = inputs.units.merge_cities();
    let mut out = vec![0u64; merged.len()];
    for (i, v) in values.into_iter().enumerate() {
        out[map[i]] += v;
    }
    Ok((Some(column), out))
}

// ---------------------------------------------------------------------------------------------
// Rendering: one scenario.

fn signed(d: i64) -> String {
    if d > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

fn range(c: &Comparison, u: usize) -> u64 {
    let v = c.columns.iter().map(|col| col.allocation.units[u].slots);
    v.clone().max().unwrap_or(0) - v.min().unwrap_or(0)
}

fn change(c: &Comparison, k: usize, u: usize) -> i64 {
    c.columns[k].allocation.units[u].slots as i64 - c.baseline.units[u].slots as i64
}

fn render(c: &Comparison, shows: &[Show], format: Format) -> Result<String, Failure> {
    match format {
        Format::Json => output::json_text(&to_json(c)),
        Format::Csv => Ok(format!("# {}\n", c.stamp)
            + &match shows[0] {
                Show::Units => units_csv(c)?,
                Show::Metrics => {
                    let (header, rows) = metric_rows(c, true);
                    output::csv_text(&header, &rows)?
                }
                Show::Weights => {
                    let (header, _, rows) = weight_rows(c);
                    output::csv_text(&header, &rows)?
                }
            }),
        Format::Table | Format::Md => Ok(render_text(c, shows, format == Format::Md)),
    }
}

fn heading(c: &Comparison) -> String {
    let s = &c.scenario;
    format!(
        "scenario {} — {} slots over {} units — baseline: the scenario as written (its weights, method {}) — columns: {}",
        s.name,
        s.total,
        s.units.len(),
        c.baseline_method,
        c.columns.iter().map(|k| k.label.as_str()).collect::<Vec<_>>().join(", ")
    )
}

fn render_text(c: &Comparison, shows: &[Show], md: bool) -> String {
    let mut out = render_sections(c, shows, md);
    out.push_str(&format!("\n{}\n", c.stamp));
    out
}

fn render_sections(c: &Comparison, shows: &[Show], md: bool) -> String {
    let table =
        |h: &[String], a: &[Align], r: &[Vec<String>], total_row: bool| output::table(md, h, a, r, total_row);
    let mut out = if md { format!("**{}**\n", heading(c)) } else { format!("{}\n", heading(c)) };
    for show in shows {
        out.push('\n');
        match show {
            Show::Weights => {
                let (h, a, r) = weight_rows(c);
                out.push_str(&table(&h, &a, &r, false));
            }
            Show::Units => {
                let (h, a, r) = unit_rows(c, md);
                out.push_str(&table(&h, &a, &r, true));
                let n = c.baseline.units.len();
                let moved = (0..n).filter(|&u| range(c, u) > 0).count();
                let changed = (0..n).filter(|&u| (0..c.columns.len()).any(|k| change(c, k, u) != 0)).count();
                out.push_str(&format!(
                    "\nchange from the baseline shown beside each column's slots; range = max − min over the columns\n\
                     {changed} of {n} units differ from the baseline in some column; {moved} differ between columns; largest range {}\n",
                    (0..n).map(|u| range(c, u)).max().unwrap_or(0)
                ));
            }
            Show::Metrics => {
                let (h, r) = metric_rows(c, false);
                let mut a = vec![Align::Left];
                a.resize(h.len(), Align::Right);
                out.push_str(&table(&h, &a, &r, false));
                out.push('\n');
                out.push_str(&metric_notes(c, md));
            }
        }
    }
    out
}

fn weight_rows(c: &Comparison) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let mut h = vec!["indicator".to_string()];
    h.extend(c.schemes.iter().map(|s| s.label.clone()));
    let mut a = vec![Align::Left];
    a.resize(h.len(), Align::Right);
    let rows = c
        .scenario
        .indicators
        .iter()
        .enumerate()
        .map(|(j, ind)| {
            std::iter::once(ind.column.clone())
                .chain(c.schemes.iter().map(|s| format!("{:.4}", s.weights.weights[j])))
                .collect()
        })
        .collect();
    (h, a, rows)
}

fn unit_rows(c: &Comparison, md: bool) -> (Vec<String>, Vec<Align>, Vec<Vec<String>>) {
    let units = &c.baseline.units;
    let mut h: Vec<String> = ["code", "name", "region", "baseline"].map(String::from).to_vec();
    h.extend(c.columns.iter().map(|k| k.label.clone()));
    h.push("range".into());
    let mut a = vec![Align::Left; 3];
    a.resize(h.len(), Align::Right);
    // Text: slots right-aligned, then the change left-aligned in a fixed width, so that both
    // line up within a column. Markdown: "27 (-6)".
    let width = |k: usize| -> (usize, usize) {
        let s = (0..units.len())
            .map(|u| c.columns[k].allocation.units[u].slots.to_string().len())
            .max()
            .unwrap_or(1);
        let d = (0..units.len())
            .map(|u| change(c, k, u))
            .filter(|&d| d != 0)
            .map(|d| signed(d).len())
            .max()
            .unwrap_or(0);
        (s, d)
    };
    let widths: Vec<(usize, usize)> = (0..c.columns.len()).map(width).collect();
    let cell = |k: usize, slots: u64, d: i64| -> String {
        let (ws, wd) = widths[k];
        let ds = if d == 0 { String::new() } else { signed(d) };
        match (md, wd) {
            (true, _) if d == 0 => slots.to_string(),
            (true, _) => format!("{slots} ({ds})"),
            (false, 0) => format!("{slots:>ws$}"),
            (false, _) => format!("{slots:>ws$} {ds:<wd$}"),
        }
    };
    let mut rows: Vec<Vec<String>> = (0..units.len())
        .map(|u| {
            let mut r =
                vec![units[u].code.clone(), units[u].name.clone(), units[u].region.name_zh().to_string()];
            r.push(units[u].slots.to_string());
            r.extend(
                (0..c.columns.len())
                    .map(|k| cell(k, c.columns[k].allocation.units[u].slots, change(c, k, u))),
            );
            r.push(range(c, u).to_string());
            r
        })
        .collect();
    let mut total = vec![
        String::new(),
        "合计 total".into(),
        String::new(),
        slots(&c.baseline).iter().sum::<u64>().to_string(),
    ];
    total.extend(c.columns.iter().enumerate().map(|(k, col)| {
        let t: u64 = col.allocation.units.iter().map(|u| u.slots).sum();
        cell(k, t, t as i64 - c.scenario.total as i64)
    }));
    total.push(String::new());
    rows.push(total);
    (h, a, rows)
}

fn units_csv(c: &Comparison) -> Result<String, Failure> {
    let units = &c.baseline.units;
    let mut h: Vec<String> = ["code", "name", "name_en", "region", "baseline"].map(String::from).to_vec();
    for k in &c.columns {
        h.push(format!("slots_{}", k.label));
        h.push(format!("change_{}", k.label));
    }
    h.push("range".into());
    let rows: Vec<Vec<String>> = (0..units.len())
        .map(|u| {
            let mut r = vec![
                units[u].code.clone(),
                units[u].name.clone(),
                units[u].name_en.clone(),
                units[u].region.name_zh().to_string(),
                units[u].slots.to_string(),
            ];
            for (k, col) in c.columns.iter().enumerate() {
                r.push(col.allocation.units[u].slots.to_string());
                r.push(change(c, k, u).to_string());
            }
            r.push(range(c, u).to_string());
            r
        })
        .collect();
    output::csv_text(&h, &rows)
}

/// One metric row: a machine key, a human label, and a value per column (baseline first).
struct MetricRow {
    key: String,
    label: String,
    values: Vec<MetricValue>,
    csv_only: bool,
}

enum MetricValue {
    Count(u64),
    Fraction(Option<f64>),
    Percent(f64),
}

impl MetricValue {
    fn text(&self) -> String {
        match self {
            MetricValue::Count(n) => n.to_string(),
            MetricValue::Fraction(Some(x)) => format!("{x:.4}"),
            MetricValue::Fraction(None) => "n/a".into(),
            MetricValue::Percent(x) => format!("{:.2}", x * 100.0),
        }
    }
    fn raw(&self) -> String {
        match self {
            MetricValue::Count(n) => n.to_string(),
            MetricValue::Fraction(Some(x)) | MetricValue::Percent(x) => x.to_string(),
            MetricValue::Fraction(None) => String::new(),
        }
    }
}

fn all_metrics(c: &Comparison) -> Vec<&Metrics> {
    std::iter::once(&c.baseline_metrics).chain(c.columns.iter().map(|k| &k.metrics)).collect()
}

fn metric_table(c: &Comparison) -> Vec<MetricRow> {
    let ms = all_metrics(c);
    let row = |key: String, label: String, f: &dyn Fn(&Metrics) -> MetricValue| MetricRow {
        key,
        label,
        values: ms.iter().map(|m| f(m)).collect(),
        csv_only: false,
    };
    let mut rows = Vec::new();
    for (j, ind) in c.scenario.indicators.iter().enumerate() {
        rows.push(row(
            format!("split_total_abs_dev.{}", ind.column),
            format!("Σ|Δ| vs {} split", ind.column),
            &|m| MetricValue::Count(m.deviations[j].total),
        ));
        rows.push(row(
            format!("split_max_abs_dev.{}", ind.column),
            format!("max|Δ| vs {} split", ind.column),
            &|m| MetricValue::Count(m.deviations[j].max),
        ));
    }
    if c.firms_column.is_some() {
        rows.push(row("gini_slots_per_firm".into(), "Gini of slots per 小巨人 firm".into(), &|m| {
            MetricValue::Fraction(m.gini.value())
        }));
        rows.push(row(
            "slots_to_units_without_firms".into(),
            "slots to units without 小巨人 firms".into(),
            &|m| MetricValue::Count(m.gini.slots_without_firms),
        ));
    }
    for (r, region) in quota::units::Region::ALL.iter().enumerate() {
        rows.push(row(
            format!("region_share.{}", region.name_en()),
            format!("{} share %", region.name_zh()),
            &|m| MetricValue::Percent(m.regions[r].share),
        ));
    }
    // The exact counts behind the shares, for machines (CSV) only.
    for (r, region) in quota::units::Region::ALL.iter().enumerate() {
        let mut slots = row(format!("region_slots.{}", region.name_en()), String::new(), &|m| {
            MetricValue::Count(m.regions[r].slots)
        });
        slots.csv_only = true;
        rows.push(slots);
    }
    rows.push(row("units_at_floor".into(), "units at floor".into(), &|m| {
        MetricValue::Count(m.at_floor as u64)
    }));
    rows.push(row("units_at_cap".into(), "units at cap".into(), &|m| MetricValue::Count(m.at_cap as u64)));
    rows.push(row("ties".into(), "ties that decided a slot".into(), &|m| MetricValue::Count(m.ties as u64)));
    rows.push(row("quota_violations_bounded".into(), "outside quota q* (bounded)".into(), &|m| {
        MetricValue::Count(m.bounded_violations.as_ref().map_or(0, |v| v.count()) as u64)
    }));
    rows.push(row("quota_violations_ideal".into(), "outside quota q (ideal)".into(), &|m| {
        MetricValue::Count(m.ideal_violations.count() as u64)
    }));
    rows.push(row("slots_moved_vs_baseline".into(), "slots moved vs baseline".into(), &|m| {
        MetricValue::Count(m.vs_baseline.total / 2)
    }));
    rows
}

fn metric_rows(c: &Comparison, csv: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let mut h = vec!["metric".to_string(), "baseline".to_string()];
    h.extend(c.columns.iter().map(|k| k.label.clone()));
    let rows = metric_table(c)
        .into_iter()
        .filter(|r| csv || !r.csv_only)
        .map(|r| {
            let mut v = vec![if csv { r.key } else { r.label }];
            v.extend(r.values.iter().map(|x| if csv { x.raw() } else { x.text() }));
            v
        })
        .collect();
    (h, rows)
}

fn metric_notes(c: &Comparison, md: bool) -> String {
    let units = &c.baseline.units;
    let mut notes = vec![
        "X split: the total apportioned in proportion to indicator X alone (as normalised), by the column's method, \
         without floors, caps or disparity term; Σ|Δ| and max|Δ| in slots"
            .to_string(),
    ];
    if let Some(col) = &c.firms_column {
        let g = &c.baseline_metrics.gini;
        let without: Vec<&str> =
            (0..units.len()).filter(|&u| c.firms[u] == 0).map(|u| units[u].name.as_str()).collect();
        notes.push(format!(
            "Gini: firm-weighted Gini of slots per 小巨人 firm (column {col}) over the {} units with at least one; \
             0 = slots exactly proportional to 小巨人 firms{}",
            g.units,
            if without.is_empty() {
                String::new()
            } else {
                format!("; left out: {} (no 小巨人 firm)", without.join(", "))
            }
        ));
    } else {
        notes.push(format!(
            "Gini of slots per 小巨人 firm: skipped (the indicators file has no '{DEFAULT_FIRMS_COLUMN}' column; name one with --firms-column)"
        ));
    }
    notes.push(
        "q*: quota after floors and caps (Hamilton always within it); q: ideal quota N·score/Σscore before bounds; \
         outside = slots < ⌊q⌋ or > ⌈q⌉"
            .into(),
    );
    notes.iter().map(|n| if md { format!("- {n}\n") } else { format!("{n}\n") }).collect()
}

fn metrics_json(c: &Comparison, m: &Metrics, method: Method) -> Value {
    let units = &c.baseline.units;
    let code = |i: usize| units[i].code.clone();
    let violations = |v: &compare::QuotaViolations| {
        json!({
            "count": v.count(),
            "below": v.below.iter().map(|&i| code(i)).collect::<Vec<_>>(),
            "above": v.above.iter().map(|&i| code(i)).collect::<Vec<_>>(),
        })
    };
    json!({
        "splits": c.splits[&method].iter().zip(&m.deviations).map(|(s, d)| json!({
            "indicator": s.indicator,
            "method": s.method.name(),
            "total_abs_dev": d.total,
            "max_abs_dev": d.max,
            "max_unit": d.max_unit.map(code),
        })).collect::<Vec<_>>(),
        "gini_slots_per_firm": c.firms_column.as_ref().map(|col| json!({
            "column": col,
            "value": m.gini.value(),
            "exact": m.gini.ratio.map(|r| r.to_string()),
            "units": m.gini.units,
            "units_without_firms": m.gini.units_without_firms,
            "slots_without_firms": m.gini.slots_without_firms,
        })),
        "regions": m.regions.iter().map(|r| json!({
            "region": r.region.name_zh(),
            "region_en": r.region.name_en(),
            "slots": r.slots,
            "share": r.share,
        })).collect::<Vec<_>>(),
        "units_at_floor": m.at_floor,
        "units_at_cap": m.at_cap,
        "ties": m.ties,
        "quota_violations_bounded": m.bounded_violations.as_ref().map(violations),
        "quota_violations_ideal": violations(&m.ideal_violations),
        "slots_moved_vs_baseline": m.vs_baseline.total / 2,
    })
}

fn to_json(c: &Comparison) -> Value {
    let s = &c.scenario;
    let units = &c.baseline.units;
    let schemes: Vec<Value> = c
        .schemes
        .iter()
        .map(|k| {
            let w = &k.weights;
            json!({
                "label": k.label,
                "scheme": w.scheme.name(),
                "weights": w.names.iter().cloned().zip(w.weights.iter().map(|x| json!(x))).collect::<serde_json::Map<_, _>>(),
                "diagnostics": w.diagnostics,
                "warnings": w.warnings.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let columns: Vec<Value> = c
        .columns
        .iter()
        .map(|k| json!({ "label": k.label, "method": k.method.name(), "metrics": metrics_json(c, &k.metrics, k.method) }))
        .collect();
    let unit_rows: Vec<Value> = (0..units.len())
        .map(|u| {
            json!({
                "code": units[u].code,
                "name": units[u].name,
                "name_en": units[u].name_en,
                "region": units[u].region.name_zh(),
                "baseline": units[u].slots,
                "slots": c.columns.iter().map(|k| (k.label.clone(), json!(k.allocation.units[u].slots))).collect::<serde_json::Map<_, _>>(),
                "change": (0..c.columns.len()).map(|k| (c.columns[k].label.clone(), json!(change(c, k, u)))).collect::<serde_json::Map<_, _>>(),
                "range": range(c, u),
            })
        })
        .collect();
    let splits: Vec<Value> = c
        .splits
        .values()
        .flatten()
        .map(|sp| {
            json!({
                "indicator": sp.indicator,
                "method": sp.method.name(),
                "slots": units.iter().zip(&sp.slots).map(|(u, &x)| (u.code.clone(), json!(x))).collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    json!({
        "scenario": s.name,
        "method": c.baseline_method.name(),
        "total": s.total,
        "merged_cities": s.merged,
        "baseline": { "weights": "the scenario's own", "method": c.baseline_method.name(), "metrics": metrics_json(c, &c.baseline_metrics, c.baseline_method) },
        "schemes": schemes,
        "columns": columns,
        "units": unit_rows,
        "splits": splits,
        "stamp": c.stamp,
    })
}

// ---------------------------------------------------------------------------------------------
// Two scenarios.

fn run_two(args: Args) -> Result<(), Failure> {
    let mut single = Vec::new();
    if !args.schemes.is_empty() {
        single.push("--schemes");
    }
    if !args.methods.is_empty() {
        single.push("--methods");
    }
    if args.weighting.ahp.is_some() {
        single.push("--ahp");
    }
    if !args.show.is_empty() {
        single.push("--show");
    }
    if args.firms_column.is_some() {
        single.push("--firms-column");
    }
    if !single.is_empty() {
        return Err(input(anyhow::anyhow!(
            "{}: only with one scenario (they compare weighting schemes and methods within it); two scenarios \
             (A B) are compared with each other as written",
            single.join(", ")
        )));
    }
    let overrides = args.overrides.overrides();
    let mut sides = Vec::with_capacity(2);
    for (tag, path) in ["A", "B"].iter().zip(&args.scenarios) {
        let (s, inputs) =
            load::scenario(Some(path), &overrides).map_err(|f| with_context(f, format!("scenario {tag}")))?;
        let a = allocate(&s)
            .map_err(input)
            .map_err(|f| with_context(f, format!("allocating scenario {tag} ({})", path.display())))?;
        sides.push((s, inputs, a));
    }
    let d = diff(&sides[0].2, &sides[1].2);
    let text = render_two(&sides, &d, args.format)?;
    if let Some(path) = &args.chart {
        let name = |u: &compare::UnitChange| u.name.clone();
        let chart = BarChart {
            title: format!("A {} vs B {} — slots by unit", sides[0].0.name, sides[1].0.name),
            subtitle: format!(
                "A: {} slots, method {}; B: {} slots, method {}",
                d.total_a.slots, sides[0].2.method, d.total_b.slots, sides[1].2.method
            ),
            y_label: "slots 名额".into(),
            categories: d.units.iter().map(name).collect(),
            series: vec![
                Series {
                    name: format!("A {}", sides[0].0.name),
                    colour: svg::colour(0),
                    values: d.units.iter().map(|u| u.a.unwrap_or_default().slots).collect(),
                },
                Series {
                    name: format!("B {}", sides[1].0.name),
                    colour: svg::colour(1),
                    values: d.units.iter().map(|u| u.b.unwrap_or_default().slots).collect(),
                },
            ],
        };
        write_chart(path, &chart)?;
    }
    output::emit(args.output.as_deref(), text.as_bytes())
}

type SideData = (Scenario, ScenarioInputs, Allocation);

fn render_two(sides: &[SideData], d: &ScenarioDiff, format: Format) -> Result<String, Failure> {
    let opt = |v: Option<u64>| v.map_or(String::new(), |x| x.to_string());
    Ok(match format {
        Format::Json => {
            let side = |(s, inputs, a): &SideData| {
                json!({
                    "scenario": s.name,
                    "source": inputs.scenario.label,
                    "method": a.method,
                    "total": a.total,
                    "merged_cities": s.merged,
                    "funding_wan": a.funding.total_wan,
                    "per_firm_wan": s.funding.per_firm_wan,
                })
            };
            let units: Vec<Value> = d
                .units
                .iter()
                .map(|u| {
                    json!({
                        "code": u.code,
                        "name": u.name,
                        "name_en": u.name_en,
                        "region": u.region.name_zh(),
                        "slots_a": u.a.map(|x| x.slots),
                        "slots_b": u.b.map(|x| x.slots),
                        "delta_slots": u.delta_slots(),
                        "money_a_wan": u.a.map(|x| x.money_wan),
                        "money_b_wan": u.b.map(|x| x.money_wan),
                        "delta_money_wan": u.delta_money_wan(),
                    })
                })
                .collect();
            output::json_text(&json!({
                "a": side(&sides[0]),
                "b": side(&sides[1]),
                "units": units,
                "totals": {
                    "slots_a": d.total_a.slots, "slots_b": d.total_b.slots, "delta_slots": d.delta_slots(),
                    "money_a_wan": d.total_a.money_wan, "money_b_wan": d.total_b.money_wan, "delta_money_wan": d.delta_money_wan(),
                },
                "units_changed": d.changed(),
            }))?
        }
        Format::Csv => {
            let h: Vec<String> = [
                "code",
                "name",
                "name_en",
                "region",
                "slots_a",
                "slots_b",
                "delta_slots",
                "money_a_wan",
                "money_b_wan",
                "delta_money_wan",
            ]
            .map(String::from)
            .to_vec();
            let rows: Vec<Vec<String>> = d
                .units
                .iter()
                .map(|u| {
                    vec![
                        u.code.clone(),
                        u.name.clone(),
                        u.name_en.clone(),
                        u.region.name_zh().to_string(),
                        opt(u.a.map(|x| x.slots)),
                        opt(u.b.map(|x| x.slots)),
                        u.delta_slots().to_string(),
                        opt(u.a.map(|x| x.money_wan)),
                        opt(u.b.map(|x| x.money_wan)),
                        u.delta_money_wan().to_string(),
                    ]
                })
                .collect();
            output::csv_text(&h, &rows)?
        }
        Format::Table | Format::Md => {
            let md = format == Format::Md;
            let dash = |v: Option<u64>| v.map_or("—".to_string(), |x| x.to_string());
            let zero_blank = |x: i64| if x == 0 { "0".to_string() } else { signed(x) };
            let h: Vec<String> =
                ["code", "name", "region", "A slots", "B slots", "Δ slots", "A 万元", "B 万元", "Δ 万元"]
                    .map(String::from)
                    .to_vec();
            let mut a = vec![Align::Left; 3];
            a.resize(h.len(), Align::Right);
            let mut rows: Vec<Vec<String>> = d
                .units
                .iter()
                .map(|u| {
                    vec![
                        u.code.clone(),
                        u.name.clone(),
                        u.region.name_zh().to_string(),
                        dash(u.a.map(|x| x.slots)),
                        dash(u.b.map(|x| x.slots)),
                        zero_blank(u.delta_slots()),
                        dash(u.a.map(|x| x.money_wan)),
                        dash(u.b.map(|x| x.money_wan)),
                        zero_blank(u.delta_money_wan()),
                    ]
                })
                .collect();
            rows.push(vec![
                String::new(),
                "合计 total".into(),
                String::new(),
                d.total_a.slots.to_string(),
                d.total_b.slots.to_string(),
                zero_blank(d.delta_slots()),
                d.total_a.money_wan.to_string(),
                d.total_b.money_wan.to_string(),
                zero_blank(d.delta_money_wan()),
            ]);
            let line = |tag: &str, (s, inputs, al): &SideData| {
                format!(
                    "{tag}: scenario {} ({}) — method {} — {} slots over {} units — {} 万元",
                    s.name,
                    inputs.scenario.label,
                    al.method,
                    al.total,
                    al.units.len(),
                    al.funding.total_wan
                )
            };
            let mut out = String::new();
            for (tag, side) in ["A", "B"].iter().zip(sides) {
                out.push_str(&if md {
                    format!("- **{}**\n", line(tag, side))
                } else {
                    format!("{}\n", line(tag, side))
                });
            }
            out.push('\n');
            out.push_str(&output::table(md, &h, &a, &rows, true));
            let largest = d
                .largest_change()
                .map_or("none".to_string(), |u| format!("{} {} {}", u.code, u.name, signed(u.delta_slots())));
            out.push_str(&format!(
                "\n{} of {} units change (Σ|Δ slots| = {}); largest change: {largest}\n",
                d.changed(),
                d.units.len(),
                d.total_abs_change()
            ));
            if d.units.iter().any(|u| u.a.is_none() || u.b.is_none()) {
                out.push_str("— : the unit is not in that scenario (its Δ counts the missing side as 0)\n");
            }
            out
        }
    })
}
