"""Versions of installed distributions, for ``--version`` and the index's record.

Opening an index checks the installed snowballstemmer's version (it is part of the
analysis the index records), so every search needs it. ``importlib.metadata`` imports
most of ``email`` to read a distribution's metadata; a plain ``*.dist-info`` folder on
``sys.path`` is read directly instead (:func:`distribution_version`), the same way and
with the same result, and anything else is left to ``importlib.metadata``.
"""

from __future__ import annotations

import os
import re
import sys
from importlib.machinery import PathFinder

__all__ = ["distribution_version", "installed_version"]


def installed_version(dist: str, default: str = "dev") -> str:
    """The installed version of ``dist``; ``default`` when it is not installed (a source
    tree run without ``pip install``)."""
    found = _dist_info_version(dist)
    if found is not None:
        return found
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return default


def distribution_version(dist: str) -> str:
    """``importlib.metadata.version(dist)``, reading a plain dist-info folder directly.

    Raises:
        importlib.metadata.PackageNotFoundError: ``dist`` is not installed.
    """
    found = _dist_info_version(dist)
    if found is not None:
        return found
    from importlib.metadata import version

    return version(dist)


def _normalize(name: str) -> str:
    """A distribution name as ``importlib.metadata`` compares them."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _dist_info_version(dist: str) -> str | None:
    """The ``Version`` of the distribution ``importlib.metadata`` would find first, when
    that is the only ``<dist>-*.dist-info`` folder of the first ``sys.path`` folder
    that has one; None in every other case (zip files on the path, ``.egg-info``,
    several candidates, another finder of distributions, unreadable metadata)."""
    if any(
        hasattr(finder, "find_distributions") and finder is not PathFinder
        for finder in sys.meta_path
    ):
        return None
    wanted = _normalize(dist)
    for entry in sys.path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.exists(root):
                return None  # a zip file: importlib.metadata reads those
            continue
        found = [
            child
            for child in children
            if child.lower().endswith((".dist-info", ".egg-info"))
            and _normalize(child.lower().rpartition(".")[0].partition("-")[0]) == wanted
        ]
        if not found:
            continue
        if len(found) > 1 or not found[0].lower().endswith(".dist-info"):
            return None
        try:
            with open(os.path.join(root, found[0], "METADATA"), encoding="utf-8") as file:
                text = file.read()
        except (OSError, ValueError):
            return None
        for line in text.splitlines():
            if not line.strip():
                break  # the end of the headers
            name, colon, value = line.partition(":")
            if colon and name.lower() == "version":  # not a folded continuation line
                return value.strip() or None
        return None
    return None
