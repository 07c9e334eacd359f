"""Tables and figures of one run: values at milestone years, discounted totals, standard plots.

Money is in 2024 US dollars (``provenance.MONEY``); flows are annualised rates, so a year's
mean of the monthly values is that year's total. Discounted totals use the run's own real
``discount_rate`` and discount each month's flow to January 2025.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.runner import aggregate
from model import INDICATORS

MILESTONE_YEARS = (2030, 2035, 2040, 2050)

# DESIGN.md §10: the indicators every table leads with
MAIN_INDICATORS = (
    "import_bill_usd", "export_revenue_usd", "gdp_usd", "import_substitution_share",
    "capacity_separation_tpa", "capacity_metals_tpa", "capacity_magnets_tpa",
    "siberia_processing_share", "hydro_capacity_mw", "power_price_siberia_usd_per_mwh",
    "power_price_europe_usd_per_mwh", "unserved_energy_mwh", "ai_load_mw",
    "transsib_utilization", "nsr_volume_tpa", "river_volume_tpa", "backup_facilities",
    "disruption_loss_usd", "investment_usd", "public_support_usd", "siberia_grp_usd",
    "siberia_jobs",
)


def milestone_years(years: list[int] | np.ndarray) -> list[int]:
    """Milestone years within the run's horizon, and its last year when that is none of them."""
    years = sorted(int(y) for y in years)
    out = [y for y in MILESTONE_YEARS if y in years]
    if years and years[-1] not in out:
        out.append(years[-1])
    return out


def unit(column: str) -> str:
    return INDICATORS[column.split(":", 1)[0]].unit


def discounted_total(monthly: pd.DataFrame, column: str, rate: float) -> float:
    """Present value (USD, to January 2025) of a flow reported as an annualised rate."""
    t_years = np.arange(len(monthly)) / 12.0
    return float((monthly[column].to_numpy() / 12.0 / (1.0 + rate) ** t_years).sum())


def milestones(monthly: pd.DataFrame, discount_rate: float) -> pd.DataFrame:
    """Main indicators at the milestone years (yearly means) and, for money flows, the
    discounted total over the horizon."""
    yearly = aggregate(monthly, "yearly").set_index("year")
    years = milestone_years(yearly.index)
    rows = []
    for name in MAIN_INDICATORS:
        if name not in yearly.columns:
            continue
        row = {"indicator": name, "unit": unit(name)}
        row.update({str(y): float(yearly.at[y, name]) for y in years})
        row["discounted_total_usd"] = (discounted_total(monthly, name, discount_rate)
                                       if unit(name) == "USD/yr" else np.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=["indicator", "unit", *map(str, years),
                                       "discounted_total_usd"])


# --- figures ----------------------------------------------------------------------------------
FIGURES = ("power_prices.png", "trade_and_substitution.png", "capacity_by_stage.png",
           "investment.png")


def _time(monthly: pd.DataFrame) -> np.ndarray:
    return monthly["year"].to_numpy() + (monthly["month"].to_numpy() - 0.5) / 12.0


def pyplot():
    """Matplotlib's pyplot on the Agg backend (files only, no display), imported on first use so
    the commands that draw nothing start fast."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_close(fig, path: Path) -> None:
    """Write a figure and free it (pyplot keeps every open figure otherwise)."""
    fig.savefig(path)
    pyplot().close(fig)


def save_figures(monthly: pd.DataFrame, folder: Path, title: str) -> list[str]:
    """The standard figures of a run as PNGs in ``folder``; returns their file names."""
    plt = pyplot()

    t = _time(monthly)
    written = []

    def panel(name: str, draw) -> None:
        fig, ax = plt.subplots(figsize=(7, 3.6), dpi=100)
        draw(ax)
        ax.set_title(f"{title}", fontsize=9, loc="left")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(folder / name)
        plt.close(fig)
        written.append(name)

    def lines(ax, cols: list[tuple[str, str]], scale: float = 1.0) -> None:
        for col, label in cols:
            if col in monthly.columns:
                ax.plot(t, monthly[col] * scale, label=label, lw=1.4)
        ax.legend(fontsize=8, loc="best")

    def prices(ax) -> None:
        lines(ax, [("power_price_siberia_usd_per_mwh", "Siberia"),
                   ("power_price_europe_usd_per_mwh", "European part")])
        ax.set_ylabel("power price, USD/MWh (2024 USD)")

    def trade(ax) -> None:
        lines(ax, [("import_bill_usd", "import bill"), ("export_revenue_usd", "export revenue")],
              1e-9)
        ax.set_ylabel("bn USD/yr (2024 USD)")
        if "import_substitution_share" in monthly.columns:
            ax2 = ax.twinx()
            ax2.plot(t, monthly["import_substitution_share"], color="tab:green", lw=1.4,
                     label="import substitution share")
            ax2.set_ylim(0, 1)
            ax2.set_ylabel("import substitution share")
            ax2.legend(fontsize=8, loc="lower right")

    def capacity(ax) -> None:
        lines(ax, [("capacity_separation_tpa", "separation"), ("capacity_metals_tpa", "metals"),
                   ("capacity_magnets_tpa", "magnets")], 1e-3)
        ax.set_ylabel("domestic capacity, kt/yr")

    def investment(ax) -> None:
        lines(ax, [("investment_usd", "investment"), ("public_support_usd", "of which public "
                                                                            "support")], 1e-9)
        ax.set_ylabel("bn USD/yr (2024 USD)")
        if "investment_usd" in monthly.columns:
            ax2 = ax.twinx()
            ax2.plot(t, monthly["investment_usd"].cumsum() / 12.0 * 1e-9, color="grey", ls="--",
                     lw=1.2, label="cumulative")
            ax2.set_ylabel("cumulative, bn USD")
            ax2.legend(fontsize=8, loc="lower right")

    for name, draw in zip(FIGURES, (prices, trade, capacity, investment), strict=True):
        panel(name, draw)
    return written
