"""``ai`` (the seed's claim on AI computing): does AI data-centre demand make power dearer for
industry — and does new hydro offset it?

A 2 × 2 design on the same seeds: AI load reached in 2035 (``ai_demand_gw_2035``) at the
baseline's 0.5 GW or the ``ai_boom`` scenario's 5 GW, with no new hydro or the full 14.1 GW
programme (``hydro_buildout_gw``, as the ``hydro`` study). The model has no separate "industry's
power cost" indicator: industry pays the nodal energy price, so the Siberian wholesale price
stands for its cost per MWh, and the power industry had curtailed (``unserved_industry_mwh``,
loads that stop when the price passes their limit) for the cost of scarcity.
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

CLAIM = ("The construction of new hydroelectric power plants will provide inexpensive electricity "
         "for the computing power needed to create domestic artificial intelligence "
         "(TASS, 25 April 2025).")
AI_LOW_GW, AI_BOOM_GW = 0.5, 5.0  # the baseline's and the ai_boom scenario's ai_demand_gw_2035
PRICE = "power_price_siberia_usd_per_mwh"
DD_LEVER = "New hydro's change to the AI boom's effect (difference in differences)"
INDICATORS = [PRICE, "unserved_industry_mwh", "ai_load_mw",
              "unserved_data_centre_mwh", "siberia_processing_share", "import_substitution_share"]


def arms() -> list[Arm]:
    return [Arm("AI low", {"ai_demand_gw_2035": AI_LOW_GW, "hydro_buildout_gw": 0.0}),
            Arm("AI boom", {"ai_demand_gw_2035": AI_BOOM_GW, "hydro_buildout_gw": 0.0}),
            Arm("AI low + hydro", {"ai_demand_gw_2035": AI_LOW_GW,
                                   "hydro_buildout_gw": PROGRAMME_GW}),
            Arm("AI boom + hydro", {"ai_demand_gw_2035": AI_BOOM_GW,
                                    "hydro_buildout_gw": PROGRAMME_GW})]


def run_ai_study(out: Path, opts: StudyOptions) -> Path:
    opts = opts.checked()
    a = arms()
    runs, boom, boom_hydro, dd = two_by_two(a, opts, INDICATORS)
    lines = report_header("AI data-centre demand vs industry's power cost", CLAIM, opts, a)
    lines += ["Industry pays the Siberian nodal energy price: the wholesale price stands for its "
              "cost per MWh, curtailed industrial load for the cost of scarcity.", "",
              "## Answer", "",
              f"- {effect_sentence(boom, PRICE, 'The AI boom')}",
              f"- {effect_sentence(boom, 'unserved_industry_mwh', 'The AI boom')}",
              f"- {effect_sentence(boom_hydro, PRICE, 'With new hydro, the AI boom')}",
              f"- {effect_sentence(dd, PRICE, DD_LEVER)}",
              "",
              "## The AI boom without new hydro", "", *difference_lines(boom),
              "## The AI boom with the full hydro programme", "", *difference_lines(boom_hydro),
              "## Does new hydro change the AI boom's effect? (interaction)", "",
              *interaction_lines(dd, "(boom − low | with hydro) − (boom − low | no new hydro)"),
              "## Figures", "", "![paths per arm](ai_paths.png)", "",
              "Lines: the mean over replications; bands: their range.", ""]
    tables = {"differences.csv": pd.concat([boom, boom_hydro], ignore_index=True),
              "interaction.csv": dd}
    figures = {"ai_paths.png": lambda p: arms_figure(
        runs, INDICATORS, p, "AI demand x new hydro: yearly means per arm")}
    return write_study(out, "ai", "\n".join(lines), runs, tables, figures, opts, a)
