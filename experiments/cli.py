"""The ``siberia`` command line: thin commands over library functions.

Bad input (unknown parameter or scenario, value out of bounds, malformed or missing file,
unwritable output) ends with one line on stderr and exit code 2; nothing is written for a
command that did not finish.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from model.errors import UserInputError

EXIT_USAGE = 2


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
    except KeyboardInterrupt:
        sys.stderr.write("siberia: interrupted\n")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
