"""``make bench``: costs in reference agent-steps (Boltzmann wealth model, same process).

Prints one table: each case's best wall time, its cost in reference agent-steps (a unit
measured in the same run, so a slower or busier machine changes both alike), and the target of
issue #9 where one is set, with whether it holds. ``--quick`` runs each case once and skips the
sweep cases. docs/performance.md says what the figures were and what each change bought.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

from benchmarks.reference import agent_steps_per_second, paired_costs
from benchmarks.scaling import month_seconds
from model import SiberiaModel
from model.geo import atlas as atlas_module
from model.geo import build_atlas
from model.scenario import load_scenario
from model.siberia_model import atlas_inputs

RUN_BUDGET_STEPS = 1.1e6  # a full default run (issue #9)


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


PHASES = ("invest", "decide_sector_output", "clear_power_market", "run_sectors",
          "run_materials_chain", "move_freight", "apply_threats")


def phase_seconds() -> tuple[dict[str, float], float]:
    """Seconds spent in each phase of a full default run (and in data collection), and the
    run's total."""
    m = SiberiaModel(rng=1)
    spent = dict.fromkeys((*PHASES, "collect_data"), 0.0)

    def timed(fn, name):
        def run(*args):
            t0 = time.perf_counter()
            fn(*args)
            spent[name] += time.perf_counter() - t0
        return run

    for name in PHASES:
        setattr(m, name, timed(getattr(m, name), name))
    m.datacollector.collect = timed(m.datacollector.collect, "collect_data")
    t0 = time.perf_counter()
    while m.running:
        m.step()
    return spent, time.perf_counter() - t0


def cold_atlas(resolution_deg: float) -> None:
    build_atlas.cache_clear()
    atlas_module._subject_raster.cache_clear()
    build_atlas(resolution_deg, atlas_inputs(load_scenario("baseline")))


# VmHWM (this process image's peak RSS, Linux) rather than ru_maxrss, which a child inherits
# from its parent's peak at fork on Linux: after the sweep cases it read ~100 MB too high
_PEAK_RSS = """
import resource
from pathlib import Path
from model import SiberiaModel
m = SiberiaModel(rng=1)
while m.running:
    m.step()
status = Path("/proc/self/status")
hwm = [ln.split()[1] for ln in status.read_text().splitlines() if ln.startswith("VmHWM:")] \
    if status.exists() else []
print(hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_mb() -> float:
    """Peak resident memory of a fresh process doing one full default run (MB)."""
    out = subprocess.run([sys.executable, "-c", _PEAK_RSS], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.split()[-1]) / 1024.0  # KiB on Linux


class Table:
    def __init__(self, rate: float):
        self.rate = rate
        self.lines: list[str] = []

    def cost(self, name: str, seconds: float, target_steps: float | None = None,
             steps: float | None = None) -> None:
        """A time and its cost in reference agent-steps (``steps``: a cost worked out by the
        caller, e.g. with a reference measured beside this very run)."""
        steps = seconds * self.rate if steps is None else steps
        tgt = "" if target_steps is None else f"<= {target_steps:,.0f}"
        verdict = "" if target_steps is None else ("yes" if steps <= target_steps else "NO")
        self.lines.append(f"{name:52s} {seconds:9.3f} {steps:16,.0f} {tgt:>14s}  {verdict}")

    def ratio(self, name: str, value: float, limit: float, at_least: bool = False,
              fmt: str = "9.2f") -> None:
        holds = value >= limit if at_least else value <= limit
        tgt = f"{'>=' if at_least else '<='} {limit:.3g}"
        self.lines.append(f"{name:52s} {value:{fmt}} {'':16s} {tgt:>14s}  "
                          f"{'yes' if holds else 'NO'}")

    def info(self, name: str, text: str) -> None:
        self.lines.append(f"{name:52s} {text}")

    def print(self) -> None:
        print(f"reference: Boltzmann wealth model, N=1000: {self.rate:,.0f} agent-steps/s")
        print(f"{'case':52s} {'seconds':>9s} {'ref agent-steps':>16s} {'target':>14s}  holds")
        print("\n".join(self.lines))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one repeat per case, no sweep cases")
    args = ap.parse_args(argv)
    repeats = 1 if args.quick else 3
    # The reference is measured before the first full run and after each: the machine's speed
    # swings within seconds (seen: 0.55-1.45 M agent-steps/s). A run's cost is its time times
    # the faster reference beside it (paired_costs), the best run reported: the fastest run
    # times the fastest reference of the series can put a run from a slow spell against a
    # reference from a fast one (seen: 2.02 M that way against 1.79 M paired, in one series)
    rates = [agent_steps_per_second()]
    full_run()  # warm caches (scenario files, atlas) as in a sweep worker
    times = []
    for _ in range(1 if args.quick else 5):
        times.append(best_of(full_run, 1))
        rates.append(agent_steps_per_second())
    paired = paired_costs(times, rates)
    best = min(range(len(times)), key=paired.__getitem__)
    t_full = min(times)
    rate = max(rates)  # every other case's cost: the fastest reference seen (the dearer reading)
    t = Table(rate)
    t.cost("full default run (312 months, 1°), warm atlas", times[best], RUN_BUDGET_STEPS,
           steps=paired[best])
    if len(times) > 1:
        t.info("  full run, each paired with its reference (M)",
               " ".join(f"{x / 1e6:.2f}" for x in paired)
               + f"  (fastest run x fastest reference: {t_full * rate / 1e6:.2f})")
    t_fine = best_of(lambda: full_run(0.25), repeats)
    t.cost("full run at 0.25°, warm atlas", t_fine)
    t.ratio("0.25° run / 1° run", t_fine / t_full, 2.0)
    for res in (1.0, 0.5, 0.25):
        t.cost(f"atlas build at {res}° (cold)", best_of(lambda r=res: cold_atlas(r), 2))

    spent, total = phase_seconds()
    for name, seconds in spent.items():
        t.cost(f"  phase {name} (whole run, {seconds / total:.0%})", seconds,
               RUN_BUDGET_STEPS / 3 if name == "clear_power_market" else None)
    t.ratio("power clearing share of a run", spent["clear_power_market"] / total, 1 / 3)
    t.ratio("data collection share of a run", spent["collect_data"] / total, 0.15)
    t.info("power clearing per month", f"{spent['clear_power_market'] / 312 * 1e3:9.2f} ms")

    base, _ = month_seconds(1)
    for k in (1, 4, 10):
        sec, agents = month_seconds(k)
        t.cost(f"a month at {k}x facilities ({agents} agents)", sec)
        if k > 1:
            t.ratio(f"  {k}x facilities / 1x, per month", sec / base, float(k))

    if not args.quick:
        try:
            from benchmarks import sweep
        except ImportError:
            sweep = None
        if sweep is not None:
            for name, seconds, target in sweep.cases(rate):
                t.cost(name, seconds, target)
            t.lines += sweep.ratio_lines()

    tracemalloc.start()
    cold_atlas(1.0)
    full_run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t.info("peak traced Python allocations, cold 1° run", f"{peak / 1e6:9.1f} MB")
    t.ratio("peak RSS of a process doing a full run (MB)", peak_rss_mb(), 300, fmt="9.0f")
    t.print()


if __name__ == "__main__":
    main()
