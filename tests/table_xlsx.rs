//! The xlsx announcement table, read back from the zip: sheet names, frozen header, fitted
//! column widths, numbers stored as numbers and equal to the CSV rendering, the totals row,
//! the parameters sheet, and byte-for-byte reproducibility. (Layout was also checked by eye:
//! LibreOffice headless → PDF → PNG; see docs/table.md.)

use std::collections::HashMap;
use std::io::Read;
use std::process::Command;

fn quota_bytes(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("run quota");
    assert!(o.status.success(), "quota {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

fn xlsx(lang: &str) -> Vec<u8> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("quota-table-{}-{k}-{lang}.xlsx", std::process::id()));
    quota_bytes(&["table", "--lang", lang, "--format", "xlsx", "-o", path.to_str().unwrap()]);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    bytes
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("no {name} in the workbook")).read_to_string(&mut s).unwrap();
    s
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// The shared strings, in order.
fn shared_strings(xml: &str) -> Vec<String> {
    xml.split("<si>")
        .skip(1)
        .map(|si| {
            let t = &si[si.find("<t").unwrap()..];
            let start = t.find('>').unwrap() + 1;
            unescape(&t[start..t.find("</t>").unwrap()])
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Number(f64),
    Text(String),
}

/// Cells by reference ("D3"); blank styled cells are left out.
fn cells(sheet: &str, strings: &[String]) -> HashMap<String, Cell> {
    let mut out = HashMap::new();
    for c in sheet.split("<c r=\"").skip(1) {
        let reference = c[..c.find('"').unwrap()].to_string();
        let head = &c[..c.find('>').unwrap()];
        if head.ends_with('/') {
            continue;
        }
        let Some(v0) = c.find("<v>") else { continue };
        let v = &c[v0 + 3..c.find("</v>").unwrap()];
        let cell = if head.contains("t=\"s\"") {
            Cell::Text(strings[v.parse::<usize>().unwrap()].clone())
        } else {
            Cell::Number(v.parse().unwrap())
        };
        out.insert(reference, cell);
    }
    out
}

fn num(c: &HashMap<String, Cell>, r: &str) -> u64 {
    match c.get(r) {
        Some(Cell::Number(x)) => {
            assert!(x.fract().abs() < 1e-9 && *x >= 0.0, "{r} = {x}");
            *x as u64
        }
        other => panic!("{r} is not a number: {other:?}"),
    }
}

fn text(c: &HashMap<String, Cell>, r: &str) -> String {
    match c.get(r) {
        Some(Cell::Text(s)) => s.clone(),
        other => panic!("{r} is not text: {other:?}"),
    }
}

#[test]
fn zh_workbook_structure_and_values() {
    let bytes = xlsx("zh");
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains(r#"<sheet name="分配表" sheetId="1""#), "{workbook}");
    assert!(workbook.contains(r#"<sheet name="参数" sheetId="2""#), "{workbook}");
    let strings = shared_strings(&part(&bytes, "xl/sharedStrings.xml"));
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    // Frozen: the title and the header row stay in view.
    assert!(sheet.contains(r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#));
    // Column widths: set for all 8 columns; the unit column fits 新疆维吾尔自治区 (16 columns wide).
    let widths: Vec<f64> = sheet
        .split("<col ")
        .skip(1)
        .map(|c| {
            let w = &c[c.find("width=\"").unwrap() + 7..];
            w[..w.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(widths.len(), 8);
    assert!(widths[1] >= 17.0, "unit column {}", widths[1]);
    assert!(widths[5] >= 12.0, "first-tranche column {}", widths[5]);
    // Money in a thousands format.
    assert!(part(&bytes, "xl/styles.xml").contains(r##"formatCode="#,##0""##));

    let c = cells(&sheet, &strings);
    assert!(text(&c, "A1").contains("名额及奖补资金分配表"));
    assert_eq!(text(&c, "B2"), "省份/单位");
    assert_eq!(text(&c, "F2"), "第一笔资金\n（50%，万元）");
    // Every unit row and the totals row equal the CSV rendering, as numbers.
    let csv = String::from_utf8(quota_bytes(&["table", "--lang", "zh", "--format", "csv"])).unwrap();
    let rows: Vec<Vec<String>> =
        csv.lines().skip(1).map(|l| l.split(',').map(String::from).collect()).collect();
    assert_eq!(rows.len(), 38);
    for (k, r) in rows.iter().enumerate() {
        let row = k + 3;
        if k < 37 {
            assert_eq!(num(&c, &format!("A{row}")), (k + 1) as u64);
        } else {
            assert!(!c.contains_key(&format!("A{row}")), "totals row has no 序号");
        }
        assert_eq!(text(&c, &format!("B{row}")), r[1]);
        for (col, v) in ["D", "E", "F", "G", "H"].iter().zip(&r[3..]) {
            assert_eq!(num(&c, &format!("{col}{row}")), v.parse::<u64>().unwrap(), "{col}{row}");
        }
    }
    assert_eq!(text(&c, "B40"), "合计");
    assert_eq!(num(&c, "D40"), 1039);
    assert_eq!(num(&c, "E40"), 623_400);

    // Parameters sheet: traceable inputs.
    let params = cells(&part(&bytes, "xl/worksheets/sheet2.xml"), &strings);
    let lookup: HashMap<String, String> = (2..60)
        .filter_map(|r| match (params.get(&format!("A{r}")), params.get(&format!("B{r}"))) {
            (Some(Cell::Text(k)), Some(Cell::Text(v))) => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(lookup["名额总数（家）"], "1039");
    assert_eq!(lookup["分配方法"], "hamilton");
    assert_eq!(lookup["方案文件"], "<bundled>/data/scenarios/2024-batch1.toml");
    assert!(lookup["指标权重：“小巨人”企业数量（第一、二批，2021）"].starts_with("0.4000"));
}

#[test]
fn en_workbook_names_its_sheets_in_english() {
    let bytes = xlsx("en");
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains(r#"<sheet name="Allocation""#) && workbook.contains(r#"<sheet name="Parameters""#)
    );
    let strings = shared_strings(&part(&bytes, "xl/sharedStrings.xml"));
    let c = cells(&part(&bytes, "xl/worksheets/sheet1.xml"), &strings);
    assert_eq!(text(&c, "B3"), "Beijing");
    assert_eq!(text(&c, "C3"), "East");
}

#[test]
fn same_table_same_bytes() {
    assert!(xlsx("zh") == xlsx("zh"), "two runs gave different workbooks");
}
