"""The API's posting, editing and deleting of works and chapters: the posting form's checks
and messages, its services, its rate limits; the owner only; drafts unseen by others; and a
work posted through the API reads on the site exactly as one posted through the form."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from fichive.blocking.services import user_block
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
    """The whole work page as `client` reads it, with the ids in its links (the work's, its
    chapters'), its download links' change stamps and its forms' tokens taken out."""
    page = client.get(f"/works/{work.pk}?view_full_work=true").content.decode()
    assert escape(work.title) in page
    page = re.sub(r"(/(?:works|downloads|work|chapters)/)\d+", r"\1ID", page)
    page = re.sub(r'(name="work_id" value=")\d+', r"\1ID", page)
    page = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", page)
    return re.sub(r"updated_at=\d+", "updated_at=T", page)


TWINS = {
    "html": dict(
        title="Salt & Lanterns", summary="Two keepers,\n\none <em>lighthouse</em>.",
        notes="For the harbour.", end_notes="<p>Thanks!</p><script>alert(1)</script>",
        rating="Teen And Up Audiences", warnings=["No Archive Warnings Apply"],
        categories=["F/F", "Gen"], fandoms=["Original Work", "Lighthouse Keepers"],
        relationships=["Mara/Ines"], characters=["Mara", "Ines"],
        freeforms=["Fluff", "Slow Burn"], language="en", expected_chapters=2,
    ),
    "plain text, restricted, anonymous": dict(
        title="Tide Tables", summary="A <plain> summary.\n\nTwo paragraphs.",
        notes="Notes & more.", rating="General Audiences",
        warnings=["Creator Chose Not To Use Archive Warnings"], fandoms=["Original Work"],
        freeforms=["Epistolary"], language="de", restricted=True, anonymous=True,
        format="text",
    ),
}


@pytest.mark.parametrize("twin", TWINS)
def test_a_work_posted_through_the_api_reads_like_one_posted_through_the_form(
        as_author, author, reader, twin):
    fields = TWINS[twin]
    text = fields.get("format") == "text"
    content = ("First line.\n\nSecond <em>line</em> & more." if text
               else STORY + "<p onclick='x()'>Waves.</p>")
    form = Client()
    form.force_login(author)
    typed = {k: ", ".join(v) if k in ("fandoms", "relationships", "characters", "freeforms")
             else v for k, v in fields.items() if k != "format"}
    by_form = form.post("/works/new", work_form(
        author, **typed, fmt="text" if text else "html",
        **{"chapter-title": "Arrival", "chapter-content": content}))
    assert by_form.status_code == 302
    formed = Work.objects.get()

    by_api = as_author("post", "/api/v1/works", {
        **fields, "chapter": {"title": "Arrival", "text" if text else "html": content}})
    assert by_api.status_code == 201, by_api.content
    api_work = Work.objects.exclude(pk=formed.pk).get()

    # Read by a guest, or by a logged-in reader where guests can't see it.
    viewer = Client()
    if fields.get("restricted"):
        assert viewer.get(f"/api/v1/works/{api_work.pk}").status_code == 404
        viewer.force_login(reader)
    assert _page_without_ids(viewer, api_work) == _page_without_ids(viewer, formed)

    # And the API reads both the same, apart from ids and links.
    def api_read(work: Work) -> dict:
        data = viewer.get(f"/api/v1/works/{work.pk}").json()
        data.pop("id"), data.pop("downloads")
        for chapter in data["chapters"]:
            chapter.pop("id")
        chapter = viewer.get(f"/api/v1/works/{work.pk}/chapters/1").json()
        return {**data, "chapter": chapter}

    assert api_read(api_work) == api_read(formed)
    assert "<script" not in api_read(api_work)["end_notes"]
    if fields.get("anonymous"):
        assert api_read(api_work)["creators"] == []


# ------------------------------------------------------------------- what is refused

def problem(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"rating": "Very Explicit"}, "rating", "Select a valid choice. Very Explicit is not one "
                                            "of the available choices."),
    ({"fandoms": []}, "fandoms", "A work needs at least one fandom."),
    ({"warnings": []}, "warnings", "Choose at least one archive warning."),
    ({"title": ""}, "title", "A work needs a title."),
    ({"title": "x" * 256}, "title", "Ensure this value has at most 255 characters (it has "
                                    "256)."),
    ({"summary": "s" * 1251}, "summary", "The summary is 1,251 characters long; the most is "
                                         "1,250."),
    ({"fandoms": ["General Audiences"]}, "fandoms", "“General Audiences” is already a Rating "
                                                   "tag, so it can't be used as a Fandom tag."),
    ({"language": "xx"}, "language", "Select a valid choice. xx is not one of the available "
                                     "choices."),
    ({"expected_chapters": 0}, "expected_chapters", "Ensure this value is greater than or "
                                                    "equal to 1."),
    ({"pseuds": ["nobody"]}, "pseuds", "You have no pseud named “nobody”."),
    ({"pseuds": []}, "pseuds", "Choose at least one of your pseuds."),
    ({"co_creators": ["no_such_user"]}, "co_creators", "No such user or pseud: "
                                                       "no_such_user."),
    ({"freeforms": ["Fluff, Angst"]}, "freeforms", "“Fluff, Angst” has a comma in it: give "
                                                   "each name as its own item of the list."),
    ({"fandoms": ["Sea Stories", " \t"]}, "fandoms", "One of the names is blank: leave it "
                                                    "out."),
    ({"gifts": ["reader", ""]}, "gifts", "One of the names is blank: leave it out."),
    ({"gifts": [f"Friend {n}" for n in range(21)]}, "gifts", "A work can be a gift to at most "
                                                             "20 recipients (21 given)."),
    ({"series": 999999}, "series", "Choose one of your own series for “Add to one of your "
                                   "series”."),
    ({"title": "Nul\x00l"}, "title", "Null characters are not allowed."),
    ({"fandoms": ["Nul\x00l"]}, "fandoms", "Null characters are not allowed."),
    ({"chapter": {"html": "<p>Nul\x00l</p>"}}, "chapter.html",
     "Null characters are not allowed."),
    ({"chapter": {"html": ""}}, "chapter.html", "The chapter has no text."),
    ({"chapter": {}}, "chapter.html", "The chapter has no text."),
    ({"chapter": {"html": "<p><script>alert(1)</script></p>"}}, "chapter.html",
     "The chapter has no text."),
    ({"chapter": {"text": "   "}}, "chapter.text", "The chapter has no text."),
    ({"chapter": {"html": STORY, "summary": "s" * 1251}}, "chapter.summary",
     "The chapter summary is 1,251 characters long; the most is 1,250."),
    ({"chapter": {"html": STORY, "text": "Also."}}, "chapter.html",
     "Give the chapter's text once: as html, or as plain text in text."),
])
def test_what_the_form_refuses_is_refused_with_its_message_naming_the_field(
        as_author, fields, field, message):
    before = counts()

    data = problem(post_work(as_author, **fields))

    assert message in data["errors"][field], data
    assert data["detail"].startswith(field)
    assert counts() == before


