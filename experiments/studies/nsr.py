"""``nsr`` (the seed's claim 3): do the NSR–rail link and river development relieve the
Trans-Siberian — and only with an industrial base?

A 2 × 2 design on the same seeds. Transport: today's network, or the NSR joined to the railways
in 2030 (``nsr_rail_link_year``, facts.yaml transport.planned_links NLR planned year) with the
great rivers fully developed (``river_development = 1``). Industrial base: the catalogue's
``industrial_base`` (Siberia's industrial cargo on the eastern corridors relative to today):
0 = no industrial base, only the Arctic resource projects' own cargo, against 1 = today's. The
report gives the transport effect without and with the base, and their difference (the
interaction, per seed), for Eastern Polygon utilisation, NSR and river volumes and unmet freight.
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
    interaction_lines,
    paired,
    report_header,
    two_by_two,
    write_study,
)

CLAIM = ("Connecting the Northern Sea Route to the railways and developing the Lena, Yenisei and "
         "Ob will relieve the Trans-Siberian; without an industrial base these routes may not "
         "work or be economically unfeasible (TASS, 25 April 2025).")
LINK_YEAR = 2030  # facts.yaml transport.planned_links.northern_latitudinal_railway.planned_year
NO_BASE, TODAY_BASE = 0.0, 1.0  # industrial_base: none, today's industrial cargo
INDICATORS = ["transsib_utilization", "nsr_volume_tpa", "river_volume_tpa", "freight_unmet_tpa",
              "siberia_processing_share", "import_substitution_share"]
TODAY = {"nsr_rail_link_year": 0, "river_development": 0.0}
LINKED = {"nsr_rail_link_year": LINK_YEAR, "river_development": 1.0}


def arms() -> list[Arm]:
    return [Arm("today, no base", {**TODAY, "industrial_base": NO_BASE}),
            Arm("linked, no base", {**LINKED, "industrial_base": NO_BASE}),
            Arm("today, with base", {**TODAY, "industrial_base": TODAY_BASE}),
            Arm("linked, with base", {**LINKED, "industrial_base": TODAY_BASE})]


def run_nsr_study(out: Path, opts: StudyOptions) -> Path:
    opts = opts.checked()
    a = arms()
    runs, no_base, with_base, dd = two_by_two(a, opts, INDICATORS)
    base_alone = paired(runs, a[0].label, a[2].label, INDICATORS)
    lines = report_header("NSR–rail link and rivers vs Trans-Siberian relief, with and without "
                          "an industrial base", CLAIM, opts, a)
    lines += ["Industrial base: `industrial_base` = 0 (none: only the Arctic projects' own cargo) "
              "or 1 (today's industrial cargo on the eastern corridors).", "",
              "## Answer", "",
              f"- {effect_sentence(no_base, 'transsib_utilization', 'The link and rivers (no base)')}",
              f"- {effect_sentence(with_base, 'transsib_utilization', 'The link and rivers (with base)')}",
              f"- {effect_sentence(no_base, 'nsr_volume_tpa', 'The link and rivers (no base)')}",
              f"- {effect_sentence(base_alone, 'transsib_utilization', 'The industrial base alone')}",
              f"- {_interaction_sentence(dd)}", "",
              "## Transport effect without the industrial base", "",
              *difference_lines(no_base),
              "## Transport effect with the industrial base", "",
              *difference_lines(with_base),
              "## Does the base change the transport effect? (interaction)", "",
              *interaction_lines(dd, "(linked − today | with base) − (linked − today | no base)"),
              "## Today's industrial base against none (today's network)", "",
              *difference_lines(base_alone),
              "## Figures", "", "![paths per arm](nsr_paths.png)", "",
              "Lines: the mean over replications; bands: their range.", ""]
    tables = {"differences.csv": pd.concat([no_base, with_base, base_alone], ignore_index=True),
              "interaction.csv": dd}
    figures = {"nsr_paths.png": lambda p: arms_figure(
        runs, INDICATORS, p, "NSR link and rivers x industrial base: yearly means per arm")}
    return write_study(out, "nsr", "\n".join(lines), runs, tables, figures, opts, a)


def _interaction_sentence(dd: pd.DataFrame) -> str:
    row = dd[dd["indicator"] == "transsib_utilization"].iloc[-1]
    size = f"{row.mean_diff:.3g} [{row.ci_low:.3g}, {row.ci_high:.3g}]"
    if row.ci_excludes_zero:
        return (f"The industrial base changes the link's effect on Trans-Siberian utilisation in "
                f"{row.year} by {size} (difference in differences).")
    return (f"The industrial base does not detectably change the link's effect on Trans-Siberian "
            f"utilisation in {row.year} ({size}, difference in differences).")
