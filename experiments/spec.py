"""Sweep specifications: a TOML file, validated whole against the catalogue before any run.

A spec names a scenario, the parameters to vary and how to sample them, replications, the
horizon and the outputs::

    scenario = "baseline"          # a name, or a path relative to the spec file
    horizon_years = 3
    replications = 2
    seed = 20250425                # master seed: each replication's seed derives from it
    series = "yearly"              # "yearly" (yearly means), "final" (last year) or "monthly"
    outputs = ["import_substitution_share"]   # registry names; default: every indicator

    [sampler]
    kind = "grid"                  # "grid", "lhs", "sobol" (scipy.stats.qmc) or "saltelli" (SALib)
    # n = 64, seed = 1             # lhs/sobol/saltelli: points (sobol, saltelli: a power of 2)

    [parameters]
    hydro_buildout_gw = [0.0, 10.0]                        # values
    threat_intensity = {low = 0.5, high = 2.0, levels = 3} # a range (levels: grid only)

    [fixed]
    planning_mode = "coordinated"  # overrides held constant

Every error is one line naming the file, the key and what was expected.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.runner import SERIES
from experiments.scenario_bundle import ScenarioBundle
from model import INDICATORS
from model.errors import UserInputError, closest
from model.params import Parameter, parameter
from model.scenario import load_scenario

TOP_KEYS = ("name", "description", "scenario", "horizon_years", "replications", "seed", "series",
            "outputs", "sampler", "parameters", "fixed")
SAMPLER_KEYS = {"grid": ("kind",), "lhs": ("kind", "n", "seed"),
                "sobol": ("kind", "n", "seed", "scramble"),
                "saltelli": ("kind", "n", "seed", "second_order")}
RANGE_KEYS = ("low", "high", "levels")
MAX_RUNS = 1_000_000


class SpecError(UserInputError):
    """A malformed sweep specification."""


@dataclass(frozen=True)
class Range:
    """A numeric range of one parameter; ``levels`` evenly spaced values for a grid."""

    low: float
    high: float
    levels: int | None = None


@dataclass(frozen=True)
class SweepSpec:
    """A validated spec: everything a sweep needs, nothing left to check."""

    path: Path
    name: str
    scenario_ref: str
    bundle: ScenarioBundle
    horizon_years: int
    replications: int
    seed: int
    series: str
    outputs: tuple[str, ...] | None
    sampler: dict[str, Any]
    parameters: dict[str, tuple | Range]
    fixed: dict[str, Any]

    def normalized(self) -> dict[str, Any]:
        """The spec as data, defaults filled in: what its hash covers (comments and layout of
        the file do not count; the scenario's content does)."""
        return {
            "scenario": self.scenario_ref, "scenario_sha256": self.bundle.sha256,
            "horizon_years": self.horizon_years, "replications": self.replications,
            "seed": self.seed, "series": self.series,
            "outputs": list(self.outputs) if self.outputs is not None else None,
            "sampler": self.sampler,
            "parameters": {k: (list(v) if isinstance(v, tuple) else
                               {"low": v.low, "high": v.high, "levels": v.levels})
                           for k, v in self.parameters.items()},
            "fixed": self.fixed,
        }

    @property
    def sha256(self) -> str:
        text = json.dumps(self.normalized(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a spec file; raises :class:`SpecError` (one line) on any problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"spec file not found: {path}") from None
    except IsADirectoryError:
        raise SpecError(f"spec is a folder, not a TOML file: {path}") from None
    except OSError as e:
        raise SpecError(f"cannot read spec file {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: malformed TOML: {e}") from None
    return parse_spec(data, path)


def parse_spec(data: dict[str, Any], path: Path) -> SweepSpec:
    where = str(path)

    def fail(msg: str) -> SpecError:
        return SpecError(f"{where}: {msg}")

    for key in data:
        if key not in TOP_KEYS:
            raise fail(f"unknown key '{key}'{closest(key, TOP_KEYS)}; valid keys: "
                       f"{', '.join(TOP_KEYS)}")
    if "scenario" not in data or not isinstance(data["scenario"], str):
        raise fail("'scenario' is required: a scenario name or a path to a .toml file")
    scenario_ref = data["scenario"]
    try:
        bundle = ScenarioBundle.capture(_relative_to(scenario_ref, path.parent))
    except UserInputError as e:
        raise fail(f"scenario: {e}") from None

    replications = _int(data.get("replications", 1), "replications", 1, fail)
    seed = _int(data.get("seed", 0), "seed", 0, fail)
    series = data.get("series", "yearly")
    if not isinstance(series, str) or series not in SERIES:
        raise fail(f"series = {series!r}: expected one of {', '.join(map(repr, SERIES))}")
    outputs = _outputs(data.get("outputs"), fail)
    sampler = _sampler(data.get("sampler"), fail)
    parameters = _parameters(data.get("parameters"), sampler["kind"], fail)
    fixed = _fixed(data.get("fixed", {}), parameters, fail)
    try:
        default = load_scenario(_relative_to(scenario_ref, path.parent)).resolved_params()
        horizon = parameter("horizon_years").validate(
            data.get("horizon_years", default.horizon_years))
    except UserInputError as e:
        raise fail(f"horizon_years: {e}") from None
    n_points = _n_points(sampler, parameters)
    if n_points * replications > MAX_RUNS:
        raise fail(f"{n_points} points x {replications} replications = "
                   f"{n_points * replications} runs; at most {MAX_RUNS} in one sweep")
    return SweepSpec(path=path.resolve(), name=str(data.get("name", path.stem)),
                     scenario_ref=scenario_ref, bundle=bundle, horizon_years=horizon,
                     replications=replications, seed=seed, series=series, outputs=outputs,
                     sampler=sampler, parameters=parameters, fixed=fixed)


def _relative_to(ref: str, folder: Path) -> str:
    looks_like_path = ref.endswith(".toml") or "/" in ref or "\\" in ref
    if looks_like_path and not Path(ref).expanduser().is_absolute():
        return str(folder / ref)
    return ref


def _int(value: Any, key: str, minimum: int, fail) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"{key} = {value!r}: expected an integer >= {minimum}")
    if value < minimum:
        raise fail(f"{key} = {value}: must be at least {minimum}")
    return value


def _outputs(value: Any, fail) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise fail("outputs: expected a non-empty list of indicator names")
    for name in value:
        if name not in INDICATORS:
            raise fail(f"outputs: unknown indicator '{name}'{closest(name, list(INDICATORS))} "
                       f"(siberia params lists parameters; indicators are in model/indicators.py)")
        if not INDICATORS[name].available:
            raise fail(f"outputs: indicator '{name}' is not computed yet "
                       f"({INDICATORS[name].pending})")
    if len(set(value)) != len(value):
        raise fail("outputs: an indicator is listed twice")
    return tuple(value)


def _sampler(value: Any, fail) -> dict[str, Any]:
    if value is None:
        value = {"kind": "grid"}
    if not isinstance(value, dict):
        raise fail("[sampler] must be a table with 'kind'")
    kind = value.get("kind")
    if not isinstance(kind, str) or kind not in SAMPLER_KEYS:
        raise fail(f"[sampler] kind = {kind!r}: unknown sampler{closest(str(kind), list(SAMPLER_KEYS))}; "
                   f"expected one of {', '.join(map(repr, SAMPLER_KEYS))}")
    for key in value:
        if key not in SAMPLER_KEYS[kind]:
            raise fail(f"[sampler] key '{key}' does not apply to kind = {kind!r}; valid keys: "
                       f"{', '.join(SAMPLER_KEYS[kind])}")
    out: dict[str, Any] = {"kind": kind}
    if kind == "grid":
        return out
    if "n" not in value:
        raise fail(f"[sampler] kind = {kind!r} needs n (the number of points)")
    out["n"] = _int(value["n"], "[sampler] n", 1, fail)
    out["seed"] = _int(value.get("seed", 0), "[sampler] seed", 0, fail)
    if kind in ("sobol", "saltelli") and out["n"] & (out["n"] - 1):
        lo = 1 << (out["n"].bit_length() - 1)
        raise fail(f"[sampler] n = {out['n']}: {kind} needs a power of 2 (e.g. {lo} or {lo * 2})")
    if kind == "sobol":
        out["scramble"] = _bool(value.get("scramble", True), "[sampler] scramble", fail)
    if kind == "saltelli":
        if importlib.util.find_spec("SALib") is None:
            raise fail("[sampler] kind = 'saltelli' needs SALib: pip install 'siberia-abm[sweep]'")
        out["second_order"] = _bool(value.get("second_order", True),
                                    "[sampler] second_order", fail)
    return out


def _bool(value: Any, key: str, fail) -> bool:
    if not isinstance(value, bool):
        raise fail(f"{key} = {value!r}: expected true or false")
    return value


def _check_name(name: str, table: str, fail) -> Parameter:
    try:
        p = parameter(name)
    except UserInputError as e:
        raise fail(f"[{table}] {e}") from None
    if p.name == "horizon_years":
        raise fail(f"[{table}] horizon_years: set it at the top level (horizon_years = N)")
    return p


def _parameters(value: Any, kind: str, fail) -> dict[str, tuple | Range]:
    if not isinstance(value, dict) or not value:
        raise fail("[parameters] is required: at least one parameter to vary, as a list of "
                   "values or {low = ..., high = ...}")
    out: dict[str, tuple | Range] = {}
    for name, spec in value.items():
        p = _check_name(name, "parameters", fail)
        here = f"[parameters] {name}"
        if isinstance(spec, list):
            if kind == "saltelli":
                raise fail(f"{here}: the saltelli sampler needs ranges {{low = ..., high = ...}}, "
                           f"not value lists")
            if not spec:
                raise fail(f"{here}: the list of values is empty")
            try:
                values = tuple(p.validate(v) for v in spec)
            except UserInputError as e:
                raise fail(f"{here}: {e}") from None
            if len(set(values)) != len(values):
                raise fail(f"{here}: a value is listed twice")
            out[name] = values
        elif isinstance(spec, dict):
            out[name] = _range(p, spec, kind, here, fail)
        else:
            raise fail(f"{here} = {spec!r}: expected a list of values or "
                       f"{{low = ..., high = ...}}")
    return out


def _range(p: Parameter, spec: dict, kind: str, here: str, fail) -> Range:
    for key in spec:
        if key not in RANGE_KEYS:
            raise fail(f"{here}: unknown key '{key}'{closest(key, RANGE_KEYS)}; a range has "
                       f"low, high and (grid only) levels")
    if p.kind not in (int, float) or p.choices is not None:
        raise fail(f"{here}: a range needs a numeric parameter; give a list of values "
                   f"({p.domain()})")
    if "low" not in spec or "high" not in spec:
        raise fail(f"{here}: a range needs both low and high")
    try:
        low, high = p.validate(spec["low"]), p.validate(spec["high"])
    except UserInputError as e:
        raise fail(f"{here}: {e}") from None
    if p.special and (low in p.special or high in p.special):
        raise fail(f"{here}: a range cannot end at a special value "
                   f"({', '.join(map(repr, p.special))}); list values instead")
    if not low < high:
        raise fail(f"{here}: low = {low!r} must be below high = {high!r}")
    levels = spec.get("levels")
    if kind == "grid":
        if levels is None:
            raise fail(f"{here}: a grid range needs levels (the number of values, >= 2)")
        levels = _int(levels, f"{here} levels", 2, fail)
        if p.kind is int and levels > high - low + 1:
            raise fail(f"{here}: {levels} levels do not fit the {high - low + 1} integers "
                       f"from {low} to {high}")
    elif levels is not None:
        raise fail(f"{here}: levels applies to the grid sampler only (kind = {kind!r} draws "
                   f"points in the range)")
    return Range(low, high, levels)


def _fixed(value: Any, varied: dict, fail) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail("[fixed] must be a table of NAME = value")
    out = {}
    for name, v in value.items():
        p = _check_name(name, "fixed", fail)
        if name in varied:
            raise fail(f"[fixed] {name} is also in [parameters]; keep it in one of them")
        try:
            out[name] = p.validate(v)
        except UserInputError as e:
            raise fail(f"[fixed] {e}") from None
    return out


def _n_points(sampler: dict, parameters: dict) -> int:
    kind = sampler["kind"]
    if kind == "grid":
        n = 1
        for v in parameters.values():
            n *= len(v) if isinstance(v, tuple) else v.levels
        return n
    if kind == "saltelli":
        d = len(parameters)
        return sampler["n"] * (2 * d + 2 if sampler["second_order"] else d + 2)
    return sampler["n"]
