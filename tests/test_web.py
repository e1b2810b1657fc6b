"""``kvsearch serve``: the real server on a free localhost port, spoken to over HTTP."""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner

from search import FilterError, Filters, Index, QuerySyntaxError
from search.cli import main
from search.cli.texts import dutch_message
from tests.conftest import ROOT, SEEDS, default_sigint, load_bench

pytest.importorskip("waitress", reason="the web extra is not installed: pip install '.[web]'")

from search.web.server import RunningServer, start  # noqa: E402

#: A seed whose subject, member and question hold markup that must stay text (escaped
#: for markdown, which drops raw HTML tags: the entry's text holds the markup itself).
XSS_SEED = r"""## 2024Z99999

Vragen van het lid **Evil\"\>\<img src=x onerror=alert(2)\>** (SP) aan de Minister
van Justitie en Veiligheid over *\<script\>alert(1)\</script\> in de webwinkel*
(ingezonden 2 oktober 2024).

### Vraag 1

Wat vindt u van \<script>alert(1)\</script> en van `"><img src=x onerror=alert(3)>`
en &lt;b&gt;vet&lt;/b&gt; in webwinkels?<sup>1</sup>

### Antwoord 1

Niets.

<sup>1</sup> javascript:alert(4)
"""


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET (also of an error status)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read()


def get_json(url: str) -> tuple[int, Any]:
    status, headers, body = get(url)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    return status, json.loads(body)


@pytest.fixture(scope="module")
def server(fixture_index_path: Path) -> Iterator[RunningServer]:
    with start(fixture_index_path) as running:
        yield running


@pytest.mark.parametrize(
    ("params", "filters", "kwargs"),
    [
        ({"q": "stikstof"}, Filters(), {}),
        ({"q": "stikstof", "pagina": "2"}, Filters(), {"page": 2}),
        ({"q": "mensenrechten", "sorteer": "-datum"}, Filters(), {"sort": "-date"}),
        (
            {"q": "stikstof", "partij": "GroenLinks", "van": "2023-01-01", "tot": "2024-12-31"},
            Filters(party="GroenLinks", date_from="2023-01-01", date_to="2024-12-31"),
            {},
        ),
        ({"q": "gezichtsherkening"}, Filters(), {}),  # corrected: suggestion
        ({"lid": "Bromet"}, Filters(member="Bromet"), {"query": "*"}),
        (
            {"q": "klimaat*", "status": "beantwoord", "aantal": "5"},
            Filters(status="answered"),
            {"limit": 5},
        ),
    ],  # fmt: skip
)
def test_api_search_is_the_cli_json_of_the_library(
    server: RunningServer,
    fixture_index_path: Path,
    params: dict[str, str],
    filters: Filters,
    kwargs: dict[str, Any],
) -> None:
    status, data = get_json(f"{server.url}/api/search?{urlencode(params)}")
    assert status == 200
    query = kwargs.pop("query", params.get("q"))
    with Index.open(fixture_index_path) as index:
        expected = index.search(query, filters=filters, facets=True, **kwargs).to_dict()
    assert data == json.loads(json.dumps(expected))
    assert data["hits"] or params.get("q") == "gezichtsherkening"


def _dutch(exc_type: type[Exception], make: Any) -> str:
    with pytest.raises(exc_type) as caught:
        make()
    return dutch_message(caught.value)  # type: ignore[arg-type]


def test_bad_parameters_are_400_json_in_the_cli_words(
    server: RunningServer, fixture_index: Index
) -> None:
    cases = {
        "q=stikstof&van=2024-13-01": _dutch(FilterError, lambda: Filters(date_from="2024-13-01")),
        "q=stikstof&jaar=abc": _dutch(FilterError, lambda: Filters(year="abc")),
        "q=stikstof&status=misschien": _dutch(FilterError, lambda: Filters(status="misschien")),
        "q=stikstof&van=2024-02-01&tot=2024-01-01": _dutch(
            FilterError, lambda: Filters(date_from="2024-02-01", date_to="2024-01-01")
        ),
        "q=a*": _dutch(QuerySyntaxError, lambda: fixture_index.search("a*")),
        "q=stikstof~5": _dutch(QuerySyntaxError, lambda: fixture_index.search("stikstof~5")),
        "q=stikstof&sorteer=willekeurig": "'willekeurig' is geen volgorde; kies relevance, "
        "date of -date.",
        "q=stikstof&pagina=0": "'0' is geen paginanummer; geef een getal van 1 tot en met 1000.",
        "q=stikstof&pagina=twee": "'twee' is geen paginanummer; geef een getal van 1 tot en met "
        "1000.",
        "q=": "geef een zoekvraag, bijvoorbeeld /api/search?q=stikstof.",
    }
    for query, message in cases.items():
        status, data = get_json(f"{server.url}/api/search?{query}")
        assert (status, data) == (400, {"error": message, "status": 400}), query
        if query == "q=":
            continue  # the page shows an empty search box
        # the page says the same, as HTML
        status, _, body = get(f"{server.url}/?{query}")
        assert status == 400 and html.escape(message) in body.decode(), query


