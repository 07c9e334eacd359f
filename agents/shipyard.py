"""Shipyards: the river and ice-class fleets grow only as fast as the yards deliver.

A yard (one ``[[shipyards]]`` row) builds vessels of one fleet (``river`` or ``ice_class``) up
to ``capacity_dwt_per_year`` deadweight tonnes a year (× ``shipyard_capacity_factor``). Each
January (``model.invest``):

1. **Deliveries.** The yard works through its order book, oldest order first, up to one year's
   capacity; what it delivers becomes carrying capacity on the ordering shipper's route
   (``Shipper.receive``): a river vessel carries ``CARRY_T_PER_DWT_YEAR['river']`` tonnes a
   year per dwt (a 3,000 t barge making 6 trips a season, 18 kt), an ice-class ship
   ``CARRY_T_PER_DWT_YEAR['ice_class']``. The rest stays queued.
2. **Orders.** Shippers whose routes ran above 90 % order vessels (``Shipper.decide``) at the
   yard of their fleet with the shortest queue per unit of capacity.
3. **Expansion.** When the queue has exceeded a year's capacity for ``SUSTAINED_YEARS``
   Januaries in a row, the yard appraises an expansion by the investors' NPV
   (``model.investment.npv``): size = the queue beyond a year's work (at most doubling the
   yard), capital = size × ``capex_usd_per_dwt_year`` less ``shipyard_support_share`` paid by
   the state, cash = size × ``order_price_usd_per_dwt`` × ``shipyard_margin_share`` after profit tax,
   over ``plant_life_years`` at ``discount_rate`` plus the site's threat premium. If the NPV is
   positive the expansion is built in ``LEAD_YEARS`` (capital through the chain's
   construction ledger, where there is one).

Today's yards draw power and employ people already inside the nodes' base loads and the
regions' base employment; capacity *added* in the run adds load (MW, pro rata to the row's
``power_mw`` per dwt/yr) at the region's power node and jobs (pro rata to ``jobs``) to the
region's labour demand.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.facility import Facility, FacilityState

# tonnes carried a year per dwt of fleet: a 3,000 t river barge makes ~6 trips in a 5-month
# season (assumption, as the shipper's earlier constant); an Arc7 ship on Murmansk-Dudinka
# (~3,000 km each way) ~30 trips a year at full load one way (assumption — ~12-day round trips)
CARRY_T_PER_DWT_YEAR = {"river": 6.0, "ice_class": 30.0}
SUSTAINED_YEARS = 2  # Januaries in a row with more than a year's work queued
LEAD_YEARS = 3  # a yard expansion (slipways, halls): assumption — Zhatai was built 2019-2022


@dataclass
class Order:
    shipper: object  # agents.shipper.Shipper
    route: str
    dwt: float  # still to deliver
    placed_year: int


class Shipyard(Facility):
    kind = "shipyard"
    history_fields = ("delivered_dwt", "added_dwt")

    def __init__(self, model, row, cell):
        super().__init__(model, row, cell)
        self.fleet: str = row.fleet
        self.base_capacity_dwt: float = row.capacity_dwt_per_year
        self.added_dwt: float = 0.0  # expansions online
        self.power_mw_per_dwt = row.power_mw / row.capacity_dwt_per_year \
            if row.capacity_dwt_per_year > 0 else 0.0
        self.jobs_per_dwt = row.jobs / row.capacity_dwt_per_year \
            if row.capacity_dwt_per_year > 0 else 0.0
        self.capex_usd_per_dwt_year: float = row.capex_usd_per_dwt_year
        self.order_price_usd_per_dwt: float = row.order_price_usd_per_dwt
        self.orders: list[Order] = []
        self.building: list[tuple[int, float]] = []  # (online year, dwt/yr)
        self.backlog_years = 0
        self.delivered_dwt = 0.0  # cumulative
        self.capex_usd = 0.0  # expansions, total (investor's and state's)
        self.last_npv_usd: float | None = None

    # --- state ---------------------------------------------------------------------------------
    @property
    def capacity_dwt_per_year(self) -> float:
        """What the yard can deliver this year (0 while disrupted)."""
        if self.state is not FacilityState.OPERATING:
            return 0.0
        return (self.base_capacity_dwt + self.added_dwt) * self.model.params.shipyard_capacity_factor

    @property
    def queue_dwt(self) -> float:
        return sum(o.dwt for o in self.orders)

    @property
    def added_load_mw(self) -> float:
        return self.added_dwt * self.power_mw_per_dwt

    @property
    def added_jobs(self) -> float:
        return self.added_dwt * self.jobs_per_dwt

    # --- each January --------------------------------------------------------------------------
    def deliver(self, year: int) -> float:
        """Commission expansions due this year, then deliver up to a year's capacity, oldest
        order first; returns the dwt delivered."""
        for _, dwt in [b for b in self.building if b[0] <= year]:
            self.added_dwt += dwt
        self.building = [b for b in self.building if b[0] > year]
        room = self.capacity_dwt_per_year
        done = 0.0
        for order in self.orders:
            if room <= 0:
                break
            take = min(order.dwt, room)
            order.dwt -= take
            room -= take
            done += take
            order.shipper.receive(order.route, take * CARRY_T_PER_DWT_YEAR[self.fleet],
                                  take * self.order_price_usd_per_dwt)
        self.orders = [o for o in self.orders if o.dwt > 1e-9]
        self.delivered_dwt += done
        return done

    def place(self, shipper, route: str, dwt: float, year: int) -> None:
        self.orders.append(Order(shipper, route, dwt, year))

    def consider_expansion(self, year: int) -> bool:
        """Appraise and start an expansion when more than a year's work has stayed queued."""
        from model.chain import PROFIT_TAX
        from model.investment import npv, site_risk_premium

        cap = self.capacity_dwt_per_year
        queued = self.queue_dwt
        self.backlog_years = self.backlog_years + 1 if queued > cap + 1e-9 else 0
        if self.backlog_years < SUSTAINED_YEARS or self.building or \
                self.state is not FacilityState.OPERATING:
            return False
        factor = self.model.params.shipyard_capacity_factor
        nominal = self.base_capacity_dwt + self.added_dwt  # what the slipways are sized for
        # nominal (slipway) dwt/yr that would deliver the excess queue at today's factor
        size = min((queued - cap) / factor, nominal) if factor > 0 else 0.0
        if size <= 0:
            return False
        p = self.model.params
        total_capex = size * self.capex_usd_per_dwt_year
        support = total_capex * p.shipyard_support_share
        cash = size * factor * self.order_price_usd_per_dwt * p.shipyard_margin_share * (1 - PROFIT_TAX)
        rate = p.discount_rate + site_risk_premium(self.model, self.lat, self.lon)
        self.last_npv_usd = npv(total_capex - support, LEAD_YEARS, cash, p.plant_life_years, rate)
        if self.last_npv_usd <= 0:
            return False
        self.building.append((year + LEAD_YEARS, size))
        self.capex_usd += total_capex
        chain = getattr(self.model, "chain", None)
        if chain is not None:
            chain.spend_capex(total_capex, LEAD_YEARS * 12, 0.0,
                              support / total_capex if total_capex > 0 else 0.0)
        self.backlog_years = 0
        return True

    def describe(self) -> dict:
        return {**super().describe(), "fleet": self.fleet,
                "capacity_dwt_per_year": self.capacity_dwt_per_year, "queue_dwt": self.queue_dwt,
                "added_dwt_per_year": self.added_dwt, "delivered_dwt": self.delivered_dwt,
                "added_load_mw": self.added_load_mw, "added_jobs": self.added_jobs,
                "expansion_capex_usd": self.capex_usd, "last_npv_usd": self.last_npv_usd}
