"""Power stations: the real hydro and thermal fleet, aggregate fleets, planned hydro projects.

A station offers its capacity to the monthly market (``model/power_system.py`` reads its
capacity, state, fuel, node and costs); hydro is limited by its river's inflow and its
reservoir. Planned hydro is built by the planner's programme (``agents/planner.py``).
"""

from __future__ import annotations

from agents.facility import Facility, FacilityState


class PowerStation(Facility):
    """A station offering ``capacity_mw``; hydro also carries its long-run output (TWh/yr)."""

    kind = "power_station"

    def __init__(self, model, row, cell, state: FacilityState = FacilityState.OPERATING):
        super().__init__(model, row, cell, state)
        self.fuel: str = row.kind if hasattr(row, "kind") else "hydro"
        self.capacity_mw: float = row.capacity_mw
        self.avg_output_twh_per_year: float | None = (
            getattr(row, "avg_output_twh_per_year", None) or getattr(row, "output_twh_per_year",
                                                                     None))
        self.river: str | None = getattr(row, "river", None)
        self.aggregate: bool = getattr(row, "aggregate", False)
        self.power_node: str | None = getattr(row, "power_node", None)
        self.marginal_cost_usd_per_mwh: float | None = getattr(row, "marginal_cost_usd_per_mwh",
                                                               None)
        self.emissions_t_co2_per_mwh: float | None = getattr(row, "emissions_t_co2_per_mwh", None)
        self.availability: float | None = getattr(row, "availability", None)
        self.inflow_profile: str | None = getattr(row, "inflow_profile", None)
        self.storage_twh: float | None = getattr(row, "storage_twh", None)
        # planned projects
        self.capex_usd: float | None = getattr(row, "capex_usd", None)
        self.earliest_year: int | None = getattr(row, "earliest_year", None)
        self.lead_time_years: float | None = getattr(row, "lead_time_years", None)
        self.programme_order: int | None = getattr(row, "programme_order", None)
        self.online_year: int | None = None  # set when construction starts
        self.output_mwh: float = 0.0  # last month's generation

    @property
    def is_hydro(self) -> bool:
        return self.fuel == "hydro"

    def start_construction(self, year: int, lead_time_years: float) -> None:
        """The planner commits to the project: it comes online after its lead time."""
        self.state = FacilityState.BUILDING
        self.online_year = year + max(int(round(lead_time_years)), 1)

    def commission_if_ready(self, year: int) -> bool:
        if self.state is FacilityState.BUILDING and self.online_year is not None \
                and year >= self.online_year:
            self.state = FacilityState.OPERATING
            return True
        return False

    def describe(self) -> dict:
        return {**super().describe(), "fuel": self.fuel, "capacity_mw": self.capacity_mw,
                "avg_output_twh_per_year": self.avg_output_twh_per_year, "river": self.river,
                "power_node": self.power_node, "output_mwh_last_month": self.output_mwh,
                "online_year": self.online_year}
