"""Derive ``geodata/countries.geojson``, the Corridor basemap of country shapes.

Source: Natural Earth admin-0 countries at 1:50m (public domain) as shipped in
the npm package ``world-atlas@2.0.2`` (ISC licence), file ``countries-50m.json``
(TopoJSON, object ``countries``; the feature id is the ISO 3166-1 numeric code).

Steps, in order:

1. Obtain the TopoJSON: ``npm pack world-atlas@2.0.2`` into a temporary directory
   and read ``package/countries-50m.json`` from the tarball, or take a local copy
   given with ``--topojson``. Its sha256 must equal :data:`TOPOJSON_SHA256`.
2. Read it with pyogrio (GDAL's TopoJSON driver, layer ``countries``).
3. Undo antimeridian wraps: world-atlas rings are spherical, so a ring that
   crosses 180 degrees jumps from about +179.9 to -180 (Russia's Chukotka and
   Wrangel Island). Such rings are unwrapped so their longitudes run on
   continuously (up to about 190 degrees); rings around a pole are left alone.
4. Repair invalid geometries with ``shapely.make_valid``, keeping polygonal parts.
5. Add ``iso_a3`` from the numeric id with ``pycountry``; features without an id
   take the value in :data:`ISO_A3_FALLBACK` (``-99`` as Natural Earth does when a
   name is not listed there).
6. Keep every country that intersects the theatre box (lon -25..180,
   lat 20..82) and clip it to lon -25..180 (latitudes are not clipped). Land east
   of the antimeridian (the tip of Chukotka) is thereby cut at 180 degrees.
7. Snap coordinates to a 1e-4 degree grid (about 11 m; the 1:50m source is
   quantized to about 0.0036 x 0.0017 degrees), keeping the geometries valid,
   and orient rings as RFC 7946 asks (exteriors counter-clockwise).
8. Draw Crimea within Ukraine's internationally recognised borders (UN General
   Assembly resolution 68/262): Natural Earth's default (de facto) view puts it in
   Russia, as a separate part of Russia's multipolygon that touches Ukraine. The
   part of RUS lying wholly inside :data:`CRIMEA_BOX` moves to UKR; no vertex is
   added or moved.
9. Write RFC 7946 GeoJSON (WGS84, no ``crs`` member) with the properties
   ``iso_a3`` and ``name`` only, one feature per line, sorted by ``iso_a3`` then
   ``name``. The output depends only on the input, so a rerun gives the same
   bytes.

The close-up file ``geodata/countries_10m.geojson`` comes from ``countries-10m.json`` of the same package
(Natural Earth 1:10m, sha256 :data:`TOPOJSON_10M_SHA256`) by the same steps 2-5 and 7-9, except that step 6 clips
every country to the close-up boxes of ``layers.model.basemap.CLOSEUP_BOXES`` (Korea / Russian Far East, and
Ukraine / western Russia) and keeps what falls inside them, and the grid of step 7 is 1e-3 degree (about 100 m,
below a pixel at zoom 8) with written coordinates of 3 decimals, so the file stays small. Each feature also
carries ``box``, the close-up box it was cut to (a country in both boxes, Russia, has one feature per box).

Usage (from the repository root)::

    .venv/bin/python scripts/derive_countries.py
    .venv/bin/python scripts/derive_countries.py --topojson /path/countries-50m.json \
        --topojson-10m /path/countries-10m.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layers.model.basemap import CLOSEUP_BOXES

PACKAGE = "world-atlas@2.0.2"
TARBALL_MEMBER = "package/countries-50m.json"
TARBALL_MEMBER_10M = "package/countries-10m.json"
TOPOJSON_LAYER = "countries"
TOPOJSON_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"
TOPOJSON_10M_SHA256 = "3bc6f1d367a9bcec479841bae0e76092f512838411d0cef124e92eec4db45f79"

#: Theatre box (lon_min, lat_min, lon_max, lat_max): a country is kept when it intersects it.
THEATRE_BOX: tuple[float, float, float, float] = (-25.0, 20.0, 180.0, 82.0)
#: Longitude band every kept country is clipped to.
LON_MIN, LON_MAX = -25.0, 180.0
#: Coordinates are snapped to this grid (degrees) and written with this many decimals.
GRID = 1e-4
DECIMALS = 4
#: The close-up file's grid and decimals (about 100 m).
GRID_10M = 1e-3
DECIMALS_10M = 3

#: ISO 3166-1 alpha-3 for features that carry no numeric id in world-atlas.
#: Kosovo has no ISO code; "XKX" is the user-assigned code the EU and others use.
#: The others get "-99", as Natural Earth's ISO_A3 field does.
ISO_A3_FALLBACK: dict[str, str] = {
    "Kosovo": "XKX",
    "N. Cyprus": "-99",
    "Somaliland": "-99",
    "Siachen Glacier": "-99",
    "Indian Ocean Ter.": "-99",
}
UNKNOWN_ISO_A3 = "-99"

#: Selects Russia's polygon part that is Crimea (lon_min, lat_min, lon_max, lat_max); not written anywhere.
CRIMEA_BOX: tuple[float, float, float, float] = (32.0, 44.0, 36.7, 46.4)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "geodata" / "countries.geojson"
DEFAULT_OUTPUT_10M = REPO_ROOT / "geodata" / "countries_10m.geojson"


def sha256_of(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def fetch_topojson(workdir: Path, member_name: str = TARBALL_MEMBER) -> Path:
    """Run ``npm pack`` for :data:`PACKAGE` in ``workdir`` (once) and extract one TopoJSON member.

    Only that member is read from the tarball, so no path in it can escape ``workdir``.
    """
    if not sorted(workdir.glob("*.tgz")):
        _npm_pack(workdir)
    tarballs = sorted(workdir.glob("*.tgz"))
    with tarfile.open(tarballs[0], "r:gz") as tar:
        member = tar.extractfile(member_name)
        if member is None:
            raise RuntimeError(f"{member_name} is not a file in {tarballs[0].name}")
        data = member.read()
    target = workdir / Path(member_name).name
    target.write_bytes(data)
    return target


def _npm_pack(workdir: Path) -> None:
    """Run ``npm pack`` for :data:`PACKAGE` in ``workdir``."""
    result = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarballs = sorted(workdir.glob("*.tgz"))
    if len(tarballs) != 1:
        raise RuntimeError(f"npm pack left {len(tarballs)} tarballs in {workdir}: {result.stdout!r}")


def verify(path: Path, expected: str = TOPOJSON_SHA256) -> None:
    """Raise if the sha256 of ``path`` differs from ``expected`` (default :data:`TOPOJSON_SHA256`)."""
    digest = sha256_of(path.read_bytes())
    if digest != expected:
        raise RuntimeError(f"sha256 of {path} is {digest}, expected {expected}")


def unwrap_ring(coords: np.ndarray) -> np.ndarray | None:
    """Unwrap the longitudes of a closed ring that jumps across the antimeridian.

    Returns the ring with continuous longitudes, shifted so that its western end is at
    or east of -180, or ``None`` if the ring does not close once unwrapped (it goes
    round a pole) and so cannot be drawn on a plane this way.
    """
    lon = coords[:, 0]
    steps = np.diff(lon)
    turns = np.concatenate([[0.0], np.cumsum(-360.0 * np.round(steps / 360.0))])
    if turns[-1] != 0.0:
        return None
    out = coords.copy()
    out[:, 0] = lon + turns
    if out[:, 0].min() < -180.0:
        out[:, 0] += 360.0
    return out


def has_wrap(coords: np.ndarray) -> bool:
    """Tell whether a ring has an edge spanning more than 180 degrees of longitude."""
    return bool((np.abs(np.diff(coords[:, 0])) > 180.0).any())


def fix_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Unwrap every polygon of ``geom`` whose rings cross the antimeridian."""
    polygons = []
    changed = False
    for poly in shapely.get_parts(geom):
        shell = np.asarray(poly.exterior.coords)
        holes = [np.asarray(ring.coords) for ring in poly.interiors]
        if not (has_wrap(shell) or any(has_wrap(h) for h in holes)):
            polygons.append(poly)
            continue
        new_shell = unwrap_ring(shell)
        new_holes = [unwrap_ring(h) for h in holes]
        if new_shell is None or any(h is None for h in new_holes):
            polygons.append(poly)  # round a pole (Antarctica): leave as it is
            continue
        centre = new_shell[:, 0].mean()
        aligned = []
        for hole in new_holes:
            assert hole is not None
            hole[:, 0] += 360.0 * round((centre - hole[:, 0].mean()) / 360.0)
            aligned.append(hole)
        polygons.append(shapely.Polygon(new_shell, aligned))
        changed = True
    if not changed:
        return geom
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Return the polygonal parts of ``geom`` as a Polygon or MultiPolygon, or ``None``."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts: list[shapely.Polygon] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon" and not part.is_empty:
            parts.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            sub = polygonal(part)
            if sub is not None:
                parts.extend(shapely.get_parts(sub))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def repair(geom: BaseGeometry) -> BaseGeometry | None:
    """Make ``geom`` valid, keeping only its polygonal parts."""
    if geom.is_valid:
        return polygonal(geom)
    return polygonal(shapely.make_valid(geom, method="structure", keep_collapsed=False))


