"""Listings of every work listed for a visitor run from SQL kept per shape (works/listing_sql):
for guests, readers with mutes and saved exclusions, creators and moderators, under every
kind of filter, sort and page, they list, count and tally exactly what the ORM's queries do,
and never a muted writer's, restricted (to guests), draft or hidden work."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.http import QueryDict

from fichive.blocking.services import user_mute
from fichive.lib import compiled
from fichive.moderation.services import work_hide
from fichive.series.services import series_add_work, series_create
from fichive.tags.models import Tag
from fichive.tags.services import tag_exclusion_add
from fichive.works import listing
from fichive.works.blurbs import blurbs_of
from fichive.works.filter_tags import filter_tags_rebuild
from fichive.works.models import Work
from fichive.works.selectors import taggings_listed_for, works_listed_for
from tests.factories import UserFactory, WorkFactory
from tests.works.listing_pages import set_counts

# Under a tag (filter taggings' rows), over every work, with each filter the kept statements
# take as a parameter or in their shape, each sort, both directions, and pages past the first.
QUERIES = [
    "", "page=2", "page=3", "page=9", "sort=kudos", "sort=kudos&page=2", "sort=title",
    "sort=title&order=desc&page=2", "sort=words&order=asc", "sort=creator", "sort=hits",
    "include=Fluff", "include=Fluff&include=Haruno Sakura", "exclude=Angst",
    "exclude=Angst&exclude=Slow Burn&exclude=Fluff", "include=Naruto&exclude=Angst&page=2",
    "complete=yes", "complete=no", "crossover=only", "crossover=exclude",
    "words_from=150", "words_to=400&sort=words", "words_from=100&words_to=900",
    "language=de", "language=en&include=Fluff", "saved_filters=off", "include=No Such Tag",
    "updated_from=2024-01-01", "rating=Mature",
]
TAGS = ["Naruto", "Fluff", "Sherlock Holmes"]


@pytest.fixture
def archive(author, co_author, reader, stranger, moderator):
    """Twenty-odd works by three writers, some co-created, anonymous, restricted, drafts or
    hidden, in two fandoms (some crossovers), in two languages, of different lengths, counts,
    dates and completeness; a series; the reader mutes bob and keeps Angst out, the stranger
    mutes three writers (an IN list that isn't a power of two)."""
    fred = UserFactory(username="fred")
    writers = [author, co_author, fred]
    freeforms = [["Fluff"], ["Angst"], ["Fluff", "Slow Burn"], [], ["Angst", "Fluff"]]
    made = []
    for i in range(24):
        writer = writers[i % 3]
        fandoms = [["Naruto"], ["Sherlock Holmes"], ["Naruto", "Sherlock Holmes"]][i % 3 if
                                                                                  i % 4 else 0]
        extra = {"creators": [writer.default_pseud, co_author.default_pseud]} if i == 6 else {}
        work = WorkFactory(
            author=writer, title=f"Story {i:02}", fandoms=fandoms,
            freeforms=freeforms[i % 5], characters=["Haruno Sakura"] if i % 2 else [],
            rating="Mature" if i % 6 == 0 else "General Audiences",
            language="de" if i % 7 == 0 else "en", restricted=i % 5 == 3,
            anonymous=i % 8 == 1, expected_chapters=None if i % 3 == 1 else 1,
            complete=i % 3 != 1, chapters=["word " * (50 * (i + 1))], **extra)
        set_counts(work, kudos_count=(i * 7) % 11, hits=(i * 13) % 17,
                   updated=datetime.date(2023, 1, 1) + datetime.timedelta(days=30 * i))
        made.append(work)
    WorkFactory(author=author, title="A Draft", fandoms=["Naruto"], post=False)
    work_hide(actor=moderator, work=made[4], reason="Spam links.")
    series = series_create(user=author, title="The Cycle")
    for work in made[:9:3]:
        series_add_work(user=author, series=series, work=work)
    filter_tags_rebuild(work_ids=[w.pk for w in made])
    Tag.objects.filter(name__in=["Naruto", "Sherlock Holmes", "Fluff", "Angst", "Slow Burn",
                                 "Haruno Sakura"]).update(canonical=True)
    user_mute(user=reader, muted=co_author)
    tag_exclusion_add(user=reader, name="Angst")
    for writer in (author, co_author, fred):
        user_mute(user=stranger, muted=writer)
    return {"series": series, "works": made}


def _viewers(archive, author, reader, stranger, moderator):
    from django.contrib.auth.models import AnonymousUser

    from fichive.accounts.models import User

    fresh = [User.objects.get(pk=u.pk) for u in (author, reader, stranger, moderator)]
    return [AnonymousUser(), *fresh]


def _page(*, viewer, query: str, under: Tag | None, kept: bool, per_page: int,
          monkeypatch) -> tuple:
    monkeypatch.setattr(listing, "PER_PAGE", per_page)
    form = listing.ListingForm.from_query(QueryDict(query))
    assert form.is_valid(), form.errors
    if kept:
        built = listing.listing_build(works=None, filters=form.filters(), under=under,
                                      fetch=blurbs_of, viewer=viewer)
    else:  # the ORM's queries, built on every call
        built = listing.listing_build(
            works=works_listed_for(viewer), taggings=taggings_listed_for(viewer),
            filters=form.filters(), under=under, fetch=blurbs_of, viewer=viewer)
    return (built.total, [blurb.pk for blurb in built.page.object_list],
            [[(f.name, f.count) for f in built.facets[t]] for t, _ in listing.FACET_TYPES],
            built.hidden_by_saved, built.has_saved)


@pytest.mark.parametrize("query", QUERIES)
def test_kept_statements_list_what_the_orm_lists(archive, author, reader, stranger,
                                                  moderator, query, monkeypatch):
    """Each viewer, every work and each tag's works: the same total, page, sidebar counts
    and count of works the saved exclusions hid; from fresh counts and from kept ones
    (page ids kept in the cache, read again through the viewer's works)."""
    viewers = _viewers(archive, author, reader, stranger, moderator)
    for under in (None, *Tag.objects.filter(name__in=TAGS).order_by("name")):
        for viewer in viewers:
            # Three a page, so that pages past the first and a last short page are read;
            # and a page of twenty, whose sidebar counts (over FACET_CACHE_FROM) are kept.
            for per_page in (3, 20):
                cache.clear()
                expected = _page(viewer=viewer, query=query, under=under, kept=False,
                                 per_page=per_page, monkeypatch=monkeypatch)
                cache.clear()
                fresh = _page(viewer=viewer, query=query, under=under, kept=True,
                              per_page=per_page, monkeypatch=monkeypatch)
                again = _page(viewer=viewer, query=query, under=under, kept=True,
                              per_page=per_page, monkeypatch=monkeypatch)
                where = (query, under and under.name, viewer.username or "guest", per_page)
                assert fresh == expected, where
                assert again == expected, where


def test_listings_never_show_muted_restricted_draft_or_hidden_works(
        archive, reader, monkeypatch):
    """What the kept statements list, checked against the archive itself."""
    from django.contrib.auth.models import AnonymousUser

    from fichive.accounts.models import User

    carol = User.objects.get(pk=reader.pk)
    hidden = archive["works"][4].pk
    muted = {w.pk for w in Work.objects.filter(creatorships__pseud__user__username="bob",
                                               anonymous=False)}
    angst = set(Work.objects.filter(filter_taggings__tag__name="Angst")
                .values_list("pk", flat=True))
    restricted = set(Work.objects.filter(restricted=True).values_list("pk", flat=True))
    for viewer, left_out in ((AnonymousUser(), restricted | {hidden}),
                             (carol, muted | angst | {hidden})):
        total, ids, _, _, _ = _page(viewer=viewer, query="", under=None, kept=True,
                                    per_page=100, monkeypatch=monkeypatch)
        listed = set(Work.objects.filter(state="posted").values_list("pk", flat=True))
        assert ids and set(ids) == listed - left_out
        assert total == len(ids)
    # An anonymous work of a muted writer stays listed (leaving it out would tell who wrote
    # it); this one is tagged Angst, so only without the saved exclusions.
    anonymous = archive["works"][1]
    assert anonymous.anonymous and anonymous.pk in angst and anonymous.pk not in muted
    _, ids, _, _, _ = _page(viewer=carol, query="saved_filters=off", under=None, kept=True,
                            per_page=100, monkeypatch=monkeypatch)
    assert anonymous.pk in ids and not muted & set(ids)


def test_a_statement_is_built_once_for_readers_of_the_same_shape(archive, reader, stranger,
                                                                 monkeypatch):
    """A second reader whose listing has the same shape (as many muted writers, rounded up;
    as many saved exclusions) runs the statements the first one's built, with their own
    values bound: their own mutes apply, not the first reader's."""
    from fichive.accounts.models import User

    fred = User.objects.get(username="fred")
    erin = UserFactory(username="erin")
    user_mute(user=erin, muted=fred)
    tag_exclusion_add(user=erin, name="Fluff")
    carol, erin = User.objects.get(pk=reader.pk), User.objects.get(pk=erin.pk)
    compiled._statements.clear()
    cache.clear()
    for_carol = _page(viewer=carol, query="sort=kudos", under=None, kept=True, per_page=5,
                      monkeypatch=monkeypatch)
    built = len(compiled._statements)
    cache.clear()
    for_erin = _page(viewer=erin, query="sort=kudos", under=None, kept=True, per_page=5,
                     monkeypatch=monkeypatch)
    assert len(compiled._statements) == built > 0
    cache.clear()
    assert for_erin == _page(viewer=erin, query="sort=kudos", under=None, kept=False,
                             per_page=5, monkeypatch=monkeypatch)
    assert for_erin != for_carol


def test_listing_pages_read_the_same_with_kept_statements(archive, reader_client, client):
    """The pages themselves: a logged-in reader's and a guest's tag and works listings."""
    for browser in (reader_client, client):
        for url in ("/works", "/tags/Naruto/works?sort=kudos&page=2", "/works?exclude=Fluff"):
            assert browser.get(url).status_code == 200
