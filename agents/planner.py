"""The state planner: in ``market`` mode only its announced programmes; in ``coordinated``
mode it sequences hydro, links and support with projected demand (issues #3 and #4)."""

from __future__ import annotations

import mesa


class Planner(mesa.Agent):
    def __init__(self, model, mode: str, announced_hydro: list[str]):
        super().__init__(model)
        self.mode = mode
        self.announced_hydro = announced_hydro

    def __repr__(self) -> str:
        return f"<Planner {self.mode}>"
