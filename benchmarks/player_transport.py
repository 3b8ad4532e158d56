"""How the player's data travels: inlined in the component's args, or a file fetched once per content key.

Prints, for the real data (or ``--data``), the bytes Streamlit sends for the player element on a rerun that
moves the date or the camera (the element's ``json_args``) both ways, and the bytes of the payload file the
browser fetches once per key. Streamlit's ForwardMsg cache only spares an element identical to the previous
run's, so with inlined data every pause, step, click or chapter change would re-send the whole payload.

    .venv/bin/python benchmarks/player_transport.py [--data geodata]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layers.load.catalog import load_catalog  # noqa: E402
from layers.model.view import Camera, View  # noqa: E402
from layers.render.payload import VIEW_KEY, payload, payload_key, to_json  # noqa: E402


def args_bytes(data: object, view: View) -> int:
    """The json_args Streamlit serialises for the player element (as ``ui.player.player`` passes them)."""
    c = view.camera or Camera()
    args = {"data": data, "height": 560, "date": view.date.toordinal() if view.date else None,
            "window": view.window_days, "camera": {"longitude": c.longitude, "latitude": c.latitude, "zoom": c.zoom,
                                                   "pitch": c.pitch, "bearing": c.bearing},
            "focus": list(view.focus), "selected": view.selected, "presenter": False, "show_controls": True,
            "show_legend": True, "show_details": False, "show_list": False, "report_keys": [],
            "transition_ms": 1200, "speed": None, "rev": 0, "title": "", "default": None, "key": "explore-player"}
    return len(json.dumps(args).encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "geodata"), help="data folder (default: geodata)")
    folder = Path(parser.parse_args(argv).data)
    catalog = load_catalog(folder)
    view = View(date=dt.date(2024, 6, 30))
    moved = view.with_(date=dt.date(2024, 7, 7), camera=Camera(longitude=110, latitude=45, zoom=3.5))
    start = time.perf_counter()
    data = payload(catalog, view)
    built = time.perf_counter() - start
    start = time.perf_counter()
    key = payload_key(data)
    keyed = time.perf_counter() - start
    body = to_json({k: v for k, v in data.items() if k != VIEW_KEY}).encode()
    reference = {"key": key, "url": f"data/{key}.json"}
    rows = [
        ("payload file (fetched once per key)", len(body)),
        ("  the same, gzip -6", len(gzip.compress(body, 6))),
        ("  of which the basemap", len(json.dumps(data["countries"], separators=(",", ":")).encode())),
        ("args per rerun, data inlined", args_bytes(json.loads(body), moved)),
        ("args per rerun, data by reference", args_bytes(reference, moved)),
    ]
    print(f"{len(catalog.events)} events, {len(data['flows']['ev'])} flows, {len(data['paths']['key'])} paths "
          f"from {folder}; payload built in {built * 1000:.0f} ms, keyed in {keyed * 1000:.0f} ms")
    for label, size in rows:
        print(f"{label:40} {size:>10,} bytes")
    inline, by_ref = rows[3][1], rows[4][1]
    print(f"a rerun that moves the date or camera sends {inline / by_ref:,.0f}x fewer bytes by reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
