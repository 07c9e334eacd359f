"""What the assignment searches: the contracted multimodal graph, its least-cost trees and
the paths traced in them, with the caches that let a month reuse earlier months' work."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from model.markets.freight.network import MODES, FreightNetwork

_CACHE_SIZE = 64
_PATH_CACHE_SIZE = 20_000  # traced paths remembered per network


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
    endpoints: frozenset[int]  # the flow endpoints it was built for (names it in caches)
    position_chain: np.ndarray  # the chain of each entry of chain_links
    link_chain: np.ndarray  # (L,) the chain each link belongs to
    chain_arc: np.ndarray  # arcs that are chains
    arc_chain_or_0: np.ndarray  # arc_chain with 0 for the other arcs (a gather index)
    plans: dict = field(default_factory=dict, compare=False, repr=False)  # see assignment


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
    position_chain = np.repeat(np.arange(len(links)), [len(x) for x in links]).astype(int)
    link_chain = np.full(net.n_links, -1)
    if links:
        link_chain[np.concatenate(links)] = position_chain
    arc_chain = chain[order].astype(int)
    g = _SearchGraph(
        state_node=np.concatenate([node_s, [chains[c][0] for c in extra], kept]).astype(int),
        node_states={int(n): state[n][state[n] >= 0] for n in kept},
        source_state={int(n): int(source[i]) for i, n in enumerate(kept) if src_node[i]},
        arc_to=v[order].astype(int), arc_key=key[order], csr_indptr=indptr,
        arc_chain=arc_chain, arc_mode=mode[order].astype(int),
        arc_fixed_usd_per_t=fixed[order].astype(float),
        chain_links=np.concatenate(links) if links else np.array([], dtype=int),
        chain_start=np.cumsum([0] + [len(x) for x in links[:-1]]).astype(int),
        chain_link_list=tuple(links),
        graph=csr_matrix((np.zeros(len(order)), v[order].astype(np.int32),
                          indptr.astype(np.int32)), shape=(n_all, n_all)),
        endpoints=endpoints, position_chain=position_chain, link_chain=link_chain,
        chain_arc=arc_chain >= 0, arc_chain_or_0=np.where(arc_chain >= 0, arc_chain, 0))
    if len(cache) > 16:
        cache.clear()
    cache[endpoints] = g
    return g



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


def _path(net: FreightNetwork, g: _SearchGraph, pred_row: np.ndarray, src: int, dst: int,
          paths: dict) -> _Path:
    """The tree path from ``src`` to ``dst`` in a row of predecessors.

    Remembered per sequence of states (``paths``, one dict per search graph): tracing the
    states is cheap, turning them into links, routes and modes is not, and a month's rounds
    and later months mostly find the paths found before."""
    states = [dst]
    while dst != src:
        dst = int(pred_row[dst])
        states.append(dst)
    key = tuple(states)
    hit = paths.get(key)
    if hit is not None:
        return hit
    st = np.asarray(states[::-1])
    arcs = np.searchsorted(g.arc_key, st[:-1] * len(g.state_node) + st[1:])
    chains = g.arc_chain[arcs]
    chains = chains[chains >= 0].tolist()
    links = [g.chain_link_list[c] for c in chains]
    arr = np.concatenate(links) if links else np.array([], dtype=int)
    arr.setflags(write=False)  # shared between calls
    routes = tuple(np.unique(net.link_route[arr]).tolist())
    hit = _Path(links=arr, chains=chains,
                transfer_usd_per_t=float(g.arc_fixed_usd_per_t[arcs].sum()),
                mode_bits=int(np.bitwise_or.reduce(1 << g.arc_mode[arcs])),
                key=tuple(arr.tolist()), routes=frozenset(routes), route_list=routes,
                link_modes=tuple(np.unique(net.link_mode[arr]).tolist()))
    if len(paths) > _PATH_CACHE_SIZE:
        paths.clear()
    paths[key] = hit
    return hit


@dataclass(frozen=True, slots=True)
class _Path:
    """A traced path: its links in travel order and what the assignment reads of them."""

    links: np.ndarray
    chains: list[int]  # the chains it runs along, in order (each link lies on one)
    transfer_usd_per_t: float
    mode_bits: int  # modes of its arcs, as bits (1 << mode): checked against a flow's modes
    key: tuple[int, ...]  # the links as a tuple: names the path in ``Assignment.flow_paths``
    routes: frozenset[int]  # routes its links belong to
    route_list: tuple[int, ...]  # the same, ascending (the order the assignment sums them in)
    link_modes: tuple[int, ...]  # modes of its links, ascending


def _solve(net: FreightNetwork, g: _SearchGraph, weight: np.ndarray, origins: list[int],
           cacheable: bool):
    """Trees from the origins' source states: distances, predecessors, row of each origin.

    Each origin's tree is computed on its own (scipy restarts the search per source), so
    which other origins share the call does not change it."""
    origins = sorted(set(origins))
    src = np.array([g.source_state[o] for o in origins], dtype=int)
    if cacheable:  # free-flow trees: the same every month with the same open links
        dist, pred = _lru_get(net._cache, ("trees", g.endpoints, weight.tobytes(), src.tobytes()),
                              _trees, g, weight, src)
    else:
        dist, pred = _trees(g, weight, src)
    return dist, pred, {o: k for k, o in enumerate(origins)}
