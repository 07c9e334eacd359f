"""Shippers: one operator per mode and basin (Russian Railways, the river fleets, NSR shipping).

Each January a shipper looks, route by route, at last year's utilisation of the route's
bottleneck link (averaged over the months it was open) and (1) sets the route's tariff — a cost
factor on its links of 1 + ``tariff_response`` × the utilisation above 70% — and (2) when the
route ran above 90%, wants ``capacity_expansion_step`` more capacity on it.

Rail (and sea lanes outside the NSR) build it themselves: online after ``LEAD_YEARS``, at
180 USD per t/yr for rail (derived: 250 bn RUB of Eastern Polygon works in 2023 for +15 Mt/yr of
capacity, facts transport.rail.eastern_polygon, at 92.6 RUB/USD). A river fleet and the NSR's
ice-class fleet instead order vessels from the yards of their fleet (``agents/shipyard.py``):
the order (in dwt) waits in the yard's queue, and the capacity comes online as the yard
delivers, paid at the yard's order price. A route with an undelivered order orders no more.
"""

from __future__ import annotations

import mesa
import numpy as np

from agents.shipyard import CARRY_T_PER_DWT_YEAR

LEAD_YEARS = {"rail": 3, "river": 2, "sea": 2, "road": 2}
# sea lanes outside the NSR: ~110 M USD an Arc7 carrier (facts shipbuilding.ice_class_fleet)
# carrying ~1 Mt/yr (assumption); road: assumption
CAPEX_USD_PER_TPA = {"rail": 180.0, "river": 36.0, "sea": 110.0, "road": 50.0}
TARIFF_FROM = 0.7
EXPAND_ABOVE = 0.9


class Shipper(mesa.Agent):
    def __init__(self, model, operator: str, mode: str, route_ids: list[str],
                 fleet: str | None = None):
        super().__init__(model)
        self.operator = operator
        self.mode = mode
        self.route_ids = route_ids
        self.fleet = fleet  # "river" | "ice_class": grows through the yards; None: builds itself
        self.delivered_tpa: dict[str, float] = {}  # route -> capacity the yards delivered, t/yr
        self.utilisation = 0.0  # last year's
        self.tariff_factor = 1.0
        self.orders: list[tuple[int, float, str]] = []  # (online year, capacity added, route)
        self.capex_usd = 0.0
        self.capex_by_route: dict[str, float] = {}  # USD spent on each route's capacity

    def receive(self, route: str, capacity_tpa: float, cost_usd: float) -> None:
        """A yard delivered vessels for ``route``: ``capacity_tpa`` more t/yr on its links."""
        freight = self.model.freight
        links = freight.net.route_links(route)
        base_tpa = float(np.mean(freight.net.link_capacity_t_per_month[links]) * 12.0)
        if base_tpa > 0:
            freight.capacity_factor[links] += capacity_tpa / base_tpa
        self.delivered_tpa[route] = self.delivered_tpa.get(route, 0.0) + capacity_tpa
        self.capex_usd += cost_usd
        self.capex_by_route[route] = self.capex_by_route.get(route, 0.0) + cost_usd

    def decide(self, year: int, yards: list | None = None) -> None:
        """Each January, route by route: tariffs and capacity from last year's utilisation of
        the route's bottleneck link, averaged over the months it was open. ``yards``: the
        shipyards of this shipper's fleet (orders go to the one with the shortest queue per
        unit of capacity)."""
        freight = self.model.freight
        p = self.model.params
        net = freight.net
        table = freight.utilisation_table(year - 1)  # (months, L)
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
            if self.fleet is not None:  # vessels from the yards, as fast as they deliver
                self._order(route, step * capacity_tpa, year, yards or [])
                continue
            self.orders.append((year + LEAD_YEARS.get(self.mode, 2), step, route))
            usd = step * capacity_tpa * CAPEX_USD_PER_TPA.get(self.mode, 100.0)
            self.capex_usd += usd
            self.capex_by_route[route] = self.capex_by_route.get(route, 0.0) + usd
        self.orders = [o for o in self.orders if o[0] > year]
        self.utilisation = max(utils) if utils else 0.0
        self.tariff_factor = 1.0 + p.tariff_response * max(0.0, self.utilisation - TARIFF_FROM)

    def _order(self, route: str, capacity_tpa: float, year: int, yards: list) -> None:
        """Order vessels for ``capacity_tpa`` more t/yr, unless an order for the route waits."""
        if not yards or any(o.shipper is self and o.route == route
                            for y in yards for o in y.orders):
            return
        dwt = capacity_tpa / CARRY_T_PER_DWT_YEAR[self.fleet]
        yard = min(yards, key=lambda y: (y.queue_dwt / max(y.capacity_dwt_per_year, 1e-9),
                                         y.facility_id))
        yard.place(self, route, dwt, year)

    def describe(self) -> dict:
        return {"operator": self.operator, "mode": self.mode, "routes": self.route_ids,
                "fleet": self.fleet, "utilisation_last_year": self.utilisation,
                "tariff_factor": self.tariff_factor, "capex_usd": self.capex_usd,
                "delivered_tpa": dict(self.delivered_tpa)}

    def __repr__(self) -> str:
        return f"<Shipper {self.operator}>"
