"""What people see of gifts: the posting form, blurbs, the work page, /users/<name>/gifts and
refusing a gift."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.accounts.models import Pseud
from fichive.gifts.models import Gift
from fichive.gifts.services import gifts_set
from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.works.helpers import edit_form, has_field_error, work_form


def _page(response) -> str:
    return response.content.decode()


def test_posting_with_gift_recipients_shows_them_on_the_work_and_its_blurb(
    author, author_client, reader
):
    response = author_client.post("/works/new", work_form(
        author, title="Lantern Letters", gifts="carol, Sam & Co"))

    work = Work.objects.get()
    assert response.status_code == 302
    page = _page(Client().get(f"/works/{work.pk}"))
    assert 'for <a href="/users/carol/gifts">carol</a>, Sam &amp; Co' in page
    listing = _page(Client().get("/works"))
    assert 'for <a href="/users/carol/gifts">carol</a>, Sam &amp; Co' in listing


def test_the_edit_form_shows_and_changes_the_recipients(author, author_client, reader):
    work = WorkFactory(author=author)
    gifts_set(work=work, names="carol, Sam")

    form = _page(author_client.get(f"/works/{work.pk}/edit"))
    assert 'value="carol, Sam"' in form

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, gifts="Sam"))

    assert response.status_code == 302
    assert [g.recipient_name for g in Gift.objects.all()] == ["Sam"]


def test_too_many_recipients_is_a_clear_error_and_nothing_is_posted(author, author_client):
    names = ", ".join(f"Friend {n}" for n in range(21))
    response = author_client.post("/works/new", work_form(author, gifts=names))

    assert response.status_code == 200
    assert has_field_error(response, "gifts",
                           "A work can be a gift to at most 20 recipients (21 given).")
    assert not Work.objects.exists() and not Gift.objects.exists()


def test_an_over_long_name_is_a_clear_error_and_the_edit_is_not_saved(author, author_client):
    work = WorkFactory(author=author, title="Before")
    response = author_client.post(f"/works/{work.pk}/edit",
                                  edit_form(work, author, title="After", gifts="y" * 101))

    assert response.status_code == 200
    assert has_field_error(response, "gifts", "at most 100 characters")
    work.refresh_from_db()
    assert work.title == "Before" and not Gift.objects.exists()


def test_gifts_page_lists_the_works_given_to_the_user(author, reader, client):
    given = WorkFactory(author=author, title="For Carol")
    WorkFactory(author=author, title="Not A Gift")
    gifts_set(work=given, names="carol")

    response = client.get("/users/carol/gifts")

    page = _page(response)
    assert response.status_code == 200
    assert "Gifts for carol (1)" in page and "For Carol" in page
    assert "Not A Gift" not in page
    assert "Refuse Gift" not in page  # a guest, not the recipient


def test_gifts_page_hides_restricted_works_from_guests(author, reader, client):
    secret = WorkFactory(author=author, title="Members Only", restricted=True)
    gifts_set(work=secret, names="carol")

    assert "Members Only" not in _page(client.get("/users/carol/gifts"))
    client.force_login(reader)
    assert "Members Only" in _page(client.get("/users/carol/gifts"))


def test_gifts_page_hides_drafts_even_from_the_recipient(author, reader, client):
    draft = WorkFactory(author=author, title="Unfinished", post=False)
    gifts_set(work=draft, names="carol")
    client.force_login(reader)

    assert "Unfinished" not in _page(client.get("/users/carol/gifts"))


def test_gifts_page_of_an_unknown_user_is_404(client, db):
    assert client.get("/users/nobody/gifts").status_code == 404


def test_gifts_page_is_paginated(author, reader, client):
    for n in range(21):
        gifts_set(work=WorkFactory(author=author, title=f"Present {n}"), names="carol")

    first = _page(client.get("/users/carol/gifts"))
    second = _page(client.get("/users/carol/gifts?page=2"))

    assert "Page 1 of 2" in first and first.count('class="work blurb group"') == 20
    assert second.count('class="work blurb group"') == 1


def test_the_recipient_refuses_a_gift_and_their_name_leaves_the_work(author, reader, client):
    work = WorkFactory(author=author, title="Unwanted")
    gifts_set(work=work, names="carol, Sam")
    gift = Gift.objects.get(pseud__user=reader)
    guest = Client()
    assert "/users/carol/gifts" in _page(guest.get(f"/works/{work.pk}"))  # cached for guests
    client.force_login(reader)
    assert "Refuse Gift" in _page(client.get("/users/carol/gifts"))

    response = client.post(f"/users/carol/gifts/{gift.pk}/refuse", follow=True)

    page = _page(response)
    assert "Gift refused" in page and "Unwanted" not in page
    work_page = _page(guest.get(f"/works/{work.pk}"))
    assert "/users/carol/gifts" not in work_page and "for Sam" in work_page


def test_another_user_cannot_refuse_someone_elses_gift(author, reader, stranger, client):
    work = WorkFactory(author=author)
    gifts_set(work=work, names="carol")
    gift = Gift.objects.get()
    client.force_login(stranger)

    assert client.post(f"/users/carol/gifts/{gift.pk}/refuse").status_code == 404
    assert client.post(f"/users/dave/gifts/{gift.pk}/refuse").status_code == 404
    gift.refresh_from_db()
    assert not gift.refused


def test_refusing_needs_login_and_post(author, reader, client):
    work = WorkFactory(author=author)
    gifts_set(work=work, names="carol")
    gift = Gift.objects.get()

    assert client.post(f"/users/carol/gifts/{gift.pk}/refuse").status_code == 302
    client.force_login(reader)
    assert client.get(f"/users/carol/gifts/{gift.pk}/refuse").status_code == 405
    gift.refresh_from_db()
    assert not gift.refused


def test_gifts_page_queries_do_not_grow_with_works(
    author, reader, client, django_assert_num_queries
):
    for n in range(3):
        gifts_set(work=WorkFactory(author=author, title=f"Present {n}"), names="carol")
    client.force_login(reader)
    client.get("/users/carol/gifts")  # warm per-session lookups
    cache.clear()  # nothing kept (blurbs' tags and creators) on either visit measured
    with CaptureQueriesContext(connection) as few:
        client.get("/users/carol/gifts")
    count = len(few)
    for n in range(3, 15):
        gifts_set(work=WorkFactory(author=author, title=f"Present {n}"), names="carol")

    cache.clear()
    with django_assert_num_queries(count):
        response = client.get("/users/carol/gifts")
    assert "Present 14" in _page(response)


def test_listing_with_gifts_costs_no_extra_query(
    author, reader, client, django_assert_num_queries
):
    for n in range(3):
        WorkFactory(author=author, title=f"Plain {n}")
    client.force_login(reader)  # not served from the guests' page cache
    client.get("/works")
    cache.clear()  # nothing kept (counts, blurbs' tags and creators) on either visit measured
    with CaptureQueriesContext(connection) as before:
        client.get("/works?page=1")
    for work in Work.objects.all():
        gifts_set(work=work, names="Sam, Alex")

    cache.clear()
    with django_assert_num_queries(len(before)):
        response = client.get("/works?page=1")
    assert _page(response).count("for Sam, Alex") == 3


def test_search_results_show_the_recipients(author, reader, client):
    work = WorkFactory(author=author, title="Harbour Lights")
    gifts_set(work=work, names="carol, Sam")

    page = _page(client.get("/works/search?q=Harbour"))

    assert "Harbour Lights" in page
    assert 'for <a href="/users/carol/gifts">carol</a>, Sam' in page


def test_a_pseud_recipient_shows_as_pseud_and_user(author, reader, client):
    Pseud.objects.create(user=reader, name="Nightjar")
    work = WorkFactory(author=author, title="Night Song")
    gifts_set(work=work, names="Nightjar (carol)")

    assert 'for <a href="/users/carol/gifts">Nightjar (carol)</a>' in _page(
        client.get(f"/works/{work.pk}"))
    assert "Night Song" in _page(client.get("/users/carol/gifts"))
