"""The parameter catalogue: every model parameter, declared once.

The model validates its keyword arguments against it, the app builds its controls from it,
the sweep CLI checks its specs against it and ``docs/parameters.md`` is generated from it.
Each entry has a type, a default, bounds or choices, a unit, a group, a one-line description,
and the source (with confidence) of its default. Levers whose mechanism a later issue builds
say so in ``effect``; until then they are validated and recorded but change nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from model.errors import ParameterError, closest

_TYPE_NAMES = {float: "a number", int: "an integer", bool: "true or false", str: "a string"}


@dataclass(frozen=True)
class Parameter:
    """One catalogue entry. ``bounds`` are inclusive; ``special`` values are allowed besides them."""

    name: str
    kind: type
    default: Any
    unit: str
    group: str
    description: str
    source: str
    confidence: str
    bounds: tuple[float, float] | None = None
    choices: tuple[Any, ...] | None = None
    special: Mapping[Any, str] = field(default_factory=dict)
    effect: str = "acts now"

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise :class:`ParameterError`."""
        value = self._coerce(value)
        if self.choices is not None and value not in self.choices:
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is not valid: expected {self.domain()}"
            )
        if self.bounds is not None and value not in self.special:
            lo, hi = self.bounds
            if not (lo <= value <= hi):
                raise ParameterError(
                    f"parameter '{self.name}' = {value!r} is out of bounds: expected {self.domain()}"
                )
        return value

    def _coerce(self, value: Any) -> Any:
        kind = self.kind
        expected = _TYPE_NAMES[kind]
        if self.domain() != expected:
            expected += f" ({self.domain()})"
        bad = ParameterError(
            f"parameter '{self.name}' expects {expected}, got {value!r} ({type(value).__name__})"
        )
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            value = value.item()  # numpy scalars from sweeps
        if kind is bool:
            if isinstance(value, bool):
                return value
            raise bad
        if isinstance(value, bool):
            raise bad
        if kind is float:
            if isinstance(value, (int, float)) and math.isfinite(value):
                return float(value)
            raise bad
        if kind is int:
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise bad
        if isinstance(value, str):
            return value
        raise bad

    def parse(self, text: str) -> Any:
        """Parse a command-line string (``--set name=text``) and validate it."""
        text = text.strip()
        if self.kind is bool:
            lowered = text.lower()
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ParameterError(f"parameter '{self.name}' expects true or false, got '{text}'")
        if self.kind in (int, float):
            try:
                number = float(text)
            except ValueError:
                raise ParameterError(
                    f"parameter '{self.name}' expects {_TYPE_NAMES[self.kind]} "
                    f"({self.domain()}), got '{text}'"
                ) from None
            return self.validate(number)
        return self.validate(text)

    def domain(self) -> str:
        """The valid values, in words, for messages and docs."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        parts = []
        if self.bounds is not None:
            lo, hi = self.bounds
            parts.append(f"{lo:g} to {hi:g}" if self.kind is not bool else "")
        parts += [f"{k!r} = {v}" for k, v in self.special.items()]
        return " or ".join(p for p in parts if p) or _TYPE_NAMES[self.kind]


def _p(**kw: Any) -> Parameter:
    return Parameter(**kw)



PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # --- time and space -------------------------------------------------------------
        _p(name="horizon_years", kind=int, default=26, bounds=(1, 26), unit="years",
           group="time and space",
           description="Length of the run from January 2025, one step per month (26 = to Dec 2050).",
           source="DESIGN.md §4: 2025-2050", confidence="high"),
        _p(name="resolution_deg", kind=float, default=1.0, choices=(1.0, 0.5, 0.25), unit="deg",
           group="time and space",
           description="Cell size of the geographic atlas (longitude and latitude).",
           source="DESIGN.md §4: default 1 degree, configurable finer", confidence="high"),
        # --- power ------------------------------------------------------------------------
        _p(name="hydro_buildout_gw", kind=float, default=0.0, bounds=(0.0, 40.0), unit="GW",
           group="power",
           description="New hydro capacity by 2050 beyond today's fleet, drawn from the planned "
                       "projects.",
           source="assumption — 0 = no programme; the planned pipeline in facts.yaml "
                  "(Evenkiyskaya 8-12 GW, lower Angara, Krapivinskaya) totals ~11-14 GW",
           confidence="low"),
        _p(name="hydro_inflow_index", kind=float, default=1.0, bounds=(0.6, 1.4), unit="index",
           group="power",
           description="Hydro inflow relative to an average year (1 = average; wet/dry years "
                       "vary around it).",
           source="assumption — 1 is the long-run mean by definition; 0.6-1.4 spans observed "
                  "Angara-Yenisei low- and high-water years",
           confidence="medium"),
        _p(name="ai_demand_gw_2035", kind=float, default=0.5, bounds=(0.0, 20.0), unit="GW",
           group="power",
           description="New AI computing load reached in 2035 (linear from 0 in 2025, then flat).",
           source="assumption — Russia's permitted data-centre capacity was 841 MW in 2025 "
                  "(iKS-Consulting, facts.yaml power.loads.data_centres); no Siberian AI plan found",
           confidence="low"),
        _p(name="ai_centre_mw", kind=float, default=100.0, bounds=(10.0, 1000.0), unit="MW",
           group="power",
           description="Size of one new AI data centre (the developer's siting unit).",
           source="assumption — large AI campuses are built in blocks of ~50-300 MW",
           confidence="low"),
        _p(name="voll_usd_per_mwh", kind=float, default=1000.0, bounds=(100.0, 20000.0),
           unit="USD/MWh", group="power",
           description="Value of lost load of households and other base load (shed last).",
           source="assumption — order of the price caps of wholesale markets; only orders "
                  "who is shed first",
           confidence="low"),
        _p(name="industry_curtail_usd_per_mwh", kind=float, default=60.0, bounds=(10.0, 1000.0),
           unit="USD/MWh", group="power",
           description="Power price above which the large smelters curtail rather than buy.",
           source="assumption — aluminium at ~2,400 USD/t (LME 2024, facts.yaml sectors."
                  "aluminium) less ~1,500 USD/t of alumina and other costs, over ~15 MWh/t",
           confidence="low"),
        _p(name="data_centre_curtail_usd_per_mwh", kind=float, default=300.0,
           bounds=(10.0, 5000.0), unit="USD/MWh", group="power",
           description="Power price above which AI data centres curtail.",
           source="assumption — computing revenue per MWh far exceeds industry's, below "
                  "households' value of lost load",
           confidence="low"),
        _p(name="thermal_cost_spread", kind=float, default=0.15, bounds=(0.0, 0.5),
           unit="share", group="power",
           description="Spread of heat rates within a thermal station's three offer tranches "
                       "(cost and emissions × 1−s, 1, 1+s).",
           source="assumption — specific fuel use of Russian thermal plants spans roughly "
                  "300-400 g of coal equivalent per kWh, about ±15% around the mean",
           confidence="low"),
        _p(name="peak_hours_share", kind=float, default=0.3, bounds=(0.1, 0.5), unit="share",
           group="power",
           description="Share of a month's hours in the peak load block (the rest off-peak).",
           source="assumption — weekday daytime hours are about 30% of a month",
           confidence="medium"),
        _p(name="load_seasonal_amplitude", kind=float, default=0.12, bounds=(0.0, 0.3),
           unit="share", group="power",
           description="Winter peak of base load over its annual mean (cosine, peak in January).",
           source="assumption — Siberian winter consumption exceeds summer by ~25-30% "
                  "(heating, lighting)",
           confidence="low"),
        _p(name="planned_outage_share", kind=float, default=0.5, bounds=(0.0, 1.0),
           unit="share", group="power",
           description="Share of a thermal fleet's unavailability that is planned maintenance, "
                       "scheduled in the low-load summer months; the rest is forced outages "
                       "drawn each month from each station's own random stream.",
           source="assumption — planned and forced unavailability of old coal and gas fleets "
                  "are of the same order (NERC GADS fleet statistics show planned outage factors "
                  "~6-10% and forced outage rates ~5-10% for coal units)",
           confidence="low"),
        _p(name="outage_unit_mw", kind=float, default=300.0, bounds=(50.0, 1500.0), unit="MW",
           group="power",
           description="Typical generating unit size: a station of C MW fails as C/unit "
                       "independent units, so small stations' monthly availability varies more "
                       "than an aggregate fleet's.",
           source="assumption — Soviet-era thermal units are mostly 150-800 MW (200, 300 and "
                  "500 MW standard blocks)",
           confidence="medium"),
        _p(name="thermal_expansion", kind=bool, default=True, unit="on/off", group="power",
           description="The planner (acting as system operator) orders new thermal capacity at "
                       "a node when its projected peak load, plus the reserve margin, exceeds "
                       "its firm supply a lead time ahead; off = no new thermal capacity.",
           source="Russia's capacity auctions for new generation (KOM NG) order new plants "
                  "where the system operator projects a deficit (facts.yaml power.system "
                  "ips_siberia.se_siberia_deficit_mw_2030; power.costs)",
           confidence="medium"),
        _p(name="reserve_margin", kind=float, default=0.15, bounds=(0.0, 0.5), unit="share",
           group="power",
           description="Firm supply the planner wants above projected peak load at each node.",
           source="assumption — planning reserve margins of 15-20% are common (e.g. NERC's "
                  "15% reference margin for thermal systems); Russia's general scheme uses "
                  "similar normative reserves",
           confidence="low"),
        _p(name="import_firm_share", kind=float, default=0.5, bounds=(0.0, 1.0), unit="share",
           group="power",
           description="Share of a node's import link capacity the planner counts as firm "
                       "supply (neighbours may be short at the same time).",
           source="assumption — a conservative half of the transfer capability",
           confidence="low"),
        # --- economy and policy -----------------------------------------------------------
        _p(name="discount_rate", kind=float, default=0.10, bounds=(0.02, 0.25), unit="1/yr",
           group="economy and policy",
           description="Real discount rate investors use in NPV (real WACC).",
           source="facts.yaml macro.real_discount_rate_industry: 0.10, range 0.06-0.16 "
                  "(assumption under high key rates)",
           confidence="low"),
        _p(name="processing_subsidy_share", kind=float, default=0.0, bounds=(0.0, 0.5),
           unit="share of capex", group="economy and policy",
           description="Share of a rare-earth processing plant's capital cost paid by the state.",
           source="assumption — 0 = no dedicated support in the base year", confidence="medium"),
        _p(name="world_price_index", kind=float, default=1.0, bounds=(0.3, 3.0), unit="index",
           group="economy and policy",
           description="World rare-earth prices by stage relative to 2024 levels (1 = today).",
           source="facts.yaml ree.prices: NdPr oxide ranged ~48-125 USD/kg in 2020-2026, "
                  "i.e. about 0.5-2.3x its 2024 level",
           confidence="medium"),
        _p(name="planning_mode", kind=str, default="market", choices=("market", "coordinated"),
           unit="", group="economy and policy",
           description="market: firms decide alone, the state only announces programmes; "
                       "coordinated: the planner sequences hydro, links and support with demand.",
           source="seed: 'a unified system of strategic planning'; default = today's practice",
           confidence="medium"),
        _p(name="gdp_growth_per_year", kind=float, default=0.015, bounds=(-0.05, 0.08),
           unit="1/yr", group="economy and policy",
           description="Real growth of the economy outside the modelled facilities (each "
                       "region's base GRP grows at this rate).",
           source="facts.yaml macro.gdp_real_growth_long_run: 0.015 (consensus long-run "
                  "potential growth 1-2%/yr, assumption)",
           confidence="low"),
        _p(name="sanctions_capex_premium", kind=float, default=0.3, bounds=(0.0, 1.5),
           unit="share", group="rare earths",
           description="Extra cost of imported process equipment under sanctions (applied to "
                       "each stage's equipment_import_share of capital cost).",
           source="assumption — sanctioned equipment bought through intermediaries and "
                  "third countries costs ~20-50% more (order reported for machine tools and "
                  "electronics since 2022)",
           confidence="low"),
        _p(name="sanctions_delay_years", kind=float, default=1.0, bounds=(0.0, 5.0),
           unit="years", group="rare earths",
           description="Extra construction time for plants that depend on imported equipment.",
           source="assumption — longer, indirect supply chains for process equipment since 2022",
           confidence="low"),
        _p(name="knowhow_ramp_scale", kind=float, default=1.0, bounds=(0.0, 3.0),
           unit="x ramp-up months", group="rare earths",
           description="Scales each stage's ramp-up time of a first-of-a-kind plant; later plants "
                       "of a stage ramp faster as domestic experience grows (0 = no ramp-up).",
           source="assumption — first separation plants outside China took years to reach "
                  "nameplate output (Lynas Malaysia 2012-2015)",
           confidence="low"),
        _p(name="export_price_discount", kind=float, default=0.15, bounds=(0.0, 0.6),
           unit="share", group="rare earths",
           description="Discount on world prices for output sold abroad (offtake beyond domestic "
                       "demand, under sanctions).",
           source="assumption — of the order of the discounts on Russian commodity exports "
                  "since 2022 (e.g. Urals crude ~15-20% below Brent in 2023)",
           confidence="low"),
        _p(name="home_region_advantage", kind=float, default=0.03, bounds=(0.0, 0.2),
           unit="1/yr", group="rare earths",
           description="Extra return an investor asks for a plant outside the regions where it "
                       "already operates (no staff, suppliers or permits there yet).",
           source="assumption — brownfield sites are cheaper and surer than greenfield ones; "
                  "3 points of return is of the order of the hurdle gaps between investors",
           confidence="low"),
        _p(name="max_projects_per_year", kind=int, default=2, bounds=(1, 20),
           unit="projects/yr", group="rare earths",
           description="Most new projects one investor starts in a year (its organisation, "
                       "engineering and permitting capacity).",
           source="assumption — even large firms start a few greenfield plants a year",
           confidence="low"),
        _p(name="labour_mobile_share", kind=float, default=0.02, bounds=(0.001, 0.2),
           unit="share", group="regions and labour",
           description="Share of a region's labour force new plants and mines can hire.",
           source="assumption — Russia's unemployment is near a record low (~2.5% in 2024), "
                  "Siberian regions somewhat higher; the unemployed plus job changers willing "
                  "to move sector over a few years",
           confidence="low"),
        _p(name="labour_skilled_share", kind=float, default=0.15, bounds=(0.0, 1.0),
           unit="share", group="regions and labour",
           description="Share of that pool with the skills separation and metallurgy need.",
           source="assumption — chemical, metallurgical and engineering vocational or higher "
                  "education: about one worker in seven",
           confidence="low"),
        _p(name="labour_skilled_premium", kind=float, default=0.5, bounds=(0.0, 3.0),
           unit="share of wage", group="regions and labour",
           description="Skilled process staff earn the base wage × (1 + this).",
           source="assumption — skilled staff in Russian metallurgy and chemistry earn ~1.5x "
                  "the regional average wage",
           confidence="low"),
        _p(name="wage_elasticity", kind=float, default=1.0, bounds=(0.0, 5.0),
           unit="x base wage", group="regions and labour",
           description="Wage rise when the pool is fully hired (it starts at half use).",
           source="assumption — offers doubling at full use: the scale of northern "
                  "construction booms",
           confidence="low"),
        _p(name="wage_threshold", kind=float, default=0.5, bounds=(0.0, 0.95), unit="share",
           group="regions and labour",
           description="Share of the pool hired before wages start to rise.",
           source="assumption — employers find workers at the going wage until half the pool "
                  "is hired",
           confidence="low"),
        _p(name="migration_premium", kind=float, default=0.6, bounds=(0.0, 3.0),
           unit="share of wage", group="regions and labour",
           description="Extra wage share that draws workers from elsewhere beyond the pool.",
           source="assumption — relocation, climate and rotation; cf. the northern wage "
                  "coefficients of 1.3-2.0 (facts.yaml labour.northern_premium uses 0.5)",
           confidence="low"),
        _p(name="plant_life_years", kind=int, default=20, bounds=(5, 40), unit="years",
           group="rare earths",
           description="Life over which investors value a plant or mine (NPV horizon).",
           source="assumption — typical economic life of chemical and metallurgical plants",
           confidence="medium"),
        _p(name="closure_months", kind=int, default=24, bounds=(3, 120), unit="months",
           group="rare earths",
           description="A plant or mine that loses money this many months in a row closes.",
           source="assumption — firms tolerate about two years of losses before closing",
           confidence="low"),
        _p(name="feed_imports_allowed", kind=bool, default=True, unit="on/off",
           group="rare earths",
           description="Plants may import feed (concentrate, oxides, metals) when domestic "
                       "supply is short; off = domestic feed only (e.g. an embargo).",
           source="assumption — today Russia imports REE metals and magnets mostly from China "
                  "(facts.yaml trade.ree_direct_trade)",
           confidence="medium"),
        _p(name="feed_import_cap_t_per_year", kind=float, default=5000.0,
           bounds=(0.0, 200000.0), unit="t REO-eq/yr", group="rare earths",
           description="Most feed (concentrate, oxides or metals) each processing stage can "
                       "import in a year: the world's supply open to Russia is limited.",
           source="assumption — of the order of Russia's imports of REE metals and magnets "
                  "today (facts.yaml trade.ree_direct_trade.imports: 0.1-0.5 bn USD/yr, i.e. "
                  "~2-8 kt REO-eq at 2024 metal prices); China, the main supplier, restricts "
                  "exports of REE materials",
           confidence="low"),
        # --- sectors beyond rare earths (issue #10, model/sectors.py) ----------------------
        _p(name="aluminium_price_multiplier", kind=float, default=1.0, bounds=(0.3, 3.0),
           unit="index", group="sectors",
           description="World aluminium price relative to the scenario's path (1 = as given; "
                       "2 = an aluminium boom).",
           source="facts.yaml sectors.aluminium.world_price_LME_2024_USD_per_t: LME 2,419 "
                  "USD/t in 2024, 2,630 in 2025; LME ranged ~1,500-3,900 USD/t in 2000-2022 "
                  "(recalled), i.e. about 0.6-1.6x",
           confidence="medium"),
        _p(name="sector_expansion", kind=bool, default=True, unit="on/off", group="sectors",
           description="Investors may build new plants of the sectors beyond rare earths "
                       "(aluminium, electronics, gas chemistry, timber); off = today's plants "
                       "only.",
           source="assumption — a switch to isolate the sectors' competition for power, "
                  "labour and freight",
           confidence="high"),
        # --- threats ----------------------------------------------------------------------
        _p(name="threat_intensity", kind=float, default=1.0, bounds=(0.0, 5.0), unit="index",
           group="threats",
           description="Western threat level (1 = the 2024-2025 level, 0 = none).",
           source="facts.yaml threats.default_intensity.west (assumption)", confidence="low"),
        _p(name="threat_intensity_east", kind=float, default=0.0, bounds=(0.0, 5.0), unit="index",
           group="threats",
           description="Eastern threat level (0 = none, as in the base year).",
           source="facts.yaml threats.default_intensity.east (assumption)", confidence="medium"),
        _p(name="backups_allowed", kind=bool, default=True, unit="", group="threats",
           description="Whether exposed incumbents may build backup capacity in Siberia.",
           source="seed: 'backup production facilities ... in Siberian regions'",
           confidence="medium"),
        _p(name="hit_probability_at_front", kind=float, default=0.01, bounds=(0.0, 0.1),
           unit="1/month", group="threats",
           description="Monthly probability that a facility at the frontier is hit, at "
                       "intensity 1; it falls with distance (the range scales).",
           source="facts.yaml threats.monthly_hit_probability_at_front: 0.01 (assumption — "
                  "order of magnitude for a large industrial site within 500 km of the front, "
                  "2024-2025)",
           confidence="low"),
        _p(name="threat_range_west_km", kind=float, default=700.0, bounds=(100.0, 4000.0),
           unit="km", group="threats",
           description="Distance over which the western hazard falls by a factor e "
                       "(exponential decay from the front line).",
           source="facts.yaml threats.western_strike_ranges_km: most strikes 0-1,000 km, "
                  "refinery strikes at 1,200-2,000 km, rare beyond (Irkutsk airbase, ~4,000 km, "
                  "June 2025); 700 km puts the hazard at 1,000 km at a quarter of the front's, "
                  "at 2,000 km at 6%, at 4,000 km at 0.3% (assumption)",
           confidence="low"),
        _p(name="threat_range_east_km", kind=float, default=800.0, bounds=(100.0, 4000.0),
           unit="km", group="threats",
           description="Distance over which the eastern hazard falls by a factor e from the "
                       "Pacific coast and the land border east of Baikal.",
           source="facts.yaml threats.eastern_reference.strike_range_km: 1,600-2,500 km "
                  "(published cruise-missile ranges, assumption, low); 800 km puts the hazard at "
                  "2,000 km at 8% of the coast's (assumption)",
           confidence="low"),
        _p(name="disruption_median_months", kind=float, default=2.0, bounds=(0.25, 12.0),
           unit="months", group="threats",
           description="Median time a hit facility stays offline (lognormal; 5-95% range "
                       "about a sixth to six times the median).",
           source="facts.yaml threats.damage.offline_months: median 2, range 0.25-12 "
                  "(assumption — refinery strikes 2024-2025 took units offline for weeks to "
                  "months)",
           confidence="low"),
        _p(name="capital_destroyed_max_share", kind=float, default=0.3, bounds=(0.0, 1.0),
           unit="share", group="threats",
           description="A hit destroys a share of the facility's capital drawn uniformly "
                       "between 0.02 and this value.",
           source="facts.yaml threats.damage.capital_destroyed_share: 0.02-0.3 (assumption)",
           confidence="low"),
        _p(name="backup_hazard_threshold", kind=float, default=0.002, bounds=(0.0, 0.1),
           unit="1/month", group="threats",
           description="Monthly hit probability above which an incumbent builds a standby "
                       "backup of a plant in Siberia (when backups are allowed).",
           source="assumption — a fifth of the front's hazard: about 1,100 km from the front at "
                  "today's intensity (Moscow region and the Volga refineries)",
           confidence="low"),
        _p(name="backup_cost_premium", kind=float, default=0.8, bounds=(0.1, 1.5),
           unit="share of capex", group="threats",
           description="A standby backup plant costs this share of a new plant's capital "
                       "(plus standby upkeep of 2% of that capital a year).",
           source="facts.yaml threats.backup_cost_premium: 0.8 (assumption); upkeep 2%/yr: "
                  "assumption — mothballed plants keep staff, heating and maintenance",
           confidence="low"),
        # --- transport --------------------------------------------------------------------
        _p(name="nsr_rail_link_year", kind=int, default=0, bounds=(2026, 2050), special={0: "never"},
           unit="year", group="transport",
           description="Year the Northern Sea Route ports are joined to the railway network "
                       "(0 = never).",
           source="facts.yaml transport.planned_links: Northern Latitudinal Railway and "
                  "Bovanenkovo-Sabetta have no firm date; default = not built",
           confidence="low"),
        _p(name="icebreaker_support", kind=float, default=0.0, bounds=(0.0, 1.0), unit="0-1",
           group="transport",
           description="Icebreaker support on the Northern Sea Route: 0 = today's fleet (the "
                       "navigation windows of the scenario), 1 = year-round navigation; in "
                       "between, closed months open nearest the season first.",
           source="assumption — Rosatom's fleet plans aim at year-round navigation on the whole "
                  "route (facts.yaml transport.nsr); 0 is today",
           confidence="low"),
        _p(name="tariff_response", kind=float, default=0.5, bounds=(0.0, 3.0), unit="x",
           group="transport",
           description="How shippers raise tariffs as their lines fill: cost factor = 1 + this "
                       "x (utilisation - 0.7) above 70% last year.",
           source="assumption — scarcity pricing of rail and fleet capacity; RZD's tariffs are "
                  "regulated, so the default is moderate",
           confidence="low"),
        _p(name="capacity_expansion_step", kind=float, default=0.05, bounds=(0.0, 0.3),
           unit="share/yr", group="transport",
           description="Capacity a shipper adds in a year when its lines ran above 90% "
                       "(online after 3 years for rail, 2 for fleets).",
           source="facts.yaml transport.rail.eastern_polygon: capacity 144 Mt (2021) -> 158 "
                  "(2022) -> 173 (2023) -> 180 (2024), i.e. ~5-9%/yr with record investment",
           confidence="medium"),
        _p(name="industrial_base", kind=float, default=1.0, bounds=(0.0, 2.0), unit="x",
           group="transport",
           description="Siberia's industrial cargo (the [[background_freight]] rows marked "
                       "industrial: coal, oil products, timber, metals and containers on the "
                       "eastern corridors) relative to today; 0 = no industrial base, only the "
                       "Arctic resource projects' own cargo.",
           source="seed: without an industrial base the transport links may not pay; 1 = the "
                  "observed volumes of the rows (facts transport.rail.eastern_polygon)",
           confidence="medium"),
        _p(name="shipyard_capacity_factor", kind=float, default=1.0, bounds=(0.0, 5.0),
           unit="x", group="transport",
           description="Scales what the Siberian and Far Eastern yards deliver a year (the "
                       "[[shipyards]] rows); 0 = no yard capacity: river and ice-class fleets "
                       "cannot grow.",
           source="facts.yaml transport.shipbuilding (yards and their output); 1 = the "
                  "scenario's rows",
           confidence="low"),
        _p(name="shipyard_support_share", kind=float, default=0.0, bounds=(0.0, 1.0),
           unit="share", group="transport",
           description="Share of a shipyard expansion's capital paid by the state (Zhatai and "
                       "Zvezda were built with public money).",
           source="facts.yaml transport.shipbuilding: Zhatai ~4.2 bn RUB federal; default = "
                  "market (no support)",
           confidence="medium"),
        _p(name="river_development", kind=float, default=0.0, bounds=(0.0, 1.0), unit="0-1",
           group="transport",
           description="Development of the Ob, Yenisei and Lena waterways (0 = today, 1 = "
                       "longest seasons and largest capacity considered).",
           source="assumption — scale of the 2030 inland-waterway target (facts.yaml "
                  "transport.rivers: 200 Mt by 2030 vs ~105-116 Mt today)",
           confidence="low"),
        _p(name="nsr_rail_link_capex_usd", kind=float, default=100e9 / 92.6,
           bounds=(0.0, 5e9), unit="USD", group="transport",
           description="Capital cost of the rail link from the trunk lines to an Arctic port "
                       "(nsr_rail_link_year), spent evenly over the 4 years before it opens.",
           source="facts.yaml transport.planned_links.obskaya_sabetta: ~100 bn RUB at 92.6 "
                  "RUB/USD (macro.usd_rub_2024_avg)",
           confidence="low"),
        _p(name="river_programme_capex_usd", kind=float, default=300e9 / 92.6,
           bounds=(0.0, 1e10), unit="USD", group="transport",
           description="Capital cost of the full waterway programme (river_development = 1: "
                       "ports, dredging, river icebreakers on three basins), spent over the "
                       "run's first 5 years in proportion to river_development.",
           source="assumption — ~100 bn RUB per basin (ports on the scale of Dudinka's 40 bn "
                  "RUB programme, facts transport.nsr.ports.dudinka, plus dredging and "
                  "icebreakers) x 3 basins; facts.yaml gives no inland-waterway programme cost",
           confidence="low"),
        _p(name="rail_infrastructure_margin_share", kind=float, default=0.55 * 0.3,
           bounds=(0.0, 0.6), unit="share", group="transport",
           description="Share of a tonne's rail freight bill the infrastructure owner keeps as "
                       "margin: the income of the rail link and Eastern Polygon accounts.",
           source="RZD's share of the shipper's cost 0.55 (facts transport.rail.tariff."
                  "rzd_share_of_shipper_cost, IPEM 2014, medium) x an operating margin of 0.3 "
                  "(assumption)",
           confidence="low"),
        _p(name="river_infrastructure_margin_share", kind=float, default=0.15,
           bounds=(0.0, 0.6), unit="share", group="transport",
           description="Share of a tonne's river freight bill that is margin for the waterway "
                       "programme's account.",
           source="assumption — a fleet operator's operating margin",
           confidence="low"),
        _p(name="shipyard_margin_share", kind=float, default=0.15, bounds=(0.0, 0.6),
           unit="share", group="transport",
           description="A shipyard's operating margin on an order: the cash flow an expansion "
                       "is appraised on.",
           source="assumption — shipbuilding margins",
           confidence="low"),
    ]
}


class Params(Mapping[str, Any]):
    """Validated parameter values, read as attributes (``params.discount_rate``) or as a mapping."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]):
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Params are read-only; make a new model with other values")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"


