"""The monthly power market as a linear programme (HiGHS), Mesa-free.

One month, ``B`` load blocks (e.g. peak and off-peak hours), ``N`` nodes joined by ``L`` links:

    minimise   Σ thermal cost·MWh + Σ hydro VOM·MWh + Σ VOLL_k·unserved_k
               − Σ water value · (stored water up to the rule-curve target)
    subject to, for every node n and block b (MW):
               thermal + hydro + imports − exports + unserved = load
               for every hydro station h (MWh):
               generation + spill + end storage = start storage + inflow
               0 ≤ thermal ≤ available MW, 0 ≤ hydro ≤ capacity, |flow| ≤ link limit,
               0 ≤ end storage ≤ reservoir, 0 ≤ unserved_k ≤ load_k

Node prices are the duals of the node balances, divided by the block's hours (USD/MWh); the
month's price of a node is their hours-weighted mean. A flood month does not make power free:
water beyond what the month needs is stored (valued at the water value up to the rule-curve
target, at a token value above it) and spilled only when the reservoir is full.

Consumers are split into kinds (base load, industry, data centres…) with their own value of
lost load, so when supply is short the LP sheds the kind that values power least first, and
who lost power is reported by node and kind.

Tie-break: degenerate LPs have many optimal duals. Thermal units carry cost offsets of
``TIE_BREAK_USD_PER_MWH × (index + 1)``, and the solver (HiGHS dual simplex, one thread) is
warm-started from last month's basis: the matrix is passed once and each month only changes
costs and bounds, about half the time of a fresh solve. Where a warm start could pick another
of several optimal duals — a month that sheds some kind's whole load, which leaves the price
anywhere between two values of lost load — the month is solved again from scratch, so
those prices, like all others measured (tests/model/markets/test_power_market.py), depend only
on the month's inputs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

TIE_BREAK_USD_PER_MWH = 1e-4  # per unit index: orders otherwise identical units
STORE_ABOVE_TARGET_USD_PER_MWH = 1e-3  # token value of water stored above the rule curve


@dataclass(frozen=True)
class PowerNetwork:
    """The structure of the market for a run: nodes, links, units and consumer kinds."""

    nodes: tuple[str, ...]
    link_from: np.ndarray  # (L,) node index
    link_to: np.ndarray  # (L,) node index
    thermal_node: np.ndarray  # (G,) node index of each dispatchable unit (thermal, nuclear)
    hydro_node: np.ndarray  # (H,) node index of each energy-limited unit
    consumer_kinds: tuple[str, ...]
    voll_usd_per_mwh: np.ndarray  # (K,) value of lost load by consumer kind
    block_hours_share: np.ndarray  # (B,) share of the month's hours in each block

    @property
    def shape(self) -> dict[str, int]:
        return {"N": len(self.nodes), "L": len(self.link_from), "G": len(self.thermal_node),
                "H": len(self.hydro_node), "K": len(self.consumer_kinds),
                "B": len(self.block_hours_share)}


@dataclass(frozen=True)
class MonthInputs:
    hours: float
    thermal_available_mw: np.ndarray  # (G,)
    thermal_cost_usd_per_mwh: np.ndarray  # (G,)
    hydro_capacity_mw: np.ndarray  # (H,)
    hydro_cost_usd_per_mwh: np.ndarray  # (H,)
    hydro_inflow_mwh: np.ndarray  # (H,)
    hydro_storage_start_mwh: np.ndarray  # (H,)
    hydro_storage_max_mwh: np.ndarray  # (H,)
    hydro_storage_target_mwh: np.ndarray  # (H,) rule curve, <= max
    water_value_usd_per_mwh: np.ndarray  # (H,)
    link_capacity_mw: np.ndarray  # (L,)
    load_mw: np.ndarray  # (N, K, B) mean load in each block


@dataclass(frozen=True)
class MonthResult:
    status: str
    price_usd_per_mwh: np.ndarray  # (N, B)
    thermal_mwh: np.ndarray  # (G,)
    hydro_mwh: np.ndarray  # (H,)
    spill_mwh: np.ndarray  # (H,)
    storage_end_mwh: np.ndarray  # (H,)
    flow_mw: np.ndarray  # (L, B), positive from link_from to link_to
    unserved_mwh: np.ndarray  # (N, K)
    load_mwh: np.ndarray  # (N, K)
    cost_usd: float

    def node_price(self, block_hours_share: np.ndarray) -> np.ndarray:
        """Hours-weighted monthly price of each node (USD/MWh)."""
        return self.price_usd_per_mwh @ block_hours_share


def balance_residual_mwh(net: PowerNetwork, hours: float, r: MonthResult) -> np.ndarray:
    """Energy balance per node: generation + imports + unserved − load − exports (MWh).

    Zero to solver tolerance (DESIGN.md §8); tests and the model check it."""
    hours_b = hours * net.block_hours_share
    supply = np.zeros(len(net.nodes))
    np.add.at(supply, net.thermal_node, r.thermal_mwh)
    np.add.at(supply, net.hydro_node, r.hydro_mwh)
    flow = r.flow_mw @ hours_b
    np.add.at(supply, net.link_to, flow)
    np.add.at(supply, net.link_from, -flow)
    return supply + r.unserved_mwh.sum(axis=1) - r.load_mwh.sum(axis=1)


def _quiet_highs() -> highspy.Highs:
    """A HiGHS instance, made without its banner on standard output (CLI output stays clean)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs


