"""Scenarios as data: the shipped files, `extends`, and clear errors for bad files."""

import pytest

from model.errors import ScenarioError
from model.scenario import TABLES, available, load_scenario

VARIANTS = ["hydro_push", "high_threat", "nsr_integrated", "ai_boom", "coordinated"]


def test_the_baseline_and_the_named_variants_ship():
    assert {"baseline", *VARIANTS} <= set(available())


@pytest.mark.parametrize("name", available())
def test_every_shipped_scenario_loads_and_every_row_has_a_source(name):
    s = load_scenario(name)
    assert s.name == name and s.description
    for table in TABLES:
        for row in getattr(s, table):
            assert row.source.strip(), f"{name}: a [[{table}]] row has no source"
            for field_name in row.sources:
                assert field_name in type(row).model_fields, (
                    f"{name}: [[{table}]] sources names an unknown field {field_name!r}")
    for param, source in s.param_sources.items():
        assert source.strip(), f"{name}: [params] {param} has no source"


def test_baseline_holds_the_base_year_facilities():
    s = load_scenario("baseline")
    assert len(s.regions) == 20
    assert sum(r.siberian for r in s.regions) >= 15
    hydro = {p.name: p for p in s.power_stations if p.kind == "hydro"}
    assert hydro["Sayano-Shushenskaya"].capacity_mw == 6400
    assert {"tomtor", "lovozero"} <= {d.id.split("_")[0] for d in s.deposits}
    assert {"trans_siberian", "bam"} <= {r.id for r in s.routes}
    assert any(r.mode == "sea" and r.id.startswith("nsr") for r in s.routes)
    assert s.frontier("west") is not None and s.frontier("east") is not None


@pytest.mark.parametrize("name", VARIANTS)
def test_variants_extend_the_baseline_and_change_something(name):
    s = load_scenario(name)
    assert s.chain[-1] == "baseline"
    base = load_scenario("baseline")
    assert s.params != base.params or any(getattr(s, t) != getattr(base, t) for t in TABLES)


def _write(tmp_path, text, name="x.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_variant_replaces_rows_by_id_and_adds_new_ones(tmp_path):
    base = load_scenario("baseline")
    first = base.power_stations[0]
    path = _write(tmp_path, f'''
name = "x"
description = "test variant"
extends = "baseline"
[params]
hydro_buildout_gw = {{ value = 12.5, source = "assumption — test" }}
[[power_stations]]
id = "{first.id}"
name = "{first.name}"
kind = "{first.kind}"
region = "{first.region}"
lat = {first.lat}
lon = {first.lon}
capacity_mw = 1.0
source = "test"
confidence = "low"
''')
    s = load_scenario(path)
    assert s.params["hydro_buildout_gw"] == 12.5
    assert s.param_sources["hydro_buildout_gw"] == "assumption — test"
    assert len(s.power_stations) == len(base.power_stations)
    assert next(p for p in s.power_stations if p.id == first.id).capacity_mw == 1.0
    assert s.resolved_params(discount_rate=0.2).hydro_buildout_gw == 12.5


@pytest.mark.parametrize("text,message", [
    ('name = "x"\ndescription = "d"\nextends = "baseline"\n[params]\nnope = 1\n',
     "unknown parameter 'nope'"),
    ('name = "x"\ndescription = "d"\nextends = "baseline"\n[params]\nhydro_buildout_gw = 99\n',
     "out of bounds"),
    ('name = "x"\ndescription = "d"\nextends = "baseline"\ncolour = "red"\n',
     "unknown key; valid top-level keys"),
    ('name = "x"\ndescription = "d"\n[[ports]]\nid = "p"\nname = "P"\nkind = "air"\n'
     'region = "Tuva"\nlat = 1\nlon = 2\nsource = "s"\nconfidence = "low"\n',
     r"\[\[ports\]\] row 1 \('p'\) field 'kind'"),
    ('name = "x"\ndescription = "d"\n[[deposits]]\nid = "d"\n', "required field is missing"),
    ('name = "x"\ndescription = [1\n', "malformed TOML"),
    ('name = "x"\ndescription = "d"\nextends = "nowhere"\n', "unknown scenario 'nowhere'"),
])
def test_bad_files_give_one_clear_line(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError, match=message) as err:
        load_scenario(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value) or "nowhere" in str(
        err.value)


def test_unknown_names_and_missing_files(tmp_path):
    with pytest.raises(ScenarioError, match="did you mean 'baseline'"):
        load_scenario("baselin")
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="must be a scenario name or a path"):
        load_scenario(42)


def test_an_extends_cycle_is_reported(tmp_path):
    _write(tmp_path, 'name = "a"\ndescription = "d"\nextends = "b.toml"\n', "a.toml")
    _write(tmp_path, 'name = "b"\ndescription = "d"\nextends = "a.toml"\n', "b.toml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


def test_rows_must_name_a_known_region(tmp_path):
    path = _write(tmp_path, '''
name = "x"
description = "d"
extends = "baseline"
[[ports]]
id = "atlantis"
name = "Atlantis"
kind = "sea"
region = "Atlantis Oblast"
lat = 60
lon = 100
source = "test"
confidence = "low"
''')
    with pytest.raises(ScenarioError, match="unknown region 'Atlantis Oblast'"):
        load_scenario(path)
