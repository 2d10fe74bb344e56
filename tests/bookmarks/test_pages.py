"""Bookmark pages: the form (new and edit), a bookmark's page, deleting with confirmation,
external works; who may see, change and delete what; bad input never gives a 500."""

from __future__ import annotations

import pytest

from fichive.bookmarks.models import Bookmark, ExternalWork
from fichive.works.models import Work
from tests.factories import WorkFactory

VIEWERS = ["guest", "owner", "other", "creator"]
WORK_STATES = ["public", "restricted", "draft"]


def _login(client, who, *, reader, stranger, author) -> None:
    users = {"owner": reader, "other": stranger, "creator": author}
    if who in users:
        client.force_login(users[who])


def _bookmark_in_state(make_bookmark, author, reader, *, state: str, private: bool) -> Bookmark:
    work = WorkFactory(author=author, title="The Lantern Keeper")
    bookmark = make_bookmark(reader, work, private=private, notes="My own note")
    # A work can be restricted, or become unlisted, after it was bookmarked.
    if state == "restricted":
        Work.objects.filter(pk=work.pk).update(restricted=True)
    elif state == "draft":
        Work.objects.filter(pk=work.pk).update(state=Work.State.DRAFT)
    return bookmark


def _may_see(who: str, state: str, private: bool) -> bool:
    if state == "draft":
        return False
    if who == "guest":
        return state == "public" and not private
    return who == "owner" or not private


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("state", WORK_STATES)
@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
def test_who_may_see_change_and_delete_a_bookmark(
    client, author, reader, stranger, make_bookmark, who, state, private
):
    bookmark = _bookmark_in_state(make_bookmark, author, reader, state=state, private=private)
    _login(client, who, reader=reader, stranger=stranger, author=author)
    visible = _may_see(who, state, private)

    page = client.get(f"/bookmarks/{bookmark.pk}")
    assert page.status_code == (200 if visible else 404)
    if visible:
        assert "The Lantern Keeper" in page.content.decode()
        assert "My own note" in page.content.decode()
        assert ("/edit" in page.content.decode()) == (who == "owner")

    edit = client.get(f"/bookmarks/{bookmark.pk}/edit")
    delete = client.get(f"/bookmarks/{bookmark.pk}/delete")
    if who == "guest":
        assert edit.status_code == delete.status_code == 302
        assert edit["Location"].startswith("/login")
    elif who == "owner":
        assert edit.status_code == (200 if visible else 404)
        assert delete.status_code == 200  # one's own bookmark can always go
        assert ("The Lantern Keeper" in delete.content.decode()) == visible
    else:
        expected = 403 if visible else 404
        assert edit.status_code == delete.status_code == expected

    client.post(f"/bookmarks/{bookmark.pk}/edit", {"pseud": bookmark.pseud_id,
                                                   "notes": "changed"})
    client.post(f"/bookmarks/{bookmark.pk}/delete")
    exists = Bookmark.objects.filter(pk=bookmark.pk).exists()
    assert exists == (who != "owner")
    if exists:
        assert Bookmark.objects.get(pk=bookmark.pk).notes == "<p>My own note</p>"


def test_a_reader_bookmarks_a_work_from_its_page(reader_client, work, reader):
    page = reader_client.get(f"/works/{work.pk}")
    assert f'href="/works/{work.pk}/bookmarks/new">Bookmark</a>' in page.content.decode()
    form = reader_client.get(f"/works/{work.pk}/bookmarks/new")
    assert form.status_code == 200
    assert work.title in form.content.decode()
    response = reader_client.post(f"/works/{work.pk}/bookmarks/new", {
        "pseud": reader.default_pseud.pk, "notes": "A <em>favourite</em>.",
        "tags": "Comfort Read, Lanterns", "rec": "on"})
    bookmark = Bookmark.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bookmarks/{bookmark.pk}"
    shown = reader_client.get(response["Location"]).content.decode()
    assert "Bookmarked." in shown
    assert "A <em>favourite</em>." in shown
    assert "Comfort Read" in shown and "♥ Rec" in shown
    page = reader_client.get(f"/works/{work.pk}").content.decode()
    assert f'href="/bookmarks/{bookmark.pk}/edit">Edit Bookmark</a>' in page
    assert f'<a href="/works/{work.pk}/bookmarks">1</a>' in page  # the stats link


