"""The freight market of one month, Mesa-free: a multimodal network, its seasons, and
least-cost assignment with congestion.

**Network** (:func:`build_network`, once per run). Nodes are the routes' waypoints. Points of
*different* routes closer than ``snap_km`` (30 km) become one transfer node: pairs are merged
nearest first (single linkage) unless the merge would put two points of one route in one node,
which would short-cut that route. A route that *ends* within ``snap_km`` of another route's
segment but of none of its waypoints (a T-junction: the Angara at the Yenisei) gets a point
inserted on that segment first. Consecutive waypoints of a route are joined by a link in each
direction:

* ``length_km`` = great-circle distance × the mode's circuity (the bends a line or river makes
  between waypoints); where the data give the route's length, its links are scaled to it instead.
* ``cost_usd_per_t`` = length × the route's (else the mode's) cost per t-km.
* ``capacity_t_per_month`` in each direction = the route's (or section's) capacity, else the
  mode's default: a line's capacity is what each of its sections can pass, so it is not divided
  among the links.
* open months (see *Seasons*) and a year from which the route runs (planned routes).

A path that changes mode at a node pays the transfer cost of the mode it moves onto (loading a
ship or a wagon, rail–river transhipment); changing between routes of one mode is free. This is
done on an expanded graph with one state per (node, mode present there), transfer arcs between
the states of a node, and a source state per node with arcs only leaving it (cargo starts in
any mode at no charge and is delivered in whatever mode it arrives); a second route along the
same stretch gets a state of its own so that no two arcs join the same pair of states. Ports attach to the
nearest node with a link of their kind (sea, river) within ``port_attach_km``, else to the
nearest node of any mode. Named places (a mine, a border crossing) attach to the nearest node
of the modes the flow uses (:meth:`FreightNetwork.nearest_node`).

**Seasons** (:func:`link_open`, :func:`link_capacity_t`). Each link has the months it is open
today (its route's ``navigation_months`` or a section's; none given = all year). Months still
closed open in the order they border the season — one month after it, one before it, two after
… (autumn first: young ice is easier to break than the spring break-up and flood):

* sea links (NSR lanes) with ``icebreaker_support`` s in [0, 1]: ``s × (closed months)`` more
  months, so 0 is today's fleet and 1 year-round navigation (the Leader-class aim);
* river links with ``river_development`` d in [0, 1]: ``d × RIVER_SEASON_GAIN_MONTHS`` more
  months, and capacity × ``(1 + RIVER_CAPACITY_GAIN × d)``;
* rail, and road links with months (winter roads) do not widen.

A fraction of a month opens that share of the month's capacity, so the levers act smoothly.

**Assignment** (:func:`assign`). Flows (origin node, one or more destination nodes, tonnes,
allowed modes) are loaded in ``increments`` equal parts (incremental assignment, Sheffi 1985
ch. 5). Before each part, every link is re-costed with a BPR-type mark-up,
``cost × (1 + alpha × (v / c) ** beta)`` (US Bureau of Public Roads 1964; alpha 0.15, beta 4),
links that are full are removed, and least-cost paths are found with
``scipy.sparse.csgraph.dijkstra``; each flow's part then moves on its path up to the path's spare
capacity. What did not fit is retried in further rounds on the remaining network. Cargo that
finds no open path this month (a frozen river, a closed NSR window, a route not yet built), no
spare capacity, or only paths dearer than it bears (``max_cost_ratio``), **waits** at its
origin; nothing is dropped: for every flow ``tonnes = delivered + waiting``. Reported costs are
at the final (congested) link costs. A flow may be restricted to some modes (coal that stays
on rail): each round searches the whole network once and searches again, on its own modes, only
for a flow whose path there uses a mode it may not (a path it may use that is least-cost on the
whole network is least-cost on its modes too).

Speed: the search runs on a contracted graph — runs of links through nodes where nothing
happens (no junction, no change of route section, no flow starting or ending) become one arc
whose cost is the sum of its links' congested costs. Cargo cannot leave such a run half-way,
so the run's links carry equal volumes and the result is exactly that of the full graph. The
contracted graph is cached per set of flow endpoints (one CSR matrix, only its weights change),
the first round's trees per (arc costs with closed links, origins), and traced paths per tree
row, so a month whose open links and costs were seen before skips most of the work.

Costs are in USD per tonne, volumes in tonnes per month; ``tkm_by_mode`` in tonne-km.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from model.geo.geodesy import haversine_km

if TYPE_CHECKING:
    from model.scenario import Scenario

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
_CACHE_SIZE = 64
_PATH_CACHE_SIZE = 20_000  # traced paths remembered per network


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


@dataclass(frozen=True)
class _SearchGraph:
    """What the assignment searches: the network with its chains contracted (see _search_graph),
    one state per (kept node, mode), a source state per kept node, arcs in CSR order."""

    state_node: np.ndarray  # node of each state
    node_states: dict[int, np.ndarray]  # kept node -> its (node, mode) states
    source_state: dict[int, int]  # kept node -> its source state
    arc_to: np.ndarray  # CSR order (by from-state, then to-state)
    arc_key: np.ndarray  # from-state × n_states + to-state, sorted
    csr_indptr: np.ndarray
    arc_chain: np.ndarray  # chain of a chain arc, -1 for transfer, source and bypass arcs
    arc_mode: np.ndarray  # the mode an arc moves on or onto (filters allowed modes)
    arc_fixed_usd_per_t: np.ndarray  # transfer cost; 0 otherwise
    chain_links: np.ndarray  # the links of every chain, chain after chain, in travel order
    chain_start: np.ndarray  # (C,) where each chain's links start in chain_links
    chain_link_list: tuple[np.ndarray, ...]  # (C,) each chain's links
    graph: csr_matrix  # reused: only its weights change between searches


def _search_graph(net: FreightNetwork, endpoints: frozenset[int]) -> _SearchGraph:
    """Contract runs of links through nodes where nothing happens into chains, keeping nodes
    that are junctions, ends, flow endpoints, or where a route's section changes.

    Cargo cannot leave a chain half-way, so every link of a chain carries the same volume and a
    chain's cost is the sum of its links' (congested) costs: the search is exact, only smaller.
    Cached per set of endpoints."""
    cache = net._cache.setdefault("graphs", {})
    if endpoints in cache:
        return cache[endpoints]
    seg_from, seg_to = net.link_from[0::2], net.link_to[0::2]  # links come in pairs a->b, b->a
    n_seg = len(seg_from)
    sig = [(int(net.link_route[2 * k]), net.link_capacity_t_per_month[2 * k],
            net.link_open_months[2 * k].tobytes(), net.link_season_rank[2 * k].tobytes(),
            net.link_opens_year[2 * k]) for k in range(n_seg)]
    incident: list[list[int]] = [[] for _ in range(net.n_nodes)]
    for k in range(n_seg):
        incident[seg_from[k]].append(k)
        incident[seg_to[k]].append(k)
    keep = np.array([len(inc) != 2 or sig[inc[0]] != sig[inc[1]] for inc in incident])
    keep[list(endpoints)] = True
    chains: list[tuple[int, int, list[int], list[int]]] = []  # (from, to, links there, back)
    seen = np.zeros(n_seg, dtype=bool)
    for start in [*np.flatnonzero(keep).tolist(), *range(net.n_nodes)]:  # then loops: any node
        for k0 in incident[start]:
            if seen[k0]:
                continue
            keep[start] = True
            node, k, there, back = start, k0, [], []
            while True:
                seen[k] = True
                fwd = seg_from[k] == node
                there.append(2 * k if fwd else 2 * k + 1)
                back.append(2 * k + 1 if fwd else 2 * k)
                node = int(seg_to[k] if fwd else seg_from[k])
                if keep[node]:
                    break
                k = next(x for x in incident[node] if x != k)
            chains.append((start, node, there, back[::-1]))
            chains.append((node, start, back[::-1], there[::-1]))
    chains = [(a, b, fwd) for a, b, fwd, _ in chains]
    chain_mode = np.array([net.link_mode[c[2][0]] for c in chains], dtype=int)
    kept = np.flatnonzero(keep)
    has = np.zeros((net.n_nodes, len(MODES)), dtype=bool)
    for (a, b, _), m in zip(chains, chain_mode, strict=True):
        has[a, m] = has[b, m] = True
    node_s, mode_s = np.nonzero(has)
    state = np.full((net.n_nodes, len(MODES)), -1)
    state[node_s, mode_s] = np.arange(len(node_s))
    n_states = len(node_s)
    cu = state[[c[0] for c in chains], chain_mode]
    cv = state[[c[1] for c in chains], chain_mode]
    _, first = np.unique(cu * n_states + cv, return_index=True)
    extra = np.setdiff1d(np.arange(len(chains)), first)  # parallel chains after the first
    mid = n_states + np.arange(len(extra))  # each runs through a state of its own
    n_states += len(extra)
    source = n_states + np.arange(len(kept))
    n_all = n_states + len(kept)
    lv = cv.copy()
    lv[extra] = mid
    src_node = has[kept].any(1)
    arcs = [(cu, lv, np.arange(len(chains)), chain_mode, np.zeros(len(chains))),
            (mid, cv[extra], np.full(len(extra), -1), chain_mode[extra], np.zeros(len(extra)))]
    for m1 in range(len(MODES)):
        for m2 in range(len(MODES)):
            both = np.flatnonzero(has[:, m1] & has[:, m2]) if m1 != m2 else np.array([], int)
            arcs.append((state[both, m1], state[both, m2], np.full(len(both), -1),
                         np.full(len(both), m2), np.full(len(both), net.transfer_cost_usd_per_t[m2])))
    kn, km = np.nonzero(has[kept])
    arcs.append((source[kn], state[kept[kn], km], np.full(len(kn), -1), km, np.zeros(len(kn))))
    u, v, chain, mode, fixed = (np.concatenate([x[k] for x in arcs]) for k in range(5))
    key = u * n_all + v
    order = np.argsort(key, kind="stable")
    links = [np.asarray(c[2], dtype=int) for c in chains]
    indptr = np.searchsorted(u[order], np.arange(n_all + 1))
    g = _SearchGraph(
        state_node=np.concatenate([node_s, [chains[c][0] for c in extra], kept]).astype(int),
        node_states={int(n): state[n][state[n] >= 0] for n in kept},
        source_state={int(n): int(source[i]) for i, n in enumerate(kept) if src_node[i]},
        arc_to=v[order].astype(int), arc_key=key[order], csr_indptr=indptr,
        arc_chain=chain[order].astype(int), arc_mode=mode[order].astype(int),
        arc_fixed_usd_per_t=fixed[order].astype(float),
        chain_links=np.concatenate(links) if links else np.array([], dtype=int),
        chain_start=np.cumsum([0] + [len(x) for x in links[:-1]]).astype(int),
        chain_link_list=tuple(links),
        graph=csr_matrix((np.zeros(len(order)), v[order].astype(np.int32),
                          indptr.astype(np.int32)), shape=(n_all, n_all)))
    if len(cache) > 16:
        cache.clear()
    cache[endpoints] = g
    return g


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


# --- assignment --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Flows:
    """Cargo to move this month. A flow may be delivered at any of its destination nodes (the
    cheapest wins: e.g. export coal at any Pacific port)."""

    origin: np.ndarray  # (F,) node
    destinations: tuple[tuple[int, ...], ...]  # (F,) one or more nodes each
    tonnes: np.ndarray  # (F,) t this month
    modes: np.ndarray  # (F, 4) bool: the modes each flow may use
    max_cost_usd_per_t: np.ndarray | None = None  # (F,) dearer paths are not taken: cargo waits

    def __post_init__(self):
        if not (len(self.origin) == len(self.destinations) == len(self.tonnes) == len(self.modes)):
            raise ValueError("flows: origin, destinations, tonnes and modes differ in length")
        if np.any(np.asarray(self.tonnes) < 0) or not np.all(np.isfinite(self.tonnes)):
            raise ValueError("flows: tonnes must be finite and >= 0")


def make_flows(origin: Sequence[int], destination: Sequence[int | Sequence[int]],
               tonnes: Sequence[float], modes: Sequence[Sequence[str] | None] | None = None) -> Flows:
    """Flows from plain lists; ``modes`` per flow (names from MODES), None = every mode."""
    n = len(origin)
    mask = np.ones((n, len(MODES)), dtype=bool)
    for f, allowed in enumerate(modes or [None] * n):
        if allowed is not None:
            mask[f] = [m in allowed for m in MODES]
    dests = tuple((int(d),) if np.isscalar(d) else tuple(int(x) for x in d) for d in destination)
    return Flows(origin=np.asarray(origin, dtype=int), destinations=dests,
                 tonnes=np.asarray(tonnes, dtype=float), modes=mask)


Path = tuple[tuple[int, ...], float]  # (link indices in order, tonnes)


@dataclass(frozen=True)
class Assignment:
    month: int
    year: int
    route_ids: tuple[str, ...]
    link_open: np.ndarray  # (L,) bool
    link_capacity_t: np.ndarray  # (L,) this month
    link_volume_t: np.ndarray  # (L,)
    link_utilisation: np.ndarray  # (L,) volume / capacity, 0 where closed
    link_cost_usd_per_t: np.ndarray  # (L,) at the final volumes (mark-up included)
    flow_tonnes: np.ndarray  # (F,)
    flow_delivered_t: np.ndarray  # (F,)
    flow_waiting_t: np.ndarray  # (F,) no open path or no spare capacity: waits at its origin
    flow_waiting_no_path_t: np.ndarray  # (F,) the part of waiting with no open path at all
    flow_cost_usd_per_t: np.ndarray  # (F,) mean over delivered tonnes; NaN if none delivered
    flow_paths: tuple[tuple[Path, ...], ...]  # (F,) each flow's distinct paths and tonnes
    flow_destination: np.ndarray  # (F,) node where (most of) it was delivered, -1 if none
    total_cost_usd: float  # delivered tonnes × their cost
    tkm_by_mode: dict[str, float]
    tonnes_by_mode: dict[str, float]  # delivered tonnes whose path used the mode
    route_tonnes_t: np.ndarray  # (R,) delivered tonnes whose path used the route
    waiting_t_by_origin: dict[int, float]  # node -> t waiting there
    path_routes: tuple[tuple[frozenset[int], ...], ...] = ()  # routes each path uses

    def tonnes_on_routes(self, route_ids: Sequence[str]) -> float:
        """Delivered tonnes whose path used any of these routes (each tonne counted once)."""
        wanted = {self.route_ids.index(r) for r in route_ids}
        return float(sum(t for paths, routes in zip(self.flow_paths, self.path_routes, strict=True)
                         for (_, t), used in zip(paths, routes, strict=True) if used & wanted))


def path_modes(net: FreightNetwork, a: Assignment, f: int) -> list[list[str]]:
    """The sequence of modes of each path of flow ``f`` (consecutive repeats removed)."""
    out = []
    for links, _ in a.flow_paths[f]:
        seq: list[str] = []
        for m in net.link_mode[list(links)]:
            if not seq or seq[-1] != MODES[m]:
                seq.append(MODES[m])
        out.append(seq)
    return out


def _lru_get(cache: dict, key, build, *args):
    """``build(*args)``, remembered per key (least recently used out first)."""
    od: OrderedDict = cache.setdefault("lru", OrderedDict())
    if key in od:
        od.move_to_end(key)
        return od[key]
    value = build(*args)
    for arr in value if isinstance(value, tuple) else (value,):
        arr.setflags(write=False)  # shared between calls: nobody may change it
    od[key] = value
    if len(od) > _CACHE_SIZE:
        od.popitem(last=False)
    return value


def _trees(g: _SearchGraph, weight: np.ndarray, sources: np.ndarray):
    """Least-cost trees from source states; arcs with an infinite weight are absent."""
    g.graph.data[:] = weight
    return dijkstra(g.graph, directed=True, indices=sources, return_predecessors=True)


def _path(net: FreightNetwork, g: _SearchGraph, pred_row: np.ndarray, row_key: bytes, src: int,
          dst: int) -> tuple:
    """The tree path from ``src`` to ``dst``: (links, transfer cost USD/t, modes bitmask).

    Remembered per (tree row, destination state): a tree that did not change between rounds
    or months gives its paths without tracing them again."""
    paths = net._cache.setdefault("paths", {})
    key = (id(g), row_key, dst)
    hit = paths.get(key)
    if hit is not None:
        return hit
    states = [dst]
    while states[-1] != src:
        states.append(int(pred_row[states[-1]]))
    st = np.asarray(states[::-1])
    arcs = np.searchsorted(g.arc_key, st[:-1] * len(g.state_node) + st[1:])
    chains = g.arc_chain[arcs]
    links = [g.chain_link_list[c] for c in chains[chains >= 0].tolist()]
    used = int(np.bitwise_or.reduce(1 << g.arc_mode[arcs]))
    hit = (np.concatenate(links) if links else np.array([], dtype=int),
           float(g.arc_fixed_usd_per_t[arcs].sum()), used)
    if len(paths) > _PATH_CACHE_SIZE:
        paths.clear()
    paths[key] = hit
    return hit


def _solve(net: FreightNetwork, g: _SearchGraph, weight: np.ndarray, origins: list[int],
           cacheable: bool):
    """Trees from the origins' source states: distances, predecessors, row of each origin."""
    origins = sorted(set(origins))
    src = np.array([g.source_state[o] for o in origins], dtype=int)
    if cacheable:  # free-flow trees: the same every month with the same open links
        dist, pred = _lru_get(net._cache, ("trees", id(g), weight.tobytes(), src.tobytes()),
                              _trees, g, weight, src)
    else:
        dist, pred = _trees(g, weight, src)
    return dist, pred, {o: k for k, o in enumerate(origins)}


