"""The atlas as a matplotlib map: land, regions, rivers, railways, the NSR, ports, facilities.

Drawn in a Lambert conformal conic projection (standard parallels 52°N and 68°N, central
meridian 100°E), which keeps Russia's familiar shape without a cartography dependency.
Used by ``siberia map`` and by the app.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from model.geo import boundaries  # noqa: E402
from model.geo.grid import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN  # noqa: E402
from model.scenario import Scenario  # noqa: E402

SEA = "#dbe9f4"
LAND = "#f4f1e8"
SIBERIA_LAND = "#ece5d0"
NEIGHBOUR = "#e3e3e3"
BORDER = "#9a8f7a"
RIVER = "#4a90c8"
RAIL = "#3a3a3a"
NSR = "#1f4e9a"
STATION_COLOURS = {"hydro": "#1f77b4", "coal": "#4d4d4d", "gas": "#e08a1e", "nuclear": "#8e44ad"}
DEPOSIT = "#b0308a"
STAGE_COLOURS = {"separation": "#2ca02c", "metals": "#17becf", "magnets": "#d4a017"}
PLANT_MARKER = "s"
# plants of the other sectors (issue #10), diamonds coloured by sector
SECTOR_COLOURS = {"aluminium": "#7f7f7f", "electronics": "#9467bd", "gas_chemistry": "#8c564b",
                  "timber": "#6b8e23"}
SECTOR_MARKER = "D"
ATTRIBUTION = ("Boundaries: © OpenStreetMap contributors (ODbL 1.0) via geoBoundaries; "
               "rivers and lakes: Natural Earth")


class LambertConic:
    """Lambert conformal conic projection on the sphere (Snyder 1987, eqs. 15-1 to 15-4)."""

    def __init__(self, lat1: float = 52.0, lat2: float = 68.0, lat0: float = 60.0,
                 lon0: float = 100.0):
        p1, p2, p0 = np.radians([lat1, lat2, lat0])
        self.lon0 = np.radians(lon0)
        self.n = np.log(np.cos(p1) / np.cos(p2)) / np.log(
            np.tan(np.pi / 4 + p2 / 2) / np.tan(np.pi / 4 + p1 / 2))
        self.F = np.cos(p1) * np.tan(np.pi / 4 + p1 / 2) ** self.n / self.n
        self.rho0 = self.F / np.tan(np.pi / 4 + p0 / 2) ** self.n

    def __call__(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        lon = np.radians(np.asarray(lon, dtype=float))
        lat = np.radians(np.clip(np.asarray(lat, dtype=float), -89.0, 89.0))
        rho = self.F / np.tan(np.pi / 4 + lat / 2) ** self.n
        theta = self.n * (lon - self.lon0)
        return rho * np.sin(theta), self.rho0 - rho * np.cos(theta)

    def xy(self, lonlat: np.ndarray) -> np.ndarray:
        x, y = self(lonlat[:, 0], lonlat[:, 1])
        return np.column_stack([x, y])


PROJ = LambertConic()


def _frame_polygon() -> np.ndarray:
    """The atlas window's outline (a curved quadrilateral once projected)."""
    lons = np.linspace(LON_MIN, LON_MAX, 200)
    lats = np.linspace(LAT_MIN, LAT_MAX, 60)
    edge = np.concatenate([
        np.column_stack([lons, np.full_like(lons, LAT_MIN)]),
        np.column_stack([np.full_like(lats, LON_MAX), lats]),
        np.column_stack([lons[::-1], np.full_like(lons, LAT_MAX)]),
        np.column_stack([np.full_like(lats, LON_MIN), lats[::-1]]),
    ])
    return PROJ.xy(edge)


def draw_base(ax: plt.Axes, scenario: Scenario) -> None:
    """Static layers: sea, neighbours, land by region, lakes, rivers, routes, ports, labels."""
    siberian = {r.name for r in scenario.regions if r.siberian}
    frame = _frame_polygon()
    ax.add_collection(PolyCollection([frame], facecolors=SEA, edgecolors="none", zorder=0))
    nb = [PROJ.xy(ring) for c in boundaries.neighbours() for ring in c.lines if len(ring) > 2]
    if nb:
        ax.add_collection(PolyCollection(nb, facecolors=NEIGHBOUR, edgecolors="#c8c8c8",
                                         linewidths=0.3, zorder=1))
    polys, colours = [], []
    for s in boundaries.subjects():
        colour = SIBERIA_LAND if s.model_region in siberian else LAND
        for poly in s.polygons:
            polys.append(PROJ.xy(poly[0]))
            colours.append(colour)
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors=BORDER,
                                     linewidths=0.25, zorder=2))
    lakes = [PROJ.xy(r) for lake in boundaries.lakes() for r in lake.lines if len(r) > 2]
    if lakes:
        ax.add_collection(PolyCollection(lakes, facecolors=SEA, edgecolors=RIVER,
                                         linewidths=0.3, zorder=3))
    rivers = [PROJ.xy(line) for r in boundaries.rivers() for line in r.lines]
    ax.add_collection(LineCollection(rivers, colors=RIVER, linewidths=0.8, zorder=4))

    for route in scenario.routes:
        pts = np.asarray(route.waypoints)[:, ::-1]
        xy = PROJ.xy(pts)
        planned = route.status != "operating"
        if route.mode == "rail":
            ax.plot(xy[:, 0], xy[:, 1], color=RAIL if not planned else "#8a8a8a",
                    lw=1.6 if not planned else 1.0, ls="-" if not planned else (0, (3, 2)),
                    zorder=6, solid_capstyle="round")
        elif route.mode == "sea":
            ax.plot(xy[:, 0], xy[:, 1], color=NSR, lw=1.2, ls=(0, (5, 3)), zorder=5)
        elif route.mode == "road":
            ax.plot(xy[:, 0], xy[:, 1], color="#a0522d", lw=0.8, ls=":", zorder=5)
    if scenario.ports:
        x, y = PROJ([p.lon for p in scenario.ports], [p.lat for p in scenario.ports])
        ax.scatter(x, y, marker="s", s=14, facecolor="white", edgecolor=NSR, linewidths=1.0,
                   zorder=8)
    for c in scenario.cities:
        if not c.label:
            continue
        x, y = PROJ(c.lon, c.lat)
        ax.scatter([x], [y], s=7, color="black", zorder=9)
        ax.annotate(c.name, (x, y), xytext=(3, 2), textcoords="offset points", fontsize=6.5,
                    zorder=10, color="#202020")
    # frame the map on Russia (the atlas window's corners are empty sea and neighbours)
    pts = np.concatenate(polys)
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    pad_x, pad_y = 0.02 * (x1 - x0), 0.03 * (y1 - y0)
    ax.set_xlim(x0 - pad_x, x1 + pad_x)
    ax.set_ylim(y0 - 3 * pad_y, y1 + pad_y)
    ax.set_aspect("equal")
    ax.set_axis_off()


