"""Water below the rule curve is worth the dearest thermal power it saves at its own node."""

import numpy as np

from model import SiberiaModel
from model.power_system import TRANCHE_STEPS


def _unserved_mwh(seed: int, coal_everywhere: bool, years: int = 4) -> float:
    m = SiberiaModel(rng=seed, horizon_years=years)
    if coal_everywhere:  # the old rule: every reservoir's water valued at the dearest coal
        coal = m.power.fuels["coal"]
        m.power.water_value[:] = coal.marginal_cost_usd_per_mwh * (1 + m.params.thermal_cost_spread)
    total = 0.0
    while m.running:
        m.step()
        total += float(m.power.last.result.unserved_mwh.sum())
    return total


def test_each_reservoir_values_water_at_the_dearest_thermal_of_its_node():
    p = SiberiaModel(rng=1, horizon_years=1).power
    n = len(TRANCHE_STEPS)
    for h, st in enumerate(p.hydro):
        tops = [p.thermal_cost[(k + 1) * n - 1] for k, t in enumerate(p.thermal)
                if t.power_node == st.power_node]
        if tops:
            assert p.water_value[h] == max(tops)
    norilsk = [h for h, st in enumerate(p.hydro) if st.power_node == "norilsk"]
    assert norilsk and all(p.water_value[h] > p.fuels["coal"].marginal_cost_usd_per_mwh * 1.5
                           for h in norilsk)  # gas-fired Norilsk: water saves gas, not coal


def test_isolated_gas_fired_norilsk_keeps_water_for_late_winter_instead_of_shedding():
    """Valued at coal, Norilsk's water is spent in autumn and a late-winter gas outage sheds
    load; valued at its own gas, it is kept and nothing is shed (paired seeds)."""
    seeds = (1, 2, 3, 4)
    coal = np.array([_unserved_mwh(s, True) for s in seeds])
    own = np.array([_unserved_mwh(s, False) for s in seeds])
    assert (own == 0).all()
    diff = coal - own
    assert diff.mean() > 2 * diff.std(ddof=1) / np.sqrt(len(seeds))
