"""Processing plants of one sector: the rare-earth stages (separation → metals → magnets) first.

The chain issue (#4) creates them from scenario data and investment; the sectors issue (#10)
makes them generic over a sector table and turns today's large loads into plants.
"""

from __future__ import annotations

from agents.facility import Facility, FacilityState


class ProcessingPlant(Facility):
    """Capacity (t/yr of output), energy intensity (MWh/t) and utilisation of one plant."""

    kind = "processing_plant"

    def __init__(self, model, row, cell, sector: str, capacity_t_per_year: float,
                 energy_mwh_per_t: float, state: FacilityState = FacilityState.OPERATING):
        super().__init__(model, row, cell, state)
        self.sector = sector
        self.capacity_t_per_year = capacity_t_per_year
        self.energy_mwh_per_t = energy_mwh_per_t
        self.utilisation = 0.0

    def describe(self) -> dict:
        return {**super().describe(), "sector": self.sector,
                "capacity_t_per_year": self.capacity_t_per_year,
                "energy_mwh_per_t": self.energy_mwh_per_t, "utilisation": self.utilisation}
