"""AO3's archivist import API, compatible (POST /api/v2/works and /api/v2/works/search): fed
by a real local web server serving chapter pages, hostile ones included; works created for
an unclaimed account per external author email, claimable by the mailed link, readable on the
site; AO3's request and answer shapes, statuses and errors."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from fichive.accounts.models import User
from fichive.api import v1
from fichive.api.services import token_create
from fichive.formats.models import ImportedAuthor
from fichive.lib.ratelimit import RateLimit
from fichive.works.models import Work
from tests.factories import PASSWORD, WorkFactory, user_with
from tests.formats.builders import ao3_html
from tests.pages_server import Route, pages_server

PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1>
<p>{text}</p>
<p>Another paragraph of the story, so that it reads like one.</p>
</body></html>"""


@pytest.fixture
def server(settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = ["127.0.0.1"]  # the local server, by that name only
    with pages_server() as running:
        running.page("/story/1.html", PAGE.format(title="Moonrise", text="The moon rose."))
        running.page("/story/2.html", PAGE.format(title="Chapter Two: Tides",
                                                 text="The tide came in."))
        running.page("/other/1.html", PAGE.format(title="Sunset", text="The sun set."))
        yield running


@pytest.fixture
def mail_dir(settings, tmp_path):
    """The project's own mail backend: each message a file in the mail folder."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return tmp_path / "mail"


def _mails(mail_dir) -> list[str]:
    return [p.read_text() for p in sorted(mail_dir.iterdir())] if mail_dir.exists() else []


@pytest.fixture
def archivist(db):
    return user_with("opendoors", is_archivist=True)


def token_header(user: User, *scopes: str) -> dict[str, str]:
    """AO3's tools' header: Authorization: Token token=…"""
    _, secret = token_create(user=user, name=f"tool {len(scopes)} {'-'.join(scopes)}",
                             scopes=list(scopes or ("archivist",)))
    return {"HTTP_AUTHORIZATION": f'Token token="{secret}"'}


def post(client, path: str, body: object, headers: dict[str, str]):
    return client.post(path, data=json.dumps(body), content_type="application/json",
                       **headers)


def work_item(server, *paths: str, **fields: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": "123", "chapter_urls": [server.url(p) for p in paths],
        "fandoms": "Harry Potter - J. K. Rowling", "rating": "General Audiences",
        "warnings": "No Archive Warnings Apply", "characters": "Luna Lovegood",
        "additional_tags": "Fluff, Moon", "summary": "<p>A night by the lake.</p>",
        "external_author_name": "Moonlit Quill", "external_author_email": "moon@example.org",
    }
    item.update(fields)
    return item


def test_a_batch_answers_per_work_and_the_good_one_is_created_unclaimed_and_claimable(
        client, server, archivist, mail_dir):
    headers = token_header(archivist)
    body = {"archivist": "opendoors", "send_claim_emails": True, "works": [
        work_item(server, "/story/1.html", "/story/2.html", title="Moonrise & Tides"),
        work_item(server, "/missing.html", id=7, title="Lost"),
    ]}

    response = post(client, "/api/v2/works", body, headers)

    assert response.status_code == 400
    answer = response.json()
    assert answer["status"] == "bad_request"
    assert "Claim emails were sent to Moonlit Quill." in answer["messages"]
    good, bad = answer["works"]
    assert set(good) == {"status", "archive_url", "original_id", "original_url", "messages"}
    assert good["status"] == "created" and good["original_id"] == "123"
    assert good["original_url"] == server.url("/story/1.html")
    work_id = int(re.search(r"/works/(\d+)$", good["archive_url"]).group(1))
    assert good["archive_url"] == f"http://testserver/works/{work_id}"
    assert bad["status"] == "unprocessable_entity" and bad["original_id"] == 7
    assert bad["archive_url"] == ""
    assert any("Chapter 1" in m and "answered 404" in m for m in bad["messages"])
    assert Work.objects.filter(title="Lost").count() == 0

    work = Work.objects.get(pk=work_id)
    account = work.creators.get().user
    assert (account.claimed, account.email) == (False, "moon@example.org")
    assert work.source_url == server.url("/story/1.html")
    assert work.imported_creator == ""
    # Each page's own title names its chapter ("Chapter Two: Tides" gives "Tides").
    assert [c.title for c in work.chapters.order_by("position")] == ["Moonrise", "Tides"]
    assert {t.name for t in work.tags.all()} >= {
        "Harry Potter - J. K. Rowling", "General Audiences", "No Archive Warnings Apply",
        "Luna Lovegood", "Fluff", "Moon"}

    # Readable on the site, as a guest, like any work.
    page = client.get(f"/works/{work_id}?view_adult=true&view_full_work=true")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Moonrise" in html and "The moon rose." in html and "Moonlit" in html

    # The author gets the mail naming the work, follows the link, and has the account.
    [mail] = _mails(mail_dir)
    assert "To: moon@example.org" in mail and "opendoors" in mail
    assert "- Moonrise & Tides: http://testserver/works/" in mail
    link = re.search(r"http://testserver(/claim/\S+)", mail).group(1)
    client.post(link, {"username": "moonlit", "password1": PASSWORD, "password2": PASSWORD})
    account.refresh_from_db()
    assert account.claimed and account.username == "moonlit"
    assert work.creators.get().user == account


def test_the_same_original_url_again_is_found_not_duplicated(client, server, archivist):
    headers = token_header(archivist)
    first = post(client, "/api/v2/works", {"works": [work_item(server, "/story/1.html")]},
                 headers).json()["works"][0]

    again = post(client, "/api/v2/works",
                 {"works": [work_item(server, "/story/1.html", title="Other title")]}, headers)

    assert again.status_code == 200 and again.json()["status"] == "ok"
    [found] = again.json()["works"]
    assert found["status"] == "found" and found["archive_url"] == first["archive_url"]
    assert Work.objects.count() == 1
    assert server.hits["/story/1.html"] == 1  # found before fetching anything


def test_one_account_per_author_email_with_a_pseud_per_name(client, server, archivist):
    headers = token_header(archivist)
    post(client, "/api/v2/works", {"works": [
        work_item(server, "/story/1.html"),
        work_item(server, "/other/1.html", external_author_name="Quill Moon",
                  external_author_email="MOON@example.org",
                  external_coauthor_name="Tide Writer",
                  external_coauthor_email="tide@example.org"),
    ]}, headers)

    moonrise, sunset = Work.objects.order_by("pk")
    [account] = {c.pseud.user for c in moonrise.creatorships.all()}
    assert {c.pseud.name for c in sunset.creatorships.all()} == {"Quill Moon", "Tide Writer"}
    assert {c.pseud.user for c in sunset.creatorships.all()} - {account} != set()
    assert account.pseuds.filter(name="Quill Moon").exists()
    assert ImportedAuthor.objects.filter(source__startswith="mailto:").count() == 2
    assert User.objects.filter(claimed=False).count() == 2


def test_a_redirect_to_a_private_address_fails_the_work_and_leaves_nothing(
        client, server, archivist):
    server.routes["/sneaky.html"] = Route(
        status=302, headers={"Location": "http://localhost:{port}/story/1.html"})
    server.routes["/huge.html"] = Route(b"<p>" + b"x" * (1024 * 1024) + b"</p>", repeat=8,
                                        length=False)
    server.routes["/picture.png"] = Route(b"\x89PNG", content_type="image/png")
    headers = token_header(archivist)

    response = post(client, "/api/v2/works", {"works": [
        work_item(server, "/sneaky.html"),
        work_item(server, "/story/1.html", "/huge.html", external_author_email="x@example.org"),
        work_item(server, "/picture.png", external_author_email="y@example.org"),
    ]}, headers)

    answer = response.json()
    assert response.status_code == 400
    assert "No work was imported" in answer["messages"][-1]
    messages = [" ".join(w["messages"]) for w in answer["works"]]
    assert [w["status"] for w in answer["works"]] == ["unprocessable_entity"] * 3
    assert "private or local network" in messages[0]
    assert "Chapter 2" in messages[1] and "larger than 5 MB" in messages[1]
    assert "image/png" in messages[2]
    assert "/story/1.html" not in server.hits or server.hits["/story/1.html"] == 1
    assert Work.objects.count() == 0
    assert not User.objects.filter(claimed=False).exists()  # no account left behind


def test_chapters_may_be_sent_inline(client, archivist):
    response = post(client, "/api/v2/works", {"works": [{
        "id": 9, "title": "Inline", "fandoms": ["Original Work"],
        "chapter_urls": ["https://old.example/viewstory.php?sid=9"],
        "chapters": [{"title": "Start", "content": "<p>One.</p><script>x()</script>"},
                     {"content": "<p>Two.</p>", "notes": "<p>Thanks!</p>"}],
        "external_author_email": "inline@example.org", "external_author_name": "Inliner",
    }]}, token_header(archivist))

    [answer] = response.json()["works"]
    assert answer["status"] == "created", answer
    work = Work.objects.get()
    chapters = list(work.chapters.order_by("position"))
    assert [c.title for c in chapters] == ["Start", ""]
    assert "script" not in chapters[0].content and "One." in chapters[0].content
    assert "Thanks!" in chapters[1].notes
    assert work.source_url == "https://old.example/viewstory.php?sid=9"


def test_restricted_and_draft_works_stay_hidden_as_on_the_site(client, server, archivist):
    headers = token_header(archivist)
    post(client, "/api/v2/works", {"works": [
        work_item(server, "/story/1.html", restricted=True),
        work_item(server, "/other/1.html", post_without_preview=False),
    ]}, headers)

    restricted, draft = Work.objects.order_by("pk")
    assert restricted.restricted and not restricted.is_draft
    assert draft.is_draft
    assert client.get(f"/api/v1/works/{restricted.pk}").status_code == 404
    assert client.get(f"/api/v1/works/{draft.pk}").status_code == 404
    assert client.get(f"/works/{draft.pk}").status_code == 404
    # The archivist's search still finds both: they stand for their original URLs.
    response = post(client, "/api/v2/works/search", {"works": [{"original_urls": [
        server.url("/story/1.html"), server.url("/other/1.html")]}]}, headers)
    assert [w["status"] for w in response.json()["works"]] == ["found", "found"]


def test_search_answers_found_and_not_found_per_url(client, server, archivist):
    headers = token_header(archivist)
    post(client, "/api/v2/works", {"works": [work_item(server, "/story/1.html")]}, headers)
    work = Work.objects.get()

    response = post(client, "/api/v2/works/search", {"works": [{"original_urls": [
        server.url("/story/1.html"), {"id": "44", "url": "https://old.example/none"}]}]},
        headers)

    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "ok"
    found, missing = answer["works"]
    assert found["status"] == "found" and found["original_url"] == server.url("/story/1.html")
    [result] = found["search_results"]
    assert result["archive_url"] == f"http://testserver/works/{work.pk}"
    assert result["created"].startswith(str(work.created_at.date()))
    assert missing == {"status": "not_found", "original_id": "44",
                       "original_url": "https://old.example/none",
                       "messages": ["No work was imported from https://old.example/none."]}
    empty = post(client, "/api/v2/works/search", {"works": []}, headers)
    assert empty.status_code == 400 and empty.json()["status"] == "empty_request"


def test_search_doesnt_reveal_other_peoples_private_works(client, archivist, author):
    WorkFactory(author=author, source_url="https://old.example/mine", post=False)
    WorkFactory(author=author, source_url="https://old.example/public")

    response = post(client, "/api/v2/works/search", {"works": [{"original_urls": [
        "https://old.example/mine", "https://old.example/public"]}]}, token_header(archivist))

    assert [w["status"] for w in response.json()["works"]] == ["not_found", "found"]


def test_tokens_as_ao3_and_as_bearer_and_who_may(client, archivist, admin, author):
    body = {"works": []}
    _, secret = token_create(user=archivist, name="bearer", scopes=["archivist"])
    assert post(client, "/api/v2/works", body,
                {"HTTP_AUTHORIZATION": f"Bearer {secret}"}).json()["status"] == "empty_request"
    assert post(client, "/api/v2/works", body,
                {"HTTP_AUTHORIZATION": f"Token {secret}"}).json()["status"] == "empty_request"
    assert post(client, "/api/v2/works", body,
                token_header(admin)).json()["status"] == "empty_request"

    none = post(client, "/api/v2/works", body, {})
    assert none.status_code == 401 and none.json()["status"] == "unauthorized"
    assert none["WWW-Authenticate"].startswith("Token")
    wrong = post(client, "/api/v2/works", body, {"HTTP_AUTHORIZATION": "Token token=nope"})
    assert wrong.status_code == 401
    # A token of an archivist without the archivist scope.
    scoped = post(client, "/api/v2/works", body, token_header(archivist, "read", "write"))
    assert scoped.status_code == 403 and scoped.json()["status"] == "forbidden"
    # An archivist token whose account has lost the role since.
    former = user_with("former", is_archivist=True)
    headers = token_header(former)
    User.objects.filter(pk=former.pk).update(is_archivist=False)
    lost = post(client, "/api/v2/works", body, headers)
    assert lost.status_code == 403
    assert lost.json() == {"status": "forbidden",
                           "messages": ["Only archivists may import works for other authors."]}
    # Ordinary users can't even make such a token.
    with pytest.raises(Exception, match="archivist"):
        token_create(user=author, name="x", scopes=["archivist"])
    # A session is never enough.
    client.force_login(archivist)
    assert post(client, "/api/v2/works", body, {}).status_code == 401


def test_tools_need_no_csrf_token(server, archivist):
    """A program posting with its token has no CSRF cookie: the token is the credential
    (and a session never is, above)."""
    tool = Client(enforce_csrf_checks=True)

    response = post(tool, "/api/v2/works", {"works": [work_item(server, "/story/1.html")]},
                    token_header(archivist))

    assert response.status_code == 200 and response.json()["works"][0]["status"] == "created"


def test_the_archivist_field_must_name_the_tokens_account(client, server, archivist):
    other = user_with("otherarchivist", is_archivist=True)
    response = post(client, "/api/v2/works", {
        "archivist": other.username, "works": [work_item(server, "/story/1.html")]},
        token_header(archivist))

    assert response.status_code == 403
    assert response.json()["status"] == "forbidden"
    assert Work.objects.count() == 0


def test_ao3_error_statuses(client, server, archivist):
    headers = token_header(archivist)

    def answer(body):
        response = client.post("/api/v2/works", data=body, content_type="application/json",
                               **headers)
        return response.status_code, response.json()

    status, empty = answer("")
    assert (status, empty["status"]) == (400, "empty_request")
    status, none = answer(json.dumps({"archivist": "opendoors", "works": []}))
    assert (status, none["status"]) == (400, "empty_request")
    status, many = answer(json.dumps({"works": [work_item(server, "/story/1.html")] * 200}))
    assert (status, many["status"]) == (400, "too_many_request")
    assert "at most 199" in many["messages"][0]
    status, broken = answer("{not json")
    assert (status, broken["status"]) == (400, "bad_request")
    status, listed = answer("[1, 2]")
    assert (status, listed["status"]) == (400, "bad_request")

    status, per_work = answer(json.dumps({"works": [
        work_item(server, chapter_urls=[]),
        {**work_item(server), "chapter_urls": [server.url("/story/1.html")] * 200},
        work_item(server, "/story/1.html", external_author_email=""),
        work_item(server, "/story/1.html", title=["not", "a", "title"]),
        "not a work",
        work_item(server, "/story/1.html", fandoms="", rating="General Audiences"),
        work_item(server, "/story/1.html", rating="Very Spicy"),
        work_item(server, "/story/1.html", language_code="xx-nowhere"),
        work_item(server, "/story/1.html", encoding="no-such-codec"),
    ]}))
    assert status == 400 and per_work["status"] == "bad_request"
    statuses = [w["status"] for w in per_work["works"]]
    assert statuses == ["empty_request", "too_many_requests"] + ["unprocessable_entity"] * 7
    messages = [" ".join(w["messages"]) for w in per_work["works"]]
    assert "external_author_email" in messages[2]
    assert "title" in messages[3]
    assert "fandom" in messages[5]
    assert "Very Spicy" in messages[6] or "rating" in messages[6].lower()
    assert "language_code" in messages[7]
    assert "no-such-codec" in messages[8]
    assert Work.objects.count() == 0

    wrong_method = client.get("/api/v2/works", **headers)
    assert wrong_method.status_code == 405 and wrong_method.json()["status"] == \
        "method_not_allowed"


def test_tags_as_lists_or_strings_old_warning_names_and_language(client, server, archivist):
    post(client, "/api/v2/works", {"works": [work_item(
        server, "/story/1.html", fandoms=["Fandom A", "Fandom B"],
        warnings="Choose Not To Use Archive Warnings, Underage", categories="F/F",
        relationships=["Luna Lovegood/Ginny Weasley"], language_code="de",
        collection_names="Some_Collection")]}, token_header(archivist))

    work = Work.objects.get()
    names = {t.name for t in work.tags.all()}
    assert {"Fandom A", "Fandom B", "Creator Chose Not To Use Archive Warnings",
            "Underage Sex", "F/F", "Luna Lovegood/Ginny Weasley"} <= names
    assert work.language == "de"


def test_pages_are_decoded_by_the_encoding_given_or_their_charset(client, archivist, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = ["127.0.0.1"]
    russian = "<html><body><h1>Луна</h1><p>Луна взошла над озером.</p><p>Ещё.</p></body></html>"
    with pages_server() as server:
        server.routes["/cp1251.html"] = Route(russian.encode("cp1251"),
                                              content_type="text/html")
        server.routes["/labelled.html"] = Route(russian.encode("koi8-r"),
                                                content_type="text/html; charset=koi8-r")
        response = post(client, "/api/v2/works", {"works": [
            work_item(server, "/cp1251.html", title="", encoding="windows-1251"),
            work_item(server, "/labelled.html", title="", external_author_email="b@example.org"),
        ]}, token_header(archivist))

    assert [w["status"] for w in response.json()["works"]] == ["created", "created"]
    for work in Work.objects.all():
        assert work.title == "Луна"
        assert "Луна взошла над озером." in work.chapters.get().content


def test_nul_characters_and_odd_values_never_break_it(client, archivist):
    headers = token_header(archivist)
    response = post(client, "/api/v2/works", {"works": [
        {"title": "Nul\x00Title", "fandoms": "Fan\x00dom", "summary": "<p>a\x00b</p>",
         "chapters": [{"content": "<p>Text\x00 here.</p>"}],
         "chapter_urls": ["https://old.example/\x00story"],
         "external_author_email": "nul@example.org", "external_author_name": "Nul\x00Name"},
        {"chapter_urls": ["http://exa\x00mple.org/story"],
         "external_author_email": "nul2@example.org", "fandoms": "X"},
        {"chapter_urls": [123], "external_author_email": "n@example.org"},
        {"chapters": [{"content": "<p>x</p>"}], "fandoms": "X",
         "external_author_email": "n" * 250 + "@example.org"},
        {"chapter_urls": "https://old.example/only-one", "chapters": [{"content": 5}],
         "external_author_email": "n@example.org"},
    ]}, headers)

    assert response.status_code == 400
    statuses = [w["status"] for w in response.json()["works"]]
    assert statuses == ["created"] + ["unprocessable_entity"] * 4
    work = Work.objects.get()
    assert work.title == "NulTitle" and work.source_url == "https://old.example/story"
    search = post(client, "/api/v2/works/search", {"works": [{"original_urls": [
        "https://old.example/\x00story", "x" * 5000, 7, None, {"url": ["a"]}]}]}, headers)
    assert search.status_code == 200
    assert {w["status"] for w in search.json()["works"]} == {"not_found"}


def test_the_apis_rate_limit_answers_429_in_ao3s_shape(client, archivist, monkeypatch):
    monkeypatch.setattr(v1, "API_REQUESTS", RateLimit("fichive:api", limit=2, window=60,
                                                         address_for_accounts=True))
    headers = token_header(archivist)
    for _ in range(2):
        assert post(client, "/api/v2/works", {"works": []}, headers).status_code == 400

    response = post(client, "/api/v2/works", {"works": []}, headers)

    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert response.json()["status"] == "too_many_requests"
    assert response.json()["messages"][0].startswith("You have done that 2 times")


def test_tags_are_detected_on_ao3_pages_and_override_tags_decides_who_wins(
        client, archivist, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = ["127.0.0.1"]
    with pages_server() as server:
        server.page("/ao3.html", ao3_html())
        server.page("/ao3-again.html", ao3_html(title="Second Keeper"))
        response = post(client, "/api/v2/works", {"works": [
            {"chapter_urls": [server.url("/ao3.html")], "external_author_email": "a@b.org"},
            {"chapter_urls": [server.url("/ao3-again.html")], "external_author_email": "a@b.org",
             "fandoms": "Request Fandom", "characters": ["Request Character"],
             "override_tags": False},
        ]}, token_header(archivist))

    assert [w["status"] for w in response.json()["works"]] == ["created", "created"]
    detected, kept = Work.objects.order_by("pk")
    names = {t.name for t in detected.tags.all()}
    assert detected.title == "The Keeper of Gull Rock"
    assert {"The Tidewater Chronicles", "Teen And Up Audiences", "Ilse Brandt",
            "Lighthouses"} <= names
    assert "lighthouse, a clock" in detected.summary
    # override_tags false: what the page says wins over the request.
    kept_names = {t.name for t in kept.tags.all()}
    assert "The Tidewater Chronicles" in kept_names and "Request Fandom" not in kept_names
    assert "Ilse Brandt" in kept_names and "Request Character" not in kept_names


def test_links_use_the_sites_address_when_set(client, archivist, settings, mail_dir):
    settings.FICHIVE_SITE_URL = "https://fic.example.org"
    response = post(client, "/api/v2/works", {"send_claim_emails": "true", "works": [{
        "title": "Addressed", "fandoms": "Original Work", "external_author_email": "a@b.org",
        "chapters": [{"content": "<p>Text.</p>"}]}]}, token_header(archivist))

    work = Work.objects.get()
    assert response.json()["works"][0]["archive_url"] == \
        f"https://fic.example.org/works/{work.pk}"
    [mail] = _mails(mail_dir)
    assert "https://fic.example.org/claim/" in mail
