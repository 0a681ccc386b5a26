//! Generator of `data/registry/firms.csv`, a SYNTHETIC firm registry (not real firms).
//!
//! Deterministic: standard library only, a SplitMix64 generator with a fixed seed, integer
//! arithmetic only. The test `tests/eligibility_registry.rs` regenerates the file and fails if
//! it differs from the committed copy; `QUOTA_BLESS=1 cargo test --test eligibility_registry`
//! rewrites it.
//!
//! Construction, per unit with `E` = `eligible_firms` of `data/indicators.csv` (ILLUSTRATIVE):
//! - `E` firms eligible on 2024-07-31 (recognised in the 小巨人 batches of 2019–2023, valid
//!   until 2025-06-30 … 2027-07-31, not listed, not supported in 2021, investment above
//!   2000万元, at least one plan area, key field) — so the eligible count per unit on the 2024
//!   first batch's application date equals `eligible_firms`;
//! - ⌊35·E/100⌋ firms recognised on 2024-09-01 and ⌊35·E/100⌋ on 2025-08-01 (otherwise
//!   eligible): they join the pool of the later batches;
//! - ⌊60·E/100⌋ + 1 ineligible firms, each failing one to three of the notice's rules
//!   (listed, supported in 2021, investment ≤ 2000万元 — some exactly 2000 —, no plan area,
//!   not a key field, recognition expired before 2024-07-31).
//!
//! Within a unit the firms are shuffled; ids are `SYN-<unit code>-<nnnnn>` in file order.

/// Fixed seed (the notice's number).
pub const SEED: u64 = 148;

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Data rows of a simple CSV (no quoted fields), `#` comment lines skipped, header first.
fn rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let header = lines.next().expect("a header").split(',').map(String::from).collect();
    (header, lines.map(|l| l.split(',').map(String::from).collect()).collect())
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"))
}

#[derive(Clone, Copy)]
enum Kind {
    Eligible2024,
    Recognised(&'static str, &'static str),
    Ineligible,
}

/// The registry text for the units of `units_csv`, with eligible counts from `indicators_csv`.
pub fn generate(units_csv: &str, indicators_csv: &str) -> String {
    let (uh, units) = rows(units_csv);
    let (ih, indicators) = rows(indicators_csv);
    let (u_code, u_name) = (column(&uh, "code"), column(&uh, "name_zh"));
    let (i_code, i_elig) = (column(&ih, "code"), column(&ih, "eligible_firms"));
    let mut rng = SplitMix64(SEED);
    let mut out = String::new();
    out.push_str(
        "# SYNTHETIC firm registry: NOT real firms, NOT official data. Generated deterministically by data/registry/generate.rs (seed 148); regenerate with QUOTA_BLESS=1 cargo test --test eligibility_registry.\n",
    );
    out.push_str(
        "# @provenance: synthetic | as_of 2024-07-31 | label_zh 模拟企业名录 | label_en synthetic firm registry | source data/registry/generate.rs (seed 148)\n",
    );
    out.push_str(
        "# Per unit, the firms eligible under 财建〔2024〕148号 on 2024-07-31 number exactly eligible_firms of data/indicators.csv (itself ILLUSTRATIVE); more firms are recognised on 2024-09-01 and 2025-08-01 for the later batches, and some fail one to three rules.\n",
    );
    out.push_str("# investment_wan: plan total investment in 万元; plan_areas: 新动能/新技术/新产品/一强 separated by ';'.\n");
    out.push_str(
        "id,name,unit,recognised_on,valid_until,listing,supported_2021,investment_wan,plan_areas,key_field\n",
    );
    for u in &units {
        let code = &u[u_code];
        let name = &u[u_name];
        let e: u64 = indicators
            .iter()
            .find(|r| &r[i_code] == code)
            .map(|r| r[i_elig].parse().expect("an integer count"))
            .unwrap_or_else(|| panic!("no indicators row for {code}"));
        let later = 35 * e / 100;
        let mut kinds: Vec<Kind> = Vec::new();
        kinds.extend(std::iter::repeat_n(Kind::Eligible2024, e as usize));
        kinds.extend(std::iter::repeat_n(Kind::Recognised("2024-09-01", "2027-08-31"), later as usize));
        kinds.extend(std::iter::repeat_n(Kind::Recognised("2025-08-01", "2028-07-31"), later as usize));
        kinds.extend(std::iter::repeat_n(Kind::Ineligible, (60 * e / 100 + 1) as usize));
        // Fisher–Yates shuffle.
        for i in (1..kinds.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            kinds.swap(i, j);
        }
        for (n, kind) in kinds.into_iter().enumerate() {
            out.push_str(&firm_row(&mut rng, code, name, n + 1, kind));
        }
    }
    out
}

fn eligible_investment(rng: &mut SplitMix64) -> String {
    // 2000.5 … 20000 万元; a tenth have a decimal part.
    let whole = 2001 + rng.below(18_000);
    if rng.below(10) == 0 {
        format!("{}.{}", whole - 1, 1 + rng.below(9))
    } else {
        whole.to_string()
    }
}

fn areas(rng: &mut SplitMix64) -> String {
    const ALL: [&str; 4] = ["新动能", "新技术", "新产品", "一强"];
    let mask = 1 + rng.below(15);
    (0..4).filter(|k| mask & (1 << k) != 0).map(|k| ALL[k]).collect::<Vec<_>>().join(";")
}

fn firm_row(rng: &mut SplitMix64, code: &str, unit_name: &str, n: usize, kind: Kind) -> String {
    const BATCH_DATES: [&str; 5] = ["2019-06-01", "2020-12-01", "2021-07-01", "2022-08-01", "2023-07-01"];
    const VALID: [&str; 5] = ["2025-06-30", "2026-06-30", "2026-12-31", "2027-06-30", "2027-07-31"];
    let mut recognised = rng.pick(&BATCH_DATES).to_string();
    let mut valid = rng.pick(&VALID).to_string();
    let mut listing = "none";
    let mut y2021 = "no";
    let mut investment = eligible_investment(rng);
    let mut plan = areas(rng);
    let mut key = "yes";
    match kind {
        Kind::Eligible2024 => {}
        Kind::Recognised(from, until) => {
            recognised = from.into();
            valid = until.into();
        }
        Kind::Ineligible => {
            let failures = 1 + rng.below(3);
            for _ in 0..failures {
                match rng.below(6) {
                    0 => listing = rng.pick(&["SSE", "SZSE", "BSE", "overseas"]),
                    1 => y2021 = "yes",
                    2 => {
                        investment = if rng.below(5) == 0 {
                            "2000".into()
                        } else {
                            (300 + rng.below(1700)).to_string()
                        }
                    }
                    3 => plan = String::new(),
                    4 => key = "no",
                    _ => {
                        recognised = rng.pick(&BATCH_DATES[..2]).into();
                        valid = rng.pick(&["2023-06-30", "2023-12-31", "2024-06-30"]).into();
                    }
                }
            }
        }
    }
    format!(
        "SYN-{code}-{n:05},{unit_name}合成企业{n:05},{code},{recognised},{valid},{listing},{y2021},{investment},{plan},{key}\n"
    )
}
