"""Parameter sweeps: plan the runs of a spec, execute them anywhere, stream results to disk.

Layout of a sweep folder ``DIR``::

    DIR/manifest.json                          spec, design points, seeds, schema, provenance,
                                               one record per finished run (ok or failed)
    DIR/scenario/0-<name>.toml, 1-<parent>.toml   the scenario files the sweep ran (as content)
    DIR/runs/replication=R/run-000123.parquet  one file per run (Hive-partitioned by replication)

**Seeds.** Run ``i`` is design point ``i // R``, replication ``i % R`` (``R`` replications).
Replication ``r`` runs with seed ``SeedSequence(master, spawn_key=(r,))`` — the same as
``SeedSequence(master).spawn(R)[r]`` — drawn as one 63-bit integer. Every design point of a
replication shares that seed (common random numbers: differences between points are not noise
of the draws). Seeds depend on the spec only, so results are identical whatever the executor
or the number of workers.

**Streaming and resume.** Each run's table is written under a temporary name, ``os.replace``d
into place, then recorded in the manifest (itself rewritten atomically). A killed sweep
(Ctrl-C, SIGKILL, a lost machine) loses at most its runs in flight; the same command again runs
only the runs the manifest lacks, after checking that the spec's hash is the one it recorded.
Failed runs are recorded with their error and not retried unless ``retry_failed``.

**Schema.** Fixed before the first run, from the indicator registry and the catalogue:
``run_id, point, seed``, the varied parameters (typed by the catalogue), ``year`` (``month``
for monthly series), then the chosen indicators as float64. The partition column
``replication`` lives in the folder names.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from experiments.progress import RunProgress
from experiments.provenance import MONEY, provenance
from experiments.runner import (
    RunOutcome,
    RunTask,
    indicator_columns,
    indicator_schema,
    now_iso,
    select_columns,
)
from experiments.samplers import design_points, sampler_problem
from experiments.scenario_bundle import ScenarioBundle
from experiments.spec import SweepSpec
from experiments.storage import check_output_dir, read_json, write_json, write_parquet
from model.errors import UserInputError
from model.params import parameter
from model.replications import replication_seed

MANIFEST = "manifest.json"
FORMAT = "siberia-sweep/1"
_ARROW = {float: pa.float64(), int: pa.int64(), bool: pa.bool_(), str: pa.string()}
PARTITIONING = ds.partitioning(pa.schema([("replication", pa.int32())]), flavor="hive")


def run_file(run_id: int, replication: int) -> str:
    return f"runs/replication={replication}/run-{run_id:06d}.parquet"


@dataclass
class SweepResult:
    out: Path
    total: int
    ok: int
    failed: int
    ran_now: int
    seconds: float
    executor: str


class Sweep:
    """A sweep folder: its plan (points, seeds, schema) and its manifest of finished runs."""

    def __init__(self, out: Path, manifest: dict[str, Any], bundle: ScenarioBundle):
        self.out, self.manifest, self.bundle = Path(out), manifest, bundle
        self.schema = pa.schema([pa.field(n, _type(t), metadata={"unit": u} if u else None)
                                 for n, t, u in manifest["schema"]])
        self.points: list[dict[str, Any]] = manifest["design"]["points"]
        self.replications: int = manifest["spec"]["replications"]
        self.seeds: list[int] = manifest["design"]["replication_seeds"]

    # --- opening -----------------------------------------------------------------------------
    @classmethod
    def plan(cls, spec: SweepSpec, out: Path, command: str = "") -> Sweep:
        """A new sweep's manifest (not yet written): points, seeds, schema, provenance."""
        points = design_points(spec)
        outputs = list(spec.outputs) if spec.outputs is not None else None
        cols = select_columns(indicator_columns(spec.bundle.materialize()), outputs)
        varied = [(n, _ARROW[parameter(n).kind]) for n in spec.parameters]
        schema = pa.schema([("run_id", pa.int64()), ("point", pa.int32()), ("seed", pa.int64()),
                            *varied, *indicator_schema(cols, spec.series)])
        manifest = {
            "format": FORMAT, "kind": "sweep", "name": spec.name, "spec_file": str(spec.path),
            "spec": spec.normalized(), "spec_sha256": spec.sha256,
            "scenario": spec.bundle.describe(),
            "seeding": "replication r runs with seed SeedSequence(seed, spawn_key=(r,))"
                       ".generate_state(1, uint64)[0] >> 1, shared by every design point; "
                       "run_id = point * replications + replication",
            "design": {"sampler": spec.sampler, "n_points": len(points),
                       "n_runs": len(points) * spec.replications,
                       "problem": sampler_problem(spec), "points": points,
                       "replication_seeds": [replication_seed(spec.seed, r)
                                             for r in range(spec.replications)]},
            "schema": [[f.name, str(f.type), (f.metadata or {}).get(b"unit", b"").decode()]
                       for f in schema],
            "money": MONEY, "provenance": provenance(command),
            "sessions": [], "runs": {},
        }
        return cls(out, manifest, spec.bundle)

    @classmethod
    def open(cls, out: Path) -> Sweep:
        """An existing sweep folder (for ``siberia run --from``)."""
        path = Path(out) / MANIFEST
        if not path.is_file():
            raise UserInputError(f"{out} is not a sweep folder: no {MANIFEST}")
        manifest = read_json(path)
        if manifest.get("format") != FORMAT:
            raise UserInputError(f"{path}: not a sweep manifest ({FORMAT})")
        bundle = ScenarioBundle.load_saved(Path(out) / "scenario", manifest["scenario"])
        return cls(out, manifest, bundle)

    @classmethod
    def prepare(cls, spec: SweepSpec, out: Path, command: str = "") -> Sweep:
        """Open ``out`` to resume it (same spec) or plan a new sweep there; writes nothing."""
        out = Path(out)
        check_output_dir(out)
        if (out / MANIFEST).is_file():
            sweep = cls.open(out)
            recorded = sweep.manifest.get("spec_sha256")
            if recorded != spec.sha256 and (
                    {**sweep.manifest["spec"], "scenario_sha256": None}
                    == {**json.loads(json.dumps(spec.normalized(), default=str)),
                        "scenario_sha256": None}):
                raise UserInputError(
                    f"{out} holds a sweep of this spec, but the scenario's files have changed "
                    f"since it started (sha256 {sweep.manifest['scenario']['sha256'][:12]}…, now "
                    f"{spec.bundle.sha256[:12]}…): restore them, or use another --out")
            if recorded != spec.sha256:
                raise UserInputError(
                    f"{out} holds a sweep of a different spec (sha256 {str(recorded)[:12]}…, "
                    f"this spec {spec.sha256[:12]}…): use another --out, or the original spec")
            return sweep
        if out.is_dir() and any(p for p in out.iterdir() if not p.name.startswith(".")):
            raise UserInputError(f"--out {out} is not empty and holds no sweep ({MANIFEST}); "
                                 f"give a new or empty folder")
        return cls.plan(spec, out, command)

    # --- the runs --------------------------------------------------------------------------
    def task(self, run_id: int) -> RunTask:
        """The task of run ``run_id`` as the sweep planned it (fixed overrides included)."""
        if not 0 <= run_id < self.manifest["design"]["n_runs"]:
            raise UserInputError(f"run id {run_id} is not in this sweep: ids are 0 to "
                                 f"{self.manifest['design']['n_runs'] - 1}")
        point, rep = divmod(run_id, self.replications)
        spec = self.manifest["spec"]
        params = {**spec["fixed"], **self.points[point], "horizon_years": spec["horizon_years"]}
        cols = [f.name for f in self.schema][self._first_indicator():]
        return RunTask(run_id, point, rep, self.seeds[rep], params, spec["series"], tuple(cols))

    def _first_indicator(self) -> int:
        names = [f.name for f in self.schema]
        return names.index("month" if "month" in names else "year") + 1

    def missing(self, retry_failed: bool = False) -> list[int]:
        runs = self.manifest["runs"]
        return [i for i in range(self.manifest["design"]["n_runs"])
                if str(i) not in runs or (retry_failed and runs[str(i)]["status"] != "ok")]

    def table(self, task: RunTask, outcome: RunOutcome) -> pa.Table:
        n = len(outcome.data["year"])
        cols: dict[str, Any] = {"run_id": np.full(n, task.run_id), "point": np.full(n, task.point),
                                "seed": np.full(n, task.seed)}
        for name, value in self.points[task.point].items():
            cols[name] = [value] * n
        cols.update(outcome.data)
        return pa.Table.from_pydict({f.name: cols[f.name] for f in self.schema}, schema=self.schema)

    def record(self, task: RunTask, outcome: RunOutcome, session: int) -> None:
        entry: dict[str, Any] = {
            "status": "ok" if outcome.ok else "failed", "point": task.point,
            "replication": task.replication, "seed": task.seed, "started": outcome.started,
            "finished": outcome.finished, "wall_s": round(outcome.wall_s, 3),
            "worker": outcome.worker, "session": session}
        if outcome.ok:
            try:
                table = self.table(task, outcome)
            except (pa.ArrowException, KeyError, ValueError) as e:
                entry.update(status="failed", error=f"result does not fit the sweep's schema: "
                                                    f"{type(e).__name__}: {e}".splitlines()[0])
            else:
                path = self.out / run_file(task.run_id, task.replication)
                path.parent.mkdir(parents=True, exist_ok=True)
                write_parquet(path, table)
                entry.update(file=run_file(task.run_id, task.replication), rows=table.num_rows)
        else:
            entry.update(error=outcome.error, traceback=outcome.traceback)
        self.manifest["runs"][str(task.run_id)] = entry
        self.save()

    def save(self) -> None:
        write_json(self.out / MANIFEST, self.manifest)

    def start(self) -> None:
        """Create the folder, keep the scenario's files, drop leftovers of a killed session."""
        self.out.mkdir(parents=True, exist_ok=True)
        if not (self.out / "scenario").is_dir():
            self.bundle.save(self.out / "scenario")
        for leftover in self.out.rglob(".*.tmp"):  # a write cut short by a kill
            leftover.unlink(missing_ok=True)


