"""Reads of the editable pages: the stored text, or the default until an admin edits it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from fichive.pages.defaults import DEFAULTS
from fichive.pages.models import Page


@dataclass(frozen=True)
class ShownPage:
    slug: str
    title: str
    body: str  # sanitized HTML
    page: Page | None  # None: the default text, never edited


def page_for(slug: str) -> ShownPage:
    """The page to show at /<slug>; 404 for a slug that is no page."""
    if slug not in Page.Slug.values:
        raise Http404("No such page.")
    stored = Page.objects.filter(slug=slug).first()
    if stored is not None:
        return ShownPage(slug=slug, title=stored.title, body=stored.body, page=stored)
    return ShownPage(slug=slug, title=str(Page.Slug(slug).label), body=DEFAULTS[slug],
                     page=None)
