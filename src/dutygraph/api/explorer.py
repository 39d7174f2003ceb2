"""An offline GraphiQL explorer: strawberry's page, served from vendored assets.

strawberry's built-in GraphiQL page loads seven files (React, ReactDOM,
js-cookie, GraphiQL and its explorer plugin, JS and CSS) from the public unpkg
CDN; on an intranet without internet access it stays on "Loading...".
Those files are vendored byte for byte under ``static/vendor/`` (see
``static/vendor/README.md`` and ``scripts/vendor-explorer.sh``), so
:func:`explorer_html` only rewrites the seven URLs to local ones. The
``integrity`` attributes stay: the bytes are identical, so the browser still
checks them.

If an upgraded strawberry references other versions, :func:`explorer_html`
raises :class:`ExplorerAssetsError` instead of silently falling back to the CDN.

Saved example operations are listed in a small panel of links of the form
``?q=<query>&variables=<json>``, which the page's own script reads into the
editors. (It must be ``q``: strawberry answers a GET with ``?query=`` by
executing the query and returning JSON, not the explorer.)

>>> html = explorer_html(static_prefix="/static")
>>> "unpkg" in html, "/static/vendor/graphiql/graphiql.min.js" in html
(False, True)
"""

from __future__ import annotations

import html as _html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = [
    "ASSETS",
    "CDN",
    "Asset",
    "ExplorerAssetsError",
    "explorer_html",
    "static_files",
]

#: where strawberry's template loads its assets from
CDN = "https://unpkg.com"


@dataclass(frozen=True)
class Asset:
    """One file the GraphiQL page loads: npm package, version, path in the package, hash."""

    package: str
    version: str
    path: str
    integrity: str  # as in the template's integrity attribute: "sha384-<base64>"

    @property
    def cdn_url(self) -> str:
        """The URL strawberry's template loads this file from."""
        return f"{CDN}/{self.package}@{self.version}/{self.path}"

    @property
    def local_path(self) -> str:
        """Where the file lives relative to the static folder (no version in the path)."""
        return f"vendor/{self.package}/{self.path}"

    @property
    def license_path(self) -> str:
        """The package's licence file relative to the static folder."""
        return f"vendor/{self.package}/LICENSE"


