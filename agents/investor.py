"""Investors: firms that rank projects (stage × site) by NPV and build them (issue #4)."""

from __future__ import annotations

import mesa


class Investor(mesa.Agent):
    """A state corporation, a private firm, or an incumbent with plants in the European part."""

    def __init__(self, model, name: str, investor_kind: str):
        super().__init__(model)
        self.name = name
        self.investor_kind = investor_kind

    def __repr__(self) -> str:
        return f"<Investor {self.name}>"
