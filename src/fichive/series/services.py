"""Writes of series: making one, adding, ordering and removing its works, editing and
deleting it. The posting form, the importers and the API all call these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from fichive.accounts.models import Pseud, User
from fichive.accounts.services import ensure_may_post
from fichive.lib.cache import content_changed
from fichive.lib.sanitize import sanitize_html
from fichive.lib.text import one_line
from fichive.series import signals
from fichive.series.models import (
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Series,
    SeriesCreatorship,
    SeriesPart,
)
from fichive.works.models import Work
from fichive.works.services import is_creator


def is_series_creator(*, user: User | None, series: Series) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return SeriesCreatorship.objects.filter(series=series, pseud__user=user).exists()


def _require_series_creator(*, user: User, series: Series) -> None:
    if not is_series_creator(user=user, series=series):
        raise PermissionDenied("Only the series' creators can change it.")


def _require_work_creator(*, user: User, work: Work) -> None:
    if not is_creator(user=user, work=work):
        raise PermissionDenied("Only the work's creators can add it to a series.")


def _clean_title(title: str) -> str:
    title = one_line(title)
    if not title:
        raise ValidationError({"title": "Give the series a title."})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": f"The title is {len(title):,} characters long; the most is {TITLE_MAX}."})
    return title


def _clean_html(value: str, *, limit: int, field: str, label: str) -> str:
    typed = (value or "").replace("\r\n", "\n").strip()
    if len(typed) > limit:
        raise ValidationError(
            {field: f"{label} is {len(typed):,} characters long; the most is {limit:,}."})
    return sanitize_html(typed) if typed else ""


def _changed(series: Series) -> None:
    """Retire the cached pages of the series' works (their "Part N of" lines and neighbours)
    and the listings that show them."""
    content_changed(work_ids=list(series.parts.values_list("work_id", flat=True)))


@transaction.atomic
def series_create(*, user: User, title: str, summary: str = "", notes: str = "",
                  complete: bool = False, pseuds: list[Pseud] | None = None) -> Series:
    """A new, empty series whose creators are `pseuds` (the user's own; default pseud when
    none are given)."""
    ensure_may_post(user)
    chosen = list(dict.fromkeys(pseuds or [user.default_pseud]))
    if any(p.user_id != user.pk for p in chosen):
        raise PermissionDenied("A series can only be made under your own pseuds.")
    series = Series.objects.create(
        title=_clean_title(title),
        summary=_clean_html(summary, limit=SUMMARY_MAX, field="summary", label="The summary"),
        notes=_clean_html(notes, limit=NOTES_MAX, field="notes", label="The notes"),
        complete=complete)
    SeriesCreatorship.objects.bulk_create(
        SeriesCreatorship(series=series, pseud=p, position=i) for i, p in enumerate(chosen))
    return series


@transaction.atomic
def series_update(*, user: User, series: Series, title: str, summary: str = "",
                  notes: str = "", complete: bool = False) -> Series:
    ensure_may_post(user)
    _require_series_creator(user=user, series=series)
    series.title = _clean_title(title)
    series.summary = _clean_html(summary, limit=SUMMARY_MAX, field="summary",
                                 label="The summary")
    series.notes = _clean_html(notes, limit=NOTES_MAX, field="notes", label="The notes")
    series.complete = complete
    series.save(update_fields=["title", "summary", "notes", "complete", "updated_at"])
    _changed(series)
    return series


@transaction.atomic
def series_add_work(*, user: User, series: Series, work: Work, check_creator: bool = True,
                    position: int | None = None) -> SeriesPart:
    """Add the work as the series' last part (nothing changes if it is already a part, but
    for its `position` when one is given). The user must be a creator of the work and of
    the series; the work's creators who are not yet creators of the series become ones, as
    on AO3. `check_creator=False` is for importers acting for an archive (the eFiction
    import), which own both sides.

    `position` is the part's sort key instead of "after the last": an importer that knows a
    work is "Part 3" passes 3, so parts imported in any order end up ordered by their
    numbers (parts are numbered 1, 2, … in position order, whatever the keys' gaps).

    Once committed, a new part is announced (signals.series_part_added): the series'
    subscribers hear of it if the work is posted, or when it is."""
    ensure_may_post(user)
    if check_creator:
        _require_work_creator(user=user, work=work)
        _require_series_creator(user=user, series=series)
    if position is not None and position < 0:
        raise ValidationError({"position": "A part's position can't be negative."})
    Series.objects.select_for_update().filter(pk=series.pk).first()
    part = SeriesPart.objects.filter(series=series, work=work).first()
    if part is not None:
        if position is not None and part.position != position:
            part.position = position
            part.save(update_fields=["position"])
            series.save(update_fields=["updated_at"])
            _changed(series)
        return part
    if position is None:
        last = series.parts.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    part = SeriesPart.objects.create(series=series, work=work, position=position)
    have = set(series.creatorships.values_list("pseud_id", flat=True))
    count = len(have)
    for creatorship in work.creatorships.order_by("position"):
        if creatorship.pseud_id not in have:
            SeriesCreatorship.objects.create(series=series, pseud_id=creatorship.pseud_id,
                                             position=count)
            have.add(creatorship.pseud_id)
            count += 1
    series.save(update_fields=["updated_at"])
    _changed(series)
    transaction.on_commit(lambda: signals.series_part_added.send(
        sender=Series, series=series, work=work))
    return part


@transaction.atomic
def series_remove_work(*, user: User, series: Series, work: Work) -> None:
    """Take the work out of the series (a creator of the work or of the series may); the
    remaining parts keep their order."""
    if not is_series_creator(user=user, series=series):
        _require_work_creator(user=user, work=work)
    _changed(series)
    SeriesPart.objects.filter(series=series, work=work).delete()
    series.save(update_fields=["updated_at"])


@transaction.atomic
def series_reorder(*, user: User, series: Series, work_ids: list[int]) -> None:
    """Put the series' parts in this order of work ids (every part exactly once)."""
    _require_series_creator(user=user, series=series)
    parts = {p.work_id: p for p in series.parts.select_for_update()}
    if sorted(work_ids) != sorted(parts) or len(set(work_ids)) != len(work_ids):
        raise ValidationError("Give every work of the series exactly once.")
    for position, work_id in enumerate(work_ids):
        parts[work_id].position = position
    SeriesPart.objects.bulk_update(parts.values(), ["position"])
    series.save(update_fields=["updated_at"])
    _changed(series)


@transaction.atomic
def series_delete(*, user: User, series: Series) -> None:
    """Delete the series; its works stay, no longer part of it."""
    _require_series_creator(user=user, series=series)
    _changed(series)
    series.delete()


@transaction.atomic
def work_series_set(*, user: User, work: Work, join: Series | None = None,
                    new_title: str = "", leave: list[Series] | None = None) -> Series | None:
    """The posting and editing form's "Part of a series": take the work out of the series in
    `leave`, then add it as the last part of `join` (one of the user's series) or of a new
    series titled `new_title`, made under the user's pseuds on the work. Returns the series
    it joined, if any. Errors name the form's fields (`series`, `series_title`)."""
    _require_work_creator(user=user, work=work)
    new_title = one_line(new_title)
    if join is not None and new_title:
        raise ValidationError({"series_title": (
            "Choose one of your series or type a new series title, not both.")})
    for series in leave or []:
        series_remove_work(user=user, series=series, work=work)
    if new_title:
        mine = [c.pseud for c in work.creatorships.select_related("pseud").order_by("position")
                if c.pseud.user_id == user.pk]
        try:
            join = series_create(user=user, title=new_title, pseuds=mine or None)
        except ValidationError as exc:
            raise ValidationError({"series_title": exc.message_dict.get("title", exc.messages)},
                                  ) from exc
    elif join is not None and not is_series_creator(user=user, series=join):
        raise ValidationError({"series": "You can only add works to your own series."})
    if join is not None:
        series_add_work(user=user, series=join, work=work)
    return join
