"""No input gives a server error: every listing's filters, the searches, autocomplete, stats,
the API's parameters and path parts, and the main forms (posting, comments, bookmarks,
preferences, sign-up) get arbitrary values through the test client (hypothesis), as a guest
and as a logged-in reader; every answer must be below 500 (the client re-raises a view's
exception, so a crash fails the test with its traceback).

The values mix what breaks parsers (NUL, unicode digits like ² and ١, huge and negative
numbers, dates out of range, query syntax, very long text) with each form's own valid
choices (read from the page's HTML), so that validation passes often enough to reach the
code behind it. Derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fichive.works.listing import ListingForm
from tests.factories import WorkFactory
from tests.works.helpers import work_form

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Values that have broken, or could break, a parser of numbers, dates or queries.
AWKWARD = [
    "", " ", "0", "-1", "1.5", "1e3", "9" * 30, "-" + "9" * 30, "2147483648",
    "9223372036854775808", "²", "³", "1²", "١٢", "５", "①", "Ⅻ", "\x00", "a\x00b", "NaN",
    "inf", "-0", "0x10", "2024-02-30", "9999-12-31", "10000-01-01", "0001-01-01",
    "0000-00-00", "2024-13-01", "’", "'; DROP TABLE works_work; --", "%", "%00", "\\", "*",
    '"', "e*", "words>²", "chapters:³", "kudos>=9999999999999", "updated>9999-12-31",
    "title:", "OR", "-", "NEAR(a b)", "{title}:x", "true", "on", "1", "yes", "../..",
    "<script>alert(1)</script>", "x" * 600, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ﷺ", "\u200b", "\ufeff",
]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
VALUE = st.one_of(st.sampled_from(AWKWARD), TEXT,
                  st.integers(min_value=-(10 ** 25), max_value=10 ** 25).map(str),
                  st.from_regex(r"(words|chapters|kudos|hits|updated|posted)(>|<|>=|:)"
                                r"[0-9²³١٢５①k,_-]{0,6}", fullmatch=True))

# Searches: pieces of the query language, well-formed and not, joined by spaces.
COMPARISON = st.from_regex(r"-?(words|chapters|kudos|hits|bookmarks|comments|updated|posted)"
                           r"(>|<|>=|<=|=|:)[0-9²³¹١٢５①k,_.-]{0,8}", fullmatch=True)
QUERY = st.lists(st.one_of(
    st.sampled_from(["dragon", "tea*", "drag*", "-angst", '"old house"', '"unclosed', "OR",
                     "title:winter", 'fandom:"Original Work"', "rating:teen", "-rating:x",
                     "complete:yes", "language:fr", "language:xx", "creator:alice", "東京"]),
    COMPARISON, st.sampled_from(AWKWARD), TEXT), max_size=6).map(" ".join)
SEARCHES = ["/works/search", "/works", "/api/v1/works", "/tags/Original%20Work/works",
            "/users/alice/works", "/works/search/feed.atom", "/opds/search", "/bookmarks"]


def values(*good: str) -> st.SearchStrategy[str | list[str]]:
    one = st.one_of(st.sampled_from(good), VALUE) if good else VALUE
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


LISTING = {name: values() for name in ListingForm.base_fields}
LISTING.update(sort=values("relevance", "words", "kudos", "title"), q=st.one_of(QUERY, values()),
               include=values("Original Work", "Fluff"), rating=values("Explicit"),
               complete=values("yes", "no"), crossover=values("only"), order=values("asc"))
EXTRA = {"tag": values("Original Work"), "query": values("dragon"), "type": values("fandom"),
         "term": values("ori"), "canonical": values("1"), "year": values("2024", "All Years"),
         "bookmark_include": values(), "rec": values("1"), "with_notes": values("1"),
         "view_full_work": values("true"), "style": values("disable"), "show": values(),
         "status": values(), "fragment": values("1"), "view_adult": values("true"),
         "email": values("a@example.org")}

GET_PAGES = [
    "/works", "/works/search", "/tags/Original%20Work/works", "/users/alice/works",
    "/api/v1/works", "/works/search/feed.atom", "/tags/Original%20Work/feed.atom",
    "/opds/search", "/opds/works", "/opds/v2/search", "/bookmarks", "/people/search",
    "/tags/search", "/tags/autocomplete", "/users/alice/stats", "/users/alice/stats.csv",
    "/users/alice/bookmarks", "/invite_requests/status", "/works/{work}",
    "/works/{work}/comments", "/works/{work}/navigate", "/users/carol/readings",
    "/users/carol/inbox", "/media", "/users/alice/series",
    "/api/v1/tags", "/api/v1/media", "/api/v1/users/alice", "/api/v1/users/alice/works",
    "/api/v1/users/alice/series", "/api/v1/users/alice/pseuds/alice/works",
]
PATHS = ["/tags/{}", "/tags/{}/works", "/users/{}", "/users/alice/pseuds/{}",
         "/api/v1/works/{}", "/api/v1/works/{work}/chapters/{}", "/opds/tags/{}/works",
         "/downloads/{work}/{}", "/media/{}/fandoms", "/tags/wrangling/{}",
         "/api/v1/tags/{}", "/api/v1/series/{}", "/api/v1/users/{}",
         "/api/v1/users/alice/pseuds/{}", "/api/v1/media/{}/fandoms"]
# The API's community reads (the bookmark listings take the bookmark pages' filters).
GET_PAGES += ["/api/v1/works/{work}/comments", "/api/v1/works/{work}/kudos",
              "/api/v1/works/{work}/bookmarks", "/api/v1/users/alice/bookmarks",
              "/api/v1/me/inbox", "/api/v1/me/subscriptions", "/api/v1/me/marked-for-later"]
PATHS += ["/api/v1/comments/{}", "/api/v1/bookmarks/{}", "/api/v1/users/{}/bookmarks",
          "/api/v1/works/{}/comments", "/api/v1/series/{}/bookmarks"]


@pytest.fixture
def archive(author, reader):
    work = WorkFactory(author=author, title="Dragon Tea", fandoms=["Original Work"],
                       freeforms=["Fluff"], summary="<p>Tea with a dragon.</p>",
                       chapters=["<p>The dragon drank tea.</p>", "<p>More tea.</p>"])
    WorkFactory(author=author, title="Locked", restricted=True, chapters=["<p>Shh.</p>"])
    return work


@pytest.fixture(autouse=True)
def no_search_limit(settings):
    """Rate limits off (django-ratelimit's switch, which lib/ratelimit honours): a 429 would
    hide what the fuzzed input does past the limit."""
    settings.FICHIVE_SEARCH_PER_MINUTE = 0
    settings.RATELIMIT_ENABLE = False


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_any_query_string_on_any_listing_or_search_is_not_a_server_error(
        client, archive, reader, no_search_limit, data):
    page = data.draw(st.sampled_from(GET_PAGES), label="page").format(work=archive.pk)
    params = data.draw(st.fixed_dictionaries({}, optional={**LISTING, **EXTRA}), label="params")
    if data.draw(st.booleans(), label="logged in"):
        client.force_login(reader)
    else:
        client.logout()
    response = client.get(page, params)
    assert response.status_code < 500 and response.status_code != 429, (page, params)


@FUZZ
@given(q=QUERY, data=st.data())
def test_any_search_is_not_a_server_error(client, archive, reader, no_search_limit, q, data):
    page = data.draw(st.sampled_from(SEARCHES), label="page")
    sort = data.draw(st.sampled_from(["", "relevance", "words"]), label="sort")
    if data.draw(st.booleans(), label="logged in"):
        client.force_login(reader)
    else:
        client.logout()
    response = client.get(page, {"q": q, "sort": sort})
    assert response.status_code < 500 and response.status_code != 429, (page, q)


@settings(FUZZ, max_examples=50)
@given(part=st.one_of(st.sampled_from(AWKWARD), TEXT), data=st.data())
def test_any_path_part_is_not_a_server_error(client, archive, reader, part, data):
    template = data.draw(st.sampled_from(PATHS), label="path")
    if not part or part in {".", ".."}:
        part = "x"
    path = template.format(quote(part, safe=""), work=archive.pk)
    response = client.get(path)
    assert response.status_code < 500 and response.status_code != 429, path


class _Forms(HTMLParser):
    """The fields of a page's POST forms by action: name → the values its options offer."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = self.forms.setdefault(a.get("action", ""), {})
        elif self._fields is None or "name" not in a and tag != "option":
            return
        elif tag in ("input", "textarea") and a["name"] != "csrfmiddlewaretoken":
            options = self._fields.setdefault(a["name"], [])
            if a.get("value"):
                options.append(a["value"])
        elif tag == "select":
            self._select = a["name"]
            self._fields.setdefault(a["name"], [])
        elif tag == "option" and self._select and a.get("value"):
            self._fields[self._select].append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _form(client, page: str, action: str) -> dict[str, list[str]]:
    response = client.get(page)
    assert response.status_code == 200, page
    parser = _Forms()
    parser.feed(response.content.decode())
    matching = [fields for found, fields in parser.forms.items()
                if (found.split("?")[0] or page) == action]
    assert matching, (page, action, list(parser.forms))
    return matching[0]


# (page with the form, the form's action, who posts): {work} is the fixture's work.
POST_FORMS = [
    ("/works/new", "/works/new", "author"),
    ("/works/{work}/chapters/new", "/works/{work}/chapters/new", "author"),
    ("/works/{work}/comments", "/works/{work}/comments", "reader"),
    ("/works/{work}/bookmarks/new", "/works/{work}/bookmarks/new", "reader"),
    ("/users/carol/preferences", "/users/carol/preferences", "reader"),
    ("/users/carol/profile/edit", "/users/carol/profile/edit", "reader"),
    ("/signup", "/signup", None),
]


def _valid(action: str, author, reader) -> dict[str, object]:
    """What a person would send: each example changes a few of these fields, so that the
    others pass and the changed ones reach the code behind the form's validation."""
    return {
        "/works/new": work_form(author),
        "/works/{work}/chapters/new": {"title": "Two", "content": "<p>More tea.</p>",
                                       "fmt": "html", "action": "post"},
        "/works/{work}/comments": {"content": "Lovely.", "pseud": reader.default_pseud.pk},
        "/works/{work}/bookmarks/new": {"pseud": reader.default_pseud.pk, "notes": "Good.",
                                        "tags": "cosy"},
        "/users/carol/preferences": {"skin": "auto", "font_size": "100", "font_family": "serif",
                                     "line_width": "70", "time_zone": "UTC"},
        "/users/carol/profile/edit": {"about_me": "<p>Hello.</p>"},
        "/signup": {"username": "fuzzer", "email": "fuzzer@example.org",
                    "password1": "lantern-harbour-37", "password2": "lantern-harbour-37",
                    "accept_terms": "on", "confirm_age": "on"},
    }[action]


@pytest.mark.parametrize(("page", "action", "who"), POST_FORMS,
                         ids=[action for _, action, _ in POST_FORMS])
def test_any_values_posted_to_a_form_are_not_a_server_error(
        client, archive, author, reader, page, action, who):
    user = {"author": author, "reader": reader}.get(who or "")
    valid = _valid(action, author, reader)
    page, action = page.format(work=archive.pk), action.format(work=archive.pk)
    if user is not None:
        client.force_login(user)
    fields = _form(client, page, action)
    names = sorted({*fields, *valid})

    @settings(FUZZ, max_examples=20)
    @given(st.data())
    def post(data: st.DataObject) -> None:
        changed = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3,
                                     unique=True), label="fields")
        form = {**valid, **{name: data.draw(values(*fields.get(name, [])), label=name)
                            for name in changed}}
        if user is None:
            client.logout()
        response = client.post(action, form)
        assert response.status_code < 500 and response.status_code != 429, (action, form)

    post()
