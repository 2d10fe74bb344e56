"""Kudos: readers' (and guests') one-press thanks on a whole work."""
