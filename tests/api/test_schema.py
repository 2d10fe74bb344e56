"""The API against its own schema (schemathesis): every operation /api/v1/openapi.json names is
called with generated requests (valid and invalid), as a guest and with a read+write token,
on an archive with public, restricted, draft, hidden and anonymous works, comments, bookmarks
and tags: no 5xx, every status, content type, header and body as the schema says. Operations
are read from the schema, so endpoints added later are covered without listing them here.

Bounded for CI: a few examples per operation, derandomized (the same requests every run), no
deadline; each operation's run is one test in its own transaction (writes are rolled back).
Also here: addresses and methods no operation answers get problem details too."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation
from schemathesis.openapi.checks import RejectedPositiveData

from fichive.api.pagination import encode_cursor
from fichive.api.problems import NUL as NUL_PROBLEM
from fichive.api.v1 import api
from fichive.bookmarks.models import Bookmark
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.kudos.services import kudos_leave
from fichive.moderation.services import work_hide
from fichive.readings.models import Reading
from fichive.series.services import series_add_work, series_create
from fichive.wsgi import application
from tests.factories import WorkFactory

MAX_EXAMPLES = 12

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = application  # calls go to the Django app in process (WSGI), as from_wsgi does
OPERATIONS = sorted(f"{method.upper()} {path}"
                    for path, methods in SCHEMA.raw_schema["paths"].items()
                    for method in methods
                    if method in ("get", "put", "post", "patch", "delete"))


# Path parameters by name -> ids (or names) of things the archive fixture made: half the
# generated values are replaced by one of them, so operations are exercised on things that
# exist (and on restricted, hidden and anonymous ones), not only on 404s.
KNOWN: dict[str, list[Any]] = {}


@pytest.fixture
def archive(author, co_author, reader, moderator):
    """Something for every operation to find: works of every kind, their comments, kudos,
    bookmarks (public and private), tags, a reading history."""
    public = WorkFactory(author=author, title="Public Tide", fandoms=["Sea Stories"],
                         characters=["Mara"], relationships=["Mara/Ilse"],
                         freeforms=["Fluff"], chapters=["<p>One.</p>", "<p>Two.</p>"])
    restricted = WorkFactory(author=author, title="Members Tide", restricted=True)
    WorkFactory(author=author, title="Draft Tide", post=False)
    hidden = WorkFactory(author=co_author, title="Hidden Tide")
    work_hide(actor=moderator, work=hidden, reason="Spam")
    anonymous = WorkFactory(author=co_author, title="Masked Tide", anonymous=True)
    comment = comment_post(work=public, user=reader, content="<p>Lovely.</p>")
    comment_post(work=public, parent=comment, user=author, content="<p>Thanks!</p>")
    kudos_leave(work=public, user=reader)
    series = series_create(user=author, title="Tides")
    for work in (public, restricted):
        series_add_work(user=author, series=series, work=work)
    bookmark_create(user=reader, work=public, pseud=reader.default_pseud,
                    data=BookmarkData(notes="<p>Kept.</p>", tags=["Comfort"]))
    bookmark_create(user=reader, work=anonymous, pseud=reader.default_pseud,
                    data=BookmarkData(private=True))
    readings = [Reading.objects.create(user=reader, work=work, visits=1,
                                       first_visited=work.created_at,
                                       last_visited=work.created_at,
                                       work_updated_seen=work.modified_at)
                for work in (public, restricted)]
    KNOWN.clear()
    KNOWN.update({
        "work_id": [public.pk, restricted.pk, hidden.pk, anonymous.pk],
        "position": [1, 2],
        "comment_id": [comment.pk],
        "bookmark_id": list(Bookmark.objects.values_list("pk", flat=True)),
        "reading_id": [r.pk for r in readings],
        "series_id": [series.pk],
        "chapter_id": list(public.chapters.values_list("pk", flat=True)),
        "username": [author.username, reader.username],
        "pseud": [author.default_pseud.name],
        "tag": ["Sea Stories", "Fluff"],
        "name": ["Sea Stories", "Fluff"],
    })
    yield public
    KNOWN.clear()


@pytest.fixture
def in_process():
    """Requests straight to the WSGI app keep the test's database connection (and its
    transaction) open, as Django's test client does: no closing of "old" connections when
    a request starts or finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The token of the caller a test runs as (none for a guest): schemathesis sends it as the
