"""Variance-based sensitivity (Sobol indices) of a sweep's final values, where the design allows.

Sobol indices are estimated with SALib's ``sobol.analyze`` and are valid only on SALib's own
Saltelli design (sampler ``saltelli``): the estimator reads the outputs in the order SALib's
sampler produced the points, N·(2d+2) of them (N·(d+2) without second order). A sweep of any
other design — a grid, a Latin hypercube, a scrambled Sobol' sequence — does not allow them;
:func:`sobol_indices` then returns no table and says why.

Replications are averaged per design point first (the indices describe the parameters' share
of the variance of the expected outcome; the noise of the draws would otherwise count as an
effect of nobody), then ordered by design point — the sampler's order. ``S1`` is the
first-order index (the share of variance a parameter explains alone), ``ST`` the total index
(alone and in interactions); ``*_conf`` are half-widths of 95 % bootstrap intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.data import SweepData
from experiments.report import pyplot, save_close

CONFIDENCE = 0.95
RESAMPLES = 200  # bootstrap resamples of the confidence intervals


@dataclass
class Sensitivity:
    """Indices (one row per outcome and parameter), or None and the reason."""

    table: pd.DataFrame | None
    note: str


def sobol_indices(data: SweepData, outcomes: list[str]) -> Sensitivity:
    """Sobol indices of each outcome's final value over the sweep's parameters."""
    kind = data.sampler
    if kind != "saltelli":
        return Sensitivity(None, (
            f"The design does not allow sensitivity indices: Sobol indices need SALib's "
            f"Saltelli design (`[sampler] kind = \"saltelli\"`), whose points come in the "
            f"cross-sampled blocks the estimator reads; this sweep used the `{kind}` sampler"
            + (" (a space-filling sequence, not a Saltelli design)" if kind == "sobol" else "")
            + ". The scatter plots show the parameter–outcome relations instead."))
    from SALib.analyze import sobol as salib_sobol

    design = data.manifest["design"]
    problem = {k: design["problem"][k] for k in ("num_vars", "names", "bounds")}
    second_order = bool(design["problem"].get("second_order"))
    finals = data.finals()
    done = finals.groupby("point")["replication"].count()
    complete = done.reindex(range(data.n_points), fill_value=0)
    if (complete < data.replications).any():
        missing = int((complete < data.replications).sum())
        return Sensitivity(None, (
            f"Sobol indices not computed: {missing} of {data.n_points} design points lack a "
            f"finished run (failed or not yet run), and the Saltelli estimator needs every "
            f"point; finish the sweep (or --retry-failed) and analyse again."))
    rows = []
    for name in outcomes:
        y = finals.groupby("point")[name].mean().sort_index().to_numpy()
        if not np.isfinite(y).all() or np.ptp(y) == 0.0:
            for p in problem["names"]:
                rows.append({"outcome": name, "parameter": p, "S1": np.nan, "S1_conf": np.nan,
                             "ST": np.nan, "ST_conf": np.nan,
                             "note": "constant over the design" if np.isfinite(y).all()
                             else "not finite"})
            continue
        si = salib_sobol.analyze(problem, y, calc_second_order=second_order,
                                 num_resamples=RESAMPLES, conf_level=CONFIDENCE,
                                 print_to_console=False,
                                 seed=int(design["sampler"].get("seed", 0)))
        for i, p in enumerate(problem["names"]):
            rows.append({"outcome": name, "parameter": p, "S1": float(si["S1"][i]),
                         "S1_conf": float(si["S1_conf"][i]), "ST": float(si["ST"][i]),
                         "ST_conf": float(si["ST_conf"][i]), "note": ""})
    n = design["sampler"]["n"]
    note = (f"Sobol indices from SALib's Saltelli design: N = {n} base points, "
            f"{data.n_points} design points ({'with' if second_order else 'without'} second "
            f"order), {data.replications} replication(s) averaged per point; final values "
            f"({data.years[-1]}); {CONFIDENCE:.0%} bootstrap intervals ({RESAMPLES} resamples). "
            f"With small N the intervals are wide and indices can be slightly negative.")
    return Sensitivity(pd.DataFrame(rows), note)


def sobol_figure(table: pd.DataFrame, path: Path) -> None:
    """Bars of S1 and ST with their intervals, one panel per outcome."""
    plt = pyplot()

    outcomes = list(dict.fromkeys(table["outcome"]))
    cols = min(3, len(outcomes))
    rows = int(np.ceil(len(outcomes) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), dpi=100,
                             squeeze=False)
    for ax, name in zip(axes.flat, outcomes, strict=False):
        t = table[table["outcome"] == name]
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], label="S1 (first order)", capsize=2)
        ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], label="ST (total)", capsize=2)
        ax.set_xticks(x, t["parameter"], rotation=30, ha="right", fontsize=6)
        ax.set_title(name, fontsize=8)
        ax.axhline(0, color="k", lw=0.6)
        ax.grid(alpha=0.3, axis="y")
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    save_close(fig, path)
