"""Template tags for the comments hook on work pages: the same for every guest."""

from __future__ import annotations

from django import template
from django.urls import reverse

from fichive.comments.selectors import chapter_comment_count
from fichive.works.models import Chapter, Work

register = template.Library()


@register.simple_tag
def comments_link(work: Work, chapters: list[Chapter], full_work: bool) -> dict:
    """Where the page's comments live and how many there are: the whole work's (one-shots,
    "Entire Work") from the work's counter, or the one chapter shown (one count query)."""
    if full_work or not work.is_multichapter or len(chapters) != 1:
        return {"url": reverse("comments:work", args=[work.pk]),
                "count": work.comments_count}
    chapter = chapters[0]
    return {"url": reverse("comments:chapter", args=[work.pk, chapter.pk]),
            "count": chapter_comment_count(chapter)}
