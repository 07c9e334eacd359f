"""The freight network: nodes, links and their seasons (see the package docstring).

Built once per run by :func:`build_network`; :func:`link_open` and :func:`link_capacity_t` say
which links are open in a month and how much they carry. Mesa-free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from model.geo.geodesy import haversine_km

MODES: tuple[str, ...] = ("rail", "river", "sea", "road")
RAIL, RIVER, SEA, ROAD = range(4)
MONTHS = 12
# river_development = 1: one more navigation month (river icebreakers and ice-class river ships
# extend the late-autumn season, as on the Yenisei) — assumption
RIVER_SEASON_GAIN_MONTHS = 1.0
# river_development = 1: twice today's river capacity — the scale of the Rosmorrechflot 2030
# target (facts.yaml transport.rivers: 200 Mt vs ~105-116 Mt today)
RIVER_CAPACITY_GAIN = 1.0
BPR_ALPHA = 0.15  # US Bureau of Public Roads (1964) link performance function
BPR_BETA = 4.0
FULL_TOL_T = 1e-6  # a link with less spare capacity than this is full


# --- inputs ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModeSpec:
    cost_usd_per_tkm: float
    default_capacity_t_per_month: float  # each direction, where a route gives none
    circuity: float  # link length / great-circle distance between waypoints
    transfer_cost_usd_per_t: float  # moving cargo onto this mode at a transfer node


@dataclass(frozen=True)
class Section:
    """Part of a route from waypoint ``from_index`` on, with its own season or capacity."""

    from_index: int
    navigation_months: tuple[int, ...] | None = None  # None: the route's
    capacity_t_per_month: float | None = None  # None: the route's


@dataclass(frozen=True)
class RouteSpec:
    id: str
    mode: str  # one of MODES
    waypoints: tuple[tuple[float, float], ...]  # (lat, lon) degrees
    names: tuple[str, ...] | None = None
    navigation_months: tuple[int, ...] | None = None  # months 1..12 open today; None: all year
    sections: tuple[Section, ...] = ()
    capacity_t_per_month: float | None = None  # each direction; None: the mode's default
    cost_usd_per_tkm: float | None = None  # None: the mode's
    length_km: float | None = None  # None: great circle × the mode's circuity
    opens_year: int | None = None  # first year open; None: open now, or never if planned
    planned: bool = False


@dataclass(frozen=True)
class PortSpec:
    id: str
    kind: str  # "sea" or "river"
    lat: float
    lon: float


# --- the network -------------------------------------------------------------------------------
@dataclass(frozen=True)
class FreightNetwork:
    """Nodes and directed links (both directions of every route segment, link ``2k`` one way and
    ``2k + 1`` the other). Built by :func:`build_network`; read-only afterwards (``_cache`` holds
    the assignment's search graphs, trees and paths)."""

    node_lat: np.ndarray  # (N,)
    node_lon: np.ndarray  # (N,)
    node_name: tuple[str, ...]
    route_ids: tuple[str, ...]  # (R,)
    link_from: np.ndarray  # (L,) node
    link_to: np.ndarray  # (L,) node
    link_mode: np.ndarray  # (L,) index into MODES
    link_route: np.ndarray  # (L,) index into route_ids
    link_length_km: np.ndarray  # (L,)
    link_cost_usd_per_t: np.ndarray  # (L,) uncongested
    link_capacity_t_per_month: np.ndarray  # (L,) today, in an open month
    link_open_months: np.ndarray  # (L, 12) bool, today's season (index 0 = January)
    link_season_rank: np.ndarray  # (L, 12) order in which closed months open; -inf open, inf never
    link_opens_year: np.ndarray  # (L,) float: -inf open now, inf never (planned, no year)
    transfer_cost_usd_per_t: np.ndarray  # (4,) onto each mode
    port_node: Mapping[str, int]
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.node_lat)

    @property
    def n_links(self) -> int:
        return len(self.link_from)

    def route_links(self, route_id: str) -> np.ndarray:
        """Indices of the links of one route (both directions)."""
        return np.flatnonzero(self.link_route == self.route_ids.index(route_id))

    def node_modes(self, node: int) -> set[str]:
        """The modes of the links at a node (a transfer node has more than one)."""
        m = self.link_mode[(self.link_from == node) | (self.link_to == node)]
        return {MODES[k] for k in np.unique(m)}

    def nearest_node(self, lat: float, lon: float, mode: str | None = None) -> int:
        """The node nearest a point; with ``mode``, among nodes that have a link of that mode."""
        d = haversine_km(lat, lon, self.node_lat, self.node_lon)
        if mode is not None:
            has = np.zeros(self.n_nodes, dtype=bool)
            k = MODES.index(mode)
            has[self.link_from[self.link_mode == k]] = True
            d = np.where(has, d, np.inf)
        return int(np.argmin(d))


