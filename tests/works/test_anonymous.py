"""Posting anonymously: the form's choice, what the services keep (sort key, search index),
who may still edit, and notices that would name the creator."""

from __future__ import annotations

import re

from django.core import mail

from fichive.accounts.services import pseud_update
from fichive.inbox.models import InboxItem
from fichive.subscriptions.services import subscription_create
from fichive.works.models import Work
from fichive.works.services import WorkMeta, work_update
from tests.factories import WorkFactory
from tests.works.helpers import edit_form, html, work_form


def test_the_posting_form_offers_to_post_anonymously(author_client):
    page = html(author_client.get("/works/new"))
    assert "Post anonymously" in page


def test_posting_anonymously_hides_the_name_from_guests(author_client, author, guest):
    response = author_client.post("/works/new", work_form(author, anonymous="on"))

    assert response.status_code == 302
    work = Work.objects.get()
    assert work.anonymous
    page = html(guest.get(f"/works/{work.pk}"))
    byline = page[page.index('class="byline heading"'):]
    assert byline[:byline.index("</h2>")].endswith(">Anonymous")
    assert "alice" not in page


def test_the_edit_form_keeps_the_choice_and_unticking_it_reveals(author_client, author, guest):
    work = WorkFactory(author=author, anonymous=True)
    page = html(author_client.get(f"/works/{work.pk}/edit"))
    assert re.search(r'<input type="checkbox" name="anonymous"[^>]* checked>', page)

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, anonymous="on"))
    assert Work.objects.get(pk=work.pk).anonymous
    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author))

    assert not Work.objects.get(pk=work.pk).anonymous
    assert 'rel="author"' in html(guest.get(f"/works/{work.pk}"))


def test_callers_that_do_not_know_of_anonymity_leave_it_alone(author):
    work = WorkFactory(author=author, anonymous=True)
    work_update(user=author, work=work, meta=WorkMeta(
        title="Retitled", creators=[author.default_pseud], fandoms=["Original Work"]))

    assert Work.objects.get(pk=work.pk).anonymous


def test_an_anonymous_work_sorts_as_anonymous_and_back_by_name_when_revealed(author):
    work = WorkFactory(author=author, anonymous=True)
    assert work.sort_creator == "anonymous"

    work_update(user=author, work=work, meta=WorkMeta(
        title=work.title, creators=[author.default_pseud], fandoms=["Original Work"],
        anonymous=False))

    assert Work.objects.get(pk=work.pk).sort_creator == "alice"


def test_renaming_the_creators_pseud_keeps_an_anonymous_work_sorted_as_anonymous(author):
    anonymous = WorkFactory(author=author, anonymous=True)
    named = WorkFactory(author=author)

    pseud_update(user=author, pseud=author.default_pseud, name="Zephyr",
                 description="", icon_text="")

    assert Work.objects.get(pk=anonymous.pk).sort_creator == "anonymous"
    assert Work.objects.get(pk=named.pk).sort_creator == "zephyr"


def test_search_finds_it_by_anonymous_not_by_name_until_the_reveal(author, guest):
    work = WorkFactory(author=author, anonymous=True, title="Quiet Signals")
    assert "Quiet Signals" not in html(guest.get("/works/search?q=creator:alice"))
    assert "Quiet Signals" in html(guest.get("/works/search?q=creator:anonymous"))

    work_update(user=author, work=work, meta=WorkMeta(
        title=work.title, creators=[author.default_pseud], fandoms=["Original Work"],
        anonymous=False))

    assert "Quiet Signals" in html(guest.get("/works/search?q=creator:alice"))
    assert "Quiet Signals" not in html(guest.get("/works/search?q=creator:anonymous"))


def test_co_creators_still_edit_and_see_their_names(author, co_author, client):
    work = WorkFactory(author=author, anonymous=True,
                       creators=[author.default_pseud, co_author.default_pseud])
    client.force_login(co_author)

    assert client.get(f"/works/{work.pk}/edit").status_code == 200
    page = html(client.get(f"/works/{work.pk}"))
    assert "Anonymous" in page and "bob" in page and "alice" in page


def test_other_users_cannot_edit_an_anonymous_work(author, reader_client):
    work = WorkFactory(author=author, anonymous=True)
    assert reader_client.get(f"/works/{work.pk}/edit").status_code == 403


def test_a_new_anonymous_work_does_not_reach_the_creators_subscribers(
        author, reader, run_tasks):
    subscription_create(user=reader, creator=author)
    WorkFactory(author=author, anonymous=True, title="Hidden Hand")
    run_tasks()
    assert not InboxItem.objects.filter(user=reader).exists()
    assert not any("Hidden Hand" in m.subject for m in mail.outbox)

    WorkFactory(author=author, title="Open Hand")
    run_tasks()
    assert list(InboxItem.objects.filter(user=reader).values_list("kind", flat=True)) == [
        InboxItem.Kind.NEW_WORK]


def test_a_new_chapter_of_an_anonymous_work_is_by_anonymous(author, reader, run_tasks,
                                                             reader_client):
    from fichive.works.services import ChapterText, chapter_add

    work = WorkFactory(author=author, anonymous=True)
    subscription_create(user=reader, work=work)
    chapter_add(user=author, work=work, text=ChapterText(content="<p>More of it.</p>"))
    run_tasks()

    item = InboxItem.objects.get(user=reader)
    assert item.actor_name == "Anonymous"
    page = html(reader_client.get("/users/carol/inbox"))
    assert "Anonymous posted" in page and "alice" not in page
    assert all("alice" not in m.body for m in mail.outbox)


def test_listing_queries_do_not_grow_with_anonymous_works(author, client,
                                                          django_assert_num_queries):
    for _ in range(3):
        WorkFactory(author=author, anonymous=True)
        WorkFactory(author=author)
    with django_assert_num_queries(4):  # as test_listing_queries counts /works
        page = html(client.get("/works"))
    assert page.count("by Anonymous</h4>") == 3


def test_a_creators_comment_on_their_anonymous_work_is_by_anonymous_creator(
        author, reader, run_tasks, guest, reader_client, monkeypatch):
    from fichive.comments import ratelimit
    from fichive.comments.services import comment_post

    monkeypatch.setattr(ratelimit, "LIMIT", 10_000)
    work = WorkFactory(author=author, anonymous=True)
    first = comment_post(work=work, user=reader, content="Who wrote this?")
    comment_post(work=work, user=author, parent=first, content="Glad you liked it!")
    run_tasks()

    for visitor, url in [(v, u) for v in (guest, reader_client) for u in (
            f"/works/{work.pk}/comments", f"/comments/{first.pk}")]:
        page = html(visitor.get(url))
        assert "Glad you liked it!" in page
        assert "Anonymous Creator" in page
        assert "alice" not in page
    item = InboxItem.objects.get(user=reader, kind=InboxItem.Kind.REPLY)
    assert item.actor_name == "Anonymous Creator"
    to_reader = [m.body for m in mail.outbox if m.to == ["carol@example.org"]]
    assert to_reader and all("alice" not in body for body in to_reader)
    assert "Anonymous Creator replied" in to_reader[0]
