"""Regions: federal subjects (Krasnoyarsk, Irkutsk, Tuva, Sakha …) and two aggregates.

A region holds its labour pool and, once the chain and sectors exist, its GRP and jobs; its
tax and support policy come with the chain issue (#4).
"""

from __future__ import annotations

import mesa


class Region(mesa.Agent):
    """A model region: population, whether it counts as Siberia, the atlas cells it covers."""

    def __init__(self, model, row, n_cells: int, area_km2: float):
        super().__init__(model)
        self.name: str = row.name
        self.capital: str = row.capital
        self.district: str = row.district
        self.siberian: bool = row.siberian
        self.population: float = row.population
        self.n_cells = n_cells
        self.area_km2 = area_km2
        self.source: str = row.source
        self.wage_usd_per_month: float | None = getattr(row, "wage_usd_per_month", None)
        self.labour_force: float | None = getattr(row, "labour_force", None)
        self.base_grp_usd_per_year: float = getattr(row, "grp_usd_per_year", None) or 0.0
        self.jobs: float = 0.0  # in the chain's plants and mines (operating or building)

    def describe(self) -> dict:
        return {"name": self.name, "capital": self.capital, "siberian": self.siberian,
                "population": self.population, "area_km2": self.area_km2}

    def __repr__(self) -> str:
        return f"<Region {self.name}>"
