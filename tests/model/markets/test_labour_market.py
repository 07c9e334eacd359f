"""The labour market alone: pools, the wage curve, migrants, refusals."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.markets.labour import (
    LabourOutcome,
    LabourParams,
    clear_labour,
    labour_pools,
    wage_bill_usd_per_month,
)

P = LabourParams()
LF = 1_000_000.0  # workers: pool 20,000 = 17,000 general + 3,000 skilled at the defaults
BASE = 1000.0  # USD/month
POOL_G = LF * P.mobile_share * (1 - P.skilled_share)
POOL_S = LF * P.mobile_share * P.skilled_share


def one_region(demand_general, demand_skilled, params=P, lf=LF, base=BASE) -> LabourOutcome:
    return clear_labour(np.array([lf]), np.array([base]), np.array([float(demand_general)]),
                        np.array([float(demand_skilled)]), params)


def general_wage(demand, params=P):
    return float(one_region(demand, 0.0, params).wage_general_usd_per_month[0])


def test_the_pools_are_the_mobile_share_split_by_skill():
    general, skilled = labour_pools(np.array([LF, 0.0]))
    assert general == pytest.approx([POOL_G, 0.0])
    assert skilled == pytest.approx([POOL_S, 0.0])
    assert POOL_G == pytest.approx(17_000) and POOL_S == pytest.approx(3_000)


def test_below_the_threshold_new_hires_get_the_base_wage_and_skilled_their_premium():
    lf = np.array([LF, 2 * LF, 50_000.0])
    base = np.array([800.0, 1000.0, 1500.0])
    pool = P.mobile_share * lf
    out = clear_labour(lf, base, 0.49 * pool * (1 - P.skilled_share), 0.3 * pool * P.skilled_share)
    np.testing.assert_allclose(out.wage_general_usd_per_month, base)
    np.testing.assert_allclose(out.wage_skilled_usd_per_month, base * (1 + P.skilled_premium))
    np.testing.assert_allclose(out.utilisation_general, 0.49)
    np.testing.assert_allclose(out.utilisation_skilled, 0.3)
    assert (out.migrants == 0).all()
    zero = clear_labour(lf, base, np.zeros(3), np.zeros(3))
    np.testing.assert_allclose(zero.wage_general_usd_per_month, base)
    np.testing.assert_allclose(zero.utilisation_general, 0.0)


def test_the_wage_rises_linearly_to_one_plus_elasticity_at_full_use():
    assert general_wage(0.75 * POOL_G) == pytest.approx(BASE * (1 + 0.5 * P.elasticity))
    assert general_wage(POOL_G) == pytest.approx(BASE * (1 + P.elasticity))
    skilled = one_region(0.0, POOL_S).wage_skilled_usd_per_month[0]
    assert skilled == pytest.approx(BASE * (1 + P.skilled_premium) * (1 + P.elasticity))


def test_beyond_the_pool_new_hires_cost_the_mean_of_local_and_migrant_wages():
    out = one_region(2 * POOL_G, 0.0)
    w_local = BASE * (1 + P.elasticity)
    w_migrant = BASE * (1 + P.elasticity + P.migration_premium)
    assert out.wage_general_usd_per_month[0] == pytest.approx(0.5 * w_local + 0.5 * w_migrant)
    assert out.utilisation_general[0] == pytest.approx(2.0)
    bill = wage_bill_usd_per_month(out, np.array([2 * POOL_G]), np.array([0.0]))
    assert bill[0] == pytest.approx(POOL_G * w_local + POOL_G * w_migrant)
    # bounded: it approaches the migrant wage and never passes it
    assert w_local < general_wage(1e6 * POOL_G) <= w_migrant
    assert general_wage(1e6 * POOL_G) == pytest.approx(w_migrant, rel=1e-5)


@pytest.mark.parametrize("params", [P, LabourParams(elasticity=2.5, threshold=0.2, migration_premium=1.0),
                                    LabourParams(elasticity=0.0, migration_premium=0.0),
                                    LabourParams(threshold=0.0)])
def test_the_wage_has_no_jump_at_the_threshold_or_at_full_use(params):
    step = 1e-9
    # the steepest the mean wage gets, per unit of utilisation, on either side of the two kinks
    slope = BASE * max(params.elasticity / (1 - params.threshold), params.migration_premium)
    for u in (params.threshold, 1.0):
        below, at, above = (general_wage(x * POOL_G, params) for x in (max(0.0, u - step), u, u + step))
        assert abs(above - below) <= 2 * step * slope * 1.01 + 1e-9 * BASE
        assert below <= at <= above
    assert general_wage(POOL_G, params) == BASE * (1 + params.elasticity)  # exact at full use


def test_migrants_fill_only_the_excess_over_the_pool():
    lf = np.full(4, LF)
    dg = POOL_G * np.array([0.5, 1.0, 1.5, 3.0])
    ds = POOL_S * np.array([1.0, 0.2, 2.0, 0.0])
    out = clear_labour(lf, np.full(4, BASE), dg, ds)
    np.testing.assert_allclose(out.migrants_general, [0.0, 0.0, 0.5 * POOL_G, 2.0 * POOL_G])
    np.testing.assert_allclose(out.migrants_skilled, [0.0, 0.0, POOL_S, 0.0])
    np.testing.assert_allclose(out.migrants, out.migrants_general + out.migrants_skilled)
    assert out.migrants[0] == 0.0 and out.migrants[1] == 0.0


def test_the_skilled_pool_binds_before_the_general_one_for_skill_heavy_demand():
    # a separation plant hiring 40 % skilled (the pool is 15 % skilled)
    jobs = 0.6 * (POOL_G + POOL_S)
    out = one_region(0.6 * jobs, 0.4 * jobs)
    assert out.utilisation_skilled[0] > 1.0 > out.utilisation_general[0]
    assert out.migrants_skilled[0] > 0.0 and out.migrants_general[0] == 0.0
    assert out.wage_skilled_usd_per_month[0] > BASE * (1 + P.skilled_premium) * (1 + P.elasticity)
    assert out.wage_general_usd_per_month[0] < BASE * (1 + P.elasticity)


def test_an_empty_pool_hires_only_migrants_at_the_migrant_wage():
    out = clear_labour(np.array([0.0, 0.0]), np.array([BASE, BASE]), np.array([0.0, 10.0]),
                       np.array([0.0, 5.0]))
    w_migrant = BASE * (1 + P.elasticity + P.migration_premium)
    np.testing.assert_allclose(out.wage_general_usd_per_month, [BASE, w_migrant])
    np.testing.assert_allclose(out.wage_skilled_usd_per_month, [BASE * 1.5, w_migrant * 1.5])
    np.testing.assert_allclose(out.utilisation_general, [0.0, 1.0])
    np.testing.assert_allclose(out.migrants, [0.0, 15.0])
    no_skills = one_region(0.0, 100.0, LabourParams(skilled_share=0.0))
    assert no_skills.migrants_skilled[0] == 100.0


demand = st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False)
labour = st.one_of(st.just(0.0), st.floats(1.0, 1e8))
params = st.builds(LabourParams, mobile_share=st.floats(0.0, 1.0), skilled_share=st.floats(0.0, 1.0),
                   skilled_premium=st.floats(0.0, 3.0), elasticity=st.floats(0.0, 5.0),
                   threshold=st.floats(0.0, 0.99), migration_premium=st.floats(0.0, 3.0))


@settings(max_examples=300, deadline=None)
@given(labour, st.floats(0.0, 1e5), demand, demand, params)
def test_the_wage_never_falls_as_demand_grows(lf, base, d1, d2, params):
    lo, hi = sorted((d1, d2))
    a, b = one_region(lo, lo, params, lf, base), one_region(hi, hi, params, lf, base)
    assert b.wage_general_usd_per_month[0] >= a.wage_general_usd_per_month[0]
    assert b.wage_skilled_usd_per_month[0] >= a.wage_skilled_usd_per_month[0]
    assert b.migrants[0] >= a.migrants[0]
    assert b.utilisation_general[0] >= a.utilisation_general[0]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(*(st.lists(s, min_size=n, max_size=n) for s in (
    labour, st.floats(0.0, 1e5), demand, demand)))), params)
def test_outputs_are_finite_non_negative_and_bounded_for_any_valid_input(arrays, params):
    lf, base, dg, ds = (np.array(a) for a in arrays)
    out = clear_labour(lf, base, dg, ds, params)
    for name in ("wage_general_usd_per_month", "wage_skilled_usd_per_month", "utilisation_general",
                 "utilisation_skilled", "migrants", "pool_general", "pool_skilled"):
        value = getattr(out, name)
        assert value.shape == lf.shape
        assert np.isfinite(value).all() and (value >= 0).all(), name
    top = 1 + params.elasticity + params.migration_premium
    rel = 1 + 1e-12
    assert (out.wage_general_usd_per_month >= base / rel).all()
    assert (out.wage_general_usd_per_month <= base * top * rel).all()
    skilled_base = base * (1 + params.skilled_premium)
    assert (out.wage_skilled_usd_per_month >= skilled_base / rel).all()
    assert (out.wage_skilled_usd_per_month <= skilled_base * top * rel).all()
    np.testing.assert_allclose(out.migrants_general, np.maximum(0.0, dg - out.pool_general))
    bill = wage_bill_usd_per_month(out, dg, ds)
    assert np.isfinite(bill).all() and (bill >= 0).all()


@pytest.mark.parametrize("arg, value, message", [
    ("labour_force", [LF, -1.0], "labour_force"),
    ("base_wage_usd_per_month", [BASE, np.nan], "base_wage_usd_per_month"),
    ("demand_general", [0.0, np.inf], "demand_general"),
    ("demand_skilled", [-5.0, 0.0], "demand_skilled"),
    ("demand_skilled", [0.0, 0.0, 0.0], "demand_skilled has shape"),
    ("base_wage_usd_per_month", [BASE], "base_wage_usd_per_month has shape"),
    ("demand_general", ["a", "b"], "demand_general"),
])
def test_bad_inputs_are_refused_naming_the_argument(arg, value, message):
    args = {"labour_force": [LF, LF], "base_wage_usd_per_month": [BASE, BASE],
            "demand_general": [0.0, 0.0], "demand_skilled": [0.0, 0.0]}
    args[arg] = value
    with pytest.raises(ValueError, match=message):
        clear_labour(**{k: np.asarray(v) if k != arg else v for k, v in args.items()})


@pytest.mark.parametrize("field, value", [("mobile_share", -0.1), ("skilled_share", 1.5),
                                          ("threshold", 1.0), ("elasticity", float("nan")),
                                          ("migration_premium", -1.0), ("skilled_premium", float("inf"))])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        LabourParams(**{field: value})


def test_the_wage_bill_checks_its_demands_against_the_outcome():
    out = one_region(10.0, 1.0)
    with pytest.raises(ValueError, match="demand_general"):
        wage_bill_usd_per_month(out, np.array([1.0, 2.0]), np.array([1.0]))
