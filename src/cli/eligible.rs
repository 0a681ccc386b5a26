//! `quota eligible`: screens a firm registry by the notice's rules on a date; prints the
//! eligible count per unit (the caps of an allocation) and, per excluded firm, every reason.
//! Also the loader behind `--caps-from` of `quota allocate`.

use std::path::{Path, PathBuf};

use quota::eligibility::{
    merge_counts, screen, Date, Reason, Registry, Screening, FIRST_BATCH_APPLICATION_DATE,
};
use quota::error::Location;
use quota::programme::apply_caps;
use quota::scenario::{Scenario, ScenarioFile};
use quota::units::{parse_units, Units};
use serde_json::json;

use super::load::{self, read_text, ScenarioInputs};
use super::output::{self, Align, Format};
use super::{input, Failure};

/// Screen a firm registry: eligible firms per unit, and every reason each other firm fails.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Registry columns: id,name,unit,valid_until,listing,supported_2021,investment_wan,plan_areas,key_field\n(and optionally recognised_on). Rules of 财建〔2024〕148号: valid 小巨人, not listed (SSE, SZSE, BSE,\noverseas), not supported under 财建〔2021〕2号, plan investment above 2000万元, at least one plan area\n(新动能/新技术/新产品/一强), key field.\n\nExamples:\n  quota eligible data/registry/firms.csv                      # as of 2024-07-31\n  quota eligible data/registry/firms.csv --as-of 2025-04-30 --excluded --format csv\n  quota allocate --caps-from data/registry/firms.csv         # eligible counts as the caps"
)]
pub struct Args {
    /// Firm registry (CSV).
    registry: PathBuf,
    /// Screening date, YYYY-MM-DD (default 2024-07-31: the 2024 first batch's application date).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    /// Unit table the registry's unit codes refer to (default: the bundled one).
    #[arg(long)]
    units: Option<PathBuf>,
    /// Count the five 计划单列市 with their provinces (32 units).
    #[arg(long)]
    merge_cities: bool,
    /// List the excluded firms with every reason, instead of the per-unit counts.
    #[arg(long)]
    excluded: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Parses `--as-of` (clap reports a bad date as a usage error, exit 2).
pub fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

/// Reads and validates a registry against `units`.
pub fn load_registry(path: &Path, units: &Units) -> Result<Registry, Failure> {
    let text = read_text(path)?;
    Registry::parse(&text, Location::file(path.display().to_string()), units).map_err(input)
}

/// `--caps-from`: replaces the scenario's caps with the registry's eligible firms per unit on
/// `as_of`, re-deriving the floors from the scenario's `[bounds]` and re-checking them.
pub fn replace_caps(
    scenario: &mut Scenario,
    inputs: &ScenarioInputs,
    registry_path: &Path,
    as_of: Option<Date>,
) -> Result<(), Failure> {
    let as_of = as_of.unwrap_or(FIRST_BATCH_APPLICATION_DATE);
    let registry = load_registry(registry_path, &inputs.units)?;
    let s = screen(&registry, as_of);
    let pool = if scenario.merged {
        let (merged, map) = inputs.units.merge_cities();
        merge_counts(&s.eligible, &map, merged.len())
    } else {
        s.eligible.clone()
    };
    let file = ScenarioFile::parse(&inputs.scenario.text, inputs.scenario.location()).map_err(input)?;
    let at = Location::file(format!("{} (eligible firms on {as_of})", registry_path.display()));
    apply_caps(scenario, &file.bounds, &pool, &at).map_err(input)
}

pub fn run(args: Args) -> Result<(), Failure> {
    let as_of = args.as_of.unwrap_or(FIRST_BATCH_APPLICATION_DATE);
    let units = match &args.units {
        Some(p) => parse_units(&read_text(p)?, Location::file(p.display().to_string())).map_err(input)?,
        None => {
            parse_units(load::BUNDLED_UNITS, Location::file("<bundled>/data/units.csv")).map_err(input)?
        }
    };
    let registry = load_registry(&args.registry, &units)?;
    let s = screen(&registry, as_of);
    let text = if args.format == Format::Json {
        output::json_text(&to_json(&registry, &s, args.merge_cities))?
    } else if args.excluded {
        excluded_text(&registry, &s, args.format)?
    } else {
        units_text(&registry, &s, args.merge_cities, args.format)?
    };
    output::emit(args.output.as_deref(), text.as_bytes())
}

/// Short column names of the reasons, in [`Reason::ALL`] order.
fn reason_header(r: Reason) -> &'static str {
    match r {
        Reason::NotYetRecognised => "not_yet",
        Reason::RecognitionExpired => "expired",
        Reason::Listed => "listed",
        Reason::Supported2021 => "in_2021",
        Reason::InvestmentNotAbove2000 => "inv<=2000",
        Reason::NoPlanArea => "no_area",
        Reason::NotKeyField => "not_key",
    }
}

/// Per-unit counts, merged into provinces when asked: (units, firms, eligible, failing).
fn per_unit(registry: &Registry, s: &Screening, merge: bool) -> (Units, Vec<u64>, Vec<u64>, Vec<[u64; 7]>) {
    let units = registry.units();
    if !merge {
        return (units.clone(), s.firms.clone(), s.eligible.clone(), s.failing.clone());
    }
    let (merged, map) = units.merge_cities();
    let mut failing = vec![[0u64; 7]; merged.len()];
    for (i, f) in s.failing.iter().enumerate() {
        for k in 0..7 {
            failing[map[i]][k] += f[k];
        }
    }
    let firms = merge_counts(&s.firms, &map, merged.len());
    let eligible = merge_counts(&s.eligible, &map, merged.len());
    (merged, firms, eligible, failing)
}

