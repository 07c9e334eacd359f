"""A finished sweep as tables for analysis: yearly series per run and one outcome row per run.

Read from the sweep folder's manifest and Parquet dataset (:func:`experiments.sweep.read_runs`).
Monthly series are reduced to yearly means first (flows are annualised rates, so a year's mean
is that year's total). A run's *final value* of an indicator is its value in the last year of
the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.sweep import Sweep, read_runs
from model.errors import UserInputError


@dataclass
class SweepData:
    """A sweep's manifest and its runs: ``yearly`` has one row per run and year."""

    folder: Path
    manifest: dict[str, Any]
    yearly: pd.DataFrame
    parameters: list[str]
    indicators: list[str]

    @property
    def sampler(self) -> str:
        return self.manifest["design"]["sampler"]["kind"]

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.yearly["year"].unique())

    @property
    def n_points(self) -> int:
        return int(self.manifest["design"]["n_points"])

    @property
    def replications(self) -> int:
        return int(self.manifest["spec"]["replications"])

    def runs(self) -> pd.DataFrame:
        """One row per run: ``run_id, point, replication``, the parameters (in the spec's order)."""
        cols = ["run_id", "point", "replication", *self.parameters]
        return (self.yearly.groupby("run_id", sort=True)[cols[1:]].first().reset_index()[cols])

    def values(self, indicator: str, year: int | None = None) -> pd.Series:
        """Each run's value of ``indicator`` in ``year`` (the last year when None), by run_id."""
        year = self.years[-1] if year is None else year
        rows = self.yearly[self.yearly["year"] == year].set_index("run_id").sort_index()
        return rows[indicator]

    def finals(self) -> pd.DataFrame:
        """One row per run: its parameters and every indicator's final value."""
        last = self.yearly[self.yearly["year"] == self.years[-1]].set_index("run_id").sort_index()
        return self.runs().set_index("run_id").join(last[self.indicators]).reset_index()


def load_sweep(folder: Path) -> SweepData:
    """Open a sweep folder for analysis; a folder that is not a sweep, or has no finished run,
    is a one-line :class:`UserInputError`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserInputError(f"sweep folder not found: {folder}")
    sweep = Sweep.open(folder)
    df = read_runs(folder)
    if df.empty:
        raise UserInputError(f"{folder}: the sweep has no finished run to analyse (run "
                             f"'siberia sweep' with the same --out to finish it)")
    names = [f.name for f in sweep.schema]
    parameters = [n for n in sweep.manifest["spec"]["parameters"]]
    first = names.index("month" if "month" in names else "year") + 1
    indicators = names[first:]
    if "month" in df.columns:
        keep = ["run_id", "point", "replication", "seed", *parameters]
        df = df.groupby([*keep, "year"], sort=True, dropna=False)[indicators].mean().reset_index()
    df = df.sort_values(["run_id", "year"], kind="stable").reset_index(drop=True)
    return SweepData(folder, sweep.manifest, df, parameters, indicators)
