"""Edits don't undo what happened meanwhile: the work and chapter services lock the work and
read it again before writing, save only the fields the edit changes, and never write a
counter from the copy the page was built from; a chapter's place in its work is unique.

The copies read "before" stand for what a view holds while someone else's request commits
(a reader's kudos, the author's other tab posting the draft or changing the expected count).
Chapters added at the same moment need real concurrent transactions: PostgreSQL only, as in
tests/blocking/test_muting_race.py (SQLite runs one writer at a time).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from fichive.kudos.services import kudos_leave
from fichive.works.models import Chapter, FilterTagging, Work
from fichive.works.services import (
    ChapterText,
    WorkMeta,
    chapter_add,
    chapter_delete,
    chapter_update,
    chapters_reorder,
    work_delete,
    work_post,
    work_update,
)
from tests.factories import UserFactory, WorkFactory


def meta_of(work: Work, **changes) -> WorkMeta:
    """The edit form's fields for a work made by WorkFactory, with `changes`."""
    author = work.creatorships.get().pseud
    return WorkMeta(**{"title": work.title, "creators": [author], "fandoms": ["Original Work"],
                       "rating": "General Audiences", **changes})


@pytest.mark.django_db
def test_kudos_left_while_the_author_edits_are_kept():
    work = WorkFactory(title="Before")
    before = Work.objects.get(pk=work.pk)  # what the edit page read
    author = before.creatorships.get().pseud.user
    kudos_leave(work=Work.objects.get(pk=work.pk), user=UserFactory())

    work_update(user=author, work=before, meta=meta_of(work, title="After"))

    work.refresh_from_db()
    assert (work.title, work.kudos_count) == ("After", 1)
    assert set(FilterTagging.objects.filter(work=work).values_list("kudos_count", flat=True)) \
        == {1}


@pytest.mark.django_db
def test_editing_a_draft_opened_before_it_was_posted_keeps_its_posting_date():
    draft = WorkFactory(post=False)
    before = Work.objects.get(pk=draft.pk)
    author = before.creatorships.get().pseud.user
    work_post(user=author, work=Work.objects.get(pk=draft.pk))  # the author's other tab

    work_update(user=author, work=before, meta=meta_of(draft, summary="Now with a summary."))

    draft.refresh_from_db()
    assert draft.state == Work.State.POSTED
    assert draft.published == timezone.now().date()
    assert "Now with a summary." in draft.summary


@pytest.mark.django_db
def test_editing_a_chapter_keeps_the_expected_count_set_meanwhile():
    work = WorkFactory(chapters=["<p>One.</p>", "<p>Two.</p>"])
    author = work.creatorships.get().pseud.user
    chapter = Chapter.objects.select_related("work").get(work=work, position=2)  # the page's
    work_update(user=author, work=Work.objects.get(pk=work.pk),
                meta=meta_of(work, expected_chapters=5))

    chapter_update(user=author, chapter=chapter, text=ChapterText(content="<p>Two, longer.</p>"))

    work.refresh_from_db()
    assert (work.expected_chapters, work.chapter_count, work.complete) == (5, 2, False)
    assert work.word_count == 3


@pytest.mark.django_db
def test_a_chapter_added_from_a_page_read_before_another_was_added_goes_last():
    work = WorkFactory(chapters=["<p>One.</p>", "<p>Two.</p>"])
    author = work.creatorships.get().pseud.user
    before = Work.objects.get(pk=work.pk)
    chapter_add(user=author, work=Work.objects.get(pk=work.pk), text=ChapterText("<p>Three.</p>"))

    added = chapter_add(user=author, work=before, text=ChapterText("<p>Four words in here.</p>"))

    work.refresh_from_db()
    assert added.position == 4
    assert (work.chapter_count, work.word_count) == (4, 1 + 1 + 1 + 4)


