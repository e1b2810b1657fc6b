"""Following a subject over time: saved searches, feeds and statistics."""
