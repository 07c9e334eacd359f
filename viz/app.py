"""The Solara app: the map of Siberia, the date, step / play / reset, controls from the catalogue,
plots of indicators from the registry, a facility inspector and the sources of the inputs.

Started by ``make run`` and ``siberia app`` (``solara run viz.app``). Mesa's ``SolaraViz`` gives
the controls; the map is our own component: its static layers (land, rivers, railways, the NSR)
are drawn once per scenario into an image, and each step only the facility markers are drawn.
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from model import PARAMETERS, SiberiaModel, available_scenarios, load_scenario
from model.params import Parameter
from viz.atlas_map import (
    DEPOSIT,
    PLANT_MARKER,
    PROJ,
    STAGE_COLOURS,
    STATION_COLOURS,
    draw_base,
    legend,
)

STATE_EDGE = {"planned": "none", "building": "#f2c94c", "operating": "white",
              "disrupted": "#d62728", "retired": "#777777", "depleted": "#777777"}


def control_for(p: Parameter) -> dict:
    """A SolaraViz control generated from a catalogue entry (label shows the unit)."""
    label = f"{p.name} [{p.unit}]" if p.unit else p.name
    if p.kind is bool:
        return {"type": "Checkbox", "value": p.default, "label": label}
    if p.choices is not None:
        return {"type": "Select", "value": p.default, "values": list(p.choices), "label": label}
    if p.special:  # e.g. a year or 0 = never: a select over the valid values
        lo, hi = p.bounds
        values = [*sorted(p.special), *range(int(lo), int(hi) + 1)]
        return {"type": "Select", "value": p.default, "values": values, "label": label}
    lo, hi = p.bounds
    if p.kind is int:
        return {"type": "SliderInt", "value": p.default, "min": int(lo), "max": int(hi),
                "step": 1, "label": label}
    return {"type": "SliderFloat", "value": p.default, "min": lo, "max": hi,
            "step": (hi - lo) / 100, "label": label}


def model_params() -> dict:
    params = {"scenario_name": {"type": "Select", "value": "baseline",
                                "values": available_scenarios(), "label": "scenario"}}
    params.update({name: control_for(p) for name, p in PARAMETERS.items()})
    return params


@lru_cache(maxsize=8)
def _base_png(scenario_name: str) -> tuple[bytes, tuple[float, float, float, float]]:
    """The static layers of a scenario's map, rendered once, with their projected extent."""
    scenario = load_scenario(scenario_name)
    fig = Figure(figsize=(11, 5.5), dpi=110)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_base(ax, scenario)
    extent = (*ax.get_xlim(), *ax.get_ylim())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue(), extent


LAYERS = {
    "none": "",
    "power price": "USD/MWh",
    "threat hazard": "hits per month",
    "GRP per person": "USD/yr",
    "jobs in the chain": "jobs",
}


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
        years = model.calendar.month_index / 12.0
        growth = (1 + model.params.gdp_growth_per_year) ** years
        added: dict[str, float] = {}
        if model.chain is not None:
            for f in [*model.processing_plants, *model.mines]:
                added[f.region] = added.get(f.region, 0.0) + 12 * \
                    model.chain.value_added_by_facility.get(f.facility_id, 0.0)
        per_region = {r.name: (r.base_grp_usd_per_year * growth + added.get(r.name, 0.0))
                      / r.population for r in model.regions if r.population}
    elif layer == "jobs in the chain":
        per_region = {r.name: r.jobs for r in model.regions}
    else:
        return None
    lookup = np.array([per_region.get(n, np.nan) for n in names] + [np.nan])
    return lookup[np.where(region >= 0, region, len(names))]


def map_figure(model: SiberiaModel, layer: str = "none") -> Figure:
    png, extent = _base_png(str(model.scenario_data.path) if model.scenario_data.path.parent.name
                            != "scenarios" else model.scenario_name)
    image = plt.imread(io.BytesIO(png), format="png")
    fig = Figure(figsize=(11, 5.5), dpi=90)
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
    for agents, marker, colour_of, size_of in (
        (model.power_stations, "o", lambda a: STATION_COLOURS.get(a.fuel, "k"),
         lambda a: a.capacity_mw),
        (model.planned_hydro, "o", lambda a: STATION_COLOURS["hydro"], lambda a: a.capacity_mw),
        (model.mines, "^", lambda a: DEPOSIT, lambda a: 2000.0),
        (model.processing_plants, PLANT_MARKER, lambda a: STAGE_COLOURS.get(a.stage, "k"),
         lambda a: 1500.0 + a.capacity_t_per_year / 2),
    ):
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


@solara.component
def MapView(model: SiberiaModel):
    update_counter.get()
    layer, set_layer = solara.use_state("none")
    solara.Select(label="colour layer", value=layer, values=list(LAYERS), on_value=set_layer)
    solara.FigureMatplotlib(map_figure(model, layer), format="png",
                            dependencies=[update_counter.value, layer])


@solara.component
def DateView(model: SiberiaModel):
    """The simulated date. Plain HTML, not Markdown: Solara's Markdown pulls KaTeX from a CDN."""
    update_counter.get()
    solara.HTML(tag="h3", unsafe_innerHTML=model.calendar.label(), attributes={"id": "siberia-date"},
                style={"margin": "4px 12px"})
    solara.Text(f"scenario {model.scenario_name}: {model.calendar.month_index} of "
                f"{model.horizon_months} months simulated", style={"padding": "0 12px"})


