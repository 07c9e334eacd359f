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
and volumes are kept per chain. A round's searches are made up front (all its searches see the
weights of its start), one per mode mask, from the origins that need them; a round's choices
(each flow's cost, destination and path) are remembered per (arc weights, moving flows), which
rounds of other months often meet (a link's weight depends on its capacity only once it carries
cargo); traced paths are remembered per sequence of states; and a month whose inputs equal a
recent month's reuses its result. All of these give exactly the results computed afresh.

Costs are in USD per tonne, volumes in tonnes per month; ``tkm_by_mode`` in tonne-km.
"""

from model.markets.freight.assignment import Assignment, Flows, Path, assign, make_flows, path_modes
from model.markets.freight.network import (
    BPR_ALPHA,
    BPR_BETA,
    FULL_TOL_T,
    MODES,
    MONTHS,
    RAIL,
    RIVER,
    RIVER_CAPACITY_GAIN,
    RIVER_SEASON_GAIN_MONTHS,
    ROAD,
    SEA,
    FreightNetwork,
    ModeSpec,
    PortSpec,
    RouteSpec,
    Section,
    build_network,
    link_capacity_t,
    link_open,
)
from model.markets.freight.tables import (
    T_PER_MT_YEAR_TO_MONTH,
    background_flows,
    network_from_scenario,
)

__all__ = [
    "BPR_ALPHA", "BPR_BETA", "FULL_TOL_T", "MODES", "MONTHS", "RAIL", "RIVER",
    "RIVER_CAPACITY_GAIN", "RIVER_SEASON_GAIN_MONTHS", "ROAD", "SEA", "T_PER_MT_YEAR_TO_MONTH",
    "Assignment", "Flows", "FreightNetwork", "ModeSpec", "Path", "PortSpec", "RouteSpec",
    "Section", "assign", "background_flows", "build_network", "link_capacity_t", "link_open",
    "make_flows", "network_from_scenario", "path_modes",
]
