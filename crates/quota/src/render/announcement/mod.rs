//! Announcement tables: the quota table of a batch as it would be published — 序号, unit,
//! region, 名额, 奖补资金 and its parts — in Chinese (official terms and unit names) or English,
//! as Markdown, CSV or Excel. Pure functions: they return text or bytes, the caller writes.
//!
//! Columns (zh / en):
//! 序号 No. · 省份/单位 Unit · 区域 Region · 名额（家） Firms · 奖补资金（万元） Subsidy ·
//! 第一笔资金（50%） First tranche · 直接拨付企业 To firms · 培育赋能 Cultivation services;
//! then a 合计 / Total row. Money in 万元 (10,000 yuan), integers, from
//! [`crate::funding::FundingRules::funding`] (148号 四（一）–四（三）).

use std::fmt;
use std::str::FromStr;

use crate::allocate::Allocation;
use crate::scenario::Scenario;

mod xlsx;
pub use xlsx::{xlsx, XlsxError};

/// Language of a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Chinese: official terms and unit names.
    Zh,
    /// English.
    En,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "中文" => Ok(Lang::Zh),
            "en" | "english" => Ok(Lang::En),
            other => Err(format!("unknown language '{other}' (expected zh or en)")),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        })
    }
}

/// One line of the table (a unit, or the totals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 序号 (None on the totals row).
    pub index: Option<usize>,
    /// Unit name (or 合计 / Total).
    pub unit: String,
    /// Region name (empty on the totals row).
    pub region: String,
    /// 名额: supported firms.
    pub slots: u64,
    /// 奖补资金 in 万元.
    pub total_wan: u64,
    /// 第一笔资金 in 万元.
    pub first_tranche_wan: u64,
    /// 直接拨付企业 in 万元.
    pub to_firms_wan: u64,
    /// 培育赋能 in 万元.
    pub services_wan: u64,
}

impl Line {
    /// The numeric cells, in column order.
    pub fn numbers(&self) -> [u64; 5] {
        [self.slots, self.total_wan, self.first_tranche_wan, self.to_firms_wan, self.services_wan]
    }
}

/// A table ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementTable {
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: String,
    /// Column headers (8).
    pub header: Vec<String>,
    /// Unit lines, in unit order.
    pub lines: Vec<Line>,
    /// Totals line.
    pub total: Line,
    /// Notes printed under the table.
    pub notes: Vec<String>,
    /// The scenario's parameters, as (name, value) pairs, so the table can be traced back.
    pub parameters: Vec<(String, String)>,
    /// The provenance mark as a column of the CSV (None when every input is official).
    pub note_column: Option<NoteColumn>,
}

/// The 注/Note column of the CSV table: on each unit's row the inputs that are not official
/// for it, on the totals row the whole note — so the mark is on the table itself while every
/// row keeps the same fields (one header line, then data rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteColumn {
    /// The column header: 注 or Note.
    pub header: String,
    /// One per unit line, in order.
    pub units: Vec<String>,
    /// On the totals row: the whole note.
    pub total: String,
}

/// The number of columns of an announcement table.
pub const COLUMNS: usize = 8;

fn header(lang: Lang, first_pct: u64) -> Vec<String> {
    match lang {
        Lang::Zh => vec![
            "序号".into(),
            "省份/单位".into(),
            "区域".into(),
            "名额（家）".into(),
            "奖补资金（万元）".into(),
            format!("第一笔资金（{first_pct}%，万元）"),
            "直接拨付企业（万元）".into(),
            "培育赋能（万元）".into(),
        ],
        Lang::En => vec![
            "No.".into(),
            "Unit".into(),
            "Region".into(),
            "Firms".into(),
            "Subsidy (10k yuan)".into(),
            format!("First tranche ({first_pct}%, 10k yuan)"),
            "To firms (10k yuan)".into(),
            "Cultivation services (10k yuan)".into(),
        ],
    }
}

