"""Filter taggings carry copies of their work's listing fields (listed, restricted, update
date, kudos); tag listings count and page from them. The copies follow every change to the
work and to the wrangling of its tags, and the listings they serve match the works query."""

from __future__ import annotations

import datetime
import re

import pytest
from django.http import QueryDict

from fichive.tags.models import Tag
from fichive.tags.services import tag_add_meta, tag_make_canonical, tag_make_synonym
from fichive.works import listing, selectors
from fichive.works.filter_tags import filter_taggings_refresh
from fichive.works.models import FilterTagging, Work
from fichive.works.services import (
    ChapterText,
    WorkMeta,
    chapter_add,
    work_delete,
    work_post,
    work_update,
)
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 1)


def _copies_in_step() -> None:
    """Every filter tagging's copies equal its work's fields."""
    works = {w.pk: w for w in Work.objects.all()}
    rows = list(FilterTagging.objects.values_list("work_id", "listed", "restricted",
                                                  "updated", "kudos_count"))
    assert rows, "no filter taggings to check"
    for work_id, listed, restricted, updated, kudos in rows:
        work = works[work_id]
        assert (listed, restricted, updated, kudos) == (
            work.state == Work.State.POSTED, work.restricted, work.updated, work.kudos_count
        ), work.title


def _titles(response) -> list[str]:
    """The works' titles in the order the listing shows them."""
    return re.findall(r'<h4 class="heading"><a href="/works/\d+">([^<]+)</a>',
                      response.content.decode())


def _total(response) -> int | None:
    found = re.search(r"of (\d[\d,]*) Works?", response.content.decode())
    return int(found.group(1).replace(",", "")) if found else None


@pytest.fixture
def wrangler(db):
    user = UserFactory(username="wendy")
    user.is_wrangler = True
    user.save(update_fields=["is_wrangler"])
    return user


def test_posting_a_draft_lists_it_under_its_tags(author, guest):
    draft = WorkFactory(author=author, title="Still A Draft", fandoms=["Naruto"], post=False)
    assert "Still A Draft" not in _titles(guest.get("/tags/Naruto/works"))

    work_post(user=author, work=draft)

    assert _titles(guest.get("/tags/Naruto/works")) == ["Still A Draft"]
    _copies_in_step()


def test_restricting_a_work_hides_it_from_guests_on_tag_pages(author, guest, reader_client):
    work = WorkFactory(author=author, title="Soon Locked", fandoms=["Naruto"])
    WorkFactory(author=author, title="Stays Open", fandoms=["Naruto"])

    work_update(user=author, work=work, meta=WorkMeta(
        title=work.title, creators=[author.default_pseud], fandoms=["Naruto"], restricted=True))

    response = guest.get("/tags/Naruto/works")
    assert _titles(response) == ["Stays Open"]
    assert _total(response) == 1
    response = reader_client.get("/tags/Naruto/works")
    assert sorted(_titles(response)) == ["Soon Locked", "Stays Open"]
    assert _total(response) == 2
    _copies_in_step()


def test_a_new_chapter_moves_the_work_to_the_top_of_its_tag(author, guest):
    older = WorkFactory(author=author, title="Older", fandoms=["Naruto"], published=DAY,
                        updated=DAY)
    WorkFactory(author=author, title="Newer", fandoms=["Naruto"], published=DAY,
                updated=DAY + datetime.timedelta(days=30))
    assert _titles(guest.get("/tags/Naruto/works")) == ["Newer", "Older"]

    chapter_add(user=author, work=older, text=ChapterText(content="<p>More of it.</p>"))

    assert _titles(guest.get("/tags/Naruto/works")) == ["Older", "Newer"]
    _copies_in_step()


def test_kudos_counts_once_refreshed_reorder_the_tag_page_by_kudos(author, guest):
    works = [WorkFactory(author=author, title=f"Work {n}", fandoms=["Naruto"]) for n in range(3)]
    for kudos, work in zip([5, 50, 1], works, strict=True):
        Work.objects.filter(pk=work.pk).update(kudos_count=kudos)
    filter_taggings_refresh(work_ids=[w.pk for w in works])

    assert _titles(guest.get("/tags/Naruto/works?sort=kudos")) == ["Work 1", "Work 0", "Work 2"]
    assert _titles(guest.get("/tags/Naruto/works?sort=kudos&order=asc")) == [
        "Work 2", "Work 0", "Work 1"]
    _copies_in_step()


