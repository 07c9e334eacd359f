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


def test_no_cargo_moves_on_a_frozen_river_or_the_closed_eastern_nsr_in_january():
    m = SiberiaModel(rng=1, horizon_years=1, threat_intensity=0.0)
    net = m.freight.net
    lane = net.route_links("nsr_lane")
    east = np.concatenate([net.route_links("nsr_bering"),
                           lane[~net.link_open_months[lane, 0]]])  # closed in January
    river = np.flatnonzero(net.link_mode == 1)
    volumes = {}
    while m.running:
        m.step()
        volumes[m.record_month] = m.freight.last.link_volume_t
    assert volumes[1][river].sum() == 0.0 and volumes[1][east].sum() == 0.0
    assert volumes[7][river].sum() > 0 and volumes[7][east].sum() > 0  # transit, Pevek supply


def test_nsr_cargo_reaches_the_pacific_over_the_bering_strait_in_summer():
    m, df = run(1, rng=1)
    a = m.freight.last  # December: the eastern sector is closed, transit waits at Murmansk
    f = [r.id for r in m.scenario_data.background_freight].index("nsr_transit_china")
    assert a.flow_delivered_t[f] == 0.0 and m.freight.waiting_t[f] > 0
    summer = df.loc[df["month"].isin([8, 9]), "nsr_volume_tpa"].mean()
    winter = df.loc[df["month"].isin([1, 2]), "nsr_volume_tpa"].mean()
    assert summer > winter + 3.0e6  # the transit's 3.08 Mt a year sails in the window


def test_an_early_nsr_rail_link_lowers_trans_siberian_utilisation():
    """Paired seeds; the link carries Siberian cargo to Sabetta and over the NSR in summer."""
    util = lambda df: float(df.loc[df["year"] >= 2026, "transsib_utilization"].mean())  # noqa: E731
    d = []
    for seed in (1, 2, 3):
        d.append(util(run(3, rng=seed, nsr_rail_link_year=2026)[1]) - util(run(3, rng=seed)[1]))
    d = np.array(d)
    assert d.mean() < 0 and -d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d)), d


def test_river_development_moves_unmet_corridor_cargo_onto_the_rivers():
    """The Eastern Polygon runs at its limit with cargo turned away: cargo that river
    development draws off is replaced by cargo that was not carried, so the line stays full
    and the unmet cargo falls (paired seeds)."""
    unmet = lambda df: float(df["freight_unmet_tpa"].mean())  # noqa: E731
    d = np.array([unmet(run(2, rng=s, river_development=1.0)[1]) - unmet(run(2, rng=s)[1])
                  for s in (1, 2, 3)])
    assert d.mean() < 0 and -d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d)), d


def test_without_an_industrial_base_the_nsr_carries_only_the_arctic_projects():
    _, base = run(2, rng=1)
    _, none = run(2, rng=1, industrial_base=0.0)
    assert none["transsib_utilization"].max() == 0.0
    assert none["nsr_volume_tpa"].mean() < base["nsr_volume_tpa"].mean()
    assert none["river_volume_tpa"].mean() <= base["river_volume_tpa"].mean()


def test_ports_report_the_cargo_waiting_for_the_season():
    m = SiberiaModel(rng=1, horizon_years=1, threat_intensity=0.0)
    m.step()
    ports = {p.facility_id: p for p in m.ports}
    bg = {r.id: r for r in m.scenario_data.background_freight}
    monthly = lambda rid: bg[rid].volume_t_per_year / 12  # noqa: E731 (base year = 2024/2025)
    assert ports["murmansk_port"].waiting_t == pytest.approx(monthly("nsr_transit_china"))
    assert ports["lesosibirsk_port"].waiting_t == pytest.approx(monthly("yenisei_northern_delivery"))
    assert ports["sabetta_port"].waiting_t == 0.0  # the western sector runs all year
