"""Sweep benchmarks: throughput serial vs 2 workers, Dask overhead per run, memory staying flat.

- **Throughput.** One spec (a grid over ``hydro_inflow_index``, 3-year horizon, final values)
  run by :func:`experiments.sweep.run_sweep` in this process (``SerialEvaluator``, caches warm)
  and on a local pool of 2 workers, once on a new pool (start-up and each worker's first run —
  imports, the atlas — included) and again on the started pool (warm); runs per minute each.
  Parallel efficiency = warm runs/min with 2 workers / (2 × runs/min serial): the steady state
  of a long sweep; the start-up is a fixed cost, reported apart.
- **Dask overhead.** The same spec on a ``dask.distributed.LocalCluster`` of 2 single-threaded
  worker processes, cold and warm; overhead per run = (warm Dask − warm pool wall time) / runs,
  the cluster's start-up reported apart.
- **Memory stays flat.** ``siberia sweep`` as users run it (a subprocess) over a 1-year grid
  spec of 200 and of 2,000 runs on 2 workers; the peak of the summed resident memory of the CLI
  process and all its descendants (psutil, sampled every 0.1 s). Target: the 2,000-run peak at
  most 1.1 × the 200-run peak (issue #8).

``python -m benchmarks.sweep [--quick]`` prints the table; ``--quick`` runs a smaller version
(a few runs per case, 40 vs 400 runs for memory) that shows the mechanics, not the figures.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY_RATIO_TARGET = 1.1  # issue #8: peak RSS of 2,000 runs <= 1.1 x that of 200 runs
SAMPLE_S = 0.1


@dataclass(frozen=True)
class Sizes:
    throughput_runs: int
    memory_small: int
    memory_large: int


FULL = Sizes(throughput_runs=24, memory_small=200, memory_large=2000)
QUICK = Sizes(throughput_runs=6, memory_small=40, memory_large=400)


def spec_text(name: str, runs: int, horizon_years: int) -> str:
    """A grid spec of ``runs`` runs: ``runs / 2`` inflow levels × 2 replications."""
    return f"""name = "{name}"
