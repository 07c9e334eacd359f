"""The state planner: its hydro programme, new thermal capacity where nodes run short, and
(issue #4) coordination with industry.

``hydro_buildout_gw`` of new hydro by 2050 is drawn from the scenario's planned projects in
their ``programme_order``. Each January the planner starts the next projects when the capacity
already committed falls short of a straight path to the target, looking ahead by each
project's lead time (so a project started now comes online on the path), never before the
project's earliest year allows. In ``coordinated`` mode the order may follow projected demand
(issue #4); today both modes use the scenario's order.
"""

from __future__ import annotations

import mesa
import numpy as np

from agents.facility import FacilityState

PROGRAMME_END_YEAR = 2050  # hydro_buildout_gw is "by 2050" (DESIGN.md §10)
# used only when a project row gives no lead_time_years; assumption: large Siberian dams took
# 8+ years from start to first units (facts.yaml: Nizhne-Bureya 2010-2017, Boguchany far longer)
DEFAULT_LEAD_TIME_YEARS = 8.0


class Planner(mesa.Agent):
    def __init__(self, model, mode: str, projects: list):
        super().__init__(model)
        self.mode = mode
        self.projects = sorted(projects, key=lambda p: (p.programme_order is None,
                                                        p.programme_order or 0, p.facility_id))
        self.target_mw = model.params.hydro_buildout_gw * 1000.0
        self.committed_mw = 0.0
        self.capex_committed_usd = 0.0
        self.thermal_capex_committed_usd = 0.0

    @property
    def announced_hydro(self) -> list[str]:
        return [p.facility_id for p in self.projects]

    def path_mw(self, year: float) -> float:
        """Capacity the programme should have online by ``year`` (straight line to 2050)."""
        start = self.model.calendar.start_year
        share = (year - start) / (PROGRAMME_END_YEAR - start)
        return self.target_mw * min(max(share, 0.0), 1.0)

    def plan_hydro(self, year: int) -> list:
        """Start the projects the path calls for this year; commission finished ones."""
        for p in self.projects:
            p.commission_if_ready(year)
        started = []
        for p in self._ordered_projects():
            if self.committed_mw >= self.target_mw - 1e-9:
                break
            if p.state is not FacilityState.PLANNED:
                continue
            lead = p.lead_time_years or DEFAULT_LEAD_TIME_YEARS
            online = year + max(int(round(lead)), 1)
            if p.earliest_year is not None and online < p.earliest_year:
                continue  # too early for this project; a later one in order may go first
            if self.committed_mw >= self.path_mw(online) and online < PROGRAMME_END_YEAR:
                break  # on the path: wait
            p.start_construction(year, lead)
            self.committed_mw += p.capacity_mw
            self.capex_committed_usd += p.capex_usd or 0.0
            started.append(p)
        return started

    def hydro_online_by(self, station, year: int) -> bool:
        """Whether investors may count on a hydro station in ``year``.

        Market mode: only what exists or is under construction (an announcement is not a dam).
        Coordinated mode: also the projects of the programme that its path calls for by then —
        the planner commits to its programme, so investors believe it.
        """
        if station.capacity_online_by(year) > 0:
            return True
        if self.mode != "coordinated" or station not in self.projects:
            return False
        target = self.path_mw(year)
        cumulative = 0.0
        for p in self._ordered_projects():
            if p.state is not FacilityState.PLANNED:
                cumulative += p.capacity_mw
                continue
            if cumulative >= target:
                return False
            cumulative += p.capacity_mw
            if p is station:
                # a dam not yet started is online a lead time from now at the earliest
                lead = max(int(round(p.lead_time_years or DEFAULT_LEAD_TIME_YEARS)), 1)
                earliest = max(self.model.calendar.year + lead, p.earliest_year or 0)
                return year >= earliest
        return False

    def _ordered_projects(self) -> list:
        """The programme in the order the planner builds it.

        Market mode: the scenario's order. Coordinated mode: projects at nodes where the chain's
        committed plants (operating or under construction) draw most power come first — the
        planner sequences hydro with industrial demand it can see (no foresight beyond
        committed plants); ties keep the scenario's order.
        """
        if self.mode != "coordinated":
            return self.projects
        load = self.model.chain_committed_load_mw_by_node() \
            if self.model.power is not None else None
        if load is None:
            return self.projects
        nodes = self.model.power.nodes
        return sorted(self.projects, key=lambda p: -load[nodes.index(p.power_node)])

    def plan_thermal(self, year: int) -> dict[str, float]:
        """Order new thermal capacity where a node would run short a lead time ahead.

        The planner acts as system operator (Russia's KOM NG auctions): at each node with a
        new-build fleet it projects January peak load ``lead`` years ahead (base load on its
        growth path, today's industry, data centres and other committed loads) and compares it,
        plus ``reserve_margin``, with firm supply then (``PowerSystem.firm_supply_mw``: what
        exists or is already ordered or under construction). The shortfall is ordered now, in
        100 MW steps, and comes online after the fuel's lead time. It knows only committed
        projects: no foresight of loads not yet decided.
        """
        power = self.model.power
        for fleet in power.expansion.values():
            fleet.commission_orders(year)
        ordered: dict[str, float] = {}
        if not self.model.params.thermal_expansion:
            return ordered
        margin = self.model.params.reserve_margin
        extra = self.model.committed_load_mw_by_node()
        # peak load and firm supply by online year, each computed once: an order placed in this
        # loop adds firm supply at its own node only, which the loop does not read again
        peak: dict[int, np.ndarray] = {}
        firm: dict[int, np.ndarray] = {}
        for node, fleet in power.expansion.items():
            fuel = power.fuels[fleet.fuel]
            lead = max(int(round(fuel.new_lead_time_years)), 1)
            online = year + lead
            if online > self.model.calendar.start_year + self.model.params.horizon_years - 1:
                continue  # would come online after the run ends: nothing to plan for
            if online not in peak:
                peak[online] = power.peak_load_mw(online, extra)
                firm[online] = power.firm_supply_mw(online)
            i = power.nodes.index(node)
            need = peak[online][i] * (1.0 + margin) - firm[online][i]
            if need <= 0:
                continue
            # a new unit is firm only when it is not on forced outage
            mw = float(np.ceil(need / power.firm_share(fleet) / 100.0) * 100.0)
            capex = mw * 1000.0 * fuel.new_capex_usd_per_kw
            fleet.order(mw, online, capex)
            self.thermal_capex_committed_usd += capex
            ordered[node] = mw
        return ordered

    def __repr__(self) -> str:
        return f"<Planner {self.mode}>"
