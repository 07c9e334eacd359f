"""Fuzzed scenario and sweep files: every mangled file either loads and runs, or ends in one
clear line and exit 2 with nothing written — never a traceback."""

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.cli import main as siberia
from experiments.spec import load_spec
from model import SiberiaModel
from model.errors import UserInputError
from model.scenario import load_scenario
from tests.experiments import assert_one_line_usage_error

from . import SCALE

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "experiments/specs/smoke.toml").read_text(encoding="utf-8")
SCENARIO = (ROOT / "model/scenarios/hydro_push.toml").read_text(encoding="utf-8")
_ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][\w.]*\s*=\s*)(.+)$", re.MULTILINE)
WRONG_TYPES = ['"text"', "[1, 2]", "{ a = 1 }", "true", "1979-05-27", "[]", '""']
HUGE = ["1e308", "-1e308", "1" + "0" * 40, "inf", "-inf", "nan", "-1", "0", "1e-320"]


@st.composite
def mangled(draw, text: str) -> bytes:
    """The file truncated, a value of the wrong type or absurd size, an unknown key, or bytes
    that are not text."""
    kind = draw(st.sampled_from(["truncate", "wrong_type", "huge", "unknown_key", "binary"]))
    if kind == "truncate":
        return text[:draw(st.integers(0, len(text) - 1))].encode()
    if kind == "binary":
        return draw(st.binary(min_size=1, max_size=64)) + text.encode()[:200]
    matches = list(_ASSIGNMENT.finditer(text))
    m = draw(st.sampled_from(matches))
    if kind == "unknown_key":
        key = draw(st.from_regex(r"[a-z][a-z_]{2,12}", fullmatch=True))
        return (text[:m.end()] + f"\n{key} = 1" + text[m.end():]).encode()
    value = draw(st.sampled_from(WRONG_TYPES if kind == "wrong_type" else HUGE))
    return (text[:m.start(2)] + value + text[m.end(2):]).encode()


def _expect_one_line_exit_2(argv, out: Path, capsys) -> None:
    capsys.readouterr()
    code = siberia(argv)
    assert_one_line_usage_error(code, capsys.readouterr().err, [])
    assert not out.exists(), "a rejected input must write nothing"


@settings(max_examples=40 * SCALE, deadline=None, derandomize=SCALE == 1,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(content=mangled(SCENARIO))
def test_a_mangled_scenario_runs_or_fails_on_one_line(content, tmp_path_factory, capsys):
    folder = tmp_path_factory.mktemp("scenario")
    path = folder / "fuzzed.toml"
    path.write_bytes(content)
    try:
        scenario = load_scenario(path)
    except UserInputError as e:
        assert "\n" not in str(e).strip(), str(e)
        _expect_one_line_exit_2(["run", "--scenario", str(path), "--out",
                                 str(folder / "out")], folder / "out", capsys)
        return
    # it loaded: then a short run must work and stay finite, or refuse on one line
    try:
        m = SiberiaModel(scenario, rng=1, horizon_years=1)
    except UserInputError as e:
        assert "\n" not in str(e).strip(), str(e)
        return
    for _ in range(3):
        m.step()
    values = m.datacollector.get_model_vars_dataframe().drop(columns=["year", "month"])
    assert values.notna().all().all()


@settings(max_examples=60 * SCALE, deadline=None, derandomize=SCALE == 1,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(content=mangled(SPEC))
def test_a_mangled_sweep_spec_loads_or_fails_on_one_line_before_any_run(content,
                                                                       tmp_path_factory,
                                                                       capsys):
    folder = tmp_path_factory.mktemp("spec")
    path = folder / "fuzzed.toml"
    path.write_bytes(content)
    try:
        spec = load_spec(path)
    except UserInputError as e:
        assert "\n" not in str(e).strip(), str(e)
        _expect_one_line_exit_2(["sweep", str(path), "--out", str(folder / "out")],
                                folder / "out", capsys)
        return
    assert spec.replications >= 1 and spec.horizon_years >= 1