/// Builds the published table of `a` (an allocation of `s`). `title` overrides the default
/// title; `provenance` adds (name, value) lines to the parameters (input files, registry…).
pub fn announcement(
    s: &Scenario,
    a: &Allocation,
    lang: Lang,
    title: Option<&str>,
    provenance: &[(String, String)],
) -> AnnouncementTable {
    let zh = lang == Lang::Zh;
    let lines: Vec<Line> = a
        .units
        .iter()
        .enumerate()
        .map(|(k, u)| Line {
            index: Some(k + 1),
            unit: if zh { u.name.clone() } else { u.name_en.clone() },
            region: if zh { u.region.name_zh().into() } else { u.region.name_en().into() },
            slots: u.slots,
            total_wan: u.funding.total_wan,
            first_tranche_wan: u.funding.first_tranche_wan,
            to_firms_wan: u.funding.to_firms_wan,
            services_wan: u.funding.services_wan,
        })
        .collect();
    let sum = |f: fn(&Line) -> u64| lines.iter().map(f).sum::<u64>();
    let total = Line {
        index: None,
        unit: if zh { "合计".into() } else { "Total".into() },
        region: String::new(),
        slots: sum(|l| l.slots),
        total_wan: sum(|l| l.total_wan),
        first_tranche_wan: sum(|l| l.first_tranche_wan),
        to_firms_wan: sum(|l| l.to_firms_wan),
        services_wan: sum(|l| l.services_wan),
    };
    let f = s.funding;
    let services_pct = format_bp(f.services_bp);
    let marks = s.provenance();
    let title = title.map(String::from).unwrap_or_else(|| {
        let mark = match (marks.official, zh) {
            (true, _) => "",
            (false, true) => "（示意测算）",
            (false, false) => " (illustrative)",
        };
        if zh {
            format!("{}：支持专精特新“小巨人”企业名额及奖补资金分配表{mark}", s.title())
        } else {
            format!(
                "{}: quota of supported specialised “little giant” firms and subsidies by unit{mark}",
                s.title()
            )
        }
    });
    let mut notes = if zh {
        vec![format!(
            "注：金额单位为万元。每家企业奖补资金{}万元，分三年安排；第一笔资金为{}%，其余资金根据绩效评价结果拨付。直接拨付企业不低于{}%，培育赋能不超过{}%。",
            f.per_firm_wan,
            f.first_tranche_percent,
            format_bp(10_000 - f.services_bp),
            services_pct
        )]
    } else {
        vec![format!(
            "Note: amounts in 万元 (10,000 yuan). {} per firm over three years; the first tranche is {}%, the rest is paid after the performance evaluation. At least {}% goes directly to firms, at most {}% to cultivation services.",
            f.per_firm_wan,
            f.first_tranche_percent,
            format_bp(10_000 - f.services_bp),
            services_pct
        )]
    };
    // The provenance mark sits on the table itself, in the table's language (no option hides it).
    let note = if zh { marks.note_zh() } else { marks.note_en() };
    let note_column = note.clone().map(|total| NoteColumn {
        header: if zh { "注".into() } else { "Note".into() },
        units: a.units.iter().map(|u| marks.row_mark(&u.code, zh)).collect(),
        total,
    });
    notes.extend(note);
    AnnouncementTable {
        lang,
        title,
        header: header(lang, f.first_tranche_percent),
        lines,
        total,
        notes,
        parameters: parameters(s, a, lang, provenance),
        note_column,
    }
}

/// Basis points as a percentage without trailing zeros (500 → "5", 250 → "2.5").
fn format_bp(bp: u64) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:02}").trim_end_matches('0'))
    }
}

/// The scenario's parameters, in the table's language.
pub fn parameters(
    s: &Scenario,
    a: &Allocation,
    lang: Lang,
    provenance: &[(String, String)],
) -> Vec<(String, String)> {
    let zh = lang == Lang::Zh;
    let t = |zh_text: &str, en_text: &str| if zh { zh_text.to_string() } else { en_text.to_string() };
    let mut p = vec![
        (t("方案", "Scenario"), s.name.clone()),
        (t("说明", "Description"), s.description.clone()),
        (t("名额总数（家）", "National total (firms)"), s.total.to_string()),
        (t("分配方法", "Apportionment method"), s.method.name().to_string()),
        (
            t("分配单位", "Units"),
            if s.merged {
                t(
                    &format!("{}个（计划单列市并入所在省）", s.units.len()),
                    &format!("{} (separately planned cities merged into their provinces)", s.units.len()),
                )
            } else {
                t(
                    &format!("{}个（计划单列市单列）", s.units.len()),
                    &format!("{} (separately planned cities apart)", s.units.len()),
                )
            },
        ),
    ];
    for ind in &s.indicators {
        p.push((
            t(&format!("指标权重：{}", ind.label), &format!("Indicator weight: {}", ind.label)),
            format!("{:.4} ({}, {})", ind.weight, ind.column, ind.normalise.name()),
        ));
    }
    match &s.disparity {
        None => p.push((t("区域发展基础差异", "Regional disparity"), t("未启用", "off"))),
        Some(d) => {
            let mut multipliers = d.multipliers.clone();
            multipliers.sort_by_key(|(r, _)| *r);
            let mult: Vec<String> = multipliers
                .iter()
                .map(|(r, m)| format!("{} {m}", if zh { r.name_zh() } else { r.name_en() }))
                .collect();
            p.push((
                t("区域发展基础差异：区域系数", "Regional disparity: region multipliers"),
                if mult.is_empty() { "—".into() } else { mult.join(", ") },
            ));
            if let Some((col, _, w)) = &d.development {
                p.push((
                    t("区域发展基础差异：发展指标", "Regional disparity: development term"),
                    format!("{col}, δ = {w}"),
                ));
            }
        }
    }
    let floor_sum: u64 = s.floors.iter().sum();
    let cap_sum: u64 = s.caps.iter().sum();
    p.push((t("下限合计（家）", "Floors, sum (firms)"), floor_sum.to_string()));
    p.push((t("上限合计（符合条件企业数）", "Caps, sum (eligible firms)"), cap_sum.to_string()));
    p.push((
        t("每家企业奖补资金（万元）", "Subsidy per firm (10k yuan)"),
        s.funding.per_firm_wan.to_string(),
    ));
    p.push((t("第一笔资金比例", "First tranche"), format!("{}%", s.funding.first_tranche_percent)));
    p.push((
        t("培育赋能比例上限", "Cultivation services, at most"),
        format!("{}%", format_bp(s.funding.services_bp)),
    ));
    p.push((t("平局", "Ties that decided slots"), a.ties.len().to_string()));
    p.push((
        t("校验", "Check"),
        t(
            "已通过独立校验（合计、上下限、分配规则）",
            "passed the independent checker (total, bounds, method rule)",
        ),
    ));
    for i in &s.provenance().inputs {
        let status = match (i.status, zh) {
            (Some(st), true) => st.name_zh().to_string(),
            (Some(st), false) => st.name().to_string(),
            (None, true) => "未声明".into(),
            (None, false) => "not stated".into(),
        };
        let units = if i.marked_units.is_empty() {
            String::new()
        } else {
            t(
                &format!(
                    "；非官方单位 {}/{}：{}",
                    i.marked_units.len(),
                    i.of_units,
                    i.marked_units.join(" ")
                ),
                &format!(
                    "; not official for {} of {} units: {}",
                    i.marked_units.len(),
                    i.of_units,
                    i.marked_units.join(" ")
                ),
            )
        };
        let as_of = if i.as_of.is_empty() {
            String::new()
        } else {
            t(&format!("；截至{}", i.as_of), &format!("; as of {}", i.as_of))
        };
        let source = if i.source.is_empty() {
            String::new()
        } else {
            t(&format!("；来源：{}", i.source), &format!("; source: {}", i.source))
        };
        p.push((
            t(&format!("数据来源：{}", i.label_zh), &format!("Data source: {}", i.label_en)),
            format!("{status}{units}{as_of}{source}"),
        ));
    }
    p.extend(provenance.iter().cloned());
    p
}

