"""Scenario tables of the rare-earth value chain (issue 4): stages, plants, sites, investors, demand
tiers, export streams, and the chain fields of deposits and regions."""

import pytest

from model.errors import ScenarioError
from model.geo import build_atlas
from model.scenario import STAGE_IDS, load_scenario
from model.siberia_model import atlas_inputs

BASE = load_scenario("baseline")
CHAIN_TABLES = ["stages", "processing_plants", "industrial_sites", "investors", "demand_tiers",
                "export_streams"]
SEED_IMPORTS_USD = 75.0e9
USD_RUB = 92.6


def test_the_baseline_holds_the_chain_tables():
    assert [s.id for s in BASE.stages] == list(STAGE_IDS)
    chain_investors = {i.id: i.kind for i in BASE.investors
                       if set(i.stages) & set(STAGE_IDS)}  # the other sectors' are issue 10's
    assert chain_investors == {
        "state_corp": "state", "private": "private", "incumbent": "incumbent"}
    assert [t.id for t in BASE.demand_tiers] == [
        "materials", "magnets_components", "finished_equipment"]
    assert [e.id for e in BASE.export_streams] == ["other_rare_metals"]
    assert all(e.exogenous for e in BASE.export_streams)
    plants = {p.id: p for p in BASE.processing_plants}
    smz, glazov = plants["smz_separation"], plants["glazov_magnets"]
    assert (smz.stage, smz.capacity_tpa, smz.online_year, smz.region) == (
        "separation", 2500, 2027, "European Russia")
    assert (glazov.stage, glazov.capacity_tpa, glazov.online_year, glazov.region) == (
        "magnets", 1000, 2028, "European Russia")
    assert smz.capex_usd == pytest.approx(7e9 / USD_RUB, rel=0.01)
    assert glazov.capex_usd == pytest.approx(3.6e9 / USD_RUB, rel=0.01)
    sites = BASE.industrial_sites
    assert 10 <= len(sites) <= 15
    assert sum(s.siberian for s in sites) >= 8 and sum(not s.siberian for s in sites) >= 3


def test_no_processing_capacity_in_siberia_in_the_base_year():
    """facts validation.siberia_ree_processing: none operating, none committed, in Siberia."""
    siberian = {r.name for r in BASE.regions if r.siberian}
    assert not [p.id for p in BASE.processing_plants if p.region in siberian
                and p.sector == "rare_earths"]  # the smelters are the aluminium sector's


def test_tier_imports_sum_to_the_seed_bill():
    total = sum(t.base_import_usd_per_year for t in BASE.demand_tiers)
    assert total == pytest.approx(SEED_IMPORTS_USD, rel=1e-3)
    assert total / 2.17e12 == pytest.approx(0.035, abs=0.005)  # facts: ~3.5% of 2024 GDP


def test_the_tiers_are_sized_as_the_facts_say():
    tiers = {t.id: t for t in BASE.demand_tiers}
    mats = tiers["materials"]
    tonnes = mats.base_import_usd_per_year / 1e6 * mats.reo_t_per_musd
    assert 1000 <= tonnes <= 3000  # facts ree.russia_ree.domestic_demand_t_REO: 1-3 kt
    assert tiers["materials"].supplied_by_stages == ["separation", "metals"]
    assert tiers["magnets_components"].supplied_by_stages == ["magnets"]
    assert tiers["finished_equipment"].supplied_by_stages == []
    content = sum(t.base_import_usd_per_year for t in BASE.demand_tiers
                  if t.id != "finished_equipment")
    assert content / SEED_IMPORTS_USD < 0.02  # REE material content: a small part of the bill


def test_the_chain_runs_mining_separation_metals_magnets():
    stages = {s.id: s for s in BASE.stages}
    assert stages["mining"].input_stage is None
    for prev, nxt in zip(STAGE_IDS, STAGE_IDS[1:], strict=False):
        assert stages[nxt].input_stage == prev
    # walk back from magnets to mining
    walk, at = [], "magnets"
    while at is not None:
        walk.append(at)
        at = stages[at].input_stage
    assert walk[::-1] == ["mining", "separation", "metals", "magnets"]


