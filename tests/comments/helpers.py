"""Small readers for the comments tests."""

from __future__ import annotations

import html as htmllib

from django.http import HttpResponse

from fichive.comments.models import Comment
from fichive.works.models import Work


def raw(response: HttpResponse) -> str:
    """The page's HTML as sent."""
    return response.content.decode()


def html(response: HttpResponse) -> str:
    """The page's HTML with entities decoded (so "doesn't" reads as typed)."""
    return htmllib.unescape(raw(response))


def counted(work: Work) -> int:
    """What Work.comments_count must equal: published, not deleted comment rows."""
    return Comment.objects.filter(work=work, status=Comment.Status.PUBLISHED,
                                  deleted=False).count()


def stored_count(work: Work) -> int:
    return Work.objects.values_list("comments_count", flat=True).get(pk=work.pk)


def guest_form(content: str = "What a lovely story.", **fields) -> dict:
    return {"content": content, "name": "Wren", "email": "wren@example.org", **fields}
