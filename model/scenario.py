"""Scenarios as data: TOML files of parameter overrides and facility tables.

A scenario is a name (``baseline``, ``hydro_push`` …, the files in ``model/scenarios``) or a path
to a TOML file. A file may say ``extends = "baseline"`` and state only what differs: its
``[params]`` override the parent's, and a facility row with the id (or name) of a parent's row
replaces that row; other rows are added. Every row carries the ``source`` of its numbers and a
``confidence``; ``sources = {field = "..."}`` names a different source for one field.

Errors name the file, the table, the row and the field, on one line.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from model.errors import ScenarioError, UserInputError, closest
from model.params import Params, resolve
from model.scenario_checks import _check_references
from model.scenario_rows import (  # noqa: F401 (re-exported: model.scenario is the public module)
    STAGE_IDS,
    TABLES,
    BackgroundFreightRow,
    ChokePointRow,
    CityRow,
    DemandTierRow,
    DepositRow,
    ExportStreamRow,
    FreightModeRow,
    FrontierRow,
    FuelRow,
    IndustrialSiteRow,
    InflowProfileRow,
    InvestorRow,
    LargeLoadRow,
    PlannedHydroRow,
    PortRow,
    PowerLinkRow,
    PowerNodeRow,
    PowerStationRow,
    ProcessingPlantRow,
    RegionRow,
    RouteRow,
    SectorRow,
    ShipyardRow,
    StageRow,
    WorldPricePathRow,
)

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


class ScenarioFile(BaseModel):
    """One TOML file as written (before ``extends`` is applied)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    extends: str | None = None
    notes: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    regions: list[RegionRow] = Field(default_factory=list)
    cities: list[CityRow] = Field(default_factory=list)
    ports: list[PortRow] = Field(default_factory=list)
    deposits: list[DepositRow] = Field(default_factory=list)
    power_stations: list[PowerStationRow] = Field(default_factory=list)
    planned_hydro: list[PlannedHydroRow] = Field(default_factory=list)
    routes: list[RouteRow] = Field(default_factory=list)
    shipyards: list[ShipyardRow] = Field(default_factory=list)
    large_loads: list[LargeLoadRow] = Field(default_factory=list)
    frontiers: list[FrontierRow] = Field(default_factory=list)
    choke_points: list[ChokePointRow] = Field(default_factory=list)
    power_nodes: list[PowerNodeRow] = Field(default_factory=list)
    power_links: list[PowerLinkRow] = Field(default_factory=list)
    inflow_profiles: list[InflowProfileRow] = Field(default_factory=list)
    fuels: list[FuelRow] = Field(default_factory=list)
    stages: list[StageRow] = Field(default_factory=list)
    processing_plants: list[ProcessingPlantRow] = Field(default_factory=list)
    industrial_sites: list[IndustrialSiteRow] = Field(default_factory=list)
    investors: list[InvestorRow] = Field(default_factory=list)
    demand_tiers: list[DemandTierRow] = Field(default_factory=list)
    export_streams: list[ExportStreamRow] = Field(default_factory=list)
    world_price_paths: list[WorldPricePathRow] = Field(default_factory=list)
    sectors: list[SectorRow] = Field(default_factory=list)
    freight_modes: list[FreightModeRow] = Field(default_factory=list)
    background_freight: list[BackgroundFreightRow] = Field(default_factory=list)


class Scenario(BaseModel):
    """A scenario with ``extends`` applied: parameter values and facility tables, validated."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    path: Path
    chain: tuple[str, ...]  # this scenario and the ones it extends, nearest first
    sha256: str  # over the files of the chain, in order
    params: dict[str, Any]  # overrides, validated against the catalogue
    param_sources: dict[str, str]
    regions: list[RegionRow]
    cities: list[CityRow]
    ports: list[PortRow]
    deposits: list[DepositRow]
    power_stations: list[PowerStationRow]
    planned_hydro: list[PlannedHydroRow]
    routes: list[RouteRow]
    shipyards: list[ShipyardRow]
    large_loads: list[LargeLoadRow]
    frontiers: list[FrontierRow]
    choke_points: list[ChokePointRow]
    power_nodes: list[PowerNodeRow]
    power_links: list[PowerLinkRow]
    inflow_profiles: list[InflowProfileRow]
    fuels: list[FuelRow]
    stages: list[StageRow]
    processing_plants: list[ProcessingPlantRow]
    industrial_sites: list[IndustrialSiteRow]
    investors: list[InvestorRow]
    demand_tiers: list[DemandTierRow]
    export_streams: list[ExportStreamRow]
    world_price_paths: list[WorldPricePathRow]
    sectors: list[SectorRow]
    freight_modes: list[FreightModeRow]
    background_freight: list[BackgroundFreightRow]

    def resolved_params(self, **overrides: Any) -> Params:
        """Catalogue defaults, then this scenario's overrides, then the caller's."""
        return resolve(self.params, overrides)

    def region(self, name: str) -> RegionRow:
        for r in self.regions:
            if r.name == name:
                return r
        raise KeyError(name)

    def frontier(self, side: str) -> FrontierRow | None:
        return next((f for f in self.frontiers if f.side == side), None)

    def stage(self, stage_id: str) -> StageRow:
        for st in self.stages:
            if st.id == stage_id:
                return st
        raise KeyError(stage_id)


def available() -> list[str]:
    """Names of the scenarios shipped with the package."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def _locate(ref: str | Path, relative_to: Path | None = None) -> Path:
    ref_str = str(ref)
    looks_like_path = ref_str.endswith(".toml") or "/" in ref_str or "\\" in ref_str
    if looks_like_path:
        path = Path(ref_str).expanduser()
        if not path.is_absolute() and relative_to is not None:
            candidate = relative_to / path
            path = candidate if candidate.exists() else path
        if not path.is_file():
            raise ScenarioError(f"scenario file not found: {path}")
        return path.resolve()
    path = SCENARIO_DIR / f"{ref_str}.toml"
    if not path.is_file():
        names = available()
        raise ScenarioError(
            f"unknown scenario '{ref_str}'{closest(ref_str, names)}; "
            f"available: {', '.join(names)} (or give a path to a .toml file)"
        )
    return path