def test_show_similar_stats_health_and_unknown_ids(
    server: RunningServer, fixture_index: Index
) -> None:
    status, data = get_json(f"{server.url}/api/show/{quote('2019Z12806#4', safe='')}")
    assert status == 200 and data["id"] == "2019Z12806#4"
    assert data["entries"] == [e.to_dict() for e in fixture_index.lookup("2019Z12806#4")]
    status, data = get_json(f"{server.url}/api/show/2019Z12806")
    assert len(data["entries"]) == 7
    status, data = get_json(f"{server.url}/api/similar/{quote('2019Z12806#4', safe='')}")
    assert status == 200
    assert data == json.loads(json.dumps(fixture_index.similar("2019Z12806#4").to_dict()))
    status, data = get_json(f"{server.url}/api/stats?by=partij")
    assert status == 200 and data["by"] == "party" and data["total"]["questions"] > 0
    status, data = get_json(f"{server.url}/api/health")
    assert status == 200 and data["status"] == "ok"
    assert data["entries"] == fixture_index.entry_count
    for path in ("/api/show/1999Z00000", "/api/similar/1999Z00000%231"):
        status, data = get_json(server.url + path)
        assert status == 404
        assert data["error"] == "geen vraag of document '1999Z00000' in de index. Controleer " \
            "het nummer." or "1999Z00000#1" in data["error"]  # fmt: skip
    status, data = get_json(f"{server.url}/api/nope")
    assert status == 404 and "error" in data
    status, _, body = get(f"{server.url}/doc/1999Z00000")
    assert status == 404 and "geen vraag of document" in body.decode()


def test_the_page_shows_results_facets_paging_and_a_suggestion(server: RunningServer) -> None:
    status, headers, body = get(f"{server.url}/?q=stikstof")
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="nl">' in page and 'placeholder="Zoek in Kamervragen' in page
    assert "1–10 van " in page and "<mark>" in page
    assert 'href="/?q=stikstof&amp;pagina=2"' in page  # paging
    assert 'href="/?q=stikstof&amp;sorteer=-datum"' in page  # sort
    assert 'href="/?q=stikstof&amp;partij=' in page  # a facet is a link
    assert '<span class="count">' in page
    # a filter is shown and can be removed; state is the URL
    status, _, body = get(f"{server.url}/?q=stikstof&partij=GroenLinks&pagina=1")
    page = body.decode()
    assert status == 200 and "partij: GroenLinks" in page and 'href="/?q=stikstof"' in page
    status, _, body = get(f"{server.url}/?q=gezichtsherkening")
    assert "Bedoelde u:" in body.decode() and 'href="/?q=gezichtsherkenning"' in body.decode()
    status, _, body = get(f"{server.url}/")
    assert status == 200 and "<ol" not in body.decode()


def test_a_document_page_has_every_question_answer_footnote_and_link(
    server: RunningServer, fixture_index: Index
) -> None:
    entries = fixture_index.lookup("2024Z18792")
    status, _, body = get(f"{server.url}/doc/2024Z18792")
    page = body.decode()
    assert status == 200
    for entry in entries:
        assert f'id="vraag-{entry.numbers[0]}"' in page
        if entry.answer:
            assert "Antwoord" in page
        for note in entry.footnotes:
            assert "Voetnoten" in page and str(note.number) in page
    assert entries[0].url and f'href="{entries[0].url}"' in page
    status, _, body = get(f"{server.url}/doc/{quote(entries[0].entry_id, safe='')}")
    assert status == 200 and "Vergelijkbare vragen" in body.decode()


def test_static_css_head_post_and_security_headers(server: RunningServer) -> None:
    status, headers, body = get(f"{server.url}/static/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and b"mark" in body
    assert get(f"{server.url}/static/..%2fapp.py")[0] == 404
    csp = headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "unsafe" not in csp
    request = urllib.request.Request(f"{server.url}/?q=x", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.read() == b""
    post = urllib.request.Request(f"{server.url}/api/search", data=b"q=x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(post, timeout=10)
    with caught.value as error:
        assert error.code == 405


def test_seed_markup_and_query_markup_are_escaped(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "xss.txt").write_text(XSS_SEED, encoding="utf-8")
    with Index.build(tmp_path / "index", [seeds]):
        pass
    with start(tmp_path / "index") as running:
        pages = [
            get(f"{running.url}/?q=webwinkels")[2].decode(),
            get(f"{running.url}/?q={quote('<script>alert(5)</script> webwinkels')}")[2].decode(),
            get(f"{running.url}/doc/2024Z99999")[2].decode(),
            get(f"{running.url}/?q=x&partij={quote('<b>x</b>')}")[2].decode(),
            get(f"{running.url}/doc/{quote('<img src=x>')}")[2].decode(),
        ]
        status, headers, _ = get(f"{running.url}/doc/2024Z99999")
    assert status == 200 and "unsafe-inline" not in headers["Content-Security-Policy"]
    for page in pages:
        assert "<script" not in page and "<img" not in page and "<b>" not in page
        assert 'href="javascript' not in page
    with Index.open(tmp_path / "index") as index:
        (entry,) = index.lookup("2024Z99999")
    assert "<script>alert(1)</script>" in entry.question and '"><img' in entry.members[0].name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0] and pages[2]
    assert "&quot;&gt;&lt;img src=x onerror=alert(3)&gt;" in pages[2]
    assert "Evil&quot;&gt;&lt;img src=x" in pages[0] and "&lt;b&gt;vet&lt;/b&gt;" in pages[2]
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in pages[1]


def test_serve_without_an_index_says_so_in_dutch(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fout: geen index in {tmp_path / 'none'}/")


def test_serve_command_listens_on_localhost_and_stops_on_ctrl_c(seed_index_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--index-dir", str(seed_index_path),
         "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=default_sigint,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Luistert op http://127.0.0.1:"), line
        status, data = get_json(f"{line.split()[2]}/api/search?q=gezichtsherkenning")
        assert status == 200 and data["hits"][0]["entry_id"] == "2019Z12806#4"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert out.strip().endswith("Gestopt.") and "Traceback" not in err


@pytest.mark.slow
def test_200_requests_from_20_clients_all_succeed_while_generations_switch(
    tmp_path: Path,
) -> None:
    report = load_bench("load").run(SEEDS, tmp_path, clients=20, requests=200)
    assert report.failures == [] and report.requests == 200
    assert report.generations >= 1
