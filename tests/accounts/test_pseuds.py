"""Pseuds (other names to post under) and co-creators named by user name."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from fichive.accounts.models import Pseud
from fichive.accounts.services import pseud_create
from fichive.works.models import Work
from tests.works.helpers import counts, work_form


def _page(response) -> str:
    return response.content.decode()


def test_pseuds_page_lists_the_default_pseud(client, author):
    page = _page(client.get("/users/alice/pseuds"))

    assert '<a href="/users/alice/pseuds/alice">alice</a></strong> (default)' in page
    assert "New pseud" not in page


def test_adding_a_pseud(author_client):
    assert author_client.get("/users/alice/pseuds/new").status_code == 200

    response = author_client.post("/users/alice/pseuds/new",
                                  {"name": "Night Owl", "description": "Late-night fic."})

    assert response["Location"] == "/users/alice/pseuds"
    page = _page(author_client.get(response["Location"]))
    assert escape("Pseud “Night Owl” created.") in page
    assert ">Night Owl</a></strong>" in page
    assert '<div class="userstuff"><p>Late-night fic.</p></div>' in page


def test_pseud_names_are_unique_per_user_in_any_case(author_client, author):
    pseud_create(user=author, name="Night Owl")

    response = author_client.post("/users/alice/pseuds/new", {"name": "night owl"})

    assert response.status_code == 200
    assert escape("You already have a pseud called “night owl”.") in _page(response)
    assert author.pseuds.count() == 2


def test_pseud_with_forbidden_characters_is_refused(author_client, author):
    response = author_client.post("/users/alice/pseuds/new", {"name": "<b>Bold</b>"})

    assert response.status_code == 200
    assert "Use up to 40 letters" in _page(response)
    assert author.pseuds.count() == 1


def test_cannot_add_a_pseud_to_someone_else(reader_client, author):
    response = reader_client.post("/users/alice/pseuds/new", {"name": "Imposter"})

    assert response.status_code == 403
    assert not Pseud.objects.filter(name="Imposter").exists()


def test_adding_a_pseud_needs_logging_in(client, author):
    assert client.get("/users/alice/pseuds/new")["Location"].startswith("/login?next=")


def test_work_posted_under_a_pseud_shows_pseud_and_user_in_the_byline(author, author_client):
    pseud = pseud_create(user=author, name="Night Owl")

    response = author_client.post("/works/new", work_form(author, creators=[pseud.pk]))

    page = _page(author_client.get(response["Location"]))
    assert '<a rel="author" href="/users/alice/pseuds/Night%20Owl">Night Owl (alice)</a>' in page
    assert "Night Owl (alice)" in _page(author_client.get("/works"))


def test_new_work_form_offers_the_users_pseuds_with_the_default_ticked(author, author_client):
    pseud_create(user=author, name="Night Owl")

    page = _page(author_client.get("/works/new"))

    assert "Night Owl" in page
    assert f'value="{author.default_pseud.pk}" id="id_creators_0" checked' in page


def test_cannot_post_under_someone_elses_pseud(author, co_author, author_client):
    before = counts()

    response = author_client.post("/works/new", work_form(
        author, creators=[co_author.default_pseud.pk],
    ))

    assert response.status_code == 200
    assert "Select a valid choice" in _page(response)
    assert counts() == before


def test_co_creator_named_by_user_name_is_invited_not_added(author, co_author, author_client):
    response = author_client.post("/works/new", work_form(author, co_creators="bob"))

    work = Work.objects.get()
    page = _page(author_client.get(response["Location"]))
    assert '<a rel="author" href="/users/alice/pseuds/alice">alice</a>' in page
    assert "/users/bob" not in page
    assert work.title not in _page(author_client.get("/users/bob/works"))
    assert work.creator_invitations.get().pseud == co_author.default_pseud


def test_co_creator_named_by_pseud_and_user_name_is_invited_under_that_pseud(
        author, co_author, author_client):
    pseud_create(user=co_author, name="Bobby Tables")

    response = author_client.post("/works/new", work_form(
        author, co_creators="Bobby Tables (bob)",
    ))

    assert "Bobby Tables (bob)" not in _page(author_client.get(response["Location"]))
    assert Work.objects.get().creator_invitations.get().pseud.name == "Bobby Tables"


@pytest.mark.parametrize("entry", ["nobody", "Ghost (bob)"])
def test_unknown_co_creator_is_refused_and_nothing_is_posted(author, co_author, author_client,
                                                              entry):
    before = counts()

    response = author_client.post("/works/new", work_form(author, co_creators=f"bob, {entry}"))

    assert response.status_code == 200
    assert f"No such user or pseud: {entry}." in _page(response)
    assert counts() == before


def test_co_creator_names_are_case_insensitive(author, co_author, author_client):
    author_client.post("/works/new", work_form(author, co_creators="BOB"))

    assert Work.objects.get().creator_invitations.get().pseud == co_author.default_pseud
