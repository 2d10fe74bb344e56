"""Importing an eFiction archive from a dump: what readers and authors see afterwards."""

from __future__ import annotations

import pytest
from django.test import Client

from fichive.accounts.models import User
from fichive.accounts.services import account_claim
from fichive.comments.models import Comment
from fichive.formats.efiction import EfictionOptions, EfictionReport, efiction_import
from fichive.formats.importers.efiction.archive import ArchiveError, EfictionArchive
from fichive.formats.importers.efiction.dump import read_dump, read_dump_bytes
from fichive.formats.importers.efiction.mapping import mapping_default
from fichive.formats.models import ImportedReview, ImportedSeries
from fichive.works.models import Chapter, Work
from tests.factories import PASSWORD
from tests.formats.efiction.dataset import (
    BROKEN,
    CAFE,
    LANTERN,
    PENDING,
    PLAIN,
    REVIEWS_KEPT,
    SIDE,
    SITE_URL,
    STORY_COUNT,
    WORK_COUNT,
    dump_sql,
    make_dataset,
)


def _import(archive: EfictionArchive, *, story_files=None, on_duplicate="skip",
            mapping=None, site_url="") -> EfictionReport:
    return efiction_import(
        archive=archive, mapping=mapping or mapping_default(archive),
        options=EfictionOptions(story_files=story_files, on_duplicate=on_duplicate,
                                site_url=site_url),
    )


@pytest.fixture
def archive(dump_file) -> EfictionArchive:
    return read_dump(dump_file, prefix="fanfiction_")


@pytest.fixture
def imported(db, archive, story_files) -> EfictionReport:
    return _import(archive, story_files=story_files)


def _work(title: str) -> Work:
    return Work.objects.get(title=title)


def _api(work: Work, user: User | None = None) -> dict:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/api/v1/works/{work.pk}")
    assert response.status_code == 200, response.content
    return response.json()


def _chapter(work: Work, position: int) -> dict:
    response = Client().get(f"/api/v1/works/{work.pk}/chapters/{position}")
    assert response.status_code == 200, response.content
    return response.json()


def test_every_story_but_the_broken_one_becomes_a_work(imported):
    assert imported.count("created") == WORK_COUNT
    [failed] = [r for r in imported.results if r.status == "failed"]
    assert failed.name == f"sid 4 “{BROKEN}”"
    assert failed.reason == "the story has no chapters"
    assert not Work.objects.filter(title=BROKEN).exists()
    assert len(imported.results) == STORY_COUNT


def test_story_fields_tags_and_chapters_in_order(imported):
    data = _api(_work(LANTERN))

    assert data["summary"] == "<p>A keeper, a lantern, a <i>very</i> long night.</p>"
    assert "Thanks to my beta." in data["notes"]
    assert data["rating"] == "Teen And Up Audiences"  # PG-13
    assert data["fandoms"] == ["Harry Potter"]
    # A character named like a fandom is told apart as AO3 does.
    assert sorted(data["characters"]) == ["Harry Potter (Harry Potter)", "Hermione Granger"]
    assert data["warnings"] == ["Major Character Death"]  # the class "Character Death"
    assert data["categories"] == ["M/M"]  # "Slash"
    assert data["freeforms"] == ["Angst"]
    assert data["complete"] is True
    assert data["published"] == "2009-03-11" and data["updated"] == "2009-04-10"
    assert [c["title"] for c in data["chapters"]] == ["Night One", "Night Two"]
    first, second = _chapter(_work(LANTERN), 1), _chapter(_work(LANTERN), 2)
    assert "began with a letter" in first["html"] and "Chapter notes here." in first["notes"]
    assert "colder" in second["html"] and "To be continued… ☾" in second["end_notes"]


def test_word_counts_are_recounted(imported):
    work = _work(PLAIN)
    assert work.word_count == 8  # not eFiction's stored 12345
    assert _chapter(work, 1)["html"] == (
        "<p>First paragraph line one<br>\nline two.</p>\n<p>Second paragraph.</p>")


def test_source_url_from_the_settings_table(imported):
    assert _work(LANTERN).source_url == f"{SITE_URL}/viewstory.php?sid=1"


