"""SiberiaModel: construction from scenario data, the schedule, determinism, Mesa interop."""

import math

import mesa
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mesa.visualization.solara_viz import _build_model_init_kwargs

from agents import FacilityState, Mine, PowerStation
from model import SiberiaModel, available_scenarios
from model.errors import ParameterError, ScenarioError
from model.indicators import INDICATORS, columns, signed_columns
from model.invariants import violations
from tests.strategies import draw_valid_params


def test_facilities_sit_on_the_cells_of_their_coordinates():
    m = SiberiaModel(rng=1)
    assert len(m.facilities) == (len(m.scenario_data.ports) + len(m.scenario_data.deposits)
                                 + len(m.scenario_data.power_stations)
                                 + len(m.scenario_data.planned_hydro)
                                 + len(m.power.expansion)  # the planner's new-build fleets
                                 + len(m.scenario_data.processing_plants)
                                 + len(m.scenario_data.choke_points)
                                 + len(m.scenario_data.shipyards))
    for f in m.facilities.values():
        assert f.cell.coordinate == m.atlas.cell_of(f.lat, f.lon)
        assert f in f.cell.agents
    ssh = next(p for p in m.power_stations if p.name == "Sayano-Shushenskaya")
    assert m.atlas.region_at(ssh.lat, ssh.lon) == ssh.region == "Khakassia"
    assert all(p.state is FacilityState.PLANNED for p in m.planned_hydro)
    assert len(m.regions) == 20 and all(r.area_km2 > 0 for r in m.regions)


def test_mesa_cells_exist_only_where_facilities_are():
    m = SiberiaModel(rng=1, resolution_deg=0.25)
    assert len(m.space.all_cells) <= len(m.facilities)
    assert m.atlas.shape == (164, 644)


def test_the_calendar_runs_month_by_month_to_the_horizon():
    m = SiberiaModel(rng=1, horizon_years=1)
    assert m.calendar.label() == "January 2025"
    steps = 0
    while m.running:
        m.step()
        steps += 1
    assert steps == 12 and m.calendar.label() == "January 2026"
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df["month"]) == list(range(1, 13)) and set(df["year"]) == {2025}
    m.step()  # stepping past the horizon does nothing
    assert len(m.datacollector.get_model_vars_dataframe()) == 12


def test_collected_indicators_come_from_the_registry_and_are_finite():
    m = SiberiaModel(rng=3, horizon_years=1)
    for _ in range(3):
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == columns(m)
    assert df.notna().all().all()
    pending = {n for n, i in INDICATORS.items() if not i.available}
    assert pending.isdisjoint(df.columns), "pending indicators must not hold made-up numbers"
    hydro = sum(p.capacity_mw for p in m.scenario_data.power_stations if p.kind == "hydro")
    assert df["hydro_capacity_mw"].iloc[0] == pytest.approx(hydro)
    assert all(math.isfinite(v) and v >= 0 for v in df.iloc[-1] if isinstance(v, float))


def test_same_seed_same_results():
    def run(seed):
        m = SiberiaModel(rng=seed, horizon_years=1)
        for _ in range(6):
            m.step()
        return m.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(run(7), run(7))


def test_scenario_by_name_and_by_path_are_the_same():
    by_name = SiberiaModel("hydro_push", rng=1)
    by_path = SiberiaModel(str(by_name.scenario_data.path), rng=1)
    assert by_path.params == by_name.params and by_name.scenario_name == "hydro_push"


def test_bad_input_raises_clear_errors_and_builds_nothing():
    before = SiberiaModel(rng=1)
    with pytest.raises(ParameterError, match="did you mean 'discount_rate'"):
        SiberiaModel(rng=1, discount_rat=0.1)
    with pytest.raises(ParameterError, match="out of bounds"):
        SiberiaModel(rng=1, horizon_years=40)
    with pytest.raises(ScenarioError, match="unknown scenario"):
        SiberiaModel("no_such_scenario", rng=1)
    assert len(before.agents) == len(SiberiaModel(rng=1).agents)


def test_batch_run_works_with_plain_values():
    results = mesa.batch_run(SiberiaModel, parameters={"scenario": ["baseline", "ai_boom"],
                                                      "discount_rate": 0.08},
                             rng=[1, 2], max_steps=12, number_processes=1,
                             display_progress=False)
    assert len(results) == 4
    assert {r["scenario"] for r in results} == {"baseline", "ai_boom"}
    assert all(r["Step"] == 12 and r["month"] == 12 for r in results)


def test_a_scenario_picked_in_the_app_survives_mesa_reset():
    """SolaraViz's Reset rebuilds the model through Mesa's own scenario handling."""
    m = SiberiaModel(rng=1)
    kwargs = _build_model_init_kwargs(m, {"scenario_name": "high_threat", "discount_rate": 0.2},
                                      add_scenario_when_empty=True,
                                      require_model_accepts_scenario=True)
    again = type(m)(**kwargs)
    assert again.scenario_name == "high_threat"
    assert again.params.discount_rate == 0.2
    assert again.params.threat_intensity == again.scenario_data.params["threat_intensity"]


def test_agents_by_kind():
    m = SiberiaModel(rng=1)
    assert set(m.agents_by_type) >= {PowerStation, Mine}
    assert m.capacity_mw("hydro") > 30_000  # Siberian and Far Eastern hydro fleet (~32.4 GW)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**31 - 1))
def test_any_valid_parameters_give_a_finite_run(data, seed):
    """Random valid parameter sets: the model builds, steps, and records no NaN or negative."""
    params = draw_valid_params(data)
    m = SiberiaModel(data.draw(st.sampled_from(available_scenarios())), rng=seed, **params)
    for _ in range(min(m.horizon_months, 3)):
        m.step()
        broken = violations(m)  # energy, mass, money and freight balances; finite outputs
        assert not broken, "\n".join(broken)
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == min(m.horizon_months, 3)
    signed = signed_columns(df.columns)  # NPVs, cash flows, value added
    assert pd.notna(df[signed].to_numpy(dtype=float)).all()
    values = df.drop(columns=["year", "month", *signed]).to_numpy(dtype=float)
    assert (values >= 0).all() and pd.notna(values).all()


def test_a_run_without_a_seed_is_repeated_by_its_reported_seed():
    a = SiberiaModel(horizon_years=1)
    b = SiberiaModel(rng=a.run_seed, horizon_years=1)
    for m in (a, b):
        for _ in range(6):
            m.step()
    pd.testing.assert_frame_equal(a.datacollector.get_model_vars_dataframe(),
                                  b.datacollector.get_model_vars_dataframe())
