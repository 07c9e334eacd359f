"""Shipyards (agents/shipyard.py): river and ice-class fleets grow only as fast as the yards
deliver; a yard with a sustained queue expands when the expansion pays; added capacity draws
power at its node and employs people in its region."""

import numpy as np
import pytest

from agents.shipyard import CARRY_T_PER_DWT_YEAR
from model import SiberiaModel
from model.scenario import load_scenario

BASE = load_scenario("baseline")

# a Yenisei flow far beyond the river's capacity: the fleet runs full and orders vessels
HEAVY_YENISEI = '''name = "heavy_yenisei"
description = "test variant: the Yenisei fleet runs full"
extends = "baseline"

[[background_freight]]
id = "test_yenisei_bulk"
name = "Test bulk down the Yenisei"
cargo = "ore"
origin = "lesosibirsk_port"
destination = "dudinka_port"
volume_t_per_year = 20_000_000.0
base_year = 2025
modes = ["river"]
source = "test"
confidence = "low"
'''


@pytest.fixture(scope="module")
def heavy(tmp_path_factory):
    path = tmp_path_factory.mktemp("yards") / "heavy_yenisei.toml"
    path.write_text(HEAVY_YENISEI, encoding="utf-8")
    return str(path)


def _run(scenario, years, rng, **params):
    m = SiberiaModel(scenario, rng=rng, horizon_years=years, threat_intensity=0.0, **params)
    while m.running:
        m.step()
    return m, m.datacollector.get_model_vars_dataframe()


def test_every_yard_row_is_a_facility_with_a_fleet_and_a_capacity():
    m = SiberiaModel(rng=1, horizon_years=1)
    assert {y.facility_id for y in m.shipyards} == {r.id for r in BASE.shipyards}
    for y in m.shipyards:
        assert m.facilities[y.facility_id] is y
        assert y.fleet in ("river", "ice_class") and y.capacity_dwt_per_year > 0
        assert m.atlas.region_at(y.lat, y.lon) == y.region
    river = sum(y.capacity_dwt_per_year for y in m.shipyards if y.fleet == "river")
    assert river == pytest.approx(21_000.0)  # ~7 barges of 3,000 t a year (facts, assumptions)
    fleets = {s.operator: s.fleet for s in m.shippers}
    assert fleets["Northern Sea Route shipping"] == "ice_class"
    assert fleets["Russian Railways"] is None
    assert {s.fleet for s in m.shippers if s.mode == "river"} == {"river"}


def test_a_full_river_fleet_grows_only_as_fast_as_the_yards_deliver(heavy):
    m, _ = _run(heavy, 5, 1)
    yenisei = next(s for s in m.shippers if "yenisei" in s.route_ids)
    delivered_tpa = yenisei.delivered_tpa.get("yenisei", 0.0)
    yards = [y for y in m.shipyards if y.fleet == "river"]
    assert delivered_tpa > 0
    # orders from January 2026 on; at most the yards' capacity each January 2027..2029
    most = 3 * sum(y.base_capacity_dwt for y in yards) * CARRY_T_PER_DWT_YEAR["river"]
    assert delivered_tpa <= most + 1e-6
    assert sum(y.queue_dwt for y in yards) > 0  # the rest waits in the yards' order books


def test_without_yard_capacity_the_river_carries_less(heavy):
    """Paired seeds: river cargo with the yards minus without; zero when nothing is ordered."""
    def river_mt(df):
        return df.loc[df["year"] >= 2028, "river_volume_tpa"].mean() / 1e6

    diffs, still = [], []
    for seed in (1, 2, 3):
        diffs.append(river_mt(_run(heavy, 5, seed)[1])
                     - river_mt(_run(heavy, 5, seed, shipyard_capacity_factor=0.0)[1]))
    for seed in (1,):  # no orders at all: the yards' capacity makes no difference
        still.append(river_mt(_run(heavy, 5, seed, capacity_expansion_step=0.0)[1])
                     - river_mt(_run(heavy, 5, seed, capacity_expansion_step=0.0,
                                     shipyard_capacity_factor=0.0)[1]))
    d = np.array(diffs)
    assert d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d)) and d.mean() > 0, diffs
    assert still == [pytest.approx(0.0, abs=1e-9)]


def test_a_sustained_queue_expands_a_yard_only_when_the_expansion_pays(heavy):
    market, _ = _run(heavy, 6, 1)
    river = [y for y in market.shipyards if y.fleet == "river"]
    appraised = [y for y in river if y.last_npv_usd is not None]
    assert appraised and all(y.last_npv_usd < 0 for y in appraised)  # unsupported: no
    assert all(not y.building and y.added_dwt == 0 for y in river)
    backed, _ = _run(heavy, 6, 1, shipyard_support_share=1.0)
    grown = [y for y in backed.shipyards if y.added_dwt > 0 or y.building]
    assert grown and all(y.last_npv_usd > 0 for y in grown)
    assert all(y.capex_usd > 0 for y in grown)


def test_a_yards_added_capacity_draws_power_at_its_node_and_employs_people(heavy):
    m = SiberiaModel(heavy, rng=1, horizon_years=1, threat_intensity=0.0)
    m.step()
    yard = next(y for y in m.shipyards if y.facility_id == "krasnoyarsk_shipyard")
    assert m.shipyard_load_mw_by_node().sum() == 0.0  # today's yards: in the base loads
    region = next(r for r in m.regions if r.name == yard.region)
    m.chain.clear_labour_market()
    jobs_before = region.jobs
    yard.added_dwt = 6000.0  # an expansion as large as the yard, online
    load = m.shipyard_load_mw_by_node()
    node = m.power.nodes.index(m.power.region_node[yard.region])
    assert load[node] == pytest.approx(5.0) and load.sum() == pytest.approx(5.0)
    m.chain.clear_labour_market()
    assert region.jobs == pytest.approx(jobs_before + 500.0)
