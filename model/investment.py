"""Investment appraisal: candidate projects, their NPV, and building the chosen one.

A candidate is a plant of one stage at one site in one size, or the development of a deposit;
projects of the other sectors (aluminium, electronics, ...) are valued the same way by
``model/sectors_invest.py`` and compete for the same investors' budgets here.
Its value to an investor, per year at full output (docs/ODD.md §7.2):

* prices — today's world prices by stage (``world_price_index`` × the scenario's path at the
  current date): investors expect them to last;
* revenue — the part of its output that domestic final demand left uncovered by plants built or
  under construction (at its online year) sells at import parity, the rest at export prices;
* feed — domestic upstream output (operating or committed) at its export price, the rest
  imported at import parity up to ``feed_import_cap_t_per_year`` less what committed plants
  already import (none if ``feed_imports_allowed`` is off): output shrinks to the feed;
* power — energy intensity × the *expected* price at the site's node: the power market solved
  for a typical winter and summer month four years ahead with the capacity that will exist then
  (hydro under construction; in ``coordinated`` mode also the planner's announced programme,
  which it then builds); other operating cost, wages at the region's current wage, and freight
  (placeholder: distance-based, ``model/chain.freight_cost_usd_per_t``);
* profit tax at 25%;
* capital: the stage's capex per t/yr × the learning factor (cumulative domestic capacity of
  the stage, ``learning_rate`` per doubling) × (1 + ``sanctions_capex_premium`` × imported
  equipment share), less ``processing_subsidy_share`` paid by the state; spent evenly over the
  lead time (the stage's, plus ``sanctions_delay_years`` × the imported share);
* the first plants of a stage lose output while ramping up (know-how).

NPV at ``discount_rate`` + the investor's hurdle premium + ``home_region_advantage`` outside the
regions where it already operates + the site's risk premium (its expected
yearly loss share from threats, ``model/threats.py``) over ``plant_life_years``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from agents.facility import FacilityState
from agents.processing_plant import RAMP_START_SHARE
from model.chain import PROFIT_TAX, STAGES

if TYPE_CHECKING:
    from agents import Investor
    from model.siberia_model import SiberiaModel

FORECAST_AHEAD_YEARS = 4  # investors look at the power system about a plant's lead time ahead
CHINA_BORDER = (49.65, 117.33)  # Zabaikalsk: where imported feed enters (placeholder freight)


class Project(NamedTuple):
    """A candidate project. An immutable record that is cheap to make: a January values
    thousands of them (a frozen dataclass costs four times as much to create)."""

    kind: str  # "plant" | "mine"
    stage: str
    site_id: str  # industrial site id, or the deposit id
    size_t_per_year: float  # product t/yr (REO-eq for a mine)
    capex_usd: float  # paid by the investor (after support)
    subsidy_usd: float
    npv_usd: float
    lead_years: int
    imported_share: float

    @property
    def profitability(self) -> float:
        return self.npv_usd / max(self.capex_usd + self.subsidy_usd, 1.0)


@dataclass(frozen=True)
class Offer:
    """Plants of one stage (or sector) in each size (rows) at each site (columns), valued at
    once: a January values thousands of them and builds a few, so a :class:`Project` is made
    only for those asked for."""

    stage: str
    site_ids: list[str]
    sizes: list[float]  # per row: product t/yr (a sector's units/yr)
    capex_usd: list[float]  # per row: paid by the investor (after support)
    subsidy_usd: list[float]  # per row
    npv_usd: np.ndarray  # (sizes, sites)
    lead_years: int
    imported_share: float

    def project(self, i: int, j: int, npv_usd: float) -> Project:
        return Project("plant", self.stage, self.site_ids[j], self.sizes[i], self.capex_usd[i],
                       self.subsidy_usd[i], npv_usd, self.lead_years, self.imported_share)

    def projects(self) -> list[Project]:
        """Every project, size by size, site by site."""
        return [self.project(i, j, value) for i, row in enumerate(self.npv_usd.tolist())
                for j, value in enumerate(row)]

    def best(self, budget_usd: float) -> Project | None:
        """The project :func:`best_project` would pick among these: the first of the best
        by :func:`_rank` of those with NPV > 0 whose yearly outlay fits ``budget_usd`` (the
        same divisions as :attr:`Project.profitability`, on arrays)."""
        rows = [i for i, capex in enumerate(self.capex_usd)
                if capex / self.lead_years <= budget_usd]
        if not rows:
            return None
        npv = self.npv_usd[rows]
        good = npv > 0
        if not good.any():
            return None
        paid = np.array([max(self.capex_usd[i] + self.subsidy_usd[i], 1.0) for i in rows])
        profitability = npv / paid[:, None]
        top = profitability[good].max()
        ii, jj = np.nonzero(good & (profitability == top))  # size by size, site by site
        return max((self.project(rows[i], j, float(npv[i, j]))
                    for i, j in zip(ii.tolist(), jj.tolist(), strict=True)), key=_rank)


def _rank(project: Project) -> tuple:
    """How investors rank projects: profitability index, then NPV (then ids, for a total order)."""
    return project.profitability, project.npv_usd, project.site_id, project.stage


@dataclass(frozen=True)
class PlantRow:
    """A plant created by an investor, as a facility row."""

    id: str
    name: str
    region: str
    lat: float
    lon: float
    source: str = "built by an investor in the run (model/investment.py)"
    confidence: str = "medium"


def npv(capex_usd: float, lead_years: int, cash_usd_per_year: float, life_years: int,
        rate: float, first_year_loss_usd: float = 0.0) -> float:
    """Capital spread over the lead years, then ``life_years`` of cash, discounted at ``rate``."""
    lead = max(lead_years, 1)
    spend = sum(capex_usd / lead / (1 + rate) ** y for y in range(lead))
    annuity = (1 - (1 + rate) ** -life_years) / rate if rate > 0 else float(life_years)
    income = cash_usd_per_year * annuity / (1 + rate) ** lead
    return income - spend - first_year_loss_usd / (1 + rate) ** lead


def npv_many(capex_usd: np.ndarray, lead_years: int, cash_usd_per_year: np.ndarray,
             life_years: int, rates: np.ndarray, first_year_loss_usd: np.ndarray | float = 0.0,
             compensated: np.ndarray | bool = True) -> np.ndarray:
    """:func:`npv` of projects of one lead time: sizes (rows: ``capex_usd`` a column) at sites
    (columns: one rate per site), cash and ramp loss per project.

    Equal to calling :func:`npv` project by project, bit for bit: the same operations in the
    same order on the same discount factors, the capital's yearly terms added as the built-in
    ``sum`` adds them (:func:`_builtin_sum`; ``compensated``: where the capex was a Python float
    rather than a NumPy scalar, per row)."""
    lead = max(lead_years, 1)
    rates = tuple(np.asarray(rates).tolist())
    power, annuity = _discount_factors(rates, lead, life_years)
    capex = np.asarray(capex_usd, dtype=float)
    spend = _capital_spend(tuple(capex.ravel().tolist()), capex.shape,
                           tuple(np.broadcast_to(compensated, capex.shape).ravel().tolist()),
                           rates, lead, life_years)
    income = cash_usd_per_year * annuity / power[lead]
    return income - spend - first_year_loss_usd / power[lead]


@functools.lru_cache(maxsize=1024)
def _capital_spend(capex: tuple[float, ...], shape: tuple[int, ...], compensated: tuple[bool, ...],
                   rates: tuple[float, ...], lead: int, life_years: int) -> np.ndarray:
    """The capital's discounted yearly terms added up, for :func:`npv_many` (``capex`` and
    ``compensated`` flattened from ``shape``). Read-only: cached, as an investor values the
    same sizes at the same sites year after year until the learning curve moves (nine calls
    in ten a run)."""
    power = _discount_factors(rates, lead, life_years)[0]
    capex_usd = np.array(capex).reshape(shape)
    spend = _builtin_sum([capex_usd / lead / power[y] for y in range(lead)],
                         np.array(compensated).reshape(shape))
    spend.flags.writeable = False
    return spend


@functools.lru_cache(maxsize=1024)
def _discount_factors(rates: tuple[float, ...], lead: int,
                      life_years: int) -> tuple[np.ndarray, np.ndarray]:
    """((lead + 1, n) array of (1 + rate)^y for y = 0..lead, (n,) annuity factors over
    ``life_years``) for n sites' rates, as :func:`npv` computes them (on Python floats: the
    same ``pow`` as there). Read-only: cached, as an investor's rates repeat all year."""
    power = np.array([[(1 + rate) ** y for rate in rates] for y in range(lead + 1)])
    annuity = np.array([(1 - (1 + rate) ** -life_years) / rate if rate > 0
                        else float(life_years) for rate in rates])
    power.flags.writeable = annuity.flags.writeable = False
    return power, annuity


