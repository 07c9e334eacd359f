"""Cash flow and NPV of the freight levers' links, so "economically unfeasible" is a number.

Three accounts, each the owner of some routes' infrastructure:

* ``nsr_rail_link`` — the Bovanenkovo–Sabetta line that ``nsr_rail_link_year`` opens
  (``obskaya_sabetta``): ``nsr_rail_link_capex_usd`` (catalogue; 100 bn RUB per facts.yaml
  transport.planned_links.obskaya_sabetta, low, = 1.08 bn USD), spent evenly
  over the ``RAIL_BUILD_YEARS`` before it opens (spending before the run's start counts at the
  start). Never built (``nsr_rail_link_year`` = 0): no capital and no income.
* ``river_waterways`` — the Ob, Yenisei and Lena waterways and their fleets: ``river_development``
  × ``river_programme_capex_usd`` (catalogue) spent over the first ``RIVER_BUILD_YEARS`` of
  the run (the lever acts from the first month).
* ``eastern_polygon`` — the Trans-Siberian and BAM: the capacity Russian Railways adds when
  its lines run full (``agents/shipper.py``: 180 USD per t/yr, derived from facts), as spent.

Income is the owner's margin on the freight its routes carry: each month, tonnes on each of its
links × the link's tariff (its cost per tonne × the shipper's cost factor; the congestion
mark-up is a time cost, not revenue) × the account's margin share (``rail_infrastructure_margin_share`` or
``river_infrastructure_margin_share``, catalogue). NPV at ``discount_rate`` to the run's
start: the discounted cash so far, plus (once open) the going-concern value of the rest of the
asset's life at the last 12 months' income, less planned spending not yet made. Comparing runs
on paired seeds (with and without a lever, with and without ``industrial_base``) gives the
lever's value. ``cash_usd_per_year``: this month's income less spending, annualised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.freight_system import FreightSystem
    from model.markets.freight import Assignment
    from model.siberia_model import SiberiaModel

RAIL_BUILD_YEARS = 4  # 170 km of Arctic line: assumption (Obskaya-Bovanenkovo 525 km: 2010)
RIVER_BUILD_YEARS = 5  # assumption
# capital, margins: catalogue parameters nsr_rail_link_capex_usd, river_programme_capex_usd,
# rail_infrastructure_margin_share, river_infrastructure_margin_share (with their sources)
RAIL_LIFE_YEARS = 50  # assumption — track bed and bridges
RIVER_LIFE_YEARS = 30  # assumption — fleet, dredging and port works
ACCOUNTS = ("nsr_rail_link", "river_waterways", "eastern_polygon")


@dataclass
class LinkAccount:
    id: str
    links: np.ndarray  # the network links whose freight earns this account's income
    margin_share: float
    life_years: int
    opens_year: float  # inf: never
    planned_capex_usd: dict[int, float]  # year -> capital spent that year (exogenous part)
    pv_usd: float = 0.0  # discounted cash so far
    cash_usd: float = 0.0  # this month
    income_12m: list[float] = field(default_factory=list)
    income_mean_12m: float = 0.0  # np.mean(income_12m), taken once a month by record_month


class LinkAccounts:
    def __init__(self, model: SiberiaModel, freight: FreightSystem):
        self.model = model
        self.freight = freight
        net = freight.net
        p = model.params
        start = model.calendar.start_year
        self.start_year = start

        def links(routes) -> np.ndarray:
            idx = [net.route_links(r) for r in routes if r in net.route_ids]
            return np.concatenate(idx) if idx else np.array([], dtype=int)

        link_year = p.nsr_rail_link_year or 0
        rail_capex = {}
        if link_year:
            for y in range(link_year - RAIL_BUILD_YEARS, link_year):
                rail_capex[max(y, start)] = (rail_capex.get(max(y, start), 0.0)
                                             + p.nsr_rail_link_capex_usd / RAIL_BUILD_YEARS)
        river_usd = p.river_development * p.river_programme_capex_usd
        river_capex = ({start + k: river_usd / RIVER_BUILD_YEARS for k in range(RIVER_BUILD_YEARS)}
                       if river_usd > 0 else {})
        from model.freight_system import NSR_RAIL_LINK_ROUTE

        river = np.flatnonzero(net.link_mode == 1)  # MODES index of "river"
        self.accounts = {
            "nsr_rail_link": LinkAccount("nsr_rail_link", links([NSR_RAIL_LINK_ROUTE]),
                                         p.rail_infrastructure_margin_share, RAIL_LIFE_YEARS,
                                         float(link_year) if link_year else np.inf, rail_capex),
            "river_waterways": LinkAccount("river_waterways", river,
                                           p.river_infrastructure_margin_share,
                                           RIVER_LIFE_YEARS, -np.inf, river_capex),
            "eastern_polygon": LinkAccount("eastern_polygon", freight.polygon_links,
                                           p.rail_infrastructure_margin_share, RAIL_LIFE_YEARS,
                                           -np.inf, {}),
        }
        self._polygon_capex_seen = 0.0
        self._future_capex: dict[tuple[str, int, float], float] = {}

    def _polygon_capex_usd(self) -> float:
        """Russian Railways' capacity spending on the Trans-Siberian and BAM so far."""
        return float(sum(s.capex_by_route.get(r, 0.0) for s in self.model.shippers
                         for r in ("trans_siberian", "bam")))

    def record_month(self, a: Assignment) -> None:
        """Book this month's income and spending on each account."""
        cal = self.model.calendar
        t_years = cal.month_index / 12.0
        disc = (1.0 + self.model.params.discount_rate) ** -t_years
        tariff = self.freight.net.link_cost_usd_per_t * self.freight.cost_factor
        poly_total = self._polygon_capex_usd()
        poly_new, self._polygon_capex_seen = poly_total - self._polygon_capex_seen, poly_total
        for acc in self.accounts.values():
            income = (acc.margin_share * float(a.link_volume_t[acc.links] @ tariff[acc.links])
                      if len(acc.links) else 0.0)
            spend = acc.planned_capex_usd.get(cal.year, 0.0) / 12.0
            if acc.id == "eastern_polygon":
                spend += poly_new
            acc.cash_usd = income - spend
            acc.pv_usd += acc.cash_usd * disc
            acc.income_12m = (acc.income_12m + [income])[-12:]
            # np.mean's own operation (a pairwise sum, then / n) without its per-call overhead
            acc.income_mean_12m = float(np.add.reduce(np.array(acc.income_12m))) / len(acc.income_12m)

    def npv_usd(self, account: str) -> float:
        """The account's NPV as of now (module docstring)."""
        acc = self.accounts[account]
        cal = self.model.calendar
        p = self.model.params
        r = p.discount_rate
        t_next = (cal.month_index + 1) / 12.0  # the months recorded so far
        value = acc.pv_usd - self._future_capex_usd(acc, cal.year, r)
        if cal.year >= acc.opens_year and acc.income_12m:
            left = acc.life_years - (cal.year - max(acc.opens_year, self.start_year))
            if left > 0:
                yearly = acc.income_mean_12m * 12.0
                annuity = (1 - (1 + r) ** -left) / r if r > 0 else float(left)
                value += yearly * annuity * (1 + r) ** -t_next
        return float(value)

    def _future_capex_usd(self, acc: LinkAccount, year: int, r: float) -> float:
        """The account's planned spending after ``year``, discounted to the run's start: the
        same for a whole year, so summed once a year (the indicators read it monthly)."""
        key = (acc.id, year, r)
        usd = self._future_capex.get(key)
        if usd is None:
            usd = self._future_capex[key] = sum(
                u / (1 + r) ** (y - self.start_year + 0.5)
                for y, u in acc.planned_capex_usd.items() if y > year)
        return usd

    def cash_usd_per_year(self, account: str) -> float:
        return self.accounts[account].cash_usd * 12.0
