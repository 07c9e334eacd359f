"""The indicator registry: every model output, declared once.

Each indicator has a name, a unit, a one-line description and the function that computes it
from the model. The DataCollector's model columns, the app's plots and the experiments' tables
all come from here. Flows are annualised rates (USD/yr, t/yr) so a month compares with a year.

Indicators whose mechanism a later issue builds are registered now with ``pending`` naming that
issue and no function: they are listed (docs, ``siberia params``) but not collected, so no
column ever holds a made-up number. The issue that builds the mechanism gives the function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.siberia_model import SiberiaModel


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    description: str
    group: str
    compute: Callable[[SiberiaModel], float] | None = None
    pending: str = ""  # which issue gives the mechanism, when compute is None

    @property
    def available(self) -> bool:
        return self.compute is not None


def _hydro_capacity_mw(m: SiberiaModel) -> float:
    return m.capacity_mw(fuel="hydro")


def _thermal_capacity_mw(m: SiberiaModel) -> float:
    return m.capacity_mw(fuel="coal") + m.capacity_mw(fuel="gas")


def _reserves_t_reo(m: SiberiaModel) -> float:
    return float(sum(d.reserves_t_reo for d in m.mines))


def _siberia_population(m: SiberiaModel) -> float:
    return float(sum(r.population for r in m.regions if r.siberian))


_POWER = "power market (issue #3)"
_CHAIN = "rare-earth chain, investors and regions (issue #4)"
_FREIGHT = "freight (issue #5)"
_THREATS = "threats and backups (issue #6)"

INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in [
        # --- trade and the economy ---
        Indicator("import_bill_usd", "USD/yr", "Imports of REE-dependent products (all tiers).",
                  "trade", pending=_CHAIN),
        Indicator("export_revenue_usd", "USD/yr",
                  "Exports of raw and intermediate REE output plus the exogenous rare-metal stream.",
                  "trade", pending=_CHAIN),
        Indicator("gdp_usd", "USD/yr", "Russia's GDP (nominal, 2024 USD).", "economy",
                  pending=_CHAIN),
        Indicator("import_substitution_share", "share",
                  "Share of domestic demand for REE-dependent products met at home.", "trade",
                  pending=_CHAIN),
        Indicator("investment_usd", "USD/yr", "Capital spending on new facilities.", "economy",
                  pending=_CHAIN),
        Indicator("siberia_grp_usd", "USD/yr", "Gross regional product of the Siberian regions.",
                  "economy", pending=_CHAIN),
        Indicator("siberia_jobs", "jobs", "Jobs in modelled industries in the Siberian regions.",
                  "economy", pending=_CHAIN),
        Indicator("siberia_population", "persons",
                  "Population of the regions the model counts as Siberia (east of the Urals).",
                  "economy", compute=_siberia_population),
        # --- the rare-earth chain ---
        Indicator("capacity_separation_tpa", "t/yr", "Domestic separation capacity (REO).",
                  "rare earths", pending=_CHAIN),
        Indicator("capacity_metals_tpa", "t/yr", "Domestic REE metal capacity.", "rare earths",
                  pending=_CHAIN),
        Indicator("capacity_magnets_tpa", "t/yr", "Domestic magnet capacity.", "rare earths",
                  pending=_CHAIN),
        Indicator("siberia_processing_share", "share",
                  "Share of domestic REE processing capacity located in Siberia.", "rare earths",
                  pending=_CHAIN),
        Indicator("ree_reserves_t_reo", "t REO",
                  "Contained rare-earth oxide left in the modelled deposits.", "rare earths",
                  compute=_reserves_t_reo),
        # --- power ---
        Indicator("hydro_capacity_mw", "MW", "Operating hydro capacity.", "power",
                  compute=_hydro_capacity_mw),
        Indicator("thermal_capacity_mw", "MW", "Operating coal and gas capacity in the model.",
                  "power", compute=_thermal_capacity_mw),
        Indicator("power_price_siberia_usd_per_mwh", "USD/MWh",
                  "Wholesale power price in Siberia (load-weighted over Siberian nodes).", "power",
                  pending=_POWER),
        Indicator("power_price_europe_usd_per_mwh", "USD/MWh",
                  "Wholesale power price in the European part.", "power", pending=_POWER),
        Indicator("unserved_energy_mwh", "MWh/yr", "Demand the power system could not serve.",
                  "power", pending=_POWER),
        Indicator("ai_load_mw", "MW", "AI computing load.", "power", pending=_POWER),
        # --- freight ---
        Indicator("transsib_utilization", "share",
                  "Trans-Siberian and BAM freight as a share of their capacity.", "freight",
                  pending=_FREIGHT),
        Indicator("nsr_volume_tpa", "t/yr", "Cargo on the Northern Sea Route.", "freight",
                  pending=_FREIGHT),
        Indicator("river_volume_tpa", "t/yr", "Cargo on the Ob, Yenisei and Lena waterways.",
                  "freight", pending=_FREIGHT),
        # --- threats ---
        Indicator("backup_facilities", "count", "Backup facilities built in Siberia.", "threats",
                  pending=_THREATS),
        Indicator("disruption_loss_usd", "USD/yr", "Output and capital lost to disruptions.",
                  "threats", pending=_THREATS),
    ]
}


def available() -> dict[str, Indicator]:
    """The indicators with a mechanism: the DataCollector's model columns."""
    return {name: i for name, i in INDICATORS.items() if i.available}


def model_reporters() -> dict[str, Callable]:
    """Reporters for ``mesa.DataCollector``: the calendar columns, then every available indicator."""
    reporters: dict[str, Callable] = {
        "year": lambda m: m.record_year,
        "month": lambda m: m.record_month,
    }
    reporters.update({name: i.compute for name, i in available().items()})
    return reporters