def run_sweep(spec: SweepSpec, out: Path, evaluator_factory, *, retry_failed: bool = False,
              progress: bool = True, command: str = "") -> SweepResult:
    """Run the runs of ``spec`` that ``out`` lacks; ``evaluator_factory()`` gives the executor
    (called only when there is work, after every check has passed)."""
    t0 = time.perf_counter()
    sweep = Sweep.prepare(spec, out, command)
    todo = sweep.missing(retry_failed)
    total = sweep.manifest["design"]["n_runs"]
    if not todo:
        return _result(sweep, 0, time.perf_counter() - t0, "nothing to run")
    with evaluator_factory() as evaluator:
        sweep.start()
        session = len(sweep.manifest["sessions"])
        sweep.manifest["sessions"].append({"started": now_iso(), "executor": evaluator.description,
                                           "runs_to_do": len(todo), "pid": os.getpid()})
        sweep.save()
        tasks = (sweep.task(i) for i in todo)
        by_id = {}
        done_before = total - len(todo)
        label = f"sweep {spec.name}" + (f" (resumed: {done_before} of {total} done)"
                                        if done_before else "")
        with RunProgress(len(todo), label, enabled=progress) as bar:
            for outcome in evaluator.imap(_remember(tasks, by_id), sweep.bundle):
                sweep.record(by_id.pop(outcome.run_id), outcome, session)
                bar.advance(sweep.manifest["runs"][str(outcome.run_id)]["status"] == "ok")
        sweep.manifest["sessions"][-1]["finished"] = now_iso()
        sweep.save()
        return _result(sweep, len(todo), time.perf_counter() - t0, evaluator.description)


