"""The atlas: Russia from the Baltic to the Pacific as numpy layers on a lon/lat grid.

Layers (arrays of the grid's shape, read-only, shared between models of one resolution):

- ``land``: the cell centre lies on Russia's land (inside a federal subject; not sea, not
  Kazakhstan, Mongolia or China);
- ``subject`` / ``region``: index of the federal subject / model region (-1 outside Russia);
- ``dist_west_km`` / ``dist_east_km``: great-circle distance to the western / eastern frontier
  (computed on first use: a KD-tree query per cell is the costliest part of a fine atlas);
- ``cell_area_km2``.

Linear features are boolean masks named ``kind:id``: rivers (``river:yenisei``), operating
routes (``rail:trans_siberian``, ``waterway:lena``, ``sea:…``, ``road:…``, and ``nsr`` for the
Northern Sea Route lane), planned routes (``planned_rail:…``) and ports (``port``,
``port:sea``, ``port:river``).

Queries (``region_at``, ``is_land``) test the shipped polygons exactly, so a city a few km from
a border is placed right even at 1°; layers sample cell centres.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial

import numpy as np

from model.geo import boundaries
from model.geo.geodesy import NearestPoint, densify
from model.geo.grid import Grid
from model.geo.rasterize import line_mask, point_in_polygons, point_mask, polygon_mask

FRONTIER_STEP_KM = 10.0  # spacing of points along a frontier line: distances good to ~5 km

LatLon = tuple[float, float]


@dataclass(frozen=True)
class RouteLine:
    """A route's geometry: ``mode`` is rail, river, sea or road; waypoints are (lat, lon)."""

    id: str
    mode: str
    status: str
    waypoints: tuple[LatLon, ...]

    @property
    def feature(self) -> str:
        if self.mode == "sea" and self.id.startswith("nsr"):
            return "nsr"
        kind = "waterway" if self.mode == "river" else self.mode
        prefix = "" if self.status == "operating" else "planned_"
        return f"{prefix}{kind}:{self.id}"


@dataclass(frozen=True)
class PortPoint:
    id: str
    kind: str  # "sea" | "river"
    lat: float
    lon: float


@dataclass(frozen=True)
class AtlasInputs:
    """What the scenario adds to the boundary data: routes, ports and the two frontiers."""

    routes: tuple[RouteLine, ...] = ()
    ports: tuple[PortPoint, ...] = ()
    frontier_west: tuple[LatLon, ...] = ()
    frontier_east: tuple[LatLon, ...] = ()


@dataclass(frozen=True)
class _SubjectIndex:
    names: tuple[str, ...]
    regions: tuple[str, ...]  # sorted model-region names
    region_of_subject: np.ndarray  # subject index -> region index
    bboxes: np.ndarray  # (n, 4): lon_min, lat_min, lon_max, lat_max


@cache
def _subject_index() -> _SubjectIndex:
    subs = boundaries.subjects()
    regions = tuple(sorted({s.model_region for s in subs}))
    bboxes = []
    for s in subs:
        pts = np.concatenate([poly[0] for poly in s.polygons])
        bboxes.append([*pts.min(axis=0), *pts.max(axis=0)])
    return _SubjectIndex(
        names=tuple(s.name for s in subs),
        regions=regions,
        region_of_subject=np.array([regions.index(s.model_region) for s in subs], dtype=np.int16),
        bboxes=np.array(bboxes),
    )