def _format_validation(path: Path, data: dict, err: ValidationError) -> str:
    parts = []
    for e in err.errors()[:3]:
        loc = e["loc"]
        where = str(loc[0]) if loc else ""
        if len(loc) >= 2 and isinstance(loc[1], int):
            table, i = loc[0], loc[1]
            rows = data.get(table, [])
            row = rows[i] if isinstance(rows, list) and i < len(rows) else {}
            key = TABLES.get(table, (None, "id"))[1]
            label = f" ({row.get(key)!r})" if isinstance(row, dict) and row.get(key) else ""
            where = f"[[{table}]] row {i + 1}{label}"
            if len(loc) > 2:
                where += f" field '{'.'.join(str(x) for x in loc[2:])}'"
        elif len(loc) >= 2:
            where = f"{loc[0]}.{'.'.join(str(x) for x in loc[1:])}"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            if len(loc) == 1:
                msg = (f"unknown key; valid top-level keys: "
                       f"{', '.join(ScenarioFile.model_fields)}")
            else:
                msg = "unknown field"
        elif e["type"] == "missing":
            msg = "required field is missing"
        parts.append(f"{where}: {msg}")
    more = f" (and {len(err.errors()) - 3} more)" if len(err.errors()) > 3 else ""
    return f"{path}: " + "; ".join(parts) + more


def _read_file(path: Path) -> tuple[ScenarioFile, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ScenarioError(f"cannot read scenario file {path}: {e.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: malformed TOML: {e}") from None
    try:
        return ScenarioFile.model_validate(data), raw
    except ValidationError as e:
        raise ScenarioError(_format_validation(path, data, e)) from None


def scenario_toml(name: str, extends: str | Path, params: dict[str, Any],
                  description: str = "", source: str = "set by the user") -> str:
    """A scenario file that extends ``extends`` with ``params`` (validated against the
    catalogue): what the app's "save" writes and ``siberia run --scenario FILE`` reproduces."""
    from model.params import resolve

    checked = resolve({}, params)
    lines = [f"name = {_toml_str(name)}",
             f"description = {_toml_str(description or f'{extends} with the settings saved')}",
             f"extends = {_toml_str(str(extends))}", "", "[params]"]
    for key in params:
        value = getattr(checked, key)
        lines.append(f"{key} = {{ value = {_toml_value(value)}, source = {_toml_str(source)} }}")
    return "\n".join(lines) + "\n"


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return _toml_str(str(value))


def _split_params(path: Path, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    values, sources = {}, {}
    for name, item in params.items():
        if isinstance(item, dict):
            if "value" not in item:
                raise ScenarioError(f"{path}: [params] {name}: a table needs a 'value' key")
            values[name] = item["value"]
            sources[name] = str(item.get("source", ""))
        else:
            values[name] = item
            sources[name] = "set by the scenario file (no source given)"
    return values, sources


def _merge_rows(parent: list, child: list, key: str) -> list:
    out = {getattr(r, key): r for r in parent}
    for r in child:
        out[getattr(r, key)] = r
    return list(out.values())


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=64)
def _load_path(path: Path, stamp: tuple[int, int], _stack: tuple[Path, ...] = ()) -> Scenario:
    """Load one file and its parents; cached per (path, modification stamp)."""
    file, raw = _read_file(path)
    values, sources = _split_params(path, file.params)
    if file.extends:
        parent_path = _locate(file.extends, path.parent)
        if parent_path in (*_stack, path):
            chain = " -> ".join(p.stem for p in (*_stack, path, parent_path))
            raise ScenarioError(f"{path}: 'extends' makes a cycle: {chain}")
        parent = _load_path(parent_path, _stamp(parent_path), (*_stack, path))
        params = {**parent.params, **values}
        param_sources = {**parent.param_sources, **sources}
        tables = {t: _merge_rows(getattr(parent, t), getattr(file, t), key)
                  for t, (_, key) in TABLES.items()}
        chain = (file.name, *parent.chain)
        digest = hashlib.sha256(raw + parent.sha256.encode()).hexdigest()
    else:
        params, param_sources = values, sources
        tables = {t: getattr(file, t) for t in TABLES}
        chain = (file.name,)
        digest = hashlib.sha256(raw).hexdigest()
    try:
        resolve(params)
    except UserInputError as e:
        raise ScenarioError(f"{path}: [params] {e}") from None
    scenario = Scenario(name=file.name, description=file.description, path=path, chain=chain,
                        sha256=digest, params=params, param_sources=param_sources, **tables)
    _check_references(scenario)
    return scenario


def load_scenario(ref: str | Path = "baseline") -> Scenario:
    """Load a scenario by name or path, with ``extends`` applied; raises :class:`ScenarioError`."""
    if isinstance(ref, Scenario):
        return ref
    if not isinstance(ref, (str, Path)):
        raise ScenarioError(
            f"scenario must be a scenario name or a path to a .toml file, got "
            f"{type(ref).__name__}; available: {', '.join(available())}"
        )
    path = _locate(ref)
    return _load_path(path, _stamp(path))
