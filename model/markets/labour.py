"""Regional labour pools and the wages new industrial projects pay, Mesa-free.

Each region offers new industry a **pool** of workers: a small share of its labour force
(``mobile_share``: the unemployed and those willing to change job and sector), split into
**skilled** workers (``skilled_share`` of the pool: chemists, metallurgists, process operators and
engineers for separation and metallurgy) and **general** workers (the rest). Projects demand both
kinds; each kind clears on its own, vectorised over regions.

For one kind of worker in one region, with pool ``P`` (workers), demand ``D`` (workers), base wage
``w0`` (USD/month; the skilled base wage is ``w0 × (1 + skilled_premium)``), elasticity ``e``,
threshold ``t`` and migration premium ``m``:

    utilisation   u = D / P
    local wage    w_local = w0 × (1 + e × max(0, min(u, 1) − t) / (1 − t))
    migrant wage  w_mig   = w0 × (1 + e + m)
    migrants      M = max(0, D − P)
    wage          w = w_local + (M / D) × (w_mig − w_local)

Below the threshold employers hire at the going wage; above it they must outbid other
employers, and the local wage rises linearly to ``w0 × (1 + e)`` when the whole pool is hired.
The pool cannot be hired twice: demand beyond it is filled only by in-migration, and migrants
must be paid the northern premium ``m`` on top of the full-utilisation wage (relocation, the
harsher climate, rotation). Locals keep the local wage, so the reported ``w`` is the **mean wage
of a new hire**, and ``w × D`` is the wage bill ``(D − M) × w_local + M × w_mig``. This
rule is continuous (at ``u = t`` the rise starts from zero; at ``u = 1`` the migrant share starts
from zero), non-decreasing in demand, and bounded: ``w0 ≤ w ≤ w_mig``, approaching ``w_mig`` as
migrants come to dominate. The marginal worker beyond the pool costs ``w_mig``.

An empty pool (no labour force, a zero share, or less than ``EMPTY_POOL_WORKERS``) is reported
at utilisation 0 without demand and 1 with demand (nothing local is left), and then every hire is
a migrant at ``w_mig``.
The curve is an assumption of this model, in the spirit of regional wage curves (wages rise as
local labour markets tighten; Blanchflower & Oswald 1994); its parameters are sweepable.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields

import numpy as np

# A pool of less than a millionth of a worker counts as empty: it keeps demand / pool finite
# (no overflow for vanishing shares) and changes wages by less than a millionth of a worker's pay.
EMPTY_POOL_WORKERS = 1e-6


@dataclass(frozen=True)
class LabourParams:
    """How much labour a region offers new industry and how its wages respond (all assumptions)."""

    # ASSUMPTION. Russia's unemployment is near a record low (~2.5 % in 2024), Siberian regions
    # somewhat higher; the part of a region's labour force that new plants can draw over a few
    # years (unemployed plus job changers willing to move sector) is taken as 2 %.
    mobile_share: float = 0.02
    # ASSUMPTION. Share of that pool with the skills separation and metallurgy need (chemical,
    # metallurgical and engineering vocational or higher education): about one in seven.
    skilled_share: float = 0.15
    # ASSUMPTION. Skilled process staff in Russian metallurgy and chemistry earn about 1.5 times
    # the regional average wage; the skilled base wage is base wage x (1 + premium).
    skilled_premium: float = 0.5
    # ASSUMPTION. At full use of the pool, offers have risen by one base wage (wages double): the
    # scale seen in northern construction booms; sweep it.
    elasticity: float = 1.0
    # ASSUMPTION. Employers find workers at the going wage until half the pool is hired.
    threshold: float = 0.5
    # ASSUMPTION. Workers from elsewhere need 60 % of the base wage on top of the full-utilisation
    # wage (relocation, climate, rotation); cf. the northern wage coefficients of 1.3-2.0 in the
    # Far North (facts.yaml labour.northern_premium, itself an assumption, uses 0.5).
    migration_premium: float = 0.6

    def __post_init__(self) -> None:
        bounds = {"mobile_share": (0.0, 1.0), "skilled_share": (0.0, 1.0), "skilled_premium": (0.0, math.inf),
                  "elasticity": (0.0, math.inf), "threshold": (0.0, 1.0),
                  "migration_premium": (0.0, math.inf)}
        for f in fields(self):
            value = getattr(self, f.name)
            lo, hi = bounds[f.name]
            ok = isinstance(value, numbers.Real) and math.isfinite(value) and lo <= value <= hi
            if f.name == "threshold":
                ok = ok and value < 1.0  # the rise is spread over (threshold, 1]
            if not ok:
                upper = "1 (excluded)" if f.name == "threshold" else ("any" if hi == math.inf else hi)
                raise ValueError(f"LabourParams.{f.name} = {value!r} is not valid: expected a finite number "
                                 f"from {lo} to {upper}")


@dataclass(frozen=True)
class LabourOutcome:
    """One month's clearing per region: wages of new hires (USD/month per worker), utilisation of
    the local pools (demand / pool), and workers drawn from elsewhere."""

    wage_general_usd_per_month: np.ndarray  # mean wage of a new general hire, per region
    wage_skilled_usd_per_month: np.ndarray  # mean wage of a new skilled hire, per region
    utilisation_general: np.ndarray  # demand / pool of general workers (> 1: migrants)
    utilisation_skilled: np.ndarray  # demand / pool of skilled workers (> 1: migrants)
    migrants: np.ndarray  # workers beyond the local pools, both kinds together
    pool_general: np.ndarray  # general workers available locally
    pool_skilled: np.ndarray  # skilled workers available locally
    migrants_general: np.ndarray  # general workers beyond the local pool
    migrants_skilled: np.ndarray  # skilled workers beyond the local pool


def _as_inputs(name: str, value: object, shape: tuple[int, ...] | None) -> np.ndarray:
    """``value`` as a float array, checked finite, non-negative and of ``shape``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {value!r}") from None
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape} (one value per region, "
                         f"like labour_force)")
    bad = ~(np.isfinite(arr) & (arr >= 0.0))
    if bad.any():
        where = tuple(np.argwhere(bad)[0].tolist())
        raise ValueError(f"{name} must be finite and >= 0, got {arr[where]!r} at index "
                         f"{where[0] if len(where) == 1 else where}")
    return arr


