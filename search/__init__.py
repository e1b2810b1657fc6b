"""kvsearch."""
