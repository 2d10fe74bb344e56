"""Notification mail: plain-text messages with a link to the thing, sent through Django's
mail settings (EMAIL_BACKEND: files in the data dir by default, SMTP when configured), to
users who have an address and want that kind (accounts.Preference)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.urls import reverse

from fichive.accounts.models import User
from fichive.inbox.models import InboxItem

# Which preference switches each kind of item's mail.
PREFERENCE_OF: dict[str, str] = {
    InboxItem.Kind.COMMENT: "email_comments",
    InboxItem.Kind.REPLY: "email_replies",
    InboxItem.Kind.NEW_CHAPTER: "email_subscriptions",
    InboxItem.Kind.NEW_WORK: "email_subscriptions",
    InboxItem.Kind.NEW_PART: "email_subscriptions",
    InboxItem.Kind.AWAITING_APPROVAL: "email_moderation",
    InboxItem.Kind.CREATOR_INVITATION: "email_creator_invitations",
    # A moderator hiding or unhiding your work: always mailed (no switch turns it off).
    InboxItem.Kind.WORK_HIDDEN: "",
    InboxItem.Kind.WORK_UNHIDDEN: "",
}


def site_url() -> str:
    """The archive's address for links in mail: FICHIVE_SITE_URL when set, else the first
    allowed host over http."""
    configured = str(getattr(settings, "FICHIVE_SITE_URL", "") or "").rstrip("/")
    if configured:
        return configured
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in {"*", ""}]
    return f"http://{hosts[0] if hosts else 'localhost'}"


def absolute(path: str) -> str:
    return site_url() + path


def users_wanting(user_ids: Iterable[int], preference: str) -> QuerySet[User]:
    """The users among `user_ids` with an address who haven't turned this kind of mail off
    (no preferences row yet means the defaults: on)."""
    users = User.objects.filter(pk__in=list(user_ids), is_active=True).exclude(email="")
    if not preference:  # a kind no switch turns off
        return users
    return users.exclude(**{f"preference__{preference}": False})


def _site_name() -> str:
    return str(getattr(settings, "FICHIVE_SITE_NAME", "Fichive"))


def _footer(user: User) -> str:
    preferences = absolute(reverse("accounts:preferences", args=[user.username]))
    inbox = absolute(reverse("inbox:list", args=[user.username]))
    return (f"\n\n--\nYour inbox: {inbox}\nChoose which mail you get: {preferences}\n"
            f"{_site_name()}\n")


def item_message(item: InboxItem) -> EmailMessage:
    """The mail for one inbox item (its user, work and chapter loaded)."""
    user, work = item.user, item.work
    title = f"“{work.title}”"
    link = absolute(item.get_absolute_url())
    actor = item.actor_name or "Someone"
    if work.anonymous and item.kind in (InboxItem.Kind.NEW_CHAPTER, InboxItem.Kind.NEW_WORK):
        actor = "Anonymous"  # made anonymous since the item was written: its byline is gone
    if item.kind == InboxItem.Kind.NEW_CHAPTER:
        subject = f"{title}: {item.summary}" if item.summary else f"New chapter of {title}"
        body = (f"{actor} posted a new chapter of {title}: {item.summary}\n\nRead it: {link}"
                f"\n\nYou get this because you subscribed to {title}.")
    elif item.kind == InboxItem.Kind.NEW_WORK:
        subject = f"{actor} posted {title}"
        body = (f"{actor} posted a new work, {title}.\n\nRead it: {link}\n\n"
                f"You get this because you subscribed to {actor}.")
    elif item.kind == InboxItem.Kind.NEW_PART:
        # (the summary says which part of which series: "Part 2 of “Team Seven”")
        subject = f"{item.summary}: {title}" if item.summary else f"New part: {title}"
        body = (f"{actor} posted {title}, {item.summary[:1].lower()}{item.summary[1:]}.\n\n"
                f"Read it: {link}\n\nYou get this because you subscribed to the series.")
    elif item.kind == InboxItem.Kind.COMMENT:
        subject = f"Comment on {title}"
        body = f"{actor} left a comment on {title}:\n\n{item.summary}\n\nRead and reply: {link}"
    elif item.kind == InboxItem.Kind.CREATOR_INVITATION:
        subject = f"{actor} invited you to be a co-creator of {title}"
        body = (f"{actor} invited you ({item.summary}) to be a co-creator of {title}. Your "
                f"name appears on the work only if you accept.\n\nAccept or decline: {link}")
    elif item.kind == InboxItem.Kind.WORK_HIDDEN:
        subject = f"A moderator hid your work {title}"
        body = (f"A moderator hid your work {title}: only you and the archive's moderators "
                f"can see it now.\n\nReason: {item.summary}\n\nThe work: {link}")
    elif item.kind == InboxItem.Kind.WORK_UNHIDDEN:
        subject = f"Your work {title} is visible again"
        body = (f"A moderator made your work {title} visible again.\n\nReason: "
                f"{item.summary}\n\nThe work: {link}")
    elif item.kind == InboxItem.Kind.REPLY:
        subject = f"Reply to your comment on {title}"
        body = (f"{actor} replied to your comment on {title}:\n\n{item.summary}\n\n"
                f"Read and reply: {link}")
    else:
        subject = f"Comment awaiting your approval on {title}"
        body = (f"{actor} left a comment on {title}; it waits for your approval before "
                f"anyone else sees it:\n\n{item.summary}\n\nApprove or delete it: {link}")
    return EmailMessage(subject=f"[{_site_name()}] {subject}", body=body + _footer(user),
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])


def kudos_message(user: User, lines: list[tuple[str, str]]) -> EmailMessage:
    """The daily kudos summary: one (who left kudos, work path) line per work."""
    parts = [f"{who}\n{absolute(path)}" for who, path in lines]
    body = "Kudos on your works today:\n\n" + "\n\n".join(parts) + _footer(user)
    return EmailMessage(subject=f"[{_site_name()}] Kudos on your works", body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])


def names_and_guests(names: list[str], guests: int) -> str:
    """ "alice, bob and 3 guests" """
    parts = list(names)
    if guests:
        parts.append(f"{guests} guest" + ("" if guests == 1 else "s"))
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
