//! `quota table`: the quota table of a batch as it would be published (Markdown, CSV, xlsx),
//! in Chinese or English. Rendering is done by `quota::render::announcement`; this file loads and writes.

use std::io::IsTerminal;
use std::path::PathBuf;

use quota::allocate::allocate;
use quota::render::announcement::{self, Lang};

use super::load::{self, Overrides};
use super::output;
use super::{input, internal, Failure};

/// Format of a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// Markdown: title, table, note.
    Md,
    /// CSV: header, one row per unit, totals row.
    Csv,
    /// Excel workbook: the table and a sheet with the scenario's parameters.
    Xlsx,
}

/// The announcement table of a batch: 序号, unit, region, 名额, 奖补资金 and its parts.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  quota table                                              # bundled 2024 first batch, Chinese Markdown\n  quota table data/scenarios/2024-batch1.toml --lang en --format csv\n  quota table --format xlsx -o 2024-batch1.xlsx\n  quota table --programme data/programme/148-2024-2026.toml --batch 2025 --format xlsx -o 2025.xlsx"
)]
pub struct Args {
    /// Scenario file (TOML); the bundled 2024 first-batch scenario when omitted.
    #[arg(conflicts_with = "programme")]
    scenario: Option<PathBuf>,
    /// A batch of a programme instead of a scenario (with --batch).
    #[arg(long, requires = "batch")]
    programme: Option<PathBuf>,
    /// The programme's batch: its year (2025) or its position (2).
    #[arg(long, requires = "programme")]
    batch: Option<u16>,
    /// Language: zh (official Chinese terms and unit names) or en.
    #[arg(long, value_parser = |s: &str| s.parse::<Lang>(), default_value = "zh")]
    lang: Lang,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = TableFormat::Md)]
    format: TableFormat,
    /// Title (default: from the scenario's name).
    #[arg(long)]
    title: Option<String>,
    /// Apportionment method (overrides the scenario).
    #[arg(long, short, conflicts_with = "programme", value_parser = super::flags::method_flag)]
    method: Option<quota::scenario::MethodChoice>,
    /// Merge the five 计划单列市 into their provinces (32 units).
    #[arg(long, conflicts_with = "programme")]
    merge_cities: bool,
    /// Caps from a firm registry (eligible firms on 2024-07-31, see `quota eligible`).
    #[arg(long, value_name = "REGISTRY.csv", conflicts_with = "programme")]
    caps_from: Option<PathBuf>,
    /// Start the CSV with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it as UTF-8.
    #[arg(long)]
    bom: bool,
    /// Start the CSV with a `# stamp: …` comment line. Off by default: the CSV is pure data for
    /// spreadsheets (Markdown and xlsx always carry the stamp).
    #[arg(long)]
    stamp: bool,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    if args.format == TableFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(input(anyhow::anyhow!("xlsx is a binary format: write it to a file with -o FILE.xlsx")));
    }
    let lang = args.lang;
    let (scenario, allocation, provenance, stamp) = match (&args.programme, args.batch) {
        (Some(path), Some(which)) => {
            let (mut plan, pi) = super::plan::load_and_run(path)?;
            let n = plan.batches.len();
            let k = plan
                .batches
                .iter()
                .position(|b| b.batch.year == which)
                .or_else(|| (1..=n).contains(&(which as usize)).then(|| which as usize - 1))
                .ok_or_else(|| {
                    let years: Vec<String> = plan.batches.iter().map(|b| b.batch.year.to_string()).collect();
                    input(anyhow::anyhow!(
                        "{}: no batch {which} (batches: {}, or 1-{n})",
                        path.display(),
                        years.join(", ")
                    ))
                })?;
            let b = plan.batches.swap_remove(k);
            let zh = lang == Lang::Zh;
            let mut prov = vec![
                (if zh { "规划文件" } else { "Programme file" }.to_string(), path.display().to_string()),
                (if zh { "批次" } else { "Batch" }.to_string(), b.batch.label.clone()),
                (if zh { "资格审查日期" } else { "Screening date" }.to_string(), b.batch.as_of.to_string()),
                (
                    if zh {
                        "剩余符合条件企业（上限来源）"
                    } else {
                        "Eligible firms left (caps)"
                    }
                    .to_string(),
                    match &pi.registry_label {
                        Some(r) => format!("{} ({r})", b.pool.iter().sum::<u64>()),
                        None => b.pool.iter().sum::<u64>().to_string(),
                    },
                ),
            ];
            prov.extend(input_files(&pi.inputs, zh));
            let stamp = super::stamp::stamp_of(&b.scenario, &pi.inputs)?;
            (b.scenario, b.allocation, prov, stamp)
        }
        _ => {
            let overrides = Overrides { method: args.method, total: None, merge_cities: args.merge_cities };
            let (mut scenario, inputs) = load::scenario(args.scenario.as_deref(), &overrides)?;
            let zh = lang == Lang::Zh;
            let mut prov = input_files(&inputs, zh);
            if let Some(registry) = &args.caps_from {
                super::eligible::replace_caps(&mut scenario, &inputs, registry, None)?;
                prov.push((
                    if zh { "上限来源（企业名录）" } else { "Caps from registry" }.to_string(),
                    format!("{} (2024-07-31)", registry.display()),
                ));
            }
            let allocation = allocate(&scenario).map_err(input)?;
            let stamp = super::stamp::stamp_of(&scenario, &inputs)?;
            (scenario, allocation, prov, stamp)
        }
    };
    let mut provenance = provenance;
    provenance.push((
        if lang == Lang::Zh { "生成工具" } else { "Generated by" }.to_string(),
        format!("quota {}", env!("CARGO_PKG_VERSION")),
    ));
    provenance.push((
        if lang == Lang::Zh { "复现标记" } else { "Reproducibility stamp" }.to_string(),
        stamp.line(),
    ));
    let mut table =
        announcement::announcement(&scenario, &allocation, lang, args.title.as_deref(), &provenance);
    if args.format == TableFormat::Md {
        // Markdown carries the stamp under the notes; CSV stays pure data for spreadsheets, and
        // the xlsx has it on its parameters sheet.
        table.notes.push(stamp.line());
    }
    let bytes = match args.format {
        TableFormat::Md => announcement::markdown(&table).into_bytes(),
        TableFormat::Csv => {
            let bom = if args.bom { "\u{feff}" } else { "" };
            let comment = if args.stamp { format!("# {}\n", stamp.line()) } else { String::new() };
            format!("{bom}{comment}{}", announcement::csv(&table)).into_bytes()
        }
        TableFormat::Xlsx => announcement::xlsx(&table).map_err(internal)?,
    };
    output::emit(args.output.as_deref(), &bytes)
}

fn input_files(inputs: &load::ScenarioInputs, zh: bool) -> Vec<(String, String)> {
    let t = |a: &str, b: &str| if zh { a.to_string() } else { b.to_string() };
    vec![
        (t("方案文件", "Scenario file"), inputs.scenario.label.clone()),
        (t("单位表", "Units file"), inputs.units_source.label.clone()),
        (t("指标表", "Indicators file"), inputs.indicators_source.label.clone()),
    ]
}
