"""The app's map: cached static layers, a colour layer, facilities by state; click to inspect.

The static layers (land, borders, rivers, railways, the NSR, ports, cities) are drawn once per
scenario into a PNG (:func:`base_png`, cached); each step draws only that image, the colour
layer and the facility markers. The map is shown by a small Vue component
(``map_image.vue``) that reports a click as fractions of the image's width and height;
:class:`MapGeometry` turns them into the map's projected coordinates and
:func:`facility_at` picks the nearest facility within a few pixels, which the Inspector shows.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import solara
from matplotlib.figure import Figure
from matplotlib.transforms import Transform
from mesa.visualization.utils import update_counter

from model import SiberiaModel, load_scenario
from viz import state
from viz.atlas_map import (
    DEPOSIT,
    PLANT_MARKER,
    PROJ,
    SECTOR_COLOURS,
    SECTOR_MARKER,
    STAGE_COLOURS,
    STATION_COLOURS,
    draw_base,
    legend,
)

STATE_EDGE = {"planned": "none", "building": "#f2c94c", "operating": "white",
              "disrupted": "#d62728", "retired": "#777777", "depleted": "#777777"}
PICK_RADIUS_PX = 10.0  # a click this close (in map pixels) to a facility selects it
MAP_DPI = 90

LAYERS = {
    "none": "",
    "power price": "USD/MWh",
    "threat hazard": "hits per month",
    "GRP per person": "USD/yr",
    "jobs in the chain": "jobs",
}


@lru_cache(maxsize=8)
def base_png(scenario_ref: str) -> tuple[bytes, tuple[float, float, float, float]]:
    """The static layers of a scenario's map, rendered once, with their projected extent."""
    scenario = load_scenario(scenario_ref)
    fig = Figure(figsize=(11, 5.5), dpi=110)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_base(ax, scenario)
    extent = (*ax.get_xlim(), *ax.get_ylim())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue(), extent


def layer_values(model: SiberiaModel, layer: str) -> np.ndarray | None:
    """A value per atlas cell for a colour layer (NaN off Russia's land), or None."""
    atlas = model.atlas
    region = atlas.layers["region"]
    names = atlas.region_names
    if layer == "threat hazard":
        from model.geo.hazard import Hazard

        h = Hazard.from_params(model.params)
        available = atlas.layers.names()
        dist = {side: (atlas.layers[f"dist_{side}_km"] if f"dist_{side}_km" in available
                       else None) for side in ("west", "east")}
        far = np.full(region.shape, np.inf)
        values = h.monthly_probability(far if dist["west"] is None else dist["west"],
                                       far if dist["east"] is None else dist["east"])
        return np.where(region >= 0, values, np.nan)
    per_region: dict[str, float] = {}
    if layer == "power price" and model.power is not None and model.power.last is not None:
        p = model.power
        per_region = {r: float(p.last.node_price[p.nodes.index(n)])
                      for r, n in p.region_node.items()}
    elif layer == "GRP per person":
        # as the GRP indicators: the month last simulated, at its middle
        years = (model.record_year - model.calendar.start_year
                 + (model.record_month - 0.5) / 12.0)
        growth = (1 + model.params.gdp_growth_per_year) ** years
        added: dict[str, float] = {}
        if model.chain is not None:
            for f in [*model.processing_plants, *model.mines]:
                added[f.region] = added.get(f.region, 0.0) + 12 * \
                    model.chain.value_added_by_facility.get(f.facility_id, 0.0)
        sectors = getattr(model, "sectors", None)
        if sectors is not None:  # plants built in the run (the base year's are in base GRP)
            for f in model.sector_plants:
                if f.facility_id not in sectors.staffed_at_start:
                    added[f.region] = added.get(f.region, 0.0) + 12 * \
                        sectors.value_added_by_facility.get(f.facility_id, 0.0)
        per_region = {r.name: (r.base_grp_usd_per_year * growth + added.get(r.name, 0.0))
                      / r.population for r in model.regions if r.population}
    elif layer == "jobs in the chain":
        per_region = {r.name: r.jobs for r in model.regions}
    else:
        return None
    lookup = np.array([per_region.get(n, np.nan) for n in names] + [np.nan])
    return lookup[np.where(region >= 0, region, len(names))]


def _markers() -> tuple[tuple[Callable, str, Callable, Callable], ...]:
    """(facilities of a model, marker, colour of one, size measure of one) per kind drawn."""
    return (
        (lambda m: m.power_stations, "o", lambda a: STATION_COLOURS.get(a.fuel, "k"),
         lambda a: a.capacity_mw),
        (lambda m: m.planned_hydro, "o", lambda a: STATION_COLOURS["hydro"],
         lambda a: a.capacity_mw),
        (lambda m: m.mines, "^", lambda a: DEPOSIT, lambda a: 2000.0),
        (lambda m: m.processing_plants, PLANT_MARKER, lambda a: STAGE_COLOURS.get(a.stage, "k"),
         lambda a: 1500.0 + a.capacity_t_per_year / 2),
        # other sectors' capacities are in their own units (t of aluminium, USD of electronics):
        # one size for all
        (lambda m: m.sector_plants, SECTOR_MARKER, lambda a: SECTOR_COLOURS.get(a.sector, "k"),
         lambda a: 2500.0),
    )


