"""Work skins: an author's CSS on the work form, stored filtered and scoped to the work's text,
served on the work, chapter and entire-work pages and in the HTML download; readers turn it
off for a visit (?style=disable) or always (the "hide work skins" preference)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fichive.accounts.models import Preference
from fichive.formats import exporters
from fichive.formats.services import ImportOptions, works_import
from fichive.lib.css import CSS_MAX
from fichive.works.models import Work
from fichive.works.services import ChapterText, WorkMeta, work_create, work_replace, work_update
from tests.factories import UserFactory, WorkFactory
from tests.formats.exporters.conftest import book_of
from tests.works.helpers import edit_form, html, shows, work_form

CHAT = ".chat { color: #336; font-family: monospace; }"
SCOPED_CHAT = "#workskin .chat { color: #336; font-family: monospace; }"


def style_of(response) -> str:
    """The work skin's <style> in the page's head, or ""."""
    page = html(response)
    match = re.search(r'<style id="work-skin">(.*?)</style>', page, re.DOTALL)
    if match is None:
        return ""
    assert page.index(match.group(0)) < page.index("</head>")
    return match.group(1)


@pytest.fixture
def skinned(author) -> Work:
    return WorkFactory(author=author, title="Group Chat", work_skin=CHAT,
                       chapters=['<p class="chat">hey</p>', '<p class="chat">you up?</p>'])


def hide_skins(user) -> None:
    Preference.objects.update_or_create(user=user, defaults={"hide_work_skins": True})


# --- Posting and editing -----------------------------------------------------------------


def test_posting_a_work_with_a_skin_stores_it_scoped(author_client, author):
    response = author_client.post("/works/new", work_form(author, work_skin=CHAT))
    assert response.status_code == 302
    work = Work.objects.get()
    assert work.work_skin == SCOPED_CHAT + "\n"
    page = author_client.get(response["Location"])
    assert SCOPED_CHAT in style_of(page)


def test_what_was_dropped_is_said_after_saving(author_client, author):
    skin = CHAT + " .box { position: fixed; background: url(http://evil.example/a.png) }"
    response = author_client.post("/works/new", work_form(author, work_skin=skin),
                                  follow=True)
    assert shows(response, "Parts of the work skin were left out")
    assert shows(response, "position can only be relative or static")
    assert shows(response, "url() is not allowed")
    work = Work.objects.get()
    assert "fixed" not in work.work_skin
    assert "evil" not in work.work_skin
    assert SCOPED_CHAT in work.work_skin


def test_a_skin_with_nothing_usable_is_a_form_error_and_saves_nothing(author_client, author):
    skin = "@import url(http://evil.example/x.css); p { behavior: url(x.htc) }"
    response = author_client.post("/works/new", work_form(author, work_skin=skin))
    assert response.status_code == 200
    assert shows(response, "Nothing in the work skin could be kept:")
    assert shows(response, "Dropped @import")
    assert 'id="field-work_skin"' in html(response)
    assert not Work.objects.exists()


def test_a_skin_over_the_limit_is_refused_with_its_length(author_client, author):
    skin = ".a { color: red }\n" * (CSS_MAX // 18 + 10)
    response = author_client.post("/works/new", work_form(author, work_skin=skin))
    assert response.status_code == 200
    assert shows(response, f"The work skin can be at most {CSS_MAX}")
    assert not Work.objects.exists()


def test_the_service_refuses_a_skin_over_the_limit(author):
    meta = WorkMeta(title="Long", creators=[author.default_pseud], fandoms=["Original Work"],
                    work_skin="p{color:red}" * (CSS_MAX // 12 + 1))
    with pytest.raises(ValidationError) as caught:
        work_create(user=author, meta=meta, chapters=[ChapterText(content="<p>Hi.</p>")],
                    post=True)
    assert "work_skin" in caught.value.message_dict
    assert not Work.objects.exists()


def test_the_edit_form_shows_the_kept_skin_and_an_edit_replaces_it(
    author_client, author, skinned
):
    form = author_client.get(f"/works/{skinned.pk}/edit")
    assert shows(form, SCOPED_CHAT)
    response = author_client.post(f"/works/{skinned.pk}/edit",
                                  edit_form(skinned, author, work_skin=".sms { color: green }"))
    assert response.status_code == 302
    skinned.refresh_from_db()
    assert skinned.work_skin == "#workskin .sms { color: green; }\n"


def test_emptying_the_field_removes_the_skin(author_client, author, skinned):
    author_client.post(f"/works/{skinned.pk}/edit", edit_form(skinned, author, work_skin=""))
    skinned.refresh_from_db()
    assert skinned.work_skin == ""
    assert style_of(author_client.get(f"/works/{skinned.pk}")) == ""


def test_services_that_leave_the_skin_out_keep_the_works_own(author, skinned):
    meta = WorkMeta(title="Group Chat, revised", creators=[author.default_pseud],
                    fandoms=["Original Work"])
    work_update(user=author, work=skinned, meta=meta)
    work_replace(user=author, work=skinned, meta=meta,
                 chapters=[ChapterText(content="<p>new</p>")])
    skinned.refresh_from_db()
    assert skinned.work_skin == SCOPED_CHAT + "\n"


def test_the_preview_of_an_edit_shows_the_new_skin_and_saves_nothing(
    author_client, author, skinned
):
    response = author_client.post(
        f"/works/{skinned.pk}/edit",
        edit_form(skinned, author, work_skin=".sms { color: green }", action="preview"))
    assert response.status_code == 200
    assert "#workskin .sms { color: green; }" in style_of(response)
    skinned.refresh_from_db()
    assert skinned.work_skin == SCOPED_CHAT + "\n"


# --- Reading ------------------------------------------------------------------------------


def reading_pages(work: Work) -> list[str]:
    chapter = work.chapters.order_by("position").last()
    return [f"/works/{work.pk}", f"/works/{work.pk}?view_full_work=true",
            f"/works/{work.pk}/chapters/{chapter.pk}"]


@pytest.mark.parametrize("who", ["guest", "reader", "creator", "stranger"])
def test_every_reader_gets_the_skin_on_every_reading_page(who, author, skinned):
    client = Client()
    if who == "creator":
        client.force_login(author)
    elif who != "guest":
        client.force_login(UserFactory(username=who))
    for url in reading_pages(skinned):
        response = client.get(url)
        assert response.status_code == 200
        assert SCOPED_CHAT in style_of(response), url
        assert "#workskin { contain: paint; }" in style_of(response)
        # The text it styles sits inside the scope.
        page = html(response)
        assert page.index('<div id="workskin">') < page.index('class="chat"')
        assert shows(response, "Hide creator’s style")


def test_a_work_without_a_skin_has_no_style_and_no_link(guest, work):
    response = guest.get(f"/works/{work.pk}")
    assert style_of(response) == ""
    assert "creator’s style" not in html(response)
    assert "creator's style" not in html(response)


@pytest.mark.parametrize("url_of", [
    lambda w: f"/works/{w.pk}?style=disable",
    lambda w: f"/works/{w.pk}?view_full_work=true&style=disable",
    lambda w: f"/works/{w.pk}/chapters/{w.chapters.last().pk}?style=disable",
])
def test_style_disable_turns_the_skin_off_for_the_visit(guest, skinned, url_of):
    response = guest.get(url_of(skinned))
    assert style_of(response) == ""
    assert shows(response, "Show creator’s style")
    # The work's text is still there, in its box.
    assert '<p class="chat">' in html(response)


def test_the_chapter_links_keep_the_skin_off_for_the_rest_of_the_visit(guest, skinned):
    first, last = skinned.chapters.order_by("position")
    page = html(guest.get(f"/works/{skinned.pk}/chapters/{first.pk}?style=disable"))
    assert f'href="/works/{skinned.pk}/chapters/{last.pk}?style=disable"' in page  # Next
    assert f"/works/{skinned.pk}?view_full_work=true&amp;style=disable" in page  # Entire Work
    assert f'href="/works/{skinned.pk}/navigate?style=disable"' in page
    # Links of a page with the skin on carry nothing.
    page = html(guest.get(f"/works/{skinned.pk}/chapters/{first.pk}"))
    assert f'href="/works/{skinned.pk}/chapters/{last.pk}"' in page


def test_the_toggle_links_keep_the_full_work_view(guest, skinned):
    response = guest.get(f"/works/{skinned.pk}?view_full_work=true&junk=1")
    assert (f'href="/works/{skinned.pk}?view_full_work=true&amp;style=disable"'
            in html(response))
    back = guest.get(f"/works/{skinned.pk}?view_full_work=true&style=disable")
    assert f'href="/works/{skinned.pk}?view_full_work=true" rel="nofollow">Show' in html(back)


def test_the_preference_hides_skins_until_the_reader_asks_for_one(client, reader, skinned):
    hide_skins(reader)
    client.force_login(reader)
    response = client.get(f"/works/{skinned.pk}")
    assert style_of(response) == ""
    assert f'href="/works/{skinned.pk}?style=creator"' in html(response)
    assert shows(response, "Show creator’s style")
    shown = client.get(f"/works/{skinned.pk}?style=creator")
    assert SCOPED_CHAT in style_of(shown)
    assert f'href="/works/{skinned.pk}?style=disable" rel="nofollow">Hide' in html(shown)


def test_one_readers_preference_changes_nobody_elses_page(client, reader, skinned):
    hide_skins(reader)
    client.force_login(reader)
    assert style_of(client.get(f"/works/{skinned.pk}")) == ""
    assert SCOPED_CHAT in style_of(Client().get(f"/works/{skinned.pk}"))
    other = Client()
    other.force_login(UserFactory(username="erin"))
    assert SCOPED_CHAT in style_of(other.get(f"/works/{skinned.pk}"))


@pytest.mark.usefixtures("cache_backend")
def test_guests_cached_pages_keep_the_skin_and_its_off_switch_apart(skinned):
    on, off = f"/works/{skinned.pk}", f"/works/{skinned.pk}?style=disable"
    for _ in range(2):  # the second round comes from the cache
        assert SCOPED_CHAT in style_of(Client().get(on))
        assert style_of(Client().get(off)) == ""
        assert SCOPED_CHAT in style_of(Client().get(on))


@pytest.mark.usefixtures("cache_backend")
def test_a_changed_skin_reaches_guests_next_request(author, skinned):
    url = f"/works/{skinned.pk}"
    assert SCOPED_CHAT in style_of(Client().get(url))
    meta = WorkMeta(title="Group Chat", creators=[author.default_pseud],
                    fandoms=["Original Work"], rating="General Audiences",
                    work_skin=".sms { color: green }")
    work_update(user=author, work=skinned, meta=meta)
    assert style_of(Client().get(url)).endswith("#workskin .sms { color: green; }\n")


def test_a_hostile_skin_never_closes_the_style_element(guest, author):
    work = WorkFactory(author=author, work_skin=(
        '.a::before { content: "</style><script>alert(1)</script>" } '
        "/* </style><script>alert(2)</script> */ .b { color: red }"))
    page = html(guest.get(f"/works/{work.pk}"))
    assert "<script>" not in page
    head = page[: page.index("</head>")]
    assert head.count("</style>") == 1


def test_the_skin_is_not_on_listings(guest, skinned):
    assert "workskin" not in html(guest.get("/works"))


# --- Downloads ------------------------------------------------------------------------------


def test_the_html_download_carries_the_skin_around_the_work(guest, skinned):
    response = guest.get(f"/downloads/{skinned.pk}/Group_Chat.html")
    assert response.status_code == 200
    page = response.content.decode()
    assert SCOPED_CHAT in page[: page.index("</head>")]
    assert page.index('<div id="workskin">') < page.index('<p class="chat">')


def test_a_download_without_a_skin_has_no_scope(guest, work):
    page = guest.get(f"/downloads/{work.pk}/x.html").content.decode()
    assert "workskin" not in page


def test_a_skinned_html_download_still_imports_back(skinned):
    data = exporters.export(book_of(skinned), "html")
    [result] = works_import(data=data, filename="work.html",
                            user=UserFactory(username="importer"),
                            options=ImportOptions(allow_copy=True))
    assert result.status == "created", result.reason
    assert ([c.content for c in result.work.chapters.order_by("position")]
            == [c.content for c in skinned.chapters.order_by("position")])


def test_a_skin_stored_around_the_services_is_not_served_if_it_could_close_the_style(
    guest, skinned
):
    Work.objects.filter(pk=skinned.pk).update(
        work_skin="p { color: red } </style><script>alert(1)</script>")
    page = html(guest.get(f"/works/{skinned.pk}"))
    assert "<script>" not in page
    assert 'id="work-skin"' not in page