@pytest.mark.django_db
def test_two_chapters_in_one_place_are_refused_by_the_database():
    work = WorkFactory(chapters=["<p>One.</p>", "<p>Two.</p>"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Chapter.objects.create(work=work, position=2, content="<p>Also two.</p>")
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_reordering_every_chapter_keeps_each_place_unique():
    work = WorkFactory(chapters=[f"<p>Part {n}.</p>" for n in range(1, 6)])
    author = work.creatorships.get().pseud.user
    ids = list(work.chapters.values_list("id", flat=True))
    new_order = [ids[4], ids[2], ids[0], ids[1], ids[3]]

    chapters_reorder(user=author, work=work, order=new_order)

    assert list(work.chapters.order_by("position").values_list("id", flat=True)) == new_order
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_a_chapter_deleted_while_it_was_edited_is_a_404_not_a_save_of_nothing():
    work = WorkFactory(chapters=["<p>One.</p>", "<p>Two.</p>", "<p>Three.</p>"])
    author = work.creatorships.get().pseud.user
    page = Chapter.objects.select_related("work").get(work=work, position=2)
    chapter_delete(user=author, chapter=Chapter.objects.get(pk=page.pk))

    with pytest.raises(Http404):
        chapter_update(user=author, chapter=page, text=ChapterText("<p>Edited.</p>"))
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_work_deleted_twice_counts_its_tags_down_once():
    work = WorkFactory(freeforms=["Lanterns"])
    other = WorkFactory(freeforms=["Lanterns"])
    author = work.creatorships.get().pseud.user
    tag = other.tags.get(name="Lanterns")
    second_press = Work.objects.get(pk=work.pk)
    work_delete(user=author, work=Work.objects.get(pk=work.pk))

    with pytest.raises(Http404):
        work_delete(user=author, work=second_press)
    tag.refresh_from_db()
    assert tag.uses == 1


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction's view is kept
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_chapters_added_at_the_same_moment_take_turns():
    """Three chapters pressed at once while another transaction holds the work's row: each
    must read the chapters only once it has the row, or they all take place 3."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")
    work = WorkFactory(chapters=["<p>One.</p>", "<p>Two.</p>"])
    author = work.creatorships.get().pseud.user
    errors: list[BaseException] = []
    added: list[int] = []

    def add(n: int) -> None:
        try:
            chapter = chapter_add(user=author, work=Work.objects.get(pk=work.pk),
                                  text=ChapterText(f"<p>Pressed at once, number {n}.</p>"))
            added.append(chapter.position)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        Work.objects.select_for_update().get(pk=work.pk)  # someone else's edit, mid-way
        threads = [threading.Thread(target=add, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while _waiting_on_locks() < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    for thread in threads:
        thread.join(30)

    assert not errors, errors
    assert sorted(added) == [3, 4, 5]
    work.refresh_from_db()
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2, 3, 4, 5]
    assert (work.chapter_count, work.word_count) == (5, 1 + 1 + 3 * 5)


@pytest.mark.django_db(transaction=True)
def test_an_edit_and_kudos_pressed_at_the_same_moment_both_stay():
    """The author's edit and a reader's kudos wait on the same work's row, then both go
    through: the edit's title and the kudos (counter, copies and row) are all there."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL only")
    work = WorkFactory(title="Before")
    author = work.creatorships.get().pseud.user
    fan = UserFactory()
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    calls = [lambda: work_update(user=author, work=Work.objects.get(pk=work.pk),
                                 meta=meta_of(work, title="After")),
             lambda: kudos_leave(work=Work.objects.get(pk=work.pk), user=fan)]
    with transaction.atomic():
        Work.objects.select_for_update().get(pk=work.pk)
        threads = [threading.Thread(target=run, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while _waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    for thread in threads:
        thread.join(30)

    assert not errors, errors
    work.refresh_from_db()
    assert (work.title, work.kudos_count, work.kudos.count()) == ("After", 1, 1)
    assert set(FilterTagging.objects.filter(work=work).values_list("kudos_count", flat=True)) \
        == {1}
