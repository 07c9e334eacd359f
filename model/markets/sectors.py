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
nothing at home is dearer than every plant that does), so the month is one pass over the
sector's plants in merit order.
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
    caps, costs = cap.tolist(), cost.tolist()
    p_dom, p_exp = float(price_domestic_usd), float(price_export_usd)
    demand = max(demand_units, 0.0)
    output, domestic, exported, revenue = ([0.0] * n for _ in range(4))
    home_total = 0.0  # capacity of the cheaper plants that sell at home, added up in merit order
    # a sector has tens of plants: a loop on Python floats (the same IEEE operations, the
    # running total added as ``np.cumsum`` adds it) costs less than NumPy's calls on them
    for j in np.argsort(cost, kind="stable").tolist():
        q, c = caps[j], costs[j]
        home = q if c < p_dom else 0.0
        home_total = home_total + home
        before = home_total - home
        dom = min(max(demand - before, 0.0), q) if c < p_dom else 0.0
        blended = (dom * p_dom + (q - dom) * p_exp) / q if q > 0 else 0.0
        out = q if q > 0 and blended - c > 0 else dom  # dom is nought where it cannot sell at home
        exp = out - dom
        output[j], domestic[j], exported[j] = out, dom, exp
        revenue[j] = dom * p_dom + exp * p_exp
    return SectorMonth(output=np.array(output), domestic=np.array(domestic),
                       exported=np.array(exported), revenue_usd=np.array(revenue))
