"""Building the on-disk index. :mod:`~search.build.indexer` runs a build or an update
and a check; it takes the writer lock (:mod:`~search.build.lock`), compares the seed
files with the live generation's manifest (:mod:`~search.build.manifest`, the
description ``kvsearch.json``) into a change plan (:mod:`~search.build.plan`), parses
what changed (:mod:`~search.build.parse`, through the :mod:`~search.build.spool`),
writes a new generation (:mod:`~search.build.write`; a full build's single segment by
:mod:`~search.build.bulkwrite`), records its checksums (:mod:`~search.build.integrity`)
and switches to it atomically (:mod:`~search.build.generations`); the summary of new,
answered and delayed Kamervragen comes from :mod:`~search.build.summary`. The names of
the files in an index folder are in :mod:`~search.build.layout`; which folders may be
opened at all, in :mod:`~search.build.trust`; memory-mapped reading, in
:mod:`~search.build.storage`.
"""
