"""The sectors beyond rare earths: aluminium, electronics, gas chemistry and timber (issue #10).

Glue between the Mesa world and the Mesa-free sector market (``model/markets/sectors.py``), as
``model/chain.py`` is for the rare-earth chain (docs/ODD.md, "Sectors"). Each sector is a row
of the scenario's ``[[sectors]]`` table (numbers per unit of output, each with its source); its
plants are :class:`agents.ProcessingPlant` agents like the chain's, with ``sector`` set.

Each month, in two steps around the power market:

1. **Decide** (before power): every operating plant offers its capacity × ``max_utilisation``
   × its ramp share, in proportion to the month's hours (plants run around the clock). Costs:
   bought materials, power at the price its node had last month (what the plant knows),
   freight of its cargo to its market. The sector market clears merit order against domestic
   demand at import parity and export prices; the plants' output fixes their power load, which
   enters the power market as flat industrial load this month.
2. **Book** (after power): where the power market shed industrial load at a node, the plants
   there lose output in proportion. Power is paid at this month's node price; materials,
   wages (the region's wage, skilled share at the skilled wage), profit tax and sales go
   through the chain's ledger.

Links to the rest of the model:

- Aluminium's base-year smelters are agents from the first month (scenario
  ``[[processing_plants]]`` rows with ``sector = "aluminium"``), *replacing* the fixed
  ``[[large_loads]]`` rows they used to be: the base-year load is the same
  (capacity × utilisation × MWh/t), never added twice. Other sectors' base-year output lies in
  the nodes' base load and the regions' base GRP, so only new plants are agents
  (``base_output_modelled``) and they compete for the imported share of domestic demand.
- Electronics (``substitutes_tier``) replaces imports of the finished-equipment tier of the
  seed's import bill at import parity; its magnet use (``magnet_t_per_unit``) adds to the
  domestic demand for magnets that the chain's magnet plants serve (``magnet_demand_t``).
- Workers: plants built in the run hire from the regional labour pools (``model/chain.py``
  clears them each January); plants that operate from the start are staffed already.
- Freight: each plant's cargo (``freight_t_per_unit`` × output) is priced on the freight
  network to Moscow (``west``) or the Chinese border (``east``), and carried with the chain's
  shipments (``model/freight_system.py``).
- Investment: investors whose ``stages`` name a sector value its projects with the chain's NPV
  (``model/investment.py``): :func:`appraise_sector`.
"""

from __future__ import annotations

import calendar as _calendar
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from agents.facility import FacilityState
from model.chain import HOURS_PER_YEAR, MOSCOW, PROFIT_TAX_FEDERAL, PROFIT_TAX_REGIONAL
from model.markets.sectors import clear_sector

if TYPE_CHECKING:
    from agents import Investor, ProcessingPlant
    from model.investment import Offer
    from model.siberia_model import SiberiaModel

REE_SECTOR = "rare_earths"


@functools.cache
def _month_hours(year: int, month: int) -> float:
    return _calendar.monthrange(year, month)[1] * 24.0


@dataclass
class SectorRecord:
    """One sector's last month, annualised (units/yr, USD/yr, MWh/yr) where it says so."""

    output_units_per_year: float = 0.0
    siberia_output_units_per_year: float = 0.0
    siberia_value_added_usd_per_year: float = 0.0
    siberia_power_mwh_per_year: float = 0.0
    power_mwh_per_year_by_node: np.ndarray = field(default_factory=lambda: np.zeros(0))
    domestic_sales_usd_per_year: float = 0.0
    export_usd_per_year: float = 0.0
    magnet_t_per_year: float = 0.0


@dataclass
class _Fleet:
    """Per-plant arrays of one sector's operating plants: kept while that set of plants stays
    the same within a year (freight is priced per year)."""

    plants: list
    ids: list[str]
    year: int
    node: np.ndarray  # index of each plant's power node
    energy: np.ndarray  # MWh per unit
    freight: np.ndarray  # USD per unit to its market
    jobs: np.ndarray
    siberian: np.ndarray  # bool
    # each plant's capacity, units/yr, where none of them ramps up (every ramp share is 1)
    capacity: np.ndarray | None = None
    wage: np.ndarray | None = None  # USD/month per job, at the wages set ``wages_cleared`` times
    wages_cleared: int = -1


