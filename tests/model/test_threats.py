"""Threats in the model: no threat no events; per-facility streams; backups; investment east."""

import numpy as np
import pytest

from agents import FacilityState
from model import SiberiaModel

from .runs import run
from .test_power_claims import SEEDS, significant

# refinery strikes at 1,200-2,000 km (facts.yaml threats) are common at this range scale
WIDE = {"threat_range_west_km": 1500.0}


def test_no_threat_means_no_events_no_losses_no_backups():
    m, df = run(8, 3, threat_intensity=0.0, threat_intensity_east=0.0)
    assert m.threats.events == 0
    assert df["disruption_loss_usd"].sum() == 0.0 and df["backup_facilities"].max() == 0
    assert not any(f.state is FacilityState.DISRUPTED for f in m.facilities.values())


def test_each_facility_draws_from_its_own_stream():
    a = SiberiaModel(rng=9, horizon_years=3)
    b = SiberiaModel("hydro_push", rng=9, horizon_years=3, ai_demand_gw_2035=6.0)
    rows_a = dict(zip(a.threats.ids, a.threats._rows, strict=True))
    rows_b = dict(zip(b.threats.ids, b.threats._rows, strict=True))
    shared = rows_a.keys() & rows_b.keys()
    assert len(shared) > 50
    for fid in shared:
        np.testing.assert_array_equal(rows_a[fid], rows_b[fid])
    c = SiberiaModel(rng=10, horizon_years=3)
    assert not np.array_equal(dict(zip(c.threats.ids, c.threats._rows, strict=True))[
        "smz_separation"], rows_a["smz_separation"])


def test_a_hit_station_leaves_the_power_market_until_it_is_repaired():
    m = SiberiaModel(rng=1, horizon_years=1, threat_intensity=0.0)
    st = m.facilities["reftinskaya_gres"]
    m.step()
    assert st.output_mwh > 0
    st.state = FacilityState.DISRUPTED
    m.threats.disrupted_until[st.facility_id] = m.calendar.month_index + 1
    m.step()
    assert st.output_mwh == 0.0
    assert m.threats.output_lost_usd > 0  # its energy at the node price counts as lost
    m.step()
    m.step()
    assert st.state is FacilityState.OPERATING and st.output_mwh > 0


def test_backups_cut_the_output_lost_on_the_same_events():
    lost = []
    for seed in SEEDS:
        _, with_b = run(14, seed, threat_intensity=3.0, **WIDE)
        _, without = run(14, seed, threat_intensity=3.0, backups_allowed=False, **WIDE)
        lost.append((with_b["output_lost_usd"].sum(), without["output_lost_usd"].sum(),
                     with_b["backup_facilities"].max()))
    assert all(b > 0 for _, _, b in lost)
    assert all(w <= wo + 1e-6 for w, wo, _ in lost), lost
    assert sum(w for w, _, _ in lost) < sum(wo for _, wo, _ in lost), lost


def test_a_higher_western_threat_moves_processing_to_siberia():
    share = lambda df: float(df.loc[df["year"] == 2040, "siberia_processing_share"].mean())  # noqa: E731
    d = []
    for seed in SEEDS:
        _, low = run(16, seed, threat_intensity=1.0, **WIDE)
        _, high = run(16, seed, threat_intensity=3.0, **WIDE)
        d.append(share(high) - share(low))
    d = np.array(d)
    assert d.mean() > 0 and significant(d), d
    # without any threat the intensity lever has nothing to act on
    _, none_a = run(6, SEEDS[0], threat_intensity=0.0, hit_probability_at_front=0.0, **WIDE)
    _, none_b = run(6, SEEDS[0], threat_intensity=3.0, hit_probability_at_front=0.0, **WIDE)
    assert share(none_a.assign(year=2040)) == pytest.approx(share(none_b.assign(year=2040)))
