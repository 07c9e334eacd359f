"""Validation patterns: verdict logic and the generated page."""

import math
from pathlib import Path

import pytest

from model.validation import (
    MODEL_VALUES,
    Pattern,
    judge,
    load_patterns,
    run_base_years,
    validation_markdown,
    validation_rows,
    within,
)

ROOT = Path(__file__).resolve().parents[2]


def test_every_pattern_of_the_facts_file_is_encoded():
    ids = {p.id for p in load_patterns()}
    assert ids == {"seed_exports", "seed_imports", "seed_imports_gdp", "price_ratio",
                   "price_ratio_energy_only",
                   "siberia_hydro_output", "big_stations", "aluminium_power_share", "nsr_cargo",
                   "eastern_polygon", "inland_waterways", "ree_mine_output",
                   "siberia_ree_processing", "rusal_output"}
    assert set(MODEL_VALUES) <= ids


@pytest.mark.parametrize("model,observed,tolerance,expected", [
    (76e9, 75e9, 0.05, True), (80e9, 75e9, 0.05, False),
    (7.3e9, [7.2e9, 7.6e9], "range", True), (7.7e9, [7.2e9, 7.6e9], "range", False),
    (0.7, 0.7, [0.6, 0.85], True), (0.9, 0.7, [0.6, 0.85], False),
    (math.nan, 1.0, 0.5, False), (3.0, 1.0, "plausible", None),
])
def test_tolerances(model, observed, tolerance, expected):
    assert within(model, observed, tolerance) is expected


def test_table_valued_patterns_need_every_entry():
    p = Pattern("x", "w", "TWh/yr", {"A": 10.0, "B": 20.0}, 0.1, "s")
    assert judge(p, {"A": 10.5, "B": 19.0}) == "pass"
    assert judge(p, {"A": 10.5}) == "fail"
    assert judge(p, None) == "not modelled yet"


def test_model_values_are_averaged_over_replications():
    from model.validation import _mean

    assert _mean([1.0, 3.0]) == 2.0
    assert _mean([{"a": 1.0}, {"a": 2.0}]) == {"a": 1.5}
    assert _mean([1.0, None]) is None


def test_the_validation_page_is_current():
    rows = validation_rows(run_base_years("baseline"))
    text = validation_markdown(rows, "baseline", "siberia validate --out docs/validation.md")
    assert (ROOT / "docs" / "validation.md").read_text(encoding="utf-8") == text, (
        "docs/validation.md is stale: run `siberia validate --out docs/validation.md`")
