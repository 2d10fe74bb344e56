"""Dates and times follow the viewer's time zone preference: a logged-in reader sees a
comment's time, and their inbox, in their zone; guests (whose pages are shared) see UTC, and
one reader's zone never lingers into the next request."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from fichive.accounts.services import preferences_update
from fichive.comments.models import Comment
from fichive.comments.services import comment_post

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)


@pytest.fixture
def comment(work, reader) -> Comment:
    posted = comment_post(work=work, user=reader, pseud=reader.default_pseud,
                          content="<p>Lovely.</p>")
    Comment.objects.filter(pk=posted.pk).update(created_at=AT)
    return posted


def test_a_readers_comment_times_are_in_their_zone_and_guests_see_utc(work, comment, reader):
    preferences_update(user=reader, time_zone="Asia/Tokyo")
    tokyo = Client()
    tokyo.force_login(reader)
    url = f"/works/{work.pk}/comments"

    assert "Mon 2 Mar 2026, 08:30" in tokyo.get(url).content.decode()
    guest_page = Client().get(url).content.decode()
    assert "Sun 1 Mar 2026, 23:30" in guest_page
    assert "08:30" not in guest_page


def test_utc_is_the_default_for_users_too(work, comment, stranger):
    browser = Client()
    browser.force_login(stranger)
    assert "Sun 1 Mar 2026, 23:30" in browser.get(f"/works/{work.pk}/comments").content.decode()


def test_the_inbox_names_the_zone_its_times_are_in(work, comment, author, run_tasks):
    run_tasks()  # the comment's notice reaches the author's inbox
    preferences_update(user=author, time_zone="Europe/Berlin")
    browser = Client()
    browser.force_login(author)
    from fichive.inbox.models import InboxItem

    assert InboxItem.objects.filter(user=author).update(created_at=AT) == 1
    page = browser.get(f"/users/{author.username}/inbox").content.decode()
    assert "2 Mar 2026 00:30 CET" in page
