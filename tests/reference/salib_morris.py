"""Morris measures of quota's exported trajectories by SALib (an independent implementation).

Reads DIR/morris-runs.csv as written by `quota sweep --design morris -o DIR` (trajectory,
point, moved, FACTORS columns of factor values, one column of slots per unit), runs
SALib.analyze.morris.analyze(problem, X, Y, num_levels=p) on each unit's slots, and prints one
JSON object {unit code: {"mu": [...], "mu_star": [...], "sigma": [...]}} with the factors in
the file's order. SALib derives each elementary effect's direction from X and divides by
delta = p / (2(p - 1)), as quota does; mu_star_conf is left out (its bootstrap draws differ).
With GROUPS (the group of each factor column, comma-separated) the problem has SALib's
"groups" and the measures are per group, in order of first appearance; SALib's NaN (sigma of
a group of several factors) is printed as null.

Usage: python3 tests/reference/salib_morris.py DIR/morris-runs.csv LEVELS FACTORS [GROUPS]
Used by tests/sweep_morris.rs (which skips, saying so, when Python or SALib is absent).
"""
import csv
import json
import sys

import numpy as np
from SALib.analyze import morris


def main(path, levels, k, groups=None):
    with open(path, encoding="utf-8") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#")) if r]
    header, body = rows[0], rows[1:]
    first_unit = 3 + k
    factors = header[3:first_unit]
    units = header[first_unit:]
    X = np.array([[float(r[i]) for i in range(3, first_unit)] for r in body])
    bounds = [[float(X[:, j].min()), float(X[:, j].max())] for j in range(len(factors))]
    problem = {"num_vars": len(factors), "names": factors, "bounds": bounds}
    if groups is not None:
        problem["groups"] = groups
    out = {}
    for u, code in enumerate(units):
        Y = np.array([float(r[first_unit + u]) for r in body])
        si = morris.analyze(problem, X, Y, num_levels=levels, num_resamples=10, seed=1)
        out[code] = {
            k: [None if np.isnan(v) else float(v) for v in np.asarray(si[k], dtype=float)]
            for k in ("mu", "mu_star", "sigma")
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    groups = sys.argv[4].split(",") if len(sys.argv) > 4 else None
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), groups)
