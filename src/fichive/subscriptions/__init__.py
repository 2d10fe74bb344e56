"""Subscriptions to works (new chapters) and creators (new works), and their fan-out."""
