"""/tags/<name> (a tag's wrangling at a glance, at AO3's escaped URLs), /media and
/media/<category>/fandoms (fandoms A–Z, counting only works the visitor may see)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fichive.tags.services import (
    tag_add_meta,
    tag_make_canonical,
    tag_make_synonym,
    tag_set_media,
    tag_set_parents,
)
from tests.factories import WorkFactory
from tests.tags.helpers import page, tag

# Tag pages ----------------------------------------------------------------------------------


def test_a_canonical_fandom_page_shows_its_status_media_and_child_tags(guest, author, wrangler):
    WorkFactory(author=author, fandoms=["Naruto"], characters=["Uzumaki Naruto"],
                relationships=["Uzumaki Naruto & Uchiha Sasuke"], freeforms=["Ramen"])
    naruto = tag("Naruto")
    tag_make_canonical(actor=wrangler, tag=naruto)
    tag_set_media(actor=wrangler, fandom=naruto, media="Anime & Manga")
    for name in ("Uzumaki Naruto", "Uzumaki Naruto & Uchiha Sasuke", "Ramen"):
        tag_set_parents(actor=wrangler, tag=tag(name), fandoms=[naruto])

    response = guest.get("/tags/Naruto")

    html = page(response)
    assert response.status_code == 200
    assert "“Naruto” is a fandom tag." in html
    assert "<strong>canonical</strong>" in html
    assert 'href="/media/anime-manga/fandoms">Anime &amp; Manga</a>' in html
    assert 'href="/tags/Naruto/works">Works (1)</a>' in html
    assert 'href="/tags/Uzumaki%20Naruto">Uzumaki Naruto</a>' in html
    assert 'href="/tags/Uzumaki%20Naruto%20*a*%20Uchiha%20Sasuke"' in html
    assert ">Ramen</a> <span class=\"help\">(unwrangled)</span>" in html


def test_a_relationship_with_a_slash_lives_at_an_escaped_url(guest, author):
    WorkFactory(author=author, relationships=["A/B"])

    response = guest.get("/tags/A*s*B")

    assert response.status_code == 200
    assert "“A/B” is a relationship tag." in page(response)
    assert 'href="/tags/A*s*B/works"' in page(response)


@pytest.mark.parametrize(
    ("name", "url"),
    [("Dr. Watson", "/tags/Dr*d*%20Watson"), ("Why Not?", "/tags/Why%20Not*q*"),
     ("#1 Fan", "/tags/*h*1%20Fan"), ("Q&A", "/tags/Q*a*A")],
)
def test_other_escaped_names_have_pages_too(guest, author, name, url):
    WorkFactory(author=author, freeforms=[name])  # (a tag nothing uses is no one's to see)

    response = guest.get(url)

    assert response.status_code == 200
    assert f"“{name}”" in page(response).replace("&amp;", "&")


def test_a_synonym_page_links_its_canonical_and_shows_the_shared_fandoms(guest, wrangler,
                                                                        make_tag):
    naruto = make_tag("Naruto", "fandom", canonical=True)
    canonical = make_tag("Uchiha Sasuke", "character", canonical=True)
    tag_set_parents(actor=wrangler, tag=canonical, fandoms=[naruto])
    tag_make_synonym(actor=wrangler, tag=make_tag("Sasuke Uchiha", "character"), of=canonical)

    html = page(guest.get("/tags/Sasuke%20Uchiha"))

    assert 'a <strong>synonym</strong> of <a class="tag" href="/tags/Uchiha%20Sasuke">' in html
    assert 'href="/tags/Naruto">Naruto</a> <span class="help">(shared with Uchiha Sasuke)' in html
    canonical_html = page(guest.get("/tags/Uchiha%20Sasuke"))
    assert 'class="synonyms"><a class="tag" href="/tags/Sasuke%20Uchiha">' in canonical_html


def test_meta_and_sub_tags_link_each_other(guest, wrangler, make_tag):
    meta = make_tag("Alternate Universe", "freeform", canonical=True)
    sub = make_tag("Alternate Universe - Modern Setting", "freeform", canonical=True)
    tag_add_meta(actor=wrangler, sub=sub, meta=meta)

    meta_html = page(guest.get("/tags/Alternate%20Universe"))
    sub_html = page(guest.get("/tags/Alternate%20Universe%20-%20Modern%20Setting"))

    sub_link = 'class="sub-tags"><a class="tag" href="/tags/Alternate%20Universe%20-%20Modern'
    assert sub_link in meta_html
    assert 'class="meta-tags"><a class="tag" href="/tags/Alternate%20Universe">' in sub_html


def test_an_unwrangled_tag_says_so(guest, author):
    WorkFactory(author=author, freeforms=["Fluff"])

    assert "<strong>not been wrangled</strong>" in page(guest.get("/tags/Fluff"))


def test_an_unknown_tag_is_404(guest, db):
    assert guest.get("/tags/No%20Such%20Tag").status_code == 404


def test_only_wranglers_see_the_edit_link(client, guest, wrangler, reader, make_tag):
    make_tag("Fluff", "freeform")
    client.force_login(wrangler)

    assert 'href="/tags/Fluff/edit"' in page(client.get("/tags/Fluff"))
    assert 'href="/tags/Fluff/edit"' not in page(guest.get("/tags/Fluff"))
    client.force_login(reader)
    assert 'href="/tags/Fluff/edit"' not in page(client.get("/tags/Fluff"))


def test_the_work_count_on_a_tag_page_counts_only_visible_works(client, guest, author, reader):
    WorkFactory(author=author, fandoms=["Naruto"])
    WorkFactory(author=author, fandoms=["Naruto"], restricted=True)
    WorkFactory(author=author, fandoms=["Naruto"], post=False)

    assert "Works (1)" in page(guest.get("/tags/Naruto"))
    client.force_login(reader)
    assert "Works (2)" in page(client.get("/tags/Naruto"))


# Media --------------------------------------------------------------------------------------


def _canonical_fandom(wrangler, name: str, media: str) -> None:
    fandom = tag(name)
    tag_make_canonical(actor=wrangler, tag=fandom)
    tag_set_media(actor=wrangler, fandom=fandom, media=media)


def test_the_media_page_lists_every_category_with_its_top_fandoms(guest, author, wrangler):
    WorkFactory(author=author, fandoms=["Naruto"])
    WorkFactory(author=author, fandoms=["Naruto"])
    WorkFactory(author=author, fandoms=["One Piece"])
    _canonical_fandom(wrangler, "Naruto", "Anime & Manga")
    _canonical_fandom(wrangler, "One Piece", "Anime & Manga")

    html = page(guest.get("/media"))

    for medium in ("Anime &amp; Manga", "Books &amp; Literature", "Video Games",
                   "Uncategorized Fandoms"):
        assert medium in html
    assert html.index(">Naruto</a> (2)") < html.index(">One Piece</a> (1)")
    assert 'href="/media/anime-manga/fandoms">All 2 fandoms' in html


def test_a_media_page_lists_canonical_fandoms_a_to_z_by_letter(guest, author, wrangler):
    for name in ("Naruto", "Bleach", "Nana", "07-Ghost", "Éclair"):
        WorkFactory(author=author, fandoms=[name])
        _canonical_fandom(wrangler, name, "Anime & Manga")
    WorkFactory(author=author, fandoms=["Narto"])  # unwrangled: not listed

    html = page(guest.get("/media/anime-manga/fandoms"))

    assert "Anime &amp; Manga Fandoms" in html
    assert "Narto" not in html
    order = [html.index(f'id="letter-{x}"') for x in ("other", "B", "E", "N")]
    assert order == sorted(order)
    assert html.index(">Nana</a>") < html.index(">Naruto</a>")
    assert html.index('id="letter-E"') < html.index(">Éclair</a>") < html.index('id="letter-N"')


def test_an_unknown_media_category_is_404(guest, db):
    assert guest.get("/media/radio-plays/fandoms").status_code == 404


def test_media_counts_never_include_restricted_works_or_drafts_for_guests(
    client, guest, author, reader, wrangler
):
    WorkFactory(author=author, fandoms=["Naruto"])
    WorkFactory(author=author, fandoms=["Naruto"], restricted=True)
    WorkFactory(author=author, fandoms=["Naruto"], post=False)
    _canonical_fandom(wrangler, "Naruto", "Anime & Manga")

    assert ">Naruto</a> (1)" in page(guest.get("/media/anime-manga/fandoms"))
    assert ">Naruto</a> (1)" in page(guest.get("/media"))
    client.force_login(reader)
    assert ">Naruto</a> (2)" in page(client.get("/media/anime-manga/fandoms"))
    client.force_login(author)  # a draft isn't counted even for its creator
    assert ">Naruto</a> (2)" in page(client.get("/media/anime-manga/fandoms"))


def test_a_fandom_with_only_restricted_works_counts_zero_for_guests(guest, author, wrangler):
    WorkFactory(author=author, fandoms=["Bleach"], restricted=True)
    _canonical_fandom(wrangler, "Bleach", "Anime & Manga")

    assert ">Bleach</a> (0)" in page(guest.get("/media/anime-manga/fandoms"))


def test_works_tagged_with_a_synonym_fandom_count_for_the_canonical(guest, author, wrangler):
    WorkFactory(author=author, fandoms=["Naruto"])
    WorkFactory(author=author, fandoms=["NARUTO (Anime)"])
    _canonical_fandom(wrangler, "Naruto", "Anime & Manga")
    tag_make_synonym(actor=wrangler, tag=tag("NARUTO (Anime)"), of=tag("Naruto"))

    html = page(guest.get("/media/anime-manga/fandoms"))

    assert ">Naruto</a> (2)" in html
    assert "NARUTO (Anime)" not in html


def _media_page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/media/anime-manga/fandoms", "/media"])
def test_media_pages_run_the_same_queries_for_3_or_30_fandoms(
    guest, author, wrangler, url, django_assert_max_num_queries
):
    def add_fandoms(start: int, stop: int) -> None:
        for n in range(start, stop):
            WorkFactory(author=author, fandoms=[f"Fandom {n:02}"])
            _canonical_fandom(wrangler, f"Fandom {n:02}", "Anime & Manga")

    add_fandoms(0, 3)
    with django_assert_max_num_queries(3):
        few = _media_page_queries(guest, url)
    add_fandoms(3, 30)
    with django_assert_max_num_queries(3):
        many = _media_page_queries(guest, url)

    assert few == many


def test_media_fandom_index_for_a_logged_in_reader_stays_constant(
    client, reader, author, wrangler, django_assert_max_num_queries
):
    client.force_login(reader)
    for n in range(30):
        WorkFactory(author=author, fandoms=[f"Fandom {n:02}"], restricted=n % 2 == 0)
        _canonical_fandom(wrangler, f"Fandom {n:02}", "Anime & Manga")

    # The session and the user, then the fandoms and their counts, and the header's inbox
    # count.
    with django_assert_max_num_queries(5):
        response = client.get("/media/anime-manga/fandoms")

    assert ">Fandom 00</a> (1)" in page(response)
