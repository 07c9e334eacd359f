"""Rare-earth deposits and their mines (Tomtor, Chuktukon, Zashikhinskoye, Lovozero …).

State now; extraction, development decisions and depletion come with the chain (issue #4).
"""

from __future__ import annotations

from agents.facility import Facility, FacilityState

_STATUS_TO_STATE = {
    "operating": FacilityState.OPERATING,
    "depleted": FacilityState.DEPLETED,
}


class Mine(Facility):
    """A deposit and, once developed, its mine: reserves (t REO), grade, extraction capacity."""

    kind = "mine"

    def __init__(self, model, row, cell):
        super().__init__(model, row, cell, _STATUS_TO_STATE.get(row.status, FacilityState.PLANNED))
        self.licence_status: str = row.status
        self.commodities: list[str] = list(row.commodities)
        self.reserves_t_reo: float = row.reserves_t_reo
        self.grade_treo_pct: float | None = row.grade_treo_pct
        self.capacity_t_reo_per_year: float = row.capacity_t_reo_per_year
        self.planned_capacity_t_reo_per_year: float | None = row.planned_capacity_t_reo_per_year
        self.capex_usd: float | None = row.capex_usd
        self.lead_time_years: float | None = row.lead_time_years

    def describe(self) -> dict:
        return {**super().describe(), "licence_status": self.licence_status,
                "reserves_t_reo": self.reserves_t_reo,
                "capacity_t_reo_per_year": self.capacity_t_reo_per_year}