def _builtin_sum(terms: list[np.ndarray], compensated: np.ndarray | bool) -> np.ndarray:
    """Element by element, what the built-in ``sum()`` gives for the terms as :func:`npv` sees
    them: it adds Python floats with Neumaier's compensation (since Python 3.12), replayed here,
    but NumPy scalars (a float subclass: a capex that went through the learning curve is one)
    one after another, uncompensated."""
    compensated = np.asarray(compensated)
    total = naive = 0.0 + terms[0]
    if not compensated.any():
        for x in terms[1:]:
            naive = naive + x
        return naive
    comp = np.zeros_like(total)
    for x in terms[1:]:
        naive = naive + x
        t = total + x
        comp += np.where(np.abs(total) >= np.abs(x), (total - t) + x, (x - t) + total)
        total = t
    neumaier = np.where((comp != 0) & np.isfinite(comp), total + comp, total)
    return neumaier if compensated.all() else np.where(compensated, neumaier, naive)


def learning_factor(cumulative_t: float, first_plant_t: float, learning_rate: float) -> float:
    """Capex multiplier after ``cumulative_t`` of domestic capacity (1 for the first plant)."""
    if learning_rate <= 0 or cumulative_t <= first_plant_t:
        return 1.0
    b = -math.log2(1.0 - learning_rate)
    return (cumulative_t / first_plant_t) ** (-b)