def test_tags_over_the_limit_are_refused_and_no_tag_is_created(as_author):
    before = counts()

    data = problem(post_work(as_author, freeforms=[f"Tag {n}" for n in range(75)]))

    assert data["errors"]["freeforms"] == [
        "A work can have at most 75 fandom, relationship, character and additional tags "
        "together; this one has 76."]
    assert counts() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"title": 5}, "title"),
    ({"fandoms": "Original Work"}, "fandoms"),
    ({"restricted": "perhaps"}, "restricted"),
    ({"expected_chapters": 10**40}, "expected_chapters"),
    ({"series": 10**40}, "series"),
    ({"format": "markdown"}, "format"),
    ({"chapter": "Once upon a time"}, "chapter"),
    ({"titel": "Typo"}, "titel"),
])
def test_wrong_types_and_unknown_fields_are_problems_naming_them(as_author, body, field):
    data = problem(post_work(as_author, **body))

    assert field in data["errors"], data


def test_missing_fields_and_bodies_are_problems(as_author):
    missing = problem(as_author("post", "/api/v1/works", {"title": "Only a title"}))
    assert {"fandoms", "warnings", "chapter"} <= set(missing["errors"])
    assert problem(as_author("post", "/api/v1/works", None))["status"] == 400


def test_a_failing_gift_leaves_no_work_behind(as_author, author, reader):
    user_block(user=reader, blocked=author)
    before = counts()

    data = problem(post_work(as_author, gifts=["carol"]))

    assert "they have blocked you" in data["errors"]["gifts"][0]
    assert counts() == before and not Gift.objects.exists()