def labour_pools(labour_force: np.ndarray, params: LabourParams = LabourParams()) -> tuple[np.ndarray,
                                                                                             np.ndarray]:
    """Workers available to new industry per region: ``(general, skilled)``."""
    pool = params.mobile_share * np.asarray(labour_force, dtype=float)
    skilled = params.skilled_share * pool
    return pool - skilled, skilled


def _clear_kind(pool: np.ndarray, base_usd_per_month: np.ndarray, demand: np.ndarray,
                params: LabourParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean wage, utilisation and migrants of one kind of worker (see the module docstring).

    Written so that float rounding keeps the wage exactly non-decreasing in demand and exactly
    equal to the local wage at ``demand == pool``."""
    has_pool = pool >= EMPTY_POOL_WORKERS
    utilisation = np.divide(demand, pool, out=np.zeros_like(demand), where=has_pool)
    utilisation[~has_pool & (demand > 0.0)] = 1.0
    rise = np.maximum(0.0, np.minimum(utilisation, 1.0) - params.threshold) / (1.0 - params.threshold)
    wage_local = base_usd_per_month * (1.0 + params.elasticity * rise)
    wage_migrant = base_usd_per_month * (1.0 + params.elasticity + params.migration_premium)
    beyond = demand > pool
    local_share = np.divide(pool, demand, out=np.ones_like(demand), where=beyond & has_pool)
    local_share[beyond & ~has_pool] = 0.0
    wage = wage_local + (1.0 - local_share) * (wage_migrant - wage_local)
    migrants = np.where(beyond, demand - pool, 0.0)
    return wage, utilisation, migrants


def clear_labour(labour_force: np.ndarray, base_wage_usd_per_month: np.ndarray,
                 demand_general: np.ndarray, demand_skilled: np.ndarray,
                 params: LabourParams = LabourParams()) -> LabourOutcome:
    """Clear the regional labour markets for new industry.

    ``labour_force`` (workers), ``base_wage_usd_per_month`` (the region's going wage) and the
    demands (workers) are arrays of one value per region, finite and >= 0.
    """
    lf = _as_inputs("labour_force", labour_force, None)
    base = _as_inputs("base_wage_usd_per_month", base_wage_usd_per_month, lf.shape)
    dg = _as_inputs("demand_general", demand_general, lf.shape)
    ds = _as_inputs("demand_skilled", demand_skilled, lf.shape)
    pool_g, pool_s = labour_pools(lf, params)
    wage_g, util_g, mig_g = _clear_kind(pool_g, base, dg, params)
    wage_s, util_s, mig_s = _clear_kind(pool_s, base * (1.0 + params.skilled_premium), ds, params)
    return LabourOutcome(
        wage_general_usd_per_month=wage_g, wage_skilled_usd_per_month=wage_s,
        utilisation_general=util_g, utilisation_skilled=util_s, migrants=mig_g + mig_s,
        pool_general=pool_g, pool_skilled=pool_s, migrants_general=mig_g, migrants_skilled=mig_s)


def wage_bill_usd_per_month(outcome: LabourOutcome, demand_general: np.ndarray,
                            demand_skilled: np.ndarray) -> np.ndarray:
    """What the new hires of each region are paid in a month (USD): mean wage × demand, by kind."""
    shape = outcome.wage_general_usd_per_month.shape
    dg = _as_inputs("demand_general", demand_general, shape)
    ds = _as_inputs("demand_skilled", demand_skilled, shape)
    return outcome.wage_general_usd_per_month * dg + outcome.wage_skilled_usd_per_month * ds