def test_authors_become_unclaimed_accounts_without_their_old_password(imported):
    moon = User.objects.get(username="Moonlit_Quill")
    assert moon.email == "moon@example.org"
    assert moon.claimed is False and not moon.has_usable_password()
    assert moon.default_pseud.description == "I write angst & tea."
    assert User.objects.get(username="AEtherWriter").claimed is False
    assert User.objects.get(username="jo_author_3").email == "Jo@example.org"
    assert User.objects.filter(username="Reviewer_Only").exists()
    assert imported.accounts_created == 4
    assert not Client().login(username="Moonlit_Quill", password="password")


def test_penname_taken_by_an_existing_user_gets_a_suffix(db, archive, story_files):
    User.objects.create(username="moonlit_quill")

    _import(archive, story_files=story_files)

    assert User.objects.filter(username="Moonlit_Quill_2", claimed=False).exists()
    assert _api(_work(LANTERN))["creators"][0]["user"] == "Moonlit_Quill_2"


def test_coauthors_become_co_creators(imported):
    creators = _api(_work(LANTERN))["creators"]
    assert [c["user"] for c in creators] == ["Moonlit_Quill", "AEtherWriter"]


def test_unvalidated_story_is_a_draft_its_author_sees(imported):
    work = _work(PENDING)
    assert work.is_draft
    assert Client().get(f"/api/v1/works/{work.pk}").status_code == 404
    jo = account_claim(user=User.objects.get(username="jo_author_3"), password=PASSWORD)
    assert _api(work, jo)["rating"] == "Explicit"  # NC-17


def test_text_from_story_files_and_mojibake_repaired(imported):
    work = _work(CAFE)  # the title was stored as latin1-held UTF-8
    data = _api(work)
    assert data["summary"] == "<p>Un café, s’il vous plaît — naïve “quotes”.</p>"
    assert data["complete"] is False
    assert data["fandoms"] == ["Original Work"]  # the category "Original"
    html = _chapter(work, 1)["html"]
    assert "Zoë ordered a café au lait — “the usual”." in html and "東京" in html


def test_without_story_files_the_story_fails_saying_what_to_do(db, archive):
    report = _import(archive)

    [failed] = [r for r in report.results if r.name.startswith("sid 2 ")]
    assert failed.status == "failed"
    assert "--story-files" in failed.reason
    assert not Work.objects.filter(title=CAFE).exists()


def test_unix_integer_dates(db, tmp_path, story_files):
    path = tmp_path / "unix.sql"
    path.write_text(dump_sql(make_dataset(unix_dates=True)), encoding="utf-8")

    report = _import(read_dump(path, prefix="fanfiction_"), story_files=story_files)

    assert report.count("created") == WORK_COUNT
    data = _api(_work(LANTERN))
    assert data["published"] == "2009-03-11" and data["updated"] == "2009-04-10"
    review = ImportedReview.objects.get(source_id=1)
    assert review.posted_at is not None and review.posted_at.isoformat().startswith(
        "2009-06-10T10:00:00")


def test_reviews_are_kept_sanitized_with_chapter_and_user(imported):
    assert imported.reviews_kept == REVIEWS_KEPT
    assert ImportedReview.objects.count() == REVIEWS_KEPT  # the series review is not kept
    review = ImportedReview.objects.get(source_id=1)
    assert review.work == _work(LANTERN)
    assert review.chapter == Chapter.objects.get(work=review.work, position=1)
    assert review.user == User.objects.get(username="AEtherWriter")
    assert review.text == "<p><b>Loved</b> it!</p>"
    assert review.rating == 10
    guest = ImportedReview.objects.get(source_id=2)
    assert guest.user is None and guest.reviewer_name == "A Guest" and guest.rating is None
    assert guest.chapter is not None and guest.chapter.position == 2


def test_reviews_become_comments_on_their_chapters_with_their_dates(imported):
    assert imported.reviews_as_comments == REVIEWS_KEPT
    assert Comment.objects.count() == REVIEWS_KEPT
    review = ImportedReview.objects.get(source_id=1)
    comment = review.comment
    assert comment.work == review.work and comment.chapter == review.chapter
    assert comment.pseud == User.objects.get(username="AEtherWriter").default_pseud
    assert comment.content == "<p><b>Loved</b> it!</p>"
    assert comment.created_at == review.posted_at
    assert comment.status == Comment.Status.PUBLISHED and comment.depth == 0
    guest = ImportedReview.objects.get(source_id=2).comment
    assert guest.user is None and guest.guest_name == "A Guest"
    assert guest.chapter.position == 2
    lantern = _work(LANTERN)
    assert lantern.comments_count == Comment.objects.filter(work=lantern).count() == 2


