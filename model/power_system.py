"""The power phase of the model: scenario tables and agents → monthly LP inputs → results.

This module is the glue between the Mesa world and the Mesa-free market in
``model/markets/power.py``: it maps regions and facilities to power nodes, builds each month's
availability, inflows, loads and water values, clears the market, and keeps what the
indicators, the planner and the AI developer read (prices, dispatch, storage, shedding).

Assumptions, with the parameters that carry them (``model/params.py``):

- Load: each node's base load (scenario, TWh/yr, base year) grows at its own rate; it peaks in
  January (``load_seasonal_amplitude``); within a month a peak block (``peak_hours_share`` of the
  hours) carries the node's ``peak_to_average`` in the January peak. Industrial loads and data
  centres are flat: fixed ``[[large_loads]]`` where a scenario has them, and the sectors' plants
  (the aluminium smelters are agents, ``model/sectors.py``) at the output they chose this month.
- Hydro: each station's annual energy is its long-run output (scenario) times the year's inflow
  factor — ``hydro_inflow_index`` times a lognormal draw with the profile's ``annual_cv`` from
  the run's random stream, one per river system and year — spread over the months by the
  profile's shares. Each reservoir follows a rule curve: the storage path that would turn the
  profile's seasonal inflow into flat output; water below it is valued at the dearest coal
  tranche's marginal cost (what the water saves later), water above it at a token value.
- Thermal supply curve: each station offers three equal tranches with heat rates (so costs and
  emissions) of its fuel's × (1 − s, 1, 1 + s), ``s`` = ``thermal_cost_spread``.
- Thermal availability: a fuel's average availability ``A`` splits into planned maintenance
  (``planned_outage_share`` of ``1 − A``), scheduled in the low-load months (share ∝
  1 − cos of the month, none in January, most in July), and forced outages: a station of ``C``
  MW is ``C / outage_unit_mw`` units that fail independently, drawn each month from the
  station's own random stream (binomial), so the year's mean availability is ``A``. The
  planner's new-build fleets count their expected forced outages (many new units).
- New thermal capacity: every connected node has a new-build fleet of its dominant fuel
  (capacity 0 at the start); the planner orders capacity into it (``agents/planner.py``).
- Shedding: base load has a value of lost load, industry and data centres lower curtailment
  prices (parameters), so who loses power when supply is short is explicit.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from agents.facility import FacilityState
from model.markets.power import (
    MonthInputs,
    MonthResult,
    PowerMarket,
    PowerNetwork,
    balance_residual_mwh,
)

if TYPE_CHECKING:
    from agents import PowerStation
    from model.siberia_model import SiberiaModel

CONSUMER_KINDS = ("base", "industry", "data_centre")
# each thermal station offers three equal tranches whose heat rate (so cost and emissions) is
# the station's × (1 − spread, 1, 1 + spread): a stepped, not flat, supply curve
TRANCHE_STEPS = np.array([-1.0, 0.0, 1.0])
HOURS_PER_YEAR = 8760.0


def rule_curve(monthly_share: np.ndarray) -> np.ndarray:
    """End-of-month storage target as a share of the reservoir (12 values, January first).

    The storage that turns the seasonal inflow into flat output: cumulative inflow surplus over
    the mean, shifted to start at zero at its lowest point and scaled to peak at one.
    """
    surplus = np.cumsum(np.asarray(monthly_share) - 1.0 / 12.0)
    span = surplus.max() - surplus.min()
    if span <= 0:
        return np.zeros(12)
    return (surplus - surplus.min()) / span


def seasonal_span(monthly_share: np.ndarray) -> float:
    """Storage, as a share of annual inflow, that turns the seasonal inflow into flat output."""
    surplus = np.cumsum(np.asarray(monthly_share) - 1.0 / 12.0)
    return float(surplus.max() - surplus.min())


@dataclass(frozen=True)
class ExpansionRow:
    """A node's new-build thermal fleet, as a station row (capacity grows as the planner orders)."""

    id: str
    name: str
    region: str
    lat: float
    lon: float
    kind: str
    power_node: str
    capacity_mw: float = 0.0
    aggregate: bool = True
    source: str = ("the planner's thermal expansion (model/power_system.py); capital cost and "
                   "lead time from the scenario's [[fuels]] row")
    confidence: str = "medium"


