//! The planner's settings applied to a scenario through the library: one edit of the
//! scenario file, validated once; a failure is traced back to the field it belongs to.

use quota::scenario::{MethodChoice, Scenario, ScenarioFile};
use quota::units::Region;

use super::request::{Bad, Guarantee, Settings};

/// Applies every setting in one edit of the scenario file (one validation). When that fails,
/// each setting is tried alone to find the field the message belongs to.
pub fn apply(s: &Scenario, settings: &Settings) -> Result<Scenario, Bad> {
    let edits = edits(s, settings)?;
    match s.edited(|f| edits.iter().for_each(|(_, e)| e(f))) {
        Ok(edited) => Ok(edited),
        Err(all) => {
            for (field, edit) in &edits {
                if let Err(e) = s.edited(|f| edit(f)) {
                    return Err(Bad::new(field, e));
                }
            }
            Err(Bad::new("settings", all))
        }
    }
}

type Edit = Box<dyn Fn(&mut ScenarioFile)>;

/// The settings as edits of the scenario file, each with its field; values the file cannot
/// express (a method name, a total typed as text, an unknown region) are refused here.
fn edits(s: &Scenario, st: &Settings) -> Result<Vec<(&'static str, Edit)>, Bad> {
    let mut out: Vec<(&'static str, Edit)> = Vec::new();
    let method = match &st.method {
        Some(m) => Some(quota::scenario::parse_method(m).map_err(|e| Bad::new("method", e))?),
        None => None,
    };
    if let Some(m) = method {
        out.push(("method", Box::new(move |f| f.method = m.name().to_string())));
    }
    if let Some(t) = &st.total {
        let text = match t {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(text) => text.clone(),
            other => {
                return Err(Bad::new("total", format!("the total must be a number of slots, not {other}")))
            }
        };
        let total = crate::cli::flags::total_flag(&text)
            .map_err(|e| Bad::new("total", format!("invalid value '{text}' for '--total <TOTAL>': {e}")))?;
        out.push(("total", Box::new(move |f| f.total = total)));
    }
    if let Some(ws) = st.weights.clone() {
        let columns: Vec<&str> = s.indicators().iter().map(|i| i.column.as_str()).collect();
        if let Some(unknown) = ws.keys().find(|k| !columns.contains(&k.as_str())) {
            return Err(Bad::new(
                "weights",
                format!("'{unknown}' is not an indicator of this scenario (it has: {})", columns.join(", ")),
            ));
        }
        out.push((
            "weights",
            Box::new(move |f| {
                f.indicator.iter_mut().for_each(|e| {
                    if let Some(w) = ws.get(&e.column) {
                        e.weight = *w;
                    }
                })
            }),
        ));
    }
    let disparity_off = s.file().disparity.as_ref().is_none_or(|d| !d.enabled);
    if let Some(delta) = st.development_weight {
        if disparity_off {
            return Err(Bad::new(
                "development_weight",
                s.with_development_weight(delta).err().map_or(String::new(), |e| e.to_string()),
            ));
        }
        out.push((
            "development_weight",
            Box::new(move |f| f.disparity.iter_mut().for_each(|d| d.development_weight = delta)),
        ));
    }
    if let Some(ms) = &st.region_multipliers {
        let mut parsed = Vec::new();
        for (name, &m) in ms {
            let r = name.parse::<Region>().map_err(|e| Bad::new("region_multipliers", e))?;
            if disparity_off {
                return Err(Bad::new(
                    "region_multipliers",
                    s.with_region_multiplier(r, m).err().map_or(String::new(), |e| e.to_string()),
                ));
            }
            parsed.push((r, m));
        }
        out.push((
            "region_multipliers",
            Box::new(move |f| {
                f.disparity.iter_mut().for_each(|d| {
                    for (r, m) in &parsed {
                        d.region_multipliers.retain(|key, _| key.parse::<Region>().ok() != Some(*r));
                        d.region_multipliers.insert(r.name_zh().to_string(), *m);
                    }
                })
            }),
        ));
    }
    let (floor, floors, caps) = (st.floor, st.floors.clone(), st.caps.clone());
    if floor.is_some() || floors.is_some() || caps.is_some() {
        out.push((
            "bounds",
            Box::new(move |f| {
                if let Some(x) = floor {
                    f.bounds.floor = x;
                }
                if let Some(x) = &floors {
                    f.bounds.floors.extend(x.clone());
                }
                if let Some(x) = &caps {
                    f.bounds.caps.extend(x.clone());
                }
            }),
        ));
    }
    if let Some(m) = st.merge_cities {
        out.push(("merge_cities", Box::new(move |f| f.merge_cities = m)));
    }
    if !st.guarantees.is_empty() {
        out.push(("guarantees", guarantees(s, method, &st.guarantees)?));
    }
    Ok(out)
}

/// Regional guarantees as `[[optimize.group]]` entries (appended to the scenario's own).
fn guarantees(s: &Scenario, method: Option<MethodChoice>, gs: &[Guarantee]) -> Result<Edit, Bad> {
    if method.unwrap_or(s.method()) != MethodChoice::Optimize {
        return Err(Bad::new(
            "guarantees",
            "a regional guarantee is a constraint of the optimisation model: choose method optimize",
        ));
    }
    let mut groups = Vec::new();
    for g in gs {
        let mut names = Vec::new();
        for r in &g.regions {
            names.push(r.parse::<Region>().map_err(|e| Bad::new("guarantees", e))?.name_zh().to_string());
        }
        if names.is_empty() {
            return Err(Bad::new("guarantees", "a guarantee needs at least one region"));
        }
        let mut t = toml::Table::new();
        t.insert("name".into(), format!("{} ≥ {:.2}%", names.join("+"), g.min_share * 100.0).into());
        t.insert("regions".into(), toml::Value::Array(names.into_iter().map(toml::Value::String).collect()));
        t.insert("min_share".into(), g.min_share.into());
        groups.push(toml::Value::Table(t));
    }
    Ok(Box::new(move |f| {
        let table = f.optimize.get_or_insert_with(toml::Table::new);
        let entry = table.entry("group").or_insert_with(|| toml::Value::Array(Vec::new()));
        if let toml::Value::Array(list) = entry {
            list.extend(groups.iter().cloned());
        }
    }))
}
