"""The regular longitude/latitude grid of the atlas.

Extent: 19°E (Kaliningrad) to 180°E — the atlas is clipped at the antimeridian, so Chukotka east
of 180° is left out — and 41°N (the Caucasus) to 82°N (Franz Josef Land). Arrays are indexed
``[row, col]`` with row 0 the southernmost band and col 0 the westernmost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from model.geo.geodesy import EARTH_RADIUS_KM

LON_MIN, LON_MAX = 19.0, 180.0
LAT_MIN, LAT_MAX = 41.0, 82.0


@dataclass(frozen=True)
class Grid:
    resolution_deg: float
    lon_min: float = LON_MIN
    lon_max: float = LON_MAX
    lat_min: float = LAT_MIN
    lat_max: float = LAT_MAX

    @property
    def ncols(self) -> int:
        return int(round((self.lon_max - self.lon_min) / self.resolution_deg))

    @property
    def nrows(self) -> int:
        return int(round((self.lat_max - self.lat_min) / self.resolution_deg))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nrows, self.ncols)

    @cached_property
    def lon_centres(self) -> np.ndarray:
        return self.lon_min + (np.arange(self.ncols) + 0.5) * self.resolution_deg

    @cached_property
    def lat_centres(self) -> np.ndarray:
        return self.lat_min + (np.arange(self.nrows) + 0.5) * self.resolution_deg

    @cached_property
    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) of every cell centre, each of shape ``shape``."""
        lon, lat = np.meshgrid(self.lon_centres, self.lat_centres)
        return lat, lon

    @cached_property
    def cell_area_km2(self) -> np.ndarray:
        """Area of each cell on the sphere: R² · Δλ · (sin φ₂ − sin φ₁)."""
        edges = np.radians(self.lat_min + np.arange(self.nrows + 1) * self.resolution_deg)
        band = EARTH_RADIUS_KM**2 * np.radians(self.resolution_deg) * np.diff(np.sin(edges))
        return np.repeat(band[:, None], self.ncols, axis=1)

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat < self.lat_max and self.lon_min <= lon <= self.lon_max

    def index(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cells holding the points (clipped to the grid)."""
        row = np.floor((np.asarray(lat) - self.lat_min) / self.resolution_deg).astype(int)
        col = np.floor((np.asarray(lon) - self.lon_min) / self.resolution_deg).astype(int)
        return np.clip(row, 0, self.nrows - 1), np.clip(col, 0, self.ncols - 1)

    def cell_of(self, lat: float, lon: float) -> tuple[int, int] | None:
        """(row, col) of the cell holding a point, or None outside the grid."""
        if not self.contains(lat, lon):
            return None
        row, col = self.index(lat, lon)
        return int(row), int(col)

    def cell_centre(self, row: int, col: int) -> tuple[float, float]:
        """(lat, lon) of a cell's centre."""
        return float(self.lat_centres[row]), float(self.lon_centres[col])
