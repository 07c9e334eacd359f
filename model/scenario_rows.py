"""The rows of a scenario's tables: one pydantic model per table, units in the field names.

Every row carries the ``source`` of its numbers and a ``confidence``; ``sources = {field = ...}``
names another source for one field. ``TABLES`` maps each table to its row model and key.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Confidence = Literal["high", "medium", "low"]
LatLon = tuple[float, float]
MAX_EAST_LON = 200.0  # route waypoints: east longitude continued past 180° (Bering Sea)


# No number in the data comes near this (Russia's GDP is ~2e12 USD); beyond it a typo or a
# fuzzed file would overflow the power market's bounds (MWh) instead of failing on one line.
MAX_MAGNITUDE = 1e13


def _numbers(value: Any):
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _numbers(v)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    source: str = Field(min_length=1)
    confidence: Confidence
    sources: dict[str, str] = Field(default_factory=dict)
    notes: str | None = None

    @model_validator(mode="after")
    def _finite_magnitudes(self) -> _Row:
        for name, value in self:
            for v in _numbers(value):
                if abs(v) > MAX_MAGNITUDE:
                    raise ValueError(f"{name} = {v:.3g} is beyond the largest magnitude a "
                                     f"scenario number may have ({MAX_MAGNITUDE:.0e})")
        return self


class _Located(_Row):
    region: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class RegionRow(_Row):
    name: str
    capital: str
    district: str
    siberian: bool
    population: float = Field(ge=0)
    # labour market and economy in the base year (None: not given; other scenario files still load)
    wage_usd_per_month: float | None = Field(default=None, ge=0)  # average nominal gross wage
    labour_force: float | None = Field(default=None, ge=0)  # people
    grp_usd_per_year: float | None = Field(default=None, ge=0)  # gross regional product


class CityRow(_Located):
    name: str
    port: Literal["river", "sea"] | None = None
    label: bool = False


class PortRow(_Located):
    id: str
    name: str
    kind: Literal["sea", "river"]
    cargo_mt_per_year: float | None = Field(default=None, ge=0)
    on_nsr: bool = False


class DepositRow(_Located):
    id: str
    name: str
    commodities: list[str] = Field(default_factory=list)
    status: Literal["undeveloped", "explored", "licensed", "operating", "depleted"]
    reserves_t_reo: float = Field(ge=0)
    grade_treo_pct: float | None = Field(default=None, ge=0, le=100)
    capacity_t_reo_per_year: float = Field(default=0.0, ge=0)
    planned_capacity_t_reo_per_year: float | None = Field(default=None, ge=0)
    capex_usd: float | None = Field(default=None, ge=0)
    lead_time_years: float | None = Field(default=None, ge=0)
    # Mining and concentration cash cost per t REO in concentrate other than power and labour
    # (those come from the mining stage's energy_mwh_per_t and this row's jobs at the region's
    # price and wage); replaces the mining stage's opex_usd_per_t for this deposit.
    opex_usd_per_t_reo: float | None = Field(default=None, ge=0)
    # share of the REO in ore fed that reaches the concentrate; replaces the mining stage's recovery
    recovery: float | None = Field(default=None, gt=0, le=1)
    # mine and concentrator jobs attributable to REE output at the row's current or planned
    # capacity (for a by-product deposit, the REE share); None: the mining stage's jobs_per_kt
    jobs: int | None = Field(default=None, ge=0)


class PowerStationRow(_Located):
    """A station; ``aggregate`` rows stand for a fleet (e.g. the European part's gas plants).

    Marginal cost, emissions and availability default to the scenario's ``[[fuels]]`` row of
    the station's kind; hydro stations draw on an ``inflow_profile`` and store ``storage_twh``.
    """

    id: str
    name: str
    kind: Literal["hydro", "coal", "gas", "nuclear"]
    capacity_mw: float = Field(gt=0)
    avg_output_twh_per_year: float | None = Field(default=None, ge=0)
    river: str | None = None
    status: Literal["operating", "building", "retired"] = "operating"
    commissioned_year: int | None = None
    owner: str | None = None
    power_node: str | None = None  # default: the node whose regions include this row's region
    aggregate: bool = False
    marginal_cost_usd_per_mwh: float | None = Field(default=None, ge=0)
    emissions_t_co2_per_mwh: float | None = Field(default=None, ge=0)
    availability: float | None = Field(default=None, gt=0, le=1)
    inflow_profile: str | None = None
    storage_twh: float | None = Field(default=None, ge=0)


class PlannedHydroRow(_Located):
    id: str
    name: str
    river: str
    capacity_mw: float = Field(gt=0)
    output_twh_per_year: float | None = Field(default=None, ge=0)
    capex_usd: float | None = Field(default=None, ge=0)
    earliest_year: int | None = None
    status: str = "planned"
    lead_time_years: float | None = Field(default=None, gt=0)
    programme_order: int | None = None  # order in the planner's hydro programme (1 = first)
    power_node: str | None = None
    inflow_profile: str | None = None
    storage_twh: float | None = Field(default=None, ge=0)


FreightMode = Literal["rail", "river", "sea", "road"]


def _months(v: list[int] | None) -> list[int] | None:
    """Open months: calendar months 1..12, each once, at least one."""
    if v is None:
        return v
    bad = [m for m in v if not 1 <= m <= 12]
    if bad:
        raise ValueError(f"month {bad[0]} is not a calendar month 1..12")
    if len(set(v)) != len(v) or not v:
        raise ValueError(f"months must be distinct and at least one, got {v}")
    return v


class RouteSection(BaseModel):
    """Part of a route, from a named waypoint to the next section or the route's end, whose
    navigation season or capacity differs from the route's (rivers freeze later upstream)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    from_waypoint: str  # a name in the route's waypoint_names
    navigation_months: list[int] | None = None  # None: the route's
    capacity_mt_per_year: float | None = Field(default=None, ge=0)  # None: the route's

    _check_months = field_validator("navigation_months")(_months)


class RouteRow(_Row):
    id: str
    name: str
    mode: FreightMode
    status: Literal["operating", "planned"]
    opens_year: int | None = None
    waypoints: list[LatLon] = Field(min_length=2)
    waypoint_names: list[str] | None = None
    length_km: float | None = Field(default=None, gt=0)
    capacity_mt_per_year: float | None = Field(default=None, ge=0)
    # freight (issue 5): months open today (1..12; None = all year; river routes must say),
    # sections with their own season or capacity, and a cost overriding the mode's
    navigation_months: list[int] | None = None
    sections: list[RouteSection] | None = None
    cost_usd_per_tkm: float | None = Field(default=None, ge=0)

    _check_months = field_validator("navigation_months")(_months)

    @field_validator("waypoints")
    @classmethod
    def _latlon(cls, v: list[LatLon]) -> list[LatLon]:
        # a sea lane past the antimeridian keeps counting east (190 = 170° W): its legs stay
        # short great circles, and the atlas (19..180° E) draws only the part inside it
        for lat, lon in v:
            if not (-90 <= lat <= 90 and -180 <= lon <= MAX_EAST_LON):
                raise ValueError(f"waypoint ({lat}, {lon}) is not (lat, lon) in degrees "
                                 f"(lon -180..{MAX_EAST_LON:g}, east past 180 for lanes that "
                                 f"cross the antimeridian)")
        return v


class FreightModeRow(_Row):
    """Defaults of a freight mode: cost, capacity where a route gives none, circuity, transfer."""

    mode: FreightMode
    cost_usd_per_tkm: float = Field(gt=0)  # shipper's all-in cost
    default_capacity_t_per_month: float = Field(gt=0)  # each direction of a link
    circuity: float = Field(ge=1, le=3)  # route length / great-circle length between waypoints
    transfer_cost_usd_per_t: float = Field(ge=0)  # moving cargo onto this mode at a transfer node


class BackgroundFreightRow(_Row):
    """An observed corridor flow outside the chain (coal, containers, LNG …), per year.

    ``origin``/``destination``: a [[ports]] id, or a place name with its ``*_lat``/``*_lon``;
    ``destination`` may list several port ids (delivered at the cheapest, e.g. any Pacific port).
    """

    id: str
    name: str
    cargo: str
    origin: str
    origin_lat: float | None = Field(default=None, ge=-90, le=90)
    origin_lon: float | None = Field(default=None, ge=-180, le=180)
    destination: str | list[str]
    destination_lat: float | None = Field(default=None, ge=-90, le=90)
    destination_lon: float | None = Field(default=None, ge=-180, le=180)
    volume_t_per_year: float = Field(ge=0)
    base_year: int = Field(ge=1990, le=2100)  # the year of volume_t_per_year
    growth_per_year: float = Field(default=0.0, ge=-0.2, le=0.3)
    modes: list[FreightMode] = Field(default_factory=lambda: ["rail", "river", "sea", "road"],
                                     min_length=1)  # the modes it uses today
    can_shift_to_water: bool = False  # may also take river and sea when open and cheaper
    industrial: bool = False  # cargo of Siberia's industrial base (scaled by industrial_base)


class ShipyardRow(_Located):
    """A yard building one fleet's vessels (agents/shipyard.py): what it delivers a year, the
    power and jobs at that capacity (expansions scale them pro rata), what more capacity costs
    and what an order pays."""

    id: str
    name: str
    output: str
    fleet: Literal["river", "ice_class"]
    capacity_dwt_per_year: float = Field(ge=0)  # deadweight t of vessels delivered a year
    power_mw: float = Field(ge=0)  # electric load at that capacity
    jobs: float = Field(ge=0)  # employment at that capacity
    capex_usd_per_dwt_year: float = Field(gt=0)  # an expansion, per dwt/yr of capacity
    order_price_usd_per_dwt: float = Field(gt=0)  # what a shipper pays per dwt delivered


class LargeLoadRow(_Located):
    id: str
    name: str
    sector: str
    capacity_kt_per_year: float = Field(ge=0)
    energy_mwh_per_t: float = Field(ge=0)
    utilisation: float = Field(default=1.0, gt=0, le=1)  # output / capacity in the base year
    power_node: str | None = None


class PowerNodeRow(_Row):
    """A price area of the power market and the regions whose load and plants it holds."""

    id: str
    name: str
    regions: list[str] = Field(default_factory=list)  # empty for an isolated system inside a region
    siberian: bool
    isolated: bool = False
    lat: float = Field(ge=-90, le=90)  # where the node is drawn
    lon: float = Field(ge=-180, le=180)
    base_load_twh_per_year: float = Field(ge=0)  # base year, excluding [[large_loads]] here
    base_load_growth_per_year: float = Field(default=0.0, ge=-0.1, le=0.2)
    peak_to_average: float = Field(default=1.2, ge=1, le=3)


class PowerLinkRow(_Row):
    id: str
    from_node: str
    to_node: str
    capacity_mw: float = Field(ge=0)
    status: Literal["operating", "planned"] = "operating"
    opens_year: int | None = None
    capex_usd: float | None = Field(default=None, ge=0)
    length_km: float | None = Field(default=None, gt=0)


class InflowProfileRow(_Row):
    """A river system's monthly inflow as shares of the year, and its year-to-year variation."""

    id: str
    name: str
    monthly_share: list[float] = Field(min_length=12, max_length=12)
    annual_cv: float = Field(ge=0, le=1)  # coefficient of variation of annual inflow

    @field_validator("monthly_share")
    @classmethod
    def _sums_to_one(cls, v: list[float]) -> list[float]:
        if any(x < 0 for x in v) or abs(sum(v) - 1.0) > 1e-3:
            raise ValueError(f"monthly shares must be >= 0 and sum to 1 (sum = {sum(v):.4f})")
        return v


class FuelRow(_Row):
    """Defaults by station kind: marginal cost, emissions and average availability."""

    kind: Literal["hydro", "coal", "gas", "nuclear"]
    marginal_cost_usd_per_mwh: float = Field(ge=0)
    emissions_t_co2_per_mwh: float = Field(ge=0)
    availability: float = Field(gt=0, le=1)
    # new plants of this kind, ordered by the planner when a node runs short (None = never)
    new_capex_usd_per_kw: float | None = Field(default=None, gt=0)
    new_lead_time_years: float | None = Field(default=None, gt=0)


class ChokePointRow(_Located):
    """A point where a corridor can be cut: a bridge, a junction, a tunnel, a mountain section.
    It is a facility of the threat model; while disrupted, its routes' links within
    ``radius_km`` carry nothing."""

    id: str
    name: str
    kind: Literal["bridge", "junction", "tunnel", "section"]
    routes: list[str] = Field(min_length=1)
    radius_km: float = Field(default=40.0, gt=0, le=300)


class FrontierRow(_Row):
    side: Literal["west", "east"]
    waypoints: list[LatLon] = Field(min_length=1)
    waypoint_names: list[str] | None = None


# --- the rare-earth value chain -----------------------------------------------------------------
# The chain's stages in order: mine concentrate -> separated oxides -> metals/alloys -> NdFeB magnets.
STAGE_IDS: tuple[str, ...] = ("mining", "separation", "metals", "magnets")
StageId = Literal["mining", "separation", "metals", "magnets"]


class StageRow(_Row):
    """One stage of the rare-earth chain: technology, costs and prices per t of its output.

    Quantities move between stages as t of REO equivalent (REO-eq): a t of the stage's output
    holds ``reo_per_t_output`` t REO-eq, and a stage turns 1 t REO-eq of input into ``recovery``
    t REO-eq of output. ``opex_usd_per_t`` excludes power (``energy_mwh_per_t`` at the node
    price), labour (``jobs_per_kt`` at the region's wage) and the feedstock from the input stage.
    """

    id: StageId
    name: str
    input_stage: str | None = None  # None for mining; else the stage before it in STAGE_IDS
    output_unit: str
    reo_per_t_output: float = Field(gt=0)
    recovery: float = Field(gt=0, le=1)
    energy_mwh_per_t: float = Field(ge=0)
    opex_usd_per_t: float = Field(ge=0)
    capex_usd_per_tpa: float = Field(gt=0)  # capital cost per t/yr of output capacity
    lead_time_years: float = Field(gt=0)
    jobs_per_kt: float = Field(ge=0)  # jobs per kt/yr of output capacity
    skilled_share: float = Field(ge=0, le=1)  # share of jobs needing scarce skilled staff
    equipment_import_share: float = Field(ge=0, le=1)  # share of capex in imported equipment
    world_price_usd_per_t: float = Field(gt=0)  # base-year (2024) world price of the output
    plant_sizes_tpa: list[float] = Field(min_length=1)  # candidate sizes, t/yr of output
    learning_rate: float = Field(ge=0, le=0.5)  # capex fall per doubling of domestic capacity
    ramp_up_months: float = Field(ge=0)  # first-of-a-kind plant's months to full output
    # Optional: where a stage uses only part of its input stage's output (metals are made from
    # the NdPr, Dy and Tb oxides, about a fifth of a light-REE basket), the REO-eq share of the
    # input stage's output that is this stage's feed, and that feed's world value per t REO-eq.
    feed_share: float | None = Field(default=None, gt=0, le=1)
    feed_value_usd_per_t_reo: float | None = Field(default=None, gt=0)

    @field_validator("plant_sizes_tpa")
    @classmethod
    def _positive_sizes(cls, v: list[float]) -> list[float]:
        if any(x <= 0 for x in v):
            raise ValueError(f"plant sizes must be > 0 t/yr, got {v}")
        return v


class WorldPricePathRow(_Row):
    """A path of world prices for one stage's product: an index (1 = the stage's base-year
    ``world_price_usd_per_t``) at given years, linear in between, flat beyond the ends; it
    multiplies the catalogue's ``world_price_index``."""

    stage: str  # a [[stages]] id, or a [[sectors]] id (its product's price)
    years: list[int] = Field(min_length=1)
    index: list[float] = Field(min_length=1)

    @field_validator("index")
    @classmethod
    def _non_negative(cls, v: list[float]) -> list[float]:
        if any(x < 0 for x in v):
            raise ValueError(f"price indices must be >= 0, got {v}")
        return v

    @model_validator(mode="after")
    def _aligned(self) -> WorldPricePathRow:
        if len(self.years) != len(self.index):
            raise ValueError(f"years ({len(self.years)}) and index ({len(self.index)}) differ "
                             f"in length")
        if self.years != sorted(set(self.years)):
            raise ValueError(f"years must increase: {self.years}")
        return self


class ProcessingPlantRow(_Located):
    """An existing or committed plant of a chain stage (not mining: mines are [[deposits]]) or
    of another sector (``sector``, a [[sectors]] id; then no ``stage``)."""

    id: str
    name: str
    sector: str = "rare_earths"  # "rare_earths" (the chain: give ``stage``) or a [[sectors]] id
    stage: str | None = None  # a [[stages]] id other than "mining" (rare-earth plants only)
    capacity_tpa: float = Field(ge=0)  # t/yr in the stage's (sector's) output unit
    # the plant's own energy intensity where it differs from its sector's (smelters' pot lines)
    energy_mwh_per_t: float | None = Field(default=None, ge=0)
    status: Literal["operating", "building"]
    online_year: int | None = None  # year a building plant starts output
    owner: str  # an [[investors]] id
    capex_usd: float | None = Field(default=None, ge=0)
    power_node: str | None = None  # default: the node whose regions include this row's region


class IndustrialSiteRow(_Located):
    """A candidate site where investors may build new plants."""

    id: str
    name: str
    power_node: str | None = None  # default: the node whose regions include this row's region
    siberian: bool  # must equal the region's flag


class InvestorRow(_Row):
    id: str
    name: str
    kind: Literal["state", "private", "incumbent"]
    annual_budget_usd: float = Field(ge=0)
    hurdle_premium: float = Field(ge=-0.1, le=0.2)  # added to the catalogue's discount_rate
    home_regions: list[str] = Field(default_factory=list)  # where it already operates
    stages: list[str] = Field(default_factory=list)  # the stages and [[sectors]] it invests in
    # share of last year's after-tax operating profit of its plants added to this year's budget
    reinvested_profit_share: float = Field(default=0.0, ge=0, le=1)


class SectorRow(_Row):
    """An industry beyond the rare-earth chain (docs/ODD.md, "Sectors"), per unit of output.

    ``output_unit`` names the unit (t of primary aluminium; 1 M USD of electronics at base-year
    world prices; t of polymers; m3 of sawnwood). A plant's value added per unit is its price
    less ``materials_usd_per_unit`` (bought non-energy inputs) less its power at the node price.
    The rare-earth chain is the row with ``stages`` (its numbers stay in [[stages]]).
    """

    id: str
    name: str
    stages: list[str] = Field(default_factory=list)  # the chain's row: its [[stages]] ids
    output_unit: str = ""
    energy_mwh_per_unit: float = Field(default=0.0, ge=0)
    capex_usd_per_unit_per_year: float = Field(default=0.0, ge=0)  # per unit/yr of capacity
    lead_time_years: float = Field(default=1.0, gt=0)
    materials_usd_per_unit: float = Field(default=0.0, ge=0)
    jobs_per_k_units: float = Field(default=0.0, ge=0)  # jobs per 1,000 units/yr of capacity
    skilled_share: float = Field(default=0.0, ge=0, le=1)
    equipment_import_share: float = Field(default=0.0, ge=0, le=1)
    world_price_usd_per_unit: float = Field(default=0.0, ge=0)  # base-year (2024) world price
    max_utilisation: float = Field(default=1.0, gt=0, le=1)  # output / capacity at best
    freight_t_per_unit: float = Field(default=0.0, ge=0)  # outbound cargo per unit of output
    freight_direction: Literal["west", "east"] = "west"  # Moscow market, or the Chinese border
    domestic_demand_units_per_year: float = Field(default=0.0, ge=0)  # base-year consumption
    import_share: float = Field(default=0.0, ge=0, le=1)  # of domestic demand, base year
    demand_growth_per_year: float = Field(default=0.0, ge=-0.2, le=0.3)
    import_markup: float = Field(default=0.0, ge=0)  # import parity = world x (1 + markup)
    # true: the base-year plants are agents and serve all domestic demand (aluminium: their load
    # was apart from the base load); false: base-year output sits in the base load and GRP, and
    # new plants compete only for the imported share of demand
    base_output_modelled: bool = False
    substitutes_tier: str | None = None  # a [[demand_tiers]] id whose imports its output replaces
    magnet_t_per_unit: float = Field(default=0.0, ge=0)  # NdFeB magnets used per unit of output
    plant_sizes: list[float] = Field(default_factory=list)  # candidate sizes, units/yr
    learning_rate: float = Field(default=0.0, ge=0, le=0.5)
    sites: list[str] = Field(default_factory=list)  # [[industrial_sites]] ids; empty = all
    # a catalogue parameter that multiplies this sector's world price path (a lever to sweep)
    price_multiplier_param: str | None = None

    @field_validator("price_multiplier_param")
    @classmethod
    def _known_parameter(cls, v: str | None) -> str | None:
        from model.params import PARAMETERS

        if v is not None and (v not in PARAMETERS or PARAMETERS[v].kind is not float):
            raise ValueError(f"price_multiplier_param {v!r} is not a numeric catalogue parameter")
        return v


class DemandTierRow(_Row):
    """A tier of the domestic demand for REE-dependent products (the seed's import bill).

    Values are at import parity (world price x (1 + import_markup)); ``reo_t_per_musd`` is the
    REO-eq embodied per 1 M USD of that value.
    """

    id: str
    name: str
    base_import_usd_per_year: float = Field(ge=0)
    base_domestic_usd_per_year: float = Field(ge=0)  # domestic supply in the base year
    growth_per_year: float = Field(ge=-0.2, le=0.3)  # real growth of domestic demand
    reo_t_per_musd: float = Field(ge=0)
    supplied_by_stages: list[str] = Field(default_factory=list)
    import_markup: float = Field(ge=0)


class ExportStreamRow(_Row):
    """An export stream outside the chain's mechanism, labelled exogenous."""

    id: str
    name: str
    value_usd_per_year: float = Field(ge=0)
    growth_per_year: float = Field(default=0.0, ge=-0.2, le=0.3)
    exogenous: bool = True


# tables and the key that identifies a row when a variant replaces it
TABLES: dict[str, tuple[type[_Row], str]] = {
    "regions": (RegionRow, "name"),
    "cities": (CityRow, "name"),
    "ports": (PortRow, "id"),
    "deposits": (DepositRow, "id"),
    "power_stations": (PowerStationRow, "id"),
    "planned_hydro": (PlannedHydroRow, "id"),
    "routes": (RouteRow, "id"),
    "shipyards": (ShipyardRow, "id"),
    "large_loads": (LargeLoadRow, "id"),
    "frontiers": (FrontierRow, "side"),
    "choke_points": (ChokePointRow, "id"),
    "power_nodes": (PowerNodeRow, "id"),
    "power_links": (PowerLinkRow, "id"),
    "inflow_profiles": (InflowProfileRow, "id"),
    "fuels": (FuelRow, "kind"),
    "stages": (StageRow, "id"),
    "processing_plants": (ProcessingPlantRow, "id"),
    "industrial_sites": (IndustrialSiteRow, "id"),
    "investors": (InvestorRow, "id"),
    "demand_tiers": (DemandTierRow, "id"),
    "export_streams": (ExportStreamRow, "id"),
    "world_price_paths": (WorldPricePathRow, "stage"),
    "sectors": (SectorRow, "id"),
    "freight_modes": (FreightModeRow, "mode"),
    "background_freight": (BackgroundFreightRow, "id"),
}
