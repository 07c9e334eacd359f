"""Choke points: bridges, junctions, tunnels and mountain sections where a corridor can be cut.

A choke point is a facility of the threat model (``model/threats.py``): it draws hits from its
own stream like any other site; while it is ``disrupted`` the freight network carries nothing on
its routes' links within its radius (``model/freight_system.py``).
"""

from __future__ import annotations

from agents.facility import Facility


class ChokePoint(Facility):
    kind = "choke_point"

    def __init__(self, model, row, cell):
        super().__init__(model, row, cell)
        self.point_kind: str = row.kind
        self.routes: list[str] = list(row.routes)
        self.radius_km: float = row.radius_km

    def describe(self) -> dict:
        return {**super().describe(), "point_kind": self.point_kind, "routes": self.routes,
                "radius_km": self.radius_km}
