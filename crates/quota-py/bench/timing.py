"""The figures of issue 17, plain timing (best of several runs; the machine's load is noted by
the caller):

1. quota.apportion per call from Python vs the `apportionment` package's compute();
2. Scenario.evaluate of 10^6 Dirichlet weightings vs the command line's Monte Carlo rate
   (`quota sweep --design monte-carlo --dirichlet 50 --scenarios 1000000`).

    QUOTA_BIN=target/release/quota python crates/quota-py/bench/timing.py
"""

import os
import re
import subprocess
import time

import numpy as np

import quota

N_EVAL = int(os.environ.get("N_EVAL", 1_000_000))
THREADS = os.environ.get("THREADS", "2")


def per_call(f, n):
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            f()
        best = min(best, (time.perf_counter() - t) / n)
    return best


def main():
    import apportionment.methods as ap

    rng = np.random.default_rng(0)
    cases = [("README: 5 parties, 20 seats", [77, 22, 98, 10, 5], 20),
             ("50 states, 435 seats", [int(x) for x in rng.integers(500_000, 40_000_000, 50)], 435)]
    for label, votes, seats in cases:
        for m, qm in [("saintelague", "webster"), ("largest_remainder", "hamilton"), ("huntington", "huntington-hill")]:
            ours = per_call(lambda: quota.apportion(votes, seats, qm), 2000)
            theirs = per_call(lambda: ap.compute(m, votes, seats, verbose=False), 200)
            print(f"apportion {label}, {m}: quota {ours * 1e6:.2f} µs, apportionment {theirs * 1e6:.1f} µs, "
                  f"{theirs / ours:.0f}× faster")

    s = quota.Scenario.bundled()
    base = np.array(list(s.weights.values()))
    W = rng.dirichlet(50 * base, size=N_EVAL)
    s.evaluate(W[:10_000])
    best = min(_timed(lambda: s.evaluate(W)) for _ in range(3))
    print(f"evaluate {N_EVAL} Dirichlet(50·w) weightings: {best:.2f} s, {N_EVAL / best / 1e6:.2f} M/s")
    qbin = os.environ.get("QUOTA_BIN")
    if qbin:
        rates = []
        for _ in range(3):
            t = time.perf_counter()
            out = subprocess.run([qbin, "sweep", "--design", "monte-carlo", "--dirichlet", "50", "--scenarios",
                                  str(N_EVAL), "--threads", THREADS], check=True, capture_output=True, text=True)
            rates.append(time.perf_counter() - t)
            assert re.search(rf"{N_EVAL} scenarios evaluated", out.stdout)
        cli = min(rates)
        print(f"CLI monte-carlo {N_EVAL} scenarios (--threads {THREADS}, whole process): {cli:.2f} s, "
              f"{N_EVAL / cli / 1e6:.2f} M/s; evaluate/CLI time ratio {best / cli:.2f}")


def _timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