def test_imported_reviews_show_on_the_chapters_comments_page(imported):
    work = _work(LANTERN)
    second = Chapter.objects.get(work=work, position=2)
    page = Client().get(f"/works/{work.pk}/chapters/{second.pk}/comments").content.decode()
    assert "More please." in page and "A Guest" in page


def test_reviews_kept_by_an_earlier_import_become_comments_once(db, archive, story_files):
    _import(archive, story_files=story_files)
    # As an import from before comments existed left them: reviews without comments.
    Comment.objects.all().delete()
    Work.objects.update(comments_count=0)
    assert ImportedReview.objects.filter(comment__isnull=True).count() == REVIEWS_KEPT

    again = _import(archive, story_files=story_files)

    assert again.count("skipped") == WORK_COUNT
    assert again.reviews_as_comments == REVIEWS_KEPT
    assert Comment.objects.count() == REVIEWS_KEPT
    third = _import(archive, story_files=story_files)
    assert third.reviews_as_comments == 0 and Comment.objects.count() == REVIEWS_KEPT


def test_series_are_kept_in_order_with_sub_series(imported):
    assert imported.series_kept == 2
    cycle = ImportedSeries.objects.get(title="The Lantern Cycle")
    assert cycle.author == User.objects.get(username="Moonlit_Quill")
    parts = list(cycle.parts.all())
    assert [p.work.title if p.work else None for p in parts] == [LANTERN, PLAIN, None]
    assert parts[2].subseries == ImportedSeries.objects.get(title="Side Stories")
    assert [p.work.title for p in parts[2].subseries.parts.all() if p.work] == [SIDE]


def test_series_become_series_with_sub_series_flattened_in(imported, archive, story_files):
    from fichive.series.models import Series

    cycle = ImportedSeries.objects.get(title="The Lantern Cycle").series
    side = ImportedSeries.objects.get(title="Side Stories").series
    assert cycle is not None and side is not None
    assert cycle.summary == "<p>All the lantern tales.</p>"
    # The sub-series' story stands where the sub-series stood.
    assert list(cycle.parts.values_list("work__title", flat=True)) == [LANTERN, PLAIN, SIDE]
    assert list(side.parts.values_list("work__title", flat=True)) == [SIDE]
    # The owner's account pseud made it; the sub-series' author joined with their story.
    owners = list(cycle.creatorships.order_by("position")
                  .values_list("pseud__user__username", flat=True))
    assert owners[0] == "Moonlit_Quill" and len(owners) == 2
    assert list(side.creatorships.values_list("pseud__user_id", flat=True)) == [
        ImportedSeries.objects.get(title="Side Stories").author_id]
    # Readers find it: its bookmarks page shows its blurb.
    page = Client().get(f"/series/{cycle.pk}/bookmarks").content.decode()
    assert "The Lantern Cycle" in page and '<dd class="works">3</dd>' in page
    # A re-import finds the series again: no new series, no new parts.
    _import(archive, story_files=story_files)
    _import(archive, story_files=story_files, on_duplicate="update")
    assert Series.objects.count() == 2
    assert list(cycle.parts.values_list("work__title", flat=True)) == [LANTERN, PLAIN, SIDE]


def test_a_sub_series_holding_its_parent_is_read_once(db):
    from fichive.formats.efiction import _flattened_works
    from fichive.formats.models import ImportedSeriesPart
    from tests.factories import UserFactory, WorkFactory

    user = UserFactory()
    one, two = WorkFactory(author=user, title="One"), WorkFactory(author=user, title="Two")
    outer = ImportedSeries.objects.create(source="x", source_id=1, title="Outer")
    inner = ImportedSeries.objects.create(source="x", source_id=2, title="Inner")
    ImportedSeriesPart.objects.create(series=outer, position=1, work=one)
    ImportedSeriesPart.objects.create(series=outer, position=2, subseries=inner)
    ImportedSeriesPart.objects.create(series=inner, position=1, work=two)
    ImportedSeriesPart.objects.create(series=inner, position=2, subseries=outer)
    ImportedSeriesPart.objects.create(series=inner, position=3, work=one)
    assert [w.title for w in _flattened_works(outer)] == ["One", "Two"]


