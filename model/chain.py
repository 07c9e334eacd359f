"""The rare-earth chain of a run: mines and plants → the monthly materials market → money.

Glue between the Mesa world and the Mesa-free market (``model/markets/materials.py``), the
ledger (``model/ledger.py``) and the labour market (``model/markets/labour.py``), like
``model/power_system.py`` is for power. It builds each month's plant capacities and costs,
domestic demand by tier, clears the chain, books every payment, and keeps what the
indicators, investors and the planner read.

Demand and trade (docs/ODD.md §7.2). The seed's 75 bn USD import bill is a basket of
REE-dependent goods in three tiers (scenario ``[[demand_tiers]]``, calibrated so the base
year's imports are the seed's): REE materials (oxides, metals), magnets and components,
finished equipment. A tier's REE content (t REO-eq per M USD) is the domestic final demand the
chain's stages can serve; the import bill of a tier is its value less what domestic plants
supply at import parity. Finished equipment is replaced by the electronics sector's domestic
sales (``model/sectors.py``), whose magnet use adds to the magnets' domestic demand.
Exports are what the chain does not process at home, at export prices, plus the exogenous
other-rare-metal stream of ``[[export_streams]]`` (labelled as exogenous everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.facility import FacilityState
from model.geo.geodesy import haversine_km
from model.ledger import Ledger
from model.markets.labour import LabourParams, clear_labour
from model.markets.materials import ChainMonth, ChainResult, clear_chain, mass_residual_t

if TYPE_CHECKING:
    from agents import Mine, ProcessingPlant
    from model.siberia_model import SiberiaModel

STAGES = ("mining", "separation", "metals", "magnets")
HOURS_PER_YEAR = 8760.0
# profit tax from 2025: 25%, of which 8 points to the federal budget and 17 to the region
# (Tax Code art. 284 as amended by Federal Law 176-FZ of 12 Jul 2024)
PROFIT_TAX_FEDERAL = 0.08
PROFIT_TAX_REGIONAL = 0.17
PROFIT_TAX = PROFIT_TAX_FEDERAL + PROFIT_TAX_REGIONAL  # on profits, as the NPVs see it
# fallback freight where a scenario has no freight network (route costs come from
# ``model/freight_system.py`` otherwise): rail all-in tariff of
# facts.yaml transport.rail.shipper_all_in_rub_per_tkm_2024 (1.5 RUB/t-km, low) at 92.6 RUB/USD,
# over great-circle distance x 1.3 circuity (assumption)
FREIGHT_USD_PER_TKM = 1.5 / 92.6
CIRCUITY = 1.3
MOSCOW = (55.756, 37.617)


def freight_cost_usd_per_t(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Cost of moving one tonne between two points (placeholder for the freight network)."""
    return float(haversine_km(lat1, lon1, lat2, lon2)) * CIRCUITY * FREIGHT_USD_PER_TKM


@dataclass
class ChainRecord:
    """What the last month left for indicators (flows annualised where said)."""

    result: ChainResult
    inputs: ChainMonth
    tier_import_usd_per_year: dict[str, float]
    tier_substitution: dict[str, float]
    feed_import_usd_per_year: float
    export_revenue_usd_per_year: float
    exogenous_exports_usd_per_year: float
    value_added_usd_per_year: float
    public_support_usd: float  # this month
    investment_usd: float  # this month
    net_lending_imbalance_usd: float

    @property
    def mass_residual_t(self) -> float:
        """The largest residual of the month's mass balances (t, zero to rounding): the
        invariant check's figure, worked out when read rather than every month."""
        return float(np.abs(mass_residual_t(self.inputs, self.result)).max())


