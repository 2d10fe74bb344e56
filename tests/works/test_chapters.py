"""Chapters: adding, editing, deleting, reordering, and reading chapter by chapter."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fichive.works.models import Chapter
from tests.factories import WorkFactory
from tests.works.helpers import chapter_form, html, shows, text_of

LONG_AGO = datetime.date(2020, 1, 2)


@pytest.fixture
def three_chapters(author):
    return WorkFactory(
        author=author, title="Three Part Tale",
        chapters=["<p>Alpha text here.</p>", "<p>Beta text here.</p>", "<p>Gamma text here.</p>"],
        chapter_titles=["Dawn", "Noon", "Dusk"],
        notes="<p>Work beginning notes.</p>", end_notes="<p>Work end notes.</p>",
    )


def _chapter(work, position: int) -> Chapter:
    return work.chapters.get(position=position)


def _index_order(response) -> list[str]:
    """Chapter titles in the order the chapter index lists them."""
    return re.findall(r'<li><a href="/works/\d+/chapters/\d+">\d+\. ([^<]+)</a>', html(response))


# --- Adding -------------------------------------------------------------------------------


def test_added_chapter_becomes_the_next_chapter(author_client, work):
    response = author_client.post(f"/works/{work.pk}/chapters/new", chapter_form(
        title="The Return", content="<p>Four more words here.</p>",
    ))

    chapter = _chapter(work, 2)
    assert response["Location"] == f"/works/{work.pk}/chapters/{chapter.pk}"
    page = author_client.get(response["Location"])
    assert "Chapter 2: The Return added." in html(page)
    assert "Four more words here." in html(page)
    assert text_of(page, "chapters") == "2/?"


def test_added_chapter_adds_its_words_to_the_work(author, author_client):
    work = WorkFactory(author=author, chapters=["<p>one two three</p>"])

    author_client.post(f"/works/{work.pk}/chapters/new",
                       chapter_form(content="<p>four five</p>"))

    assert text_of(author_client.get(f"/works/{work.pk}"), "words") == "5"


def test_added_chapter_makes_today_the_updated_date(author, author_client):
    work = WorkFactory(author=author, published=LONG_AGO)
    assert "Updated:" not in html(author_client.get(f"/works/{work.pk}"))

    author_client.post(f"/works/{work.pk}/chapters/new", chapter_form())

    page = author_client.get(f"/works/{work.pk}")
    assert text_of(page, "published") == LONG_AGO.isoformat()
    assert "Updated:" in html(page)
    assert text_of(page, "status") == timezone.now().date().isoformat()


def test_last_expected_chapter_completes_the_work(author, author_client):
    work = WorkFactory(author=author, expected_chapters=2)

    author_client.post(f"/works/{work.pk}/chapters/new", chapter_form())

    page = author_client.get(f"/works/{work.pk}")
    assert text_of(page, "chapters") == "2/2"
    assert "Completed:" in html(page)


def test_chapter_past_the_expected_count_raises_the_count(author, author_client):
    work = WorkFactory(author=author, expected_chapters=2,
                       chapters=["<p>One.</p>", "<p>Two.</p>"])

    author_client.post(f"/works/{work.pk}/chapters/new", chapter_form())

    assert text_of(author_client.get(f"/works/{work.pk}"), "chapters") == "3/3"


def test_new_chapter_form_says_which_chapter_it_is(author_client, work):
    assert "Post New Chapter 2 of" in html(author_client.get(f"/works/{work.pk}/chapters/new"))


def test_empty_chapter_is_refused(author_client, work):
    response = author_client.post(f"/works/{work.pk}/chapters/new",
                                  chapter_form(content="<p> </p>"))

    assert response.status_code == 200
    assert "The chapter has no text." in html(response)
    assert work.chapters.count() == 1


# --- Editing ------------------------------------------------------------------------------


def test_edited_chapter_shows_its_new_text_and_word_count(author_client, work):
    chapter = _chapter(work, 1)
    form = author_client.get(f"/works/{work.pk}/chapters/{chapter.pk}/edit")
    assert "The lantern burned low" in html(form)

    response = author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit", chapter_form(
        title="Rewritten", content="<p>Only three words.</p>", notes="Chapter note.",
    ))

    assert response["Location"] == f"/works/{work.pk}/chapters/{chapter.pk}"
    page = author_client.get(f"/works/{work.pk}")
    assert "Only three words." in html(page)
    assert "The lantern burned low" not in html(page)
    assert "Rewritten" in html(page)
    assert "Chapter note." in html(page)
    assert text_of(page, "words") == "3"


def test_chapter_edit_is_sanitized_too(author_client, work):
    chapter = _chapter(work, 1)

    author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit", chapter_form(
        content='<p>Safe.</p><script>alert("x")</script><img src="javascript:alert(1)">',
    ))

    page = html(author_client.get(f"/works/{work.pk}"))
    assert "<script>alert" not in page  # the page's own scripts (static/js) are fine
    assert "javascript:" not in page
    assert "Safe." in page


# --- Deleting -----------------------------------------------------------------------------


def test_deleting_a_chapter_asks_first(author_client, three_chapters):
    chapter = _chapter(three_chapters, 2)

    response = author_client.get(f"/works/{three_chapters.pk}/chapters/{chapter.pk}/delete")

    assert response.status_code == 200
    assert "Are you sure?" in html(response)
    assert shows(response, "Delete Chapter 2: Noon of “Three Part Tale”?")
    assert three_chapters.chapters.count() == 3


def test_deleted_chapter_is_gone_and_the_rest_renumbered(author_client, three_chapters):
    chapter = _chapter(three_chapters, 2)

    response = author_client.post(f"/works/{three_chapters.pk}/chapters/{chapter.pk}/delete")

    assert response["Location"] == f"/works/{three_chapters.pk}/chapters/manage"
    assert "Chapter 2: Noon was deleted." in html(author_client.get(response["Location"]))
    index = author_client.get(f"/works/{three_chapters.pk}/navigate")
    assert _index_order(index) == ["Dawn", "Dusk"]
    assert "2. Dusk" in html(index)
    work_page = author_client.get(f"/works/{three_chapters.pk}?view_full_work=true")
    assert "Beta text here." not in html(work_page)
    assert text_of(work_page, "words") == "6"
    assert text_of(work_page, "chapters") == "2/?"
    assert author_client.get(f"/works/{three_chapters.pk}/chapters/{chapter.pk}").status_code \
        == 404


def test_only_chapter_cannot_be_deleted(author_client, work):
    chapter = _chapter(work, 1)

    response = author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/delete",
                                  follow=True)

    assert response.status_code == 200
    assert "A work needs at least one chapter; delete the work instead." in html(response)
    assert work.chapters.count() == 1
    assert "The lantern burned low" in html(author_client.get(f"/works/{work.pk}"))


# --- Reordering ---------------------------------------------------------------------------


def test_manage_page_lists_chapters_with_position_fields(author_client, three_chapters):
    response = author_client.get(f"/works/{three_chapters.pk}/chapters/manage")

    for chapter in three_chapters.chapters.all():
        assert f'name="position-{chapter.pk}" value="{chapter.position}"' in html(response)


def test_chapters_are_reordered_by_their_new_positions(author_client, three_chapters):
    dawn, noon, dusk = (_chapter(three_chapters, n) for n in (1, 2, 3))

    response = author_client.post(f"/works/{three_chapters.pk}/chapters/manage", {
        f"position-{dawn.pk}": "3", f"position-{noon.pk}": "1", f"position-{dusk.pk}": "2",
    })

    assert response["Location"] == f"/works/{three_chapters.pk}/navigate"
    index = author_client.get(response["Location"])
    assert "Chapter order saved." in html(index)
    assert _index_order(index) == ["Noon", "Dusk", "Dawn"]
    first = html(author_client.get(f"/works/{three_chapters.pk}"))
    assert "Beta text here." in first
    assert "Alpha text here." not in first


def test_reordering_needs_whole_numbers(author_client, three_chapters):
    dawn, noon, dusk = (_chapter(three_chapters, n) for n in (1, 2, 3))

    response = author_client.post(f"/works/{three_chapters.pk}/chapters/manage", {
        f"position-{dawn.pk}": "first", f"position-{noon.pk}": "1", f"position-{dusk.pk}": "2",
    })

    assert response.status_code == 200
    assert "Give every chapter a whole-number position." in html(response)
    index = author_client.get(f"/works/{three_chapters.pk}/navigate")
    assert _index_order(index) == ["Dawn", "Noon", "Dusk"]


# --- Reading ------------------------------------------------------------------------------


def test_work_page_shows_only_the_first_chapter(client, three_chapters):
    page = html(client.get(f"/works/{three_chapters.pk}"))

    assert "Alpha text here." in page
    assert "Beta text here." not in page
    assert "Gamma text here." not in page
    assert "Work beginning notes." in page
    assert "Work end notes." not in page
    assert "Entire Work" in page


def test_full_work_shows_every_chapter_in_order(client, three_chapters):
    page = html(client.get(f"/works/{three_chapters.pk}?view_full_work=true"))

    assert page.index("Alpha text here.") < page.index("Beta text here.") < page.index(
        "Gamma text here.")
    assert "Work beginning notes." in page
    assert "Work end notes." in page
    assert "Chapter by Chapter" in page


def test_middle_chapter_links_to_previous_next_and_index(client, three_chapters):
    dawn, noon, dusk = (_chapter(three_chapters, n) for n in (1, 2, 3))

    page = html(client.get(f"/works/{three_chapters.pk}/chapters/{noon.pk}"))

    assert "Beta text here." in page
    assert "Alpha text here." not in page
    assert f'rel="prev" href="/works/{three_chapters.pk}/chapters/{dawn.pk}"' in page
    assert f'rel="next" href="/works/{three_chapters.pk}/chapters/{dusk.pk}"' in page
    assert f'href="/works/{three_chapters.pk}/navigate"' in page
    assert "Chapter 2: Noon" in page
    assert "Work beginning notes." not in page


def test_first_chapter_has_no_previous_and_last_has_no_next(client, three_chapters):
    dawn, dusk = _chapter(three_chapters, 1), _chapter(three_chapters, 3)

    first = html(client.get(f"/works/{three_chapters.pk}/chapters/{dawn.pk}"))
    last = html(client.get(f"/works/{three_chapters.pk}/chapters/{dusk.pk}"))

    assert 'rel="prev"' not in first
    assert 'rel="next"' in first
    assert 'rel="next"' not in last
    assert 'rel="prev"' in last
    assert "Work end notes." in last


def test_one_chapter_work_has_no_chapter_navigation(client, work):
    page = html(client.get(f"/works/{work.pk}"))

    assert "Chapter Index" not in page
    assert "Entire Work" not in page


def test_chapter_index_lists_chapters_in_order(client, three_chapters):
    response = client.get(f"/works/{three_chapters.pk}/navigate")

    assert response.status_code == 200
    assert _index_order(response) == ["Dawn", "Noon", "Dusk"]
    assert "Chapter Index for" in html(response)


def test_chapter_of_another_work_is_404(client, author, three_chapters):
    other = WorkFactory(author=author)
    stray = _chapter(three_chapters, 2)

    assert client.get(f"/works/{other.pk}/chapters/{stray.pk}").status_code == 404


def test_chapter_of_another_work_cannot_be_edited_or_deleted(author_client, author, three_chapters):
    other = WorkFactory(author=author)
    stray = _chapter(three_chapters, 2)

    assert author_client.get(f"/works/{other.pk}/chapters/{stray.pk}/edit").status_code == 404
    assert author_client.post(f"/works/{other.pk}/chapters/{stray.pk}/delete").status_code \
        == 404
    assert three_chapters.chapters.count() == 3


def test_missing_chapter_is_404(client, work):
    assert client.get(f"/works/{work.pk}/chapters/999999").status_code == 404


def test_reading_pages_take_the_same_queries_for_2_or_10_chapters(
    author, client, django_assert_num_queries
):
    short = WorkFactory(author=author, chapters=["<p>a</p>"] * 2)
    long = WorkFactory(author=author, chapters=["<p>a</p>"] * 10)
    for suffix in ("", "?view_full_work=true", "/navigate"):
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/works/{short.pk}{suffix}")
        with django_assert_num_queries(len(captured)):
            client.get(f"/works/{long.pk}{suffix}")
