"""The money ledger alone: double entry, net lending, months and totals, refusals."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.ledger import ACCOUNTS, CORE_KINDS, KINDS, Ledger, MonthAccounts


def test_the_stable_names_are_registered():
    assert ACCOUNTS == ("firms", "households", "regions", "federal", "rest_of_world")
    assert set(CORE_KINDS) <= set(KINDS)
    assert {"sales", "wages", "taxes", "subsidies", "capex", "imports", "exports", "power", "freight",
            "feedstock"} == set(CORE_KINDS)
    assert len(set(KINDS)) == len(KINDS)


def hand_worked_month() -> Ledger:
    """A plant exports 100, pays 30 wages, 10 taxes, 20 for imported equipment and gets a subsidy
    of 5; households buy 12 of power from firms and pay 3 income tax."""
    ledger = Ledger()
    ledger.pay("rest_of_world", "firms", 100.0, "exports")
    ledger.pay("firms", "households", 30.0, "wages")
    ledger.pay("firms", "regions", 6.0, "taxes")
    ledger.pay("firms", "federal", 4.0, "taxes")
    ledger.pay("firms", "rest_of_world", 20.0, "imports")
    ledger.pay("federal", "firms", 5.0, "subsidies")
    ledger.pay("households", "firms", 12.0, "power")
    ledger.pay("households", "regions", 3.0, "taxes")
    ledger.pay("firms", "firms", 7.0, "feedstock")  # inside the firm sector: nets out
    return ledger


def test_a_hand_worked_month_balances_every_account():
    ledger = hand_worked_month()
    net = ledger.net_lending_usd()
    # firms: receive 100 + 5 + 12 + 7, pay 30 + 6 + 4 + 20 + 7
    assert net == pytest.approx({"firms": 57.0, "households": 15.0, "regions": 9.0, "federal": -1.0,
                                 "rest_of_world": -80.0})
    assert sum(net.values()) == 0.0
    assert ledger.received_usd("firms") == pytest.approx(124.0)
    assert ledger.paid_usd("firms") == pytest.approx(67.0)
    assert ledger.received_usd("regions", "taxes") == pytest.approx(9.0)
    assert ledger.paid_usd("households", "taxes") == pytest.approx(3.0)
    assert ledger.paid_usd("federal", "wages") == 0.0
    assert ledger.flows_usd()[("firms", "rest_of_world", "imports")] == 20.0
    assert len(ledger.flows_usd()) == 9

    month = ledger.close_month()
    assert isinstance(month, MonthAccounts)
    assert month.net_lending == pytest.approx(net)
    assert month.imbalance_usd == 0.0
    assert month.total("taxes") == pytest.approx(13.0)
    assert month.total("taxes", payer="firms") == pytest.approx(10.0)
    assert month.total("taxes", payee="regions") == pytest.approx(9.0)
    assert month.total("taxes", payer="households", payee="federal") == 0.0
    assert month.public_support_usd == pytest.approx(5.0)
    assert month.gross_usd == pytest.approx(187.0)


def test_close_month_resets_the_month_and_keeps_running_totals():
    ledger = hand_worked_month()
    first = ledger.close_month()
    assert ledger.flows_usd() == {}
    assert all(v == 0.0 for v in ledger.net_lending_usd().values())
    assert ledger.received_usd("firms") == 0.0
    assert ledger.totals == first.flows
    ledger.pay("firms", "households", 50.0, "wages")
    assert ledger.totals[("firms", "households", "wages")] == 30.0  # the open month is not in yet
    second = ledger.close_month()
    assert second.flows == {("firms", "households", "wages"): 50.0}
    assert ledger.totals[("firms", "households", "wages")] == 80.0
    assert ledger.totals[("rest_of_world", "firms", "exports")] == 100.0
    assert ledger.months_closed == 2
    total_net = ledger.total_net_lending_usd()
    assert total_net["households"] == pytest.approx(15.0 + 50.0)
    # a closed month is not changed by later payments
    ledger.pay("firms", "households", 1.0, "wages")
    assert second.flows == {("firms", "households", "wages"): 50.0}


def test_a_zero_payment_books_nothing():
    ledger = Ledger()
    ledger.pay("firms", "households", 0.0, "wages")
    ledger.pay_many("firms", "households", np.zeros(4), "wages")
    ledger.pay_many("firms", "households", np.array([]), "wages")
    assert ledger.flows_usd() == {}


payment = st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS),
                    st.floats(0.0, 1e12, allow_nan=False, allow_infinity=False), st.sampled_from(KINDS))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(payment, max_size=60), min_size=1, max_size=4))
def test_net_lending_sums_to_zero_for_any_payments(months):
    ledger = Ledger()
    for month in months:
        gross = 0.0
        for payer, payee, amount, kind in month:
            ledger.pay(payer, payee, amount, kind)
            gross += amount
        assert abs(sum(ledger.net_lending_usd().values())) <= 1e-9 * max(gross, 1.0)
        closed = ledger.close_month()
        assert abs(closed.imbalance_usd) <= 1e-9 * max(closed.gross_usd, 1.0)
        assert closed.gross_usd == pytest.approx(gross, rel=1e-9, abs=1e-9)
        assert all(math.isfinite(v) for v in closed.net_lending.values())
    grand = sum(amount for month in months for _, _, amount, _ in month)
    assert sum(ledger.totals.values()) == pytest.approx(grand, rel=1e-9, abs=1e-9)
    assert abs(sum(ledger.total_net_lending_usd().values())) <= 1e-9 * max(grand, 1.0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 1e12, allow_nan=False, allow_infinity=False), max_size=50),
       st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS), st.sampled_from(KINDS))
def test_pay_many_equals_the_sum_of_scalar_pays(amounts, payer, payee, kind):
    vector, scalar = Ledger(), Ledger()
    vector.pay_many(payer, payee, np.array(amounts), kind)
    for amount in amounts:
        scalar.pay(payer, payee, amount, kind)
    a, b = vector.flows_usd(), scalar.flows_usd()
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == pytest.approx(b[key], rel=1e-12)
    assert vector.net_lending_usd() == pytest.approx(scalar.net_lending_usd(), rel=1e-12, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.0, 1e9, allow_nan=False, allow_infinity=False),
       st.lists(st.floats(0.0, 1e12, allow_nan=False, allow_infinity=False), max_size=50),
       st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS), st.sampled_from(KINDS))
def test_pay_each_books_exactly_what_scalar_pays_book(first, amounts, payer, payee, kind):
    # the same additions in the same order onto what the flow held: equal to the last bit
    each, scalar = Ledger(), Ledger()
    for ledger in (each, scalar):
        ledger.pay(payer, payee, first, kind)
    each.pay_each(payer, payee, amounts, kind)
    for amount in amounts:
        scalar.pay(payer, payee, amount, kind)
    assert each.flows_array().tobytes() == scalar.flows_array().tobytes()


def test_pay_each_refuses_a_bad_amount_and_keeps_what_came_before():
    ledger = Ledger()
    with pytest.raises(ValueError, match="finite number"):
        ledger.pay_each("firms", "households", [3.0, -1.0, 4.0], "wages")
    assert ledger.flows_usd() == {("firms", "households", "wages"): 3.0}


@pytest.mark.parametrize("payer, payee, kind, bad", [
    ("firm", "households", "wages", "firm"),
    ("firms", "Households", "wages", "Households"),
    ("firms", "households", "salaries", "salaries"),
    (None, "households", "wages", "None"),
])
def test_unknown_names_are_refused_with_the_valid_choices(payer, payee, kind, bad):
    ledger = Ledger()
    for book in (lambda: ledger.pay(payer, payee, 1.0, kind),
                 lambda: ledger.pay_many(payer, payee, np.ones(3), kind)):
        with pytest.raises(ValueError) as err:
            book()
        message = str(err.value)
        assert bad in message
        choices = KINDS if bad == "salaries" else ACCOUNTS
        assert all(name in message for name in choices)
    assert ledger.flows_usd() == {}


def test_queries_refuse_unknown_names():
    ledger = Ledger()
    with pytest.raises(ValueError, match="rest_of_world"):
        ledger.received_usd("banks")
    with pytest.raises(ValueError, match="feedstock"):
        ledger.paid_usd("firms", "bribes")
    month = ledger.close_month()
    with pytest.raises(ValueError, match="subsidies"):
        month.total("grants")
    with pytest.raises(ValueError, match="federal"):
        month.total("taxes", payee="state")


@pytest.mark.parametrize("amount", [-1.0, -1e-12, math.nan, math.inf, -math.inf])
def test_negative_or_non_finite_amounts_are_refused(amount):
    ledger = Ledger()
    with pytest.raises(ValueError, match="finite"):
        ledger.pay("firms", "households", amount, "wages")
    with pytest.raises(ValueError, match="finite"):
        ledger.pay_many("firms", "households", np.array([1.0, amount, 2.0]), "wages")
    assert ledger.flows_usd() == {}


def test_pay_many_names_the_bad_entry():
    with pytest.raises(ValueError, match="index 2"):
        Ledger().pay_many("firms", "households", np.array([1.0, 2.0, -3.0]), "wages")