def _remember(tasks, by_id: dict[int, RunTask]):
    for task in tasks:
        by_id[task.run_id] = task
        yield task


def _result(sweep: Sweep, ran: int, seconds: float, executor: str) -> SweepResult:
    runs = sweep.manifest["runs"].values()
    ok = sum(r["status"] == "ok" for r in runs)
    return SweepResult(sweep.out, sweep.manifest["design"]["n_runs"], ok, len(runs) - ok, ran,
                       seconds, executor)


def _type(name: str) -> pa.DataType:
    return {"int32": pa.int32(), "int64": pa.int64(), "double": pa.float64(),
            "bool": pa.bool_(), "string": pa.string()}[name]


def read_runs(out: Path) -> pd.DataFrame:
    """Every recorded run's rows of a sweep folder, with ``replication``, sorted by run_id."""
    sweep = Sweep.open(out)
    files = [str(Path(out) / r["file"]) for r in sweep.manifest["runs"].values()
             if r["status"] == "ok"]
    schema = sweep.schema.append(pa.field("replication", pa.int32()))
    if not files:
        return schema.empty_table().to_pandas()
    dataset = ds.dataset(files, schema=schema, format="parquet", partitioning=PARTITIONING,
                         partition_base_dir=str(Path(out) / "runs"))
    df = dataset.to_table().to_pandas()
    sort = ["run_id", "year", *(["month"] if "month" in df.columns else [])]
    return df.sort_values(sort, kind="stable").reset_index(drop=True)
