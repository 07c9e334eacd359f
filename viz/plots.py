"""Indicator plots: one path, two paths (Compare), their difference, or bands (Uncertainty).

Every plot draws indicators from the registry by simulated date. With a Compare on, each
indicator gets the current run (solid) and the counterfactual (dashed), or — with "show the
difference" — their difference B − A month by month. With finished replications, each
indicator gets its median (solid) and 5–95% band (shaded) across the runs; the live run stays
as a thin line. Replications of a comparison give bands of both arms, or of the paired
difference run by run.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from model import SiberiaModel
from model.replications import bands, paired_differences
from viz import state

# the default plots: each a title and the indicators drawn together (same unit)
DEFAULT_PLOTS = (
    ("Power price (USD/MWh)", ("power_price_siberia_usd_per_mwh", "power_price_europe_usd_per_mwh")),
    ("Import bill and exports (USD/yr)", ("import_bill_usd", "export_revenue_usd")),
    ("Processing capacity (t/yr)", ("capacity_separation_tpa", "capacity_metals_tpa",
                                    "capacity_magnets_tpa")),
    ("Import substitution (share)", ("import_substitution_share_first_tiers",
                                     "siberia_processing_share")),
    ("Disruption losses (USD/yr)", ("disruption_loss_usd",)),
)
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def _time(df: pd.DataFrame) -> np.ndarray:
    """Mid-month dates as decimal years."""
    return (df["year"] + (df["month"] - 0.5) / 12.0).to_numpy()


def _band(ax, runs: list[pd.DataFrame], name: str, colour: str, label: str,
          dashed: bool = False) -> None:
    b = bands(runs, [name])
    t = _time(b)
    ax.fill_between(t, b[f"{name}@0.05"], b[f"{name}@0.95"], color=colour,
                    alpha=0.15 if dashed else 0.25, lw=0)
    ax.plot(t, b[f"{name}@0.5"], color=colour, lw=1.4, ls="--" if dashed else "-",
            label=f"{label} median, 5–95%")


def indicator_figure(model: SiberiaModel, title: str, names: tuple[str, ...],
                     comparison=None, replicated=None) -> Figure:
    """Monthly series of some indicators, by simulated date (see the module doc)."""
    df = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(5.2, 2.6), dpi=90)
    ax = fig.add_axes((0.14, 0.2, 0.83, 0.68))
    difference = comparison is not None and comparison.difference
    names = tuple(n for n in names if n in df) if len(df) else ()
    if difference:
        diff = comparison.difference_frame()
        title = f"{title}: {comparison.b.label} − current"
        ax.axhline(0.0, color="#888888", lw=0.6)
    for i, name in enumerate(names):
        colour = COLOURS[i % len(COLOURS)]
        if difference:
            if replicated is not None and "B" in replicated.runs:
                _band(ax, paired_differences(replicated.runs["A"], replicated.runs["B"]), name,
                      colour, f"{name} difference")
                ax.plot(_time(diff), diff[name], color=colour, lw=0.6, alpha=0.7)
            else:
                ax.plot(_time(diff), diff[name], color=colour, lw=1.4, label=f"{name} difference")
            continue
        if replicated is not None:
            _band(ax, replicated.runs["A"], name, colour, name)
            if "B" in replicated.runs:
                _band(ax, replicated.runs["B"], name, colour, replicated.b_label, dashed=True)
            ax.plot(_time(df), df[name], color=colour, lw=0.6, alpha=0.7)
        else:
            ax.plot(_time(df), df[name], color=colour, lw=1.4, label=name)
        if comparison is not None and (replicated is None or "B" not in replicated.runs):
            _, other = comparison.frames()
            ax.plot(_time(other), other[name], color=colour, lw=1.4, ls="--",
                    label=f"{name} ({comparison.b.label})")
    if ax.lines:
        ax.legend(fontsize=6, loc="best")
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return fig


def plot_caption(comparison, replicated) -> str:
    """One line saying what the plots show."""
    parts = []
    if comparison is not None:
        parts.append(f"difference {comparison.b.label} − current (same seed)"
                     if comparison.difference else
                     f"current (solid) and {comparison.b.label} (dashed), same seed")
    if replicated is not None:
        parts.append(f"median and 5–95% band of {replicated.n} replications "
                     f"to month {replicated.months}")
    return "; ".join(parts) or "this run"


@solara.component
def PlotsView(model: SiberiaModel):
    """The default plots, and one more of any indicator picked from the registry."""
    update_counter.get()
    from model.indicators import columns

    comparison = state.comparison.value
    if comparison is not None and not comparison.belongs_to(model):
        comparison = None
    replicated = state.replicated.value
    if replicated is not None and replicated.model_ref() is not model:
        replicated = None
    if replicated is not None and replicated.b_label is not None and (
            comparison is None or comparison.b.label != replicated.b_label):
        # replicated with another counterfactual: keep the bands of the current settings only
        replicated = dataclasses.replace(replicated, runs={"A": replicated.runs["A"]},
                                         b_label=None)
    extra, set_extra = solara.use_state("ai_load_mw")
    keys = [update_counter.value, id(comparison), getattr(comparison, "difference", None),
            id(replicated)]
    with solara.Column():
        solara.HTML(tag="div", unsafe_innerHTML=f"plots: {plot_caption(comparison, replicated)}",
                    attributes={"id": "siberia-plot-caption"}, style={"font-size": "13px"})
        with solara.Row(style={"flex-wrap": "wrap"}):
            for title, names in DEFAULT_PLOTS:
                solara.FigureMatplotlib(
                    indicator_figure(model, title, names, comparison, replicated),
                    format="png", dependencies=[*keys, title])
        options = [c for c in columns(model) if c not in ("year", "month")]
        solara.Select(label="another indicator", value=extra, values=options,
                      on_value=set_extra)
        solara.FigureMatplotlib(indicator_figure(model, extra, (extra,), comparison, replicated),
                                format="png", dependencies=[*keys, extra])
