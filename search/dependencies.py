"""Importing Whoosh and Snowball without the modules kvsearch never uses.

A search is a new process (``kvsearch search …``), so what the imports cost is paid by
every search. Two dependencies import much more than kvsearch uses:

* **Whoosh** imports ``urllib.request`` (``whoosh.compat``, for a ``urlretrieve`` that
  nothing calls: it pulls in ``http.client``, ``email``, ``ssl`` and ``socket``),
  ``cached_property`` (``whoosh.reading``, for one property; that package imports
  ``asyncio``) and ``whoosh.lang.morph_en`` (``whoosh.query``, English word variations
  for the ``Variations`` query, which kvsearch does not use; a large table of
  regular expressions).
* **snowballstemmer** imports all its 36 stemmers to offer one.

:func:`import_whoosh` (run by the ``kvsearch`` command, ``search.cli``, before anything
imports Whoosh; never by ``import search`` in an application, whose process keeps its
modules as they are) imports Whoosh with stand-ins for those three modules in
``sys.modules``, and takes the stand-ins out again as soon as Whoosh is imported: the
rest of the process imports the real modules as usual, and Whoosh gets the real ones
on first use (the stand-ins forward to them). The stand-in for ``cached_property`` is
the package's own ``cached_property`` for plain functions (a non-data descriptor that
stores the value in the instance's ``__dict__``). A module that is imported already is
never replaced, and nothing is done when Whoosh is imported already. While Whoosh is
being imported (at the start of the command), another thread that imports one of the
three modules for the first time would get the stand-in; the command starts none.

:func:`dutch_porter_stemmer` loads only Snowball's ``dutch_porter`` stemmer (and its two
base modules) from the installed snowballstemmer, under a private package name, so
that ``snowballstemmer`` itself is untouched; with PyStemmer installed it returns
PyStemmer's stemmer, as ``snowballstemmer.stemmer`` does. Either falls back to the
ordinary import when anything is not as expected.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["dutch_porter_stemmer", "import_whoosh"]

#: The Snowball algorithm of kvsearch's analysis.
DUTCH_PORTER = "dutch_porter"

#: The private package the Snowball stemmer modules are loaded under.
_SNOWBALL_PACKAGE = "_kvsearch_snowball"


def _forward(module: str, name: str) -> Callable[..., Any]:
    """A function that imports ``module`` on its first call and calls its ``name``."""

    def forward(*args: Any, **kwargs: Any) -> Any:
        real = getattr(importlib.import_module(module), name)
        return real(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    return forward


class _CachedProperty:
    """``cached_property.cached_property`` for a plain (non-coroutine) function."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.__doc__ = func.__doc__
        self.func = func

    def __get__(self, obj: Any, cls: type | None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.func.__name__] = self.func(obj)
        return value


def _stand_ins() -> dict[str, dict[str, Any]]:
    """Module name -> the attributes Whoosh imports from it."""
    return {
        "urllib.request": {"urlretrieve": _forward("urllib.request", "urlretrieve")},
        "cached_property": {"cached_property": _CachedProperty},
        "whoosh.lang.morph_en": {"variations": _forward("whoosh.lang.morph_en", "variations")},
    }


@contextmanager
def _standing_in(modules: dict[str, dict[str, Any]]) -> Iterator[None]:
    """Stand-in modules in ``sys.modules`` for those not imported yet, for the block."""
    placed: dict[str, types.ModuleType] = {}
    for name, attributes in modules.items():
        if name in sys.modules:
            continue
        stand_in = types.ModuleType(name, "kvsearch's stand-in while Whoosh is imported")
        stand_in.__dict__.update(attributes)
        placed[name] = sys.modules[name] = stand_in
    try:
        yield
    finally:
        for name, stand_in in placed.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def import_whoosh() -> None:
    """Import the Whoosh modules kvsearch uses, without ``urllib.request``,
    ``cached_property`` (``asyncio``) and ``whoosh.lang.morph_en``."""
    if "whoosh.compat" in sys.modules:
        return  # imported already: as it is
    try:
        with _standing_in(_stand_ins()):
            # __import__ rather than importlib.import_module: -X importtime lists them.
            __import__("whoosh.compat")
            __import__("whoosh.reading")
            __import__("whoosh.query")
    except ImportError:
        # Not the Whoosh this was written for: import it as it is.
        for name in [n for n in sys.modules if n == "whoosh" or n.startswith("whoosh.")]:
            del sys.modules[name]
        __import__("whoosh.query")


def dutch_porter_stemmer() -> Any:
    """``snowballstemmer.stemmer("dutch_porter")``, without its other 35 stemmers."""
    if "snowballstemmer" not in sys.modules:
        try:
            import Stemmer  # type: ignore[import-not-found, unused-ignore]  # PyStemmer
        except ImportError:
            pass
        else:  # snowballstemmer returns PyStemmer's stemmer when it is installed
            return Stemmer.Stemmer(DUTCH_PORTER)
        try:
            return _load_snowball_module(f"{DUTCH_PORTER}_stemmer").DutchPorterStemmer()
        except (ImportError, AttributeError):
            pass
    import snowballstemmer

    return snowballstemmer.stemmer(DUTCH_PORTER)


def _load_snowball_module(name: str) -> types.ModuleType:
    """Module ``name`` of the installed snowballstemmer, loaded under a private package
    (its imports are relative: ``.basestemmer``, ``.among``)."""
    package = sys.modules.get(_SNOWBALL_PACKAGE)
    if package is None:
        spec = importlib.util.find_spec("snowballstemmer")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("snowballstemmer is not installed as a package")
        package = types.ModuleType(_SNOWBALL_PACKAGE, "snowballstemmer's modules, for kvsearch")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules[_SNOWBALL_PACKAGE] = package
    module = f"{_SNOWBALL_PACKAGE}.{name}"
    __import__(module)
    return sys.modules[module]
