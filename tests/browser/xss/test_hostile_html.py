"""Hostile HTML in a real browser: every vector of the corpus (vectors.txt) is stored through
the services in every field that takes text or HTML, and every page that shows the field is
rendered in Chromium. A page fails if a marker runs, a dialog opens, a request other than an
image leaves for another origin, the page navigates away, or user content holds what the
allowlist refuses or is drawn outside its container (watch.py).

Each work field sanitizer sees every vector alone (one chapter per vector), the comment
sanitizer and the importers too (one comment, one imported chapter per vector); short fields
hold as many vectors as fit, so the objects stay few. Fields that refuse a vector (tag and
pseud names, a NUL in an address) are counted as refusing it. Rendering doesn't depend on
the database, so this runs on SQLite only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fichive.accounts.services import (
    ABOUT_ME_MAX,
    ICON_TEXT_MAX,
    PSEUD_DESCRIPTION_MAX,
    profile_update,
    pseud_create,
    pseud_update,
)
from fichive.bookmarks.models import EXTERNAL_SUMMARY_MAX
from fichive.bookmarks.services import (
    BookmarkData,
    ExternalWorkData,
    bookmark_create,
    external_work_bookmark_create,
)
from fichive.comments import ratelimit as comment_ratelimit
from fichive.comments.selectors import THREADS_PER_PAGE
from fichive.comments.services import GUEST_NAME_MAX, comment_post
from fichive.formats.services import ImportOptions, works_import
from fichive.lib.tasks import run_pending_tasks
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag, tag_to_url
from fichive.tags.services import tag_validate_name
from fichive.works.listing import PER_PAGE
from fichive.works.models import NOTES_MAX, SUMMARY_MAX, TITLE_MAX
from fichive.works.services import ChapterText, NewWork, WorkMeta, work_create, works_create
from tests.browser.helpers import log_in
from tests.browser.xss.vectors import VECTORS, joined, packed
from tests.browser.xss.watch import watch
from tests.factories import UserFactory
from tests.formats.epub_builders import FanFicFareBook, fanficfare_epub

# Rendering doesn't depend on the database (see the module's docstring): SQLite's run is enough.
pytestmark = pytest.mark.database_independent(
    "what a browser renders is the same on PostgreSQL")

FANDOM = "Original Work"
RATING = "General Audiences"
STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')
STYLE_ELEMENT = re.compile(r"</?style>")
# An importer refuses a file with control characters in it, so the file leaves them out.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
QUERY_MAX = 500  # the search box's maxlength
QUERY_URL_MAX = 1500  # queries in URLs, longer than the box takes
INBOX_ITEMS = 40


def _tag_name(text: str) -> str | None:
    try:
        return tag_validate_name(text)
    except ValidationError:
        return None


# A NUL in an address is refused before any page sees it (lib/requestguard.py).
IN_ADDRESSES = [v for v in VECTORS if "\x00" not in v.text]
TAG_VECTORS = [v for v in VECTORS if _tag_name(v.text) is not None]


@dataclass
class Archive:
    """What the vectors were stored in, and the pages that show it."""

    pages: list[str] = field(default_factory=list)
    bare_pages: list[str] = field(default_factory=list)  # feeds: no site layout
    logged_in_pages: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    shows: dict[str, str] = field(default_factory=dict)  # page → text it must show
    fields: dict[str, int] = field(default_factory=dict)  # field → vectors stored in it
    refused: dict[str, int] = field(default_factory=dict)  # field → vectors it refused

    def stored(self, name: str, count: int) -> None:
        self.fields[name] = self.fields.get(name, 0) + count


def _meta(author, title: str, **fields) -> WorkMeta:
    return WorkMeta(title=title, creators=[author.default_pseud], fandoms=[FANDOM],
                    rating=RATING, **fields)


def _listing_pages(path: str, count: int, per_page: int = PER_PAGE) -> list[str]:
    pages = max(1, math.ceil(count / per_page))
    join = "&" if "?" in path else "?"
    return [path] + [f"{path}{join}page={n}" for n in range(2, pages + 1)]


def _store_reading(archive: Archive, author) -> None:
    """One work with a chapter per vector: title, summary, notes, end notes and text."""
    chapters = [
        ChapterText(content=f"<p>Vector {v.id}.</p>\n\n{v.text}",
                    title=v.text[:TITLE_MAX], summary=v.text, notes=v.text, end_notes=v.text)
        for v in VECTORS
    ]
    work = work_create(user=author, meta=_meta(author, "Every vector, one a chapter"),
                       chapters=chapters, post=True)
    for name in ("chapter text", "chapter title", "chapter summary", "chapter notes",
                 "chapter end notes"):
        archive.stored(name, len(VECTORS))
    first, middle = work.chapters.order_by("position")[: len(VECTORS) // 2 + 1: len(VECTORS) // 2]
    archive.shows[f"/works/{work.pk}?view_full_work=true"] = f"Vector {VECTORS[-1].id}."
    archive.pages += [f"/works/{work.pk}?view_full_work=true", f"/works/{work.pk}/navigate",
                      f"/works/{work.pk}/chapters/{first.pk}",
                      f"/works/{work.pk}/chapters/{middle.pk}"]
    archive.downloads.append(f"/downloads/{work.pk}/hostile.html")


def _store_works(archive: Archive, author, reader) -> list:
    """Works whose titles, summaries, notes and tags hold the vectors (as many to a field as
    fit), the first page of them in a series whose title, summary and notes hold some too;
    the reader's bookmarks of them (notes, tags) and of external works (title, creator,
    summary, notes); the listings, feeds and pages that show them."""
    titles = list(packed(VECTORS, limit=TITLE_MAX, join=" "))
    summaries = list(packed(VECTORS, limit=SUMMARY_MAX))
    notes = list(packed(VECTORS, limit=NOTES_MAX))
    tag_names = [_tag_name(v.text) or "" for v in TAG_VECTORS]
    tag_runs = [tag_names[i : i + 50] for i in range(0, len(tag_names), 50)]
    count = max(len(titles), len(summaries))
    series = series_create(user=author, title=joined(titles[0], " ")[:TITLE_MAX],
                           summary=joined(summaries[0]), notes=joined(notes[0]))
    archive.stored("series title", len(titles[0]))
    archive.stored("series summary", len(summaries[0]))
    archive.stored("series notes", len(notes[0]))
    new = [NewWork(post=True, chapters=[ChapterText(content=f"Plain text of work {i}.")],
                   meta=_meta(author, joined(titles[i], " ") if i < len(titles)
                              else f"Quiet work {i}",
                              summary=joined(summaries[i]) if i < len(summaries) else "",
                              notes=joined(notes[i]) if i < len(notes) else "",
                              end_notes=joined(notes[-1 - i]) if i < len(notes) else "",
                              freeforms=tag_runs[i] if i < len(tag_runs) else []))
           for i in range(count)]
    works = works_create(user=author, works=new)
    for work in works[:PER_PAGE]:
        assert not isinstance(work, ValidationError), work
        series_add_work(user=author, series=series, work=work)
    archive.stored("work title", sum(map(len, titles)))
    archive.stored("work summary", sum(map(len, summaries)))
    archive.stored("work notes", sum(map(len, notes)))
    archive.stored("work end notes", sum(map(len, notes)))
    archive.stored("tag name", len(TAG_VECTORS))
    archive.refused["tag name"] = len(VECTORS) - len(TAG_VECTORS)
    # Bookmarks: notes and the bookmarker's tags on the works; external works' fields.
    note_runs = list(packed(VECTORS, limit=NOTES_MAX))
    for i, run in enumerate(note_runs):
        bookmark_create(user=reader, work=works[i], pseud=reader.default_pseud,
                        data=BookmarkData(notes=joined(run), tags=tag_runs[0][:20]
                                          if tag_runs else []))
    archive.stored("bookmark notes", sum(map(len, note_runs)))
    external = list(packed(VECTORS, limit=EXTERNAL_SUMMARY_MAX))
    for i, run in enumerate(external):
        title_run = titles[i] if i < len(titles) else titles[0]
        external_work_bookmark_create(
            user=reader, pseud=reader.default_pseud,
            external=ExternalWorkData(title=joined(title_run, " "),
                                      creator=joined(title_run, " "),
                                      url=f"https://example.com/story/{i}",
                                      summary=joined(run), fandoms=[FANDOM], rating=RATING),
            data=BookmarkData(notes=joined(run)))
    archive.stored("external work summary", sum(map(len, external)))
    archive.stored("external work title and creator",
                   sum(len(titles[i]) if i < len(titles) else 0 for i in range(len(external))))
    # Every page of one listing; the first of the others (the same blurbs, other wrappers).
    archive.pages += _listing_pages("/works", len(works) + 1)
    archive.pages += [f"/tags/{quote(FANDOM)}/works", f"/users/{author.username}/works",
                      f"/series/{series.pk}", f"/works/search?{urlencode({'q': 'work'})}"]
    bookmarks = len(note_runs) + len(external)
    archive.pages += _listing_pages("/bookmarks", bookmarks)
    archive.pages += _listing_pages(f"/users/{reader.username}/bookmarks", bookmarks)
    archive.pages += [f"/works/{works[0].pk}/bookmarks", f"/users/{author.username}/series"]
    archive.bare_pages += [f"/series/{series.pk}/feed.atom",
                           f"/users/{author.username}/works/feed.atom",
                           f"/tags/{quote(FANDOM)}/feed.atom", "/opds/works"]
    # The pages of the works with summaries and notes (the others' titles are on the same
    # page template, and in every listing above), and each tag's pages.
    archive.pages += [f"/works/{work.pk}" for work in works[: len(summaries)]]
    for tag in Tag.objects.filter(name__in=[_tag_name(v.text) for v in TAG_VECTORS]):
        url = reverse("tags:detail", args=[tag_to_url(tag.name)])
        archive.pages += [url, f"{url}/works"]
    return works


def _store_comments(archive: Archive, author) -> None:
    """A comment per vector, by a guest whose name holds it too where it fits: replies in a
    few threads, so a page or two shows them all. The author's inbox gets the first
    INBOX_ITEMS of them (telling the author of each takes a task; the rest stay queued)."""
    work = work_create(user=author, post=True, meta=_meta(author, "Talk about it"),
                       chapters=[ChapterText(content="Say what you think.")])
    per_thread = math.ceil(len(VECTORS) / THREADS_PER_PAGE)
    root = None
    for i, vector in enumerate(VECTORS):
        if i == INBOX_ITEMS:
            run_pending_tasks()
        name = vector.text if len(" ".join(vector.text.split())) <= GUEST_NAME_MAX \
            else f"Guest {vector.id}"
        try:
            comment = comment_post(work=work, parent=root if i % per_thread else None,
                                   guest_name=name, guest_email=f"g{vector.id}@example.org",
                                   content=f"Vector {vector.id}.\n\n{vector.text}",
                                   address_hash=f"guest{vector.id}")
        except ValidationError:
            archive.refused["comment"] = archive.refused.get("comment", 0) + 1
            continue
        if i % per_thread == 0:
            root = comment
    archive.stored("comment", len(VECTORS) - archive.refused.get("comment", 0))
    archive.stored("guest name", sum(len(" ".join(v.text.split())) <= GUEST_NAME_MAX
                                     for v in VECTORS))
    archive.pages += [f"/works/{work.pk}/comments", f"/works/{work.pk}"]
    archive.shows[f"/works/{work.pk}/comments"] = f"Vector {VECTORS[-1].id}."
    archive.logged_in_pages += _listing_pages(f"/users/{author.username}/inbox", INBOX_ITEMS)


def _store_people(archive: Archive, author) -> None:
    """Profiles ("About me") and pseuds: descriptions, icon text, and names."""
    users = []
    for i, run in enumerate(packed(VECTORS, limit=ABOUT_ME_MAX)):
        user = author if i == 0 else UserFactory(username=f"profile{i}")
        profile_update(user=user, about_me=joined(run))
        archive.stored("profile", len(run))
        users.append(user)
    archive.pages += [f"/users/{user.username}/profile" for user in users]
    refused = 0
    for vector in VECTORS:
        try:
            pseud_create(user=author, name=vector.text)
        except ValidationError:
            refused += 1
    archive.refused["pseud name"] = refused
    archive.stored("pseud name", len(VECTORS) - refused)
    descriptions = list(packed(VECTORS, limit=PSEUD_DESCRIPTION_MAX))
    icons = list(packed(VECTORS, limit=ICON_TEXT_MAX, join=" "))
    for i in range(max(len(descriptions), len(icons))):
        pseud = pseud_create(user=author, name=f"Mask {i}")
        pseud_update(user=author, pseud=pseud, name=pseud.name,
                     description=joined(descriptions[i]) if i < len(descriptions) else "",
                     icon_text=joined(icons[i], " ") if i < len(icons) else "")
    archive.stored("pseud description", sum(map(len, descriptions)))
    archive.stored("pseud icon text", sum(map(len, icons)))
    archive.pages += [f"/users/{author.username}/pseuds", f"/users/{author.username}/pseuds/Mask 0",
                      f"/users/{author.username}"]


def _store_import(archive: Archive, author) -> None:
    """Imported files: an HTML file with every vector (its title, summary, notes and a chapter
    per vector) and an EPUB with a chapter per vector."""
    title = joined(next(packed(VECTORS, limit=200, join=" ")), " ")
    body = "\n".join(f"<h1>Chapter {v.id}</h1>\n{v.text}\n<p>Vector {v.id}.</p>"
                     for v in VECTORS)
    page = (f"<html><head><title>{title}</title></head><body>"
            f"<p>Summary: {joined(VECTORS[:20], ' ')}</p>\n<p>{joined(VECTORS[20:60], ' ')}</p>"
            f"\n{body}</body></html>")
    [result] = works_import(data=page.encode().translate(None, CONTROL_BYTES),
                            filename="hostile.html", user=author,
                            options=ImportOptions(fandoms=[FANDOM], rating=RATING,
                                                  split_chapters=True))
    assert result.status == "created", result.reason
    archive.stored("imported HTML file", len(VECTORS))
    archive.pages.append(f"/works/{result.work.pk}?view_full_work=true")
    # An EPUB (FanFicFare's layout): a chapter per vector, the summary and title too.
    # (An EPUB declaring entities is refused whole as unsafe, so that vector stays out.)
    storable = [v for v in VECTORS if not _has_control(v.text) and "<!ENTITY" not in v.text]
    book = FanFicFareBook(title=title, summary=joined(storable[:20], " "),
                          chapters=[(f"Chapter {v.id}", f"<p>Vector {v.id}.</p>\n{v.text}")
                                    for v in storable])
    [result] = works_import(data=fanficfare_epub(book), filename="hostile.epub", user=author,
                            options=ImportOptions(fandoms=[FANDOM], rating=RATING))
    assert result.status == "created", result.reason
    archive.stored("imported EPUB file", len(storable))
    archive.refused["imported EPUB file (control characters, entities)"] = (
        len(VECTORS) - len(storable))
    archive.pages.append(f"/works/{result.work.pk}?view_full_work=true")


def _as_css(vector: str) -> str:
    """A CSS vector as a rule: a style attribute's declarations put on every paragraph, a
    <style> element's content as it is."""
    match = STYLE_ATTRIBUTE.search(vector)
    if match:
        return f"p {{ {match.group(1)} }} .overlay {{ {match.group(1)} }}"
    return STYLE_ELEMENT.sub("", vector)


