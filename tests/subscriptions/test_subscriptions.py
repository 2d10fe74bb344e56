"""Subscribing to works and creators: the buttons, the list, and who may do what."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.subscriptions.models import Subscription
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory


def text(response) -> str:
    return unescape(response.content.decode())


def _subscribe_work(client, user, work, **extra):
    return client.post(f"/users/{user.username}/subscriptions",
                       {"work_id": work.pk, **extra}, follow=True)


def test_a_reader_subscribes_from_the_work_page_and_sees_unsubscribe(reader_client, reader,
                                                                     work):
    page = text(reader_client.get(f"/works/{work.pk}"))
    assert ">Subscribe</button>" in page

    response = _subscribe_work(reader_client, reader, work, next=f"/works/{work.pk}")

    assert response.redirect_chain[-1][0] == f"/works/{work.pk}"
    html = text(response)
    assert f"You are now subscribed to “{work.title}”." in html
    assert ">Unsubscribe</button>" in html
    assert Subscription.objects.filter(user=reader, work=work).count() == 1


def test_subscribing_twice_changes_nothing(reader_client, reader, work):
    _subscribe_work(reader_client, reader, work)
    response = _subscribe_work(reader_client, reader, work)
    assert "You are already subscribed to" in text(response)
    assert Subscription.objects.filter(user=reader).count() == 1


def test_unsubscribe_from_the_work_page(reader_client, reader, work):
    _subscribe_work(reader_client, reader, work)
    subscription = Subscription.objects.get(user=reader)
    response = reader_client.post(
        f"/users/{reader.username}/subscriptions/{subscription.pk}/delete",
        {"next": f"/works/{work.pk}"}, follow=True)
    html = text(response)
    assert f"You have unsubscribed from “{work.title}”." in html
    assert ">Subscribe</button>" in html
    assert not Subscription.objects.exists()


def test_guests_and_the_creator_see_no_subscribe_button(client, author_client, work):
    from django.test import Client

    assert b"Subscribe" not in Client().get(f"/works/{work.pk}").content
    assert b"Subscribe" not in author_client.get(f"/works/{work.pk}").content


def test_a_guests_work_page_stays_free_of_anything_per_visitor(client, work):
    html = text(client.get(f"/works/{work.pk}"))
    assert "csrfmiddlewaretoken" not in html


def test_subscribe_to_a_creator_from_their_page(reader_client, reader, author):
    page = text(reader_client.get(f"/users/{author.username}"))
    assert f"Subscribe to {author.username}</button>" in page
    response = reader_client.post(f"/users/{reader.username}/subscriptions",
                                  {"creator": author.username,
                                   "next": f"/users/{author.username}"}, follow=True)
    html = text(response)
    assert f"You are now subscribed to {author.username}." in html
    assert f"Unsubscribe from {author.username}</button>" in html
    assert Subscription.objects.get(user=reader).creator == author


def test_no_subscribe_button_on_ones_own_page_or_for_guests(author_client, author):
    assert b"Subscribe to" not in author_client.get(f"/users/{author.username}").content
    author_client.logout()
    assert b"Subscribe to" not in author_client.get(f"/users/{author.username}").content


def test_the_list_shows_works_and_creators_and_unsubscribes(reader_client, reader, author,
                                                            work):
    _subscribe_work(reader_client, reader, work)
    reader_client.post(f"/users/{reader.username}/subscriptions", {"creator": "alice"})
    html = text(reader_client.get(f"/users/{reader.username}/subscriptions"))
    assert work.title in html
    assert "(work: new chapters)" in html
    assert "(creator: new works)" in html
    sub = Subscription.objects.get(user=reader, creator=author)
    response = reader_client.post(
        f"/users/{reader.username}/subscriptions/{sub.pk}/delete", follow=True)
    html = text(response)
    assert "You have unsubscribed from alice." in html
    assert "(creator: new works)" not in html


def test_the_list_leaves_out_works_the_user_may_no_longer_see(reader_client, reader, author):
    kept = WorkFactory(author=author, title="Still Here", restricted=True)
    gone = WorkFactory(author=author, title="Back To Draft")
    for work in (kept, gone):
        Subscription.objects.create(user=reader, work=work)
    Work.objects.filter(pk=gone.pk).update(state=Work.State.DRAFT)
    html = text(reader_client.get(f"/users/{reader.username}/subscriptions"))
    assert "Still Here" in html
    assert "Back To Draft" not in html


def test_an_empty_list_says_how_to_subscribe(reader_client, reader):
    html = text(reader_client.get(f"/users/{reader.username}/subscriptions"))
    assert "You have no subscriptions yet." in html


def test_the_list_takes_the_same_queries_for_3_or_15_subscriptions(
        reader_client, reader, author, django_assert_num_queries):
    def add(n: int) -> None:
        for _ in range(n):
            co = UserFactory()
            Subscription.objects.create(user=reader, work=WorkFactory(
                author=author, creators=[author.default_pseud, co.default_pseud]))
            Subscription.objects.create(user=reader, creator=co)

    add(3)
    with CaptureQueriesContext(connection) as three:
        assert reader_client.get(f"/users/{reader.username}/subscriptions").status_code == 200
    add(12)
    with django_assert_num_queries(len(three)):
        response = reader_client.get(f"/users/{reader.username}/subscriptions")
    assert text(response).count("Unsubscribe</button>") == 30


def test_the_work_page_button_takes_one_query(reader_client, reader, work,
                                              django_assert_num_queries):
    for _ in range(2):  # the work gets a version, then what every reader sees is kept
        reader_client.get(f"/works/{work.pk}")
    with CaptureQueriesContext(connection) as before:
        reader_client.get(f"/works/{work.pk}")
    Subscription.objects.create(user=reader, work=work)
    with django_assert_num_queries(len(before)):
        assert b">Unsubscribe</button>" in reader_client.get(f"/works/{work.pk}").content
    assert sum("subscriptions_subscription" in q["sql"] for q in before.captured_queries) == 1


@pytest.mark.parametrize("data, message", [
    ({}, "Choose one work, one creator or one series to subscribe to."),
    ({"work_id": "1", "creator": "alice"},
     "Choose one work, one creator or one series to subscribe to."),
    ({"work_id": "abc"}, "Enter a whole number."),
    ({"creator": "nobody_here"}, "There is no user named “nobody_here”."),
    ({"creator": "carol"}, "You can't subscribe to yourself."),
])
def test_bad_subscribe_posts_say_what_was_wrong(reader_client, reader, author, data, message):
    response = reader_client.post(f"/users/{reader.username}/subscriptions", data,
                                  follow=True)
    assert response.status_code == 200
    assert message in text(response)
    assert not Subscription.objects.exists()


def test_a_creator_cannot_subscribe_to_their_own_work(author_client, author, work):
    response = _subscribe_work(author_client, author, work)
    assert "You can't subscribe to your own work." in text(response)
    assert not Subscription.objects.exists()


def test_works_one_may_not_see_are_404(reader_client, reader, author):
    draft = WorkFactory(author=author, post=False)
    assert reader_client.post(f"/users/{reader.username}/subscriptions",
                              {"work_id": draft.pk}).status_code == 404
    assert reader_client.post(f"/users/{reader.username}/subscriptions",
                              {"work_id": 999999}).status_code == 404
    assert not Subscription.objects.exists()


def test_the_next_address_must_be_on_this_site(reader_client, reader, work):
    response = reader_client.post(f"/users/{reader.username}/subscriptions",
                                  {"work_id": work.pk, "next": "https://evil.example/"})
    assert response["Location"] == f"/works/{work.pk}"


def test_another_users_subscriptions_are_forbidden(reader_client, reader, stranger, work):
    sub = Subscription.objects.create(user=stranger, work=work)
    assert reader_client.get(f"/users/{stranger.username}/subscriptions").status_code == 403
    assert reader_client.post(f"/users/{stranger.username}/subscriptions",
                              {"work_id": work.pk}).status_code == 403
    assert reader_client.post(
        f"/users/{stranger.username}/subscriptions/{sub.pk}/delete").status_code == 403
    # Someone else's subscription id under one's own name: nothing happens.
    response = reader_client.post(
        f"/users/{reader.username}/subscriptions/{sub.pk}/delete", follow=True)
    assert "That subscription doesn't exist" in text(response)
    assert Subscription.objects.filter(pk=sub.pk).exists()


def test_no_such_user_is_404_and_guests_are_sent_to_log_in(client, reader_client):
    assert reader_client.get("/users/nobody_here/subscriptions").status_code == 404
    reader_client.logout()
    response = client.get("/users/carol/subscriptions")
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_unsubscribe_needs_a_post(reader_client, reader, work):
    sub = Subscription.objects.create(user=reader, work=work)
    assert reader_client.get(
        f"/users/{reader.username}/subscriptions/{sub.pk}/delete").status_code == 405
