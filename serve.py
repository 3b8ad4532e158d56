"""Start Corridor: ``python serve.py [streamlit options]`` (what ``make run`` does) runs ``streamlit run app.py``
and, beside the starting server, warms it up for the first visitor.

Without it, the first visitor's first run imports geopandas, pandas, shapely and the engine (about 0.7 s on this
machine), reads the catalog and builds the map's data before the map can be sent (``layers.bench.first_map``'s
network timeline). Here a thread does that while the server starts and the browser loads Streamlit's own page:
it imports the engine, prepares the data folder's catalog (read and checked now if it is new or changed:
``layers.load.prepared``) and publishes the data of Explore's default filters (``layers.render.published``),
into the same catalog the sessions get (``shared_catalog``). A visitor who comes sooner waits for the same work
(Python's import lock, the shared catalog's lock), never does it twice. The thread imports no Streamlit (the
server reads its options first). ``streamlit run app.py`` still works, without the warm-up.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE / "app.py"
LOG = logging.getLogger("corridor.serve")


def warm() -> None:
    """Import the engine, prepare the served catalog, and publish the map data of Explore's default filters."""
    try:
        from layers.load.live import data_dir
        from layers.load.prepared import shared_catalog
        from layers.model.view import View
        from layers.player.assets import served_dir, state_dir
        from layers.render.published import data_folder, player_data

        catalog = shared_catalog(data_dir(HERE / "geodata"), state_dir())
        view = View.from_params({}, catalog.actors, catalog.event_ids)
        player_data(catalog, view, data_folder(served_dir()))  # (the page installs the player itself)
    except Exception:  # the page loads and reports the same data itself; this only saves it time
        LOG.exception("warming up failed; the first visitor will load the data")


def main(argv: list[str]) -> int:
    """Start the warm-up thread, then hand over to Streamlit's command line: ``run app.py`` with ``argv``."""
    threading.Thread(target=warm, name="corridor-warm-up", daemon=True).start()
    from streamlit.web import cli

    return cli.main(["run", str(APP), *argv], prog_name="streamlit", standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
