"""Preview and Save as draft on the edit-work, add-chapter and edit-chapter forms, as on the
new-work form: a posted work's preview saves nothing; a draft's chapters can be saved as a
draft, previewed (as a draft) or posted."""

from __future__ import annotations

from fichive.works.models import Chapter, Work
from tests.factories import WorkFactory
from tests.works.helpers import chapter_form, edit_form, html


def test_edit_forms_offer_preview(author_client, author):
    work = WorkFactory(author=author)
    chapter = work.chapters.get()

    for url in (f"/works/{work.pk}/edit", f"/works/{work.pk}/chapters/new",
                f"/works/{work.pk}/chapters/{chapter.pk}/edit"):
        page = html(author_client.get(url))
        assert 'name="action" value="preview">Preview</button>' in page, url
        # A posted work has no "Save as draft": it can't go back to being a draft.
        assert "Save as draft" not in page, url


def test_draft_chapter_forms_offer_save_as_draft(author_client, author):
    work = WorkFactory(author=author, post=False)
    chapter = work.chapters.get()

    for url in (f"/works/{work.pk}/chapters/new",
                f"/works/{work.pk}/chapters/{chapter.pk}/edit", f"/works/{work.pk}/edit"):
        page = html(author_client.get(url))
        assert 'value="draft">Save as draft</button>' in page, url
        assert 'value="preview">Preview</button>' in page, url


def test_previewing_a_posted_works_edit_shows_it_and_saves_nothing(author_client, author,
                                                                  guest):
    work = WorkFactory(author=author, title="Saved Title", freeforms=["Old Tag"])

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, title="Previewed Title", freeforms="Fresh Tag",
        summary="A summary only in the preview.", action="preview"))

    assert response.status_code == 200
    page = html(response)
    assert "Nothing is saved yet" in page
    assert '<h1 class="title heading">Previewed Title' in page
    assert ">Fresh Tag</a>" in page and "A summary only in the preview." in page
    # The form below keeps what was typed, ready to save or change.
    assert 'value="Previewed Title"' in page and 'value="Fresh Tag"' in page
    assert ">Update</button>" in page
    work.refresh_from_db()
    assert work.title == "Saved Title"
    guest_page = html(guest.get(f"/works/{work.pk}"))
    assert "Saved Title" in guest_page and "Old Tag" in guest_page
    assert "Fresh Tag" not in guest_page
    assert not Work.objects.filter(title="Previewed Title").exists()


def test_updating_from_the_preview_saves(author_client, author):
    work = WorkFactory(author=author, title="Saved Title")

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, title="Updated Title", action="post"))

    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "Updated Title"


def test_preview_of_an_invalid_edit_shows_the_errors(author_client, author):
    work = WorkFactory(author=author, title="Saved Title")

    response = author_client.post(f"/works/{work.pk}/edit", edit_form(
        work, author, fandoms="", action="preview"))

    assert response.status_code == 200
    assert "A work needs at least one fandom." in html(response)
    assert "Nothing is saved yet" not in html(response)


def test_previewing_a_new_chapter_of_a_posted_work_saves_nothing(author_client, author, guest):
    work = WorkFactory(author=author)

    response = author_client.post(f"/works/{work.pk}/chapters/new", chapter_form(
        title="The Storm", content="Rain on the windows.\n\n* * *\n\nMorning.", fmt="text",
        action="preview"))

    page = html(response)
    assert response.status_code == 200
    assert "Nothing is saved yet" in page
    assert "Rain on the windows." in page and "<hr>" in page
    assert "Post New Chapter 2" in page and ">Post chapter</button>" in page
    assert "Rain on the windows.\n\n* * *\n\nMorning.</textarea>" in page
    assert work.chapters.count() == 1
    work.refresh_from_db()
    assert work.chapter_count == 1
    assert "Rain on the windows" not in html(guest.get(f"/works/{work.pk}?view_full_work=true"))


def test_previewing_a_chapter_edit_saves_nothing(author_client, author):
    work = WorkFactory(author=author, chapters=["<p>Original words.</p>"])
    chapter = work.chapters.get()

    response = author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit",
                                  chapter_form(content="<p>Changed words.</p>",
                                               action="preview"))

    assert response.status_code == 200
    assert "Changed words." in html(response) and ">Update</button>" in html(response)
    chapter.refresh_from_db()
    assert chapter.content == "<p>Original words.</p>"


def test_chapter_saved_as_draft_on_a_draft_work_stays_unposted(author_client, author, guest):
    work = WorkFactory(author=author, post=False)

    response = author_client.post(f"/works/{work.pk}/chapters/new",
                                  chapter_form(content="<p>Second part.</p>", action="draft"))

    assert response["Location"] == f"/works/{work.pk}/preview"
    work.refresh_from_db()
    assert work.is_draft and work.chapter_count == 2
    assert guest.get(f"/works/{work.pk}").status_code == 404
    assert "Draft saved" in html(author_client.get(response["Location"]))


def test_chapter_preview_on_a_draft_work_saves_it_as_draft_and_shows_it(author_client, author):
    work = WorkFactory(author=author, post=False)

    response = author_client.post(f"/works/{work.pk}/chapters/new",
                                  chapter_form(content="<p>Second part.</p>", action="preview"))

    assert response["Location"] == f"/works/{work.pk}/preview"
    assert "Second part." in html(author_client.get(response["Location"]))
    work.refresh_from_db()
    assert work.is_draft


def test_posting_a_chapter_of_a_draft_posts_the_work(author_client, author, guest):
    work = WorkFactory(author=author, post=False)

    author_client.post(f"/works/{work.pk}/chapters/new",
                       chapter_form(content="<p>Second part.</p>", action="post"))

    work.refresh_from_db()
    assert not work.is_draft
    assert Chapter.objects.filter(work=work).count() == 2
    assert guest.get(f"/works/{work.pk}").status_code == 200
