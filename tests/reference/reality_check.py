"""How close is an allocation to an observed one: the fit measures of docs/reality-check.md.

    quota allocate --format csv > alloc.csv
    python3 tests/reference/reality_check.py alloc.csv data/observed/2021-programme-continuing-2024.csv

Reads the allocation (code, slots) and the observed file (comment lines, then code and slots),
compares the units both have and prints: units, totals, L1 distance of the shares, the share of
slots that would have to move (L1 / 2), Spearman's rho and Kendall's tau-b (average ranks for
ties), the largest absolute difference against the observed slots scaled to the allocation's
total, and every unit's allocated, observed, scaled and difference. Standard library only.
"""
import csv
import io
import sys


def read(path):
    with open(path, encoding="utf-8-sig") as f:
        text = "".join(l for l in f if not l.startswith("#"))
    return {r["code"]: float(r["slots"]) for r in csv.DictReader(io.StringIO(text))}


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / (va * vb) ** 0.5


def kendall_tau_b(a, b):
    conc = disc = ta = tb = 0
    n = len(a)
    for i in range(n):
        for j in range(i + 1, n):
            da, db = a[i] - a[j], b[i] - b[j]
            if da == 0 and db == 0:
                continue
            if da == 0:
                ta += 1
            elif db == 0:
                tb += 1
            elif (da > 0) == (db > 0):
                conc += 1
            else:
                disc += 1
    return (conc - disc) / ((conc + disc + ta) * (conc + disc + tb)) ** 0.5


def main(alloc_path, observed_path):
    alloc, observed = read(alloc_path), read(observed_path)
    codes = [c for c in alloc if c in observed]
    a = [alloc[c] for c in codes]
    o = [observed[c] for c in codes]
    ta, to = sum(a), sum(o)
    l1 = sum(abs(x / ta - y / to) for x, y in zip(a, o))
    scaled = [y * ta / to for y in o]
    diff = [x - s for x, s in zip(a, scaled)]
    worst = max(range(len(codes)), key=lambda i: abs(diff[i]))
    print(f"units {len(codes)}; allocated {ta:.0f}; observed {to:.0f}")
    if len(codes) < 2:  # one observed unit: no shares or ranks to compare
        for c, x, y in zip(codes, a, o):
            print(f"{c},{x:.0f},{y:.0f},{y:.1f},{x - y:+.1f}")
        return
    print(f"L1 of shares {l1:.3f}; slots that would have to move {l1 / 2 * 100:.1f}%")
    print(f"Spearman {pearson(ranks(a), ranks(o)):.3f}; Kendall tau-b {kendall_tau_b(a, o):.3f}")
    print(f"max abs error {abs(diff[worst]):.1f} (unit {codes[worst]}, observed scaled to {ta:.0f})")
    for c, x, y, s, d in zip(codes, a, o, scaled, diff):
        print(f"{c},{x:.0f},{y:.0f},{s:.1f},{d:+.1f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
