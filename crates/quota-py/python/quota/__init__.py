"""quota from Python: exact apportionment of China's 专精特新 小巨人 quota.

A thin layer over the Rust library (``quota._native``, pyo3): every number comes from the
library; this package turns its JSON documents into pandas objects. Bad input raises
``ValueError`` with the command line's message.

    >>> import quota
    >>> quota.Scenario.bundled().allocate().head()
"""

from __future__ import annotations

import json
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd

from . import _native

__all__ = ["Scenario", "Sweep", "Weights", "Calibration", "apportion", "compute", "grid", "oat", "monte_carlo",
           "sobol", "weights", "calibrate"]

PARTIAL_SCHEMA = _native.PARTIAL_SCHEMA


class Scenario:
    """A validated scenario (immutable: ``with_*`` return a new one)."""

    def __init__(self, native, edits=()):
        self._s = native
        self._edits = tuple(edits)

    @classmethod
    def bundled(cls) -> "Scenario":
        return cls(_native.Scenario.bundled())

    @classmethod
    def from_toml(cls, path) -> "Scenario":
        return cls(_native.Scenario.from_toml(str(path)))

    @classmethod
    def from_toml_text(cls, text: str, label: str = "<text>") -> "Scenario":
        return cls(_native.Scenario.from_toml_text(text, label))

    def _edit(self, native, what):
        return Scenario(native, self._edits + (what,))

    def with_weights(self, weights) -> "Scenario":
        """Indicator weights, as a sequence in scenario order or a {column: weight} mapping."""
        if isinstance(weights, dict):
            s = self
            for column, w in weights.items():
                s = s._edit(s._s.with_weight(column, float(w)), f"with_weight({column!r}, {w})")
            return s
        ws = [float(w) for w in weights]
        return self._edit(self._s.with_weights(ws), f"with_weights({ws})")

    def with_total(self, total: int) -> "Scenario":
        return self._edit(self._s.with_total(int(total)), f"with_total({total})")

    def with_method(self, method: str) -> "Scenario":
        return self._edit(self._s.with_method(method), f"with_method({method!r})")

    def with_merged_cities(self, merge: bool = True) -> "Scenario":
        return self._edit(self._s.with_merged_cities(bool(merge)), f"with_merged_cities({merge})")

    name = property(lambda self: self._s.name)
    total = property(lambda self: self._s.total)
    method = property(lambda self: self._s.method)
    units = property(lambda self: self._s.units)
    weights = property(lambda self: dict(self._s.weights))

    def stamp(self) -> Optional[str]:
        """The reproducibility stamp (None once weights were set from Python: the stamp covers
        the scenario file, total, method and city merge, not weights edited here)."""
        return self._s.stamp()

    def allocate(self, method: Optional[str] = None) -> pd.DataFrame:
        """``quota allocate``: one row per unit; the stamp, inputs and totals in ``.attrs``."""
        s = self.with_method(method) if method else self
        doc = json.loads(s._s.allocate_json())
        df = pd.json_normalize(doc["units"], sep=".")
        df.attrs.update({k: v for k, v in doc.items() if k != "units"})
        df.attrs["stamp"] = s.stamp()
        df.attrs["edits"] = list(s._edits)
        return df

    def evaluate(self, weights) -> np.ndarray:
        """Slots (k × units, int32; -1 where infeasible) for each row of a k × m array of
        indicator weights, in parallel with the GIL released; rows in input order."""
        w = np.ascontiguousarray(np.asarray(weights, dtype=np.float64))
        if w.ndim != 2:
            raise ValueError(f"weights: expected a 2-D array (k × {len(self.weights)}), got {w.ndim}-D")
        return self._s.evaluate(w)

    def explain(self, unit: Optional[str] = None, paradoxes: bool = False) -> dict:
        """``quota explain --format json`` as a dict."""
        return json.loads(self._s.explain_json(unit, paradoxes))

    def sweep(self, spec: dict, threads: Optional[int] = None) -> "Sweep":
        """A whole sweep; ``spec`` as built by :func:`grid`, :func:`oat`, :func:`monte_carlo`,
        :func:`sobol`."""
        return Sweep(json.loads(self._s.sweep_json(json.dumps(spec), threads)))

    def grid(self, **kw) -> "Sweep":
        return self.sweep(grid(**kw))

    def oat(self, **kw) -> "Sweep":
        return self.sweep(oat(**kw))

    def monte_carlo(self, **kw) -> "Sweep":
        return self.sweep(monte_carlo(**kw))

    def sobol(self, **kw) -> "Sweep":
        return self.sweep(sobol(**kw))

    def shard(self, spec: dict, index: int, count: int, threads: Optional[int] = None) -> str:
        """Shard ``index`` of ``count`` (from 1): its partial, a ``quota.sweep-partial/1`` text."""
        return self._s.shard_json(json.dumps(spec), int(index), int(count), threads)

    def merge(self, partials: Iterable[str], threads: Optional[int] = None) -> "Sweep":
        """The sweep the partials of one split add up to (identical to the unsharded run)."""
        return Sweep(json.loads(self._s.merge_json(list(partials), threads)))

    def weights_by(self, scheme: str, **kw) -> "Weights":
        """``quota weights --scheme SCHEME`` on this scenario's indicators (see :func:`weights`)."""
        return weights(scheme, self, **kw)

    def calibrate(self, observed, **kw) -> "Calibration":
        """``quota calibrate --observed FILE`` on this scenario (see :func:`calibrate`)."""
        return calibrate(observed, self, **kw)

    def _repr_html_(self):
        w = ", ".join(f"{k} {v:g}" for k, v in self.weights.items())
        return f"<b>scenario {self.name}</b>: {self.total} slots, method {self.method}, weights {w}"

    def __repr__(self):
        return f"<quota.Scenario {self.name!r}: {self.total} slots, {self.method}>"


