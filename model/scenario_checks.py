"""Cross-table checks of a loaded scenario: ids, regions, nodes, the chain, freight.

Each raises :class:`ScenarioError` with one line naming the file, table, row and field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.errors import ScenarioError, closest
from model.scenario_rows import STAGE_IDS, TABLES

if TYPE_CHECKING:
    from model.scenario import Scenario


def _check_references(s: Scenario) -> None:
    """Cross-table checks: unique ids, known regions, capitals among the cities."""
    for table, (_, key) in TABLES.items():
        seen: set[str] = set()
        for row in getattr(s, table):
            k = getattr(row, key)
            if k in seen:
                raise ScenarioError(f"{s.path}: [[{table}]] has two rows with {key} = {k!r}")
            seen.add(k)
    regions = [r.name for r in s.regions]
    if not regions:
        return  # a fragment (tests); the model itself requires regions
    for table in TABLES:
        for row in getattr(s, table):
            region = getattr(row, "region", None)
            if region is not None and region not in regions:
                raise ScenarioError(
                    f"{s.path}: [[{table}]] {getattr(row, TABLES[table][1])!r}: unknown region "
                    f"{region!r}{closest(region, regions)}"
                )
    _check_power(s)
    _check_chain(s)
    _check_freight(s)
    _check_choke_points(s)
    cities = {c.name for c in s.cities}
    for r in s.regions:
        if r.capital not in cities:
            raise ScenarioError(f"{s.path}: region {r.name!r}: capital {r.capital!r} is not in "
                                f"[[cities]]")


def _check_power(s: Scenario) -> None:
    """Power tables refer to known nodes, regions and profiles; every region has one node."""
    if not s.power_nodes:
        return
    nodes = [n.id for n in s.power_nodes]
    owner: dict[str, str] = {}
    for n in s.power_nodes:
        for r in n.regions:
            if r not in [x.name for x in s.regions]:
                raise ScenarioError(f"{s.path}: power node {n.id!r}: unknown region {r!r}")
            if r in owner:
                raise ScenarioError(f"{s.path}: region {r!r} is in power nodes {owner[r]!r} "
                                    f"and {n.id!r}; a region belongs to one node")
            owner[r] = n.id
    missing = [r.name for r in s.regions if r.name not in owner]
    if missing:
        raise ScenarioError(f"{s.path}: regions in no power node: {', '.join(missing)}")
    for link in s.power_links:
        for end in (link.from_node, link.to_node):
            if end not in nodes:
                raise ScenarioError(f"{s.path}: power link {link.id!r}: unknown node {end!r}"
                                    f"{closest(end, nodes)}")
    profiles = [p.id for p in s.inflow_profiles]
    for table in ("power_stations", "planned_hydro", "large_loads"):
        for row in getattr(s, table):
            if row.power_node is not None and row.power_node not in nodes:
                raise ScenarioError(f"{s.path}: [[{table}]] {row.id!r}: unknown power node "
                                    f"{row.power_node!r}{closest(row.power_node, nodes)}")
            profile = getattr(row, "inflow_profile", None)
            if profile is not None and profile not in profiles:
                raise ScenarioError(f"{s.path}: [[{table}]] {row.id!r}: unknown inflow profile "
                                    f"{profile!r}{closest(profile, profiles)}")


def _check_chain(s: Scenario) -> None:
    """Chain tables refer to known stages, investors, regions and nodes; stages form the chain."""
    where = f"{s.path}:"
    stages = [st.id for st in s.stages]
    if s.stages:
        missing = [i for i in STAGE_IDS if i not in stages]
        if missing:
            raise ScenarioError(f"{where} [[stages]] lacks {', '.join(map(repr, missing))}; the "
                                f"chain needs all of {', '.join(STAGE_IDS)}")
        for st in s.stages:
            k = STAGE_IDS.index(st.id)
            expected = STAGE_IDS[k - 1] if k else None
            if st.input_stage != expected:
                hint = (closest(st.input_stage, list(STAGE_IDS))
                        if st.input_stage not in (*STAGE_IDS, None) else "")
                raise ScenarioError(
                    f"{where} [[stages]] {st.id!r} field 'input_stage': {st.input_stage!r}"
                    f"{hint}; the chain is {' -> '.join(STAGE_IDS)}, so it must be "
                    f"{expected!r}")
    investors = [i.id for i in s.investors]
    regions = [r.name for r in s.regions]
    nodes = [n.id for n in s.power_nodes]

    def known(table: str, row_id: str, field: str, value: str, choices: list[str]) -> None:
        if value not in choices:
            raise ScenarioError(f"{where} [[{table}]] {row_id!r} field '{field}': unknown "
                                f"{value!r}{closest(value, choices)}; valid: "
                                f"{', '.join(choices) or '(none)'}")

    plant_stages = [i for i in stages if i != "mining"]
    sectors = [x.id for x in s.sectors if not x.stages]  # the chain's row is "rare_earths"
    for x in s.sectors:
        for st in x.stages:
            known("sectors", x.id, "stages", st, stages)
        if x.substitutes_tier is not None:
            known("sectors", x.id, "substitutes_tier", x.substitutes_tier,
                  [t.id for t in s.demand_tiers])
        for site in x.sites:
            known("sectors", x.id, "sites", site, [i.id for i in s.industrial_sites])
        if not x.stages and not x.plant_sizes:
            raise ScenarioError(f"{where} [[sectors]] {x.id!r} field 'plant_sizes': give the "
                                f"candidate plant sizes (units/yr)")
    for p in s.processing_plants:
        if p.sector == "rare_earths":
            known("processing_plants", p.id, "stage", str(p.stage), plant_stages)
        else:
            known("processing_plants", p.id, "sector", p.sector, ["rare_earths", *sectors])
        known("processing_plants", p.id, "owner", p.owner, investors)
        if p.status == "building" and p.online_year is None:
            raise ScenarioError(f"{where} [[processing_plants]] {p.id!r} field 'online_year': "
                                f"a building plant needs the year it starts output")
    for inv in s.investors:
        for r in inv.home_regions:
            known("investors", inv.id, "home_regions", r, regions)
        for st in inv.stages:
            known("investors", inv.id, "stages", st, [*stages, *sectors])
    for path in s.world_price_paths:
        known("world_price_paths", path.stage, "stage", path.stage, [*stages, *sectors])
    for t in s.demand_tiers:
        for st in t.supplied_by_stages:
            known("demand_tiers", t.id, "supplied_by_stages", st, stages)
    flags = {r.name: r.siberian for r in s.regions}
    for site in s.industrial_sites:
        if site.siberian != flags[site.region]:
            raise ScenarioError(f"{where} [[industrial_sites]] {site.id!r} field 'siberian': "
                                f"{site.siberian} but its region {site.region!r} has siberian = "
                                f"{flags[site.region]}")
    if nodes:
        for table in ("processing_plants", "industrial_sites"):
            for row in getattr(s, table):
                if row.power_node is not None:
                    known(table, row.id, "power_node", row.power_node, nodes)


def _check_choke_points(s: Scenario) -> None:
    routes = [r.id for r in s.routes]
    for c in s.choke_points:
        for r in c.routes:
            if r not in routes:
                raise ScenarioError(f"{s.path}: [[choke_points]] {c.id!r}: unknown route {r!r}"
                                    f"{closest(r, routes)}")


def _check_freight(s: Scenario) -> None:
    """Routes' sections name their waypoints; river routes have seasons; every route's mode has a
    [[freight_modes]] row (when the table is given); background flows name known ports."""
    where = f"{s.path}:"
    for r in s.routes:
        names = r.waypoint_names or []
        if names and len(names) != len(r.waypoints):
            raise ScenarioError(f"{where} [[routes]] {r.id!r} field 'waypoint_names': "
                                f"{len(names)} names for {len(r.waypoints)} waypoints")
        for sec in r.sections or []:
            if sec.from_waypoint not in names:
                raise ScenarioError(f"{where} [[routes]] {r.id!r} field 'sections': unknown "
                                    f"waypoint {sec.from_waypoint!r}{closest(sec.from_waypoint, names)}"
                                    f"; valid: the route's waypoint_names")
        if s.freight_modes and r.mode == "river" and r.navigation_months is None:
            raise ScenarioError(f"{where} [[routes]] {r.id!r} field 'navigation_months': a river "
                                f"route needs its navigation months (1..12)")
    if s.freight_modes:
        have = [m.mode for m in s.freight_modes]
        for r in s.routes:
            if r.mode not in have:
                raise ScenarioError(f"{where} [[routes]] {r.id!r} field 'mode': {r.mode!r} has no "
                                    f"[[freight_modes]] row; rows: {', '.join(have)}")
    ports = [p.id for p in s.ports]
    for b in s.background_freight:
        for end in ("origin", "destination"):
            value = getattr(b, end)
            lat, lon = getattr(b, f"{end}_lat"), getattr(b, f"{end}_lon")
            if (lat is None) != (lon is None):
                raise ScenarioError(f"{where} [[background_freight]] {b.id!r} field '{end}_lat': "
                                    f"give both {end}_lat and {end}_lon, or neither")
            if lat is not None:
                if not isinstance(value, str):
                    raise ScenarioError(f"{where} [[background_freight]] {b.id!r} field '{end}': "
                                        f"a place with {end}_lat/{end}_lon is one name, not a list")
                continue
            for v in [value] if isinstance(value, str) else value:
                if v not in ports:
                    raise ScenarioError(
                        f"{where} [[background_freight]] {b.id!r} field '{end}': unknown port "
                        f"{v!r}{closest(v, ports)}; valid: a [[ports]] id, or a place name with "
                        f"{end}_lat and {end}_lon")
