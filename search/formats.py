"""The versions of what an index records, in one place: bump one here when what it
names changes, and an index made before is rebuilt (the schema, analyzer and
compounds versions) or its seed files parsed again (the ingest version).

Every index records them in its ``kvsearch.json`` (:mod:`search.build.manifest`);
opening an index of another schema or analysis raises
:class:`~search.errors.IndexVersionError`.
"""

__all__ = [
    "ANALYZER_NAME",
    "ANALYZER_VERSION",
    "COMPOUNDS_VERSION",
    "INGEST_VERSION",
    "SCHEMA_VERSION",
]

#: The index's fields (:mod:`search.schema`). Bump when fields change, or the import
#: path of an analyzer (Whoosh pickles the schema, analyzers included, into the index).
#: 8: the analyzers moved from ``search.analysis`` to ``search.dutch.analysis``.
#: 9: the common-gram fields (:data:`search.schema.GRAM_FIELDS`).
#: 10: the ``kind`` field (procedural questions, :mod:`search.dutch.procedural`).
SCHEMA_VERSION = 10

#: The Dutch analysis chain (:mod:`search.dutch.analysis`).
ANALYZER_NAME = "kvsearch-dutch"
#: 3: -ies forms meet their -iezen forms (advies/adviezen -> advie), -ieën/-eeën plurals
#: their singular (technologieën -> technologie), overheids- meets overheid.
ANALYZER_VERSION = 3

#: Compound splitting (:mod:`search.dutch.compounds`): rules, lists, thresholds.
COMPOUNDS_VERSION = 2

#: The parsing rules of seed files (:mod:`search.ingest`): an index keeps each file's
#: parse, and an update reads every file again when the rules that parsed them differ.
INGEST_VERSION = 5
