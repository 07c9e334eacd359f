"""Whole runs on random valid parameter sets: every invariant holds every month."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import SiberiaModel
from model.indicators import signed_columns
from model.invariants import violations
from model.scenario import available as available_scenarios
from tests.strategies import draw_valid_params

from . import SCALE


@settings(max_examples=3 * SCALE, deadline=None, derandomize=SCALE == 1,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**31 - 1))
def test_every_invariant_holds_every_month_of_a_whole_run(data, seed):
    params = draw_valid_params(data)
    scenario = data.draw(st.sampled_from(available_scenarios()), label="scenario")
    m = SiberiaModel(scenario, rng=seed, **params)
    months = 0
    while m.running:
        m.step()
        months += 1
        broken = violations(m)
        assert not broken, "\n".join(broken)
    assert months == m.horizon_months
    df = m.datacollector.get_model_vars_dataframe()
    signed = signed_columns(df.columns)  # NPVs, cash flows, value added
    assert pd.notna(df[signed].to_numpy(dtype=float)).all()
    values = df.drop(columns=["year", "month", *signed]).to_numpy(dtype=float)
    assert pd.notna(values).all() and (values >= 0).all()


def test_the_invariant_check_catches_a_broken_balance():
    """The checker is not vacuous: break each balance by hand and it says so."""
    m = SiberiaModel(rng=1, horizon_years=1)
    m.step()
    assert violations(m) == []
    m.freight.unmet_t += 1e6
    assert any("freight" in v for v in violations(m))
    m.freight.unmet_t -= 1e6
    m.power.storage_mwh[0] = -5.0
    assert any("reservoir" in v for v in violations(m))
    m.power.storage_mwh[0] = 0.0
    m.datacollector.model_vars["gdp_usd"][-1] = float("nan")
    assert any("gdp_usd" in v for v in violations(m))
    assert np.isnan(m.datacollector.model_vars["gdp_usd"][-1])