def assign(net: FreightNetwork, flows: Flows, month: int, year: int, *,
           icebreaker_support: float = 0.0, river_development: float = 0.0,
           opens_year: Mapping[str, int | None] | None = None,
           capacity_factor: np.ndarray | None = None, cost_factor: np.ndarray | None = None,
           increments: int = 4, extra_rounds: int = 4, alpha: float = BPR_ALPHA,
           beta: float = BPR_BETA, max_cost_ratio: float | None = None) -> Assignment:
    """Assign one month's flows to least-cost open paths with congestion (module docstring).

    ``capacity_factor`` and ``cost_factor`` (L,) scale links' capacity and cost (fleet growth,
    tariffs set by shippers); ``opens_year`` overrides routes' first year (None or 0 = never).
    After the ``increments`` parts, up to ``extra_rounds`` more rounds place what did not fit.
    With ``max_cost_ratio``, cargo waits rather than take a path dearer than that multiple of
    its uncongested least cost this month (a shipper queues rather than detour at any price);
    ``flows.max_cost_usd_per_t`` caps the cost per flow in USD/t.
    """
    share_key = (month, year, float(icebreaker_support), float(river_development),
                 tuple(sorted((opens_year or {}).items())))
    cap = _lru_get(net._cache, ("cap",) + share_key, link_capacity_t, net, month, year,
                   icebreaker_support, river_development, opens_year)
    if capacity_factor is not None:
        cap = cap * np.asarray(capacity_factor, dtype=float)
    base = net.link_cost_usd_per_t if cost_factor is None else (
        net.link_cost_usd_per_t * np.asarray(cost_factor, dtype=float))
    F, L = len(flows.tonnes), net.n_links
    tonnes = np.asarray(flows.tonnes, dtype=float)
    ceiling = (np.full(F, np.inf) if flows.max_cost_usd_per_t is None
               else np.array(flows.max_cost_usd_per_t, dtype=float))
    volume = np.zeros(L)
    no_path = np.zeros(F)
    paths: list[tuple[int, np.ndarray, float, float]] = []  # (flow, links, transfers, t)
    dest_used = np.full(F, -1)
    same = np.array([flows.origin[f] in flows.destinations[f] for f in range(F)], dtype=bool)
    for f in np.flatnonzero(same & (tonnes > 0)):  # already there: delivered at no cost
        paths.append((int(f), np.array([], dtype=int), 0.0, float(tonnes[f])))
        dest_used[f] = flows.origin[f]
    todo = np.where(same, 0.0, tonnes)
    pending = np.zeros(F)
    allowed_of = flows.modes.astype(bool)
    mask_of = [allowed_of[f].tobytes() for f in range(F)]
    every = np.ones(len(MODES), dtype=bool).tobytes()
    own_bits = [sum(1 << m for m in np.flatnonzero(allowed_of[f]).tolist()) for f in range(F)]
    own_first = np.zeros(F, dtype=bool)  # its whole-network path broke its modes before
    origins = [int(o) for o in flows.origin]
    g = _search_graph(net, frozenset(origins) | {d for ds in flows.destinations for d in ds})
    dest_states = [np.concatenate([g.node_states[d] for d in flows.destinations[f]])
                   for f in range(F)]
    chain_arc = g.arc_chain >= 0
    arc_chain = np.where(chain_arc, g.arc_chain, 0)
    for rnd in range(increments + extra_rounds):
        if rnd < increments:
            pending += todo / increments
        ratio = np.divide(volume, cap, out=np.zeros(L), where=cap > 0)
        spare = cap - volume
        usable = spare > FULL_TOL_T  # open and not full
        link_w = np.where(usable, base * (1.0 + alpha * ratio ** beta), np.inf)
        chain_w = np.add.reduceat(link_w[g.chain_links], g.chain_start)
        weight = g.arc_fixed_usd_per_t + np.where(chain_arc, chain_w[arc_chain], 0.0)
        moved = 0.0
        active = [f for f in range(F) if pending[f] > 0]
        if not active:
            if rnd >= increments - 1:
                break
            continue
        # one search on the whole network; a flow whose path there uses a mode it may not use
        # is searched again on its own modes (a path allowed to it is optimal for it), and
        # directly on its own modes in later rounds
        solved: dict[bytes, tuple] = {}
        row_keys: dict[tuple[bytes, int], bytes] = {}
        for f in active:
            o = origins[f]
            own = mask_of[f]
            found = None
            for mask in ((own,) if own == every or own_first[f] else (every, own)):
                if mask not in solved:
                    group = [origins[g] for g in active if mask == every or mask_of[g] == mask]
                    w = weight if mask == every else np.where(
                        allowed_of[f][g.arc_mode], weight, np.inf)
                    solved[mask] = _solve(net, g, w, group, rnd == 0)
                dist, pred, src_of = solved[mask]
                vals = dist[src_of[o], dest_states[f]].tolist()
                best = min(range(len(vals)), key=vals.__getitem__) if len(vals) > 1 else 0
                if vals[best] == np.inf:
                    break
                rk = (mask, o)
                if rk not in row_keys:  # a digest of the tree row names its paths
                    row_keys[rk] = blake2b(pred[src_of[o]].tobytes(), digest_size=16).digest()
                found = _path(net, g, pred[src_of[o]], row_keys[rk], g.source_state[o],
                              int(dest_states[f][best]))
                if mask == own or not found[2] & ~own_bits[f]:
                    break
                found, own_first[f] = None, True
            if found is None:
                if rnd == 0:  # nothing open leads there this month: all of it waits
                    no_path[f], todo[f], pending[f] = todo[f], 0.0, 0.0
                continue  # later rounds: the open paths are full
            if rnd == 0 and max_cost_ratio is not None:
                ceiling[f] = min(ceiling[f], max_cost_ratio * vals[best])
            if vals[best] > ceiling[f]:
                continue  # dearer than the cargo bears: it waits
            links, transfers, _ = found
            amount = min(pending[f], float(spare[links].min()))
            volume[links] += amount
            spare[links] -= amount
            pending[f] -= amount
            moved += amount
            paths.append((f, links, transfers, amount))
            if dest_used[f] < 0:
                dest_used[f] = g.state_node[dest_states[f][best]]
        if rnd >= increments - 1 and moved <= FULL_TOL_T:
            break  # every part is out and nothing more fits
    return _summarise(net, flows, month, year, cap, volume, base, alpha, beta, paths, no_path,
                      pending, dest_used)


