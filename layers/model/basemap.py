"""Which basemap detail a map draws: Natural Earth 1:50m for the theatre, 1:10m close-ups where the story zooms in.

``geodata/countries_10m.geojson`` holds the 1:10m country shapes clipped to :data:`CLOSEUP_BOXES`
(``scripts/derive_countries.py`` writes it from these boxes); maps draw it, inside the boxes, from
:data:`CLOSEUP_MIN_ZOOM` up. At lower zooms the 1:50m shapes are finer than a pixel already.
"""

from __future__ import annotations

CLOSEUP_MIN_ZOOM = 5.0
"""From this zoom (deck.gl's) maps draw the 1:10m close-ups inside their boxes."""
CLOSEUP_BOXES: dict[str, tuple[float, float, float, float]] = {
    "far-east": (110.0, 33.0, 152.0, 56.0),
    "west": (18.0, 41.0, 50.0, 58.0),
}
"""Close-up boxes (west, south, east, north in degrees): the Korea / Russian Far East box holds every chapter
camera of the story east of lon 110 at zoom 5 and more in a 1920x1080 frame (Vostochny at zoom 5.1 spans lon
112-152); the west box the Ukraine / Kursk / western Russia chapters (zoom 5.7-6 around lon 35)."""
