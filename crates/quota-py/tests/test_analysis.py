"""quota.weights and quota.calibrate: the command line's documents, from any input the commands
take (and DataFrames), errors as ValueError with the commands' messages."""

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import quota

ROOT = Path(__file__).resolve().parents[3]
QUOTA_BIN = os.environ.get("QUOTA_BIN")
OBSERVED = ROOT / "data" / "observed"


def cli_json(*args):
    out = subprocess.run([QUOTA_BIN, *args, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(not QUOTA_BIN, reason="QUOTA_BIN (the quota binary) not set")
@pytest.mark.parametrize("scheme", ["equal", "manual", "entropy", "critic", "cv", "pca"])
def test_weights_of_the_bundled_scenario_are_the_commands(scheme):
    assert quota.weights(scheme).doc == cli_json("weights", "--scheme", scheme)


@pytest.mark.skipif(not QUOTA_BIN, reason="QUOTA_BIN (the quota binary) not set")
def test_weights_of_a_table_and_of_ahp_judgements_are_the_commands():
    csv = ROOT / "data" / "indicators.csv"
    cols = ["xiaojuren", "sme_above_scale", "cultivation"]
    want = cli_json("weights", "--scheme", "critic", str(csv), "--indicators", ",".join(cols))
    assert quota.weights("critic", csv, indicators=cols).doc == want
    ahp = ROOT / "data" / "ahp" / "scenario-indicators.csv"
    assert quota.weights("ahp", ahp=ahp).doc == cli_json("weights", "--scheme", "ahp", "--ahp", str(ahp))
    toml = ahp.with_suffix(".toml")
    got = quota.weights("ahp", ahp=toml, ahp_method="geometric-mean").doc
    assert got == cli_json("weights", "--scheme", "ahp", "--ahp", str(toml), "--ahp-method", "geometric-mean")


def test_a_dataframe_weighs_as_its_csv_file_and_feeds_with_weights():
    df = pd.read_csv(ROOT / "data" / "indicators.csv", comment="#", dtype={"code": str})
    cols = ["xiaojuren", "sme_above_scale", "cultivation"]
    from_df = quota.weights("entropy", df, indicators=cols)
    from_file = quota.weights("entropy", ROOT / "data" / "indicators.csv", indicators=cols)
    assert from_df.doc["weights"] == from_file.doc["weights"]
    assert from_df.doc["source"] == "<indicator DataFrame>"
    w = quota.weights("entropy")
    table = w.to_pandas()
    assert list(table.indicator) == ["sme_above_scale", "xiaojuren", "cultivation"]
    assert table.weight.sum() == pytest.approx(1.0) and table.attrs["scheme"] == "entropy"
    s = quota.Scenario.bundled().with_weights(w.as_dict())
    assert s.weights == pytest.approx(w.as_dict())
    assert s.allocate()["slots"].sum() == 1039
    assert quota.Scenario.bundled().weights_by("entropy").doc == w.doc
    assert "<table" in w._repr_html_()


def test_weights_errors_are_value_errors_with_the_commands_messages():
    with pytest.raises(ValueError, match="unknown weighting scheme 'entrpy'"):
        quota.weights("entrpy")
    with pytest.raises(ValueError, match="pca-components|components"):
        quota.weights("pca", pca_components="many")
    with pytest.raises(ValueError, match="indicators applies to a table"):
        quota.weights("entropy", quota.Scenario.bundled(), indicators=["xiaojuren"])
    with pytest.raises(ValueError, match="no_such_column"):
        quota.weights("entropy", ROOT / "data" / "indicators.csv", indicators=["no_such_column"])
    with pytest.raises(ValueError, match="/nonexistent.csv"):
        quota.weights("entropy", "/nonexistent.csv")


@pytest.mark.skipif(not QUOTA_BIN, reason="QUOTA_BIN (the quota binary) not set")
def test_calibrate_is_the_commands_document():
    tianjin = OBSERVED / "2024-batch1-tianjin.csv"
    assert quota.calibrate(tianjin).doc == cli_json("calibrate", "--observed", str(tianjin))
    bench = OBSERVED / "2021-programme-continuing-2024.csv"
    got = quota.calibrate(bench, methods=["all"], bounds="none", grid=2000)
    want = cli_json("calibrate", "--observed", str(bench), "--method", "all", "--bounds", "none", "--grid", "2000")
    assert got.doc == want
    got = quota.calibrate(tianjin, methods="webster,hamilton", free=["xiaojuren", "cultivation"],
                          development=(0, 0.3), grid=3000)
    want = cli_json("calibrate", "--observed", str(tianjin), "--method", "webster,hamilton", "--free",
                    "xiaojuren,cultivation", "--vary", "development_weight=0:0.3", "--grid", "3000")
    assert got.doc == want


def test_calibration_to_pandas_one_row_per_method():
    c = quota.Scenario.bundled().calibrate(OBSERVED / "2024-batch1-tianjin.csv", methods=["webster", "hamilton"])
    df = c.to_pandas()
    assert list(df.method) == ["webster", "hamilton"]
    assert set(df.verdict) <= {"witnessed", "not_found"}
    assert {"sme_above_scale", "xiaojuren", "cultivation", "development_weight", "margin"} <= set(df.columns)
    assert df.attrs["observed"] == "2024-batch1-tianjin" and "<table" in c._repr_html_()


def test_calibrate_errors_name_the_argument_or_the_file():
    tianjin = OBSERVED / "2024-batch1-tianjin.csv"
    with pytest.raises(ValueError, match="^free: "):
        quota.calibrate(tianjin, free=["moon"])
    with pytest.raises(ValueError, match="^methods: .*'websterr'"):
        quota.calibrate(tianjin, methods=["websterr"])
    with pytest.raises(ValueError, match="bounds: 'some' is not one of scenario, none"):
        quota.calibrate(tianjin, bounds="some")
    with pytest.raises(ValueError, match="development"):
        quota.calibrate(tianjin, development=(0.5, 0.2))
    with pytest.raises(ValueError, match=r"<observed DataFrame>: missing column 'status'"):
        quota.calibrate(pd.DataFrame({"code": ["12"], "slots": [19]}))
    with pytest.raises(ValueError, match="'99'"):
        quota.calibrate(pd.DataFrame({"code": ["99"], "slots": [3], "status": ["official"], "source": ["x"]}))


def test_an_observed_dataframe_calibrates_as_its_file():
    # Every unit observed (the scenario's own allocation): consistent for its method, exactly.
    s = quota.Scenario.bundled()
    alloc = s.allocate()
    obs = pd.DataFrame({"code": alloc["code"], "slots": alloc["slots"], "status": "official", "source": "test"})
    c = quota.calibrate(obs, s).to_pandas()
    assert list(c.verdict) == ["consistent"] and c.basis[0] == "linear_program" and c.margin[0] > 0