def test_reimport_skips_without_duplicates(db, archive, story_files):
    _import(archive, story_files=story_files)
    counts = (Work.objects.count(), User.objects.count(), ImportedReview.objects.count(),
              ImportedSeries.objects.count(), Comment.objects.count())

    again = _import(archive, story_files=story_files)

    assert again.count("skipped") == WORK_COUNT and again.count("created") == 0
    assert again.accounts_created == 0 and again.reviews_as_comments == 0
    assert (Work.objects.count(), User.objects.count(), ImportedReview.objects.count(),
            ImportedSeries.objects.count(), Comment.objects.count()) == counts


def test_reimport_with_update_changes_the_works(db, story_files):
    data = make_dataset()
    _import(read_dump_bytes(dump_sql(data).encode(), prefix="fanfiction_"),
            story_files=story_files)
    work = _work(LANTERN)
    data.tables["stories"][0]["title"] = "The Lantern Keeper (revised)"
    data.tables["stories"][2]["validated"] = "1"  # the pending story was validated since

    report = _import(read_dump_bytes(dump_sql(data).encode(), prefix="fanfiction_"),
                     story_files=story_files, on_duplicate="update")

    assert report.count("updated") == WORK_COUNT and report.count("created") == 0
    work.refresh_from_db()
    assert work.title == "The Lantern Keeper (revised)"
    # The chapters were replaced: their reviews are comments on the new chapters, once.
    assert Comment.objects.count() == REVIEWS_KEPT
    for review in ImportedReview.objects.select_related("comment", "work"):
        on = review.chapter_id if review.work.is_multichapter else None  # one-shots: the work
        assert review.comment is not None and review.comment.chapter_id == on
    assert work.comments_count == Comment.objects.filter(work=work).count()
    assert Work.objects.count() == WORK_COUNT
    assert not _work(PENDING).is_draft


def test_a_failing_story_leaves_nothing_half_written(db, story_files):
    data = make_dataset()
    # The plain story's second chapter has no text anywhere: the whole story fails.
    data.add("chapters", chapid=999, title="Lost", inorder=2, notes="", storytext="",
             endnotes="", validated="1", wordcount=0, rating=0, reviews=0, sid=5, uid=1,
             count=0)

    report = _import(read_dump_bytes(dump_sql(data).encode(), prefix="fanfiction_"),
                     story_files=story_files)

    [failed] = [r for r in report.results if r.name.startswith("sid 5 ")]
    assert "chapter 999 has no text in the database and no file" in failed.reason
    assert not Work.objects.filter(title=PLAIN).exists()
    assert not Chapter.objects.filter(title="Lost").exists()
    assert report.count("created") == WORK_COUNT - 1  # the others went on


def test_no_site_url_anywhere_is_a_clear_error(db):
    data = make_dataset()
    data.tables.pop("settings")
    archive = read_dump_bytes(dump_sql(data).encode(), prefix="fanfiction_")

    with pytest.raises(ArchiveError, match="--site-url"):
        _import(archive)
    report = _import(archive, site_url="https://elsewhere.example.org/", story_files=None)
    assert report.count("created") == WORK_COUNT - 1  # the story with its text in a file
    assert _work(LANTERN).source_url == "https://elsewhere.example.org/viewstory.php?sid=1"


OLD_ARCHIVE = """
CREATE TABLE `fanfiction_authors` (`uid` int(11), `penname` varchar(200), `email` varchar(200),
  `bio` text, `password` varchar(32));
INSERT INTO `fanfiction_authors` VALUES (1,'Old Timer','old@example.org','','x');
CREATE TABLE `fanfiction_categories` (`catid` int(11), `parentcatid` int(11),
  `category` varchar(60));
INSERT INTO `fanfiction_categories` VALUES (1,-1,'Stargate SG-1');
CREATE TABLE `fanfiction_genres` (`gid` int(11), `genre` varchar(60));
INSERT INTO `fanfiction_genres` VALUES (1,'Humor'),(2,'Slash');
CREATE TABLE `fanfiction_warnings` (`wid` int(11), `warning` varchar(60));
INSERT INTO `fanfiction_warnings` VALUES (1,'Violence');
CREATE TABLE `fanfiction_stories` (`sid` int(11), `title` varchar(200), `summary` text,
  `catid` varchar(100), `gid` varchar(100), `wid` varchar(100), `charid` varchar(250),
  `rid` varchar(25), `date` int(11), `updated` int(11), `uid` int(11), `validated` char(1),
  `completed` char(1));
INSERT INTO `fanfiction_stories` VALUES (1,'Old Ways','Long ago.','Stargate SG-1','1,2','1',
  'Jack O\\'Neill,Daniel Jackson','PG',1104537600,0,1,'1','1');
CREATE TABLE `fanfiction_chapters` (`chapid` int(11), `sid` int(11), `inorder` int(11),
  `title` varchar(200), `storytext` text);
INSERT INTO `fanfiction_chapters` VALUES (1,1,1,'Old Ways','Once upon a time.');
"""


