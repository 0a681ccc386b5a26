//! `quota._native`: the quota library for Python. Every function is one library call and a
//! conversion: scenarios are loaded and edited by `quota::scenario`, allocated by
//! `quota::allocate`, swept by `quota::sweep` (whole, sharded or merged), explained by
//! `quota::explain`; results cross as the library's JSON documents (`render::json`) or numpy
//! arrays. Bad input raises `ValueError` with the command line's message. The Python package
//! (`python/quota`) turns the documents into pandas objects.

mod analysis;

use std::path::PathBuf;
use std::sync::Arc;

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray2};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;

use quota::allocate::{allocate, AllocationReport, InputLabels};
use quota::apportion::{apportion as apportion_exact, Method, Problem};
use quota::explain::{explain, ExplainOptions, UnitRef};
use quota::render;
use quota::scenario::{self as sc, Inputs, Overrides, Scenario, Source};
use quota::stamp::Stamp;
use quota::sweep::eval::Columns;
use quota::sweep::{self, Evaluator, Hooks, Partial, Rule, Shard, Space, SweepSpec};

fn bad<E: std::fmt::Display>(e: E) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn fault<E: std::fmt::Display>(e: E) -> PyErr {
    PyRuntimeError::new_err(e.to_string())
}

/// A validated scenario and the inputs it was read from (for its stamp). `weights_edited`:
/// weights were set from Python, which the stamp (of the scenario file, total, method and
/// city merge) does not cover.
#[pyclass(frozen, module = "quota._native", name = "Scenario")]
struct PyScenario {
    s: Scenario,
    inputs: Arc<Inputs>,
    weights_edited: bool,
}

impl PyScenario {
    fn load(source: Source) -> PyResult<PyScenario> {
        let (s, inputs) = sc::load(source, &Overrides::default()).map_err(bad)?;
        Ok(PyScenario { s, inputs: Arc::new(inputs), weights_edited: false })
    }

    fn edited(&self, s: Scenario, weights: bool) -> PyScenario {
        PyScenario { s, inputs: self.inputs.clone(), weights_edited: self.weights_edited || weights }
    }

    fn stamp_value(&self) -> PyResult<Stamp> {
        Stamp::of_inputs(&self.s, &self.inputs).map_err(bad)
    }

    /// The stamp line of a run (with the seed of a random sweep), None when weights were
    /// edited from Python.
    fn stamp_line(&self, spec: Option<&SweepSpec>) -> PyResult<Option<String>> {
        Ok(self.stamp_of_run(spec)?.map(|s| s.line()))
    }

    /// The stamp of a run (as [`Self::stamp_line`]), as the object every JSON document carries.
    fn stamp_of_run(&self, spec: Option<&SweepSpec>) -> PyResult<Option<Stamp>> {
        if self.weights_edited {
            return Ok(None);
        }
        let mut stamp = self.stamp_value()?;
        if let Some(seed) = spec.and_then(|sp| sp.seed(&self.s)) {
            stamp.seed = Some(seed);
        }
        Ok(Some(stamp))
    }
}

fn spec_of(json: &str) -> PyResult<SweepSpec> {
    serde_json::from_str(json).map_err(|e| bad(format!("sweep specification: {e}")))
}

#[pymethods]
impl PyScenario {
    /// The bundled 2024 first-batch scenario.
    #[staticmethod]
    fn bundled() -> PyResult<PyScenario> {
        PyScenario::load(Source::bundled_scenario())
    }

    /// A scenario file (TOML) and the data files it names.
    #[staticmethod]
    fn from_toml(path: PathBuf) -> PyResult<PyScenario> {
        PyScenario::load(Source::file(&path).map_err(bad)?)
    }

    /// Scenario TOML text (the bundled units and indicators are used).
    #[staticmethod]
    fn from_toml_text(text: &str, label: &str) -> PyResult<PyScenario> {
        PyScenario::load(Source::text(label, text))
    }

    fn with_weights(&self, weights: Vec<f64>) -> PyResult<PyScenario> {
        Ok(self.edited(self.s.with_weights(&weights).map_err(bad)?, true))
    }

    fn with_weight(&self, column: &str, weight: f64) -> PyResult<PyScenario> {
        Ok(self.edited(self.s.with_weight(column, weight).map_err(bad)?, true))
    }

    fn with_total(&self, total: u64) -> PyResult<PyScenario> {
        Ok(self.edited(self.s.with_total(total).map_err(bad)?, false))
    }

