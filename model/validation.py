"""Validation against observed base-year patterns (``siberia validate``).

The patterns (observed value, tolerance, where it comes from) are data in
``model/data/validation_patterns.toml``, encoded from facts.yaml. How the model computes each
one lives in :data:`MODEL_VALUES`: a pattern id → a function of the base-year run. A pattern
without a function is reported as "not modelled yet"; each mechanism's issue registers the
functions for its patterns here, so the table fills as the model grows.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "validation_patterns.toml"


@dataclass(frozen=True)
class BaseYear:
    """A finished run of the base year: the model after 12 months and its monthly indicators."""

    model: Any
    frame: pd.DataFrame

    @property
    def year(self) -> int:
        return int(self.frame["year"].iloc[0])

    def annual_mean(self, indicator: str) -> float:
        """Mean over the year of a monthly indicator (flows are already annualised rates)."""
        return float(self.frame[indicator].mean())


def _ips_siberia(base: BaseYear):
    """Mask of the nodes of the Siberian interconnected system (not isolated, not the east)."""
    import numpy as np

    p = base.model.power
    return np.array([row.siberian and not row.isolated and row.id.startswith("siberia")
                     for row in p.node_rows])


def _siberia_hydro_twh(base: BaseYear) -> float:
    p = base.model.power
    mask = _ips_siberia(base)[p.network.hydro_node]
    return float(p.hydro_mwh_by_year[base.year][mask].sum() / 1e6)


BIG_STATIONS = ("Sayano-Shushenskaya", "Krasnoyarsk", "Bratsk", "Ust-Ilimsk", "Boguchany")


def _big_stations_twh(base: BaseYear) -> dict[str, float]:
    p = base.model.power
    out = p.hydro_mwh_by_year[base.year]
    return {st.name: float(out[i] / 1e6) for i, st in enumerate(p.hydro)
            if st.name in BIG_STATIONS}


def _price_ratio_energy_only(base: BaseYear) -> float:
    return base.annual_mean("power_price_siberia_usd_per_mwh") / base.annual_mean(
        "power_price_europe_usd_per_mwh")


def _aluminium_power_share(base: BaseYear) -> float:
    """The aluminium smelters' electricity over all consumption at the IPS Siberia nodes in the
    base year: the aluminium sector's plants (``model/sectors.py``) where the scenario has them,
    else its fixed industrial loads (``[[large_loads]]``)."""
    p = base.model.power
    mask = _ips_siberia(base)
    sectors = getattr(base.model, "sectors", None)
    by_year = sectors.power_mwh_by_year.get(("aluminium", base.year)) if sectors else None
    industry = (by_year[mask].sum() if by_year is not None
                else p.industry_mwh_by_year[base.year][mask].sum())
    return float(industry / p.node_load_mwh_by_year[base.year][mask].sum())


def _rusal_output_kt(base: BaseYear) -> float | None:
    """Output of the aluminium sector's plants in the Siberian regions in the base year (kt)."""
    m = base.model
    sectors = getattr(m, "sectors", None)
    if sectors is None or "aluminium" not in sectors.rows:
        return None
    return sectors.output_by_year.get(("aluminium", base.year), 0.0) / 1e3


def _power(fn: Callable[[BaseYear], float | dict[str, float]]):
    """A power pattern: computed only when the scenario has a power system."""
    return lambda base: fn(base) if base.model.power is not None else None


def _chain(fn):
    """A chain pattern: computed only when the scenario has the rare-earth chain."""
    return lambda base: fn(base) if getattr(base.model, "chain", None) is not None else None


def _siberia_ree_processing(base: BaseYear) -> float:
    m = base.model
    return float(sum(p.capacity_t_per_year for p in m.processing_plants
                     if m.region_is_siberian(p.region) and p.state.value == "operating"))


def _freight(fn):
    """A freight pattern: computed only when the scenario has a freight network."""
    return lambda base: fn(base) if getattr(base.model, "freight", None) is not None else None


# pattern id -> model value (a number, or a dict of named numbers for table-valued patterns)
MODEL_VALUES: dict[str, Callable[[BaseYear], float | dict[str, float] | None]] = {
    "siberia_hydro_output": _power(_siberia_hydro_twh),
    "big_stations": _power(_big_stations_twh),
    "price_ratio_energy_only": _power(_price_ratio_energy_only),
    "aluminium_power_share": _power(_aluminium_power_share),
    "rusal_output": _rusal_output_kt,
    "seed_exports": _chain(lambda b: b.annual_mean("export_revenue_usd")),
    "seed_imports": _chain(lambda b: b.annual_mean("import_bill_usd")),
    "seed_imports_gdp": _chain(lambda b: b.annual_mean("import_bill_usd")
                               / b.annual_mean("gdp_usd")),
    "ree_mine_output": _chain(lambda b: b.annual_mean("ree_mine_output_tpa")),
    "siberia_ree_processing": _chain(_siberia_ree_processing),
    "nsr_cargo": _freight(lambda b: b.annual_mean("nsr_volume_tpa") / 1e6),
    "eastern_polygon": _freight(lambda b: b.annual_mean("transsib_utilization")),
    "inland_waterways": _freight(lambda b: b.annual_mean("river_volume_tpa") / 1e6),
}


