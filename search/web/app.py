"""The WSGI application: routing, the JSON API and the pages.

Routes (``GET`` and ``HEAD`` only):

- ``/``: the search page; ``/doc/<id>``: a document or entry; ``/static/<file>``.
- ``/api/search?q=…&partij=…&van=…&tot=…&pagina=…&sorteer=…``: exactly the object of
  ``kvsearch search --json``; ``/api/show/<id>`` (``kvsearch show --json``),
  ``/api/similar/<id>`` (``kvsearch similar --json``), ``/api/stats``
  (``kvsearch stats --json``, also ``?q=`` and ``by=``), ``/api/health``.

A bad parameter is a 400 with ``{"error": "…"}`` in the CLI's Dutch words
(:func:`search.cli.texts.dutch_message`), an unknown id a 404; no request gets a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from search.cli.texts import dutch_message
from search.errors import EntryNotFoundError, FilterError, QuerySyntaxError, SearchError
from search.index import Index
from search.models import SearchResults
from search.web import pages
from search.web.params import BadRequest, SearchRequest
from search.web.pool import IndexPool

__all__ = ["CSP", "WebApp"]

log = logging.getLogger("kvsearch.web")

#: No inline script or style, nothing from elsewhere.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]
REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".png": "image/png"}
FAILED = "er ging iets mis bij het zoeken; probeer het opnieuw."
#: How many similar questions the API and an entry's page give.
SIMILAR_LIMIT = 10
SIMILAR_SHOWN = 5

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Response = tuple[int, str, bytes]


class NotFound(Exception):
    """No such page; the message is Dutch."""


def _json(status: int, data: object) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return status, "application/json; charset=utf-8", body


def _html(status: int, text: str) -> Response:
    return status, "text/html; charset=utf-8", text.encode("utf-8")


def _static(name: str) -> Response:
    if "/" in name or name.startswith(".") or not any(name.endswith(x) for x in STATIC_TYPES):
        raise NotFound(f"geen bestand {name!r}.")
    try:
        data = resources.files("search.web").joinpath("static", name).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise NotFound(f"geen bestand {name!r}.") from None
    return 200, STATIC_TYPES["." + name.rsplit(".", 1)[1]], data


class WebApp:
    """The WSGI application over an :class:`IndexPool`.

    Args:
        pool: Lends the indexes; the app does not close it.
    """

    def __init__(self, pool: IndexPool) -> None:
        self.pool = pool

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        # PEP 3333: PATH_INFO is bytes as latin-1; the URL was UTF-8.
        path = path.encode("latin-1").decode("utf-8", "replace")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        api = path.startswith("/api/")
        if method not in ("GET", "HEAD"):
            status, ctype, body = (
                _json(405, {"error": "alleen GET."}) if api else _html(405, "alleen GET")
            )
            extra = [("Allow", "GET, HEAD")]
        else:
            status, ctype, body = self.respond(path, query)
            extra = []
        headers = [
            ("Content-Type", ctype),
            ("Content-Length", str(len(body))),
            (
                "Cache-Control",
                "public, max-age=3600" if path.startswith("/static/") else "no-store",
            ),
            *HEADERS,
            *extra,
        ]
        start_response(REASONS.get(status, f"{status} Error"), headers)
        return [b"" if method == "HEAD" else body]

    def respond(self, path: str, query: dict[str, list[str]]) -> Response:
        """The status, content type and body for a GET of ``path``."""
        api = path.startswith("/api/")
        try:
            return self._route(path, query)
        except (FilterError, QuerySyntaxError) as exc:
            return self._error(api, 400, dutch_message(exc), query)
        except BadRequest as exc:
            return self._error(api, 400, str(exc), query)
        except EntryNotFoundError as exc:
            return self._error(api, 404, dutch_message(exc), query)
        except NotFound as exc:
            return self._error(api, 404, str(exc), query)
        except SearchError as exc:  # the index: missing, damaged, being replaced
            log.warning("%s: %s", path, exc)
            return self._error(api, 503, dutch_message(exc), query)
        except Exception:  # never a traceback to the client
            log.exception("error answering %s", path)
            return self._error(
                api, 500, "er ging iets mis bij het zoeken; probeer het opnieuw.", query
            )

    @staticmethod
    def _error(api: bool, status: int, message: str, query: dict[str, list[str]]) -> Response:
        if api:
            return _json(status, {"error": message, "status": status})
        typed = query.get("q", [""])[-1]
        return _html(status, pages.error_page(status, message, typed))

    def _route(self, path: str, query: dict[str, list[str]]) -> Response:
        if path == "/":
            request = SearchRequest.parse(query)
            results = self._search(request) if request.query else None
            return _html(200, pages.search_page(request, results))
        if path.startswith("/doc/") and len(path) > 5:
            return self._document(path[5:])
        if path.startswith("/static/"):
            return _static(path[8:])
        if path == "/api/search":
            request = SearchRequest.parse(query)
            if not request.query:
                raise BadRequest("geef een zoekvraag, bijvoorbeeld /api/search?q=stikstof.")
            return _json(200, self._search(request).to_dict())
        if path.startswith("/api/show/") and len(path) > 10:
            ident = path[10:]
            entries = self.pool.run(lambda index: index.lookup(ident))
            if not entries:
                raise EntryNotFoundError(self.pool.path, ident)
            return _json(200, {"id": ident, "entries": [e.to_dict() for e in entries]})
        if path.startswith("/api/similar/") and len(path) > 13:
            ident = path[13:]
            similar = self.pool.run(lambda index: index.similar(ident, limit=SIMILAR_LIMIT))
            return _json(200, similar.to_dict())
        if path == "/api/stats":
            return self._stats(query)
        if path == "/api/health":
            return _json(200, {"status": "ok", **self.pool.check()})
        raise NotFound(f"geen pagina {path!r}.")

    def _search(self, request: SearchRequest) -> SearchResults:
        """The search as ``kvsearch search --json`` makes it (facets included)."""

        def call(index: Index) -> SearchResults:
            return index.search(
                request.query,
                filters=request.filters,
                limit=request.limit,
                page=request.page,
                sort=request.sort,
                facets=True,
                exact=request.exact,
            )

        return self.pool.run(call)

    def _stats(self, query: dict[str, list[str]]) -> Response:
        request = SearchRequest.parse(query)
        given = query.get("by") or query.get("per") or [""]
        by = given[-1].strip() or None
        stats = self.pool.run(
            lambda index: index.stats(
                request.query or "*", filters=request.filters, by=by, exact=request.exact
            )
        )
        return _json(200, stats.to_dict())

    def _document(self, ident: str) -> Response:
        def call(index: Index) -> tuple[Any, SearchResults | None]:
            entries = index.lookup(ident)
            if not entries:
                raise EntryNotFoundError(index.path, ident)
            similar = None
            if len(entries) == 1 and not entries[0].is_notice:  # one question
                similar = index.similar(entries[0].entry_id, limit=SIMILAR_SHOWN)
            return entries, similar

        entries, similar = self.pool.run(call)
        return _html(200, pages.document_page(ident, entries, similar))
