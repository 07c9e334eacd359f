"""Writing results so that a crash never leaves a half-written file where a reader looks.

Every file goes to a temporary name in its final folder and is ``os.replace``d into place (an
atomic rename on POSIX and Windows): a reader sees the old file or the new one, never a Parquet
file without its footer. Files are not fsync'ed: this protects against a killed process, not
against the machine losing power.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from model.errors import UserInputError


def nearest_existing(path: Path) -> Path:
    path = Path(path).absolute()
    while not path.exists():
        path = path.parent
    return path


def check_output_dir(out: Path) -> None:
    """Raise :class:`UserInputError` unless folder ``out`` exists and is writable or can be made.

    Writability is probed by creating (and removing) a file, which also catches read-only file
    systems and, for root, folders that permissions alone would not stop.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserInputError(f"--out {out} exists and is not a folder")
    base = nearest_existing(out)
    if not base.is_dir():
        raise UserInputError(f"cannot create output folder {out}: {base} is not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".siberia-probe-", dir=base)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise UserInputError(f"output folder is not writable: {base} ({e.strerror})") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give; mkstemp makes files private (0600)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then rename it to ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _finite(obj: Any) -> Any:
    """JSON has no NaN: write it as null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def write_json(path: Path, obj: Any) -> None:
    text = json.dumps(_finite(obj), indent=1, default=_json_default, ensure_ascii=False)
    atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UserInputError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None


def write_parquet(path: Path, table: pa.Table) -> None:
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


class StagedFolder:
    """Outputs of a command that either finishes or leaves nothing: files are written into a
    hidden staging folder beside ``out`` and moved in only when the block ends without error
    (``manifest.json`` last, so a manifest means a complete set)."""

    def __init__(self, out: Path):
        check_output_dir(out)
        self.out = Path(out)
        self.tmp = Path(tempfile.mkdtemp(prefix=".siberia-staging-", dir=nearest_existing(out)))

    def __enter__(self) -> Path:
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.out.mkdir(parents=True, exist_ok=True)
                files = sorted(self.tmp.iterdir(), key=lambda p: (p.name == "manifest.json", p.name))
                for f in files:
                    os.replace(f, self.out / f.name)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