scenario = "baseline"
horizon_years = {horizon_years}
replications = 2
seed = 9
series = "final"
outputs = ["power_price_siberia_usd_per_mwh", "import_substitution_share", "transsib_utilization"]
[sampler]
kind = "grid"
[parameters]
hydro_inflow_index = {{low = 0.6, high = 1.4, levels = {runs // 2}}}
"""


def _timed_sweep(spec_file: Path, out: Path, factory) -> float:
    from experiments.spec import load_spec
    from experiments.sweep import run_sweep

    spec = load_spec(spec_file)
    t0 = time.perf_counter()
    result = run_sweep(spec, out, factory, progress=False)
    seconds = time.perf_counter() - t0
    if result.failed:
        raise RuntimeError(f"{result.failed} runs failed in the benchmark sweep {out}")
    return seconds


class _KeepOpen:
    """Lends a started evaluator to several sweeps: ``run_sweep`` closes what its factory gives,
    so this wrapper's ``close`` does nothing and ``shut`` closes the evaluator for good."""

    def __init__(self, evaluator):
        self.evaluator = evaluator
        self.description = evaluator.description

    def imap(self, tasks, bundle):
        return self.evaluator.imap(tasks, bundle)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def shut(self) -> None:
        self.evaluator.close()


def _warm(make, spec: Path, folder: Path, name: str) -> tuple[float, float]:
    """(cold, warm) wall seconds: the first sweep on a new evaluator (start-up and each worker's
    first run included), then the same sweep again on the started evaluator."""
    t0 = time.perf_counter()
    lent = _KeepOpen(make())
    try:
        started = time.perf_counter() - t0
        cold = started + _timed_sweep(spec, folder / f"{name}_cold", lambda: lent)
        warm = _timed_sweep(spec, folder / f"{name}_warm", lambda: lent)
    finally:
        lent.shut()
    return cold, warm


def throughput(sizes: Sizes, folder: Path) -> dict[str, float]:
    """Wall seconds of the same sweep serial, on a 2-worker pool and on a 2-worker Dask
    LocalCluster, each cold (start-up included) and warm (workers already started)."""
    from experiments.evaluators import LocalPoolEvaluator, SerialEvaluator, dask_evaluator

    spec = folder / "throughput.toml"
    spec.write_text(spec_text("bench_throughput", sizes.throughput_runs, 3))
    _timed_sweep(spec, folder / "warm", SerialEvaluator)  # warm caches of this process
    pool_cold, pool_warm = _warm(lambda: LocalPoolEvaluator(2), spec, folder, "pool2")
    dask_cold, dask_warm = _warm(lambda: dask_evaluator(None, 2), spec, folder, "dask2")
    return {"runs": sizes.throughput_runs,
            "serial_s": _timed_sweep(spec, folder / "serial", SerialEvaluator),
            "pool2_s": pool_warm, "pool2_cold_s": pool_cold,
            "dask2_s": dask_warm, "dask2_cold_s": dask_cold}


def peak_tree_rss(cmd: list[str]) -> tuple[float, int]:
    """Run ``cmd``; the peak over time of the summed RSS (bytes) of it and its descendants."""
    import psutil

    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(SAMPLE_S)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err.strip()[-300:]}")
    return float(peak), proc.returncode


def memory(sizes: Sizes, folder: Path) -> dict[str, float]:
    """Peak RSS (bytes) of the CLI's process tree for a small and a large 1-year sweep."""
    out = {}
    for label, runs in (("small", sizes.memory_small), ("large", sizes.memory_large)):
        spec = folder / f"memory_{label}.toml"
        spec.write_text(spec_text(f"bench_memory_{label}", runs, 1))
        t0 = time.perf_counter()
        peak, _ = peak_tree_rss([sys.executable, "-m", "experiments.cli", "sweep", str(spec),
                                 "--out", str(folder / f"memory_{label}"), "--workers", "2"])
        out[f"{label}_runs"] = runs
        out[f"{label}_peak_bytes"] = peak
        out[f"{label}_s"] = time.perf_counter() - t0
    return out


@functools.cache
def measure(quick: bool = False) -> dict[str, float]:
    """Every measurement once per process (``cases`` and ``ratio_lines`` share them)."""
    sizes = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="siberia-bench-sweep-") as tmp:
        folder = Path(tmp)
        return {**throughput(sizes, folder), **memory(sizes, folder)}


def cases(rate: float, quick: bool = False) -> list[tuple[str, float, float | None]]:
    """(name, seconds, target in reference agent-steps or None) of the sweep benchmarks.

    ``rate`` (reference agent-steps per second) is not needed for these timings, which have no
    agent-step target; it is in the signature so every benchmark module reads alike."""
    m = measure(quick)
    n = m["runs"]
    return [
        (f"sweep, serial, per run ({n} runs, 3 years)", m["serial_s"] / n, None),
        ("sweep, 2-worker pool (warm), wall per run", m["pool2_s"] / n, None),
        ("sweep, 2-worker Dask LocalCluster (warm), per run", m["dask2_s"] / n, None),
        ("Dask overhead per run (warm, vs pool)", (m["dask2_s"] - m["pool2_s"]) / n, None),
        ("2-worker pool start-up (cold - warm sweep)", m["pool2_cold_s"] - m["pool2_s"], None),
        ("Dask LocalCluster start-up (cold - warm sweep)", m["dask2_cold_s"] - m["dask2_s"],
         None),
        (f"sweep of {m['large_runs']} 1-year runs, CLI, 2 workers", m["large_s"], None),
    ]


def ratio_lines(quick: bool = False) -> list[str]:
    """Formatted "name value target holds" lines: runs/min, efficiency, the memory ratio."""
    m = measure(quick)
    n = m["runs"]
    serial = n / m["serial_s"] * 60
    pool = n / m["pool2_s"] * 60
    dask = n / m["dask2_s"] * 60
    cold = n / m["pool2_cold_s"] * 60
    eff = pool / (2 * serial)
    ratio = m["large_peak_bytes"] / m["small_peak_bytes"]
    mb = 1 / 2**20
    small, large = int(m["small_runs"]), int(m["large_runs"])
    holds = "yes" if ratio <= MEMORY_RATIO_TARGET else "NO"
    return [
        f"{'sweep runs/min, serial':50s} {serial:9.1f}",
        f"{'sweep runs/min, 2-worker pool (warm)':50s} {pool:9.1f}",
        f"{'sweep runs/min, 2-worker pool (start-up included)':50s} {cold:9.1f}",
        f"{'sweep runs/min, 2-worker Dask LocalCluster (warm)':50s} {dask:9.1f}",
        f"{'parallel efficiency (2 workers, warm)':50s} {eff:9.2f}",
        f"{'Dask overhead per run (s, warm, vs pool)':50s} "
        f"{(m['dask2_s'] - m['pool2_s']) / n:9.3f}",
        f"{f'peak RSS, CLI tree, {small} runs (MB)':50s} {m['small_peak_bytes'] * mb:9.1f}",
        f"{f'peak RSS, CLI tree, {large} runs (MB)':50s} {m['large_peak_bytes'] * mb:9.1f}",
        f"{f'peak RSS ratio {large} / {small} runs':50s} {ratio:9.3f} "
        f"{'':16s} {f'<= {MEMORY_RATIO_TARGET:.1f}':>12s}  {holds}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sweep", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smaller version (mechanics, not the figures)")
    args = parser.parse_args(argv)
    from benchmarks.reference import agent_steps_per_second

    rate = agent_steps_per_second()
    print(f"reference: Boltzmann wealth model, N=1000: {rate:,.0f} agent-steps/s"
          + ("  [--quick: small sizes]" if args.quick else ""))
    print(f"{'case':50s} {'seconds':>9s} {'ref agent-steps':>16s} {'target':>12s}  holds")
    for name, seconds, target in cases(rate, args.quick):
        cost = seconds * rate
        verdict = "" if target is None else ("yes" if cost <= target else "NO")
        tgt = "" if target is None else f"<= {target:,.0f}"
        print(f"{name:50s} {seconds:9.3f} {cost:16,.0f} {tgt:>12s}  {verdict}")
    for line in ratio_lines(args.quick):
        print(line)


if __name__ == "__main__":
    main()
