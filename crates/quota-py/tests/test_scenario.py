"""quota from Python: allocations, evaluate, errors — against the library's own answers."""

import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import quota

QUOTA_BIN = os.environ.get("QUOTA_BIN")


def test_bundled_allocation_is_a_dataframe_with_provenance():
    df = quota.Scenario.bundled().allocate()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 37 and df["slots"].sum() == 1039
    for col in ["code", "name", "region", "score", "ideal", "slots", "funding_wan"]:
        assert col in df.columns
    assert df.attrs["stamp"].startswith("stamp: quota ")
    assert df.attrs["schema"] == "quota.allocate/1"
    assert df.attrs["inputs"]["scenario"].endswith("2024-batch1.toml")


@pytest.mark.skipif(not QUOTA_BIN, reason="QUOTA_BIN (the quota binary) not set")
def test_allocation_equals_the_command_line():
    cli = json.loads(subprocess.run([QUOTA_BIN, "allocate", "--method", "webster", "--total", "900", "--format", "json"],
                                    check=True, capture_output=True, text=True).stdout)
    df = quota.Scenario.bundled().with_total(900).allocate(method="webster")
    assert list(df["slots"]) == [u["slots"] for u in cli["units"]]
    assert df.attrs["stamp"] == "stamp: " + " | ".join([
        "quota " + cli["stamp"]["version"], "inputs sha256:" + cli["stamp"]["inputs_sha256"],
        "method " + cli["stamp"]["method"], "seed none"])


def test_evaluate_gives_allocate_at_every_row_in_input_order():
    s = quota.Scenario.bundled()
    rng = np.random.default_rng(5)
    W = rng.dirichlet([3.5, 4.0, 2.5], size=300)
    got = s.evaluate(W)
    assert got.shape == (300, 37) and got.dtype == np.int32
    assert (got.sum(axis=1) == 1039).all()
    for i in [0, 17, 150, 299]:
        want = s.with_weights(W[i]).allocate()["slots"].to_numpy()
        assert (got[i] == want).all(), i
    # Reversed input, reversed output (the internal reordering never leaks).
    assert (s.evaluate(W[::-1]) == got[::-1]).all()


def test_with_weights_by_column_and_stamp_honesty():
    s = quota.Scenario.bundled().with_weights({"xiaojuren": 0.5})
    assert s.weights["xiaojuren"] == pytest.approx(0.5 / 1.1)  # the library renormalises
    df = s.allocate()
    assert df.attrs["stamp"] is None and df.attrs["edits"] == ["with_weight('xiaojuren', 0.5)"]


def test_bad_input_raises_value_error_with_the_cli_message():
    s = quota.Scenario.bundled()
    with pytest.raises(ValueError, match=r"unknown method 'websterr'; did you mean 'webster'\?"):
        s.with_method("websterr")
    with pytest.raises(ValueError, match="the total must be at least 1 slot"):
        s.with_total(0)
    with pytest.raises(ValueError, match="3 indicators"):
        s.evaluate(np.ones((2, 4)))
    with pytest.raises(ValueError):
        quota.Scenario.from_toml("/nonexistent/scenario.toml")
    with pytest.raises(ValueError, match="--samples"):
        s.sobol(samples=10)


def test_explain_is_the_json_document():
    ex = quota.Scenario.bundled().explain("11")
    assert ex["schema"] == "quota.explain/1"


def test_notebook_reprs():
    s = quota.Scenario.bundled()
    assert "2024-batch1" in s._repr_html_()
    assert "<table" in s.oat(factors=["cultivation"])._repr_html_()
