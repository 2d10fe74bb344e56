"""Hide archive warnings / hide additional tags (AO3's spoiler preferences): a reader who
chose them sees those tags behind a "Show warnings" / "Show tags" control that opens without
JavaScript, on blurbs and on the work page; everyone else, and every guest's cached page,
sees them as before; the pages run the same queries either way."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fichive.accounts.services import preferences_update
from fichive.tags.models import Tag
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

VIOLENCE = "Graphic Depictions Of Violence"


@pytest.fixture
def dark_work(author):
    work = WorkFactory(author=author, title="Hard Winter", warnings=[VIOLENCE],
                       freeforms=["Angst", "Secret Twist"], characters=["Mara"])
    Tag.objects.filter(name__in=["Original Work", "Angst"]).update(canonical=True)
    return work


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def spoilers(html: str, summary: str) -> list[str]:
    """The contents of each <details> whose summary is `summary`."""
    return re.findall(rf'<details class="spoiler"><summary>{summary}</summary>(.*?)</details>',
                      html, re.S)


def urls(work) -> list[str]:
    return ["/works", "/tags/Original%20Work/works", f"/works/{work.pk}",
            f"/users/{work.creatorships.first().pseud.user.username}/works"]


@pytest.fixture
def hiding_reader(reader):
    preferences_update(user=reader, hide_warnings=True, hide_freeform=True)
    browser = Client()
    browser.force_login(reader)
    return browser


def test_a_reader_who_hides_them_sees_warnings_and_tags_behind_a_control(
    hiding_reader, dark_work
):
    for url in urls(dark_work):
        html = page(hiding_reader, url)
        # The blurb's or meta block's, and on listings the sidebar's.
        warnings = spoilers(html, "Show warnings")
        assert warnings and all(VIOLENCE in found for found in warnings)
        tags = spoilers(html, "Show tags")
        assert any("Angst" in found and "Secret Twist" in found for found in tags)
        # Nothing of them outside the controls in the blurb or meta block; other tags stay
        # in view.
        shown = "".join(re.findall(r'<li class="work blurb.*?</li>\n(?=<li|</ol>)'
                                   r'|<dl class="work meta.*?</dl>\n</div>', html, re.S))
        assert shown
        outside = re.sub(r'<details class="spoiler">.*?</details>', "", shown, flags=re.S)
        assert VIOLENCE not in outside and "Secret Twist" not in outside
        assert "Mara" in outside


def test_the_listing_sidebar_keeps_them_behind_the_control_too(hiding_reader, dark_work):
    html = page(hiding_reader, "/works")
    sidebar = html[html.index('<aside class="filters"'):]
    sidebar = sidebar[:sidebar.index("</aside>")]
    outside = re.sub(r'<details class="spoiler".*?</details>', "", sidebar, flags=re.S)
    assert VIOLENCE not in outside and "Secret Twist" not in outside
    assert "Original Work" in outside  # fandoms stay in view
    assert '<details class="spoiler"><summary>Show warnings</summary>' in sidebar
    # Filtering by one of them opens its group.
    html = page(hiding_reader, "/works?exclude=Angst")
    assert '<details class="spoiler" open><summary>Show tags</summary>' in html
    # Other readers' sidebars are as before.
    assert '<details class="spoiler"' not in page(Client(), "/works")


def test_hiding_only_warnings_leaves_additional_tags_in_view(reader, dark_work):
    preferences_update(user=reader, hide_warnings=True)
    browser = Client()
    browser.force_login(reader)
    html = page(browser, "/works")
    assert len(spoilers(html, "Show warnings")) == 2  # the blurb's and the sidebar's
    assert spoilers(html, "Show tags") == []
    assert "Secret Twist" in html


@pytest.mark.usefixtures("cache_backend")
def test_guests_and_other_readers_see_every_tag_and_cached_pages_are_unchanged(
    hiding_reader, dark_work, stranger
):
    other = Client()
    other.force_login(stranger)
    for url in urls(dark_work):
        page(hiding_reader, url)
        for client in (Client(), Client(), other):  # the second guest: from the cache
            html = page(client, url)
            assert "Show warnings" not in html and "Show tags" not in html
            assert VIOLENCE in html and "Secret Twist" in html


def test_a_work_without_warnings_or_tags_shows_no_empty_control(hiding_reader, author):
    work = WorkFactory(author=author, title="Plain Day", freeforms=[])
    html = page(hiding_reader, f"/works/{work.pk}")
    assert spoilers(html, "Show tags") == []


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, url)
    return len(captured)


@pytest.mark.parametrize("url", ["/works", "/tags/Original%20Work/works", "work"])
def test_hiding_costs_no_queries(reader, dark_work, url):
    url = f"/works/{dark_work.pk}" if url == "work" else url
    browser = Client()
    browser.force_login(reader)
    page(browser, url)  # warm whatever the first view fills
    plain = _count(browser, url)
    preferences_update(user=reader, hide_warnings=True, hide_freeform=True)
    page(browser, url)
    assert _count(browser, url) == plain