@lru_cache(maxsize=4)
def _subject_raster(resolution_deg: float) -> np.ndarray:
    """Index of the federal subject under each cell centre (-1 = not Russia)."""
    grid = Grid(resolution_deg)
    raster = np.full(grid.shape, -1, dtype=np.int16)
    for i, s in enumerate(boundaries.subjects()):
        raster[polygon_mask(grid, s.polygons)] = i
    raster.flags.writeable = False
    return raster


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Atlas:
    grid: Grid
    layers: dict[str, np.ndarray]
    features: dict[str, np.ndarray]
    region_names: tuple[str, ...]
    subject_names: tuple[str, ...]
    inputs: AtlasInputs = field(repr=False)

    # --- layers ---------------------------------------------------------------------------
    @property
    def resolution_deg(self) -> float:
        return self.grid.resolution_deg

    @property
    def shape(self) -> tuple[int, int]:
        return self.grid.shape

    def region_mask(self, name: str) -> np.ndarray:
        return self.layers["region"] == self.region_names.index(name)

    def cell_of(self, lat: float, lon: float) -> tuple[int, int] | None:
        """(row, col) of the grid cell holding a point; None outside the atlas."""
        return self.grid.cell_of(lat, lon)

    # --- point queries (DESIGN.md §10) ----------------------------------------------------
    def subject_at(self, lat: float, lon: float) -> str | None:
        """The federal subject at a point, by exact polygon test; None outside Russia."""
        idx = self._subject_index_at(lat, lon)
        return None if idx < 0 else self.subject_names[idx]

    def region_at(self, lat: float, lon: float) -> str | None:
        """The model region at a point (e.g. 'Krasnoyarsk Krai'); None outside Russia's land."""
        idx = self._subject_index_at(lat, lon)
        if idx < 0:
            return None
        return self.region_names[int(_subject_index().region_of_subject[idx])]

    def is_land(self, lat: float, lon: float) -> bool:
        """Whether a point lies on Russia's land (not sea, not another country)."""
        return self._subject_index_at(lat, lon) >= 0

    def features_at(self, lat: float, lon: float) -> set[str]:
        """Names of the linear and point features crossing the cell that holds the point."""
        cell = self.cell_of(lat, lon)
        if cell is None:
            return set()
        return {name for name, mask in self.features.items() if mask[cell]}

    def features_near(self, lat: float, lon: float, cells: int = 1) -> set[str]:
        """Features within ``cells`` cells (Chebyshev distance) of the point's cell."""
        cell = self.cell_of(lat, lon)
        if cell is None:
            return set()
        r, c = cell
        window = (slice(max(r - cells, 0), r + cells + 1), slice(max(c - cells, 0), c + cells + 1))
        return {name for name, mask in self.features.items() if mask[window].any()}

    def distance_to_frontier_km(self, lat: float, lon: float, side: str) -> float:
        """Great-circle distance (km) from a point to the western or eastern frontier line."""
        if side not in ("west", "east"):
            raise ValueError(f"side must be 'west' or 'east', got {side!r}")
        return self._frontier(side).distance_km_at(lat, lon)

    # --- helpers --------------------------------------------------------------------------
    def _subject_index_at(self, lat: float, lon: float) -> int:
        index = _subject_index()
        b = index.bboxes
        candidates = np.nonzero((b[:, 0] <= lon) & (lon <= b[:, 2]) & (b[:, 1] <= lat)
                                & (lat <= b[:, 3]))[0]
        subs = boundaries.subjects()
        for i in candidates:
            if point_in_polygons(lat, lon, subs[i].polygons):
                return int(i)
        return -1

    def _frontier(self, side: str) -> NearestPoint:
        return _frontier_tree(self.inputs.frontier_west if side == "west"
                              else self.inputs.frontier_east)


@lru_cache(maxsize=16)
def _frontier_tree(line: tuple[LatLon, ...]) -> NearestPoint:
    if not line:
        raise ValueError("the scenario defines no frontier line for this side")
    pts = densify(np.asarray(line, dtype=float), FRONTIER_STEP_KM)
    return NearestPoint(pts[:, 0], pts[:, 1])


class _Layers(dict):
    """Layers by name; the costly frontier-distance fields are computed on first use."""

    def __init__(self, ready: dict[str, np.ndarray], lazy: dict[str, Callable[[], np.ndarray]]):
        super().__init__(ready)
        self._lazy = lazy

    def __missing__(self, name: str) -> np.ndarray:
        if name not in self._lazy:
            raise KeyError(name)
        self[name] = _frozen(self._lazy.pop(name)())
        return self[name]

    def names(self) -> list[str]:
        return sorted([*self, *self._lazy])


def _distance_layer(line: tuple[LatLon, ...], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return _frontier_tree(line).distance_km(lat, lon).astype(np.float32)


@lru_cache(maxsize=8)
def build_atlas(resolution_deg: float, inputs: AtlasInputs) -> Atlas:
    """Build (or reuse, per process) the atlas for a resolution and a scenario's geography."""
    grid = Grid(resolution_deg)
    index = _subject_index()
    subject = _subject_raster(resolution_deg)
    region = np.where(subject >= 0, index.region_of_subject[np.maximum(subject, 0)], -1)
    lat, lon = grid.centres
    layers = {
        "land": subject >= 0,
        "subject": subject,
        "region": region.astype(np.int16),
        "cell_area_km2": grid.cell_area_km2,
    }
    lazy = {}
    for side, line in (("west", inputs.frontier_west), ("east", inputs.frontier_east)):
        if line:
            lazy[f"dist_{side}_km"] = partial(_distance_layer, line, lat, lon)

    features: dict[str, np.ndarray] = {}
    for river in boundaries.rivers():
        features[f"river:{river.id}"] = line_mask(grid, [ln[:, ::-1] for ln in river.lines])
    for route in inputs.routes:
        mask = line_mask(grid, [np.asarray(route.waypoints)])
        features[route.feature] = features[route.feature] | mask if route.feature in features \
            else mask
    if inputs.ports:
        for kind in sorted({p.kind for p in inputs.ports}):
            pts = [p for p in inputs.ports if p.kind == kind]
            features[f"port:{kind}"] = point_mask(grid, [p.lat for p in pts], [p.lon for p in pts])
        features["port"] = np.logical_or.reduce([features[f"port:{k}"]
                                                 for k in {p.kind for p in inputs.ports}])
    return Atlas(
        grid=grid,
        layers=_Layers({k: _frozen(np.asarray(v)) for k, v in layers.items()}, lazy),
        features={k: _frozen(v) for k, v in sorted(features.items())},
        region_names=index.regions,
        subject_names=index.names,
        inputs=inputs,
    )
