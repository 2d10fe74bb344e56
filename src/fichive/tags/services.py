"""Writes to the tag table: the tags authors type, and wrangling them (canonical tags,
synonyms, parent fandoms, meta tags, media), each change logged and existing works kept findable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from fichive.accounts.models import User
from fichive.accounts.services import user_copy_keep
from fichive.lib.cache import content_changed
from fichive.lib.text import one_line
from fichive.search.services import search_index_works
from fichive.tags.models import (
    FIXED_TYPES,
    MEDIA,
    TAG_NAME_MAX,
    TYPE_NOUNS,
    Tag,
    TagExclusion,
    WranglingLog,
    tag_key,
)
from fichive.tags.relationships import relationship_character_names
from fichive.works.filter_tags import filter_tags_rebuild, works_affected_by

# Characters AO3 does not allow in tag names (the comma separates tags as they are typed).
FORBIDDEN_IN_TAGS = re.compile(r"[,^*<>{}=`\\%，、]")

# What the wrangling page's bulk form can do to the ticked tags.
BULK_ACTIONS = {
    "canonical": "Make canonical",
    "synonym": "Make synonym of",
    "fandoms": "Assign fandoms",
    "meta": "Add meta tag",
}


def split_tag_input(value: str) -> list[str]:
    """Tags as typed in a form: comma-separated, blank ones and repeats dropped, order kept."""
    seen: dict[str, str] = {}
    for raw in (value or "").split(","):
        name = one_line(raw)
        if name and tag_key(name) not in seen:
            seen[tag_key(name)] = name
    return list(seen.values())


def tag_validate_name(name: str) -> str:
    name = one_line(name)
    if not name:
        raise ValidationError("A tag name can't be blank.")
    if len(name) > TAG_NAME_MAX:
        raise ValidationError(
            f"“{name[:40]}…” is too long: tags are at most {TAG_NAME_MAX} characters."
        )
    if FORBIDDEN_IN_TAGS.search(name):
        raise ValidationError(
            f"“{name}” contains a character tags can't use (, ^ * < > {{ }} = ` \\ %)."
        )
    return name


def tags_find_or_create(*, tag_type: str, names: Iterable[str]) -> list[Tag]:
    """The tags of one type with these names, creating unknown ones (unwrangled).

    Ratings, warnings and categories are fixed: an unknown name is an error. A name already
    used by a tag of another type is an error too, since a tag name means one thing.
    """
    found, errors = tags_find_or_create_by_type(wanted={tag_type: names})
    if errors:
        raise ValidationError([m for messages in errors.values() for m in messages])
    return found[tag_type]


def tags_find_or_create_by_type(
    *, wanted: Mapping[str, Iterable[str]], known: dict[str, Tag] | None = None
) -> tuple[dict[str, list[Tag]], dict[str, list[str]]]:
    """tags_find_or_create for several types at once, with one query for the names that
    exist: the good tags of each type, and the problems keyed "<type>s" (a form field name)
    for the caller to report; the tags that were fine are created either way.

    `known` (tag key → tag), when given, is a cache for a batch in one transaction: keys in
    it are not looked up again, and the tags found or created are added to it."""
    valid: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for tag_type, names in wanted.items():
        valid[tag_type] = []
        for raw in names:
            try:
                valid[tag_type].append(tag_validate_name(raw))
            except ValidationError as exc:
                errors.setdefault(tag_type + "s", []).extend(exc.messages)
    keys = {tag_key(name) for names in valid.values() for name in names}
    if known is None:
        known = {}
    if missing := keys - known.keys():
        known.update((tag.key, tag) for tag in Tag.objects.filter(key__in=missing))
    result: dict[str, list[Tag]] = {}
    for tag_type, names in valid.items():
        label = Tag.Type(tag_type).label
        found: list[Tag] = []
        for name in names:
            tag = known.get(tag_key(name))
            if tag is None and tag_type in FIXED_TYPES:
                errors.setdefault(tag_type + "s", []).append(f"“{name}” is not a {label.lower()}.")
                continue
            if tag is None:
                tag = known[tag_key(name)] = _tag_create(tag_type=tag_type, name=name)
            if tag.type != tag_type:
                errors.setdefault(tag_type + "s", []).append(
                    f"“{tag.name}” is already a {tag.get_type_display()} tag, so it can't be "
                    f"used as a {label} tag."
                )
                continue
            if tag not in found:
                found.append(tag)
        result[tag_type] = found
    return result, errors


def _tag_create(*, tag_type: str, name: str) -> Tag:
    try:
        with transaction.atomic():
            return Tag.objects.create(type=tag_type, name=name)
    except IntegrityError:  # created meanwhile by another request
        return Tag.objects.get(key=tag_key(name))


# --------------------------------------------------------------------------------------------
# Relationship characters
# --------------------------------------------------------------------------------------------


def relationship_characters(tag: Tag, *, create: bool = True) -> list[Tag]:
    """The character tags a relationship tag names, as a work tagged with it should also be
    found under: each character's canonical tag when it is a synonym, the tag itself otherwise.
    A synonym relationship reads its canonical's name. Missing characters are created
    unwrangled (unless `create` is false); a name taken by a tag of another type is skipped."""
    if tag.type != Tag.Type.RELATIONSHIP:
        return []
    source = tag.merger if tag.merger_id and tag.merger else tag
    result: list[Tag] = []
    for raw in relationship_character_names(source.name):
        try:
            name = tag_validate_name(raw)
        except ValidationError:
            continue
        found = Tag.objects.select_related("merger").filter(key=tag_key(name)).first()
        if found is None:
            if not create:
                continue
            found = _tag_create(tag_type=Tag.Type.CHARACTER, name=name)
        if found.type != Tag.Type.CHARACTER:
            continue
        target = found.merger if found.merger_id and found.merger else found
        if target not in result:
            result.append(target)
    return result


def _relationships_naming(character_ids: set[int]) -> set[int]:
    """Relationship tags whose names name any of these character tags."""
    keys = set(
        Tag.objects.filter(id__in=character_ids, type=Tag.Type.CHARACTER).values_list(
            "key", flat=True
        )
    )
    if not keys:
        return set()
    query = Q()
    for key in keys:
        query |= Q(key__contains=key)
    candidates = Tag.objects.filter(query, type=Tag.Type.RELATIONSHIP).values_list("id", "name")
    return {
        rel_id for rel_id, name in candidates
        if keys & {tag_key(n) for n in relationship_character_names(name)}
    }


# --------------------------------------------------------------------------------------------
# Wrangling helpers
# --------------------------------------------------------------------------------------------


def _affected_works(tag_ids: Iterable[int]) -> set[int]:
    """Works whose filter tags may change when these tags' wrangling changes, including works
    tagged with relationships that name a character among them."""
    ids = set(tag_ids)
    relationships = _relationships_naming(ids)
    return set(works_affected_by(ids | relationships))


@contextmanager
def _keeping_findable(*tag_ids: int) -> Iterator[None]:
    """Around a wrangling change: rebuild the filter tags of every work the change touches,
    found both before the change (works that lose a tag) and after (works that gain one)."""
    if not tag_ids:
        yield
        return
    before = _affected_works(tag_ids)
    # A work's search document also names the synonyms of its tags: the works of the tags
    # these are (or were) synonyms of change too.
    mergers = set(Tag.objects.filter(pk__in=tag_ids, merger__isnull=False)
                  .values_list("merger_id", flat=True))
    yield
    after = _affected_works(tag_ids)
    filter_tags_rebuild(work_ids=before | after)
    mergers |= set(Tag.objects.filter(pk__in=tag_ids, merger__isnull=False)
                   .values_list("merger_id", flat=True))
    search_index_works(work_ids=before | after | set(works_affected_by(mergers)),
                       chapters=False)


def _require_wrangler(actor: User | None) -> None:
    """The command line acts as nobody (None); on the web only wranglers and admins wrangle."""
    if actor is not None and not actor.can_wrangle:
        raise PermissionDenied("Only tag wranglers can change how tags are wrangled.")


def _fresh(tag: Tag) -> Tag:
    """The tag as it is in the database now (a bulk action may have changed it meanwhile)."""
    return Tag.objects.select_related("merger").get(pk=tag.pk)


def _log(*, actor: User | None, tag: Tag | None, action: str, detail: str = "") -> None:
    """Record a wrangling change; every service logs each change it makes, once made, so this
    is also where cached pages learn of it (tag names and links show on many works' pages)."""
    WranglingLog.objects.create(
        actor=actor, tag=tag, tag_name=tag.name if tag else "", action=action, detail=detail
    )
    content_changed(everything=True)


def _label(tag: Tag) -> str:
    """What kind of tag this is, with its article: "a character tag", "an additional tag"."""
    return TYPE_NOUNS[tag.type]


def _refuse_fixed(tag: Tag) -> None:
    if tag.is_fixed:
        raise ValidationError(
            f"“{tag.name}” is {_label(tag)}: ratings, warnings and "
            "categories are fixed and can't be wrangled."
        )


def _require_canonical(tag: Tag, *, purpose: str) -> None:
    if not tag.canonical:
        hint = (f" (it is a synonym of “{tag.merger.name}”)" if tag.merger else "")
        raise ValidationError(
            f"“{tag.name}” isn't canonical{hint}; only canonical tags can {purpose}."
        )


def _names(tags: Iterable[Tag]) -> str:
    return ", ".join(sorted(t.name for t in tags)) or "none"


def _meta_walk(tag_id: int, *, upward: bool) -> set[int]:
    """Every meta tag above (upward) or sub tag below this tag, transitively (safe on cycles)."""
    through = Tag.meta_tags.through
    start, end = ("from_tag_id", "to_tag_id") if upward else ("to_tag_id", "from_tag_id")
    found: set[int] = set()
    frontier = {tag_id}
    while frontier:
        frontier = set(
            through.objects.filter(**{f"{start}__in": frontier}).values_list(end, flat=True)
        ) - found
        found |= frontier
    return found


def _metas_above(tag_id: int) -> set[int]:
    return _meta_walk(tag_id, upward=True)


def _subs_below(tag_id: int) -> set[int]:
    return _meta_walk(tag_id, upward=False)


# --------------------------------------------------------------------------------------------
# Canonical status
# --------------------------------------------------------------------------------------------


@transaction.atomic
def tag_make_canonical(*, actor: User | None, tag: Tag) -> Tag:
    """Make a tag canonical: it shows in filters and autocomplete and can gain synonyms and
    meta tags. A relationship's characters are created as character tags where missing."""
    _require_wrangler(actor)
    tag = _fresh(tag)
    if tag.canonical:
        return tag
    _refuse_fixed(tag)
    if tag.merger:
        raise ValidationError(
            f"“{tag.name}” is a synonym of “{tag.merger.name}”; un-synonym it first to make it "
            "canonical."
        )
    detail = ""
    tag.canonical = True
    tag.save(update_fields=["canonical"])
    if tag.type == Tag.Type.RELATIONSHIP:
        # Works tagged with a canonical relationship are found under its characters once
        # posting offers them (see relationship_characters), so rebuild those works.
        with _keeping_findable(tag.pk):
            characters = relationship_characters(tag)
            parents = list(tag.parents.all())
            for character in characters:
                # Characters the relationship brought in belong to its fandoms.
                if parents and character.is_unwrangled and not character.parents.exists():
                    character.parents.add(*parents)
        if characters:
            detail = f"characters: {_names(characters)}"
    _log(actor=actor, tag=tag, action="made canonical", detail=detail)
    return tag


@transaction.atomic
def tag_unmake_canonical(*, actor: User | None, tag: Tag) -> Tag:
    """Take a tag's canonical status away. Refused while other tags hang off it (synonyms, sub
    tags, child tags of a fandom); its own meta tags are dropped."""
    _require_wrangler(actor)
    tag = _fresh(tag)
    if not tag.canonical:
        return tag
    _refuse_fixed(tag)
    synonyms, subs = tag.synonyms.count(), tag.sub_tags.count()
    if synonyms or subs:
        held = " and ".join(
            part for part in (
                f"{synonyms} synonym{'s' if synonyms != 1 else ''}" if synonyms else "",
                f"{subs} sub tag{'s' if subs != 1 else ''}" if subs else "",
            ) if part
        )
        raise ValidationError(
            f"“{tag.name}” still has {held}; move or remove them first, then it can stop "
            "being canonical."
        )
    children = tag.children.count()
    if children:
        raise ValidationError(
            f"“{tag.name}” is the parent fandom of {children} tag{'s' if children != 1 else ''}; "
            "give them another fandom first, then it can stop being canonical."
        )
    metas = list(tag.meta_tags.all())
    touches_works = bool(metas) or tag.type == Tag.Type.RELATIONSHIP
    with _keeping_findable(*([tag.pk] if touches_works else [])):
        tag.meta_tags.clear()
        tag.canonical = False
        tag.save(update_fields=["canonical"])
    detail = f"meta tags dropped: {_names(metas)}" if metas else ""
    _log(actor=actor, tag=tag, action="made not canonical", detail=detail)
    return tag


# --------------------------------------------------------------------------------------------
# Synonyms
# --------------------------------------------------------------------------------------------


@transaction.atomic
def tag_make_synonym(*, actor: User | None, tag: Tag, of: Tag) -> Tag:
    """Merge `tag` into the canonical tag `of`: works tagged with it are found under `of`.

    A canonical tag merged this way stops being canonical and hands everything over: its
    synonyms, meta and sub tags, parent fandoms and (for a fandom) its child tags.
    """
    _require_wrangler(actor)
    tag, of = _fresh(tag), _fresh(of)
    _refuse_fixed(tag)
    if tag.pk == of.pk:
        raise ValidationError(f"“{tag.name}” can't be a synonym of itself.")
    if tag.type != of.type:
        raise ValidationError(
            f"“{tag.name}” is {_label(tag)} and “{of.name}” {_label(of)}; a synonym must "
            "be the same type as its canonical tag."
        )
    _require_canonical(of, purpose="have synonyms")
    if tag.merger_id == of.pk:
        return tag
    metas = set(tag.meta_tags.exclude(pk=of.pk))
    subs = set(tag.sub_tags.exclude(pk=of.pk))
    below_of, above_of = _subs_below(of.pk), _metas_above(of.pk)
    looping = [m for m in metas if m.pk in below_of] + [s for s in subs if s.pk in above_of]
    if looping:
        raise ValidationError(
            f"Merging “{tag.name}” into “{of.name}” would make “{of.name}” a meta tag of "
            f"itself through {_names(looping)}; remove those meta tag links first."
        )
    previous = tag.merger
    with _keeping_findable(tag.pk, of.pk):
        moved = list(tag.synonyms.all())
        Tag.objects.filter(merger=tag).update(merger=of)
        of.meta_tags.add(*metas)
        of.sub_tags.add(*subs)
        tag.meta_tags.clear()
        tag.sub_tags.clear()
        if tag.takes_parents:
            of.parents.add(*tag.parents.all())
            tag.parents.clear()
        if tag.type == Tag.Type.FANDOM:
            _move_children(source=tag, target=of)
        tag.canonical = False
        tag.merger = of
        tag.save(update_fields=["canonical", "merger"])
        _exclusions_follow(source=tag, target=of)
    details = [f"was a synonym of “{previous.name}”" if previous else ""]
    if moved:
        details.append(f"its synonyms moved: {_names(moved)}")
    if metas or subs:
        details.append(f"meta/sub tags moved: {_names(metas | subs)}")
    _log(actor=actor, tag=tag, action="made synonym", detail="; ".join(
        [f"of “{of.name}”", *[d for d in details if d]]))
    return tag


def _move_children(*, source: Tag, target: Tag) -> None:
    """A merged fandom's child tags become the canonical fandom's children."""
    through = Tag.parents.through
    child_ids = set(through.objects.filter(to_tag=source).values_list("from_tag_id", flat=True))
    have = set(
        through.objects.filter(to_tag=target, from_tag_id__in=child_ids).values_list(
            "from_tag_id", flat=True
        )
    )
    through.objects.bulk_create(
        [through(from_tag_id=child, to_tag_id=target.pk) for child in child_ids - have]
    )
    through.objects.filter(to_tag=source).delete()


@transaction.atomic
def tag_unmake_synonym(*, actor: User | None, tag: Tag) -> Tag:
    """Split a synonym from its canonical tag: its works are found under it alone again. It
    keeps the canonical's fandoms, so it stays in the same wrangling bins."""
    _require_wrangler(actor)
    tag = _fresh(tag)
    canonical = tag.merger
    if canonical is None:
        return tag
    with _keeping_findable(tag.pk):
        tag.merger = None
        tag.save(update_fields=["merger"])
        if tag.takes_parents:
            tag.parents.set(canonical.parents.all())
    _log(actor=actor, tag=tag, action="unmade synonym",
         detail=f"was a synonym of “{canonical.name}”")
    return tag


# --------------------------------------------------------------------------------------------
# Names, fandoms, meta tags, media
# --------------------------------------------------------------------------------------------


@transaction.atomic
def tag_rename(*, actor: User | None, tag: Tag, new_name: str) -> Tag:
    """Rename a tag in place: works keep it (so they stay findable under it, by its new name).
    Changing only case or spacing is fine; a name another tag has is refused."""
    _require_wrangler(actor)
    tag = _fresh(tag)
    _refuse_fixed(tag)
    name = tag_validate_name(new_name)
    if name == tag.name:
        return tag
    clash = Tag.objects.filter(key=tag_key(name)).exclude(pk=tag.pk).first()
    if clash:
        raise ValidationError(
            f"There is already {_label(clash)} called “{clash.name}”. To merge the two, make "
            "one a synonym of the other."
        )
    old = tag.name
    # Works find the tag (and a character's relationships) by name.
    with _keeping_findable(tag.pk):
        tag.name = name
        tag.save(update_fields=["name", "key"])
    _log(actor=actor, tag=tag, action="renamed", detail=f"from “{old}”")
    return tag


def _check_parents(tag: Tag, fandoms: list[Tag]) -> None:
    if not tag.takes_parents:
        raise ValidationError(
            f"Only characters, relationships and additional tags have parent fandoms; "
            f"“{tag.name}” is {_label(tag)}."
        )
    if tag.merger:
        raise ValidationError(
            f"“{tag.name}” is a synonym of “{tag.merger.name}” and shares its fandoms; change "
            f"them on “{tag.merger.name}”."
        )
    for fandom in fandoms:
        if fandom.type != Tag.Type.FANDOM:
            raise ValidationError(
                f"“{fandom.name}” is {_label(fandom)}; only fandoms can be parents."
            )
        _require_canonical(fandom, purpose="be parent fandoms")


@transaction.atomic
def tag_set_parents(*, actor: User | None, tag: Tag, fandoms: Iterable[Tag]) -> Tag:
    """Set the parent fandoms of a character, relationship or freeform (its synonyms share
    them). Parents must be canonical fandoms."""
    _require_wrangler(actor)
    tag = _fresh(tag)
    ids = list(dict.fromkeys(f.pk for f in fandoms))
    found = Tag.objects.in_bulk(ids)
    wanted = [found[pk] for pk in ids if pk in found]
    _check_parents(tag, wanted)
    old = set(tag.parents.all())
    if old == set(wanted):
        return tag
    tag.parents.set(wanted)
    _log(actor=actor, tag=tag, action="set fandoms",
         detail=f"{_names(wanted)} (were: {_names(old)})")
    return tag


@transaction.atomic
def tag_add_parent(*, actor: User | None, tag: Tag, fandom: Tag) -> Tag:
    """Add one parent fandom to a character, relationship or freeform."""
    _require_wrangler(actor)
    tag, fandom = _fresh(tag), _fresh(fandom)
    _check_parents(tag, [fandom])
    if tag.parents.filter(pk=fandom.pk).exists():
        return tag
    tag.parents.add(fandom)
    _log(actor=actor, tag=tag, action="added fandom", detail=f"“{fandom.name}”")
    return tag


def _check_meta(sub: Tag, meta: Tag) -> None:
    _refuse_fixed(sub)
    _refuse_fixed(meta)
    if sub.pk == meta.pk:
        raise ValidationError(f"“{sub.name}” can't be its own meta tag.")
    if sub.type != meta.type:
        raise ValidationError(
            f"“{sub.name}” is {_label(sub)} and “{meta.name}” {_label(meta)}; meta and "
            "sub tags must be the same type."
        )
    _require_canonical(sub, purpose="have meta tags")
    _require_canonical(meta, purpose="be meta tags")


@transaction.atomic
def tag_add_meta(*, actor: User | None, sub: Tag, meta: Tag) -> Tag:
    """Make `meta` a meta tag of `sub`: works under `sub` are found under `meta` too."""
    _require_wrangler(actor)
    sub, meta = _fresh(sub), _fresh(meta)
    _check_meta(sub, meta)
    if sub.meta_tags.filter(pk=meta.pk).exists():
        return sub
    if sub.pk in _metas_above(meta.pk):
        raise ValidationError(
            f"“{meta.name}” is already below “{sub.name}”, so it can't also be its meta tag "
            "(that would loop)."
        )
    with _keeping_findable(sub.pk):
        sub.meta_tags.add(meta)
    _log(actor=actor, tag=sub, action="added meta tag", detail=f"“{meta.name}”")
    return sub


@transaction.atomic
def tag_remove_meta(*, actor: User | None, sub: Tag, meta: Tag) -> Tag:
    """Undo `tag_add_meta`: works under `sub` are no longer found under `meta` through it."""
    _require_wrangler(actor)
    sub, meta = _fresh(sub), _fresh(meta)
    if not sub.meta_tags.filter(pk=meta.pk).exists():
        return sub
    with _keeping_findable(sub.pk):
        sub.meta_tags.remove(meta)
    _log(actor=actor, tag=sub, action="removed meta tag", detail=f"“{meta.name}”")
    return sub


@transaction.atomic
def tag_set_media(*, actor: User | None, fandom: Tag, media: str) -> Tag:
    """Sort a fandom into a media category (Anime & Manga, Books & Literature, …)."""
    _require_wrangler(actor)
    fandom = _fresh(fandom)
    if fandom.type != Tag.Type.FANDOM:
        raise ValidationError(
            f"Only fandoms have a media category; “{fandom.name}” is {_label(fandom)}."
        )
    if media not in MEDIA:
        raise ValidationError(
            f"“{media}” isn't a media category; use one of: {', '.join(MEDIA)}."
        )
    if fandom.media == media:
        return fandom
    old = fandom.media
    fandom.media = media
    fandom.save(update_fields=["media"])
    _log(actor=actor, tag=fandom, action="set media", detail=f"{media} (was: {old})")
    return fandom


# --------------------------------------------------------------------------------------------
# Edit page and bulk actions
# --------------------------------------------------------------------------------------------


@dataclass
class TagChanges:
    """What the tag edit page asks for; None leaves a part as it is."""

    name: str | None = None
    canonical: bool | None = None
    synonym_of: Tag | None = None
    unsynonym: bool = False
    parents: list[Tag] | None = None
    meta_tags: list[Tag] | None = None
    media: str | None = None


@transaction.atomic
def tag_update(*, actor: User | None, tag: Tag, changes: TagChanges) -> Tag:
    """Apply the edit page's changes through the single-purpose services, all or nothing.
    A ValidationError names the field that failed."""
    _require_wrangler(actor)

    def step(field_name: str, action) -> None:
        try:
            action()
        except ValidationError as exc:
            raise ValidationError({field_name: exc.messages}) from exc

    tag = _fresh(tag)
    if changes.canonical and changes.synonym_of:
        raise ValidationError({"synonym_of": [
            "A tag can't be canonical and a synonym at once: untick “canonical” or clear "
            "“synonym of”."]})
    if changes.name is not None:
        step("name", lambda: tag_rename(actor=actor, tag=tag, new_name=changes.name or ""))
    synonym_of = changes.synonym_of
    if synonym_of is not None:
        step("synonym_of", lambda: tag_make_synonym(actor=actor, tag=tag, of=synonym_of))
    elif changes.unsynonym:
        step("synonym_of", lambda: tag_unmake_synonym(actor=actor, tag=tag))
    tag = _fresh(tag)
    if changes.canonical is True and not tag.canonical:
        step("canonical", lambda: tag_make_canonical(actor=actor, tag=tag))
    elif changes.canonical is False and tag.canonical:
        step("canonical", lambda: tag_unmake_canonical(actor=actor, tag=tag))
    tag = _fresh(tag)
    if changes.meta_tags and not tag.canonical:
        raise ValidationError({"meta_tags": [
            f"Only canonical tags have meta tags; “{tag.name}” isn't canonical."]})
    if changes.meta_tags is not None and tag.canonical:
        wanted = list(dict.fromkeys(changes.meta_tags))
        current = list(tag.meta_tags.all())
        for meta in current:
            if meta not in wanted:
                step("meta_tags", lambda m=meta: tag_remove_meta(actor=actor, sub=tag, meta=m))
        for meta in wanted:
            if meta not in current:
                step("meta_tags", lambda m=meta: tag_add_meta(actor=actor, sub=tag, meta=m))
    if changes.parents is not None and tag.takes_parents and not tag.merger_id:
        parents = changes.parents
        step("parents", lambda: tag_set_parents(actor=actor, tag=tag, fandoms=parents))
    if changes.media is not None and tag.type == Tag.Type.FANDOM:
        media = changes.media
        step("category", lambda: tag_set_media(actor=actor, fandom=tag, media=media))
    return _fresh(tag)


@dataclass
class BulkResult:
    """What a bulk action did: the tags it changed and one message per tag it couldn't."""

    changed: list[Tag] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def tags_bulk(
    *,
    actor: User | None,
    tags: Iterable[Tag],
    action: str,
    of: Tag | None = None,
    fandoms: Iterable[Tag] = (),
    meta: Tag | None = None,
) -> BulkResult:
    """One action on many tags, as the wrangling page's checkboxes ask: "canonical",
    "synonym" (of `of`), "fandoms" (add these parent fandoms) or "meta" (add the meta tag
    `meta`). Each tag succeeds or fails on its own; failures come back as messages."""
    _require_wrangler(actor)
    if action not in BULK_ACTIONS:
        raise ValidationError(
            f"“{action}” isn't a wrangling action; use one of: {', '.join(BULK_ACTIONS)}."
        )
    fandom_list = list(fandoms)
    if action == "synonym" and of is None:
        raise ValidationError("Choose the canonical tag to make the tags synonyms of.")
    if action == "fandoms" and not fandom_list:
        raise ValidationError("Choose at least one fandom to assign.")
    if action == "meta" and meta is None:
        raise ValidationError("Choose the meta tag to add.")
    result = BulkResult()
    for tag in dict.fromkeys(tags):
        try:
            with transaction.atomic():
                if action == "canonical":
                    tag_make_canonical(actor=actor, tag=tag)
                elif action == "synonym" and of is not None:
                    tag_make_synonym(actor=actor, tag=tag, of=of)
                elif action == "fandoms":
                    for fandom in fandom_list:
                        tag_add_parent(actor=actor, tag=tag, fandom=fandom)
                elif action == "meta" and meta is not None:
                    tag_add_meta(actor=actor, sub=tag, meta=meta)
        except ValidationError as exc:
            result.errors.extend(exc.messages)
        else:
            result.changed.append(tag)
    return result



# --------------------------------------------------------------------------------------------
# Saved exclusions (a reader's tags kept out of every listing they see)
# --------------------------------------------------------------------------------------------

# How many tags one reader may keep excluded.
MAX_EXCLUSIONS = 200


def _exclusions_copy(user: User, locked: User) -> list[int]:
    """The TagExclusion rows' tag ids into the user row's `excluded_tag_ids` copy
    (accounts.services)."""
    return user_copy_keep(user=user, locked=locked, field="excluded_tag_ids", ids=list(
        TagExclusion.objects.filter(user_id=locked.pk).values_list("tag_id", flat=True)))


@transaction.atomic
def tag_exclusion_add(*, user: User, name: str) -> Tag:
    """Keep the tag named `name` (any case) out of every listing `user` sees: works found
    under it (its synonyms and sub tags included) are left out. A synonym is saved as its
    canonical tag. Returns the tag saved; ValidationError for an unknown name or past the
    cap. Adding a tag already excluded changes nothing."""
    clean = one_line(name)
    if not clean:
        raise ValidationError("Type the name of a tag to exclude.", code="empty")
    tag = Tag.objects.select_related("merger").filter(key=tag_key(clean)).first()
    if tag is None:
        raise ValidationError(f"There is no tag named “{clean}”; check the spelling, or pick "
                              "one of the suggestions.", code="unknown")
    tag = tag.merger or tag
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not TagExclusion.objects.filter(user=locked, tag=tag).exists():
        if TagExclusion.objects.filter(user=locked).count() >= MAX_EXCLUSIONS:
            raise ValidationError(
                f"You already exclude {MAX_EXCLUSIONS} tags, the most the archive keeps. "
                "Remove one before adding another.", code="too_many")
        TagExclusion.objects.create(user=locked, tag=tag)
    _exclusions_copy(user, locked)
    return tag


@transaction.atomic
def tag_exclusion_remove(*, user: User, tag: Tag) -> None:
    """Stop excluding `tag` (nothing happens if it was not excluded)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    TagExclusion.objects.filter(user=locked, tag=tag).delete()
    _exclusions_copy(user, locked)


def _exclusions_follow(*, source: Tag, target: Tag) -> None:
    """`source` became a synonym of `target`: readers who excluded `source` now exclude
    `target` (works are found under the canonical tag only), their copies kept in step."""
    users = list(TagExclusion.objects.filter(tag=source).values_list("user_id", flat=True))
    if not users:
        return
    for locked in User.objects.select_for_update().filter(pk__in=users).order_by("pk"):
        TagExclusion.objects.filter(user=locked, tag=source).delete()
        TagExclusion.objects.get_or_create(user=locked, tag=target)
        _exclusions_copy(locked, locked)
