"""The standalone HTML export: the player with its CSS, deck.gl and the view's data inlined in one file.

The file makes no request at all (its Content-Security-Policy forbids any): it opens from disk, offline.
Data is inlined as JSON in ``<script type="application/json">`` with ``<``, ``>``, ``&`` and U+2028/9
escaped, so no text in the data can close the element or run as script.
"""

from __future__ import annotations

import html
import re

from layers.load.catalog import Catalog
from layers.model.view import View
from layers.player.assets import PLAYER_SCRIPTS, deck_bundle_text, player_file
from layers.render.payload import payload, payload_key, to_json

EXPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
              "img-src data: blob:; worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'")
"""The export's policy: inline code only, no network of any kind."""
DEFAULT_TITLE = "Corridor: Russia–DPRK military cooperation"
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def inline_json(text: str) -> str:
    """JSON text made safe inside an HTML ``<script>`` element (still the same JSON to a parser)."""
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def inline_code(text: str, tag: str) -> str:
    """JavaScript or CSS made safe inside ``<script>``/``<style>``: no closing tag, no HTML comment opener."""
    text = re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.I)
    return text.replace("<!--", "<\\!--")


def _replace_once(page: str, old: str, new: str) -> str:
    if page.count(old) != 1:
        raise ValueError(f"the player template should hold {old!r} exactly once")
    return page.replace(old, new)


def player_page(data: dict, title: str, extra_head: str = "", extra_body: str = "",
                extra_scripts: tuple[str, ...] = ()) -> str:
    """The player's page with everything inlined: its CSS (and ``extra_head``), the data ``data`` as inert JSON,
    deck.gl, the player's modules in order, then ``extra_scripts`` (player files) after ``extra_body``."""
    page = player_file("index.html")
    csp = f'<meta http-equiv="Content-Security-Policy" content="{EXPORT_CSP}">'
    page = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">', lambda _: csp, page, count=1)
    page = re.sub(r"<title>[^<]*</title>", lambda _: f"<title>{html.escape(title)}</title>", page, count=1)
    page = _replace_once(page, '<link rel="stylesheet" href="player.css">',
                         f"<style>\n{inline_code(player_file('player.css'), 'style')}\n</style>{extra_head}")
    page = _replace_once(page, '<link rel="preload" href="deck.min.js" as="script">',
                         f'<script type="application/json" id="corridor-data">{inline_json(to_json(data))}</script>\n'
                         f"<script>\n{inline_code(deck_bundle_text(), 'script')}\n</script>")
    for name in PLAYER_SCRIPTS:  # the player's modules, in the order index.html loads them
        page = _replace_once(page, f'<script src="{name}"></script>',
                             f"<script>\n{inline_code(player_file(name), 'script')}\n</script>")
    scripts = "".join(f"<script>\n{inline_code(player_file(name), 'script')}\n</script>\n" for name in extra_scripts)
    return _replace_once(page, "</body>", f"{extra_body}{scripts}</body>")


def standalone_html(catalog: Catalog, view: View) -> str:
    """One self-contained HTML page that plays ``view`` (its filters, date, window, camera, focus, selection)."""
    data = payload(catalog, view)
    data["key"] = payload_key(data)
    return player_page(data, view.title or DEFAULT_TITLE)
