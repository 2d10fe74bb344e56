"""Stored HTML is cleaned again when the sanitizer's allowlist changes: rows record the version
they were cleaned with, `fichive resanitize` (and `fichive setup`) cleans the older ones with
each field's own cleaner and marks them current, and guests' stored pages show the result."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.accounts.models import Pseud, User
from fichive.bookmarks.models import Bookmark
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.cli import main
from fichive.comments.models import Comment
from fichive.comments.services import comment_post
from fichive.lib.resanitize import stored_html_behind, stored_html_resanitize
from fichive.lib.sanitize import SANITIZER_VERSION
from fichive.series.models import Series
from fichive.series.services import series_create
from fichive.works.models import Chapter, Work
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

# Stored by an older version: the site's own class names, and an event handler an older,
# broken allowlist might have let through.
OLD = ('<p class="notice">Your account is suspended.</p>'
       '<img src="https://x.test/a.png" onerror="x()">')
OLD_SKIN = "#workskin .notice { color: red; }"


@pytest.fixture
def stored_by_an_older_version(author, reader):
    work = WorkFactory(author=author, chapters=["<p>Fine.</p>"])
    comment = comment_post(work=work, user=reader, content="Nice.")
    bookmark = bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                               data=BookmarkData(notes="Good."))
    series = series_create(user=author, title="Saga", notes="Notes.")
    Work.objects.filter(pk=work.pk).update(notes=OLD, work_skin=OLD_SKIN, sanitizer_version=1)
    Chapter.objects.filter(work=work).update(content=OLD, sanitizer_version=1)
    Comment.objects.filter(pk=comment.pk).update(content=OLD, sanitizer_version=1)
    Bookmark.objects.filter(pk=bookmark.pk).update(notes=OLD, sanitizer_version=1)
    Series.objects.filter(pk=series.pk).update(notes=OLD, sanitizer_version=1)
    User.objects.filter(pk=author.pk).update(about_me=OLD, sanitizer_version=1)
    Pseud.objects.filter(pk=reader.default_pseud.pk).update(description=OLD, sanitizer_version=1)
    return work


def test_new_rows_record_todays_version(author):
    work = WorkFactory(author=author)
    assert work.sanitizer_version == SANITIZER_VERSION
    assert Chapter.objects.get(work=work).sanitizer_version == SANITIZER_VERSION
    assert User.objects.get(pk=author.pk).sanitizer_version == SANITIZER_VERSION


def test_rows_behind_are_cleaned_with_their_fields_own_cleaner(stored_by_an_older_version):
    work = stored_by_an_older_version
    assert stored_html_behind() == 7

    summary = stored_html_resanitize()

    assert (summary.checked, summary.changed) == (7, 7)
    assert stored_html_behind() == 0
    work.refresh_from_db()
    assert work.notes == ('<p class="ws-notice">Your account is suspended.</p>'
                          '<img src="https://x.test/a.png">')
    assert work.work_skin.strip() == "#workskin :is(.notice, .ws-notice) { color: red; }"
    assert Chapter.objects.get(work=work).content == work.notes
    # Fields stored without classes or images lose them, as their services would have.
    assert Comment.objects.get().content == "<p>Your account is suspended.</p>"
    assert Bookmark.objects.get().notes == "<p>Your account is suspended.</p>"
    assert User.objects.get(about_me__contains="suspended").about_me == (
        '<p>Your account is suspended.</p><img src="https://x.test/a.png">')
    for model in (Work, Chapter, Comment, Bookmark, Series, User, Pseud):
        assert not model.objects.exclude(sanitizer_version=SANITIZER_VERSION).exists(), model

    assert stored_html_resanitize().checked == 0  # nothing left behind


def test_rows_marked_current_are_left_alone(author):
    work = WorkFactory(author=author)
    Chapter.objects.filter(work=work).update(content='<p class="notice">x</p>')

    assert stored_html_resanitize().checked == 0
    assert Chapter.objects.get(work=work).content == '<p class="notice">x</p>'


def test_a_guests_stored_page_shows_the_cleaned_html(stored_by_an_older_version):
    url = f"/works/{stored_by_an_older_version.pk}"
    assert 'class="notice"' in Client().get(url).content.decode()

    stored_html_resanitize()

    page = Client().get(url).content.decode()
    assert 'class="ws-notice"' in page and 'class="notice"' not in page


def test_the_command_says_what_it_did(stored_by_an_older_version, capsys):
    assert main(["resanitize"]) == 0
    said = capsys.readouterr().out
    assert f"Cleaned 7 rows with sanitizer version {SANITIZER_VERSION}" in said
    assert "7 changed" in said
