"""Least-cost assignment of one month's flows with congestion (see the package docstring)."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np

from model.markets.freight.network import (
    BPR_ALPHA,
    BPR_BETA,
    FULL_TOL_T,
    MODES,
    FreightNetwork,
    link_capacity_t,
)
from model.markets.freight.search import _lru_get, _path, _search_graph, _SearchGraph, _solve


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
    """One month's assignment. Its arrays are read-only: a later month with the same inputs
    shares them (``assign``)."""

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



@dataclass(frozen=True)
class _FlowPlan:
    """What a month's assignment reads of its flows' origins, destinations and modes on a search
    graph: the same every month of a run (only tonnes change), so built once."""

    origins: list[int]
    same: np.ndarray  # (F,) bool: the origin is one of its destinations
    already_there: list[int]  # the flows whose origin is one of their destinations
    mask_of: list[bytes]  # each flow's modes, as bytes (names a search)
    own_bits: list[int]  # each flow's modes as bits (1 << mode)
    arc_allowed: dict[bytes, np.ndarray]  # modes -> arcs that move on or onto them
    dest_states: list[np.ndarray]  # each flow's destination states
    dest_list: list[list[int]]
    dest_nodes: list[list[int]]  # the node of each destination state
    source_of: list[int]  # each flow's source state, -1 if its origin has none
    months: OrderedDict = field(default_factory=OrderedDict)  # inputs -> result (see assign)
    choices: dict = field(default_factory=dict)  # rounds' choices (_round_choices)
    # capacities -> (flows whose reach is known, those with no open path): see assign
    reach: dict = field(default_factory=dict)


def _flow_plan(g: _SearchGraph, flows: Flows) -> _FlowPlan:
    key = (np.asarray(flows.origin).tobytes(), flows.destinations,
           np.asarray(flows.modes, dtype=bool).tobytes())
    plan = g.plans.get(key)
    if plan is not None:
        return plan
    F = len(flows.tonnes)
    allowed_of = flows.modes.astype(bool)
    origins = [int(o) for o in flows.origin]
    dest_states = [np.concatenate([g.node_states[d] for d in flows.destinations[f]])
                   for f in range(F)]
    same = np.array([flows.origin[f] in flows.destinations[f] for f in range(F)], dtype=bool)
    plan = _FlowPlan(
        origins=origins, same=same, already_there=np.flatnonzero(same).tolist(),
        mask_of=[allowed_of[f].tobytes() for f in range(F)],
        own_bits=[sum(1 << m for m in np.flatnonzero(allowed_of[f]).tolist()) for f in range(F)],
        arc_allowed={allowed_of[f].tobytes(): allowed_of[f][g.arc_mode] for f in range(F)},
        dest_states=dest_states, dest_list=[d.tolist() for d in dest_states],
        dest_nodes=[g.state_node[d].tolist() for d in dest_states],
        source_of=[g.source_state.get(o, -1) for o in origins])
    if len(g.plans) > 16:
        g.plans.clear()
    g.plans[key] = plan
    return plan


def _month_capacity(net: FreightNetwork, month: int, year: int, icebreaker_support: float,
                    river_development: float, opens_year: Mapping[str, int | None] | None):
    """``link_capacity_t``, remembered per season: the year only decides which routes have
    opened, so it is named by how many of the routes' opening years have come."""
    opens_key = tuple(sorted((opens_year or {}).items()))
    years = net._cache.setdefault("opening years", {}).get(opens_key)
    if years is None:
        first = net.link_opens_year.copy()
        for route_id, y in (opens_year or {}).items():
            if route_id in net.route_ids:  # an unknown route is reported by link_capacity_t
                first[net.link_route == net.route_ids.index(route_id)] = (
                    np.inf if y is None or y == 0 else float(y))
        years = sorted(set(first[np.isfinite(first)].tolist()))
        net._cache["opening years"][opens_key] = years
    opened = bisect_right(years, year)
    key = ("cap", month, opened, float(icebreaker_support), float(river_development), opens_key)
    return _lru_get(net._cache, key, link_capacity_t, net, month, year, icebreaker_support,
                    river_development, opens_year)


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
    cap = _month_capacity(net, month, year, icebreaker_support, river_development, opens_year)
    if capacity_factor is not None:
        cap = cap * np.asarray(capacity_factor, dtype=float)
    base = net.link_cost_usd_per_t if cost_factor is None else (
        net.link_cost_usd_per_t * np.asarray(cost_factor, dtype=float))
    F, L = len(flows.tonnes), net.n_links
    tonnes = np.asarray(flows.tonnes, dtype=float)
    ceiling = (np.full(F, np.inf) if flows.max_cost_usd_per_t is None
               else np.array(flows.max_cost_usd_per_t, dtype=float))  # USD/t
    g = _search_graph(net, _endpoints(net, flows))
    plan = _flow_plan(g, flows)
    # A month whose inputs equal a recent month's has that month's result. Cargo with no open
    # path only waits: it touches neither the links nor the other flows. So the months of a
    # season share a result whatever stock piles up behind a frozen route (in a run: the
    # winter months of a year, and September after August): the inputs are named by the
    # tonnes of the flows that can move, once it is known (from an earlier month with these
    # capacities) which cannot; their waiting is then filled in from this month's tonnes.
    cap_key = cap.tobytes()
    known, pathless = plan.reach.get(cap_key) or (np.zeros(F, bool), np.zeros(F, bool))
    reach_known = not np.any((tonnes > 0) & ~known & ~plan.same)
    memo = plan.months
    if reach_known:
        memo_key = (np.where(pathless, 0.0, tonnes).tobytes(), ceiling.tobytes(), cap_key,
                    base.tobytes(), increments, extra_rounds, alpha, beta, max_cost_ratio)
        if memo_key in memo:
            memo.move_to_end(memo_key)
            return _reuse(memo[memo_key], month, year, tonnes, pathless, plan.origins)
    origins, same, mask_of = plan.origins, plan.same, plan.mask_of
    no_path = np.zeros(F)
    paths: list[tuple] = []  # (flow, path or None if already there, tonnes)
    dest_used = [-1] * F  # node where (most of) each flow is delivered
    for f in plan.already_there:  # delivered at no cost
        if tonnes[f] > 0:
            paths.append((f, None, float(tonnes[f])))
            dest_used[f] = origins[f]
    # per-flow state as plain floats: the loop below touches them one flow at a time
    todo = np.where(same, 0.0, tonnes).tolist()
    pending = [0.0] * F
    ceil = ceiling.tolist()
    # its whole-network path broke its modes before (a flow allowed every mode has no other)
    own_first = [mask_of[f] == _EVERY for f in range(F)]
    # Every link of a chain carries the same volume (cargo cannot leave a chain half-way), so
    # volumes are kept per chain (an array of doubles: updated one chain at a time, read
    # whole without a copy); links are visited in chain order (g.chain_links) for the
    # weights. A chain's spare capacity is that of its link with the least capacity: spare
    # falls by the same amounts on all its links, and rounding keeps their order.
    n_chains = len(g.chain_start)
    chain_volume = array("d", bytes(8 * n_chains))
    cap_c = cap[g.chain_links]  # capacity and cost of the links in chain order
    base_c = base[g.chain_links]
    cap_open = cap_c > 0
    least_cap = np.minimum.reduceat(cap_c, g.chain_start) if n_chains else cap_c
    # a flow whose least cost passed its ceiling, or that lost its last open path, is blocked
    # for the rest of the month: link costs only rise as volumes grow and full links drop out,
    # so its least cost only rises (exact: the rounds it skips would not move it)
    blocked = [False] * F
    part = [t / increments for t in todo]
    added = 0
    for rnd in range(increments + extra_rounds):
        if rnd < increments:
            for f in range(F):
                pending[f] += part[f]
            added += 1
        active = [f for f in range(F) if pending[f] > 0 and not blocked[f]]
        if not active:
            if rnd >= increments - 1:
                break
            if rnd > 0 and not any(part[f] > 0 and not blocked[f] for f in range(F)):
                for _ in range(increments - added):  # later parts only add to blocked cargo
                    for f in range(F):
                        pending[f] += part[f]
                break
            continue
        by_chain = np.frombuffer(chain_volume)
        volume_c = by_chain[g.position_chain]
        ratio = np.divide(volume_c, cap_c, out=np.zeros(L), where=cap_open)
        spare_c = cap_c - volume_c
        usable = spare_c > FULL_TOL_T  # open and not full
        link_w = np.where(usable, base_c * (1.0 + alpha * ratio ** beta), np.inf)
        chain_w = np.add.reduceat(link_w, g.chain_start)
        spare = (least_cap - by_chain).tolist()  # per chain
        weight = g.arc_fixed_usd_per_t + np.where(g.chain_arc, chain_w[g.arc_chain_or_0], 0.0)
        moved = 0.0
        # one search on the whole network; a flow whose path there uses a mode it may not use
        # is searched again on its own modes (a path allowed to it is optimal for it), and
        # directly on its own modes in later rounds. The round's searches all see the weights
        # of its start, so they are made up front, one per mode mask, from the origins that
        # need them.
        choices = _round_choices(net, g, plan, weight, active, own_first, rnd == 0)
        for f in active:
            cost, best, found = choices[f]
            if found is None:
                if rnd == 0:  # nothing open leads there this month: all of it waits
                    no_path[f], todo[f], pending[f], part[f] = todo[f], 0.0, 0.0, 0.0
                blocked[f] = True
                continue  # later rounds: the open paths are full
            if rnd == 0 and max_cost_ratio is not None:
                ceil[f] = min(ceil[f], max_cost_ratio * cost)
            if cost > ceil[f]:
                blocked[f] = True
                continue  # dearer than the cargo bears: it waits
            chains = found.chains
            amount = min(pending[f], min([spare[c] for c in chains]))
            for c in chains:
                chain_volume[c] += amount
                spare[c] -= amount
            pending[f] -= amount
            moved += amount
            paths.append((f, found, amount))
            if dest_used[f] < 0:
                dest_used[f] = plan.dest_nodes[f][best]
        if rnd >= increments - 1 and moved <= FULL_TOL_T:
            break  # every part is out and nothing more fits
    volume = np.frombuffer(chain_volume)[g.link_chain]
    a = _summarise(net, flows, month, year, cap, volume, base, alpha, beta, paths, no_path,
                   np.array(pending), np.array(dest_used))
    # remembered: its arrays are shared with the months that reuse it, so nobody may change
    # them; its dicts are copied
    for name in _ARRAY_FIELDS:
        getattr(a, name).setflags(write=False)
    if not reach_known:  # this month's searches told which moving flows have an open path
        moving = (tonnes > 0) & ~plan.same
        known, pathless = known | moving, pathless | (moving & (no_path > 0))
        plan.reach[cap_key] = (known, pathless)
        if len(plan.reach) > _MONTHS_REMEMBERED:
            plan.reach.pop(next(iter(plan.reach)))
        memo_key = (np.where(pathless, 0.0, tonnes).tobytes(), ceiling.tobytes(), cap_key,
                    base.tobytes(), increments, extra_rounds, alpha, beta, max_cost_ratio)
    memo[memo_key] = (a, {name: dict(getattr(a, name)) for name in _DICT_FIELDS})
    if len(memo) > _MONTHS_REMEMBERED:
        memo.popitem(last=False)
    return a


