#!/usr/bin/env python3
"""Make the small boundary, river, lake and neighbour files shipped in ``model/data/atlas``.

This script is run by hand, once, when the shipped data are (re)made; the model and the tests
never run it and the model does not need shapely. It needs shapely >= 2.0 (and PyYAML for the
optional checks)::

    python -m venv /tmp/atlasvenv && /tmp/atlasvenv/bin/pip install shapely pyyaml py7zr
    /tmp/atlasvenv/bin/python tools/prepare_atlas_data.py \\
        --subjects russia_by_federal_subjects_since_2008.geojson \\
        --rivers ne_50m_rivers_lake_centerlines.json \\
        --lakes ne_50m_lakes.json \\
        --countries ne_50m_admin_0_countries.json \\
        --out model/data/atlas --facts shared/data/facts.yaml

Sources (public GitHub repositories; read with ``git show COMMIT:PATH``):

* ``--subjects``: repository ``mgastner/cartogram-cpp``, commit
  ``abe8b45f4ff2c6dbeee55f7b5a9fab4c207181aa``, path
  ``sample_data/russia_by_federal_subjects_since_2008/russia_by_federal_subjects_since_2008.geojson``.
  It is geoBoundaries gbOpen RUS ADM1 (boundaryID RUS-ADM1-28173009; Runfola et al. 2020,
  PLoS ONE 15(4): e0231866), downloaded by the cartogram-cpp authors on 4 July 2022 and
  simplified by them with mapshaper to ~48,900 points. geoBoundaries' metadata for this boundary
  give the source as OpenStreetMap (via Wambacher's boundary extracts) and the licence as the
  Open Data Commons Open Database License 1.0. (Do NOT use the same repository's
  ``russia_by_federal_subject_since_2008`` file, singular: that one is derived from GADM.)
* ``--rivers``, ``--lakes``, ``--countries``: repository ``martynafford/natural-earth-geojson``,
  commit ``0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e``, paths
  ``50m/physical/ne_50m_rivers_lake_centerlines.json``, ``50m/physical/ne_50m_lakes.json`` and
  ``50m/cultural/ne_50m_admin_0_countries.7z`` (a 7z archive holding
  ``ne_50m_admin_0_countries.json``; extract it first, e.g. with ``py7zr``). Natural Earth,
  public domain.

What is done:

* subjects: the 83 subjects are clipped at 180 deg E (the parts of Chukotka east of the
  antimeridian are dropped), then simplified as a coverage: the subjects' boundaries are cut into
  arcs at the points where three or more subjects (or two subjects and the sea/border) meet, every
  arc is simplified once with Douglas-Peucker, and the faces are rebuilt from the simplified arcs
  (so neighbouring subjects still share their border exactly and holes such as Moscow city inside
  Moscow Oblast stay holes). The tolerance is ``--tol-interior`` on borders between two subjects
  and ``--tol-exterior`` on the coast and the state border; within ``--protect-radius`` degrees of
  the check points (facts.yaml cities, foreign cities, a few extra sites) the tolerance drops to
  ``--tol-fine`` so that e.g. Blagoveshchensk and Heihe, 4 km apart across the Amur, stay on their
  own sides. Coordinates are rounded to 3 decimals. Each subject gets its model region.
* rivers: named Natural Earth centrelines clipped to lon 19..180, lat 41..82, pieces merged under
  one id (e.g. Ob, Irtysh = Irtysh + Ertis + Ertix, Amur = Amur + Heilong Jiang, Yenisei = Yenisey +
  Verkhniy Yenisey), the Angara's "lake centreline" through Lake Baikal removed, simplified
  (``--tol-rivers``), rounded.
* lakes: named Natural Earth lakes and reservoirs of at least ``--min-lake-area`` square degrees in
  the window, exterior rings only, simplified, rounded.
* neighbours: every Natural Earth admin-0 country other than Russia with land in the window,
  clipped to it, simplified (``--tol-neighbours``), exterior rings only, rounded. Drawing only.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, shape
from shapely.ops import unary_union

WINDOW = (19.0, 41.0, 180.0, 82.0)  # lon_min, lat_min, lon_max, lat_max

GB_SOURCE = (
    "geoBoundaries gbOpen RUS ADM1 (boundaryID RUS-ADM1-28173009; Runfola et al. 2020, "
    "PLoS ONE 15(4): e0231866, https://www.geoboundaries.org), itself from OpenStreetMap "
    "via Wambacher's boundary extracts; copy as simplified in github.com/mgastner/cartogram-cpp "
    "commit abe8b45f4ff2c6dbeee55f7b5a9fab4c207181aa, sample_data/"
    "russia_by_federal_subjects_since_2008/russia_by_federal_subjects_since_2008.geojson"
)
GB_LICENCE = (
    "Open Data Commons Open Database License 1.0 (ODbL-1.0), as stated in geoBoundaries' "
    "metadata for RUS ADM1; (c) OpenStreetMap contributors; this simplified file is offered "
    "under the same licence"
)
NE_SOURCE = (
    "Natural Earth 1:50m ({what}, https://www.naturalearthdata.com), GeoJSON copy in "
    "github.com/martynafford/natural-earth-geojson commit "
    "0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e, {path}"
)
NE_LICENCE = "public domain (Natural Earth); the GeoJSON copy is released under CC0 1.0"

# subject (geoBoundaries shapeName) -> model region; every other subject is European Russia
MODEL_REGION = {
    "Krasnoyarsk Krai": "Krasnoyarsk Krai",
    "Irkutsk Oblast": "Irkutsk Oblast",
    "Tuva": "Tuva",
    "Khakassia": "Khakassia",
    "Kemerovo Oblast": "Kemerovo Oblast",
    "Novosibirsk Oblast": "Novosibirsk Oblast",
    "Tomsk Oblast": "Tomsk Oblast",
    "Omsk Oblast": "Omsk Oblast",
    "Altai Krai": "Altai Krai",
    "Altai Republic": "Altai Republic",
    "Buryatia": "Buryatia",
    "Zabaykalsky Krai": "Zabaykalsky Krai",
    "Sakha Republic": "Sakha (Yakutia)",
    "Amur Oblast": "Amur Oblast",
    "Khabarovsk Krai": "Khabarovsk Krai",
    "Primorsky Krai": "Primorsky Krai",
    "Tyumen Oblast": "Tyumen Oblast with KhMAO and YaNAO",
    "Khanty-Mansiysk Autonomous Okrug – Ugra": "Tyumen Oblast with KhMAO and YaNAO",
    "Yamalo-Nenets Autonomous Okrug": "Tyumen Oblast with KhMAO and YaNAO",
    "Sverdlovsk Oblast": "Sverdlovsk, Chelyabinsk and Kurgan Oblasts",
    "Chelyabinsk Oblast": "Sverdlovsk, Chelyabinsk and Kurgan Oblasts",
    "Kurgan Oblast": "Sverdlovsk, Chelyabinsk and Kurgan Oblasts",
    "Magadan Oblast": "Rest of the Far East",
    "Chukotka Autonomous Okrug": "Rest of the Far East",
    "Kamchatka Krai": "Rest of the Far East",
    "Sakhalin Oblast": "Rest of the Far East",
    "Jewish Autonomous Oblast": "Rest of the Far East",
}
EUROPEAN_RUSSIA = "European Russia"
MODEL_REGIONS = sorted(set(MODEL_REGION.values()) | {EUROPEAN_RUSSIA})

# Natural Earth river "name" -> (id, display name). Pieces with the same id are merged.
RIVERS = {
    "Ob": ("ob", "Ob"),
    "Irtysh": ("irtysh", "Irtysh"),
    "Ertis": ("irtysh", "Irtysh"),  # Kazakh name of the same river (upper course)
    "Ertix": ("irtysh", "Irtysh"),  # Chinese name (Black Irtysh)
    "Yenisey": ("yenisei", "Yenisei"),  # below the Angara confluence
    "Verkhniy Yenisey": ("yenisei", "Yenisei"),  # "Upper Yenisei": Kyzyl to the Angara
    "Malyy Yenisey": ("maly_yenisei", "Maly Yenisei (Ka-Khem)"),
    "Kyzyl-Khem": ("maly_yenisei", "Maly Yenisei (Ka-Khem)"),  # its upper course in Tuva
    "Shishhid Gol": ("shishkhid_gol", "Shishkhid Gol"),  # its source river in Mongolia
    "Angara": ("angara", "Angara"),
    "Lena": ("lena", "Lena"),
    "Bykovskaya Protoka": ("lena", "Lena"),  # Lena delta channels
    "Olenekskaya Protoka": ("lena", "Lena"),
    "Trofimovskaya Protoka": ("lena", "Lena"),
    "Tumatskaya Protoka": ("lena", "Lena"),
    "Vilyuy": ("vilyuy", "Vilyuy"),
    "Aldan": ("aldan", "Aldan"),
    "Amur": ("amur", "Amur"),
    "Heilong Jiang": ("amur", "Amur"),  # Chinese name of the upper Amur
    "Argun’": ("argun", "Argun"),
    "Hailar": ("hailar", "Hailar"),
    "Songhua": ("songhua", "Songhua (Sungari)"),
    "Kolyma": ("kolyma", "Kolyma"),
    "Indigirka": ("indigirka", "Indigirka"),
    "Olenëk": ("olenyok", "Olenyok"),
    "Khatanga": ("khatanga", "Khatanga"),
    "Kheta": ("kheta", "Kheta"),
    "Anadyr’": ("anadyr", "Anadyr"),
    "Kamchatka": ("kamchatka", "Kamchatka"),
    "Lower Tunguska": ("nizhnyaya_tunguska", "Nizhnyaya Tunguska"),
    "Taz": ("taz", "Taz"),
    "Tom’": ("tom", "Tom"),
    "Biya": ("biya", "Biya"),
    "Chulyshman": ("chulyshman", "Chulyshman"),
    "Tobol": ("tobol", "Tobol"),
    "Selenge (Selenga)": ("selenga", "Selenga"),
    "Ideriyn": ("ider", "Ider"),
    "Volga": ("volga", "Volga"),
    "Kama": ("kama", "Kama"),
    "Don": ("don", "Don"),
    "Ural": ("ural", "Ural"),
    "Pechora": ("pechora", "Pechora"),
    "Severnaya Dvina": ("northern_dvina", "Northern Dvina"),
    "Sukhona": ("sukhona", "Sukhona"),
    "Vychegda": ("vychegda", "Vychegda"),
    "Neva": ("neva", "Neva"),
    "Svir’": ("svir", "Svir"),
    "Vuoksi": ("vuoksi", "Vuoksi"),
    "Kem": ("kem", "Kem"),
    "Daugava": ("daugava", "Daugava (Western Dvina)"),
    "Dnepre": ("dnieper", "Dnieper"),  # Natural Earth's name for the Dnieper's upper course
    "Dnipro": ("dnieper", "Dnieper"),
    "Dniester": ("dniester", "Dniester"),
    "Danube": ("danube", "Danube"),
    "Borcea": ("danube", "Danube"),  # Danube branches and delta arms
    "Bratul Chillia": ("danube", "Danube"),
    "Bratul Sfintu Gheorghe": ("danube", "Danube"),
    "Bratul Sulina": ("danube", "Danube"),
    "Soroksari Duna": ("danube", "Danube"),
    "Tisza": ("tisza", "Tisza"),
    "Tisa": ("tisza", "Tisza"),
    "Vistula": ("vistula", "Vistula"),
    "Kemijoki": ("kemijoki", "Kemijoki"),
    "Kokemäenjoki": ("kokemaenjoki", "Kokemäenjoki"),
    "Syr Darya": ("syr_darya", "Syr Darya"),
    "Amu  Darya": ("amu_darya", "Amu Darya"),
    "Naryn": ("naryn", "Naryn"),
    "Ishikari": ("ishikari", "Ishikari"),
    "Liao": ("liao", "Liao"),
    "Xiliao": ("liao", "Liao"),  # Western Liao
    "Xar Moron": ("xar_moron", "Xar Moron"),
    "Tarim": ("tarim", "Tarim"),
    "Konqi": ("konqi", "Konqi"),
}

EXTRA_POINTS = [  # name, lat, lon, expected model region (not in facts.yaml places.cities)
    ("Sayano-Shushenskaya dam", 52.83, 91.37, "Khakassia"),
    ("Tomtor", 71.0, 116.5, "Sakha (Yakutia)"),
]
FACTS_REGION_ALIASES = {"Sverdlovsk and Chelyabinsk Oblasts": "Sverdlovsk, Chelyabinsk and Kurgan Oblasts"}


# ------------------------------------------------------------------ helpers

def slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")


def rnd(coords, nd: int = 3) -> list[list[float]]:
    """Round to nd decimals and drop consecutive duplicates."""
    out: list[list[float]] = []
    for x, y in coords:
        p = [round(float(x), nd), round(float(y), nd)]
        if not out or p != out[-1]:
            out.append(p)
    return out


def ring_out(ring) -> list[list[float]] | None:
    r = rnd(ring.coords)
    if r[0] != r[-1]:
        r.append(list(r[0]))
    return r if len(r) >= 4 else None


def polygons_of(geom) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in polygons_of(part)]


def lines_of(geom) -> list[LineString]:
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    return [g for part in getattr(geom, "geoms", []) for g in lines_of(part)]


def km_between(lon1, lat1, lon2, lat2) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def dp_variable(xy: np.ndarray, tol_at) -> np.ndarray:
    """Douglas-Peucker keeping the end points; the tolerance may vary with the vertex position.

    ``tol_at(points) -> tolerances`` gives the tolerance at each vertex; a vertex is kept when its
    distance to the chord exceeds the tolerance at that vertex.
    """
    n = len(xy)
    if n <= 2:
        return xy
    tol = tol_at(xy)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = xy[i], xy[j]
        seg = b - a
        pts = xy[i + 1:j]
        L2 = float(seg @ seg)
        if L2 == 0.0:
            d = np.hypot(*(pts - a).T)
        else:
            t = np.clip(((pts - a) @ seg) / L2, 0.0, 1.0)
            d = np.hypot(*(pts - (a + t[:, None] * seg)).T)
        k = int(np.argmax(d - tol[i + 1:j]))
        if d[k] > tol[i + 1 + k]:
            m = i + 1 + k
            keep[m] = True
            stack.append((i, m))
            stack.append((m, j))
    return xy[keep]


def make_tol_at(base: float, fine: float, centres: np.ndarray, radius: float):
    def tol_at(xy: np.ndarray) -> np.ndarray:
        tol = np.full(len(xy), base)
        if len(centres):
            d2 = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).min(axis=1)
            tol[d2 <= radius * radius] = fine
        return tol
    return tol_at


# ------------------------------------------------------------------ subjects

def simplify_coverage(geoms: list, tol_interior: float, tol_exterior: float, tol_fine: float,
                      protect: np.ndarray, radius: float) -> list:
    """Simplify a polygon coverage arc by arc so that shared borders stay shared."""
    union_boundary = unary_union(geoms).boundary  # coast + state border
    noded = unary_union([g.boundary for g in geoms])  # nodes every junction
    arcs = lines_of(shapely.line_merge(noded))
    ext_zone = union_boundary.buffer(1e-7)
    tol_int = make_tol_at(tol_interior, tol_fine, protect, radius)
    tol_ext = make_tol_at(tol_exterior, tol_fine, protect, radius)
    simple = []
    for arc in arcs:
        xy = np.asarray(arc.coords)
        exterior = ext_zone.contains(arc)
        s = dp_variable(xy, tol_ext if exterior else tol_int)
        if arc.is_closed and len(s) < 4:  # a closed arc (island or enclave) collapsed
            s = xy if len(xy) <= 4 else dp_variable(xy, make_tol_at(tol_fine, tol_fine, protect, radius))
            if len(s) < 4:
                continue
        simple.append(LineString(np.round(s, 3)))  # on the 0.001-degree grid already
    faces = list(shapely.polygonize(list(lines_of(unary_union(simple)))).geoms)
    tree = shapely.STRtree(geoms)
    parts: list[list] = [[] for _ in geoms]
    for face in faces:
        if face.area == 0:
            continue
        best, best_area = -1, 0.0
        for idx in tree.query(face):
            a = face.intersection(geoms[idx]).area
            if a > best_area:
                best, best_area = int(idx), a
        # drop faces that are mostly sea or foreign land (spurious faces between crossed arcs)
        if best >= 0 and best_area >= 0.5 * face.area:
            parts[best].append(face)
    # snap to the 0.001-degree output grid while keeping every polygon valid
    return [shapely.set_precision(unary_union(p), 0.001) if p else Polygon() for p in parts]


def build_subjects(path: Path, args, protect: np.ndarray) -> tuple[dict, list]:
    src = json.loads(path.read_text(encoding="utf-8"))
    clip = box(-1.0, -90.0, 180.0, 90.0)  # keep lon <= 180; nothing of Russia lies west of 19E
    names, isos, geoms = [], [], []
    for f in src["features"]:
        g = shape(f["geometry"]).intersection(clip)
        names.append(f["properties"]["shapeName"])
        isos.append(f["properties"]["shapeISO"])
        geoms.append(shapely.make_valid(g))
    simple = simplify_coverage(geoms, args.tol_interior, args.tol_exterior, args.tol_fine,
                               protect, args.protect_radius)
    out = []
    for name, iso, g in zip(names, isos, simple, strict=True):
        polys = []
        for p in polygons_of(g):
            ext = ring_out(p.exterior)
            if ext is None:
                continue
            holes = [r for r in (ring_out(h) for h in p.interiors) if r is not None]
            polys.append([ext] + holes)
        out.append({"name": name, "iso": iso,
                    "model_region": MODEL_REGION.get(name, EUROPEAN_RUSSIA), "polygons": polys})
    assert len(out) == 83, len(out)
    doc = {
        "source": GB_SOURCE,
        "licence": GB_LICENCE,
        "note": (
            "Russia's 83 federal subjects as of 2008-2014 (Crimea and Sevastopol are not in this "
            "set). Clipped at 180 deg E: the parts of Chukotka east of the antimeridian "
            "(lon -180..-169, incl. the eastern tip of the Chukchi Peninsula and most of Wrangel "
            "Island) are dropped. Simplified arc by arc with Douglas-Peucker "
            f"(tolerance {args.tol_interior} deg on borders between subjects, {args.tol_exterior} "
            f"deg on the coast and the state border, {args.tol_fine} deg within "
            f"{args.protect_radius} deg of the test points) so that neighbours share their "
            "borders; coordinates rounded to 3 decimals. polygons: list of polygons, each "
            "[exterior ring, hole ring, ...], rings closed, [lon, lat] in degrees (WGS84). "
            "Apply the even-odd rule: holes are kept, e.g. Adygea is a hole in Krasnodar Krai and "
            "Moscow's exclaves (Zelenograd and one more) are holes in Moscow Oblast (the city "
            "itself, enlarged in 2012, reaches Kaluga Oblast and is no hole). The boundaries are "
            "OpenStreetMap's as of about 2020. model_region: the model's region for the subject."
        ),
        "subjects": sorted(out, key=lambda s: s["name"]),
    }
    return doc, simple


# ------------------------------------------------------------------ rivers, lakes, countries

def build_lakes(path: Path, args) -> tuple[dict, dict]:
    src = json.loads(path.read_text(encoding="utf-8"))
    win = box(*WINDOW)
    lakes: dict[str, dict] = {}
    geoms: dict[str, object] = {}
    for f in src["features"]:
        if not f["geometry"]:
            continue
        p = f["properties"]
        name = p.get("name")
        g = shape(f["geometry"])
        if not name or not g.intersects(win) or g.area < args.min_lake_area:
            continue
        g = shapely.make_valid(g).intersection(win)
        lid = slug(re.sub(r"^(L\.|O\.|Lake) | (L\.|O\.)$", "", name).replace("Res.", "reservoir"))
        rings = []
        for poly in polygons_of(g):
            s = Polygon(poly.exterior).simplify(args.tol_lakes, preserve_topology=True)
            for q in polygons_of(s):
                r = ring_out(q.exterior)
                if r:
                    rings.append(r)
        if rings:
            entry = lakes.setdefault(lid, {"id": lid, "name": name, "polygons": []})
            entry["polygons"].extend(rings)
            geoms[lid] = unary_union([geoms.get(lid, Polygon()), g])
    doc = {
        "source": NE_SOURCE.format(what="lakes and reservoirs", path="50m/physical/ne_50m_lakes.json"),
        "licence": NE_LICENCE,
        "note": (
            f"Named Natural Earth 1:50m lakes and reservoirs of at least {args.min_lake_area} square "
            f"degrees within lon {WINDOW[0]:g}..{WINDOW[2]:g}, lat {WINDOW[1]:g}..{WINDOW[3]:g}; "
            "polygons: list of exterior rings (islands are not cut out), [lon, lat]; simplified "
            f"with Douglas-Peucker at {args.tol_lakes} deg, rounded to 3 decimals. Drawing only."
        ),
        "lakes": sorted(lakes.values(), key=lambda r: r["id"]),
    }
    return doc, geoms


def build_rivers(path: Path, args, baikal) -> dict:
    src = json.loads(path.read_text(encoding="utf-8"))
    win = box(*WINDOW)
    pieces: dict[str, list] = {}
    display: dict[str, str] = {}
    unknown = set()
    for f in src["features"]:
        if not f["geometry"]:
            continue
        name = f["properties"].get("name")
        g = shape(f["geometry"])
        if not name or not g.intersects(win):
            continue
        if name not in RIVERS:
            unknown.add(name)
            rid, disp = slug(f["properties"].get("name_en") or name), name
        else:
            rid, disp = RIVERS[name]
        g = g.intersection(win)
        if rid == "angara" and baikal is not None:
            # Natural Earth continues the Angara's centreline through Lake Baikal to the Selenga
            # delta; the river itself starts at the lake's outflow at Listvyanka.
            g = g.difference(baikal.buffer(0.02))
            g = unary_union([piece for piece in lines_of(g) if piece.length >= 0.05])
        pieces.setdefault(rid, []).extend(lines_of(g))
        display[rid] = disp
    if unknown:
        print("rivers without an explicit id (slugged):", sorted(unknown))
    rivers = []
    for rid, ls in pieces.items():
        merged = lines_of(shapely.line_merge(unary_union(ls)))
        lines = []
        for line in merged:
            s = line.simplify(args.tol_rivers, preserve_topology=False)
            r = rnd(s.coords)
            if len(r) >= 2:
                lines.append(r)
        if lines:
            rivers.append({"id": rid, "name": display[rid], "lines": lines})
    return {
        "source": NE_SOURCE.format(what="rivers and lake centrelines",
                                   path="50m/physical/ne_50m_rivers_lake_centerlines.json"),
        "licence": NE_LICENCE,
        "note": (
            f"Named Natural Earth 1:50m river and lake centrelines clipped to lon {WINDOW[0]:g}.."
            f"{WINDOW[2]:g}, lat {WINDOW[1]:g}..{WINDOW[3]:g}; pieces of one river merged under "
            "one id (yenisei = Yenisey + Verkhniy Yenisey, i.e. Kyzyl to the Kara Sea; irtysh = "
            "Irtysh + Ertis + Ertix; amur = Amur + Heilong Jiang; lena includes the delta channels); "
            "the Angara's centreline through Lake Baikal is removed. lines: list of polylines, "
            f"[lon, lat]; simplified with Douglas-Peucker at {args.tol_rivers} deg, rounded to 3 "
            "decimals. Natural Earth 1:50m has no Zeya, Bureya, Podkamennaya Tunguska, Yana or "
            "Ussuri."
        ),
        "rivers": sorted(rivers, key=lambda r: r["id"]),
    }


def build_neighbours(path: Path, args) -> dict:
    src = json.loads(path.read_text(encoding="utf-8"))
    win = box(*WINDOW)
    countries = []
    for f in src["features"]:
        p = f["properties"]
        if not f["geometry"]:
            continue
        g = shape(f["geometry"])
        if p["ADMIN"] == "Russia":
            # Natural Earth (this version) draws Crimea as part of Russia; the subject set is the
            # pre-2014 one and lacks it, so keep the peninsula's land as a background shape
            # (no claim either way) so that the map has no hole there.
            crimea_box = box(32.0, 44.0, 36.7, 46.3)
            parts = [q for q in polygons_of(g) if crimea_box.contains(q.representative_point())]
            if parts:
                simplified = [Polygon(q.exterior).simplify(args.tol_neighbours, preserve_topology=True)
                              for q in parts if q.area >= 0.01]
                rings = [ring_out(q.exterior) for q in simplified]
                countries.append({"id": "crimea", "name": "Crimea", "iso": "",
                                  "polygons": [r for r in rings if r]})
            continue
        if not g.intersects(win):
            continue
        g = shapely.make_valid(g).intersection(win)
        rings = []
        for poly in polygons_of(g):
            s = Polygon(poly.exterior).simplify(args.tol_neighbours, preserve_topology=True)
            for q in polygons_of(s):
                if q.area < 0.01:  # small islands
                    continue
                r = ring_out(q.exterior)
                if r:
                    rings.append(r)
        if rings:
            iso = p.get("ISO_A3") if p.get("ISO_A3") not in (None, "-99") else p.get("ADM0_A3")
            countries.append({"id": slug(p["ADMIN"]), "name": p["ADMIN"], "iso": iso,
                              "polygons": rings})
    return {
        "source": NE_SOURCE.format(what="admin-0 countries",
                                   path="50m/cultural/ne_50m_admin_0_countries.7z "
                                        "(ne_50m_admin_0_countries.json)"),
        "licence": NE_LICENCE,
        "note": (
            "Land of the countries other than Russia that lie (partly) in lon "
            f"{WINDOW[0]:g}..{WINDOW[2]:g}, lat {WINDOW[1]:g}..{WINDOW[3]:g}, clipped to it; "
            f"simplified with Douglas-Peucker at {args.tol_neighbours} deg; parts under 0.01 square "
            "degrees dropped; polygons: list of exterior rings, [lon, lat]. For drawing a map "
            "background only; borders are Natural Earth's (de facto) and do not match the "
            "geoBoundaries subjects exactly. 'Crimea' is the peninsula's land, which Natural Earth "
            "(this version) puts in Russia and the pre-2014 subject set lacks: background only."
        ),
        "countries": sorted(countries, key=lambda c: c["id"]),
    }


# ------------------------------------------------------------------ checks

def check_points(facts_path: Path | None):
    pts = []  # name, lat, lon, expected model region or None (= outside Russia)
    if facts_path is not None:
        import yaml
        facts = yaml.safe_load(facts_path.read_text(encoding="utf-8"))
        for c in facts["places"]["cities"]:
            pts.append((c["name"], c["lat"], c["lon"], FACTS_REGION_ALIASES.get(c["region"], c["region"])))
        for c in facts["places"]["outside_russia"]:
            pts.append((c["name"], c["lat"], c["lon"], None))
    pts += EXTRA_POINTS
    return pts


def run_checks(subjects_doc: dict, rivers_doc: dict, pts) -> None:
    import matplotlib.path as mpath  # the reader's method: even-odd over all rings

    def region_of(lon, lat):
        hits = []
        for s in subjects_doc["subjects"]:
            inside = False
            for poly in s["polygons"]:
                n = sum(mpath.Path(np.asarray(r)).contains_point((lon, lat)) for r in poly)
                inside = inside or (n % 2 == 1)
            if inside:
                hits.append(s)
        return hits

    def dist_km(lon, lat, s):
        best = math.inf
        for poly in s["polygons"]:
            for r in poly:
                line = LineString(r)
                q = line.interpolate(line.project(Point(lon, lat)))
                best = min(best, km_between(lon, lat, q.x, q.y))
        return best

    failures = 0
    print("\npoint-in-polygon checks (simplified subjects, even-odd rule):")
    for name, lat, lon, want in pts:
        hits = region_of(lon, lat)
        got = [h["model_region"] for h in hits]
        if want is None:
            nearest = min(subjects_doc["subjects"], key=lambda s: dist_km(lon, lat, s))
            ok = not hits
            print(f"  {'ok ' if ok else 'BAD'} {name:22s} outside Russia: hits={[h['name'] for h in hits]} "
                  f"(nearest subject {nearest['name']}, {dist_km(lon, lat, nearest):.1f} km)")
        else:
            ok = got == [want]
            extra = ""
            if not ok:
                cands = [s for s in subjects_doc["subjects"] if s["model_region"] == want]
                dmin = min(dist_km(lon, lat, s) for s in cands)
                extra = f"  -> {dmin:.2f} km from {want}"
            print(f"  {'ok ' if ok else 'BAD'} {name:22s} {[h['name'] for h in hits]} {want}{extra}")
        failures += not ok
    print(f"  {failures} failure(s)")

    print("\nriver checks (closest vertex of the river):")
    riv = {r["id"]: r for r in rivers_doc["rivers"]}
    for rid, name, lat, lon in [("yenisei", "Krasnoyarsk", 56.010, 92.853),
                                ("lena", "Yakutsk", 62.028, 129.732),
                                ("ob", "Novosibirsk", 55.030, 82.920),
                                ("angara", "Bratsk", 56.15, 101.63),
                                ("angara", "Irkutsk", 52.29, 104.30)]:
        v = np.concatenate([np.asarray(line) for line in riv[rid]["lines"]])
        d = np.hypot(v[:, 0] - lon, v[:, 1] - lat)
        k = int(np.argmin(d))
        print(f"  {rid:8s} near {name:12s}: {d[k]:.3f} deg "
              f"({km_between(lon, lat, v[k, 0], v[k, 1]):.1f} km) at {v[k].tolist()}")


# ------------------------------------------------------------------ main

def count_points(obj) -> int:
    if isinstance(obj, list) and obj and isinstance(obj[0], (int, float)):
        return 1
    if isinstance(obj, list):
        return sum(count_points(o) for o in obj)
    if isinstance(obj, dict):
        return sum(count_points(v) for v in obj.values())
    return 0


def write(doc: dict, path: Path) -> None:
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {path}: {path.stat().st_size / 1024:.0f} KiB, {count_points(doc)} points")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subjects", type=Path, required=True)
    ap.add_argument("--rivers", type=Path, required=True)
    ap.add_argument("--lakes", type=Path)
    ap.add_argument("--countries", type=Path, help="ne_50m_admin_0_countries.json (from the .7z)")
    ap.add_argument("--out", type=Path, default=Path("model/data/atlas"))
    ap.add_argument("--facts", type=Path, help="facts.yaml: test points for protection and checks")
    ap.add_argument("--tol-interior", type=float, default=0.02)
    ap.add_argument("--tol-exterior", type=float, default=0.01)
    ap.add_argument("--tol-fine", type=float, default=0.002)
    ap.add_argument("--protect-radius", type=float, default=0.25)
    ap.add_argument("--tol-rivers", type=float, default=0.02)
    ap.add_argument("--tol-lakes", type=float, default=0.02)
    ap.add_argument("--min-lake-area", type=float, default=0.1)
    ap.add_argument("--tol-neighbours", type=float, default=0.05)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    pts = check_points(args.facts)
    protect = np.array([[lon, lat] for _, lat, lon, _ in pts], dtype=float).reshape(-1, 2)

    subjects_doc, _ = build_subjects(args.subjects, args, protect)
    write(subjects_doc, args.out / "subjects.json")

    baikal = None
    if args.lakes:
        lakes_doc, lake_geoms = build_lakes(args.lakes, args)
        baikal = lake_geoms.get("baikal")
        write(lakes_doc, args.out / "lakes.json")
    rivers_doc = build_rivers(args.rivers, args, baikal)
    write(rivers_doc, args.out / "rivers.json")
    if args.countries:
        write(build_neighbours(args.countries, args), args.out / "neighbours.json")

    run_checks(subjects_doc, rivers_doc, pts)


if __name__ == "__main__":
    main()
