"""The boundary data shipped with the package (``model/data/atlas``), read once per process.

Origins, licences and what was done to the files are in ``docs/data.md``; the files were made
by ``tools/prepare_atlas_data.py`` from geoBoundaries (federal subjects) and Natural Earth
(rivers, lakes, neighbouring countries).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "atlas"


@dataclass(frozen=True)
class Subject:
    """A federal subject: its name, ISO code, the model region it belongs to and its polygons."""

    name: str
    iso: str
    model_region: str
    polygons: tuple[tuple[np.ndarray, ...], ...]  # each: exterior (lon, lat) ring, then holes


@dataclass(frozen=True)
class Lines:
    """A named set of polylines (a river) in (lon, lat) rows."""

    id: str
    name: str
    lines: tuple[np.ndarray, ...]


def _read(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as f:
        return json.load(f)


@cache
def subjects() -> tuple[Subject, ...]:
    data = _read("subjects.json")
    return tuple(
        Subject(
            name=s["name"], iso=s.get("iso", ""), model_region=s["model_region"],
            polygons=tuple(tuple(np.asarray(ring, dtype=float) for ring in poly)
                           for poly in s["polygons"]),
        )
        for s in data["subjects"]
    )


@cache
def rivers() -> tuple[Lines, ...]:
    data = _read("rivers.json")
    return tuple(
        Lines(id=r["id"], name=r["name"],
              lines=tuple(np.asarray(line, dtype=float) for line in r["lines"]))
        for r in sorted(data["rivers"], key=lambda r: r["id"])
    )


@cache
def lakes() -> tuple[Lines, ...]:
    """Large lakes as exterior rings (drawing only); empty if the file is not shipped."""
    if not (DATA_DIR / "lakes.json").exists():
        return ()
    data = _read("lakes.json")
    return tuple(
        Lines(id=r["id"], name=r["name"],
              lines=tuple(np.asarray(ring, dtype=float) for ring in r["polygons"]))
        for r in data["lakes"]
    )


@cache
def neighbours() -> tuple[Lines, ...]:
    """Land of neighbouring countries as exterior rings (drawing only); may be empty."""
    if not (DATA_DIR / "neighbours.json").exists():
        return ()
    data = _read("neighbours.json")
    out = []
    for c in data.get("countries", []):
        rings = c.get("polygons") or c.get("rings") or []
        flat = []
        for item in rings:
            # accept [ring] or [[exterior, holes...]]
            arr = np.asarray(item[0] if item and isinstance(item[0][0], list) else item,
                             dtype=float)
            flat.append(arr)
        out.append(Lines(id=c.get("id", c["name"]).lower(), name=c["name"], lines=tuple(flat)))
    return tuple(out)
