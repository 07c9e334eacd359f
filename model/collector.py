"""The model's DataCollector: Mesa's, collecting the indicator registry in one pass.

Mesa's ``DataCollector.collect`` calls every reporter and deep-copies what it returns. Our
reporters are the registry's indicators (``model/indicators.py``), which return plain floats,
and families of them (one column per power node) that compute a whole ``{node: value}`` dict:
collected naively, a family computes that dict once per column. This collector keeps Mesa's
storage, columns and data frames (``get_model_vars_dataframe``, ``mesa.batch_run``) and only
replaces the collection loop: each family computed once per step, no copies of floats, and
what several indicators read (capacities, GRP terms, tier values) computed once per step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa

from model.indicators import available, family_keys

if TYPE_CHECKING:
    from model.siberia_model import SiberiaModel


def _calendar_year(m: SiberiaModel) -> int:
    return m.record_year


def _calendar_month(m: SiberiaModel) -> int:
    return m.record_month


class IndicatorCollector(mesa.DataCollector):
    """One column per available indicator (families: one per power node), after year, month."""

    def __init__(self, model: SiberiaModel):
        self._plain: list[tuple[str, Callable]] = [("year", _calendar_year),
                                                   ("month", _calendar_month)]
        self._families: list[tuple[Callable, list[tuple[str, str]]]] = []
        reporters: dict[str, Callable] = dict(self._plain)
        for name, ind in available(model).items():
            if ind.per:  # a family: one column per power node, or per sector
                cols = [(f"{name}:{key}", key) for key in family_keys(model, ind.per)]
                self._families.append((ind.compute, cols))
                for col, node in cols:
                    reporters[col] = (lambda m, f=ind.compute, n=node: f(m)[n])
            else:
                self._plain.append((name, ind.compute))
                reporters[name] = ind.compute
        super().__init__(model_reporters=reporters)
        # Mesa's list for each column, looked up once
        store = self.model_vars
        self._plain_columns = [(store[name], compute) for name, compute in self._plain]
        self._family_columns = [(compute, [(store[col], key) for col, key in cols])
                                for compute, cols in self._families]

    def collect(self, model: SiberiaModel) -> None:
        self._collection_steps.append(model.time)
        # the pass in which indicators share what several of them read (indicators._shared)
        model._indicator_pass = {}
        try:
            for column, compute in self._plain_columns:
                column.append(compute(model))
            for compute, columns in self._family_columns:
                values = compute(model)
                for column, key in columns:
                    column.append(values[key])
        finally:
            model._indicator_pass = None