def _vary(vary):
    return [{"factor": f, "lo": float(lo), "hi": float(hi)} for f, (lo, hi) in (vary or {}).items()]


def grid(step=0.05, limit=200_000_000, vary=None, paradoxes=False, simplex_map=True, map_unit=None) -> dict:
    """The grid design (the library's defaults); ``vary`` = {name: (lo, hi)}."""
    return {"design": "grid", "step": step, "limit": limit, "vary": _vary(vary), "paradoxes": paradoxes,
            "simplex_map": simplex_map, "map_unit": map_unit}


def oat(factors: Sequence[str] = (), range=None, vary=None) -> dict:
    return {"design": "oat", "factors": list(factors), "range": list(range) if range else None, "vary": _vary(vary)}


def monte_carlo(scenarios=100_000, dirichlet=None, uniform=False, noise=None, seed=None, vary=None,
                paradoxes=False) -> dict:
    weights = {"dirichlet": float(dirichlet)} if dirichlet is not None else ("uniform" if uniform else "fixed")
    return {"design": "monte-carlo", "scenarios": scenarios, "weights": weights, "noise_percent": noise,
            "seed": seed, "vary": _vary(vary), "paradoxes": paradoxes}


def sobol(samples=4096, bootstrap=100, range=(0.5, 1.5), seed=None, vary=None) -> dict:
    return {"design": "sobol", "samples": samples, "bootstrap": bootstrap, "relative_range": list(range),
            "seed": seed, "vary": _vary(vary)}


class Sweep:
    """A sweep's result (the ``quota.sweep/1`` document in ``.doc``)."""

    def __init__(self, doc: dict):
        self.doc = doc

    def to_pandas(self) -> pd.DataFrame:
        """Per-unit summary, one row per unit (stamp, design and summary line in ``.attrs``)."""
        df = pd.DataFrame(self.doc["units"])
        df.attrs.update({k: self.doc[k] for k in ("schema", "summary", "stamp", "design", "scenarios", "infeasible")})
        return df

    def indices(self) -> pd.DataFrame:
        """Sobol indices, long: unit, factor, S1, S1_conf, ST, ST_conf."""
        s = self.doc.get("sobol")
        if not s:
            raise ValueError("not a Sobol sweep")
        rows = [
            {"code": u["code"], "factor": f, "S1": u["S1"][i], "S1_conf": u["S1_conf"][i], "ST": u["ST"][i],
             "ST_conf": u["ST_conf"][i]}
            for u in s["units"] for i, f in enumerate(s["factors"])
        ]
        return pd.DataFrame(rows)

    def breakpoints(self) -> pd.DataFrame:
        """One-at-a-time pieces, long: factor, code, from, to, slots."""
        rows = [
            {"factor": f["factor"], "code": u["code"], "from": p["from"], "to": p["to"], "slots": p["slots"]}
            for f in self.doc.get("oat", []) for u in f["units"] for p in u["pieces"]
        ]
        return pd.DataFrame(rows)

    def __eq__(self, other):
        return isinstance(other, Sweep) and self.doc == other.doc

    def _repr_html_(self):
        return f"<p>{self.doc['summary']}</p>" + self.to_pandas().to_html(max_rows=40)

    def __repr__(self):
        return f"<quota.Sweep: {self.doc['summary']}>"


