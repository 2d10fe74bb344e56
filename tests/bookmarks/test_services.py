"""The bookmark services: one bookmark per user and work, notes sanitized, the bookmarker's
tags, and Work.bookmarks_count always equal to the work's public bookmarks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fichive.bookmarks.models import Bookmark, ExternalWork
from fichive.bookmarks.services import (
    BookmarkData,
    ExternalWorkData,
    bookmark_delete,
    bookmark_update,
    external_work_bookmark_create,
)
from fichive.lib.cache import work_version
from fichive.tags.models import Tag
from fichive.works.models import Work
from tests.factories import UserFactory, WorkFactory


def _count(work: Work) -> int:
    work.refresh_from_db(fields=["bookmarks_count"])
    return work.bookmarks_count


def _public_rows(work: Work) -> int:
    return Bookmark.objects.filter(work=work, private=False).count()


def test_public_bookmarks_count_on_the_work_private_ones_do_not(
    work, reader, stranger, make_bookmark
):
    make_bookmark(reader, work)
    make_bookmark(stranger, work, private=True)
    assert _count(work) == 1 == _public_rows(work)


def test_making_a_bookmark_private_and_public_again_moves_the_count(work, reader, make_bookmark):
    bookmark = make_bookmark(reader, work)
    bookmark_update(user=reader, bookmark=bookmark, pseud=reader.default_pseud,
                    data=BookmarkData(private=True))
    assert _count(work) == 0 == _public_rows(work)
    # Saving it private again changes nothing.
    bookmark_update(user=reader, bookmark=bookmark, pseud=reader.default_pseud,
                    data=BookmarkData(private=True, notes="still mine"))
    assert _count(work) == 0
    bookmark_update(user=reader, bookmark=bookmark, pseud=reader.default_pseud,
                    data=BookmarkData(private=False))
    assert _count(work) == 1 == _public_rows(work)


def test_deleting_bookmarks_lowers_the_count_only_for_public_ones(
    work, reader, stranger, make_bookmark
):
    public = make_bookmark(reader, work)
    private = make_bookmark(stranger, work, private=True)
    bookmark_delete(user=stranger, bookmark=private)
    assert _count(work) == 1
    bookmark_delete(user=reader, bookmark=public)
    assert _count(work) == 0
    assert not Bookmark.objects.exists()
    bookmark_delete(user=reader, bookmark=public)  # already gone: nothing moves
    assert _count(work) == 0


def test_a_second_bookmark_of_the_same_work_is_refused_and_changes_nothing(
    work, reader, make_bookmark
):
    make_bookmark(reader, work)
    with pytest.raises(ValidationError, match="already bookmarked"):
        make_bookmark(reader, work, notes="again")
    assert Bookmark.objects.count() == 1
    assert _count(work) == 1


def test_drafts_cannot_be_bookmarked(author, reader, make_bookmark):
    draft = WorkFactory(author=author, post=False)
    with pytest.raises(ValidationError, match="posted"):
        make_bookmark(author, draft)
    assert not Bookmark.objects.exists()


def test_creators_may_bookmark_their_own_work(work, author, make_bookmark):
    make_bookmark(author, work)
    assert _count(work) == 1


def test_a_bookmark_is_of_exactly_one_thing(work, reader):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(user=reader, pseud=reader.default_pseud)
    external = ExternalWork.objects.create(title="T", creator="C", url="https://e.org/1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(user=reader, pseud=reader.default_pseud, work=work,
                                external_work=external)


def test_notes_are_sanitized_without_images_scripts_or_classes(work, reader, make_bookmark):
    bookmark = make_bookmark(reader, work, notes=(
        '<p class="x">Loved <b>it</b></p><img src="https://e.org/a.png">'
        '<script>alert(1)</script><a href="javascript:alert(1)">bad</a>'
        '<a href="https://e.org">good</a>'))
    assert "<b>it</b>" in bookmark.notes
    for gone in ("<img", "<script", "alert", "class=", "javascript"):
        assert gone not in bookmark.notes
    assert 'href="https://e.org"' in bookmark.notes
    assert 'rel="nofollow"' in bookmark.notes


def test_plain_text_notes_become_paragraphs(work, reader, make_bookmark):
    bookmark = make_bookmark(reader, work, notes="one\n\ntwo")
    assert bookmark.notes == "<p>one</p>\n<p>two</p>"


def test_over_long_notes_are_refused(work, reader, make_bookmark):
    with pytest.raises(ValidationError) as exc:
        make_bookmark(reader, work, notes="x" * 5001)
    assert "5,000" in str(exc.value)
    assert not Bookmark.objects.exists()
    assert _count(work) == 0


def test_bookmarker_tags_reuse_tags_of_any_type_and_make_new_ones_additional(
    work, reader, make_bookmark
):
    bookmark = make_bookmark(reader, work, tags=["Original Work", "Slow Burn", "slow  burn"])
    tags = {t.name: t.type for t in bookmark.tags.all()}
    assert tags == {"Original Work": Tag.Type.FANDOM, "Slow Burn": Tag.Type.FREEFORM}


def test_bad_tag_names_are_refused_and_nothing_is_saved(work, reader, make_bookmark):
    with pytest.raises(ValidationError) as exc:
        make_bookmark(reader, work, tags=["fine", "bad*name"])
    assert "tags" in exc.value.message_dict
    assert not Bookmark.objects.exists()
    assert not Tag.objects.filter(name="fine").exists()


def test_too_many_tags_are_refused(work, reader, make_bookmark):
    with pytest.raises(ValidationError, match="at most 75"):
        make_bookmark(reader, work, tags=[f"t{i}" for i in range(76)])


def test_only_ones_own_pseud_can_bookmark(work, reader, stranger, make_bookmark):
    with pytest.raises(ValidationError, match="your own pseuds"):
        make_bookmark(reader, work, pseud=stranger.default_pseud)


def test_only_the_bookmarker_may_change_or_delete_it(work, reader, stranger, make_bookmark):
    bookmark = make_bookmark(reader, work)
    with pytest.raises(PermissionDenied):
        bookmark_update(user=stranger, bookmark=bookmark, pseud=stranger.default_pseud,
                        data=BookmarkData(private=True))
    with pytest.raises(PermissionDenied):
        bookmark_delete(user=stranger, bookmark=bookmark)
    assert _count(work) == 1


def test_bookmarking_retires_the_works_cached_pages(work, reader, make_bookmark):
    before = work_version(work.pk)
    make_bookmark(reader, work)
    assert work_version(work.pk) != before


def test_deleting_the_work_deletes_its_bookmarks(work, author, reader, make_bookmark):
    from fichive.works.services import work_delete

    make_bookmark(reader, work)
    work_delete(user=author, work=work)
    assert not Bookmark.objects.exists()


def _external(**changes) -> ExternalWorkData:
    values = {"title": "Far Away", "creator": "Someone Else", "url": "https://example.org/s/1",
              "summary": "<p>A <i>story</i></p><img src='https://e.org/a.png'>",
              "fandoms": ["Naruto"], "rating": "Mature"}
    values.update(changes)
    return ExternalWorkData(**values)


def test_external_works_are_bookmarked_with_their_fandoms_and_rating(reader):
    bookmark = external_work_bookmark_create(user=reader, external=_external(),
                                             pseud=reader.default_pseud,
                                             data=BookmarkData(notes="elsewhere"))
    external = bookmark.external_work
    assert external is not None and bookmark.work is None
    assert external.summary == "<p>A <i>story</i></p>"
    assert {(t.type, t.name) for t in external.tags.all()} == {
        (Tag.Type.FANDOM, "Naruto"), (Tag.Type.RATING, "Mature")}


def test_a_second_bookmark_of_the_same_address_shares_the_external_work(reader, stranger):
    external_work_bookmark_create(user=reader, external=_external(),
                                  pseud=reader.default_pseud, data=BookmarkData())
    external_work_bookmark_create(user=stranger, external=_external(title="Other title"),
                                  pseud=stranger.default_pseud, data=BookmarkData())
    assert ExternalWork.objects.get().title == "Far Away"
    with pytest.raises(ValidationError, match="already bookmarked"):
        external_work_bookmark_create(user=reader, external=_external(),
                                      pseud=reader.default_pseud, data=BookmarkData())


@pytest.mark.parametrize(("changes", "field"), [
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": "ftp://example.org/x"}, "url"),
    ({"url": "not a url"}, "url"),
    ({"url": "https://e.org/" + "x" * 600}, "url"),
    ({"title": "  "}, "title"),
    ({"creator": ""}, "creator"),
    ({"summary": "x" * 1251}, "summary"),
    ({"rating": "Very Spicy"}, "rating"),
    ({"fandoms": ["bad*name"]}, "fandoms"),
])
def test_bad_external_works_are_refused_and_leave_nothing(reader, changes, field):
    with pytest.raises(ValidationError) as exc:
        external_work_bookmark_create(user=reader, external=_external(**changes),
                                      pseud=reader.default_pseud, data=BookmarkData())
    assert field in exc.value.message_dict
    assert not ExternalWork.objects.exists()
    assert not Bookmark.objects.exists()


def test_many_bookmarks_keep_the_count_equal_to_the_rows(work, make_bookmark):
    users = [UserFactory() for _ in range(6)]
    bookmarks = [make_bookmark(u, work, private=i % 3 == 0) for i, u in enumerate(users)]
    for bookmark, user in zip(bookmarks[:3], users[:3], strict=True):
        bookmark_update(user=user, bookmark=bookmark, pseud=user.default_pseud,
                        data=BookmarkData(private=not bookmark.private))
    bookmark_delete(user=users[4], bookmark=bookmarks[4])
    assert _count(work) == _public_rows(work)


def test_deleting_a_bookmarker_takes_their_public_bookmarks_off_the_count(
    work, reader, stranger, make_bookmark
):
    make_bookmark(reader, work)
    make_bookmark(stranger, work)
    other = UserFactory()
    make_bookmark(other, work, private=True)
    reader.delete()
    other.delete()
    assert _count(work) == 1 == _public_rows(work)


def test_a_pseud_with_bookmarks_cannot_be_deleted_alone(work, reader, make_bookmark):
    from django.db.models import RestrictedError

    pseud = reader.pseuds.create(name="Shelf Name")
    make_bookmark(reader, work, pseud=pseud)
    with pytest.raises(RestrictedError), transaction.atomic():
        pseud.delete()
    assert _count(work) == 1
