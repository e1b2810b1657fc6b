"""A request's URL parameters (Dutch, as on the page) to the arguments of a search.

``/?q=stikstof&partij=VVD&pagina=2&sorteer=-datum`` and ``/api/search`` take the same
parameters; a bad value raises the library's own error (:class:`FilterError`,
:class:`QuerySyntaxError`), which the app answers with :func:`search.cli.texts.dutch_message`,
or a :class:`BadRequest` for what only the web has (a page number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from search.errors import FilterError
from search.models import Filters

__all__ = ["PARAM_OF_FACET", "BadRequest", "SearchRequest"]

#: URL parameter -> keyword of :class:`Filters`.
FILTER_PARAMS = {
    "lid": "member",
    "partij": "party",
    "ministerie": "ministry",
    "van": "date_from",
    "tot": "date_to",
    "jaar": "year",
    "vergaderjaar": "session",
    "status": "status",
}
#: A facet of :class:`SearchResults` -> the URL parameter that filters on its value.
PARAM_OF_FACET = {
    "party": "partij",
    "member": "lid",
    "ministry": "ministerie",
    "year": "jaar",
    "status": "status",
}
#: ``sorteer`` values, Dutch or as the CLI's ``--sort`` takes them.
SORTS = {
    "relevantie": "relevance",
    "relevance": "relevance",
    "datum": "date",
    "date": "date",
    "-datum": "-date",
    "-date": "-date",
}
#: The parameters a URL of the page keeps, in this order.
KEPT = ("q", *FILTER_PARAMS, "sorteer", "aantal", "exact", "pagina")
MAX_PAGE = 1000
MAX_LIMIT = 100
DEFAULT_LIMIT = 10


class BadRequest(Exception):
    """A parameter that the web adds has a bad value; the message is Dutch."""


def _number(name: str, value: str | None, default: int, largest: int) -> int:
    if value is None or value == "":
        return default
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= largest:
        what = "paginanummer" if name == "pagina" else "aantal"
        raise BadRequest(f"{value!r} is geen {what}; geef een getal van 1 tot en met {largest}.")
    return int(text)


@dataclass(frozen=True)
class SearchRequest:
    """The search a URL asks for.

    Attributes:
        params: The kept parameters as given (empty ones left out), for links.
        query: The query to search: ``q``, or ``*`` when only filters are given.
        filters: The checked filters.
        page: The 1-based page.
        limit: Hits per page.
        sort: ``relevance``, ``date`` or ``-date``.
        exact: Search the words as typed.
    """

    params: Mapping[str, str]
    query: str
    filters: Filters
    page: int
    limit: int
    sort: str
    exact: bool

    @classmethod
    def parse(cls, query: Mapping[str, list[str]]) -> SearchRequest:
        """Read a parsed query string (``urllib.parse.parse_qs``); the last value of a
        repeated parameter counts.

        Raises:
            FilterError: A filter or ``sorteer`` has a bad value.
            BadRequest: ``pagina`` or ``aantal`` is not a number in range.
        """
        params = {k: v[-1].strip() for k, v in query.items() if k in KEPT and v and v[-1].strip()}
        given = {FILTER_PARAMS[k]: v for k, v in params.items() if k in FILTER_PARAMS}
        filters = Filters(**given)  # type: ignore[arg-type]  # Filters checks and converts
        sort_param = params.get("sorteer", "relevantie")
        sort = SORTS.get(sort_param.lower())
        if sort is None:
            raise FilterError("sort", sort_param, "sort", "use relevance, date or -date")
        text = params.get("q", "")
        return cls(
            params=params,
            query=text or ("*" if filters else ""),
            filters=filters,
            page=_number("pagina", params.get("pagina"), 1, MAX_PAGE),
            limit=_number("aantal", params.get("aantal"), DEFAULT_LIMIT, MAX_LIMIT),
            sort=sort,
            exact=params.get("exact", "") not in ("", "0", "nee"),
        )

    @property
    def sort_param(self) -> str:
        """``sorteer`` as the page names it."""
        return {"relevance": "relevantie", "date": "datum", "-date": "-datum"}[self.sort]

    @property
    def shown_query(self) -> str:
        """What the search box shows: the query as typed (not the ``*`` of filters)."""
        return self.params.get("q", "")

    def url(self, **changes: str | int | None) -> str:
        """The page's URL with ``changes`` (None removes a parameter); any change but
        of the page goes back to page 1."""
        params: dict[str, str] = dict(self.params)
        if "pagina" not in changes:
            params.pop("pagina", None)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        if params.get("pagina") == "1":
            del params["pagina"]
        ordered = [(k, params[k]) for k in KEPT if k in params]
        return "/?" + urlencode(ordered) if ordered else "/"

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The parameters a new query in the search box keeps (filters and order)."""
        return [(k, v) for k, v in self.params.items() if k not in ("q", "pagina")]
