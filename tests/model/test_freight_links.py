"""Cash flow and NPV of the freight levers' links (model/freight_links.py): "economically
unfeasible" as a number, with and without an industrial base."""

import numpy as np
import pytest

from model.params import PARAMETERS

from .runs import run

NSR_RAIL_LINK_CAPEX_USD = PARAMETERS["nsr_rail_link_capex_usd"].default
RIVER_PROGRAMME_USD = PARAMETERS["river_programme_capex_usd"].default


def _npv(df, account):
    return float(df[f"{account}_npv_usd"].iloc[-1])


def test_an_early_nsr_rail_link_is_worth_more_with_an_industrial_base():
    """Paired seeds: the link's NPV with Siberia's industrial cargo minus without; the
    difference vanishes when the link is never built (no capital, no income either way)."""
    built, never = [], []
    for seed in (1, 2, 3):
        with_base = run(3, rng=seed, nsr_rail_link_year=2026)[1]
        without = run(3, rng=seed, nsr_rail_link_year=2026, industrial_base=0.0)[1]
        built.append(_npv(with_base, "nsr_rail_link") - _npv(without, "nsr_rail_link"))
        # without cargo it earns nothing: its NPV is minus its discounted capital
        assert -NSR_RAIL_LINK_CAPEX_USD <= _npv(without, "nsr_rail_link") < 0
        assert (without["nsr_rail_link_cash_usd_per_year"] <= 0).all()
    for seed in (1,):
        never.append(_npv(run(3, rng=seed)[1], "nsr_rail_link")
                     - _npv(run(3, rng=seed, industrial_base=0.0)[1], "nsr_rail_link"))
    d = np.array(built)
    assert d.mean() > 0 and d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d)), built
    assert never == [0.0]


def test_river_development_costs_its_programme_and_earns_the_rivers_margin():
    _, base = run(2, rng=1)
    _, dev = run(2, rng=1, river_development=1.0)
    spent = dev["river_waterways_cash_usd_per_year"].iloc[0] - \
        base["river_waterways_cash_usd_per_year"].iloc[0]
    # the first year's share of the programme, annualised, less the extra margin it earns
    assert spent == pytest.approx(-RIVER_PROGRAMME_USD / 5, rel=0.05)
    assert _npv(dev, "river_waterways") < _npv(base, "river_waterways")
    assert (base["eastern_polygon_npv_usd"] > 0).all()  # a full trunk line pays
