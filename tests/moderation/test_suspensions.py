"""Suspended users can read but not post works or chapters, comment, bookmark, make series,
leave kudos or report; each refusal names the end date and the reason (the services refuse,
so every way in does). Banned users can't log in, are told why, and their sessions end."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from fichive.accounts.services import AccountRestricted, ensure_may_post
from fichive.bookmarks.models import Bookmark
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.models import Comment
from fichive.comments.services import comment_post
from fichive.kudos.services import kudos_leave
from fichive.series.services import series_create
from fichive.works.models import Chapter, Work
from fichive.works.services import ChapterText, WorkMeta, chapter_add, work_create, work_post
from tests.factories import PASSWORD, WorkFactory, user_with
from tests.works.helpers import work_form

REASON = "Spamming comment threads"


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_the_check_names_the_end_date_and_reason(suspended, banned, reader):
    with pytest.raises(AccountRestricted) as caught:
        ensure_may_post(suspended)
    message = caught.value.messages[0]
    assert "suspended until" in message and REASON in message
    assert suspended.suspended_until.strftime("%d %B %Y") in message
    with pytest.raises(ValidationError, match="Harassing other users"):
        ensure_may_post(banned)
    ensure_may_post(reader)
    ensure_may_post(None)


def test_a_suspension_that_ended_restricts_nothing(reader):
    reader.suspended_until = timezone.now() - datetime.timedelta(minutes=1)
    reader.suspension_reason = "Old"
    reader.save()
    ensure_may_post(reader)
    assert not reader.is_suspended


def test_every_posting_service_refuses_a_suspended_user(suspended, work):
    attempts = [
        lambda: work_create(user=suspended, meta=WorkMeta(
            title="New", creators=[suspended.default_pseud], fandoms=["Original Work"]),
            chapters=[ChapterText(content="<p>Words.</p>")], post=True),
        lambda: comment_post(work=work, user=suspended, content="Hello"),
        lambda: bookmark_create(user=suspended, work=work, pseud=suspended.default_pseud,
                                data=BookmarkData()),
        lambda: series_create(user=suspended, title="Mine"),
        lambda: kudos_leave(work=work, user=suspended),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match=REASON):
            attempt()
    assert Work.objects.count() == 1
    assert not Comment.objects.exists() and not Bookmark.objects.exists()


def test_a_suspended_creator_cannot_post_a_draft_or_add_chapters(db, login):
    creator = user_with("writer")
    draft = WorkFactory(author=creator, post=False)
    posted = WorkFactory(author=creator)
    creator.suspended_until = timezone.now() + datetime.timedelta(days=1)
    creator.suspension_reason = REASON
    creator.save()
    with pytest.raises(ValidationError, match=REASON):
        work_post(user=creator, work=draft)
    with pytest.raises(ValidationError, match=REASON):
        chapter_add(user=creator, work=posted, text=ChapterText(content="<p>More</p>"))
    client = login(creator)
    response = client.post(f"/works/{draft.pk}/post")
    assert response.status_code == 403
    assert REASON in _page(response)
    assert Work.objects.get(pk=draft.pk).is_draft
    response = client.post(f"/works/{posted.pk}/chapters/new",
                           {"content": "<p>More</p>", "action": "post", "fmt": "html"})
    assert REASON in _page(response)
    assert Chapter.objects.filter(work=posted).count() == 1


@pytest.mark.parametrize(("url", "data"), [
    ("/works/new", None),
    ("/works/{w}/comments", {"content": "Hello there"}),
    ("/works/{w}/bookmarks/new", {"pseud": "{p}", "notes": "", "tags": ""}),
    ("/works/{w}/kudos", {}),
])
def test_pages_show_a_suspended_user_why(suspended, login, work, url, data):
    client = login(suspended)
    if data is None:
        data = work_form(suspended)
    data = {k: (v.format(p=suspended.default_pseud.pk) if isinstance(v, str) else v)
            for k, v in data.items()}
    response = client.post(url.format(w=work.pk), data, follow=True)  # kudos: a flash
    assert response.status_code in (200, 400, 403), response.status_code
    assert "suspended until" in _page(response)
    assert REASON in _page(response)
    assert Work.objects.count() == 1
    assert not Comment.objects.exists() and not Bookmark.objects.exists()
    assert Work.objects.get(pk=work.pk).kudos_count == 0


def test_a_suspended_user_can_still_read(suspended, login, work):
    client = login(suspended)
    assert client.get(f"/works/{work.pk}").status_code == 200
    assert client.get("/works").status_code == 200


def test_a_banned_user_is_told_why_at_log_in(banned):
    client = Client()
    response = client.post("/login", {"username": "gone", "password": PASSWORD})
    assert response.status_code == 200
    page = _page(response)
    assert "This account is banned and can't log in." in page
    assert "Harassing other users" in page
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_for_a_banned_account_says_nothing_of_the_ban(banned):
    response = Client().post("/login", {"username": "gone", "password": "wrong-password"})
    assert "banned" not in _page(response)


def test_a_banned_users_open_session_stops_working(reader, login, moderator):
    from fichive.moderation.services import user_ban

    session = login(reader)
    assert "Log out (carol)" in _page(session.get("/"))
    user_ban(actor=moderator, user=reader, reason="Abuse")
    assert "Log out (carol)" not in _page(session.get("/"))
    assert session.get("/works/new").status_code == 302  # to log in


def test_banning_ends_sessions_the_disk_cache_keeps_too(settings, reader, login, moderator):
    """With the disk cache, sessions are read from the cache (cached_db): a ban takes them out
    of it as well as out of the database, so no copy of the session is left anywhere."""
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session
    from django.core.cache import caches

    from fichive.moderation.services import user_ban

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    session = login(reader)
    assert "Log out (carol)" in _page(session.get("/"))
    key = session.cookies[settings.SESSION_COOKIE_NAME].value
    assert caches[settings.SESSION_CACHE_ALIAS].get(KEY_PREFIX + key) is not None
    user_ban(actor=moderator, user=reader, reason="Abuse")
    assert caches[settings.SESSION_CACHE_ALIAS].get(KEY_PREFIX + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    assert "Log out (carol)" not in _page(session.get("/"))
