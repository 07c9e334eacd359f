"""Processing plants of every sector: the rare-earth stages (separation → metals → magnets) and
the sectors of the scenario's ``[[sectors]]`` table (aluminium, electronics, gas chemistry,
timber).

A plant is created from scenario data (existing and committed plants) or by an investor's
decision. It is ``building`` until its online year, then ramps up (first plants of a stage
slowly, later ones faster as domestic know-how accumulates), produces when its margin is
positive (the materials market decides for the rare-earth stages,
``model/markets/materials.py``; the sector market for the others, ``model/markets/sectors.py``),
and closes after ``closure_months`` of losses in a row. One class for every sector: they differ
only in data (``sector``, ``stage``, the sector row's numbers), not in behaviour.
"""

from __future__ import annotations

from agents.facility import Facility, FacilityState

# a new plant starts at this share of capacity and ramps linearly to full output (assumption:
# the first months of commissioning run one line of several, about a third of nameplate)
RAMP_START_SHARE = 0.3


class ProcessingPlant(Facility):
    """One plant of one stage: capacity (t/yr of its output), costs, owner, state and history."""

    kind = "processing_plant"
    history_fields = ("output_t", "utilisation")

    def __init__(self, model, row, cell, stage: str, capacity_t_per_year: float, owner: str,
                 state: FacilityState, online_year: int | None, capex_usd: float = 0.0,
                 power_node: str | None = None, sector: str = "rare_earths",
                 energy_mwh_per_t: float | None = None):
        super().__init__(model, row, cell, state)
        self.sector = sector
        self.stage = stage  # the chain's stage; the sector id for plants of other sectors
        # the plant's own energy intensity (MWh per unit) where it differs from its sector's
        self.energy_mwh_per_t = energy_mwh_per_t
        self.capacity_t_per_year = float(capacity_t_per_year)
        self.owner = owner
        self.online_year = online_year
        self.capex_usd = float(capex_usd)
        self.power_node = power_node
        self.ramp_months = 0.0  # set when it comes online
        self.months_online = 0
        self.loss_months = 0
        self.utilisation = 0.0  # last month's output / capacity
        self.output_t = 0.0  # last month's output, t of the stage's product (sector's unit)
        self.cargo_t = 0.0  # last month's outbound cargo, t (sectors beyond rare earths)
        self.cargo_cost_usd = 0.0  # and its freight cost, USD
        self.profit_usd = 0.0  # last month's operating profit
        self.cumulative_output_t = 0.0
        self.profit_this_year_usd = 0.0  # operating profit since January (owner's cash flow)
        self.backup_for: str | None = None  # a standby backup: the id of the plant it stands in for

    @property
    def siberian(self) -> bool:
        return self.model.region_is_siberian(self.region)

    def commission_if_ready(self, year: int, ramp_months: float) -> bool:
        if self.state is FacilityState.BUILDING and self.online_year is not None \
                and year >= self.online_year:
            self.state = FacilityState.OPERATING
            self.ramp_months = ramp_months
            return True
        return False

    def ramp_share(self) -> float:
        """Share of capacity it can run at: from 30% to full over its ramp-up months."""
        if self.ramp_months <= 0 or self.months_online >= self.ramp_months:
            return 1.0
        return RAMP_START_SHARE + (1 - RAMP_START_SHARE) * self.months_online / self.ramp_months

    def record_month(self, output_t: float, profit_usd: float, closure_months: int) -> None:
        self.output_t = output_t
        self.cumulative_output_t += output_t
        self.utilisation = output_t / (self.capacity_t_per_year / 12.0) if self.capacity_t_per_year else 0.0
        self.profit_usd = profit_usd
        self.profit_this_year_usd += profit_usd
        self.months_online += 1
        self.loss_months = self.loss_months + 1 if profit_usd < 0 else 0
        if self.loss_months >= closure_months:
            self.state = FacilityState.RETIRED

    def describe(self) -> dict:
        return {**super().describe(), "sector": self.sector, "stage": self.stage, "owner": self.owner,
                "capacity_t_per_year": self.capacity_t_per_year, "online_year": self.online_year,
                "utilisation": self.utilisation, "output_t_last_month": self.output_t,
                "profit_usd_last_month": self.profit_usd, "capex_usd": self.capex_usd,
                "backup_for": self.backup_for}
