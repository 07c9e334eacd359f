"""Check that a speed change changes no result: ``python -m benchmarks.golden make|check``.

``make`` runs five full runs (the default, a second seed, three scenarios with most levers
moved: threats, coordinated planning, the NSR and river levers, an AI and aluminium boom)
and stores every collected indicator, with a digest of the facilities' final states, under
``--dir``. ``check`` runs them again with the code as it is now and compares bit for bit,
naming the columns that differ and by how much. Exit status 1 if any differ.

This is how the session-4 speed work was held to "identical" (docs/performance.md); make the
references at the commit before a change, check after it.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model import SiberiaModel

CASES: dict[str, dict] = {
    "baseline_s1": dict(scenario="baseline", rng=1),
    "baseline_s7": dict(scenario="baseline", rng=7),
    "mixed_s3": dict(scenario="nsr_integrated", rng=3, hydro_buildout_gw=14.0,
                     planning_mode="coordinated", threat_intensity=2.0,
                     threat_intensity_east=1.0, ai_demand_gw_2035=5.0, industrial_base=2.0,
                     aluminium_price_multiplier=2.0, shipyard_support_share=0.5,
                     sector_expansion=True),
    "high_threat_s5": dict(scenario="high_threat", rng=5),
    "coordinated_s2": dict(scenario="coordinated", rng=2),
}


def run_case(name: str) -> tuple[pd.DataFrame, float]:
    """A case's indicators by month (and the facilities' digest), and its seconds."""
    m = SiberiaModel(**CASES[name])
    t0 = time.perf_counter()
    while m.running:
        m.step()
    seconds = time.perf_counter() - t0
    df = m.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    facilities = sorted((str(getattr(a, "facility_id", a.unique_id)), str(getattr(a, "state", "")),
                         float(getattr(a, "capacity_mw", 0) or 0)) for a in m.agents)
    df["_facilities_digest"] = int(hashlib.sha1(repr(facilities).encode()).hexdigest()[:12], 16)
    return df, seconds


def differences(ref: pd.DataFrame, now: pd.DataFrame) -> list[tuple[float, str]]:
    """(largest relative difference, column) of each column that differs; inf for a column
    that differs in shape or in a non-numeric value."""
    if list(ref.columns) != list(now.columns) or len(ref) != len(now):
        cols = set(ref.columns) ^ set(now.columns)
        return [(float("inf"), f"shape or columns ({', '.join(sorted(cols)) or 'rows'})")]
    out = []
    for col in ref.columns:
        a, b = ref[col].to_numpy(), now[col].to_numpy()
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            a, b = a.astype(float), b.astype(float)
            if not np.array_equal(a, b, equal_nan=True):
                with np.errstate(all="ignore"):
                    rel = np.nanmax(np.abs(a - b) / np.maximum(np.abs(a), 1e-300))
                out.append((float(rel), col))
        elif not (a == b).all():
            out.append((float("inf"), col))
    return sorted(out, reverse=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.golden",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=("make", "check"))
    ap.add_argument("cases", nargs="*", metavar="CASE", help=f"default: all of {', '.join(CASES)}")
    ap.add_argument("--dir", type=Path, default=Path(".golden"),
                    help="where the references are kept (default .golden, git-ignored)")
    args = ap.parse_args(argv)
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        ap.error(f"unknown case {unknown[0]!r}; cases: {', '.join(CASES)}")
    bad = 0
    for name in args.cases or list(CASES):
        df, seconds = run_case(name)
        path = args.dir / f"{name}.parquet"
        if args.mode == "make":
            args.dir.mkdir(parents=True, exist_ok=True)
            df.to_parquet(path)
            print(f"{name}: stored {df.shape[0]} months x {df.shape[1]} columns ({seconds:.2f} s)")
            continue
        if not path.exists():
            print(f"{name}: no reference at {path}; run 'make' first at the commit to compare with")
            return 2
        diff = differences(pd.read_parquet(path), df)
        bad += bool(diff)
        print(f"{name}: " + ("identical" if not diff else f"{len(diff)} columns differ, worst: "
                             + ", ".join(f"{c} {r:.3g}" for r, c in diff[:8]))
              + f" ({seconds:.2f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
