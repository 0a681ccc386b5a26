//! The method's decision for one unit, and who is next in line, in plain words (see
//! [`super::why`]).

use quota::explain::next::{HouseChange, NextInLine};
use quota::explain::trail::MethodTrail;
use quota::explain::Explanation;
use quota::scenario::Scenario;

use super::why::{names, Words};

/// How the method turned the unit's quota into slots.
pub fn method(w: &mut Words, ex: &Explanation, u: usize) {
    if let Some(o) = &ex.optimizer {
        let me = &o.units[u];
        let binding = if o.binding.is_empty() { "—".to_string() } else { o.binding.join("; ") };
        w.say(
            format!(
                "优化模型（目标 {}）：在所有约束下取最接近理想名额的整数分配。它的理想名额 {:.3}，得到 {}（不加附加约束时为 {}）。起作用的约束：{binding}。",
                o.objective,
                me.ideal_used,
                me.slots,
                me.without_side
            ),
            format!(
                "Optimisation model (objective {}): the integer allocation closest to the ideal quotas under every constraint. Its ideal quota is {:.3}; it gets {} ({} without the side constraints). Binding constraints: {binding}.",
                o.objective, me.ideal_used, me.slots, me.without_side
            ),
        );
        return;
    }
    let Some(t) = &ex.trail else { return };
    let q = t.units[u].quota.0.to_f64();
    let seats = t.units[u].seats;
    match &t.steps {
        MethodTrail::LargestRemainder(h) => {
            let rank = h.ranking.iter().position(|&i| i == u).map(|r| r + 1);
            let last = h.last_in.map_or(0.0, |x| x.0.to_f64());
            let (zh, en) = match rank {
                Some(r) if (r as u64) <= h.left => (
                    format!("余数排第 {r}，不低于最后一个得到名额的余数 {last:.3}，因此多得 1 个"),
                    format!("its remainder ranks {r}, at or above the last remainder served ({last:.3}), so it gets one more"),
                ),
                Some(r) => (
                    format!("余数排第 {r}，低于最后一个得到名额的余数 {last:.3}，因此没有多得"),
                    format!("its remainder ranks {r}, below the last remainder served ({last:.3}), so it gets none more"),
                ),
                None => ("没有余数".to_string(), "it has no remainder".to_string()),
            };
            w.say(
                format!(
                    "最大余额法（Hamilton）：每个单位先得到份额 {q:.3} 的整数部分 {}；剩下的 {} 个名额按余数从大到小分配。它的{zh}，共 {seats} 个。",
                    h.whole[u], h.left
                ),
                format!(
                    "Largest remainders (Hamilton): every unit first gets the whole part of its share — {} of {q:.3}; the {} slots left go to the largest remainders. {}: {seats} in all.",
                    h.whole[u],
                    h.left,
                    capitalise(&en)
                ),
            );
        }
        MethodTrail::Divisor(d) => w.say(
            format!(
                "除数法（{}，除数 {}）：找一个全国通用的除数 D ≈ {:.4}，每个单位的权重除以 D 得 {:.3}，按该方法的取整规则（在上下限之内）得 {seats} 个。",
                t.method, d.divisors, d.divisor_approx, d.quotients_approx[u]
            ),
            format!(
                "Divisor method ({}, divisors {}): one national divisor D ≈ {:.4}; its weight divided by D is {:.3}, which the method rounds (within its floor and cap) to {seats}.",
                t.method, d.divisors, d.divisor_approx, d.quotients_approx[u]
            ),
        ),
        MethodTrail::Sequential(qt) => {
            let won = qt.steps.iter().filter(|st| st.unit == u).count();
            w.say(
                format!(
                    "配额法（Balinski–Young）：名额一个一个地分配，每次给 Jefferson 优先级最高、且不超过上配额的单位。它在下限之后赢得 {won} 个，共 {seats} 个（份额 {q:.3}）。"
                ),
                format!(
                    "Quota method (Balinski–Young): slots are given one at a time to the highest Jefferson priority among units not above their upper quota. It won {won} after its floor, {seats} in all (share {q:.3})."
                ),
            );
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The first total (growing or shrinking) at which the unit's slots change.
fn first_change(list: &[HouseChange], u: usize) -> Option<(u64, u64, u64)> {
    list.iter().find_map(|h| {
        h.gains.iter().chain(&h.losses).find(|c| c.unit == u).map(|c| (h.to_total, c.from, c.to))
    })
}

/// Who is next in line, and when the unit itself would move.
pub fn next_in_line(w: &mut Words, s: &Scenario, ex: &Explanation, u: usize) {
    match &ex.next_in_line {
        NextInLine::Priorities { next, .. } => {
            if let Some(c) = next.first() {
                let (zh, en) = names(s, c.unit);
                w.say(
                    format!("若总数增加 1 个（第 {} 个），它归 {zh}（其第 {} 个）。", c.house, c.unit_slot),
                    format!(
                        "If the total grew by one (slot {}), it would go to {en} (its slot {}).",
                        c.house, c.unit_slot
                    ),
                );
            }
            if let Some(p) = &ex.position {
                match p.next_rank {
                    Some(r) => w.say(
                        format!("它自己的下一个名额排在全国第 {} 个（总数 + {r}）。", ex.total + r),
                        format!("Its own next slot would be national slot {} (total + {r}).", ex.total + r),
                    ),
                    None => w.say("它已到上限。".into(), "It is at its cap.".into()),
                }
            }
        }
        NextInLine::Reruns { grow, shrink, .. } => {
            let say = |c: Option<(u64, u64, u64)>, up: bool| match c {
                Some((total, from, to)) => (
                    format!(
                        "总数{}到 {total} 时，它从 {from} 变为 {to} 个。",
                        if up { "增加" } else { "减少" }
                    ),
                    format!(
                        "If the total {} to {total}, it would go from {from} to {to}.",
                        if up { "grew" } else { "shrank" }
                    ),
                ),
                None => (
                    format!(
                        "总数{} {} 个以内，它的名额不变。",
                        if up { "增加" } else { "减少" },
                        grow.len().max(shrink.len())
                    ),
                    format!(
                        "If the total {} by up to {}, its slots would not change.",
                        if up { "grew" } else { "shrank" },
                        grow.len().max(shrink.len())
                    ),
                ),
            };
            let (gz, ge) = say(first_change(grow, u), true);
            let (sz, se) = say(first_change(shrink, u), false);
            w.say(format!("{gz}{sz}"), format!("{ge} {se}"));
        }
    }
}