# schema's Bearer credentials, through the auth provider below.
CALLER: dict[str, str] = {}


@pytest.fixture(params=["guest", "token"])
def caller(request, reader, bearer_for):
    CALLER.clear()
    if request.param == "token":
        CALLER["token"] = bearer_for(reader, "read", "write")["HTTP_AUTHORIZATION"]
    yield request.param
    CALLER.clear()


@SCHEMA.auth(refresh_interval=None)
class _CallersToken:
    def get(self, case, context):
        return CALLER.get("token")

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": data}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_answers_as_its_schema_says(operation, caller, archive, in_process):
    method, path = operation.split(" ", 1)
    target = SCHEMA[path][method]

    @settings_for_ci
    @given(case=target.as_strategy(GenerationMode.POSITIVE)
           | target.as_strategy(GenerationMode.NEGATIVE))
    def run(case):
        case.call_and_validate(app=in_process)

    run()


def test_workflows_through_the_links_between_operations(caller, archive, in_process):
    """Schemathesis' stateful mode: it follows the links it infers between operations (an id
    in one answer used in another's path: a history entry then deleting it, a work then its
    chapters), checking every answer on the way."""
    class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"app": in_process}

    Workflow.run(settings=settings(
        max_examples=MAX_EXAMPLES, stateful_step_count=6, deadline=None, derandomize=True,
        database=None, suppress_health_check=list(HealthCheck)))


