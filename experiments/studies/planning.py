"""``planning`` (the seed's claim 4): does unified strategic planning do better than the market?

``planning_mode`` market (firms decide alone, the state only announces programmes) against
coordinated (the planner sequences its hydro programme with the demand of committed plants and
investors count the announced dams as coming; the ``coordinated`` scenario). The planner has
something to coordinate only when there is a programme, so the study crosses the mode with the
hydro programme (``hydro_buildout_gw`` 0 and the full 14.1 GW, as the ``hydro`` study) on the
same seeds: with no programme the two modes must coincide, and the interaction shows how much
of planning's effect comes through the programme. Outcomes: import substitution, investment
and public support, stranded capacity (plants and hydro built for demand that never came), the
power price, hydro capacity, Siberian jobs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.studies.hydro import PROGRAMME_GW
from experiments.studies.paired import (
    Arm,
    StudyOptions,
    arms_figure,
    difference_lines,
    effect_sentence,
    interaction_lines,
    report_header,
    two_by_two,
    write_study,
)

CLAIM = ("The complex problems must be solved within a unified system of strategic planning "
         "(TASS, 25 April 2025).")
INDICATORS = ["import_substitution_share", "investment_usd", "public_support_usd",
              "stranded_plants_tpa", "stranded_hydro_mw", "power_price_siberia_usd_per_mwh",
              "hydro_capacity_mw", "siberia_jobs", "siberia_processing_share"]
ANSWER = ("import_substitution_share", "stranded_plants_tpa", "stranded_hydro_mw",
          "power_price_siberia_usd_per_mwh", "siberia_processing_share")


def arms() -> list[Arm]:
    return [Arm("market", {"planning_mode": "market", "hydro_buildout_gw": 0.0}),
            Arm("coordinated", {"planning_mode": "coordinated", "hydro_buildout_gw": 0.0}),
            Arm("market + programme", {"planning_mode": "market",
                                       "hydro_buildout_gw": PROGRAMME_GW}),
            Arm("coordinated + programme", {"planning_mode": "coordinated",
                                            "hydro_buildout_gw": PROGRAMME_GW})]


def run_planning_study(out: Path, opts: StudyOptions) -> Path:
    opts = opts.checked()
    a = arms()
    runs, bare, programme, dd = two_by_two(a, opts, INDICATORS)
    lines = report_header("Market vs coordinated planning", CLAIM, opts, a)
    lines += ["## Answer", "",
              *(f"- {effect_sentence(programme, ind, f'With the {PROGRAMME_GW} GW programme, coordinated planning')}"  # noqa: E501
                for ind in ANSWER),
              f"- {effect_sentence(bare, 'import_substitution_share', 'Without a programme, coordinated planning')}",  # noqa: E501
              "",
              f"## Coordinated − market, with the {PROGRAMME_GW} GW hydro programme", "",
              *difference_lines(programme),
              "## Coordinated − market, with no hydro programme", "",
              *difference_lines(bare),
              "## Does the programme change planning's effect? (interaction)", "",
              *interaction_lines(dd, "(coordinated − market | programme) − "
                                     "(coordinated − market | none)"),
              "## Figures", "", "![paths per arm](planning_paths.png)", "",
              "Lines: the mean over replications; bands: their range.", ""]
    figures = {"planning_paths.png": lambda p: arms_figure(
        runs, INDICATORS, p, "Market vs coordinated planning x hydro programme: yearly means")}
    tables = {"differences.csv": pd.concat([programme, bare], ignore_index=True),
              "interaction.csv": dd}
    return write_study(out, "planning", "\n".join(lines), runs, tables, figures, opts, a)