_MONTHS_REMEMBERED = 24
_CHOICES_REMEMBERED = 512
_EVERY = np.ones(len(MODES), dtype=bool).tobytes()  # the mode mask of every mode
_ARRAY_FIELDS = [f.name for f in fields(Assignment) if "np.ndarray" in str(f.type)]
_DICT_FIELDS = [f.name for f in fields(Assignment) if str(f.type).startswith("dict")]


def _reuse(remembered, month: int, year: int, tonnes: np.ndarray, pathless: np.ndarray,
           origins: list[int]) -> Assignment:
    """A remembered month's result for this month: the same moves; the flows with no open
    path wait with this month's tonnes (all of it, as ``assign`` would have them)."""
    a, dicts = remembered
    fresh = {k: dict(v) for k, v in dicts.items()}
    if not pathless.any():
        return replace(a, month=month, year=year, **fresh)
    flow_tonnes = tonnes.copy()
    waiting = np.where(pathless, tonnes, a.flow_waiting_t)
    no_path = np.where(pathless, tonnes, a.flow_waiting_no_path_t)
    for arr in (flow_tonnes, waiting, no_path):
        arr.setflags(write=False)
    fresh["waiting_t_by_origin"] = _waiting_by_origin(origins, waiting)
    return replace(a, month=month, year=year, flow_tonnes=flow_tonnes, flow_waiting_t=waiting,
                   flow_waiting_no_path_t=no_path, **fresh)


