"""Who may change a work: its creators. Others get 403 if they can see it, 404 if they can't."""

from __future__ import annotations

import pytest

from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.works.helpers import chapter_form, edit_form, html, shows

# (method, url template) for every page that changes a work; {w} work id, {c} a chapter id.
CHANGING_PAGES = [
    ("get", "/works/{w}/edit"),
    ("post", "/works/{w}/edit"),
    ("get", "/works/{w}/preview"),
    ("post", "/works/{w}/post"),
    ("get", "/works/{w}/delete"),
    ("post", "/works/{w}/delete"),
    ("get", "/works/{w}/chapters/new"),
    ("post", "/works/{w}/chapters/new"),
    ("get", "/works/{w}/chapters/manage"),
    ("post", "/works/{w}/chapters/manage"),
    ("get", "/works/{w}/chapters/{c}/edit"),
    ("post", "/works/{w}/chapters/{c}/edit"),
    ("get", "/works/{w}/chapters/{c}/delete"),
    ("post", "/works/{w}/chapters/{c}/delete"),
]
PAGE_IDS = [f"{m}:{u}" for m, u in CHANGING_PAGES]


def _call(client, method: str, url: str, work: Work, data: dict | None = None):
    chapter = work.chapters.order_by("position").last()
    return getattr(client, method)(url.format(w=work.pk, c=chapter.pk), data or {})


@pytest.fixture
def two_chapter_work(author):
    return WorkFactory(author=author, title="Guarded", chapters=["<p>one</p>", "<p>two</p>"])


@pytest.mark.parametrize(("method", "url"), CHANGING_PAGES, ids=PAGE_IDS)
def test_other_users_who_can_see_the_work_get_403(reader_client, two_chapter_work, method, url):
    response = _call(reader_client, method, url, two_chapter_work)

    assert response.status_code == 403
    assert shows(response, "Only the work's creators can change it.")
    assert "Traceback" not in html(response)


@pytest.mark.parametrize(("method", "url"), CHANGING_PAGES, ids=PAGE_IDS)
def test_other_users_get_404_for_a_draft_they_cannot_see(reader_client, author, method, url):
    draft = WorkFactory(author=author, post=False, chapters=["<p>one</p>", "<p>two</p>"])

    assert _call(reader_client, method, url, draft).status_code == 404


@pytest.mark.parametrize(("method", "url"), CHANGING_PAGES, ids=PAGE_IDS)
def test_guests_are_sent_to_log_in(client, two_chapter_work, method, url):
    response = _call(client, method, url, two_chapter_work)

    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


def test_nothing_changed_after_others_tried(reader_client, two_chapter_work):
    for method, url in CHANGING_PAGES:
        _call(reader_client, method, url, two_chapter_work,
              chapter_form(content="<p>Vandalised</p>"))

    work = Work.objects.get(pk=two_chapter_work.pk)
    assert work.title == "Guarded"
    assert work.chapters.count() == 2
    assert "Vandalised" not in html(reader_client.get(f"/works/{work.pk}?view_full_work=true"))


def test_edit_links_are_shown_to_creators_only(author_client, two_chapter_work, reader, client):
    own = html(author_client.get(f"/works/{two_chapter_work.pk}"))
    assert "Edit work" in own
    assert "Add chapter" in own

    client.force_login(reader)
    other = html(client.get(f"/works/{two_chapter_work.pk}"))
    assert "Edit work" not in other
    assert "Add chapter" not in other


@pytest.fixture
def shared_work(author, co_author):
    return WorkFactory(author=author, title="Written Together",
                       creators=[author.default_pseud, co_author.default_pseud])


def test_co_creator_can_edit_the_work(client, co_author, shared_work):
    client.force_login(co_author)
    assert client.get(f"/works/{shared_work.pk}/edit").status_code == 200

    response = client.post(f"/works/{shared_work.pk}/edit",
                           edit_form(shared_work, co_author, title="Rewritten Together"))

    assert response.status_code == 302
    page = html(client.get(f"/works/{shared_work.pk}"))
    assert "Rewritten Together" in page
    assert "alice" in page
    assert "bob" in page


def test_co_creator_can_add_a_chapter(client, co_author, shared_work):
    client.force_login(co_author)

    response = client.post(f"/works/{shared_work.pk}/chapters/new",
                           chapter_form(content="<p>Bob wrote this part.</p>"))

    assert response.status_code == 302
    assert "Bob wrote this part." in html(client.get(response["Location"]))


def test_creator_can_delete_the_work(author_client, work, client):
    confirm = author_client.get(f"/works/{work.pk}/delete")
    assert "Are you sure?" in html(confirm)

    response = author_client.post(f"/works/{work.pk}/delete")

    assert response["Location"] == "/users/alice"
    assert author_client.get(f"/works/{work.pk}").status_code == 404
    assert not Work.objects.filter(pk=work.pk).exists()