def test_stage_numbers_follow_stoichiometry_and_prices():
    st = {s.id: s for s in BASE.stages}
    assert st["metals"].reo_per_t_output == pytest.approx(1 / 0.857, rel=0.01)
    assert st["magnets"].reo_per_t_output == pytest.approx(0.31 / 0.857, rel=0.01)
    assert st["mining"].world_price_usd_per_t == 4183
    assert st["magnets"].world_price_usd_per_t == 49000
    # facts: concentrate ~30-40% of the separated basket's value
    ratio = st["mining"].world_price_usd_per_t / st["separation"].world_price_usd_per_t
    assert 0.3 <= ratio <= 0.4
    # metals turn NdPr/Dy/Tb oxide into metal at a small positive conversion margin
    m = st["metals"]
    feed_cost = m.reo_per_t_output / m.recovery * m.feed_value_usd_per_t_reo
    assert 0 < m.world_price_usd_per_t - feed_cost < 0.1 * m.world_price_usd_per_t
    for s in BASE.stages:
        assert s.plant_sizes_tpa == sorted(s.plant_sizes_tpa)


def test_every_row_of_the_chain_tables_has_a_source():
    for table in CHAIN_TABLES:
        rows = getattr(BASE, table)
        assert rows, table
        for row in rows:
            assert row.source.strip(), f"[[{table}]] {row.id!r} has no source"
            for field, text in row.sources.items():
                assert text.strip() and field in type(row).model_fields, (table, row.id, field)


def test_deposits_and_regions_carry_the_chain_fields():
    for d in BASE.deposits:
        assert d.opex_usd_per_t_reo is not None and d.recovery is not None, d.id
        assert d.jobs is not None or "jobs" in d.sources, d.id
    lovozero = next(d for d in BASE.deposits if d.id == "lovozero")
    assert lovozero.capacity_t_reo_per_year == 2500  # today's SMZ carbonates: the mining stage
    for r in BASE.regions:
        assert r.wage_usd_per_month and r.labour_force and r.grp_usd_per_year, r.name
        assert r.labour_force < r.population
        for field in ("wage_usd_per_month", "labour_force", "grp_usd_per_year"):
            assert r.sources.get(field, "").strip(), (r.name, field)
    assert sum(r.grp_usd_per_year for r in BASE.regions) == pytest.approx(2.17e12, rel=0.01)
    siberian = [r for r in BASE.regions if r.district == "Siberian"]
    mean_rub = (sum(r.wage_usd_per_month * r.population for r in siberian)
                / sum(r.population for r in siberian) * USD_RUB)
    assert mean_rub == pytest.approx(80_000, rel=0.1)  # facts labour: Siberia ~80,000 RUB/month


def test_the_exogenous_export_stream_closes_the_seed_exports():
    stream = BASE.export_streams[0]
    ree_exports = 2500 * 4183  # base-year mine output x concentrate price
    assert stream.value_usd_per_year + ree_exports == pytest.approx(7.4e9, rel=1e-6)


@pytest.fixture(scope="module")
def atlas():
    return build_atlas(1.0, atlas_inputs(BASE))


@pytest.mark.parametrize("row", BASE.industrial_sites + BASE.processing_plants,
                         ids=lambda r: r.id)
def test_sites_and_plants_fall_in_their_regions(atlas, row):
    assert atlas.region_at(row.lat, row.lon) == row.region


def test_sites_agree_with_their_regions_flag():
    flags = {r.name: r.siberian for r in BASE.regions}
    for s in BASE.industrial_sites:
        assert s.siberian == flags[s.region], s.id


# --- bad files -------------------------------------------------------------------------------

PLANT = '''
[[processing_plants]]
id = "p1"
name = "Test plant"
stage = "{stage}"
region = "Krasnoyarsk Krai"
lat = 56.01
lon = 92.853
capacity_tpa = 1000.0
status = "building"
online_year = 2030
owner = "{owner}"
source = "test"
confidence = "low"
'''

HEAD = 'name = "x"\ndescription = "test variant"\nextends = "baseline"\n'


def _load(tmp_path, text):
    path = tmp_path / "x.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    return path, load_scenario(path)


def test_a_variant_may_add_a_plant(tmp_path):
    _, s = _load(tmp_path, PLANT.format(stage="metals", owner="private"))
    assert {p.id for p in s.processing_plants if p.sector == "rare_earths"} == {
        "smz_separation", "glazov_magnets", "p1"}


