"""The speed work's result check (benchmarks/golden.py) tells identical from changed."""

import numpy as np
import pandas as pd

from benchmarks.golden import differences


def frame():
    return pd.DataFrame({"price": [10.0, 11.0, np.nan], "state": ["a", "b", "c"]})


def test_identical_frames_differ_nowhere_nan_included():
    assert differences(frame(), frame()) == []


def test_a_last_bit_change_is_named_with_its_relative_size():
    now = frame()
    now.loc[1, "price"] = np.nextafter(11.0, 12.0)
    (rel, col), = differences(frame(), now)
    assert col == "price" and 0 < rel < 1e-15


def test_a_changed_label_or_a_missing_column_counts_as_a_difference():
    now = frame()
    now.loc[0, "state"] = "z"
    assert differences(frame(), now) == [(float("inf"), "state")]
    assert differences(frame(), frame().drop(columns="state"))[0][0] == float("inf")
