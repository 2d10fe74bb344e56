"""Reads of tags: finding tags by the names people type or by URL, autocomplete, what a tag
page shows, the fandom index by media (counting only works the visitor may see), and the
wrangling bins.

Which tags a visitor may know of (`tags_visible_to`): ratings, warnings and categories,
canonical tags (a wrangler made them; they exist whether or not anything uses them) and
synonyms nothing uses (the same), and any other tag only while it is used on a work the
visitor may see (works.selectors' rule: a creator's own drafts, a moderator's hidden works),
on a bookmark they may see, or on an external work such a bookmark is of. A tag typed only
on drafts, restricted works (for guests) or hidden works is a 404 to everyone else, wherever
it is named: its page, its works, feeds and OPDS, tag search, autocomplete and the synonyms
and children a tag page lists. Wranglers and admins see every tag (they wrangle them). Counts
shown beside tags are of the works the visitor's listings cover (`works_listed_for`: posted,
mutes applied).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils.text import slugify

from fichive.accounts.requests import Viewer
from fichive.lib.compiled import kept_statement
from fichive.tags.models import (
    FIXED_TYPES,
    MEDIA,
    PARENTED_TYPES,
    TYPE_NOUNS,
    USER_TYPES,
    Tag,
    tag_from_url,
    tag_key,
)
from fichive.works.models import FilterTagging, Tagging
from fichive.works.selectors import listed_condition, visible_condition, works_listed_for

AUTOCOMPLETE_LIMIT = 15
MEDIA_TOP = 5
CHILDREN_SHOWN = 20
# Where a word may start inside a tag name, besides the start of the name.
_WORD_STARTS = (" ", "/", "(")

MEDIA_SLUGS = {slugify(media): media for media in MEDIA}


def media_slug(media: str) -> str:
    """The URL segment of a media category: "Anime & Manga" → "anime-manga"."""
    return slugify(media)


def media_from_slug(slug: str) -> str:
    try:
        return MEDIA_SLUGS[slug]
    except KeyError:
        raise Http404("No such media category.") from None


def media_by_name(value: str) -> str:
    """A media category as someone typed it: its name in any case, or its URL slug."""
    wanted = " ".join(value.split()).casefold()
    for media in MEDIA:
        if wanted in (media.casefold(), media_slug(media)):
            return media
    raise ValidationError(f"“{value}” isn't a media category; use one of: {', '.join(MEDIA)}.")


def sees_every_tag(viewer: Viewer) -> bool:
    """Wranglers and admins: they know every tag, used or not, to wrangle it."""
    return bool(viewer is not None and viewer.is_authenticated
                and getattr(viewer, "can_wrangle", False))


def _shown_bookmark(viewer: Viewer, via: str) -> Q:
    """Bookmarks (reached through `via`) this visitor may see, as bookmarks_visible_to has
    it but for mutes (muting hides from listings; it doesn't unmake a tag)."""
    shown = Q(**{f"{via}private": False})
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(**{f"{via}user_id": viewer.pk})
    return shown


def _uses(work_rule: Q, bookmark_rule: Q, external_rule: Q) -> Q:
    """A tag used on a work, a bookmark or an external work matching these rules."""
    from fichive.bookmarks.models import Bookmark, ExternalWork  # bookmarks build on tags

    return (
        Q(Exists(Tagging.objects.filter(work_rule, tag_id=OuterRef("pk"))))
        | Q(Exists(Bookmark.tags.through._default_manager.filter(
            bookmark_rule, tag_id=OuterRef("pk"))))
        | Q(Exists(ExternalWork.tags.through._default_manager.filter(
            external_rule, tag_id=OuterRef("pk"))))
    )


def _visible_use(viewer: Viewer) -> Q:
    """A tag used on something this visitor may see: a work (works.selectors' rule), a
    bookmark of such a work, of a series with such a work or of an external work, or an
    external work such a bookmark is of. Joins, not `IN (…)` of the visibility queries:
    those run once per tag inside a correlated subquery on SQLite (see visible_condition)."""
    bookmark_of_visible = (
        Q(bookmark__external_work__isnull=False)
        | visible_condition(viewer, via="bookmark__work__")
        | (Q(bookmark__series__isnull=False)
           & visible_condition(viewer, via="bookmark__series__parts__work__"))
    )
    return _uses(visible_condition(viewer, via="work__"),
                 _shown_bookmark(viewer, "bookmark__") & bookmark_of_visible,
                 _shown_bookmark(viewer, "externalwork__bookmarks__"))


def _unused_synonym() -> Q:
    """A synonym nothing uses: a wrangler made it, and it says nothing about hidden works."""
    return Q(merger__isnull=False) & ~_uses(Q(), Q(), Q())


def tags_visible_to(viewer: Viewer, tags: QuerySet[Tag] | None = None) -> QuerySet[Tag]:
    """`tags` (every tag by default) less those this visitor may not know of: see the top
    of the module."""
    tags = Tag.objects.all() if tags is None else tags
    if sees_every_tag(viewer):
        return tags
    return tags.filter(Q(type__in=FIXED_TYPES) | Q(canonical=True) | _visible_use(viewer)
                       | _unused_synonym())


def tag_is_visible(viewer: Viewer, tag: Tag) -> bool:
    """Whether this visitor may know of `tag` (no query for fixed and canonical tags)."""
    if tag.is_fixed or tag.canonical or sees_every_tag(viewer):
        return True
    return tags_visible_to(viewer, Tag.objects.filter(pk=tag.pk)).exists()


def tag_for_url(segment: str) -> Tag:
    """The tag an escaped URL segment names (AO3's *s* for "/", …), or 404, whoever asks
    (the wranglers' pages; every other page reads through tag_for_viewer)."""
    if "\x00" in segment:
        raise Http404("No such tag.")
    # On every tag's works page: its SQL is built once per process (lib/compiled.py).
    alias = router.db_for_read(Tag)
    statement = kept_statement(alias, "tag-for-url", lambda slots: (
        Tag.objects.select_related("merger").filter(key=slots.text("key")).order_by("pk")[:1]))
    tag = next(iter(statement.objects(alias, {"key": tag_key(tag_from_url(segment))})), None)
    if tag is None:
        raise Http404("No such tag.")
    return tag


def tag_for_viewer(viewer: Viewer, segment: str) -> Tag:
    """The tag an escaped URL segment names if this visitor may know of it, else the same 404
    as for a tag that doesn't exist."""
    tag = tag_for_url(segment)
    if not tag_is_visible(viewer, tag):
        raise Http404("No such tag.")
    return tag


def tag_search(viewer: Viewer, *, words: list[str], tag_type: str | None = None
               ) -> QuerySet[Tag]:
    """/tags/search: the tags this visitor may know of whose name has every word, canonical
    tags first."""
    tags = Tag.objects.select_related("merger").order_by("-canonical", "name")
    for word in words:
        tags = tags.filter(name__icontains=word)
    if tag_type:
        tags = tags.filter(type=tag_type)
    return tags_visible_to(viewer, tags)


def listed_uses(viewer: Viewer, tag_ids: list[int]) -> dict[int, int]:
    """How many of the works this visitor's listings cover (works_listed_for) are tagged
    with each of these tags (itself, not its synonyms), in one query."""
    if not tag_ids:
        return {}
    return dict(
        Tagging.objects.filter(listed_condition(viewer, via="work__"), tag_id__in=tag_ids)
        .values_list("tag_id").annotate(n=Count("id")).values_list("tag_id", "n")
    )


def tag_named(name: str, *, tag_type: str | None = None) -> Tag:
    """The tag with this name (any case), of this type if given; a clear error otherwise."""
    clean = " ".join((name or "").split())
    tag = Tag.objects.select_related("merger").filter(key=tag_key(clean)).first() if clean else None
    if tag is None:
        raise ValidationError(f"There is no tag named “{clean}”.")
    if tag_type and tag.type != tag_type:
        raise ValidationError(
            f"“{tag.name}” is {TYPE_NOUNS[tag.type]}, not {TYPE_NOUNS[tag_type]}."
        )
    return tag


def tags_named(names: list[str], *, tag_type: str | None = None) -> list[Tag]:
    """Tags for typed names, every unknown or wrong-typed name reported at once."""
    found: list[Tag] = []
    errors: list[str] = []
    for name in names:
        try:
            tag = tag_named(name, tag_type=tag_type)
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            if tag not in found:
                found.append(tag)
    if errors:
        raise ValidationError(errors)
    return found


# --------------------------------------------------------------------------------------------
# Autocomplete
# --------------------------------------------------------------------------------------------


def tags_autocomplete(
    viewer: Viewer, *, term: str, tag_type: str | None = None, canonical_only: bool = False,
    limit: int = AUTOCOMPLETE_LIMIT,
) -> list[dict]:
    """Suggestions for a tag being typed: canonical tags, then synonyms, most used first.

    Every word typed must begin a word of the tag ("uch sas" finds "Uchiha Sasuke"), in any
    case. Unwrangled tags are never suggested; they aren't the names to reuse, and a synonym
    only while this visitor may know of it (tags_visible_to). The suggestions are the most
    used of all (the stored count, one index), shown with and ordered by the number of works
    the visitor's listings cover under each (listed_uses): two queries, three when synonyms
    are among them.
    """
    words = tag_key(term).split()
    if not words:
        return []
    tags = Tag.objects.filter(Q(canonical=True) | Q(merger__isnull=False))
    if canonical_only:
        tags = tags.filter(canonical=True)
    tags = tags.filter(type=tag_type) if tag_type else tags.exclude(type__in=FIXED_TYPES)
    for word in words:
        starts = Q(key__startswith=word)
        for sep in _WORD_STARTS:
            starts |= Q(key__contains=sep + word)
        tags = tags.filter(starts)
    tags = tags.select_related("merger").order_by("-canonical", "-uses", "key")
    found = list(tags[:limit])
    if not sees_every_tag(viewer) and not all(tag.canonical for tag in found):
        # Synonyms among them: again, with only those the visitor may know of (a query
        # that costs more to build and run, so only when it can change the answer).
        found = list(tags.filter(Q(canonical=True) | _visible_use(viewer)
                                 | _unused_synonym())[:limit])
    uses = listed_uses(viewer, [tag.pk for tag in found])
    found.sort(key=lambda tag: (not tag.canonical, -uses.get(tag.pk, 0), tag.key))
    return [
        {
            "name": tag.name,
            "type": tag.type,
            "canonical": tag.canonical,
            "uses": uses.get(tag.pk, 0),
            "synonym_of": tag.merger.name if tag.merger else None,
            "label": f"{tag.name} → {tag.merger.name}" if tag.merger else tag.name,
        }
        for tag in found
    ]


# --------------------------------------------------------------------------------------------
# Tag pages
# --------------------------------------------------------------------------------------------


@dataclass
class TagOverview:
    """What /tags/<name> shows about one tag."""

    tag: Tag
    canonical_tag: Tag
    parents: list[Tag]
    parents_inherited: bool
    synonyms: list[Tag]
    meta_tags: list[Tag]
    sub_tags: list[Tag]
    children: dict[str, list[Tag]]
    children_counts: dict[str, int]
    work_count: int


def tag_overview(viewer: Viewer, tag: Tag) -> TagOverview:
    """A tag's wrangling at a glance. A synonym shows its canonical's fandoms (it shares them);
    a fandom shows its most used child tags of each type; the work count is what this visitor
    may see under the tag (for a synonym: under its canonical). The synonyms and children
    listed are those this visitor may know of (tags_visible_to)."""
    canonical = tag.merger or tag
    parents_source = canonical if tag.type in PARENTED_TYPES else None
    children: dict[str, list[Tag]] = {}
    counts: dict[str, int] = {}
    if tag.type == Tag.Type.FANDOM:
        shown = tags_visible_to(viewer, tag.children.all())
        counts = dict(shown.values_list("type").annotate(n=Count("id")))
        ranked = shown.annotate(
            rank=Window(RowNumber(), partition_by=F("type"),
                        order_by=[F("uses").desc(), F("key").asc()])
        ).filter(rank__lte=CHILDREN_SHOWN).order_by("-uses", "key")
        for child in ranked:
            children.setdefault(child.type, []).append(child)
        children = {t: children[t] for t in
                    (Tag.Type.RELATIONSHIP, Tag.Type.CHARACTER, Tag.Type.FREEFORM) if t in children}
    work_count = (
        FilterTagging.objects.filter(
            tag=canonical,
            work_id__in=works_listed_for(viewer).values("id"),
        ).count()
    )
    return TagOverview(
        tag=tag,
        canonical_tag=canonical,
        parents=list(parents_source.parents.order_by("key")) if parents_source else [],
        parents_inherited=bool(tag.merger_id and parents_source),
        synonyms=list(tags_visible_to(viewer, tag.synonyms.order_by("key"))),
        meta_tags=list(tag.meta_tags.order_by("key")),
        sub_tags=list(tag.sub_tags.order_by("key")),
        children=children,
        children_counts=counts,
        work_count=work_count,
    )


# --------------------------------------------------------------------------------------------
# Fandoms by media
# --------------------------------------------------------------------------------------------


@dataclass
class FandomCount:
    tag: Tag
    works: int


@dataclass
class MediaSummary:
    media: str
    slug: str
    fandom_total: int
    top: list[FandomCount]


def _visible_counts(viewer: Viewer, fandoms: QuerySet[Tag]) -> dict[int, int]:
    """Posted works this visitor may see under each fandom, in one query."""
    visible = works_listed_for(viewer).values("id")
    return dict(
        FilterTagging.objects.filter(tag_id__in=fandoms.values("id"), work_id__in=visible)
        .values_list("tag_id")
        .annotate(n=Count("work_id"))
    )


def _canonical_fandoms() -> QuerySet[Tag]:
    return Tag.objects.filter(type=Tag.Type.FANDOM, canonical=True)


def media_index(viewer: Viewer) -> list[MediaSummary]:
    """Every media category with its most used canonical fandoms, in three queries."""
    totals = dict(_canonical_fandoms().values_list("media").annotate(n=Count("id")))
    top = list(
        _canonical_fandoms().annotate(
            rank=Window(RowNumber(), partition_by=F("media"),
                        order_by=[F("uses").desc(), F("key").asc()])
        ).filter(rank__lte=MEDIA_TOP).order_by("-uses", "key")
    )
    counts = _visible_counts(viewer, Tag.objects.filter(pk__in=[t.pk for t in top]))
    by_media: dict[str, list[FandomCount]] = {}
    for fandom in top:
        by_media.setdefault(fandom.media, []).append(FandomCount(fandom, counts.get(fandom.pk, 0)))
    return [
        MediaSummary(media=m, slug=media_slug(m), fandom_total=totals.get(m, 0),
                     top=by_media.get(m, []))
        for m in MEDIA
    ]


def _letter(name: str) -> str:
    """The A–Z heading a name files under: its first letter without accents, "#" for
    anything that isn't a letter."""
    first = unicodedata.normalize("NFKD", name.strip()[:1] or "#")[:1]
    return first.upper() if first.isalpha() else "#"


def media_fandoms(viewer: Viewer, media: str) -> list[tuple[str, list[FandomCount]]]:
    """The canonical fandoms of one media category, A–Z under letter headings, with the number
    of works this visitor may see in each. Two queries whatever the number of fandoms."""
    fandoms = _canonical_fandoms().filter(media=media)
    counts = _visible_counts(viewer, fandoms)
    rows = sorted(
        (FandomCount(tag, counts.get(tag.pk, 0)) for tag in fandoms.only("id", "name", "type")),
        key=lambda row: (_letter(row.tag.name) != "#", _letter(row.tag.name),
                         row.tag.name.casefold()),
    )
    groups: dict[str, list[FandomCount]] = {}
    for row in rows:
        groups.setdefault(_letter(row.tag.name), []).append(row)
    return list(groups.items())


# --------------------------------------------------------------------------------------------
# Wrangling bins
# --------------------------------------------------------------------------------------------

_UNWRANGLED = Q(canonical=False, merger__isnull=True)
WRANGLING_STATUSES = {
    "unwrangled": "Unwrangled",
    "canonical": "Canonical",
    "synonym": "Synonyms",
}


def wrangling_fandoms() -> list[tuple[Tag, int]]:
    """Fandoms with unwrangled tags to look at, most first: a tag is in a fandom's bin when
    it is used on a work found under the fandom or has the fandom as a parent."""
    pairs = set(
        FilterTagging.objects.filter(
            tag__type=Tag.Type.FANDOM,
            work__taggings__tag__canonical=False,
            work__taggings__tag__merger__isnull=True,
        ).values_list("tag_id", "work__taggings__tag_id").distinct()
    )
    pairs |= set(
        Tag.parents.through.objects.filter(
            from_tag__canonical=False, from_tag__merger__isnull=True
        ).values_list("to_tag_id", "from_tag_id")
    )
    counts = Counter(fandom_id for fandom_id, _ in pairs)
    fandoms = Tag.objects.in_bulk(list(counts))
    return sorted(
        ((fandoms[fid], n) for fid, n in counts.items() if fid in fandoms),
        key=lambda row: (-row[1], row[0].key),
    )


def wrangling_bin(fandom: Tag) -> QuerySet[Tag]:
    """Every wranglable tag in a fandom's bin (see wrangling_fandoms)."""
    on_works = Tagging.objects.filter(work__filter_taggings__tag=fandom).values("tag_id")
    assigned = Tag.parents.through.objects.filter(to_tag=fandom).values("from_tag_id")
    return Tag.objects.filter(Q(id__in=on_works) | Q(id__in=assigned)).filter(
        type__in=USER_TYPES
    )


def _bin_by_status(fandom: Tag, *, status: str) -> QuerySet[Tag]:
    tags = wrangling_bin(fandom)
    if status == "canonical":
        return tags.filter(canonical=True)
    if status == "synonym":
        return tags.filter(merger__isnull=False)
    return tags.filter(_UNWRANGLED)


def wrangling_tags(
    fandom: Tag, *, tag_type: str | None = None, status: str = "unwrangled"
) -> QuerySet[Tag]:
    """The tags of a fandom's bin with this status (and type), most used first."""
    tags = _bin_by_status(fandom, status=status)
    if tag_type:
        tags = tags.filter(type=tag_type)
    return tags.select_related("merger").prefetch_related("parents").order_by("-uses", "key")


def wrangling_type_counts(fandom: Tag, *, status: str) -> dict[str, int]:
    """How many tags of each type a fandom's bin has in this status (for the type tabs)."""
    return dict(
        _bin_by_status(fandom, status=status).values_list("type").annotate(n=Count("id"))
    )


def works_to_wrangle(viewer: Viewer) -> QuerySet:
    """Works the viewer may see that carry a tag nobody has wrangled (a fandom, character,
    relationship or additional tag neither canonical nor a synonym), newest first: the
    wranglers' list where the story's own text suggests what those tags mean."""
    from fichive.works.selectors import works_listed_for

    unwrangled = Tagging.objects.filter(tag__canonical=False, tag__merger__isnull=True,
                                        tag__type__in=USER_TYPES).values("work_id")
    return works_listed_for(viewer).filter(pk__in=unwrangled).order_by("-published", "-id")
