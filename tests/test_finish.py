"""Accessibility and finish, checked on the server's HTML for every kind of page: a "Skip to
content" link first, landmarks, exactly one <h1> (never the site name in the header), inputs
with labels; "User name" spelled one way; counts that read as English; a 403 that is one
line in the log, not a traceback."""

from __future__ import annotations

import logging
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.lib.logfilters import NoTracebackForClientErrors
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag
from fichive.works import blurbs
from tests.factories import UserFactory, WorkFactory


class Outline(HTMLParser):
    """The parts of a page this module checks: headings, landmarks, the body's first link,
    and the form fields with and without labels."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []  # (level, where: header/main/…)
        self.landmarks: list[str] = []
        self.first_link: tuple[str, str] | None = None  # (href, text)
        self._in_first_link = False
        self._first_link_text = ""
        self.inputs: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self._labels = 0  # depth of <label> elements we are inside
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("header", "nav", "main", "footer", "aside"):
            self.landmarks.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            where = "header" if "header" in self._stack else "main" if "main" in self._stack \
                else "other"
            self.headings.append((int(tag[1]), where))
        if tag == "a" and self.first_link is None and not self._in_first_link:
            self._in_first_link = True
            self.first_link = (a.get("href") or "", "")
        if tag == "label":
            self._labels += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in (
                "hidden", "submit", "button"):
            self.inputs.append({**a, "_wrapped": "1" if self._labels else None})
        if tag not in ("input", "br", "img", "meta", "link", "hr", "use", "source"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in_first_link:
            self._in_first_link = False
            assert self.first_link is not None
            self.first_link = (self.first_link[0], self._first_link_text.strip())
        if tag == "label":
            self._labels -= 1
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in_first_link:
            self._first_link_text += data

    def unlabelled(self) -> list[dict[str, str | None]]:
        return [i for i in self.inputs if not i["_wrapped"] and i.get("id") not in
                self.label_for and not i.get("aria-label") and not i.get("aria-labelledby")]


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def site(author, reader):
    """A bit of everything: a two-chapter work in a canonical fandom, a bookmark, a series."""
    work = WorkFactory(author=author, title="Gull Rock", fandoms=["Lighthouse Keepers"],
                       chapters=["<p>One.</p>", "<p>Two.</p>"])
    series = series_create(user=author, title="Rock Pools")
    series_add_work(user=author, series=series, work=work)
    WorkFactory(author=author, title="Drafty", post=False)
    Tag.objects.filter(name="Lighthouse Keepers").update(canonical=True)
    bookmark = bookmark_create(user=reader, work=work, pseud=reader.default_pseud,
                               data=BookmarkData(notes="Lovely."))
    return {"work": work, "chapter": work.chapters.order_by("position").last(),
            "bookmark": bookmark, "series": series}


GUEST_PAGES = [
    "/", "/works", "/works/search", "/works/search?q=gull", "/tags/Lighthouse Keepers/works",
    "/tags/Lighthouse Keepers", "/media", "/people/search?q=alice", "/tags/search?q=light",
    "/search/help", "/login", "/signup", "/password/reset", "/claim", "/users/alice",
    "/users/alice/works", "/users/alice/pseuds", "/users/alice/profile", "/users/alice/series",
    "/users/alice/gifts", "/users/carol/bookmarks", "/bookmarks", "/works/{work}",
    "/works/{work}?view_full_work=true", "/works/{work}/chapters/{chapter}",
    "/works/{work}/navigate", "/works/{work}/kudos", "/works/{work}/comments",
    "/works/{work}/bookmarks", "/bookmarks/{bookmark}", "/series/{series}", "/no-such-page",
    "/about", "/tos", "/faq", "/invite_requests", "/report/work/{work}",
    "/report/user/{author}",
]
AUTHOR_PAGES = [
    "/works/new", "/works/import", "/users/alice/preferences", "/users/alice/works/drafts",
    "/users/alice/inbox", "/users/alice/readings", "/users/alice/subscriptions",
    "/users/alice/stats", "/users/alice/creatorships", "/users/alice/pseuds/new",
    "/users/alice/profile/edit", "/password/change", "/works/{work}/edit",
    "/works/{work}/chapters/new", "/works/{work}/chapters/{chapter}/edit",
    "/works/{work}/chapters/manage", "/works/{work}/delete", "/series/{series}/edit",
    "/series/{series}/manage", "/works/{work}/bookmarks/new", "/orphans/new",
    "/users/carol/works",  # someone else's page, logged in: 200
    "/users/carol/creatorships",  # a 403
    "/users/alice/blocked", "/users/alice/muted", "/preferences/excluded-tags",
    "/users/carol/block", "/users/carol/mute", "/users/alice/invitations",
    "/users/alice/invitations/request", "/report/series/{series}",
    "/report/bookmark/{bookmark}", "/users/alice/app-passwords", "/users/alice/api-tokens",
]
ADMIN_PAGES = [
    "/moderation/", "/moderation/log", "/moderation/works/{work}", "/moderation/users/carol",
    "/admin/moderators", "/admin/signups", "/admin/pages/about",
]


def _check_page(client, site, path: str) -> None:
    url = path.format(work=site["work"].pk, chapter=site["chapter"].pk,
                      bookmark=site["bookmark"].pk, series=site["series"].pk,
                      author=site["work"].creatorships.first().pseud.user.pk)
    response = client.get(url)
    assert response.status_code in (200, 403, 404), (url, response.status_code)
    page = outline(response)
    assert page.first_link == ("#main", "Skip to content"), url
    assert 'id="main"' in response.content.decode()
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in page.landmarks, (url, landmark)
    h1s = [where for level, where in page.headings if level == 1]
    assert h1s == ["main"], f"{url}: h1s in {h1s}"
    assert page.headings and page.headings[0][0] == 1, f"{url}: first heading {page.headings}"
    assert not page.unlabelled(), f"{url}: inputs without labels {page.unlabelled()}"


@pytest.mark.parametrize("path", GUEST_PAGES)
def test_every_guest_page_has_a_skip_link_landmarks_one_h1_and_labels(client, site, path):
    _check_page(client, site, path)


@pytest.mark.parametrize("path", AUTHOR_PAGES)
def test_every_logged_in_page_has_a_skip_link_landmarks_one_h1_and_labels(
        client, author, site, path):
    client.force_login(author)
    _check_page(client, site, path)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_every_admin_and_moderator_page_has_a_skip_link_landmarks_one_h1_and_labels(
        client, site, path):
    client.force_login(UserFactory(username="root", is_staff=True))
    _check_page(client, site, path)


def test_the_work_title_is_the_h1(client, site):
    page = client.get(f"/works/{site['work'].pk}").content.decode()
    assert re.search(r"<h1 class=\"title heading\">Gull Rock</h1>", page)
    # The site name in the header is a link (the logo beside it is drawn by CSS), not a heading.
    assert '<a class="brand" href="/">Fichive</a>' in page


def test_the_work_page_shows_the_same_required_tag_symbols_as_its_blurb(client, site):
    def symbols(html: str) -> str:
        match = re.search(r'<ul class="required-tags".*?</ul>', html, re.S)
        assert match
        return " ".join(match.group(0).split())

    listing = client.get("/works?sort=title").content.decode()
    work_page = client.get(f"/works/{site['work'].pk}").content.decode()
    assert symbols(work_page) == symbols(listing[listing.index("Gull Rock"):])
    assert "Rating: General Audiences" in symbols(work_page)  # the factories' rating


def test_log_in_and_sign_up_say_user_name(client, db):
    for url in ("/login", "/signup"):
        page = client.get(url).content.decode()
        assert re.search(r"<label for=\"id_username\">User name</label>", page), url
        assert "Username" not in page and "username</label>" not in page


def test_a_failed_log_in_says_user_name(client, author):
    page = client.post("/login", {"username": "alice", "password": "wrong"}).content.decode()
    assert "Please enter a correct user name and password" in page


def test_a_403_is_one_line_in_the_log_without_a_traceback(client, author, reader, caplog):
    client.force_login(reader)
    with caplog.at_level(logging.WARNING):
        response = client.get("/users/alice/creatorships")

    assert response.status_code == 403
    assert "Only the invited user" in response.content.decode()
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == [
        "Forbidden (Permission denied): /users/alice/creatorships"]
    assert all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


def test_a_server_error_still_logs_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (),
                                   sys.exc_info())
    record.status_code = 500
    assert NoTracebackForClientErrors().filter(record)
    assert record.exc_info is not None


def test_deleting_a_one_chapter_work_mentions_its_only_chapter(client, author):
    one = WorkFactory(author=author, title="Single")
    two = WorkFactory(author=author, title="Double", chapters=["<p>a</p>", "<p>b</p>"])
    client.force_login(author)

    assert "and its only chapter?" in client.get(f"/works/{one.pk}/delete").content.decode()
    assert "and all 2 of its chapters?" in client.get(
        f"/works/{two.pk}/delete").content.decode()


def test_the_drafts_page_does_not_link_to_itself(client, author, site):
    client.force_login(author)
    drafts = client.get("/users/alice/works/drafts").content.decode()
    works = client.get("/users/alice/works").content.decode()

    assert 'href="/users/alice/works/drafts"' not in drafts
    assert "Drafty" in drafts
    assert 'href="/users/alice/works/drafts">Your drafts</a>' in works


def test_a_guest_sees_no_drafts_link(client, site):
    assert "/works/drafts" not in client.get("/users/alice/works").content.decode()



def test_every_symbol_a_blurb_uses_is_drawn_in_the_sprite():
    sprite = (Path(settings.BASE_DIR) / "static" / "img" / "required-tags.svg").read_text()
    used = {*blurbs.RATING_SYMBOLS.values(), *blurbs.CATEGORY_SYMBOLS.values(), "rating-nr",
            "category-none", "category-multi", "category-other", "warnings-none",
            "warnings-yes", "warnings-choosenotto", "iswip-complete", "iswip-wip"}
    missing = [name for name in sorted(used) if f'<symbol id="{name}"' not in sprite]
    assert not missing
    for url in ("img/favicon.svg", "img/favicon-32.png", "img/favicon-180.png", "img/logo.svg"):
        assert (Path(settings.BASE_DIR) / "static" / url).is_file()
