"""The Solara app: the map of Siberia, the date, step / play / reset, controls from the catalogue,
plots of indicators from the registry (with Compare and Uncertainty), a facility inspector and
the sources of the inputs.

Started by ``make run`` and ``siberia app`` (``solara run viz.app``). Mesa's ``SolaraViz`` gives
the controls; the map is our own component (``viz.map_view``): its static layers are drawn once
per scenario into an image, and each step only the colour layer and facility markers are drawn.
Pages: 0 the map, date, downloads and inspector; 1 compare, uncertainty and plots; 2 the inputs.
Each browser session gets its own model (:func:`Page`); a Reset stops that session's
background replications and drops its comparison (``viz.state``).
"""

from __future__ import annotations

import io

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from model import PARAMETERS, SiberiaModel, available_scenarios
from model.params import Parameter
from viz import state
from viz.compare import CompareView
from viz.map_view import MapView, layer_values, map_figure  # noqa: F401  (re-exported)
from viz.plots import DEFAULT_PLOTS, PlotsView, indicator_figure  # noqa: F401
from viz.uncertainty import UncertaintyView


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


DEFAULT_SEED = 42  # as ``siberia run``: the app's first run is the CLI's default run
SEED_MAX = 9999


def model_params() -> dict:
    """The scenario picker, the seed and a control per catalogue parameter.

    The seed is explicit (never Mesa's ``rng=None``, whose generator cannot be rebuilt from
    the seed it reports), so Compare's counterfactual, the replications and a saved scenario
    run with ``siberia run --seed N`` all reproduce the run on the page.
    """
    params = {"scenario_name": {"type": "Select", "value": "baseline",
                                "values": available_scenarios(), "label": "scenario"},
              "rng": {"type": "SliderInt", "value": DEFAULT_SEED, "min": 0, "max": SEED_MAX,
                      "step": 1, "label": "seed"}}
    params.update({name: control_for(p) for name, p in PARAMETERS.items()})
    return params


@solara.component
def DateView(model: SiberiaModel):
    """The simulated date. Plain HTML, not Markdown: Solara's Markdown pulls KaTeX from a CDN."""
    update_counter.get()
    solara.HTML(tag="h3", unsafe_innerHTML=model.calendar.label(), attributes={"id": "siberia-date"},
                style={"margin": "4px 12px"})
    solara.Text(f"scenario {model.scenario_name}: {model.calendar.month_index} of "
                f"{model.horizon_months} months simulated", style={"padding": "0 12px"})


@solara.component
def InspectorView(model: SiberiaModel):
    """Pick a facility (from the list or on the map): its state now (scenario id, kind,
    state, capacity, output, source) and its history (state changes, output by month)."""
    update_counter.get()
    ids = sorted(model.facilities)
    chosen = state.selected_facility.value
    if chosen not in model.facilities:
        chosen = "smz_separation" if "smz_separation" in ids else ids[0]
    solara.Select(label="facility (or click it on the map)", value=chosen, values=ids,
                  on_value=state.selected_facility.set)
    facility = model.facilities.get(chosen)
    if facility is not None:
        rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in facility.describe().items())
        solara.HTML(tag="table", unsafe_innerHTML=rows, attributes={"id": "siberia-inspector"},
                    style={"font-size": "12px"})
        FacilityHistoryView(model, chosen)


def history_html(model: SiberiaModel, facility_id: str) -> str:
    """The facility's state changes since the history began, as an HTML list."""
    h = model.facility_history
    changes = [] if h is None else h.state_changes(model, facility_id)
    items = "".join(f"<li>{y}-{m:02d}: {s}</li>" for y, m, s in changes)
    return f"<b>history</b><ul style='margin:0'>{items}</ul>" if items else ""


def history_figure(model: SiberiaModel, facility_id: str):
    """The facility's first history field month by month, or None without one."""
    from matplotlib.figure import Figure

    h = model.facility_history
    f = model.facilities[facility_id]
    if h is None or not f.history_fields:
        return None
    df = h.frame(model, facility_id)
    if len(df) < 2:
        return None
    field = f.history_fields[0]
    fig = Figure(figsize=(4.2, 1.8), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(df["year"] + (df["month"] - 0.5) / 12.0, df[field], lw=1.2)
    ax.set_title(f"{facility_id}: {field}", fontsize=8)
    ax.tick_params(labelsize=7)
    return fig


@solara.component
def FacilityHistoryView(model: SiberiaModel, facility_id: str):
    solara.HTML(tag="div", unsafe_innerHTML=history_html(model, facility_id),
                attributes={"id": "siberia-inspector-history"}, style={"font-size": "12px"})
    fig = history_figure(model, facility_id)
    if fig is not None:
        solara.FigureMatplotlib(fig, format="png")


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

    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(csv, filename=f"siberia_{model.scenario_name}_indicators.csv",
                            label="indicators (CSV)")
        solara.FileDownload(png, filename=f"siberia_{model.scenario_name}_map.png",
                            label="map (PNG)")
        solara.FileDownload(lambda: saved_scenario_toml(model).encode(),
                            filename=f"{model.scenario_name}_saved.toml",
                            label="controls as a scenario (TOML)")


@solara.component
def AnalysisView(model: SiberiaModel):
    """The date, Compare and Uncertainty above the plots."""
    with solara.Column(style={"width": "100%"}):
        DateView(model)
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            CompareView(model)
            UncertaintyView(model)
        PlotsView(model)


@solara.component
def OverviewView(model: SiberiaModel):
    """The date and the downloads, beside the map."""
    with solara.Column():
        DateView(model)
        TakeAwayView(model)


COMPONENTS = [(OverviewView, 0), (MapView, 0), (InspectorView, 0), (AnalysisView, 1),
              (InputsView, 2)]


@solara.component
def Page():
    """One model per browser session; a Reset (a new model) stops its background work."""
    first = solara.use_memo(lambda: SiberiaModel(rng=DEFAULT_SEED), [])
    model = solara.use_reactive(first)
    def on_new_model():
        model.value.keep_facility_history()  # the inspector's history, from this month on
        state.forget_other_models(model.value)

    solara.use_effect(on_new_model, [model.value])
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=model_params(),
        name="Siberia: industrial development 2025-2050",
        play_interval=300,
    )
