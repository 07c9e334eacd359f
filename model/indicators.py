"""The indicator registry: every model output, declared once.

Each indicator has a name, a unit, a one-line description and the function that computes it
from the model. The DataCollector's model columns, the app's plots and the experiments' tables
all come from here. Flows are annualised rates (USD/yr, t/yr) so a month compares with a year.

Indicators whose mechanism a later issue builds are registered now with ``pending`` naming that
issue and no function: they are listed (docs, ``siberia params``) but not collected, so no
column ever holds a made-up number. The issue that builds the mechanism gives the function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents.facility import FacilityState
from model.freight_system import NSR_ROUTES

if TYPE_CHECKING:
    from model.siberia_model import SiberiaModel


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    description: str
    group: str
    compute: Callable[[SiberiaModel], float] | None = None
    pending: str = ""  # which issue gives the mechanism, when compute is None
    per: str = ""  # "power_node" / "sector": compute returns {key: value}, one column per key
    signed: bool = False  # a balance that may be negative (an NPV, a cash flow); others are >= 0

    @property
    def available(self) -> bool:
        return self.compute is not None


def _fixed(m: SiberiaModel, name: str) -> list:
    """One of the model's agent sets that no longer change once the model is made (regions,
    mines, power stations, planned hydro, shippers) as a plain list in the set's order, kept on
    the model: the indicators iterate these sets every month, and iterating a Mesa AgentSet
    (weak references) costs a few times a list's. Made again when a set's size changes: agents
    are never removed from the model (a closed facility keeps its state), so a set only grows."""
    lists = m.__dict__.get("_indicator_lists")
    if lists is None:
        lists = m._indicator_lists = {}
    agents = lists.get(name)
    if agents is None or len(agents) != len(getattr(m, name)):  # made again if the set grew
        agents = lists[name] = list(getattr(m, name))
    return agents


_MISSING = object()


def _shared(m: SiberiaModel, key: str, compute: Callable[[SiberiaModel], object]):
    """``compute(m)``, a value several indicators read, computed once per collection: the
    collector (``model/collector.py``) opens a pass on the model while it collects a month;
    outside one (the app, tests) it is computed at each call."""
    shared = m.__dict__.get("_indicator_pass")
    if shared is None:
        return compute(m)
    value = shared.get(key, _MISSING)
    if value is _MISSING:
        value = shared[key] = compute(m)
    return value


def _operating_mw_by_fuel(m: SiberiaModel) -> tuple[dict[str, float], dict[str, float]]:
    """Operating capacity by fuel of the stations and of the planned hydro, each summed in its
    list's order (the terms of ``SiberiaModel.capacity_mw``'s two sums)."""
    operating = FacilityState.OPERATING
    sums = []
    for name in ("power_stations", "planned_hydro"):
        by_fuel: dict[str, list[float]] = {}
        for p in _fixed(m, name):
            if p.state is operating:
                by_fuel.setdefault(p.fuel, []).append(p.capacity_mw)
        # sum(), not +=: since Python 3.12 it adds floats with compensation
        sums.append({fuel: sum(mw) for fuel, mw in by_fuel.items()})
    return sums[0], sums[1]


def _capacity_mw(m: SiberiaModel, fuel: str) -> float:
    """``SiberiaModel.capacity_mw`` (the same sums in the same order) over the fixed lists."""
    stations, planned = _shared(m, "operating_mw_by_fuel", _operating_mw_by_fuel)
    return float(stations.get(fuel, 0) + planned.get(fuel, 0))


def _hydro_capacity_mw(m: SiberiaModel) -> float:
    return _capacity_mw(m, "hydro")


def _thermal_capacity_mw(m: SiberiaModel) -> float:
    return _capacity_mw(m, "coal") + _capacity_mw(m, "gas")


def _reserves_t_reo(m: SiberiaModel) -> float:
    return float(sum(d.reserves_t_reo for d in _fixed(m, "mines")))


def _region_totals(m: SiberiaModel) -> tuple[float, float, float]:
    """Sums of the regions' scenario data, which no run changes: Siberia's population and the
    base-year GRP of all regions and of the Siberian ones (each in the regions' order). Kept
    with the regions' list and made again with it."""
    regions = _fixed(m, "regions")
    kept = m._indicator_lists.get("region_totals")
    if kept is None or kept[0] is not regions:
        population = sum(r.population for r in regions if r.siberian)
        # sum(), not +=: since Python 3.12 it adds floats with compensation
        grp = sum(r.base_grp_usd_per_year for r in regions)
        siberian_grp = sum(r.base_grp_usd_per_year for r in regions if r.siberian)
        kept = m._indicator_lists["region_totals"] = (regions, (population, grp, siberian_grp))
    return kept[1]


def _siberia_population(m: SiberiaModel) -> float:
    return float(_region_totals(m)[0])


# --- power (model/power_system.py keeps the last cleared month) -----------------------------
def _annual(m: SiberiaModel, mwh: float) -> float:
    """A month's MWh as an annual rate (MWh/yr)."""
    return float(mwh) * m.power.months_per_year()


def _price_siberia(m: SiberiaModel) -> float:
    return m.power.price(m.power.siberian)


def _price_europe(m: SiberiaModel) -> float:
    return m.power.price(m.power.europe)


def _price_by_node(m: SiberiaModel) -> dict[str, float]:
    return dict(zip(m.power.nodes, m.power.last.node_price.tolist(), strict=True))


def _unserved(kind: str | None) -> Callable[[SiberiaModel], float]:
    def compute(m: SiberiaModel) -> float:
        u = m.power.last.result.unserved_mwh
        col = slice(None) if kind is None else m.power.network.consumer_kinds.index(kind)
        return _annual(m, u[:, col].sum())
    return compute


def _generation(kind: str) -> Callable[[SiberiaModel], float]:
    def compute(m: SiberiaModel) -> float:
        return _annual(m, m.power.last.generation_mwh_by_kind[kind]) / 1e6
    return compute


def _spill_mwh(m: SiberiaModel) -> float:
    return _annual(m, m.power.last.result.spill_mwh.sum())


def _congested_links(m: SiberiaModel) -> float:
    # a handful of links: plain floats cost less than NumPy's calls (same comparisons)
    flows = m.power.last.result.flow_mw.tolist()  # (L, B)
    limits = m.power.last_link_capacity.tolist()
    return float(sum(1 for limit, blocks in zip(limits, flows, strict=True)
                     if limit > 0 and max(abs(mw) for mw in blocks) >= limit - 1e-6))


def _emissions(m: SiberiaModel) -> float:
    return _annual(m, m.power.last.emissions_t)


def _ai_load(m: SiberiaModel) -> float:
    return float(sum(dc.load_mw for dc in m.data_centers))


def _chain(fn: Callable[[SiberiaModel], float]) -> Callable[[SiberiaModel], float]:
    """A chain indicator: 0 before the first month is cleared, and for scenarios without one."""
    return lambda m: float(fn(m)) if getattr(m, "chain", None) is not None \
        and m.chain.last is not None else 0.0


def _import_bill(m: SiberiaModel) -> float:
    c = m.chain.last
    return sum(c.tier_import_usd_per_year.values()) + c.feed_import_usd_per_year


def _export_revenue(m: SiberiaModel) -> float:
    c = m.chain.last
    return c.export_revenue_usd_per_year + c.exogenous_exports_usd_per_year


def _base_grp(m: SiberiaModel, siberian_only: bool) -> float:
    """The regions' base GRP on its growth path (all regions, or the Siberian ones)."""
    years = m.chain.years_since_start()
    growth = (1 + m.params.gdp_growth_per_year) ** years
    return _region_totals(m)[2 if siberian_only else 1] * growth


def _facility_values_added(m: SiberiaModel) -> tuple[float, float]:
    """Annualised value added of the chain's plants and mines (revenue less bought inputs):
    (all of them, those in Siberian regions)."""
    value_added = m.chain.value_added_by_facility
    total = siberian = 0.0
    for f in [*m.processing_plants, *_fixed(m, "mines")]:
        v = value_added.get(f.facility_id, 0.0)
        total += v
        if m.region_is_siberian(f.region):
            siberian += v
    return total * 12.0, siberian * 12.0


def _facility_value_added(m: SiberiaModel, siberian_only: bool) -> float:
    return _shared(m, "facility_values_added", _facility_values_added)[1 if siberian_only else 0]


def _sector_value_added(m: SiberiaModel, siberian_only: bool) -> float:
    """Annualised value added of the other sectors' plants built in the run (the base-year
    smelters' is in the regions' base GRP already)."""
    sectors = getattr(m, "sectors", None)
    return sectors.new_plants_value_added_usd_per_year(siberian_only) if sectors else 0.0


def _gdp(m: SiberiaModel) -> float:
    return (_base_grp(m, False) + _facility_value_added(m, False)
            + _sector_value_added(m, False))


def _siberia_grp(m: SiberiaModel) -> float:
    return (_base_grp(m, True) + _facility_value_added(m, True)
            + _sector_value_added(m, True))


def _by_sector(what: str) -> Callable[[SiberiaModel], dict[str, float]]:
    """A per-sector family over the Siberian regions (``model/sectors.py``)."""
    return lambda m: m.sectors.siberia_by_sector(what)


def _tier_values(m: SiberiaModel) -> dict[str, float]:
    """Each demand tier's import value before domestic supply this month (USD/yr)."""
    years = m.chain.years_since_start()
    return {t.id: m.chain.tier_value_usd_per_year(t, years) for t in m.chain.tiers}


def _substitution(tiers: tuple[str, ...] | None) -> Callable[[SiberiaModel], float]:
    def fn(m: SiberiaModel) -> float:
        c = m.chain.last
        ids = tiers or tuple(c.tier_import_usd_per_year)
        values = _shared(m, "tier_values", _tier_values)
        value = sum(values[t.id] for t in m.chain.tiers if t.id in ids)
        imports = sum(c.tier_import_usd_per_year[t] for t in ids)
        # imports never exceed the tier's value by construction; the clip is for float
        # rounding (-2e-16 was seen when a tier is wholly imported)
        return max(0.0, 1.0 - imports / value) if value > 0 else 0.0
    return fn


def _capacity(stage: str) -> Callable[[SiberiaModel], float]:
    return lambda m: m.chain.stage_capacity_t_per_year(stage)


def _processing_capacities(m: SiberiaModel) -> tuple[list[tuple], float]:
    """Domestic processing plants (operating or disrupted, backups apart) with their capacity
    in REO-eq, and its total."""
    k = dict(zip(("mining", "separation", "metals", "magnets"), m.chain.k, strict=True))
    plants = []
    total = 0.0
    for p in m.processing_plants:
        if p.state in (FacilityState.OPERATING, FacilityState.DISRUPTED) and not p.backup_for:
            q = p.capacity_t_per_year * k[p.stage]
            total += q
            plants.append((p, q))
    return plants, total


def _processing_share(m: SiberiaModel, where: Callable) -> float:
    """Share of domestic processing capacity (REO-eq, separation to magnets; operating or
    disrupted, backups apart) at plants for which ``where(plant)`` holds."""
    plants, total = _shared(m, "processing_capacities", _processing_capacities)
    part = 0.0
    for p, q in plants:
        part += q if where(p) else 0.0
    return part / total if total > 0 else 0.0


def _siberia_processing_share(m: SiberiaModel) -> float:
    return _processing_share(m, lambda p: m.region_is_siberian(p.region))


def _jobs(m: SiberiaModel) -> tuple[float, float]:
    """Jobs in all regions and in the Siberian ones (each summed in the regions' order)."""
    regions = _fixed(m, "regions")
    # sum(), not +=: since Python 3.12 it adds floats with compensation (as the indicators did)
    return sum(r.jobs for r in regions), sum(r.jobs for r in regions if r.siberian)


def _siberia_jobs(m: SiberiaModel) -> float:
    return _shared(m, "jobs", _jobs)[1]


def _support_per_import_avoided(m: SiberiaModel) -> float:
    c = m.chain
    avoided = c.cumulative_import_avoided_usd
    return c.cumulative_public_support_usd / avoided if avoided > 0 else 0.0


def _support_per_job(m: SiberiaModel) -> float:
    jobs = _shared(m, "jobs", _jobs)[0]
    return m.chain.cumulative_public_support_usd / jobs if jobs > 0 else 0.0


def _stranded_plants(m: SiberiaModel) -> float:
    """Capacity (t/yr) of operating plants that ran below 30% of capacity last month."""
    return float(sum(p.capacity_t_per_year for p in m.processing_plants
                     if p.state is FacilityState.OPERATING and p.months_online > 0
                     and p.utilisation < 0.3))


def _stranded_hydro(m: SiberiaModel) -> float:
    """New hydro (MW) at nodes where power was nearly free last month: water with no buyer."""
    p = m.power
    if p is None or p.last is None:
        return 0.0
    total = 0.0
    for st in _fixed(m, "planned_hydro"):
        if st.state is FacilityState.OPERATING:
            price = p.last.node_price[p.nodes.index(st.power_node)]
            if price <= p._fuel_value(st, "marginal_cost_usd_per_mwh") + 0.5:
                total += st.capacity_mw
    return total


def _disruption_loss(m: SiberiaModel) -> float:
    t = m.threats
    return (t.capital_lost_usd + t.output_lost_usd) * 12.0


def _backups(m: SiberiaModel) -> list:
    return m.threats.backups()


def _critical_beyond_range(m: SiberiaModel) -> float:
    """Processing capacity beyond the threat range: hazard at today's intensities below 1% of
    the front's at intensity 1."""
    return _processing_share(m, lambda p: m.threats.beyond_range(p.lat, p.lon))


def _mine_output(m: SiberiaModel) -> float:
    return float(m.chain.last.result.output_t[0].sum() * 12.0)  # stage_output_t[0]


def _threats(fn: Callable[[SiberiaModel], float]) -> Callable[[SiberiaModel], float]:
    return lambda m: float(fn(m)) if getattr(m, "threats", None) is not None else 0.0


_LINK_ACCOUNTS = (("nsr_rail_link", "NSR rail link (Bovanenkovo-Sabetta, nsr_rail_link_year)"),
                  ("river_waterways", "Ob, Yenisei and Lena waterways (river_development)"),
                  ("eastern_polygon", "Trans-Siberian and BAM (capacity expansion)"))


def _freight(fn: Callable[[SiberiaModel], float]) -> Callable[[SiberiaModel], float]:
    return lambda m: float(fn(m)) if getattr(m, "freight", None) is not None \
        and m.freight.last is not None else 0.0


def _polygon_utilisation(m: SiberiaModel) -> float:
    f = m.freight
    links = f.polygon_links
    util = f.last.link_utilisation[links]
    util = sorted(util[f.last.link_open[links]].tolist())
    if not util:
        return 0.0
    pos = 0.9 * (len(util) - 1)  # the 90th percentile, linear between neighbours
    lo = int(pos)
    hi = min(lo + 1, len(util) - 1)
    return float(util[lo] + (util[hi] - util[lo]) * (pos - lo))


_POWER = "power market (issue #3)"
_CHAIN = "rare-earth chain, investors and regions (issue #4)"

INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in [
        # --- trade and the economy ---
        Indicator("import_bill_usd", "USD/yr",
                  "Imports of REE-dependent products (all tiers) and feed imported for "
                  "processing.",
                  "trade", compute=_chain(_import_bill)),
        Indicator("export_revenue_usd", "USD/yr",
                  "Exports of raw and intermediate REE output plus the exogenous rare-metal stream.",
                  "trade", compute=_chain(_export_revenue)),
        Indicator("gdp_usd", "USD/yr",
                  "Russia's GDP (2024 USD): regions' base GRP on its growth path plus the value "
                  "added of the chain's facilities.", "economy",
                  compute=_chain(_gdp)),
        Indicator("import_substitution_share", "share",
                  "Share of the REE-dependent import basket (all tiers) replaced by domestic "
                  "output.", "trade",
                  compute=_chain(_substitution(None))),
        Indicator("investment_usd", "USD/yr", "Capital spending on the chain's and the other "
                  "sectors' new facilities.",
                  "economy", compute=_chain(lambda m: m.chain.last.investment_usd * 12.0)),
        Indicator("public_support_usd", "USD/yr",
                  "State support paid to the chain's projects (part of investment_usd).",
                  "economy", compute=_chain(lambda m: m.chain.last.public_support_usd * 12.0)),
        Indicator("import_substitution_share_materials", "share",
                  "Import substitution of the REE materials tier (oxides, metals).", "trade",
                  compute=_chain(_substitution(("materials",)))),
        Indicator("import_substitution_share_magnets", "share",
                  "Import substitution of the magnets and components tier.", "trade",
                  compute=_chain(_substitution(("magnets_components",)))),
        Indicator("import_substitution_share_first_tiers", "share",
                  "Import substitution of the first two tiers (materials, magnets).", "trade",
                  compute=_chain(_substitution(("materials", "magnets_components")))),
        Indicator("support_per_import_avoided", "USD/USD",
                  "Public support so far per dollar of imports avoided so far.", "economy",
                  compute=_chain(_support_per_import_avoided)),
        Indicator("support_per_job_usd", "USD/job",
                  "Public support so far per job in the chain's plants and mines.", "economy",
                  compute=_chain(_support_per_job)),
        Indicator("stranded_plants_tpa", "t/yr",
                  "Capacity of operating plants that ran below 30% of capacity last month "
                  "(demand that never came).", "rare earths", compute=_chain(_stranded_plants)),
        Indicator("stranded_hydro_mw", "MW",
                  "New hydro at nodes where power was nearly free last month (water with no "
                  "buyer).", "power", compute=_chain(_stranded_hydro)),
        Indicator("ree_mine_output_tpa", "t REO/yr", "Domestic REE mine output.", "rare earths",
                  compute=_chain(_mine_output)),
        Indicator("ledger_imbalance_usd", "USD", "Absolute sum of the accounts' net lending "
                  "this month (zero up to rounding: the money invariant).", "economy",
                  compute=_chain(lambda m: abs(m.chain.last.net_lending_imbalance_usd))),
        Indicator("siberia_grp_usd", "USD/yr", "Gross regional product of the Siberian regions.",
                  "economy", compute=_chain(_siberia_grp)),
        Indicator("siberia_jobs", "jobs",
                  "Jobs in the chain's plants and mines and the other sectors' new plants "
                  "(operating or building) in the Siberian regions.",
                  "economy", compute=_chain(_siberia_jobs)),
        Indicator("siberia_population", "persons",
                  "Population of the regions the model counts as Siberia (east of the Urals).",
                  "economy", compute=_siberia_population),
        # --- the rare-earth chain ---
        Indicator("capacity_separation_tpa", "t/yr", "Domestic separation capacity (REO).",
                  "rare earths", compute=_chain(_capacity("separation"))),
        Indicator("capacity_metals_tpa", "t/yr", "Domestic REE metal capacity.", "rare earths",
                  compute=_chain(_capacity("metals"))),
        Indicator("capacity_magnets_tpa", "t/yr", "Domestic magnet capacity.", "rare earths",
                  compute=_chain(_capacity("magnets"))),
        Indicator("siberia_processing_share", "share",
                  "Share of domestic REE processing capacity (REO-eq) located in Siberia.", "rare earths",
                  compute=_chain(_siberia_processing_share)),
        Indicator("ree_reserves_t_reo", "t REO",
                  "Contained rare-earth oxide left in the modelled deposits.", "rare earths",
                  compute=_reserves_t_reo),
        # --- power ---
        Indicator("hydro_capacity_mw", "MW", "Operating hydro capacity.", "power",
                  compute=_hydro_capacity_mw),
        Indicator("thermal_capacity_mw", "MW", "Operating coal and gas capacity in the model.",
                  "power", compute=_thermal_capacity_mw),
        Indicator("sector_output", "units/yr",
                  "Output of each sector's plants in the Siberian regions, in the sector's unit "
                  "(rare earths: t REO-eq of mines and plants; aluminium: t; electronics: M USD "
                  "at 2024 world prices; gas chemistry: t polymers; timber: m3).", "sectors",
                  compute=_by_sector("output"), per="sector"),
        Indicator("sector_value_added_usd", "USD/yr",
                  "Value added of each sector's plants in the Siberian regions (sales less "
                  "materials, feed, power and freight; negative while a plant runs at a "
                  "loss).", "sectors",
                  compute=_by_sector("value_added"), per="sector", signed=True),
        Indicator("sector_power_twh", "TWh/yr",
                  "Electricity used by each sector's plants in the Siberian regions.", "sectors",
                  compute=_by_sector("power"), per="sector"),
        Indicator("power_price_siberia_usd_per_mwh", "USD/MWh",
                  "Wholesale energy price in Siberia: load-weighted mean of the Siberian nodes' "
                  "duals (no capacity payments).", "power", compute=_price_siberia),
        Indicator("power_price_europe_usd_per_mwh", "USD/MWh",
                  "Wholesale energy price in the European part (no capacity payments).", "power",
                  compute=_price_europe),
        Indicator("power_price_node_usd_per_mwh", "USD/MWh",
                  "Monthly energy price of each power node (one column per node).", "power",
                  compute=_price_by_node, per="power_node"),
        Indicator("unserved_energy_mwh", "MWh/yr", "Demand the power system could not serve.",
                  "power", compute=_unserved(None)),
        Indicator("unserved_base_mwh", "MWh/yr", "Unserved households and other base load.",
                  "power", compute=_unserved("base")),
        Indicator("unserved_industry_mwh", "MWh/yr",
                  "Power the large industrial loads curtailed (price above their limit).",
                  "power", compute=_unserved("industry")),
        Indicator("unserved_data_centre_mwh", "MWh/yr", "Power the AI data centres curtailed.",
                  "power", compute=_unserved("data_centre")),
        Indicator("generation_hydro_twh", "TWh/yr", "Hydro generation.", "power",
                  compute=_generation("hydro")),
        Indicator("generation_coal_twh", "TWh/yr", "Coal generation.", "power",
                  compute=_generation("coal")),
        Indicator("generation_gas_twh", "TWh/yr", "Gas generation.", "power",
                  compute=_generation("gas")),
        Indicator("generation_nuclear_twh", "TWh/yr", "Nuclear generation.", "power",
                  compute=_generation("nuclear")),
        Indicator("curtailed_hydro_mwh", "MWh/yr", "Water spilled past full reservoirs.",
                  "power", compute=_spill_mwh),
        Indicator("congested_links", "count",
                  "Transmission links at their limit in at least one load block.", "power",
                  compute=_congested_links),
        Indicator("emissions_t_co2", "t CO2/yr", "Emissions of the dispatched thermal fleet.",
                  "power", compute=_emissions),
        Indicator("ai_load_mw", "MW", "AI computing load of the data centres built.", "power",
                  compute=_ai_load),
        # --- freight ---
        Indicator("transsib_utilization", "share",
                  "Trans-Siberian and BAM (the Eastern Polygon) freight as a share of their "
                  "capacity: the 90th percentile of their links' utilisation this month.",
                  "freight", compute=_freight(_polygon_utilisation)),
        Indicator("nsr_volume_tpa", "t/yr", "Cargo delivered over the Northern Sea Route "
                  "(annualised).", "freight",
                  compute=_freight(lambda m: m.freight.last.tonnes_on_routes(NSR_ROUTES) * 12)),
        Indicator("river_volume_tpa", "t/yr", "Cargo whose path used a river (annualised).",
                  "freight",
                  compute=_freight(lambda m: m.freight.last.tonnes_by_mode.get("river", 0.0) * 12)),
        Indicator("freight_unmet_tpa", "t/yr",
                  "Cargo not carried for lack of capacity this month (annualised).", "freight",
                  compute=_freight(lambda m: m.freight.unmet_t * 12)),
        Indicator("freight_waiting_t", "t", "Cargo waiting for a frozen route to open.",
                  "freight", compute=_freight(lambda m: float(m.freight.waiting_t.sum()))),
        Indicator("choke_point_freight_share_max", "share",
                  "Largest share of the month's corridor freight that passed one choke point "
                  "(a bridge, junction or tunnel whose loss would cut it).", "threats",
                  compute=_freight(lambda m: max(m.freight.choke_point_shares().values(),
                                                 default=0.0))),
        Indicator("freight_capex_usd", "USD", "Shippers' capacity investment so far.", "freight",
                  compute=_freight(lambda m: sum(s.capex_usd for s in _fixed(m, "shippers")))),
        *[Indicator(f"{acc}_npv_usd", "USD",
                    f"NPV of the {what} at the discount rate to the run's start: cash so far "
                    "plus the rest of its life at the last 12 months' income (model/"
                    "freight_links.py).", "freight",
                    compute=_freight(lambda m, acc=acc: m.freight.links.npv_usd(acc)),
                    signed=True)
          for acc, what in _LINK_ACCOUNTS],
        *[Indicator(f"{acc}_cash_usd_per_year", "USD/yr",
                    f"Cash flow of the {what} this month: tariff margin less capital spent "
                    "(annualised).", "freight",
                    compute=_freight(lambda m, acc=acc: m.freight.links.cash_usd_per_year(acc)),
                    signed=True)
          for acc, what in _LINK_ACCOUNTS],
        Indicator("shipyard_queue_dwt", "dwt",
                  "Vessels ordered from the yards and not yet delivered (deadweight t).",
                  "freight", compute=lambda m: float(sum(y.queue_dwt for y in m.shipyards))),
        Indicator("shipyard_capacity_dwt_per_year", "dwt/yr",
                  "What the river and ice-class yards can deliver a year.", "freight",
                  compute=lambda m: float(sum(y.capacity_dwt_per_year for y in m.shipyards))),
        # --- threats ---
        Indicator("backup_facilities", "count",
                  "Backup plants in Siberia, built or under construction.", "threats",
                  compute=_threats(lambda m: len(_backups(m)))),
        Indicator("backup_capacity_tpa", "t/yr", "Capacity of the backup plants (standby).",
                  "threats",
                  compute=_threats(lambda m: sum(b.capacity_t_per_year for b in _backups(m)))),
        Indicator("backup_cost_usd", "USD", "Backups' capital and upkeep so far.", "threats",
                  compute=_threats(lambda m: m.threats.backup_capex_usd
                                   + m.threats.backup_upkeep_usd)),
        Indicator("disruption_loss_usd", "USD/yr",
                  "Capital destroyed and output lost to disruptions this month (annualised).",
                  "threats", compute=_threats(_disruption_loss)),
        Indicator("output_lost_usd", "USD/yr",
                  "Output lost while facilities were offline, net of backups that took over "
                  "(annualised).", "threats",
                  compute=_threats(lambda m: m.threats.output_lost_usd * 12.0)),
        Indicator("disrupted_facilities", "count", "Facilities offline after a hit.", "threats",
                  compute=_threats(lambda m: len(m.threats.disrupted_until))),
        Indicator("critical_capacity_beyond_threat_share", "share",
                  "Share of REE processing capacity beyond the threat range (hazard < 1% "
                  "of the front's).", "threats",
                  compute=_chain(_critical_beyond_range)),
    ]
}