def site_risk_premium(model: SiberiaModel, lat: float, lon: float) -> float:
    """Risk premium on the discount rate from a site's threat exposure: the expected yearly
    loss share (capital destroyed and output lost) of a plant there (``model/threats.py``)."""
    threats = getattr(model, "threats", None)
    return threats.site_premium(lat, lon) if threats is not None else 0.0


def site_rates(model: SiberiaModel, investor: Investor, sites: list) -> np.ndarray:
    """Each site's discount rate for an investor: ``discount_rate`` + its hurdle premium + the
    site's risk premium + ``home_region_advantage`` outside its home regions (added in that
    order, as on Python floats)."""
    p = model.params
    # kept per investor, sites and the parameters read: a January asks for them stage by stage
    # and again after each project started, and the sites' premiums are fixed for the run
    key = (tuple(site.id for site in sites), p.discount_rate, investor.hurdle_premium,
           p.home_region_advantage, tuple(investor.home_regions))
    rates = investor.site_rates.get(key)
    if rates is None:
        premium, regions = model.chain.site_premiums(sites)
        away = np.array([region not in investor.home_regions for region in regions])
        rates = investor.site_rates[key] = (p.discount_rate + investor.hurdle_premium + premium
                                            + np.where(away, p.home_region_advantage, 0.0))
        rates.flags.writeable = False
    return rates


def _committed_t_reo(model: SiberiaModel, stage: str) -> float:
    chain = model.chain
    states = (FacilityState.OPERATING, FacilityState.BUILDING)
    return chain.stage_capacity_t_per_year(stage, states) * chain.k[STAGES.index(stage)]


def _ramp_months(model: SiberiaModel, stage: str) -> float:
    row = model.chain.stage_rows[stage]
    built = sum(1 for p in model.processing_plants if p.stage == stage
                and p.state in (FacilityState.OPERATING, FacilityState.RETIRED))
    return row.ramp_up_months * model.params.knowhow_ramp_scale / (1 + built)


def appraise_stage(model: SiberiaModel, investor: Investor, stage: str, sites: list, year: int,
                   prices: np.ndarray) -> list[Project]:
    """Every plant of one stage at ``sites`` in the stage's sizes."""
    offer = stage_offer(model, investor, stage, sites, year, prices)
    return offer.projects() if offer is not None else []


