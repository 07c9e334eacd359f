"""Paired runs for the named studies: arms on common seeds, differences with intervals, a report.

A study compares *arms* — one scenario with catalogue overrides each. Replication ``r`` of every
arm runs with the same seed (``replication_seed(seed, r)``, as ``siberia compare``), so each
facility sees the same draws in every arm (common random numbers, DESIGN.md §6): a paired
difference B − A is the effect of what differs between the arms, not noise of the draws. Runs
execute through the sweep's evaluators (a local process pool, or this process with
``workers = 0``) and come back as yearly means (flows are annualised rates, so a year's mean is
that year's total; stocks are the year's average level).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.compare import CONFIDENCE, differences
from experiments.errors import RunFailed
from experiments.evaluators import LocalPoolEvaluator, SerialEvaluator
from experiments.report import milestone_years, pyplot, unit
from experiments.runner import RunTask
from experiments.scenario_bundle import ScenarioBundle
from model.errors import UserInputError
from model.params import parameter
from model.replications import replication_seed
from model.scenario import load_scenario


@dataclass(frozen=True)
class StudyOptions:
    """How big a study runs: paired replications, horizon (years from 2025), the base scenario,
    worker processes (0 = this process), the master seed and, for a sweep study, the points."""

    seeds: int
    years: int
    scenario: str = "baseline"
    workers: int = 2
    seed: int = 0
    points: int | None = None
    command: str = ""

    def checked(self, min_seeds: int = 2) -> StudyOptions:
        """Raise a one-line :class:`UserInputError` for sizes a study cannot use."""
        if self.seeds < min_seeds:
            raise UserInputError(f"--seeds must be at least {min_seeds} (paired intervals need "
                                 f"two replications), got {self.seeds}")
        if self.workers < 0:
            raise UserInputError(f"--workers must be 0 (this process) or more, got {self.workers}")
        parameter("horizon_years").validate(self.years)
        return self


@dataclass(frozen=True)
class Arm:
    """One side of a study: a label, catalogue overrides, and a scenario (None = the study's)."""

    label: str
    overrides: dict[str, Any] = field(default_factory=dict)
    scenario: str | None = None


def run_arms(arms: list[Arm], opts: StudyOptions) -> pd.DataFrame:
    """Yearly rows of every arm and replication: ``arm, replication, seed, year, indicators``.

    Every arm's scenario and overrides are validated before the first run starts.
    """
    seeds = [replication_seed(opts.seed, r) for r in range(opts.seeds)]
    plans = []
    for i, arm in enumerate(arms):
        scenario = arm.scenario or opts.scenario
        params = {**arm.overrides, "horizon_years": opts.years}
        load_scenario(scenario).resolved_params(**params)  # a bad value fails here, one line
        plans.append((scenario, [RunTask(i * len(seeds) + r, i, r, s, params, "yearly")
                                 for r, s in enumerate(seeds)]))
    bundles = {scenario: ScenarioBundle.capture(scenario) for scenario, _ in plans}
    factory = SerialEvaluator if opts.workers == 0 else (lambda: LocalPoolEvaluator(opts.workers))
    parts = []
    with factory() as evaluator:
        for scenario in bundles:  # one batch per scenario: arms of it run side by side
            tasks = [t for sc, ts in plans if sc == scenario for t in ts]
            for outcome in evaluator.imap(tasks, bundles[scenario]):
                point, rep = divmod(outcome.run_id, len(seeds))
                if not outcome.ok:
                    raise RunFailed(f"run of arm '{arms[point].label}' (replication {rep}) "
                                    f"failed: {outcome.error}")
                df = pd.DataFrame(outcome.data)
                df.insert(0, "seed", seeds[rep])
                df.insert(0, "replication", rep)
                df.insert(0, "arm", arms[point].label)
                parts.append(df)
    order = {a.label: i for i, a in enumerate(arms)}
    runs = pd.concat(parts, ignore_index=True)
    return runs.sort_values(["arm", "replication", "year"], key=lambda s: s.map(order)
                            if s.name == "arm" else s, kind="stable").reset_index(drop=True)


def two_by_two(arms: list[Arm], opts: StudyOptions, indicators: list[str]
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A 2 x 2 design, arms (a0, a1, b0, b1): the runs, the first lever's paired effect at each
    level of the second (a1 - a0, b1 - b0), and their difference in differences."""
    labels = [x.label for x in arms]
    runs = run_arms(arms, opts)
    return (runs, paired(runs, labels[0], labels[1], indicators),
            paired(runs, labels[2], labels[3], indicators), interaction(runs, *labels, indicators))


def arm_rows(runs: pd.DataFrame, label: str, indicators: list[str]) -> pd.DataFrame:
    return runs.loc[runs["arm"] == label, ["replication", "year", *indicators]]


def paired(runs: pd.DataFrame, base: str, other: str, indicators: list[str],
           years: list[int] | None = None) -> pd.DataFrame:
    """Mean of ``other`` − ``base`` per indicator and year with a 95% t interval (paired)."""
    years = years or milestone_years(runs["year"].unique())
    table = differences(arm_rows(runs, base, indicators), arm_rows(runs, other, indicators), years)
    return table.assign(base=base, other=other)


def interaction(runs: pd.DataFrame, a0: str, a1: str, b0: str, b1: str, indicators: list[str],
                years: list[int] | None = None) -> pd.DataFrame:
    """Difference in differences, (b1 − b0) − (a1 − a0), per seed: how much a lever's effect
    changes with a second lever, with a 95% t interval over the paired replications."""
    years = years or milestone_years(runs["year"].unique())

    def rows(label):
        return arm_rows(runs, label, indicators).set_index(["replication", "year"]).sort_index()

    dd = (rows(b1) - rows(b0)) - (rows(a1) - rows(a0))
    zero = dd * 0.0  # differences() of zeros and dd gives dd's mean and interval
    table = differences(zero.reset_index(), dd.reset_index(), years)
    return table.drop(columns=["mean_a", "mean_b"])


# --- the report -----------------------------------------------------------------------------
def fmt(value: float, column: str) -> str:
    """A number for a report in the unit :func:`scaled_unit` names (USD in bn, t/yr in Mt/yr,
    MWh in TWh), to 3 significant digits."""
    if value != value:  # NaN
        return "–"
    value = value * _scale(column)
    if abs(value) < 1e-9:  # rounding noise of a difference that is zero
        value = 0.0
    return f"{value:.3g}"


def scaled_unit(column: str) -> str:
    u = unit(column)
    if u.startswith("USD") and u != "USD/MWh":
        return u.replace("USD", "bn USD", 1)
    if u.startswith("t/yr"):
        return "Mt/yr"
    if u.startswith("MWh"):
        return u.replace("MWh", "TWh", 1)
    return u


def difference_lines(table: pd.DataFrame, label: str | None = None) -> list[str]:
    """A markdown table of paired differences: both arms' means, B − A and its interval."""
    base, other = table["base"].iloc[0], table["other"].iloc[0]
    lines = [f"**{label or f'{other} − {base}'}** (mean of {int(table['n'].iloc[0])} paired runs, "
             f"{CONFIDENCE:.0%} t interval)", "",
             f"| indicator | year | {base} | {other} | difference | interval | excludes 0 |",
             "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.indicator} ({scaled_unit(r.indicator)}) | {r.year} | "
                     f"{fmt(r.mean_a, r.indicator)} | {fmt(r.mean_b, r.indicator)} | "
                     f"{fmt(r.mean_diff, r.indicator)} | [{fmt(r.ci_low, r.indicator)}, "
                     f"{fmt(r.ci_high, r.indicator)}] | {'yes' if r.ci_excludes_zero else 'no'} |")
    return [*lines, ""]


def interaction_lines(table: pd.DataFrame, title: str) -> list[str]:
    lines = [f"**{title}** ({CONFIDENCE:.0%} t interval over the paired runs)", "",
             "| indicator | year | difference in differences | interval | excludes 0 |",
             "|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.indicator} ({scaled_unit(r.indicator)}) | {r.year} | "
                     f"{fmt(r.mean_diff, r.indicator)} | [{fmt(r.ci_low, r.indicator)}, "
                     f"{fmt(r.ci_high, r.indicator)}] | {'yes' if r.ci_excludes_zero else 'no'} |")
    return [*lines, ""]


def headline(table: pd.DataFrame, indicator: str, year: int | None = None) -> dict[str, float]:
    """One row of a difference table (the last year when ``year`` is None) as a dict."""
    rows = table[table["indicator"] == indicator]
    row = rows[rows["year"] == (year if year is not None else rows["year"].max())].iloc[0]
    return {k: float(row[k]) for k in ("mean_diff", "ci_low", "ci_high") if k in row} | {
        "year": int(row["year"])}


def arms_figure(runs: pd.DataFrame, indicators: list[str], path: Path, title: str) -> None:
    """Each indicator's yearly path per arm: the mean over replications and its min–max band."""
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    n = len(indicators)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.8 * cols, 2.9 * rows), dpi=100, squeeze=False)
    for ax, name in zip(axes.flat, indicators, strict=False):
        scale = _scale(name)
        for label, d in runs.groupby("arm", sort=False):
            g = d.groupby("year")[name]
            years = np.asarray(g.mean().index)
            ax.plot(years, g.mean() * scale, lw=1.5, marker="o", ms=2.5, label=label)
            ax.fill_between(years, g.min() * scale, g.max() * scale, alpha=0.2, lw=0)
        ax.set_title(f"{name} ({scaled_unit(name)})", fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _scale(column: str) -> float:
    u = unit(column)
    if (u.startswith("USD") and u != "USD/MWh") or u.startswith(("t/yr", "MWh")):
        return 1e-9 if u.startswith("USD") else 1e-6
    return 1.0


def write_study(out: Path, name: str, report: str, runs: pd.DataFrame, tables: dict[str, pd.DataFrame],
                figures: dict[str, Any], opts: StudyOptions, arms: list[Arm]) -> Path:
    """Write ``report.md``, ``runs.csv``, the difference tables (CSV), the figures (a callable
    ``draw(path)`` each) and ``manifest.json`` to ``out``: all or nothing."""
    from experiments.provenance import MONEY, provenance
    from experiments.storage import StagedFolder, write_json

    with StagedFolder(Path(out)) as tmp:
        (tmp / "report.md").write_text(report, encoding="utf-8")
        runs.to_csv(tmp / "runs.csv", index=False)
        for file, table in tables.items():
            table.to_csv(tmp / file, index=False)
        for file, draw in figures.items():
            draw(tmp / file)
        write_json(tmp / "manifest.json", {
            "format": "siberia-study/1", "kind": "study", "study": name,
            "options": {"seeds": opts.seeds, "years": opts.years, "scenario": opts.scenario,
                        "workers": opts.workers, "seed": opts.seed},
            "arms": [{"label": a.label, "scenario": a.scenario or opts.scenario,
                      "overrides": a.overrides} for a in arms],
            "replication_seeds": sorted(set(runs["seed"].tolist()), key=runs["seed"].tolist().index),
            "seeding": "replication r of every arm: SeedSequence(seed, spawn_key=(r,))"
                       ".generate_state(1, uint64)[0] >> 1 (common random numbers)",
            "money": MONEY, "files": ["report.md", "runs.csv", *tables, *figures, "manifest.json"],
            "provenance": provenance(opts.command)})
    return Path(out)


def report_header(title: str, claim: str, opts: StudyOptions, arms: list[Arm]) -> list[str]:
    """The top of a study report: the claim, the arms, sizes and how to scale up."""
    last = 2025 + opts.years - 1
    lines = [f"# {title}", "", f"**Claim of the seed.** {claim}", "",
             f"Scenario `{opts.scenario}`, 2025–{last} ({opts.years} years), {opts.seeds} paired "
             f"replications (common random numbers: every arm of replication r runs on the same "
             f"seed). Money in 2024 USD. Raise `--seeds` and `--years` for firmer answers.", "",
             "| arm | scenario | overrides |", "|---|---|---|"]
    for a in arms:
        sets = ", ".join(f"`{k} = {v}`" for k, v in a.overrides.items()) or "(none)"
        lines.append(f"| {a.label} | {a.scenario or opts.scenario} | {sets} |")
    return [*lines, ""]


def effect_sentence(table: pd.DataFrame, indicator: str, lever: str,
                    year: int | None = None) -> str:
    """One sentence on a paired effect: its sign when the interval excludes zero, else none."""
    h = headline(table, indicator, year)
    interval = f"[{fmt(h['ci_low'], indicator)}, {fmt(h['ci_high'], indicator)}]"
    if h["ci_low"] > 0 or h["ci_high"] < 0:
        word = "raises" if h["mean_diff"] > 0 else "lowers"
        return (f"{lever} {word} `{indicator}` in {h['year']} by "
                f"{fmt(abs(h['mean_diff']), indicator)} {scaled_unit(indicator)} (difference "
                f"{interval}).")
    size = f"{fmt(h['mean_diff'], indicator)} {scaled_unit(indicator)} {interval}"
    return (f"{lever}: no effect on `{indicator}` in {h['year']} distinguishable from zero "
            f"({size}).")
