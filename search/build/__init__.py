"""Building the on-disk index: generations, bulk writer, spool, storage, integrity."""