def stage_offer(model: SiberiaModel, investor: Investor, stage: str, sites: list, year: int,
                prices: np.ndarray) -> Offer | None:
    """Every plant of one stage at ``sites`` in the stage's sizes (vectorised over sites);
    None where the feed allows no plant."""
    p = model.params
    chain = model.chain
    s = STAGES.index(stage)
    row = chain.stage_rows[stage]
    k = chain.k[s]
    lead = max(int(round(row.lead_time_years + p.sanctions_delay_years
                         * row.equipment_import_share)), 1)
    online = year + lead
    # investors expect today's prices to last (no foresight of the scenario's price path)
    index = chain.price_index(model.calendar.fractional_year)
    world = chain.world_price * index
    imp = world * (1 + chain.import_markup)
    exp = world * (1 - p.export_price_discount)
    feed_world = chain.feed_world_price[s] * index[s - 1]
    committed = _committed_t_reo(model, stage)
    # feed: domestic upstream capacity not yet spoken for by this stage's committed plants
    upstream_total = _committed_t_reo(model, STAGES[s - 1]) * chain.feed_share[s]
    upstream = max(upstream_total - committed / chain.recovery[s], 0.0)
    # imported feed: up to the yearly cap, less what committed plants already import
    import_room = 0.0 if not p.feed_imports_allowed else max(
        p.feed_import_cap_t_per_year - max(committed / chain.recovery[s] - upstream_total, 0.0),
        0.0)
    demand = chain.final_demand_t_per_year(online - model.calendar.start_year + 0.5)[s]
    dom_left = max(demand - committed, 0.0)
    node, to_market, from_border = chain.site_arrays(sites)
    site_power = prices[node]
    site_wage = chain.site_wages(stage, sites)
    rate = site_rates(model, investor, sites)
    ramp_months = _ramp_months(model, stage)
    first = row.plant_sizes_tpa[0] * k
    # each size's scalars, as Python computes them; then every (size, site) at once
    plans = []  # (size, t of feed imported / upstream k, revenue - feed, jobs, capex, subsidy)
    for size0 in row.plant_sizes_tpa:
        size = size0
        need = size * k / chain.recovery[s]
        dom_feed = min(need, upstream)
        if need - dom_feed > import_room:  # not enough feed: a smaller plant is all it can run
            need = dom_feed + import_room
            size = need * chain.recovery[s] / k
        if size <= 0:
            continue
        q = size * k  # REO-eq/yr
        dom_q = min(q, dom_left)
        revenue = dom_q * imp[s] + (q - dom_q) * exp[s]
        feed = (dom_feed * feed_world * (1 - p.export_price_discount)
                + (need - dom_feed) * feed_world * (1 + chain.import_markup[s - 1]))
        jobs = row.jobs_per_kt * size / 1000.0
        capex = (size * row.capex_usd_per_tpa
                 * learning_factor(committed + q, first, row.learning_rate)
                 * (1 + p.sanctions_capex_premium * row.equipment_import_share))
        subsidy = capex * p.processing_subsidy_share
        plans.append((size, (need - dom_feed) / chain.k[s - 1], revenue - feed, jobs, capex,
                      subsidy))
    if not plans:
        return None

    def column(i: int) -> np.ndarray:
        return np.array([plan[i] for plan in plans], dtype=float)[:, None]

    size, imported, margin, jobs = column(0), column(1), column(2), column(3)
    freight = size * to_market + imported * from_border
    cash = (margin - size * row.energy_mwh_per_t * site_power
            - size * row.opex_usd_per_t - jobs * site_wage * 12 - freight)
    cash = cash - PROFIT_TAX * np.maximum(cash, 0.0)
    # a linear ramp from RAMP_START_SHARE to full output loses half the gap on average
    ramp_loss = np.maximum(cash, 0.0) * (1 - RAMP_START_SHARE) / 2 * ramp_months / 12.0
    paid = [plan[4] - plan[5] for plan in plans]
    values = npv_many(np.array(paid)[:, None], lead, cash, p.plant_life_years, rate, ramp_loss,
                      compensated=np.array([[type(c) is float] for c in paid]))
    return Offer(stage, [site.id for site in sites], [plan[0] for plan in plans], paid,
                 [plan[5] for plan in plans], values, lead, row.equipment_import_share)


