"""Fichive: the fan fiction archive you run yourself."""

__version__ = "0.1.0"
