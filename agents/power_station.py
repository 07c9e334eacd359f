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
    history_fields = ("output_mwh",)

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
        # capacity ordered by the planner and not yet online: (online year, MW, capex USD)
        self.orders: list[tuple[int, float, float]] = []
        self.capex_spent_usd: float = 0.0

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

    def capacity_online_by(self, year: int) -> float:
        """MW this station will have in ``year`` from what exists or is being built now."""
        if self.state is FacilityState.OPERATING:
            base = self.capacity_mw
        elif self.state is FacilityState.BUILDING and self.online_year is not None \
                and self.online_year <= year:
            base = self.capacity_mw
        else:
            base = 0.0
        return base + sum(mw for online, mw, _ in self.orders if online <= year)

    def order(self, mw: float, online_year: int, capex_usd: float) -> None:
        """New capacity for a fleet (the planner's thermal expansion), online in ``online_year``."""
        self.orders.append((online_year, mw, capex_usd))
        self.capex_spent_usd += capex_usd

    def commission_orders(self, year: int) -> float:
        """Bring ordered capacity due by ``year`` online; returns the MW added."""
        due = [o for o in self.orders if o[0] <= year]
        self.orders = [o for o in self.orders if o[0] > year]
        added = sum(mw for _, mw, _ in due)
        self.capacity_mw += added
        return added

    def describe(self) -> dict:
        return {**super().describe(), "fuel": self.fuel, "capacity_mw": self.capacity_mw,
                "avg_output_twh_per_year": self.avg_output_twh_per_year, "river": self.river,
                "power_node": self.power_node, "output_mwh_last_month": self.output_mwh,
                "online_year": self.online_year,
                "ordered_mw": sum(mw for _, mw, _ in self.orders)}
