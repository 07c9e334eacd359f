"""AI data centres: where to locate (cheap, reliable power) and the load they add (issue #3)."""

from __future__ import annotations

from agents.facility import Facility


class DataCenter(Facility):
    kind = "data_center"

    def __init__(self, model, row, cell, load_mw: float):
        super().__init__(model, row, cell)
        self.load_mw = load_mw

    def describe(self) -> dict:
        return {**super().describe(), "load_mw": self.load_mw}