def feature_code(numeric: object, name: str, notes: list[str], where: str = "") -> str:
    """A feature's iso_a3 from its world-atlas id (a fallback is noted in ``notes``, prefixed by ``where``)."""
    code_in = numeric if isinstance(numeric, str) and numeric else None
    iso_a3, fell_back = iso_a3_for(code_in, name)
    if fell_back:
        notes.append(f"{where}{name!r}: numeric id {code_in!r} -> fallback iso_a3 {iso_a3!r}")
    return iso_a3


def iso_a3_for(numeric: str | None, name: str) -> tuple[str, bool]:
    """Map a numeric ISO 3166-1 id to alpha-3; return the code and whether a fallback was used."""
    if numeric:
        country = pycountry.countries.get(numeric=numeric.zfill(3))
        if country is not None:
            return str(country.alpha_3), False
    return ISO_A3_FALLBACK.get(name, UNKNOWN_ISO_A3), True


def finish(geom: BaseGeometry, clip: BaseGeometry | None = None, grid: float = GRID) -> BaseGeometry | None:
    """Clip to the longitude band (or ``clip``), snap to ``grid`` and orient rings as RFC 7946 asks."""
    band = shapely.box(LON_MIN, -90.0, LON_MAX, 90.0) if clip is None else clip
    clipped = polygonal(geom.intersection(band))
    if clipped is None:
        return None
    snapped = polygonal(shapely.set_precision(clipped, grid))
    if snapped is None:
        return None
    return shapely.orient_polygons(shapely.normalize(snapped))


