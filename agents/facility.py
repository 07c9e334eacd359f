"""A facility: a fixed site on one atlas cell (mine, plant, station, port, data centre)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from mesa.discrete_space import FixedAgent

if TYPE_CHECKING:
    from mesa.discrete_space import Cell

    from model.siberia_model import SiberiaModel


class FacilityState(StrEnum):
    """Life cycle of a facility; ``disrupted`` is set by the threats phase (issue #6)."""

    PLANNED = "planned"
    BUILDING = "building"
    OPERATING = "operating"
    DISRUPTED = "disrupted"
    RETIRED = "retired"
    DEPLETED = "depleted"


class Facility(FixedAgent):
    """Common state of every site: scenario id, name, region, coordinates, state, source.

    ``cell`` is the Mesa cell of the atlas grid cell holding (lat, lon); several facilities
    may share a cell.
    """

    kind: str = "facility"
    # numeric attributes worth a monthly history (model/facility_history.py, the inspector)
    history_fields: tuple[str, ...] = ()

    def __init__(self, model: SiberiaModel, row, cell: Cell,
                 state: FacilityState = FacilityState.OPERATING):
        super().__init__(model)
        self.facility_id: str = getattr(row, "id", None) or row.name
        self.name: str = row.name
        self.region: str = row.region
        self.lat: float = row.lat
        self.lon: float = row.lon
        self.state: FacilityState = state
        self.source: str = row.source
        self.confidence: str = row.confidence
        self.cell = cell

    @property
    def operating(self) -> bool:
        return self.state is FacilityState.OPERATING

    def describe(self) -> dict:
        """The facility's state as plain values (inspector, tables)."""
        return {"id": self.facility_id, "kind": self.kind, "name": self.name,
                "region": self.region, "lat": self.lat, "lon": self.lon,
                "state": str(self.state), "source": self.source, "confidence": self.confidence}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.facility_id} {self.state}>"