@functools.cache
def month_hours(year: int, month: int) -> float:
    """Hours in a calendar month."""
    return calendar.monthrange(year, month)[1] * 24.0


def maintenance_weights() -> np.ndarray:
    """Planned-outage weight of each month (January first), mean 1: none in January, most in July."""
    w = 1.0 - np.cos(2 * np.pi * np.arange(12) / 12.0)
    return w * 12.0 / w.sum()


@dataclass
class PowerRecord:
    """What the last cleared month left for indicators and decisions (annualised where flows)."""

    node_price: np.ndarray
    node_load_mwh: np.ndarray
    result: MonthResult
    generation_mwh_by_kind: dict[str, float] = field(default_factory=dict)
    emissions_t: float = 0.0


class PowerSystem:
    """Power nodes, links and units of one model run, and its monthly clearing."""

    def __init__(self, model: SiberiaModel):
        self.model = model
        s = model.scenario_data
        p = model.params
        self.node_rows = list(s.power_nodes)
        self.nodes = tuple(n.id for n in self.node_rows)
        node_index = {n: i for i, n in enumerate(self.nodes)}
        self.region_node = {r: n.id for n in self.node_rows for r in n.regions}
        self.fuels = {f.kind: f for f in s.fuels}

        stations = [*model.power_stations, *model.planned_hydro]
        for st in stations:
            st.power_node = st.power_node or self.region_node[st.region]
        self.expansion: dict[str, PowerStation] = self._expansion_fleets(stations)
        stations += list(self.expansion.values())
        self.thermal: list[PowerStation] = [st for st in stations if not st.is_hydro]
        self.hydro: list[PowerStation] = [st for st in stations if st.is_hydro]
        self.links = [lk for lk in s.power_links]

        self.network = PowerNetwork(
            nodes=self.nodes,
            link_from=np.array([node_index[lk.from_node] for lk in self.links], dtype=int),
            link_to=np.array([node_index[lk.to_node] for lk in self.links], dtype=int),
            thermal_node=np.repeat(np.array([node_index[st.power_node] for st in self.thermal],
                                            dtype=int), len(TRANCHE_STEPS)),
            hydro_node=np.array([node_index[st.power_node] for st in self.hydro], dtype=int),
            consumer_kinds=CONSUMER_KINDS,
            voll_usd_per_mwh=np.array([p.voll_usd_per_mwh, p.industry_curtail_usd_per_mwh,
                                       p.data_centre_curtail_usd_per_mwh]),
            block_hours_share=np.array([p.peak_hours_share, 1.0 - p.peak_hours_share]),
        )
        self.market = PowerMarket(self.network)

        # static per-tranche data (three tranches per thermal station)
        heat_rate = np.tile(1.0 + p.thermal_cost_spread * TRANCHE_STEPS, len(self.thermal))
        per_tranche = lambda name: np.repeat(  # noqa: E731
            [self._fuel_value(st, name) for st in self.thermal], len(TRANCHE_STEPS))
        self.thermal_cost = per_tranche("marginal_cost_usd_per_mwh") * heat_rate
        self._draw_outages()
        self.thermal_emissions = per_tranche("emissions_t_co2_per_mwh") * heat_rate
        fuels = np.array([st.fuel for st in self.thermal])
        self._fuel_masks = {kind: fuels == kind for kind in ("coal", "gas", "nuclear")}
        self.hydro_cost = np.array([self._fuel_value(st, "marginal_cost_usd_per_mwh")
                                    for st in self.hydro])
        self.hydro_energy_mwh = np.array([(st.avg_output_twh_per_year or 0.0) * 1e6
                                          for st in self.hydro])
        self.storage_max_mwh = np.array([(st.storage_twh or 0.0) * 1e6 for st in self.hydro])
        profiles = {pr.id: pr for pr in s.inflow_profiles}
        self.profile_ids = sorted(profiles)
        self.hydro_profile = np.array([self.profile_ids.index(st.inflow_profile)
                                       for st in self.hydro], dtype=int)
        self.monthly_share = np.array([profiles[i].monthly_share for i in self.profile_ids])
        self.annual_cv = np.array([profiles[i].annual_cv for i in self.profile_ids])
        self.targets = np.array([rule_curve(sh) for sh in self.monthly_share])  # (P, 12)
        # the seasonal swing a reservoir needs to turn its inflow into flat output; multi-year
        # reservoirs (Bratsk, Baikal) keep the rest of their storage as a reserve near the top
        span = np.array([seasonal_span(sh) for sh in self.monthly_share])
        self.swing_mwh = np.minimum(self.storage_max_mwh,
                                    self.hydro_energy_mwh * span[self.hydro_profile])
        # by calendar month (rows, January first): each reservoir's share of its year's inflow
        # and its rule-curve storage at the month's end (read-only; months read a row)
        self._inflow_share_by_month = self.monthly_share[self.hydro_profile].T.copy()
        self._target_by_month = (self.storage_max_mwh
                                 - self.swing_mwh * (1.0 - self.targets[self.hydro_profile].T))
        self._inflow_share_by_month.flags.writeable = False
        self._target_by_month.flags.writeable = False
        self.water_value = self._water_values()
        # reservoirs start the run on their rule curve (end of December)
        self.storage_mwh = self.target_mwh(12).copy()
        self.inflow_factor = np.ones(len(self.profile_ids))

        # loads
        self.base_load_twh = np.array([n.base_load_twh_per_year for n in self.node_rows])
        self.base_growth = np.array([n.base_load_growth_per_year for n in self.node_rows])
        self.peak_to_average = np.array([n.peak_to_average for n in self.node_rows])
        # load_mw's constants (the parameters are read-only): base-year MW, growth factors, and
        # the peak and off-peak blocks' loads as multiples of the month's mean
        self._base_mw = self.base_load_twh * 1e6 / HOURS_PER_YEAR
        self._growth = 1 + self.base_growth
        amp = p.load_seasonal_amplitude
        self._peak_factor = np.minimum(self.peak_to_average / (1.0 + amp),
                                       1.0 / p.peak_hours_share)  # keeps off-peak >= 0
        self._off_factor = ((1.0 - p.peak_hours_share * self._peak_factor)
                            / (1.0 - p.peak_hours_share))
        self.industry_mw = np.zeros(len(self.nodes))
        for load in s.large_loads:
            node = load.power_node or self.region_node[load.region]
            self.industry_mw[node_index[node]] += (load.capacity_kt_per_year * 1e3 * load.utilisation
                                                   * load.energy_mwh_per_t / HOURS_PER_YEAR)
        # the Siberian price is that of the interconnected Siberian nodes (price zone 2);
        # isolated systems (Norilsk, western Yakutia) have their own per-node prices
        self.siberian = np.array([n.siberian and not n.isolated for n in self.node_rows])
        self.europe = np.array([n.id == "europe" for n in self.node_rows])
        self.last: PowerRecord | None = None
        self.last_link_capacity = np.zeros(len(self.links))
        self._link_capacity_by_year: dict[int, np.ndarray] = {}
        # generation of every unit summed by calendar year (validation, station inspector)
        self.hydro_mwh_by_year: dict[int, np.ndarray] = {}
        self.thermal_mwh_by_year: dict[int, np.ndarray] = {}
        self.node_load_mwh_by_year: dict[int, np.ndarray] = {}
        self.industry_mwh_by_year: dict[int, np.ndarray] = {}

    def _expansion_fleets(self, stations: list[PowerStation]) -> dict[str, PowerStation]:
        """One new-build fleet per connected node, burning the node's dominant buildable fuel."""
        from agents import PowerStation

        model = self.model
        buildable = {k for k, f in self.fuels.items()
                     if f.new_capex_usd_per_kw is not None and f.new_lead_time_years is not None}
        fleets: dict[str, PowerStation] = {}
        for node in self.node_rows:
            by_fuel: dict[str, float] = {}
            for st in stations:
                if st.power_node == node.id and st.fuel in buildable:
                    by_fuel[st.fuel] = by_fuel.get(st.fuel, 0.0) + st.capacity_mw
            if not by_fuel:
                continue  # no thermal fleet to extend (e.g. an all-hydro isolated system)
            fuel = max(sorted(by_fuel), key=by_fuel.get)
            region = node.regions[0] if node.regions else model.atlas.region_at(node.lat, node.lon)
            row = ExpansionRow(id=f"new_{fuel}_{node.id}", name=f"New {fuel} plants ({node.name})",
                               region=region, lat=node.lat, lon=node.lon, kind=fuel,
                               power_node=node.id)
            st = PowerStation(model, row, model.cell_at(node.lat, node.lon))
            model.power_stations.add(st)
            model.register_facility(st)
            fleets[node.id] = st
        return fleets

    def _draw_outages(self) -> None:
        """Planned-outage shares by month and fuel; forced-outage shares by station and month."""
        p = self.model.params
        avail = np.array([self._fuel_value(st, "availability") for st in self.thermal])
        self.planned_annual = p.planned_outage_share * (1.0 - avail)  # (S,)
        self.forced_rate = 1.0 - avail / (1.0 - self.planned_annual)  # (S,)
        self.maintenance = maintenance_weights()  # (12,)
        months = self.model.horizon_months
        self.forced_share = np.repeat(self.forced_rate[:, None], months, axis=1)
        fleets = {id(st) for st in self.expansion.values()}
        for i, st in enumerate(self.thermal):
            if id(st) in fleets or self.forced_rate[i] <= 0:
                continue
            units = max(int(round(st.capacity_mw / p.outage_unit_mw)), 1)
            rng = self.model.facility_rng(st.facility_id, "forced_outage")
            self.forced_share[i] = rng.binomial(units, self.forced_rate[i], size=months) / units
        # the two factors of available_share, by calendar month and by month of the run
        self._unplanned_share = 1.0 - np.minimum(self.planned_annual * self.maintenance[:, None],
                                                 1.0)  # (12, S)
        self._unforced_share = (1.0 - self.forced_share).T.copy()  # (months, S)

    def available_share(self, month: int, month_index: int) -> np.ndarray:
        """(S,) share of each thermal station's capacity available in a month."""
        col = min(month_index, self.forced_share.shape[1] - 1)
        return self._unplanned_share[month - 1] * self._unforced_share[col]

    # --- adequacy (read by the planner) ------------------------------------------------------
    def firm_supply_mw(self, year: int) -> np.ndarray:
        """(N,) January firm supply a node can count on in ``year``: thermal capacity online or
        ordered by then, less expected forced outages (no maintenance in January); hydro at its
        mean output (the water it can spread over the year); a share of import capacity."""
        p = self.model.params
        idx = {n: i for i, n in enumerate(self.nodes)}
        firm = np.zeros(len(self.nodes))
        for i, st in enumerate(self.thermal):
            firm[idx[st.power_node]] += st.capacity_online_by(year) * (1.0 - self.forced_rate[i])
        for st, mwh in zip(self.hydro, self.hydro_energy_mwh, strict=True):
            if st.capacity_online_by(year) > 0:
                firm[idx[st.power_node]] += min(st.capacity_mw, mwh / HOURS_PER_YEAR)
        for lk in self.links:
            open_by = lk.status == "operating" or (lk.opens_year is not None
                                                   and year >= lk.opens_year)
            if open_by:
                firm[idx[lk.to_node]] += p.import_firm_share * lk.capacity_mw
                firm[idx[lk.from_node]] += p.import_firm_share * lk.capacity_mw
        return firm

    def firm_share(self, station: PowerStation) -> float:
        """Share of a thermal station's capacity counted firm in January (1 − forced rate)."""
        return float(1.0 - self.forced_rate[self.thermal.index(station)])

    def peak_load_mw(self, year: int, extra_mw: np.ndarray) -> np.ndarray:
        """(N,) January peak-block load in ``year`` with ``extra_mw`` of flat new load."""
        load = self.load_mw(year, 1, extra_mw)
        return load[:, :, 0].sum(axis=1)

    def target_mwh(self, month: int) -> np.ndarray:
        """Rule-curve storage at the end of ``month``: full less the seasonal drawdown
        (read-only: a row of the table made once)."""
        return self._target_by_month[month - 1]

    def _water_values(self) -> np.ndarray:
        """(H,) value of water below a reservoir's rule curve (USD/MWh): the dearest thermal
        power it can save later at its own node (the top tranche there) — gas in Norilsk, coal
        in most of Siberia — or, at a node without thermal units, the dearest coal."""
        p = self.model.params
        coal = self.fuels.get("coal")
        fallback = (coal.marginal_cost_usd_per_mwh if coal else 0.0) * (1.0 + p.thermal_cost_spread)
        dearest: dict[str, float] = {}
        for k, st in enumerate(self.thermal):
            top = float(self.thermal_cost[(k + 1) * len(TRANCHE_STEPS) - 1])
            dearest[st.power_node] = max(dearest.get(st.power_node, 0.0), top)
        return np.array([dearest.get(st.power_node, fallback) for st in self.hydro])

    def _fuel_value(self, st: PowerStation, name: str) -> float:
        own = getattr(st, name, None)
        if own is not None:
            return float(own)
        return float(getattr(self.fuels[st.fuel], name))

    # --- inputs of one month ---------------------------------------------------------------
    def draw_inflow_year(self) -> None:
        """Each January: this year's inflow factor per river system (wet/dry years)."""
        rng = self.model.rng
        sigma = np.sqrt(np.log1p(self.annual_cv**2))
        draw = rng.lognormal(mean=-0.5 * sigma**2, sigma=sigma)  # mean 1
        self.inflow_factor = self.model.params.hydro_inflow_index * draw

    def load_mw(self, year: int, month: int, data_centre_mw: np.ndarray,
                industry_extra_mw: np.ndarray | None = None) -> np.ndarray:
        """(N, K, B) mean load in each block; ``industry_extra_mw``: the plants' load this month
        (the market) or their committed load at full output (forecasts and the planner)."""
        years = (year - self.model.calendar.start_year) + (month - 0.5) / 12.0
        season = 1.0 + self.model.params.load_seasonal_amplitude * np.cos(
            2 * np.pi * (month - 1) / 12.0)
        base = self._base_mw * self._growth ** years * season  # the month's mean base load
        load = np.empty((len(self.nodes), len(CONSUMER_KINDS), 2))
        load[:, 0, 0] = base * self._peak_factor
        load[:, 0, 1] = base * self._off_factor
        industry = self.industry_mw if industry_extra_mw is None else (self.industry_mw
                                                                        + industry_extra_mw)
        load[:, 1, :] = industry[:, None]
        load[:, 2, :] = data_centre_mw[:, None]
        return load

    def link_capacity_mw(self, year: int) -> np.ndarray:
        """(L,) capacity of each link in ``year`` (0 before a planned link opens); the links are
        fixed scenario rows, so each year's array is made once (read-only, shared by months)."""
        cap = self._link_capacity_by_year.get(year)
        if cap is None:
            cap = np.array([lk.capacity_mw if (lk.status == "operating" or (
                lk.opens_year is not None and year >= lk.opens_year)) else 0.0
                for lk in self.links])
            cap.flags.writeable = False
            self._link_capacity_by_year[year] = cap
        return cap

    def month_inputs(self, year: int, month: int, data_centre_mw: np.ndarray,
                     industry_extra_mw: np.ndarray | None = None) -> MonthInputs:
        hours = month_hours(year, month)
        n = len(TRANCHE_STEPS)
        operating = FacilityState.OPERATING
        offered = np.array([st.capacity_mw / n if st.state is operating else 0.0
                            for st in self.thermal])
        available = offered * self.available_share(month, self.model.calendar.month_index)
        hydro_on = np.array([st.state is operating for st in self.hydro], dtype=float)
        # (a station's capacity if operating, else 0: its capacity times hydro_on)
        hydro_capacity = np.array([st.capacity_mw if st.state is operating else 0.0
                                   for st in self.hydro])
        share = self._inflow_share_by_month[month - 1]
        inflow = self.hydro_energy_mwh * self.inflow_factor[self.hydro_profile] * share * hydro_on
        target = self.target_mwh(month)
        return MonthInputs(
            hours=hours,
            thermal_available_mw=np.repeat(available, n),
            thermal_cost_usd_per_mwh=self.thermal_cost,
            hydro_capacity_mw=hydro_capacity,
            hydro_cost_usd_per_mwh=self.hydro_cost,
            hydro_inflow_mwh=inflow,
            hydro_storage_start_mwh=self.storage_mwh * hydro_on,
            hydro_storage_max_mwh=self.storage_max_mwh * hydro_on,
            hydro_storage_target_mwh=target * hydro_on,
            water_value_usd_per_mwh=self.water_value,
            link_capacity_mw=self.link_capacity_mw(year),
            load_mw=self.load_mw(year, month, data_centre_mw, industry_extra_mw),
        )

    def forecast_prices(self, year: int, extra_mw: np.ndarray, hydro_online) -> np.ndarray:
        """(N,) expected annual price per node in ``year``: the market solved for a January and a
        July with the capacity that will exist then (thermal existing and ordered, with
        expected outages; hydro for which ``hydro_online(station, year)`` holds), an average
        water year, reservoirs on their rule curves, links open by then and ``extra_mw`` of
        flat new load. Nothing of the run's state changes."""
        n = len(TRANCHE_STEPS)
        prices = np.zeros(len(self.nodes))
        for month in (1, 7):
            planned = np.minimum(self.planned_annual * self.maintenance[month - 1], 1.0)
            avail = np.array([st.capacity_online_by(year) for st in self.thermal]) \
                * (1.0 - planned) * (1.0 - self.forced_rate)
            on = np.array([1.0 if hydro_online(st, year) else 0.0 for st in self.hydro])
            share = self._inflow_share_by_month[month - 1]
            x = MonthInputs(
                hours=month_hours(year, month),
                thermal_available_mw=np.repeat(avail / n, n),
                thermal_cost_usd_per_mwh=self.thermal_cost,
                hydro_capacity_mw=np.array([st.capacity_mw for st in self.hydro]) * on,
                hydro_cost_usd_per_mwh=self.hydro_cost,
                hydro_inflow_mwh=self.hydro_energy_mwh * self.model.params.hydro_inflow_index
                * share * on,
                hydro_storage_start_mwh=self.target_mwh(12 if month == 1 else month - 1) * on,
                hydro_storage_max_mwh=self.storage_max_mwh * on,
                hydro_storage_target_mwh=self.target_mwh(month) * on,
                water_value_usd_per_mwh=self.water_value,
                link_capacity_mw=self.link_capacity_mw(year),
                load_mw=self.load_mw(year, month, extra_mw),
            )
            prices += self.market.clear(x).node_price(self.network.block_hours_share)
        return prices / 2.0

    # --- the phase -------------------------------------------------------------------------
    def clear_month(self, data_centre_mw: np.ndarray,
                    industry_extra_mw: np.ndarray | None = None) -> PowerRecord:
        """Clear the month; ``industry_extra_mw``: load of the chain's plants (last month's)."""
        cal = self.model.calendar
        if cal.month == 1:
            self.draw_inflow_year()
        x = self.month_inputs(cal.year, cal.month, data_centre_mw, industry_extra_mw)
        r = self.market.clear(x)
        self.last_link_capacity = x.link_capacity_mw
        self._last_hours = x.hours
        self.storage_mwh = np.where(x.hydro_storage_max_mwh > 0, r.storage_end_mwh,
                                    self.storage_mwh)
        year = cal.year
        thermal_mwh = r.thermal_mwh.reshape(len(self.thermal), len(TRANCHE_STEPS)).sum(axis=1)
        node_load_mwh = r.load_mwh.sum(axis=1)
        for store, value in ((self.hydro_mwh_by_year, r.hydro_mwh),
                             (self.thermal_mwh_by_year, thermal_mwh),
                             (self.node_load_mwh_by_year, node_load_mwh),
                             (self.industry_mwh_by_year, r.load_mwh[:, 1])):
            store[year] = store.get(year, 0.0) + value
        for st, mwh in zip(self.hydro, r.hydro_mwh.tolist(), strict=True):
            st.output_mwh = mwh
        for st, mwh in zip(self.thermal, thermal_mwh.tolist(), strict=True):
            st.output_mwh = mwh
        by_kind: dict[str, float] = {"hydro": float(r.hydro_mwh.sum())}
        for kind, mask in self._fuel_masks.items():
            by_kind[kind] = float(thermal_mwh[mask].sum())
        self.last = PowerRecord(
            node_price=r.node_price(self.network.block_hours_share),
            node_load_mwh=node_load_mwh,
            result=r,
            generation_mwh_by_kind=by_kind,
            emissions_t=float(self.thermal_emissions @ r.thermal_mwh),
        )
        return self.last

    def balance_residual_mwh(self) -> np.ndarray:
        """Energy balance of the last month per node (MWh); zero to solver tolerance."""
        return balance_residual_mwh(self.network, self._last_hours, self.last.result)

    # --- reading the last month (indicators) -----------------------------------------------
    def months_per_year(self) -> float:
        cal = self.model.calendar
        return HOURS_PER_YEAR / month_hours(cal.year, cal.month)

    def price(self, mask: np.ndarray) -> float:
        """Load-weighted price over the nodes in ``mask`` (USD/MWh)."""
        rec = self.last
        w = rec.node_load_mwh * mask
        total = w.sum()
        return float((rec.node_price * w).sum() / total) if total > 0 else 0.0
