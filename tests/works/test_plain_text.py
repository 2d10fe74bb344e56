"""Plain text in the posting forms: read as a plain-text import reads a file (one function,
lib/plaintext.py), and edited again as the author typed it."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from fichive.works.models import Work
from tests.factories import WorkFactory
from tests.works.helpers import chapter_form, html, work_form

# A story's body as people paste it: blank lines between paragraphs, a line break inside
# one, scene breaks written three ways ("* * *", "~~~", and a wider gap).
BODY = """"Are they back yet?" Mara asked, leaning over the harbour wall.
Her father shook his head and pointed past the breakwater.

They waited while the tide turned & the gulls settled on the posts.

* * *

By morning the fog had lifted and the sea was flat as glass.

~~~

She walked down to the water and counted the boats again: all twelve.



Night came, and the lamp at the end of the pier was lit once more."""


def _paste(client, author, text: str, **fields) -> Work:
    response = client.post("/works/new", work_form(
        author, title="Pasted Harbour", fmt="text", **{"chapter-content": text}, **fields))
    assert response.status_code == 302, html(response)
    return Work.objects.get(title="Pasted Harbour")


def test_pasted_scene_breaks_become_rules(author_client, author, guest):
    work = _paste(author_client, author, BODY)

    content = work.chapters.get().content
    assert content.count("<hr>") == 3
    assert "Mara asked, leaning over the harbour wall.<br>Her father" in content
    assert "the tide turned &amp; the gulls" in content
    assert "* * *" not in content and "~~~" not in content
    page = html(guest.get(f"/works/{work.pk}"))
    assert page.count("<hr>") >= 3


def test_pasted_text_and_imported_text_give_the_same_html(author_client, author):
    work = _paste(author_client, author, BODY)
    upload = SimpleUploadedFile("harbour.txt", BODY.encode(), content_type="text/plain")
    response = author_client.post("/works/import", {
        "file": upload, "pseud": author.default_pseud.pk, "title": "Imported Harbour",
        "fandoms": "Original Work", "rating": ""})
    assert response.status_code in (200, 302)
    imported = Work.objects.get(title="Imported Harbour")

    assert imported.chapters.get().content == work.chapters.get().content


def test_text_without_blank_lines_is_a_paragraph_per_line_as_in_imports(author_client, author):
    work = _paste(author_client, author, "First line of the story.\nSecond line here.")

    assert work.chapters.get().content == (
        "<p>First line of the story.</p>\n<p>Second line here.</p>")


def test_new_chapter_in_plain_text_gets_scene_breaks(author_client, author):
    work = WorkFactory(author=author)

    author_client.post(f"/works/{work.pk}/chapters/new",
                       chapter_form(content="One.\n\n* * *\n\nTwo.", fmt="text"))

    assert work.chapters.get(position=2).content == "<p>One.</p>\n<hr>\n<p>Two.</p>"


# --- editing shows the text as the author wrote it


def test_chapter_posted_as_plain_text_is_edited_as_plain_text(author_client, author):
    work = _paste(author_client, author, BODY)
    chapter = work.chapters.get()
    assert chapter.text_format == "text"
    assert chapter.source_text == BODY

    page = html(author_client.get(f"/works/{work.pk}/chapters/{chapter.pk}/edit"))

    assert "* * *" in page and "~~~" in page
    assert "&lt;p&gt;" not in page  # not the stored markup
    assert '<option value="text" selected>' in page


def test_saving_the_edit_form_unchanged_keeps_the_chapter(author_client, author):
    work = _paste(author_client, author, BODY)
    chapter = work.chapters.get()

    author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit",
                       chapter_form(content=BODY, fmt="text"))

    chapter.refresh_from_db()
    assert chapter.source_text == BODY
    assert chapter.content.count("<hr>") == 3


def test_chapter_notes_typed_as_text_come_back_as_text(author_client, author):
    work = WorkFactory(author=author)
    author_client.post(f"/works/{work.pk}/chapters/new", chapter_form(
        content="Story text.", notes="Thanks to my beta.\n\nEnjoy!", fmt="text"))
    chapter = work.chapters.get(position=2)

    page = html(author_client.get(f"/works/{work.pk}/chapters/{chapter.pk}/edit"))

    assert "Thanks to my beta.\n\nEnjoy!" in page


def test_chapter_posted_as_html_is_edited_as_html(author_client, author):
    work = WorkFactory(author=author, chapters=["<p>Some <em>bold</em> words.</p>"])
    chapter = work.chapters.get()
    assert chapter.text_format == "html" and chapter.source_text == ""

    page = html(author_client.get(f"/works/{work.pk}/chapters/{chapter.pk}/edit"))

    assert "&lt;p&gt;Some &lt;em&gt;bold&lt;/em&gt; words.&lt;/p&gt;" in page
    assert '<option value="html" selected>' in page


def test_switching_a_chapter_to_html_forgets_the_typed_text(author_client, author):
    work = _paste(author_client, author, BODY)
    chapter = work.chapters.get()

    author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit",
                       chapter_form(content="<p>Now in HTML.</p>", fmt="html"))

    chapter.refresh_from_db()
    assert (chapter.text_format, chapter.source_text) == ("html", "")


def test_work_edit_form_shows_plain_text_fields_when_the_work_was_typed_as_text(
        author_client, author):
    work = _paste(author_client, author, BODY, summary="A harbour & its boats.",
                  notes="For my sister.\n\nShe loves boats.")

    page = html(author_client.get(f"/works/{work.pk}/edit"))

    assert '<option value="text" selected>' in page
    assert "For my sister.\n\nShe loves boats." in page
    assert "A harbour &amp; its boats." in page
    assert "&lt;p&gt;" not in page

