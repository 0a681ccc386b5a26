//! Groups of flags shared by several subcommands, declared once and flattened into each
//! subcommand's arguments (`#[command(flatten)]`), so the flags keep one name, one meaning
//! and one help text everywhere.

use std::path::PathBuf;

use quota::scenario::MethodChoice;
use quota::weighting::{AhpMethod, PcaKeep};

use super::load::Overrides;
use super::{input, Failure};

/// The scenario overrides: `--method`, `--total`, `--merge-cities`.
#[derive(Debug, Clone, clap::Args)]
pub struct OverrideFlags {
    /// Apportionment method (overrides the scenario): hamilton, jefferson, webster,
    /// huntington-hill, adams, dean, modified-webster, quota, or optimize; aliases such as
    /// dhondt, sainte-lague, hill, largest-remainder are accepted.
    #[arg(long, short, value_parser = method_flag)]
    pub method: Option<MethodChoice>,
    /// National total (overrides the scenario).
    #[arg(long, short = 'n', value_parser = total_flag)]
    pub total: Option<u64>,
    /// Merge the five 计划单列市 into their provinces (32 units).
    #[arg(long)]
    pub merge_cities: bool,
}

impl OverrideFlags {
    /// The overrides to apply when loading the scenario.
    pub fn overrides(&self) -> Overrides {
        Overrides { method: self.method, total: self.total, merge_cities: self.merge_cities }
    }

    /// The flags given, by name (for commands or modes they do not apply to).
    pub fn given(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        if self.method.is_some() {
            given.push("--method");
        }
        if self.total.is_some() {
            given.push("--total");
        }
        if self.merge_cities {
            given.push("--merge-cities");
        }
        given
    }
}

/// Parses `--method`: the error names the flag and lists the methods (clap adds the flag).
pub fn method_flag(text: &str) -> Result<MethodChoice, String> {
    quota::scenario::parse_method(text)
}

/// Parses `--total`: a whole number of slots, at least 1.
pub fn total_flag(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("the total must be at least 1 slot".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{text}' is not a whole number of slots")),
    }
}

/// The options of the AHP and PCA weighting methods: `--ahp`, `--ahp-method`,
/// `--allow-inconsistent`, `--pca-components`.
#[derive(Debug, Clone, clap::Args)]
pub struct WeightingFlags {
    /// Pairwise-comparison matrix for the AHP weights (.csv or .toml; Saaty's 1–9 scale).
    #[arg(long)]
    pub ahp: Option<PathBuf>,
    /// How AHP turns the matrix into weights: eigenvector (Saaty) or geometric-mean (row
    /// geometric means).
    #[arg(long, default_value = "eigenvector")]
    pub ahp_method: String,
    /// Use AHP judgements whose consistency ratio exceeds 0.1 (with a warning) instead of
    /// refusing them.
    #[arg(long)]
    pub allow_inconsistent: bool,
    /// Principal components kept by the PCA weights: kaiser (eigenvalue > 1), a count K, or variance:S
    /// (e.g. variance:0.85).
    #[arg(long, default_value = "kaiser")]
    pub pca_components: String,
}

impl WeightingFlags {
    /// `--ahp-method` and `--pca-components`, parsed.
    pub fn parse(&self) -> Result<(AhpMethod, PcaKeep), Failure> {
        let ahp_method = self.ahp_method.parse::<AhpMethod>().map_err(input)?;
        let pca_keep = self.pca_components.parse::<PcaKeep>().map_err(input)?;
        Ok((ahp_method, pca_keep))
    }
}

/// Parses `--columns ROLE=COLUMN,…` (e.g. `name=省份,weight=权重`) into (role, column) pairs.
pub fn columns(items: &[String]) -> Result<Vec<(String, String)>, Failure> {
    items
        .iter()
        .filter(|i| !i.trim().is_empty())
        .map(|item| {
            let (role, column) = item.split_once('=').ok_or_else(|| {
                input(anyhow::anyhow!("--columns '{item}': expected ROLE=COLUMN, e.g. name=省份,weight=权重"))
            })?;
            Ok((role.trim().to_string(), column.trim().to_string()))
        })
        .collect()
}
