"""Sea and river ports: transfer points of the freight network and NSR gateways.

A port sits on a node of the freight network (``model/markets/freight``: the nearest node of its
kind). Cargo whose route is frozen or whose lanes are full waits at its origin; a port reports
what waits at its node (t) — the seasonal stock of the northern delivery and of the NSR's
eastern sector — from the freight phase of the last month.
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

    @property
    def waiting_t(self) -> float:
        """Cargo waiting at this port's network node after last month's assignment (t)."""
        freight = getattr(self.model, "freight", None)
        if freight is None or freight.last is None:
            return 0.0
        node = freight.net.port_node.get(self.facility_id)
        return float(freight.last.waiting_t_by_origin.get(node, 0.0)) if node is not None else 0.0

    def describe(self) -> dict:
        return {**super().describe(), "port_kind": self.port_kind, "on_nsr": self.on_nsr,
                "cargo_mt_per_year": self.cargo_mt_per_year, "waiting_t": self.waiting_t}
