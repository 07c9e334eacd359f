"""SiberiaModel: the world, its agents and the monthly schedule.

``SiberiaModel(scenario="baseline", rng=42, **params)``: ``scenario`` is a scenario name or a
path to a scenario TOML file; ``params`` are catalogue names (``model.params``). Mesa 3.5's
``Model`` has its own ``scenario`` (a ``mesa.experimental.scenarios.Scenario`` bound to the
model): ours is a different thing, so the loaded scenario lives in ``scenario_data`` and its
name in ``scenario_name``. Mesa's attribute holds a :class:`RunScenario` that carries our
scenario's name as ``scenario_name``: when Mesa's SolaraViz resets a model it rebuilds that
object and passes it as ``scenario=``, and a Mesa ``Scenario`` passed as ``scenario`` is
unpacked here (its ``scenario_name`` names ours, its other entries are parameters), so a
scenario picked in the app survives a Reset.
"""

from __future__ import annotations

import zlib
from typing import Any

import mesa
import networkx as nx
import numpy as np
from mesa.agent import AgentSet
from mesa.discrete_space import Cell, Network
from mesa.experimental.scenarios import Scenario as MesaScenario

from agents import (
    ChokePoint,
    Facility,
    FacilityState,
    Investor,
    Mine,
    Planner,
    Port,
    PowerStation,
    ProcessingPlant,
    Region,
    Shipper,
)
from agents.data_center import AIDeveloper, DataCenter
from agents.shipyard import Shipyard
from model.calendar import Calendar
from model.chain import ChainSystem
from model.collector import IndicatorCollector
from model.errors import ScenarioError
from model.facility_history import FacilityHistory
from model.freight_system import FreightSystem
from model.geo import Atlas, AtlasInputs, build_atlas
from model.geo.atlas import PortPoint, RouteLine
from model.params import Params
from model.power_system import PowerSystem
from model.scenario import Scenario, load_scenario
from model.sectors import REE_SECTOR, SectorSystem
from model.threats import ThreatSystem


def atlas_inputs(scenario: Scenario) -> AtlasInputs:
    """The scenario's geography that the atlas burns into layers (hashable, for caching)."""
    def line(side: str) -> tuple:
        f = scenario.frontier(side)
        return tuple(tuple(p) for p in f.waypoints) if f else ()

    return AtlasInputs(
        routes=tuple(RouteLine(r.id, r.mode, r.status, tuple(tuple(p) for p in r.waypoints))
                     for r in scenario.routes),
        ports=tuple(PortPoint(p.id, p.kind, p.lat, p.lon) for p in scenario.ports),
        frontier_west=line("west"),
        frontier_east=line("east"),
    )


class RunScenario(MesaScenario):
    """Mesa's per-run scenario object for a SiberiaModel: it names our scenario."""

    scenario_name: str = "baseline"


def _unwrap_mesa_scenario(scenario: Any, rng: Any, params: dict) -> tuple[Any, Any, dict]:
    if isinstance(scenario, MesaScenario):
        values = {k: v for k, v in dict(scenario).items() if not k.startswith("_")
                  and k != "model"}
        scenario_rng = values.pop("rng", None)
        rng = scenario_rng if rng is None else rng
        inner = values.pop("scenario_name", None) or values.pop("scenario", "baseline")
        return inner, rng, {**values, **params}
    return scenario, rng, params


