"""``kvsearch serve``: a local web page and JSON API over an index.

Nothing here is imported by ``import search`` or by the other ``kvsearch`` commands;
the server (waitress, the ``web`` extra) is imported only when ``serve`` runs.
"""
