"""Freight in the model: base-year corridor load, cargo conservation, levers and shippers."""

import numpy as np
import pytest

from model import SiberiaModel
from model.chain import MOSCOW, freight_cost_usd_per_t
from model.markets.freight import link_open

from .runs import run


@pytest.fixture(scope="module")
def base_year():
    return run(1, rng=42)


def test_the_base_year_fills_the_eastern_polygon(base_year):
    _, df = base_year
    assert 0.9 <= df["transsib_utilization"].mean() <= 1.0  # facts: lines run at their limit
    assert df["nsr_volume_tpa"].mean() > 20e6  # Yamal LNG, Novy Port crude, Norilsk


def test_cargo_is_delivered_waits_or_is_counted_unmet_never_lost():
    m = SiberiaModel(rng=2, horizon_years=2)
    while m.running:
        m.step()
        f = m.freight
        a = f.last
        offered = a.flow_tonnes.sum()
        assert offered == pytest.approx(a.flow_delivered_t.sum() + f.waiting_t.sum() + f.unmet_t,
                                        rel=1e-9)


def test_frozen_rivers_hold_cargo_in_winter_and_release_it_in_summer():
    m, df = run(1, rng=3)
    winter = df.loc[df["month"].isin([1, 2, 3]), "freight_waiting_t"].mean()
    summer = df.loc[df["month"].isin([7, 8]), "freight_waiting_t"].mean()
    assert winter > 0 and summer < winter


def test_river_development_shortens_the_wait():
    _, dev0 = run(1, rng=4, river_development=0.0)
    _, dev1 = run(1, rng=4, river_development=1.0)
    assert dev1["freight_waiting_t"].sum() < dev0["freight_waiting_t"].sum()


def test_the_nsr_rail_link_opens_in_its_year():
    m = SiberiaModel(rng=1, horizon_years=1, nsr_rail_link_year=2031)
    f = m.freight
    links = f.net.route_links("obskaya_sabetta")
    assert not link_open(f.net, 7, 2030, opens_year=f.opens_year)[links].any()
    assert link_open(f.net, 7, 2031, opens_year=f.opens_year)[links].all()
    never = SiberiaModel(rng=1, horizon_years=1).freight
    assert not link_open(never.net, 7, 2049, opens_year=never.opens_year)[links].any()


def test_shippers_expanding_capacity_carry_more_of_a_growing_demand():
    unmet = lambda df: float(df.loc[df["year"] >= 2031, "freight_unmet_tpa"].mean())  # noqa: E731
    d = []
    for seed in (1, 2):
        _, none = run(9, rng=seed, capacity_expansion_step=0.0)
        _, grow = run(9, rng=seed)
        d.append(unmet(grow) - unmet(none))
    assert max(d) < 0, d
    # in the first three years no ordered capacity can be online yet: no difference
    _, a = run(3, rng=1, capacity_expansion_step=0.0)
    _, b = run(3, rng=1)
    assert np.allclose(a["freight_unmet_tpa"], b["freight_unmet_tpa"])


def test_investors_see_route_costs_not_a_distance_placeholder():
    m = SiberiaModel(rng=1, horizon_years=1)
    site = next(s for s in m.scenario_data.industrial_sites if s.id == "krasnokamensk")
    routed = m.chain.site_freight(site)[0]
    placeholder = freight_cost_usd_per_t(site.lat, site.lon, *MOSCOW)
    assert routed > 0 and routed != pytest.approx(placeholder)


def test_a_cut_choke_point_stops_its_corridor_and_shows_what_depends_on_it():
    from agents import FacilityState

    m = SiberiaModel(rng=5, horizon_years=1, threat_intensity=0.0)
    m.step()
    shares = m.freight.choke_point_shares()
    assert set(shares) == {c.facility_id for c in m.choke_points}
    assert shares["taishet_junction"] > 0.3  # most eastbound freight passes Taishet
    before = m.freight.unmet_t
    bridge = m.facilities["amur_bridge_khabarovsk"]
    bridge.state = FacilityState.DISRUPTED
    m.threats.disrupted_until[bridge.facility_id] = m.calendar.month_index + 1
    m.step()
    links = m.freight.choke_links[bridge.facility_id]
    assert m.freight.last.link_volume_t[links].sum() == 0.0
    assert m.freight.unmet_t > before