def parameter(name: str) -> Parameter:
    """The catalogue entry for ``name``; an unknown name raises with the closest valid one."""
    try:
        return PARAMETERS[name]
    except KeyError:
        raise ParameterError(
            f"unknown parameter '{name}'{closest(name, list(PARAMETERS))}; "
            f"valid names: {', '.join(PARAMETERS)}"
        ) from None


def defaults() -> dict[str, Any]:
    """Every parameter at its catalogue default."""
    return {name: p.default for name, p in PARAMETERS.items()}


def resolve(*layers: Mapping[str, Any]) -> Params:
    """Defaults overridden by each layer in turn (scenario, then user), every value validated."""
    values = defaults()
    for layer in layers:
        for name, value in layer.items():
            values[name] = parameter(name).validate(value)
    return Params(values)


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``NAME=VALUE`` from the command line into a validated pair."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ParameterError(f"expected NAME=VALUE, got '{text}'")
    p = parameter(name.strip())
    return p.name, p.parse(raw)


def catalogue_markdown() -> str:
    """``docs/parameters.md``: the catalogue as tables by group (generated; do not edit)."""
    lines = [
        "# Parameters",
        "",
        "Generated from the parameter catalogue (`model/params.py`) by "
        "`siberia params --markdown`; do not edit by hand. A test fails when this page is stale.",
        "",
        "Confidence: **high** = official or widely published; **medium** = a published estimate; "
        "**low** = an assumption, a candidate for a sweep range.",
        "",
    ]
    groups: dict[str, list[Parameter]] = {}
    for p in PARAMETERS.values():
        groups.setdefault(p.group, []).append(p)
    for group, params in groups.items():
        lines += [f"## {group[0].upper()}{group[1:]}", "",
                  "| name | default | valid values | unit | description | source (confidence) "
                  "| mechanism |",
                  "|---|---|---|---|---|---|---|"]
        for p in params:
            cells = [f"`{p.name}`", f"`{p.default!r}`", p.domain(), p.unit or "—",
                     p.description, f"{p.source} ({p.confidence})", p.effect]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)
