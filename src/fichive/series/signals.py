"""What the series app tells other apps, sent once the change has committed: a work became a
part of a series (the series' subscribers hear of it once the work is posted). Receivers
must not do slow work in the request: they queue a task (fichive/lib/tasks.py)."""

from django.dispatch import Signal

# kwargs: series (a Series), work (a Work, posted or a draft: receivers check)
series_part_added = Signal()