def number(value: float, decimals: int = DECIMALS) -> float | int:
    """Round a coordinate to ``decimals``, writing whole numbers without ``.0``."""
    rounded = round(value, decimals)
    if rounded == 0.0:
        return 0
    if rounded.is_integer():
        return int(rounded)
    return rounded


def geometry_json(geom: BaseGeometry, decimals: int = DECIMALS) -> dict[str, Any]:
    """Return the GeoJSON geometry of a Polygon or MultiPolygon with rounded coordinates."""

    def ring(r: shapely.LinearRing) -> list[list[float | int]]:
        return [[number(x, decimals), number(y, decimals)] for x, y in np.asarray(r.coords)[:, :2]]

    def poly(p: shapely.Polygon) -> list[list[list[float | int]]]:
        return [ring(p.exterior), *(ring(h) for h in p.interiors)]

    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": poly(geom)}
    return {"type": "MultiPolygon", "coordinates": [poly(p) for p in geom.geoms]}


def derive(topojson: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Read the TopoJSON and return the theatre's features and notes on fallbacks used."""
    frame = pyogrio.read_dataframe(topojson, layer=TOPOJSON_LAYER)
    theatre = shapely.box(*THEATRE_BOX)
    features: list[dict[str, Any]] = []
    notes: list[str] = []
    for numeric, name, raw in zip(frame["id"], frame["name"], frame.geometry, strict=True):
        if raw is None:
            continue
        geom = repair(fix_antimeridian(raw))
        if geom is None or not geom.intersects(theatre):
            continue
        done = finish(geom)
        if done is None:
            continue
        iso_a3 = feature_code(numeric, str(name), notes)
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a3": iso_a3, "name": str(name)},
                "geometry": geometry_json(done),
            }
        )
    recognised_borders(features)
    features.sort(key=lambda f: (f["properties"]["iso_a3"], f["properties"]["name"]))
    return features, notes