# the default plots: each a title and the indicators drawn together (same unit)
DEFAULT_PLOTS = (
    ("Power price (USD/MWh)", ("power_price_siberia_usd_per_mwh", "power_price_europe_usd_per_mwh")),
    ("Import bill and exports (USD/yr)", ("import_bill_usd", "export_revenue_usd")),
    ("Processing capacity (t/yr)", ("capacity_separation_tpa", "capacity_metals_tpa",
                                    "capacity_magnets_tpa")),
    ("Import substitution (share)", ("import_substitution_share_first_tiers",
                                     "siberia_processing_share")),
    ("Disruption losses (USD/yr)", ("disruption_loss_usd",)),
)


def indicator_figure(model: SiberiaModel, title: str, names: tuple[str, ...]) -> Figure:
    """Monthly series of some indicators, by simulated date."""
    df = model.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(5.2, 2.6), dpi=90)
    ax = fig.add_axes((0.14, 0.2, 0.83, 0.68))
    if len(df):
        t = df["year"] + (df["month"] - 0.5) / 12.0
        for name in names:
            if name in df:
                ax.plot(t, df[name], lw=1.4, label=name)
        ax.legend(fontsize=6, loc="best")
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return fig


@solara.component
def PlotsView(model: SiberiaModel):
    """The default plots, and one more of any indicator picked from the registry."""
    update_counter.get()
    from model.indicators import columns

    extra, set_extra = solara.use_state("ai_load_mw")
    with solara.Column():
        with solara.Row(style={"flex-wrap": "wrap"}):
            for title, names in DEFAULT_PLOTS:
                solara.FigureMatplotlib(indicator_figure(model, title, names), format="png",
                                        dependencies=[update_counter.value, title])
        options = [c for c in columns(model) if c not in ("year", "month")]
        solara.Select(label="another indicator", value=extra, values=options,
                      on_value=set_extra)
        solara.FigureMatplotlib(indicator_figure(model, extra, (extra,)), format="png",
                                dependencies=[update_counter.value, extra])


@solara.component
def InspectorView(model: SiberiaModel):
    """Pick a facility: its state now (scenario id, kind, state, capacity, output, source)."""
    update_counter.get()
    ids = sorted(model.facilities)
    chosen, set_chosen = solara.use_state("smz_separation" if "smz_separation" in ids else ids[0])
    solara.Select(label="facility", value=chosen, values=ids, on_value=set_chosen)
    facility = model.facilities.get(chosen)
    if facility is not None:
        rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in facility.describe().items())
        solara.HTML(tag="table", unsafe_innerHTML=rows, attributes={"id": "siberia-inspector"},
                    style={"font-size": "12px"})


@solara.component
def InputsView(model: SiberiaModel):
    """Every parameter's value, unit, source and confidence: users must see the weak inputs."""
    rows = []
    for name, p in PARAMETERS.items():
        value = getattr(model.params, name)
        weak = ' style="color:#b00"' if p.confidence == "low" else ""
        rows.append(f"<tr><td>{name}</td><td>{value} {p.unit}</td><td{weak}>{p.confidence}</td>"
                    f"<td>{p.source}</td></tr>")
    solara.HTML(tag="table", unsafe_innerHTML="<tr><th>parameter</th><th>value</th>"
                "<th>confidence</th><th>source</th></tr>" + "".join(rows),
                attributes={"id": "siberia-inputs"}, style={"font-size": "11px"})


def saved_scenario_toml(model: SiberiaModel) -> str:
    """The current controls as a scenario file: extends the running scenario with every
    parameter that differs from that scenario's own value."""
    from model.scenario import scenario_toml

    base = model.scenario_data.resolved_params()
    changed = {name: getattr(model.params, name) for name in PARAMETERS
               if getattr(model.params, name) != getattr(base, name)}
    extends = (model.scenario_name if model.scenario_data.path.parent.name == "scenarios"
               else str(model.scenario_data.path))
    return scenario_toml(f"{model.scenario_name}_saved", extends, changed,
                         source="saved from the app")


@solara.component
def TakeAwayView(model: SiberiaModel):
    """Download the indicators (CSV), the map (PNG) and the controls as a scenario (TOML)."""
    update_counter.get()

    def csv() -> bytes:
        return model.datacollector.get_model_vars_dataframe().to_csv(index=False).encode()

    def png() -> bytes:
        buf = io.BytesIO()
        map_figure(model).savefig(buf, format="png")
        return buf.getvalue()

    with solara.Row():
        solara.FileDownload(csv, filename=f"siberia_{model.scenario_name}_indicators.csv",
                            label="indicators (CSV)")
        solara.FileDownload(png, filename=f"siberia_{model.scenario_name}_map.png",
                            label="map (PNG)")
        solara.FileDownload(lambda: saved_scenario_toml(model).encode(),
                            filename=f"{model.scenario_name}_saved.toml",
                            label="controls as a scenario (TOML)")


def make_page() -> solara.component:
    model = SiberiaModel()
    return SolaraViz(
        model,
        components=[(DateView, 0), (MapView, 0), (TakeAwayView, 0), (PlotsView, 1),
                    (InspectorView, 2), (InputsView, 3)],
        model_params=model_params(),
        name="Siberia: industrial development 2025-2050",
        play_interval=300,
    )


page = make_page()