def _waiting_by_origin(origins: list[int], waiting: np.ndarray) -> dict[int, float]:
    """Tonnes waiting at each origin node (flows in order)."""
    by_origin: dict[int, float] = {}
    for f in np.flatnonzero(waiting > 0).tolist():
        o = origins[f]
        by_origin[o] = by_origin.get(o, 0.0) + float(waiting[f])
    return by_origin


def _endpoints(net: FreightNetwork, flows: Flows) -> frozenset[int]:
    """The nodes the flows start and end at (name the search graph), per origins and
    destinations."""
    cache = net._cache.setdefault("endpoints", {})
    key = (np.asarray(flows.origin).tobytes(), flows.destinations)
    nodes = cache.get(key)
    if nodes is None:
        if len(cache) > 16:
            cache.clear()
        nodes = cache[key] = frozenset(int(o) for o in flows.origin) | {
            d for ds in flows.destinations for d in ds}
    return nodes


def _round_choices(net, g, plan: _FlowPlan, weight, active, own_first, cacheable):
    """Each active flow's least-cost path this round: ``(cost, best destination, path)``, path
    None if none is open. Searched on the whole network first (unless the flow's path there
    broke its modes before), then on its own modes if that path breaks them (``own_first``
    is set).

    The choices depend only on the arc weights, which flows move and which search each
    flow starts on: they are remembered per those. Rounds of different months often meet
    the same weights (a link's weight depends on its capacity only once it carries cargo).
    ``cacheable``: the first round, whose free-flow trees are kept across months too."""
    key = (weight.tobytes(), tuple(active), tuple(own_first))
    hit = plan.choices.get(key)
    if hit is not None:
        out, broke = hit
        for f in broke:
            own_first[f] = True
        return out
    mask_of, own_bits = plan.mask_of, plan.own_bits
    groups: dict[bytes, list[int]] = {}  # mask -> the flows searched on it
    for f in active:
        groups.setdefault(mask_of[f] if own_first[f] else _EVERY, []).append(f)
    out = {}
    again = []  # flows whose whole-network paths broke their modes
    for mask, group in groups.items():
        for f, choice in zip(group, _search_paths(net, g, plan, weight, mask, group, cacheable),
                             strict=True):
            out[f] = choice
            path = choice[2]
            if mask != mask_of[f] and path is not None and path.mode_bits & ~own_bits[f]:
                again.append(f)
    if again:  # search those on their own modes
        groups = {}
        for f in again:
            own_first[f] = True
            groups.setdefault(mask_of[f], []).append(f)
        for mask, group in groups.items():
            out.update(zip(group, _search_paths(net, g, plan, weight, mask, group, cacheable),
                           strict=True))
    if len(plan.choices) > _CHOICES_REMEMBERED:
        plan.choices.clear()
    plan.choices[key] = (out, again)
    return out


