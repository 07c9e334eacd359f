"""``make bench``: costs in reference agent-steps (Boltzmann wealth model, same process).

Prints one table: each case's best wall time, its cost in reference agent-steps, and the
target where one is set (issue #9 adds the rest: phases, facilities ×N, sweeps, memory).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

from benchmarks.reference import agent_steps_per_second
from model import SiberiaModel
from model.geo import atlas as atlas_module
from model.geo import build_atlas
from model.scenario import load_scenario
from model.siberia_model import atlas_inputs


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def full_run(resolution_deg: float = 1.0) -> None:
    m = SiberiaModel(rng=1, resolution_deg=resolution_deg)
    while m.running:
        m.step()


PHASES = ("invest", "clear_power_market", "run_materials_chain", "move_freight", "apply_threats")


def phase_seconds() -> tuple[dict[str, float], float]:
    """Seconds spent in each phase of a full default run, and the run's total."""
    m = SiberiaModel(rng=1)
    spent = dict.fromkeys(PHASES, 0.0)
    for name in PHASES:
        fn = getattr(m, name)

        def timed(fn=fn, name=name):
            t0 = time.perf_counter()
            fn()
            spent[name] += time.perf_counter() - t0
        setattr(m, name, timed)
    t0 = time.perf_counter()
    while m.running:
        m.step()
    return spent, time.perf_counter() - t0


def cold_atlas(resolution_deg: float) -> None:
    build_atlas.cache_clear()
    atlas_module._subject_raster.cache_clear()
    build_atlas(resolution_deg, atlas_inputs(load_scenario("baseline")))


def main() -> None:
    rate = agent_steps_per_second()
    cases: list[tuple[str, float, float | None]] = []
    full_run()  # warm caches (scenario files, atlas) as in a sweep worker
    t_full = best_of(full_run)
    cases.append(("full default run (312 months, 1°), warm atlas", t_full, 1.1e6))
    t_fine = best_of(lambda: full_run(0.25))
    cases.append(("full run at 0.25°, warm atlas", t_fine, None))
    for res in (1.0, 0.5, 0.25):
        cases.append((f"atlas build at {res}° (cold)", best_of(lambda r=res: cold_atlas(r), 2),
                      None))
    spent, total = phase_seconds()
    for name, seconds in spent.items():
        # the power clearing's budget: a third of a full run's budget (DEVELOPERS.md)
        target = 1.1e6 / 3 if name == "clear_power_market" else None
        cases.append((f"  phase {name} (whole run)", seconds, target))
    power_share = spent["clear_power_market"] / total
    tracemalloc.start()
    cold_atlas(1.0)
    full_run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"reference: Boltzmann wealth model, N=1000: {rate:,.0f} agent-steps/s")
    print(f"{'case':50s} {'seconds':>9s} {'ref agent-steps':>16s} {'target':>12s}  holds")
    for name, seconds, target in cases:
        cost = seconds * rate
        verdict = "" if target is None else ("yes" if cost <= target else "NO")
        tgt = "" if target is None else f"<= {target:,.0f}"
        print(f"{name:50s} {seconds:9.3f} {cost:16,.0f} {tgt:>12s}  {verdict}")
    ratio = t_fine / t_full
    print(f"{'0.25° run / 1° run':50s} {ratio:9.2f} {'':16s} {'<= 2':>12s}  "
          f"{'yes' if ratio <= 2 else 'NO'}")
    print(f"{'power clearing share of a month (all phases)':50s} {power_share:9.2f} {'':16s} "
          f"{'<= 0.33':>12s}  {'yes' if power_share <= 1 / 3 else 'NO'}")
    print(f"{'power clearing per month (ms)':50s} {spent['clear_power_market'] / 312 * 1e3:9.2f}")
    print(f"peak traced Python memory of a cold 1° run: {peak / 1e6:.1f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
