"""Output errors mid-sweep: a full disk stops the sweep on one line and keeps what finished;
the same command afterwards completes it to the dataset an uninterrupted sweep gives."""

import errno
import json

import pandas as pd
import pyarrow.parquet as pq

from experiments import storage
from experiments.cli import main as siberia
from experiments.evaluators import SerialEvaluator
from experiments.spec import load_spec
from experiments.sweep import read_runs, run_sweep

SPEC = """
name = "tiny"
scenario = "baseline"
horizon_years = 1
replications = 1
seed = 7
[parameters]
hydro_buildout_gw = [0.0, 4.0, 8.0, 12.0]
"""


def test_a_full_disk_stops_the_sweep_on_one_line_and_a_rerun_completes_it(tmp_path, capsys,
                                                                          monkeypatch):
    spec = tmp_path / "tiny.toml"
    spec.write_text(SPEC)
    out = tmp_path / "sweep"
    real = storage.pq.write_table
    written = []

    def fills_up(table, where, *a, **kw):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(table, where, *a, **kw)
        written.append(where)

    monkeypatch.setattr(storage.pq, "write_table", fills_up)
    code = siberia(["sweep", str(spec), "--out", str(out), "--workers", "0"])
    err = capsys.readouterr().err.strip()
    assert code not in (0, 2) and len(err.splitlines()) == 1, err
    assert "No space left on device" in err and "again" in err, err
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    assert len(runs) == 2  # the finished runs are recorded ...
    for f in (out / "runs").rglob("*.parquet"):  # ... readable, and nothing half-written
        assert not f.name.startswith(".")
        pq.read_table(f)
    assert not [p for p in out.rglob(".*")]

    monkeypatch.setattr(storage.pq, "write_table", real)  # space again: the same command
    assert siberia(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 0
    m = json.loads((out / "manifest.json").read_text())
    assert {k: m["runs"][k] for k in runs} == runs  # finished runs not redone
    run_sweep(load_spec(spec), tmp_path / "whole", SerialEvaluator, progress=False)
    pd.testing.assert_frame_equal(read_runs(out), read_runs(tmp_path / "whole"))
