"""Security headers: every page has a strict Content-Security-Policy (no inline script, images as
the sanitizer allows them, no framing) that allows a page's own <style> elements by their
hashes, a Permissions-Policy refusing the features no page uses, and `Cache-Control:
private, no-store` on whatever a logged-in user is sent; the templates hold no inline script.
The guests' page cache serves the page's own policy again (tests/lib/test_guests_fast_path.py
checks the fast path)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import fichive
from fichive.accounts.services import preferences_update
from fichive.lib.cache import CACHE_HEADER
from fichive.lib.headers import style_hash
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

SKIN = ".chat { color: #336; }"


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    found: dict[str, list[str]] = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


def style_elements(response) -> list[str]:
    return re.findall(r"<style[^>]*>(.*?)</style>", response.content.decode(), re.DOTALL)


def test_every_page_has_a_strict_content_security_policy(client, work):
    for url in ("/", "/works", f"/works/{work.pk}", "/login", "/no/such/page"):
        response = client.get(url)
        found = policy(response)
        assert found["default-src"] == ["'self'"], url
        assert found["script-src"] == ["'self'"], url
        assert found["style-src"] == ["'self'"], url  # no <style> on these pages
        assert found["img-src"] == ["'self'", "https:", "http:"], url
        for name in ("object-src", "base-uri", "frame-ancestors"):
            assert found[name] == ["'none'"], (url, name)
        assert found["form-action"] == ["'self'"], url
        assert not any("unsafe" in source for sources in found.values() for source in sources)


def test_images_the_sanitizer_keeps_are_the_ones_the_policy_allows(author_client, work):
    """User HTML keeps http(s) images and drops others (data:, javascript:); the policy
    allows exactly the schemes that survive."""
    from fichive.lib.sanitize import URL_ATTRIBUTES

    img_schemes = {f"{scheme}:" for scheme in URL_ATTRIBUTES[("img", "src")]}
    found = policy(author_client.get(f"/works/{work.pk}"))
    assert set(found["img-src"]) - {"'self'"} == img_schemes


def test_every_page_refuses_the_features_it_never_uses(client, work):
    permissions = client.get(f"/works/{work.pk}")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb",
                    "interest-cohort", "browsing-topics"):
        assert f"{feature}=()" in permissions


def test_a_work_skin_is_allowed_by_its_hash_and_nothing_else(client, author):
    skinned = WorkFactory(author=author, work_skin=SKIN, chapters=['<p class="chat">hi</p>'])
    for url in (f"/works/{skinned.pk}", f"/works/{skinned.pk}?view_full_work=true"):
        response = client.get(url)
        (style,) = style_elements(response)
        assert "#workskin .chat" in style
        assert policy(response)["style-src"] == ["'self'", style_hash(style)], url


def test_a_guests_cached_page_keeps_its_own_policy(author):
    skinned = WorkFactory(author=author, work_skin=SKIN, chapters=['<p class="chat">hi</p>'])
    guest = Client()  # the test client goes through Django's side of the cache
    first = guest.get(f"/works/{skinned.pk}")
    again = guest.get(f"/works/{skinned.pk}")
    assert (first[CACHE_HEADER], again[CACHE_HEADER]) == ("miss", "hit")
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    (style,) = style_elements(again)
    assert style_hash(style) in again["Content-Security-Policy"]


def test_a_readers_settings_style_is_allowed_by_its_hash(reader_client, reader, work):
    preferences_update(user=reader, font_size=120)
    response = reader_client.get(f"/works/{work.pk}")
    (style,) = style_elements(response)
    assert "--read-scale: 1.2" in style
    assert policy(response)["style-src"] == ["'self'", style_hash(style)]


def test_logged_in_pages_are_private_and_not_stored(reader_client, work):
    for url in ("/", f"/works/{work.pk}", "/works"):
        directives = {d.strip() for d in reader_client.get(url)["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
        assert "public" not in directives
        assert "no-store" not in Client().get(url).get("Cache-Control", ""), url


def test_a_logged_in_download_still_resumes_from_a_byte_range(reader_client, work):
    url = f"/downloads/{work.pk}/x.epub"
    whole = reader_client.get(url)
    part = reader_client.get(url, HTTP_RANGE="bytes=100-")
    assert part.status_code == 206
    size = len(whole.content)
    assert part["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert "no-store" in part["Cache-Control"]
    if whole.has_header("ETag"):
        same = reader_client.get(url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE=whole["ETag"])
        assert same.status_code == 206


def test_static_files_keep_their_caching(reader_client):
    response = reader_client.get("/static/css/fichive.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


TEMPLATES = sorted(Path(fichive.__file__).parent.rglob("templates/**/*.html"))
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)


def test_no_template_has_inline_script_handlers_or_style_attributes():
    assert len(TEMPLATES) > 50
    download = Path("formats/download/work.html")  # a file readers save, not a page we serve
    for path in TEMPLATES:
        text = path.read_text()
        assert not _INLINE_SCRIPT.search(text), path
        assert not _HANDLER.search(text), path
        assert "javascript:" not in text.lower(), path
        if not str(path).endswith(str(download)):
            assert not _STYLE_ATTRIBUTE.search(text), path
            assert "<style" not in text.replace("{% inline_style", ""), path
