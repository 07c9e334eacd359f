"""App pieces without a browser: controls from the catalogue, the map figure."""

import numpy as np
import pytest

from model import PARAMETERS, SiberiaModel, available_scenarios
from viz.app import DEFAULT_PLOTS, control_for, indicator_figure, map_figure, model_params


def test_every_catalogue_parameter_has_a_control_with_a_valid_default():
    params = model_params()
    assert set(params) == {"scenario_name", "rng", *PARAMETERS}
    assert params["scenario_name"]["values"] == available_scenarios()
    for name, p in PARAMETERS.items():
        control = params[name]
        assert p.validate(control["value"]) == p.default
        if control["type"] == "Select":
            for v in control["values"]:
                p.validate(v)  # every offered value is valid
        if control["type"].startswith("Slider"):
            assert (control["min"], control["max"]) == p.bounds


def test_a_reset_from_the_controls_builds_a_model_its_seed_reproduces():
    from mesa.visualization.solara_viz import _build_model_init_kwargs

    from viz.app import DEFAULT_SEED

    controls = {k: v["value"] for k, v in model_params().items()}
    assert controls["rng"] == DEFAULT_SEED
    controls.update(scenario_name="hydro_push", rng=7, horizon_years=1)
    m = SiberiaModel(rng=DEFAULT_SEED, horizon_years=1)
    again = SiberiaModel(**_build_model_init_kwargs(m, controls, add_scenario_when_empty=True,
                                                    require_model_accepts_scenario=True))
    assert again.scenario_name == "hydro_push" and again.run_seed == 7
    twin = SiberiaModel("hydro_push", rng=again.run_seed, horizon_years=1)
    for _ in range(2):
        again.step()
        twin.step()
    assert again.datacollector.get_model_vars_dataframe().equals(
        twin.datacollector.get_model_vars_dataframe())


def test_a_year_with_a_never_option_is_a_select():
    c = control_for(PARAMETERS["nsr_rail_link_year"])
    assert c["type"] == "Select" and c["values"][0] == 0 and c["values"][-1] == 2050


@pytest.mark.parametrize("scenario", ["baseline", "hydro_push"])
def test_the_map_draws_every_station_and_deposit(scenario):
    m = SiberiaModel(scenario, rng=1)
    fig = map_figure(m)
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == (len(m.power_stations) + len(m.planned_hydro) + len(m.mines)
                      + len(m.processing_plants) + len(m.sector_plants))
    assert len(ax.images) == 1  # the static layers are one cached image


def test_the_server_contacts_no_other_host():
    from viz.server import app_env, solara_command

    assert app_env()["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    cmd = solara_command("127.0.0.1", 8765)
    assert "--no-check-version" in cmd and cmd[cmd.index("--host") + 1] == "127.0.0.1"


def test_the_default_plots_draw_registry_indicators_as_they_are_collected():
    from model.indicators import columns

    m = SiberiaModel(rng=1, horizon_years=1)
    for _ in range(3):
        m.step()
    names = set(columns(m))
    for title, series in DEFAULT_PLOTS:
        assert set(series) <= names, (title, set(series) - names)
        ax = indicator_figure(m, title, series).axes[0]
        assert [len(line.get_xdata()) for line in ax.lines] == [3] * len(series)


def test_saved_controls_reproduce_the_run_as_a_scenario_file(tmp_path):
    from viz.app import saved_scenario_toml

    m = SiberiaModel("coordinated", rng=3, horizon_years=1, hydro_buildout_gw=6.0,
                     backups_allowed=False)
    path = tmp_path / "saved.toml"
    path.write_text(saved_scenario_toml(m))
    again = SiberiaModel(str(path), rng=3, horizon_years=1)
    for name in PARAMETERS:
        if name != "horizon_years":
            assert getattr(again.params, name) == getattr(m.params, name), name
    for _ in range(3):
        m.step()
        again.step()
    a = m.datacollector.get_model_vars_dataframe()
    b = again.datacollector.get_model_vars_dataframe()
    assert a.equals(b)


@pytest.mark.parametrize("layer", ["power price", "threat hazard", "GRP per person",
                                   "jobs in the chain"])
def test_colour_layers_cover_russias_land_only(layer):
    from viz.app import layer_values

    m = SiberiaModel(rng=1, horizon_years=1)
    m.step()
    values = layer_values(m, layer)
    land = m.atlas.layers["region"] >= 0
    assert values.shape == land.shape
    assert np.isnan(values[~land]).all() and np.isfinite(values[land]).mean() > 0.99
    fig = map_figure(m, layer)
    assert len(fig.axes) == 2  # the map and its colour bar
    if layer == "threat hazard":  # the hazard falls from the western front eastwards
        west = values[:, 20:30][land[:, 20:30]].mean()
        east = values[:, 115:125][land[:, 115:125]].mean()
        assert west > east


def test_the_static_layers_are_drawn_once_per_scenario_not_every_step():
    from viz.map_view import base_png, render_map

    m = SiberiaModel("hydro_push", rng=1, horizon_years=1)
    render_map(m)
    misses = base_png.cache_info().misses
    for _ in range(3):
        m.step()
        render_map(m, "power price")
    assert base_png.cache_info().misses == misses  # only the cached image is reused


def test_the_inspector_shows_a_facilitys_state_changes_and_output_history():
    from viz.app import history_figure, history_html

    m = SiberiaModel(rng=3, horizon_years=3)
    assert history_html(m, "smz_separation") == "" and history_figure(m, "smz_separation") is None
    m.keep_facility_history()
    while m.running:
        m.step()
    html = history_html(m, "smz_separation")
    assert "2025-01: building" in html and ": operating" in html
    fig = history_figure(m, "smz_separation")
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(),
                               m.facility_history.frame(m, "smz_separation")["output_t"])
    assert history_figure(m, "novorossiysk_port" if "novorossiysk_port" in m.facilities
                          else next(f for f, a in m.facilities.items() if a.kind == "port")) is None


def test_the_map_draws_every_sector_plant_where_it_is():
    from viz.atlas_map import PROJ
    from viz.map_view import map_figure

    m = SiberiaModel(rng=1, horizon_years=1)
    m.step()
    assert m.sector_plants  # the smelters at least
    ax = map_figure(m).axes[0]
    want = np.column_stack(PROJ([p.lon for p in m.sector_plants], [p.lat for p in m.sector_plants]))
    drawn = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) == len(want)]
    assert any(np.allclose(d, want) for d in drawn)


def test_the_grp_layer_adds_up_to_the_siberian_grp_indicator():
    """Regions' GRP per person × population, summed over Siberia, is the indicator's GRP."""
    from viz.map_view import layer_values

    m = SiberiaModel(rng=2, horizon_years=4)  # electronics plants built in 2025 run by 2028
    while m.running:
        m.step()
    assert m.sectors.new_plants_value_added_usd_per_year(True) > 0  # new plants add to GRP
    values = layer_values(m, "GRP per person")
    region = m.atlas.layers["region"]
    total = 0.0
    for r in m.regions:
        if r.siberian and r.population:
            cells = region == m.atlas.region_names.index(r.name)
            if cells.any():
                total += float(np.nanmax(values[cells])) * r.population
    df = m.datacollector.get_model_vars_dataframe()
    assert total == pytest.approx(df["siberia_grp_usd"].iloc[-1], rel=1e-6)
