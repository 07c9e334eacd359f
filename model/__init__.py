"""The world of the Siberia model: SiberiaModel, parameters, scenarios, atlas, markets, indicators.

Front ends (``viz/``, ``experiments/``) import from here only.
"""

from model.calendar import Calendar
from model.errors import ParameterError, ScenarioError, UserInputError
from model.indicators import INDICATORS, Indicator
from model.params import PARAMETERS, Parameter, Params
from model.scenario import Scenario, load_scenario
from model.scenario import available as available_scenarios
from model.siberia_model import SiberiaModel

__all__ = [
    "INDICATORS", "PARAMETERS", "Calendar", "Indicator", "Parameter", "ParameterError", "Params",
    "Scenario", "ScenarioError", "SiberiaModel", "UserInputError", "available_scenarios",
    "load_scenario",
]
