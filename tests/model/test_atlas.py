"""The atlas against real geography (tests alone, without Mesa)."""

import numpy as np
import pytest

from model.geo import build_atlas
from model.geo.geodesy import haversine_km
from model.scenario import load_scenario
from model.siberia_model import atlas_inputs

BASELINE = load_scenario("baseline")
INPUTS = atlas_inputs(BASELINE)
CITY = {c.name: c for c in BASELINE.cities}


@pytest.fixture(scope="module")
def atlas():
    return build_atlas(1.0, INPUTS)


def _latlon(name):
    c = CITY[name]
    return c.lat, c.lon


@pytest.mark.parametrize("city", [c.name for c in BASELINE.cities])
def test_every_city_falls_in_its_region(atlas, city):
    c = CITY[city]
    assert atlas.region_at(c.lat, c.lon) == c.region


@pytest.mark.parametrize("point,region", [
    ((52.83, 91.37), "Khakassia"),          # Sayano-Shushenskaya dam
    ((71.0, 116.5), "Sakha (Yakutia)"),     # Tomtor
    ((55.756, 37.617), "European Russia"),  # Moscow
    ((68.970, 33.075), "European Russia"),  # Murmansk
])
def test_named_sites_fall_in_their_regions(atlas, point, region):
    assert atlas.region_at(*point) == region


@pytest.mark.parametrize("name,lat,lon", [
    ("Astana", 51.169, 71.449), ("Petropavl", 54.865, 69.135), ("Oskemen", 49.948, 82.628),
    ("Ulaanbaatar", 47.921, 106.918), ("Khovd", 48.006, 91.641), ("Harbin", 45.803, 126.535),
    ("Heihe", 50.245, 127.489),
])
def test_neighbouring_countries_are_not_russian_land(atlas, name, lat, lon):
    assert not atlas.is_land(lat, lon) and atlas.region_at(lat, lon) is None


def test_the_sea_is_not_land(atlas):
    assert not atlas.is_land(75.0, 125.0)   # Laptev Sea
    assert not atlas.is_land(45.0, 150.0)   # Pacific
    assert not atlas.is_land(43.0, 35.0)    # Black Sea
    assert atlas.is_land(62.0, 100.0)       # the Central Siberian Plateau


@pytest.mark.parametrize("river,city", [("yenisei", "Krasnoyarsk"), ("lena", "Yakutsk"),
                                        ("ob", "Novosibirsk"), ("angara", "Bratsk")])
def test_great_rivers_pass_their_cities(atlas, river, city):
    assert f"river:{river}" in atlas.features_near(*_latlon(city), cells=1)


@pytest.mark.parametrize("city", ["Omsk", "Novosibirsk", "Krasnoyarsk", "Irkutsk", "Chita"])
def test_the_trans_siberian_passes_its_cities(atlas, city):
    assert "rail:trans_siberian" in atlas.features_at(*_latlon(city))


def test_bam_ports_and_the_nsr(atlas):
    assert "rail:bam" in atlas.features_at(*_latlon("Tynda"))
    assert "rail:bam" not in atlas.features_at(*_latlon("Omsk"))
    assert "port" in atlas.features_at(*_latlon("Dudinka"))
    assert "nsr" in atlas.features_near(*_latlon("Dikson"), cells=1)
    assert "nsr" not in atlas.features_at(*_latlon("Novosibirsk"))


def test_western_frontier_distance_grows_eastward(atlas):
    lats = [55.0] * 6
    lons = [40.0, 60.0, 80.0, 100.0, 120.0, 140.0]
    d = [atlas.distance_to_frontier_km(la, lo, "west") for la, lo in zip(lats, lons)]
    assert all(b > a for a, b in zip(d, d[1:])), d
    # and the layer agrees with the point query at a cell centre
    row, col = atlas.cell_of(55.5, 100.5)
    assert atlas.layers["dist_west_km"][row, col] == pytest.approx(
        atlas.distance_to_frontier_km(55.5, 100.5, "west"), abs=1.0)


def test_eastern_frontier_distance_falls_toward_the_pacific_and_the_border(atlas):
    d = [atlas.distance_to_frontier_km(55.0, lo, "east") for lo in (40, 60, 80, 100, 115)]
    assert all(b < a for a, b in zip(d, d[1:])), d
    for lat, lon in ((43.12, 131.88), (49.64, 117.32), (59.56, 150.80)):  # Vladivostok,
        assert atlas.distance_to_frontier_km(lat, lon, "east") < 20     # Zabaykalsk, Magadan
    # Krasnoyarsk's nearest eastern frontier point is the border at Kyakhta (~1,100 km)
    assert atlas.distance_to_frontier_km(56.01, 92.85, "east") == pytest.approx(
        float(haversine_km(56.01, 92.85, 50.35, 106.45)), abs=10)


def test_frontier_distances_match_great_circles(atlas):
    # Moscow to the Donbas reference point (48N, 38E) is ~860 km; the frontier line passes
    # nearer, so the distance is at most that.
    d = atlas.distance_to_frontier_km(55.756, 37.617, "west")
    assert 300 < d <= float(haversine_km(55.756, 37.617, 48.0, 38.0)) + 1


@pytest.mark.parametrize("res", [1.0, 0.5, 0.25])
def test_russia_has_its_area_at_every_resolution(res):
    a = build_atlas(res, INPUTS)
    area = float(a.layers["cell_area_km2"][a.layers["land"]].sum())
    # Russia: 17.1 M km² (pre-2014 territory), less Chukotka east of 180° (~0.1 M km²)
    assert 16.2e6 < area < 17.6e6, area
    assert a.layers["land"].shape == a.grid.shape
    assert a.layers["region"].max() == len(a.region_names) - 1


def test_cell_areas_sum_to_the_spherical_band():
    a = build_atlas(1.0, INPUTS)
    band = 2 * np.pi * 6371.0088**2 * (np.sin(np.radians(82)) - np.sin(np.radians(41)))
    assert a.layers["cell_area_km2"].sum() == pytest.approx(band * (161 / 360), rel=1e-9)


def test_layers_are_read_only_and_the_atlas_is_shared(atlas):
    assert build_atlas(1.0, INPUTS) is atlas
    with pytest.raises(ValueError):
        atlas.layers["land"][0, 0] = True


def test_region_cells_agree_with_point_queries(atlas):
    """A cell's region layer equals region_at at its centre for nearly every cell."""
    rows, cols = np.nonzero(atlas.layers["land"])
    pick = np.random.default_rng(0).choice(len(rows), 200, replace=False)
    agree = 0
    for i in pick:
        lat, lon = atlas.grid.cell_centre(rows[i], cols[i])
        agree += atlas.region_at(lat, lon) == atlas.region_names[atlas.layers["region"][
            rows[i], cols[i]]]
    assert agree == 200
