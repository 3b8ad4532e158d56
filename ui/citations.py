"""Events, sources and claims as the Story and Evidence pages show them.

Everything from the data is untrusted text: it is escaped for Markdown (no link, image or formatting can be
smuggled in), shown with ``st.markdown`` without ``unsafe_allow_html``, and a source becomes a link only when
its URL is http(s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from layers.load.catalog import Catalog
from layers.model import schema
from layers.model.view import Camera
from layers.render.text import source_name

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^\"'])")

CLAIM_BADGES: dict[str, tuple[str, str, str]] = {
    "confirmed": ("Confirmed", "green", ":material/check_circle:"),
    "partly-confirmed": ("Partly confirmed", "blue", ":material/rule:"),
    "partly-contradicted": ("Partly contradicted", "orange", ":material/error:"),
    "consistent": ("Consistent", "violet", ":material/balance:"),
    "no-source-found": ("No source found", "red", ":material/help:"),
}
"""Op-ed claim status -> (label, badge colour, icon); the label always says the status in words."""

CONFIDENCE_LABELS = {
    "confirmed-official": "Confirmed (official)",
    "assessed": "Assessed (intelligence)",
    "reported-multiple": "Reported (several)",
    "reported-single": "Reported (one source)",
    "claimed-by-party": "Claimed by a party",
}


def md(text: object) -> str:
    """Untrusted text as literal Markdown on one line: every Markdown character is escaped."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def safe_url(url: object) -> str | None:
    """The URL when it is a plain http(s) URL, else None (never a javascript: or data: link)."""
    return url if isinstance(url, str) and schema.URL.match(url) else None


def source_label(source: pd.Series) -> str:
    """'Outlet via Copy, published' as plain text (``layers.render.text.source_name``)."""
    published = source.get("published", "") or ""
    return f"{source_name(source)}, {published}" if published else source_name(source)


def source_link(source: pd.Series) -> str:
    """A source as a Markdown link ``[Outlet, date](url)``, or as escaped text when its URL is not http(s)."""
    label = md(source_label(source))
    url = safe_url(source.get("url"))
    return f"[{label}](<{url}>)" if url else label


def source_links(catalog: Catalog, ids: Iterable[str]) -> list[str]:
    """Markdown links of the known sources among ``ids``, in order, each once."""
    known = catalog.sources
    return [source_link(known.loc[sid]) for sid in dict.fromkeys(ids) if sid in known.index]


def event_heading(event: pd.Series) -> str:
    """'**date** · title' in Markdown, the title escaped."""
    return f"**{md(event['date_label'])}** · {md(event['title'])}"


def event_places(catalog: Catalog, event: pd.Series) -> str:
    """'From A to B', 'At B' or '' as plain text, with the places' names."""
    names = catalog.places["name"]
    origin = names.get(event["origin"], "") if event["origin"] else ""
    destination = names.get(event["destination"], "") if event["destination"] else ""
    if origin and destination:
        return f"From {origin} to {destination}"
    return f"At {origin or destination}" if origin or destination else ""


def event_camera(catalog: Catalog, event: pd.Series) -> Camera:
    """A camera that frames an event's places (the whole theatre when it has none)."""
    points = [catalog.places.geometry[p] for p in (event["origin"], event["destination"])
              if p and p in catalog.places.index]
    if not points:
        return Camera()
    lons, lats = [p.x for p in points], [p.y for p in points]
    span = max(max(lons) - min(lons), max(lats) - min(lats))
    zoom = 5.5 if span < 2 else 4.2 if span < 12 else 3.0 if span < 40 else 2.3
    return Camera(longitude=(min(lons) + max(lons)) / 2, latitude=(min(lats) + max(lats)) / 2, zoom=zoom).clamp()


def event_table(catalog: Catalog) -> pd.DataFrame:
    """One row per event for ``st.dataframe``: plain values, the first source as a link, every source listed."""
    events = catalog.events
    sources = catalog.sources

    def first_url(ids: tuple[str, ...]) -> str | None:
        for sid in ids:
            if sid in sources.index and safe_url(sources.at[sid, "url"]):
                return sources.at[sid, "url"]
        return None

    labels = [[source_label(sources.loc[s]) if s in sources.index else s for s in ids] for ids in events["sources"]]
    names = catalog.places["name"]
    texts = events[["id", "date_label", "category", "title", "summary", "confidence", "disputed", "actors"]]
    searchable = [" ".join([*map(str, row), *ids, *found, names.get(a, ""), names.get(b, "")]).lower()
                  for row, ids, found, a, b in zip(texts.itertuples(index=False), events["sources"], labels,
                                                   events["origin"], events["destination"], strict=True)]
    return pd.DataFrame({
        "id": events["id"],
        "from": pd.to_datetime(events["start"]),
        "date": events["date_label"],
        "precision": events["precision"],
        "category": [schema.CATEGORIES.get(c, c) for c in events["category"]],
        "title": events["title"],
        "confidence": [CONFIDENCE_LABELS.get(c, c) for c in events["confidence"]],
        "sources": labels,
        "link": [first_url(ids) for ids in events["sources"]],
        "disputed": [bool(d) for d in events["disputed"]],
        "search": searchable,
    }).reset_index(drop=True)


def search(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows whose text holds every word of ``query`` (case-insensitive, plain words, no patterns)."""
    words = query.lower().split()
    if not words:
        return table
    mask = pd.Series(True, index=table.index)
    for word in words:
        mask &= table["search"].str.contains(word, regex=False)
    return table[mask]


def estimates_table(catalog: Catalog, series: str) -> pd.DataFrame:
    """One series' estimates in the order they were made public: the figure as stated, who made it, the event
    and its sources, as plain values for ``st.dataframe``."""
    rows = catalog.estimates[catalog.estimates["series"] == series]
    sources = catalog.sources
    return pd.DataFrame({
        "Made public": pd.to_datetime(rows["as_of_date"]),
        "Estimate": [" ".join(v for v in (q, u) if v) for q, u in zip(rows["quantity"], rows["unit"], strict=True)],
        "By": rows["by"],
        "Event": rows["event"],
        "Sources": [[source_label(sources.loc[s]) for s in ids if s in sources.index] for ids in rows["sources"]],
    }).reset_index(drop=True)
