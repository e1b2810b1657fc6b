"""The search engine: query parsing and understanding, scoring, ranking, spelling,
similar questions and highlighting."""