class SectorSystem:
    """The non-chain sectors of one run: their plants, monthly market, bookings and projects."""

    def __init__(self, model: SiberiaModel):
        self.model = model
        s = model.scenario_data
        self.rows = {r.id: r for r in s.sectors if not r.stages}
        self.ids = list(self.rows)
        self.price_paths = {r.stage: r for r in s.world_price_paths if r.stage in self.rows}
        n_nodes = len(model.power.nodes) if model.power is not None else 0
        self.load_mw_by_node = np.zeros(n_nodes)
        self.last: dict[str, SectorRecord] = {sid: SectorRecord() for sid in self.ids}
        self._magnet_demand: float | None = None  # of the records in ``last``
        self._planned: dict[str, tuple] = {}  # sector -> (its _Fleet, the month's result)
        self._idle: list[ProcessingPlant] = []  # the month's plants with no output decided
        self._freight: dict[tuple[str, int], float] = {}
        self._prices: dict[tuple, tuple[float, float]] = {}  # (sector, date, levers) -> prices
        self._site_costs: dict[tuple, tuple] = {}  # (sector, sites) -> ((year, wages), arrays)
        self._fleets: dict[str, _Fleet] = {}
        self._siberian_chain: tuple[tuple, list] = ((), [])  # (fleet sizes, Siberian facilities)
        self._new_plant_ids: dict[tuple[int, bool], list[str]] = {}
        self._node_index = ({node: i for i, node in enumerate(model.power.nodes)}
                            if model.power is not None else {})
        self.staffed_at_start: set[str] = set()
        self.value_added_by_facility: dict[str, float] = {}  # last month, USD
        # calendar-year sums (validation): (sector, year) -> MWh by node; units produced
        self.power_mwh_by_year: dict[tuple[str, int], np.ndarray] = {}
        self.output_by_year: dict[tuple[str, int], float] = {}

    # --- data ---------------------------------------------------------------------------------
    def plants(self, sector: str | None = None) -> list[ProcessingPlant]:
        return [p for p in self.model.sector_plants if sector is None or p.sector == sector]

    def energy_mwh_per_unit(self, plant: ProcessingPlant) -> float:
        own = plant.energy_mwh_per_t
        return float(own if own is not None else self.rows[plant.sector].energy_mwh_per_unit)

    def price_index(self, sector: str, fractional_year: float) -> float:
        """World price multiplier of a sector's product: its scenario path (linear between its
        years, flat beyond) × the catalogue parameter its row names (``price_multiplier_param``,
        e.g. ``aluminium_price_multiplier``)."""
        path = self.price_paths.get(sector)
        index = float(np.interp(fractional_year, path.years, path.index)) if path else 1.0
        lever = self.rows[sector].price_multiplier_param
        if lever is not None:
            index *= getattr(self.model.params, lever)
        return index

    def prices(self, sector: str) -> tuple[float, float]:
        """(domestic import parity, export price) per unit this month, USD; kept for the month,
        as the output decision, the bookings and the appraisals all ask for them."""
        row = self.rows[sector]
        params = self.model.params
        lever = row.price_multiplier_param
        key = (sector, self.model.calendar.fractional_year, params.export_price_discount,
               getattr(params, lever) if lever is not None else None)
        cached = self._prices.get(key)
        if cached is None:
            if len(self._prices) > 64:  # last months' prices are not asked for again
                self._prices.clear()
            world = row.world_price_usd_per_unit * self.price_index(sector, key[1])
            cached = self._prices[key] = (world * (1 + row.import_markup),
                                          world * (1 - params.export_price_discount))
        return cached

    def demand_units_per_year(self, sector: str, years: float) -> float:
        """Domestic demand open to the sector's modelled plants, ``years`` after the start: the
        imports of the tier it substitutes (at import parity), else its demand (all of it where
        the base-year plants are agents, the imported share otherwise) grown at its rate."""
        row = self.rows[sector]
        chain = self.model.chain
        if row.substitutes_tier is not None and chain is not None:
            tier = next(t for t in chain.tiers if t.id == row.substitutes_tier)
            return chain.tier_value_usd_per_year(tier, years) / self.prices(sector)[0]
        share = 1.0 if row.base_output_modelled else row.import_share
        return row.domestic_demand_units_per_year * share * (1 + row.demand_growth_per_year) ** years

    def destination(self, sector: str) -> tuple[float, float]:
        """Where a sector's cargo goes: Moscow (``west``) or the Chinese border (``east``)."""
        from model.investment import CHINA_BORDER

        return MOSCOW if self.rows[sector].freight_direction == "west" else CHINA_BORDER

    def freight_usd_per_unit(self, sector: str, site) -> float:
        """Freight of a unit's cargo from a site to its market (cached per site and year)."""
        key = (sector, site.id if hasattr(site, "id") else site.facility_id,
               self.model.calendar.year)
        cached = self._freight.get(key)
        if cached is None:
            row = self.rows[sector]
            chain = self.model.chain
            if row.freight_t_per_unit <= 0 or chain is None:
                cached = 0.0
            else:
                to = self.destination(sector)
                freight = self.model.freight
                if freight is not None:
                    per_t = freight.cost_usd_per_t(site.lat, site.lon, *to)
                else:
                    from model.chain import freight_cost_usd_per_t

                    per_t = freight_cost_usd_per_t(site.lat, site.lon, *to)
                cached = per_t * row.freight_t_per_unit
            self._freight[key] = cached
        return cached

    def site_costs(self, sector: str, sites) -> tuple[np.ndarray, np.ndarray]:
        """(freight of a unit to its market, monthly wage) at each candidate site, for the
        appraisals: kept for the year and until the labour market next sets the wages."""
        model = self.model
        key = (sector, tuple(site.id for site in sites))
        stamp = (model.calendar.year, model.chain.wages_cleared)
        cached = self._site_costs.get(key)
        if cached is None or cached[0] != stamp:
            cached = self._site_costs[key] = (stamp, (
                np.array([self.freight_usd_per_unit(sector, site) for site in sites]),
                np.array([self.wage_usd_per_month(sector, site.region) for site in sites])))
        return cached[1]

    def wage_usd_per_month(self, sector: str, region: str) -> float:
        row = self.rows[sector]
        chain = self.model.chain
        return ((1 - row.skilled_share) * chain.wage_general.get(region, 0.0)
                + row.skilled_share * chain.wage_skilled.get(region, 0.0))

    def jobs(self, plant: ProcessingPlant) -> float:
        return self.rows[plant.sector].jobs_per_k_units * plant.capacity_t_per_year / 1000.0

    def _fleet(self, sector: str, plants: list[ProcessingPlant]) -> _Fleet:
        """The per-plant arrays of a sector's operating ``plants`` this year (cached)."""
        year = self.model.calendar.year
        fleet = self._fleets.get(sector)
        if fleet is None or fleet.year != year or fleet.plants != plants:
            model = self.model
            fleet = self._fleets[sector] = _Fleet(
                plants=plants, ids=[p.facility_id for p in plants], year=year,
                node=np.array([self._node_index[p.power_node] for p in plants], dtype=int),
                energy=np.array([self.energy_mwh_per_unit(p) for p in plants]),
                freight=np.array([self.freight_usd_per_unit(sector, p) for p in plants]),
                jobs=np.array([self.jobs(p) for p in plants]),
                siberian=np.array([model.region_is_siberian(p.region) for p in plants],
                                  dtype=bool),
                # a plant's ramp is set when it comes online, which changes the set of plants
                capacity=(np.array([p.capacity_t_per_year for p in plants])
                          if all(p.ramp_months <= 0 for p in plants) else None))
        return fleet

    # --- step 1: output decisions, before the power market -------------------------------------
    def decide_month(self) -> np.ndarray:
        """Each sector's output this month; returns the (N,) power load in MW it draws."""
        model = self.model
        cal = model.calendar
        power = model.power
        hours = _month_hours(cal.year, cal.month)
        years = model.chain.years_since_start() if model.chain is not None else 0.0
        last_price = None
        if power is not None:
            # last month's prices; in the run's first month, the year's expected prices (a
            # January and a July solved with today's fleet), not free power
            last_price = power.last.node_price if power.last is not None else \
                power.forecast_prices(cal.year, model.committed_load_mw_by_node(),
                                      model.planner.hydro_online_by)
        n_nodes = len(power.nodes) if power is not None else 0
        load_nodes, load_mw = [], []  # each sector's plants' loads, added up in this order below
        self._planned = {}
        operating: dict[str, list[ProcessingPlant]] = {sid: [] for sid in self.ids}
        self._idle = []  # the plants not deciding an output: the bookings zero their month
        for p in model.sector_plants:
            if p.state is FacilityState.OPERATING and p.sector in operating:
                operating[p.sector].append(p)
            else:
                self._idle.append(p)
        for sid in self.ids:
            row = self.rows[sid]
            plants = operating[sid]
            if not plants:
                continue
            fleet = self._fleet(sid, plants)
            node, energy, freight = fleet.node, fleet.energy, fleet.freight
            full = fleet.capacity  # × a ramp share of 1 where none ramps up: the same numbers
            cap = (full if full is not None else
                   np.array([p.capacity_t_per_year * p.ramp_share() for p in plants])) \
                * row.max_utilisation * hours / HOURS_PER_YEAR
            price_node = last_price[node] if last_price is not None else np.zeros(len(plants))
            cost = row.materials_usd_per_unit + energy * price_node + freight
            p_dom, p_exp = self.prices(sid)
            demand = self.demand_units_per_year(sid, years) * hours / HOURS_PER_YEAR
            r = clear_sector(cap, cost, p_dom, p_exp, demand)
            self._planned[sid] = (fleet, r)
            load_nodes.append(node)
            load_mw.append(r.output * energy / hours)
        # bincount adds each plant's load at its node one after another from nought, as
        # np.add.at did sector by sector
        load = (np.bincount(np.concatenate(load_nodes), weights=np.concatenate(load_mw),
                            minlength=n_nodes) if load_nodes else np.zeros(n_nodes))
        self.load_mw_by_node = load
        return load

    # --- step 2: bookings, after the power market ----------------------------------------------
    def book_month(self) -> None:
        model = self.model
        cal = model.calendar
        power = model.power
        led = model.chain.ledger
        p = model.params
        hours = _month_hours(cal.year, cal.month)
        per_year = HOURS_PER_YEAR / hours
        price = power.last.node_price
        # share of industrial load served at each node (the LP may shed industry when short)
        res = power.last.result
        kind = power.network.consumer_kinds.index("industry")
        asked = res.load_mwh[:, kind]  # load asked (MWh); unserved_mwh: what was shed
        served = np.where(asked > 0, 1.0 - res.unserved_mwh[:, kind] / np.maximum(asked, 1e-9),
                          1.0)
        self._magnet_demand = None  # the records are this month's from here
        for sid in self.ids:
            planned = self._planned.get(sid)
            if planned is None:
                self.last[sid] = SectorRecord(power_mwh_per_year_by_node=np.zeros(len(power.nodes)))
                continue
            row = self.rows[sid]
            fleet, r = planned
            plants, node, energy, freight, sib = (fleet.plants, fleet.node, fleet.energy,
                                                  fleet.freight, fleet.siberian)
            share = served[node]
            out = r.output * share
            dom = r.domestic * share
            exp = out - dom
            p_dom, p_exp = self.prices(sid)
            revenue = dom * p_dom + exp * p_exp
            mwh = out * energy
            power_usd = mwh * price[node]
            materials = out * row.materials_usd_per_unit
            freight_usd = out * freight
            if fleet.wages_cleared != model.chain.wages_cleared:  # each January's labour market
                fleet.wage = np.array([self.wage_usd_per_month(sid, pl.region) for pl in plants])
                fleet.wages_cleared = model.chain.wages_cleared
            wages = fleet.jobs * fleet.wage
            value_added = revenue - materials - power_usd - freight_usd
            profit = value_added - wages
            out_total, dom_total = out.sum(), dom.sum()
            led.pay("firms", "firms", float(materials.sum()), "opex")
            led.pay("firms", "firms", float(power_usd.sum()), "power")
            led.pay("firms", "households", float(wages.sum()), "wages")
            taxed = float(np.maximum(profit, 0.0).sum())
            led.pay("firms", "federal", taxed * PROFIT_TAX_FEDERAL, "taxes")
            led.pay("firms", "regions", taxed * PROFIT_TAX_REGIONAL, "taxes")
            led.pay("rest_of_world", "firms", float(exp @ np.full(len(exp), p_exp)), "exports")
            led.pay("firms", "firms", float(dom_total * p_dom), "sales")
            closure_months, cargo_t_per_unit = p.closure_months, row.freight_t_per_unit
            for pl, out_j, profit_j, freight_j in zip(plants, out.tolist(), profit.tolist(),
                                                      freight_usd.tolist(), strict=True):
                pl.record_month(out_j, profit_j, closure_months)
                pl.cargo_t = out_j * cargo_t_per_unit
                pl.cargo_cost_usd = freight_j
            self.value_added_by_facility.update(zip(fleet.ids, value_added.tolist(), strict=True))
            # the node power: bincount adds from nought one plant after another, as np.add.at
            # on zeros did
            rec = self.last[sid] = SectorRecord(power_mwh_per_year_by_node=np.bincount(
                node, weights=mwh * per_year, minlength=len(power.nodes)))
            rec.output_units_per_year = float(out_total * per_year)
            rec.siberia_output_units_per_year = float(out[sib].sum() * per_year)
            rec.siberia_value_added_usd_per_year = float(value_added[sib].sum() * per_year)
            rec.siberia_power_mwh_per_year = float(mwh[sib].sum() * per_year)
            key = (sid, cal.year)
            year_mwh = self.power_mwh_by_year.setdefault(key, np.zeros(len(power.nodes)))
            np.add.at(year_mwh, node, mwh)
            self.output_by_year[key] = self.output_by_year.get(key, 0.0) + float(out_total)
            rec.domestic_sales_usd_per_year = float(dom_total * p_dom * per_year)
            rec.export_usd_per_year = float(exp.sum() * p_exp * per_year)
            rec.magnet_t_per_year = float(out_total * row.magnet_t_per_unit * per_year)
        for pl in self._idle:  # idle plants (building, disrupted, closed) ship nothing
            if pl.state is not FacilityState.OPERATING:
                pl.output_t = 0.0
                pl.cargo_t = 0.0
                pl.cargo_cost_usd = 0.0

    # --- what the chain and the indicators read ----------------------------------------------
    def all_ids(self) -> list[str]:
        """Every sector: the rare-earth chain first, then the sector table's rows."""
        return [REE_SECTOR, *self.ids]

    def siberia_by_sector(self, what: str) -> dict[str, float]:
        """``output`` (units/yr), ``value_added`` (USD/yr) or ``power`` (TWh/yr) of each sector's
        plants in the Siberian regions, last month annualised; rare earths from the chain."""
        out = {REE_SECTOR: self._chain_siberia(what)}
        for sid in self.ids:
            r = self.last[sid]
            out[sid] = {"output": r.siberia_output_units_per_year,
                        "value_added": r.siberia_value_added_usd_per_year,
                        "power": r.siberia_power_mwh_per_year / 1e6}[what]
        return out

    def _chain_siberia(self, what: str) -> float:
        """The rare-earth chain's Siberian mines and plants (output in t REO-eq)."""
        model = self.model
        chain = model.chain
        if chain is None or chain.last is None:
            return 0.0
        from model.chain import STAGES

        key = (len(model.mines), len(model.processing_plants))
        if self._siberian_chain[0] != key:  # regions never change; facilities are only added
            self._siberian_chain = (key, [
                (f, STAGES.index(getattr(f, "stage", "mining")), getattr(f, "stage", "mining"))
                for f in [*model.mines, *model.processing_plants]
                if model.region_is_siberian(f.region)])
        total = 0.0
        for f, s, stage in self._siberian_chain[1]:
            if what == "value_added":
                total += chain.value_added_by_facility.get(f.facility_id, 0.0) * 12.0
            elif what == "output":  # a mine's output is t REO already; a plant's its own unit
                total += f.output_t * (chain.k[s] if s else 1.0) * 12.0
            else:
                total += f.output_t * chain.stage_rows[stage].energy_mwh_per_t * 12.0 / 1e6
        return total

    def new_plants_value_added_usd_per_year(self, siberian_only: bool) -> float:
        """Value added of the plants built in the run (USD/yr): what they add to GRP."""
        model = self.model
        key = (len(model.sector_plants), siberian_only)
        ids = self._new_plant_ids.get(key)
        if ids is None:  # facilities are only added; regions and the base-year set never change
            ids = self._new_plant_ids[key] = [
                pl.facility_id for pl in model.sector_plants
                if pl.facility_id not in self.staffed_at_start
                and (not siberian_only or model.region_is_siberian(pl.region))]
        return 12.0 * sum(self.value_added_by_facility.get(fid, 0.0) for fid in ids)

    def magnet_demand_t_per_year(self) -> float:
        """Magnets (t/yr) the domestic plants of all sectors used last month (electronics);
        kept until the next bookings (the chain, its demand and the indicators ask often)."""
        if self._magnet_demand is None:
            self._magnet_demand = float(sum(r.magnet_t_per_year for r in self.last.values()))
        return self._magnet_demand

    def tier_supply_usd_per_year(self, tier_id: str) -> float:
        """Imports of a demand tier replaced by domestic sector output (USD/yr, import parity)."""
        return float(sum(self.last[sid].domestic_sales_usd_per_year for sid in self.ids
                         if self.rows[sid].substitutes_tier == tier_id))

    def committed_load_mw_by_node(self) -> np.ndarray:
        """(N,) load of the sectors' plants operating, under construction or disrupted (to be
        repaired), at full output."""
        power = self.model.power
        load = np.zeros(len(power.nodes))
        for pl in self.model.sector_plants:
            if pl.state in (FacilityState.OPERATING, FacilityState.BUILDING,
                            FacilityState.DISRUPTED):
                load[power.nodes.index(pl.power_node)] += (
                    pl.capacity_t_per_year * self.rows[pl.sector].max_utilisation
                    * self.energy_mwh_per_unit(pl) / HOURS_PER_YEAR)
        return load

    def labour_demand(self) -> list[tuple[str, float, float]]:
        """(region, general jobs, skilled jobs) of the plants that hire from the regional pools:
        those built in the run (plants operating from the start are staffed already)."""
        out = []
        for pl in self.model.sector_plants:
            if pl.facility_id in self.staffed_at_start:
                continue
            if pl.state in (FacilityState.OPERATING, FacilityState.BUILDING):
                jobs = self.jobs(pl)
                skilled = self.rows[pl.sector].skilled_share
                out.append((pl.region, jobs * (1 - skilled), jobs * skilled))
        return out

    def output_value_usd_per_month(self, plant: ProcessingPlant) -> float:
        """A plant's output at full capacity and export prices (threats: output lost)."""
        row = self.rows[plant.sector]
        return plant.capacity_t_per_year / 12.0 * row.max_utilisation * self.prices(plant.sector)[1]

    def commission(self, year: int) -> None:
        for pl in self.model.sector_plants:
            pl.commission_if_ready(year, 0.0)

    # --- investment ----------------------------------------------------------------------------
    def appraise(self, investor: Investor, sector: str, year: int,
                 prices: np.ndarray) -> Offer | None:
        from model.sectors_invest import appraise_sector

        return appraise_sector(self, investor, sector, year, prices)