_POWER_INDICATORS = {n for n, i in INDICATORS.items() if i.group == "power"
                     and n not in ("hydro_capacity_mw", "thermal_capacity_mw")}


def available(model: SiberiaModel | None = None) -> dict[str, Indicator]:
    """The indicators with a mechanism (in this model: power ones need a power system)."""
    has_power = model is None or model.power is not None
    return {name: i for name, i in INDICATORS.items()
            if i.available and (has_power or name not in _POWER_INDICATORS)}


def columns(model: SiberiaModel) -> list[str]:
    """The DataCollector's model columns for ``model`` (families expand to one per node)."""
    out = ["year", "month"]
    for name, i in available(model).items():
        if i.per:
            out += [f"{name}:{key}" for key in family_keys(model, i.per)]
        else:
            out.append(name)
    return out


def family_keys(model: SiberiaModel, per: str) -> list[str]:
    """The columns of a family: power nodes, or sectors (none without a sector table)."""
    if per == "power_node":
        return list(model.power.nodes)
    return model.sectors.all_ids() if getattr(model, "sectors", None) is not None else []


def signed_columns(columns) -> list[str]:
    """The collected columns that may be negative (signed indicators, families included)."""
    return [c for c in columns
            if c.split(":", 1)[0] in INDICATORS and INDICATORS[c.split(":", 1)[0]].signed]
