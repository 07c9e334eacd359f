"""The hazard field alone (Mesa-free): distance decay, intensities, premium, damage draws."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.geo.hazard import Hazard


def hazard(west=1.0, east=0.0, **kw):
    return Hazard(p_front=kw.get("p_front", 0.01), intensity_west=west, intensity_east=east,
                  range_west_km=kw.get("range_west_km", 700.0),
                  range_east_km=kw.get("range_east_km", 800.0), median_offline_months=2.0,
                  capital_max_share=0.3)


def test_the_hazard_falls_with_distance_from_each_frontier():
    d = np.array([0.0, 500.0, 1000.0, 2000.0, 4000.0])
    west = hazard(1.0, 0.0).monthly_probability(d, np.full(5, 1e4))
    east = hazard(0.0, 1.0).monthly_probability(np.full(5, 1e4), d)
    assert np.all(np.diff(west) < 0) and np.all(np.diff(east) < 0)
    assert west[0] == pytest.approx(0.01)
    assert west[2] == pytest.approx(0.01 * np.exp(-1000 / 700))


def test_no_intensity_no_hazard_and_sides_combine_as_independent_risks():
    h0 = hazard(0.0, 0.0)
    assert not h0.active
    assert np.all(h0.monthly_probability(np.zeros(3), np.zeros(3)) == 0.0)
    both = hazard(1.0, 1.0).monthly_probability(0.0, 0.0)
    assert both == pytest.approx(1 - 0.99 * 0.99)


@settings(max_examples=60, deadline=None)
@given(west=st.floats(0, 5), east=st.floats(0, 5), dw=st.floats(0, 1e4), de=st.floats(0, 1e4),
       step=st.floats(1, 1e3))
def test_probability_is_a_probability_and_never_rises_moving_away(west, east, dw, de, step):
    h = hazard(west, east)
    p = h.monthly_probability(dw, de)
    assert 0.0 <= p <= 1.0
    assert h.monthly_probability(dw + step, de) <= p + 1e-15
    assert h.monthly_probability(dw, de + step) <= p + 1e-15
    assert h.risk_premium(p) >= 0.0


def test_damage_draws_follow_the_facts_ranges():
    h = hazard()
    z = np.random.default_rng(0).standard_normal(20000)
    months = h.offline_months(z)
    assert np.median(months) == 2 and months.min() >= 1
    assert 8 <= np.percentile(months, 95) <= 14  # facts: 0.25-12 months around a median of 2
    share = h.capital_share(np.array([0.0, 0.5, 0.999999]))
    assert share[0] == pytest.approx(0.02) and share[-1] == pytest.approx(0.3, abs=1e-5)
