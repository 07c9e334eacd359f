"""The Solara app: the map of Siberia, the date, step / play / reset, controls from the catalogue.

Started by ``make run`` and ``siberia app`` (``solara run viz.app``). Mesa's ``SolaraViz`` gives
the controls; the map is our own component: its static layers (land, rivers, railways, the NSR)
are drawn once per scenario into an image, and each step only the facility markers are drawn.
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib.pyplot as plt
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from model import PARAMETERS, SiberiaModel, available_scenarios, load_scenario
from model.params import Parameter
from viz.atlas_map import DEPOSIT, PROJ, STATION_COLOURS, draw_base, legend

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


def map_figure(model: SiberiaModel) -> Figure:
    png, extent = _base_png(str(model.scenario_data.path) if model.scenario_data.path.parent.name
                            != "scenarios" else model.scenario_name)
    image = plt.imread(io.BytesIO(png), format="png")
    fig = Figure(figsize=(11, 5.5), dpi=90)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(image, extent=extent, aspect="equal", zorder=0)
    for agents, marker, colour_of, size_of in (
        (model.power_stations, "o", lambda a: STATION_COLOURS.get(a.fuel, "k"),
         lambda a: a.capacity_mw),
        (model.planned_hydro, "o", lambda a: STATION_COLOURS["hydro"], lambda a: a.capacity_mw),
        (model.mines, "^", lambda a: DEPOSIT, lambda a: 2000.0),
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
    solara.FigureMatplotlib(map_figure(model), format="png", dependencies=[update_counter.value])


@solara.component
def DateView(model: SiberiaModel):
    """The simulated date. Plain HTML, not Markdown: Solara's Markdown pulls KaTeX from a CDN."""
    update_counter.get()
    solara.HTML(tag="h3", unsafe_innerHTML=model.calendar.label(), attributes={"id": "siberia-date"},
                style={"margin": "4px 12px"})
    solara.Text(f"scenario {model.scenario_name}: {model.calendar.month_index} of "
                f"{model.horizon_months} months simulated", style={"padding": "0 12px"})


def make_page() -> solara.component:
    model = SiberiaModel()
    return SolaraViz(
        model,
        components=[(DateView, 0), (MapView, 0)],
        model_params=model_params(),
        name="Siberia: industrial development 2025-2050",
        play_interval=300,
    )


page = make_page()
