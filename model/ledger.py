"""The money ledger: every payment of a run, booked by double entry, Mesa-free.

The economy is cut into five institutional accounts (sectors, in national-accounts terms):

- ``"firms"``: every producer — mines, processing plants, power stations, shippers, data
  centres, builders; payments between two firms (power, freight, feedstock, capex) stay inside;
- ``"households"``: the workers and their families; they earn wages and buy power;
- ``"regions"``: the budgets of the federal subjects (regional taxes, regional support);
- ``"federal"``: the federal budget (federal taxes and duties, federal programmes, the planner);
- ``"rest_of_world"``: everyone abroad; what it is paid is imports, what it pays is exports.

A payment is one transfer from a payer to a payee of one ``kind`` (wages, taxes, power…), in USD.
Double entry: the same amount is a payment of the payer and a receipt of the payee, so money is
never created or lost inside the ledger. Amounts are finite and non-negative; a flow the other
way is a payment with payer and payee swapped (a refund is not a negative payment).

Sign convention: an account's **net lending** over a month is its receipts minus its payments
(positive: it lends to, or saves against, the other accounts; negative: it borrows or draws down).
Summed over all five accounts, net lending is zero by construction — every dollar one account
spends another earns, or it leaves as imports paid to the rest of the world — which is the money
invariant of DESIGN.md §8; :attr:`MonthAccounts.imbalance_usd` checks it (zero up to float
rounding). The rest of the world's net lending is Russia's current-account deficit in this
ledger (imports minus exports).

Public support is read apart from private investment: support is a kind of its own
(``"subsidies"``, paid by ``"federal"`` or ``"regions"``), while investment is ``"capex"`` paid by
whoever builds. A subsidised plant therefore shows as a subsidy flow into firms *and* the firms'
full capex; public spending, and its cost per job or per dollar of imports avoided, is read from
the subsidy flows (:attr:`MonthAccounts.public_support_usd`), never netted out of capex.

Months: flows accumulate until :meth:`Ledger.close_month`, which hands back the month's accounts,
adds them to the running totals and starts the next month at zero. Internally the flows are a
dense array ``(payer, payee, kind)`` so that a payment costs one dictionary look-up and one array
update (about a microsecond); vectorised agents pay a whole vector at once with
:meth:`Ledger.pay_many`.
"""

from __future__ import annotations

import functools
import math

import numpy as np

ACCOUNTS: tuple[str, ...] = ("firms", "households", "regions", "federal", "rest_of_world")

# The stable kinds of payment. Add a kind by appending it to ``EXTRA_KINDS`` with a comment on
# what it books; a kind that is not registered here is refused, so a typo never opens a new flow.
CORE_KINDS: tuple[str, ...] = (
    "sales",  # goods sold to a final buyer at home (households, budgets) or between firms
    "wages",  # firms (or budgets) -> households
    "taxes",  # firms / households -> regions / federal (profit, property, income taxes, duties)
    "subsidies",  # federal / regions -> firms (or households): public support
    "capex",  # construction and equipment: the builder -> firms, or -> rest_of_world if imported
    "imports",  # firms / households -> rest_of_world
    "exports",  # rest_of_world -> firms
    "power",  # electricity bought from the power market
    "freight",  # transport bought from shippers (rail, river, NSR)
    "feedstock",  # ore, concentrate, oxides, metals bought from the stage upstream
)
EXTRA_KINDS: tuple[str, ...] = (
    "opex",  # other operating costs (materials, services, maintenance) bought from firms
    "dividends",  # profits paid out to owners (households, the federal budget as shareholder)
    "transfers",  # other transfers between budgets and households (federal -> regions, pensions…)
)
KINDS: tuple[str, ...] = CORE_KINDS + EXTRA_KINDS

PUBLIC_ACCOUNTS: tuple[str, ...] = ("federal", "regions")

_ACCOUNT_INDEX: dict[str, int] = {name: i for i, name in enumerate(ACCOUNTS)}
_KIND_INDEX: dict[str, int] = {name: k for k, name in enumerate(KINDS)}
_N_ACCOUNTS = len(ACCOUNTS)
_N_KINDS = len(KINDS)
# (payer, payee, kind) -> position in the flattened (accounts, accounts, kinds) array
_CELL: dict[tuple[str, str, str], int] = {
    (payer, payee, kind): (i * _N_ACCOUNTS + j) * _N_KINDS + k
    for payer, i in _ACCOUNT_INDEX.items()
    for payee, j in _ACCOUNT_INDEX.items()
    for kind, k in _KIND_INDEX.items()
}
_INF = math.inf


