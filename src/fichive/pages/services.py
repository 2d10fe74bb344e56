"""Writes to the editable pages: an admin saves a page's title and text (sanitized), or puts
the default text back. Either retires guests' cached pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fichive.accounts.models import User
from fichive.lib.cache import content_changed
from fichive.lib.sanitize import userstuff_from_input
from fichive.pages.models import Page

TITLE_MAX = 200
BODY_MAX = 100_000


def _check_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied("Only admins can edit the archive's pages.")


@transaction.atomic
def page_update(*, actor: User, slug: str, title: str, body: str) -> Page:
    """Save the page's title and text (HTML through the archive's allowlist)."""
    _check_admin(actor)
    if slug not in Page.Slug.values:
        raise ValidationError({"slug": ["There is no such page."]})
    title = " ".join((title or "").split())
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["A page needs a title."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"The title is at most {TITLE_MAX} characters."]
    if len(body or "") > BODY_MAX:
        errors["body"] = [f"The text is at most {BODY_MAX:,} characters."]
    cleaned = userstuff_from_input(body or "", fmt="html") if "body" not in errors else ""
    if "body" not in errors and not cleaned.strip():
        errors["body"] = ["A page needs some text."]
    if errors:
        raise ValidationError(errors)
    page, _ = Page.objects.update_or_create(
        slug=slug, defaults={"title": title, "body": cleaned, "updated_by": actor})
    content_changed(everything=True)
    return page


@transaction.atomic
def page_reset(*, actor: User, slug: str) -> None:
    """Forget the admin's text: the page shows its default text again."""
    _check_admin(actor)
    Page.objects.filter(slug=slug).delete()
    content_changed(everything=True)
