"""Work downloads (/downloads/<id>/<Title>.<ext>): the work page's Download menu, file names
and types, and the work page's visibility rules for every format."""

from __future__ import annotations

import re

import pytest

from fichive.formats.exporters import FORMATS
from fichive.works.services import WorkMeta, work_update
from tests.factories import WorkFactory
from tests.works.helpers import html, sent_to_log_in

EXTENSIONS = list(FORMATS)
CONTENT_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf",
                 "html": "text/html; charset=utf-8", "txt": "text/plain; charset=utf-8"}


def _download_urls(page: str) -> dict[str, str]:
    menu = page[page.index('class="download-formats"'):]
    menu = menu[:menu.index("</ul>")]
    return {label: url.replace("&amp;", "&")
            for url, label in re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', menu)}


def test_work_page_has_a_download_menu_with_every_format(work, client):
    work.title = "The Ferryman's Ledger"
    work.save(update_fields=["title"])
    urls = _download_urls(html(client.get(f"/works/{work.pk}")))

    assert list(urls) == ["EPUB", "PDF", "HTML", "TXT"]
    stamp = int(work.modified_at.timestamp())
    assert urls["EPUB"] == f"/downloads/{work.pk}/The_Ferrymans_Ledger.epub?updated_at={stamp}"
    assert "AZW3" not in urls and "MOBI" not in urls


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_each_format_downloads_as_an_attachment_with_a_safe_name(extension, author, client):
    work = WorkFactory(author=author, title="Café: the “Night” Shift",
                       chapters=["<p>Steam rose from the cups.</p>"])
    response = client.get(f"/downloads/{work.pk}/Cafe_the_Night_Shift.{extension}")

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[extension]
    assert response["Content-Disposition"] == (
        f'attachment; filename="Cafe_the_Night_Shift.{extension}"')
    body = response.content
    if extension in ("html", "txt"):
        assert "Steam rose from the cups." in body.decode()
    assert body[:4] == {"epub": b"PK\x03\x04", "pdf": b"%PDF"}.get(extension, body[:4])


def test_any_file_name_serves_the_work_but_not_another_format(work, client):
    assert client.get(f"/downloads/{work.pk}/old_title.epub").status_code == 200
    for name in ("story.mobi", "story.azw3", "story", "story.EXE"):
        assert client.get(f"/downloads/{work.pk}/{name}").status_code == 404, name
    assert client.get("/downloads/999999/story.epub").status_code == 404


@pytest.fixture
def restricted(author):
    return WorkFactory(author=author, title="Members Only", restricted=True,
                       chapters=["<p>Only for members.</p>"])


@pytest.fixture
def draft(author):
    return WorkFactory(author=author, title="Unfinished", post=False,
                       chapters=["<p>Not yet.</p>"])


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_restricted_work_downloads_are_404_for_guests_and_served_to_users(
        extension, restricted, client, reader):
    url = f"/downloads/{restricted.pk}/Members_Only.{extension}"
    assert sent_to_log_in(client.get(url))
    assert sent_to_log_in(client.get(f"/works/{restricted.pk}"))  # as its page
    client.force_login(reader)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_drafts_download_only_for_their_creators(extension, draft, client, reader, author):
    url = f"/downloads/{draft.pk}/Unfinished.{extension}"
    assert client.get(url).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == 404
    client.force_login(author)
    assert client.get(url).status_code == 200


def test_download_shows_the_latest_edit(work, author, client):
    url = f"/downloads/{work.pk}/story.txt"
    assert "The lantern burned low" in client.get(url).content.decode()
    work_update(user=author, work=work, meta=WorkMeta(
        title="Renamed Tale", creators=[author.default_pseud], fandoms=["Original Work"],
        rating="General Audiences"))
    text = client.get(url).content.decode()
    assert text.startswith("Renamed Tale\n")
    page = html(client.get(f"/works/{work.pk}"))
    assert "/Renamed_Tale.txt?updated_at=" in page


def test_download_links_say_where_the_work_lives(work, client):
    text = client.get(f"/downloads/{work.pk}/story.txt").content.decode()
    assert f"Posted originally on Fichive at http://testserver/works/{work.pk}" in text


def test_api_work_lists_its_downloads(work, client):
    data = client.get(f"/api/v1/works/{work.pk}").json()
    stamp = int(work.modified_at.timestamp())
    assert data["downloads"] == {
        ext: f"http://testserver/downloads/{work.pk}/{work.title.replace(' ', '_')}.{ext}"
             f"?updated_at={stamp}" for ext in EXTENSIONS
    }


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)


def test_cached_pdf_is_rebuilt_after_an_edit(cache_backend, work, author, client):
    url = f"/downloads/{work.pk}/story.pdf"
    first = client.get(url)
    assert first["X-Fichive-Cache"] == "miss"
    again = client.get(url)
    assert again["X-Fichive-Cache"] == "hit" and again.content == first.content
    work_update(user=author, work=work, meta=WorkMeta(
        title="Renamed Tale", creators=[author.default_pseud], fandoms=["Original Work"],
        rating="General Audiences"))
    edited = client.get(url)
    assert edited["X-Fichive-Cache"] == "miss"
    assert "Renamed Tale" in _pdf_text(edited.content)


def test_a_restricted_works_cached_pdf_never_reaches_guests(cache_backend, restricted, client,
                                                            reader):
    url = f"/downloads/{restricted.pk}/Members_Only.pdf"
    client.force_login(reader)
    assert "Only for members." in _pdf_text(client.get(url).content)
    assert client.get(url)["X-Fichive-Cache"] == "hit"
    client.logout()
    assert sent_to_log_in(client.get(url))


def _epub_url(work) -> str:
    return f"/downloads/{work.pk}/x.epub"


def test_a_download_resumes_from_a_byte_range(work, client):
    whole = client.get(_epub_url(work))
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    body = whole.content
    size = len(body)
    part = client.get(_epub_url(work), HTTP_RANGE="bytes=100-")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert part.content == body[100:]
    assert part["Content-Disposition"] == whole["Content-Disposition"]
    middle = client.get(_epub_url(work), HTTP_RANGE="bytes=10-19")
    assert middle.status_code == 206 and middle.content == body[10:20]
    tail = client.get(_epub_url(work), HTTP_RANGE="bytes=-30")
    assert tail.status_code == 206 and tail.content == body[-30:]


@pytest.mark.parametrize("asked", ["bytes=5-2", "lines=1-2", "bytes=1-2,4-5", "bytes=-",
                                   "nonsense"])
def test_a_range_it_cannot_read_gets_the_whole_file(work, client, asked):
    response = client.get(_epub_url(work), HTTP_RANGE=asked)
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_a_range_past_the_end_is_416(work, client):
    size = len(client.get(_epub_url(work)).content)
    response = client.get(_epub_url(work), HTTP_RANGE=f"bytes={size}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{size}"