def _union_find_merge(lat, lon, route, snap_km):
    """Clusters of points: nearest pairs of different routes first, never two of one route."""
    n = len(lat)
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    i, j = np.nonzero(np.triu(d < snap_km, k=1) & (route[:, None] != route[None, :]))
    order = np.lexsort((j, i, d[i, j]))
    parent = list(range(n))
    routes = [{int(r)} for r in route]

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for k in order:
        a, b = find(int(i[k])), find(int(j[k]))
        if a == b or routes[a] & routes[b]:
            continue
        a, b = min(a, b), max(a, b)  # the earlier point names the node
        parent[b] = a
        routes[a] |= routes[b]
    roots = np.array([find(a) for a in range(n)])
    _, node = np.unique(roots, return_inverse=True)  # nodes numbered in order of their roots
    return node, roots


def _insert_junctions(routes: list[dict], snap_km: float) -> None:
    """Insert a point on another route's segment where a route ends near it (T-junctions)."""
    for r in routes:
        for end in (0, -1):
            lat0, lon0 = r["wp"][end]
            others = [o for o in routes if o is not r]
            if not others:
                continue
            pts = np.concatenate([o["wp"] for o in others])
            if haversine_km(lat0, lon0, pts[:, 0], pts[:, 1]).min() < snap_km:
                continue
            best = None
            kx = np.cos(np.radians(lat0)) * 111.195  # km per degree of longitude here
            for o in others:
                a, b = o["wp"][:-1], o["wp"][1:]
                ax, ay = (a[:, 1] - lon0) * kx, (a[:, 0] - lat0) * 111.195
                bx, by = (b[:, 1] - lon0) * kx, (b[:, 0] - lat0) * 111.195
                dx, dy = bx - ax, by - ay
                t = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1)
                dist = np.hypot(ax + t * dx, ay + t * dy)
                s = int(np.argmin(dist))
                if dist[s] < snap_km and 0 < t[s] < 1 and (best is None or dist[s] < best[0]):
                    best = (dist[s], o, s, t[s])
            if best is None:
                continue
            _, o, s, t = best
            p = o["wp"][s] + t * (o["wp"][s + 1] - o["wp"][s])
            o["wp"] = np.insert(o["wp"], s + 1, p, axis=0)
            o["orig"].insert(s + 1, -1)
            o["names"].insert(s + 1, f"{r['names'][end]} junction")


def build_network(routes: Sequence[RouteSpec], ports: Sequence[PortSpec],
                  modes: Mapping[str, ModeSpec], snap_km: float = 30.0,
                  port_attach_km: float = 50.0) -> FreightNetwork:
    """The multimodal network of the routes and ports (see the module docstring)."""
    work = [{"spec": r, "wp": np.asarray(r.waypoints, dtype=float),
             "orig": list(range(len(r.waypoints))),
             "names": list(r.names) if r.names else [f"{r.id}[{k}]" for k in range(len(r.waypoints))]}
            for r in routes]
    _insert_junctions(work, snap_km)
    lat = np.concatenate([w["wp"][:, 0] for w in work])
    lon = np.concatenate([w["wp"][:, 1] for w in work])
    route_of_point = np.repeat(np.arange(len(work)), [len(w["wp"]) for w in work])
    names = [n for w in work for n in w["names"]]
    node_of_point, roots = _union_find_merge(lat, lon, route_of_point, snap_km)
    first = np.unique(roots)  # the point that names each node, in node order
    node_lat, node_lon = lat[first], lon[first]
    node_name = tuple(names[p] for p in first)

    cols: dict[str, list] = {k: [] for k in (
        "from", "to", "mode", "route", "length", "cost", "cap", "months", "opens")}
    offset = 0
    for r_idx, w in enumerate(work):
        spec: RouteSpec = w["spec"]
        mode = MODES.index(spec.mode)
        ms = modes[spec.mode]
        wp = w["wp"]
        km = haversine_km(wp[:-1, 0], wp[:-1, 1], wp[1:, 0], wp[1:, 1])
        km = km * (spec.length_km / km.sum() if spec.length_km else ms.circuity)
        # each segment's season and capacity: the route's, or that of the section it lies in
        seg_months = [spec.navigation_months] * len(km)
        seg_cap = [spec.capacity_t_per_month] * len(km)
        for sec in sorted(spec.sections, key=lambda s: s.from_index):
            start = w["orig"].index(sec.from_index)
            for s in range(start, len(km)):
                if sec.navigation_months is not None:
                    seg_months[s] = sec.navigation_months
                if sec.capacity_t_per_month is not None:
                    seg_cap[s] = sec.capacity_t_per_month
        opens = (-np.inf if spec.opens_year is None and not spec.planned
                 else np.inf if spec.opens_year is None else float(spec.opens_year))
        unit_cost = spec.cost_usd_per_tkm if spec.cost_usd_per_tkm is not None else ms.cost_usd_per_tkm
        for s in range(len(km)):
            a, b = node_of_point[offset + s], node_of_point[offset + s + 1]
            open_m = np.ones(MONTHS, dtype=bool)
            if seg_months[s] is not None:
                open_m[:] = False
                open_m[np.asarray(seg_months[s], dtype=int) - 1] = True
            cap = seg_cap[s] if seg_cap[s] is not None else ms.default_capacity_t_per_month
            for u, v in ((a, b), (b, a)):
                for key, val in (("from", u), ("to", v), ("mode", mode), ("route", r_idx),
                                 ("length", km[s]), ("cost", km[s] * unit_cost), ("cap", cap),
                                 ("months", open_m), ("opens", opens)):
                    cols[key].append(val)
        offset += len(wp)

    link_mode = np.array(cols["mode"], dtype=int)
    open_months = np.array(cols["months"], dtype=bool).reshape(-1, MONTHS)
    rank = _season_rank(open_months, link_mode)
    link_from, link_to = np.array(cols["from"], dtype=int), np.array(cols["to"], dtype=int)
    net = FreightNetwork(
        node_lat=node_lat, node_lon=node_lon, node_name=node_name,
        route_ids=tuple(r.id for r in routes), link_from=link_from, link_to=link_to,
        link_mode=link_mode, link_route=np.array(cols["route"], dtype=int),
        link_length_km=np.array(cols["length"]), link_cost_usd_per_t=np.array(cols["cost"]),
        link_capacity_t_per_month=np.array(cols["cap"], dtype=float),
        link_open_months=open_months, link_season_rank=rank,
        link_opens_year=np.array(cols["opens"], dtype=float),
        transfer_cost_usd_per_t=np.array([modes[m].transfer_cost_usd_per_t if m in modes else 0.0
                                          for m in MODES]),
        port_node={})
    ports_at = {}
    for p in ports:
        d = haversine_km(p.lat, p.lon, node_lat, node_lon)
        own = np.isin(np.arange(len(node_lat)), link_from[link_mode == MODES.index(p.kind)])
        near = int(np.argmin(np.where(own, d, np.inf)))
        ports_at[p.id] = near if own[near] and d[near] <= port_attach_km else int(np.argmin(d))
    object.__setattr__(net, "port_node", ports_at)
    return net


