"""Importers: each reads one kind of file and returns a format-neutral ParsedWork."""
