"""`siberia sweep`: specs checked before any run, the same dataset on any executor, resume
after a kill, failures recorded while the sweep goes on."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments.cli import main
from experiments.evaluators import DaskEvaluator, LocalPoolEvaluator, SerialEvaluator
from experiments.samplers import design_points
from experiments.spec import load_spec
from experiments.sweep import read_runs, replication_seed, run_sweep
from model.indicators import INDICATORS
from tests.experiments import assert_one_line_usage_error, crashing

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "experiments" / "specs" / "smoke.toml"
SIBERIA = [sys.executable, "-m", "experiments.cli"]


def sweep_cli(*args, **kw):
    return subprocess.Popen([*SIBERIA, "sweep", *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """The smoke sweep through the CLI on a local pool of 2 workers: the reference dataset."""
    out = tmp_path_factory.mktemp("smoke") / "sweep"
    proc = sweep_cli(SMOKE, "--out", out, "--workers", 2)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "8 of 8 runs ok" in stdout
    return out, read_runs(out)


def test_the_smoke_sweep_streams_one_file_per_run_with_the_registry_schema(smoke):
    out, df = smoke
    m = manifest(out)
    assert m["design"]["n_runs"] == 8 and len(m["runs"]) == 8
    assert all(r["status"] == "ok" for r in m["runs"].values())
    assert m["design"]["replication_seeds"] == [replication_seed(20250425, r) for r in (0, 1)]
    files = sorted((out / "runs").rglob("*.parquet"))
    assert len(files) == 8 and not list(out.rglob(".*"))  # no temporary file left behind
    schemas = {pq.read_schema(f) for f in files}
    assert len(schemas) == 1  # fixed, not inferred per file
    names = schemas.pop().names
    assert names[:6] == ["run_id", "point", "seed", "hydro_buildout_gw", "threat_intensity", "year"]
    assert all(n.split(":")[0] in INDICATORS for n in names[6:])
    assert [n for n, *_ in m["schema"]] == names
    assert len(df) == 8 * 3 and df["run_id"].tolist() == sorted(df["run_id"].tolist())
    assert sorted(df["year"].unique()) == [2025, 2026, 2027]
    # design: the full factorial, the last parameter fastest; replications share their seed
    runs = df.groupby("run_id").first()
    assert runs["hydro_buildout_gw"].tolist() == [0.0] * 4 + [10.0] * 4
    assert runs["threat_intensity"].tolist() == [0.5, 0.5, 2.0, 2.0] * 2
    assert (runs["seed"] == [m["design"]["replication_seeds"][r] for r in runs["replication"]]).all()


def test_a_local_pool_and_a_dask_local_cluster_give_equal_datasets(smoke, tmp_path):
    from distributed import Client, LocalCluster

    spec = load_spec(SMOKE)

    def dask():
        cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                               dashboard_address=None)
        return DaskEvaluator(Client(cluster), cluster)

    result = run_sweep(spec, tmp_path / "dask", dask, progress=False)
    assert (result.ok, result.failed) == (8, 0)
    pd.testing.assert_frame_equal(read_runs(tmp_path / "dask"), smoke[1])


def test_this_process_alone_gives_the_same_dataset_as_the_pool(smoke, tmp_path):
    run_sweep(load_spec(SMOKE), tmp_path / "serial", SerialEvaluator, progress=False)
    pd.testing.assert_frame_equal(read_runs(tmp_path / "serial"), smoke[1])


def test_a_sweep_killed_midway_resumes_to_the_same_dataset_without_redoing_runs(smoke, tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen([*SIBERIA, "sweep", str(SMOKE), "--out", str(out), "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if manifest(out)["runs"]:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    before = manifest(out)["runs"]
    assert 1 <= len(before) < 8, "the sweep finished before it could be killed"
    for f in (out / "runs").rglob("[!.]*.parquet"):  # what readers see is never half-written
        pq.read_table(f)

    again = sweep_cli(SMOKE, "--out", out, "--workers", 2)
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    m = manifest(out)
    assert all(m["runs"][k] == v for k, v in before.items())  # finished runs kept as they were
    assert m["sessions"][1]["runs_to_do"] == 8 - len(before)
    assert sorted(int(k) for k, r in m["runs"].items() if r["session"] == 1) == sorted(
        set(range(8)) - {int(k) for k in before})
    assert not list(out.rglob(".*"))
    pd.testing.assert_frame_equal(read_runs(out), smoke[1])

    third = sweep_cli(SMOKE, "--out", out)  # nothing left: nothing runs
    stdout, _ = third.communicate(timeout=300)
    assert third.returncode == 0 and "nothing to run" in stdout
    assert manifest(out)["runs"] == m["runs"]


def test_a_dead_worker_and_a_failing_run_are_recorded_and_the_sweep_goes_on(tmp_path):
    spec = load_spec(SMOKE)
    pool = LocalPoolEvaluator(2, fn=crashing.kill_one_worker)
    result = run_sweep(spec, tmp_path / "s", lambda: pool, progress=False)
    assert (result.ok, result.failed) == (6, 2)
    runs = manifest(tmp_path / "s")["runs"]
    assert "worker process died" in runs[str(crashing.KILL_RUN)]["error"]
    assert "no_such_parameter" in runs[str(crashing.BAD_RUN)]["error"]
    assert "Traceback" in runs[str(crashing.BAD_RUN)]["traceback"]
    assert pool.pools_started >= 2  # a fresh pool after the worker died
    df = read_runs(tmp_path / "s")
    assert sorted(df["run_id"].unique()) == [0, 1, 2, 4, 6, 7]


SPECS = {
    "unknown_parameter": ('scenario = "baseline"\n[parameters]\nhydro_buildout = [1.0]\n',
                          ["unknown parameter 'hydro_buildout'", "did you mean 'hydro_buildout_gw'"]),
    "low_above_high": ('scenario = "baseline"\n[parameters]\n'
                       'hydro_buildout_gw = {low = 5.0, high = 1.0, levels = 2}\n',
                       ["low = 5.0 must be below high = 1.0"]),
    "out_of_bounds": ('scenario = "baseline"\n[parameters]\n'
                      'hydro_buildout_gw = {low = 0.0, high = 400.0, levels = 2}\n', ["out of bounds"]),
    "range_of_text": ('scenario = "baseline"\n[parameters]\n'
                      'planning_mode = {low = 0, high = 1, levels = 2}\n', ["numeric parameter"]),
    "grid_without_levels": ('scenario = "baseline"\n[parameters]\n'
                            'hydro_buildout_gw = {low = 0.0, high = 4.0}\n', ["levels"]),
    "unknown_sampler": ('scenario = "baseline"\n[sampler]\nkind = "montecarlo"\n[parameters]\n'
                        'hydro_buildout_gw = [1.0]\n', ["unknown sampler", "'lhs'"]),
    "sobol_not_power_of_2": ('scenario = "baseline"\n[sampler]\nkind = "sobol"\nn = 10\n'
                             '[parameters]\nhydro_buildout_gw = {low = 0.0, high = 1.0}\n',
                             ["power of 2"]),
    "no_replications": ('scenario = "baseline"\nreplications = 0\n[parameters]\n'
                        'hydro_buildout_gw = [1.0]\n', ["replications = 0"]),
    "unknown_key": ('scenario = "baseline"\nreplicates = 2\n[parameters]\n'
                    'hydro_buildout_gw = [1.0]\n', ["unknown key 'replicates'"]),
    "unknown_output": ('scenario = "baseline"\noutputs = ["import_bil"]\n[parameters]\n'
                       'hydro_buildout_gw = [1.0]\n', ["unknown indicator 'import_bil'"]),
    "unknown_scenario": ('scenario = "baselin"\n[parameters]\nhydro_buildout_gw = [1.0]\n',
                         ["unknown scenario 'baselin'"]),
    "horizon": ('scenario = "baseline"\nhorizon_years = 40\n[parameters]\n'
                'hydro_buildout_gw = [1.0]\n', ["horizon_years"]),
    "malformed": ('scenario = "baseline"\n[parameters\n', ["malformed TOML"]),
    "not_utf8": (b"scenario = '\xff'\n", ["UTF-8"]),
    "missing": (None, ["spec file not found"]),
}


@pytest.mark.parametrize("case", list(SPECS))
def test_a_malformed_spec_exits_2_with_one_line_before_anything_runs(tmp_path, capsys, case):
    text, needles = SPECS[case]
    spec = tmp_path / "spec.toml"
    if isinstance(text, bytes):
        spec.write_bytes(text)
    elif text is not None:
        spec.write_text(text)
    before = sorted(tmp_path.rglob("*"))
    code = main(["sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "0"])
    assert_one_line_usage_error(code, capsys.readouterr().err, needles)
    assert sorted(tmp_path.rglob("*")) == before


def test_an_unwritable_output_folder_exits_2(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["sweep", str(SMOKE), "--out", str(tmp_path / "file" / "out")]) == 2
    assert "not a folder" in capsys.readouterr().err
    if os.geteuid() != 0:  # root writes anywhere: permissions alone do not stop it
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            assert main(["sweep", str(SMOKE), "--out", str(locked / "out")]) == 2
            assert "not writable" in capsys.readouterr().err
        finally:
            locked.chmod(0o700)


def test_another_spec_in_a_sweep_folder_is_refused(tmp_path, capsys):
    one = tmp_path / "one.toml"
    one.write_text('scenario = "baseline"\nhorizon_years = 1\n[parameters]\n'
                   'hydro_buildout_gw = [1.0]\n')
    assert main(["sweep", str(one), "--out", str(tmp_path / "s"), "--workers", "0"]) == 0
    before = (tmp_path / "s" / "manifest.json").read_bytes()
    one.write_text(one.read_text().replace("1.0]", "2.0]"))
    assert main(["sweep", str(one), "--out", str(tmp_path / "s"), "--workers", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "different spec" in err[0]
    assert (tmp_path / "s" / "manifest.json").read_bytes() == before


@pytest.mark.parametrize("sampler,n_points", [
    ('kind = "lhs"\nn = 7\nseed = 3', 7),
    ('kind = "sobol"\nn = 8\nseed = 3', 8),
    ('kind = "saltelli"\nn = 4\nseed = 3', 4 * (2 * 3 + 2)),
])
def test_samplers_draw_the_same_points_within_bounds_from_the_spec_seed(tmp_path, sampler,
                                                                        n_points):
    spec = tmp_path / "spec.toml"
    spec.write_text(f'scenario = "baseline"\n[sampler]\n{sampler}\n[parameters]\n'
                    'discount_rate = {low = 0.05, high = 0.15}\n'
                    'nsr_rail_link_year = {low = 2030, high = 2040}\n'
                    + ('planning_mode = ["market", "coordinated"]\n' if "saltelli" not in sampler
                       else 'max_projects_per_year = {low = 1, high = 4}\n'))
    points = design_points(load_spec(spec))
    assert len(points) == n_points and points == design_points(load_spec(spec))
    rates = np.array([p["discount_rate"] for p in points])
    assert ((rates >= 0.05) & (rates <= 0.15)).all() and len(set(rates)) > 1
    years = [p["nsr_rail_link_year"] for p in points]
    assert all(isinstance(y, int) and 2030 <= y <= 2040 for y in years)
    other = tmp_path / "other.toml"
    other.write_text(spec.read_text().replace("seed = 3", "seed = 4"))
    assert design_points(load_spec(other)) != points


def test_a_grid_range_of_integers_gives_distinct_integer_levels(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text('scenario = "baseline"\n[parameters]\n'
                    'nsr_rail_link_year = {low = 2030, high = 2040, levels = 3}\n'
                    'backups_allowed = [true, false]\n')
    points = design_points(load_spec(spec))
    assert points == [{"nsr_rail_link_year": y, "backups_allowed": b}
                      for y in (2030, 2035, 2040) for b in (True, False)]


def test_replication_seeds_are_the_spawned_children_of_the_master_seed():
    children = np.random.SeedSequence(99).spawn(3)
    for r, child in enumerate(children):
        assert replication_seed(99, r) == int(child.generate_state(1, np.uint64)[0] >> 1)
    assert len({replication_seed(99, r) for r in range(100)}) == 100
