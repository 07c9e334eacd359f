"""Scenario discovery: which parameter ranges make an outcome condition hold (PRIM).

A condition is ``INDICATOR[@YEAR] OP NUMBER`` — e.g. ``import_substitution_share@2040 >= 0.5``:
the indicator's yearly value in YEAR (its final value without ``@``) compared with a number.
Each run is one case: ``y`` says whether the condition holds in that run (replications are not
averaged: the draws are part of what the analyst asks about), ``x`` holds the run's sampled
parameters.

PRIM (the patient rule induction method, Friedman & Fisher 1999) as EMA Workbench implements it
(``ema_workbench.analysis.prim.Prim``, ``find_box()``): starting from the whole space it peels
``peel_alpha`` of the cases off one side of one parameter at a time, always the peel that raises
the share of cases of interest the most, then pastes back. Each box on that *peeling trajectory*
has a **coverage** (the share of all runs where the condition holds that lie in the box) and a
**density** (the share of the box's runs where it holds). EMA Workbench 3.0 no longer picks a
box by a density threshold; :func:`choose_box` picks, among the boxes whose density reaches
``density_target`` (default 0.8), the best balance of coverage and density.
"""

from __future__ import annotations

import math
import operator
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.data import SweepData
from experiments.report import pyplot, save_close
from model.errors import UserInputError, closest

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
GRAMMAR = ("INDICATOR[@YEAR] OP NUMBER with OP one of >=, >, <=, < "
           "(e.g. 'import_substitution_share@2040 >= 0.5')")
_PATTERN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_:]*)\s*(?:@\s*(\d{4}))?\s*(>=|<=|>|<)\s*"
                      r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
DENSITY_TARGET = 0.8
PEEL_ALPHA = 0.05
MASS_MIN = 0.05


@dataclass(frozen=True)
class Condition:
    """An outcome condition on one indicator's value in one year (None: the final year)."""

    indicator: str
    year: int | None
    op: str
    threshold: float

    @property
    def text(self) -> str:
        at = f"@{self.year}" if self.year is not None else ""
        return f"{self.indicator}{at} {self.op} {self.threshold:g}"

    def check(self, data: SweepData) -> None:
        """Raise a one-line :class:`UserInputError` unless the sweep holds this value."""
        if self.indicator not in data.indicators:
            raise UserInputError(
                f"--discover: unknown indicator '{self.indicator}'"
                f"{closest(self.indicator, data.indicators)}; this sweep recorded: "
                f"{', '.join(data.indicators)}")
        if self.year is not None and self.year not in data.years:
            raise UserInputError(
                f"--discover: year {self.year} is not in the sweep's data; its years are "
                f"{_years(data.years)}")

    def holds(self, data: SweepData) -> pd.Series:
        """Whether the condition holds, per run (indexed by run_id)."""
        return OPS[self.op](data.values(self.indicator, self.year), self.threshold)


def _years(years: list[int]) -> str:
    if len(years) > 3 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]} to {years[-1]}"
    return ", ".join(map(str, years))


def parse_condition(text: str) -> Condition:
    """``'name@2040 >= 0.5'`` → :class:`Condition`; a malformed text is a one-line error."""
    m = _PATTERN.match(text or "")
    if m is None:
        raise UserInputError(f"--discover: cannot read condition {text!r}; expected {GRAMMAR}")
    name, year, op, number = m.groups()
    value = float(number)
    if not math.isfinite(value):
        raise UserInputError(f"--discover: the threshold must be a finite number, got {number}")
    return Condition(name, int(year) if year is not None else None, op, value)


@dataclass
class Discovery:
    """A PRIM result: the chosen box, its statistics and the whole peeling trajectory."""

    condition: str
    n_runs: int
    n_cases: int
    trajectory: pd.DataFrame | None  # coverage, density, mass, res_dim per box
    chosen: int | None
    limits: pd.DataFrame | None  # parameter, low, high, sampled_low, sampled_high
    note: str = ""

    @property
    def coverage(self) -> float:
        return float(self.trajectory["coverage"].iloc[self.chosen])

    @property
    def density(self) -> float:
        return float(self.trajectory["density"].iloc[self.chosen])

    @property
    def mass(self) -> float:
        return float(self.trajectory["mass"].iloc[self.chosen])


def prim(x: pd.DataFrame, y: np.ndarray, condition: str = "y", peel_alpha: float = PEEL_ALPHA,
         density_target: float = DENSITY_TARGET, mass_min: float = MASS_MIN) -> Discovery:
    """Run PRIM (EMA Workbench) on cases ``x`` (one row per run) and booleans ``y``."""
    y = np.asarray(y, dtype=bool)
    n, k = len(y), int(y.sum())
    if k == 0 or k == n:
        where = "none" if k == 0 else "every one"
        return Discovery(condition, n, k, None, None, None,
                         f"The condition holds in {where} of the {n} runs: there is no box to "
                         f"find (no contrast between runs where it holds and where it does not).")
    with warnings.catch_warnings():  # optional back ends (ipyparallel …) it does not need
        warnings.simplefilter("ignore")
        from ema_workbench.analysis.prim import Prim
    x = x.reset_index(drop=True).copy()
    for c in x.columns:
        if x[c].dtype == bool or x[c].dtype == object:
            x[c] = x[c].astype(str)
    p = Prim(x, y.astype(int), peel_alpha=peel_alpha, mass_min=mass_min)
    box = p.find_box()
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True)
    chosen, note = choose_box(traj, density_target)
    return Discovery(condition, n, k, traj, chosen, _limits(x, box.box_lims[chosen]), note)


