"""Power stations: the real hydro and thermal fleet, and planned hydro projects.

State now; offers to the monthly power market, seasonal hydro energy budgets and construction
come with the power issue (#3).
"""

from __future__ import annotations

from agents.facility import Facility, FacilityState


class PowerStation(Facility):
    """A station offering ``capacity_mw``; hydro also carries its long-run output (TWh/yr)."""

    kind = "power_station"

    def __init__(self, model, row, cell, state: FacilityState = FacilityState.OPERATING):
        super().__init__(model, row, cell, state)
        self.fuel: str = getattr(row, "kind", "hydro")
        self.capacity_mw: float = row.capacity_mw
        self.avg_output_twh_per_year: float | None = (
            getattr(row, "avg_output_twh_per_year", None) or getattr(row, "output_twh_per_year",
                                                                     None))
        self.river: str | None = getattr(row, "river", None)
        self.capex_usd: float | None = getattr(row, "capex_usd", None)
        self.earliest_year: int | None = getattr(row, "earliest_year", None)

    @property
    def is_hydro(self) -> bool:
        return self.fuel == "hydro"

    def describe(self) -> dict:
        return {**super().describe(), "fuel": self.fuel, "capacity_mw": self.capacity_mw,
                "avg_output_twh_per_year": self.avg_output_twh_per_year, "river": self.river}
