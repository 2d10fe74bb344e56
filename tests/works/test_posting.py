"""Posting a new work through /works/new: what gets posted, how text is treated, what is refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fichive.works.models import Chapter, Work
from tests.factories import WorkFactory
from tests.works.helpers import (
    counts,
    has_field_error,
    html,
    sent_to_log_in,
    shows,
    text_of,
    work_form,
)


def _today() -> str:
    return timezone.now().date().isoformat()


def test_new_work_form_is_for_logged_in_users_only(client, db):
    response = client.get("/works/new")

    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=/works/new")


def test_new_work_form_shows_its_fields_and_buttons(author_client):
    page = html(author_client.get("/works/new"))

    for name in ("title", "fandoms", "rating", "warnings", "chapter-title", "chapter-content"):
        assert f'name="{name}"' in page
    for action in ("preview", "draft", "post"):
        assert f'name="action" value="{action}"' in page


def test_posting_creates_a_visible_work(author, author_client, guest):
    response = author_client.post("/works/new", work_form(
        author, title="Salt and Lanterns", freeforms="Fluff, Slow Burn",
        summary="Two keepers, one lighthouse.",
    ))

    work = Work.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}"
    page = html(author_client.get(response["Location"]))
    assert "Work posted." in page
    assert "Salt and Lanterns" in page
    assert "The lantern burned low" in page
    assert "Slow Burn" in page
    assert "Two keepers, one lighthouse." in page
    assert text_of(author_client.get(f"/works/{work.pk}"), "published") == _today()
    assert guest.get(f"/works/{work.pk}").status_code == 200


def test_posted_work_appears_for_guests_on_the_home_page(author, author_client, guest):
    author_client.post("/works/new", work_form(author, title="Salt and Lanterns"))

    assert "Salt and Lanterns" in html(guest.get("/"))


def test_plain_text_format_turns_blank_lines_into_paragraphs(author, author_client):
    author_client.post("/works/new", work_form(
        author, fmt="text", **{"chapter-content": "First line.\n\nSecond <b>line</b>."},
    ))

    chapter = Chapter.objects.get()
    assert chapter.content == "<p>First line.</p>\n<p>Second &lt;b&gt;line&lt;/b&gt;.</p>"
    page = html(author_client.get(f"/works/{chapter.work_id}"))
    assert "<p>First line.</p>" in page
    assert "Second &lt;b&gt;line&lt;/b&gt;." in page


def test_html_without_paragraphs_gets_paragraphs_from_blank_lines(author, author_client):
    author_client.post("/works/new", work_form(
        author, **{"chapter-content": "One <em>fine</em> day.\n\nThe next."},
    ))

    assert Chapter.objects.get().content == "<p>One <em>fine</em> day.</p>\n<p>The next.</p>"


def test_html_is_sanitized_on_save_and_on_the_page(author, author_client):
    dangerous = (
        '<p onclick="steal()">Hello <a href="javascript:steal()">there</a>.</p>'
        "<script>steal()</script><p>Still here.</p>"
    )
    response = author_client.post("/works/new", work_form(
        author, summary='<p onmouseover="steal()">Sum</p>', **{"chapter-content": dangerous},
    ))

    work = Work.objects.get()
    stored = work.chapters.get().content + work.summary
    page = html(author_client.get(response["Location"]))
    for bad in ("<script", "steal()", "onclick", "onmouseover", "javascript:"):
        assert bad not in stored
        # The page's own scripts (static/js) are fine; the user's are not.
        assert bad.replace("<script", "<script>") not in page
    assert "Still here." in page
    assert "Hello" in page


def test_chapter_with_nothing_readable_after_sanitizing_is_refused(author, author_client):
    before = counts()

    response = author_client.post("/works/new", work_form(
        author, **{"chapter-content": "<script>alert(1)</script>"},
    ))

    assert response.status_code == 200
    assert "The chapter has no text." in html(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "A work needs a title."),
        ("title", "   ", "A work needs a title."),
        ("fandoms", "", "A work needs at least one fandom."),
        ("warnings", [], "Choose at least one archive warning."),
        ("chapter-content", "", "The chapter has no text."),
        ("fandoms", "Mature", "“Mature” is already a Rating tag, so it can't be used as a "
                              "Fandom tag."),
        ("fandoms", "Naruto, Bad<Tag>", "contains a character tags can't use"),
        ("summary", "x" * 1300, "the most is 1,250"),
        ("co_creators", "nobody_here", "No such user or pseud: nobody_here."),
        ("expected_chapters", "0", "Ensure this value is greater than or equal to 1."),
        ("rating", "Very Spicy", "Select a valid choice."),
    ],
    ids=["no-title", "blank-title", "no-fandom", "no-warning", "no-text", "fandom-is-a-rating",
         "forbidden-character", "long-summary", "unknown-co-creator", "zero-expected",
         "unknown-rating"],
)
def test_invalid_work_is_shown_again_with_a_message_and_creates_nothing(
    author, author_client, field, value, message
):
    before = counts()

    fields = {"title": "Kept Title", "fandoms": "Brand New Fandom", field: value}

    response = author_client.post("/works/new", work_form(author, **fields))

    assert response.status_code == 200
    assert shows(response, message)
    assert "Post New Work" in html(response)
    assert counts() == before


def test_validation_errors_mark_the_field_and_keep_what_was_typed(author, author_client):
    response = author_client.post("/works/new", work_form(
        author, title="", summary="Keep me please", **{"chapter-content": "<p>Keep this</p>"},
    ))

    assert has_field_error(response, "title", "A work needs a title.")
    assert "Keep me please" in html(response)
    assert "Keep this" in html(response)


def test_fandom_named_like_a_rating_marks_the_fandom_field(author, author_client):
    response = author_client.post("/works/new", work_form(author, fandoms="mature"))

    assert has_field_error(response, "fandoms", "is already a Rating tag")


def test_more_than_75_tags_is_refused_and_creates_no_tags(author, author_client):
    before = counts()
    freeforms = ", ".join(f"Extra Tag {n}" for n in range(75))  # plus one fandom: 76

    response = author_client.post("/works/new", work_form(author, freeforms=freeforms))

    assert response.status_code == 200
    assert "at most 75" in html(response)
    assert "this one has 76" in html(response)
    assert counts() == before


def test_exactly_75_tags_is_allowed(author, author_client):
    freeforms = ", ".join(f"Extra Tag {n}" for n in range(74))

    response = author_client.post("/works/new", work_form(author, freeforms=freeforms))

    assert response.status_code == 302
    assert Work.objects.count() == 1


def test_summary_over_the_limit_says_how_long_it_may_be(author, author_client):
    response = author_client.post("/works/new", work_form(author, summary="x" * 1251))

    assert has_field_error(response, "summary", "the most is 1,250")


def test_summary_of_exactly_1250_typed_characters_is_accepted(author, author_client):
    response = author_client.post("/works/new", work_form(author, summary="x" * 1250))

    assert response.status_code == 302


def test_word_count_follows_the_rule(author, author_client):
    # "--" splits words, apostrophes and hyphens join them, each CJK character is a word.
    text = "<p>one--two one's well-known 我爱你</p><p><b>bold</b> A/N</p>"

    response = author_client.post("/works/new", work_form(author, **{"chapter-content": text}))

    assert text_of(author_client.get(response["Location"]), "words") == "10"


def test_markup_never_counts_as_words(author, author_client):
    text = ('<p><a href="https://example.org/many/words/here">link</a> '
            '<img src="https://example.org/x.png" alt="not counted"></p>')

    response = author_client.post("/works/new", work_form(author, **{"chapter-content": text}))

    assert text_of(author_client.get(response["Location"]), "words") == "1"


def test_work_word_count_is_the_sum_of_its_chapters(author, client):
    work = WorkFactory(author=author, chapters=["<p>one two three</p>", "<p>four five</p>",
                                                "<p>six</p>"])

    response = client.get(f"/works/{work.pk}")

    assert text_of(response, "words") == "6"
    api = client.get(f"/api/v1/works/{work.pk}").json()
    assert [c["words"] for c in api["chapters"]] == [3, 2, 1]
    assert api["words"] == 6


def test_large_word_counts_are_shown_with_a_thousands_separator(author, client):
    work = WorkFactory(author=author, chapters=["<p>" + "word " * 1234 + "</p>"])

    assert text_of(client.get(f"/works/{work.pk}"), "words") == "1,234"


@pytest.mark.parametrize(
    ("expected", "shown"), [("", "1/1"), ("1", "1/1"), ("3", "1/3")],
)
def test_chapter_count_shows_posted_over_expected(author, author_client, expected, shown):
    response = author_client.post("/works/new", work_form(author, expected_chapters=expected))

    assert text_of(author_client.get(response["Location"]), "chapters") == shown


def test_complete_multichapter_work_shows_all_chapters_posted(author, client):
    work = WorkFactory(author=author, chapters=["<p>a</p>", "<p>b</p>"], expected_chapters=2)

    response = client.get(f"/works/{work.pk}")

    assert text_of(response, "chapters") == "2/2"
    assert "Completed:" in html(response)


def test_work_in_progress_shows_unknown_total(author, client):
    work = WorkFactory(author=author, chapters=["<p>a</p>", "<p>b</p>"])

    response = client.get(f"/works/{work.pk}")

    assert text_of(response, "chapters") == "2/?"
    assert "Updated:" in html(response)


def test_chapter_title_on_the_new_work_form_is_shown(author, author_client):
    response = author_client.post("/works/new", work_form(
        author, **{"chapter-title": "The Beginning"},
    ))

    assert "The Beginning" in html(author_client.get(response["Location"]))


def test_restricted_checkbox_posts_a_restricted_work(author, author_client, guest):
    response = author_client.post("/works/new", work_form(author, restricted=True))

    assert "Restricted" in html(author_client.get(response["Location"]))
    assert sent_to_log_in(guest.get(response["Location"]))


def test_title_with_markup_is_shown_as_text(author, author_client):
    response = author_client.post("/works/new", work_form(
        author, title="<script>alert(1)</script> & Co",
    ))

    for url in (response["Location"], "/works", "/"):
        page = html(author_client.get(url))
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
