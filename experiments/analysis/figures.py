"""Figures of a sweep: fan charts over runs and parameter–outcome scatter plots (PNG, Agg).

**Fan chart.** For each indicator and year, the median and the 5–95 % band of the yearly
values across all runs (every design point and replication); when the design has few points
(at most ``POINT_LINES``), each point's median over its replications is drawn as a thin line
too. The numbers behind the fans are written as a table (:func:`fan_quantiles`).

**Scatter.** Each run's final value of an outcome against each sampled parameter; a parameter
with listed values (a choice, a switch) is drawn at jittered category positions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.data import SweepData
from experiments.report import pyplot, save_close, unit

BAND = (5.0, 95.0)  # percentiles of the fan's band
POINT_LINES = 8  # draw each design point's median when the design has at most this many
PANELS = 6  # panels per figure


def fan_quantiles(data: SweepData, indicators: list[str]) -> pd.DataFrame:
    """Per indicator and year: the 5th percentile, median and 95th percentile over all runs."""
    rows = []
    for name in indicators:
        g = data.yearly.groupby("year")[name]
        q = g.quantile([BAND[0] / 100, 0.5, BAND[1] / 100]).unstack()
        for year, r in q.iterrows():
            rows.append({"indicator": name, "unit": unit(name), "year": int(year),
                         "p5": float(r.iloc[0]), "median": float(r.iloc[1]),
                         "p95": float(r.iloc[2]), "runs": int(g.count()[year])})
    return pd.DataFrame(rows, columns=["indicator", "unit", "year", "p5", "median", "p95", "runs"])


def chunks(items: list[str], size: int = PANELS) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def fan_charts(data: SweepData, quantiles: pd.DataFrame, indicators: list[str],
               folder: Path) -> list[tuple[str, list[str]]]:
    """Write ``fan_K.png`` files of up to six indicators each; returns (file, indicators)."""
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    written = []
    per_point = data.n_points <= POINT_LINES
    for k, names in enumerate(chunks(indicators), start=1):
        cols = min(3, len(names))
        rows = int(np.ceil(len(names) / cols))
        fig, axes = plt.subplots(rows, cols, figsize=(3.9 * cols, 2.9 * rows), dpi=100,
                                 squeeze=False)
        for ax, name in zip(axes.flat, names, strict=False):
            q = quantiles[quantiles["indicator"] == name]
            ax.fill_between(q["year"], q["p5"], q["p95"], alpha=0.25, lw=0,
                            label=f"{BAND[0]:.0f}–{BAND[1]:.0f}% of runs")
            ax.plot(q["year"], q["median"], lw=1.8, color="k", label="median of runs")
            if per_point:
                med = data.yearly.groupby(["point", "year"])[name].median().unstack(0)
                for point in med.columns:
                    ax.plot(med.index, med[point], lw=0.8, alpha=0.7, label=f"point {point}")
            ax.set_title(f"{name} ({unit(name)})", fontsize=8)
            ax.grid(alpha=0.3)
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for ax in list(axes.flat)[len(names):]:
            ax.set_visible(False)
        axes.flat[0].legend(fontsize=6, ncol=2)
        fig.suptitle(f"{data.manifest['name']}: yearly values over {data.yearly['run_id'].nunique()} "
                     f"runs", fontsize=9)
        fig.tight_layout()
        file = f"fan_{k}.png"
        save_close(fig, folder / file)
        written.append((file, names))
    return written


def scatter_plots(data: SweepData, outcomes: list[str], folder: Path,
                  rng: np.random.Generator) -> list[tuple[str, list[str]]]:
    """Write ``scatter_K.png`` (rows: up to four outcomes; columns: the parameters)."""
    plt = pyplot()
    finals = data.finals()
    params = data.parameters
    written = []
    for k, names in enumerate(chunks(outcomes, 4), start=1):
        fig, axes = plt.subplots(len(names), len(params), figsize=(2.6 * len(params),
                                                                   2.2 * len(names)),
                                 dpi=100, squeeze=False)
        for i, name in enumerate(names):
            for j, p in enumerate(params):
                ax = axes[i][j]
                x = finals[p]
                if x.dtype == object or x.dtype == bool:
                    cats = sorted(x.astype(str).unique())
                    pos = x.astype(str).map({c: n for n, c in enumerate(cats)}).to_numpy(float)
                    ax.scatter(pos + rng.uniform(-0.15, 0.15, len(pos)), finals[name], s=6,
                               alpha=0.6)
                    ax.set_xticks(range(len(cats)), cats)
                else:
                    ax.scatter(x, finals[name], s=6, alpha=0.6)
                ax.tick_params(labelsize=6)
                ax.grid(alpha=0.3)
                if i == len(names) - 1:
                    ax.set_xlabel(p, fontsize=7)
                if j == 0:
                    ax.set_ylabel(f"{name}\n({unit(name)})", fontsize=6)
        fig.suptitle(f"final values ({data.years[-1]}) against the sampled parameters, one dot "
                     f"per run", fontsize=9)
        fig.tight_layout()
        file = f"scatter_{k}.png"
        save_close(fig, folder / file)
        written.append((file, names))
    return written
