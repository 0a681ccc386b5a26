//! "Why does 甘肃 get 23?" in plain words, Chinese and English, from the library's
//! explanation ([`quota::explain`]): the score, the ideal quota, the bounds, the method's
//! decision ([`super::why_method`]), who is next in line and the unit's margins. Sentences
//! only; every number is the library's.

use quota::explain::derivation::Derivation;
use quota::explain::margins::{Lever, Margin};
use quota::explain::{BoundState, Explanation};
use quota::scenario::Scenario;
use serde::Serialize;

use super::why_method;

/// Paragraphs in both languages, in the same order.
#[derive(Debug, Default, Serialize)]
pub struct Words {
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

impl Words {
    pub fn say(&mut self, zh: String, en: String) {
        self.zh.push(zh);
        self.en.push(en);
    }
}

/// A percentage with `d` decimals.
pub fn pct(x: f64, d: usize) -> String {
    format!("{:.d$}%", x * 100.0)
}

/// A value with up to 7 significant digits, trailing zeros trimmed.
pub fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (7 - 1 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The unit's name in each language.
pub fn names(s: &Scenario, i: usize) -> (String, String) {
    let u = s.units().get(i);
    (u.name_zh.clone(), u.name_en.clone())
}

/// Explains unit `u` (index) of `s`, which has `slots` slots and `money` 万元.
pub fn words(s: &Scenario, ex: &Explanation, u: usize, slots: u64, money: u64) -> Words {
    let mut w = Words::default();
    let (zh, en) = names(s, u);
    let region = s.units().get(u).region;
    w.say(
        format!("{zh}（{}）获得 {slots} 个名额，奖补资金 {money} 万元。", region.name_zh()),
        format!("{en} ({}) gets {slots} slots and {money} 万元 (10k yuan).", region.name_en()),
    );
    if let Some(d) = &ex.derivation {
        score(&mut w, d);
        bounds(&mut w, d);
    }
    why_method::method(&mut w, ex, u);
    why_method::next_in_line(&mut w, s, ex, u);
    margins(&mut w, &ex.margins, slots);
    w
}

fn score(w: &mut Words, d: &Derivation) {
    let parts = |en: bool| {
        d.indicators
            .iter()
            .map(|i| {
                let name = if en { i.column.as_str() } else { i.label.as_str() };
                format!("{name} {} × {}", pct(i.normalised, 2), sig(i.weight))
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    w.say(
        format!("得分：它在各指标全国合计中的份额按权重相加，{} = {}。", parts(false), pct(d.base, 3)),
        format!("Score: its shares of the national totals, weighted: {} = {}.", parts(true), pct(d.base, 3)),
    );
    if let Some(dev) = &d.development {
        w.say(
            format!(
                "区域发展基础差异：{} 越低得分越高（它的 {} 折合全国份额 {}），以 δ = {} 计入后为 {}。",
                dev.column,
                sig(dev.raw),
                pct(dev.term, 2),
                sig(dev.weight),
                pct(d.adjusted, 3)
            ),
            format!(
                "Development term: the lower {} the more weight (its {} gives a share of {}); with δ = {} the score becomes {}.",
                dev.column,
                sig(dev.raw),
                pct(dev.term, 2),
                sig(dev.weight),
                pct(d.adjusted, 3)
            ),
        );
    }
    w.say(
        format!(
            "{}系数 {} 后得分 {}，占全国得分的 {}；理想名额 = {} × {} = {:.2}。",
            d.region.name_zh(),
            sig(d.region_factor),
            sig(d.score),
            pct(d.share, 3),
            d.total,
            pct(d.share, 3),
            d.ideal
        ),
        format!(
            "The {} multiplier {} gives a score of {}, {} of the national sum; ideal quota = {} × {} = {:.2}.",
            d.region.name_en(),
            sig(d.region_factor),
            sig(d.score),
            pct(d.share, 3),
            d.total,
            pct(d.share, 3),
            d.ideal
        ),
    );
}

fn bounds(w: &mut Words, d: &Derivation) {
    let q = d.quota.0.to_f64();
    match d.bound {
        BoundState::Free => w.say(
            format!(
                "下限 {}、上限 {} 都不约束它：被上下限固定的单位取走各自的名额后，其余单位按权重分享 {} 个名额，它的份额是 {:.3}。",
                d.floor, d.cap, d.free_slots, q
            ),
            format!(
                "Its floor {} and cap {} do not bind: once the units held at a bound have theirs, the others share {} slots by weight; its share is {:.3}.",
                d.floor, d.cap, d.free_slots, q
            ),
        ),
        BoundState::AtCap => w.say(
            format!("它的理想名额超过上限 {}（合格企业数），因此固定在 {}，多出的部分按比例分给其他单位。", d.cap, d.cap),
            format!(
                "Its ideal quota is above its cap {} (its eligible firms), so it is held at {} and the excess goes to the others in proportion.",
                d.cap, d.cap
            ),
        ),
        BoundState::AtFloor => w.say(
            format!("它的理想名额低于下限 {}，因此固定在下限 {}。", d.floor, d.floor),
            format!("Its ideal quota is below its floor {}, so it is held at {}.", d.floor, d.floor),
        ),
    }
}

fn margins(w: &mut Words, ms: &[Margin], slots: u64) {
    for m in ms {
        let value = |c: &Option<quota::explain::margins::Crossing>| c.as_ref().map(|c| c.value);
        match m.lever {
            Lever::Weight => {
                let lo = value(&m.down).map_or("0".to_string(), |v| format!("{v:.4}"));
                let hi = value(&m.up).map_or("1".to_string(), |v| format!("{v:.4}"));
                w.say(
                    format!(
                        "只要 {} 的权重保持在 {lo} 与 {hi} 之间（现为 {:.4}，其他权重按比例调整），它就保持 {slots} 个名额。",
                        m.label, m.current
                    ),
                    format!(
                        "It keeps {slots} slots while the weight of {} stays between {lo} and {hi} (now {:.4}; the other weights rescaled in proportion).",
                        m.column, m.current
                    ),
                );
            }
            Lever::Indicator | Lever::Development => {
                let side = |c: &Option<quota::explain::margins::Crossing>, zh: bool| match c {
                    Some(c) if zh => format!("到 {} 时变为 {} 个", sig(c.value), c.slots),
                    Some(c) => format!("at {} it would have {}", sig(c.value), c.slots),
                    None if zh => "在搜索范围内不变".to_string(),
                    None => "no change within the range searched".to_string(),
                };
                let label = if m.lever == Lever::Development { m.column.as_str() } else { m.label.as_str() };
                w.say(
                    format!(
                        "它的 {label}（现为 {}）：上升{}；下降{}。",
                        sig(m.current),
                        side(&m.up, true),
                        side(&m.down, true)
                    ),
                    format!(
                        "Its {} (now {}): raised, {}; lowered, {}.",
                        m.column,
                        sig(m.current),
                        side(&m.up, false),
                        side(&m.down, false)
                    ),
                );
            }
        }
    }
}
