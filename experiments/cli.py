"""The ``siberia`` command line: thin commands over library functions.

Bad input (unknown parameter or scenario, value out of bounds, malformed or missing file,
unwritable output) ends with one line on stderr and exit code 2; nothing is written for a
command that did not finish. A model run that raises (``siberia run``/``compare``) ends with
one line and exit code 1; in a sweep a failed run is recorded in its manifest and the sweep
goes on.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from experiments.errors import RunFailed
from model.errors import UserInputError

EXIT_USAGE = 2
EXIT_OUTPUT = 74  # sysexits.h EX_IOERR: the input was fine, writing the output failed


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error on one line."""

    def error(self, message: str):  # noqa: D102
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        sys.exit(EXIT_USAGE)


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the target's folder, then rename: all or nothing."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserInputError(f"output folder does not exist: {folder}")
    if not os.access(folder, os.W_OK):
        raise UserInputError(f"output folder is not writable: {folder}")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=folder)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except OSError as e:
        raise UserInputError(f"cannot write {path}: {e.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --- commands -------------------------------------------------------------------------------
def cmd_params(args: argparse.Namespace) -> None:
    from model.params import PARAMETERS, catalogue_markdown

    if args.markdown:
        sys.stdout.write(catalogue_markdown() + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Parameter catalogue", show_lines=False)
    for col in ("name", "default", "valid values", "unit", "group", "description",
                "source (confidence)"):
        table.add_column(col, overflow="fold")
    for p in PARAMETERS.values():
        table.add_row(p.name, repr(p.default), p.domain(), p.unit, p.group,
                      p.description + ("" if p.effect == "acts now" else f" [mechanism: {p.effect}]"),
                      f"{p.source} ({p.confidence})")
    Console(width=max(160, Console().width)).print(table)


def cmd_scenarios(args: argparse.Namespace) -> None:
    from model.scenario import available, load_scenario

    for name in available():
        s = load_scenario(name)
        parent = f" (extends {s.chain[1]})" if len(s.chain) > 1 else ""
        print(f"{name:16s} {s.description}{parent}")


def cmd_map(args: argparse.Namespace) -> None:
    from model.scenario import load_scenario
    from viz.atlas_map import save_atlas_map

    scenario = load_scenario(args.scenario)
    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UserInputError(f"--out must end in .png, .svg or .pdf, got '{out.name}'")
    _atomic_write(out, lambda tmp: save_atlas_map(scenario, tmp))
    print(f"wrote {out}")


def cmd_validate(args: argparse.Namespace) -> None:
    from model.scenario import load_scenario
    from model.validation import run_base_years, validation_markdown, validation_rows

    scenario = load_scenario(args.scenario)  # fails early, before any work
    if args.out:
        out = Path(args.out)
        folder = out.parent if str(out.parent) else Path(".")
        if not folder.is_dir():
            raise UserInputError(f"output folder does not exist: {folder}")
    base = run_base_years(args.scenario)
    rows = validation_rows(base)
    command = "siberia validate" + (f" --scenario {args.scenario}"
                                    if args.scenario != "baseline" else "")
    if args.out:
        command += f" --out {args.out}"
    text = validation_markdown(rows, scenario.name, command)
    if args.out:
        _atomic_write(Path(args.out), lambda tmp: tmp.write_text(text, encoding="utf-8"))
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)


def _command_line() -> str:
    return " ".join(["siberia", *sys.argv[1:]])


def _overrides(assignments: list[str], years: int | None) -> dict:
    """``--set NAME=VALUE`` pairs (validated by the catalogue) and ``--years`` as horizon_years."""
    from model.params import parameter, parse_assignment

    overrides = dict(parse_assignment(a) for a in assignments)
    if years is not None:
        if "horizon_years" in overrides:
            raise UserInputError("give the horizon once: --years or --set horizon_years=...")
        overrides["horizon_years"] = parameter("horizon_years").validate(years)
    return overrides


def _default_workers() -> int:
    return min(4, os.cpu_count() or 1)


def _evaluator_factory(workers: int | None, scheduler: str | None = None,
                       cluster: str | None = None):
    """A function starting the executor: called only once all input has been checked."""
    from experiments import evaluators

    if workers is not None and workers < 0:
        raise UserInputError(f"--workers must be 0 (this process) or more, got {workers}")
    if scheduler and workers is not None:
        raise UserInputError("--workers does not apply with --scheduler: the cluster's workers run")
    n = _default_workers() if workers is None else workers
    if scheduler or cluster:
        if n == 0:
            raise UserInputError("--cluster local needs --workers of 1 or more")
        return lambda: evaluators.dask_evaluator(scheduler, None if scheduler else n)
    if n == 0:
        return evaluators.SerialEvaluator
    return lambda: evaluators.LocalPoolEvaluator(n)


def cmd_run(args: argparse.Namespace) -> None:
    from experiments.single import rerun_from_sweep, run_one

    if args.from_sweep:
        given = [flag for flag, value in (("--scenario", args.scenario), ("--set", args.set),
                                          ("--seed", args.seed), ("--years", args.years)) if value]
        if given:
            raise UserInputError(f"--from re-runs a sweep's run as the sweep ran it; drop "
                                 f"{', '.join(given)}")
        sweep_dir, run_id = args.from_sweep
        try:
            run_id = int(run_id)
        except ValueError:
            raise UserInputError(f"RUN_ID must be an integer (a run_id of the sweep), "
                                 f"got '{run_id}'") from None
        summary = rerun_from_sweep(Path(args.out), Path(sweep_dir), run_id, args.csv,
                                   _command_line())
    else:
        overrides = _overrides(args.set, args.years)
        seed = 42 if args.seed is None else args.seed
        summary = run_one(Path(args.out), args.scenario or "baseline", overrides, seed, args.csv,
                          _command_line())
    print(f"wrote {summary.out} ({summary.months} months in {summary.seconds:.1f} s)")
    if summary.matches_sweep is False:
        sys.stderr.write(f"siberia run: warning: run {args.from_sweep[1]} does not reproduce the "
                         f"series the sweep stored (see {summary.out}/manifest.json)\n")
        sys.exit(1)
    if summary.matches_sweep:
        print("the re-run reproduces the series the sweep stored")


def cmd_compare(args: argparse.Namespace) -> None:
    from experiments.compare import Arm, run_compare
    from model.params import parameter

    if args.seeds < 1:
        raise UserInputError(f"--seeds must be at least 1, got {args.seeds}")
    horizon = parameter("horizon_years").validate(args.years) if args.years is not None else None
    a = Arm("A", args.a, _overrides(args.set_a, None))
    b = Arm("B", args.b, _overrides(args.set_b, None))
    for arm in (a, b):
        if "horizon_years" in arm.overrides:
            raise UserInputError("both arms run the same horizon: use --years, not "
                                 "--set-a/--set-b horizon_years")
    result = run_compare(a, b, Path(args.out), _evaluator_factory(args.workers), args.seeds,
                         args.seed, horizon, _command_line())
    print(f"wrote {result.out}: differences of {result.table['indicator'].nunique()} indicators "
          f"at {sorted(result.table['year'].unique().tolist())} over {args.seeds} paired runs "
          f"({result.seconds:.1f} s)")


def cmd_sweep(args: argparse.Namespace) -> None:
    from experiments.spec import load_spec
    from experiments.sweep import run_sweep

    factory = _evaluator_factory(args.workers, args.scheduler, args.cluster)
    spec = load_spec(args.spec)  # the whole spec is checked before anything runs
    try:
        result = run_sweep(spec, Path(args.out), factory, retry_failed=args.retry_failed,
                           progress=sys.stderr.isatty(), command=_command_line())
    except KeyboardInterrupt:
        sys.stderr.write(f"siberia sweep: interrupted; finished runs are kept in "
                         f"{args.out}/manifest.json: run the same command to resume\n")
        sys.exit(130)
    if result.ran_now == 0:
        print(f"{result.out}: all {result.total} runs recorded already ({result.ok} ok, "
              f"{result.failed} failed); nothing to run")
        return
    print(f"wrote {result.out}: {result.ok} of {result.total} runs ok, {result.failed} failed; "
          f"{result.ran_now} ran now in {result.seconds:.1f} s on {result.executor}")
    if result.failed:
        print(f"failed runs and their errors: {result.out}/manifest.json (\"status\": \"failed\"); "
              f"--retry-failed runs them again")


def cmd_experiment(args: argparse.Namespace) -> None:
    from experiments.studies import STUDIES, StudyOptions

    if args.name not in STUDIES:
        raise UserInputError(f"unknown study {args.name!r}; available: {', '.join(STUDIES)}")
    study = STUDIES[args.name]
    if args.points is not None and study.points is None:
        raise UserInputError(f"--points applies to a study that sweeps (discovery), not to "
                             f"{args.name!r}")
    workers = min(2, os.cpu_count() or 1) if args.workers is None else args.workers
    opts = StudyOptions(seeds=study.seeds if args.seeds is None else args.seeds,
                        years=study.years if args.years is None else args.years,
                        scenario=args.scenario or study.scenario, workers=workers,
                        points=study.points if args.points is None else args.points,
                        command=_command_line())
    out = study.run(Path(args.out), opts)
    print(f"wrote {out}/report.md and {out}/runs.csv")


def cmd_analyze(args: argparse.Namespace) -> None:
    from experiments.analysis import analyze_sweep

    result = analyze_sweep(Path(args.sweep), Path(args.out) if args.out else None,
                           args.discover)
    print(f"wrote {result.out}/summary.md and {len(result.files) - 1} tables and figures")
    for d in result.discoveries:
        if d.trajectory is None:
            print(f"{d.condition}: holds in {d.n_cases} of {d.n_runs} runs; no box")
        else:
            print(f"{d.condition}: holds in {d.n_cases} of {d.n_runs} runs; box coverage "
                  f"{d.coverage:.2f}, density {d.density:.2f}")


def cmd_app(args: argparse.Namespace) -> None:
    from viz.server import serve

    serve(host=args.host, port=args.port)


# --- entry point ----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="siberia",
                     description="Agent-based model of Siberian industrial development.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                metavar="COMMAND")

    p = sub.add_parser("params", help="print the parameter catalogue")
    p.add_argument("--markdown", action="store_true",
                   help="print docs/parameters.md (Markdown) instead of a table")
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("scenarios", help="list the shipped scenarios")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("map", help="draw the atlas of a scenario to an image")
    p.add_argument("--scenario", default="baseline", help="scenario name or TOML path")
    p.add_argument("--out", required=True, help="output image (.png, .svg or .pdf)")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("validate", help="run the base year and write the validation table")
    p.add_argument("--scenario", default="baseline", help="scenario name or TOML path")
    p.add_argument("--out", help="write Markdown here (e.g. docs/validation.md)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help="one run: indicators, milestones, figures, a manifest")
    p.add_argument("--scenario", help="scenario name or TOML path (default baseline)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a catalogue parameter (repeatable)")
    p.add_argument("--seed", type=int, help="the run's random seed (default 42)")
    p.add_argument("--years", type=int, help="horizon in years from January 2025 (1-26)")
    p.add_argument("--from", dest="from_sweep", nargs=2, metavar=("SWEEP_DIR", "RUN_ID"),
                   help="re-run one run of a sweep, as the sweep's manifest says")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.add_argument("--csv", action="store_true", help="also write indicators.csv")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="paired runs of A and B: differences with 95%% intervals")
    p.add_argument("a", metavar="A", help="scenario name or TOML path")
    p.add_argument("b", metavar="B", help="scenario name or TOML path")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.add_argument("--seeds", type=int, default=5, help="paired replications (default 5)")
    p.add_argument("--seed", type=int, default=0, help="master seed of the replications")
    p.add_argument("--years", type=int, help="horizon in years for both (default: A's)")
    p.add_argument("--set-a", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter in A (repeatable)")
    p.add_argument("--set-b", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter in B (repeatable)")
    p.add_argument("--workers", type=int, help="worker processes (default min(4, CPUs); 0 = "
                                               "this process)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("sweep", help="run a sweep spec (local pool or Dask); resumable")
    p.add_argument("spec", metavar="SPEC.toml", help="sweep specification (experiments/specs/)")
    p.add_argument("--out", required=True, help="sweep folder: created, or resumed if it holds "
                                                "this spec's sweep")
    p.add_argument("--workers", type=int, help="worker processes (default min(4, CPUs); 0 = this "
                                               "process); with --cluster local: Dask workers")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing Dask scheduler (e.g. tcp://host:8786)")
    where.add_argument("--cluster", choices=["local"], help="start a local Dask cluster")
    p.add_argument("--retry-failed", action="store_true",
                   help="run again the runs the manifest records as failed")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("analyze", help="a sweep's fan charts, scatter plots, Sobol indices "
                                       "and scenario discovery (PRIM)")
    p.add_argument("sweep", metavar="DIR", help="a sweep folder (written by siberia sweep)")
    p.add_argument("--out", help="folder for the analysis (default DIR/analysis)")
    p.add_argument("--discover", action="append", default=[], metavar="EXPR",
                   help="PRIM scenario discovery for a condition INDICATOR[@YEAR] OP NUMBER, "
                        "e.g. 'import_substitution_share@2040 >= 0.5' (repeatable)")
    p.set_defaults(func=cmd_analyze)

    from experiments.studies import STUDIES

    names = ", ".join(STUDIES)
    p = sub.add_parser("experiment", help=f"a named study with a short report ({names})")
    p.add_argument("name", help="the study: " + "; ".join(
        f"{s.name} ({s.question}; default {s.seeds} seeds, {s.years} years)"
        for s in STUDIES.values()))
    p.add_argument("--out", required=True, help="folder for the report")
    p.add_argument("--scenario", help="base scenario (default: the study's, baseline or "
                                      "high_threat for threats)")
    p.add_argument("--seeds", type=int, help="paired replications (default: the study's)")
    p.add_argument("--years", type=int, help="horizon in years from 2025 (default: the study's)")
    p.add_argument("--points", type=int, help="design points of a sweeping study (discovery)")
    p.add_argument("--workers", type=int, help="worker processes (default min(2, CPUs); 0 = "
                                               "this process)")
    p.set_defaults(func=cmd_experiment)

    p = sub.add_parser("app", help="start the browser app on 127.0.0.1")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free)")
    p.set_defaults(func=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except UserInputError as e:
        sys.stderr.write(f"siberia {args.command}: error: {e}\n")
        return EXIT_USAGE
    except RunFailed as e:
        sys.stderr.write(f"siberia {args.command}: error: {e}\n")
        return 1
    except OSError as e:  # disk full, folder removed or made read-only mid-run
        where = f": {e.filename}" if e.filename else ""
        kept = ("; finished runs are kept: the same command again resumes the sweep"
                if args.command == "sweep" else "")
        sys.stderr.write(f"siberia {args.command}: error: cannot write output "
                         f"({e.strerror or e}{where}){kept}\n")
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        sys.stderr.write("siberia: interrupted\n")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