def test_wrangling_keeps_the_copies_of_works_found_under_new_tags(author, guest, wrangler):
    work = WorkFactory(author=author, title="Ninja Tale", fandoms=["Naruto (Anime)"],
                       restricted=True, published=DAY, updated=DAY)
    Work.objects.filter(pk=work.pk).update(kudos_count=7)
    filter_taggings_refresh(work_ids=[work.pk])
    WorkFactory(author=author, title="Open Tale", fandoms=["Naruto"])
    naruto = Tag.objects.get(name="Naruto")
    tag_make_canonical(actor=wrangler, tag=naruto)
    tag_make_synonym(actor=wrangler, tag=Tag.objects.get(name="Naruto (Anime)"), of=naruto)
    anime = Tag.objects.create(name="Anime & Manga", key="anime & manga",
                               type=Tag.Type.FANDOM, canonical=True)
    tag_add_meta(actor=wrangler, sub=naruto, meta=anime)

    _copies_in_step()
    assert _titles(guest.get("/tags/Naruto/works")) == ["Open Tale"]
    assert _titles(guest.get("/tags/Anime%20&%20Manga/works")) == ["Open Tale"]
    row = FilterTagging.objects.get(work=work, tag=anime)
    assert (row.listed, row.restricted, row.updated, row.kudos_count) == (True, True, DAY, 7)


def test_deleting_a_work_takes_its_rows_with_it(author, guest):
    work = WorkFactory(author=author, title="Gone Soon", fandoms=["Naruto"])
    WorkFactory(author=author, title="Stays", fandoms=["Naruto"])

    work_delete(user=author, work=work)

    assert not FilterTagging.objects.filter(work_id=work.pk).exists()
    response = guest.get("/tags/Naruto/works")
    assert _titles(response) == ["Stays"]
    assert _total(response) == 1


MIXES = [
    "",
    "sort=kudos",
    "sort=kudos&order=asc",
    "sort=title",
    "sort=words&exclude=Angst",
    "exclude=Angst,Hinata",
    "include=Fluff&complete=yes&words_from=100&words_to=5000",
    "include=Fluff,Hinata&sort=kudos&crossover=exclude",
    "include=Fluff&updated_from=2021-01-10&language=en",
    "order=asc&exclude=Hinata",
]


@pytest.mark.parametrize("logged_in", [False, True], ids=["guest", "reader"])
@pytest.mark.parametrize("mix", MIXES)
def test_listings_from_the_copies_match_the_works_query(author, reader, mix, logged_in):
    """Same works, same order (ties included), same totals, on every page, as the listing
    built from the works alone."""
    for n in range(45):
        work = WorkFactory(
            author=author, title=f"Story {n:02}", post=n % 9 != 0,
            fandoms=["Naruto", *(["Bleach"] if n % 7 == 0 else [])],
            characters=[c for c, every in (("Hinata", 3), ("Sakura", 4)) if n % every == 0],
            freeforms=[f for f, every in (("Fluff", 2), ("Angst", 5)) if n % every == 0],
            restricted=n % 6 == 0, complete=n % 4 != 1, expected_chapters=None,
            published=DAY, updated=DAY + datetime.timedelta(days=n % 11),
            chapters=["<p>" + "word " * (50 * (n % 8 + 1)) + "</p>"],
        )
        Work.objects.filter(pk=work.pk).update(kudos_count=n % 5)
        filter_taggings_refresh(work_ids=[work.pk])
    viewer = reader if logged_in else None
    naruto = Tag.objects.get(name="Naruto")
    for page in (1, 2, 3):
        form = listing.ListingForm.from_query(QueryDict(f"{mix}&page={page}"))
        assert form.is_valid(), form.errors
        filters = form.filters()
        plain = listing.listing_build(works=selectors.works_listed_for(viewer),
                                      filters=filters, under=naruto)
        copied = listing.listing_build(works=selectors.works_listed_for(viewer),
                                       filters=filters, under=naruto,
                                       taggings=selectors.taggings_listed_for(viewer))
        assert isinstance(copied.page.paginator.object_list, listing.TaggedWorks)
        assert copied.total == plain.total
        assert [w.title for w in copied.page.object_list] == [
            w.title for w in plain.page.object_list]
        assert copied.facets == plain.facets
