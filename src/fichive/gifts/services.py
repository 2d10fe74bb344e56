"""Writes of gifts: giving a work to names, and a recipient refusing a gift."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fichive.accounts.models import Pseud, User
from fichive.accounts.selectors import pseuds_from_names
from fichive.blocking.models import Block
from fichive.gifts.models import MAX_NAME_LENGTH, MAX_RECIPIENTS, Gift
from fichive.lib.cache import content_changed
from fichive.works.models import Creatorship, Work


def gift_names_parse(value: str) -> list[str]:
    """The comma-separated names typed in "Gift this work to", trimmed, duplicates (ignoring
    case) dropped; ValidationError for an over-long name or too many recipients."""
    names: list[str] = []
    seen: set[str] = set()
    for part in (value or "").split(","):
        name = " ".join(part.split())
        if not name or name.lower() in seen:
            continue
        if len(name) > MAX_NAME_LENGTH:
            raise ValidationError(
                f"A recipient's name can be at most {MAX_NAME_LENGTH} characters "
                f"(“{name[:20]}…” is {len(name)}).")
        seen.add(name.lower())
        names.append(name)
    if len(names) > MAX_RECIPIENTS:
        raise ValidationError(
            f"A work can be a gift to at most {MAX_RECIPIENTS} recipients "
            f"({len(names)} given).")
    return names


def _resolve(name: str) -> Pseud | None:
    """The archive pseud a typed name means ("user" or "pseud (user)"), or None: a plain
    name."""
    try:
        found = pseuds_from_names(name)
    except ValidationError:
        return None
    return found[0] if found else None


def _refuse_blocked(work: Work, recipients: list[Pseud]) -> None:
    """ValidationError (on the gifts field) when a new recipient blocks one of the work's
    creators: a blocked user can't give the blocker gifts. One query, none without
    recipients."""
    if not recipients:
        return
    creators = Creatorship.objects.filter(work=work).values("pseud__user_id")
    blockers = set(Block.objects.filter(blocker_id__in={p.user_id for p in recipients},
                                        blocked_id__in=creators)
                   .values_list("blocker_id", flat=True))
    if blockers:
        names = ", ".join(sorted({p.byline for p in recipients if p.user_id in blockers}))
        raise ValidationError({"gifts": [
            f"You can't give this work to {names}: they have blocked you (or one of the "
            "work's creators). Remove them from the recipients."]}, code="blocked")


@transaction.atomic
def gifts_set(*, work: Work, names: str | list[str]) -> list[Gift]:
    """Make the work a gift to exactly these recipients: new names added, names left out
    removed; a recipient who refused it stays refused (it is not given to them again).
    Returns the work's current (not refused) gifts."""
    if isinstance(names, str):
        names = gift_names_parse(names)
    else:
        names = gift_names_parse(", ".join(names))
    wanted: list[tuple[Pseud | None, str]] = []
    for name in names:
        pseud = _resolve(name)
        key = (pseud, pseud.name if pseud else name)
        if pseud is not None and any(p == pseud for p, _ in wanted):
            continue
        wanted.append(key)
    existing = list(Gift.objects.select_for_update().filter(work=work))
    _refuse_blocked(work, [pseud for pseud, _ in wanted if pseud is not None
                           and not any(g.pseud_id == pseud.pk for g in existing)])
    keep: set[int] = set()
    changed = False
    for pseud, name in wanted:
        match = next((g for g in existing if (pseud is not None and g.pseud_id == pseud.pk)
                      or (pseud is None and g.pseud_id is None
                          and g.recipient_name.lower() == name.lower())), None)
        if match is not None:
            keep.add(match.pk)
            continue
        Gift.objects.create(work=work, pseud=pseud, recipient_name=name)
        changed = True
    stale = [g.pk for g in existing if g.pk not in keep and not g.refused]
    if stale:
        Gift.objects.filter(pk__in=stale).delete()
        changed = True
    if changed:
        content_changed(work_ids=[work.pk])
    return list(Gift.objects.filter(work=work, refused=False).select_related("pseud__user"))


@transaction.atomic
def gift_refuse(*, user: User, gift: Gift) -> None:
    """The recipient refuses the gift: their name disappears from the work."""
    gift = Gift.objects.select_for_update(of=("self",)).select_related("pseud").get(pk=gift.pk)
    if gift.pseud is None or gift.pseud.user_id != user.pk:
        raise PermissionDenied("Only the recipient can refuse a gift.")
    if gift.refused:
        return
    gift.refused = True
    gift.save(update_fields=["refused"])
    content_changed(work_ids=[gift.work_id])
