"""Sea and river ports: transfer points of the freight network and NSR gateways.

State now; handling, seasonal closure and stocks of waiting cargo come with freight (issue #5).
"""

from __future__ import annotations

from agents.facility import Facility


class Port(Facility):
    kind = "port"

    def __init__(self, model, row, cell):
        super().__init__(model, row, cell)
        self.port_kind: str = row.kind
        self.on_nsr: bool = row.on_nsr
        self.cargo_mt_per_year: float | None = row.cargo_mt_per_year

    def describe(self) -> dict:
        return {**super().describe(), "port_kind": self.port_kind, "on_nsr": self.on_nsr,
                "cargo_mt_per_year": self.cargo_mt_per_year}