def apportion(weights, seats: int, method: str = "hamilton", min=None, max=None) -> list:
    """Exact apportionment of ``seats`` by whole-number ``weights`` (e.g. votes), with optional
    floors (``min``) and caps (``max``); ties go to the larger weight, then the first listed."""
    try:
        return _native.apportion(weights, seats, method, min, max)[0]
    except (TypeError, OverflowError):
        pass
    # Not plain non-negative integers: whole floats are accepted, anything else is refused.
    w = [_whole(x, "weights") for x in weights]
    lo = None if min is None else [_whole(x, "min") for x in min]
    hi = None if max is None else [_whole(x, "max") for x in max]
    return _native.apportion(w, int(seats), method, lo, hi)[0]


def _whole(x, what):
    f = x if isinstance(x, (int, np.integer)) else float(x)
    if isinstance(f, float) and not f.is_integer():
        raise ValueError(f"{what}: {x!r} is not a whole number (scale the weights to integers, e.g. votes)")
    if f < 0:
        raise ValueError(f"{what}: {x!r} is negative")
    return int(f)


# The `apportionment` package's method names (apportionment.methods.compute).
_METHODS = {
    "quota": "quota", "lrm": "hamilton", "hamilton": "hamilton", "largest_remainder": "hamilton",
    "dhondt": "jefferson", "jefferson": "jefferson", "greatestdivisors": "jefferson",
    "saintelague": "webster", "webster": "webster", "majorfractions": "webster",
    "modified_saintelague": "modified-webster", "huntington": "huntington-hill", "hill": "huntington-hill",
    "equalproportions": "huntington-hill", "adams": "adams", "smallestdivisor": "adams",
    "dean": "dean", "harmonicmean": "dean",
}


def compute(method, votes, seats, fractions=False, parties=None, threshold=None, tiesallowed=True, verbose=False):
    """A drop-in for ``apportionment.methods.compute(method, votes, seats)``: the same method
    names, a list of seats back. Ties are decided by quota's rule (larger votes, then first
    listed) instead of being reported; ``fractions`` is not supported."""
    if fractions:
        raise ValueError("compute: fractions=True is not supported (weights are whole numbers)")
    if method not in _METHODS:
        raise NotImplementedError("apportionment method " + str(method) + " not known")
    if threshold is not None:
        total = sum(votes)
        votes = [v if v >= threshold * total else 0 for v in votes]
    try:
        seats_out, ties = _native.apportion(votes, seats, _METHODS[method], None, None)
    except (TypeError, OverflowError):
        seats_out, ties = _native.apportion([_whole(x, "votes") for x in votes], int(seats), _METHODS[method], None, None)
    if ties and not tiesallowed:
        raise ValueError("Tie occurred")
    return list(seats_out)


def _table(data, what):
    """(text, label) of a table given as a path (read as the commands read it: any encoding,
    ; or tab separated, an .xlsx/.ods sheet) or a pandas DataFrame (written as CSV)."""
    if isinstance(data, pd.DataFrame):
        return data.to_csv(index=False), f"<{what} DataFrame>"
    return _native.read_table(str(data))


def weights(scheme: str, data=None, *, indicators: Sequence[str] = (), unit_column: str = "code", ahp=None,
            ahp_method: str = "eigenvector", allow_inconsistent: bool = False,
            pca_components="kaiser") -> "Weights":
    """``quota weights``: indicator weights by a multi-criteria scheme (equal, manual, entropy,
    critic, cv, ahp, pca) with the scheme's diagnostics.

    ``data``: a :class:`Scenario` (its indicators; its weights are the ``manual`` ones), an
    indicator table (a path to .csv/.xlsx/.ods or a DataFrame: one row per unit, ``unit_column``
    names the units, ``indicators`` picks the columns, default every numeric one), a scenario
    .toml path, or None for the bundled scenario. ``ahp``: the pairwise-comparison matrix
    (.csv or .toml path, Saaty's 1–9 scale); with scheme ``ahp`` and no ``data``, the judgements
    alone are weighed."""
    scenario, table = None, None
    if isinstance(data, Scenario):
        scenario = data._s
    elif isinstance(data, pd.DataFrame) or (data is not None and not str(data).lower().endswith(".toml")):
        table = _table(data, "indicator")
    elif data is not None:
        scenario = Scenario.from_toml(data)._s
    elif ahp is None or str(scheme).lower() != "ahp":
        scenario = Scenario.bundled()._s
    judgements, toml = None, False
    if ahp is not None:
        toml = str(ahp).lower().endswith(".toml")
        judgements = (open(ahp, encoding="utf-8").read(), str(ahp)) if toml else _table(ahp, "AHP")
    doc = _native.weights_json(scheme, scenario, table, unit_column, list(indicators), judgements, toml, ahp_method,
                               allow_inconsistent, str(pca_components))
    return Weights(json.loads(doc))


