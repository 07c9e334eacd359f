"""Tests of the experiments command line."""


def assert_one_line_usage_error(code: int, err: str, needles: list[str]) -> None:
    """Exit code 2 and exactly one line on stderr that names each of ``needles``."""
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]
