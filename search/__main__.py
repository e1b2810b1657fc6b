"""``python -m search``: the same as the ``kvsearch`` command."""

from search.cli import main

main(prog_name="kvsearch")