class Weights:
    """Derived weights (the ``quota.weights/1`` document in ``.doc``)."""

    def __init__(self, doc: dict):
        self.doc = doc

    def as_dict(self) -> dict:
        """{indicator: weight}, in order (ready for :meth:`Scenario.with_weights`)."""
        return dict(zip(self.doc["names"], self.doc["weights"]))

    def to_pandas(self) -> pd.DataFrame:
        """One row per indicator: indicator, weight; scheme, source, diagnostics in ``.attrs``."""
        df = pd.DataFrame({"indicator": self.doc["names"], "weight": self.doc["weights"]})
        df.attrs.update({k: v for k, v in self.doc.items() if k not in ("names", "weights")})
        return df

    def _repr_html_(self):
        return f"<p>weights by {self.doc['scheme']} ({self.doc['source']})</p>" + self.to_pandas().to_html()

    def __repr__(self):
        w = ", ".join(f"{k} {v:.4f}" for k, v in self.as_dict().items())
        return f"<quota.Weights {self.doc['scheme']}: {w}>"


def calibrate(observed, scenario: Optional[Scenario] = None, *, methods: Sequence[str] = (),
              free: Sequence[str] = (), development=None, bounds: str = "scenario", total: Optional[int] = None,
              grid: Optional[int] = None) -> "Calibration":
    """``quota calibrate``: which weightings (and which apportionment methods) reproduce an
    observed allocation. ``observed``: the observed-allocation file (CSV with code, slots …;
    see data/observed/) or a DataFrame of it (no ``@`` metadata lines then); ``scenario``:
    default the bundled one; ``methods``: names or ``["all"]`` (default the scenario's);
    ``free``: indicator columns whose weights move (default all); ``development``: (lo, hi)
    lets the development weight move; ``bounds``: ``scenario`` or ``none``; ``grid``: grid
    weightings for partial observations (default the command's)."""
    s = scenario if scenario is not None else Scenario.bundled()
    if isinstance(methods, str):
        methods = [m for m in methods.split(",")]
    kw = {} if grid is None else {"grid": int(grid)}
    dev = None if development is None else (float(development[0]), float(development[1]))
    doc = _native.calibrate_json(s._s, _table(observed, "observed"), list(methods), list(free), dev, bounds,
                                 None if total is None else int(total), **kw)
    return Calibration(json.loads(doc))


class Calibration:
    """A calibration (the ``quota.calibrate/1`` document in ``.doc``)."""

    def __init__(self, doc: dict):
        self.doc = doc

    def to_pandas(self) -> pd.DataFrame:
        """One row per method: method, verdict, basis (linear_program or grid), margin (slots, LP methods)
        and the central weighting (indicator weights, development_weight; empty where none was
        found); the whole document in ``.attrs``."""
        rows = []
        for m in self.doc["methods"]:
            row = {"method": m["method"], "verdict": m["verdict"], "basis": m["basis"], "margin": m["margin"]}
            central = m.get("central") or {}
            for name, w in zip(self.doc["indicators"], central.get("weights") or [None] * len(self.doc["indicators"])):
                row[name] = w
            row["development_weight"] = central.get("development_weight")
            rows.append(row)
        df = pd.DataFrame(rows)
        df.attrs.update({k: v for k, v in self.doc.items()})
        return df

    def _repr_html_(self):
        return (f"<p>calibration of {self.doc['scenario']} to {self.doc['observed']} (N = {self.doc['total']})</p>"
                + self.to_pandas().to_html())

    def __repr__(self):
        verdicts = ", ".join(f"{m.get('method')}: {m.get('verdict')}" for m in self.doc["methods"])
        return f"<quota.Calibration {self.doc['observed']}: {verdicts}>"