def derive_closeups(topojson: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Read the 1:10m TopoJSON and return every country's part inside each close-up box, with notes."""
    frame = pyogrio.read_dataframe(topojson, layer=TOPOJSON_LAYER)
    features: list[dict[str, Any]] = []
    notes: list[str] = []
    repaired = []
    for numeric, name, raw in zip(frame["id"], frame["name"], frame.geometry, strict=True):
        if raw is None:
            continue
        geom = repair(fix_antimeridian(raw))
        if geom is not None:
            repaired.append((numeric, name, geom))
    for box_id, box in sorted(CLOSEUP_BOXES.items()):
        clip = shapely.box(*box)
        found: list[dict[str, Any]] = []
        for numeric, name, geom in repaired:
            if not geom.intersects(clip):
                continue
            done = finish(geom, clip, GRID_10M)
            if done is None:
                continue
            iso_a3 = feature_code(numeric, str(name), notes, f"10m {box_id} ")
            found.append({"type": "Feature", "properties": {"iso_a3": iso_a3, "name": str(name), "box": box_id},
                          "geometry": geometry_json(done, DECIMALS_10M)})
        if box_id == "west":
            recognised_borders(found, DECIMALS_10M)
        features += found
    features.sort(key=lambda f: (f["properties"]["box"], f["properties"]["iso_a3"], f["properties"]["name"]))
    return features, notes


def recognised_borders(features: list[dict[str, Any]], decimals: int = DECIMALS) -> None:
    """Move Crimea (a separate part of RUS in Natural Earth's de facto view) into UKR, in place."""
    by_iso = {f["properties"]["iso_a3"]: f for f in features}
    rus, ukr = by_iso["RUS"], by_iso["UKR"]
    rus_geom = shapely.from_geojson(json.dumps(rus["geometry"]))
    crimea_box = shapely.box(*CRIMEA_BOX)
    moved = [p for p in shapely.get_parts(rus_geom) if crimea_box.contains(p)]
    if len(moved) != 1:
        raise RuntimeError(f"expected one Crimea part in RUS, found {len(moved)}")
    kept = [p for p in shapely.get_parts(rus_geom) if not crimea_box.contains(p)]
    ukr_geom = shapely.union(shapely.from_geojson(json.dumps(ukr["geometry"])), moved[0])
    rus["geometry"] = geometry_json(shapely.orient_polygons(shapely.MultiPolygon(kept)), decimals)
    ukr["geometry"] = geometry_json(shapely.orient_polygons(ukr_geom), decimals)


def render(features: list[dict[str, Any]]) -> str:
    """Serialize the features as a FeatureCollection, one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def check(text: str) -> None:
    """Raise unless every written geometry is valid and has RFC 7946 ring orientation."""
    for feature in json.loads(text)["features"]:
        geom = shapely.from_geojson(json.dumps(feature["geometry"]))
        label = feature["properties"]["name"]
        if not geom.is_valid:
            raise RuntimeError(f"{label}: invalid after rounding: {shapely.is_valid_reason(geom)}")
        for poly in shapely.get_parts(geom):
            if not poly.exterior.is_ccw or any(h.is_ccw for h in poly.interiors):
                raise RuntimeError(f"{label}: ring orientation is not RFC 7946")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, derive the countries file and print its feature count and size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--topojson",
        type=Path,
        help=f"local copy of countries-50m.json from {PACKAGE} (default: npm pack it)",
    )
    parser.add_argument("--topojson-10m", type=Path,
                        help=f"local copy of countries-10m.json from {PACKAGE} (default: npm pack it)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    parser.add_argument("--output-10m", type=Path, default=DEFAULT_OUTPUT_10M, help=f"default: {DEFAULT_OUTPUT_10M}")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="world-atlas-") as tmp:
        source = args.topojson if args.topojson else fetch_topojson(Path(tmp))
        verify(source)
        features, notes = derive(source)
        source_10m = args.topojson_10m if args.topojson_10m else fetch_topojson(Path(tmp), TARBALL_MEMBER_10M)
        verify(source_10m, TOPOJSON_10M_SHA256)
        closeups, notes_10m = derive_closeups(source_10m)

    for output, found in ((args.output, features), (args.output_10m, closeups)):
        text = render(found)
        check(text)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8", newline="\n")
        size = output.stat().st_size
        print(f"wrote {output}: {len(found)} features, {size} bytes ({size / 1e6:.2f} MB)")
    for note in notes + notes_10m:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
