"""Managing pseuds (edit, delete, choose the default) and the per-pseud pages with their works
and bookmarks, as the visitor may see them."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from fichive.accounts.models import Pseud
from fichive.accounts.services import (
    pseud_create,
    pseud_delete,
    pseud_make_default,
    pseud_update,
)
from fichive.bookmarks.models import Bookmark
from fichive.bookmarks.services import BookmarkData, bookmark_create
from fichive.comments.services import comment_post
from fichive.gifts.models import Gift
from fichive.works.models import Creatorship
from tests.factories import WorkFactory


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def owl(author):
    return pseud_create(user=author, name="Night Owl", description="Late-night fic.")


def _edit(name: str = "Night Owl", description: str = "", icon_text: str = "",
          is_default: bool = False) -> dict:
    data = {"name": name, "description": description, "icon_text": icon_text}
    if is_default:
        data["is_default"] = "on"
    return data


def test_editing_a_pseud_changes_name_description_and_icon_text(author_client, owl):
    assert _page(author_client.get("/users/alice/pseuds/Night Owl/edit"))

    response = author_client.post("/users/alice/pseuds/Night Owl/edit", _edit(
        name="Dawn Owl", description="Early <b>morning</b> fic.<script>alert(1)</script>",
        icon_text="An owl at sunrise"))

    assert response["Location"] == "/users/alice/pseuds/Dawn%20Owl"
    page = _page(author_client.get(response["Location"]))
    assert escape("Pseud “Dawn Owl” updated.") in page
    assert "Early <b>morning</b> fic." in page
    assert "<script>" not in page and "alert(1)" not in page
    assert "An owl at sunrise" in page
    owl.refresh_from_db()
    assert owl.name == "Dawn Owl" and "<script>" not in owl.description


def test_a_renamed_pseud_renames_the_bylines(author, author_client, owl, client):
    work = WorkFactory(author=author, title="Owl Story", creators=[owl])

    author_client.post("/users/alice/pseuds/Night Owl/edit", _edit(name="Barn Owl"))

    page = _page(client.get(f"/works/{work.pk}"))
    assert '<a rel="author" href="/users/alice/pseuds/Barn%20Owl">Barn Owl (alice)</a>' in page
    assert "Owl Story" in _page(client.get("/works/search?q=creator:%22Barn Owl%22"))


@pytest.mark.parametrize(("data", "message"), [
    (_edit(name=""), "A pseud needs a name."),
    (_edit(name="alice"), escape("You already have a pseud called “alice”.")),
    (_edit(name="<b>x</b>"), "Use up to 40 letters"),
    (_edit(description="x" * 501), "The description is 501 characters long; the most is 500."),
    (_edit(icon_text="x" * 251), "Ensure this value has at most 250 characters"),
])
def test_bad_pseud_edits_say_what_is_wrong(author_client, owl, data, message):
    response = author_client.post("/users/alice/pseuds/Night Owl/edit", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    owl.refresh_from_db()
    assert owl.name == "Night Owl"


def test_others_cannot_edit_or_delete_your_pseuds(reader_client, reader, owl):
    assert reader_client.get("/users/alice/pseuds/Night Owl/edit").status_code == 403
    assert reader_client.post("/users/alice/pseuds/Night Owl/edit",
                              _edit(name="Stolen")).status_code == 403
    assert reader_client.post("/users/alice/pseuds/Night Owl/delete").status_code == 403
    with pytest.raises(PermissionDenied):
        pseud_update(user=reader, pseud=owl, name="Stolen")
    with pytest.raises(PermissionDenied):
        pseud_delete(user=reader, pseud=owl)
    with pytest.raises(PermissionDenied):
        pseud_make_default(user=reader, pseud=owl)
    owl.refresh_from_db()
    assert owl.name == "Night Owl"


def test_guests_are_sent_to_log_in_to_edit(client, owl):
    assert client.get("/users/alice/pseuds/Night Owl/edit")["Location"].startswith("/login")


def test_choosing_the_default_pseud(author, author_client, owl):
    response = author_client.post("/users/alice/pseuds/Night Owl/edit",
                                  _edit(is_default=True))

    assert response.status_code == 302
    assert author.default_pseud == owl
    assert Pseud.objects.filter(user=author, is_default=True).count() == 1
    page = _page(author_client.get("/users/alice/pseuds"))
    assert ">Night Owl</a></strong> (default)" in page
    # The new default is ticked on the posting form.
    assert f'value="{owl.pk}" id="id_creators_0" checked' in _page(
        author_client.get("/works/new"))


def test_deleting_a_pseud_moves_its_works_bookmarks_and_more_to_the_default(
        author, co_author, author_client, owl, client):
    own = WorkFactory(author=author, title="Owl Story", creators=[owl])
    both = WorkFactory(author=author, title="Both Names", creators=[author.default_pseud, owl])
    other = WorkFactory(author=co_author, title="Bob's Story")
    bookmark_create(user=author, work=other, pseud=owl, data=BookmarkData(notes="Lovely"))
    comment_post(user=author, work=other, chapter=None, parent=None, content="Nice!",
                 pseud=owl)
    Gift.objects.create(work=other, pseud=owl, recipient_name="Night Owl")
    assert "Are you sure?" in _page(author_client.get("/users/alice/pseuds/Night Owl/delete"))

    response = author_client.post("/users/alice/pseuds/Night Owl/delete")

    assert response["Location"] == "/users/alice/pseuds"
    assert escape("Pseud “Night Owl” deleted") in _page(author_client.get("/users/alice/pseuds"))
    assert not Pseud.objects.filter(name="Night Owl").exists()
    default = author.default_pseud
    assert [c.pseud for c in Creatorship.objects.filter(work=own)] == [default]
    assert [c.pseud for c in Creatorship.objects.filter(work=both)] == [default]
    assert Bookmark.objects.get().pseud == default
    assert Gift.objects.get().pseud == default
    assert other.comments.get().pseud == default
    assert '<a rel="author" href="/users/alice/pseuds/alice">alice</a>' in _page(
        client.get(f"/works/{own.pk}"))


def test_the_default_pseud_cannot_be_deleted(author, author_client):
    with pytest.raises(ValidationError, match="default pseud"):
        pseud_delete(user=author, pseud=author.default_pseud)

    response = author_client.post("/users/alice/pseuds/alice/delete", follow=True)

    assert "You can&#x27;t delete your default pseud" in response.content.decode()
    assert author.pseuds.count() == 1


def test_pseud_page_shows_its_works_and_bookmarks_as_the_visitor_may_see_them(
        author, co_author, reader, owl, client):
    WorkFactory(author=author, title="Public Owl", creators=[owl])
    WorkFactory(author=author, title="Members Owl", creators=[owl], restricted=True)
    WorkFactory(author=author, title="Draft Owl", creators=[owl], post=False)
    WorkFactory(author=author, title="Alice Only")
    other = WorkFactory(author=co_author, title="Bookmarked Tale")
    hidden = WorkFactory(author=co_author, title="Privately Kept")
    bookmark_create(user=author, work=other, pseud=owl, data=BookmarkData())
    bookmark_create(user=author, work=hidden, pseud=owl, data=BookmarkData(private=True))

    guest = _page(client.get("/users/alice/pseuds/Night Owl"))
    assert "Late-night fic." in guest
    assert "Public Owl" in guest and "Bookmarked Tale" in guest
    for absent in ("Members Owl", "Draft Owl", "Alice Only", "Privately Kept"):
        assert absent not in guest
    listing = _page(client.get("/users/alice/pseuds/Night Owl/works"))
    assert "Works by Night Owl (alice)" in listing
    assert "Public Owl" in listing and "Alice Only" not in listing
    assert "Members Owl" not in listing
    bookmarks = _page(client.get("/users/alice/pseuds/Night Owl/bookmarks"))
    assert "Bookmarked Tale" in bookmarks and "Privately Kept" not in bookmarks

    client.force_login(reader)
    member = _page(client.get("/users/alice/pseuds/night owl"))
    assert "Members Owl" in member and "Draft Owl" not in member
    assert "Members Owl" in _page(client.get("/users/alice/pseuds/Night Owl/works"))


def test_unknown_pseuds_are_404(client, author):
    assert client.get("/users/alice/pseuds/Nobody").status_code == 404
    assert client.get("/users/alice/pseuds/Nobody/works").status_code == 404
    assert client.get("/users/alice/pseuds/Nobody/bookmarks").status_code == 404
    assert client.get("/users/nobody/pseuds/alice").status_code == 404


def test_pseud_works_listing_runs_the_same_queries_for_3_and_30_works(client, author, owl):
    def works(n: int, first: int = 0) -> None:
        for i in range(first, first + n):
            WorkFactory(author=author, title=f"Owl {i}", creators=[owl],
                        freeforms=[f"Tag {i}"])

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/users/alice/pseuds/Night Owl/works").status_code == 200
        return len(captured.captured_queries)

    works(3)
    three = queries()
    works(27, first=3)

    assert queries() == three
