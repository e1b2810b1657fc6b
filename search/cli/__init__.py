"""The ``kvsearch`` command: a thin click layer over :class:`search.Index` that speaks
Dutch to its users. :mod:`~search.cli.startup` comes first (Whoosh without what kvsearch
never uses); :mod:`~search.cli.app` holds the click group :func:`main`, its Dutch help and
its one place where a :class:`search.SearchError` becomes ``Fout: …`` and an exit status;
:mod:`~search.cli.texts` words every error in Dutch; :mod:`~search.cli.options` holds the
options the commands share; the commands are in :mod:`~search.cli.building` (``index``,
``rebuild``, ``check``), :mod:`~search.cli.searching` (``search``, ``show``, ``similar``)
and :mod:`~search.cli.following` (``stats``, ``watch``); :mod:`~search.cli.render` and
:mod:`~search.cli.render_follow` turn results into text.
"""

# First, in the command's own process only: Whoosh without what it never uses.
from search.cli import startup  # noqa: F401

# isort: split

# Each command module registers its commands on ``main`` (from search.cli.app) when
# imported. A new command, such as ``serve``, is a module like these, listed here; it
# imports what only it needs inside the command (a search must not import it).
from search.errors import DependencyError

try:
    from search.cli import building, following, searching, serving  # noqa: F401
except DependencyError as exc:  # another Whoosh: say what to install, no traceback
    from search.cli.texts import dutch_message

    raise SystemExit(f"Fout: {dutch_message(exc)}") from None
from search.cli.app import main

__all__ = ["main"]
