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
    before = np.cumsum(np.where(sells_home, cap_o, 0.0)) - np.where(sells_home, cap_o, 0.0)
    dom_o = np.where(sells_home, np.clip(max(demand_units, 0.0) - before, 0.0, cap_o), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        blended = np.where(cap_o > 0, (dom_o * price_domestic_usd
                                       + (cap_o - dom_o) * price_export_usd) / cap_o, 0.0)
    full = (cap_o > 0) & (blended - cost_o > 0)
    out_o = np.where(full, cap_o, np.where(sells_home, dom_o, 0.0))
    exp_o = out_o - dom_o
    rev_o = dom_o * price_domestic_usd + exp_o * price_export_usd
    inv = np.empty(n, dtype=int)
    inv[order] = np.arange(n)
    return SectorMonth(output=out_o[inv], domestic=dom_o[inv], exported=exp_o[inv],
                       revenue_usd=rev_o[inv])
