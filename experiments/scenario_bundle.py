"""A scenario's files as content, to ship with a run to a process that lacks them.

A scenario given by path exists on this machine only; a remote Dask worker has the installed
package (so the shipped scenarios by name) but not the user's file, and not a shipped scenario
a user edited. A :class:`ScenarioBundle` holds the text of the scenario file and of every file
in its ``extends`` chain; :meth:`ScenarioBundle.materialize` writes them to a content-addressed
folder on the worker, each ``extends`` pointing at the copy of its parent, and returns the path
to hand to ``SiberiaModel``. The bundle's ``sha256`` equals the model's ``Scenario.sha256`` of
the original files (the same chained digest), so a manifest can name both with one hash.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from experiments.provenance import sha256_bytes
from model.errors import ScenarioError
from model.scenario import load_scenario

_EXTENDS = re.compile(r"""(?m)^[ \t]*extends[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*')""")
_CACHE: dict[str, Path] = {}  # digest -> materialized top file, per process


@dataclass(frozen=True)
class ScenarioFileText:
    """One file of the chain: its stem (for the copy's name), where it came from, its bytes."""

    stem: str
    origin: str
    data: bytes

    @property
    def sha256(self) -> str:
        return sha256_bytes(self.data)


@dataclass(frozen=True)
class ScenarioBundle:
    """A scenario's chain of files, nearest first (the file itself, then what it extends)."""

    name: str
    files: tuple[ScenarioFileText, ...]

    @property
    def sha256(self) -> str:
        """The model's chained digest: sha256(file + sha256(parent chain)), innermost first."""
        digest = ""
        for f in reversed(self.files):
            digest = sha256_bytes(f.data + digest.encode())
        return digest

    def describe(self) -> dict:
        """For manifests: the scenario's name, combined hash, and each file with its own hash."""
        return {"name": self.name, "sha256": self.sha256,
                "chain": [{"file": f.origin, "sha256": f.sha256} for f in self.files]}

    @classmethod
    def capture(cls, ref: str | Path) -> ScenarioBundle:
        """Read a scenario (name or path) and the files it extends; raises ScenarioError."""
        scenario = load_scenario(ref)  # validates the whole chain first
        files, path = [], scenario.path
        while True:
            data = path.read_bytes()
            files.append(ScenarioFileText(path.stem, str(path), data))
            parent = tomllib.loads(data.decode("utf-8")).get("extends")
            if not parent:
                break
            path = load_scenario(_relative(parent, path.parent)).path
        return cls(scenario.name, tuple(files))

    def save(self, folder: Path) -> list[str]:
        """Write the original files into ``folder`` (a sweep keeps its scenario); their names."""
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for i, f in enumerate(self.files):
            name = f"{i}-{f.stem}.toml"
            (folder / name).write_bytes(f.data)
            names.append(name)
        return names

    @classmethod
    def load_saved(cls, folder: Path, description: dict) -> ScenarioBundle:
        """The bundle a sweep saved with :meth:`save`, checked against its manifest's hashes."""
        files = []
        for i, entry in enumerate(description["chain"]):
            stem = Path(entry["file"]).stem
            path = folder / f"{i}-{stem}.toml"
            try:
                data = path.read_bytes()
            except OSError as e:
                raise ScenarioError(f"cannot read the sweep's copy of the scenario {path}: "
                                    f"{e.strerror}") from None
            if sha256_bytes(data) != entry["sha256"]:
                raise ScenarioError(f"{path} differs from the file the sweep ran (sha256 in "
                                    f"its manifest); restore it")
            files.append(ScenarioFileText(stem, entry["file"], data))
        return cls(description["name"], tuple(files))

    def materialize(self) -> Path:
        """Write the chain to a folder named by its hash (reused if there) and return the path of
        the scenario file, whose ``extends`` now name the copies of their parents."""
        digest = self.sha256
        cached = _CACHE.get(digest)
        if cached is not None and cached.is_file():
            return cached
        names = [f"{i}-{f.stem}.toml" for i, f in enumerate(self.files)]
        texts = [_point_extends(f, names[i + 1] if i + 1 < len(names) else None)
                 for i, f in enumerate(self.files)]
        folder = Path(tempfile.gettempdir()) / f"siberia-scenario-{digest[:24]}"

        def complete(where: Path) -> bool:
            return all((where / n).is_file() and (where / n).read_bytes() == t
                       for n, t in zip(names, texts, strict=True))

        if not complete(folder):
            staging = Path(tempfile.mkdtemp(prefix=".siberia-scenario-", dir=folder.parent))
            for n, t in zip(names, texts, strict=True):
                (staging / n).write_bytes(t)
            try:
                os.rename(staging, folder)  # atomic: other processes see all files or none
            except OSError:  # the folder exists: another worker was first, or it is damaged
                if complete(folder):
                    shutil.rmtree(staging, ignore_errors=True)
                else:  # never delete a folder another process may be reading: use our copy
                    folder = staging
        _CACHE[digest] = folder / names[0]
        return _CACHE[digest]


def _relative(ref: str, folder: Path) -> str:
    """An ``extends`` reference as the model resolves it: a path relative to the file's folder
    when that file exists, otherwise as given (a shipped scenario's name, or a path)."""
    looks_like_path = ref.endswith(".toml") or "/" in ref or "\\" in ref
    if looks_like_path and not Path(ref).expanduser().is_absolute() and (folder / ref).exists():
        return str(folder / ref)
    return ref


def _point_extends(f: ScenarioFileText, parent: str | None) -> bytes:
    """The file's text with its top-level ``extends`` pointing at ``parent`` (a sibling copy)."""
    if parent is None:
        return f.data
    text = f.data.decode("utf-8")
    first_table = re.search(r"(?m)^[ \t]*\[", text)
    match = _EXTENDS.search(text, 0, first_table.start() if first_table else len(text))
    if match is None:
        raise ScenarioError(f"{f.origin}: cannot find its top-level 'extends = \"...\"' line "
                            f"to ship the scenario")
    new = text[:match.start(1)] + f'"{parent}"' + text[match.end(1):]
    before, after = tomllib.loads(text), tomllib.loads(new)
    if after.get("extends") != parent or {**after, "extends": None} != {**before, "extends": None}:
        raise ScenarioError(f"{f.origin}: could not rewrite its 'extends' line safely")
    return new.encode("utf-8")
