"""Threats of a run: hazard per facility, disruptions, losses and backups (docs/ODD.md §7.3).

Glue between the Mesa world and the Mesa-free hazard field (``model/geo/hazard.py``). Every
facility on one site (stations, mines, plants, ports — not the aggregate fleets, which stand for
many sites) has a monthly hit probability from its distances to the two frontiers. Each draws
from its *own* random stream, spawned from the run's seed by its id
(``SiberiaModel.facility_rng``): a uniform for the hit, a normal for the offline time and a
uniform for the damage, every month of the horizon, drawn once when the facility appears. Two
runs that differ in one lever therefore see the same events at the same facilities, even when
the set of facilities differs (common random numbers).

A hit (on an operating facility) takes it offline (state ``disrupted``) for the drawn months
and destroys the drawn share of its capital. Losses are the capital destroyed plus the output
lost while offline (a plant's or mine's product at world prices, a station's energy at its
node's price); a plant whose Siberian backup is built takes over, so its output is not lost.

Backups (each January, ``backups_allowed``): the owner of a plant whose hazard exceeds
``backup_hazard_threshold`` builds a standby copy — same stage and capacity — at the Siberian
candidate site with the lowest hazard, for ``backup_cost_premium`` × a new plant's capital, with
upkeep of 2% of that a year. The backup produces only while its primary is disrupted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.facility import FacilityState
from model.geo.hazard import BEYOND_RANGE_SHARE, Hazard

if TYPE_CHECKING:
    from agents import Facility, ProcessingPlant
    from model.siberia_model import SiberiaModel

BACKUP_UPKEEP_PER_YEAR = 0.02  # assumption (catalogue: backup_cost_premium)
HOURS_PER_MONTH = 730.0


class ThreatSystem:
    def __init__(self, model: SiberiaModel):
        self.model = model
        self.hazard = Hazard.from_params(model.params)
        self.months = model.horizon_months
        self.ids: list[str] = []
        self.facilities: list[Facility] = []
        self._rows: list[np.ndarray] = []  # per facility (3, months): hit u, offline z, damage u
        self._p: list[float] = []
        # the hit uniforms again, facility by facility in the first rows of a buffer that doubles
        # when full: a month compares one column with the probabilities, and restacking every
        # facility's draws each January cost far more than that (~40 ms a run)
        self._hit_u = np.empty((64, self.months))
        self._p_array: np.ndarray | None = None
        self.disrupted_until: dict[str, int] = {}
        self._distances: dict[tuple[float, float], tuple[float, float]] = {}
        self._probability: dict[tuple[float, float], float] = {}
        self._premium: dict[tuple[float, float], float] = {}  # sites' risk premiums
        self.events = 0
        self.capital_lost_usd = 0.0  # this month
        self.output_lost_usd = 0.0  # this month
        self.cumulative_loss_usd = 0.0
        self.backup_capex_usd = 0.0
        self.backup_upkeep_usd = 0.0
        for f in list(model.facilities.values()):
            self.add(f)

    # --- facilities ---------------------------------------------------------------------------
    def eligible(self, f: Facility) -> bool:
        return not getattr(f, "aggregate", False) and f.kind != "data_centre"

    def distances(self, lat: float, lon: float) -> tuple[float, float]:
        """(west, east) frontier distances in km; cached, as sites do not move."""
        key = (lat, lon)
        cached = self._distances.get(key)
        if cached is None:
            atlas = self.model.atlas
            west = (atlas.distance_to_frontier_km(lat, lon, "west")
                    if atlas.inputs.frontier_west else np.inf)
            east = (atlas.distance_to_frontier_km(lat, lon, "east")
                    if atlas.inputs.frontier_east else np.inf)
            cached = self._distances[key] = (west, east)
        return cached

    def probability_at(self, lat: float, lon: float) -> float:
        key = (lat, lon)
        p = self._probability.get(key)
        if p is None:
            p = self._probability[key] = float(self.hazard.monthly_probability(
                *self.distances(lat, lon)))
        return p

    def site_premium(self, lat: float, lon: float) -> float:
        """Risk premium on the discount rate for a site (expected yearly loss share)."""
        if not self.hazard.active:
            return 0.0
        key = (lat, lon)  # cached, as sites do not move and the hazard field is fixed
        premium = self._premium.get(key)
        if premium is None:
            premium = self._premium[key] = float(
                self.hazard.risk_premium(self.probability_at(lat, lon)))
        return premium

    def beyond_range(self, lat: float, lon: float) -> bool:
        """Whether a site's hazard, at today's intensities, is below 1% of the front's at
        intensity 1 (everywhere is beyond range when there is no threat)."""
        return self.probability_at(lat, lon) < BEYOND_RANGE_SHARE * self.hazard.p_front

    def add(self, f: Facility) -> None:
        if not self.eligible(f) or f.facility_id in self.ids:
            return
        rng = self.model.facility_rng(f.facility_id, "threat")
        draws = np.vstack([rng.random(self.months), rng.standard_normal(self.months),
                           rng.random(self.months)])
        n = len(self.ids)
        if n == len(self._hit_u):
            grown = np.empty((2 * n, self.months))
            grown[:n] = self._hit_u
            self._hit_u = grown
        self._hit_u[n] = draws[0]
        self.ids.append(f.facility_id)
        self.facilities.append(f)
        self._rows.append(draws)
        self._p.append(self.probability_at(f.lat, f.lon))
        self._p_array = None

    def probabilities(self) -> np.ndarray:
        return np.array(self._p)

    # --- value at stake -----------------------------------------------------------------------
    def capital_usd(self, f: Facility) -> float:
        """Replacement value of a facility's capital (its capex where known)."""
        model = self.model
        capex = getattr(f, "capex_usd", None)
        if capex:
            return float(capex)
        if f.kind == "power_station":
            fuel = model.power.fuels.get(f.fuel) if model.power else None
            per_kw = getattr(fuel, "new_capex_usd_per_kw", None) if fuel else None
            if per_kw is None and f.fuel == "hydro":
                per_kw = self._hydro_usd_per_kw()
            return f.capacity_mw * 1000.0 * (per_kw or 0.0)
        if f.kind == "processing_plant" and model.chain is not None:
            return f.capacity_t_per_year * model.chain.stage_rows[f.stage].capex_usd_per_tpa
        if f.kind == "mine" and model.chain is not None:
            return f.capacity_t_reo_per_year * model.chain.stage_rows["mining"].capex_usd_per_tpa
        return 0.0  # ports: no capital data in the scenario

    def _hydro_usd_per_kw(self) -> float:
        projects = [p for p in self.model.planned_hydro if p.capex_usd]
        mw = sum(p.capacity_mw for p in projects)
        return sum(p.capex_usd for p in projects) / (mw * 1000.0) if mw else 0.0

    def output_value_usd_per_month(self, f: Facility) -> float:
        model = self.model
        chain = model.chain
        if f.kind == "processing_plant" and getattr(f, "sector", "rare_earths") != "rare_earths":
            sectors = getattr(model, "sectors", None)  # aluminium, electronics, ... (issue #10)
            return sectors.output_value_usd_per_month(f) if sectors is not None else 0.0
        if f.kind == "processing_plant" and chain is not None:
            s = ("mining", "separation", "metals", "magnets").index(f.stage)
            price = chain.world_price[s] * chain.price_index(model.calendar.fractional_year)[s]
            return f.capacity_t_per_year / 12.0 * chain.k[s] * price
        if f.kind == "mine" and chain is not None:
            price = chain.world_price[0] * chain.price_index(model.calendar.fractional_year)[0]
            return f.capacity_t_reo_per_year / 12.0 * price
        if f.kind == "power_station" and model.power is not None and model.power.last is not None:
            node = model.power.nodes.index(f.power_node)
            return f.capacity_mw * HOURS_PER_MONTH * float(model.power.last.node_price[node])
        return 0.0

    # --- the monthly phase --------------------------------------------------------------------
    def apply(self) -> None:
        """End of month t: count the output lost this month, restore facilities whose time is
        up, then draw this month's hits on operating facilities."""
        model = self.model
        t = model.calendar.month_index
        self.capital_lost_usd = 0.0
        self.output_lost_usd = 0.0
        if not self.ids:
            return
        for fid in list(self.disrupted_until):
            f = model.facilities[fid]
            if not self._covered_by_backup(f):
                self.output_lost_usd += self.output_value_usd_per_month(f)
        for fid, until in list(self.disrupted_until.items()):
            if until <= t:
                f = model.facilities[fid]
                if f.state is FacilityState.DISRUPTED:
                    f.state = FacilityState.OPERATING
                del self.disrupted_until[fid]
        if self.hazard.active and t < self.months:
            if self._p_array is None:
                self._p_array = np.array(self._p)
            p = self._p_array
            hit = np.flatnonzero(self._hit_u[:len(p), t] < p)
            for i in hit:
                f = self.facilities[i]
                if f.state is not FacilityState.OPERATING or getattr(f, "backup_for", None):
                    continue  # only a working facility can be knocked out; standby backups idle
                draws = self._rows[i]
                months = int(self.hazard.offline_months(draws[1, t]))
                share = float(self.hazard.capital_share(draws[2, t]))
                f.state = FacilityState.DISRUPTED
                self.disrupted_until[f.facility_id] = t + months
                self.capital_lost_usd += share * self.capital_usd(f)
                self.events += 1
        self._pay_upkeep()
        self.cumulative_loss_usd += self.capital_lost_usd + self.output_lost_usd

    def _covered_by_backup(self, f: Facility) -> bool:
        return any(b.backup_for == f.facility_id and b.state is FacilityState.OPERATING
                   for b in self.backups())

    # --- backups -------------------------------------------------------------------------------
    def backups(self) -> list[ProcessingPlant]:
        return [p for p in self.model.processing_plants if p.backup_for]

    def plan_backups(self, year: int) -> list[str]:
        """Each January: owners of plants above the hazard threshold order Siberian backups."""
        model = self.model
        p = model.params
        if not (p.backups_allowed and self.hazard.active and model.chain is not None):
            return []
        from model.investment import PlantRow

        backed = {b.backup_for for b in self.backups()}
        sites = [s for s in model.scenario_data.industrial_sites if s.siberian]
        if not sites:
            return []
        safest = min(sites, key=lambda s: (self.probability_at(s.lat, s.lon), s.id))
        built = []
        for plant in list(model.processing_plants):
            if plant.backup_for or plant.facility_id in backed \
                    or plant.state not in (FacilityState.OPERATING, FacilityState.DISRUPTED):
                continue
            if self.probability_at(plant.lat, plant.lon) < p.backup_hazard_threshold:
                continue
            row = model.chain.stage_rows[plant.stage]
            capex = p.backup_cost_premium * plant.capacity_t_per_year * row.capex_usd_per_tpa
            lead = max(int(round(row.lead_time_years)), 1)
            fid = f"backup_{plant.facility_id}"
            from agents import ProcessingPlant

            backup = ProcessingPlant(
                model, PlantRow(id=fid, name=f"Backup of {plant.name} at {safest.name}",
                                region=safest.region, lat=safest.lat, lon=safest.lon,
                                source="backup built in the run (model/threats.py)"),
                model.cell_at(safest.lat, safest.lon), plant.stage, plant.capacity_t_per_year,
                plant.owner, FacilityState.BUILDING, year + lead, capex,
                power_node=safest.power_node)
            backup.backup_for = plant.facility_id
            model.register_facility(backup)
            model.chain.spend_capex(capex, lead * 12, row.equipment_import_share, 0.0)
            self.backup_capex_usd += capex
            built.append(fid)
        return built

    def _pay_upkeep(self) -> None:
        chain = self.model.chain
        if chain is None:
            return
        for b in self.backups():
            if b.state in (FacilityState.OPERATING, FacilityState.DISRUPTED):
                usd = b.capex_usd * BACKUP_UPKEEP_PER_YEAR / 12.0
                chain.ledger.pay("firms", "firms", usd, "opex")
                self.backup_upkeep_usd += usd