def test_older_schema_with_genre_and_warning_tables_and_names_for_ids(db):
    archive = read_dump_bytes(OLD_ARCHIVE.encode(), prefix="fanfiction_")

    report = _import(archive, site_url="http://sg1.example.org")

    assert report.count("created") == 1
    data = _api(_work("Old Ways"))
    assert data["fandoms"] == ["Stargate SG-1"]  # a category stored by name
    assert sorted(data["characters"]) == ["Daniel Jackson", "Jack O'Neill"]  # names, not ids
    assert data["freeforms"] == ["Humor"] and data["categories"] == ["M/M"]
    assert data["warnings"] == ["Graphic Depictions Of Violence"]
    assert data["rating"] == "Teen And Up Audiences"  # a rating stored by name
    assert data["published"] == "2005-01-01" and data["updated"] == "2005-01-01"
    assert data["chapters"][0]["title"] == ""  # the lone chapter named like the story


# Favourites: story and series favourites become private bookmarks of the favouriter's
# account.

def test_story_favourites_become_private_bookmarks_with_their_comments(imported):
    from fichive.bookmarks.models import Bookmark
    from tests.formats.efiction.dataset import BOOKMARKS_MADE, FAVOURITES_SKIPPED

    assert imported.bookmarks_made == BOOKMARKS_MADE
    assert imported.favourites_skipped == FAVOURITES_SKIPPED
    assert Bookmark.objects.count() == BOOKMARKS_MADE
    assert not Bookmark.objects.filter(private=False).exists()
    reviewer = User.objects.get(username="Reviewer_Only")
    kept = Bookmark.objects.get(user=reviewer, work__isnull=False)
    assert kept.work == _work(LANTERN)
    of_series = Bookmark.objects.get(user=reviewer, series__isnull=False)
    assert of_series.series == ImportedSeries.objects.get(title="The Lantern Cycle").series
    assert of_series.private and of_series.notes == "<p>The whole cycle.</p>"
    assert kept.pseud == reviewer.default_pseud
    assert kept.notes == "<p>My favourite <b>ever</b>.</p>"
    twice = Bookmark.objects.get(work=_work(SIDE))
    assert twice.notes == "<p>Short and sweet.</p>\n<p>Read it twice.</p>"
    assert not Bookmark.objects.filter(work=_work(PENDING)).exists()  # a draft
    # Private bookmarks don't count on the works, and show only to their owner.
    assert _work(LANTERN).bookmarks_count == 0
    assert "My favourite" not in Client().get("/bookmarks").content.decode()
    owner = Client()
    owner.force_login(account_claim(user=reviewer, password=PASSWORD))  # claimed by email
    page = owner.get("/users/Reviewer_Only/bookmarks").content.decode()
    assert LANTERN in page
    assert "My favourite <b>ever</b>." in page and "Private" in page
    assert "The Lantern Cycle" in page and "The whole cycle." in page


def test_favourites_are_not_bookmarked_twice_on_reimport(db, archive, story_files):
    from fichive.bookmarks.models import Bookmark
    from tests.formats.efiction.dataset import BOOKMARKS_MADE

    _import(archive, story_files=story_files)
    again = _import(archive, story_files=story_files)
    assert again.bookmarks_made == 0
    assert Bookmark.objects.count() == BOOKMARKS_MADE


def test_archives_without_a_favourites_table_import_as_before(db, story_files):
    data = make_dataset()
    del data.tables["favorites"]
    report = _import(read_dump_bytes(dump_sql(data).encode(), prefix="fanfiction_"),
                     story_files=story_files)
    assert report.bookmarks_made == 0 and report.favourites_skipped == 0
    assert "favourites" not in report.summary()