class SiberiaModel(mesa.Model):
    """Siberian industrial development, month by month from January 2025."""

    def __init__(self, scenario: str = "baseline", rng: Any = None, **params: Any):
        scenario, rng, params = _unwrap_mesa_scenario(scenario, rng, params)
        # validate everything before building anything: bad input creates nothing
        self.scenario_data: Scenario = load_scenario(scenario)
        self.params: Params = self.scenario_data.resolved_params(**params)
        if rng is None:
            # Mesa would seed from fresh entropy and report a seed that does not rebuild the
            # run; draw the seed first so that SiberiaModel(rng=m.run_seed) repeats m exactly
            rng = int(np.random.SeedSequence().generate_state(1, np.uint32)[0])
        super().__init__(scenario=RunScenario(rng=rng, scenario_name=str(scenario)))
        seed = self._seed
        self.run_seed: int = (int(seed) if isinstance(seed, (int, np.integer))
                              else zlib.crc32(repr(seed).encode()))
        self.scenario_name: str = self.scenario_data.name
        self.calendar = Calendar()
        self.record_year, self.record_month = self.calendar.year, self.calendar.month
        self.horizon_months: int = self.params.horizon_years * 12
        self._price_history: list[np.ndarray] = []

        self.atlas: Atlas = build_atlas(self.params.resolution_deg,
                                        atlas_inputs(self.scenario_data))
        self._check_regions()
        self._create_agents()
        self.power: PowerSystem | None = (PowerSystem(self) if self.scenario_data.power_nodes
                                          else None)
        self.chain: ChainSystem | None = (ChainSystem(self) if self.scenario_data.stages
                                          and self.power is not None else None)
        self.sectors: SectorSystem | None = (SectorSystem(self) if self.chain is not None
                                             and any(not r.stages for r in
                                                     self.scenario_data.sectors) else None)
        self._init_sector_plants()
        self._forecast: dict[int, np.ndarray] = {}
        self.threats = ThreatSystem(self)
        self.freight: FreightSystem | None = (FreightSystem(self)
                                              if self.scenario_data.freight_modes else None)
        self.datacollector = IndicatorCollector(self)
        self.facility_history: FacilityHistory | None = None  # keep_facility_history()
        self.running = True

    # --- construction ---------------------------------------------------------------------
    def _check_regions(self) -> None:
        unknown = [r.name for r in self.scenario_data.regions
                   if r.name not in self.atlas.region_names]
        if unknown:
            raise ScenarioError(
                f"{self.scenario_data.path}: regions not in the atlas: {', '.join(unknown)}; "
                f"atlas regions: {', '.join(self.atlas.region_names)}")

    def _facility_cells(self, rows: list) -> list[tuple[int, int]]:
        cells = []
        for row in rows:
            cell = self.atlas.cell_of(row.lat, row.lon)
            if cell is None:
                raise ScenarioError(
                    f"{self.scenario_data.path}: {row.name!r} at ({row.lat}, {row.lon}) lies "
                    f"outside the atlas (lon 19..180, lat 41..82)")
            cells.append(cell)
        return cells

    def _create_agents(self) -> None:
        s = self.scenario_data
        tables = {"ports": s.ports, "deposits": s.deposits, "stations": s.power_stations,
                  "planned": s.planned_hydro}
        cells = {name: self._facility_cells(rows) for name, rows in tables.items()}
        occupied = sorted({c for cs in cells.values() for c in cs})
        graph = nx.Graph()
        graph.add_nodes_from(occupied)
        # Mesa cells exist only where facilities sit; fine layers stay numpy arrays in the atlas
        self.space = Network(graph, layout={c: (self.atlas.grid.lon_centres[c[1]],
                                                self.atlas.grid.lat_centres[c[0]])
                                            for c in occupied}, random=self.random)

        def on(table: str) -> list:
            return [self.space[c] for c in cells[table]]

        self.data_centers: list[DataCenter] = []

        self.ports = Port.create_agents(self, len(s.ports), s.ports, on("ports"))
        self.mines = Mine.create_agents(self, len(s.deposits), s.deposits, on("deposits"))
        self.power_stations = PowerStation.create_agents(
            self, len(s.power_stations), s.power_stations, on("stations"))
        self.planned_hydro = PowerStation.create_agents(
            self, len(s.planned_hydro), s.planned_hydro, on("planned"), FacilityState.PLANNED)
        self.facilities: dict[str, Facility] = {}
        for agent in [*self.ports, *self.mines, *self.power_stations, *self.planned_hydro]:
            if agent.facility_id in self.facilities:
                raise ScenarioError(f"{s.path}: facility id {agent.facility_id!r} is used by two "
                                    f"tables; ids must be unique across facility tables")
            self.facilities[agent.facility_id] = agent

        region_index = {name: i for i, name in enumerate(self.atlas.region_names)}
        region_layer = self.atlas.layers["region"]
        area = self.atlas.layers["cell_area_km2"]
        n_cells, area_km2 = [], []
        for r in s.regions:
            mask = region_layer == region_index[r.name]
            n_cells.append(int(mask.sum()))
            area_km2.append(float(area[mask].sum()))
        self.regions = Region.create_agents(self, len(s.regions), s.regions, n_cells, area_km2)

        self.shippers = AgentSet(
            [Shipper(self, operator, mode, ids, fleet)
             for operator, mode, ids, fleet in self._operators()], random=self.random)
        self.shipyards: list[Shipyard] = []
        for row in s.shipyards:
            yard = Shipyard(self, row, self.cell_at(row.lat, row.lon))
            self.register_facility(yard)
            self.shipyards.append(yard)
        self.planner = Planner(self, self.params.planning_mode, list(self.planned_hydro))
        self.processing_plants: list[ProcessingPlant] = []  # the rare-earth chain's
        self.sector_plants: list[ProcessingPlant] = []  # aluminium, electronics, ... (sectors)
        self._region_siberian = {r.name: r.siberian for r in s.regions}
        for row in s.processing_plants:
            state = (FacilityState.OPERATING if row.status == "operating"
                     else FacilityState.BUILDING)
            plant = ProcessingPlant(self, row, self.cell_at(row.lat, row.lon),
                                    row.stage or row.sector, row.capacity_tpa, row.owner, state,
                                    row.online_year, row.capex_usd or 0.0,
                                    power_node=row.power_node, sector=row.sector,
                                    energy_mwh_per_t=row.energy_mwh_per_t)
            self.register_facility(plant)
        self.investors = AgentSet([Investor(self, row) for row in s.investors],
                                  random=self.random)
        self.choke_points: list[ChokePoint] = []
        for row in s.choke_points:
            point = ChokePoint(self, row, self.cell_at(row.lat, row.lon))
            self.register_facility(point)
            self.choke_points.append(point)
        self.ai_developer = AIDeveloper(self)

    def _init_sector_plants(self) -> None:
        """The sectors' scenario plants: their power node, their replacement value where the row
        gives no capex (threat losses), and which are staffed already (operating at the start)."""
        if self.sectors is None:
            if self.sector_plants:
                raise ScenarioError(f"{self.scenario_data.path}: [[processing_plants]] of sectors "
                                    f"need [[sectors]] rows, the chain's [[stages]] and power")
            return
        for pl in self.sector_plants:
            pl.power_node = pl.power_node or self.power.region_node[pl.region]
            if not pl.capex_usd:
                pl.capex_usd = (pl.capacity_t_per_year
                                * self.sectors.rows[pl.sector].capex_usd_per_unit_per_year)
            if pl.state is FacilityState.OPERATING:
                self.sectors.staffed_at_start.add(pl.facility_id)

    def facility_rng(self, facility_id: str, purpose: str) -> np.random.Generator:
        """A random stream of its own for one facility and one purpose (outages, hazards).

        Spawned from the run's seed by the facility's id, so two runs that differ in one lever
        draw the same events at the same facilities even when the set of facilities differs
        (common random numbers), and adding a facility never shifts another's draws.
        """
        key = zlib.crc32(f"{purpose}:{facility_id}".encode())
        return np.random.default_rng(np.random.SeedSequence(self.run_seed, spawn_key=(key,)))

    def cell_at(self, lat: float, lon: float) -> Cell:
        """The Mesa cell of the atlas cell holding (lat, lon), added to the space if new."""
        coord = self.atlas.cell_of(lat, lon)
        if coord is None:
            raise ValueError(f"({lat}, {lon}) lies outside the atlas")
        if coord not in self.space._cells:
            pos = np.array([self.atlas.grid.lon_centres[coord[1]],
                            self.atlas.grid.lat_centres[coord[0]]])
            self.space.add_cell(Cell(coord, position=pos, random=self.random))
        return self.space[coord]

    def register_facility(self, facility: Facility) -> None:
        """Record a facility created during the run (a data centre, a new plant)."""
        if facility.facility_id in self.facilities:
            raise ValueError(f"facility id {facility.facility_id!r} exists already")
        self.facilities[facility.facility_id] = facility
        if isinstance(facility, DataCenter):
            self.data_centers.append(facility)
        if isinstance(facility, ProcessingPlant):
            if facility.power_node is None and getattr(self, "power", None) is not None:
                facility.power_node = self.power.region_node[facility.region]
            if facility.sector == REE_SECTOR:
                self.processing_plants.append(facility)
            else:
                self.sector_plants.append(facility)
        if getattr(self, "threats", None) is not None:
            self.threats.add(facility)

    def region_is_siberian(self, region: str) -> bool:
        return self._region_siberian.get(region, False)

    def _operators(self) -> list[tuple[str, str, list[str], str | None]]:
        """One shipper per operator: the railways, each river fleet, NSR shipping; river fleets
        and the NSR's ice-class fleet grow through the yards (the fourth element)."""
        ops: dict[tuple[str, str], list[str]] = {}
        for r in self.scenario_data.routes:
            if r.status != "operating":
                continue
            if r.mode == "rail":
                key = ("Russian Railways", "rail")
            elif r.mode == "sea" and r.id.startswith("nsr"):
                key = ("Northern Sea Route shipping", "sea")
            else:
                key = (f"{r.name} operator", r.mode)
            ops.setdefault(key, []).append(r.id)
        fleet = {"river": "river", "Northern Sea Route shipping": "ice_class"}
        return [(op, mode, ids, fleet.get(op, fleet.get(mode) if mode == "river" else None))
                for (op, mode), ids in sorted(ops.items())]

    # --- queries used by indicators, agents and front ends ----------------------------------
    def capacity_mw(self, fuel: str) -> float:
        """Operating capacity (MW) of the stations burning ``fuel`` ('hydro', 'coal', …)."""
        return float(sum(p.capacity_mw for p in self.power_stations
                         if p.fuel == fuel and p.state is FacilityState.OPERATING)
                     + sum(p.capacity_mw for p in self.planned_hydro
                           if p.fuel == fuel and p.state is FacilityState.OPERATING))

    @property
    def finished(self) -> bool:
        return self.calendar.month_index >= self.horizon_months

    # --- the monthly schedule (docs/ODD.md, "Process overview and scheduling") -------------
    def step(self) -> None:
        """Simulate the month the calendar points at, record it, advance the clock."""
        if self.finished:
            self.running = False
            return
        self.record_year, self.record_month = self.calendar.year, self.calendar.month
        if self.calendar.month == 1:
            self.invest()
        self.decide_sector_output()
        self.clear_power_market()
        self.run_sectors()
        self.run_materials_chain()
        self.move_freight()
        self.apply_threats()
        self.datacollector.collect(self)
        if self.facility_history is not None:
            self.facility_history.record(self)
        self.calendar.advance()
        self.running = not self.finished

    def keep_facility_history(self) -> FacilityHistory:
        """Record every facility's state and output each month from now on (the app does)."""
        if self.facility_history is None:
            self.facility_history = FacilityHistory()
        return self.facility_history

    def shipyard_load_mw_by_node(self) -> np.ndarray:
        """(N,) load of the yards' capacity added in the run (today's is in the base loads)."""
        load = np.zeros(len(self.power.nodes))
        for y in self.shipyards:
            if y.added_load_mw > 0:
                load[self.power.nodes.index(self.power.region_node[y.region])] += y.added_load_mw
        return load

    def data_centre_mw_by_node(self) -> np.ndarray:
        load = np.zeros(len(self.power.nodes))
        for dc in self.data_centers:
            load[self.power.nodes.index(dc.power_node)] += dc.load_mw
        return load

    def clear_power_market(self) -> None:
        """Phase 1 — power market: every station dispatched by LP; node prices are duals."""
        if self.power is not None:
            industry = self.chain.load_mw_by_node if self.chain is not None else None
            if any(y.added_dwt > 0 for y in self.shipyards):  # yards' expansions draw power
                industry = (self.shipyard_load_mw_by_node() if industry is None
                            else industry + self.shipyard_load_mw_by_node())
            if self.sectors is not None:
                industry = (self.sectors.load_mw_by_node if industry is None
                            else industry + self.sectors.load_mw_by_node)
            self.power.clear_month(self.data_centre_mw_by_node(), industry)
            self._price_history.append(self.power.last.node_price)

    def decide_sector_output(self) -> None:
        """Phase 0 — sectors (aluminium, electronics, gas chemistry, timber): each plant's output
        this month at last month's power price; their load enters this month's power market."""
        if self.sectors is not None:
            self.sectors.decide_month()

    def run_sectors(self) -> None:
        """Phase 1b — sectors: output shed with industrial load, sales, costs and wages booked."""
        if self.sectors is not None:
            self.sectors.book_month()

    def run_materials_chain(self) -> None:
        """Phase 2 — materials chain: mine → separation → metals → magnets → demand or export."""
        if self.chain is not None:
            self.chain.run_month()

    def move_freight(self) -> None:
        """Phase 3 — freight: background flows and the chain's shipments on least-cost routes."""
        if self.freight is not None:
            self.freight.run_month()

    def invest(self) -> None:
        """Phase 4 — investment, each January: the planner's hydro programme, the AI developer's
        data centres (issue #4 adds the investors' projects)."""
        year = self.calendar.year
        self._forecast = {}
        if self.chain is not None:
            self._commission_chain(year)
        self.planner.plan_hydro(year)
        if self.freight is not None:  # yards deliver, shippers order, yards appraise growth
            for yard in self.shipyards:
                yard.deliver(year)
            for shipper in self.shippers:
                shipper.decide(year, [y for y in self.shipyards if y.fleet == shipper.fleet])
            for yard in self.shipyards:
                yard.consider_expansion(year)
        if self.power is not None:
            self.ai_developer.site_centres(year, self._ai_sites())
        if self.chain is not None:
            for investor in self.investors.shuffle():
                investor.invest(year)
            self.threats.plan_backups(year)
            self.chain.clear_labour_market()
        if self.power is not None:
            self.planner.plan_thermal(year)

    def _commission_chain(self, year: int) -> None:
        from model.investment import _ramp_months

        for plant in self.processing_plants:
            plant.commission_if_ready(year, _ramp_months(self, plant.stage))
        for mine in self.mines:
            mine.commission_if_ready(year)
        if self.sectors is not None:
            self.sectors.commission(year)

    def committed_load_mw_by_node(self) -> np.ndarray:
        """(N,) flat load decided but not in the base loads, as forecasts and the planner project
        it: data centres, the chain's plants and every sector plant (the smelters included)
        operating or under construction at full output, and the yards' added load. Derived from
        the facilities' states each time, so a plant that closes leaves the projection."""
        load = self.data_centre_mw_by_node() + self.chain_committed_load_mw_by_node()
        if self.sectors is not None:
            load = load + self.sectors.committed_load_mw_by_node()
        if self.freight is not None:
            load = load + self.shipyard_load_mw_by_node()
        return load

    def chain_committed_load_mw_by_node(self) -> np.ndarray:
        """(N,) the rare-earth chain's plants operating or under construction, at full output."""
        load = np.zeros(len(self.power.nodes))
        if self.chain is not None:
            for pl in self.processing_plants:
                if pl.state in (FacilityState.OPERATING, FacilityState.BUILDING):
                    row = self.chain.stage_rows[pl.stage]
                    load[self.power.nodes.index(pl.power_node)] += (
                        pl.capacity_t_per_year * row.energy_mwh_per_t / 8760.0)
        return load

    def expected_node_prices(self, year: int) -> np.ndarray:
        """(N,) power prices investors expect about a plant's lead time ahead (cached per year)."""
        from model.investment import FORECAST_AHEAD_YEARS

        if year not in self._forecast:
            target = year + FORECAST_AHEAD_YEARS
            self._forecast[year] = self.power.forecast_prices(
                target, self.committed_load_mw_by_node(), self.planner.hydro_online_by)
        return self._forecast[year]

    def _ai_sites(self) -> list[tuple[float, str, float, float, str]]:
        """Connected nodes that shed no load in the last 12 months, cheapest first."""
        p = self.power
        if not self._price_history:
            return []
        recent = np.mean(self._price_history[-12:], axis=0)
        out = []
        for i, row in enumerate(p.node_rows):
            shed = p.last is not None and p.last.result.unserved_mwh[i].sum() > 1e-6
            if row.isolated or shed or recent[i] >= self.params.data_centre_curtail_usd_per_mwh:
                continue
            region = row.regions[0] if row.regions else self.atlas.region_at(row.lat, row.lon)
            out.append((float(recent[i]), row.id, row.lat, row.lon, region))
        return sorted(out)

    def apply_threats(self) -> None:
        """Phase 5 — threats: hits drawn per facility from its own stream, disruptions, losses."""
        self.threats.apply()
