"""A whole run of the model for tests: the model and its monthly indicator table."""

from model import SiberiaModel


def run(years=1, rng=1, scenario="baseline", **params):
    m = SiberiaModel(scenario, rng=rng, horizon_years=years, **params)
    while m.running:
        m.step()
    return m, m.datacollector.get_model_vars_dataframe()