def appraise_mine(model: SiberiaModel, investor: Investor, mine, year: int) -> list[Project]:
    """Developing a deposit: its own plan where the data give one (capacity, capex, lead time),
    otherwise the mining stage's sizes at the stage's capex per t/yr and lead time. A mine
    sells concentrate at its export price (domestic separation plants pay the same: it is
    the concentrate's opportunity cost)."""
    p = model.params
    chain = model.chain
    row = chain.stage_rows["mining"]
    world = chain.world_price * chain.price_index(model.calendar.fractional_year)
    price = world[0] * (1 - p.export_price_discount)
    rate = p.discount_rate + investor.hurdle_premium + site_risk_premium(model, mine.lat, mine.lon)
    if mine.planned_capacity_t_reo_per_year and mine.capex_usd:
        plans = [(mine.developed_capacity_t_reo_per_year(), mine.capex_usd,
                  mine.lead_time_years or row.lead_time_years, mine.jobs)]
    else:
        plans = [(size, size * row.capex_usd_per_tpa, mine.lead_time_years or row.lead_time_years,
                  row.jobs_per_kt * size / 1000.0) for size in row.plant_sizes_tpa]
    out = []
    for q, capex, lead_years, jobs in plans:
        if q <= 0:
            continue
        lead = max(int(round(lead_years)), 1)
        cash = q * (price - (mine.opex_usd_per_t_reo or row.opex_usd_per_t)) \
            - jobs * chain.wage_general[mine.region] * 12
        cash -= PROFIT_TAX * max(cash, 0.0)
        life = p.plant_life_years
        if mine.reserves_t_reo > 0:
            life = max(min(life, int(mine.reserves_t_reo / q)), 1)
        value = npv(capex, lead, cash, life, rate)
        out.append(Project("mine", "mining", mine.facility_id, q, capex, 0.0, value, lead, 0.0))
    return out


def _appraisals(model: SiberiaModel, investor: Investor, year: int) -> list[Offer | list[Project]]:
    """The projects open to an investor, stage by stage: a plant stage's or a sector's as an
    :class:`Offer`, the deposits' as projects."""
    prices = model.expected_node_prices(year)
    out: list[Offer | list[Project]] = []
    sectors = getattr(model, "sectors", None)
    for stage in investor.stages:
        if sectors is not None and stage in sectors.rows:  # aluminium, electronics, ...
            offer = sectors.appraise(investor, stage, year, prices)
        elif stage == "mining":
            offer = [pr for mine in model.chain.mines() if mine.state is FacilityState.PLANNED
                     for pr in appraise_mine(model, investor, mine, year)]
        else:
            sites = list(model.scenario_data.industrial_sites)
            offer = stage_offer(model, investor, stage, sites, year, prices) if sites else None
        if offer:
            out.append(offer)
    return out


def candidates(model: SiberiaModel, investor: Investor, year: int) -> list[Project]:
    out: list[Project] = []
    for offer in _appraisals(model, investor, year):
        out.extend(offer.projects() if isinstance(offer, Offer) else offer)
    return out


def best_project(model: SiberiaModel, investor: Investor, year: int,
                 budget_usd: float) -> Project | None:
    """The candidate with the best profitability index among those with NPV > 0 whose yearly
    capital outlay fits the investor's remaining yearly budget (the first such, in the
    order of :func:`candidates`)."""
    best = []
    for offer in _appraisals(model, investor, year):
        if isinstance(offer, Offer):
            pick = offer.best(budget_usd)
            if pick is not None:
                best.append(pick)
        else:
            best.extend(pr for pr in offer
                        if pr.npv_usd > 0 and pr.capex_usd / pr.lead_years <= budget_usd)
    return max(best, key=_rank) if best else None


def build(model: SiberiaModel, investor: Investor, project: Project, year: int) -> str:
    """Start the project: a new plant agent (building) or a deposit's development."""
    from agents import ProcessingPlant

    chain = model.chain
    months = project.lead_years * 12
    chain.spend_capex(project.capex_usd + project.subsidy_usd, months, project.imported_share,
                      project.subsidy_usd / max(project.capex_usd + project.subsidy_usd, 1.0))
    sectors = getattr(model, "sectors", None)
    if sectors is not None and project.stage in sectors.rows:
        from model.sectors_invest import build_sector_plant

        return build_sector_plant(sectors, investor, project, year)
    if project.kind == "mine":
        mine = model.facilities[project.site_id]
        mine.develop(year, project.lead_years, investor.investor_id, project.size_t_per_year,
                     project.capex_usd)
        return mine.facility_id
    site = next(s for s in model.scenario_data.industrial_sites if s.id == project.site_id)
    n = sum(1 for f in model.facilities if f.startswith(f"{project.stage}_{site.id}_"))
    fid = f"{project.stage}_{site.id}_{n + 1}"
    row = PlantRow(id=fid, name=f"{project.stage.capitalize()} plant {n + 1} at {site.name}",
                   region=site.region, lat=site.lat, lon=site.lon)
    node = site.power_node or model.power.region_node[site.region]
    plant = ProcessingPlant(model, row, model.cell_at(site.lat, site.lon), project.stage,
                            project.size_t_per_year, investor.investor_id, FacilityState.BUILDING,
                            year + project.lead_years, project.capex_usd + project.subsidy_usd,
                            power_node=node)
    model.register_facility(plant)
    return fid
