"""What the kudos app tells others, sent once the change commits.

kwargs: kudos (a kudos.models.Kudos).
- kudos_left: someone (a user or a guest) left kudos on a work.
"""

from django.dispatch import Signal

kudos_left = Signal()
