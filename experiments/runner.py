"""One model run, from parameters and a seed to a table of indicators.

:func:`simulate` steps a ``SiberiaModel`` to its horizon and returns the DataCollector's monthly
table with the registry's columns, plus the power market's solver status per month.
:func:`execute_run` is what an executor (the local pool, a Dask worker) calls: it takes a
:class:`RunTask` and the scenario's content (:class:`ScenarioBundle`), never a path, and returns
a :class:`RunOutcome` — a run that raises comes back as a failed outcome with its error, so one
bad run never stops a sweep.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from experiments.scenario_bundle import ScenarioBundle
from model import INDICATORS, SiberiaModel
from model.indicators import columns as registry_columns

SERIES = ("monthly", "yearly", "final")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Simulation:
    """A finished run: monthly indicators, solver status per month, timings (s), the params."""

    monthly: pd.DataFrame
    solver_status: list[str]
    build_s: float
    run_s: float
    params: dict[str, Any]
    seed: int


def simulate(scenario: str | Path, seed: int, params: dict[str, Any]) -> Simulation:
    """Run ``scenario`` (name or path) with catalogue ``params`` to its horizon."""
    t0 = time.perf_counter()
    model = SiberiaModel(scenario=str(scenario), rng=int(seed), **params)
    t1 = time.perf_counter()
    status: list[str] = []
    while model.running:
        model.step()
        last = model.power.last if model.power is not None else None
        if last is not None:
            status.append(last.result.status)
    t2 = time.perf_counter()
    monthly = model.datacollector.get_model_vars_dataframe()
    cols = registry_columns(model)
    monthly = monthly.reindex(columns=cols).reset_index(drop=True)
    return Simulation(monthly, status, t1 - t0, t2 - t1, dict(model.params), int(seed))


def aggregate(monthly: pd.DataFrame, series: str) -> pd.DataFrame:
    """Monthly rows as they are, yearly means (``yearly``), or the last year's means (``final``).

    Flows are annualised rates, so a year's mean is that year's total; stocks (capacity,
    counts) become the year's average level.
    """
    if series == "monthly":
        return monthly
    yearly = monthly.drop(columns="month").groupby("year", sort=True).mean().reset_index()
    return yearly.tail(1).reset_index(drop=True) if series == "final" else yearly


def indicator_columns(scenario: str | Path) -> list[str]:
    """The indicator columns (registry names, per-node families expanded) for a scenario, in
    the DataCollector's order, without ``year``/``month``: the fixed schema of its tables."""
    model = SiberiaModel(scenario=str(scenario), rng=0, horizon_years=1)
    return registry_columns(model)[2:]


def select_columns(all_columns: list[str], outputs: list[str] | None) -> list[str]:
    """The columns of ``outputs`` (registry names; a per-node family gives all its columns)."""
    if outputs is None:
        return list(all_columns)
    wanted = set(outputs)
    return [c for c in all_columns if c.split(":", 1)[0] in wanted]


def indicator_schema(cols: list[str], series: str) -> pa.Schema:
    """Arrow schema of an indicator table: calendar columns, then one float64 per indicator."""
    calendar = [pa.field("year", pa.int32())]
    if series == "monthly":
        calendar.append(pa.field("month", pa.int32()))
    return pa.schema([*calendar, *(pa.field(c, pa.float64(), metadata={
        "unit": INDICATORS[c.split(":", 1)[0]].unit}) for c in cols)])


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep or comparison: its id, design point, replication, seed, parameters."""

    run_id: int
    point: int
    replication: int
    seed: int
    params: dict[str, Any]
    series: str = "yearly"
    columns: tuple[str, ...] | None = None  # indicator columns to return; None = all


@dataclass
class RunOutcome:
    """What a worker sends back: the run's table (``None`` when it failed) or its error."""

    run_id: int
    ok: bool
    data: dict[str, np.ndarray] | None = None
    error: str = ""
    traceback: str = ""
    started: str = ""
    finished: str = ""
    wall_s: float = 0.0
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


def execute_run(task: RunTask, bundle: ScenarioBundle) -> RunOutcome:
    """Run one task on whatever process this is (local pool worker, Dask worker, this one)."""
    started, t0 = now_iso(), time.perf_counter()
    try:
        sim = simulate(bundle.materialize(), task.seed, task.params)
        table = aggregate(sim.monthly, task.series)
        calendar = ["year", "month"] if task.series == "monthly" else ["year"]
        indicators = (list(task.columns) if task.columns is not None
                      else [c for c in table.columns if c not in ("year", "month")])
        keep = [*calendar, *indicators]
        missing = [c for c in keep if c not in table.columns]
        if missing:
            raise KeyError(f"the run did not collect {', '.join(missing)}")
        data = {c: table[c].to_numpy() for c in keep}
        return RunOutcome(task.run_id, True, data=data, started=started, finished=now_iso(),
                          wall_s=time.perf_counter() - t0)
    except Exception as e:  # a failed run is data: reported in the manifest, the sweep goes on
        return RunOutcome(task.run_id, False, error=f"{type(e).__name__}: {e}".splitlines()[0],
                          traceback=traceback.format_exc(limit=-8)[-4000:], started=started,
                          finished=now_iso(), wall_s=time.perf_counter() - t0)