def _check_account(account: str, role: str = "account") -> int:
    try:
        return _ACCOUNT_INDEX[account]
    except (KeyError, TypeError):
        raise ValueError(f"unknown {role} {account!r}: expected one of {', '.join(ACCOUNTS)}") from None


def _check_kind(kind: str) -> int:
    try:
        return _KIND_INDEX[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown payment kind {kind!r}: expected one of {', '.join(KINDS)}") from None


def _bad_amount(amount: object) -> ValueError:
    return ValueError(f"payment amount must be a finite number of USD >= 0, got {amount!r}")


def _flows_dict(cells: np.ndarray) -> dict[tuple[str, str, str], float]:
    """The non-zero cells of an (accounts, accounts, kinds) array as ``(payer, payee, kind) -> USD``."""
    i, j, k = np.nonzero(cells)
    return {(ACCOUNTS[a], ACCOUNTS[b], KINDS[c]): float(cells[a, b, c])
            for a, b, c in zip(i.tolist(), j.tolist(), k.tolist(), strict=True)}


def _net_lending(cells: np.ndarray) -> dict[str, float]:
    """Receipts minus payments of every account (USD)."""
    net = cells.sum(axis=(0, 2)) - cells.sum(axis=(1, 2))
    return {name: float(v) for name, v in zip(ACCOUNTS, net, strict=True)}


class MonthAccounts:
    """One closed month: its flows ``(payer, payee, kind) -> USD`` and each account's net lending.

    Both are made from the month's cells when first read: the chain closes a month every
    month and reads only the imbalance."""

    def __init__(self, cells: np.ndarray):
        self._cells = cells  # (payer, payee, kind), a copy of its own

    @functools.cached_property
    def flows(self) -> dict[tuple[str, str, str], float]:
        return _flows_dict(self._cells)

    @functools.cached_property
    def net_lending(self) -> dict[str, float]:
        return _net_lending(self._cells)

    def total(self, kind: str, payer: str | None = None, payee: str | None = None) -> float:
        """USD of one kind paid in the month, optionally only by ``payer`` and/or to ``payee``."""
        _check_kind(kind)
        if payer is not None:
            _check_account(payer, "payer")
        if payee is not None:
            _check_account(payee, "payee")
        return math.fsum(v for (p, q, k), v in self.flows.items()
                         if k == kind and (payer is None or p == payer) and (payee is None or q == payee))

    @property
    def imbalance_usd(self) -> float:
        """Sum of net lending over all accounts: zero up to float rounding (DESIGN.md §8)."""
        return math.fsum(self.net_lending.values())

    @property
    def gross_usd(self) -> float:
        """All money that changed hands in the month: the scale to judge the imbalance against."""
        return math.fsum(self.flows.values())

    @property
    def public_support_usd(self) -> float:
        """Subsidies paid by the federal and regional budgets (apart from private investment)."""
        return math.fsum(self.total("subsidies", payer=a) for a in PUBLIC_ACCOUNTS)


class Ledger:
    """Books a run's payments month by month; see the module docstring for accounts and signs."""

    def __init__(self) -> None:
        shape = (_N_ACCOUNTS, _N_ACCOUNTS, _N_KINDS)
        self._month = np.zeros(shape)  # flows of the month being recorded, (payer, payee, kind)
        self._month_flat = self._month.reshape(-1)  # a view: one integer index per payment
        self._totals = np.zeros(shape)  # closed months, since the start
        self.months_closed = 0

    # --- booking ---------------------------------------------------------------------------
    def pay(self, payer: str, payee: str, amount_usd: float, kind: str) -> None:
        """Book ``amount_usd`` (finite, >= 0) paid by ``payer`` to ``payee`` for ``kind``."""
        try:
            cell = _CELL[payer, payee, kind]
        except (KeyError, TypeError):
            self._raise_for_names(payer, payee, kind)
            raise
        amount = float(amount_usd)
        if not 0.0 <= amount < _INF:  # also refuses NaN, which fails every comparison
            raise _bad_amount(amount_usd)
        if amount:
            self._month_flat[cell] += amount

    def pay_each(self, payer: str, payee: str, amounts_usd: list[float], kind: str) -> None:
        """Book each amount as :meth:`pay` would, one after another in the order given (the
        same checks and the same additions to the flow, so the same total to the last bit),
        with one look-up of the flow: for loops over agents that each pay the same flow."""
        try:
            cell = _CELL[payer, payee, kind]
        except (KeyError, TypeError):
            self._raise_for_names(payer, payee, kind)
            raise
        flows = self._month_flat
        total = float(flows[cell])
        try:
            for amount_usd in amounts_usd:
                amount = float(amount_usd)
                if not 0.0 <= amount < _INF:  # also refuses NaN, which fails every comparison
                    raise _bad_amount(amount_usd)
                if amount:
                    total += amount
        finally:
            flows[cell] = total  # what was booked before a refused amount stays booked

    def pay_many(self, payer: str, payee: str, amounts_usd: np.ndarray, kind: str) -> None:
        """Book the sum of a vector of payments (one per vectorised agent) as one flow."""
        try:
            cell = _CELL[payer, payee, kind]
        except (KeyError, TypeError):
            self._raise_for_names(payer, payee, kind)
            raise
        amounts = np.asarray(amounts_usd, dtype=float)
        if amounts.size == 0:
            return
        total = float(amounts.sum())
        if not (0.0 <= total < _INF and amounts.min() >= 0.0):
            bad = ~(np.isfinite(amounts) & (amounts >= 0.0))
            if bad.any():
                where = np.argwhere(bad)[0]
                raise ValueError(
                    f"payment amounts must be finite numbers of USD >= 0, got {amounts[tuple(where)]!r} "
                    f"at index {tuple(where.tolist()) if amounts.ndim > 1 else int(where[0])}")
            raise ValueError(f"payment amounts sum to {total!r} USD, beyond a float's range")
        if total:
            self._month_flat[cell] += total

    @staticmethod
    def _raise_for_names(payer: object, payee: object, kind: object) -> None:
        _check_account(payer, "payer")  # type: ignore[arg-type]
        _check_account(payee, "payee")  # type: ignore[arg-type]
        _check_kind(kind)  # type: ignore[arg-type]

    # --- the month being recorded ----------------------------------------------------------
    def flows_usd(self) -> dict[tuple[str, str, str], float]:
        """This month's non-zero flows, ``(payer, payee, kind) -> USD``."""
        return _flows_dict(self._month)

    def net_lending_usd(self) -> dict[str, float]:
        """This month's receipts minus payments of every account (USD); they sum to zero."""
        return _net_lending(self._month)

    def received_usd(self, account: str, kind: str | None = None) -> float:
        """USD received this month by ``account`` (of one kind, or of all kinds)."""
        j = _check_account(account)
        if kind is None:
            return float(self._month[:, j, :].sum())
        return float(self._month[:, j, _check_kind(kind)].sum())

    def paid_usd(self, account: str, kind: str | None = None) -> float:
        """USD paid this month by ``account`` (of one kind, or of all kinds)."""
        i = _check_account(account)
        if kind is None:
            return float(self._month[i, :, :].sum())
        return float(self._month[i, :, _check_kind(kind)].sum())

    def flows_array(self) -> np.ndarray:
        """A copy of this month's flows as an array ``(payer, payee, kind)`` indexed like
        :data:`ACCOUNTS` and :data:`KINDS` (for vectorised indicators)."""
        return self._month.copy()

    # --- months ----------------------------------------------------------------------------
    def close_month(self) -> MonthAccounts:
        """Hand back this month's accounts, add them to the totals and start the next month at zero."""
        month = MonthAccounts(self._month.copy())
        self._totals += self._month
        self._month.fill(0.0)  # in place: ``_month_flat`` stays a view of it
        self.months_closed += 1
        return month

    @property
    def totals(self) -> dict[tuple[str, str, str], float]:
        """Cumulative flows ``(payer, payee, kind) -> USD`` of all closed months since the start
        (the month being recorded joins them when it is closed)."""
        return _flows_dict(self._totals)

    def total_net_lending_usd(self) -> dict[str, float]:
        """Net lending of every account summed over all closed months (USD)."""
        return _net_lending(self._totals)