#: the seven files of strawberry's GraphiQL template (strawberry-graphql 0.341),
#: in the order the page loads them
ASSETS: tuple[Asset, ...] = (
    Asset(
        "react",
        "18.2.0",
        "umd/react.production.min.js",
        "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
    ),
    Asset(
        "react-dom",
        "18.2.0",
        "umd/react-dom.production.min.js",
        "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
    ),
    Asset(
        "js-cookie",
        "3.0.5",
        "dist/js.cookie.min.js",
        "sha384-/vxhYfM1LENRhdpZ8dwEsQn/X4VhpbEZSiU4m/FwR+PVpzar4fkEOw8FP9Y+OfQN",
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "graphiql.min.css",
        "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/style.css",
        "sha384-5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "graphiql.min.js",
        "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    ),
    Asset(
        "@graphiql/plugin-explorer",
        "1.0.2",
        "dist/index.umd.js",
        "sha384-2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
    ),
)

# The only URL allowed to remain: the SVG namespace inside the favicon's data: URI,
# an identifier that is never fetched.
_SVG_XMLNS = re.compile(r"""xmlns=(?:%22|"|')http://www\.w3\.org/2000/svg""")
_URL = re.compile(r"""https?://[^\s"'`<>)]+""")
_EXAMPLE_QUERY = re.compile(r"const EXAMPLE_QUERY = `(?:[^`\\]|\\.)*`;", re.DOTALL)
_GRAPHIQL_DIV = '<div id="graphiql" class="graphiql-container">Loading...</div>'
_SENTINEL = "\x00dutygraph-static\x00"


class ExplorerAssetsError(RuntimeError):
    """strawberry's GraphiQL template no longer matches the vendored assets."""


def static_files() -> Path:
    """The package's static folder (``dutygraph/api/static``) as a filesystem path.

    Mount it at ``static_prefix``, e.g. ``Mount("/static", StaticFiles(directory=static_files()))``.
    """
    root = resources.files("dutygraph").joinpath("api", "static")
    if not isinstance(root, Path):  # e.g. installed inside a zip file
        raise ExplorerAssetsError(
            f"dutygraph's static folder is not on the filesystem ({root!r}); "
            "install dutygraph as files to serve the explorer"
        )
    return root


def explorer_html(
    *,
    static_prefix: str = "/static",
    saved_queries: list[dict[str, Any]] | None = None,
    default_query: str | None = None,
) -> str:
    """strawberry's GraphiQL page with its CDN assets replaced by local ones.

    ``static_prefix`` is the URL path (or URL) where :func:`static_files` is served.
    ``saved_queries`` are example operations, each a mapping with ``name``,
    ``title``, ``query`` and optional ``variables`` (a mapping or a JSON string),
    shown as a panel of links that load them into the editors. ``default_query``
    replaces strawberry's welcome text shown when the URL names no query.

    Raises :class:`ExplorerAssetsError` when the installed strawberry's template
    does not load exactly :data:`ASSETS`, or still names any other remote URL.
    """
    from strawberry.http.ides import get_graphql_ide_html  # not on `serve`'s path to listen

    page = get_graphql_ide_html("graphiql")
    missing = [a.cdn_url for a in ASSETS if a.cdn_url not in page]
    if missing:
        raise ExplorerAssetsError(
            "strawberry's GraphiQL template no longer loads the vendored assets "
            f"{missing}; re-vendor them with scripts/vendor-explorer.sh and update "
            "ASSETS in dutygraph/api/explorer.py"
        )
    for asset in ASSETS:
        page = page.replace(asset.cdn_url, f"{_SENTINEL}/{asset.local_path}")
    remaining = sorted(set(_URL.findall(_SVG_XMLNS.sub("", page))))
    if remaining:
        raise ExplorerAssetsError(
            f"strawberry's GraphiQL template loads assets that are not vendored: {remaining}; "
            "vendor them (scripts/vendor-explorer.sh) and add them to ASSETS"
        )
    page = page.replace(_SENTINEL, static_prefix.rstrip("/"))

    if default_query is not None:
        page = _replace_once(
            page,
            _EXAMPLE_QUERY,
            "const EXAMPLE_QUERY = " + _js_string(default_query) + ";",
            "the EXAMPLE_QUERY constant",
        )
    panel = _saved_queries_panel(saved_queries or [])
    if _GRAPHIQL_DIV not in page:
        raise ExplorerAssetsError("strawberry's GraphiQL template has no #graphiql container")
    return page.replace(_GRAPHIQL_DIV, _GRAPHIQL_DIV + "\n" + panel, 1)


def _replace_once(page: str, pattern: re.Pattern[str], new: str, what: str) -> str:
    page, n = pattern.subn(lambda _m: new, page, count=1)
    if n != 1:
        raise ExplorerAssetsError(f"strawberry's GraphiQL template has no {what}")
    return page


def _js_string(text: str) -> str:
    """A JavaScript string literal safe inside an inline <script>."""
    return json.dumps(text).replace("</", "<\\/").replace("<!--", "<\\!--")


_PANEL_STYLE = """    <style>
      #dutygraph-saved-queries {
        position: fixed; right: 12px; bottom: 12px; z-index: 20; max-width: 22em;
        max-height: 60vh; overflow-y: auto; padding: 6px 10px; border-radius: 6px;
        background: #fff; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.25);
        font: 13px/1.4 system-ui, sans-serif;
      }
      #dutygraph-saved-queries summary { cursor: pointer; font-weight: 600; }
      #dutygraph-saved-queries ul { margin: 6px 0 0; padding: 0; list-style: none; }
      #dutygraph-saved-queries li { margin: 2px 0; }
      #dutygraph-saved-queries a { color: #0b5cad; text-decoration: none; }
      #dutygraph-saved-queries a:hover { text-decoration: underline; }
    </style>
"""


def _saved_queries_panel(saved: Sequence[Mapping[str, Any]]) -> str:
    if not saved:
        return ""
    items = []
    for entry in saved:
        try:
            name, query = str(entry["name"]), str(entry["query"])
        except KeyError as exc:
            raise ValueError(f"saved query {entry!r} lacks {exc.args[0]!r}") from None
        title = str(entry.get("title") or name)
        variables = entry.get("variables")
        href = "?q=" + quote(query, safe="")
        if variables:
            if not isinstance(variables, str):
                variables = json.dumps(variables, ensure_ascii=False, indent=2)
            href += "&variables=" + quote(variables, safe="")
        items.append(
            f'<li><a class="dutygraph-saved-query" data-name="{_html.escape(name)}"'
            f' title="{_html.escape(name)}" href="{_html.escape(href)}">'
            f"{_html.escape(title)}</a></li>"
        )
    return (
        _PANEL_STYLE
        + '    <details id="dutygraph-saved-queries" open>\n'
        + "      <summary>示例查询 · Examples</summary>\n"
        + "      <ul>\n        "
        + "\n        ".join(items)
        + "\n      </ul>\n    </details>\n"
    )