    fn with_method(&self, method: &str) -> PyResult<PyScenario> {
        let m = sc::parse_method(method).map_err(bad)?;
        Ok(self.edited(self.s.with_method(m).map_err(bad)?, false))
    }

    fn with_merged_cities(&self, merge: bool) -> PyResult<PyScenario> {
        Ok(self.edited(self.s.with_merged_cities(merge).map_err(bad)?, false))
    }

    #[getter]
    fn name(&self) -> String {
        self.s.name().to_string()
    }

    #[getter]
    fn total(&self) -> u64 {
        self.s.total()
    }

    #[getter]
    fn method(&self) -> String {
        self.s.method().name().to_string()
    }

    /// `(column, weight)` per indicator, in scenario order.
    #[getter]
    fn weights(&self) -> Vec<(String, f64)> {
        self.s.indicators().iter().map(|i| (i.column.clone(), i.weight)).collect()
    }

    /// Unit codes, in unit order.
    #[getter]
    fn units(&self) -> Vec<String> {
        self.s.units().as_slice().iter().map(|u| u.code.clone()).collect()
    }

    /// The stamp line of an allocation (None when weights were edited from Python).
    fn stamp(&self) -> PyResult<Option<String>> {
        self.stamp_line(None)
    }

    /// `quota allocate --format json`: the published allocation document.
    fn allocate_json(&self, py: Python<'_>) -> PyResult<String> {
        py.allow_threads(|| {
            let allocation = allocate(&self.s).map_err(bad)?;
            let report = AllocationReport::new(
                &self.s,
                allocation,
                self.stamp_value()?,
                InputLabels::of(&self.inputs),
            );
            render::allocate::render(&report, render::Format::Json).map_err(fault)
        })
    }

    /// Slots of every unit for each row of `weights` (k × m, m = the scenario's indicators;
    /// the disparity parameters stay the scenario's): a k × units int32 array, -1 where the
    /// optimisation model has no feasible allocation. Rows are evaluated in parallel with the
    /// GIL released, each chunk in the sweeps' locality order; results come back in input order.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        weights: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<i32>>> {
        let w = weights.as_array().to_owned();
        let m = self.s.indicators().len();
        if w.ncols() != m {
            return Err(bad(format!("weights: {} columns, but the scenario has {m} indicators", w.ncols())));
        }
        if let Some(x) = w.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
            return Err(bad(format!("weights: every weight must be a finite number ≥ 0, got {x}")));
        }
        let s = &self.s;
        let out = py.allow_threads(|| -> PyResult<Array2<i32>> {
            let rule = Rule::of(s);
            let space = Space::new(s);
            let ev = Evaluator::new(s, &rule, &space.base).map_err(bad)?;
            let units = ev.units();
            let rows = w.nrows();
            let mut out = vec![0i32; rows * units];
            const CHUNK: usize = sweep::run::CHUNK as usize;
            out.par_chunks_mut(CHUNK * units).enumerate().for_each_init(
                || ev.workspace(&space.base),
                |ws, (c, block)| {
                    let lo = c * CHUNK;
                    let n = block.len() / units;
                    let mut order: Vec<(u64, usize)> = (0..n)
                        .map(|j| {
                            ws.params.weights.copy_from_slice(w.row(lo + j).as_slice().expect("contiguous"));
                            (ws.params.locality_key(), j)
                        })
                        .collect();
                    order.sort_unstable();
                    for (_, j) in order {
                        ws.params.weights.copy_from_slice(w.row(lo + j).as_slice().expect("contiguous"));
                        let dst = &mut block[j * units..(j + 1) * units];
                        if ev.evaluate(ws, Columns::Scenario) {
                            for (d, &x) in dst.iter_mut().zip(&ws.slots) {
                                *d = x as i32;
                            }
                        } else {
                            dst.fill(-1);
                        }
                    }
                },
            );
            Array2::from_shape_vec((rows, units), out).map_err(fault)
        })?;
        Ok(out.into_pyarray(py))
    }

    /// A whole sweep: the `quota.sweep/1` document (with the stamp). `spec` is the
    /// specification as JSON (`{"design": "grid" | "oat" | "monte-carlo" | "sobol", …}`).
    #[pyo3(signature = (spec, threads=None))]
    fn sweep_json(&self, py: Python<'_>, spec: &str, threads: Option<usize>) -> PyResult<String> {
        let spec = spec_of(spec)?;
        let stamp = self.stamp_of_run(Some(&spec))?;
        py.allow_threads(|| {
            let mut study =
                pool(threads)?.install(|| sweep::study(&self.s, &spec, Hooks::default())).map_err(bad)?;
            study.stamp = stamp;
            render::json("sweep", &study).map_err(fault)
        })
    }

    /// Shard `index` of `count` (from 1) of a sweep: its partial (`quota.sweep-partial/1`).
    #[pyo3(signature = (spec, index, count, threads=None))]
    fn shard_json(
        &self,
        py: Python<'_>,
        spec: &str,
        index: u64,
        count: u64,
        threads: Option<usize>,
    ) -> PyResult<String> {
        let spec = spec_of(spec)?;
        let shard = Shard::new(index, count).map_err(bad)?;
        let stamp = self.stamp_line(Some(&spec))?;
        py.allow_threads(|| {
            let mut p = pool(threads)?
                .install(|| sweep::shard(&self.s, &spec, shard, Hooks::default()))
                .map_err(bad)?;
            p.stamp = stamp;
            p.to_json().map_err(fault)
        })
    }

    /// Merges partials (JSON texts, any order) of one sweep of this scenario into the
    /// `quota.sweep/1` document the unsharded sweep gives.
    #[pyo3(signature = (partials, threads=None))]
    fn merge_json(&self, py: Python<'_>, partials: Vec<String>, threads: Option<usize>) -> PyResult<String> {
        let parsed = partials
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let label = format!("partial {}", i + 1);
                Partial::from_json(&label, t).map(|p| (label, p))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(bad)?;
        let spec = parsed.first().map(|(_, p)| p.spec.clone());
        let stamp = self.stamp_of_run(spec.as_ref())?;
        let line = stamp.as_ref().map(Stamp::line);
        py.allow_threads(|| {
            let mut study =
                pool(threads)?.install(|| sweep::merge(&self.s, parsed, line.as_deref())).map_err(bad)?;
            study.stamp = stamp;
            render::json("sweep", &study).map_err(fault)
        })
    }

    /// `quota explain --format json`, optionally for one unit (code or name).
    #[pyo3(signature = (unit=None, paradoxes=false))]
    fn explain_json(&self, py: Python<'_>, unit: Option<String>, paradoxes: bool) -> PyResult<String> {
        let opts = ExplainOptions {
            margins: unit.is_some(),
            unit: unit.map(UnitRef::Key),
            paradoxes,
            ..ExplainOptions::default()
        };
        py.allow_threads(|| {
            let ex = explain(&self.s, &opts).map_err(bad)?;
            render::json("explain", &ex).map_err(fault)
        })
    }
}