def choose_box(traj: pd.DataFrame, density_target: float = DENSITY_TARGET) -> tuple[int, str]:
    """The box to report: among the boxes whose density reaches ``density_target`` (all boxes
    when none does), the one with the best balance of coverage c and density d — the highest
    harmonic mean 2cd/(c+d), which neither the first box (all runs, low density) nor the last
    (small, pure, low coverage) usually wins."""
    ok = traj["density"] >= density_target - 1e-12
    pool = traj[ok] if ok.any() else traj
    f1 = 2 * pool["coverage"] * pool["density"] / (pool["coverage"] + pool["density"])
    note = "" if ok.any() else (f"No box on the trajectory reaches density {density_target:g}; "
                                f"the best balance of coverage and density is shown.")
    return int(f1.idxmax()), note


def _limits(x: pd.DataFrame, lims: pd.DataFrame) -> pd.DataFrame:
    """The restricted parameters of a box: its range against the range sampled."""
    rows = []
    for c in x.columns:
        lo, hi = lims[c].iloc[0], lims[c].iloc[1]
        if isinstance(lo, set):
            sampled = set(x[c].unique())
            if set(lo) != sampled:
                rows.append({"parameter": c, "low": ", ".join(sorted(map(str, lo))), "high": "",
                             "sampled_low": ", ".join(sorted(map(str, sampled))),
                             "sampled_high": ""})
            continue
        s_lo, s_hi = x[c].min(), x[c].max()
        if lo > s_lo or hi < s_hi:
            rows.append({"parameter": c, "low": float(lo), "high": float(hi),
                         "sampled_low": float(s_lo), "sampled_high": float(s_hi)})
    return pd.DataFrame(rows, columns=["parameter", "low", "high", "sampled_low", "sampled_high"])


def discover(data: SweepData, condition: Condition) -> Discovery:
    """PRIM on a sweep: each run's sampled parameters against whether ``condition`` holds."""
    condition.check(data)
    y = condition.holds(data)
    runs = data.runs().set_index("run_id").loc[y.index]
    return prim(runs[data.parameters], y.to_numpy(), condition.text)


def trajectory_figure(d: Discovery, path: Path) -> None:
    """Coverage against density of every box on the peeling trajectory; the chosen box ringed."""
    plt = pyplot()

    t = d.trajectory
    fig, ax = plt.subplots(figsize=(5.2, 4.0), dpi=100)
    sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    ax.plot(t["coverage"], t["density"], lw=0.6, color="grey")
    ax.scatter([d.coverage], [d.density], s=120, facecolors="none", edgecolors="red",
               label=f"chosen box: coverage {d.coverage:.2f}, density {d.density:.2f}")
    fig.colorbar(sc, ax=ax, label="restricted parameters")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title(f"PRIM peeling trajectory: {d.condition}", fontsize=8)
    fig.tight_layout()
    save_close(fig, path)


def discovery_lines(d: Discovery, figure: str | None) -> list[str]:
    """The summary's section on one condition: box limits, coverage, density, the figure."""
    lines = [f"## Scenario discovery: `{d.condition}`", "",
             f"The condition holds in {d.n_cases} of {d.n_runs} runs "
             f"({d.n_cases / max(d.n_runs, 1):.0%}).", ""]
    if d.trajectory is None:
        return [*lines, d.note, ""]
    lines += [f"PRIM box (peel_alpha {PEEL_ALPHA}; chosen among the boxes of density >= "
              f"{DENSITY_TARGET}: the highest harmonic mean of coverage and density): "
              f"**coverage {d.coverage:.2f}, density {d.density:.2f}**, "
              f"mass {d.mass:.2f} (share of all runs in the box), "
              f"{len(d.trajectory)} boxes on the trajectory. {d.note}", ""]
    if d.limits is not None and len(d.limits):
        lines += ["| parameter | box low | box high | sampled low | sampled high |",
                  "|---|---|---|---|---|"]
        for r in d.limits.itertuples():
            lines.append(f"| {r.parameter} | {_num(r.low)} | {_num(r.high)} | "
                         f"{_num(r.sampled_low)} | {_num(r.sampled_high)} |")
    else:
        lines.append("The box restricts no parameter (the whole sampled space).")
    lines.append("")
    if figure:
        lines += [f"![peeling trajectory]({figure})", ""]
    return lines


def _num(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
