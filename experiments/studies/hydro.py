"""``hydro`` (the seed's claim 1): does building new hydro raise import substitution and keep
Siberian power cheap?

Three arms on the same seeds: no new hydro, half and all of the new-hydro programme
(``hydro_buildout_gw`` 0, 7 and 14.1 GW by 2050; 14.1 GW is the ``hydro_push`` scenario's
figure, derived from facts.yaml power.planned_hydro). Paired differences against "no new hydro"
at the milestone years for import substitution, the Siberian power price, hydro capacity and
Siberia's share of processing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.studies.paired import (
    Arm,
    StudyOptions,
    arms_figure,
    difference_lines,
    effect_sentence,
    paired,
    report_header,
    run_arms,
    write_study,
)

CLAIM = ("Siberia's hydro resources give cheap energy that can pull industry, from raw materials "
         "to high-tech products, into Siberia (TASS, 25 April 2025).")
# 14.1 GW: the hydro_push scenario's programme (Evenkiyskaya 12 GW + Motyginskaya 1.1 +
# Nizhneboguchanskaya 0.66 + Krapivinskaya 0.345, facts.yaml power.planned_hydro)
PROGRAMME_GW = 14.1
INDICATORS = ["import_substitution_share", "power_price_siberia_usd_per_mwh", "hydro_capacity_mw",
              "siberia_processing_share", "capacity_magnets_tpa", "unserved_industry_mwh"]


def arms() -> list[Arm]:
    return [Arm("no new hydro", {"hydro_buildout_gw": 0.0}),
            Arm("half programme", {"hydro_buildout_gw": PROGRAMME_GW / 2}),
            Arm("full programme", {"hydro_buildout_gw": PROGRAMME_GW})]


def run_hydro_study(out: Path, opts: StudyOptions) -> Path:
    opts = opts.checked()
    a = arms()
    runs = run_arms(a, opts)
    half = paired(runs, a[0].label, a[1].label, INDICATORS)
    full = paired(runs, a[0].label, a[2].label, INDICATORS)
    lines = report_header("Hydro build-out vs import substitution and the Siberian power price",
                          CLAIM, opts, a)
    lines += ["## Answer", "",
              *(f"- {effect_sentence(full, ind, f'The full {PROGRAMME_GW} GW programme')}"
                for ind in INDICATORS[:4]), "",
              "## Paired differences against no new hydro", "",
              *difference_lines(half, "half programme − no new hydro"),
              *difference_lines(full, "full programme − no new hydro"),
              "## Figures", "", "![paths per arm](hydro_paths.png)", "",
              "Lines: the mean over replications; bands: their range.", ""]
    figures = {"hydro_paths.png": lambda p: arms_figure(
        runs, INDICATORS, p, "Hydro build-out: yearly means per arm")}
    tables = {"differences.csv": pd.concat([half, full], ignore_index=True)}
    return write_study(out, "hydro", "\n".join(lines), runs, tables, figures, opts, a)
