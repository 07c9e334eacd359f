"""Rare-earth deposits and their mines (Tomtor, Chuktukon, Zashikhinskoye, Lovozero …).

A deposit is ``planned`` until an investor develops it (``building`` for its lead time), then
a mine extracts up to its capacity while its margin is positive, depletes its reserves and
closes when they run out (``depleted``) or after sustained losses (``retired``).
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
    history_fields = ("output_t", "reserves_t_reo")

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
        self.opex_usd_per_t_reo: float | None = getattr(row, "opex_usd_per_t_reo", None)
        self.jobs: int = int(getattr(row, "jobs", None) or 0)
        self.recovery: float | None = getattr(row, "recovery", None)
        self.owner: str | None = None
        self.online_year: int | None = None
        self.chosen_capacity_t_reo_per_year: float | None = None
        self.power_node: str | None = None
        self.output_t = 0.0
        self.profit_usd = 0.0
        self.loss_months = 0
        self.utilisation = 0.0

    def developed_capacity_t_reo_per_year(self) -> float:
        """REO in concentrate a developed mine yields: planned REO in ore × recovery (facts give
        operating mines' output as REO in concentrate, planned ones as REO in ore fed)."""
        return (self.planned_capacity_t_reo_per_year or 0.0) * (self.recovery or 1.0)

    def develop(self, year: int, lead_time_years: float, owner: str,
                capacity_t_reo_per_year: float, capex_usd: float) -> None:
        """An investor starts the mine: it comes online after its lead time at the capacity
        chosen (REO in concentrate per year)."""
        self.state = FacilityState.BUILDING
        self.owner = owner
        self.online_year = year + max(int(round(lead_time_years)), 1)
        self.chosen_capacity_t_reo_per_year = capacity_t_reo_per_year
        self.capex_usd = capex_usd

    def commission_if_ready(self, year: int) -> bool:
        if self.state is FacilityState.BUILDING and self.online_year is not None \
                and year >= self.online_year:
            self.state = FacilityState.OPERATING
            self.capacity_t_reo_per_year = (self.chosen_capacity_t_reo_per_year
                                            or self.developed_capacity_t_reo_per_year())
            return True
        return False

    def monthly_capacity_t(self) -> float:
        if self.state is not FacilityState.OPERATING:
            return 0.0
        return min(self.capacity_t_reo_per_year / 12.0, self.reserves_t_reo) \
            if self.reserves_t_reo > 0 else self.capacity_t_reo_per_year / 12.0

    def record_month(self, output_t: float, profit_usd: float, closure_months: int,
                     reserves_known: bool) -> None:
        self.output_t = output_t
        self.profit_usd = profit_usd
        cap = self.capacity_t_reo_per_year / 12.0
        self.utilisation = output_t / cap if cap > 0 else 0.0
        if reserves_known:
            self.reserves_t_reo = max(self.reserves_t_reo - output_t, 0.0)
            if self.reserves_t_reo <= 0:
                self.state = FacilityState.DEPLETED
        self.loss_months = self.loss_months + 1 if profit_usd < 0 else 0
        if self.loss_months >= closure_months and self.state is FacilityState.OPERATING:
            self.state = FacilityState.RETIRED

    def describe(self) -> dict:
        return {**super().describe(), "licence_status": self.licence_status,
                "reserves_t_reo": self.reserves_t_reo,
                "capacity_t_reo_per_year": self.capacity_t_reo_per_year,
                "owner": self.owner, "online_year": self.online_year,
                "output_t_last_month": self.output_t}