fn units_text(registry: &Registry, s: &Screening, merge: bool, format: Format) -> Result<String, Failure> {
    let (units, firms, eligible, failing) = per_unit(registry, s, merge);
    let mut header: Vec<String> =
        ["code", "name", "region", "firms", "eligible", "excluded"].map(String::from).to_vec();
    header.extend(
        Reason::ALL
            .iter()
            .map(|r| if format == Format::Csv { r.code() } else { reason_header(*r) }.to_string()),
    );
    let mut align = vec![Align::Left; 3];
    align.resize(header.len(), Align::Right);
    let mut rows: Vec<Vec<String>> = (0..units.len())
        .map(|i| {
            let u = units.get(i);
            let mut r = vec![
                u.code.clone(),
                u.name_zh.clone(),
                u.region.name_zh().to_string(),
                firms[i].to_string(),
                eligible[i].to_string(),
                (firms[i] - eligible[i]).to_string(),
            ];
            r.extend(failing[i].iter().map(u64::to_string));
            r
        })
        .collect();
    let total_firms: u64 = firms.iter().sum();
    let total_eligible: u64 = eligible.iter().sum();
    if format != Format::Csv {
        let mut t = vec![String::new(), "合计 total".into(), String::new()];
        t.push(total_firms.to_string());
        t.push(total_eligible.to_string());
        t.push((total_firms - total_eligible).to_string());
        for k in 0..7 {
            t.push(failing.iter().map(|f| f[k]).sum::<u64>().to_string());
        }
        rows.push(t);
    }
    let summary = format!(
        "registry {} — {} firms screened on {} — {} eligible, {} excluded",
        registry.at,
        total_firms,
        s.as_of,
        total_eligible,
        total_firms - total_eligible
    );
    let legend = "\nreasons (a firm may fail several): not_yet = recognised after the date; expired = 小巨人 recognition expired;\nlisted = SSE/SZSE/BSE/overseas; in_2021 = supported under 财建〔2021〕2号; inv<=2000 = plan investment not above 2000万元;\nno_area = no 新动能/新技术/新产品/一强 area; not_key = not in a key field (重点领域)\n";
    Ok(match format {
        Format::Csv => output::csv_text(&header, &rows)?,
        Format::Md => {
            format!("**{summary}**\n\n{}{legend}", output::markdown_table(&header, &align, &rows))
        }
        _ => format!("{summary}\n\n{}{legend}", output::text_table(&header, &align, &rows, true)),
    })
}

fn excluded_text(registry: &Registry, s: &Screening, format: Format) -> Result<String, Failure> {
    let units = registry.units();
    let csv = format == Format::Csv;
    let header: Vec<String> = if csv {
        ["line", "id", "name", "unit_code", "unit_name", "reasons", "explanation"].map(String::from).to_vec()
    } else {
        ["line", "id", "unit", "reasons"].map(String::from).to_vec()
    };
    let align = vec![Align::Right, Align::Left, Align::Left, Align::Left];
    let rows: Vec<Vec<String>> = registry
        .firms
        .iter()
        .zip(&s.reasons)
        .filter(|(_, r)| !r.is_empty())
        .map(|(f, r)| {
            let u = units.get(f.unit);
            let why: Vec<String> = r.iter().map(|x| x.explain(f, s.as_of)).collect();
            if csv {
                vec![
                    f.line.to_string(),
                    f.id.clone(),
                    f.name.clone(),
                    u.code.clone(),
                    u.name_zh.clone(),
                    r.iter().map(Reason::code).collect::<Vec<_>>().join(";"),
                    why.join("; "),
                ]
            } else {
                vec![f.line.to_string(), f.id.clone(), format!("{} {}", u.code, u.name_zh), why.join("; ")]
            }
        })
        .collect();
    let summary = format!(
        "registry {} — {} of {} firms excluded on {}",
        registry.at,
        rows.len(),
        registry.len(),
        s.as_of
    );
    Ok(match format {
        Format::Csv => output::csv_text(&header, &rows)?,
        Format::Md => format!("**{summary}**\n\n{}", output::markdown_table(&header, &align, &rows)),
        _ => format!("{summary}\n\n{}", output::text_table(&header, &align, &rows, false)),
    })
}

fn to_json(registry: &Registry, s: &Screening, merge: bool) -> serde_json::Value {
    let (units, firms, eligible, failing) = per_unit(registry, s, merge);
    let per_unit: Vec<serde_json::Value> = (0..units.len())
        .map(|i| {
            let u = units.get(i);
            json!({
                "code": u.code,
                "name": u.name_zh,
                "name_en": u.name_en,
                "region": u.region.name_zh(),
                "firms": firms[i],
                "eligible": eligible[i],
                "failing": Reason::ALL.iter().enumerate()
                    .map(|(k, r)| (r.code().to_string(), json!(failing[i][k])))
                    .collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    let excluded: Vec<serde_json::Value> = registry
        .firms
        .iter()
        .zip(&s.reasons)
        .filter(|(_, r)| !r.is_empty())
        .map(|(f, r)| {
            json!({
                "id": f.id,
                "name": f.name,
                "line": f.line,
                "unit": registry.units().get(f.unit).code,
                "reasons": r.iter().map(|x| json!({
                    "code": x.code(),
                    "rule": x.rule_zh(),
                    "explanation": x.explain(f, s.as_of),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "registry": registry.at.source,
        "as_of": s.as_of,
        "firms": registry.len(),
        "eligible": s.eligible_total(),
        "units": per_unit,
        "excluded": excluded,
    })
}
