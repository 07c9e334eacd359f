"""Named studies: the threats report (losses across replications, backups against loss avoided)."""

import pandas as pd

from experiments.cli import main
from experiments.studies import ThreatStudy, threat_report, threat_table


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
    assert len(err) == 1 and "available: threats" in err[0]
    assert not (tmp_path / "x").exists()