class PowerMarket:
    """Clears months of one network with one HiGHS instance.

    ``warm_start`` (the default) passes the LP once and then only changes costs and bounds,
    starting from the previous basis: about half the solve time. A month that sheds some consumer
    kind's whole load in a block is solved again from scratch (its duals are degenerate there;
    measured in session 2 with an AI boom: warm-started duals differed by up to ~990 USD/MWh in
    such months). ``warm_start=False`` solves every month from scratch.
    """

    SHED_TOLERANCE_MW = 1e-6

    def __init__(self, network: PowerNetwork, warm_start: bool = True):
        self.network = network
        self.warm_start = warm_start
        self._passed = False
        self._highs = _quiet_highs()
        self._highs.setOptionValue("threads", 1)
        self._highs.setOptionValue("solver", "simplex")
        self._highs.setOptionValue("presolve", "off")  # tiny LPs: presolve costs more than it saves
        self._layout()
        self._matrix = self._build_matrix()
        self._a_start = self._matrix.indptr[:-1].astype(np.int32)  # HiGHS: one start per column
        self._a_index = self._matrix.indices.astype(np.int32)
        self._continuous = np.zeros(self.num_col, dtype=np.int32)  # HiGHS kContinuous
        self._col_idx = np.arange(self.num_col, dtype=np.int32)
        self._row_idx = np.arange(self.num_row, dtype=np.int32)
        G = self.network.shape["G"]
        self._tie = TIE_BREAK_USD_PER_MWH * (np.arange(G) + 1)
        # costs and bounds of a month are written into these arrays (HiGHS copies them); the
        # entries no month changes (zero lower bounds, unbounded spill) are set once here
        self._cost = np.zeros(self.num_col)
        self._lower = np.zeros(self.num_col)
        self._upper = np.zeros(self.num_col)
        self._upper[self._cols["spill"]] = np.inf
        self._row_bounds = np.zeros(self.num_row)  # equality rows: lower = upper
        self._views()

    def _views(self) -> None:
        """Named views of the column and row vectors a month writes into, shaped as the inputs
        are (a unit's blocks are adjacent columns), so that ``clear`` fills them in place."""
        N, K, B = self._dims = tuple(self.network.shape[k] for k in "NKB")
        c = self._cols
        cost, lower, upper = self._cost, self._lower, self._upper
        self._cost_p, self._upper_p = cost[c["p"]].reshape(-1, B), upper[c["p"]].reshape(-1, B)
        self._cost_q, self._upper_q = cost[c["q"]].reshape(-1, B), upper[c["q"]].reshape(-1, B)
        self._cost_s_low, self._upper_s_low = cost[c["s_low"]], upper[c["s_low"]]
        self._cost_s_high, self._upper_s_high = cost[c["s_high"]], upper[c["s_high"]]
        self._lower_f, self._upper_f = lower[c["f"]].reshape(-1, B), upper[c["f"]].reshape(-1, B)
        self._cost_u, self._upper_u = cost[c["u"]].reshape(N, K, B), upper[c["u"]]
        self._demand = self._row_bounds[self._rows["balance"]].reshape(N, B)
        self._water = self._row_bounds[self._rows["water"]]

    # --- layout: column blocks and row blocks ---------------------------------------------
    def _layout(self) -> None:
        s = self.network.shape
        N, L, G, H, K, B = (s[k] for k in "NLGHKB")
        sizes = {"p": G * B, "q": H * B, "spill": H, "s_low": H, "s_high": H, "f": L * B,
                 "u": N * K * B}
        self._cols: dict[str, slice] = {}
        start = 0
        for name, size in sizes.items():
            self._cols[name] = slice(start, start + size)
            start += size
        self.num_col = start
        self._rows = {"balance": slice(0, N * B), "water": slice(N * B, N * B + H)}
        self.num_row = N * B + H

    def _build_matrix(self) -> sparse.csc_matrix:
        net = self.network
        s = net.shape
        N, L, G, H, K, B = (s[k] for k in "NLGHKB")
        c, r = self._cols, self._rows
        rows, cols, vals = [], [], []

        def add(row_idx, col_idx, value):
            row_idx = np.asarray(row_idx).ravel()
            col_idx = np.asarray(col_idx).ravel()
            rows.append(row_idx)
            cols.append(col_idx)
            vals.append(np.broadcast_to(np.asarray(value, dtype=float), row_idx.shape).ravel())

        b = np.arange(B)
        # thermal p[g, b] -> balance(node_g, b)
        g = np.arange(G)
        add(net.thermal_node[:, None] * B + b[None, :], c["p"].start + g[:, None] * B + b, 1.0)
        # hydro q[h, b] -> balance(node_h, b); water row h with coefficient = block hours (set
        # per month as a share; rows are scaled by hours in _bounds)
        h = np.arange(H)
        add(net.hydro_node[:, None] * B + b[None, :], c["q"].start + h[:, None] * B + b, 1.0)
        add(np.repeat(r["water"].start + h, B), c["q"].start + h[:, None] * B + b,
            np.tile(net.block_hours_share, H))
        for name in ("spill", "s_low", "s_high"):
            add(r["water"].start + h, c[name].start + h, 1.0)
        # flows f[l, b]: +1 at the receiving node, -1 at the sending node
        l_ = np.arange(L)
        fcol = c["f"].start + l_[:, None] * B + b
        add(net.link_to[:, None] * B + b, fcol, 1.0)
        add(net.link_from[:, None] * B + b, fcol, -1.0)
        # unserved u[n, k, b] -> balance(n, b)
        n = np.arange(N)
        ucol = c["u"].start + (n[:, None, None] * K + np.arange(K)[None, :, None]) * B + b
        add(np.broadcast_to(n[:, None, None] * B + b, ucol.shape), ucol, 1.0)
        m = sparse.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(self.num_row, self.num_col))
        return m.tocsc()

    # --- one month ------------------------------------------------------------------------
    def clear(self, x: MonthInputs) -> MonthResult:
        block_hours = x.hours * self.network.block_hours_share  # (B,)
        # water rows are in MWh but q is in MW: the matrix holds the hours *share*, so scale
        # those rows by the month's hours (divide their bounds and other entries instead)
        scale = x.hours

        # (written in place into views of the column and row vectors, see _views)
        np.multiply((x.thermal_cost_usd_per_mwh + self._tie)[:, None], block_hours,
                    out=self._cost_p)
        self._upper_p[:] = x.thermal_available_mw[:, None]
        np.multiply(x.hydro_cost_usd_per_mwh[:, None], block_hours, out=self._cost_q)
        self._upper_q[:] = x.hydro_capacity_mw[:, None]
        # storage variables are in MWh / hours so the water rows stay in "MW-months"
        target = np.minimum(x.hydro_storage_target_mwh, x.hydro_storage_max_mwh)
        np.divide(target, scale, out=self._upper_s_low)
        np.divide(x.hydro_storage_max_mwh - target, scale, out=self._upper_s_high)
        np.multiply(-x.water_value_usd_per_mwh, scale, out=self._cost_s_low)
        self._cost_s_high[:] = -STORE_ABOVE_TARGET_USD_PER_MWH * scale
        np.negative(x.link_capacity_mw[:, None], out=self._lower_f)
        self._upper_f[:] = x.link_capacity_mw[:, None]
        np.multiply(self.network.voll_usd_per_mwh[:, None], block_hours, out=self._cost_u)
        self._upper_u[:] = x.load_mw.ravel()
        x.load_mw.sum(axis=1, out=self._demand)
        np.add(x.hydro_storage_start_mwh, x.hydro_inflow_mwh, out=self._water)
        self._water /= scale
        cost, lower, upper, rows = self._cost, self._lower, self._upper, self._row_bounds

        hs = self._highs
        if self._passed:
            # hot start: the same matrix, new costs and bounds; HiGHS starts from last basis
            hs.changeColsCost(self.num_col, self._col_idx, cost)
            hs.changeColsBounds(self.num_col, self._col_idx, lower, upper)
            hs.changeRowsBounds(self.num_row, self._row_idx, rows, rows)
            hs.run()
            if hs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                sol = hs.getSolution()
                col = np.fromiter(sol.col_value, float, self.num_col)
                if not self._sheds_a_kind_in_full(col, upper):
                    return self._result(x, "Optimal", block_hours, scale, col, sol.row_dual)
        self._pass(cost, lower, upper, rows, rows)  # fresh: a new model, no basis
        hs.run()
        status = self._status()
        if status != "Optimal":
            raise RuntimeError(f"power market LP not solved: {status}")
        sol = hs.getSolution()
        return self._result(x, status, block_hours, scale,
                            np.fromiter(sol.col_value, float, self.num_col), sol.row_dual)

    def _status(self) -> str:
        hs = self._highs
        return hs.modelStatusToString(hs.getModelStatus())

    def _sheds_a_kind_in_full(self, col: np.ndarray, upper: np.ndarray) -> bool:
        """Whether the solution just found (column values ``col``) sheds some consumer kind's
        whole load in a block — the one case seen where optimal duals are not unique (the price
        may lie anywhere between that kind's value of lost load and the next)."""
        u = col[self._cols["u"]]
        cap = upper[self._cols["u"]]
        return bool(((cap > self.SHED_TOLERANCE_MW) & (u >= cap - self.SHED_TOLERANCE_MW)).any())

    def _pass(self, cost, lower, upper, row_lower, row_upper) -> None:
        """Replace the model (and drop any basis): a fresh solve follows."""
        a = self._matrix
        hs = self._highs
        hs.clearModel()
        status = hs.passModel(self.num_col, self.num_row, a.nnz, int(highspy.MatrixFormat.kColwise),
                     int(highspy.ObjSense.kMinimize), 0.0, cost, lower, upper, row_lower,
                     row_upper, self._a_start, self._a_index, a.data,
                     self._continuous)
        if status != highspy.HighsStatus.kOk:
            raise RuntimeError(f"power market LP not passed to HiGHS: {status}")
        self._passed = self.warm_start

    def _result(self, x: MonthInputs, status: str, block_hours: np.ndarray,
                scale: float, col: np.ndarray, row_dual: list[float]) -> MonthResult:
        N, K, B = self._dims
        c = self._cols
        dual = np.array(row_dual[self._rows["balance"]])
        price = dual.reshape(N, B) / block_hours
        return MonthResult(
            status=status,
            price_usd_per_mwh=price,
            thermal_mwh=col[c["p"]].reshape(-1, B) @ block_hours,
            hydro_mwh=col[c["q"]].reshape(-1, B) @ block_hours,
            spill_mwh=col[c["spill"]] * scale,
            storage_end_mwh=(col[c["s_low"]] + col[c["s_high"]]) * scale,
            flow_mw=col[c["f"]].reshape(-1, B),
            unserved_mwh=col[c["u"]].reshape(N, K, B) @ block_hours,
            load_mwh=x.load_mw @ block_hours,
            cost_usd=float(self._highs.getObjectiveValue()),
        )
