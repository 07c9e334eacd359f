"""Hypothesis strategies shared by the tests: valid parameter sets from the catalogue."""

from hypothesis import strategies as st

from model.params import PARAMETERS


def draw_valid_params(data, skip: tuple[str, ...] = ("resolution_deg",)) -> dict:
    """One value per catalogue parameter, anywhere in its bounds, choices or special values."""
    params = {}
    for name, p in PARAMETERS.items():
        if name in skip:
            continue
        if p.kind is bool:
            params[name] = data.draw(st.booleans(), label=name)
        elif p.choices is not None:
            params[name] = data.draw(st.sampled_from(p.choices), label=name)
        elif p.kind is int:
            lo, hi = p.bounds
            values = st.integers(int(lo), int(hi))
            if p.special:
                values = st.one_of(values, st.sampled_from(list(p.special)))
            params[name] = data.draw(values, label=name)
        else:
            params[name] = data.draw(st.floats(*p.bounds, allow_nan=False), label=name)
    return params
