"""Versions of installed distributions, read as importlib.metadata reads them."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from search.version import _dist_info_version, distribution_version, installed_version

DISTRIBUTIONS = ["snowballstemmer", "click", "Whoosh-Reloaded", "whoosh_reloaded", "markdown-it-py"]


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_versions_are_importlib_metadatas(dist: str) -> None:
    assert distribution_version(dist) == installed_version(dist) == version(dist)
    assert _dist_info_version(dist) in (None, version(dist))


def test_a_plain_dist_info_is_read_directly() -> None:
    assert _dist_info_version("snowballstemmer") == version("snowballstemmer")


def test_missing_distribution() -> None:
    assert installed_version("no-such-distribution-kv") == "dev"
    with pytest.raises(PackageNotFoundError):
        distribution_version("no-such-distribution-kv")


def _dist_info(folder: Path, name: str, metadata: str) -> None:
    info = folder / name
    info.mkdir(parents=True)
    (info / "METADATA").write_text(metadata, encoding="utf-8")


def test_first_folder_on_the_path_wins_and_odd_cases_are_left_to_importlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _dist_info(first, "Kv_Demo-1.2.dist-info", "Name: kv-demo\nVersion: 1.2\n\nVersion: 9\n")
    _dist_info(second, "kv_demo-3.0.dist-info", "Name: kv-demo\nVersion: 3.0\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), str(second)])
    assert _dist_info_version("kv.demo") == version("kv.demo") == "1.2"
    _dist_info(first, "kv_demo.egg-info", "Name: kv-demo\nVersion: 5\n")
    assert _dist_info_version("kv-demo") is None  # two candidates: importlib.metadata decides
    monkeypatch.setattr(sys, "path", [str(second)])
    (second / "kv_demo-3.0.dist-info" / "METADATA").write_text("Name: kv-demo\n\nVersion: 4\n")
    assert _dist_info_version("kv-demo") is None  # no Version header
