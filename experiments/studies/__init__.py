"""Named studies: one command each (``siberia experiment NAME --out DIR``), a short markdown
report with figures answering one claim of the seed (DESIGN.md §1).

Each study runs paired arms on common seeds (:mod:`experiments.studies.paired`) or, for
``discovery``, a Latin-hypercube sweep through the sweep machinery followed by PRIM scenario
discovery. Defaults are small (minutes on two cores); ``--seeds`` and ``--years`` scale up.
This module is light (the command line lists the studies from it); a study's module is
imported only when it runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from experiments.studies.paired import StudyOptions


@dataclass(frozen=True)
class Study:
    """A named study, its question, its default size and where its code lives."""

    name: str
    question: str
    function: str  # "module:function" under experiments.studies, called as f(out, options)
    seeds: int
    years: int
    scenario: str = "baseline"
    points: int | None = None  # design points, for a study that sweeps

    def run(self, out: Path, opts: StudyOptions) -> Path:
        module, fn = self.function.split(":")
        return getattr(importlib.import_module(f"experiments.studies.{module}"), fn)(out, opts)


STUDIES: dict[str, Study] = {s.name: s for s in (
    Study("hydro", "hydro build-out vs import substitution and the Siberian power price",
          "hydro:run_hydro_study", seeds=3, years=26),
    Study("threats", "threat intensity vs relocation, backups and losses",
          "threats:run_threat_options", seeds=8, years=12, scenario="high_threat"),
    Study("nsr", "NSR-rail link and river development vs Trans-Siberian relief, with and "
                 "without an industrial base", "nsr:run_nsr_study", seeds=3, years=16),
    Study("ai", "AI data-centre demand vs industry's power cost", "ai:run_ai_study", seeds=3,
          years=16),
    Study("planning", "market vs coordinated planning", "planning:run_planning_study", seeds=3,
          years=26),
    Study("discovery", "where the seed's hope holds: a Latin hypercube over the main levers, "
                       "PRIM on import substitution and the power price in 2040",
          "discovery:run_discovery_study", seeds=1, years=16, points=24),
)}

_LAZY = {"StudyOptions": "paired", "ThreatStudy": "threats", "threat_report": "threats",
         "threat_table": "threats", "run_threat_study": "threats"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"experiments.studies.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["STUDIES", "Study", "StudyOptions", "ThreatStudy", "threat_report", "threat_table"]
