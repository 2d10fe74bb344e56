"""Stored user HTML cleaned again when the allowlist changes: every row that holds sanitized HTML
(or a work skin) records the SANITIZER_VERSION it was cleaned with (lib/sanitize.py), and
`stored_html_resanitize` cleans rows with an older one with today's rules, field by field with
the cleaner that field was stored with, then marks them current. `fichive resanitize` runs it
with a progress bar, and `fichive setup` (run on every deploy) runs it when rows are behind.

A row edited since it was marked keeps its older mark: it was cleaned with today's rules when
it was saved, so cleaning it again changes nothing but the mark. That keeps the one rule simple:
a row is never marked newer than the rules it was cleaned with.

Word counts and the search index are left as they are: a rule that only renames classes or
drops markup changes no visible text. A future rule that drops text should recount too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.apps import apps
from django.db import models, transaction

from fichive.lib.css import filter_css
from fichive.lib.sanitize import SANITIZER_VERSION, sanitize_comment_html, sanitize_html

__all__ = ["ResanitizeSummary", "stored_html_resanitize", "stored_html_behind"]

BATCH = 200

Cleaner = Callable[[str], str]


def _skin(css: str) -> str:
    return filter_css(css).css if css.strip() else ""


def _targets() -> list[tuple[type[models.Model], dict[str, Cleaner]]]:
    """Each model with stored user HTML, and each field's cleaner (as its service cleans it)."""
    from fichive.bookmarks.services import notes_clean_stored

    with_classes: Cleaner = partial(sanitize_html, allow_classes=True)
    without_classes: Cleaner = partial(sanitize_html, allow_classes=False)
    fields: list[tuple[str, dict[str, Cleaner]]] = [
        ("works.Work", {"summary": without_classes, "notes": with_classes,
                        "end_notes": with_classes, "work_skin": _skin}),
        ("works.Chapter", {"content": with_classes, "summary": without_classes,
                           "notes": with_classes, "end_notes": with_classes}),
        ("comments.Comment", {"content": sanitize_comment_html}),
        ("bookmarks.Bookmark", {"notes": notes_clean_stored}),
        ("bookmarks.ExternalWork", {"summary": notes_clean_stored}),
        ("series.Series", {"summary": with_classes, "notes": with_classes}),
        ("accounts.User", {"about_me": without_classes}),
        ("accounts.Pseud", {"description": without_classes}),
    ]
    return [(apps.get_model(label), cleaners) for label, cleaners in fields]


def _behind(model: type[models.Model]) -> models.QuerySet:
    return model._default_manager.filter(sanitizer_version__lt=SANITIZER_VERSION)


def stored_html_behind() -> int:
    """How many rows were cleaned with an older allowlist than today's."""
    return sum(_behind(model).count() for model, _ in _targets())


@dataclass
class ResanitizeSummary:
    checked: int = 0
    changed: int = 0
    changed_by_model: dict[str, int] = field(default_factory=dict)


def stored_html_resanitize(
    *, progress: Callable[[int, int], None] | None = None
) -> ResanitizeSummary:
    """Clean every row behind SANITIZER_VERSION again and mark it current; returns what was
    looked at and changed. Safe to stop and run again: each batch commits on its own."""
    from fichive.lib.cache import content_changed

    targets = _targets()
    total = sum(_behind(model).count() for model, _ in targets)
    summary = ResanitizeSummary()
    if progress:
        progress(0, total)
    for model, cleaners in targets:
        names = list(cleaners)
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(_behind(model).filter(pk__gt=last_pk).order_by("pk")
                            .only("pk", "sanitizer_version", *names)
                            .select_for_update()[:BATCH])
                if not rows:
                    break
                last_pk = rows[-1].pk
                changed = []
                for row in rows:
                    before = {name: getattr(row, name) or "" for name in names}
                    after = {name: cleaners[name](value) for name, value in before.items()}
                    if after != before:
                        for name, value in after.items():
                            setattr(row, name, value)
                        changed.append(row)
                if changed:
                    model._default_manager.bulk_update(changed, names)
                model._default_manager.filter(pk__in=[row.pk for row in rows]).update(
                    sanitizer_version=SANITIZER_VERSION)
            summary.checked += len(rows)
            if changed:
                label = model._meta.verbose_name_plural
                summary.changed_by_model[str(label)] = (
                    summary.changed_by_model.get(str(label), 0) + len(changed))
                summary.changed += len(changed)
            if progress:
                progress(summary.checked, total)
    if summary.changed:
        # Guests' stored pages show the old HTML: retire every one (profiles, comments and
        # bookmarks appear on pages of many works).
        content_changed(everything=True)
    return summary
