"""Leaving kudos: the one write of the kudos app, with AO3's rules.

Kudos go on whole works (not chapters), from logged-in users and from guests (recognised by
the hash of their address, `lib.visitors.address_hash`); not from guests on restricted works,
not from a work's own creators, not on drafts, and once per person per work. The unique
constraints decide what is a second press, so presses at the same moment can't count twice;
the row and `Work.kudos_count` change in one transaction.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from fichive.accounts.requests import Viewer
from fichive.accounts.services import ensure_may_post
from fichive.kudos.models import Kudos
from fichive.kudos.signals import kudos_left
from fichive.lib.cache import content_changed
from fichive.stats.services import work_stat_add
from fichive.works.filter_tags import filter_taggings_refresh
from fichive.works.models import Work
from fichive.works.services import is_creator

ALREADY_LEFT = "You have already left kudos here. :)"
OWN_WORK = "You can't leave kudos on your own work."
DRAFT = "Kudos can only be left on posted works."
RESTRICTED = "This work is only for registered users: log in to leave kudos on it."
NO_GUEST = "We couldn't tell who you are: log in to leave kudos."

_HASH = re.compile(r"[0-9a-f]{64}")


def kudos_leave(*, work: Work, user: Viewer = None, guest_hash: str = "") -> Kudos:
    """Leave kudos on `work` as `user`, or as the guest `guest_hash` when no one is logged in.

    Raises ValidationError (code "already", "own-work", "draft", "restricted" or "guest")
    with a message for the person, and then changes nothing.
    """
    ensure_may_post(user)
    account = user if user is not None and user.is_authenticated else None
    if work.state != Work.State.POSTED:
        raise ValidationError(DRAFT, code="draft")
    if account is None:
        if work.restricted:
            raise ValidationError(RESTRICTED, code="restricted")
        if not _HASH.fullmatch(guest_hash):
            raise ValidationError(NO_GUEST, code="guest")
    elif is_creator(user=account, work=work):
        raise ValidationError(OWN_WORK, code="own-work")
    who: dict[str, object] = (
        {"user": account} if account is not None else {"user": None, "guest_hash": guest_hash})

    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a second press leaves the rest usable
                kudos = Kudos.objects.create(work=work, **who)
        except IntegrityError:
            if Kudos.objects.filter(work=work, **who).exists():
                raise ValidationError(ALREADY_LEFT, code="already") from None
            raise  # not a second press (the work went away meanwhile): a real error
        Work.objects.filter(pk=work.pk).update(kudos_count=F("kudos_count") + 1)
        work_stat_add(work_id=work.pk, kudos=1)
        filter_taggings_refresh(work_ids=[work.pk])
        content_changed(work_ids=[work.pk], listings=False)
        transaction.on_commit(lambda: kudos_left.send(sender=Kudos, kudos=kudos))
    return kudos
