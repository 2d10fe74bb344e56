"""Imports of someone else's story keep its creator and where it was first posted; our own
downloads imported again point at the work instead of becoming a copy."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fichive.accounts.services import pseud_create
from fichive.cli import main
from fichive.formats.own import own_download_of, work_urn
from fichive.formats.services import ImportOptions, works_import
from fichive.works.models import Work
from fichive.works.services import WorkMeta, work_update
from tests.factories import WorkFactory
from tests.formats import builders as ao3
from tests.formats import epub_builders as build
from tests.formats.epub_builders import FanFicFareBook


@pytest.fixture
def guest() -> Client:
    return Client()


def _page(response) -> str:
    return response.content.decode()


def _import(client, author, content: bytes, name: str, **fields):
    data = {"file": SimpleUploadedFile(name, content), "pseud": author.default_pseud.pk,
            "title": "", "fandoms": "Original Work", "rating": ""}
    data.update(fields)
    return client.post("/works/import", data)


def _download(client, work: Work, extension: str) -> bytes:
    response = client.get(f"/downloads/{work.pk}/work.{extension}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- someone else's story


def test_ao3_download_by_someone_else_keeps_its_creator_and_source(author, author_client,
                                                                   guest):
    html = ao3.ao3_html(creators=["saltwick"])

    response = _import(author_client, author, html.encode(), "keeper.html")

    assert response.status_code == 302
    work = Work.objects.get(title="The Keeper of Gull Rock")
    assert work.imported_creator == "saltwick"
    assert work.source_url == "https://archiveofourown.org/works/4815162"
    page = _page(guest.get(f"/works/{work.pk}"))
    assert "by saltwick, posted to this archive by" in page
    assert ">alice</a>" in page
    assert ('Originally posted at <a href="https://archiveofourown.org/works/4815162" '
            'rel="nofollow">') in page


def test_own_ao3_download_leaves_the_creator_blank(author, author_client):
    pseud_create(user=author, name="Saltwick")

    _import(author_client, author, ao3.ao3_html(creators=["saltwick"]).encode(), "keeper.html")

    assert Work.objects.get().imported_creator == ""


def test_byline_matching_is_case_insensitive_against_every_own_pseud(author, author_client):
    pseud_create(user=author, name="Gull Writer")

    _import(author_client, author, ao3.ao3_html(creators=["GULL WRITER"]).encode(), "k.html")

    assert Work.objects.get().imported_creator == ""


def test_fanficfare_epub_keeps_its_author(author, author_client, guest):
    _import(author_client, author, build.fanficfare_epub(FanFicFareBook()), "lantern.epub")

    work = Work.objects.get(title="The Lantern Keeper")
    assert work.imported_creator == "saltwater_wren"
    assert "fanfiction.net/s/10203040" in work.source_url
    assert "by saltwater_wren, posted to this archive by" in _page(guest.get(f"/works/{work.pk}"))


@pytest.mark.parametrize("extension", ["html", "txt", "epub"])
def test_downloads_carry_the_imported_creator_and_source(extension, author, author_client,
                                                         guest):
    _import(author_client, author, ao3.ao3_html(creators=["saltwick"]).encode(), "k.html")
    work = Work.objects.get()

    data = _download(guest, work, extension)

    if extension == "epub":
        import io
        import zipfile
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            data = b"".join(book.read(name) for name in book.namelist()
                            if name.endswith((".xhtml", ".html")))
    text = data.decode()
    assert "saltwick, posted to this archive by" in text
    assert "Originally posted at" in text
    assert "https://archiveofourown.org/works/4815162" in text


def test_editing_the_work_keeps_the_creator_and_source(author, author_client):
    _import(author_client, author, ao3.ao3_html(creators=["saltwick"]).encode(), "k.html")
    work = Work.objects.get()

    work_update(user=author, work=work, meta=WorkMeta(
        title="Renamed", creators=[author.default_pseud], fandoms=["Original Work"]))

    work.refresh_from_db()
    assert (work.imported_creator, work.source_url) == (
        "saltwick", "https://archiveofourown.org/works/4815162")


def test_unsafe_source_urls_are_not_kept(author):
    work = WorkFactory(author=author, source_url="javascript:alert(1)")

    assert work.source_url == ""


def test_works_posted_here_show_no_import_lines(author, guest):
    work = WorkFactory(author=author)

    page = _page(guest.get(f"/works/{work.pk}"))

    assert "posted to this archive by" not in page and "Originally posted at" not in page


# --- our own downloads


@pytest.mark.parametrize("extension", ["html", "epub"])
def test_own_downloads_carry_the_work_urn(extension, author, guest):
    work = WorkFactory(author=author)

    assert own_download_of(_download(guest, work, extension)) == work.pk


def test_other_files_are_not_own_downloads():
    assert own_download_of(b"Just a story.\n\nThe end.") is None
    other_archive = b'<meta name="fichive-work" content="urn:fichive:0123456789abcdef:work:4">'
    assert own_download_of(other_archive) is None
    assert own_download_of(build.fanficfare_epub(FanFicFareBook())) is None


@pytest.mark.parametrize("extension", ["html", "epub"])
def test_importing_an_own_download_links_to_the_work(extension, author, reader, client, guest):
    work = WorkFactory(author=author, title="Already Here")
    data = _download(guest, work, extension)
    client.force_login(reader)

    response = _import(client, reader, data, f"already.{extension}")

    page = _page(response)
    assert response.status_code == 200
    assert "is a download of" in page
    assert f'<a href="/works/{work.pk}">Already Here</a>' in page
    assert Work.objects.count() == 1


def test_own_download_of_a_draft_is_not_named_to_whom_may_not_see_it(author,
                                                                              client):
    hidden = WorkFactory(author=author, title="Secret Draft", post=False)
    data = own_html_for(hidden)
    other = WorkFactory(title="Someone Else").creators.first().user
    client.force_login(other)

    page = _page(_import(client, other, data, "secret.html"))

    assert "this file is a download of a work on this archive" in page
    assert "Secret Draft" not in page and f"/works/{hidden.pk}" not in page
    assert Work.objects.filter(title="Secret Draft").count() == 1


def own_html_for(work: Work) -> bytes:
    """An HTML file as our download of `work` starts (what the importer looks at)."""
    return (f'<!DOCTYPE html><html><head><meta name="generator" content="Fichive" />'
            f'<meta name="fichive-work" content="{work_urn(work.pk)}" /><title>x</title>'
            f"</head><body><p>Some story text here.</p></body></html>").encode()


def test_allow_copy_imports_an_own_download_anyway(author, guest):
    work = WorkFactory(author=author, title="Copied")
    data = _download(guest, work, "html")

    [result] = works_import(data=data, filename="copied.html", user=author,
                            options=ImportOptions(fandoms=["Original Work"], allow_copy=True))

    assert result.status == "created"
    assert Work.objects.filter(title="Copied").count() == 2


def test_cli_refuses_an_own_download_with_the_work_id(author, guest, tmp_path, capsys):
    work = WorkFactory(author=author, title="On The Archive")
    path = tmp_path / "download.html"
    path.write_bytes(_download(guest, work, "html"))

    status = main(["import", str(path), "--fandom", "Original Work"])
    out = capsys.readouterr().out

    assert status == 1
    assert re.search(rf"refused: this file is a download of /works/{work.pk} on this archive",
                     out)
    assert "--allow-copy" in out
    assert Work.objects.filter(title="On The Archive").count() == 1

    status = main(["import", str(path), "--fandom", "Original Work", "--allow-copy"])
    assert status == 0
    assert Work.objects.filter(title="On The Archive").count() == 2