def test_inviting_a_co_creator_who_blocks_you_leaves_no_work_behind(as_author, author,
                                                                     co_author):
    user_block(user=co_author, blocked=author)
    before = counts()

    data = problem(post_work(as_author, co_creators=["bob"]))

    assert data["errors"] == {"co_creators": [
        "You can't invite bob to be a co-creator: they have blocked you."]}
    assert counts() == before and not CreatorInvitation.objects.exists()


def test_a_too_long_new_series_title_leaves_no_work_behind(as_author):
    before = counts()

    data = problem(post_work(as_author, series_title="s" * 256))

    assert "series_title" in data["errors"]
    assert counts() == before and not Series.objects.exists()


def test_a_suspended_user_is_refused_with_the_sites_message(client, suspended, bearer_for):
    response = send(client, "post", "/api/v1/works", new_work(),
                    bearer_for(suspended, "write"))

    data = problem(response, 403)
    assert "suspended" in data["detail"] and "Spamming comment threads" in data["detail"]
    assert not Work.objects.exists()


@pytest.fixture
def low_limits(monkeypatch):
    monkeypatch.setattr(views, "NEW_WORKS", RateLimit("fichive:works:new", limit=2,
                                                      window=3600))
    monkeypatch.setattr(views, "NEW_CHAPTERS", RateLimit("fichive:chapters:new", limit=2,
                                                         window=3600))


def test_new_works_share_the_posting_forms_limit(as_author, author, low_limits):
    form = Client()
    form.force_login(author)
    assert form.post("/works/new", work_form(author, title="By the form")).status_code == 302
    assert post_work(as_author, title="By the API", draft=True).status_code == 201

    refused = post_work(as_author, title="Three")

    data = problem(refused, 429)
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert data["detail"].startswith("You have added 2 works in the last hour. Nothing was "
                                     "saved: please wait")
    assert not Work.objects.filter(title="Three").exists()
    assert form.post("/works/new", work_form(author, title="Four")).status_code == 429


def test_new_chapters_share_the_chapter_forms_limit(as_author, author, low_limits):
    work = WorkFactory(author=author)
    for _ in range(2):
        assert as_author("post", f"/api/v1/works/{work.pk}/chapters",
                         {"html": STORY}).status_code == 201

    data = problem(as_author("post", f"/api/v1/works/{work.pk}/chapters", {"html": STORY}),
                   429)

    assert data["detail"].startswith("You have added 2 chapters in the last hour.")
    assert work.chapters.count() == 3


# ------------------------------------------------------------------------ who may

