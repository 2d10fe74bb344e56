"""Writes to the tag table: finding or creating the tags a work is tagged with."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fichive.tags.models import TAG_NAME_MAX, Tag, tag_key

FIXED_TYPES = {Tag.Type.RATING, Tag.Type.WARNING, Tag.Type.CATEGORY}
# Characters AO3 does not allow in tag names (the comma separates tags as they are typed).
FORBIDDEN_IN_TAGS = re.compile(r"[,^*<>{}=`\\%，、]")


def split_tag_input(value: str) -> list[str]:
    """Tags as typed in a form: comma-separated, blank ones and repeats dropped, order kept."""
    seen: dict[str, str] = {}
    for raw in (value or "").split(","):
        name = " ".join(raw.split())
        if name and tag_key(name) not in seen:
            seen[tag_key(name)] = name
    return list(seen.values())


def tag_validate_name(name: str) -> str:
    name = " ".join((name or "").split())
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
    result: list[Tag] = []
    errors: list[str] = []
    label = Tag.Type(tag_type).label
    for raw in names:
        try:
            name = tag_validate_name(raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        tag = Tag.objects.filter(key=tag_key(name)).first()
        if tag is None and tag_type in FIXED_TYPES:
            errors.append(f"“{name}” is not a {label.lower()}.")
            continue
        if tag is None:
            tag = _tag_create(tag_type=tag_type, name=name)
        if tag.type != tag_type:
            errors.append(
                f"“{tag.name}” is already a {tag.get_type_display()} tag, so it can't be used "
                f"as a {label} tag."
            )
            continue
        if tag not in result:
            result.append(tag)
    if errors:
        raise ValidationError(errors)
    return result


def _tag_create(*, tag_type: str, name: str) -> Tag:
    try:
        with transaction.atomic():
            return Tag.objects.create(type=tag_type, name=name)
    except IntegrityError:  # created meanwhile by another request
        return Tag.objects.get(key=tag_key(name))
