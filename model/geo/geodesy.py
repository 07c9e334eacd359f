"""Great-circle geometry on a spherical Earth (mean radius), vectorised with numpy."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


def unit_vectors(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, shape (..., 3)."""
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points (broadcasting)."""
    p1, l1, p2, l2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def densify(latlon: np.ndarray, step_km: float) -> np.ndarray:
    """Points along a polyline (lat, lon rows), no two consecutive more than ``step_km`` apart.

    Interpolates linearly in lat/lon between waypoints, which at these scales departs from the
    great circle by far less than a cell. Vectorised over all segments at once.
    """
    latlon = np.asarray(latlon, dtype=float)
    if len(latlon) < 2:
        return latlon
    seg_km = haversine_km(latlon[:-1, 0], latlon[:-1, 1], latlon[1:, 0], latlon[1:, 1])
    n = np.maximum(np.ceil(seg_km / step_km).astype(int), 1)  # sub-steps per segment
    seg = np.repeat(np.arange(len(n)), n)
    t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
    pts = latlon[seg] + (latlon[seg + 1] - latlon[seg]) * t[:, None]
    return np.concatenate([pts, latlon[-1:]])


class NearestPoint:
    """Great-circle distance (km) from any point to the nearest of a fixed set of points.

    A KD-tree on unit vectors: the chord length is monotone in the great-circle angle, so the
    nearest chord neighbour is the nearest great-circle neighbour.
    """

    def __init__(self, lat_deg: np.ndarray, lon_deg: np.ndarray):
        self._tree = cKDTree(unit_vectors(np.asarray(lat_deg), np.asarray(lon_deg)))
        self._at: dict[tuple[float, float], float] = {}  # one point's distance, remembered

    def distance_km_at(self, lat: float, lon: float) -> float:
        """``distance_km`` of one point, remembered: sites do not move, and each model of a
        sweep asks again for the same ones."""
        key = (lat, lon)
        km = self._at.get(key)
        if km is None:
            if len(self._at) > 100_000:
                self._at.clear()
            km = self._at[key] = float(self.distance_km(lat, lon))
        return km

    def distance_km(self, lat_deg, lon_deg) -> np.ndarray:
        chord, _ = self._tree.query(unit_vectors(np.asarray(lat_deg), np.asarray(lon_deg)))
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
