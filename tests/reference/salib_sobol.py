"""Sobol indices (S1, ST, S2) of quota's exported runs by SALib (an independent implementation).

Reads DIR/scenarios.csv as written by `quota sweep --design sobol --second-order --keep-all
-o DIR` (long CSV: scenario, the weights, the varied parameters, code, slots, funding_wan; one
row per run and unit). Run j*R + r (R = 2D + 2) is base sample j's row r in quota's order:
r = 0 A, 1 B, 2 + g AB_g, 2 + D + g BA_g. The script reorders each unit's slots into SALib's
layout (A, AB_1..AB_D, BA_1..BA_D, B per base sample) and runs
SALib.analyze.sobol.analyze(problem, Y, calc_second_order=True).

The two implementations use the same estimators (Saltelli 2010 for S1, Jansen 1999 for ST,
Saltelli 2002 for S2) but centre the outputs on different means: SALib on the mean of every
run, quota on the mean m of f(A) and f(B). ST does not depend on the centre; S1 and S2 move by
exact terms of it, which the script also prints, computed from the same runs:

    S1_quota - S1_SALib = -(m - c) * mean(AB_j - A) / V
    S2_quota - S2_SALib = -(m - c) * mean(BA_j - B - AB_j + A) / V

(c: SALib's centre, V: the variance of f(A) and f(B)). With them the two must agree to
rounding; without them they differ by O(1/N) — far inside the bootstrap intervals.

Prints one JSON object {unit code: {"S1": [...], "ST": [...], "S2": [[...]], "dS1": [...],
"dS2": [[...]]}} for every unit whose slots vary (S2[j][k] for j < k, 0 elsewhere).

Usage: python3 tests/reference/salib_sobol.py DIR/scenarios.csv FACTORS
Used by tests/sweep_convergence.rs (which skips, saying so, when Python or SALib is absent).
"""
import csv
import json
import sys
from collections import defaultdict

import numpy as np
from SALib.analyze import sobol


def main(path, d):
    runs = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        header = next(rows)
        code_at, slots_at = header.index("code"), header.index("slots")
        for r in rows:
            runs[r[code_at]][int(r[0])] = float(r[slots_at])
    rows_per = 2 * d + 2
    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    out = {}
    for code, by_run in runs.items():
        y = np.array([by_run[i] for i in range(len(by_run))])
        n = y.size // rows_per
        q = y.reshape(n, rows_per)
        a, b, ab, ba = q[:, 0], q[:, 1], q[:, 2 : 2 + d], q[:, 2 + d :]
        if np.ptp(np.r_[a, b]) == 0:
            continue
        salib_order = np.column_stack([a, ab, ba, b]).ravel()
        si = sobol.analyze(problem, salib_order, calc_second_order=True, num_resamples=10, seed=1)
        # SALib standardises Y as a whole; the indices are ratios, so only the centre matters.
        m, c = np.r_[a, b].mean(), y.mean()
        v = np.r_[a, b].var()
        ds1 = [float(-(m - c) * (ab[:, j] - a).mean() / v) for j in range(d)]
        ds2 = [
            [float(-(m - c) * (ba[:, j] - b - ab[:, j] + a).mean() / v) if j < k else 0.0 for k in range(d)]
            for j in range(d)
        ]
        s2 = np.nan_to_num(np.asarray(si["S2"], dtype=float))
        out[code] = {
            "S1": [float(x) for x in si["S1"]],
            "ST": [float(x) for x in si["ST"]],
            "S2": [[float(s2[j][k]) if j < k else 0.0 for k in range(d)] for j in range(d)],
            "dS1": ds1,
            "dS2": ds2,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
