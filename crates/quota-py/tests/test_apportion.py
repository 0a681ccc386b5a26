"""quota.apportion and quota.compute against the `apportionment` package, on its own examples
and on random votes (wherever no tie decides a seat: the packages break ties differently)."""

import random

import pytest

import quota
from quota import _native

apportionment = pytest.importorskip("apportionment.methods")

METHODS = ["quota", "largest_remainder", "dhondt", "saintelague", "modified_saintelague", "huntington", "adams",
           "dean"]


def test_the_readme_example():
    # apportionment's README: votes [77, 22, 98, 10, 5], 20 seats.
    votes, seats = [77, 22, 98, 10, 5], 20
    for m in METHODS:
        want = apportionment.compute(m, votes, seats, verbose=False)
        assert quota.compute(m, votes, seats) == want, m


def test_random_votes_agree_wherever_no_tie_decides():
    rng = random.Random(7)
    checked = 0
    for _ in range(300):
        votes = [rng.randint(1, 10_000) for _ in range(rng.randint(2, 12))]
        seats = rng.randint(len(votes), 60)
        for m in METHODS:
            _, ties = _native.apportion(votes, seats, quota._METHODS[m], None, None)
            if ties:
                continue
            assert quota.compute(m, votes, seats) == apportionment.compute(m, votes, seats, verbose=False), (m, votes, seats)
            checked += 1
    assert checked > 2000


def test_floors_caps_and_errors():
    assert quota.apportion([53, 24, 23], 8, "webster") == [4, 2, 2]
    assert quota.apportion([53.0, 24, 23], 8.0, "webster") == [4, 2, 2]
    with pytest.raises(ValueError, match="negative"):
        quota.apportion([-1, 2], 3)
    assert list(quota.apportion([53, 24, 23], 8, "hamilton", min=[0, 3, 3])) == [2, 3, 3]
    with pytest.raises(ValueError, match="not a whole number"):
        quota.apportion([1.5, 2], 3)
    with pytest.raises(ValueError):
        quota.apportion([5, 5], 10, max=[1, 1])
    with pytest.raises(ValueError, match="unknown method"):
        quota.apportion([5, 5], 3, method="dhont")
    with pytest.raises(NotImplementedError):
        quota.compute("nosuchmethod", [1, 2], 3)
