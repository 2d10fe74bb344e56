"""The task that compares works marked stale again, in batches (services.works_mark_stale
queues it once per batch of changes; `fichive worker` runs it)."""

from __future__ import annotations

from fichive.lib.tasks import retrying_task
from fichive.recommendations import services

# Batches one run takes at most; a run that leaves marks queues the next.
RUN_BATCHES = 20


@retrying_task()
def recommendations_refresh_task() -> int:
    """Compare the stale works again, batch after batch; returns how many marks it took."""
    taken = 0
    for _ in range(RUN_BATCHES):
        done = services.recommendations_refresh()
        if not done:
            return taken
        taken += done
    services.enqueue_refresh()
    return taken