def _summarise(net, flows, month, year, cap, volume, base, alpha, beta, paths, no_path,
               waiting_capacity, dest_used) -> Assignment:
    F, R = len(flows.tonnes), len(net.route_ids)
    ratio = np.divide(volume, cap, out=np.zeros(len(cap)), where=cap > 0)
    link_cost = base * (1.0 + alpha * ratio ** beta)
    n_paths = len(paths)
    p_flow = np.array([p[0] for p in paths], dtype=int)
    p_t = np.array([p[3] for p in paths], dtype=float)
    sizes = np.array([len(p[1]) for p in paths], dtype=int)
    links = np.concatenate([p[1] for p in paths]) if n_paths else np.array([], dtype=int)
    on = np.repeat(np.arange(n_paths), sizes)  # the path of each entry of links
    p_cost = (np.bincount(on, weights=link_cost[links], minlength=n_paths)
              + np.array([p[2] for p in paths], dtype=float))
    delivered = np.bincount(p_flow, weights=p_t, minlength=F)
    cost_usd = np.bincount(p_flow, weights=p_t * p_cost, minlength=F)
    pr = np.unique(on * R + net.link_route[links])  # (path, route) pairs
    route_t = np.bincount(pr % R, weights=p_t[pr // R], minlength=R)
    pm = np.unique(on * len(MODES) + net.link_mode[links])
    mode_t = np.bincount(pm % len(MODES), weights=p_t[pm // len(MODES)], minlength=len(MODES))
    routes_of: list[set[int]] = [set() for _ in range(n_paths)]
    for k in pr.tolist():
        routes_of[k // R].add(k % R)
    merged: list[dict[tuple[int, ...], list]] = [{} for _ in range(F)]  # same path: one entry
    for k, (f, path_links, _, t) in enumerate(paths):
        entry = merged[f].setdefault(tuple(path_links.tolist()), [0.0, frozenset(routes_of[k])])
        entry[0] += t
    flow_paths = [[(key, e[0]) for key, e in m.items()] for m in merged]
    path_routes = [[e[1] for e in m.values()] for m in merged]
    waiting = no_path + waiting_capacity
    by_origin: dict[int, float] = {}
    for f in np.flatnonzero(waiting > 0):
        o = int(flows.origin[f])
        by_origin[o] = by_origin.get(o, 0.0) + float(waiting[f])
    tkm = np.bincount(net.link_mode, weights=volume * net.link_length_km, minlength=len(MODES))
    return Assignment(
        month=month, year=year, route_ids=net.route_ids, link_open=cap > 0,
        link_capacity_t=cap, link_volume_t=volume, link_utilisation=ratio,
        link_cost_usd_per_t=link_cost, flow_tonnes=np.asarray(flows.tonnes, dtype=float),
        flow_delivered_t=delivered, flow_waiting_t=waiting, flow_waiting_no_path_t=no_path,
        flow_cost_usd_per_t=np.divide(cost_usd, delivered, out=np.full(F, np.nan),
                                      where=delivered > 0),
        flow_paths=tuple(tuple(x) for x in flow_paths), flow_destination=dest_used,
        total_cost_usd=float(cost_usd.sum()),
        tkm_by_mode={m: float(tkm[k]) for k, m in enumerate(MODES)},
        tonnes_by_mode={m: float(mode_t[k]) for k, m in enumerate(MODES)},
        route_tonnes_t=route_t, waiting_t_by_origin=by_origin,
        path_routes=tuple(tuple(x) for x in path_routes))


# --- from scenario tables ----------------------------------------------------------------------
T_PER_MT_YEAR_TO_MONTH = 1e6 / MONTHS  # Mt/yr -> t/month


def network_from_scenario(scenario: Scenario, snap_km: float = 30.0,
                          port_attach_km: float = 50.0) -> FreightNetwork:
    """The network of a scenario's ``[[routes]]``, ``[[ports]]`` and ``[[freight_modes]]``."""
    modes = {m.mode: ModeSpec(m.cost_usd_per_tkm, m.default_capacity_t_per_month, m.circuity,
                              m.transfer_cost_usd_per_t) for m in scenario.freight_modes}
    routes = []
    for r in scenario.routes:
        names = tuple(r.waypoint_names) if r.waypoint_names else None
        sections = tuple(
            Section(from_index=names.index(s.from_waypoint),
                    navigation_months=tuple(s.navigation_months) if s.navigation_months else None,
                    capacity_t_per_month=(None if s.capacity_mt_per_year is None
                                          else s.capacity_mt_per_year * T_PER_MT_YEAR_TO_MONTH))
            for s in (r.sections or ()))
        routes.append(RouteSpec(
            id=r.id, mode=r.mode, waypoints=tuple(tuple(w) for w in r.waypoints), names=names,
            navigation_months=tuple(r.navigation_months) if r.navigation_months else None,
            sections=sections,
            capacity_t_per_month=(None if r.capacity_mt_per_year is None
                                  else r.capacity_mt_per_year * T_PER_MT_YEAR_TO_MONTH),
            cost_usd_per_tkm=r.cost_usd_per_tkm, length_km=r.length_km, opens_year=r.opens_year,
            planned=r.status == "planned"))
    ports = [PortSpec(p.id, p.kind, p.lat, p.lon) for p in scenario.ports]
    return build_network(routes, ports, modes, snap_km=snap_km, port_attach_km=port_attach_km)


def _place_node(net: FreightNetwork, name: str | list[str], lat: float | None, lon: float | None,
                modes: Sequence[str]) -> tuple[int, ...]:
    """The node(s) of a row's origin or destination: a named point's nearest node of the row's
    modes, or the nodes of the listed ports."""
    if lat is not None and lon is not None:
        d = haversine_km(lat, lon, net.node_lat, net.node_lon)
        has = np.isin(net.link_mode, [MODES.index(m) for m in modes])
        reach = np.zeros(net.n_nodes, dtype=bool)
        reach[net.link_from[has]] = True
        return (int(np.argmin(np.where(reach, d, np.inf))),)
    names = [name] if isinstance(name, str) else list(name)
    return tuple(dict.fromkeys(net.port_node[n] for n in names))


def background_flows(net: FreightNetwork, rows: Sequence, year: int) -> Flows:
    """One month of the ``[[background_freight]]`` rows in ``year``: the row's yearly volume
    grown from its base year, over 12. A named point attaches to the nearest node of the row's
    modes; a row that ``can_shift_to_water`` may also use river and sea."""
    origin, dests, tonnes, modes = [], [], [], []
    for r in rows:
        own = list(r.modes)
        origin.append(_place_node(net, r.origin, r.origin_lat, r.origin_lon, own)[0])
        dests.append(_place_node(net, r.destination, r.destination_lat, r.destination_lon, own))
        tonnes.append(r.volume_t_per_year * (1.0 + r.growth_per_year) ** (year - r.base_year)
                      / MONTHS)
        modes.append(own + (["river", "sea"] if r.can_shift_to_water else []))
    return make_flows(origin, dests, tonnes, modes)
