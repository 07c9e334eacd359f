"""Directional claims about the power system, as small paired-seed experiments.

Each compares two settings on the same seeds (common random numbers), asks the mean paired
difference to exceed two standard errors, and checks that the effect vanishes where its
mechanism cannot act. Short horizons and few seeds here; the full versions belong to
``siberia validate`` and the named studies.
"""

import numpy as np

from model import SiberiaModel

SEEDS = [11, 12, 13, 14]


def run(scenario="baseline", years=1, **params):
    m = SiberiaModel(scenario, rng=params.pop("rng"), horizon_years=years, **params)
    while m.running:
        m.step()
    return m, m.datacollector.get_model_vars_dataframe()


def paired(metric, a: dict, b: dict, scenario="baseline", years=1):
    """Differences metric(b) - metric(a) over the seeds."""
    out = []
    for seed in SEEDS:
        _, fa = run(scenario, years, rng=seed, **a)
        _, fb = run(scenario, years, rng=seed, **b)
        out.append(metric(fb) - metric(fa))
    return np.array(out)


def significant(diffs: np.ndarray) -> bool:
    se = diffs.std(ddof=1) / np.sqrt(len(diffs))
    return abs(diffs.mean()) > 2 * se and abs(diffs.mean()) > 1e-9


def year_mean(column: str, year: int):
    return lambda df: float(df.loc[df["year"] == year, column].mean())


def test_more_hydro_lowers_the_siberian_price_by_2040():
    price_2040 = year_mean("power_price_siberia_usd_per_mwh", 2040)
    d = paired(price_2040, {"hydro_buildout_gw": 0.0}, {"hydro_buildout_gw": 14.0}, years=16)
    assert d.mean() < 0 and significant(d), d
    # before any new dam can be finished there is no effect at all
    price_2026 = year_mean("power_price_siberia_usd_per_mwh", 2026)
    d0 = paired(price_2026, {"hydro_buildout_gw": 0.0}, {"hydro_buildout_gw": 14.0}, years=2)
    assert np.allclose(d0, 0.0), d0


def test_more_ai_demand_raises_the_price():
    price_2030 = year_mean("power_price_siberia_usd_per_mwh", 2030)
    d = paired(price_2030, {"ai_demand_gw_2035": 0.0}, {"ai_demand_gw_2035": 10.0}, years=6)
    assert d.mean() > 0 and significant(d), d
    # the developer builds from 2026 on: the first year is untouched
    price_2025 = year_mean("power_price_siberia_usd_per_mwh", 2025)
    d0 = paired(price_2025, {"ai_demand_gw_2035": 0.0}, {"ai_demand_gw_2035": 10.0})
    assert np.allclose(d0, 0.0), d0


def test_a_dry_year_raises_the_price_and_thermal_output():
    price = year_mean("power_price_siberia_usd_per_mwh", 2025)
    coal = year_mean("generation_coal_twh", 2025)
    dry, avg = {"hydro_inflow_index": 0.7}, {"hydro_inflow_index": 1.0}
    d_price = paired(price, avg, dry)
    d_coal = paired(coal, avg, dry)
    assert d_price.mean() > 0 and significant(d_price), d_price
    assert d_coal.mean() > 0 and significant(d_coal), d_coal


def _links_scenario(tmp_path, capacity_mw):
    from model.scenario import load_scenario

    base = load_scenario("baseline")
    lines = ['name = "links"', 'description = "links test"', 'extends = "baseline"']
    for lk in base.power_links:
        lines += ["[[power_links]]", f'id = "{lk.id}"', f'from_node = "{lk.from_node}"',
                  f'to_node = "{lk.to_node}"', f"capacity_mw = {capacity_mw(lk)}",
                  'source = "test"', 'confidence = "low"']
    path = tmp_path / f"links_{len(list(tmp_path.iterdir()))}.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_cutting_a_link_separates_prices_and_unlimited_links_close_the_gap(tmp_path):
    from model.scenario import load_scenario

    base = load_scenario("baseline")
    west = next(lk for lk in base.power_links if {lk.from_node, lk.to_node} >= {"europe"})
    cut = _links_scenario(tmp_path, lambda lk: 0.0 if lk.id == west.id else lk.capacity_mw)
    wide = _links_scenario(tmp_path, lambda lk: 1e6)
    gap = lambda df: float((df["power_price_europe_usd_per_mwh"]  # noqa: E731
                            - df["power_price_siberia_usd_per_mwh"]).abs().mean())
    ends = lambda a, b: lambda df: float((df[f"power_price_node_usd_per_mwh:{a}"]  # noqa: E731
                                          - df[f"power_price_node_usd_per_mwh:{b}"]).abs().mean())
    end_gap = ends(west.from_node, west.to_node)
    d_cut = [end_gap(run(cut, rng=s)[1]) - end_gap(run(rng=s)[1]) for s in SEEDS[:2]]
    assert min(d_cut) >= -1e-9 and max(d_cut) > 0.01, d_cut
    for s in SEEDS[:2]:
        wide_gap = gap(run(wide, rng=s)[1])
        assert wide_gap < 0.02 * gap(run(rng=s)[1]) + 0.05, wide_gap
