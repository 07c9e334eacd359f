"""What each facility did, month by month: the app's inspector shows it.

Off by default (a batch run does not pay for it): ``SiberiaModel.keep_facility_history()``
starts it, and from then on every month records, for every facility, its state and the
numeric attributes its class names in ``history_fields`` (e.g. a plant's output and
utilisation, a station's generation). Facilities built later join when they first exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from model.siberia_model import SiberiaModel


class FacilityHistory:
    def __init__(self):
        self._rows: dict[str, list[tuple]] = {}

    def record(self, model: SiberiaModel) -> None:
        """The month just simulated (call after the step's phases)."""
        year, month = model.record_year, model.record_month
        rows = self._rows
        for fid, f in model.facilities.items():
            row = (year, month, str(f.state), *(float(getattr(f, a)) for a in f.history_fields))
            if fid in rows:
                rows[fid].append(row)
            else:
                rows[fid] = [row]

    def frame(self, model: SiberiaModel, facility_id: str) -> pd.DataFrame:
        """One row per recorded month: year, month, state and the facility's history fields."""
        f = model.facilities[facility_id]
        return pd.DataFrame(self._rows.get(facility_id, []),
                            columns=["year", "month", "state", *f.history_fields])

    def state_changes(self, model: SiberiaModel, facility_id: str) -> list[tuple[int, int, str]]:
        """(year, month, new state) each time the state differed from the month before."""
        out, last = [], None
        for year, month, state, *_ in self._rows.get(facility_id, []):
            if state != last:
                out.append((year, month, state))
                last = state
        return out
