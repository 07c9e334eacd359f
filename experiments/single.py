"""``siberia run``: one run to a folder of indicators, tables, figures and a manifest.

The folder gets ``indicators.parquet`` (monthly rows: ``year``, ``month`` and every collected
indicator, a fixed schema from the registry), ``indicators.csv`` on request,
``milestones.csv`` (main indicators at 2030, 2035, 2040, 2050 within the horizon — yearly
means — and discounted totals of money flows), four PNG figures and ``manifest.json``
(parameters, seed, scenario hashes, versions, git state, solver status per month, timings,
the money basis). Everything is written to a staging folder first and moved in at the end: a
run that fails leaves nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.provenance import MONEY, package_versions, provenance
from experiments.report import FIGURES, milestones, save_figures, unit
from experiments.runner import aggregate, indicator_schema, now_iso, simulate
from experiments.scenario_bundle import ScenarioBundle
from experiments.storage import StagedFolder, write_json
from experiments.sweep import Sweep
from model.scenario import load_scenario

FORMAT = "siberia-run/1"


@dataclass
class RunSummary:
    out: Path
    months: int
    seconds: float
    matches_sweep: bool | None = None


def run_one(out: Path, scenario: str | Path, overrides: dict[str, Any], seed: int,
            csv: bool = False, command: str = "") -> RunSummary:
    """Run ``scenario`` with catalogue ``overrides`` and ``seed``; write the run folder."""
    bundle = ScenarioBundle.capture(scenario)  # a bad scenario fails here, before anything
    load_scenario(scenario).resolved_params(**overrides)  # a bad parameter fails here
    return _run(Path(out), scenario, bundle, overrides, seed, csv, command, {})


def rerun_from_sweep(out: Path, sweep_dir: Path, run_id: int, csv: bool = False,
                     command: str = "") -> RunSummary:
    """Run one run of a sweep again, alone, from the sweep's manifest and scenario copy; the
    manifest says whether its series equal the ones the sweep stored."""
    sweep = Sweep.open(Path(sweep_dir))
    task = sweep.task(run_id)
    origin = {"sweep": str(Path(sweep_dir).resolve()), "run_id": run_id, "point": task.point,
              "replication": task.replication, "spec_sha256": sweep.manifest["spec_sha256"]}

    def check(monthly: pd.DataFrame) -> bool | None:
        entry = sweep.manifest["runs"].get(str(run_id))
        if entry is None or entry["status"] != "ok":
            return None
        stored = pq.read_table(Path(sweep_dir) / entry["file"]).to_pandas()
        mine = aggregate(monthly, task.series).reset_index(drop=True)
        cols = ["year", *(["month"] if task.series == "monthly" else []), *task.columns]
        return all(np.array_equal(stored[c].to_numpy(), mine[c].to_numpy(), equal_nan=True)
                   for c in cols)

    path = sweep.bundle.materialize()
    return _run(Path(out), path, sweep.bundle, task.params, task.seed, csv, command,
                {"from_sweep": origin}, check)


def _run(out: Path, scenario: str | Path, bundle: ScenarioBundle, overrides: dict[str, Any],
         seed: int, csv: bool, command: str, extra: dict[str, Any], check=None) -> RunSummary:
    started, t0 = now_iso(), time.perf_counter()
    with StagedFolder(out) as tmp:
        sim = simulate(scenario, seed, overrides)
        monthly = sim.monthly
        cols = [c for c in monthly.columns if c not in ("year", "month")]
        table = pa.Table.from_pandas(monthly, schema=indicator_schema(cols, "monthly"),
                                     preserve_index=False)
        t1 = time.perf_counter()
        pq.write_table(table, tmp / "indicators.parquet")
        files = ["indicators.parquet"]
        if csv:
            monthly.to_csv(tmp / "indicators.csv", index=False)
            files.append("indicators.csv")
        milestones(monthly, sim.params["discount_rate"]).to_csv(tmp / "milestones.csv",
                                                                index=False)
        files.append("milestones.csv")
        title = f"{bundle.name}, seed {seed}" + "".join(
            f", {k}={v}" for k, v in overrides.items() if k != "horizon_years")
        files += save_figures(monthly, tmp, title)
        matches = check(monthly) if check is not None else None
        if check is not None:
            extra["from_sweep"]["matches_sweep"] = matches
        last = monthly.iloc[-1]
        manifest = {
            "format": FORMAT, "kind": "run", **extra,
            "scenario": bundle.describe(), "seed": int(seed),
            "overrides": overrides, "parameters": sim.params,
            "period": {"first": f"{int(monthly.iloc[0]['year'])}-{int(monthly.iloc[0]['month']):02d}",
                       "last": f"{int(last['year'])}-{int(last['month']):02d}",
                       "months": len(monthly)},
            "money": MONEY,
            "solver": {"power_market": f"HiGHS (highspy {package_versions().get('highspy')})",
                       "status_counts": dict(Counter(sim.solver_status)),
                       "status_per_month": sim.solver_status},
            "indicators": {c: unit(c) for c in cols},
            "files": files + ["manifest.json"],
            "started": started, "finished": now_iso(),
            "timings_s": {"build": round(sim.build_s, 3), "simulate": round(sim.run_s, 3),
                          "write": round(time.perf_counter() - t1, 3),
                          "total": round(time.perf_counter() - t0, 3)},
            "provenance": provenance(command),
        }
        write_json(tmp / "manifest.json", manifest)
    return RunSummary(out, len(monthly), time.perf_counter() - t0, matches)


__all__ = ["FIGURES", "RunSummary", "rerun_from_sweep", "run_one"]