WRITES = [
    ("post", "/api/v1/works", "new"),
    ("patch", "/api/v1/works/{id}", {"title": "Mine now"}),
    ("post", "/api/v1/works/{id}/post", None),
    ("delete", "/api/v1/works/{id}", None),
    ("post", "/api/v1/works/{id}/chapters", {"html": STORY}),
    ("patch", "/api/v1/works/{id}/chapters/1", {"title": "Mine now"}),
    ("delete", "/api/v1/works/{id}/chapters/1", None),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_writes_need_a_token_with_the_write_scope(client, author, bearer_for, method, url,
                                                  body):
    work = WorkFactory(author=author, chapters=[STORY, STORY])
    url, body = url.format(id=work.pk), new_work() if body == "new" else body
    before = counts()

    assert problem(send(client, method, url, body, {}), 401)["status"] == 401
    # A logged-in browser session doesn't write either (the API takes no CSRF token).
    client.force_login(author)
    assert send(client, method, url, body, {}).status_code == 401
    read_only = problem(send(client, method, url, body, bearer_for(author, "read")), 403)
    assert "“write” scope" in read_only["detail"]
    assert counts() == before


@pytest.mark.parametrize(("method", "url", "body"), WRITES[1:])
def test_other_users_works_are_403_if_they_can_see_them_else_404(
        client, author, reader, bearer_for, method, url, body):
    posted = WorkFactory(author=author, title="Posted", chapters=[STORY, STORY])
    draft = WorkFactory(author=author, title="Draft", chapters=[STORY, STORY], post=False)
    headers = bearer_for(reader, "read", "write")

    refused = problem(send(client, method, url.format(id=posted.pk), body, headers), 403)
    assert refused["detail"] == "Only the work's creators can change it."
    hidden = problem(send(client, method, url.format(id=draft.pk), body, headers), 404)
    assert hidden["detail"] == "No such work."
    missing = send(client, method, url.format(id=10**30), body, headers)
    assert problem(missing, 404)["status"] == 404
    assert set(Work.objects.values_list("title", flat=True)) == {"Posted", "Draft"}
    assert Chapter.objects.count() == 4


def test_a_co_creator_may_edit_the_work(client, author, co_author, bearer_for):
    work = WorkFactory(author=author, creators=[author.default_pseud,
                                                co_author.default_pseud])

    response = send(client, "patch", f"/api/v1/works/{work.pk}", {"title": "Ours"},
                    bearer_for(co_author, "write"))

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Ours"
    assert [c["user"] for c in response.json()["creators"]] == ["alice", "bob"]


# ------------------------------------------------------------------------ drafts

def test_a_draft_is_seen_only_by_its_creator_until_posted(as_author, client, reader,
                                                          bearer_for):
    data = post_work(as_author, title="Not Yet", draft=True).json()
    work_id = data["id"]
    assert data["published"] is None

    reader_token = bearer_for(reader, "read")
    for who in ({}, reader_token):
        assert client.get(f"/api/v1/works/{work_id}", **who).status_code == 404
        assert client.get(f"/api/v1/works/{work_id}/chapters/1", **who).status_code == 404
        assert work_id not in [w["id"] for w in client.get("/api/v1/works", **who).json()
                               ["works"]]
    assert Client().get(f"/works/{work_id}").status_code == 404
    reading = Client()
    reading.force_login(reader)
    assert reading.get(f"/works/{work_id}").status_code == 404
    assert as_author("get", f"/api/v1/works/{work_id}").json()["title"] == "Not Yet"

    posted = as_author("post", f"/api/v1/works/{work_id}/post")

    assert posted.status_code == 200, posted.content
    assert posted.json()["published"] is not None
    assert client.get(f"/api/v1/works/{work_id}").json()["title"] == "Not Yet"
    assert Client().get(f"/works/{work_id}").status_code == 200
    # Posting again changes nothing.
    assert as_author("post", f"/api/v1/works/{work_id}/post").json() == posted.json()


def test_a_chapter_added_to_a_draft_waits_for_the_work(as_author, author, client):
    work = WorkFactory(author=author, post=False)

    added = as_author("post", f"/api/v1/works/{work.pk}/chapters", {"html": STORY})

    assert added.status_code == 201
    assert Work.objects.get(pk=work.pk).state == Work.State.DRAFT
    assert client.get(f"/api/v1/works/{work.pk}/chapters/2").status_code == 404


# ---------------------------------------------------------------- everything else it takes

def test_pseuds_co_creators_gifts_and_a_new_series(as_author, author, co_author, reader):
    second = author.pseuds.create(name="Lantern")

    data = post_work(as_author, pseuds=["Lantern", "alice"], co_creators=["bob"],
                     gifts=["carol", "A Friend"], series_title="Harbour Tales").json()

    # In the order of the user's pseuds, as the form's ticked boxes give them.
    assert sorted(c["pseud"] for c in data["creators"]) == ["Lantern", "alice"]
    work = Work.objects.get(pk=data["id"])
    invitation = CreatorInvitation.objects.get(work=work)
    assert invitation.pseud == co_author.default_pseud and invitation.invited_by == author
    assert sorted(g.recipient_name for g in Gift.objects.filter(work=work)) == [
        "A Friend", "carol"]
    assert Gift.objects.get(work=work, pseud__isnull=False).pseud == reader.default_pseud
    series = Series.objects.get()
    assert data["series"] == [{"id": series.pk, "title": "Harbour Tales", "part": 1}]
    assert second.pk in work.creatorships.values_list("pseud_id", flat=True)

    # The next work joins that series by its id.
    second_part = post_work(as_author, title="Part Two", series=series.pk).json()
    assert second_part["series"] == [{"id": series.pk, "title": "Harbour Tales", "part": 2}]


def test_someone_elses_series_is_refused(as_author, reader):
    from fichive.series.services import series_create

    theirs = series_create(user=reader, title="Carol's", pseuds=None)

    data = problem(post_work(as_author, series=theirs.pk))

    assert "series" in data["errors"]
    assert not Work.objects.exists()


def test_an_anonymous_work_never_names_its_creator(as_author, client, reader, bearer_for):
    data = post_work(as_author, anonymous=True).json()

    assert data["anonymous"] is True
    for who in ({}, bearer_for(reader, "read")):
        read = client.get(f"/api/v1/works/{data['id']}", **who).json()
        assert read["creators"] == [] and "alice" not in json.dumps(read)
    assert "alice" not in Client().get(f"/works/{data['id']}").content.decode()


def test_a_restricted_work_is_hidden_from_guests(as_author, client, reader, bearer_for):
    data = post_work(as_author, restricted=True).json()

    assert data["restricted"] is True
    assert client.get(f"/api/v1/works/{data['id']}").status_code == 404
    assert client.get(f"/api/v1/works/{data['id']}",
                      **bearer_for(reader, "read")).status_code == 200


def test_plain_text_is_taken_as_the_form_takes_it(as_author):
    data = post_work(as_author, summary="One line.\n\nAnother <b>bold</b> line.",
                     format="text", chapter={"text": "First paragraph.\n\nSecond & last.",
                                             "notes": "Plain *notes*"}).json()

    assert data["summary"] == "<p>One line.</p>\n<p>Another &lt;b&gt;bold&lt;/b&gt; line.</p>"
    chapter = as_author("get", f"/api/v1/works/{data['id']}/chapters/1").json()
    assert chapter["html"] == "<p>First paragraph.</p>\n<p>Second &amp; last.</p>"
    assert chapter["notes"] == "<p>Plain *notes*</p>"


def test_html_is_sanitized_as_on_the_site(as_author):
    data = post_work(as_author, notes='<p onclick="steal()">Hi <a href="javascript:x">there'
                                      '</a></p>', chapter={
        "html": '<p>Story</p><iframe src="https://example.com"></iframe><script>x</script>'}
    ).json()

    assert "onclick" not in data["notes"] and "javascript" not in data["notes"]
    chapter = as_author("get", f"/api/v1/works/{data['id']}/chapters/1").json()
    assert chapter["html"].startswith("<p>Story</p>")
    assert "iframe" not in chapter["html"] and "script" not in chapter["html"]


def test_complete_sets_the_expected_count(as_author):
    data = post_work(as_author, complete=True).json()

    assert data["expected_chapters"] == 1 and data["complete"] is True


# --------------------------------------------------------------------------- editing

def test_patch_changes_only_what_is_sent(as_author, author):
    created = post_work(
        as_author, title="Before", summary="<p>Kept <em>summary</em>.</p>",
        notes="Kept notes.", freeforms=["Fluff"], characters=["Mara"], restricted=True,
        expected_chapters=4, categories=["Gen"], gifts=["A Friend"],
        series_title="Kept Series").json()
    url = f"/api/v1/works/{created['id']}"

    response = as_author("patch", url, {"title": "After", "freeforms": ["Angst", "Fluff"]})

    assert response.status_code == 200, response.content
    changed = response.json()
    assert changed["title"] == "After" and changed["freeforms"] == ["Angst", "Fluff"]
    unchanged = {k: v for k, v in created.items() if k not in ("title", "freeforms",
                                                                "downloads", "updated")}
    assert {k: changed[k] for k in unchanged} == unchanged
    assert Gift.objects.get().recipient_name == "A Friend"
    assert as_author("get", url).json() == changed


def test_patch_of_a_plain_text_work_keeps_its_texts(as_author):
    created = post_work(as_author, summary="One.\n\nTwo.", format="text",
                        chapter={"text": "Story."}).json()
    url = f"/api/v1/works/{created['id']}"

    for body in ({"title": "Renamed"}, {"notes": "New <notes>", "format": "text"},
                 {"end_notes": "<p>End</p>", "format": "html"}):
        assert as_author("patch", url, body).status_code == 200

    data = as_author("get", url).json()
    assert data["summary"] == created["summary"]
    assert data["notes"] == "<p>New &lt;notes&gt;</p>" and data["end_notes"] == "<p>End</p>"


def test_patch_null_expected_chapters_means_unknown(as_author, author):
    work = WorkFactory(author=author, chapters=[STORY, STORY], expected_chapters=5)

    data = as_author("patch", f"/api/v1/works/{work.pk}", {"expected_chapters": None}).json()
    assert data["expected_chapters"] is None
    refused = problem(as_author("patch", f"/api/v1/works/{work.pk}", {"expected_chapters": 1}))
    assert refused["errors"]["expected_chapters"] == [
        "The work already has 2 chapters; expect at least that many."]


def test_patch_is_checked_like_the_edit_form(as_author, author):
    work = WorkFactory(author=author, title="Kept")

    for body, field in [({"fandoms": []}, "fandoms"), ({"rating": "Loud"}, "rating"),
                        ({"title": " "}, "title"), ({"leave_series": [1]}, "leave_series"),
                        ({"leave_series": [10**40]}, "leave_series.0"),
                        ({"title": None, "titel": "x"}, "titel")]:
        assert field in problem(as_author("patch", f"/api/v1/works/{work.pk}",
                                          body))["errors"]
    assert Work.objects.get(pk=work.pk).title == "Kept"


def test_patch_moves_a_work_between_series(as_author, author):
    first = post_work(as_author, series_title="First").json()
    url = f"/api/v1/works/{first['id']}"
    series = Series.objects.get()

    moved = as_author("patch", url, {"leave_series": [series.pk],
                                     "series_title": "Second"}).json()

    assert [s["title"] for s in moved["series"]] == ["Second"]


def test_patch_of_a_draft_keeps_it_a_draft(as_author, author, client):
    work = WorkFactory(author=author, post=False)

    assert as_author("patch", f"/api/v1/works/{work.pk}", {"title": "Still"}).status_code == 200

    assert Work.objects.get(pk=work.pk).state == Work.State.DRAFT
    assert client.get(f"/api/v1/works/{work.pk}").status_code == 404


# --------------------------------------------------------------------------- deleting

def test_deleting_a_work_really_deletes_it(as_author, author, client):
    data = post_work(as_author, freeforms=["Once Only"]).json()
    tag = Tag.objects.get(name="Once Only")
    assert tag.uses == 1

    response = as_author("delete", f"/api/v1/works/{data['id']}")

    assert response.status_code == 204 and response.content == b""
    assert not Work.objects.exists() and not Chapter.objects.exists()
    tag.refresh_from_db()
    assert tag.uses == 0
    assert client.get(f"/api/v1/works/{data['id']}").status_code == 404
    assert Client().get(f"/works/{data['id']}").status_code == 404
    assert as_author("delete", f"/api/v1/works/{data['id']}").status_code == 404


# --------------------------------------------------------------------------- chapters

def test_adding_a_chapter_answers_201_with_it_and_its_location(as_author, author, client):
    work = WorkFactory(author=author)

    response = as_author("post", f"/api/v1/works/{work.pk}/chapters", {
        "title": "Storm", "html": STORY, "summary": "Rain.", "notes": "N", "end_notes": "E"})

    assert response.status_code == 201, response.content
    assert response["Location"] == f"http://testserver/api/v1/works/{work.pk}/chapters/2"
    data = response.json()
    assert data == {"position": 2, "title": "Storm", "summary": "<p>Rain.</p>",
                    "notes": "<p>N</p>", "end_notes": "<p>E</p>", "html": STORY, "words": 11}
    assert client.get(response["Location"]).json() == data
    assert [c["title"] for c in client.get(f"/api/v1/works/{work.pk}").json()["chapters"]
            ] == ["", "Storm"]


def test_a_chapter_is_checked_like_the_chapter_form(as_author, author):
    work = WorkFactory(author=author)
    url = f"/api/v1/works/{work.pk}/chapters"

    assert problem(as_author("post", url, {"title": "Empty"}))["errors"] == {
        "html": ["The chapter has no text."]}
    assert "title" in problem(as_author("post", url, {"html": STORY, "title": "t" * 256})
                              )["errors"]
    assert "notes" in problem(as_author("post", url, {"html": STORY, "notes": "n" * 5001})
                              )["errors"]
    assert "html" in problem(as_author("post", url, {"html": STORY, "text": "x"}))["errors"]
    assert work.chapters.count() == 1


def test_patching_a_chapter_changes_only_what_is_sent(as_author, author, client):
    work = WorkFactory(author=author, chapters=[STORY, "<p>Second.</p>"])
    url = f"/api/v1/works/{work.pk}/chapters/2"
    as_author("patch", url, {"title": "Two", "notes": "<p>Note</p>"})

    data = as_author("patch", url, {"summary": "Short."}).json()

    assert data["title"] == "Two" and data["notes"] == "<p>Note</p>"
    assert data["summary"] == "<p>Short.</p>" and data["html"] == "<p>Second.</p>"
    as_author("patch", url, {"text": "Plain & simple."})
    assert client.get(url).json()["html"] == "<p>Plain &amp; simple.</p>"
    assert client.get(url).json()["notes"] == "<p>Note</p>"
    assert problem(as_author("patch", url, {"html": ""}))["errors"] == {
        "html": ["The chapter has no text."]}
    assert problem(as_author("patch", f"/api/v1/works/{work.pk}/chapters/3", {}),
                   404)["detail"] == "No such chapter."


def test_deleting_a_chapter_but_never_the_only_one(as_author, author, client):
    work = WorkFactory(author=author, chapters=[STORY, "<p>Second.</p>", "<p>Third.</p>"])

    assert as_author("delete", f"/api/v1/works/{work.pk}/chapters/2").status_code == 204

    assert [c.content for c in work.chapters.order_by("position")] == [STORY, "<p>Third.</p>"]
    assert client.get(f"/api/v1/works/{work.pk}/chapters/2").json()["html"] == "<p>Third.</p>"
    assert as_author("delete", f"/api/v1/works/{work.pk}/chapters/2").status_code == 204
    only = problem(as_author("delete", f"/api/v1/works/{work.pk}/chapters/1"), 409)
    assert only["detail"] == "A work needs at least one chapter; delete the work instead."
    assert work.chapters.count() == 1


def test_the_schema_describes_the_posting_operations(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {"post", "get"} <= set(paths["/api/v1/works"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/works/{work_id}"])
    assert "post" in paths["/api/v1/works/{work_id}/post"]
    assert {"patch", "delete", "get"} <= set(paths["/api/v1/works/{work_id}/chapters/{position}"])
    created = paths["/api/v1/works"]["post"]["responses"]
    assert {"201", "400", "401", "403", "429"} <= set(created)


def test_a_work_hidden_by_a_moderator_stays_hidden_and_only_its_creator_edits_it(
        as_author, author, reader, moderator, client, bearer_for):
    from fichive.moderation.services import work_hide

    work = WorkFactory(author=author, chapters=[STORY, STORY])
    work_hide(actor=moderator, work=work, reason="Spam")
    others = bearer_for(reader, "read", "write")

    assert problem(send(client, "patch", f"/api/v1/works/{work.pk}", {"title": "X"}, others),
                   404)
    assert problem(send(client, "delete", f"/api/v1/works/{work.pk}", None, others), 404)
    edited = as_author("patch", f"/api/v1/works/{work.pk}", {"title": "Fixed"})
    assert edited.status_code == 200 and edited.json()["title"] == "Fixed"
    # Posting it doesn't bring it back: only a moderator does.
    assert as_author("post", f"/api/v1/works/{work.pk}/post").status_code == 200
    assert Work.objects.get(pk=work.pk).state == Work.State.HIDDEN
    assert client.get(f"/api/v1/works/{work.pk}").status_code == 404


@pytest.mark.parametrize(("method", "url", "body"), [
    ("patch", "/api/v1/works/{id}", {"title": "Mine now"}),
    ("post", "/api/v1/works/{id}/chapters", {"html": STORY}),
    ("patch", "/api/v1/works/{id}/chapters/1", {"title": "Mine now"}),
])
def test_a_suspended_author_cant_change_their_works(client, author, bearer_for, method,
                                                    url, body):
    from fichive.accounts.models import User

    work = WorkFactory(author=author, title="Before")
    User.objects.filter(pk=author.pk).update(
        suspended_until=timezone.now() + datetime.timedelta(days=3),
        suspension_reason="Spamming comment threads")

    data = problem(send(client, method, url.format(id=work.pk), body,
                        bearer_for(author, "write")), 403)

    assert "suspended" in data["detail"] and "Spamming comment threads" in data["detail"]
    assert Work.objects.get().title == "Before" and Chapter.objects.count() == 1


# Who may edit a work in each state, by PATCH: its creators (after orphaning only the
# co-creator who stayed); others who can see it 403; others who can't 404.
EDITORS = ("creator", "cocreator", "reader", "moderator")
MAY_EDIT = {
    "posted": (200, 200, 403, 403),
    "restricted": (200, 200, 403, 403),
    "draft": (200, 200, 404, 404),
    "hidden": (200, 200, 404, 403),
    "anonymous": (200, 200, 403, 403),
    "orphaned": (403, 200, 403, 403),
}


@pytest.mark.parametrize("state", MAY_EDIT)
def test_who_may_edit_a_work_in_each_state(client, author, co_author, reader, moderator,
                                           bearer_for, state):
    from fichive.moderation.services import work_hide
    from fichive.works.services import work_orphan

    work = WorkFactory(author=author, title="Before",
                       creators=[author.default_pseud, co_author.default_pseud],
                       restricted=state == "restricted", anonymous=state == "anonymous",
                       post=state != "draft")
    if state == "hidden":
        work_hide(actor=moderator, work=work, reason="Spam")
    if state == "orphaned":
        work_orphan(user=author, work=work, keep_pseud_name=False)
    people = dict(zip(EDITORS, (author, co_author, reader, moderator), strict=True))

    for who, expected in zip(EDITORS, MAY_EDIT[state], strict=True):
        response = send(client, "patch", f"/api/v1/works/{work.pk}", {"title": f"By {who}"},
                        bearer_for(people[who], "write"))
        assert response.status_code == expected, (who, response.content)
        title = Work.objects.get(pk=work.pk).title
        assert (title == f"By {who}") == (expected == 200)
