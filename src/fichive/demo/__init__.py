"""Demo content loaded into a fresh archive so it can be tried at once."""
