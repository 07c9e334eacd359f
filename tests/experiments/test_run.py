"""`siberia run` and `siberia compare`: one run to a folder, a sweep's run again, paired runs."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments.cli import main
from experiments.evaluators import SerialEvaluator
from experiments.report import FIGURES
from experiments.runner import aggregate
from experiments.spec import load_spec
from experiments.sweep import run_sweep
from model import SiberiaModel
from model.indicators import columns
from model.scenario import load_scenario
from tests.experiments import assert_one_line_usage_error

ROOT = Path(__file__).resolve().parents[2]
SIBERIA = [sys.executable, "-m", "experiments.cli"]


def cli(*args):
    return subprocess.run([*SIBERIA, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def assert_clean_failure(proc, *needles):
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_run_writes_indicators_tables_figures_and_a_manifest(tmp_path):
    out = tmp_path / "run"
    proc = cli("run", "--scenario", "baseline", "--set", "hydro_buildout_gw=5", "--seed", 3,
               "--years", 2, "--out", out, "--csv")
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in out.iterdir()}
    assert names == {"indicators.parquet", "indicators.csv", "milestones.csv", "manifest.json",
                     *FIGURES}
    assert all((out / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in FIGURES)

    # the monthly table has the registry's columns and the model's values
    model = SiberiaModel("baseline", rng=3, hydro_buildout_gw=5.0, horizon_years=2)
    while model.running:
        model.step()
    expected = model.datacollector.get_model_vars_dataframe()
    table = pq.read_table(out / "indicators.parquet")
    assert table.column_names == columns(model)
    got = table.to_pandas()
    assert len(got) == 24 and got["year"].tolist() == [2025] * 12 + [2026] * 12
    np.testing.assert_array_equal(got.to_numpy(float), expected.to_numpy(float))
    assert pd.read_csv(out / "indicators.csv").shape == got.shape

    m = json.loads((out / "manifest.json").read_text())
    assert m["seed"] == 3 and m["parameters"]["hydro_buildout_gw"] == 5.0
    assert m["parameters"]["horizon_years"] == 2 and len(m["parameters"]) > 40
    baseline = load_scenario("baseline")
    assert m["scenario"]["sha256"] == baseline.sha256
    assert m["scenario"]["chain"][0]["sha256"] == hashlib.sha256(
        baseline.path.read_bytes()).hexdigest()
    assert m["money"]["price_year"] == 2024 and m["money"]["rub_per_usd"] == 92.6
    assert {"mesa", "numpy", "scipy", "pandas", "highspy", "pyarrow", "python"} <= set(
        m["provenance"]["packages"])
    assert m["provenance"]["git"]["commit"]  # a hash, or "unknown" without git
    assert m["solver"]["status_counts"] == {"Optimal": 24}
    assert m["timings_s"]["total"] > 0


def test_milestones_are_yearly_means_at_the_milestone_years_within_the_horizon(tmp_path):
    assert main(["run", "--years", "6", "--seed", "1", "--out", str(tmp_path / "r")]) == 0
    monthly = pd.read_parquet(tmp_path / "r" / "indicators.parquet")
    ms = pd.read_csv(tmp_path / "r" / "milestones.csv").set_index("indicator")
    assert [c for c in ms.columns if c.isdigit()] == ["2030"]
    yearly = aggregate(monthly, "yearly").set_index("year")
    assert ms.at["import_bill_usd", "2030"] == pytest.approx(yearly.at[2030, "import_bill_usd"])
    assert ms.at["import_bill_usd", "discounted_total_usd"] > 0
    assert np.isnan(ms.at["import_substitution_share", "discounted_total_usd"])


def test_a_run_of_a_sweep_runs_again_alone_with_identical_indicators(tmp_path):
    # a scenario given by path, extending a file beside it that extends a shipped scenario:
    # the sweep ships the chain's content and keeps a copy for re-runs
    (tmp_path / "parent.toml").write_text(
        'name = "parent"\ndescription = "p"\nextends = "baseline"\n[params]\n'
        'threat_intensity = 2.0\n')
    (tmp_path / "child.toml").write_text(
        'name = "child"\ndescription = "c"\nextends = "parent.toml"\n[params]\n'
        'discount_rate = 0.08\n')
    (tmp_path / "spec.toml").write_text(
        'scenario = "child.toml"\nhorizon_years = 2\nreplications = 2\nseed = 5\n'
        '[parameters]\nhydro_buildout_gw = [0.0, 8.0]\n')
    spec = load_spec(tmp_path / "spec.toml")
    sweep_dir = tmp_path / "sweep"
    run_sweep(spec, sweep_dir, SerialEvaluator, progress=False)
    stored = pd.read_parquet(sweep_dir / "runs" / "replication=1" / "run-000003.parquet")

    proc = cli("run", "--from", sweep_dir, 3, "--out", tmp_path / "again")
    assert proc.returncode == 0, proc.stderr
    assert "reproduces" in proc.stdout
    monthly = pd.read_parquet(tmp_path / "again" / "indicators.parquet")
    again = aggregate(monthly, "yearly")
    for col in again.columns:
        np.testing.assert_array_equal(stored[col].to_numpy(), again[col].to_numpy())
    m = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert m["from_sweep"]["run_id"] == 3 and m["from_sweep"]["matches_sweep"] is True
    assert m["parameters"]["hydro_buildout_gw"] == 8.0
    assert m["parameters"]["threat_intensity"] == 2.0 and m["parameters"]["discount_rate"] == 0.08
    chain = [c["sha256"] for c in m["scenario"]["chain"]]
    assert chain[:2] == [hashlib.sha256((tmp_path / f).read_bytes()).hexdigest()
                         for f in ("child.toml", "parent.toml")]
    assert chain[2] == hashlib.sha256(load_scenario("baseline").path.read_bytes()).hexdigest()


def test_compare_pairs_runs_on_common_seeds_and_gives_intervals(tmp_path):
    out = tmp_path / "cmp"
    proc = cli("compare", "baseline", "baseline", "--set-b", "world_price_index=2",
               "--seeds", 3, "--years", 2, "--workers", 0, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} == {"differences.csv", "differences.png",
                                                "runs.parquet", "manifest.json"}
    d = pd.read_csv(out / "differences.csv")
    assert set(d["year"]) == {2026} and (d["n"] == 3).all()
    assert (d["ci_low"] <= d["mean_diff"] + 1e-9).all()
    assert (d["mean_diff"] <= d["ci_high"] + 1e-9).all()
    assert np.allclose(d["mean_diff"], d["mean_b"] - d["mean_a"], rtol=1e-9, atol=1e-6)
    price = d.set_index("indicator").loc["export_revenue_usd"]
    assert price["mean_diff"] > 0  # dearer rare earths, dearer exports
    # a lever that acts through no random draw: the same seed, the same population
    unchanged = d.set_index("indicator").loc["siberia_population"]
    assert unchanged["mean_diff"] == 0 and unchanged["ci_low"] == unchanged["ci_high"] == 0
    runs = pd.read_parquet(out / "runs.parquet")
    seeds = runs.groupby(["replication", "arm"])["seed"].first().unstack()
    assert (seeds["A"] == seeds["B"]).all() and seeds["A"].nunique() == 3


def test_comparing_a_scenario_with_itself_gives_zero_differences(tmp_path):
    assert main(["compare", "high_threat", "high_threat", "--seeds", "2", "--years", "1",
                 "--workers", "0", "--out", str(tmp_path / "same")]) == 0
    d = pd.read_csv(tmp_path / "same" / "differences.csv")
    assert (d["mean_diff"] == 0).all()


@pytest.mark.parametrize("args,needles", [
    (["run", "--scenario", "baselin", "--out", "{tmp}/o"], ["unknown scenario 'baselin'"]),
    (["run", "--set", "hydro_gw=1", "--out", "{tmp}/o"], ["unknown parameter 'hydro_gw'",
                                                          "did you mean 'hydro_buildout_gw'"]),
    (["run", "--years", "30", "--out", "{tmp}/o"], ["out of bounds"]),
    (["run", "--years", "2", "--set", "horizon_years=2", "--out", "{tmp}/o"], ["horizon once"]),
    (["run", "--out", "{tmp}/file.txt/o"], ["not a folder"]),
    (["run", "--from", "{tmp}", "0", "--out", "{tmp}/o"], ["not a sweep folder"]),
    (["run", "--from", "{tmp}", "x", "--out", "{tmp}/o"], ["RUN_ID must be an integer"]),
    (["run", "--from", "{tmp}", "0", "--seed", "1", "--out", "{tmp}/o"], ["drop --seed"]),
    (["compare", "baseline", "nope", "--out", "{tmp}/o"], ["unknown scenario 'nope'"]),
    (["compare", "baseline", "baseline", "--seeds", "0", "--out", "{tmp}/o"], ["--seeds"]),
    (["compare", "baseline", "baseline", "--set-a", "discount_rate=9", "--out", "{tmp}/o"],
     ["out of bounds"]),
    (["run"], ["--out"]),
])
def test_bad_run_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, args, needles):
    (tmp_path / "file.txt").write_text("x")
    before = sorted(tmp_path.rglob("*"))
    try:
        code = main([a.format(tmp=tmp_path) for a in args])
    except SystemExit as e:  # argparse's own errors
        code = e.code
    assert_one_line_usage_error(code, capsys.readouterr().err, needles)
    assert sorted(tmp_path.rglob("*")) == before


def test_batch_run_keeps_working():
    results = mesa.batch_run(SiberiaModel, parameters={"hydro_buildout_gw": [0.0, 5.0]},
                             rng=[1], max_steps=3, display_progress=False)
    assert len(results) == 2
    assert {r["hydro_buildout_gw"] for r in results} == {0.0, 5.0}
    assert all(r["Step"] == 3 for r in results)
