"""The parameter catalogue: validation at the boundary and the generated docs page."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.errors import ParameterError
from model.params import PARAMETERS, Parameter, catalogue_markdown, parse_assignment, resolve

ROOT = Path(__file__).resolve().parents[2]

DESIGN_LEVERS = [
    "hydro_buildout_gw", "discount_rate", "processing_subsidy_share", "planning_mode",
    "threat_intensity", "threat_intensity_east", "backups_allowed", "hydro_inflow_index",
    "nsr_rail_link_year", "river_development", "ai_demand_gw_2035", "world_price_index",
    "horizon_years", "resolution_deg",
]


def test_catalogue_has_every_design_lever():
    assert set(DESIGN_LEVERS) <= set(PARAMETERS)


@pytest.mark.parametrize("p", PARAMETERS.values(), ids=lambda p: p.name)
def test_every_entry_is_complete_and_its_default_valid(p: Parameter):
    assert p.description and p.group and p.source and p.confidence in ("high", "medium", "low")
    assert p.validate(p.default) == p.default
    assert (p.bounds is not None) or (p.choices is not None) or p.kind is bool


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ParameterError, match="did you mean 'hydro_buildout_gw'"):
        resolve({"hydro_buildot_gw": 1.0})


def test_out_of_bounds_names_the_bounds():
    with pytest.raises(ParameterError, match="out of bounds: expected 0 to 40"):
        resolve({"hydro_buildout_gw": 41})


@pytest.mark.parametrize("name,value", [
    ("backups_allowed", 1), ("hydro_buildout_gw", "5"), ("horizon_years", 2.5),
    ("discount_rate", True), ("discount_rate", float("nan")), ("planning_mode", 3),
])
def test_wrong_type_is_refused(name, value):
    with pytest.raises(ParameterError, match=name):
        resolve({name: value})


def test_special_values_and_choices():
    assert resolve({"nsr_rail_link_year": 0}).nsr_rail_link_year == 0
    with pytest.raises(ParameterError, match="2026 to 2050 or 0 = never"):
        resolve({"nsr_rail_link_year": 2020})
    with pytest.raises(ParameterError, match="'market', 'coordinated'"):
        resolve({"planning_mode": "central"})


def test_later_layers_override_earlier_ones():
    p = resolve({"discount_rate": 0.08}, {"discount_rate": 0.12})
    assert p.discount_rate == 0.12 and p["hydro_buildout_gw"] == 0.0
    with pytest.raises(AttributeError):
        p.discount_rate = 0.3


def test_parse_assignment_from_the_command_line():
    assert parse_assignment("backups_allowed=false") == ("backups_allowed", False)
    assert parse_assignment("nsr_rail_link_year=2030") == ("nsr_rail_link_year", 2030)
    assert parse_assignment(" resolution_deg = 0.5") == ("resolution_deg", 0.5)
    for bad in ("resolution_deg", "=1", "horizon_years=ten", "horizon_years=2.5"):
        with pytest.raises(ParameterError):
            parse_assignment(bad)


def _valid_values(p: Parameter):
    if p.kind is bool:
        return st.booleans()
    if p.choices is not None:
        return st.sampled_from(p.choices)
    lo, hi = p.bounds
    base = (st.integers(int(lo), int(hi)) if p.kind is int
            else st.floats(lo, hi, allow_nan=False))
    return st.one_of(base, st.sampled_from(list(p.special))) if p.special else base


@given(st.data())
def test_any_valid_value_round_trips_through_the_command_line(data):
    for p in PARAMETERS.values():
        value = data.draw(_valid_values(p), label=p.name)
        assert p.validate(value) == value
        text = str(value).lower() if p.kind is bool else (value if p.kind is str else repr(value))
        assert p.parse(text) == value


def test_parameters_page_is_generated_from_the_catalogue():
    page = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown() + "\n", (
        "docs/parameters.md is stale: run `siberia params --markdown > docs/parameters.md`")
