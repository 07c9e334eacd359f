"""The rare-earth chain of one month, Mesa-free: mine → separation → metals → magnets.

Every flow is in tonnes of rare-earth oxide equivalent (t REO-eq); a stage's own unit (t of
concentrate, oxide, metal or magnet) is its REO-eq divided by the stage's ``reo_per_t_output``.
Prices are per t REO-eq of the stage's product.

One month, stage by stage from upstream to downstream (``S`` stages, plant ``j`` of stage
``s``):

* **Feed.** A processing plant needs ``1 / recovery_s`` t of upstream REO-eq per t of output
  (the rest is lost: tailings, off-spec). It takes domestic upstream output first — at the
  upstream product's export price, its opportunity cost — and imports what is missing at the
  upstream import parity (world price × (1 + markup)), up to a monthly cap per stage
  (``feed_import_cap_t``: the world's supply of that feed open to Russia is limited);
  ``feed_imports_allowed`` turns imports off.
* **Who produces.** A plant produces when its margin is positive: the price it sells at less
  the feed it burns less its own cash cost (energy at its node's price, labour, other operating
  cost). Plants of a stage are served in merit order (cheapest first) while feed lasts.
  The sale price is the domestic import parity while domestic final demand for the stage's
  product is unmet, the export price (world × (1 − export discount)) beyond it: output beyond
  domestic demand must sell abroad (the offtake constraint).
* **Where output goes.** Downstream domestic plants first (computed by the next stage), then
  domestic final demand, then export. Nothing is stocked in this version: a stage's closing
  stock equals its opening stock (the freight issue adds cargo waiting for a frozen route).

Mass balance, checked by :func:`mass_residual_t`: for every stage,
``input = output + losses`` and ``output + opening stock = downstream use + final use +
exports + closing stock``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ChainMonth:
    """Inputs of one month. Plants are given per stage (lists of arrays, index = stage)."""

    capacity_t: list[np.ndarray]  # per stage: each plant's output this month (t REO-eq) at full use
    cash_cost_usd_per_t: list[np.ndarray]  # per stage: plant's own cost per t REO-eq of output
    recovery: np.ndarray  # (S,) t REO-eq out per t REO-eq in (stage 0: from ore, no feed bought)
    world_price_usd_per_t: np.ndarray  # (S,) per t REO-eq of the stage's product
    import_markup: np.ndarray  # (S,) import parity = world × (1 + markup)
    export_discount: float  # export price = world × (1 − discount)
    final_demand_t: np.ndarray  # (S,) domestic final demand for each stage's product (t REO-eq)
    opening_stock_t: np.ndarray  # (S,)
    feed_imports_allowed: bool = True
    feed_import_cap_t: np.ndarray | None = None  # (S,) most feed a stage can import (t REO-eq)
    # a stage that uses only part of its input stage's product (metals from the NdPr, Dy and Tb
    # oxides of a separated basket): that share of the upstream REO-eq, and its world price
    feed_share: np.ndarray | None = None  # (S,) 1 = the whole upstream product
    feed_world_price_usd_per_t: np.ndarray | None = None  # (S,) None = the upstream product's


@dataclass(frozen=True)
class ChainResult:
    output_t: list[np.ndarray]  # per stage, per plant (t REO-eq)
    margin_usd_per_t: list[np.ndarray]  # per stage, per plant, at the price the plant faced
    revenue_usd: list[np.ndarray]  # per stage, per plant
    feed_cost_usd: list[np.ndarray]  # per stage, per plant
    feed_domestic_t: np.ndarray  # (S,) upstream domestic REO-eq used as feed by stage s
    feed_imported_t: np.ndarray  # (S,) upstream REO-eq imported as feed by stage s
    losses_t: np.ndarray  # (S,)
    final_domestic_t: np.ndarray  # (S,) domestic final demand met by domestic output
    final_imported_t: np.ndarray  # (S,) domestic final demand met by imports
    exports_t: np.ndarray  # (S,)
    closing_stock_t: np.ndarray  # (S,)
    export_price_usd_per_t: np.ndarray  # (S,)
    import_price_usd_per_t: np.ndarray  # (S,)
    feed_import_cost_usd: float = 0.0

    @property
    def stage_output_t(self) -> np.ndarray:
        return np.array([o.sum() for o in self.output_t])

    @property
    def export_revenue_usd(self) -> float:
        return float(self.exports_t @ self.export_price_usd_per_t)

    @property
    def import_cost_usd(self) -> float:
        """Imports of chain products: final demand not met at home and imported feed."""
        return float(self.final_imported_t @ self.import_price_usd_per_t
                     + self.feed_import_cost_usd)


def clear_chain(x: ChainMonth) -> ChainResult:
    """Clear one month of the chain (see the module docstring)."""
    n_stages = len(x.capacity_t)
    export_price = x.world_price_usd_per_t * (1.0 - x.export_discount)
    import_price = x.world_price_usd_per_t * (1.0 + x.import_markup)
    share = np.ones(n_stages) if x.feed_share is None else np.asarray(x.feed_share, dtype=float)
    # the price of each stage's feed (per t REO-eq of feed), at export and at import parity
    feed_world = (np.append(np.nan, x.world_price_usd_per_t[:-1])
                  if x.feed_world_price_usd_per_t is None
                  else np.asarray(x.feed_world_price_usd_per_t, dtype=float))
    feed_export = feed_world * (1.0 - x.export_discount)
    feed_import = feed_world * (1.0 + np.concatenate(([0.0], x.import_markup[:-1])))
    outputs, margins, revenues, feed_costs = [], [], [], []
    feed_dom = np.zeros(n_stages)
    feed_imp = np.zeros(n_stages)
    losses = np.zeros(n_stages)
    available = np.zeros(n_stages)  # output + opening stock not yet used downstream
    for s in range(n_stages):
        cap = np.asarray(x.capacity_t[s], dtype=float)
        cost = np.asarray(x.cash_cost_usd_per_t[s], dtype=float)
        demand_left = float(x.final_demand_t[s])
        upstream_left = float(available[s - 1]) if s > 0 else 0.0
        usable_left = upstream_left * float(share[s]) if s > 0 else 0.0  # the part it can use
        import_left = (0.0 if s == 0 or not x.feed_imports_allowed else
                       np.inf if x.feed_import_cap_t is None else float(x.feed_import_cap_t[s]))
        # the plant loop runs on Python floats and lists: the same IEEE arithmetic as on NumPy
        # scalars and arrays, and the stage's feed sums added up in the same order
        caps, costs = cap.tolist(), cost.tolist()
        out, margin, revenue, feed_cost = ([0.0] * len(caps) for _ in range(4))
        stage_dom = stage_imp = stage_losses = 0.0
        recovery = float(x.recovery[s])
        p_dom, p_exp = float(import_price[s]), float(export_price[s])
        f_exp, f_imp = float(feed_export[s]), float(feed_import[s])
        for j in np.argsort(cost, kind="stable").tolist():
            if caps[j] <= 0:
                continue
            # most this plant can make this month given the feed it can get
            if s == 0:
                take = caps[j]
            else:
                take = min(caps[j], (usable_left + import_left) * recovery)
            q_dom = min(take, demand_left)  # sold at home at import parity, the rest exported
            q, rev = 0.0, 0.0
            for candidate in (take, q_dom):  # all it can make, else only what sells at home
                if candidate <= 0:
                    continue
                sales = min(candidate, q_dom) * p_dom + max(candidate - q_dom, 0.0) * p_exp
                feed_usd = _feed(candidate, s, usable_left, recovery, f_exp, f_imp)[2]
                m = (sales - feed_usd) / candidate - costs[j]
                if candidate == take:
                    margin[j] = m
                if m > 0:
                    q, rev, margin[j] = candidate, sales, m
                    break
            if q <= 0:
                continue
            dom, imp, fcost = _feed(q, s, usable_left, recovery, f_exp, f_imp)
            out[j] = q
            revenue[j] = rev
            feed_cost[j] = fcost
            if s > 0:
                upstream_left -= dom
                usable_left -= dom
                import_left -= imp
                stage_dom += dom
                stage_imp += imp
                stage_losses += dom + imp - q
            demand_left = max(demand_left - q, 0.0)
        out = np.array(out)
        if s > 0:
            available[s - 1] = upstream_left
            feed_dom[s], feed_imp[s], losses[s] = stage_dom, stage_imp, stage_losses
        available[s] = out.sum() + x.opening_stock_t[s]
        outputs.append(out)
        margins.append(np.array(margin))
        revenues.append(np.array(revenue))
        feed_costs.append(np.array(feed_cost))
    # what is left of each stage's product after downstream use: final demand, then export
    final_dom = np.minimum(available, x.final_demand_t)
    final_imp = x.final_demand_t - final_dom
    closing = np.array(x.opening_stock_t, dtype=float) * 0.0  # nothing stocked (module docstring)
    exports = available - final_dom - closing
    return ChainResult(
        output_t=outputs, margin_usd_per_t=margins, revenue_usd=revenues,
        feed_cost_usd=feed_costs, feed_domestic_t=feed_dom, feed_imported_t=feed_imp,
        losses_t=losses, final_domestic_t=final_dom, final_imported_t=final_imp,
        exports_t=exports, closing_stock_t=closing, export_price_usd_per_t=export_price,
        import_price_usd_per_t=import_price,
        feed_import_cost_usd=float(_nansum(feed_imp * feed_import)))


def _nansum(values: np.ndarray) -> float:
    """``np.nansum`` of a vector (NaN as nought, then the same sum) without its overhead."""
    return np.where(np.isnan(values), 0.0, values).sum()


def _feed(q: float, s: int, upstream_left: float, recovery: float, price_export: float,
          price_import: float) -> tuple[float, float, float]:
    """(domestic t, imported t, cost USD) of the feed for ``q`` t of stage ``s`` output:
    domestic upstream output first, valued at its export price (its opportunity cost), then
    imports at import parity (``recovery``, ``price_*``: stage ``s``'s and its feed's)."""
    if s == 0:
        return 0.0, 0.0, 0.0
    need = q / recovery
    dom = min(upstream_left, need)
    return dom, need - dom, dom * price_export + (need - dom) * price_import


def mass_residual_t(x: ChainMonth, r: ChainResult) -> np.ndarray:
    """(2, S) residuals of the two balances per stage; zero to rounding.

    Row 0: feed = output + losses (processing stages). Row 1: output + opening stock =
    downstream domestic feed + final domestic use + exports + closing stock.
    """
    out = r.stage_output_t
    feed = r.feed_domestic_t + r.feed_imported_t
    row0 = feed - out - r.losses_t
    row0[:1] = 0.0  # the mines buy no feed
    downstream = np.zeros(len(out))
    downstream[:-1] = r.feed_domestic_t[1:]
    row1 = (out + x.opening_stock_t - downstream - r.final_domestic_t - r.exports_t
            - r.closing_stock_t)
    return np.array([row0, row1])
