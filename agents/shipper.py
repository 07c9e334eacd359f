"""Shippers: one operator per mode and basin (Russian Railways, the river fleets, NSR shipping).

Each January a shipper looks, route by route, at last year's utilisation of the route's
bottleneck link (averaged over the months it was open) and (1) sets the route's tariff — a cost factor on
its links of 1 + ``tariff_response`` × the utilisation above 70% — and (2) when the route ran
above 90%, orders ``capacity_expansion_step`` more capacity on it, online after 3 years for
rail and 2 for fleets; a river fleet grows no faster
than the yards deliver vessels (``river_vessels_per_year``, shared by the river fleets). Capital
spending: rail 180 USD per t/yr of capacity (derived: 250 bn RUB of Eastern Polygon works in
2023 for +15 Mt/yr of capacity, facts transport.rail.eastern_polygon, at 92.6 RUB/USD), river
fleets 36 USD per t/yr (a 60 M RUB, 3,000 t barge carrying ~18 kt a season, facts shipbuilding),
sea fleets 110 USD per t/yr (Norilsk Nickel's Arc7 carriers, ~110 M USD each, facts, carrying
~1 Mt/yr each: assumption).
"""

from __future__ import annotations

import mesa
import numpy as np

LEAD_YEARS = {"rail": 3, "river": 2, "sea": 2, "road": 2}
CAPEX_USD_PER_TPA = {"rail": 180.0, "river": 36.0, "sea": 110.0, "road": 50.0}
RIVER_VESSEL_TPA = 18_000.0  # a 3,000 t barge, 6 trips a season (assumption)
TARIFF_FROM = 0.7
EXPAND_ABOVE = 0.9


class Shipper(mesa.Agent):
    def __init__(self, model, operator: str, mode: str, route_ids: list[str]):
        super().__init__(model)
        self.operator = operator
        self.mode = mode
        self.route_ids = route_ids
        self.utilisation = 0.0  # last year's
        self.tariff_factor = 1.0
        self.orders: list[tuple[int, float, str]] = []  # (online year, capacity added, route)
        self.capex_usd = 0.0

    def decide(self, year: int, vessel_budget: list[float]) -> None:
        """Each January, route by route: tariffs and capacity from last year's utilisation of
        the route's bottleneck link, averaged over the months it was open."""
        freight = self.model.freight
        p = self.model.params
        net = freight.net
        months = freight.utilisation_by_year.get(year - 1, [])
        table = np.array(months) if months else np.zeros((0, net.n_links))  # (months, L)
        utils = []
        for route in self.route_ids:
            if route not in net.route_ids:
                continue
            links = net.route_links(route)
            for _, step, _ in [o for o in self.orders if o[0] <= year and o[2] == route]:
                freight.capacity_factor[links] += step
            sub = table[:, links]
            sub = sub[(sub > 0).any(axis=1)]  # the months the route was open and used
            if not len(sub):
                continue
            util = float(sub.max(axis=1).mean())  # its bottleneck link, month by month
            utils.append(util)
            freight.cost_factor[links] = 1.0 + p.tariff_response * max(0.0, util - TARIFF_FROM)
            if util < EXPAND_ABOVE or p.capacity_expansion_step <= 0:
                continue
            capacity_tpa = float(np.mean(net.link_capacity_t_per_month[links]) * 12.0
                                 * freight.capacity_factor[links].mean())
            step = p.capacity_expansion_step
            if self.mode == "river":  # no faster than the yards deliver vessels
                room = vessel_budget[0] * RIVER_VESSEL_TPA
                step = min(step, room / capacity_tpa) if capacity_tpa > 0 else 0.0
                vessel_budget[0] -= step * capacity_tpa / RIVER_VESSEL_TPA
            if step <= 0:
                continue
            self.orders.append((year + LEAD_YEARS.get(self.mode, 2), step, route))
            self.capex_usd += step * capacity_tpa * CAPEX_USD_PER_TPA.get(self.mode, 100.0)
        self.orders = [o for o in self.orders if o[0] > year]
        self.utilisation = max(utils) if utils else 0.0
        self.tariff_factor = 1.0 + p.tariff_response * max(0.0, self.utilisation - TARIFF_FROM)

    def describe(self) -> dict:
        return {"operator": self.operator, "mode": self.mode, "routes": self.route_ids,
                "utilisation_last_year": self.utilisation, "tariff_factor": self.tariff_factor,
                "capex_usd": self.capex_usd}

    def __repr__(self) -> str:
        return f"<Shipper {self.operator}>"
