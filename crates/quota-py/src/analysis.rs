//! `quota weights` and `quota calibrate` from Python: the same library calls as the commands
//! (`quota::weighting::weigh`, `quota::calibrate::calibrate`), their JSON documents back.
//! Tables come in as text (a file read by Python, or a DataFrame written as CSV) with the
//! label that error messages name.

use pyo3::prelude::*;

use quota::apportion::Method;
use quota::calibrate::{calibrate, Bounds, CalibrateError, CalibrateSpec};
use quota::error::Location;
use quota::input::CsvTable;
use quota::observed::ObservedAllocation;
use quota::render;
use quota::weighting::{
    parse_ahp_csv, parse_ahp_toml, scenario_weights, weigh, AhpMethod, DeriveOptions, IndicatorMatrix,
    PcaKeep, Scheme, WeightingError, WeightsInput,
};

use super::{bad, fault, PyScenario};

/// Bad input → ValueError, an internal fault (a non-converging iteration) → RuntimeError.
fn weighting_error(e: WeightingError) -> PyErr {
    if e.is_bad_input() {
        bad(e)
    } else {
        fault(e)
    }
}

/// A table's text (CSV, or TOML for AHP judgements) and where it came from: `(text, label)`.
#[derive(FromPyObject)]
pub struct Table(String, String);

impl Table {
    fn text(&self) -> &str {
        &self.0
    }

    fn label(&self) -> &str {
        &self.1
    }
}

/// `quota weights --format json`: weights derived by `scheme` from the scenario's indicators
/// (`scenario`, its weights being the `manual` ones) or from `table` (CSV: `unit_column` names
/// the units, `indicators` picks the columns, default every numeric one), or — AHP without
/// either — from the judgements `ahp` alone (`ahp_toml`: the matrix is TOML, else CSV).
#[pyfunction]
#[pyo3(signature = (scheme, scenario=None, table=None, unit_column="code", indicators=vec![], ahp=None,
                    ahp_toml=false, ahp_method="eigenvector", allow_inconsistent=false, pca_components="kaiser"))]
#[allow(clippy::too_many_arguments)]
pub fn weights_json(
    py: Python<'_>,
    scheme: &str,
    scenario: Option<&PyScenario>,
    table: Option<Table>,
    unit_column: &str,
    indicators: Vec<String>,
    ahp: Option<Table>,
    ahp_toml: bool,
    ahp_method: &str,
    allow_inconsistent: bool,
    pca_components: &str,
) -> PyResult<String> {
    let scheme: Scheme = scheme.parse().map_err(bad)?;
    let ahp_method: AhpMethod = ahp_method.parse().map_err(bad)?;
    let pca_keep: PcaKeep = pca_components.parse().map_err(bad)?;
    let judgements = ahp
        .as_ref()
        .map(|t| {
            let at = Location::file(t.label());
            if ahp_toml { parse_ahp_toml(t.text(), at) } else { parse_ahp_csv(t.text(), at) }
                .map_err(weighting_error)
        })
        .transpose()?;
    let mut options =
        DeriveOptions { manual: None, ahp: judgements, ahp_method, allow_inconsistent, pca_keep };
    let source = match (scenario, table, &ahp) {
        (Some(_), Some(_), _) => return Err(bad("give a scenario or an indicator table, not both")),
        (None, Some(t), _) => {
            let csv = CsvTable::parse(t.text(), Location::file(t.label())).map_err(bad)?;
            let matrix =
                IndicatorMatrix::from_csv(&csv, unit_column, &indicators).map_err(weighting_error)?;
            WeightsInput::Indicators { matrix, source: t.label().to_string() }
        }
        (None, None, Some(j)) if scheme == Scheme::Ahp => {
            WeightsInput::Judgements { source: j.label().to_string() }
        }
        (s, None, _) => {
            if !indicators.is_empty() {
                return Err(bad(
                    "indicators applies to a table; a scenario's indicators are its [[indicator]] columns",
                ));
            }
            let bundled;
            let s = match s {
                Some(s) => s,
                None => {
                    bundled = PyScenario::bundled()?;
                    &bundled
                }
            };
            let matrix = IndicatorMatrix::of_scenario(&s.s).map_err(weighting_error)?;
            options.manual = Some(scenario_weights(&s.s));
            let source =
                format!("{} (indicators: {})", s.inputs.scenario.label, s.inputs.indicators_source.label);
            WeightsInput::Indicators { matrix, source }
        }
    };
    py.allow_threads(|| {
        let report = weigh(scheme, source, &options).map_err(weighting_error)?;
        render::weights::render(&report, render::Format::Json).map_err(fault)
    })
}

/// `quota calibrate --format json`: which weightings (and methods) of `scenario` reproduce the
/// observed allocation `observed` (its file's text). `methods`: names, or `all`; `free`: the
/// indicator columns whose weights move (default all); `development`: (lo, hi) to let the
/// development weight move; `bounds`: `scenario` or `none`.
#[pyfunction]
#[pyo3(signature = (scenario, observed, methods=vec![], free=vec![], development=None, bounds="scenario",
                    total=None, grid=quota::calibrate::DEFAULT_GRID_POINTS))]
#[allow(clippy::too_many_arguments)]
pub fn calibrate_json(
    py: Python<'_>,
    scenario: &PyScenario,
    observed: Table,
    methods: Vec<String>,
    free: Vec<String>,
    development: Option<(f64, f64)>,
    bounds: &str,
    total: Option<u64>,
    grid: usize,
) -> PyResult<String> {
    let at = Location::file(observed.label());
    let obs = ObservedAllocation::parse(observed.text(), at.clone()).map_err(bad)?;
    let slots = obs.resolve(scenario.s.units(), &at).map_err(bad)?;
    let bounds = match bounds {
        "scenario" => Bounds::Scenario,
        "none" => Bounds::None,
        other => return Err(bad(format!("bounds: '{other}' is not one of scenario, none"))),
    };
    let mut chosen: Vec<Method> = Vec::new();
    for name in methods.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let named = if name.eq_ignore_ascii_case("all") {
            Method::ALL.to_vec()
        } else {
            vec![name.parse::<Method>().map_err(|e| bad(format!("methods: {e} (or 'all')")))?]
        };
        for m in named {
            if !chosen.contains(&m) {
                chosen.push(m);
            }
        }
    }
    let spec = CalibrateSpec {
        methods: chosen,
        free: free.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect(),
        development,
        bounds,
        total,
        grid_points: grid,
    };
    py.allow_threads(|| {
        let result = calibrate(&scenario.s, &obs, &slots, &spec).map_err(|e| match &e {
            // Name what is at fault: the argument, or the observed file.
            CalibrateError::Spec { field, .. } => {
                let at = match *field {
                    "free" | "development" | "methods" | "bounds" => field,
                    "total" if total.is_some() => "total",
                    _ => observed.label(),
                };
                bad(format!("{at}: {e}"))
            }
            _ => fault(e),
        })?;
        render::calibrate::render(&result, render::Format::Json).map_err(fault)
    })
}
