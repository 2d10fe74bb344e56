"""One-shots: a work posted with one chapter and no expected count is complete, "1/1"."""

from __future__ import annotations

from fichive.works.models import Work
from fichive.works.services import ChapterText, WorkMeta, work_create
from tests.factories import WorkFactory
from tests.works.helpers import chapter_form, edit_form, html, text_of, work_form


def test_one_shot_posted_without_a_count_shows_1_of_1_and_completed(author, author_client):
    author_client.post("/works/new", work_form(author, expected_chapters=""))

    work = Work.objects.get()
    page = author_client.get(f"/works/{work.pk}")
    assert text_of(page, "chapters") == "1/1"
    assert "Updated:" not in html(page)  # a one-shot has no status date, as on AO3
    assert work.complete and work.expected_chapters == 1


def test_one_shot_blurb_shows_1_of_1(author, author_client, client):
    author_client.post("/works/new", work_form(author, title="Short and Done"))

    assert "1/1" in html(client.get("/works"))


def test_work_posted_with_a_larger_count_stays_in_progress(author, author_client):
    author_client.post("/works/new", work_form(author, expected_chapters="3"))

    page = author_client.get(f"/works/{Work.objects.get().pk}")
    assert text_of(page, "chapters") == "1/3"
    assert "Completed:" not in html(page)


def test_second_chapter_makes_a_one_shot_a_work_in_progress(author, author_client):
    author_client.post("/works/new", work_form(author))
    work = Work.objects.get()

    author_client.post(f"/works/{work.pk}/chapters/new", chapter_form())

    page = author_client.get(f"/works/{work.pk}")
    assert text_of(page, "chapters") == "2/?"
    assert "Completed:" not in html(page)


def test_count_given_after_the_second_chapter_is_kept(author, author_client):
    author_client.post("/works/new", work_form(author))
    work = Work.objects.get()
    author_client.post(f"/works/{work.pk}/chapters/new", chapter_form())

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, expected_chapters="4"))

    assert text_of(author_client.get(f"/works/{work.pk}"), "chapters") == "2/4"


def test_editing_a_one_shot_keeps_it_complete(author, author_client):
    author_client.post("/works/new", work_form(author))
    work = Work.objects.get()

    author_client.post(f"/works/{work.pk}/edit",
                       edit_form(work, author, title="Renamed", expected_chapters=""))

    assert text_of(author_client.get(f"/works/{work.pk}"), "chapters") == "1/1"


def test_blank_count_on_a_several_chapter_work_stays_unknown(author, author_client):
    work = WorkFactory(author=author, chapters=["<p>One.</p>", "<p>Two.</p>"])

    author_client.post(f"/works/{work.pk}/edit", edit_form(work, author, expected_chapters=""))

    assert text_of(author_client.get(f"/works/{work.pk}"), "chapters") == "2/?"


def test_service_callers_without_the_one_shot_rule_keep_an_unknown_count(author):
    """Importers pass a blank count for a source that said "1/?": it stays "1/?"."""
    meta = WorkMeta(title="Imported WIP", creators=[author.default_pseud],
                    fandoms=["Original Work"], rating="General Audiences",
                    warnings=["No Archive Warnings Apply"])
    work = work_create(user=author, meta=meta, chapters=[ChapterText("<p>Start.</p>")],
                       post=True)

    assert work.chapters_display == "1/?"
    assert not work.complete