@dataclass(frozen=True)
class Pattern:
    id: str
    what: str
    unit: str
    observed: float | list[float] | dict[str, float]
    tolerance: float | list[float] | str
    source: str


@dataclass(frozen=True)
class Row:
    pattern: Pattern
    model: float | dict[str, float] | None
    verdict: str  # "pass", "fail", "judged in words", "not modelled yet"


def load_patterns(path: Path = PATTERNS_FILE) -> list[Pattern]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return [Pattern(p["id"], p["what"], p["unit"], p["observed"], p["tolerance"], p["from"])
            for p in data["patterns"]]


def within(model: float, observed: float | list[float], tolerance: float | list[float] | str
           ) -> bool | None:
    """Whether a model value matches; None when the tolerance is only described in words."""
    if not math.isfinite(model):
        return False
    if tolerance == "range":
        lo, hi = observed
        return lo <= model <= hi
    if isinstance(tolerance, str):
        return None
    if isinstance(tolerance, list):
        lo, hi = tolerance
        return lo <= model <= hi
    if isinstance(observed, list):
        lo, hi = observed
        return lo * (1 - tolerance) <= model <= hi * (1 + tolerance)
    return abs(model - observed) <= tolerance * abs(observed)


def judge(pattern: Pattern, model: float | dict[str, float] | None) -> str:
    if model is None:
        return "not modelled yet"
    if isinstance(pattern.observed, dict):
        assert isinstance(model, dict)
        checks = [within(model.get(k, math.nan), v, pattern.tolerance)
                  for k, v in pattern.observed.items()]
    else:
        checks = [within(float(model), pattern.observed, pattern.tolerance)]
    if any(c is None for c in checks):
        return "judged in words"
    return "pass" if all(checks) else "fail"


def run_base_year(scenario: str = "baseline", rng: int = 42) -> BaseYear:
    from model.siberia_model import SiberiaModel

    model = SiberiaModel(scenario=scenario, rng=rng, horizon_years=1)
    while model.running:
        model.step()
    return BaseYear(model, model.datacollector.get_model_vars_dataframe())


def _mean(values: list):
    """Mean over replications of numbers or of dicts of numbers (None if any is None)."""
    if not values or any(v is None for v in values):
        return None
    if isinstance(values[0], dict):
        return {k: float(sum(v[k] for v in values) / len(values)) for k in values[0]}
    return float(sum(values) / len(values))


def validation_rows(base: BaseYear | list[BaseYear] | None,
                    patterns: list[Pattern] | None = None) -> list[Row]:
    """Each pattern's model value — the mean over the base-year replications given — and verdict.

    Several replications (seeds) average out the year's random draws (wet and dry years), so
    a long-run observed value is compared with a long-run model value.
    """
    bases = [] if base is None else (base if isinstance(base, list) else [base])
    rows = []
    for p in patterns or load_patterns():
        fn = MODEL_VALUES.get(p.id)
        value = _mean([fn(b) for b in bases]) if (fn is not None and bases) else None
        rows.append(Row(p, value, judge(p, value)))
    return rows


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " to ".join(_fmt(v) for v in value)
    if isinstance(value, str):
        return value
    value = float(value)
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-2):
        return f"{value:.3g}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _fmt_tolerance(p: Pattern) -> str:
    if p.tolerance == "range":
        return "within the observed range"
    if isinstance(p.tolerance, list):
        return f"{_fmt(p.tolerance[0])} to {_fmt(p.tolerance[1])}"
    if isinstance(p.tolerance, str):
        return p.tolerance
    return f"±{p.tolerance:.0%}"


VALIDATION_SEEDS = (42, 43, 44, 45, 46)  # replications of the base year in `siberia validate`


def run_base_years(scenario: str = "baseline", seeds=VALIDATION_SEEDS) -> list[BaseYear]:
    return [run_base_year(scenario, rng=s) for s in seeds]


def validation_markdown(rows: list[Row], scenario: str, command: str) -> str:
    counts = {v: sum(r.verdict == v for r in rows) for v in
              ("pass", "fail", "judged in words", "not modelled yet")}
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    lines = [
        "# Validation",
        "",
        f"Generated by `{command}`; do not edit by hand. The model runs the base year (2025, "
        f"scenario `{scenario}`) with seeds {', '.join(map(str, VALIDATION_SEEDS))} and each "
        "observed pattern is compared with the model's value averaged over them. "
        "Patterns come from `model/data/validation_patterns.toml` (encoded from the project's "
        "facts file, where each has its source and confidence). A pattern is \"not modelled "
        "yet\" until the issue that builds its mechanism registers how the model computes it.",
        "",
        f"Summary: {summary}.",
        "",
        "| pattern | what | unit | observed | model | tolerance | verdict | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        p = r.pattern
        cells = [f"`{p.id}`", p.what, p.unit, _fmt(p.observed), _fmt(r.model),
                 _fmt_tolerance(p), r.verdict, p.source]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
