"""Comment text is sanitized with the comments' allowlist: no scripts, images or classes."""

from __future__ import annotations

import pytest

from fichive.comments.models import Comment
from fichive.comments.services import comment_edit, comment_post
from fichive.lib.sanitize import comment_from_input, sanitize_comment_html
from tests.comments.helpers import raw

pytestmark = pytest.mark.usefixtures("no_rate_limit")


@pytest.mark.parametrize(("typed", "stored"), [
    ("<script>alert('x')</script>Hello", "<p>Hello</p>"),
    ("Look <img src='https://example.org/cat.png' alt='cat'> here", "<p>Look  here</p>"),
    ('<span class="big red">loud</span>', "<p><span>loud</span></p>"),
    ('<p class="x" style="color:red" onclick="evil()">para</p>', "<p>para</p>"),
    ('<a href="javascript:alert(1)">click</a>', '<p><a rel="nofollow">click</a></p>'),
    ('<a href="https://example.org">site</a>',
     '<p><a href="https://example.org" rel="nofollow">site</a></p>'),
    ("<table><tr><td>cell</td></tr></table>", "cell"),
    ("<iframe src='https://example.org'></iframe>text", "<p>text</p>"),
    ("line one\nline two\n\nnext", "<p>line one<br>\nline two</p>\n<p>next</p>"),
    ("<em>kept</em> and <strong>this</strong>", "<p><em>kept</em> and <strong>this</strong></p>"),
])
def test_comments_are_sanitized_on_save(work, reader, typed, stored):
    comment = comment_post(work=work, user=reader, content=typed)
    assert comment.content == stored


def test_a_comment_page_never_carries_the_removed_markup(guest, work, reader):
    comment_post(work=work, user=reader,
                 content="<script>steal()</script><img src=x onerror=boom()>"
                         "<b class='hl'>ok</b>")
    page = raw(guest.get(f"/works/{work.pk}/comments"))
    assert "steal()" not in page and "onerror" not in page and "<img" not in page
    assert "<b>ok</b>" in page and 'class="hl"' not in page


def test_edits_are_sanitized_too(work, reader):
    comment = comment_post(work=work, user=reader, content="Plain")
    comment_edit(user=reader, comment=comment, content="<img src='https://e.org/a.png'>Now")
    assert Comment.objects.get().content == "<p>Now</p>"


def test_the_comment_allowlist_is_narrower_than_the_works(work):
    assert sanitize_comment_html("<details><summary>s</summary>d</details>") == "sd"
    assert sanitize_comment_html('<ruby>字<rt>ji</rt></ruby>') == "字ji"
    assert sanitize_comment_html("<blockquote cite='https://e.org'>q</blockquote>") == \
        '<blockquote cite="https://e.org">q</blockquote>'


def test_nothing_readable_is_no_comment():
    assert comment_from_input("<p> </p><img src='https://e.org/a.png'>") == ("", "")
    assert comment_from_input("  ") == ("", "")
