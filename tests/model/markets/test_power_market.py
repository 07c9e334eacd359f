"""The power LP alone: balances, prices as duals, hydro storage, links, shedding order."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.markets.power import MonthInputs, PowerMarket, PowerNetwork, balance_residual_mwh

HOURS = 720.0


def network(n_nodes=2, links=((0, 1),), thermal=(0, 1), hydro=(0,), kinds=("base", "industry"),
            voll=(1000.0, 150.0), blocks=(0.4, 0.6)):
    return PowerNetwork(
        nodes=tuple(f"n{i}" for i in range(n_nodes)),
        link_from=np.array([a for a, _ in links], dtype=int),
        link_to=np.array([b for _, b in links], dtype=int),
        thermal_node=np.array(thermal, dtype=int), hydro_node=np.array(hydro, dtype=int),
        consumer_kinds=kinds, voll_usd_per_mwh=np.array(voll),
        block_hours_share=np.array(blocks))


def inputs(net, load, thermal_mw, thermal_cost, hydro_mw=(), inflow=(), start=(), smax=(),
           target=None, water_value=None, link_mw=None, hydro_cost=None):
    H = len(net.hydro_node)
    arr = lambda v, n: np.asarray(v, dtype=float) if len(v) else np.zeros(n)  # noqa: E731
    return MonthInputs(
        hours=HOURS,
        thermal_available_mw=np.asarray(thermal_mw, float),
        thermal_cost_usd_per_mwh=np.asarray(thermal_cost, float),
        hydro_capacity_mw=arr(hydro_mw, H), hydro_cost_usd_per_mwh=(
            np.zeros(H) if hydro_cost is None else np.asarray(hydro_cost, float)),
        hydro_inflow_mwh=arr(inflow, H), hydro_storage_start_mwh=arr(start, H),
        hydro_storage_max_mwh=arr(smax, H),
        hydro_storage_target_mwh=np.zeros(H) if target is None else np.asarray(target, float),
        water_value_usd_per_mwh=np.zeros(H) if water_value is None else np.asarray(
            water_value, float),
        link_capacity_mw=np.asarray(link_mw if link_mw is not None else [0.0] * len(
            net.link_from), float),
        load_mw=np.asarray(load, float))


def balance_error(net, x, r):
    """Generation + imports + unserved - load - exports, MWh per node (must be ~0)."""
    return balance_residual_mwh(net, x.hours, r)


def two_node_load(a, b, blocks=2, kinds=2):
    load = np.zeros((2, kinds, blocks))
    load[0, 0, :] = a
    load[1, 0, :] = b
    return load


def test_the_cheapest_unit_sets_the_price_and_links_carry_cheap_power():
    net = network(hydro=())
    x = inputs(net, two_node_load(100, 100), thermal_mw=[300, 300], thermal_cost=[10, 30],
               link_mw=[1000])
    r = PowerMarket(net).clear(x)
    assert r.status == "Optimal"
    assert np.allclose(r.price_usd_per_mwh, 10, atol=1e-3)  # node 1 imports from node 0
    assert np.allclose(r.flow_mw, 100)
    assert np.allclose(balance_error(net, x, r), 0, atol=1e-6)


def test_a_congested_link_separates_the_prices_of_its_ends():
    net = network(hydro=())
    x = inputs(net, two_node_load(100, 100), thermal_mw=[300, 300], thermal_cost=[10, 30],
               link_mw=[40])
    r = PowerMarket(net).clear(x)
    assert np.allclose(r.price_usd_per_mwh[0], 10, atol=1e-3)
    assert np.allclose(r.price_usd_per_mwh[1], 30, atol=1e-3)
    assert np.allclose(r.flow_mw, 40)


def test_short_supply_sheds_the_kind_that_values_power_least():
    net = network(n_nodes=1, links=(), thermal=(0,), hydro=())
    load = np.zeros((1, 2, 2))
    load[0, 0, :] = 80   # base
    load[0, 1, :] = 50   # industry, sheds at 150 USD/MWh
    x = inputs(net, load, thermal_mw=[100], thermal_cost=[20], link_mw=[])
    r = PowerMarket(net).clear(x)
    assert r.unserved_mwh[0, 0] == pytest.approx(0, abs=1e-6)
    assert r.unserved_mwh[0, 1] == pytest.approx(30 * HOURS, rel=1e-9)
    assert np.allclose(r.price_usd_per_mwh, 150, atol=1e-3)


def test_a_flood_month_stores_water_instead_of_making_power_free():
    net = network(n_nodes=1, links=(), thermal=(0,), hydro=(0,))
    load = np.zeros((1, 2, 2))
    load[0, 0, :] = 100
    flood = 300 * HOURS  # three times the month's load
    x = inputs(net, load, thermal_mw=[200], thermal_cost=[25], hydro_mw=[500], inflow=[flood],
               start=[0.0], smax=[10 * 100 * HOURS], target=[5 * 100 * HOURS],
               water_value=[20.0], link_mw=[])
    r = PowerMarket(net).clear(x)
    assert r.hydro_mwh[0] == pytest.approx(100 * HOURS, rel=1e-6)
    assert r.spill_mwh[0] == pytest.approx(0, abs=1e-3)
    assert r.storage_end_mwh[0] == pytest.approx(flood - 100 * HOURS, rel=1e-6)
    # the marginal MWh is water that would otherwise be stored below the rule curve
    assert np.allclose(r.price_usd_per_mwh, 20, atol=1e-3)


def test_water_above_the_rule_curve_is_nearly_free_and_a_full_reservoir_spills():
    net = network(n_nodes=1, links=(), thermal=(0,), hydro=(0,))
    load = np.zeros((1, 2, 2))
    load[0, 0, :] = 100
    x = inputs(net, load, thermal_mw=[200], thermal_cost=[25], hydro_mw=[500],
               inflow=[500 * HOURS], start=[0.0], smax=[200 * HOURS], target=[100 * HOURS],
               water_value=[20.0], link_mw=[])
    r = PowerMarket(net).clear(x)
    assert r.storage_end_mwh[0] == pytest.approx(200 * HOURS, rel=1e-6)
    assert r.spill_mwh[0] == pytest.approx(200 * HOURS, rel=1e-6)
    assert np.all(r.price_usd_per_mwh < 0.01)
    assert r.thermal_mwh[0] == pytest.approx(0, abs=1e-6)


def test_the_same_inputs_give_the_same_prices_and_no_state_leaks_between_months():
    net = network(hydro=())
    a = inputs(net, two_node_load(100, 100), thermal_mw=[300, 300], thermal_cost=[10, 10],
               link_mw=[1000])  # degenerate: two identical units
    other = inputs(net, two_node_load(250, 10), thermal_mw=[300, 300], thermal_cost=[40, 5],
                   link_mw=[20])
    m = PowerMarket(net)
    first = m.clear(a)
    m.clear(other)
    again = m.clear(a)
    fresh = PowerMarket(net).clear(a)
    for r in (again, fresh):
        np.testing.assert_array_equal(r.price_usd_per_mwh, first.price_usd_per_mwh)
        np.testing.assert_array_equal(r.thermal_mwh, first.thermal_mwh)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_systems_balance_every_node_with_finite_non_negative_prices(data):
    n = data.draw(st.integers(1, 5), label="nodes")
    links = [(i, i + 1) for i in range(n - 1)]
    g = data.draw(st.integers(1, 6), label="thermal units")
    h = data.draw(st.integers(0, 4), label="hydro units")
    node = st.integers(0, n - 1)
    thermal = [data.draw(node) for _ in range(g)]
    hydro = [data.draw(node) for _ in range(h)]
    net = network(n_nodes=n, links=links, thermal=thermal, hydro=hydro)
    pos = st.floats(0, 500)
    load = np.array([[[data.draw(pos) for _ in range(2)] for _ in range(2)] for _ in range(n)])
    smax = [data.draw(st.floats(0, 1e6)) for _ in range(h)]
    x = inputs(net, load, thermal_mw=[data.draw(pos) for _ in range(g)],
               thermal_cost=[data.draw(st.floats(0, 200)) for _ in range(g)],
               hydro_mw=[data.draw(pos) for _ in range(h)],
               inflow=[data.draw(st.floats(0, 5e5)) for _ in range(h)],
               start=[data.draw(st.floats(0, 1)) * s for s in smax], smax=smax,
               target=[data.draw(st.floats(0, 1)) * s for s in smax],
               water_value=[data.draw(st.floats(0, 100)) for _ in range(h)],
               link_mw=[data.draw(pos) for _ in links])
    r = PowerMarket(net).clear(x)
    assert np.allclose(balance_error(net, x, r), 0, atol=1e-5 * max(1.0, x.load_mw.sum()) * HOURS)
    assert np.isfinite(r.price_usd_per_mwh).all()
    assert (r.price_usd_per_mwh >= -1e-6).all()
    assert (r.price_usd_per_mwh <= 1000 + 1e-6).all()
    assert (r.storage_end_mwh <= np.asarray(smax) + 1e-3).all()
    assert (r.spill_mwh >= -1e-6).all() and (r.unserved_mwh >= -1e-6).all()
    # water balance of every reservoir
    water_in = x.hydro_storage_start_mwh + x.hydro_inflow_mwh
    assert np.allclose(r.hydro_mwh + r.spill_mwh + r.storage_end_mwh, water_in, rtol=1e-6,
                       atol=1e-3)


def test_a_month_that_sheds_a_kind_in_full_gets_the_same_prices_after_any_history():
    """Degenerate duals: industry shed in full, base served exactly by the unit at capacity —
    any price in [150, 1000] is optimal. The warm-started market re-solves such a month from
    scratch, so its price does not depend on the months cleared before it."""
    net = network(n_nodes=1, links=(), thermal=(0,), hydro=())
    load = np.zeros((1, 2, 2))
    load[0, 0, :] = 80
    load[0, 1, :] = 50
    tight = inputs(net, load, thermal_mw=[80], thermal_cost=[20], link_mw=[])
    # the last of these leaves base load the marginal "unit" in the basis: warm-started from
    # it, the tight month's price would come out at base's 1000 instead of industry's 150
    others = [inputs(net, load * f, thermal_mw=[mw], thermal_cost=[c], link_mw=[])
              for f, c, mw in ((0.5, 20, 100), (0.9, 5, 100), (1.0, 20, 79.9))]
    reference = PowerMarket(net, warm_start=False).clear(tight)
    assert reference.unserved_mwh[0, 1] == pytest.approx(50 * HOURS, rel=1e-9)
    for history in (others, others[::-1], others[2:]):
        m = PowerMarket(net)
        for x in history:
            m.clear(x)
        np.testing.assert_array_equal(m.clear(tight).price_usd_per_mwh,
                                      reference.price_usd_per_mwh)


@pytest.mark.parametrize("scenario", ["baseline", "ai_boom", "hydro_push"])
def test_the_warm_started_market_gives_the_prices_of_fresh_solves(scenario):
    """Warm start (the default) changes the time a month takes, not its prices: every month and
    forecast of a run, solved again from scratch, gives the same node prices and cost."""
    from model import SiberiaModel

    m = SiberiaModel(scenario, rng=1, horizon_years=2)
    assert m.power.market.warm_start
    months = []
    orig = m.power.market.clear
    m.power.market.clear = lambda x: months.append((x, orig(x))) or months[-1][1]
    while m.running:
        m.step()
    assert len(months) >= 24
    fresh = PowerMarket(m.power.network, warm_start=False)
    for x, warm in months:
        cold = fresh.clear(x)
        np.testing.assert_allclose(warm.price_usd_per_mwh, cold.price_usd_per_mwh, atol=1e-6)
        assert warm.cost_usd == pytest.approx(cold.cost_usd, rel=1e-7, abs=1e-3)
