"""Replications of one parameter set on many seeds, and the bands across them.

Used by the app's Compare and Uncertainty views (front ends import only ``model/``). An
:class:`Arm` is a scenario (name or path) with catalogue values; :func:`run_replications` runs
every arm on the same seeds — replication ``r`` of each arm gets the same seed, so arms see the
same draws at the same facilities (common random numbers, DESIGN.md §6) and their paired
difference is the effect of what differs, not noise. :func:`bands` reduces the runs of one arm
to quantiles per month (median and 5–95% by default); :func:`paired_differences` gives B − A
run by run.

Seeds: ``replication_seeds(master, n)[r]`` is ``SeedSequence(master, spawn_key=(r,))`` as 63
bits, the same rule as ``experiments.sweep.replication_seed``, so replication ``r`` here is
replication ``r`` of a sweep or ``siberia compare`` with the same master seed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model.siberia_model import SiberiaModel

QUANTILES = (0.05, 0.5, 0.95)
CALENDAR = ("year", "month")


class Cancelled(Exception):
    """The caller asked the replications to stop (a cancel button, a reset)."""


@dataclass(frozen=True)
class Arm:
    """One setting to replicate: a scenario (name or path) and catalogue values."""

    label: str
    scenario: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def model(self, seed: int) -> SiberiaModel:
        return SiberiaModel(self.scenario, rng=int(seed), **dict(self.params))


def replication_seed(master: int, replication: int) -> int:
    """The seed of replication ``r``: SeedSequence(master).spawn(r + 1)[r], as 63 bits — the
    one rule of the app, ``siberia compare``, the studies and sweeps."""
    state = np.random.SeedSequence(int(master), spawn_key=(replication,)).generate_state(
        1, np.uint64)
    return int(state[0] >> np.uint64(1))


def replication_seeds(master: int, n: int) -> list[int]:
    """The seeds of replications 0..n-1 derived from ``master`` (independent streams)."""
    if n < 1:
        raise ValueError(f"replications must be at least 1, got {n}")
    return [replication_seed(master, r) for r in range(n)]


def run_months(model: SiberiaModel, months: int, cancel: threading.Event | None = None
               ) -> pd.DataFrame:
    """Step ``model`` until ``months`` months are simulated (or its horizon); monthly table."""
    while model.calendar.month_index < months and model.running:
        if cancel is not None and cancel.is_set():
            raise Cancelled
        model.step()
    return model.datacollector.get_model_vars_dataframe()


def run_replications(arms: Sequence[Arm], seeds: Sequence[int], months: int,
                     on_progress: Callable[[int, int], None] | None = None,
                     cancel: threading.Event | None = None) -> dict[str, list[pd.DataFrame]]:
    """Run every arm on every seed for ``months`` months; monthly tables by arm label.

    Runs go seed by seed (all arms of replication 0, then of 1, …) so a cancelled job has paired
    runs only. ``on_progress(done, total)`` is called after each run; ``cancel`` (an Event) is
    checked every month and raises :class:`Cancelled`.
    """
    labels = [a.label for a in arms]
    if len(set(labels)) != len(labels):
        raise ValueError(f"arm labels must differ: {labels}")
    out: dict[str, list[pd.DataFrame]] = {a.label: [] for a in arms}
    total, done = len(arms) * len(seeds), 0
    for seed in seeds:
        for arm in arms:
            out[arm.label].append(run_months(arm.model(seed), months, cancel))
            done += 1
            if on_progress is not None:
                on_progress(done, total)
    return out


def indicator_names(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in CALENDAR]


def stack(frames: Sequence[pd.DataFrame], name: str) -> np.ndarray:
    """(runs, months) array of one indicator; runs of different length are cut to the shortest."""
    months = min(len(f) for f in frames)
    return np.vstack([f[name].to_numpy(dtype=float)[:months] for f in frames])


def bands(frames: Sequence[pd.DataFrame], names: Sequence[str] | None = None,
          quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
    """Quantiles across runs, per month: columns ``year``, ``month`` and ``NAME@q`` for each
    indicator and quantile (``import_bill_usd@0.05``). Linear interpolation between runs
    (numpy's default), so with few runs the 5% and 95% lie between the extreme runs."""
    if not frames:
        raise ValueError("no runs to take bands of")
    names = list(names) if names is not None else indicator_names(frames[0])
    months = min(len(f) for f in frames)
    out = {c: frames[0][c].to_numpy()[:months] for c in CALENDAR if c in frames[0]}
    for name in names:
        q = np.quantile(stack(frames, name), list(quantiles), axis=0)
        for level, row in zip(quantiles, q, strict=True):
            out[f"{name}@{level:g}"] = row
    return pd.DataFrame(out)


def paired_differences(a: Sequence[pd.DataFrame], b: Sequence[pd.DataFrame]
                       ) -> list[pd.DataFrame]:
    """B − A run by run (pairs share a seed), on the indicators both have; calendar kept."""
    if len(a) != len(b):
        raise ValueError(f"paired runs needed: {len(a)} against {len(b)}")
    out = []
    for fa, fb in zip(a, b, strict=True):
        months = min(len(fa), len(fb))
        common = [n for n in indicator_names(fa) if n in fb.columns]
        diff = (fb[common].iloc[:months].reset_index(drop=True).astype(float)
                - fa[common].iloc[:months].reset_index(drop=True).astype(float))
        for c in reversed(CALENDAR):
            diff.insert(0, c, fa[c].iloc[:months].to_numpy())
        out.append(diff)
    return out
