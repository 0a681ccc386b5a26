//! Golden tests of the announcement tables (`quota table`): the bundled 2024 first batch in
//! Chinese and English, Markdown and CSV, and the 2025 batch of the bundled programme. A diff
//! fails the test; `QUOTA_BLESS=1 cargo test --test table_golden` rewrites the golden files
//! (review the diff before committing). Independent checks: the totals row is the column sums
//! and the money follows 600万元 per firm, 50% first, 5% services.

use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn quota(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_quota")).args(args).output().expect("run quota");
    assert!(o.status.success(), "quota {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn golden(name: &str, actual: &str) {
    let path = format!("{ROOT}/tests/golden/{name}");
    if std::env::var_os("QUOTA_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {path}; run with QUOTA_BLESS=1"));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from the golden file at line {}:\n  golden: {:?}\n  actual: {:?}",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn batch1_zh_markdown() {
    golden("table-2024-batch1-zh.md", &quota(&["table", "--lang", "zh", "--format", "md"]));
}

#[test]
fn batch1_en_markdown() {
    golden("table-2024-batch1-en.md", &quota(&["table", "--lang", "en", "--format", "md"]));
}

#[test]
fn batch1_zh_csv() {
    golden("table-2024-batch1-zh.csv", &quota(&["table", "--lang", "zh", "--format", "csv"]));
}

#[test]
fn batch1_en_csv() {
    golden("table-2024-batch1-en.csv", &quota(&["table", "--lang", "en", "--format", "csv"]));
}

#[test]
fn programme_batch_2025_zh_markdown() {
    let p = format!("{ROOT}/data/programme/148-2024-2026.toml");
    golden("table-programme-2025-zh.md", &quota(&["table", "--programme", &p, "--batch", "2025"]));
}

#[test]
fn totals_row_sums_the_columns_and_money_follows_the_rules() {
    let csv = quota(&["table", "--lang", "en", "--format", "csv"]);
    let rows: Vec<Vec<u64>> = csv
        .lines()
        .skip(1)
        // Fields 4–8 are the numbers (the 9th, the Note column, is free text).
        .map(|l| l.splitn(9, ',').skip(3).take(5).map(|v| v.parse().unwrap()).collect::<Vec<u64>>())
        .collect();
    let (units, total) = rows.split_at(rows.len() - 1);
    assert_eq!(units.len(), 37);
    for c in 0..5 {
        assert_eq!(units.iter().map(|r| r[c]).sum::<u64>(), total[0][c], "column {c}");
    }
    for r in units {
        let [slots, money, first, firms, services] = r[..] else { unreachable!() };
        assert_eq!(money, slots * 600);
        assert_eq!(first, slots * 300);
        assert_eq!(services, slots * 30);
        assert_eq!(firms + services, money);
    }
    assert_eq!(total[0][0], 1039);
}

#[test]
fn chinese_table_uses_official_terms_and_unit_names() {
    let md = quota(&["table"]);
    for term in [
        "序号",
        "省份/单位",
        "区域",
        "名额",
        "奖补资金（万元）",
        "第一笔资金（50%，万元）",
        "直接拨付企业",
        "培育赋能",
        "合计",
        "新疆生产建设兵团",
        "东北",
    ] {
        assert!(md.contains(term), "missing {term}");
    }
    let en = quota(&["table", "--lang", "en"]);
    assert!(en.contains("| 32 | XPCC | West |") && !en.contains("北京市"), "{en}");
}

#[test]
fn bom_only_when_asked() {
    let plain = quota(&["table", "--format", "csv"]);
    let bom = quota(&["table", "--format", "csv", "--bom"]);
    assert!(!plain.starts_with('\u{feff}'));
    assert_eq!(bom.strip_prefix('\u{feff}'), Some(plain.as_str()));
}