def draw_facilities(ax: plt.Axes, scenario: Scenario, states: dict[str, str] | None = None
                    ) -> None:
    """Power stations by fuel and deposits, sized by capacity and reserves; planned = hollow."""
    for kind, colour in STATION_COLOURS.items():
        rows = [p for p in scenario.power_stations if p.kind == kind]
        if rows:
            x, y = PROJ([p.lon for p in rows], [p.lat for p in rows])
            sizes = 6 + 60 * np.sqrt(np.array([p.capacity_mw for p in rows]) / 6400)
            ax.scatter(x, y, s=sizes, color=colour, alpha=0.85, edgecolor="white",
                       linewidths=0.4, zorder=11)
    if scenario.planned_hydro:
        rows = scenario.planned_hydro
        x, y = PROJ([p.lon for p in rows], [p.lat for p in rows])
        sizes = 6 + 60 * np.sqrt(np.array([p.capacity_mw for p in rows]) / 6400)
        ax.scatter(x, y, s=sizes, facecolor="none", edgecolor=STATION_COLOURS["hydro"],
                   linewidths=1.0, zorder=11)
    if scenario.deposits:
        rows = scenario.deposits
        x, y = PROJ([d.lon for d in rows], [d.lat for d in rows])
        reserves = np.array([d.reserves_t_reo for d in rows])
        sizes = 12 + 50 * np.sqrt(reserves / max(reserves.max(), 1.0))
        ax.scatter(x, y, s=sizes, marker="^", color=DEPOSIT, edgecolor="white", linewidths=0.4,
                   zorder=12)


def legend(ax: plt.Axes) -> None:
    handles = [
        Line2D([], [], color=RIVER, lw=1, label="river"),
        Line2D([], [], color=RAIL, lw=1.6, label="railway"),
        Line2D([], [], color="#8a8a8a", lw=1, ls=(0, (3, 2)), label="planned railway"),
        Line2D([], [], color=NSR, lw=1.2, ls=(0, (5, 3)), label="sea lane (NSR)"),
        Line2D([], [], marker="s", ls="", mfc="white", mec=NSR, label="port"),
        Line2D([], [], marker="o", ls="", color=STATION_COLOURS["hydro"], label="hydro station"),
        Line2D([], [], marker="o", ls="", mfc="none", mec=STATION_COLOURS["hydro"],
               label="planned hydro"),
        Line2D([], [], marker="o", ls="", color=STATION_COLOURS["coal"], label="coal station"),
        Line2D([], [], marker="o", ls="", color=STATION_COLOURS["gas"], label="gas station"),
        Line2D([], [], marker="^", ls="", color=DEPOSIT, label="rare-earth deposit"),
        *[Line2D([], [], marker=PLANT_MARKER, ls="", color=c, label=f"{stage} plant")
          for stage, c in STAGE_COLOURS.items()],
        *[Line2D([], [], marker=SECTOR_MARKER, ls="", color=c, label=sector.replace("_", " "))
          for sector, c in SECTOR_COLOURS.items()],
        Line2D([], [], marker="o", ls="", mfc="none", mec="#d62728", mew=1.5,
               label="disrupted (red edge)"),
        Line2D([], [], marker="o", ls="", mfc="none", mec="#f2c94c", mew=1.5,
               label="building (yellow edge)"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=6.5, frameon=True, framealpha=0.9,
              ncol=2)


def atlas_figure(scenario: Scenario, figsize: tuple[float, float] = (13, 6.5)) -> plt.Figure:
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    draw_base(ax, scenario)
    draw_facilities(ax, scenario)
    legend(ax)
    ax.set_title(f"Siberia model atlas — scenario '{scenario.name}'", fontsize=10)
    return fig


def save_atlas_map(scenario: Scenario, path: Path) -> None:
    """Write the map to ``path`` (PNG, SVG or PDF by suffix)."""
    fig = atlas_figure(scenario)
    fig.text(0.995, 0.005, ATTRIBUTION,
             ha="right", va="bottom", fontsize=5.5, color="#555555")
    fig.savefig(path, dpi=150, format=Path(path).suffix.lstrip(".").lower() or "png")
    plt.close(fig)
