"""What a person fills in on the work and chapter forms, as POST data, and small page readers."""

from __future__ import annotations

import re

from django.utils.html import escape

from fichive.accounts.models import User
from fichive.tags.models import Tag
from fichive.works.models import Chapter, Tagging, Work

STORY = "<p>The lantern burned low while she wrote the last letter home.</p>"


def work_form(user: User, **fields) -> dict:
    """The new-work form as a person fills it in: the default pseud ticked, one warning,
    one fandom, the chapter text; override any field by its form name."""
    data: dict = {
        "title": "The Quiet Harbour",
        "creators": [user.default_pseud.pk],
        "co_creators": "",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Original Work",
        "categories": [],
        "relationships": "",
        "characters": "",
        "freeforms": "",
        "summary": "",
        "notes": "",
        "end_notes": "",
        "language": "en",
        "restricted": False,
        "expected_chapters": "",
        "fmt": "html",
        "chapter-title": "",
        "chapter-content": STORY,
        "action": "post",
    }
    data.update(fields)
    # An unticked checkbox sends nothing.
    return {key: value for key, value in data.items() if value is not False}


def edit_form(work: Work, user: User, **fields) -> dict:
    """The edit form as it comes pre-filled for `work`, with some fields changed."""
    def names(tag_type: str) -> str:  # in the order the form shows them: as typed
        return ", ".join(t.tag.name for t in Tagging.objects.filter(
            work=work, tag__type=tag_type).select_related("tag").order_by("position", "tag__name"))

    rating = work.tags.filter(type=Tag.Type.RATING).first()
    data = work_form(
        user,
        title=work.title,
        creators=[c.pseud.pk for c in work.creatorships.all() if c.pseud.user_id == user.pk],
        co_creators=", ".join(
            c.pseud.byline for c in work.creatorships.all() if c.pseud.user_id != user.pk
        ),
        rating=rating.name if rating else "Not Rated",
        warnings=[t.name for t in work.tags.filter(type=Tag.Type.WARNING)],
        categories=[t.name for t in work.tags.filter(type=Tag.Type.CATEGORY)],
        fandoms=names(Tag.Type.FANDOM),
        relationships=names(Tag.Type.RELATIONSHIP),
        characters=names(Tag.Type.CHARACTER),
        freeforms=names(Tag.Type.FREEFORM),
        summary=work.summary,
        notes=work.notes,
        end_notes=work.end_notes,
        language=work.language,
        restricted=work.restricted,
        expected_chapters=work.expected_chapters or "",
    )
    for key in ("chapter-title", "chapter-content"):
        data.pop(key)
    data.update(fields)
    return {key: value for key, value in data.items() if value is not False}


def chapter_form(**fields) -> dict:
    data = {"title": "", "summary": "", "notes": "", "content": STORY, "end_notes": "",
            "fmt": "html"}
    data.update(fields)
    return data


def counts() -> tuple[int, int, int]:
    """How many works, chapters and tags exist: a failed post must change none of them."""
    return Work.objects.count(), Chapter.objects.count(), Tag.objects.count()


def html(response) -> str:
    return response.content.decode()


def shows(response, text: str) -> bool:
    """`text` is on the page as a reader sees it (the HTML holds it escaped)."""
    return escape(text) in html(response)


def has_field_error(response, field: str, message: str) -> bool:
    """The form came back with `message` shown and `field` marked as wrong."""
    page = html(response)
    return f'class="field has-error" id="field-{field}"' in page and shows(response, message)


def text_of(response, css_class: str) -> str:
    """The text of the first <dd class="…"> in the work meta block (words, chapters, …)."""
    match = re.search(rf'<dd class="{css_class}"[^>]*>(.*?)</dd>', html(response), re.S)
    assert match, f'no <dd class="{css_class}"> on the page'
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def blurb_count(response) -> int:
    return html(response).count('class="work blurb group"')


def sent_to_log_in(response) -> bool:
    """Whether a guest was sent to the login page (a restricted work's answer to guests),
    coming back to the page they asked for."""
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith("/login?next=")