def _season_rank(open_months: np.ndarray, link_mode: np.ndarray) -> np.ndarray:
    """Order in which each link's closed months open as its season lengthens (see docstring)."""
    rank = np.where(open_months, -np.inf, np.inf)
    widens = (link_mode == SEA) | (link_mode == RIVER)
    for pattern in np.unique(open_months[widens & ~open_months.all(1) & open_months.any(1)], axis=0):
        keys = []
        for m in np.flatnonzero(~pattern):
            after = next(k for k in range(1, MONTHS) if pattern[(m - k) % MONTHS])
            before = next(k for k in range(1, MONTHS) if pattern[(m + k) % MONTHS])
            keys.append((min(after, before), after > before, m))
        order = np.full(MONTHS, np.inf)
        for k, (_, _, m) in enumerate(sorted(keys)):
            order[m] = k
        rows = widens & (open_months == pattern).all(1)
        rank[rows] = np.where(pattern, -np.inf, order)
    return rank



# --- seasons -----------------------------------------------------------------------------------
def _month_share(net: FreightNetwork, month: int, year: int, icebreaker_support: float,
                 river_development: float, opens_year: Mapping[str, int | None] | None
                 ) -> np.ndarray:
    """Share of the month each link is open (0..1)."""
    if not 1 <= month <= MONTHS:
        raise ValueError(f"month must be 1..12, got {month}")
    n_closed = (~net.link_open_months).sum(1)
    extra = np.where(net.link_mode == SEA, float(icebreaker_support) * n_closed,
                     np.where(net.link_mode == RIVER,
                              np.minimum(float(river_development) * RIVER_SEASON_GAIN_MONTHS,
                                         n_closed), 0.0))
    share = np.clip(extra - net.link_season_rank[:, month - 1], 0.0, 1.0)
    first_year = net.link_opens_year
    if opens_year:
        first_year = first_year.copy()
        for route_id, y in opens_year.items():
            if route_id not in net.route_ids:
                raise ValueError(f"opens_year: unknown route {route_id!r}; routes: "
                                 f"{', '.join(net.route_ids)}")
            first_year[net.link_route == net.route_ids.index(route_id)] = (
                np.inf if y is None or y == 0 else float(y))
    return np.where(year >= first_year, share, 0.0)


def link_open(net: FreightNetwork, month: int, year: int, icebreaker_support: float = 0.0,
              river_development: float = 0.0,
              opens_year: Mapping[str, int | None] | None = None) -> np.ndarray:
    """Which links are open in a month (1..12) of a year. ``opens_year`` overrides routes'
    first year (None or 0 = never): the levers that build links (``nsr_rail_link_year``)."""
    return _month_share(net, month, year, icebreaker_support, river_development, opens_year) > 0


def link_capacity_t(net: FreightNetwork, month: int, year: int, icebreaker_support: float = 0.0,
                    river_development: float = 0.0,
                    opens_year: Mapping[str, int | None] | None = None) -> np.ndarray:
    """Each link's capacity this month (t, 0 where closed): the open share of the month ×
    today's capacity, river links × ``(1 + RIVER_CAPACITY_GAIN × river_development)``."""
    share = _month_share(net, month, year, icebreaker_support, river_development, opens_year)
    gain = np.where(net.link_mode == RIVER, 1.0 + RIVER_CAPACITY_GAIN * river_development, 1.0)
    return net.link_capacity_t_per_month * share * gain

