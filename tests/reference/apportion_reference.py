"""Independent reference implementation of the apportionment methods (Python, exact Fractions).

Used to produce the expected values in tests/apportion_examples.rs for the cases where no
published table was at hand. Seat-by-seat, no estimates, no shared code with the Rust crate.
Run: python3 tests/reference/apportion_reference.py
"""
from fractions import Fraction


def divisor(method, k):
    """d(k) for a unit holding k seats; Huntington-Hill returns d(k)**2."""
    return {
        "jefferson": Fraction(k + 1),
        "webster": Fraction(2 * k + 1, 2),
        "adams": Fraction(k),
        "dean": Fraction(2 * k * (k + 1), 2 * k + 1),
        "huntington-hill": Fraction(k * (k + 1)),
        "modified-webster": Fraction(7, 10) if k == 0 else Fraction(2 * k + 1, 2),
    }[method]


def priority(method, w, k):
    d = divisor(method, k)
    num = Fraction(w) ** 2 if method == "huntington-hill" else Fraction(w)
    return None if d == 0 else num / d  # None = infinity


def key(method, w, k, i):
    p = priority(method, w, k)
    return (1 if p is None else 0, p if p is not None else 0, w, -i)


def divisor_method(method, weights, seats):
    k = [0] * len(weights)
    for _ in range(seats):
        best = max(range(len(weights)), key=lambda i: key(method, weights[i], k[i], i))
        k[best] += 1
    return k


def hamilton(weights, seats):
    total = sum(weights)
    quotas = [Fraction(seats * w, total) for w in weights]
    base = [q.numerator // q.denominator for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - base[i]), -weights[i], i))
    for i in order[: seats - sum(base)]:
        base[i] += 1
    return base


def quota_method(weights, seats):
    total = sum(weights)
    k = [0] * len(weights)
    for h in range(seats):
        eligible = [i for i in range(len(weights)) if k[i] * total < (h + 1) * weights[i]]
        best = max(eligible, key=lambda i: (Fraction(weights[i], k[i] + 1), weights[i], -i))
        k[best] += 1
    return k


CASES = {
    "us1790": [236841, 55540, 70835, 68705, 278514, 475327, 141822, 179570, 331589, 353523, 432879, 68446, 206236, 85533, 630560],
    "six_parties": [47000, 16000, 15800, 12000, 6100, 3100],
}

if __name__ == "__main__":
    for name, w in CASES.items():
        for seats in ([105, 120] if name == "us1790" else [10]):
            print(name, seats, "hamilton", hamilton(w, seats))
            for m in ["jefferson", "webster", "huntington-hill", "adams", "dean", "modified-webster"]:
                print(name, seats, m, divisor_method(m, w, seats))
            print(name, seats, "quota", quota_method(w, seats))
