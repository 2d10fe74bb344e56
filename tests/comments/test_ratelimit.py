"""The rate limit: 3 comments in 15 minutes per account and per guest address; over it the
page answers 429 with the form and a message, and nothing is saved."""

from __future__ import annotations

import time

import django_ratelimit.core
import pytest
from django.test import Client

from fichive.comments import ratelimit
from fichive.comments.models import Comment
from tests.comments.helpers import guest_form, html

OVER = "You have posted 3 comments in the last 15 minutes"


def test_a_user_may_post_three_comments_then_gets_a_message(reader_client, work):
    for number in range(3):
        assert reader_client.post(f"/works/{work.pk}/comments",
                                  {"content": f"Comment {number}"}).status_code == 302
    response = reader_client.post(f"/works/{work.pk}/comments", {"content": "Fourth words"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= ratelimit.WINDOW_SECONDS
    page = html(response)
    assert OVER in page
    assert 'id="add_comment"' in page and "Fourth words" in page  # the form, as typed
    assert Comment.objects.count() == 3


def test_replies_count_against_the_limit_too(reader_client, work):
    for number in range(3):
        reader_client.post(f"/works/{work.pk}/comments", {"content": f"Comment {number}"})
    root = Comment.objects.first()
    response = reader_client.post("/comments", {"content": "Reply", "parent_id": root.pk})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= ratelimit.WINDOW_SECONDS
    assert OVER in html(response)


def test_the_limit_is_per_account(reader_client, stranger, work):
    for number in range(3):
        reader_client.post(f"/works/{work.pk}/comments", {"content": f"Comment {number}"})
    other = Client()
    other.force_login(stranger)
    assert other.post(f"/works/{work.pk}/comments", {"content": "Mine"}).status_code == 302


def test_guests_are_limited_by_address(work):
    here = Client(REMOTE_ADDR="192.0.2.10")
    for number in range(3):
        assert here.post(f"/works/{work.pk}/comments",
                         guest_form(f"Guest {number}")).status_code == 302
    response = here.post(f"/works/{work.pk}/comments", guest_form("One more"))
    assert response.status_code == 429
    assert OVER in html(response)
    elsewhere = Client(REMOTE_ADDR="192.0.2.11")
    assert elsewhere.post(f"/works/{work.pk}/comments", guest_form("Other")).status_code == 302
    assert Comment.objects.count() == 4


def test_refused_comments_do_not_count(reader_client, work):
    for _ in range(5):
        reader_client.post(f"/works/{work.pk}/comments", {"content": ""})
    assert reader_client.post(f"/works/{work.pk}/comments",
                              {"content": "Real"}).status_code == 302


def test_the_window_ends(reader_client, reader, work, monkeypatch):
    for number in range(3):
        reader_client.post(f"/works/{work.pk}/comments", {"content": f"Comment {number}"})
    assert reader_client.post(f"/works/{work.pk}/comments",
                              {"content": "Over"}).status_code == 429
    # When the window runs out, posting works again.
    later = time.time() + ratelimit.WINDOW_SECONDS + 1
    monkeypatch.setattr(django_ratelimit.core.time, "time", lambda: later)
    assert reader_client.post(f"/works/{work.pk}/comments",
                              {"content": "Later"}).status_code == 302


@pytest.mark.usefixtures("redis_cache")
def test_the_limit_holds_with_redis(reader_client, work):
    for number in range(3):
        reader_client.post(f"/works/{work.pk}/comments", {"content": f"Comment {number}"})
    assert reader_client.post(f"/works/{work.pk}/comments",
                              {"content": "Over"}).status_code == 429


def test_the_counter_starts_a_window_and_counts(db):
    keys = ratelimit.keys_for(user_id=None, address_hash="abc")
    assert not ratelimit.over_limit(keys)
    for _ in range(ratelimit.LIMIT):
        ratelimit.record(keys)
    assert ratelimit.over_limit(keys)
    assert ratelimit.keys_for(user_id=None, address_hash="") == []
    assert not ratelimit.over_limit([])
