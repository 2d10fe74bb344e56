"""The "Import a work" page: a .txt upload becomes a work, a bad file an error naming it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from fichive.tags.models import Tag
from fichive.works.models import Chapter, Work
from tests.works.helpers import sent_to_log_in

STORY = """The Quiet Harbour

A/N: This one is for my sister, who loves boats.

"Are they back yet?" Mara asked, leaning over the harbour wall.

Her father shook his head and pointed past the breakwater, where the first lamp showed.

They waited while the tide turned and the gulls settled on the posts.

* * *

By morning the fog had lifted and the sea was flat as glass.

She walked down to the water and counted the boats again: all twelve.
"""


def _page(response) -> str:
    return response.content.decode()


def _counts() -> tuple[int, int, int]:
    return Work.objects.count(), Chapter.objects.count(), Tag.objects.count()


def _upload(client, author, content: bytes = STORY.encode(), name: str = "harbour.txt",
            **fields):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/plain"),
            "pseud": author.default_pseud.pk, "title": "", "fandoms": "Original Work",
            "rating": ""}
    data.update(fields)
    return client.post("/works/import", {k: v for k, v in data.items() if v is not False})


def test_import_page_needs_logging_in(client, db):
    assert client.get("/works/import")["Location"].startswith("/login?next=/works/import")


def test_import_page_shows_the_upload_form(author_client):
    page = _page(author_client.get("/works/import"))

    assert 'enctype="multipart/form-data"' in page
    for name in ("file", "pseud", "title", "fandoms", "rating", "restricted", "draft"):
        assert f'name="{name}"' in page


def test_imported_text_file_is_posted_with_title_notes_and_scene_break(author, author_client):
    response = _upload(author_client, author)

    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}"
    page = _page(Client().get(response["Location"] + "?view_adult=true"))  # Not Rated
    assert "The Quiet Harbour" in page
    assert "This one is for my sister, who loves boats." in page
    assert '<div class="notes module">' in page
    assert "<hr" in page
    assert "counted the boats again" in page
    assert "A/N:" not in page
    assert "Original Work" in page
    story = work.chapters.get().content
    assert "for my sister" not in story  # the note went to the notes, not the story
    assert story.index("harbour wall") < story.index("<hr") < story.index("fog had lifted")


def test_import_says_it_imported(author, author_client):
    response = _upload(author_client, author)

    assert escape("Imported “The Quiet Harbour”.") in _page(author_client.get(
        response["Location"]))


def test_import_title_field_wins_over_the_file(author, author_client):
    response = _upload(author_client, author, title="A Better Title")

    page = _page(author_client.get(response["Location"]))
    assert "A Better Title" in page
    assert Work.objects.get().title == "A Better Title"


def test_import_uses_the_chosen_pseud_rating_and_fandoms(author, author_client):
    from fichive.accounts.services import pseud_create

    pseud = pseud_create(user=author, name="Night Owl")

    response = _upload(author_client, author, pseud=pseud.pk, rating="Mature",
                       fandoms="Naruto, Original Work")

    page = _page(author_client.get(response["Location"]))
    assert "Night Owl (alice)" in page
    assert "Mature" in page
    assert "Naruto" in page


def test_import_as_draft_is_seen_by_its_creator_only(author, author_client):
    response = _upload(author_client, author, draft=True)

    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}/preview"
    assert escape("Imported “The Quiet Harbour” as a draft.") in _page(
        author_client.get(response["Location"]))
    assert Client().get(f"/works/{work.pk}").status_code == 404


def test_import_as_restricted_is_hidden_from_guests(author, author_client):
    _upload(author_client, author, restricted=True)

    work = Work.objects.get()
    assert sent_to_log_in(Client().get(f"/works/{work.pk}"))
    assert author_client.get(f"/works/{work.pk}").status_code == 200


def test_title_comes_from_the_file_name_when_the_file_has_none(author, author_client):
    text = (b"It was late when the ferry finally came in, and nobody on the quay said a word "
            b"about the weather.\n\nThe ropes were cold.\n")

    _upload(author_client, author, content=text, name="the_late_ferry.txt")

    assert Work.objects.get().title == "the late ferry"


def test_windows_1252_file_is_read(author, author_client):
    text = "Caf\xe9 Nights\n\nShe ordered a caf\xe9 cr\xe8me and waited.\n".encode("cp1252")

    response = _upload(author_client, author, content=text, name="cafe.txt")

    assert "café crème" in _page(author_client.get(response["Location"]))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("story.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
         "not UTF-8 or Windows-1252 text"),
        ("story.txt", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
         "no story text"),
        ("story.txt", b"   \n\n\t\n", "the file is empty"),
        ("story.epub", b"PK\x03\x04rest-of-zip", "damaged or truncated"),
        ("story.pdf", b"%PDF-1.7 binary", "PDF files can't be imported"),
    ],
    ids=["binary", "html", "blank", "zip", "pdf"],
)
def test_unusable_file_is_an_error_naming_the_file_and_creates_nothing(
    author, author_client, name, content, reason
):
    before = _counts()

    response = _upload(author_client, author, content=content, name=name,
                       fandoms="A Brand New Fandom")

    assert response.status_code == 200
    page = _page(response)
    assert escape(f"{name}: ") in page
    assert escape(reason) in page
    assert 'class="field has-error" id="field-file"' in page
    assert _counts() == before


def test_zero_byte_file_is_refused_and_creates_nothing(author, author_client):
    before = _counts()

    response = _upload(author_client, author, content=b"", name="nothing.txt")

    assert response.status_code == 200
    assert "empty" in _page(response)
    assert _counts() == before


def test_import_without_a_fandom_is_refused(author, author_client):
    before = _counts()

    response = _upload(author_client, author, fandoms="")

    assert response.status_code == 200
    assert "a work needs at least one fandom and the file names none" in _page(response)
    assert _counts() == before


def test_cannot_import_under_someone_elses_pseud(author, co_author, author_client):
    response = _upload(author_client, author, pseud=co_author.default_pseud.pk)

    assert response.status_code == 200
    assert "Select a valid choice" in _page(response)
    assert not Work.objects.exists()


def test_short_opening_scene_after_a_note_stays_in_the_story(author, author_client):
    text = (
        b"The Quiet Harbour\n\n"
        b"A/N: This one is for my sister.\n\n"
        b"The boats came in at dusk, one by one, and the harbour filled with lamps.\n\n"
        b"Mara counted them from the wall, the way her father had taught her.\n\n"
        b"* * *\n\n"
        b"By morning the fog had lifted and the sea was flat as glass.\n\n"
        b"She walked down to the water and waited.\n"
    )

    _upload(author_client, author, content=text)

    work = Work.objects.get()
    assert "boats came in at dusk" not in work.notes
    assert "boats came in at dusk" in work.chapters.get().content
