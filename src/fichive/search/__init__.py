"""Full-text search: the query language, the search index and its two backends."""
