"""The inbox page: the owner's items newest first, read/unread, delete, filters, pages, the
header's unread count, and who may see it."""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fichive.inbox.models import InboxItem
from fichive.inbox.selectors import inbox_unread_count
from tests.factories import WorkFactory


def text(response) -> str:
    return unescape(response.content.decode())


def _items(user, work, n: int, *, read: bool = False, start: int = 0) -> list[InboxItem]:
    now = timezone.now()
    return InboxItem.objects.bulk_create([
        InboxItem(user=user, kind="chapter", work=work, actor_name="alice",
                  summary=f"Chapter {i}", read=read,
                  created_at=now - datetime.timedelta(minutes=1000 - i))
        for i in range(start, start + n)])


@pytest.fixture
def inbox_url(reader):
    return f"/users/{reader.username}/inbox"


def test_items_are_listed_newest_first_with_links(reader_client, reader, work, inbox_url):
    _items(reader, work, 3)
    html = text(reader_client.get(inbox_url))
    assert html.index("Chapter 2") < html.index("Chapter 1") < html.index("Chapter 0")
    assert f'href="/works/{work.pk}"' in html
    assert "New chapter:" in html


def test_the_header_counts_unread_items(reader_client, reader, work, inbox_url):
    assert ">Inbox</a>" in text(reader_client.get("/"))
    _items(reader, work, 3)
    _items(reader, work, 2, read=True, start=3)
    assert "Inbox (3)" in text(reader_client.get("/"))


