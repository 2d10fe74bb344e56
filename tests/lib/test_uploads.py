"""Upload limits: one setting (FICHIVE_MAX_UPLOAD_MB) for the form's promise, the request
size refused before it is read (413, before even the CSRF check) and a file cut off while it
streams in as soon as it passes the limit."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fichive.works.models import Work

MB = 1024 * 1024


def _story(size: int) -> bytes:
    line = b"The lamps came on one by one along the quay, and nobody counted them.\n"
    return b"Lamps Along the Quay\n\n" + line * (size // len(line) + 1)


def test_the_form_promises_the_configured_limit(author_client, settings):
    settings.FICHIVE_MAX_UPLOAD_MB = 7

    page = author_client.get("/works/import").content.decode()

    assert "up to 7 MB" in page


def test_a_request_declaring_more_than_the_limit_is_refused_before_it_is_read(author,
                                                                             settings):
    settings.FICHIVE_MAX_UPLOAD_MB = 2
    client = Client(enforce_csrf_checks=True)  # refused before the CSRF check reads it
    client.force_login(author)

    response = client.generic("POST", "/works/import", b"--x--",
                              content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(50 * MB))

    assert response.status_code == 413
    page = response.content.decode()
    assert "larger than 2 MB" in page and "Traceback" not in page
    assert response["Connection"] == "close"


def test_an_api_request_over_the_limit_gets_problem_json(client, settings):
    settings.FICHIVE_MAX_UPLOAD_MB = 1

    response = client.generic("POST", "/api/v1/works", b"{}", content_type="application/json",
                              CONTENT_LENGTH=str(60 * MB))

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_a_file_over_the_limit_is_cut_off_as_it_streams_in(author_client, author, settings):
    settings.FICHIVE_MAX_UPLOAD_MB = 1
    big = _story(MB + MB // 2)  # the request (1.5 MB) is under the request limit (2 MB)

    response = author_client.post("/works/import", {
        "file": SimpleUploadedFile("big.txt", big), "pseud": author.default_pseud.pk,
        "fandoms": "Original Work"})

    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    assert not Work.objects.exists()


def test_a_file_under_the_limit_is_imported(author_client, author, settings):
    settings.FICHIVE_MAX_UPLOAD_MB = 1

    response = author_client.post("/works/import", {
        "file": SimpleUploadedFile("small.txt", _story(MB // 3)),
        "pseud": author.default_pseud.pk, "fandoms": "Original Work"})

    assert response.status_code == 302
    assert Work.objects.count() == 1