fn pool(threads: Option<usize>) -> PyResult<rayon::ThreadPool> {
    sweep::check_threads(threads).map_err(bad)?;
    rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build().map_err(fault)
}

/// Exact apportionment of `seats` by `weights` (whole numbers, e.g. votes), with optional
/// floors and caps: `(seats per party, ties that decided a seat)`.
#[pyfunction]
#[pyo3(signature = (weights, seats, method="hamilton", min=None, max=None))]
fn apportion(
    weights: Vec<u64>,
    seats: u64,
    method: &str,
    min: Option<Vec<u64>>,
    max: Option<Vec<u64>>,
) -> PyResult<(Vec<u64>, usize)> {
    let method: Method = method.parse().map_err(|_| match sc::parse_method(method) {
        Err(e) => bad(e),
        Ok(_) => bad(format!("method '{method}' is not an apportionment method")),
    })?;
    let n = weights.len();
    let lower = min.unwrap_or_else(|| vec![0; n]);
    let upper = max.unwrap_or_else(|| vec![seats; n]);
    if lower.len() != n || upper.len() != n {
        return Err(bad(format!(
            "min and max must have one entry per weight ({n}), got {} and {}",
            lower.len(),
            upper.len()
        )));
    }
    let problem =
        Problem::with_bounds(weights, lower, upper, seats, &|i| format!("row {}", i + 1)).map_err(bad)?;
    let r = apportion_exact(&problem, method);
    Ok((r.seats, r.ties.len()))
}

/// A table file as the commands read it (CSV in any supported encoding and separator, or an
/// .xlsx/.ods sheet as CSV): `(text, label)`.
#[pyfunction]
fn read_table(path: PathBuf) -> PyResult<(String, String)> {
    sc::read_input(&path).map_err(bad)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScenario>()?;
    m.add_function(wrap_pyfunction!(apportion, m)?)?;
    m.add_function(wrap_pyfunction!(read_table, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::weights_json, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::calibrate_json, m)?)?;
    m.add("PARTIAL_SCHEMA", sweep::PARTIAL_SCHEMA)?;
    Ok(())
}
