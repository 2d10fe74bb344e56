"""Reading apps poll the catalog: every feed carries an ETag and Last-Modified, and a poll
that sends them back gets 304 (from the guests' page cache, both formats)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("cache_backend")
@pytest.mark.parametrize("url", ["/opds/works", "/opds/v2/works", "/opds/"])
def test_a_poll_with_the_validators_gets_304(author, url):
    WorkFactory(author=author, title="Open Sea")
    first = Client().get(url)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert "Authorization" in first["Vary"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert Client().get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    if url == "/opds/":  # the root's links don't change with the works
        return
    # A change retires both: the next poll gets the new feed.
    WorkFactory(author=author, title="Salt Road")
    again = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and b"Salt Road" in again.content
