"""Burning vector geography (polygons, polylines, points) into grid layers, vectorised."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.path import Path

from model.geo.geodesy import densify
from model.geo.grid import Grid

Ring = np.ndarray  # (n, 2) array of lon, lat
Polygon = Sequence[Ring]  # exterior ring first, then holes


def polygon_mask(grid: Grid, polygons: Sequence[Polygon]) -> np.ndarray:
    """Cells whose centres fall inside any of the polygons (holes excluded)."""
    lat, lon = grid.centres
    mask = np.zeros(grid.shape, dtype=bool)
    for polygon in polygons:
        exterior = polygon[0]
        lon_lo, lat_lo = exterior.min(axis=0)
        lon_hi, lat_hi = exterior.max(axis=0)
        r0, c0 = grid.index(lat_lo, lon_lo)
        r1, c1 = grid.index(lat_hi, lon_hi)
        window = (slice(int(r0), int(r1) + 1), slice(int(c0), int(c1) + 1))
        pts = np.column_stack([lon[window].ravel(), lat[window].ravel()])
        inside = Path(exterior).contains_points(pts)
        for hole in polygon[1:]:
            if inside.any():
                inside &= ~Path(hole).contains_points(pts)
        mask[window] |= inside.reshape(lon[window].shape)
    return mask


def point_in_polygons(lat: float, lon: float, polygons: Sequence[Polygon]) -> bool:
    """Exact test of one point against polygons with holes (for queries, not layers)."""
    pt = (lon, lat)
    for polygon in polygons:
        exterior = polygon[0]
        lo = exterior.min(axis=0)
        hi = exterior.max(axis=0)
        if not (lo[0] <= lon <= hi[0] and lo[1] <= lat <= hi[1]):
            continue
        if Path(exterior).contains_point(pt) and not any(
            Path(h).contains_point(pt) for h in polygon[1:]
        ):
            return True
    return False


def line_mask(grid: Grid, lines_latlon: Sequence[np.ndarray]) -> np.ndarray:
    """Cells that a polyline (rows of lat, lon) passes through, sampled at a quarter cell."""
    mask = np.zeros(grid.shape, dtype=bool)
    step_km = grid.resolution_deg * 111.0 * 0.25 * 0.5  # a quarter of a cell at 60°N
    for line in lines_latlon:
        pts = densify(np.asarray(line, dtype=float), step_km)
        keep = ((pts[:, 0] >= grid.lat_min) & (pts[:, 0] < grid.lat_max)
                & (pts[:, 1] >= grid.lon_min) & (pts[:, 1] <= grid.lon_max))
        rows, cols = grid.index(pts[keep, 0], pts[keep, 1])
        mask[rows, cols] = True
    return mask


def point_mask(grid: Grid, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Cells holding at least one of the points."""
    mask = np.zeros(grid.shape, dtype=bool)
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    keep = (lat >= grid.lat_min) & (lat < grid.lat_max) & (lon >= grid.lon_min) & (
        lon <= grid.lon_max)
    rows, cols = grid.index(lat[keep], lon[keep])
    mask[rows, cols] = True
    return mask