def test_bookmarking_again_leads_to_the_edit_form(reader_client, work, reader, make_bookmark):
    bookmark = make_bookmark(reader, work)
    response = reader_client.get(f"/works/{work.pk}/bookmarks/new")
    assert response.status_code == 302
    assert response["Location"] == f"/bookmarks/{bookmark.pk}/edit"


def test_a_bookmark_can_be_made_under_another_pseud(reader_client, work, reader):
    other = reader.pseuds.create(name="Night Owl")
    reader_client.post(f"/works/{work.pk}/bookmarks/new", {"pseud": other.pk})
    page = reader_client.get("/users/carol/bookmarks").content.decode()
    assert "Night Owl (carol)" in page


def test_guests_get_a_log_in_link_instead_of_the_form(client, work):
    page = client.get(f"/works/{work.pk}").content.decode()
    assert f'href="/login?next=/works/{work.pk}/bookmarks/new">Bookmark</a>' in page
    assert "Edit Bookmark" not in page
    assert client.get(f"/works/{work.pk}/bookmarks/new").status_code == 302
    assert client.post(f"/works/{work.pk}/bookmarks/new", {}).status_code == 302
    assert not Bookmark.objects.exists()


def test_the_guests_cached_work_page_shows_nothing_of_a_logged_in_visitor(
    client, work, reader, make_bookmark
):
    make_bookmark(reader, work)
    client.force_login(reader)
    assert "Edit Bookmark" in client.get(f"/works/{work.pk}").content.decode()
    client.logout()
    for _ in range(2):  # stored, then served from the page cache
        page = client.get(f"/works/{work.pk}").content.decode()
        assert "Edit Bookmark" not in page
        assert "csrfmiddlewaretoken" not in page


def test_the_work_page_shows_the_new_count_after_a_bookmark(client, work, reader):
    client.get(f"/works/{work.pk}")  # cached for guests
    client.force_login(reader)
    client.post(f"/works/{work.pk}/bookmarks/new", {"pseud": reader.default_pseud.pk})
    client.logout()
    page = client.get(f"/works/{work.pk}").content.decode()
    assert '<dt class="bookmarks">Bookmarks:</dt>' in page


@pytest.mark.parametrize("work_state", ["restricted", "draft", "missing"])
def test_works_a_reader_may_not_list_cannot_be_bookmarked(
    client, author, reader, stranger, work_state
):
    if work_state == "missing":
        work_id = 999999
    else:
        work_id = WorkFactory(author=author, restricted=True,
                              post=work_state != "draft").pk
    client.get("/")  # a guest first
    if work_state == "restricted":
        assert client.get(f"/works/{work_id}/bookmarks/new").status_code == 302
        return
    client.force_login(stranger)
    assert client.get(f"/works/{work_id}/bookmarks/new").status_code == 404
    assert client.post(f"/works/{work_id}/bookmarks/new",
                       {"pseud": stranger.default_pseud.pk}).status_code == 404
    assert not Bookmark.objects.exists()


def test_a_restricted_work_is_bookmarked_by_logged_in_readers(reader_client, author, reader):
    work = WorkFactory(author=author, restricted=True)
    response = reader_client.post(f"/works/{work.pk}/bookmarks/new",
                                  {"pseud": reader.default_pseud.pk})
    assert response.status_code == 302


