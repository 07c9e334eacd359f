"""The benchmark's pairing of runs with the reference measured beside them."""

import pytest

from benchmarks.reference import paired_costs


def test_a_run_is_charged_at_the_faster_of_the_references_around_it():
    # run 0 sits between a slow and a fast reading; run 1 between the fast one and a slow one
    assert paired_costs([2.0, 1.0], [0.5e6, 1.0e6, 0.4e6]) == [2.0e6, 1.0e6]


def test_a_slow_spell_run_is_not_charged_at_another_spells_reference():
    # the fastest run (1.0 s) came in a slow spell (0.6 M/s around it); the fastest reference
    # (1.2 M/s) came beside a slower run: the cheapest paired cost is not 1.0 s x 1.2 M/s
    costs = paired_costs([1.5, 1.0], [1.2e6, 0.6e6, 0.6e6])
    assert costs == pytest.approx([1.8e6, 0.6e6])


def test_the_references_must_bracket_every_run():
    with pytest.raises(ValueError, match="before the first run"):
        paired_costs([1.0, 1.0], [1e6, 1e6])