def _has_control(text: str) -> bool:
    return any(chr(byte) in text for byte in CONTROL_BYTES)


def _store_skins(archive: Archive, author) -> None:
    """Work skins: the whole corpus as one skin, and the CSS vectors as rules of another."""
    css = [v for v in VECTORS if v.category == "CSS tricks"]
    skins = ["\n".join(v.text for v in VECTORS), "\n".join(_as_css(v.text) for v in css)]
    for i, skin in enumerate(skins):
        work = work_create(user=author, post=True, chapters=[ChapterText(
            content='<p class="chat">A line of chat.</p>\n\n<div class="overlay">Over.</div>')],
            meta=_meta(author, f"Skin {i}", work_skin=skin))
        archive.pages.append(f"/works/{work.pk}")
    archive.stored("work skin", len(VECTORS) + len(css))


def _searches(archive: Archive) -> None:
    """The vectors as search queries (works, people, tags, the search feed), as many to a
    query as fit."""
    runs = [joined(run, " ") for run in packed(IN_ADDRESSES, limit=QUERY_URL_MAX, join=" ")]
    archive.pages += [f"/works/search?{urlencode({'q': query})}" for query in runs]
    for query in runs[::5]:
        archive.pages += [f"/people/search?{urlencode({'q': query})}",
                          f"/tags/search?{urlencode({'q': query})}"]
        archive.bare_pages.append(f"/works/search/feed.atom?{urlencode({'q': query})}")
    archive.stored("search query", len(IN_ADDRESSES))
    archive.refused["search query (NUL)"] = len(VECTORS) - len(IN_ADDRESSES)


