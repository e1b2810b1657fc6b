"""Knowledge of parliament: links to the official text of a Kamervraag."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Index
from search.cli import main
from search.dutch.parliament import official_url
from tests.conftest import SHARED

SITE = "https://zoek.officielebekendmakingen.nl/"


def test_official_url_of_both_id_forms() -> None:
    assert official_url("ah-tk-20242025-594") == SITE + "ah-tk-20242025-594.html"
    assert official_url("2019Z12806") == SITE + "kv-tk-2019Z12806.html"
    assert official_url("2019z12806") == SITE + "kv-tk-2019Z12806.html"
    assert official_url("2024Z18792~2") == SITE + "kv-tk-2024Z18792.html"  # a kept duplicate
    for unknown in ("jenv-eerdmans-me-arnhem", "", "2019Z1280", "ah-tk-2024-594", "x/2019Z12806"):
        assert official_url(unknown) is None, unknown


@pytest.mark.whole_corpus(SHARED / "corpus" / "metadata.jsonl")
def test_every_id_of_the_corpus_metadata_has_its_form() -> None:
    metadata = SHARED / "corpus" / "metadata.jsonl"
    records = [json.loads(line) for line in metadata.read_text(encoding="utf-8").splitlines()]
    forms = {"ah": 0, "z": 0, "none": 0}
    for record in records:
        url = official_url(record["id"])
        if record.get("ah_id") == record["id"]:
            assert url == f"{SITE}{record['ah_id']}.html"
            forms["ah"] += 1
        elif record.get("z_number") == record["id"]:
            assert url == f"{SITE}kv-tk-{record['z_number']}.html"
            forms["z"] += 1
        else:
            assert url is None, record["id"]
            forms["none"] += 1
    assert forms == {"ah": 53, "z": 62, "none": 2}


def test_url_in_json_show_and_csv(seed_index_path: Path) -> None:
    runner = CliRunner()
    args = ["--index-dir", str(seed_index_path)]
    url = SITE + "kv-tk-2019Z12806.html"
    found = json.loads(runner.invoke(main, ["search", "sancties", "--json", *args]).stdout)
    assert {h["url"] for h in found["hits"]} == {url}
    shown = runner.invoke(main, ["show", "2019Z12806#4", *args]).stdout
    assert f"Officiële tekst: {url}" in shown.splitlines()
    shown_json = json.loads(runner.invoke(main, ["show", "2019Z12806", "--json", *args]).stdout)
    assert {e["url"] for e in shown_json["entries"]} == {url}
    rows = list(csv.DictReader(io.StringIO(
        runner.invoke(main, ["search", "sancties", "--format", "csv", *args]).stdout
    )))  # fmt: skip
    assert rows and {r["url"] for r in rows} == {url}
    with Index.open(seed_index_path) as index:
        assert index.get("2019Z12806#4").url == url  # type: ignore[union-attr]


@pytest.mark.whole_corpus  # the fixtures have no document whose id has no official form
def test_no_url_where_no_id_form_is_known(corpus_index: Index) -> None:
    (entry, *_) = corpus_index.document("jenv-eerdmans-me-arnhem")
    assert entry.url is None and entry.to_dict()["url"] is None
    runner = CliRunner()
    shown = runner.invoke(
        main, ["show", "jenv-eerdmans-me-arnhem", "--index-dir", str(corpus_index.path)]
    )
    assert shown.exit_code == 0 and "Officiële tekst" not in shown.stdout
    assert re.search(r"^Bron: ", shown.stdout, re.M)
