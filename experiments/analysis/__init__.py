"""``siberia analyze DIR``: tables and figures of a finished sweep, and scenario discovery.

:func:`analyze_sweep` reads a sweep folder (:mod:`experiments.analysis.data`) and writes, to
``DIR/analysis`` or a folder of one's choice: fan charts of the yearly series over all runs
(``fan_K.png``, numbers in ``fan_quantiles.csv``), parameter–outcome scatter plots of final
values (``scatter_K.png``, numbers in ``final_values.csv``), Sobol indices where the design
allows (``sobol_indices.csv``, ``sobol.png``: SALib on a Saltelli design), PRIM scenario
discovery for each ``--discover`` condition (``prim_K_box.csv``, ``prim_K_trajectory.png``) and
``summary.md`` linking them all. Everything is written to a staging folder and moved in at the
end: an analysis that fails leaves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.data import SweepData, load_sweep
from experiments.analysis.discover import (
    Condition,
    Discovery,
    discover,
    discovery_lines,
    parse_condition,
    trajectory_figure,
)
from experiments.analysis.figures import fan_charts, fan_quantiles, scatter_plots
from experiments.analysis.sensitivity import Sensitivity, sobol_figure, sobol_indices
from experiments.report import MAIN_INDICATORS, unit
from experiments.storage import StagedFolder, check_output_dir

SCATTER_SEED = 0  # jitter of categorical scatter positions only


@dataclass
class Analysis:
    out: Path
    files: list[str]
    sensitivity: Sensitivity
    discoveries: list[Discovery] = field(default_factory=list)


def outcome_columns(data: SweepData) -> list[str]:
    """The outcomes to plot and analyse: the spec's outputs (per-node families left out), or
    the main indicators when the spec recorded every indicator."""
    cols = [c for c in data.indicators if ":" not in c]
    if data.manifest["spec"].get("outputs") is None:
        cols = [c for c in MAIN_INDICATORS if c in cols]
    return cols


def analyze_sweep(sweep_dir: Path, out: Path | None = None,
                  conditions: list[str] | tuple[str, ...] = ()) -> Analysis:
    """Analyse the sweep in ``sweep_dir``; write the figures, tables and summary to ``out``."""
    parsed = [parse_condition(c) for c in conditions]  # malformed: fails before any reading
    data = load_sweep(Path(sweep_dir))
    for c in parsed:
        c.check(data)
    out = Path(out) if out is not None else Path(sweep_dir) / "analysis"
    check_output_dir(out)
    outcomes = outcome_columns(data)
    sens = sobol_indices(data, outcomes)
    discoveries = [discover(data, c) for c in parsed]
    files: list[str] = []
    with StagedFolder(out) as tmp:
        finals = data.finals()
        finals.to_csv(tmp / "final_values.csv", index=False)
        files.append("final_values.csv")
        quantiles = fan_quantiles(data, outcomes)
        quantiles.to_csv(tmp / "fan_quantiles.csv", index=False)
        files.append("fan_quantiles.csv")
        fans = fan_charts(data, quantiles, outcomes, tmp) if len(data.years) > 1 else []
        scatters = scatter_plots(data, outcomes, tmp, np.random.default_rng(SCATTER_SEED))
        files += [f for f, _ in fans] + [f for f, _ in scatters]
        if sens.table is not None:
            sens.table.to_csv(tmp / "sobol_indices.csv", index=False)
            sobol_figure(sens.table.dropna(subset=["S1"]) if sens.table["S1"].notna().any()
                         else sens.table.fillna(0.0), tmp / "sobol.png")
            files += ["sobol_indices.csv", "sobol.png"]
        prim_files = []
        for k, d in enumerate(discoveries, start=1):
            fig = None
            if d.trajectory is not None:
                d.trajectory.to_csv(tmp / f"prim_{k}_trajectory.csv", index_label="box")
                d.limits.to_csv(tmp / f"prim_{k}_box.csv", index=False)
                fig = f"prim_{k}_trajectory.png"
                trajectory_figure(d, tmp / fig)
                files += [f"prim_{k}_trajectory.csv", f"prim_{k}_box.csv", fig]
            prim_files.append(fig)
        text = summary(data, outcomes, finals, fans, scatters, sens, discoveries, prim_files)
        (tmp / "summary.md").write_text(text, encoding="utf-8")
        files.append("summary.md")
    return Analysis(out, files, sens, discoveries)


def summary(data: SweepData, outcomes: list[str], finals: pd.DataFrame, fans, scatters,
            sens: Sensitivity, discoveries: list[Discovery], prim_files: list[str | None]) -> str:
    m = data.manifest
    runs = m["runs"].values()
    ok = sum(r["status"] == "ok" for r in runs)
    failed = sum(r["status"] != "ok" for r in runs)
    spec = m["spec"]
    lines = [f"# Sweep `{m['name']}`: analysis", "",
             f"Spec `{m.get('spec_file', '')}` (sha256 {m['spec_sha256'][:12]}…), scenario "
             f"`{spec['scenario']}`, sampler `{data.sampler}`, {data.n_points} design points × "
             f"{data.replications} replication(s) = {m['design']['n_runs']} runs: {ok} ok, "
             f"{failed} failed, {m['design']['n_runs'] - ok - failed} not run. Years "
             f"{data.years[0]}–{data.years[-1]} ({spec['series']} series). Parameters varied: "
             + ", ".join(f"`{p}`" for p in data.parameters) + ".", "",
             "## Final values across runs", "",
             f"Each run's value in {data.years[-1]}; percentiles over the runs.", "",
             "| outcome | unit | P5 | median | P95 |", "|---|---|---|---|---|"]
    for name in outcomes:
        v = finals[name].to_numpy(dtype=float)
        p5, med, p95 = np.nanpercentile(v, [5, 50, 95])
        lines.append(f"| {name} | {unit(name)} | {p5:.4g} | {med:.4g} | {p95:.4g} |")
    lines += ["", "Per-run values: `final_values.csv`.", "", "## Fan charts", ""]
    if fans:
        lines += ["Median and 5–95 % band of the yearly values over all runs"
                  + (", and each design point's median over its replications." if data.n_points
                     <= 8 else ".") + " Numbers: `fan_quantiles.csv`.", ""]
        lines += [f"![{', '.join(names)}]({f})" for f, names in fans] + [""]
    else:
        lines += ["The sweep recorded one year per run (`series = \"final\"` or a one-year "
                  "horizon): no series to draw. Quantiles: `fan_quantiles.csv`.", ""]
    lines += ["## Parameters against outcomes", ""]
    lines += [f"![{', '.join(names)}]({f})" for f, names in scatters] + [""]
    lines += ["## Sensitivity indices", "", sens.note, ""]
    if sens.table is not None:
        lines += ["| outcome | parameter | S1 | ± | ST | ± |", "|---|---|---|---|---|---|"]
        for r in sens.table.itertuples():
            extra = f" ({r.note})" if r.note else ""
            lines.append(f"| {r.outcome}{extra} | {r.parameter} | {r.S1:.3f} | {r.S1_conf:.3f} | "
                         f"{r.ST:.3f} | {r.ST_conf:.3f} |")
        lines += ["", "![Sobol indices](sobol.png)", ""]
    for d, fig in zip(discoveries, prim_files, strict=True):
        lines += discovery_lines(d, fig)
    return "\n".join(lines) + "\n"


__all__ = ["Analysis", "Condition", "analyze_sweep", "parse_condition"]
