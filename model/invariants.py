"""The invariants of DESIGN.md §8, checked on the month a model has just run.

``violations(model)`` returns one line per broken invariant (empty when all hold): energy
balance at every power node, finite non-negative prices and reservoir levels; mass balance of
every chain stage, non-negative outputs and reserves, the ledger's net lending summing to zero;
freight conservation (cargo offered = delivered + waiting + unmet, none negative); and the
month's collected indicators finite. Tests call it every month of random runs; a user can too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.siberia_model import SiberiaModel

RELATIVE_TOLERANCE = 1e-6  # of the month's scale (load, tonnes)
MONEY_TOLERANCE_USD = 1e-3  # net lending summed (math.fsum) over accounts: float rounding only


def violations(m: SiberiaModel) -> list[str]:
    out: list[str] = []
    out += _power(m)
    out += _chain(m)
    out += _freight(m)
    out += _collected(m)
    when = f"{m.record_year}-{m.record_month:02d}"
    return [f"{when}: {v}" for v in out]


def _power(m: SiberiaModel) -> list[str]:
    p = m.power
    if p is None or p.last is None:
        return []
    out = []
    load = float(p.last.result.load_mwh.sum())
    residual = float(np.abs(p.balance_residual_mwh()).max())
    if not residual <= RELATIVE_TOLERANCE * max(load, 1.0):
        out.append(f"energy balance off by {residual:.3g} MWh at a node (load {load:.3g} MWh)")
    price = p.last.node_price
    if not (np.isfinite(price).all() and (price >= -1e-9).all()):
        out.append(f"power prices not finite and non-negative: {price}")
    if not (p.storage_mwh >= -1e-6).all():
        out.append(f"negative reservoir storage: {p.storage_mwh.min():.3g} MWh")
    return out


def _chain(m: SiberiaModel) -> list[str]:
    c = getattr(m, "chain", None)
    if c is None or c.last is None:
        return []
    rec, out = c.last, []
    scale = 1.0 + float(np.sum(rec.result.stage_output_t))
    if not rec.mass_residual_t <= RELATIVE_TOLERANCE * scale:
        out.append(f"chain mass balance off by {rec.mass_residual_t:.3g} t")
    if not all((np.asarray(o) >= 0).all() for o in rec.result.output_t):
        out.append("a negative stage output")
    if not abs(rec.net_lending_imbalance_usd) <= MONEY_TOLERANCE_USD:
        out.append(f"net lending sums to {rec.net_lending_imbalance_usd:.3g} USD, not zero")
    low = [mine.unique_id for mine in m.mines if mine.reserves_t_reo < 0]
    if low:
        out.append(f"negative reserves at mines {low}")
    return out


def _freight(m: SiberiaModel) -> list[str]:
    f = getattr(m, "freight", None)
    if f is None or f.last is None:
        return []
    a, out = f.last, []
    offered = float(a.flow_tonnes.sum())
    accounted = float(a.flow_delivered_t.sum() + f.waiting_t.sum() + f.unmet_t)
    if not abs(offered - accounted) <= RELATIVE_TOLERANCE * max(offered, 1.0):
        out.append(f"freight: {offered:.6g} t offered but {accounted:.6g} t delivered, "
                   f"waiting or unmet")
    if (a.flow_delivered_t < -1e-9).any() or (f.waiting_t < -1e-9).any() or f.unmet_t < -1e-6:
        out.append("freight: negative delivered, waiting or unmet tonnes")
    return out


def _collected(m: SiberiaModel) -> list[str]:
    store = m.datacollector.model_vars
    bad = [name for name, values in store.items()
           if values and not np.isfinite(np.asarray(values[-1], dtype=float))]
    return [f"indicators not finite: {', '.join(bad)}"] if bad else []
