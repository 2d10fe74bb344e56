"""Demo content loaded into a fresh archive so it can be tried at once."""

# Bump when `fichive generate` output changes for the same seed, so cached benchmark archives
# (bench/run.py) are generated again.
GENERATOR_VERSION = 4
