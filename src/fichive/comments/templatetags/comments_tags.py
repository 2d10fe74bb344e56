"""Template tags for the comments hook on work pages: the same for every guest."""

from __future__ import annotations

from django import template
from django.urls import reverse

from fichive.comments.selectors import chapter_comment_count, comments_count_shown
from fichive.works.models import Chapter, Work

register = template.Library()


@register.simple_tag(takes_context=True)
def comments_link(context: template.Context, work: Work, chapters: list[Chapter],
                  full_work: bool) -> dict:
    """Where the page's comments live and how many there are: the whole work's (one-shots,
    "Entire Work") from the work's counter, or the one chapter shown (one count query); less
    what a reader who mutes someone doesn't see (comments_count_shown)."""
    user = getattr(context.get("request"), "user", None)
    if full_work or not work.is_multichapter or len(chapters) != 1:
        return {"url": reverse("comments:work", args=[work.pk]),
                "count": comments_count_shown(user=user, work=work, chapter=None,
                                              count=work.comments_count)}
    chapter = chapters[0]
    url = reverse("comments:chapter", args=[work.pk, chapter.pk])
    # The reading pages' view counted it already, as this viewer sees it (_reading_context).
    known = context.get("chapter_comments")
    if known and known[0] == chapter.pk:
        return {"url": url, "count": known[1]}
    return {"url": url, "count": comments_count_shown(user=user, work=work, chapter=chapter,
                                                      count=chapter_comment_count(chapter))}


@register.simple_tag(takes_context=True)
def work_comments_count(context: template.Context, work: Work) -> int:
    """The whole work's comment count for the meta block's stats, as this visitor sees it."""
    user = getattr(context.get("request"), "user", None)
    return comments_count_shown(user=user, work=work, chapter=None, count=work.comments_count)
