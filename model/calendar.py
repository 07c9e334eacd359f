"""The model's clock: one step is one month, from January of the start year.

``Calendar`` points at the month the model simulates next. ``SiberiaModel.step`` simulates that
month, records its indicators under that month's date, then advances the clock; so after the
first step the clock reads February 2025 and the first row of data describes January 2025.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")

START_YEAR = 2025  # base year of the scenario data (facts.yaml, compiled for 2024-2025)


@dataclass
class Calendar:
    """Year and month of the next month to simulate; ``month_index`` counts months done."""

    start_year: int = START_YEAR
    month_index: int = 0

    @property
    def year(self) -> int:
        return self.start_year + self.month_index // 12

    @property
    def month(self) -> int:
        """1 = January … 12 = December."""
        return self.month_index % 12 + 1

    @property
    def fractional_year(self) -> float:
        """Mid-month as a decimal year (2025.042 for January 2025), for plots and growth paths."""
        return self.year + (self.month - 0.5) / 12.0

    def advance(self) -> None:
        self.month_index += 1

    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"
