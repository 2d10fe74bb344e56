"""The JSON API (v1): a work and its chapters, with the same visibility as the pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from fichive.accounts.services import pseud_create
from tests.factories import WorkFactory

WORK_KEYS = {
    "id", "title", "summary", "notes", "end_notes", "rating", "warnings", "categories",
    "fandoms", "relationships", "characters", "freeforms", "language", "words", "complete",
    "expected_chapters", "restricted", "published", "updated", "anonymous", "creators",
    "series", "downloads", "chapters",
}
CHAPTER_KEYS = {"position", "title", "summary", "notes", "end_notes", "html", "words"}


@pytest.fixture
def full_work(author, co_author):
    night_owl = pseud_create(user=author, name="Night Owl")
    return WorkFactory(
        author=author, title="Über the Harbour", creators=[night_owl, co_author.default_pseud],
        fandoms=["Naruto", "Original Work"], rating="Teen And Up Audiences",
        warnings=["No Archive Warnings Apply"], categories=["F/M", "Gen"],
        relationships=["Keeper/Lamplighter"], characters=["Keeper", "Lamplighter"],
        freeforms=["Fluff"], summary="<p>Sum.</p>", notes="<p>Start.</p>",
        end_notes="<p>End.</p>", language="de", expected_chapters=3,
        chapters=["<p>Erste Worte hier.</p>", "<p>Second chapter text.</p>"],
        chapter_titles=["Anfang", ""], published=datetime.date(2023, 5, 6),
    )


def test_work_has_exactly_the_documented_fields(client, full_work):
    response = client.get(f"/api/v1/works/{full_work.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert set(response.json()) == WORK_KEYS


def test_work_fields_say_what_the_page_says(client, full_work):
    data = client.get(f"/api/v1/works/{full_work.pk}").json()

    assert data["id"] == full_work.pk
    assert data["title"] == "Über the Harbour"
    assert data["summary"] == "<p>Sum.</p>"
    assert data["notes"] == "<p>Start.</p>"
    assert data["end_notes"] == "<p>End.</p>"
    assert data["rating"] == "Teen And Up Audiences"
    assert data["warnings"] == ["No Archive Warnings Apply"]
    assert data["categories"] == ["F/M", "Gen"]
    assert data["fandoms"] == ["Naruto", "Original Work"]
    assert data["relationships"] == ["Keeper/Lamplighter"]
    assert data["characters"] == ["Keeper", "Lamplighter"]
    assert data["freeforms"] == ["Fluff"]
    assert data["language"] == "de"
    assert data["words"] == 6
    assert data["complete"] is False
    assert data["expected_chapters"] == 3
    assert data["restricted"] is False
    assert data["published"] == "2023-05-06"
    assert data["updated"] == "2023-05-06"
    assert data["creators"] == [
        {"pseud": "Night Owl", "user": "alice", "byline": "Night Owl (alice)"},
        {"pseud": "bob", "user": "bob", "byline": "bob"},
    ]


def test_work_lists_its_chapters_in_order(client, full_work):
    chapters = client.get(f"/api/v1/works/{full_work.pk}").json()["chapters"]

    first, second = full_work.chapters.order_by("position")
    assert chapters == [
        {"id": first.pk, "position": 1, "title": "Anfang", "words": 3},
        {"id": second.pk, "position": 2, "title": "", "words": 3},
    ]
    assert set(chapters[0]) == {"id", "position", "title", "words"}


def test_non_ascii_text_is_sent_as_is(client, full_work):
    response = client.get(f"/api/v1/works/{full_work.pk}")

    assert "Über".encode() in response.content


def test_chapter_has_exactly_the_documented_fields(client, full_work):
    response = client.get(f"/api/v1/works/{full_work.pk}/chapters/1")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == CHAPTER_KEYS
    assert data["position"] == 1
    assert data["title"] == "Anfang"
    assert data["html"] == "<p>Erste Worte hier.</p>"
    assert data["words"] == 3
    assert data["summary"] == data["notes"] == data["end_notes"] == ""


def test_chapters_are_addressed_by_position(client, full_work):
    data = client.get(f"/api/v1/works/{full_work.pk}/chapters/2").json()

    assert data["position"] == 2
    assert data["html"] == "<p>Second chapter text.</p>"


def test_newly_posted_work_is_dated_today(client, author):
    work = WorkFactory(author=author)

    data = client.get(f"/api/v1/works/{work.pk}").json()

    assert data["published"] == timezone.now().date().isoformat()
    assert data["updated"] == data["published"]


def _assert_json_404(response, message: str) -> None:
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not Found", "status": 404,
                               "detail": message}


def test_missing_work_is_a_json_404(client, db):
    _assert_json_404(client.get("/api/v1/works/424242"), "No such work.")
    _assert_json_404(client.get("/api/v1/works/424242/chapters/1"), "No such work.")


def test_missing_chapter_is_a_json_404(client, full_work):
    _assert_json_404(client.get(f"/api/v1/works/{full_work.pk}/chapters/3"), "No such chapter.")
    _assert_json_404(client.get(f"/api/v1/works/{full_work.pk}/chapters/0"), "No such chapter.")


def test_restricted_work_is_a_json_404_for_guests(client, reader, author):
    work = WorkFactory(author=author, restricted=True)

    _assert_json_404(client.get(f"/api/v1/works/{work.pk}"), "No such work.")
    _assert_json_404(client.get(f"/api/v1/works/{work.pk}/chapters/1"), "No such work.")
    client.force_login(reader)
    assert client.get(f"/api/v1/works/{work.pk}").json()["restricted"] is True
    assert client.get(f"/api/v1/works/{work.pk}/chapters/1").status_code == 200


def test_draft_is_a_json_404_for_everyone_but_its_creators(client, reader, author):
    draft = WorkFactory(author=author, post=False)

    _assert_json_404(client.get(f"/api/v1/works/{draft.pk}"), "No such work.")
    client.force_login(reader)
    _assert_json_404(client.get(f"/api/v1/works/{draft.pk}"), "No such work.")
    _assert_json_404(client.get(f"/api/v1/works/{draft.pk}/chapters/1"), "No such work.")
    client.force_login(author)
    data = client.get(f"/api/v1/works/{draft.pk}").json()
    assert data["published"] is None
