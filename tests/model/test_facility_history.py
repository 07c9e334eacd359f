"""Each facility's state and output month by month, kept when asked (the app's inspector)."""

import numpy as np

from model import SiberiaModel


def test_history_is_off_by_default_and_records_every_month_once_kept():
    m = SiberiaModel(rng=3, horizon_years=3)
    m.step()
    assert m.facility_history is None
    h = m.keep_facility_history()
    outputs = []
    while m.running:
        m.step()
        outputs.append(m.facilities["smz_separation"].output_t)
    df = h.frame(m, "smz_separation")
    assert len(df) == 35 and list(df.columns) == ["year", "month", "state", "output_t",
                                                   "utilisation"]
    assert (df["year"].iloc[0], df["month"].iloc[0]) == (2025, 2)  # from when it was kept
    np.testing.assert_array_equal(df["output_t"].to_numpy(), outputs)
    changes = h.state_changes(m, "smz_separation")
    assert changes[0][2] == "building" and changes[-1][2] == "operating"
    y, mo, _ = changes[-1]
    assert (df.loc[(df.year == y) & (df.month == mo), "output_t"] > 0).all()


def test_facilities_built_during_the_run_join_the_history_when_they_exist():
    m = SiberiaModel("ai_boom", rng=1, horizon_years=4)
    h = m.keep_facility_history()
    before = set(m.facilities)
    while m.running:
        m.step()
    new = [f for f in m.facilities if f not in before]
    assert new, "investors and the AI developer build facilities"
    starts = []
    for fid in new:
        df = h.frame(m, fid)
        t = df["year"] * 12 + df["month"]
        assert t.diff().dropna().eq(1).all() and t.iloc[-1] == 2028 * 12 + 12
        starts.append(len(df))
    assert min(starts) < 48  # some appear after the first month, and are recorded from then