def map_figure(model: SiberiaModel, layer: str = "none") -> Figure:
    """The cached static image, the colour layer and the facilities, by state."""
    png, extent = base_png(scenario_key(model))
    image = plt.imread(io.BytesIO(png), format="png")
    fig = Figure(figsize=(11, 5.5), dpi=MAP_DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(image, extent=extent, aspect="equal", zorder=0)
    values = layer_values(model, layer)
    if values is not None:
        grid = model.atlas.grid
        lon_edges = grid.lon_min + np.arange(grid.ncols + 1) * grid.resolution_deg
        lat_edges = grid.lat_min + np.arange(grid.nrows + 1) * grid.resolution_deg
        x, y = PROJ(*np.meshgrid(lon_edges, lat_edges))
        mesh = ax.pcolormesh(x, y, np.ma.masked_invalid(values), cmap="viridis", alpha=0.55,
                             zorder=1, shading="flat")
        bar = fig.colorbar(mesh, ax=ax, fraction=0.025, pad=0.01)
        bar.set_label(f"{layer} ({LAYERS[layer]})", fontsize=7)
        bar.ax.tick_params(labelsize=6)
    for agents_of, marker, colour_of, size_of in _markers():
        agents = agents_of(model)
        if not len(agents):
            continue
        rows = [a.describe() for a in agents]
        x, y = PROJ([r["lon"] for r in rows], [r["lat"] for r in rows])
        colours = [colour_of(a) for a in agents]
        planned = [r["state"] == "planned" for r in rows]
        sizes = [8 + 60 * (size_of(a) / 6400) ** 0.5 for a in agents]
        ax.scatter(x, y, s=sizes, marker=marker,
                   facecolors=["none" if p else c for p, c in zip(planned, colours, strict=True)],
                   edgecolors=[c if p else STATE_EDGE.get(r["state"], "white")
                               for p, c, r in zip(planned, colours, rows, strict=True)],
                   linewidths=0.8, zorder=5)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_axis_off()
    legend(ax)
    return fig


def scenario_key(model: SiberiaModel) -> str:
    """The base image's cache key: the scenario's name if shipped, else its file's path."""
    return (str(model.scenario_data.path) if model.scenario_data.path.parent.name
            != "scenarios" else model.scenario_name)


@dataclass(frozen=True)
class MapGeometry:
    """Where the map's data coordinates (projected, see ``atlas_map.PROJ``) lie in its image."""

    width_px: float
    height_px: float
    to_pixels: Transform  # data -> image pixels, origin bottom left (matplotlib's display)

    def data_at(self, fx: float, fy: float) -> tuple[float, float]:
        """Data coordinates of a click at fractions (fx, fy) of the image, from its top left."""
        px, py = fx * self.width_px, (1.0 - fy) * self.height_px
        x, y = self.to_pixels.inverted().transform((px, py))
        return float(x), float(y)

    @property
    def data_per_px(self) -> float:
        (x0, _), (x1, _) = self.to_pixels.inverted().transform([(0.0, 0.0), (1.0, 0.0)])
        return abs(float(x1 - x0))


def render_map(model: SiberiaModel, layer: str = "none") -> tuple[bytes, MapGeometry]:
    """The map as PNG bytes and the geometry of the image (after matplotlib's layout)."""
    fig = map_figure(model, layer)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=MAP_DPI)  # the draw fixes the axes' box (aspect)
    ax = fig.axes[0]
    geometry = MapGeometry(fig.bbox.width, fig.bbox.height, ax.transData.frozen())
    return buf.getvalue(), geometry


def facility_at(model: SiberiaModel, x: float, y: float, radius: float) -> str | None:
    """The id of the facility nearest to map point (x, y), if within ``radius`` (data units)."""
    ids = list(model.facilities)
    if not ids:
        return None
    fx, fy = PROJ([model.facilities[i].lon for i in ids], [model.facilities[i].lat for i in ids])
    d = np.hypot(np.asarray(fx) - x, np.asarray(fy) - y)
    k = int(np.argmin(d))
    return ids[k] if d[k] <= radius else None


@solara.component_vue("map_image.vue")
def MapImage(src: str, event_pick: Callable[[dict], None]):
    pass


@solara.component
def MapView(model: SiberiaModel):
    """The map with a colour-layer picker; a click near a facility shows it in the Inspector."""
    update_counter.get()
    layer, set_layer = solara.use_state("none")
    note, set_note = solara.use_state("")
    png, geometry = solara.use_memo(lambda: render_map(model, layer),
                                    [update_counter.value, layer, model])

    def pick(data: dict) -> None:
        x, y = geometry.data_at(float(data["x"]), float(data["y"]))
        chosen = facility_at(model, x, y, PICK_RADIUS_PX * geometry.data_per_px)
        set_note("" if chosen else "no facility there: click on a marker")
        if chosen:
            state.selected_facility.set(chosen)

    solara.Select(label="colour layer", value=layer, values=list(LAYERS), on_value=set_layer)
    MapImage(src="data:image/png;base64," + base64.b64encode(png).decode(), event_pick=pick)
    solara.Text(note or "click a facility on the map to inspect it", style={"font-size": "12px"})
