"""Compare, bands and click-to-inspect without a browser; the saved scenario through `siberia run`."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import SiberiaModel, UserInputError
from viz import state
from viz.app import DEFAULT_SEED
from viz.atlas_map import PROJ
from viz.compare import Comparison, lever_arm, parse_value, scenario_arm
from viz.map_view import PICK_RADIUS_PX, facility_at, render_map
from viz.plots import indicator_figure
from viz.uncertainty import ReplicationJob

ROOT = Path(__file__).resolve().parents[2]
PRICE = ("power_price_siberia_usd_per_mwh",)


def stepped(months: int, **params) -> SiberiaModel:
    m = SiberiaModel(rng=DEFAULT_SEED + months, horizon_years=1, **params)
    for _ in range(months):
        m.step()
    return m


def test_compare_with_identical_settings_differs_by_exactly_zero():
    main = stepped(3)
    for b in (lever_arm(main, "hydro_inflow_index", str(main.params.hydro_inflow_index)),
              scenario_arm(main, "baseline")):
        diff = Comparison.start(main, b).difference_frame()
        assert len(diff) == 3
        assert (diff.drop(columns=["year", "month"]).to_numpy() == 0).all(), b.label


def test_a_wetter_year_lever_raises_hydro_generation_and_steps_in_lockstep():
    main = stepped(2)
    c = Comparison.start(main, lever_arm(main, "hydro_inflow_index", "1.3"))
    assert c.other.calendar.month_index == 2 and c.other.run_seed == main.run_seed
    main.step()
    a, b = c.frames()  # the counterfactual catches up to the main model's date
    assert len(a) == len(b) == 3
    diff = c.difference_frame()
    assert (diff["generation_hydro_twh"] > 0).all()
    off = Comparison.start(main, lever_arm(main, "hydro_inflow_index", "1.0"))
    assert (off.difference_frame()["generation_hydro_twh"] == 0).all()


def test_bad_lever_values_say_what_is_valid():
    with pytest.raises(UserInputError, match="0.6 to 1.4"):
        parse_value("hydro_inflow_index", "7")
    with pytest.raises(UserInputError, match="expects a number"):
        parse_value("hydro_inflow_index", "wet")
    with pytest.raises(UserInputError, match="valid names: .*hydro_inflow_index"):
        parse_value("no_such_lever", "1")
    assert parse_value("planning_mode", "coordinated") == "coordinated"


def test_plots_show_two_series_or_their_difference():
    main = stepped(3)
    c = Comparison.start(main, lever_arm(main, "hydro_inflow_index", "1.3"))
    ax = indicator_figure(main, "p", PRICE, comparison=c).axes[0]
    lines = [ln for ln in ax.lines if not ln.get_label().startswith("_")]
    assert len(lines) == 2 and lines[1].get_linestyle() == "--"
    assert not np.array_equal(lines[0].get_ydata(), lines[1].get_ydata())
    c.difference = True
    ax = indicator_figure(main, "p", PRICE, comparison=c).axes[0]
    lines = [ln for ln in ax.lines if not ln.get_label().startswith("_")]
    assert len(lines) == 1
    np.testing.assert_allclose(lines[0].get_ydata(), c.difference_frame()[PRICE[0]])


def _wait(job: ReplicationJob, seconds: float = 60) -> None:
    job.thread.join(seconds)
    assert not job.thread.is_alive()


def test_background_replications_give_bands_that_the_plots_draw():
    main = stepped(2)
    state.replicated.set(None)
    job = ReplicationJob(main, 3, main.calendar.month_index)
    state.job.set(job)
    job.start()
    _wait(job)
    result = state.replicated.value
    assert state.job.value is None and state.progress.value == (3, 3)
    assert result.n == 3 and result.model_ref() is main
    assert all(len(f) == 2 for f in result.runs["A"])
    ax = indicator_figure(main, "p", PRICE, replicated=result).axes[0]
    assert len(ax.collections) == 1  # the 5-95% band
    assert any("median" in ln.get_label() for ln in ax.lines)


def test_cancel_and_reset_stop_the_replications():
    main = stepped(1)
    job = ReplicationJob(main, 4, 12)
    state.replicated.set(None)
    state.job.set(job)
    job.start()
    time.sleep(0.3)
    state.forget_other_models(stepped(0))  # a Reset: another model
    assert job.cancelled and state.job.value is None
    _wait(job, 10)
    assert state.replicated.value is None  # a cancelled job publishes nothing


def test_a_click_on_a_marker_selects_that_facility_and_a_click_at_sea_selects_none():
    m = stepped(1)
    png, g = render_map(m)
    assert png[:4] == b"\x89PNG"
    radius = PICK_RADIUS_PX * g.data_per_px
    hits = 0
    for fid, f in m.facilities.items():
        px, py = g.to_pixels.transform(PROJ(f.lon, f.lat))
        x, y = g.data_at(px / g.width_px, 1 - py / g.height_px)
        picked = facility_at(m, x, y, radius)
        assert picked is not None
        p = m.facilities[picked]
        assert np.hypot(*np.subtract(PROJ(p.lon, p.lat), (x, y))) <= \
            np.hypot(*np.subtract(PROJ(f.lon, f.lat), (x, y))) + 1e-12
        hits += picked == fid
    assert hits > len(m.facilities) / 2  # co-located facilities share a point
    x, y = g.data_at(0.01, 0.02)  # the top-left corner: empty
    assert facility_at(m, x, y, radius) is None


def test_a_scenario_saved_in_the_app_reproduces_through_siberia_run(tmp_path):
    from viz.app import saved_scenario_toml

    m = SiberiaModel("baseline", rng=5, horizon_years=1, hydro_inflow_index=1.2)
    while m.running:
        m.step()
    path = tmp_path / "saved.toml"
    path.write_text(saved_scenario_toml(m))
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "experiments.cli", "run", "--scenario",
                           str(path), "--seed", "5", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ran = pd.read_parquet(out / "indicators.parquet")
    app = m.datacollector.get_model_vars_dataframe()
    assert len(ran) == len(app) == 12
    for name in app.columns:
        np.testing.assert_array_equal(ran[name].to_numpy(), app[name].to_numpy(), err_msg=name)


def test_replications_of_a_comparison_band_both_arms_and_their_paired_difference():
    main = stepped(2)
    same = Comparison.start(main, lever_arm(main, "hydro_inflow_index", "1.0"))
    state.comparison.set(same)
    job = ReplicationJob(main, 2, 2, same)
    state.job.set(job)
    job.start()
    _wait(job)
    result = state.replicated.value
    assert set(result.runs) == {"A", "B"} and result.b_label == same.b.label
    ax = indicator_figure(main, "p", PRICE, comparison=same, replicated=result).axes[0]
    assert len(ax.collections) == 2  # a band per arm
    same.difference = True
    ax = indicator_figure(main, "p", PRICE, comparison=same, replicated=result).axes[0]
    (band,) = ax.collections
    median = next(ln for ln in ax.lines if "median" in ln.get_label())
    assert (median.get_ydata() == 0).all()  # identical settings: paired differences are zero
    assert np.allclose(band.get_paths()[0].vertices[:, 1], 0.0)
    state.comparison.set(None)
