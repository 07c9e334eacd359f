"""The Mesa-free freight market: the network builder, seasons, least-cost assignment with
congestion, cargo that waits, and the real baseline network."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.geo.geodesy import haversine_km
from model.markets import freight as fr
from model.markets.freight import ModeSpec, PortSpec, RouteSpec, Section
from model.scenario import load_scenario

MODES = {"rail": ModeSpec(0.02, 1e9, 1.0, 2.0), "river": ModeSpec(0.01, 1e9, 1.0, 3.0),
         "sea": ModeSpec(0.005, 1e9, 1.0, 4.0), "road": ModeSpec(0.05, 1e9, 1.0, 1.0)}
A, B = (60.0, 90.0), (60.0, 100.0)  # ~555 km apart
SUMMER = (5, 6, 7, 8, 9, 10)


def net_of(*routes, ports=(), modes=MODES, **kw):
    return fr.build_network(list(routes), list(ports), modes, **kw)


def parallel(rail_cap=None, river_months=SUMMER, river_cap=None):
    """A rail line and a river joining the same two towns."""
    return net_of(RouteSpec("rail", "rail", (A, (60.2, 95.0), B), capacity_t_per_month=rail_cap),
                  RouteSpec("river", "river", (A, (59.8, 95.0), B), navigation_months=river_months,
                            capacity_t_per_month=river_cap))


def node(net, latlon):
    return net.nearest_node(*latlon)


def modes_of(net, a, f=0):
    return {m for path in fr.path_modes(net, a, f) for m in path}


# --- the builder ------------------------------------------------------------------------------
def test_points_of_crossing_routes_within_the_snap_distance_become_one_transfer_node():
    rail = RouteSpec("rail", "rail", ((55.0, 90.0), (56.0, 92.0), (57.0, 94.0)))
    river = RouteSpec("river", "river", ((58.0, 91.0), (56.1, 92.1), (54.0, 93.0)),
                      navigation_months=SUMMER)
    far = RouteSpec("road", "road", ((57.5, 94.0), (58.0, 96.0)))  # ~55 km from the rail end
    net = net_of(rail, river, far)
    assert net.n_nodes == 3 + 3 + 2 - 1  # only the crossing merges
    x = node(net, (56.0, 92.0))
    assert net.node_modes(x) == {"rail", "river"}
    assert node(net, (56.1, 92.1)) == x
    assert net.node_modes(node(net, (57.0, 94.0))) == {"rail"}
    assert net.n_links == 2 * (2 + 2 + 1)


def test_two_points_of_one_route_never_merge_into_one_node():
    # the road passes two rail stations 20 km apart; each road point joins one of them at most
    rail = RouteSpec("rail", "rail", ((60.0, 90.0), (60.0, 90.36), (60.0, 92.0)))
    road = RouteSpec("road", "road", ((60.05, 90.0), (60.05, 90.36)))
    net = net_of(rail, road)
    ends = net.link_from[net.link_mode == 3], net.link_to[net.link_mode == 3]
    assert np.all(ends[0] != ends[1])  # no road link became a loop
    assert len(np.unique(net.link_from[net.route_links("rail")])) == 3


def test_a_route_that_ends_on_another_routes_segment_is_joined_there():
    main = RouteSpec("main", "river", ((56.0, 93.0), (59.0, 92.0)), navigation_months=SUMMER)
    tributary = RouteSpec("trib", "river", ((57.5, 92.7), (57.6, 96.0)), navigation_months=SUMMER)
    net = net_of(main, tributary)
    j = node(net, (57.5, 92.7))
    assert "junction" in net.node_name[j]
    assert len(net.route_links("main")) == 4  # split in two at the junction
    a = fr.assign(net, fr.make_flows([node(net, (56.0, 93.0))], [node(net, (57.6, 96.0))],
                                     [100.0]), 7, 2025)
    assert a.flow_delivered_t[0] == pytest.approx(100.0)


def test_lengths_follow_the_great_circle_times_circuity_or_the_routes_given_length():
    modes = {**MODES, "rail": ModeSpec(0.02, 1e9, 1.25, 2.0)}
    gc = haversine_km(*A, *B)
    net = net_of(RouteSpec("r", "rail", (A, B)), modes=modes)
    assert net.link_length_km == pytest.approx([1.25 * gc] * 2)
    assert net.link_cost_usd_per_t == pytest.approx([1.25 * gc * 0.02] * 2)
    net = net_of(RouteSpec("r", "rail", (A, B), length_km=700.0), modes=modes)
    assert net.link_length_km == pytest.approx([700.0] * 2)


def test_ports_attach_to_the_nearest_node_of_their_kind():
    rail = RouteSpec("rail", "rail", ((60.0, 90.0), (60.0, 91.0)))
    river = RouteSpec("river", "river", ((60.2, 90.0), (62.0, 90.0)), navigation_months=SUMMER)
    ports = [PortSpec("p_river", "river", 60.05, 90.0), PortSpec("p_sea", "sea", 60.0, 91.0)]
    net = net_of(rail, river, ports=ports)
    assert net.port_node["p_river"] == node(net, (60.2, 90.0))  # not the closer rail station
    assert net.port_node["p_sea"] == node(net, (60.0, 91.0))  # no sea link: the nearest node


# --- seasons ----------------------------------------------------------------------------------
def test_a_river_link_is_closed_in_january_and_open_in_july():
    net = parallel()
    river = net.route_links("river")
    assert not fr.link_open(net, 1, 2025)[river].any()
    assert fr.link_open(net, 7, 2025)[river].all()
    assert fr.link_open(net, 1, 2025)[net.route_links("rail")].all()
    assert fr.link_capacity_t(net, 1, 2025)[river].sum() == 0


def test_a_section_has_its_own_season():
    river = RouteSpec("r", "river", ((56.0, 93.0), (62.0, 90.0), (69.0, 86.0)),
                      navigation_months=SUMMER, sections=(Section(1, (6, 7, 8, 9)),))
    net = net_of(river)
    upper, lower = net.route_links("r")[:2], net.route_links("r")[2:]
    assert fr.link_open(net, 5, 2025)[upper].all() and not fr.link_open(net, 5, 2025)[lower].any()
    assert fr.link_open(net, 8, 2025)[lower].all()


def nsr():
    return net_of(RouteSpec("nsr", "sea", ((70.0, 60.0), (75.0, 100.0)),
                            navigation_months=(7, 8, 9, 10, 11)))


def open_months(net, route, **kw):
    links = net.route_links(route)
    return {m for m in range(1, 13) if fr.link_open(net, m, 2025, **kw)[links].all()}


def test_the_nsr_window_widens_with_icebreaker_support():
    net = nsr()
    assert open_months(net, "nsr") == {7, 8, 9, 10, 11}
    assert open_months(net, "nsr", icebreaker_support=2 / 7) == {6, 7, 8, 9, 10, 11, 12}
    assert open_months(net, "nsr", icebreaker_support=1.0) == set(range(1, 13))
    # a fraction of a month opens that share of its capacity (December first: autumn)
    cap = fr.link_capacity_t(net, 12, 2025, icebreaker_support=0.5 / 7)[0]
    assert cap == pytest.approx(0.5 * 1e9)


@given(s1=st.floats(0, 1), s2=st.floats(0, 1))
def test_more_icebreaker_support_never_closes_a_month(s1, s2):
    lo, hi = sorted((s1, s2))
    net = NSR
    for m in range(1, 13):
        assert (fr.link_capacity_t(net, m, 2025, icebreaker_support=hi)
                >= fr.link_capacity_t(net, m, 2025, icebreaker_support=lo) - 1e-6).all()


NSR = nsr()


def test_river_development_lengthens_the_season_and_raises_capacity():
    net = parallel()
    river = net.route_links("river")
    assert not fr.link_open(net, 11, 2025)[river].any()
    assert fr.link_open(net, 11, 2025, river_development=1.0)[river].all()  # autumn first
    assert not fr.link_open(net, 4, 2025, river_development=1.0)[river].any()
    assert fr.link_capacity_t(net, 7, 2025, river_development=0.5)[river] == pytest.approx(1.5e9)
    rail = net.route_links("rail")
    assert fr.link_capacity_t(net, 7, 2025, river_development=1.0)[rail] == pytest.approx(1e9)


def test_a_planned_route_is_closed_before_its_opening_year():
    net = net_of(RouteSpec("new", "rail", (A, B), opens_year=2030, planned=True),
                 RouteSpec("idea", "rail", (B, (60.0, 105.0)), planned=True))
    new, idea = net.route_links("new"), net.route_links("idea")
    assert not fr.link_open(net, 6, 2029)[new].any() and fr.link_open(net, 6, 2030)[new].all()
    assert not fr.link_open(net, 6, 2050)[idea].any()  # planned, no year: never
    lever = {"idea": 2035, "new": None}
    assert fr.link_open(net, 6, 2035, opens_year=lever)[idea].all()
    assert not fr.link_open(net, 6, 2040, opens_year=lever)[new].any()


# --- assignment -------------------------------------------------------------------------------
def test_cargo_takes_the_cheaper_river_in_summer_and_falls_back_to_rail_when_it_freezes():
    net = parallel()
    flows = fr.make_flows([node(net, A)], [node(net, B)], [1000.0])
    july, january = fr.assign(net, flows, 7, 2025), fr.assign(net, flows, 1, 2025)
    assert modes_of(net, july) == {"river"}
    assert modes_of(net, january) == {"rail"}
    assert july.flow_cost_usd_per_t[0] < january.flow_cost_usd_per_t[0]
    assert january.flow_waiting_t[0] == 0


def test_a_flow_restricted_to_rail_stays_on_rail():
    net = parallel()
    flows = fr.make_flows([node(net, A)], [node(net, B)], [1000.0], modes=[["rail"]])
    assert modes_of(net, fr.assign(net, flows, 7, 2025)) == {"rail"}


def test_a_mode_change_pays_the_transfer_cost_of_the_mode_moved_onto():
    c = (60.0, 110.0)
    net = net_of(RouteSpec("rail", "rail", (A, B)),
                 RouteSpec("sea", "sea", (B, c)))
    a = fr.assign(net, fr.make_flows([node(net, A)], [node(net, c)], [10.0]), 7, 2025)
    expected = net.link_cost_usd_per_t.sum() / 2 + MODES["sea"].transfer_cost_usd_per_t
    assert a.flow_cost_usd_per_t[0] == pytest.approx(expected, rel=1e-6)


def test_doubling_a_flow_over_a_full_link_raises_its_cost_and_spills_onto_the_alternative():
    net = net_of(RouteSpec("rail", "rail", (A, (60.2, 95.0), B), capacity_t_per_month=100.0),
                 RouteSpec("road", "road", (A, (59.8, 95.0), B)))
    o, d = node(net, A), node(net, B)
    one = fr.assign(net, fr.make_flows([o], [d], [60.0]), 1, 2025)
    two = fr.assign(net, fr.make_flows([o], [d], [120.0]), 1, 2025)
    rail, road = net.route_links("rail"), net.route_links("road")
    assert one.link_volume_t[road].sum() == 0
    assert two.link_volume_t[rail].max() == pytest.approx(100.0)  # full, never over
    assert two.route_tonnes_t[net.route_ids.index("road")] == pytest.approx(20.0)
    assert two.flow_cost_usd_per_t[0] > one.flow_cost_usd_per_t[0]
    assert two.flow_waiting_t[0] == pytest.approx(0.0)
    # the mark-up: cost per t on the loaded rail links rises as they fill
    loaded = rail[one.link_volume_t[rail] > 0]
    assert len(loaded) == 2
    assert (two.link_cost_usd_per_t[loaded] > one.link_cost_usd_per_t[loaded]).all()


def test_cargo_beyond_every_paths_capacity_waits_at_its_origin():
    net = net_of(RouteSpec("rail", "rail", (A, B), capacity_t_per_month=100.0))
    a = fr.assign(net, fr.make_flows([node(net, A)], [node(net, B)], [250.0]), 3, 2025)
    assert a.flow_delivered_t[0] == pytest.approx(100.0)
    assert a.flow_waiting_t[0] == pytest.approx(150.0) and a.flow_waiting_no_path_t[0] == 0
    assert a.waiting_t_by_origin == {node(net, A): pytest.approx(150.0)}


def test_a_frozen_river_leaves_its_cargo_waiting_as_stock_at_the_port():
    net = parallel()
    flows = fr.make_flows([node(net, A)], [node(net, B)], [500.0], modes=[["river"]])
    a = fr.assign(net, flows, 1, 2025)
    assert a.flow_delivered_t[0] == 0 and a.flow_waiting_no_path_t[0] == 500.0
    assert np.isnan(a.flow_cost_usd_per_t[0]) and a.link_volume_t.sum() == 0


def test_cargo_is_delivered_at_the_cheapest_of_its_destinations():
    c = (60.0, 120.0)
    net = net_of(RouteSpec("rail", "rail", (A, B, c)))
    a = fr.assign(net, fr.make_flows([node(net, A)], [[node(net, c), node(net, B)]], [5.0]),
                  7, 2025)
    assert a.flow_destination[0] == node(net, B)


def test_with_a_cost_ceiling_cargo_waits_rather_than_detour():
    net = net_of(RouteSpec("rail", "rail", (A, B), capacity_t_per_month=100.0),
                 RouteSpec("road", "road", (A, (62.0, 95.0), B)))
    flows = fr.make_flows([node(net, A)], [node(net, B)], [150.0])
    detour = fr.assign(net, flows, 7, 2025)
    queue = fr.assign(net, flows, 7, 2025, max_cost_ratio=1.5)
    assert detour.flow_waiting_t[0] == pytest.approx(0.0)
    assert queue.flow_delivered_t[0] == pytest.approx(100.0)
    assert queue.flow_waiting_t[0] == pytest.approx(50.0)


def grid_network():
    """Rail, a seasonal river, a seasonal sea lane, a capacity-limited road and an island."""
    return net_of(
        RouteSpec("rail", "rail", ((55.0, 80.0), (55.0, 90.0), (55.0, 100.0)),
                  capacity_t_per_month=400.0),
        RouteSpec("river", "river", ((55.0, 90.0), (62.0, 90.0), (68.0, 88.0)),
                  navigation_months=SUMMER, sections=(Section(1, (6, 7, 8, 9)),),
                  capacity_t_per_month=300.0),
        RouteSpec("sea", "sea", ((68.0, 88.0), (72.0, 70.0), (69.0, 33.0)),
                  navigation_months=(7, 8, 9, 10, 11)),
        RouteSpec("road", "road", ((55.0, 100.0), (50.0, 105.0)), capacity_t_per_month=50.0),
        RouteSpec("island", "rail", ((45.0, 140.0), (46.0, 142.0))))


GRID = grid_network()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, GRID.n_nodes - 1), st.integers(0, GRID.n_nodes - 1),
                          st.floats(0.0, 2_000.0), st.sampled_from([None, ("rail",), ("river",),
                                                                   ("rail", "sea")])),
                min_size=1, max_size=8),
       st.integers(1, 12), st.floats(0.0, 1.0))
def test_tonnes_in_equal_tonnes_delivered_plus_waiting(flows, month, support):
    o, d, t, m = zip(*flows)
    a = fr.assign(GRID, fr.make_flows(o, d, t, m), month, 2025, icebreaker_support=support)
    assert np.allclose(a.flow_delivered_t + a.flow_waiting_t, t, rtol=1e-9, atol=1e-6)
    assert (a.flow_waiting_t >= -1e-9).all() and (a.flow_delivered_t >= 0).all()
    assert sum(a.waiting_t_by_origin.values()) == pytest.approx(a.flow_waiting_t.sum(), abs=1e-6)
    assert (a.link_volume_t <= a.link_capacity_t + 1e-6).all()  # never over capacity
    assert (a.link_volume_t[~a.link_open] == 0).all()  # nothing moves on a closed link
    for f, paths in enumerate(a.flow_paths):
        assert sum(t for _, t in paths) == pytest.approx(a.flow_delivered_t[f])
        allowed = set(m[f] or fr.MODES)
        assert all(fr.MODES[GRID.link_mode[x]] in allowed for links, _ in paths for x in links)
    # link volumes are the sum of the paths that use them
    vol = np.zeros(GRID.n_links)
    for paths in a.flow_paths:
        for links, t in paths:
            np.add.at(vol, list(links), t)
    assert np.allclose(vol, a.link_volume_t, atol=1e-6)


def test_the_same_inputs_give_identical_outputs():
    flows = fr.make_flows([0, 1, 3, 7], [4, 6, 2, [5, 6]], [900.0, 450.0, 300.0, 80.0])
    runs = [fr.assign(grid_network(), flows, 8, 2025) for _ in range(2)]
    runs.append(fr.assign(GRID, flows, 8, 2025))
    runs.append(fr.assign(GRID, flows, 8, 2025))  # served from the cache
    for r in runs[1:]:
        assert r.flow_paths == runs[0].flow_paths
        for name in ("link_volume_t", "flow_cost_usd_per_t", "flow_waiting_t"):
            assert np.array_equal(getattr(r, name), getattr(runs[0], name), equal_nan=True)
        assert r.total_cost_usd == runs[0].total_cost_usd


def test_contracting_quiet_runs_of_links_changes_nothing():
    """Zero-tonne flows at every node keep every node in the search graph: same result."""
    flows = fr.make_flows([0, 1, 3, 7], [4, 6, 2, [5, 6]], [900.0, 450.0, 300.0, 80.0])
    n = GRID.n_nodes
    every = fr.make_flows([*flows.origin, *range(n)], [*flows.destinations, *range(n)],
                          [*flows.tonnes, *[0.0] * n])
    for month in (1, 8):
        a, b = fr.assign(GRID, flows, month, 2025), fr.assign(GRID, every, month, 2025)
        assert np.allclose(a.link_volume_t, b.link_volume_t)
        assert np.allclose(a.flow_cost_usd_per_t, b.flow_cost_usd_per_t[:4], equal_nan=True)


# --- the baseline network ---------------------------------------------------------------------
BASE = load_scenario("baseline")
NET = fr.network_from_scenario(BASE)
KEMEROVO = (55.355, 86.087)
NORILSK = (69.349, 88.201)


def one_flow(origin, dest, month, modes=None, tonnes=1e5):
    flows = fr.make_flows([origin], [dest], [tonnes], None if modes is None else [modes])
    return fr.assign(NET, flows, month, 2025)


def test_the_baseline_network_joins_the_trunk_lines_rivers_and_sea_lanes():
    assert 150 <= NET.n_nodes <= 300
    for place, modes in (((55.941, 98.003), {"rail"}),  # Taishet: Trans-Siberian, BAM, South Siberian
                         ((56.79, 105.77), {"rail", "river"}),  # Ust-Kut: BAM and the Lena
                         ((58.23, 92.48), {"rail", "river"}),  # Lesosibirsk
                         ((69.4, 86.18), {"rail", "river", "sea"}),  # Dudinka
                         ((43.116, 131.882), {"rail", "sea"})):  # Vladivostok
        assert NET.node_modes(NET.nearest_node(*place)) == modes
    taishet = NET.nearest_node(55.941, 98.003)
    routes = {NET.route_ids[r] for r in NET.link_route[NET.link_from == taishet]}
    assert routes == {"trans_siberian", "bam", "novokuznetsk_abakan_taishet"}


def test_kuzbass_coal_reaches_vladivostok_by_rail_on_the_trans_siberian():
    a = one_flow(NET.nearest_node(*KEMEROVO, "rail"), NET.port_node["vladivostok_port"], 3)
    assert a.flow_delivered_t[0] == pytest.approx(1e5)
    assert modes_of(NET, a) == {"rail"}
    assert a.tonnes_on_routes(["trans_siberian"]) == pytest.approx(1e5)
    km = sum(NET.link_length_km[list(links)].sum() * t for links, t in a.flow_paths[0]) / 1e5
    assert 4_500 < km < 6_500  # Mariinsk-Vladivostok: ~5,600 km of the 9,288


def test_norilsk_to_murmansk_goes_by_sea_in_august_and_in_february_and_waits_in_may():
    """The data: the Yenisei Gulf link to the Kara Sea runs all year except the May ice flood
    at Dudinka, and the western NSR all year with icebreakers (facts transport.nsr.navigation
    and rivers.yenisei_angara.navigation.dudinka_river), so February goes by sea too. In May
    the gulf is closed and the lower Yenisei not yet open (June-September), and Norilsk's only
    other link, the Dudinka railway, leads nowhere else: the cargo waits."""
    origin, dest = NET.nearest_node(*NORILSK, "rail"), NET.port_node["murmansk_port"]
    for month in (8, 2):
        a = one_flow(origin, dest, month)
        assert fr.path_modes(NET, a, 0) == [["rail", "sea"]]
        assert a.tonnes_on_routes(["nsr_lane"]) == pytest.approx(1e5)
    may = one_flow(origin, dest, 5)
    assert may.flow_waiting_no_path_t[0] == pytest.approx(1e5)
    # with icebreaker support the gulf opens in May too
    a = fr.assign(NET, fr.make_flows([origin], [dest], [1e5]), 5, 2025, icebreaker_support=1.0)
    assert a.flow_delivered_t[0] == pytest.approx(1e5)


def test_the_yenisei_northern_delivery_waits_in_winter_and_sails_in_summer():
    origin, dest = NET.port_node["lesosibirsk_port"], NET.port_node["dudinka_port"]
    assert one_flow(origin, dest, 1, ["river"]).flow_waiting_no_path_t[0] == pytest.approx(1e5)
    july = one_flow(origin, dest, 7, ["river"])
    assert july.flow_delivered_t[0] == pytest.approx(1e5)
    # allowed every mode, winter cargo goes round by rail to Murmansk and the NSR (Nornickel's
    # year-round supply line) at a higher cost
    jan = one_flow(origin, dest, 1)
    assert fr.path_modes(NET, jan, 0) == [["rail", "sea"]]
    assert jan.flow_cost_usd_per_t[0] > july.flow_cost_usd_per_t[0]


def test_the_northern_latitudinal_railway_opens_in_2030():
    nlr = NET.route_links("northern_latitudinal_railway")
    assert not fr.link_open(NET, 6, 2029)[nlr].any() and fr.link_open(NET, 6, 2030)[nlr].all()
    sabetta = NET.route_links("obskaya_sabetta")
    assert not fr.link_open(NET, 6, 2050)[sabetta].any()
    assert fr.link_open(NET, 6, 2031, opens_year={"obskaya_sabetta": 2031})[sabetta].all()


def test_base_year_background_freight_fills_the_eastern_polygon_and_keeps_its_mass():
    flows = fr.background_flows(NET, BASE.background_freight, 2025)
    for month in (1, 8):
        a = fr.assign(NET, flows, month, 2025)
        assert np.allclose(a.flow_delivered_t + a.flow_waiting_t, flows.tonnes)
        polygon = np.concatenate([NET.route_links("trans_siberian"), NET.route_links("bam")])
        assert a.link_utilisation[polygon].max() > 0.9  # the lines run at their limit (facts)
        ids = [b.id for b in BASE.background_freight]
        river = [ids.index("yenisei_northern_delivery"), ids.index("lena_northern_delivery")]
        if month == 1:
            assert (a.flow_waiting_no_path_t[river] == flows.tonnes[river]).all()
        else:
            assert (a.flow_delivered_t[river] == pytest.approx(flows.tonnes[river]))
        assert a.tonnes_on_routes(["nsr_lane"]) >= flows.tonnes[ids.index("lng_yamal")] - 1


def test_the_nsr_reaches_the_pacific_ports_across_the_antimeridian():
    """The lane keeps counting east past 180° (190 = 170° W): legs are great circles, so the
    Bering Strait leg is ~hundreds of km, not a trip round the world."""
    bering = BASE.routes[[r.id for r in BASE.routes].index("nsr_bering")]
    wp = np.array(bering.waypoints)
    km = haversine_km(wp[:-1, 0], wp[:-1, 1], wp[1:, 0], wp[1:, 1]).sum() * 1.1  # sea circuity
    assert NET.link_length_km[NET.route_links("nsr_bering")].sum() == pytest.approx(2 * km)
    assert km < 2_000
    origin, dest = NET.port_node["murmansk_port"], NET.port_node["vladivostok_port"]
    august = one_flow(origin, dest, 8, ["sea"])
    assert august.flow_delivered_t[0] == pytest.approx(1e5)
    assert august.tonnes_on_routes(["nsr_bering"]) == pytest.approx(1e5)
    assert august.tonnes_on_routes(["pacific_kamchatka_lane"]) == pytest.approx(1e5)
    sea_km = sum(NET.link_length_km[list(links)].sum() * t for links, t in august.flow_paths[0])
    assert 10_000 < sea_km / 1e5 < 14_000  # Murmansk-Bering Strait-Vladivostok by sea
    # the eastern sector is closed in February: the cargo waits at Murmansk
    assert one_flow(origin, dest, 2, ["sea"]).flow_waiting_no_path_t[0] == pytest.approx(1e5)
    # Petropavlovsk-Kamchatsky and Magadan are reached from the NSR too
    for port in ("petropavlovsk_port", "magadan_port"):
        a = one_flow(NET.port_node["sabetta_port"], NET.port_node[port], 9, ["sea"])
        assert a.flow_delivered_t[0] == pytest.approx(1e5)


def test_months_served_from_the_caches_equal_months_computed_cold():
    """The search graph, the free-flow trees and the traced paths are cached across months;
    a month assigned on a network with empty caches gives identical results."""
    flows = fr.background_flows(NET, BASE.background_freight, 2025)
    warm = fr.network_from_scenario(BASE)
    for month in (1, 7, 8, 7, 1, 12):
        hot = fr.assign(warm, flows, month, 2025, max_cost_ratio=1.5)
        cold = fr.assign(fr.network_from_scenario(BASE), flows, month, 2025, max_cost_ratio=1.5)
        assert hot.flow_paths == cold.flow_paths
        for name in ("link_volume_t", "flow_delivered_t", "flow_waiting_t",
                     "flow_cost_usd_per_t"):
            assert np.array_equal(getattr(hot, name), getattr(cold, name), equal_nan=True)
    assert warm._cache["lru"] and warm._cache["paths"]  # the caches were used


def _same_assignment(a, b):
    from dataclasses import fields
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=True), f.name
        else:
            assert x == y, f.name


def test_a_winter_month_with_more_stock_behind_frozen_routes_reuses_the_last_ones_moves():
    """Cargo with no open path only waits, so a month that differs from an earlier one only in
    that stock is served from the earlier one's moves: identical, field by field, to a month
    computed cold, with this month's stock waiting."""
    flows = fr.background_flows(NET, BASE.background_freight, 2025)
    warm = fr.network_from_scenario(BASE)
    january = fr.assign(warm, flows, 1, 2025, max_cost_ratio=1.5)
    frozen = january.flow_waiting_no_path_t > 0
    assert frozen.any() and not frozen.all()
    more = fr.Flows(origin=flows.origin, destinations=flows.destinations,
                    tonnes=flows.tonnes + january.flow_waiting_no_path_t, modes=flows.modes)
    february = fr.assign(warm, more, 2, 2025, max_cost_ratio=1.5)
    assert february.link_volume_t is january.link_volume_t  # the moves were reused
    cold = fr.assign(fr.network_from_scenario(BASE), more, 2, 2025, max_cost_ratio=1.5)
    _same_assignment(february, cold)
    assert np.array_equal(february.flow_waiting_no_path_t[frozen], more.tonnes[frozen])
    # a flow that can move and carries more is not served from the earlier month
    bigger = fr.Flows(origin=flows.origin, destinations=flows.destinations,
                      tonnes=np.where(frozen, flows.tonnes, flows.tonnes * 1.5), modes=flows.modes)
    march = fr.assign(warm, bigger, 3, 2025, max_cost_ratio=1.5)
    assert march.link_volume_t is not january.link_volume_t
    _same_assignment(march, fr.assign(fr.network_from_scenario(BASE), bigger, 3, 2025,
                                      max_cost_ratio=1.5))


def test_networks_of_the_same_tables_share_their_build_but_not_their_caches():
    """A model after another (a sweep) reuses the built network; each run's caches are its own,
    and the shared arrays cannot be changed by one run under another."""
    a, b = fr.network_from_scenario(BASE), fr.network_from_scenario(BASE)
    assert a.link_cost_usd_per_t is b.link_cost_usd_per_t
    assert a._cache is not b._cache
    with pytest.raises(ValueError):
        a.link_capacity_t_per_month[0] = 0.0