settings_for_ci = settings(
    max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@SCHEMA.hook("map_query")
def _a_cursor_we_gave_out(context, query):
    """A cursor is opaque: one the API didn't give out is refused (400, tested in
    test_api_foundation); generated ones are replaced by a real one, so that valid requests
    are valid."""
    if query and isinstance(query.get("cursor"), str):
        query["cursor"] = encode_cursor({"page": 1 + len(query["cursor"]) % 3})
    return query


@SCHEMA.hook("map_path_parameters")
def _things_that_exist(context, path_parameters):
    for name, value in list((path_parameters or {}).items()):
        known = KNOWN.get(name)
        if known and isinstance(value, int) and value % 2 == 0:
            path_parameters[name] = known[(value // 2) % len(known)]
        elif known and isinstance(value, str) and len(value) % 2 == 0:
            path_parameters[name] = known[len(value) // 2 % len(known)]
    return path_parameters


# --- What no operation answers ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/works/1/nope", "/api/v1/works/x",
                                  "/api/v1/", "/api/v1/me/history/-1",
                                  "/api/v1/works/a%0Ab%0D/chapters/1", "/api/v1/%0A"])
def test_an_address_no_operation_has_is_a_404_problem(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and "/api/v1/docs" in body["detail"]


def test_a_post_to_an_unknown_address_with_a_session_is_a_404_problem_too(reader_client):
    response = reader_client.post("/api/v1/nope", {"x": 1})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_method_an_address_does_not_take_is_a_405_problem(client, db):
    response = client.delete("/api/v1/works")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "GET, POST"
    assert response.json()["detail"] == "This address doesn't take DELETE: it takes GET, POST."


def test_error_answers_are_documented_as_problem_details(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    answers = schema["paths"]["/api/v1/works/{work_id}"]["get"]["responses"]
    assert set(answers["404"]["content"]) == {"application/problem+json"}
    assert set(answers["200"]["content"]) == {"application/json"}
    assert schema["paths"]["/api/v1/works"]["get"]["security"] == [{"Bearer": []}, {}]
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"Bearer": []}]


# Parameters whose rules no JSON schema states: a value of the right type may still be refused
# with a 400 naming the parameter, as the site's pages refuse it (the search language: an
# unclosed quote, a query too broad). Only such refusals count as "valid data accepted".
RULES_BEYOND_THE_SCHEMA = {"q"}
# The works listings' filters: a range's end before its start; `include`/`exclude` values hold
# comma-separated tag names, whose lengths and count are checked after splitting them.
RULES_BEYOND_THE_SCHEMA |= {"words_to", "updated_to", "include", "exclude"}
# Posting a work: pseuds must be the caller's own, co-creators and a series must exist (and
# the series be theirs; a series or a new series' title, not both), a work skin must keep
# something after filtering, and a chapter's text must keep some words after sanitizing.
RULES_BEYOND_THE_SCHEMA |= {"pseuds", "co_creators", "series", "series_title", "work_skin",
                            "chapter.html", "chapter.text"}


# The community's and the caller's own things: a `pseud` must be one of the caller's own
# (a name the schema can't list), message `items` must all be the caller's and a comment's
# `chapter_id` one of the work's chapters (ids no schema knows), a comment's `content` must
# say something once sanitized (HTML such as "<b></b>" is empty: the schema says only "a
# character that isn't white space"), and an external work's `url` must be a web address
# Django's URLValidator takes (the schema says only "http(s)://").
RULES_BEYOND_THE_SCHEMA |= {"pseud", "items", "chapter_id", "content", "url"}


@SCHEMA.hook("filter_failure")
def _refused_for_a_rule_beyond_the_schema(context, failure, case, response):
    if isinstance(failure, AcceptedNegativeData) and _only_text_in_the_query_was_mutated(case):
        return False
    if isinstance(failure, RejectedPositiveData) and _a_nul_in_the_address(response):
        return False
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return True
    try:
        errors = response.json().get("errors") or {}
    except ValueError:
        return True
    return not errors or not set(errors) <= RULES_BEYOND_THE_SCHEMA


def _only_text_in_the_query_was_mutated(case) -> bool:
    """A "schema-violating" value that is the same bytes as a valid one: in a query string
    every value is text, so a number sent for a parameter taking any text (or a list of any
    texts: one item is one `name=value`) is a valid value of it, not a violation."""
    mutations = getattr(case.meta.phase.data, "mutations", ()) if case.meta else ()
    if not mutations:
        return False
    parameters = {p["name"]: p.get("schema", {})
                  for p in SCHEMA.raw_schema["paths"][case.operation.path]
                  [case.method.lower()].get("parameters", []) if p.get("in") == "query"}
    return all(m.parameter_location == ParameterLocation.QUERY and m.parameter in parameters
               and _takes_any_text(parameters[m.parameter]) for m in mutations)


def _takes_any_text(schema: dict[str, Any]) -> bool:
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "array":
            branch = branch.get("items", {})
        if branch.get("type") == "string" and not branch.keys() & {
                "enum", "pattern", "format", "minLength", "maxLength"}:
            return True
    return False


def _a_nul_in_the_address(response) -> bool:
    """A NUL character (%00) in a path or query parameter: refused before any operation
    (PostgreSQL can't hold it in text; tests/lib/test_requestguard.py), for every
    parameter, which no schema of each could usefully say."""
    try:
        return response.status_code == 400 and response.json().get("type") == NUL_PROBLEM
    except ValueError:
        return False


def test_a_bug_is_a_500_problem_and_logged(client, db, monkeypatch, caplog):
    from fichive.api.endpoints import works

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(works.listing, "listing_build", broken)
    client.raise_request_exception = False

    response = client.get("/api/v1/works")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 500 and "a bug" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and logged[0].exc_info and "a bug" in str(logged[0].exc_info[1])


def test_head_answers_what_get_would_without_the_body(client, author):
    work = WorkFactory(author=author, title="Heads Up")
    got = client.get(f"/api/v1/works/{work.pk}")

    head = client.head(f"/api/v1/works/{work.pk}")

    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Content-Length"] == str(len(got.content))
    assert client.head("/api/v1/works/999999").status_code == 404
    assert client.head(f"/api/v1/works/{work.pk}", HTTP_IF_NONE_MATCH=got["ETag"]
                       ).status_code == 304