@pytest.mark.parametrize("stage,owner,message", [
    ("separaton", "state_corp", r"'p1' field 'stage': unknown 'separaton' \(did you mean "
                                r"'separation'\?\); valid: separation, metals, magnets"),
    ("mining", "state_corp", "field 'stage': unknown 'mining'"),
    ("magnets", "oligarch", r"'p1' field 'owner': unknown 'oligarch'; valid: state_corp, private, "
                            r"incumbent"),
])
def test_a_plant_with_an_unknown_stage_or_owner_fails_on_one_line(tmp_path, stage, owner,
                                                                  message):
    with pytest.raises(ScenarioError, match=message) as err:
        _load(tmp_path, PLANT.format(stage=stage, owner=owner))
    text = str(err.value)
    assert "\n" not in text and "x.toml" in text and "[[processing_plants]]" in text


@pytest.mark.parametrize("text,message", [
    ('[[investors]]\nid = "state_corp"\nname = "S"\nkind = "state"\nannual_budget_usd = 1.0\n'
     'hurdle_premium = 0.0\nhome_regions = ["Krasnoyarsk Kray"]\nstages = ["mining"]\n'
     'source = "test"\nconfidence = "low"\n',
     r"\[\[investors\]\] 'state_corp' field 'home_regions': unknown 'Krasnoyarsk Kray' "
     r"\(did you mean 'Krasnoyarsk Krai'\?\)"),
    ('[[demand_tiers]]\nid = "materials"\nname = "M"\nbase_import_usd_per_year = 1.0\n'
     'base_domestic_usd_per_year = 0.0\ngrowth_per_year = 0.0\nreo_t_per_musd = 1.0\n'
     'supplied_by_stages = ["smelting"]\nimport_markup = 0.1\nsource = "test"\n'
     'confidence = "low"\n',
     r"\[\[demand_tiers\]\] 'materials' field 'supplied_by_stages': unknown 'smelting'"),
    ('[[industrial_sites]]\nid = "s1"\nname = "S"\nregion = "European Russia"\nlat = 55.756\n'
     'lon = 37.617\nsiberian = true\nsource = "test"\nconfidence = "low"\n',
     r"\[\[industrial_sites\]\] 's1' field 'siberian': True but its region 'European Russia' "
     r"has siberian = False"),
    ('[[industrial_sites]]\nid = "s1"\nname = "S"\nregion = "Tomsk Oblast"\nlat = 56.6\n'
     'lon = 84.88\nsiberian = true\npower_node = "siberia_wets"\nsource = "test"\n'
     'confidence = "low"\n',
     r"field 'power_node': unknown 'siberia_wets' \(did you mean 'siberia_west'\?\)"),
    (PLANT.format(stage="metals", owner="private").replace('online_year = 2030\n', ''),
     r"'p1' field 'online_year': a building plant needs the year"),
])
def test_chain_references_are_checked(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message) as err:
        _load(tmp_path, text)
    assert "\n" not in str(err.value)


def test_a_stage_out_of_chain_order_fails(tmp_path):
    magnets = next(s for s in BASE.stages if s.id == "magnets")
    fields = magnets.model_dump(exclude_none=True, exclude={"sources", "notes"})
    fields["input_stage"] = "separation"
    lines = ["[[stages]]"] + [f"{k} = {_toml(v)}" for k, v in fields.items()]
    with pytest.raises(ScenarioError, match=r"\[\[stages\]\] 'magnets' field 'input_stage': "
                                            r"'separation'; the chain is mining -> separation -> "
                                            r"metals -> magnets, so it must be 'metals'"):
        _load(tmp_path, "\n".join(lines) + "\n")


def test_files_without_the_chain_fields_still_load(tmp_path):
    path = tmp_path / "frag.toml"
    path.write_text('name = "frag"\ndescription = "d"\n'
                    'regions = [{ name = "R", capital = "C", district = "D", siberian = true, '
                    'population = 1.0, source = "s", confidence = "low" }]\n'
                    'cities = [{ name = "C", region = "R", lat = 60.0, lon = 100.0, source = "s", '
                    'confidence = "low" }]\n', encoding="utf-8")
    s = load_scenario(path)
    assert s.regions[0].wage_usd_per_month is None and s.stages == []


def _toml(v):
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return repr(v)