@pytest.mark.parametrize("post", [
    {"pseud": "not a number"},
    {"pseud": "999999"},
    {},
    {"pseud": "{pseud}", "notes": "x" * 5001},
    {"pseud": "{pseud}", "notes": "nul \x00 char"},
    {"pseud": "{pseud}", "tags": "fine, bad*tag"},
    {"pseud": "{pseud}", "tags": ", ".join(f"tag{i}" for i in range(80))},
    {"pseud": "{pseud}", "tags": "x" * 200},
    {"pseud": "{pseud}", "notes": "\x01note\x7f"},
])
def test_bad_bookmark_forms_say_what_is_wrong_and_save_nothing(
    reader_client, work, reader, stranger, post
):
    data = {k: v.replace("{pseud}", str(reader.default_pseud.pk)) for k, v in post.items()}
    response = reader_client.post(f"/works/{work.pk}/bookmarks/new", data)
    if data.get("notes") == "\x01note\x7f":  # odd characters are cleaned, not an error
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not Bookmark.objects.exists()


def test_someone_elses_pseud_is_refused(reader_client, work, stranger):
    response = reader_client.post(f"/works/{work.pk}/bookmarks/new",
                                  {"pseud": stranger.default_pseud.pk})
    assert response.status_code == 400
    assert "Choose one of your own pseuds." in response.content.decode()


def test_editing_a_bookmark_changes_it_and_shows_its_values(
    reader_client, work, reader, make_bookmark
):
    bookmark = make_bookmark(reader, work, notes="first", tags=["Zeta", "Alpha"])
    form = reader_client.get(f"/bookmarks/{bookmark.pk}/edit").content.decode()
    assert "Alpha, Zeta" in form and "&lt;p&gt;first&lt;/p&gt;" in form
    response = reader_client.post(f"/bookmarks/{bookmark.pk}/edit", {
        "pseud": reader.default_pseud.pk, "notes": "second", "tags": "Beta", "private": "on"})
    assert response.status_code == 302
    bookmark.refresh_from_db()
    assert bookmark.notes == "<p>second</p>" and bookmark.private
    assert [t.name for t in bookmark.tags.all()] == ["Beta"]
    work.refresh_from_db()
    assert work.bookmarks_count == 0
    bad = reader_client.post(f"/bookmarks/{bookmark.pk}/edit", {
        "pseud": reader.default_pseud.pk, "notes": "x" * 6000})
    assert bad.status_code == 400
    bookmark.refresh_from_db()
    assert bookmark.notes == "<p>second</p>"


def test_deleting_asks_first_then_deletes(reader_client, work, reader, make_bookmark):
    bookmark = make_bookmark(reader, work)
    confirm = reader_client.get(f"/bookmarks/{bookmark.pk}/delete").content.decode()
    assert "Are you sure?" in confirm and work.title in confirm
    response = reader_client.post(f"/bookmarks/{bookmark.pk}/delete")
    assert response["Location"] == "/users/carol/bookmarks"
    assert not Bookmark.objects.exists()
    work.refresh_from_db()
    assert work.bookmarks_count == 0
    assert reader_client.get(f"/bookmarks/{bookmark.pk}").status_code == 404


def test_an_external_work_is_bookmarked_from_its_form(reader_client, reader):
    response = reader_client.post("/external_works/new", {
        "url": "https://elsewhere.example/story/7", "title": "Elsewhere", "creator": "Quill",
        "summary": "Far off.", "fandoms": "Naruto", "rating": "Mature",
        "pseud": reader.default_pseud.pk, "notes": "Worth the trip", "rec": "on"})
    assert response.status_code == 302
    page = reader_client.get(response["Location"]).content.decode()
    assert 'href="https://elsewhere.example/story/7"' in page
    assert "(External Work)" in page and "Worth the trip" in page and "Naruto" in page
    assert "Elsewhere" in reader_client.get("/bookmarks").content.decode()


