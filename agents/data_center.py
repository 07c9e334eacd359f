"""AI data centres and the AI developer who sites them.

The AI load follows ``ai_demand_gw_2035``: it grows linearly from zero new load in January 2025
to that level in 2035 and stays there (existing data centres are in the base load). Each
January the developer adds centres of ``ai_centre_mw`` for the growth, each at the connected
power node with the lowest average price over the last twelve months among nodes that shed no
load — cheap and reliable power — so their load enters the market and raises prices there.
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa

from agents.facility import Facility

AI_PATH_END_YEAR = 2035  # the lever names the 2035 level (DESIGN.md §10)


class DataCenter(Facility):
    kind = "data_center"
    history_fields = ("load_mw",)

    def __init__(self, model, row, cell, load_mw: float, power_node: str):
        super().__init__(model, row, cell)
        self.load_mw = load_mw
        self.power_node = power_node

    def describe(self) -> dict:
        return {**super().describe(), "load_mw": self.load_mw, "power_node": self.power_node}


class AIDeveloper(mesa.Agent):
    """Builds AI computing where power is cheap and reliable."""

    def __init__(self, model):
        super().__init__(model)
        self.built = 0

    def target_mw(self, year: int) -> float:
        start = self.model.calendar.start_year
        share = min(max((year - start) / (AI_PATH_END_YEAR - start), 0.0), 1.0)
        return self.model.params.ai_demand_gw_2035 * 1000.0 * share

    def site_centres(self, year: int, candidates: list[tuple[float, str, float, float, str]]
                     ) -> list[DataCenter]:
        """Add centres for this year's growth. ``candidates``: (expected price, node id, lat,
        lon, region) of the nodes fit to host one, best first."""
        model = self.model
        have = sum(dc.load_mw for dc in model.data_centers)
        need = self.target_mw(year) - have
        size = model.params.ai_centre_mw
        made = []
        while need > 1e-6 and candidates:
            _, node, lat, lon, region = candidates[0]
            load = min(size, need)
            self.built += 1
            row = SimpleNamespace(
                id=f"ai_centre_{self.built}", name=f"AI data centre {self.built} ({node})",
                region=region, lat=lat, lon=lon,
                source="model: sited by the AI developer (agents/data_center.py)",
                confidence="low")
            dc = DataCenter(model, row, model.cell_at(lat, lon), load, node)
            model.register_facility(dc)
            made.append(dc)
            need -= load
        return made
