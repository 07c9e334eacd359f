"""``siberia compare A B``: paired runs of two scenarios (or one with other settings).

Replication ``r`` of A and of B run with the same seed (``replication_seed(seed, r)``), so
both see the same draws at the same facilities (common random numbers, DESIGN.md §6): their
difference is the effect of what differs, not noise of the draws. For each indicator and
milestone year (2030, 2035, 2040, 2050 within the horizon, and its last year) the table gives
the mean of B − A over the replications with a 95% confidence interval from the t
distribution (n − 1 degrees of freedom; none with one replication).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.errors import RunFailed
from experiments.provenance import MONEY, provenance
from experiments.report import milestone_years, pyplot, unit
from experiments.runner import RunTask, now_iso
from experiments.scenario_bundle import ScenarioBundle
from experiments.storage import StagedFolder, check_output_dir, write_json
from model.replications import replication_seed
from model.scenario import load_scenario

CONFIDENCE = 0.95
FIGURE_INDICATORS = ("import_bill_usd", "import_substitution_share",
                     "power_price_siberia_usd_per_mwh", "hydro_capacity_mw", "investment_usd",
                     "siberia_jobs")


@dataclass
class Arm:
    """One side of a comparison: a scenario (name or path) and catalogue overrides."""

    label: str
    scenario: str
    overrides: dict[str, Any] = field(default_factory=dict)
    bundle: ScenarioBundle | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The scenario's name and what was set: "baseline (world_price_index=2.0)"."""
        sets = ", ".join(f"{k}={v}" for k, v in self.overrides.items() if k != "horizon_years")
        name = self.bundle.name if self.bundle is not None else self.scenario
        return f"{name} ({sets})" if sets else name

    def prepare(self, horizon: int | None) -> None:
        """Validate the scenario and overrides; fix the horizon; keep the scenario's content."""
        self.bundle = ScenarioBundle.capture(self.scenario)
        overrides = dict(self.overrides)
        if horizon is not None:
            overrides["horizon_years"] = horizon
        self.params = dict(load_scenario(self.scenario).resolved_params(**overrides))
        self.overrides = overrides


@dataclass
class CompareResult:
    out: Path
    table: pd.DataFrame
    seconds: float


def differences(a: pd.DataFrame, b: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """B − A per indicator and year: mean, 95% t interval, and both arms' means.

    ``a`` and ``b``: yearly rows with ``replication`` and ``year`` and the same indicators.
    """
    from scipy import stats

    key = ["replication", "year"]
    a, b = a.set_index(key).sort_index(), b.set_index(key).sort_index()
    cols = [c for c in a.columns if c in b.columns and c not in ("arm", "seed")]
    rows = []
    for year in years:
        ay, by = a.xs(year, level="year"), b.xs(year, level="year")
        n = len(ay)
        for c in cols:
            d = by[c].to_numpy() - ay[c].to_numpy()
            mean = float(d.mean())
            if n > 1:
                half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * d.std(ddof=1) / np.sqrt(n))
                low, high = mean - half, mean + half
            else:
                low = high = np.nan
            rows.append({"indicator": c, "unit": unit(c), "year": year,
                         "mean_a": float(ay[c].mean()), "mean_b": float(by[c].mean()),
                         "mean_diff": mean, "ci_low": low, "ci_high": high, "n": n,
                         "ci_excludes_zero": bool(n > 1 and (low > 0 or high < 0))})
    return pd.DataFrame(rows)


def run_compare(a: Arm, b: Arm, out: Path, evaluator_factory, seeds: int = 5, seed: int = 0,
                horizon: int | None = None, command: str = "") -> CompareResult:
    """Run A and B on the same ``seeds`` replication seeds; write differences and figures."""
    t0, started = time.perf_counter(), now_iso()
    a.prepare(horizon)
    b.prepare(horizon if horizon is not None else a.params["horizon_years"])
    check_output_dir(out)
    rep_seeds = [replication_seed(seed, r) for r in range(seeds)]
    frames: list[pd.DataFrame] = []
    with evaluator_factory() as evaluator:
        for i, arm in enumerate((a, b)):
            tasks = [RunTask(2 * r + i, i, r, s, arm.overrides, "yearly")
                     for r, s in enumerate(rep_seeds)]
            parts = []
            for outcome in evaluator.imap(tasks, arm.bundle):
                if not outcome.ok:
                    raise RunFailed(f"run of {arm.label} (replication {outcome.run_id // 2}) "
                                    f"failed: {outcome.error}")
                df = pd.DataFrame(outcome.data)
                df.insert(0, "replication", outcome.run_id // 2)
                parts.append(df)
            frames.append(pd.concat(parts).sort_values(["replication", "year"]))
    years = milestone_years(frames[0]["year"].unique())
    table = differences(frames[0], frames[1], years)
    with StagedFolder(out) as tmp:
        table.to_csv(tmp / "differences.csv", index=False)
        runs = pd.concat([f.assign(arm=arm.label) for f, arm in zip(frames, (a, b), strict=True)],
                         ignore_index=True)
        runs.insert(0, "seed", [rep_seeds[r] for r in runs["replication"]])
        runs = runs[["arm", "replication", *[c for c in runs.columns
                                             if c not in ("arm", "replication")]]]
        pq.write_table(pa.Table.from_pandas(runs, preserve_index=False), tmp / "runs.parquet")
        all_years = sorted(frames[0]["year"].unique())
        _figure(differences(frames[0], frames[1], all_years), tmp / "differences.png",
                f"B − A: {b.title} minus {a.title}, mean of {seeds} paired runs and "
                f"{CONFIDENCE:.0%} interval")
        write_json(tmp / "manifest.json", {
            "format": "siberia-compare/1", "kind": "compare",
            "arms": {arm.label: {"title": arm.title, "scenario": arm.bundle.describe(),
                                 "overrides": arm.overrides,
                                 "parameters": arm.params} for arm in (a, b)},
            "replications": seeds, "seed": seed, "replication_seeds": rep_seeds,
            "seeding": "replication r of both arms: SeedSequence(seed, spawn_key=(r,))"
                       ".generate_state(1, uint64)[0] >> 1 (common random numbers)",
            "confidence": f"{CONFIDENCE:.0%} t interval of the mean paired difference",
            "years": years, "money": MONEY,
            "files": ["differences.csv", "differences.png", "runs.parquet", "manifest.json"],
            "started": started, "finished": now_iso(),
            "timings_s": {"total": round(time.perf_counter() - t0, 3)},
            "provenance": provenance(command)})
    return CompareResult(Path(out), table, time.perf_counter() - t0)


def _figure(table: pd.DataFrame, path: Path, title: str) -> None:
    plt = pyplot()

    names = [n for n in FIGURE_INDICATORS if n in set(table["indicator"])]
    fig, axes = plt.subplots(2, 3, figsize=(11, 5.5), dpi=100, squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        d = table[table["indicator"] == name]
        ax.plot(d["year"], d["mean_diff"], lw=1.5, marker="o", ms=3)
        if d["ci_low"].notna().any():
            ax.fill_between(d["year"], d["ci_low"], d["ci_high"], alpha=0.25, lw=0)
        ax.axhline(0, color="k", lw=0.7)
        ax.set_title(f"{name} ({unit(name)})", fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
