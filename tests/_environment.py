"""Loaded with `-p` before pytest-django reads the settings: a throwaway data dir for the run."""

import os
import tempfile

os.environ.setdefault("FICHIVE_DATA_DIR", tempfile.mkdtemp(prefix="fichive-test-"))