@pytest.fixture
def archive(transactional_db, monkeypatch):
    monkeypatch.setattr(comment_ratelimit, "LIMIT", 10**6)
    author = UserFactory(username="mallory")
    reader = UserFactory(username="reader")
    archive = Archive()
    _store_comments(archive, author)  # first: the inbox's tasks then run only for comments
    _store_reading(archive, author)
    _store_works(archive, author, reader)
    _store_people(archive, author)
    _store_import(archive, author)
    _store_skins(archive, author)
    _searches(archive)
    return archive


def _verdict(problems: list[str]) -> str:
    """The problems grouped by kind, with an example of each."""
    kinds: dict[str, list[str]] = {}
    for problem in problems:
        what = problem.split(": ", 1)[-1].split(": ", 1)[0]
        kinds.setdefault(re.sub(r"\(.*?\)|\d+", "", what)[:80], []).append(problem)
    return f"{len(problems)} problems:\n" + "\n".join(
        f"{len(found)} × {kind}\n    e.g. {found[0][:400]}" for kind, found in kinds.items())


def test_no_vector_runs_script_or_escapes_its_container_on_any_page(browser, live_server,
                                                                    archive):
    guest = watch(browser, live_server.url)
    for path in archive.pages:
        guest.visit(path, shows=archive.shows.get(path))
    for path in archive.bare_pages:
        guest.visit(path, bare=True)
    for path in archive.downloads:
        response = guest.page.request.get(f"{live_server.url}{path}")
        assert response.ok, f"{path} answered {response.status}"
        guest.show(response.body(), at="/__download_view.html")

    context, _ = log_in(browser, live_server.url, "mallory")
    member = watch(browser, live_server.url, storage_state=context.storage_state())
    context.close()
    for path in archive.logged_in_pages + archive.pages[:1]:
        member.visit(path)
    # The search form, typed into as a person would.
    for run in list(packed(IN_ADDRESSES, limit=QUERY_MAX, join=" "))[:3]:
        member.loaded = False
        member.page.goto("/works/search")
        member.page.get_by_role("searchbox").first.fill(joined(run, " "))
        member.page.get_by_role("searchbox").first.press("Enter")
        member.page.wait_for_load_state("load")
        member.current, member.loaded = member.page.url, True
        member.check()

    problems = guest.problems + member.problems
    pages = guest.pages + member.pages
    print(f"\n{len(VECTORS)} vectors; fields: {archive.fields}; refused: {archive.refused}; "
          f"{pages} pages rendered; foreign images requested: "
          f"{len(guest.foreign_images) + len(member.foreign_images)}")
    guest.context.close()
    member.context.close()
    assert not problems, _verdict(problems)