class ChainSystem:
    """Stages, tiers, plants and mines of one run, and the monthly chain."""

    def __init__(self, model: SiberiaModel):
        self.model = model
        s = model.scenario_data
        p = model.params
        self.stage_rows = {row.id: row for row in s.stages}
        missing = [st for st in STAGES if st not in self.stage_rows]
        if missing:
            raise ValueError(f"scenario lacks [[stages]] rows: {', '.join(missing)}")
        rows = [self.stage_rows[st] for st in STAGES]
        self.k = np.array([r.reo_per_t_output for r in rows])  # t REO-eq per t of product
        self.recovery = np.array([r.recovery for r in rows])
        # per t REO-eq of each stage's product
        self.world_price = np.array([r.world_price_usd_per_t for r in rows]) / self.k
        # a stage may use only part of its input (metals: the NdPr/Dy/Tb oxides of a basket)
        self.feed_share = np.array([r.feed_share or 1.0 for r in rows])
        upstream_price = np.append(np.nan, self.world_price[:-1])
        self.feed_world_price = np.array([r.feed_value_usd_per_t_reo or upstream_price[i]
                                          for i, r in enumerate(rows)])
        self.price_paths = {row.stage: row for row in s.world_price_paths}
        self.tiers = list(s.demand_tiers)
        self.streams = list(s.export_streams)
        markup = {st: 0.0 for st in STAGES}
        for t in self.tiers:
            for st in t.supplied_by_stages:
                markup[st] = t.import_markup
        materials = next((t for t in self.tiers if "separation" in t.supplied_by_stages), None)
        markup["mining"] = materials.import_markup if materials else 0.0
        self.import_markup = np.array([markup[st] for st in STAGES])
        for pl in model.processing_plants:  # plants from the scenario, before power existed
            if pl.power_node is None and model.power is not None:
                pl.power_node = model.power.region_node[pl.region]
        self.ledger = Ledger()
        self.labour = LabourParams(
            mobile_share=p.labour_mobile_share, skilled_share=p.labour_skilled_share,
            skilled_premium=p.labour_skilled_premium, elasticity=p.wage_elasticity,
            threshold=p.wage_threshold, migration_premium=p.migration_premium)
        self.regions = {r.name: r for r in model.regions}
        self.wage_general = {r.name: (r.wage_usd_per_month or 0.0) for r in model.regions}
        self.wage_skilled = {r.name: (r.wage_usd_per_month or 0.0) * (1 + self.labour.skilled_premium)
                             for r in model.regions}
        self.last: ChainRecord | None = None
        self.load_mw_by_node = (np.zeros(len(model.power.nodes)) if model.power is not None
                                else np.zeros(0))
        # projects under construction: (end month, USD/month, imported share, subsidy share)
        self.construction: list[tuple[int, float, float, float]] = []
        self.cumulative_investment_usd = 0.0
        self.cumulative_public_support_usd = 0.0
        self.cumulative_import_avoided_usd = 0.0  # tier values less tier imports, summed
        self.value_added_by_facility: dict[str, float] = {}  # last month, USD
        self._site_freight: dict[tuple[str, int], tuple[float, float]] = {}
        self._site_arrays: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._mines: list[Mine] = []
        self._site_premiums: dict[tuple, tuple[np.ndarray, list[str]]] = {}
        self._site_wages: dict[tuple, tuple[int, np.ndarray]] = {}
        self._node_index = ({node: i for i, node in enumerate(model.power.nodes)}
                            if model.power is not None else {})
        self.wages_cleared = 0  # how many times the labour market has set the wages
        self._price_index: tuple[tuple, np.ndarray | None] = ((), None)  # (date, lever), index

    # --- sites (static per run) -------------------------------------------------------------
    def site_node_index(self, site) -> int:
        power = self.model.power
        node = site.power_node or power.region_node[site.region]
        return power.nodes.index(node)

    def site_freight(self, site) -> tuple[float, float]:
        """(to the domestic market, from the border where imported feed enters), USD/t."""
        key = (site.id, self.model.calendar.year)
        cached = self._site_freight.get(key)
        if cached is None:
            from model.investment import CHINA_BORDER

            freight = self.model.freight
            cost = freight.cost_usd_per_t if freight is not None else freight_cost_usd_per_t
            cached = (cost(site.lat, site.lon, *MOSCOW), cost(site.lat, site.lon, *CHINA_BORDER))
            self._site_freight[key] = cached
        return cached

    def site_arrays(self, sites) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(power node index, freight to the market, freight from the border) of each site as
        arrays for the appraisals; fixed within a year (freight is priced per year), so kept."""
        key = (self.model.calendar.year, tuple(site.id for site in sites))
        arrays = self._site_arrays.get(key)
        if arrays is None:
            freight = [self.site_freight(site) for site in sites]
            arrays = self._site_arrays[key] = (
                np.array([self.site_node_index(site) for site in sites], dtype=int),
                np.array([f[0] for f in freight]), np.array([f[1] for f in freight]))
        return arrays

    def site_premiums(self, sites) -> tuple[np.ndarray, list[str]]:
        """(threat risk premium, region) of each site, for the appraisals' discount rates;
        fixed for the run (sites do not move, the hazard field is fixed), so kept."""
        key = tuple(site.id for site in sites)
        cached = self._site_premiums.get(key)
        if cached is None:
            from model.investment import site_risk_premium

            cached = self._site_premiums[key] = (
                np.array([site_risk_premium(self.model, site.lat, site.lon) for site in sites]),
                [site.region for site in sites])
        return cached

    def site_wages(self, stage: str, sites) -> np.ndarray:
        """A stage's monthly wage (its mix of general and skilled labour) at each site; kept
        until the labour market next sets the wages."""
        key = (stage, tuple(site.id for site in sites))
        cached = self._site_wages.get(key)
        if cached is None or cached[0] != self.wages_cleared:
            row = self.stage_rows[stage]
            cached = self._site_wages[key] = (self.wages_cleared, np.array([
                (1 - row.skilled_share) * self.wage_general[site.region]
                + row.skilled_share * self.wage_skilled[site.region] for site in sites]))
        return cached[1]

    # --- what the year and month look like ------------------------------------------------
    def years_since_start(self) -> float:
        cal = self.model.calendar
        return cal.year - cal.start_year + (cal.month - 0.5) / 12.0

    def tier_value_usd_per_year(self, tier, years: float) -> float:
        """A tier's import value before domestic supply (USD/yr); the magnets tier also holds the
        magnets domestic sector plants (electronics) use, at import parity (last month's)."""
        value = self.base_tier_value_usd_per_year(tier, years)
        if "magnets" in tier.supplied_by_stages:
            value += self.sector_magnet_t_per_year() * self.stage_rows["magnets"] \
                .world_price_usd_per_t * (1.0 + tier.import_markup)
        return value

    def base_tier_value_usd_per_year(self, tier, years: float) -> float:
        """The tier's own import value on its growth path (USD/yr)."""
        return tier.base_import_usd_per_year * (1.0 + tier.growth_per_year) ** years

    def sector_magnet_t_per_year(self) -> float:
        """Magnets (t/yr) used by the domestic plants of other sectors (electronics)."""
        sectors = getattr(self.model, "sectors", None)
        return sectors.magnet_demand_t_per_year() if sectors is not None else 0.0

    def final_demand_t_per_year(self, years: float) -> np.ndarray:
        """(S,) domestic final demand for each stage's product (t REO-eq/yr)."""
        demand = [0.0] * len(STAGES)  # a list: the same additions, cheaper than array items
        for t in self.tiers:
            if not t.supplied_by_stages:
                continue
            reo = self.base_tier_value_usd_per_year(t, years) / 1e6 * t.reo_t_per_musd
            for st in t.supplied_by_stages:
                # no sourced split between oxides and metals: even shares (assumption)
                demand[STAGES.index(st)] += reo / len(t.supplied_by_stages)
        # magnets bought by domestic electronics plants (t magnet x t REO-eq per t magnet)
        demand[STAGES.index("magnets")] += self.sector_magnet_t_per_year() * self.k[-1]
        return np.array(demand)

    def price_index(self, fractional_year: float) -> np.ndarray:
        """(S,) world price multiplier by stage: the catalogue's ``world_price_index`` × the
        scenario's path for the stage (linear between its years, flat beyond). Read-only: the
        last date's is kept, as the month's chain, threats and appraisals all ask for it."""
        key = (fractional_year, self.model.params.world_price_index)
        if self._price_index[0] == key:
            return self._price_index[1]
        out = np.full(len(STAGES), key[1])
        for i, st in enumerate(STAGES):
            path = self.price_paths.get(st)
            if path is not None:
                out[i] *= float(np.interp(fractional_year, path.years, path.index))
        out.flags.writeable = False
        self._price_index = (key, out)
        return out

    def plants(self) -> list[ProcessingPlant]:
        return self.model.processing_plants

    def mines(self) -> list[Mine]:
        """The deposits' mines, in the model's order, as a list: walking Mesa's AgentSet costs
        ten times as much, and the mines are all made with the model (agents are never removed,
        so a change of size is the only change)."""
        if len(self._mines) != len(self.model.mines):
            self._mines = list(self.model.mines)
        return self._mines

    def stage_capacity_t_per_year(self, stage: str, states=(FacilityState.OPERATING,)) -> float:
        """Capacity of a stage in its own unit (t of product per year); a mine under
        construction counts at the capacity it will have."""
        if stage == "mining":
            return float(sum(
                (m.capacity_t_reo_per_year if m.state is not FacilityState.BUILDING
                 else m.chosen_capacity_t_reo_per_year or m.developed_capacity_t_reo_per_year())
                for m in self.mines() if m.state in states))
        return float(sum(p.capacity_t_per_year for p in self.plants()
                         if p.stage == stage and p.state in states and not p.backup_for))

    def node_price(self, node: str | None) -> float:
        power = self.model.power
        if power is None or power.last is None or node is None:
            return 0.0
        return float(power.last.node_price[self._node_index[node]])

    # --- the monthly phase ------------------------------------------------------------------
    def run_month(self) -> ChainRecord:
        model = self.model
        p = model.params
        years = self.years_since_start()
        plants = [[] for _ in STAGES]
        facilities = model.facilities
        for pl in self.plants():
            if pl.state is not FacilityState.OPERATING:
                continue
            if pl.backup_for and facilities[pl.backup_for].state is not FacilityState.DISRUPTED:
                continue  # a standby backup runs only while its primary is down
            plants[STAGES.index(pl.stage)].append(pl)
        mines = [m for m in self.mines() if m.state is FacilityState.OPERATING]
        plants[0] = mines
        caps, costs = [], []
        for s, group in enumerate(plants):
            if s == 0:
                caps.append(np.array([m.monthly_capacity_t() for m in group]))
                costs.append(np.array([m.opex_usd_per_t_reo or 0.0 for m in group]))
                continue
            row = self.stage_rows[STAGES[s]]
            k = float(self.k[s])  # a Python float: the same products, cheaper than NumPy's scalar
            caps.append(np.array([pl.capacity_t_per_year / 12.0 * pl.ramp_share() * k
                                  for pl in group]))
            costs.append(np.array([(row.opex_usd_per_t + row.energy_mwh_per_t
                                    * self.node_price(pl.power_node)) / k for pl in group]))
        index = self.price_index(model.calendar.fractional_year)
        # a feed's price follows the path of the stage that makes it
        feed_index = np.concatenate((index[:1], index[:-1]))
        x = ChainMonth(capacity_t=caps, cash_cost_usd_per_t=costs, recovery=self.recovery,
                       world_price_usd_per_t=self.world_price * index,
                       import_markup=self.import_markup, export_discount=p.export_price_discount,
                       final_demand_t=self.final_demand_t_per_year(years) / 12.0,
                       opening_stock_t=np.zeros(len(STAGES)),
                       feed_imports_allowed=p.feed_imports_allowed, feed_share=self.feed_share,
                       feed_import_cap_t=np.full(len(STAGES), p.feed_import_cap_t_per_year / 12.0),
                       feed_world_price_usd_per_t=self.feed_world_price * feed_index)
        r = clear_chain(x)
        self._book(plants, x, r)
        return self.last

    def _book(self, plants: list[list], x: ChainMonth, r: ChainResult) -> None:
        """Record outputs and profits on the agents; every payment into the ledger."""
        model = self.model
        p = model.params
        led = self.ledger
        years = self.years_since_start()
        self.value_added_by_facility = {}
        nodes = model.power.nodes if model.power is not None else ()
        load = np.zeros(len(nodes))
        value_added = total_revenue = 0.0
        # each flow's payments, plant by plant, booked after the loop in the same order
        opex, power, wages_paid, tax_federal, tax_regional = [], [], [], [], []
        node_index = self._node_index
        prices = (model.power.last.node_price.tolist()
                  if model.power is not None and model.power.last is not None else None)
        # read once for the loop: the same numbers (k as a Python float: the same quotients)
        closure_months, wage_general, wage_skilled = (p.closure_months, self.wage_general,
                                                      self.wage_skilled)
        value_added_by_facility = self.value_added_by_facility
        for s, group in enumerate(plants):
            row = self.stage_rows[STAGES[s]]
            k = float(self.k[s])
            outputs = r.output_t[s].tolist()
            revenues = r.revenue_usd[s].tolist()
            feeds = r.feed_cost_usd[s].tolist()
            for j, agent in enumerate(group):
                out_reo = outputs[j]
                out_t = out_reo / k
                revenue = revenues[j]
                feed = feeds[j]
                if s == 0:
                    wages = agent.jobs * wage_general.get(agent.region, 0.0)
                    variable = out_reo * (agent.opex_usd_per_t_reo or 0.0)
                    energy_mwh = out_t * row.energy_mwh_per_t
                else:
                    jobs = row.jobs_per_kt * agent.capacity_t_per_year / 1000.0
                    wages = jobs * ((1 - row.skilled_share) * wage_general.get(agent.region, 0.0)
                                    + row.skilled_share * wage_skilled.get(agent.region, 0.0))
                    energy_mwh = out_t * row.energy_mwh_per_t
                    variable = out_t * row.opex_usd_per_t
                node = agent.power_node
                price = prices[node_index[node]] if prices is not None and node is not None else 0.0
                power_usd = energy_mwh * price
                profit = revenue - feed - variable - power_usd - wages
                value_added += revenue - feed - variable - power_usd
                value_added_by_facility[agent.facility_id] = revenue - feed - variable - power_usd
                total_revenue += revenue
                opex.append(variable)
                power.append(power_usd)
                wages_paid.append(wages)
                if profit > 0:
                    tax_federal.append(profit * PROFIT_TAX_FEDERAL)
                    tax_regional.append(profit * PROFIT_TAX_REGIONAL)
                if s == 0:
                    agent.record_month(out_reo, profit, closure_months,
                                       reserves_known=agent.reserves_t_reo > 0)
                else:
                    agent.record_month(out_t, profit, closure_months)
                if node is not None and nodes:
                    load[node_index[node]] += energy_mwh * 12.0 / HOURS_PER_YEAR
        led.pay_each("firms", "firms", opex, "opex")
        led.pay_each("firms", "firms", power, "power")
        led.pay_each("firms", "households", wages_paid, "wages")
        led.pay_each("firms", "federal", tax_federal, "taxes")
        led.pay_each("firms", "regions", tax_regional, "taxes")
        # trade: exports of chain products and the exogenous stream; imports of the tiers
        export_usd = r.export_revenue_usd
        exogenous = sum(st.value_usd_per_year * (1 + st.growth_per_year) ** years
                        for st in self.streams) / 12.0
        # plants' revenue: exports paid from abroad, the rest by domestic firms
        led.pay("rest_of_world", "firms", export_usd, "exports")
        led.pay("firms", "firms", max(total_revenue - export_usd, 0.0), "sales")
        led.pay("rest_of_world", "firms", exogenous, "exports")
        tier_imports, tier_share = {}, {}
        supplied = r.final_domestic_t * r.import_price_usd_per_t * 12.0  # USD/yr by stage
        for t in self.tiers:
            value = self.tier_value_usd_per_year(t, years)
            domestic = sum(supplied[STAGES.index(st)] for st in t.supplied_by_stages)
            sectors = getattr(model, "sectors", None)
            if sectors is not None:  # electronics replaces finished-equipment imports
                domestic += sectors.tier_supply_usd_per_year(t.id)
            imports = max(value - domestic, 0.0)
            tier_imports[t.id] = imports
            tier_share[t.id] = 1.0 - imports / value if value > 0 else 0.0
            self.cumulative_import_avoided_usd += (value - imports) / 12.0
            led.pay("firms", "rest_of_world", imports / 12.0, "imports")
        feed_imports = (r.import_cost_usd
                        - float(r.final_imported_t @ r.import_price_usd_per_t))
        led.pay("firms", "rest_of_world", feed_imports, "imports")
        # construction under way: capital spending, imported equipment, public support
        month = model.calendar.month_index
        invest = support = 0.0
        still = []
        domestic_capex, imported_capex, subsidies = [], [], []
        for end, usd, imported, subsidy in self.construction:
            if month < end:
                domestic_capex.append(usd * (1 - imported))
                imported_capex.append(usd * imported)
                subsidies.append(usd * subsidy)
                invest += usd
                support += usd * subsidy
                if month + 1 < end:
                    still.append((end, usd, imported, subsidy))
        led.pay_each("firms", "firms", domestic_capex, "capex")
        led.pay_each("firms", "rest_of_world", imported_capex, "capex")
        led.pay_each("federal", "firms", subsidies, "subsidies")
        self.construction = still
        self.cumulative_investment_usd += invest
        self.cumulative_public_support_usd += support
        accounts = led.close_month()
        self.load_mw_by_node = load
        self.last = ChainRecord(
            result=r, inputs=x, tier_import_usd_per_year=tier_imports, tier_substitution=tier_share,
            feed_import_usd_per_year=feed_imports * 12.0,
            export_revenue_usd_per_year=export_usd * 12.0,
            exogenous_exports_usd_per_year=exogenous * 12.0,
            value_added_usd_per_year=value_added * 12.0, public_support_usd=support,
            investment_usd=invest, net_lending_imbalance_usd=accounts.imbalance_usd)

    def spend_capex(self, capex_usd: float, months: int, imported_share: float,
                    subsidy_share: float) -> None:
        """Spread a project's capital cost evenly over its construction months."""
        months = max(months, 1)
        start = self.model.calendar.month_index
        self.construction.append((start + months, capex_usd / months, imported_share,
                                  subsidy_share))

    # --- the labour market, each January ------------------------------------------------------
    def clear_labour_market(self) -> None:
        names = list(self.regions)
        general = np.zeros(len(names))
        skilled = np.zeros(len(names))
        for pl in self.plants():
            if pl.state in (FacilityState.OPERATING, FacilityState.BUILDING):
                row = self.stage_rows[pl.stage]
                jobs = row.jobs_per_kt * pl.capacity_t_per_year / 1000.0
                i = names.index(pl.region)
                general[i] += jobs * (1 - row.skilled_share)
                skilled[i] += jobs * row.skilled_share
        for m in self.mines():
            if m.state in (FacilityState.OPERATING, FacilityState.BUILDING):
                general[names.index(m.region)] += m.jobs
        for y in getattr(self.model, "shipyards", ()):  # yards' added capacity (issue #5)
            if y.added_jobs > 0 and y.region in names:
                general[names.index(y.region)] += y.added_jobs
        if getattr(self.model, "sectors", None) is not None:  # new plants of other sectors
            for region, gen, sk in self.model.sectors.labour_demand():
                general[names.index(region)] += gen
                skilled[names.index(region)] += sk
        force = np.array([self.regions[n].labour_force or 0.0 for n in names])
        base = np.array([self.regions[n].wage_usd_per_month or 0.0 for n in names])
        out = clear_labour(force, base, general, skilled, self.labour)
        for i, n in enumerate(names):
            self.wage_general[n] = float(out.wage_general_usd_per_month[i])
            self.wage_skilled[n] = float(out.wage_skilled_usd_per_month[i])
            self.regions[n].jobs = float(general[i] + skilled[i])
        self.wages_cleared += 1
