"""Mesa agents: they read prices and the atlas through the model and decide.

Agents never clear a market and never import a front end. One module per kind.
"""

from agents.choke_point import ChokePoint
from agents.data_center import DataCenter
from agents.deposit import Mine
from agents.facility import Facility, FacilityState
from agents.investor import Investor
from agents.planner import Planner
from agents.port import Port
from agents.power_station import PowerStation
from agents.processing_plant import ProcessingPlant
from agents.region import Region
from agents.shipper import Shipper

__all__ = ["ChokePoint", "DataCenter", "Facility", "FacilityState", "Investor", "Mine", "Planner", "Port",
           "PowerStation", "ProcessingPlant", "Region", "Shipper"]
