"""The read-only JSON API (v1)."""
