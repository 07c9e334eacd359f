"""Compare: the running model against a counterfactual on the same seed.

The counterfactual is another scenario, or the current controls with one lever changed. It is
built with the main model's seed (``run_seed``), so both draw the same events at the same
facilities (common random numbers): with identical settings every indicator differs by exactly
zero, and any difference is the effect of the change. It steps in lockstep with the main model:
each time the page draws, :meth:`Comparison.sync` steps it to the main model's date (one month
after a Step, a few hundred after Compare is switched on late in a run).
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import solara

from model import PARAMETERS, SiberiaModel, UserInputError, available_scenarios
from model.params import parameter
from model.replications import Arm


def scenario_ref(model: SiberiaModel) -> str:
    """What rebuilds the model's scenario: its name if shipped with the package, else its path."""
    if model.scenario_data.path.parent.name == "scenarios" and \
            model.scenario_name in available_scenarios():
        return model.scenario_name
    return str(model.scenario_data.path)


def parse_value(name: str, text: str) -> Any:
    """A lever's value typed in the page ("20", "2.5", "true", "coordinated"), validated: the
    catalogue's own parsing, as for ``--set`` on the command line."""
    return parameter(name).parse(str(text))


def current_arm(model: SiberiaModel) -> Arm:
    """The running model as an arm: its scenario and every parameter it runs with."""
    return Arm("current", scenario_ref(model), dict(model.params))


def lever_arm(model: SiberiaModel, name: str, value: Any) -> Arm:
    """The current controls with one lever set to ``value`` (validated)."""
    value = parse_value(name, value) if isinstance(value, str) else PARAMETERS[name].validate(value)
    return Arm(f"{name}={value}", scenario_ref(model), {**dict(model.params), name: value})


def scenario_arm(model: SiberiaModel, scenario: str) -> Arm:
    """Another scenario with its own parameters, over the main model's horizon and resolution."""
    if scenario not in available_scenarios():
        raise UserInputError(f"unknown scenario {scenario!r}; choose one of: "
                             f"{', '.join(available_scenarios())}")
    keep = {k: model.params[k] for k in ("horizon_years", "resolution_deg")}
    return Arm(f"scenario {scenario}", scenario, keep)


@dataclass
class Comparison:
    """A counterfactual model tied to one main model; ``difference`` shows B − A."""

    main_ref: weakref.ref
    a: Arm
    b: Arm
    other: SiberiaModel
    difference: bool = False
    _frames: dict = field(default_factory=dict, repr=False)

    @classmethod
    def start(cls, main: SiberiaModel, b: Arm) -> Comparison:
        other = b.model(main.run_seed)
        c = cls(weakref.ref(main), current_arm(main), b, other)
        c.sync()
        return c

    @property
    def main(self) -> SiberiaModel | None:
        return self.main_ref()

    def belongs_to(self, model: SiberiaModel) -> bool:
        return self.main is model

    def sync(self) -> None:
        """Step the counterfactual to the main model's date (never past it)."""
        main = self.main
        if main is None:
            return
        while self.other.calendar.month_index < main.calendar.month_index and self.other.running:
            self.other.step()

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Both monthly tables, cut to the months both have."""
        self.sync()
        a = self.main.datacollector.get_model_vars_dataframe()
        b = self.other.datacollector.get_model_vars_dataframe()
        n = min(len(a), len(b))
        return a.iloc[:n], b.iloc[:n]

    def difference_frame(self) -> pd.DataFrame:
        """B − A per month on the indicators both collect (calendar columns kept)."""
        from model.replications import paired_differences

        a, b = self.frames()
        return paired_differences([a], [b])[0]


@solara.component
def CompareView(model: SiberiaModel):
    """Pick a counterfactual (another scenario, or one lever changed) and switch Compare on."""
    from viz import state

    mode, set_mode = solara.use_state("one lever changed")
    other, set_other = solara.use_state(next((s for s in available_scenarios()
                                              if s != model.scenario_name), model.scenario_name))
    lever, set_lever = solara.use_state("hydro_buildout_gw")
    text, set_text = solara.use_state("20")
    error, set_error = solara.use_state("")
    current = state.comparison.value
    if current is not None and not current.belongs_to(model):
        current = None

    def start():
        try:
            b = (lever_arm(model, lever, text) if mode == "one lever changed"
                 else scenario_arm(model, other))
        except UserInputError as e:
            set_error(str(e))
            return
        set_error("")
        state.comparison.set(Comparison.start(model, b))

    def toggle_difference(on: bool):
        if state.comparison.value is not None:
            state.comparison.set(dataclasses.replace(state.comparison.value, difference=on))

    with solara.Card("Compare: a counterfactual on the same seed", style={"width": "100%"}):
        solara.ToggleButtonsSingle(value=mode, values=["one lever changed", "another scenario"],
                                   on_value=set_mode)
        if mode == "one lever changed":
            with solara.Row():
                solara.Select(label="lever", value=lever, values=list(PARAMETERS),
                              on_value=set_lever)
                solara.InputText(label=f"value ({PARAMETERS[lever].domain()})", value=text,
                                 on_value=set_text, continuous_update=True)
        else:
            solara.Select(label="scenario", value=other, values=available_scenarios(),
                          on_value=set_other)
        with solara.Row():
            solara.Button("compare", on_click=start, color="primary")
            solara.Button("stop comparing", on_click=lambda: state.comparison.set(None),
                          disabled=current is None)
            solara.Checkbox(label="show the difference", value=bool(current and current.difference),
                            on_value=toggle_difference, disabled=current is None)
        if error:
            solara.Error(error)
        elif current is not None:
            solara.Text(f"comparing current with {current.b.label}")
