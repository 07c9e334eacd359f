"""``discovery`` (the seed's hope as a whole): under which levers does it hold?

A Latin-hypercube sweep over the main levers (``experiments/specs/discovery.toml``: hydro
build-out, processing subsidy, discount rate, world prices, threat intensity, AI demand,
planning mode — the ranges of ``levers_lhs.toml``) runs through the sweep machinery into
``OUT/sweep`` (resumable: the same command again runs only what is missing), then
``siberia analyze``'s PRIM scenario discovery on two conditions in 2040 (the horizon's last
year when it ends earlier):

- import substitution of at least half the REE import basket
  (``import_substitution_share >= 0.5``: the seed's $75 bn import bill halved);
- the Siberian power price not above today's (its median over the runs in 2025): cheap hydro
  power stays cheap.

When a condition holds in no run (or in every run) PRIM has nothing to separate; the report
says so and, to show which levers push the outcome the right way, also runs PRIM on the top
(bottom, for the price) quarter of the runs — a threshold taken from the data, labelled so.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import numpy as np

from experiments.analysis import analyze_sweep
from experiments.analysis.discover import discovery_lines
from experiments.evaluators import LocalPoolEvaluator, SerialEvaluator
from experiments.spec import parse_spec
from experiments.storage import check_output_dir
from experiments.studies.paired import StudyOptions
from experiments.sweep import read_runs, run_sweep
from model.errors import UserInputError

SPEC = Path(__file__).resolve().parents[1] / "specs" / "discovery.toml"
HOPE_YEAR = 2040
SUBSTITUTION_HOPE = 0.5  # half of the import basket replaced (the seed: $75 bn imports)
PRICE = "power_price_siberia_usd_per_mwh"
SUBSTITUTION = "import_substitution_share"


def discovery_spec(opts: StudyOptions):
    """The study's spec with the options' points, replications, horizon and scenario."""
    data = tomllib.loads(SPEC.read_text(encoding="utf-8"))
    if opts.points is not None:
        if opts.points < 4:
            raise UserInputError(f"--points must be at least 4 for PRIM, got {opts.points}")
        data["sampler"]["n"] = opts.points
    data.update(replications=opts.seeds, horizon_years=opts.years, seed=data["seed"] + opts.seed,
                scenario=opts.scenario)
    return parse_spec(data, SPEC)


def run_discovery_study(out: Path, opts: StudyOptions) -> Path:
    opts = opts.checked(min_seeds=1)
    spec = discovery_spec(opts)
    out = Path(out)
    check_output_dir(out)
    factory = SerialEvaluator if opts.workers == 0 else (lambda: LocalPoolEvaluator(opts.workers))
    result = run_sweep(spec, out / "sweep", factory, progress=False, command=opts.command)
    df = read_runs(out / "sweep")
    years = sorted(df["year"].unique().tolist())
    year = HOPE_YEAR if HOPE_YEAR in years else years[-1]
    today = float(df.loc[df["year"] == years[0], PRICE].median())
    conditions = [f"{SUBSTITUTION}@{year} >= {SUBSTITUTION_HOPE}", f"{PRICE}@{year} <= {today:.6g}"]
    final = df[df["year"] == year]
    fallbacks = []
    for cond, col, q, op in ((conditions[0], SUBSTITUTION, 75, ">="),
                             (conditions[1], PRICE, 25, "<=")):
        if _holds(final[col].to_numpy(), cond) in (0, len(final)):
            quarter = f"{col}@{year} {op} {float(np.percentile(final[col], q)):.6g}"
            if _holds(final[col].to_numpy(), quarter) not in (0, len(final)):  # it splits
                fallbacks.append(quarter)
    analysis = analyze_sweep(out / "sweep", out / "analysis", [*conditions, *fallbacks])
    lines = [
        "# Where does the seed's hope hold? Scenario discovery over the main levers", "",
        "**Claim of the seed.** Cheap Siberian hydro power, backup production away from threats, "
        "the NSR and rivers and unified planning together let Russia process its own rare "
        "earths (it exports $7.2–7.6 bn and imports $75 bn a year; TASS, 25 April 2025).", "",
        f"Latin hypercube `{SPEC.name}`: {spec.sampler['n']} points × {spec.replications} "
        f"replication(s) = {result.total} runs ({result.ok} ok, {result.failed} failed), "
        f"scenario `{opts.scenario}`, 2025–{years[-1]}; parameters "
        + ", ".join(f"`{p}`" for p in spec.parameters) + ". Each run is one case for PRIM "
        "(replications are not averaged). Raise `--points`, `--seeds` and `--years` to firm "
        "the boxes up.", "",
        f"Conditions in {year}: import substitution of at least {SUBSTITUTION_HOPE:.0%} of the "
        f"import basket; the Siberian power price not above today's ({today:.4g} USD/MWh, the "
        f"median over the runs in {years[0]}).", ""]
    if fallbacks:
        lines += ["A condition that holds in no run (or every run) gives PRIM nothing to "
                  "separate; for those the report adds the top (for the price: bottom) quarter "
                  "of the runs as a condition taken from the data: "
                  + ", ".join(f"`{f}`" for f in fallbacks) + ".", ""]
    for d, k in zip(analysis.discoveries, range(1, len(analysis.discoveries) + 1), strict=True):
        fig = f"analysis/prim_{k}_trajectory.png" if d.trajectory is not None else None
        lines += discovery_lines(d, fig)
    lines += ["## Sweep", "", "Fan charts, scatter plots and per-run values: "
              "[analysis/summary.md](analysis/summary.md); the sweep's dataset and manifest: "
              "`sweep/`.", ""]
    final.to_csv(out / ".runs.csv.tmp", index=False)
    os.replace(out / ".runs.csv.tmp", out / "runs.csv")
    (out / ".report.md.tmp").write_text("\n".join(lines), encoding="utf-8")
    os.replace(out / ".report.md.tmp", out / "report.md")  # last: a report means a full set
    return out


def _holds(values: np.ndarray, condition: str) -> int:
    from experiments.analysis.discover import OPS, parse_condition

    c = parse_condition(condition)
    return int(OPS[c.op](values, c.threshold).sum())
