"""Orphaning: a work (or all of one's works) moves to the shared orphan_account, by its own
name or keeping the pseud's name; co-creators keep theirs; the author loses control; the
pages ask for confirmation first."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError

from fichive.accounts.models import User
from fichive.accounts.services import (
    ORPHAN_ACCOUNT,
    orphan_account_user,
    pseud_create,
    user_create,
)
from fichive.works.models import Work
from fichive.works.services import work_orphan, works_orphan_all
from tests.factories import PASSWORD, WorkFactory
from tests.works.helpers import html


def _byline(work: Work) -> list[str]:
    return [c.pseud.byline for c in
            Work.objects.get(pk=work.pk).creatorships.select_related("pseud__user")
            .order_by("position")]


# ------------------------------------------------------------------------------ services


def test_orphaning_moves_the_work_to_orphan_accounts_default_pseud(author, work):
    work_orphan(user=author, work=work, keep_pseud_name=False)

    assert _byline(work) == [ORPHAN_ACCOUNT]
    assert Work.objects.get(pk=work.pk).sort_creator == ORPHAN_ACCOUNT


def test_keeping_the_name_credits_an_orphan_account_pseud_of_that_name(author):
    pseud = pseud_create(user=author, name="Night Heron")
    first = WorkFactory(author=author, creators=[pseud])
    second = WorkFactory(author=author, creators=[pseud])

    work_orphan(user=author, work=first, keep_pseud_name=True)
    work_orphan(user=author, work=second, keep_pseud_name=True)

    assert _byline(first) == _byline(second) == [f"Night Heron ({ORPHAN_ACCOUNT})"]
    orphans = orphan_account_user()
    assert orphans.pseuds.filter(name="Night Heron").count() == 1  # made once, then reused
    assert Work.objects.get(pk=first.pk).sort_creator == "night heron"


def test_co_creators_keep_their_names_and_places(author, co_author):
    work = WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud])

    work_orphan(user=author, work=work, keep_pseud_name=False)

    assert _byline(work) == [ORPHAN_ACCOUNT, "bob"]


def test_two_pseuds_of_the_author_on_one_work_become_one_orphan_byline(author):
    other = pseud_create(user=author, name="Second Self")
    work = WorkFactory(author=author, creators=[author.default_pseud, other])

    work_orphan(user=author, work=work, keep_pseud_name=False)

    assert _byline(work) == [ORPHAN_ACCOUNT]


def test_the_author_can_no_longer_edit_an_orphaned_work(author, work):
    work_orphan(user=author, work=work, keep_pseud_name=False)

    with pytest.raises(PermissionDenied):
        work_orphan(user=author, work=work, keep_pseud_name=False)


def test_a_draft_is_not_orphaned(author):
    draft = WorkFactory(author=author, post=False)
    with pytest.raises(ValidationError, match="delete the draft"):
        work_orphan(user=author, work=draft, keep_pseud_name=False)
    assert _byline(draft) == ["alice"]


def test_someone_else_cannot_orphan_a_work(work, reader):
    with pytest.raises(PermissionDenied):
        work_orphan(user=reader, work=work, keep_pseud_name=False)
    assert _byline(work) == ["alice"]


def test_orphaning_all_works_moves_every_posted_work_and_keeps_drafts(author, co_author):
    works = [WorkFactory(author=author) for _ in range(3)]
    draft = WorkFactory(author=author, post=False)
    theirs = WorkFactory(author=co_author)

    assert works_orphan_all(user=author, keep_pseud_name=False) == 3

    assert all(_byline(w) == [ORPHAN_ACCOUNT] for w in works)
    assert _byline(draft) == ["alice"]
    assert _byline(theirs) == ["bob"]


def test_the_search_index_follows_the_orphaning(author, work, guest):
    assert work.title in html(guest.get("/works/search?q=creator:alice"))
    work_orphan(user=author, work=work, keep_pseud_name=False)
    assert work.title not in html(guest.get("/works/search?q=creator:alice"))
    assert work.title in html(guest.get("/works/search?q=creator:orphan_account"))


def test_nobody_can_log_in_as_or_sign_up_as_the_orphan_account(db):
    orphans = orphan_account_user()

    assert not orphans.has_usable_password()
    assert authenticate(username=ORPHAN_ACCOUNT, password="") is None
    assert orphan_account_user() == orphans  # one shared account
    with pytest.raises(ValidationError, match="reserved"):
        user_create(username="Orphan_Account", password=PASSWORD)


def test_signing_up_as_orphan_account_says_the_name_is_reserved(client, db):
    response = client.post("/signup", {"username": "orphan_account", "email": "x@example.org",
                                       "password1": PASSWORD, "password2": PASSWORD,
                                       "accept_terms": "on", "confirm_age": "on"})
    assert response.status_code == 200
    assert "reserved" in html(response)
    assert not User.objects.filter(username__iexact="orphan_account").exists()


# --------------------------------------------------------------------------------- pages


def test_the_work_page_and_edit_page_offer_orphaning(author_client, work):
    for url in (f"/works/{work.pk}", f"/works/{work.pk}/edit"):
        assert f'href="/orphans/new?work_id={work.pk}"' in html(author_client.get(url)), url


def test_the_confirmation_warns_and_offers_to_keep_the_name(author_client, work):
    page = html(author_client.get(f"/orphans/new?work_id={work.pk}"))

    assert "Orphaning is for good" in page
    assert "you will not be able to edit it" in page.lower()
    assert "Keep my pseud&#x27;s name as the byline" in page
    assert _byline(work) == ["alice"]  # nothing happens until the form is sent


def test_confirming_orphans_the_work_and_takes_away_the_edit_links(author_client, work):
    response = author_client.post("/orphans", {"work_id": work.pk, "name": "keep"})

    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}"
    page = html(author_client.get(response["Location"]))
    assert "was orphaned" in page
    assert "Edit work" not in page
    assert f"alice ({ORPHAN_ACCOUNT})" in page
    assert author_client.get(f"/works/{work.pk}/edit").status_code == 403
    assert author_client.post(f"/works/{work.pk}/delete").status_code == 403


def test_a_draft_is_offered_deletion_instead(author_client, author):
    draft = WorkFactory(author=author, post=False)
    page = html(author_client.get(f"/orphans/new?work_id={draft.pk}"))
    assert "Drafts can't be orphaned" in page
    assert 'action="/orphans"' not in page
    response = author_client.post("/orphans", {"work_id": draft.pk, "name": "remove"})
    assert response.status_code == 400
    assert _byline(draft) == ["alice"]


def test_the_confirmation_without_a_choice_names_the_field(author_client, work):
    response = author_client.post("/orphans", {"work_id": work.pk})

    assert response.status_code == 400
    assert "Choose whether your name stays on the orphaned work." in html(response)
    assert _byline(work) == ["alice"]


def test_orphaning_needs_a_post_and_a_creator(author, reader_client, guest, work):
    assert reader_client.get(f"/orphans/new?work_id={work.pk}").status_code == 403
    assert reader_client.post("/orphans", {"work_id": work.pk,
                                           "name": "remove"}).status_code == 403
    assert guest.get("/orphans/new").status_code == 302  # guests log in first
    assert reader_client.get("/orphans").status_code == 405
    assert reader_client.get("/orphans/new?work_id=nope").status_code == 404
    assert _byline(work) == ["alice"]


def test_orphan_all_from_the_dashboard(author_client, author, co_author):
    works = [WorkFactory(author=author) for _ in range(2)]
    dashboard = html(author_client.get("/users/alice"))
    assert 'href="/orphans/new">Orphan all works</a>' in dashboard

    page = html(author_client.get("/orphans/new"))
    assert "Orphan all your works?" in page and "2 in all" in page
    response = author_client.post("/orphans", {"name": "remove"})

    assert response["Location"] == "/users/alice"
    assert "2 works orphaned" in html(author_client.get("/users/alice"))
    assert all(_byline(w) == [ORPHAN_ACCOUNT] for w in works)


def test_orphaning_retires_the_guests_cached_pages(author_client, work, guest):
    assert "alice" in html(guest.get(f"/works/{work.pk}"))
    assert "alice" in html(guest.get("/works"))

    author_client.post("/orphans", {"work_id": work.pk, "name": "remove"})

    assert "alice" not in html(guest.get(f"/works/{work.pk}"))
    assert ORPHAN_ACCOUNT in html(guest.get("/works"))
    assert work.title not in html(guest.get("/users/alice/works"))


def test_deleting_a_work_asks_first(author_client, work):
    page = html(author_client.get(f"/works/{work.pk}/delete"))
    assert "Are you sure?" in page
    assert Work.objects.filter(pk=work.pk).exists()
