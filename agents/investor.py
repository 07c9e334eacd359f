"""Investors: firms that rank projects (stage × site × size, or a deposit) by NPV and build them.

Each January every investor (in an order drawn from the run's random stream) looks at the
projects open to it — the stages it invests in, at every candidate site (outside its home
regions it asks ``home_region_advantage`` more), in the stage's plant sizes, and the deposits
it could develop — values each
with ``model.investment`` and builds the best by profitability index (NPV per dollar of
capital) while the NPV is positive, its yearly budget — a cap on the year's capital outlay,
each project spending its capital evenly over its lead time — lasts, and it has started fewer
than ``max_projects_per_year`` projects this year. An investor that finances growth from its cash
flow (``reinvested_profit_share``, e.g. the aluminium producer) adds that share of its plants'
after-tax operating profit of the past year to the year's budget (firms invest more when cash
flow is high: Fazzari, Hubbard & Petersen 1988). Each decision changes what the
next one sees: committed capacity takes domestic demand (the rest must sell abroad at export
prices) and counts in the learning curve.
"""

from __future__ import annotations

import mesa
import numpy as np


class Investor(mesa.Agent):
    """A state corporation, a private firm, or an incumbent with plants in the European part."""

    def __init__(self, model, row):
        super().__init__(model)
        self.investor_id: str = row.id
        self.name: str = row.name
        self.investor_kind: str = row.kind
        self.annual_budget_usd: float = row.annual_budget_usd
        self.hurdle_premium: float = row.hurdle_premium
        self.home_regions: list[str] = list(row.home_regions)
        self.stages: list[str] = list(row.stages)
        self.reinvested_profit_share: float = row.reinvested_profit_share
        self.spent_usd = 0.0
        self.projects: list[str] = []
        self.outlays: list[tuple[int, float]] = []  # (year construction ends, USD per year)
        self.site_rates: dict[tuple, np.ndarray] = {}  # model.investment.site_rates's, kept

    def invest(self, year: int) -> list[str]:
        """Build this year's projects; returns the facility ids started."""
        from model.investment import best_project, build

        # the budget caps a year's capital outlay: projects under construction spend theirs
        # evenly over their lead time, so a large mine fits if its yearly share does
        self.outlays = [(end, usd) for end, usd in self.outlays if end > year]
        budget = (self.annual_budget_usd + self.retained_cash_flow_usd()
                  - sum(usd for _, usd in self.outlays))
        started = []
        while len(started) < self.model.params.max_projects_per_year:
            project = best_project(self.model, self, year, budget)
            if project is None:
                break
            fid = build(self.model, self, project, year)
            yearly = project.capex_usd / project.lead_years
            self.outlays.append((year + project.lead_years, yearly))
            budget -= yearly
            self.spent_usd += project.capex_usd
            self.projects.append(fid)
            started.append(fid)
        return started

    def retained_cash_flow_usd(self) -> float:
        """The reinvested share of last year's after-tax operating profit of its plants (USD);
        each plant's year-to-date profit restarts here, each January."""
        from model.chain import PROFIT_TAX

        profit = 0.0
        for plant in [*self.model.processing_plants, *getattr(self.model, "sector_plants", ())]:
            if plant.owner == self.investor_id:
                profit += plant.profit_this_year_usd
                plant.profit_this_year_usd = 0.0
        after_tax = profit - PROFIT_TAX * max(profit, 0.0)
        return self.reinvested_profit_share * max(after_tax, 0.0)

    def __repr__(self) -> str:
        return f"<Investor {self.investor_id}>"
