"""Named studies: each writes its report with the expected sections from paired runs on common
seeds; the threats report (losses across replications, backups against loss avoided)."""

import pandas as pd
import pytest

from experiments.cli import main
from experiments.studies import STUDIES, StudyOptions, ThreatStudy, threat_report, threat_table
from experiments.studies.paired import Arm, interaction, paired, run_arms

TINY = StudyOptions(seeds=2, years=2, workers=0)


def test_the_threat_study_pairs_arms_and_reports_tails(tmp_path):
    study = ThreatStudy(scenario="high_threat", seeds=2, years=3)
    table = threat_table(study)
    assert len(table) == 4 and table.groupby("seed").size().eq(2).all()
    on = table[table.backups_allowed].set_index("seed")
    off = table[~table.backups_allowed].set_index("seed")
    assert (on["events"] == off["events"]).all()  # the same hits: common random numbers
    assert (on["output_lost_usd"] <= off["output_lost_usd"] + 1e-6).all()
    assert (off["backup_cost_usd"] == 0).all()
    report = threat_report(table, study)
    assert "P95" in report and "P99" in report and "loss avoided" in report


def test_the_experiment_command_writes_the_report_or_fails_on_one_line(tmp_path, capsys):
    out = tmp_path / "thr"
    assert main(["experiment", "threats", "--out", str(out), "--seeds", "2", "--years", "2"]) == 0
    assert (out / "report.md").is_file()
    assert len(pd.read_csv(out / "runs.csv")) == 4
    assert main(["experiment", "nope", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "available: hydro, threats, nsr, ai, planning, discovery" in err[0]
    assert not (tmp_path / "x").exists()


def test_paired_arms_share_seeds_and_an_identical_arm_differs_by_exactly_zero():
    arms = [Arm("a", {"hydro_buildout_gw": 0.0}), Arm("b", {"hydro_buildout_gw": 0.0}),
            Arm("c", {"hydro_inflow_index": 0.7})]
    runs = run_arms(arms, TINY)
    seeds = runs.groupby("arm")["seed"].apply(lambda s: sorted(set(s)))
    assert seeds["a"] == seeds["b"] == seeds["c"] and len(seeds["a"]) == 2
    cols = ["power_price_siberia_usd_per_mwh", "hydro_capacity_mw"]
    same = paired(runs, "a", "b", cols)
    assert (same["mean_diff"] == 0).all() and not same["ci_excludes_zero"].any()
    dry = paired(runs, "a", "c", cols, [2026])
    # a dry year (70% of normal inflows) raises the Siberian price on both seeds
    assert dry.set_index("indicator").loc[cols[0], "ci_low"] > 0
    # a lever whose effect does not depend on a null lever: zero interaction
    dd = interaction(runs, "a", "c", "b", "c", cols)
    assert (dd["mean_diff"].abs() < 1e-9).all()


@pytest.mark.parametrize("name,sections", [
    ("hydro", ["## Answer", "half programme − no new hydro", "full programme − no new hydro",
               "hydro_paths.png"]),
    ("nsr", ["`industrial_base` = 0", "## Transport effect without the industrial base",
             "## Transport effect with the industrial base", "(interaction)", "nsr_paths.png"]),
    ("ai", ["## The AI boom without new hydro", "## The AI boom with the full hydro programme",
            "(interaction)", "ai_paths.png"]),
    ("planning", ["with the 14.1 GW hydro programme", "with no hydro programme", "(interaction)",
                  "planning_paths.png"]),
])
def test_each_paired_study_writes_its_report(tmp_path, name, sections):
    out = tmp_path / name
    assert main(["experiment", name, "--out", str(out), "--seeds", "2", "--years", "1",
                 "--workers", "0"]) == 0
    report = (out / "report.md").read_text()
    assert report.startswith("# ") and "**Claim of the seed.**" in report
    for s in sections:
        assert s in report, s
    for png in [s for s in sections if s.endswith(".png")]:
        assert (out / png).stat().st_size > 1000
    runs = pd.read_csv(out / "runs.csv")
    n_arms = runs["arm"].nunique()
    assert len(runs) == n_arms * 2  # arms x seeds (one year)
    diffs = pd.read_csv(out / "differences.csv")
    assert (diffs["ci_low"] <= diffs["mean_diff"] + 1e-9).all()
    assert (diffs["mean_diff"] <= diffs["ci_high"] + 1e-9).all()


def test_the_discovery_study_sweeps_and_runs_prim(tmp_path):
    out = tmp_path / "disc"
    assert main(["experiment", "discovery", "--out", str(out), "--points", "5", "--years", "2",
                 "--workers", "0"]) == 0
    report = (out / "report.md").read_text()
    assert "Scenario discovery: `import_substitution_share@2026 >= 0.5`" in report
    assert "Scenario discovery: `power_price_siberia_usd_per_mwh@2026 <=" in report
    summary = (out / "analysis" / "summary.md").read_text()
    assert "The design does not allow sensitivity indices" in summary and "`lhs`" in summary
    assert len(pd.read_csv(out / "runs.csv")) == 5
    assert (out / "sweep" / "manifest.json").is_file()
    # at least one condition splits the runs: PRIM's box over the sampled levers, its figure
    boxes = sorted((out / "analysis").glob("prim_*_box.csv"))
    assert boxes
    box = pd.read_csv(boxes[0])
    assert set(box["parameter"]) <= {"hydro_buildout_gw", "processing_subsidy_share",
                                     "discount_rate", "world_price_index", "threat_intensity",
                                     "ai_demand_gw_2035", "planning_mode"}
    figure = boxes[0].name.replace("_box.csv", "_trajectory.png")
    assert (out / "analysis" / figure).is_file() and f"analysis/{figure}" in report


def test_study_options_are_checked_before_any_run(tmp_path, capsys):
    assert main(["experiment", "hydro", "--out", str(tmp_path / "h"), "--seeds", "1"]) == 2
    assert "--seeds must be at least 2" in capsys.readouterr().err
    assert main(["experiment", "hydro", "--out", str(tmp_path / "h"), "--points", "5"]) == 2
    assert "--points applies to a study that sweeps" in capsys.readouterr().err
    assert not (tmp_path / "h").exists()
    assert set(STUDIES) == {"hydro", "threats", "nsr", "ai", "planning", "discovery"}