@pytest.mark.parametrize("post", [
    {},
    {"url": "javascript:alert(1)", "title": "T", "creator": "C"},
    {"url": "https://e.org/1", "title": "", "creator": "C"},
    {"url": "https://e.org/1", "title": "T", "creator": "C", "rating": "Spicy"},
    {"url": "https://e.org/1", "title": "T" * 300, "creator": "C"},
    {"url": "https://e.org/1", "title": "T", "creator": "C", "fandoms": "a<b"},
    {"url": "https://e.org/1", "title": "T", "creator": "C", "summary": "s" * 2000},
])
def test_bad_external_work_forms_say_what_is_wrong(reader_client, reader, post):
    response = reader_client.post("/external_works/new",
                                  {"pseud": reader.default_pseud.pk, **post})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not ExternalWork.objects.exists() and not Bookmark.objects.exists()


def test_guests_cannot_bookmark_external_works(client):
    assert client.get("/external_works/new").status_code == 302


def test_an_external_works_bookmark_is_edited_like_any_other(reader_client, reader):
    reader_client.post("/external_works/new", {
        "url": "https://elsewhere.example/9", "title": "Far", "creator": "Quill",
        "pseud": reader.default_pseud.pk})
    bookmark = Bookmark.objects.get()
    form = reader_client.get(f"/bookmarks/{bookmark.pk}/edit").content.decode()
    assert "(External Work)" in form and 'href="https://elsewhere.example/9"' in form
    response = reader_client.post(f"/bookmarks/{bookmark.pk}/edit", {
        "pseud": reader.default_pseud.pk, "notes": "Now with notes", "private": "on"})
    assert response.status_code == 302
    assert "Now with notes" in reader_client.get(f"/bookmarks/{bookmark.pk}").content.decode()
    reader_client.logout()
    assert reader_client.get(f"/bookmarks/{bookmark.pk}").status_code == 404


def test_what_bookmarkers_type_is_escaped_or_sanitized_on_every_page(
    reader_client, reader, work
):
    reader_client.post(f"/works/{work.pk}/bookmarks/new", {
        "pseud": reader.default_pseud.pk, "notes": '<p onclick="x()">hi</p><script>bad()</script>',
        "tags": 'Q&A "quoted"'})
    reader_client.post("/external_works/new", {
        "url": "https://e.example/1", "title": "<script>t()</script>", "creator": "<i>me</i>",
        "summary": "<style>x</style>ok", "pseud": reader.default_pseud.pk})
    assert Bookmark.objects.count() == 2
    for url in ("/bookmarks", "/users/carol/bookmarks", f"/works/{work.pk}/bookmarks",
                *(f"/bookmarks/{b.pk}" for b in Bookmark.objects.all())):
        page = reader_client.get(url).content.decode()
        assert "<script>" not in page.split("<main", 1)[1]
        assert "onclick" not in page and "bad()" not in page and "<style>" not in page
        assert "<i>me</i>" not in page
    assert "Q&amp;A &quot;quoted&quot;" in reader_client.get("/bookmarks").content.decode()


def test_an_external_works_page_lists_the_bookmarks_of_it_one_may_see(
    client, reader, stranger
):
    from fichive.bookmarks.services import (
        BookmarkData,
        ExternalWorkData,
        external_work_bookmark_create,
    )

    external = ExternalWorkData(title="Far", creator="Quill", url="https://far.example/1")
    external_work_bookmark_create(user=reader, external=external, pseud=reader.default_pseud,
                                  data=BookmarkData(notes="carol's public note"))
    external_work_bookmark_create(user=stranger, external=external,
                                  pseud=stranger.default_pseud,
                                  data=BookmarkData(notes="dave's private note", private=True))
    url = f"/external_works/{ExternalWork.objects.get().pk}"
    page = client.get(url).content.decode()
    assert "Bookmarks of Far" in page and "carol's public note" in page
    assert "dave's private note" not in page
    client.force_login(stranger)
    assert "dave's private note" in client.get(url).content.decode()
    assert client.get("/external_works/999999").status_code == 404
