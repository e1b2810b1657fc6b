"""Versions of installed distributions, for ``--version`` and the index's record."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["installed_version"]


def installed_version(dist: str, default: str = "dev") -> str:
    """The installed version of ``dist``; ``default`` when it is not installed (a source
    tree run without ``pip install``)."""
    try:
        return version(dist)
    except PackageNotFoundError:
        return default