def _search_paths(net, g, plan: _FlowPlan, weight, mask, group, cacheable) -> list[tuple]:
    """``(cost, best destination, path)`` of each flow of ``group`` on the arcs of ``mask``
    (one search from their origins)."""
    w = weight if mask == _EVERY else np.where(plan.arc_allowed[mask], weight, np.inf)
    origins = plan.origins
    dist, pred, row_of = _solve(net, g, w, [origins[f] for f in group], cacheable)
    path_cache = net._cache.setdefault("paths", {}).setdefault(g.endpoints, {})  # traced paths
    out = []
    for f in group:
        k = row_of[origins[f]]
        ds = plan.dest_list[f]
        if len(ds) > 1:  # the first cheapest destination
            vals = dist[k, plan.dest_states[f]].tolist()
            best = min(range(len(vals)), key=vals.__getitem__)
            cost = vals[best]
        else:
            best, cost = 0, float(dist[k, ds[0]])
        out.append((cost, best, None if cost == np.inf else
                    _path(net, g, pred[k], plan.source_of[f], ds[best], path_cache)))
    return out


def _summarise(net, flows, month, year, cap, volume, base, alpha, beta, paths, no_path,
               waiting_capacity, dest_used) -> Assignment:
    F, R = len(flows.tonnes), len(net.route_ids)
    ratio = np.divide(volume, cap, out=np.zeros(len(cap)), where=cap > 0)
    link_cost = base * (1.0 + alpha * ratio ** beta)
    n_paths = len(paths)
    p_flow = np.array([p[0] for p in paths], dtype=int)
    p_t = np.array([p[2] for p in paths], dtype=float)
    moving = [p[1] for p in paths if p[1] is not None]
    sizes = np.array([0 if p[1] is None else len(p[1].links) for p in paths], dtype=int)
    links = np.concatenate([p.links for p in moving]) if moving else np.array([], dtype=int)
    on = np.repeat(np.arange(n_paths), sizes)  # the path of each entry of links
    p_cost = (np.bincount(on, weights=link_cost[links], minlength=n_paths)
              + np.array([0.0 if p[1] is None else p[1].transfer_usd_per_t for p in paths]))
    delivered = np.bincount(p_flow, weights=p_t, minlength=F)
    cost_usd = np.bincount(p_flow, weights=p_t * p_cost, minlength=F)
    # tonnes by route and by mode, each path counted once per route (mode) it uses, summed
    # in path order
    route_t = [0.0] * R
    mode_t = [0.0] * len(MODES)
    merged: list[dict[tuple[int, ...], list]] = [{} for _ in range(F)]  # same path: one entry
    for f, path, t in paths:
        if path is None:
            key, routes = (), frozenset()
        else:
            key, routes = path.key, path.routes
            for r in path.route_list:
                route_t[r] += t
            for m in path.link_modes:
                mode_t[m] += t
        entry = merged[f].setdefault(key, [0.0, routes])
        entry[0] += t
    flow_paths = [[(key, e[0]) for key, e in m.items()] for m in merged]
    path_routes = [[e[1] for e in m.values()] for m in merged]
    waiting = no_path + waiting_capacity
    by_origin = _waiting_by_origin([int(o) for o in flows.origin], waiting)
    tkm = np.bincount(net.link_mode, weights=volume * net.link_length_km, minlength=len(MODES))
    return Assignment(
        month=month, year=year, route_ids=net.route_ids, link_open=cap > 0,
        link_capacity_t=cap, link_volume_t=volume, link_utilisation=ratio,
        link_cost_usd_per_t=link_cost, flow_tonnes=np.array(flows.tonnes, dtype=float),
        flow_delivered_t=delivered, flow_waiting_t=waiting, flow_waiting_no_path_t=no_path,
        flow_cost_usd_per_t=np.divide(cost_usd, delivered, out=np.full(F, np.nan),
                                      where=delivered > 0),
        flow_paths=tuple(tuple(x) for x in flow_paths), flow_destination=dest_used,
        total_cost_usd=float(cost_usd.sum()),
        tkm_by_mode={m: float(mode_t_k) for m, mode_t_k in zip(MODES, tkm.tolist(), strict=True)},
        tonnes_by_mode={m: mode_t[k] for k, m in enumerate(MODES)},
        route_tonnes_t=np.array(route_t), waiting_t_by_origin=by_origin,
        path_routes=tuple(tuple(x) for x in path_routes))
