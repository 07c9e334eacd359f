"""Scenario tables of the freight network (issue 5): modes, seasons on routes, background flows."""

import pytest

from model.errors import ScenarioError
from model.scenario import load_scenario

BASE = load_scenario("baseline")
USD_RUB = 92.6
HEAD = 'name = "x"\ndescription = "test variant"\nextends = "baseline"\n'


def _load(tmp_path, text):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    return load_scenario(path)


def test_the_baseline_holds_the_freight_tables():
    modes = {m.mode: m for m in BASE.freight_modes}
    assert set(modes) == {"rail", "river", "sea", "road"}
    assert modes["rail"].cost_usd_per_tkm == pytest.approx(1.5 / USD_RUB, rel=0.01)
    assert modes["river"].cost_usd_per_tkm == pytest.approx(2.5 / USD_RUB, rel=0.01)
    assert modes["road"].cost_usd_per_tkm == pytest.approx(4.0 / USD_RUB, rel=0.01)
    assert modes["sea"].cost_usd_per_tkm < modes["rail"].cost_usd_per_tkm < modes["road"].cost_usd_per_tkm
    assert 6 <= len(BASE.background_freight) <= 20
    for row in [*BASE.freight_modes, *BASE.background_freight]:
        assert row.source and row.confidence


def test_every_river_has_a_season_and_the_nsr_east_of_dikson_opens_july_to_november():
    routes = {r.id: r for r in BASE.routes}
    for r in BASE.routes:
        if r.mode == "river":
            assert r.navigation_months and "navigation_months" in r.sources
    lower = routes["yenisei"].sections[0]
    assert len(lower.navigation_months) < len(routes["yenisei"].navigation_months)
    east = routes["nsr_lane"].sections[0]
    assert (east.from_waypoint, east.navigation_months) == ("Dikson", [7, 8, 9, 10, 11])
    assert len(routes["nsr_lane"].navigation_months) == 12  # western sector year-round


def test_the_eastern_polygon_capacity_is_shared_by_the_trans_siberian_and_bam():
    routes = {r.id: r for r in BASE.routes}
    total = routes["trans_siberian"].capacity_mt_per_year + routes["bam"].capacity_mt_per_year
    assert total == pytest.approx(180.0)  # facts eastern_polygon 2024 target
    assert "capacity_mt_per_year" in routes["bam"].sources


def test_background_coal_adds_up_to_the_eastern_polygon_figure():
    coal = sum(b.volume_t_per_year for b in BASE.background_freight
               if b.cargo == "coal" and b.industrial)  # the corridors' coal, not Taymyr's
    assert coal == pytest.approx(108e6, rel=0.01)  # facts: coal via the Eastern Polygon, 2023
    polygon = sum(b.volume_t_per_year for b in BASE.background_freight
                  if b.base_year == 2023)
    assert polygon == pytest.approx(173e6, rel=0.01)  # facts: the polygon's 2023 throughput


ROUTE = '''
[[routes]]
id = "test_river"
name = "Test river"
mode = "river"
status = "operating"
waypoints = [[60.0, 90.0], [62.0, 90.0]]
waypoint_names = ["a", "b"]
navigation_months = {months}
source = "test"
confidence = "low"
'''

FLOW = '''
[[background_freight]]
id = "f1"
name = "F"
cargo = "coal"
origin = "{origin}"
destination = "murmansk_port"
volume_t_per_year = {volume}
base_year = 2024
source = "test"
confidence = "low"
'''


def test_a_variant_may_add_a_river_and_a_flow(tmp_path):
    s = _load(tmp_path, ROUTE.format(months="[6, 7, 8]") + FLOW.format(origin="dudinka_port",
                                                                         volume=1.0))
    assert s.routes[-1].navigation_months == [6, 7, 8]
    assert s.background_freight[-1].id == "f1"
    assert len(s.background_freight) == len(BASE.background_freight) + 1


@pytest.mark.parametrize("text,message", [
    ('[[freight_modes]]\nmode = "air"\ncost_usd_per_tkm = 1.0\ndefault_capacity_t_per_month = 1.0\n'
     'circuity = 1.0\ntransfer_cost_usd_per_t = 0.0\nsource = "test"\nconfidence = "low"\n',
     r"\[\[freight_modes\]\] row 1 \('air'\) field 'mode': Input should be 'rail', 'river', 'sea' or "
     r"'road'"),
    (ROUTE.format(months="[5, 13]"),
     r"\[\[routes\]\] row 1 \('test_river'\) field 'navigation_months': .*month 13 is not a "
     r"calendar month 1..12"),
    (ROUTE.format(months="[]"), r"'test_river'\) field 'navigation_months': .*at least one"),
    (FLOW.format(origin="dudinka_port", volume=-5.0),
     r"\[\[background_freight\]\] row 1 \('f1'\) field 'volume_t_per_year': Input should be "
     r"greater than or equal to 0"),
    (FLOW.format(origin="dudinka", volume=1.0),
     r"\[\[background_freight\]\] 'f1' field 'origin': unknown port 'dudinka' \(did you mean "
     r"'dudinka_port'\?\); valid: a \[\[ports\]\] id, or a place name with origin_lat and origin_lon"),
    (FLOW.format(origin="Somewhere", volume=1.0).replace('destination =', 'origin_lat = 60.0\n'
                                                         'destination ='),
     r"'f1' field 'origin_lat': give both origin_lat and origin_lon, or neither"),
    (ROUTE.format(months="None").replace("navigation_months = None\n", ""),
     r"\[\[routes\]\] 'test_river' field 'navigation_months': a river route needs its navigation "
     r"months"),
    (ROUTE.format(months="[6]").replace('confidence = "low"',
                                        'confidence = "low"\nsections = [{ from_waypoint = "c" }]'),
     r"\[\[routes\]\] 'test_river' field 'sections': unknown waypoint 'c'"),
])
def test_bad_freight_rows_fail_on_one_line_naming_the_row(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message) as err:
        _load(tmp_path, text)
    text = str(err.value)
    assert "\n" not in text and "x.toml" in text
