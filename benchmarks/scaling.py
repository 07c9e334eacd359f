"""Synthetic scaling: the same Siberia with every facility split into ``k`` facilities.

Each facility row (stations, planned hydro, deposits, plants, yards, fixed loads) becomes ``k``
rows a few kilometres apart, each with ``1/k`` of every extensive quantity (capacity, output,
storage, reserves, capex, jobs, power). The system — its capacities, loads and flows — stays
what it was; only the number of agents (and of power-market units) grows ``k``-fold, so the
cost of a month at ``k``× over that at 1× measures how the model scales with facilities.
"""

from __future__ import annotations

import re
import time

from model import SiberiaModel
from model.scenario import Scenario, load_scenario

FACILITY_TABLES = ("power_stations", "planned_hydro", "deposits", "processing_plants",
                   "shipyards", "large_loads")
_EXTENSIVE = re.compile(r"capacity|output|storage|reserves|capex_usd$|^jobs$|power_mw|load_mw")
_SPACING_DEG = 0.03  # ~3 km between the copies of a facility


def _split(row, k: int, j: int):
    data = row.model_dump()
    for name, value in data.items():
        if (_EXTENSIVE.search(name) and isinstance(value, int | float)
                and not isinstance(value, bool)):
            data[name] = type(value)(value / k) if isinstance(value, float) else value // k
    if j:
        data["id"] = f"{row.id}__{j}"
        if "lat" in data:
            data["lat"] = row.lat + _SPACING_DEG * j
    return type(row).model_validate(data)


def scaled_scenario(k: int, base: str = "baseline") -> Scenario:
    s = load_scenario(base)
    if k == 1:
        return s
    tables = {t: [_split(r, k, j) for r in getattr(s, t) for j in range(k)]
              for t in FACILITY_TABLES if hasattr(s, t)}
    return s.model_copy(update=tables)


def month_seconds(k: int, months: int = 24, seed: int = 1) -> tuple[float, int]:
    """Mean wall seconds of a month (two Januaries included) at ``k``× facilities, and the
    number of agents."""
    scenario = scaled_scenario(k)
    m = SiberiaModel(scenario, rng=seed, horizon_years=max(2, months // 12))
    t0 = time.perf_counter()
    for _ in range(months):
        m.step()
    return (time.perf_counter() - t0) / months, len(m.agents)


if __name__ == "__main__":
    base, n1 = month_seconds(1)
    for k in (1, 4, 10):
        sec, n = month_seconds(k)
        print(f"{k:>3}x facilities: {n:5d} agents, {sec * 1e3:7.2f} ms/month, "
              f"{sec / base:5.2f}x the 1x month")
