"""Editing a work's fields and tags through /works/<id>/edit."""

from __future__ import annotations

import datetime

from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.works.helpers import (
    counts,
    edit_form,
    has_field_error,
    html,
    sent_to_log_in,
    shows,
    text_of,
)


def test_edit_form_comes_filled_in_with_the_work(author_client, author):
    work = WorkFactory(author=author, title="Prefilled Story", freeforms=["Angst"],
                       summary="<p>A short summary.</p>")

    page = html(author_client.get(f"/works/{work.pk}/edit"))

    assert "Edit Work: Prefilled Story" in page
    assert 'value="Prefilled Story"' in page
    assert 'value="Angst"' in page
    assert "A short summary." in page
    assert ">Update</button>" in page


def test_changing_title_and_tags_updates_the_page(author_client, author, guest):
    work = WorkFactory(author=author, title="Old Title", freeforms=["Old Tag"],
                       fandoms=["Old Fandom"])

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, title="New Title", freeforms="New Tag, Another Tag",
        fandoms="New Fandom", rating="Mature", categories=["F/F"],
    ))

    assert response["Location"] == f"/works/{work.pk}"
    page = html(guest.get(f"/works/{work.pk}"))
    for shown in ("New Title", "New Tag", "Another Tag", "New Fandom", "Mature", "F/F"):
        assert shown in page
    for gone in ("Old Title", "Old Tag", "Old Fandom"):
        assert gone not in page
    assert "New Title" in html(guest.get("/tags/New Tag/works"))
    assert "New Title" not in html(guest.get("/tags/Old Tag/works"))


def test_edit_keeps_the_published_date(author_client, author):
    work = WorkFactory(author=author, published=datetime.date(2021, 3, 4))

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, title="Renamed"))

    assert text_of(author_client.get(f"/works/{work.pk}"), "published") == "2021-03-04"


def test_expected_chapters_below_the_posted_count_is_refused(author_client, author):
    work = WorkFactory(author=author, title="Two Parts", chapters=["<p>a</p>", "<p>b</p>"],
                       expected_chapters=4)

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, title="Changed Anyway", expected_chapters="1",
    ))

    assert response.status_code == 200
    assert has_field_error(response, "expected_chapters",
                           "The work already has 2 chapters; expect at least that many.")
    page = author_client.get(f"/works/{work.pk}")
    assert text_of(page, "chapters") == "2/4"
    assert "Two Parts" in html(page)
    assert "Changed Anyway" not in html(page)


def test_expected_chapters_equal_to_posted_completes_the_work(author_client, author):
    work = WorkFactory(author=author, chapters=["<p>a</p>", "<p>b</p>"])

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, expected_chapters="2"))

    page = author_client.get(f"/works/{work.pk}")
    assert text_of(page, "chapters") == "2/2"
    assert "Completed:" in html(page)


def test_invalid_edit_changes_nothing(author_client, author):
    work = WorkFactory(author=author, title="Stable", freeforms=["Keep Me"])
    before = counts()

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, title="Should Not Stick", freeforms="Fresh Tag", fandoms="Explicit",
    ))

    assert response.status_code == 200
    assert shows(response, "“Explicit” is already a Rating tag")
    assert counts() == before
    assert Work.objects.get(pk=work.pk).title == "Stable"
    assert "Keep Me" in html(author_client.get(f"/works/{work.pk}"))


def test_making_a_work_restricted_hides_it_from_guests(author_client, author, guest):
    work = WorkFactory(author=author)

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, restricted=True))

    assert sent_to_log_in(guest.get(f"/works/{work.pk}"))
    assert author_client.get(f"/works/{work.pk}").status_code == 200


def test_creator_cannot_remove_themselves_from_the_work(author_client, author, co_author):
    work = WorkFactory(author=author, creators=[author.default_pseud, co_author.default_pseud])

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, creators=[], co_creators="bob",
    ))

    assert has_field_error(response, "creators", "Choose at least one of your pseuds.")
    assert "alice" in html(author_client.get(f"/works/{work.pk}"))
