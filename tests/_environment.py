"""Loaded with `-p` before pytest-django reads the settings: a throwaway data dir for the run,
local-memory caching with guests' page cache on (so every test that changes something and looks
again checks the cache heard of it), and no deployment's Redis or replicas."""

import os
import tempfile

os.environ.setdefault("FICHIVE_DATA_DIR", tempfile.mkdtemp(prefix="fichive-test-"))
os.environ.setdefault("FICHIVE_PAGE_CACHE", "1")
for name in ("FICHIVE_REDIS_URL", "FICHIVE_DATABASE_REPLICA_URLS"):
    os.environ.pop(name, None)
