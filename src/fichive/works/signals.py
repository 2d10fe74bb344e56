"""What the works app tells other apps, sent once the change has committed: a work was
posted (its creators' subscribers hear of it) and a chapter was posted to a posted work (the
work's subscribers hear of it). Receivers must not do slow work in the request: they queue
a task (fichive/lib/tasks.py)."""

from django.dispatch import Signal

# kwargs: work (a Work, now posted)
work_published = Signal()
# kwargs: chapter (a Chapter of a posted work)
chapter_published = Signal()
# kwargs: work_id, pseud_ids (pseuds of other users invited to be the work's co-creators)
creators_invited = Signal()