/// Renders the table as Markdown: title, table with a bold totals row, notes.
pub fn markdown(t: &AnnouncementTable) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!("### {}\n\n", esc(&t.title));
    out.push_str(&format!("| {} |\n", t.header.iter().map(|h| esc(h)).collect::<Vec<_>>().join(" | ")));
    out.push_str("|---:|---|---|---:|---:|---:|---:|---:|\n");
    for l in &t.lines {
        let nums: Vec<String> = l.numbers().iter().map(u64::to_string).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            l.index.map_or(String::new(), |i| i.to_string()),
            esc(&l.unit),
            esc(&l.region),
            nums.join(" | ")
        ));
    }
    let nums: Vec<String> = t.total.numbers().iter().map(|n| format!("**{n}**")).collect();
    out.push_str(&format!("|  | **{}** |  | {} |\n", esc(&t.total.unit), nums.join(" | ")));
    for n in &t.notes {
        out.push_str(&format!("\n{n}\n"));
    }
    out
}

/// Renders the table as CSV: header, unit rows, the totals row (序号 empty) — one header line
/// and data rows, nothing else, so any CSV reader takes it with no options. When an input is
/// not official, a last column 注/Note carries the mark: on each unit's row the inputs that are
/// not official for it, on the totals row the whole note. Numbers are plain integers; no title
/// and no money note.
pub fn csv(t: &AnnouncementTable) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row = |l: &Line, note: Option<&String>| -> Vec<String> {
        let mut r = vec![l.index.map_or(String::new(), |i| i.to_string()), l.unit.clone(), l.region.clone()];
        r.extend(l.numbers().iter().map(u64::to_string));
        r.extend(note.cloned());
        r
    };
    let mut header = t.header.clone();
    header.extend(t.note_column.as_ref().map(|n| n.header.clone()));
    // Writing to a Vec cannot fail.
    w.write_record(&header).expect("in memory");
    for (k, l) in t.lines.iter().enumerate() {
        w.write_record(row(l, t.note_column.as_ref().map(|n| &n.units[k]))).expect("in memory");
    }
    w.write_record(row(&t.total, t.note_column.as_ref().map(|n| &n.total))).expect("in memory");
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out")
}

/// Whether a note is the provenance mark (as written by [`crate::provenance::Provenance`]).
pub fn is_mark(note: &str) -> bool {
    note.starts_with("注：本结果为示意测算") || note.starts_with("Note: an illustrative calculation")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_print_as_percent() {
        assert_eq!(format_bp(500), "5");
        assert_eq!(format_bp(9500), "95");
        assert_eq!(format_bp(250), "2.5");
        assert_eq!(format_bp(1), "0.01");
    }

    #[test]
    fn languages_parse() {
        assert_eq!("ZH".parse::<Lang>().unwrap(), Lang::Zh);
        assert!("fr".parse::<Lang>().is_err());
    }
}
