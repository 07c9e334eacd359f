"""One month of a sector's plants, Mesa-free: who produces, what sells at home, what is exported.

A sector (aluminium, electronics, gas chemistry, timber: scenario ``[[sectors]]``) makes one
product. Its plants ``j`` each have a month's capacity ``q_j`` (units) and a cash cost ``c_j``
(USD per unit: bought materials, power at the node price, freight to its market). The product
sells at home at import parity ``p_dom`` (world × (1 + import markup)) while domestic demand
``D`` open to these plants lasts, and abroad at the export price ``p_exp`` (world × (1 − export
discount)) beyond it — the offtake constraint of ``model/markets/materials.py`` without a feed.

Merit order, cheapest first. Plant ``j``'s domestic share is what demand leaves after the
cheaper plants: ``d_j = clip(D − Σ_{i cheaper} q_i, 0, q_j)`` for plants that can sell at home
at a profit (``c_j < p_dom``), none for the others. It produces all it can when its blended
margin ``(d_j p_dom + (q_j − d_j) p_exp) / q_j − c_j`` is positive, else only ``d_j`` when
``p_dom > c_j``, else nothing. Either way its domestic sales are ``d_j`` (a plant that sells
nothing at home is dearer than every plant that does), so the whole month is a few vector
operations over the sector's plants — no Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SectorMonth:
    output: np.ndarray  # (J,) units produced
    domestic: np.ndarray  # (J,) units sold at home
    exported: np.ndarray  # (J,) units sold abroad
    revenue_usd: np.ndarray  # (J,)

    @property
    def domestic_total(self) -> float:
        return float(self.domestic.sum())

    @property
    def exported_total(self) -> float:
        return float(self.exported.sum())


def clear_sector(capacity: np.ndarray, cost_usd_per_unit: np.ndarray, price_domestic_usd: float,
                 price_export_usd: float, demand_units: float) -> SectorMonth:
    """Clear one month of one sector (see the module docstring); arrays are per plant."""
    cap = np.maximum(np.asarray(capacity, dtype=float), 0.0)
    cost = np.asarray(cost_usd_per_unit, dtype=float)
    n = cap.size
    if n == 0:
        z = np.zeros(0)
        return SectorMonth(z, z, z, z)
    order = np.argsort(cost, kind="stable")
    cap_o, cost_o = cap[order], cost[order]
    sells_home = cost_o < price_domestic_usd
    home_cap = np.where(sells_home, cap_o, 0.0)
    before = np.cumsum(home_cap) - home_cap
    # clip(D − before, 0, q), written as the maximum and minimum it is (cheaper on few plants)
    dom_o = np.where(sells_home,
                     np.minimum(np.maximum(max(demand_units, 0.0) - before, 0.0), cap_o), 0.0)
    positive = cap_o > 0
    blended = np.divide(dom_o * price_domestic_usd + (cap_o - dom_o) * price_export_usd, cap_o,
                        out=np.zeros(n), where=positive)
    full = positive & (blended - cost_o > 0)
    out_o = np.where(full, cap_o, dom_o)  # dom_o is nought where it cannot sell at home
    exp_o = out_o - dom_o
    rev_o = dom_o * price_domestic_usd + exp_o * price_export_usd
    output, domestic, exported, revenue = np.empty((4, n))
    output[order], domestic[order], exported[order], revenue[order] = out_o, dom_o, exp_o, rev_o
    return SectorMonth(output=output, domestic=domestic, exported=exported, revenue_usd=revenue)
