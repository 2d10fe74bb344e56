"""What the comments app tells others (the inbox and mail), sent once the change commits.

kwargs: comment (a comments.models.Comment).
- comment_published: a comment became visible to the work's creators and, for a reply, to
  the author of the comment it answers (posted on a work that does not moderate comments, or
  approved by a creator).
- comment_awaiting_approval: a comment was held for approval on a moderated work.
"""

from django.dispatch import Signal

comment_published = Signal()
comment_awaiting_approval = Signal()
