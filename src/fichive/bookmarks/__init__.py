"""Bookmarks of works and of external works, with notes, tags, recs and private flags."""