def test_the_unread_count_is_one_query_with_or_without_unread_items(
        reader, work, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert inbox_unread_count(reader) == 0
    _items(reader, work, 4)
    with django_assert_num_queries(1):
        assert inbox_unread_count(reader) == 4


def test_mark_one_read_then_unread(reader_client, reader, work, inbox_url):
    item, _ = _items(reader, work, 2)
    response = reader_client.post(f"{inbox_url}/{item.pk}", {"action": "read"}, follow=True)
    html = text(response)
    assert "Marked 1 message read." in html
    assert "Inbox (1)" in html
    response = reader_client.post(f"{inbox_url}/{item.pk}", {"action": "unread"}, follow=True)
    assert "Marked 1 message unread." in text(response)
    assert "Inbox (2)" in text(response)


def test_selected_items_are_marked_or_deleted_together(reader_client, reader, work,
                                                       inbox_url):
    a, b, c = _items(reader, work, 3)
    response = reader_client.post(inbox_url, {"items": [a.pk, b.pk], "action": "read"},
                                  follow=True)
    assert "Marked 2 messages read." in text(response)
    assert set(InboxItem.objects.filter(read=True).values_list("pk", flat=True)) == {a.pk,
                                                                                     b.pk}
    response = reader_client.post(inbox_url, {"items": [b.pk, c.pk], "action": "delete"},
                                  follow=True)
    assert "Deleted 2 messages." in text(response)
    assert list(InboxItem.objects.values_list("pk", flat=True)) == [a.pk]


def test_delete_one(reader_client, reader, work, inbox_url):
    (item,) = _items(reader, work, 1)
    response = reader_client.post(f"{inbox_url}/{item.pk}", {"action": "delete"}, follow=True)
    html = text(response)
    assert "Deleted 1 message." in html
    assert "Your inbox is empty." in html


def test_filters_show_unread_or_read(reader_client, reader, work, inbox_url):
    _items(reader, work, 1)
    _items(reader, work, 1, read=True, start=1)
    unread = text(reader_client.get(f"{inbox_url}?show=unread"))
    assert "Chapter 0" in unread
    assert "Chapter 1" not in unread
    read = text(reader_client.get(f"{inbox_url}?show=read"))
    assert "Chapter 1" in read
    assert "Chapter 0" not in read
    # An unknown filter shows everything.
    both = text(reader_client.get(f"{inbox_url}?show=bogus"))
    assert "Chapter 0" in both
    assert "Chapter 1" in both
    InboxItem.objects.update(read=True)
    assert "No unread messages." in text(reader_client.get(f"{inbox_url}?show=unread"))


def test_the_inbox_is_paginated_20_a_page(reader_client, reader, work, inbox_url):
    _items(reader, work, 25)
    first = text(reader_client.get(inbox_url))
    assert "Page 1 of 2" in first
    assert "Chapter 24" in first
    assert "Chapter 4<" not in first
    second = text(reader_client.get(f"{inbox_url}?page=2"))
    assert "Chapter 4<" in second
    # A page past the end shows the last one, not an error.
    assert reader_client.get(f"{inbox_url}?page=99").status_code == 200


def test_the_inbox_takes_the_same_queries_for_3_or_20_items(
        reader_client, reader, author, inbox_url, django_assert_num_queries):
    _items(reader, WorkFactory(author=author), 3)
    with CaptureQueriesContext(connection) as three:
        reader_client.get(inbox_url)
    for _ in range(17):
        _items(reader, WorkFactory(author=author), 1)
    with django_assert_num_queries(len(three)):
        response = reader_client.get(inbox_url)
    assert text(response).count('class="inbox-item') == 20


@pytest.mark.parametrize("data, message", [
    ({"action": "read"}, "Select at least one message first."),
    ({"items": ["1"], "action": "explode"},
     "Choose what to do: mark read, mark unread or delete."),
    ({"items": ["abc"], "action": "read"}, "Some of the selected messages are gone"),
])
def test_bad_bulk_posts_say_what_was_wrong(reader_client, reader, work, inbox_url, data,
                                           message):
    (item,) = _items(reader, work, 1)
    data = {**data, "items": [str(item.pk) if v == "1" else v for v in data.get("items", [])]}
    response = reader_client.post(inbox_url, data, follow=True)
    assert message in text(response)
    assert not InboxItem.objects.get(pk=item.pk).read


def test_other_users_items_cannot_be_touched(reader_client, reader, stranger, work,
                                             inbox_url):
    (theirs,) = _items(stranger, work, 1)
    (mine,) = _items(reader, work, 1)
    response = reader_client.post(inbox_url, {"items": [mine.pk, theirs.pk],
                                              "action": "delete"}, follow=True)
    assert "Some of the selected messages are gone" in text(response)
    response = reader_client.post(f"{inbox_url}/{theirs.pk}", {"action": "delete"},
                                  follow=True)
    assert "That message is gone." in text(response)
    assert InboxItem.objects.count() == 2


def test_one_item_with_a_bad_action_changes_nothing(reader_client, reader, work, inbox_url):
    (item,) = _items(reader, work, 1)
    response = reader_client.post(f"{inbox_url}/{item.pk}", {"action": ""}, follow=True)
    assert "Choose what to do" in text(response)
    assert InboxItem.objects.filter(read=False).count() == 1


def test_replying_to_an_item_without_a_comment_says_so(reader_client, reader, work,
                                                       inbox_url):
    (item,) = _items(reader, work, 1)
    response = reader_client.post(f"{inbox_url}/{item.pk}/reply", {"content": "Thanks!"},
                                  follow=True)
    assert "There is no comment to reply to in that message." in text(response)
    response = reader_client.post(f"{inbox_url}/{item.pk}/reply", {"content": ""},
                                  follow=True)
    assert "Write something to reply." in text(response)
    response = reader_client.post(f"{inbox_url}/{item.pk}/reply",
                                  {"content": "x" * 10_001}, follow=True)
    assert "A reply can be at most 10,000 characters." in text(response)


def test_another_users_inbox_is_forbidden(reader_client, stranger, work):
    (item,) = _items(stranger, work, 1)
    assert reader_client.get(f"/users/{stranger.username}/inbox").status_code == 403
    assert reader_client.post(f"/users/{stranger.username}/inbox",
                              {"items": [item.pk], "action": "delete"}).status_code == 403
    assert reader_client.post(f"/users/{stranger.username}/inbox/{item.pk}",
                              {"action": "delete"}).status_code == 403
    assert reader_client.post(f"/users/{stranger.username}/inbox/{item.pk}/reply",
                              {"content": "hi"}).status_code == 403
    assert InboxItem.objects.filter(pk=item.pk).exists()


def test_no_such_user_is_404_and_guests_log_in_first(client, reader_client):
    assert reader_client.get("/users/nobody_here/inbox").status_code == 404
    reader_client.logout()
    response = client.get("/users/carol/inbox")
    assert response.status_code == 302
    assert "/login" in response["Location"]
    assert "Inbox" not in text(client.get("/"))


def test_single_item_actions_need_a_post(reader_client, reader, work, inbox_url):
    (item,) = _items(reader, work, 1)
    assert reader_client.get(f"{inbox_url}/{item.pk}").status_code == 405
    assert reader_client.get(f"{inbox_url}/{item.pk}/reply").status_code == 405


def test_a_deleted_chapters_item_leads_to_the_work(reader_client, reader, author, run_tasks):
    from fichive.subscriptions.models import Subscription
    from fichive.works.services import ChapterText, chapter_add, chapter_delete

    work = WorkFactory(author=author)
    Subscription.objects.create(user=reader, work=work)
    chapter_add(user=author, work=work, text=ChapterText(content="<p>x</p>", title="Soon Gone"))
    run_tasks()
    chapter = work.chapters.get(position=2)
    link = f'href="{chapter.get_absolute_url()}"'
    assert link in text(reader_client.get(f"/users/{reader.username}/inbox"))
    chapter_delete(user=author, chapter=chapter)
    html = text(reader_client.get(f"/users/{reader.username}/inbox"))
    assert link not in html
    assert f'href="/works/{work.pk}"' in html
    assert "Soon Gone" in html
