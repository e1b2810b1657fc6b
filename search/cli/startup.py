"""The ``kvsearch`` command's first import: Whoosh without the modules it imports and
kvsearch never uses (:func:`search.dependencies.import_whoosh`).

Imported by :mod:`search.cli` before anything imports Whoosh, so only in the command's
own process; an application that imports ``search`` gets Whoosh as it is.
"""

from search.dependencies import import_whoosh

import_whoosh()
