"""Thermal availability (planned and forced outages) and the planner's new thermal capacity."""

import numpy as np
import pytest

from model import SiberiaModel
from model.power_system import maintenance_weights

from .test_power_claims import paired, significant, year_mean


@pytest.fixture(scope="module")
def model():
    return SiberiaModel(rng=7, horizon_years=3)


def test_maintenance_is_scheduled_in_summer_and_averages_one():
    w = maintenance_weights()
    assert w.mean() == pytest.approx(1.0)
    assert w[0] == pytest.approx(0.0) and w.argmax() == 6  # none in January, most in July


def test_a_year_of_availability_averages_the_fuel_availability(model):
    p = model.power
    shares = np.array([p.available_share(m % 12 + 1, m) for m in range(36)])  # (months, S)
    fleets = [i for i, st in enumerate(p.thermal) if st in p.expansion.values()]
    avail = np.array([p._fuel_value(st, "availability") for st in p.thermal])
    # new-build fleets count expected outages: exactly the fuel's availability every year
    for i in fleets:
        assert shares[:12, i].mean() == pytest.approx(avail[i])
    # drawn outages: the mean over the fleet and three years is close to the expectation
    drawn = [i for i in range(len(p.thermal)) if i not in fleets]
    assert abs(shares[:, drawn].mean() - avail[drawn].mean()) < 0.02
    # summer maintenance: July has less available than January for every station on average
    assert shares[6::12].mean() < shares[0::12].mean()


def test_small_stations_vary_more_than_aggregate_fleets(model):
    p = model.power
    sd = p.forced_share.std(axis=1)
    cap = np.array([st.capacity_mw for st in p.thermal])
    drawn = np.array([st not in p.expansion.values() for st in p.thermal])
    small = drawn & (cap <= 700)
    big = drawn & (cap >= 5000)
    assert small.any() and big.any()
    assert sd[small].mean() > 2 * sd[big].mean()


def test_outage_draws_belong_to_the_station_not_to_the_run_layout():
    """Common random numbers: a lever that changes other things leaves each station's draws."""
    a = SiberiaModel(rng=3, horizon_years=2)
    b = SiberiaModel("hydro_push", rng=3, horizon_years=2, ai_demand_gw_2035=8.0)
    rows_a = {st.facility_id: row for st, row in zip(a.power.thermal, a.power.forced_share,
                                                      strict=True)}
    rows_b = {st.facility_id: row for st, row in zip(b.power.thermal, b.power.forced_share,
                                                      strict=True)}
    assert rows_a.keys() == rows_b.keys()
    for k in rows_a:
        np.testing.assert_array_equal(rows_a[k], rows_b[k])
    c = SiberiaModel(rng=4, horizon_years=2)
    differs = [not np.array_equal(rows_a[st.facility_id], row)
               for st, row in zip(c.power.thermal, c.power.forced_share, strict=True)]
    assert any(differs)  # another seed, other draws


def test_the_planner_orders_capacity_only_where_a_node_runs_short():
    m = SiberiaModel(rng=5, horizon_years=12, ai_demand_gw_2035=0.0)
    p = m.power
    ordered = m.planner.plan_thermal(2025)
    lead = {n: int(round(p.fuels[f.fuel].new_lead_time_years)) for n, f in p.expansion.items()}
    for node, fleet in p.expansion.items():
        i = p.nodes.index(node)
        online = 2025 + lead[node]
        short = (p.peak_load_mw(online, m.committed_load_mw_by_node())[i]
                 * (1 + m.params.reserve_margin))
        if node in ordered:
            # after the order the node is adequate; before it, it was short
            assert p.firm_supply_mw(online)[i] >= short - 1e-6
            assert fleet.capacity_online_by(online - 1) < fleet.capacity_online_by(online)
        else:
            assert p.firm_supply_mw(online)[i] >= short - 1e-6
    assert m.planner.thermal_capex_committed_usd == pytest.approx(
        sum(fleet.capex_spent_usd for fleet in p.expansion.values()))
    off = SiberiaModel(rng=5, horizon_years=12, thermal_expansion=False)
    assert off.planner.plan_thermal(2025) == {}


def test_thermal_expansion_keeps_the_lights_on_under_an_ai_boom():
    unserved = year_mean("unserved_energy_mwh", 2033)
    boom = {"ai_demand_gw_2035": 12.0}
    d = paired(unserved, {**boom, "thermal_expansion": False}, {**boom, "thermal_expansion": True},
               years=9)
    assert d.mean() < 0 and significant(d), d
    # before any ordered plant can come online (coal: 5 years) the switch changes nothing
    early = year_mean("unserved_energy_mwh", 2028)
    d0 = paired(early, {**boom, "thermal_expansion": False}, {**boom, "thermal_expansion": True},
                years=4)
    assert np.allclose(d0, 0.0), d0
