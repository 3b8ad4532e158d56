"""Words the exports share: titles, date stamps, source lists, plain text from data and from Markdown."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

from layers.load.catalog import Catalog
from layers.model.dates import DateSpan
from layers.model.view import View

DEFAULT_TITLE = "Russia–DPRK military cooperation since 2022"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def plain(text: object) -> str:
    """Untrusted text made safe to place in a file: control characters dropped, line ends unified."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: object) -> str:
    """``plain`` text on a single line (runs of white space become one space)."""
    return " ".join(plain(text).split())


def paragraphs(text: object) -> str:
    """``plain`` text with hard-wrapped lines joined: paragraphs (split by blank lines) one line each."""
    blocks = (" ".join(block.split()) for block in re.split(r"\n\s*\n", plain(text)))
    return "\n".join(block for block in blocks if block)


def title_of(view: View) -> str:
    """The view's own title, or the product's."""
    return one_line(view.title) or DEFAULT_TITLE


def date_stamp(catalog: Catalog, view: View) -> str:
    """What time the view shows, as a reader says it: a day, a window ending on a day, or everything."""
    if view.date is None:
        first, last = catalog.time_range
        return f"All events, {DateSpan(first, last, 'day').label()}"
    if view.window_days:
        start = view.date - dt.timedelta(days=view.window_days)
        return f"{DateSpan(start, view.date, 'day').label()} ({view.window_days}-day window)"
    return f"Events up to {DateSpan(view.date, view.date, 'day').label()}"


def cited_sources(catalog: Catalog, events: pd.DataFrame) -> pd.DataFrame:
    """The sources the events cite, once each, in the order the events first cite them."""
    seen: dict[str, None] = {}
    for ids in events["sources"]:
        for sid in ids:
            seen.setdefault(sid, None)
    known = [sid for sid in seen if sid in catalog.sources.index]
    return catalog.sources.loc[known]


def source_name(source: pd.Series) -> str:
    """Who published a source, on one line: 'Outlet', 'Outlet via Copy' where it was read in a copy, and
    '[repost]' after a repost."""
    via = one_line(source.get("via", ""))
    name = f"{one_line(source['outlet'])} via {via}" if via else one_line(source["outlet"])
    return f"{name} [repost]" if source.get("kind") == "repost" else name


def source_label(source: pd.Series) -> str:
    """'Outlet (published)' on one line (see ``source_name``), the date left out when the source has none."""
    published = one_line(source.get("published", ""))
    return f"{source_name(source)} ({published})" if published else source_name(source)


def source_labels(sources: pd.DataFrame) -> list[str]:
    """``source_label`` of each source, duplicates (same outlet and date) dropped."""
    return list(dict.fromkeys(source_label(row) for _, row in sources.iterrows()))


def shortened_list(items: Iterable[str], max_chars: int, prefix: str = "Sources: ") -> str:
    """Items joined with '; ' within about ``max_chars``; what does not fit is counted as 'and N more'."""
    items = list(items)
    if not items:
        return ""
    shown: list[str] = []
    for n, item in enumerate(items):
        rest = len(items) - n - 1
        tail = f"; and {rest} more" if rest else ""
        candidate = prefix + "; ".join([*shown, item]) + tail
        if len(candidate) > max_chars and shown:
            break
        shown.append(item)
    rest = len(items) - len(shown)
    return prefix + "; ".join(shown) + (f"; and {rest} more" if rest else "")


_MD_RULES = (
    (re.compile(r"<[^>\n]*>"), ""),                        # inline HTML tags
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),        # images -> alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),         # links -> their text
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),        # reference links
    (re.compile(r"`+([^`]*)`+"), r"\1"),                   # code spans
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),              # strong
    (re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])"), r"\2"),  # emphasis
    (re.compile(r"~~(.+?)~~"), r"\1"),                     # strike-through
)


def markdown_inline(text: str) -> str:
    """One line of Markdown as plain text (links keep their text, emphasis and code marks go)."""
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return one_line(text.replace("\\", ""))
