"""Replications on many seeds: paired arms, bands across runs, cancellation."""

import threading

import numpy as np
import pytest

from model.replications import (
    Arm,
    Cancelled,
    bands,
    paired_differences,
    replication_seeds,
    run_replications,
    stack,
)

MONTHS = 4
BASE = Arm("base", "baseline", {"horizon_years": 1})
PRICE = "power_price_siberia_usd_per_mwh"


@pytest.fixture(scope="module")
def runs():
    return run_replications([BASE], replication_seeds(11, 4), MONTHS)["base"]


def test_seeds_are_distinct_reproducible_and_follow_the_sweep_rule():
    seeds = replication_seeds(5, 6)
    assert len(set(seeds)) == 6 and seeds == replication_seeds(5, 6)
    assert replication_seeds(5, 3) == seeds[:3]  # replication r does not depend on n
    state = np.random.SeedSequence(5, spawn_key=(2,)).generate_state(1, np.uint64)
    assert seeds[2] == int(state[0] >> np.uint64(1))
    with pytest.raises(ValueError):
        replication_seeds(5, 0)


def test_n_runs_give_n_distinct_paths_of_a_stochastic_indicator(runs):
    paths = stack(runs, PRICE)
    assert paths.shape == (4, MONTHS)
    assert len({tuple(p) for p in paths}) == 4


def test_the_band_contains_the_median_and_spans_the_runs(runs):
    b = bands(runs, [PRICE])
    lo, mid, hi = (b[f"{PRICE}@{q}"].to_numpy() for q in ("0.05", "0.5", "0.95"))
    assert list(b["month"]) == [1, 2, 3, 4]
    assert (lo <= mid).all() and (mid <= hi).all()
    paths = stack(runs, PRICE)
    assert (lo >= paths.min(axis=0)).all() and (hi <= paths.max(axis=0)).all()
    assert (hi - lo).max() > 0  # the seeds do differ
    np.testing.assert_allclose(mid, np.median(paths, axis=0))


def test_the_same_seeds_give_the_same_bands(runs):
    again = run_replications([BASE], replication_seeds(11, 4), MONTHS)["base"]
    assert bands(runs).equals(bands(again))
    other = run_replications([BASE], replication_seeds(12, 4), MONTHS)["base"]
    assert not bands(runs).equals(bands(other))


def test_paired_arms_of_identical_settings_differ_by_exactly_zero():
    twin = Arm("twin", "baseline", {"horizon_years": 1})
    out = run_replications([BASE, twin], replication_seeds(3, 2), 3)
    for diff in paired_differences(out["base"], out["twin"]):
        values = diff.drop(columns=["year", "month"]).to_numpy()
        assert (values == 0).all()


def test_a_changed_lever_moves_an_indicator_it_must_affect_on_every_seed():
    richer = Arm("high price", "baseline", {"horizon_years": 1, "world_price_index": 2.0})
    out = run_replications([BASE, richer], replication_seeds(3, 2), 2)
    for diff in paired_differences(out["base"], out["high price"]):
        assert (diff["export_revenue_usd"] > 0).all()  # exports sell at world prices


def test_progress_is_reported_and_cancel_stops_the_runs():
    seen = []
    run_replications([BASE], replication_seeds(1, 2), 1,
                     on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_replications([BASE], replication_seeds(1, 2), 1, cancel=cancel)
