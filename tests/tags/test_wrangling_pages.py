"""The wranglers' pages: who may open them, the fandom bins, bulk actions, the tag edit page,
the audit log, and the admins' page that grants the wrangler role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.tags.models import WranglingLog
from fichive.tags.services import tag_make_canonical, tag_set_parents
from tests.factories import WorkFactory
from tests.tags.helpers import found_under, page, tag, text

WRANGLER_PAGES = ["/tags/wrangling", "/tags/wrangling/Naruto", "/tags/wrangling/log",
                  "/tags/Naruto/edit"]


@pytest.fixture
def naruto_work(author, wrangler):
    """A Naruto work with unwrangled character, relationship and freeform tags."""
    work = WorkFactory(author=author, title="Ramen at Midnight", fandoms=["Naruto"],
                       characters=["Sasuke Uchiha", "Teuchi"],
                       relationships=["Uzumaki Naruto & Uchiha Sasuke"], freeforms=["Ramen"])
    tag_make_canonical(actor=wrangler, tag=tag("Naruto"))
    return work


# Who may open them --------------------------------------------------------------------------


@pytest.mark.parametrize("url", WRANGLER_PAGES)
def test_guests_are_sent_to_log_in(guest, naruto_work, url):
    response = guest.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


@pytest.mark.parametrize("url", WRANGLER_PAGES)
def test_readers_are_refused_with_a_reason(client, reader, naruto_work, url):
    client.force_login(reader)

    response = client.get(url)

    assert response.status_code == 403
    assert "Only tag wranglers can use this page" in page(response)


@pytest.mark.parametrize("url", WRANGLER_PAGES)
def test_wranglers_and_admins_may_open_them(wrangler_client, admin_client, naruto_work, url):
    assert wrangler_client.get(url).status_code == 200
    assert admin_client.get(url).status_code == 200


def test_the_wrangling_link_shows_only_for_wranglers(wrangler_client, client, reader, db):
    assert 'href="/tags/wrangling"' in page(wrangler_client.get("/"))
    client.force_login(reader)
    assert 'href="/tags/wrangling"' not in page(client.get("/"))


# Bins ---------------------------------------------------------------------------------------


def test_the_index_counts_unwrangled_tags_per_fandom(wrangler_client, naruto_work):
    html = page(wrangler_client.get("/tags/wrangling"))

    assert 'href="/tags/wrangling/Naruto">Naruto</a>' in html
    # Sasuke Uchiha, Teuchi, the relationship and Ramen.
    assert '<td class="number">4</td>' in html


def test_a_fandom_bin_lists_its_unwrangled_tags_with_use_counts(wrangler_client, author,
                                                                naruto_work):
    WorkFactory(author=author, fandoms=["Naruto"], freeforms=["Ramen"])
    WorkFactory(author=author, fandoms=["Bleach"], freeforms=["Zanpakuto"])

    html = page(wrangler_client.get("/tags/wrangling/Naruto"))

    for name in ("Sasuke Uchiha", "Teuchi", "Uzumaki Naruto &amp; Uchiha Sasuke", "Ramen"):
        assert f">{name}</label>" in html
    assert "Zanpakuto" not in html
    ramen = tag("Ramen")
    assert f'value="{ramen.pk}"' in html
    assert '<td class="number">2</td>' in html


def test_a_fandom_bin_filters_by_type_and_status(wrangler_client, naruto_work, wrangler):
    tag_make_canonical(actor=wrangler, tag=tag("Teuchi"))

    characters = page(wrangler_client.get("/tags/wrangling/Naruto?type=character"))
    canonical = page(wrangler_client.get("/tags/wrangling/Naruto?status=canonical"))

    assert ">Sasuke Uchiha</label>" in characters
    assert ">Ramen</label>" not in characters
    assert ">Teuchi</label>" not in characters
    assert ">Teuchi</label>" in canonical
    assert "Character (1)" in characters


def test_tags_assigned_to_a_fandom_are_in_its_bin(wrangler_client, wrangler, naruto_work,
                                                  make_tag):
    unused = make_tag("Hokage Naruto", "character")
    tag_set_parents(actor=wrangler, tag=unused, fandoms=[tag("Naruto")])

    assert ">Hokage Naruto</label>" in page(wrangler_client.get("/tags/wrangling/Naruto"))


def test_a_bin_for_a_tag_that_is_not_a_fandom_is_404(wrangler_client, naruto_work):
    assert wrangler_client.get("/tags/wrangling/Ramen").status_code == 404


# Bulk actions -------------------------------------------------------------------------------


def _bulk(client, url: str, tags, **data):
    return client.post(url, {"tags": [t.pk for t in tags], "of": "", "fandoms": "",
                             "meta": "", **data}, follow=True)


def test_bulk_make_canonical(wrangler_client, wrangler, naruto_work):
    response = _bulk(wrangler_client, "/tags/wrangling/Naruto", [tag("Teuchi"), tag("Ramen")],
                     action="canonical")

    assert "Make canonical: done for 2 tags." in page(response)
    assert tag("Teuchi").canonical and tag("Ramen").canonical
    assert WranglingLog.objects.filter(actor=wrangler, action="made canonical",
                                       tag_name="Teuchi").exists()


def test_bulk_make_synonym_keeps_the_works_findable(wrangler_client, make_tag, naruto_work):
    make_tag("Uchiha Sasuke", "character", canonical=True)

    response = _bulk(wrangler_client, "/tags/wrangling/Naruto", [tag("Sasuke Uchiha")],
                     action="synonym", of="uchiha sasuke")

    assert "Make synonym of: done for 1 tag." in page(response)
    assert tag("Sasuke Uchiha").merger == tag("Uchiha Sasuke")
    assert found_under("Uchiha Sasuke") == {"Ramen at Midnight"}


def test_bulk_errors_name_the_tag_and_the_reason(wrangler_client, make_tag, naruto_work):
    make_tag("Uchiha Sasuke", "character", canonical=True)

    response = _bulk(wrangler_client, "/tags/wrangling/Naruto",
                     [tag("Sasuke Uchiha"), tag("Ramen")], action="synonym", of="Uchiha Sasuke")

    html = text(response)
    assert "done for 1 tag." in html
    assert "“Ramen” is an additional tag and “Uchiha Sasuke” a character tag" in html
    assert tag("Ramen").merger is None


def test_bulk_with_an_unknown_target_changes_nothing(wrangler_client, naruto_work):
    response = _bulk(wrangler_client, "/tags/wrangling/Naruto", [tag("Sasuke Uchiha")],
                     action="synonym", of="Nobody At All")

    assert "There is no tag named “Nobody At All”." in page(response)
    assert tag("Sasuke Uchiha").merger is None


def test_bulk_without_ticked_tags_says_so(wrangler_client, naruto_work):
    response = _bulk(wrangler_client, "/tags/wrangling/Naruto", [], action="canonical")

    assert "Tick at least one tag." in page(response)


def test_bulk_assign_fandoms_and_add_meta_tag(wrangler_client, wrangler, make_tag, naruto_work):
    boruto = make_tag("Boruto", "fandom", canonical=True)
    meta = make_tag("Food", "freeform", canonical=True)
    ramen = tag("Ramen")
    tag_make_canonical(actor=wrangler, tag=ramen)

    _bulk(wrangler_client, "/tags/wrangling/Naruto?status=canonical", [ramen],
          action="fandoms", fandoms="Naruto, Boruto")
    response = _bulk(wrangler_client, "/tags/wrangling/Naruto?status=canonical", [ramen],
                     action="meta", meta="Food")

    assert set(tag("Ramen").parents.all()) == {tag("Naruto"), boruto}
    assert list(tag("Ramen").meta_tags.all()) == [meta]
    assert found_under("Food") == {"Ramen at Midnight"}
    assert response.redirect_chain[-1][0] == "/tags/wrangling/Naruto?status=canonical"


def test_readers_cannot_post_bulk_actions(client, reader, naruto_work):
    client.force_login(reader)

    response = client.post("/tags/wrangling/Naruto", {"tags": [tag("Ramen").pk],
                                                      "action": "canonical"})

    assert response.status_code == 403
    assert not tag("Ramen").canonical


# The edit page ------------------------------------------------------------------------------


def _edit(client, name_url: str, **data):
    return client.post(f"/tags/{name_url}/edit", data, follow=True)


def test_editing_renames_and_makes_canonical_with_fandoms(wrangler_client, naruto_work):
    response = _edit(wrangler_client, "Teuchi", name="Teuchi (Naruto)", canonical="on",
                     synonym_of="", parents="Naruto", meta_tags="")

    assert response.redirect_chain[-1][0] == "/tags/Teuchi%20(Naruto)"
    assert "Saved the changes to “Teuchi (Naruto)”." in page(response)
    renamed = tag("Teuchi (Naruto)")
    assert renamed.canonical
    assert list(renamed.parents.all()) == [tag("Naruto")]


def test_editing_makes_a_synonym_and_unsynonyms(wrangler_client, make_tag, naruto_work):
    make_tag("Uchiha Sasuke", "character", canonical=True)

    _edit(wrangler_client, "Sasuke%20Uchiha", name="Sasuke Uchiha", synonym_of="Uchiha Sasuke",
          parents="", meta_tags="")
    assert tag("Sasuke Uchiha").merger == tag("Uchiha Sasuke")

    _edit(wrangler_client, "Sasuke%20Uchiha", name="Sasuke Uchiha", synonym_of="", meta_tags="")
    assert tag("Sasuke Uchiha").merger is None
    assert found_under("Sasuke Uchiha") == {"Ramen at Midnight"}


def test_editing_a_fandoms_media(wrangler_client, naruto_work):
    _edit(wrangler_client, "Naruto", name="Naruto", canonical="on", synonym_of="",
          meta_tags="", category="Anime & Manga")

    assert tag("Naruto").media == "Anime & Manga"


def test_edit_errors_show_on_the_form_and_change_nothing(wrangler_client, make_tag, naruto_work):
    make_tag("Ramen Shop", "freeform")

    response = _edit(wrangler_client, "Ramen", name="ramen shop", canonical="on",
                     synonym_of="", parents="", meta_tags="")

    html = text(response)
    assert "Nothing was changed" in html
    assert "There is already an additional tag called “Ramen Shop”" in html
    assert not tag("Ramen").canonical


def test_canonical_and_synonym_at_once_is_refused(wrangler_client, make_tag, naruto_work):
    make_tag("Uchiha Sasuke", "character", canonical=True)

    response = _edit(wrangler_client, "Sasuke%20Uchiha", name="Sasuke Uchiha", canonical="on",
                     synonym_of="Uchiha Sasuke", parents="", meta_tags="")

    assert "can't be canonical and a synonym at once" in text(response)
    assert tag("Sasuke Uchiha").merger is None


def test_unknown_parent_fandoms_are_named(wrangler_client, naruto_work):
    response = _edit(wrangler_client, "Teuchi", name="Teuchi", synonym_of="",
                     parents="Naruto, Narnia", meta_tags="")

    assert "There is no tag named “Narnia”." in page(response)


def test_fixed_tags_have_no_edit_form(wrangler_client, db):
    html = page(wrangler_client.get("/tags/Explicit/edit"))

    assert "fixed tags can't be renamed or wrangled" in html
    assert "<form method=\"post\" class=\"tag-edit\"" not in html


def test_the_edit_page_offers_autocomplete_without_needing_it(wrangler_client, naruto_work):
    html = page(wrangler_client.get("/tags/Teuchi/edit"))

    assert 'data-autocomplete="character"' in html
    assert 'data-autocomplete="fandom"' in html
    assert "js/autocomplete" in html
    assert 'value="Teuchi"' in html


# The audit log ------------------------------------------------------------------------------


def test_the_log_shows_who_changed_what(wrangler_client, wrangler, naruto_work):
    _bulk(wrangler_client, "/tags/wrangling/Naruto", [tag("Teuchi")], action="canonical")

    html = page(wrangler_client.get("/tags/wrangling/log"))

    assert '>wendy</a>' in html
    assert 'href="/tags/Teuchi">Teuchi</a>' in html
    assert "made canonical" in html


def test_the_log_narrows_to_one_tag_and_names_the_command_line(wrangler_client, naruto_work):
    html = page(wrangler_client.get("/tags/wrangling/log?tag=naruto"))

    assert "command line" not in html  # Naruto was made canonical by the wrangler fixture
    tag_make_canonical(actor=None, tag=tag("Ramen"))
    html = page(wrangler_client.get("/tags/wrangling/log?tag=Ramen"))
    assert "command line" in html
    assert ">Teuchi<" not in html


# Granting the role --------------------------------------------------------------------------


def test_the_wranglers_page_is_for_admins_only(guest, client, wrangler, reader, admin_client):
    assert guest.get("/admin/wranglers").status_code == 302
    client.force_login(reader)
    assert client.get("/admin/wranglers").status_code == 403
    client.force_login(wrangler)
    assert client.get("/admin/wranglers").status_code == 403
    assert admin_client.get("/admin/wranglers").status_code == 200


def test_admins_grant_and_revoke_the_role_by_user_name(admin_client, admin, reader):
    response = admin_client.post("/admin/wranglers", {"username": "CAROL", "action": "grant"},
                                 follow=True)
    reader.refresh_from_db()
    assert reader.is_wrangler
    assert "carol is a tag wrangler now." in page(response)
    assert 'href="/users/carol">carol</a>' in page(response)

    admin_client.post("/admin/wranglers", {"username": "carol", "action": "revoke"})
    reader.refresh_from_db()
    assert not reader.is_wrangler
    assert WranglingLog.objects.filter(actor=admin, detail="carol").count() == 2


def test_granting_the_role_to_nobody_says_so(admin_client, admin):
    response = admin_client.post("/admin/wranglers", {"username": "nobody", "action": "grant"})

    assert "There is no user named “nobody”." in page(response)


# Query counts -------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/tags/wrangling", "/tags/wrangling/Naruto",
                                 "/tags/wrangling/log", "/tags/Naruto"])
def test_wrangling_pages_run_the_same_queries_for_few_or_many_tags(wrangler_client, author,
                                                                   naruto_work, url):
    def add(start: int, stop: int) -> None:
        WorkFactory(author=author, fandoms=["Naruto"],
                    freeforms=[f"Tag {n:02}" for n in range(start, stop)])
        for n in range(start, stop):
            tag_set_parents(actor=None, tag=tag(f"Tag {n:02}"), fandoms=[tag("Naruto")])

    add(0, 3)
    few = _queries(wrangler_client, url)
    add(3, 30)

    assert _queries(wrangler_client, url) == few
