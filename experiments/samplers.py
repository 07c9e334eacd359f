"""Design points of a sweep: how parameter values are drawn from a validated spec.

- ``grid``: the full factorial of the value lists and of each range's ``levels`` evenly spaced
  values (``numpy.linspace``; integers rounded), in the order the spec lists the parameters, the
  last varying fastest.
- ``lhs``: Latin hypercube (``scipy.stats.qmc.LatinHypercube``), ``n`` points.
- ``sobol``: scrambled Sobol' sequence (``scipy.stats.qmc.Sobol``), ``n`` points (a power of 2).
  Its points are a space-filling design, *not* a Saltelli design: SALib's Sobol indices need
  SALib's own sampler, which is
- ``saltelli``: SALib's own sampler (``SALib.sample.sobol.sample``), ``n`` base points giving
  n·(2d+2) points (n·(d+2) without second order), in SALib's order, so that
  ``SALib.analyze.sobol`` can read the outputs of the points in order later.

All samplers draw in the unit cube with the spec's sampler seed, then map each coordinate
``u`` to a parameter: a float range to ``low + u·(high-low)``; an integer range to one of its
integers, ``low + floor(u·(high-low+1))``; a list of values to ``values[floor(u·len)]``. The
same spec gives the same points on any machine with the same scipy/SALib versions; the sweep
also stores its points in its manifest, so a resumed sweep never redraws them.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from experiments.spec import Range, SweepSpec
from model.params import parameter


def design_points(spec: SweepSpec) -> list[dict[str, Any]]:
    """The sweep's points: one dict of varied parameter values (plain Python scalars) each."""
    kind = spec.sampler["kind"]
    names = list(spec.parameters)
    if kind == "grid":
        axes = [_grid_axis(name, spec.parameters[name]) for name in names]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    unit = _unit_points(spec.sampler, len(names))
    return [{name: _map(name, spec.parameters[name], u) for name, u in zip(names, row, strict=True)}
            for row in unit]


def sampler_problem(spec: SweepSpec) -> dict[str, Any]:
    """SALib's problem description of the varied parameters (for analysis of a saltelli sweep)."""
    names = list(spec.parameters)
    bounds = []
    for name in names:
        v = spec.parameters[name]
        bounds.append([v.low, v.high] if isinstance(v, Range) else [0, len(v)])
    return {"num_vars": len(names), "names": names, "bounds": bounds,
            "second_order": spec.sampler.get("second_order")}


def _grid_axis(name: str, values: tuple | Range) -> list[Any]:
    if isinstance(values, tuple):
        return list(values)
    p = parameter(name)
    axis = np.linspace(values.low, values.high, values.levels)
    if p.kind is int:
        return [int(round(x)) for x in axis]
    return [float(x) for x in axis]


def _unit_points(sampler: dict[str, Any], d: int) -> np.ndarray:
    kind, n, seed = sampler["kind"], sampler["n"], sampler["seed"]
    if kind == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(n)
    if kind == "sobol":
        from scipy.stats import qmc

        engine = qmc.Sobol(d, scramble=sampler["scramble"], rng=np.random.default_rng(seed))
        return engine.random_base2(int(math.log2(n)))
    if kind == "saltelli":
        from SALib.sample import sobol as salib_sobol

        problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)],
                   "bounds": [[0.0, 1.0]] * d}
        return salib_sobol.sample(problem, n, calc_second_order=sampler["second_order"],
                                  seed=seed)
    raise ValueError(f"unknown sampler {kind!r}")  # the spec was validated: not reached


def _map(name: str, values: tuple | Range, u: float) -> Any:
    u = min(max(float(u), 0.0), 1.0)
    if isinstance(values, tuple):
        return values[min(int(u * len(values)), len(values) - 1)]
    p = parameter(name)
    if p.kind is int:
        span = int(values.high) - int(values.low) + 1
        return int(values.low) + min(int(u * span), span - 1)
    return float(values.low + u * (values.high - values.low))
