"""The threat hazard field: a facility's monthly hit probability from its frontier distances.

Mesa-free, numpy over any array of distances (the atlas's ``dist_west_km`` / ``dist_east_km``
layers for a map, or the facilities' distances for the model)::

    p_west = p_front × intensity_west × exp(−d_west / range_west)
    p_east = p_front × intensity_east × exp(−d_east / range_east)
    p      = 1 − (1 − p_west)(1 − p_east)              (either side may hit)

``p_front`` is the monthly probability at the frontier at intensity 1 (facts.yaml
``threats.monthly_hit_probability_at_front``); the range scales are the distances over which
each side's hazard falls by a factor e (``threat_range_west_km``, ``threat_range_east_km``,
chosen from the strike ranges in facts.yaml ``threats`` and sweepable). A hit takes the facility
offline for a lognormal number of months (median ``disruption_median_months``, 5–95% range about
a sixth to six times the median, as facts' 0.25–12 months around a median of 2) and destroys a
uniform share of its capital between 0.02 and ``capital_destroyed_max_share``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_CAPITAL_SHARE = 0.02  # facts.yaml threats.damage.capital_destroyed_share, lower end
# lognormal spread of the offline time: the 95th percentile is six times the median (facts:
# median 2 months, range 0.25-12)
OFFLINE_SIGMA = math.log(6.0) / 1.6449
BEYOND_RANGE_SHARE = 0.01  # "beyond the threat range": hazard below 1% of the front's at intensity 1


@dataclass(frozen=True)
class Hazard:
    p_front: float
    intensity_west: float
    intensity_east: float
    range_west_km: float
    range_east_km: float
    median_offline_months: float
    capital_max_share: float

    @classmethod
    def from_params(cls, p) -> Hazard:
        return cls(p_front=p.hit_probability_at_front, intensity_west=p.threat_intensity,
                   intensity_east=p.threat_intensity_east, range_west_km=p.threat_range_west_km,
                   range_east_km=p.threat_range_east_km,
                   median_offline_months=p.disruption_median_months,
                   capital_max_share=p.capital_destroyed_max_share)

    @property
    def active(self) -> bool:
        return self.p_front > 0 and (self.intensity_west > 0 or self.intensity_east > 0)

    def monthly_probability(self, dist_west_km, dist_east_km) -> np.ndarray:
        """Monthly hit probability at the given distances (arrays broadcast)."""
        dw = np.asarray(dist_west_km, dtype=float)
        de = np.asarray(dist_east_km, dtype=float)
        pw = np.clip(self.p_front * self.intensity_west * np.exp(-dw / self.range_west_km), 0, 1)
        pe = np.clip(self.p_front * self.intensity_east * np.exp(-de / self.range_east_km), 0, 1)
        return 1.0 - (1.0 - pw) * (1.0 - pe)

    def mean_offline_months(self) -> float:
        return self.median_offline_months * math.exp(OFFLINE_SIGMA**2 / 2.0)

    def mean_capital_share(self) -> float:
        return (MIN_CAPITAL_SHARE + max(self.capital_max_share, MIN_CAPITAL_SHARE)) / 2.0

    def risk_premium(self, p_month) -> np.ndarray:
        """Expected yearly loss as a share of a plant's value, added to the discount rate:
        12 × p × (mean capital share destroyed + mean offline months / 12)."""
        return 12.0 * np.asarray(p_month) * (self.mean_capital_share()
                                             + self.mean_offline_months() / 12.0)

    def offline_months(self, z: np.ndarray) -> np.ndarray:
        """Offline months from standard normal draws: lognormal around the median, >= 1 step."""
        months = self.median_offline_months * np.exp(OFFLINE_SIGMA * np.asarray(z))
        return np.maximum(np.rint(months), 1).astype(int)

    def capital_share(self, u: np.ndarray) -> np.ndarray:
        """Capital share destroyed from uniform draws in [0, 1)."""
        hi = max(self.capital_max_share, MIN_CAPITAL_SHARE)
        return MIN_CAPITAL_SHARE + (hi - MIN_CAPITAL_SHARE) * np.asarray(u)
