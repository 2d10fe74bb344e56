"""Reading settings: a logged-in reader's text size, font and line width reach the work's
text as CSS custom properties on <body> (a <style> element the page's CSP allows by its
hash); the defaults add nothing, and guests always get the defaults (their cached pages stay
shared)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fichive.accounts.services import preferences_update
from fichive.lib.guestprefs import GUEST_COOKIE
from fichive.lib.headers import style_hash

pytestmark = pytest.mark.django_db


def body_tag(response) -> str:
    """The reading settings the page sets on <body>, as a style attribute would say them."""
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"<body[^>]*>", page).group(0) == "<body>"
    found = re.search(r'<style id="reading-style">body \{ (.*?); \}</style>', page)
    if found is None:
        return "<body>"
    assert style_hash(found.group(0)[len('<style id="reading-style">'):-len("</style>")]) in (
        response["Content-Security-Policy"])
    return f'<body style="{found.group(1)}">'


def test_a_readers_settings_are_on_the_work_page(reader_client, reader, work):
    preferences_update(user=reader, font_size=150, font_family="sans", line_width=55)
    chapter = work.chapters.get()
    for url in (f"/works/{work.pk}", f"/works/{work.pk}/chapters/{chapter.pk}"):
        assert body_tag(reader_client.get(url)) == (
            '<body style="--read-scale: 1.5; --read-font: var(--font-sans); '
            '--read-width: 55ch">')


def test_only_what_differs_from_the_defaults_is_set(reader_client, reader, work):
    assert body_tag(reader_client.get(f"/works/{work.pk}")) == "<body>"
    preferences_update(user=reader, font_size=85)
    assert body_tag(reader_client.get(f"/works/{work.pk}")) == (
        '<body style="--read-scale: 0.85">')


def test_guests_always_get_the_defaults(work):
    guest = Client()
    guest.cookies[GUEST_COOKIE] = "skin=dark;adult=1"
    assert body_tag(guest.get(f"/works/{work.pk}")) == "<body>"
