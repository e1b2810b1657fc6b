"""``kvsearch serve`` (:mod:`search.web`), registered on the group with the options every
command shares; the server itself is imported only when the command runs."""

from search.cli.app import help_option, main
from search.cli.options import index_dir_option, trust
from search.web.command import add_serve_command

add_serve_command(main, index_dir_option, help_option, trust)
