"""`siberia analyze`: fan charts whose numbers are the runs' quantiles, Sobol indices that find
an inactive parameter inactive, PRIM boxes that recover a known condition, one-line errors."""

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import analyze_sweep
from experiments.analysis.data import load_sweep
from experiments.analysis.discover import parse_condition, prim
from experiments.cli import main
from experiments.evaluators import SerialEvaluator
from experiments.spec import parse_spec
from experiments.sweep import read_runs, run_sweep
from model.errors import UserInputError
from tests.experiments import assert_one_line_usage_error

PRICE = "power_price_siberia_usd_per_mwh"


def tiny_sweep(folder, sampler, parameters, replications=1, horizon=1, outputs=None):
    data = {"name": f"tiny_{sampler['kind']}", "scenario": "baseline",
            "horizon_years": horizon, "replications": replications, "seed": 5,
            "series": "yearly", "sampler": sampler, "parameters": parameters,
            "outputs": outputs or [PRICE, "unserved_energy_mwh", "import_bill_usd"]}
    spec = parse_spec(data, folder / "tiny.toml")
    run_sweep(spec, folder / "sweep", SerialEvaluator, progress=False)
    return folder / "sweep"


@pytest.fixture(scope="module")
def saltelli(tmp_path_factory):
    """A Saltelli design over an active parameter (hydro inflows move the power price) and one
    that provably does nothing: the reach of the eastern threat while its intensity is zero."""
    folder = tmp_path_factory.mktemp("saltelli")
    sweep = tiny_sweep(folder, {"kind": "saltelli", "n": 2, "seed": 1, "second_order": False},
                       {"hydro_inflow_index": {"low": 0.6, "high": 1.4},
                        "threat_range_east_km": {"low": 200.0, "high": 3000.0}},
                       replications=2, horizon=2)
    return sweep, analyze_sweep(sweep)


def test_sobol_indices_of_a_parameter_without_effect_are_zero(saltelli):
    sweep, result = saltelli
    table = result.sensitivity.table.set_index(["outcome", "parameter"])
    idle = table.loc[(PRICE, "threat_range_east_km")]
    active = table.loc[(PRICE, "hydro_inflow_index")]
    assert abs(idle["S1"]) < 1e-9 and abs(idle["ST"]) < 1e-9
    assert active["ST"] > 0.5
    assert (sweep / "analysis" / "sobol.png").is_file()
    assert "Sobol indices from SALib's Saltelli design" in (sweep / "analysis" / "summary.md").read_text()


def test_sobol_reads_replication_means_in_the_samplers_order(saltelli):
    from SALib.analyze import sobol

    sweep, result = saltelli
    df = read_runs(sweep)
    last = df[df["year"] == df["year"].max()]
    y = last.groupby("point")[PRICE].mean().sort_index().to_numpy()
    data = load_sweep(sweep)
    problem = {k: data.manifest["design"]["problem"][k] for k in ("num_vars", "names", "bounds")}
    si = sobol.analyze(problem, y, calc_second_order=False, num_resamples=200, seed=1)
    table = result.sensitivity.table.set_index(["outcome", "parameter"])
    assert table.loc[(PRICE, "hydro_inflow_index"), "S1"] == pytest.approx(si["S1"][0])
    # replications differ (different seeds), so averaging is not a no-op
    assert last.groupby("point")[PRICE].nunique().max() == 2


def test_the_fan_band_holds_the_median_and_the_numbers_are_the_runs_quantiles(saltelli):
    sweep, _ = saltelli
    out = sweep / "analysis"
    q = pd.read_csv(out / "fan_quantiles.csv")
    assert (q["p5"] <= q["median"] + 1e-12).all() and (q["median"] <= q["p95"] + 1e-12).all()
    df = read_runs(sweep)
    for year, values in df.groupby("year")[PRICE]:
        row = q[(q["indicator"] == PRICE) & (q["year"] == year)].iloc[0]
        assert row["median"] == pytest.approx(np.median(values))
        assert row["p95"] == pytest.approx(np.percentile(values, 95))
        assert row["runs"] == 16
    summary = (out / "summary.md").read_text()
    for name in ("fan_1.png", "scatter_1.png", "final_values.csv"):
        assert (out / name).is_file() and name in summary


def test_prim_recovers_a_known_box():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((600, 3)), columns=["x1", "x2", "x3"])
    d = prim(x, (x["x1"] > 0.5).to_numpy(), "x1 > 0.5")
    limits = d.limits.set_index("parameter")
    assert list(limits.index) == ["x1"]  # only x1 is restricted
    assert limits.loc["x1", "low"] == pytest.approx(0.5, abs=0.03)
    assert d.density == pytest.approx(1.0) and d.coverage > 0.9
    assert len(d.trajectory) > 5


@pytest.mark.parametrize("expr,needles", [
    ("import_substitution_share@2040 >> 0.5", ["cannot read condition", "INDICATOR[@YEAR]"]),
    ("power_price@2025 > 1", ["unknown indicator 'power_price'", PRICE]),
    (f"{PRICE}@2040 > 1", ["year 2040 is not in the sweep's data", "2025, 2026"]),
    (f"{PRICE} > abc", ["cannot read condition"]),
])
def test_a_malformed_condition_exits_2_with_one_line_and_writes_nothing(saltelli, tmp_path,
                                                                        capsys, expr, needles):
    sweep, _ = saltelli
    code = main(["analyze", str(sweep), "--out", str(tmp_path / "x"), "--discover", expr])
    assert_one_line_usage_error(code, capsys.readouterr().err, needles)
    assert not (tmp_path / "x").exists()


def test_a_folder_that_is_not_a_sweep_exits_2(tmp_path, capsys):
    code = main(["analyze", str(tmp_path)])
    assert_one_line_usage_error(code, capsys.readouterr().err, ["not a sweep folder"])


def test_conditions_parse_with_or_without_a_year():
    c = parse_condition("import_substitution_share@2040>=0.5")
    assert (c.indicator, c.year, c.op, c.threshold) == ("import_substitution_share", 2040, ">=", 0.5)
    assert parse_condition(f"{PRICE} < 1e2").year is None
    with pytest.raises(UserInputError):
        parse_condition("x == 1")
