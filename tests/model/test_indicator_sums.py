"""Indicators that share work within a collection keep the sums they are defined by: Python's
``sum()`` adds floats with compensation (3.12+), a ``+=`` loop does not, so a loop would change
last bits whenever the terms do not add exactly (the shipped scenarios' terms happen to)."""

import random

from agents.facility import FacilityState
from model import SiberiaModel
from model.indicators import INDICATORS


def test_jobs_grp_and_capacity_indicators_equal_their_defining_sums_with_inexact_terms():
    m = SiberiaModel(rng=1, horizon_years=1)
    m.step()
    rnd = random.Random(3)
    for r in m.regions:
        r.jobs = rnd.uniform(1e4, 1e6) + 0.1
        r.base_grp_usd_per_year = rnd.uniform(1e9, 1e11) + 0.1
    m._indicator_lists.clear()  # the scenario's sums are kept with the regions' list
    for p in [*m.power_stations, *m.planned_hydro]:
        p.capacity_mw = rnd.uniform(10, 6000) + 0.1
    op = FacilityState.OPERATING

    def mw(fuel):
        return float(sum(p.capacity_mw for p in m.power_stations if p.fuel == fuel and p.state is op)
                     + sum(p.capacity_mw for p in m.planned_hydro
                           if p.fuel == fuel and p.state is op))

    expected = {
        "siberia_jobs": sum(r.jobs for r in m.regions if r.siberian),
        "hydro_capacity_mw": mw("hydro"),
        "thermal_capacity_mw": mw("coal") + mw("gas"),
    }
    for name, value in expected.items():
        assert INDICATORS[name].compute(m) == value, name
    m._indicator_pass = {}  # as inside a collection, where the sums are shared
    try:
        for name, value in expected.items():
            assert INDICATORS[name].compute(m) == value, name
    finally:
        m._indicator_pass = None
