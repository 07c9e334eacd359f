"""The `siberia` command line, run as users run it (a subprocess), good input and bad."""

import subprocess
import sys
from pathlib import Path

import pytest

from model.scenario import available
from model.validation import load_patterns

ROOT = Path(__file__).resolve().parents[2]
SIBERIA = [sys.executable, "-m", "experiments.cli"]


def run(*args, cwd=None):
    return subprocess.run([*SIBERIA, *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=300)


def assert_clean_failure(proc, *needles):
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_params_prints_the_catalogue_and_its_markdown_matches_the_docs():
    out = run("params")
    assert out.returncode == 0 and "hydro_buildout_gw" in out.stdout
    md = run("params", "--markdown")
    assert md.stdout == (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")


def test_scenarios_lists_every_scenario_with_one_line():
    out = run("scenarios")
    assert out.returncode == 0
    lines = out.stdout.strip().splitlines()
    assert [ln.split()[0] for ln in lines] == available()
    assert all(len(ln.split()) > 2 for ln in lines)


def test_map_writes_a_png(tmp_path):
    out = tmp_path / "atlas.png"
    proc = run("map", "--scenario", "baseline", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_validate_writes_every_pattern(tmp_path):
    out = tmp_path / "validation.md"
    proc = run("validate", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    for p in load_patterns():
        assert f"`{p.id}`" in text
    assert "| verdict |" in text


@pytest.mark.parametrize("args,needles", [
    (["map", "--scenario", "baselin", "--out", "{tmp}/a.png"], ["unknown scenario 'baselin'",
                                                                 "did you mean 'baseline'"]),
    (["map", "--scenario", "{tmp}/missing.toml", "--out", "{tmp}/a.png"],
     ["scenario file not found"]),
    (["map", "--scenario", "{tmp}/bad.toml", "--out", "{tmp}/a.png"], ["malformed TOML"]),
    (["map", "--scenario", "{tmp}/badparam.toml", "--out", "{tmp}/a.png"],
     ["unknown parameter 'hydro_gw'"]),
    (["map", "--scenario", "{tmp}/outofbounds.toml", "--out", "{tmp}/a.png"], ["out of bounds"]),
    (["map", "--out", "{tmp}/nofolder/a.png"], ["output folder does not exist"]),
    (["map", "--out", "{tmp}/a.txt"], ["--out must end in .png"]),
    (["validate", "--scenario", "nope", "--out", "{tmp}/v.md"], ["unknown scenario 'nope'"]),
    (["validate", "--out", "{tmp}/nofolder/v.md"], ["output folder does not exist"]),
    (["frobnicate"], ["invalid choice"]),
    (["map"], ["--out"]),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args, needles):
    (tmp_path / "bad.toml").write_text('name = "bad"\ndescription = [\n')
    (tmp_path / "badparam.toml").write_text(
        'name = "badparam"\ndescription = "d"\nextends = "baseline"\n[params]\nhydro_gw = 1\n')
    (tmp_path / "outofbounds.toml").write_text(
        'name = "oob"\ndescription = "d"\nextends = "baseline"\n[params]\n'
        'hydro_buildout_gw = 400\n')
    before = sorted(tmp_path.rglob("*"))
    proc = run(*[a.format(tmp=tmp_path) for a in args])
    assert_clean_failure(proc, *needles)
    assert sorted(tmp_path.rglob("*")) == before


def test_a_scenario_file_given_by_path_works(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('name = "mine"\ndescription = "mine"\nextends = "baseline"\n[params]\n'
                 'hydro_buildout_gw = 5.0\n')
    proc = run("map", "--scenario", str(f), "--out", str(tmp_path / "m.png"))
    assert proc.returncode == 0, proc.stderr


def test_experiment_help_lists_every_study_and_analyze_refuses_a_missing_sweep(tmp_path):
    from experiments.studies import STUDIES

    proc = run("experiment", "--help")
    assert proc.returncode == 0
    for name in STUDIES:
        assert name in proc.stdout
    proc = run("analyze", str(tmp_path / "nope"), "--discover", "x@2040 >= 1")
    assert_clean_failure(proc, "sweep folder not found")
