"""The vocabulary of the data: categories, confidence grades, place kinds, route modes, id forms."""

from __future__ import annotations

import re

CATEGORIES: dict[str, str] = {
    "munitions": "Munitions (shells, rockets, artillery)",
    "missiles": "Ballistic missiles",
    "strike": "Strikes with DPRK weapons",
    "launch": "Satellite launches",
    "technology": "Technology and know-how",
    "energy_food": "Oil, food and raw materials",
    "troops": "Troops and personnel",
    "diplomacy": "Summits, visits and treaties",
    "sanctions": "Sanctions and UN action",
}
"""Event categories, in legend order, with the label a reader sees."""

CONFIDENCE: dict[str, str] = {
    "confirmed-official": "Confirmed: the acting government states it, or a formal act",
    "assessed": "Assessed: a government intelligence assessment about a third party",
    "reported-multiple": "Reported by two or more independent outlets or researchers",
    "reported-single": "Reported by one outlet or research group only",
    "claimed-by-party": "Claimed by a party to the war, not independently confirmed",
}
"""Confidence grades, strongest first."""

SOURCE_KINDS: dict[str, str] = {
    "original": "Original reporting: a news outlet's own or a wire service's story",
    "official": "Official: a government's or an international body's own statement or document",
    "research": "Research: a think tank, research group, NGO or data set",
    "repost": "Repost: an aggregator, blog, recap or copy; it may stand beside an original, never alone",
}
"""What kind of publication a source is; an event needs at least one source that is not a repost."""

PLACE_KINDS = (
    "capital", "city", "port", "rail_crossing", "airport", "airfield", "launch_site", "cosmodrome",
    "industrial", "depot", "region", "strike_target", "venue",
)
ROUTE_MODES = ("sea", "rail", "road", "air")
CLAIM_STATUSES = ("confirmed", "partly-confirmed", "partly-contradicted", "consistent", "no-source-found")

PLACE_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")
EVENT_ID = re.compile(r"^E\d{3,6}$")
SOURCE_ID = re.compile(r"^S\d{1,5}[a-z]?$")
ISO3 = re.compile(r"^[A-Z]{3}(/[A-Z]{3})?$")
URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)
"""An address that may become a link anywhere (pages, player, exports): http(s), nothing that breaks out of
Markdown or HTML."""
HTTPS_URL = re.compile(r"^https://[^\s<>\"'/.][^\s<>\"'/]*[^\s<>\"'/.](/[^\s<>\"']*)?$", re.I)
"""A source's address: https, and a host name that does not end in a dot."""
