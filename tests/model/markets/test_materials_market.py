"""The Mesa-free rare-earth chain: mass balance, merit order, offtake and feed imports."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.markets.materials import ChainMonth, clear_chain, mass_residual_t

WORLD = np.array([4_000.0, 20_000.0, 30_000.0, 60_000.0])  # USD per t REO-eq by stage


def month(caps, costs, demand=(0, 0, 0, 0), imports=True, recovery=(1.0, 0.9, 0.95, 0.9)):
    return ChainMonth(capacity_t=[np.array(c, float) for c in caps],
                      cash_cost_usd_per_t=[np.array(c, float) for c in costs],
                      recovery=np.array(recovery), world_price_usd_per_t=WORLD,
                      import_markup=np.full(4, 0.2), export_discount=0.1,
                      final_demand_t=np.array(demand, float), opening_stock_t=np.zeros(4),
                      feed_imports_allowed=imports)


def test_raw_output_not_processed_at_home_is_exported():
    x = month([[100.0], [], [], []], [[1000.0], [], [], []])
    r = clear_chain(x)
    assert r.exports_t[0] == 100.0 and r.stage_output_t[1:].sum() == 0
    assert r.export_revenue_usd == 100.0 * WORLD[0] * 0.9
    assert np.allclose(mass_residual_t(x, r), 0.0)


def test_processing_at_home_takes_domestic_feed_first_and_cuts_raw_exports():
    x = month([[100.0], [45.0], [], []], [[1000.0], [2000.0], [], []], demand=(0, 10, 0, 0))
    r = clear_chain(x)
    assert r.output_t[1][0] == 45.0
    assert r.feed_domestic_t[1] == 50.0 and r.feed_imported_t[1] == 0.0  # 45 / 0.9
    assert r.exports_t[0] == 50.0  # the rest of the concentrate
    assert r.final_domestic_t[1] == 10.0 and r.exports_t[1] == 35.0
    assert r.losses_t[1] == 5.0
    assert np.allclose(mass_residual_t(x, r), 0.0)


def test_a_plant_with_a_negative_margin_stays_idle_and_merit_order_serves_the_cheapest():
    # two separation plants: one too costly even at the domestic price
    x = month([[0.0], [10.0, 10.0], [], []], [[0.0], [30_000.0, 1_000.0], [], []],
              demand=(0, 20, 0, 0))
    r = clear_chain(x)
    assert r.output_t[1][1] == 10.0 and r.output_t[1][0] == 0.0
    assert r.margin_usd_per_t[1][0] < 0
    assert r.final_imported_t[1] == 10.0  # the rest of domestic demand is imported


def test_offtake_output_beyond_domestic_demand_sells_at_the_export_price():
    # export price 18,000 - imported feed (4,800 / 0.9) - cost 14,000 < 0: only the domestic
    # part (at the 24,000 import parity) pays
    x = month([[0.0], [50.0], [], []], [[0.0], [14_000.0], [], []], demand=(0, 10, 0, 0))
    r = clear_chain(x)
    assert r.output_t[1][0] == 10.0
    assert r.exports_t[1] == 0.0


def test_without_feed_imports_a_plant_is_limited_by_domestic_feed():
    x = month([[9.0], [100.0], [], []], [[0.0], [0.0], [], []], imports=False)
    r = clear_chain(x)
    assert r.output_t[1][0] == 9.0 * 0.9 and r.feed_imported_t[1] == 0.0
    assert np.allclose(mass_residual_t(x, r), 0.0)


@settings(max_examples=60, deadline=None)
@given(caps=st.lists(st.lists(st.floats(0, 1e4), min_size=0, max_size=4), min_size=4, max_size=4),
       cost_scale=st.floats(0, 80_000), demand=st.lists(st.floats(0, 1e4), min_size=4, max_size=4),
       imports=st.booleans(), seed=st.integers(0, 2**31))
def test_mass_balances_and_no_negative_flows_for_any_month(caps, cost_scale, demand, imports, seed):
    rng = np.random.default_rng(seed)
    costs = [rng.uniform(0, cost_scale, len(c)) for c in caps]
    x = month(caps, costs, demand=demand, imports=imports)
    r = clear_chain(x)
    assert np.allclose(mass_residual_t(x, r), 0.0, atol=1e-6 * (1 + sum(map(sum, caps))))
    for arr in (*r.output_t, r.exports_t, r.final_domestic_t, r.final_imported_t, r.losses_t,
                r.feed_domestic_t, r.feed_imported_t):
        assert np.all(np.asarray(arr) >= -1e-9) and np.all(np.isfinite(arr))
    for s, out in enumerate(r.output_t):
        assert np.all(out <= np.asarray(caps[s]) + 1e-9)
        assert np.all(r.margin_usd_per_t[s][out > 0] > 0)  # nobody produces at a loss


def test_feed_imports_stop_at_their_cap_and_metals_use_only_their_share_of_the_basket():
    x = ChainMonth(capacity_t=[np.array([100.0]), np.array([90.0]), np.array([50.0]), np.array([])],
                   cash_cost_usd_per_t=[np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(0)],
                   recovery=np.array([1.0, 0.9, 1.0, 0.9]), world_price_usd_per_t=WORLD,
                   import_markup=np.zeros(4), export_discount=0.0,
                   final_demand_t=np.zeros(4), opening_stock_t=np.zeros(4),
                   feed_share=np.array([1.0, 1.0, 0.2, 1.0]),
                   feed_world_price_usd_per_t=np.array([np.nan, 4_000.0, 25_000.0, 30_000.0]),
                   feed_import_cap_t=np.array([0.0, 0.0, 5.0, 0.0]))
    r = clear_chain(x)
    # metals may use 20% of the 90 t of oxides (18 t) plus at most 5 t imported
    assert r.feed_domestic_t[2] == pytest.approx(18.0)
    assert r.feed_imported_t[2] == pytest.approx(5.0)
    assert r.output_t[2][0] == pytest.approx(23.0)
    # the metals' feed is valued at its own price, not at the basket's
    assert r.feed_cost_usd[2][0] == pytest.approx(23.0 * 25_000.0)
    assert np.allclose(mass_residual_t(x, r), 0.0)
