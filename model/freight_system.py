"""Freight of a run: background flows and the chain's shipments over the network, each month.

Glue between the Mesa world and the Mesa-free network (``model/markets/freight/``), like
``model/power_system.py`` for power (docs/ODD.md §7.4):

- Each month the scenario's ``[[background_freight]]`` (grown from its base year) is assigned to
  least-cost open paths with congestion; the rare-earth chain's shipments (mines → the nearest
  domestic separation plant, else westwards; each plant's output → the domestic market) are
  priced on the least-cost all-year routes (too small to load the links).
  Cargo that cannot move because its route is frozen waits at its origin and moves when the
  route opens (a seasonal stock); cargo that finds no spare capacity within 1.5 times its
  uncongested cost is not carried that month (unmet demand, as the 70-100 Mt the Eastern Polygon
  could not take in 2021-22).
- Levers: ``nsr_rail_link_year`` opens the Bovanenkovo–Sabetta line (the NSR port of Sabetta
  joined to the railways); ``river_development`` and ``icebreaker_support`` lengthen seasons.
- Shippers (``agents/shipper.py``) set tariffs (a cost factor on their links) and expand capacity
  (a capacity factor) each January from last year's utilisation.
- ``cost_usd_per_t`` gives investors route costs between two points (links open all year), in
  place of the chain's distance-based placeholder.
- ``links`` (``model/freight_links.py``) books the lever links' income and capital each month
  for their NPV indicators; the rows marked ``industrial`` scale with ``industrial_base``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from agents.facility import FacilityState
from model.freight_links import LinkAccounts
from model.geo.geodesy import EARTH_RADIUS_KM
from model.markets.freight import (
    Assignment,
    Flows,
    background_flows,
    link_open,
    network_from_scenario,
)

if TYPE_CHECKING:
    from model.siberia_model import SiberiaModel

NSR_ROUTES = ("nsr_lane", "nsr_ob_bay", "nsr_yenisei_gulf")
NSR_RAIL_LINK_ROUTE = "obskaya_sabetta"
MAX_COST_RATIO = 1.5  # a shipper queues rather than detour at more than 1.5x the usual cost
MOSCOW = (55.756, 37.617)


class FreightSystem:
    def __init__(self, model: SiberiaModel):
        self.model = model
        s = model.scenario_data
        self.net = network_from_scenario(s)
        self.rows = list(s.background_freight)
        # where each background flow starts and ends never changes: place it once
        self._bg = background_flows(self.net, self.rows, model.calendar.start_year)
        # the industrial base's rows scale with ``industrial_base`` (0 = none)
        self._bg_base_t = np.array([r.volume_t_per_year * (model.params.industrial_base
                                                           if r.industrial else 1.0)
                                    for r in self.rows])
        self._bg_growth = np.array([r.growth_per_year for r in self.rows])
        self._bg_base_year = np.array([r.base_year for r in self.rows])
        L = self.net.n_links
        self.capacity_factor = np.ones(L)
        self.cost_factor = np.ones(L)
        self.waiting_t: np.ndarray | None = None  # per background row, frozen-route stock
        self.last: Assignment | None = None
        self.unmet_t = 0.0  # this month, not carried for lack of capacity
        self.chain_tonnes = 0.0
        self.chain_cost_usd = 0.0
        self.utilisation_by_year: dict[int, list[np.ndarray]] = {}
        self._table_key: tuple[int, int] | None = None  # utilisation_table's last table
        self._table = np.zeros((0, self.net.n_links))
        self._costs: dict[tuple[int, int], np.ndarray] = {}  # (year, source node) -> costs
        self._nodes: dict[tuple[float, float], int] = {}
        self._ends: dict[tuple[float, float, float, float], tuple[int, int, float]] = {}
        # year -> the all-year links at this year's tariffs, named by which links and tariffs
        # (a route opens, or shippers change tariffs, in few years); rows per such graph
        self._graph_keys: dict[int, bytes] = {}
        self._graphs: dict[bytes, tuple[csr_matrix, dict[int, np.ndarray]]] = {}
        p = model.params
        self.opens_year = {NSR_RAIL_LINK_ROUTE: p.nsr_rail_link_year or None}
        self.moscow_node = self.net.nearest_node(*MOSCOW)
        # road haul to and from the nearest network node, at the scenario's road tariff
        road = next((m for m in s.freight_modes if m.mode == "road"), None)
        self.access_usd_per_tkm = road.cost_usd_per_tkm if road else 0.0
        self.access_circuity = road.circuity if road else 1.0
        self.polygon_links = np.concatenate(  # the Eastern Polygon: Trans-Siberian and BAM
            [self.net.route_links(r) for r in ("trans_siberian", "bam") if r in self.net.route_ids]
            or [np.array([], dtype=int)])
        # the links each choke point can cut: its routes' links with an end within its radius
        self.links = LinkAccounts(model, self)  # the lever links' cash flows and NPVs
        self.choke_links: dict[str, np.ndarray] = {}
        for point in getattr(model, "choke_points", []):
            links = [lk for r in point.routes if r in self.net.route_ids
                     for lk in self.net.route_links(r)
                     if min(_km(point.lat, point.lon, self.net.node_lat[n], self.net.node_lon[n])
                            for n in (self.net.link_from[lk], self.net.link_to[lk]))
                     <= point.radius_km]
            if not links:  # between two distant waypoints: the segment nearest the point
                cand = [lk for r in point.routes if r in self.net.route_ids
                        for lk in self.net.route_links(r)]
                if cand:
                    mid = lambda lk, point=point: _km(point.lat, point.lon,  # noqa: E731
                                         (self.net.node_lat[self.net.link_from[lk]]
                                          + self.net.node_lat[self.net.link_to[lk]]) / 2,
                                         (self.net.node_lon[self.net.link_from[lk]]
                                          + self.net.node_lon[self.net.link_to[lk]]) / 2)
                    best = min(cand, key=mid)
                    links = [lk for lk in cand if {self.net.link_from[lk], self.net.link_to[lk]}
                             == {self.net.link_from[best], self.net.link_to[best]}]
            self.choke_links[point.facility_id] = np.array(sorted(links), dtype=int)
        self._choke_segs = None  # choke_point_shares' view of choke_links, built on first use

    # --- route costs for investors ------------------------------------------------------------
    def cost_usd_per_t(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        """Cost of moving a tonne between two points on links open all year (road access to
        the nearest nodes included); NaN-free: falls back to road distance if unconnected."""
        year = self.model.calendar.year
        ends = self._ends.get((lat1, lon1, lat2, lon2))
        if ends is None:  # the nearest nodes and the road haul to and from them
            a, b = self._node(lat1, lon1), self._node(lat2, lon2)
            access = (_km(lat1, lon1, self.net.node_lat[a], self.net.node_lon[a])
                      + _km(lat2, lon2, self.net.node_lat[b], self.net.node_lon[b])) \
                * self.access_usd_per_tkm
            if len(self._ends) > 100_000:
                self._ends.clear()
            ends = self._ends[(lat1, lon1, lat2, lon2)] = (a, b, access)
        a, b, access = ends
        # every segment runs both ways at the same cost: a row from either end serves; rows
        # are computed from the destination (the market, the border: shared by many sites)
        if (year, a) in self._costs:
            a, b = b, a
        row = self._costs.get((year, b))
        if row is None:
            row = self._costs[(year, b)] = self._all_year_costs(year, b)
        cost = row[a]
        if not math.isfinite(cost):
            return (_km(lat1, lon1, lat2, lon2) * self.access_circuity
                    * self.access_usd_per_tkm)
        return float(cost + access)

    def _node(self, lat: float, lon: float) -> int:
        key = (lat, lon)
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = self.net.nearest_node(lat, lon)
        return node

    def _all_year_costs(self, year: int, source: int) -> np.ndarray:
        key = self._graph_keys.get(year)
        if key is None:
            net = self.net
            p = self.model.params
            always = np.ones(net.n_links, dtype=bool)
            for month in range(1, 13):
                always &= link_open(net, month, year, p.icebreaker_support, p.river_development,
                                    self.opens_year)
            key = self._graph_keys[year] = always.tobytes() + self.cost_factor.tobytes()
            if key not in self._graphs:
                cost = net.link_cost_usd_per_t * self.cost_factor
                self._graphs[key] = (csr_matrix(
                    (np.maximum(cost[always], 1e-9), (net.link_from[always], net.link_to[always])),
                    shape=(net.n_nodes, net.n_nodes)), {})
        graph, rows = self._graphs[key]
        row = rows.get(source)
        if row is None:  # the same graph gives the same row: computed once
            row = rows[source] = dijkstra(graph, indices=source)
            row.setflags(write=False)
        return row

    # --- the monthly phase --------------------------------------------------------------------
    def _chain_shipments(self) -> tuple[float, float]:
        """This month's chain shipments and their cost: mines → the nearest domestic separation
        plant (else westwards by rail), each plant's output → the domestic market. Thousands of
        tonnes a year against the corridors' hundreds of millions: they are priced on the
        least-cost all-year routes and not loaded onto the links (their congestion effect is
        below a ten-thousandth)."""
        model = self.model
        if model.chain is None or model.chain.last is None:
            return 0.0, 0.0
        plants = list(model.processing_plants)
        seps = [p for p in plants if p.stage == "separation"
                and p.state is FacilityState.OPERATING]
        tonnes = cost = 0.0
        for m in model.mines:
            if m.output_t > 0:
                to = min(seps, key=lambda p: _km(m.lat, m.lon, p.lat, p.lon)) if seps else None
                lat, lon = (to.lat, to.lon) if to is not None else MOSCOW
                tonnes += m.output_t  # t REO-eq (concentrate mass not modelled)
                cost += m.output_t * self.cost_usd_per_t(m.lat, m.lon, lat, lon)
        for p in plants:
            if p.output_t > 0:
                tonnes += p.output_t
                cost += p.output_t * self.cost_usd_per_t(p.lat, p.lon, *MOSCOW)
        for p in getattr(model, "sector_plants", ()):  # other sectors' cargo (model/sectors.py)
            if p.cargo_t > 0:  # priced on these routes by model/sectors.py (cached per year)
                tonnes += p.cargo_t
                cost += p.cargo_cost_usd
        return tonnes, cost

    def run_month(self) -> Assignment:
        model = self.model
        p = model.params
        cal = model.calendar
        grown = self._bg_base_t * (1.0 + self._bg_growth) ** (cal.year - self._bg_base_year) / 12.0
        tonnes = grown if self.waiting_t is None else grown + self.waiting_t
        flows = Flows(origin=self._bg.origin, destinations=self._bg.destinations, tonnes=tonnes,
                      modes=self._bg.modes)
        capacity = self.capacity_factor
        cut = [self.choke_links[c.facility_id] for c in model.choke_points
               if c.state is FacilityState.DISRUPTED and len(self.choke_links[c.facility_id])]
        if cut:  # a disrupted bridge, junction or tunnel carries nothing
            capacity = capacity.copy()
            capacity[np.concatenate(cut)] = 0.0
        a = self.last = _assign(self.net, flows, cal.month, cal.year, p, self.opens_year,
                                capacity, self.cost_factor)
        frozen = a.flow_waiting_no_path_t
        self.waiting_t = frozen.copy()  # frozen-route cargo waits as stock
        self.unmet_t = float((a.flow_waiting_t - frozen).sum())
        self.chain_tonnes, self.chain_cost_usd = self._chain_shipments()
        if model.chain is not None and self.chain_cost_usd > 0:
            model.chain.ledger.pay("firms", "firms", self.chain_cost_usd, "freight")
        self.utilisation_by_year.setdefault(cal.year, []).append(a.link_utilisation)
        self.links.record_month(a)
        return a

    # --- readings -----------------------------------------------------------------------------
    def utilisation_table(self, year: int) -> np.ndarray:
        """Each recorded month's link utilisation in ``year``, (months, L), read-only: built
        once for all the shippers that read it each January."""
        months = self.utilisation_by_year.get(year, [])
        key = (year, len(months))
        if self._table_key != key:
            self._table = (np.array(months) if months
                           else np.zeros((0, self.net.n_links)))
            self._table.setflags(write=False)
            self._table_key = key
        return self._table

    def choke_point_shares(self) -> dict[str, float]:
        """Share of last month's delivered corridor freight that passed each choke point."""
        a = self.last
        total = float(a.flow_delivered_t.sum()) if a is not None else 0.0
        if total <= 0:
            return {k: 0.0 for k in self.choke_links}
        # each point's busiest link: one reduction over all their links, not one per point
        ids, cut, starts = self._choke_segments()
        maxima = np.maximum.reduceat(a.link_volume_t[cut], starts).tolist() if len(cut) else []
        out = dict.fromkeys(self.choke_links, 0.0)  # points with no links: 0
        for fid, vmax in zip(ids, maxima, strict=True):
            out[fid] = vmax / total
        return out

    def _choke_segments(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The choke points that have links, their links end to end and where each starts."""
        if self._choke_segs is None:
            ids = [fid for fid, links in self.choke_links.items() if len(links)]
            sizes = [len(self.choke_links[fid]) for fid in ids]
            cut = (np.concatenate([self.choke_links[fid] for fid in ids]) if ids
                   else np.array([], dtype=int))
            self._choke_segs = ids, cut, np.cumsum([0] + sizes[:-1]).astype(int)
        return self._choke_segs

    def route_utilisation(self, route_ids: tuple[str, ...]) -> float:
        """Mean utilisation of the routes' open links last month."""
        a = self.last
        if a is None:
            return 0.0
        links = np.concatenate([self.net.route_links(r) for r in route_ids])
        open_links = links[a.link_open[links]]
        return float(a.link_utilisation[open_links].mean()) if len(open_links) else 0.0


def _assign(net, flows, month, year, p, opens_year, capacity_factor, cost_factor) -> Assignment:
    from model.markets.freight import assign

    return assign(net, flows, month, year, icebreaker_support=p.icebreaker_support,
                  river_development=p.river_development, opens_year=opens_year,
                  capacity_factor=capacity_factor, cost_factor=cost_factor,
                  max_cost_ratio=MAX_COST_RATIO)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km between two points: ``haversine_km``'s formula on plain floats (a
    numpy call per scalar pair costs ~30x more, and the chain prices thousands a run)."""
    key = (lat1, lon1, lat2, lon2)
    km = _KM_CACHE.get(key)
    if km is None:
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = (math.sin((p2 - p1) / 2) ** 2
             + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
        km = _KM_CACHE[key] = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))
        if len(_KM_CACHE) > 100_000:
            _KM_CACHE.clear()
    return km


_KM_CACHE: dict[tuple[float, float, float, float], float] = {}
