"""Shippers: one operator per mode and basin (Russian Railways, the river fleets, NSR shipping).

State now (the routes each operates); tariffs and fleet expansion come with freight (issue #5).
"""

from __future__ import annotations

import mesa


class Shipper(mesa.Agent):
    def __init__(self, model, operator: str, mode: str, route_ids: list[str]):
        super().__init__(model)
        self.operator = operator
        self.mode = mode
        self.route_ids = route_ids

    def describe(self) -> dict:
        return {"operator": self.operator, "mode": self.mode, "routes": self.route_ids}

    def __repr__(self) -> str:
        return f"<Shipper {self.operator}>"
