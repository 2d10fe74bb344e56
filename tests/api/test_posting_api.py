"""The API's posting, editing and deleting of works and chapters: the posting form's checks
and messages, its services, its rate limits; the owner only; drafts unseen by others; and a
work posted through the API reads on the site exactly as one posted through the form."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils.html import escape

from fichive.gifts.models import Gift
from fichive.lib.ratelimit import RateLimit
from fichive.series.models import Series
from fichive.tags.models import Tag
from fichive.works import views
from fichive.works.models import Chapter, CreatorInvitation, Work
from tests.factories import WorkFactory
from tests.works.helpers import counts, work_form

STORY = "<p>The lantern burned low while she wrote the last letter home.</p>"


def new_work(**fields) -> dict:
    """A new work as a client sends it: one fandom, one warning, the chapter's HTML."""
    body: dict = {
        "title": "The Quiet Harbour",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Original Work"],
        "chapter": {"html": STORY},
    }
    body.update(fields)
    return body


def send(client: Client, method: str, url: str, body: dict | None, headers: dict):
    call = getattr(client, method)
    if body is None:
        return call(url, **headers)
    return call(url, data=json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def as_author(client, author, bearer_for):
    headers = bearer_for(author, "read", "write")

    def call(method: str, url: str, body: dict | None = None):
        return send(client, method, url, body, headers)

    return call


def post_work(as_author, **fields):
    return as_author("post", "/api/v1/works", new_work(**fields))


# ---------------------------------------------------------------------------- posting


def test_posting_a_work_answers_201_with_the_work_and_its_location(as_author, client, author):
    response = post_work(
        as_author, title="Salt and Lanterns", summary="Two keepers, one lighthouse.",
        freeforms=["Fluff", "Slow Burn"], characters=["Mara"], categories=["F/F"],
        relationships=["Mara/Ines"], notes="<p>For the harbour.</p>",
        end_notes="Thanks for reading.", language="en", expected_chapters=3,
        chapter={"title": "Arrival", "html": STORY, "summary": "She lands.",
                 "notes": "First.", "end_notes": "More soon."})

    assert response.status_code == 201, response.content
    data = response.json()
    work = Work.objects.get()
    assert data["id"] == work.pk
    assert response["Location"] == f"http://testserver/api/v1/works/{work.pk}"
    assert data["title"] == "Salt and Lanterns"
    assert data["summary"] == "<p>Two keepers, one lighthouse.</p>"
    assert data["freeforms"] == ["Fluff", "Slow Burn"]
    assert data["categories"] == ["F/F"] and data["relationships"] == ["Mara/Ines"]
    assert data["rating"] == "General Audiences"
    assert data["expected_chapters"] == 3 and data["complete"] is False
    assert data["published"] is not None
    assert data["creators"] == [{"pseud": "alice", "user": "alice", "byline": "alice"}]
    assert data["chapters"] == [{"id": work.chapters.get().pk, "position": 1,
                                 "title": "Arrival", "words": 11}]
    # What GET answers for it, to anyone.
    assert client.get(response["Location"]).json() == data
    chapter = client.get(f"/api/v1/works/{work.pk}/chapters/1").json()
    assert chapter["html"] == STORY and chapter["summary"] == "<p>She lands.</p>"
    assert chapter["end_notes"] == "<p>More soon.</p>"


# ------------------------------------------------------------------- the form's twin

def _page_without_ids(client: Client, work: Work) -> str:
    """The whole work page as a guest reads it, with the ids in its links (the work's, its
    chapters') and its download links' change stamps taken out."""
    page = client.get(f"/works/{work.pk}?view_full_work=true").content.decode()
    assert escape(work.title) in page
    page = re.sub(r"(/(?:works|downloads|work|chapters)/)\d+", r"\1ID", page)
    return re.sub(r"updated_at=\d+", "updated_at=T", page)


def test_a_work_posted_through_the_api_reads_like_one_posted_through_the_form(
        as_author, author, client):
    fields = dict(
        title="Salt & Lanterns", summary="Two keepers,\n\none <em>lighthouse</em>.",
        notes="For the harbour.", end_notes="<p>Thanks!</p><script>alert(1)</script>",
        rating="Teen And Up Audiences", warnings=["No Archive Warnings Apply"],
        categories=["F/F", "Gen"], fandoms=["Original Work", "Lighthouse Keepers"],
        relationships=["Mara/Ines"], characters=["Mara", "Ines"],
        freeforms=["Fluff", "Slow Burn"], language="en", expected_chapters=2,
    )
    chapter = {"title": "Arrival", "content": STORY + "<p onclick='x()'>Waves.</p>"}
    form = Client()
    form.force_login(author)
    by_form = form.post("/works/new", work_form(
        author, **{k: ", ".join(v) if k in ("fandoms", "relationships", "characters",
                                             "freeforms") else v for k, v in fields.items()},
        **{"chapter-title": chapter["title"], "chapter-content": chapter["content"]}))
    assert by_form.status_code == 302
    formed = Work.objects.get()

    by_api = as_author("post", "/api/v1/works", {
        **fields, "chapter": {"title": chapter["title"], "html": chapter["content"]}})
    assert by_api.status_code == 201, by_api.content
    api_work = Work.objects.exclude(pk=formed.pk).get()

    guest = Client()
    assert _page_without_ids(guest, api_work) == _page_without_ids(guest, formed)
    # And the API reads both the same, apart from ids and links.
    def api_read(work: Work) -> dict:
        data = guest.get(f"/api/v1/works/{work.pk}").json()
        data.pop("id"), data.pop("downloads")
        for chapter in data["chapters"]:
            chapter.pop("id")
        return data
    assert api_read(api_work) == api_read(formed)
    assert "<script" not in api_read(api_work)["end_notes"]
