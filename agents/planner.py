"""The state planner: its hydro programme now; coordination with industry comes with #4.

``hydro_buildout_gw`` of new hydro by 2050 is drawn from the scenario's planned projects in
their ``programme_order``. Each January the planner starts the next projects when the capacity
already committed falls short of a straight path to the target, looking ahead by each
project's lead time (so a project started now comes online on the path), never before the
project's earliest year allows. In ``coordinated`` mode the order may follow projected demand
(issue #4); today both modes use the scenario's order.
"""

from __future__ import annotations

import mesa

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
        for p in self.projects:
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

    def __repr__(self) -> str:
        return f"<Planner {self.mode}>"
