"""Projects of the sectors beyond rare earths, valued with the chain's NPV (``model/investment.py``).

A candidate is a plant of one sector at one of its sites (the sector row's ``sites``, else every
industrial site) in one of its ``plant_sizes`` (units/yr of capacity). Per year at full output
(capacity × ``max_utilisation``), as for a rare-earth stage:

* revenue — the part of its output that domestic demand open to the sector leaves uncovered by
  its plants operating or under construction sells at import parity, the rest at export prices;
  today's world prices (``[[world_price_paths]]`` at the current date, × the aluminium
  multiplier): investors expect them to last;
* costs — bought materials, power at the *expected* price at the site's node (the same forecast
  the chain's investors use: committed loads, the smelters' included, push it up), freight of its
  cargo to its market, wages at the region's current wage; profit tax at 25%;
* capital — capex per unit/yr × the learning factor over capacity built in the run ×
  (1 + ``sanctions_capex_premium`` × imported equipment share), spent over the lead time
  (+ ``sanctions_delay_years`` × the imported share); no public support (the catalogue's
  ``processing_subsidy_share`` is for rare-earth processing);
* NPV at ``discount_rate`` + the investor's hurdle premium + ``home_region_advantage`` outside its
  home regions + the site's threat risk premium, over ``plant_life_years``.

``sector_expansion`` off: no sector project is offered (today's plants only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.facility import FacilityState
from model.chain import PROFIT_TAX
from model.investment import Offer, PlantRow, Project, learning_factor, npv_many, site_rates

if TYPE_CHECKING:
    from agents import Investor
    from model.sectors import SectorSystem


def appraise_sector(system: SectorSystem, investor: Investor, sector: str, year: int,
                    prices: np.ndarray) -> Offer | None:
    """Every plant of ``sector`` at its sites in its sizes (vectorised over sites); None where
    none is offered."""
    model = system.model
    p = model.params
    if not p.sector_expansion:
        return None
    row = system.rows[sector]
    sites = [s for s in model.scenario_data.industrial_sites if not row.sites or s.id in row.sites]
    if not sites:
        return None
    chain = model.chain
    lead = max(int(round(row.lead_time_years + p.sanctions_delay_years
                         * row.equipment_import_share)), 1)
    online = year + lead
    p_dom, p_exp = system.prices(sector)
    states = (FacilityState.OPERATING, FacilityState.BUILDING, FacilityState.DISRUPTED)
    plants = [pl for pl in system.plants(sector) if pl.state in states]
    committed = sum(pl.capacity_t_per_year for pl in plants) * row.max_utilisation
    built_in_run = sum(pl.capacity_t_per_year for pl in plants
                       if pl.facility_id not in system.staffed_at_start)
    demand = system.demand_units_per_year(sector, online - model.calendar.start_year + 0.5)
    dom_left = max(demand - committed, 0.0)
    site_power = prices[chain.site_arrays(sites)[0]]
    freight, site_wage = system.site_costs(sector, sites)
    rate = site_rates(model, investor, sites)
    first = row.plant_sizes[0]
    unit_cost = row.materials_usd_per_unit + row.energy_mwh_per_unit * site_power + freight
    # each size's scalars, as Python computes them; then every (size, site) at once
    plans = []  # (size, output, revenue, jobs, capex)
    for size in row.plant_sizes:
        q = size * row.max_utilisation
        dom_q = min(q, dom_left)
        revenue = dom_q * p_dom + (q - dom_q) * p_exp
        jobs = row.jobs_per_k_units * size / 1000.0
        capex = (size * row.capex_usd_per_unit_per_year
                 * learning_factor(built_in_run + size, first, row.learning_rate)
                 * (1 + p.sanctions_capex_premium * row.equipment_import_share))
        plans.append((size, q, revenue, jobs, capex))
    if not plans:
        return None

    def column(i: int) -> np.ndarray:
        return np.array([plan[i] for plan in plans], dtype=float)[:, None]

    cash = column(2) - column(1) * unit_cost - column(3) * site_wage * 12
    cash = cash - PROFIT_TAX * np.maximum(cash, 0.0)
    values = npv_many(column(4), lead, cash, p.plant_life_years, rate,
                      compensated=np.array([[type(plan[4]) is float] for plan in plans]))
    return Offer(sector, [site.id for site in sites], [plan[0] for plan in plans],
                 [plan[4] for plan in plans], [0.0] * len(plans), values, lead,
                 row.equipment_import_share)


def build_sector_plant(system: SectorSystem, investor: Investor, project: Project,
                       year: int) -> str:
    """Start a sector project: a new plant agent, building until its online year."""
    from agents import ProcessingPlant

    model = system.model
    site = next(s for s in model.scenario_data.industrial_sites if s.id == project.site_id)
    n = sum(1 for f in model.facilities if f.startswith(f"{project.stage}_{site.id}_"))
    fid = f"{project.stage}_{site.id}_{n + 1}"
    label = project.stage.replace("_", " ").capitalize()
    row = PlantRow(id=fid, name=f"{label} plant {n + 1} at {site.name}", region=site.region,
                   lat=site.lat, lon=site.lon)
    node = site.power_node or model.power.region_node[site.region]
    plant = ProcessingPlant(model, row, model.cell_at(site.lat, site.lon), project.stage,
                            project.size_t_per_year, investor.investor_id, FacilityState.BUILDING,
                            year + project.lead_years, project.capex_usd + project.subsidy_usd,
                            power_node=node, sector=project.stage)
    model.register_facility(plant)
    return fid
