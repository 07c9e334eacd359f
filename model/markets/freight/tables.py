"""The network and the background flows of a scenario's tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from typing import TYPE_CHECKING

import numpy as np

from model.geo.geodesy import haversine_km
from model.markets.freight.assignment import Flows, make_flows
from model.markets.freight.network import (
    MODES,
    MONTHS,
    FreightNetwork,
    ModeSpec,
    PortSpec,
    RouteSpec,
    Section,
    build_network,
)

if TYPE_CHECKING:
    from model.scenario import Scenario

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
    # built once per process for the same tables (a sweep builds one model after another);
    # each caller gets its own caches (``_cache``), so no run reads another's results
    key = (tuple(routes), tuple(ports), tuple(sorted(modes.items())), snap_km, port_attach_km)
    net = _BUILT.get(key)
    if net is None:
        net = build_network(routes, ports, modes, snap_km=snap_km, port_attach_km=port_attach_km)
        for f in fields(net):
            value = getattr(net, f.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)  # shared by every network built from these tables
        if len(_BUILT) >= _NETWORKS_KEPT:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[key] = net
    return replace(net, _cache={}, port_node=dict(net.port_node))


_NETWORKS_KEPT = 8
_BUILT: dict[tuple, FreightNetwork] = {}


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
