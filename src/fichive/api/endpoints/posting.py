"""API: posting, editing and deleting works and chapters, through the same services as the forms.

A request's JSON is read by the very forms the posting pages use (works/forms.py: WorkForm,
ChapterForm), so it is checked exactly as the site checks a person's input, with the same
messages; then the same services save it (works/services.py, gifts, series), under the same
rate limits as the pages (works/views.py's NEW_WORKS and NEW_CHAPTERS). Errors name the API's
fields (`pseuds` for the form's creators, `format` for its text format, `chapter.html` for
the first chapter's text). There is no preview step: `draft: true` saves a draft, and
POST /works/{id}/post posts it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Schema, Status
from pydantic import ConfigDict, WithJsonSchema

from fichive.accounts.models import User
from fichive.accounts.services import AccountRestricted
from fichive.api.endpoints.works import ChapterOut, WorkDetail, chapter_detail, work_detail
from fichive.api.schemas import ERRORS, Problem, answers
from fichive.api.v1 import WRITE, Refused, router
from fichive.formats.exporters.txt import html_to_plain
from fichive.gifts.models import MAX_NAME_LENGTH as GIFT_NAME_MAX
from fichive.gifts.models import MAX_RECIPIENTS
from fichive.gifts.services import gifts_set
from fichive.lib.css import CSS_MAX
from fichive.lib.ratelimit import RateLimit, RateLimited, wait_text
from fichive.lib.text import one_line
from fichive.series.services import work_series_set
from fichive.tags.models import CATEGORIES, DEFAULT_RATING, RATINGS, TAG_NAME_MAX, WARNINGS
from fichive.works import selectors, services
from fichive.works import views as work_views
from fichive.works.forms import ChapterForm, WorkForm
from fichive.works.languages import LANGUAGES
from fichive.works.models import (
    CHAPTER_MAX,
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    USER_TAGS_MAX,
    Chapter,
    Work,
)

# The largest count or id the database's integer columns hold: past it, a 400, not a 500.
_INT_MAX = 2**31 - 1
_TEXTS = ("summary", "notes", "end_notes")
_Id = Annotated[int, Field(ge=1, le=_INT_MAX)]
_WARNINGS_HELP = f"At least one of: {', '.join(WARNINGS)}."


class _Strict(Schema):
    # A misspelt field is an error rather than silently left out (PATCH would keep the
    # field's old value and answer 200).
    model_config = ConfigDict(extra="forbid")


# What the forms and services check, documented in the OpenAPI schema (the checks stay
# theirs, with the site's messages): no NUL anywhere (forms refuse it), lengths, names with
# something visible in them (white space and control characters are left out of titles and
# names), tag names without the characters tags can't hold, the fixed choices.
# (Lone surrogates, left out too, are no JSON text: no schema regex engine takes them.)
_INVISIBLE = (r"\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
              r"\ufffe\uffff")
_NOT_IN_TAGS = r",^*<>{}=`\\%，、"
_NO_NUL = r"^[^\x00]*$"


def _visible(forbidden: str = "") -> str:
    """A pattern: no NUL nor `forbidden`, and a visible character."""
    return rf"^[^{forbidden}\x00]*[^{forbidden}{_INVISIBLE}][^{forbidden}\x00]*$"


def _text(max_length: int, pattern: str = _NO_NUL) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "pattern": pattern}


def _names(item: dict[str, Any], **limits: int) -> dict[str, Any]:
    return {"type": "array", "items": item, **{
        {"min_items": "minItems", "max_items": "maxItems"}[k]: v for k, v in limits.items()}}


def _choices(values: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": values}


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_TAG = _text(TAG_NAME_MAX, _visible(_NOT_IN_TAGS))
_TAGS = _names(_TAG, max_items=USER_TAGS_MAX)
_FANDOMS = _names(_TAG, min_items=1, max_items=USER_TAGS_MAX)
_WARNING_LIST = _names(_choices(WARNINGS), min_items=1)
_TITLE = _text(TITLE_MAX, _visible())
_Title = Annotated[str, WithJsonSchema(_TITLE)]
_Fandoms = Annotated[list[str], WithJsonSchema(_FANDOMS)]
_WarningList = Annotated[list[str], WithJsonSchema(_WARNING_LIST)]
_ChapterText = Annotated[str, WithJsonSchema(_text(CHAPTER_MAX))]


def _doc(schema: dict[str, Any]) -> Any:
    """An optional field documented as `schema` (or null)."""
    return WithJsonSchema(_or_null(schema))


class ChapterIn(_Strict):
    """A chapter's text: `html` (sanitized as the site does; line breaks become paragraphs)
    or `text` (plain text: blank lines part paragraphs; its summary and notes are plain text
    too). Give one of them."""

    model_config = ConfigDict(json_schema_extra={
        "oneOf": [{"required": ["html"]}, {"required": ["text"]}]})

    title: Annotated[str, WithJsonSchema(_text(TITLE_MAX))] = ""
    summary: Annotated[str, WithJsonSchema(_text(SUMMARY_MAX))] = ""
    notes: Annotated[str, WithJsonSchema(_text(NOTES_MAX))] = ""
    end_notes: Annotated[str, WithJsonSchema(_text(NOTES_MAX))] = ""
    html: _ChapterText = None  # type: ignore[assignment]
    text: _ChapterText = None  # type: ignore[assignment]


class ChapterPatch(_Strict):
    """The chapter's fields to change; those left out keep their values."""

    title: str | None = None
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None
    html: str | None = None
    text: str | None = None


class _WorkFields(_Strict):
    """What posting and editing share; tags are lists of names, one tag an item."""

    summary: Annotated[str | None, _doc(_text(SUMMARY_MAX))] = None
    notes: Annotated[str | None, _doc(_text(NOTES_MAX))] = None
    end_notes: Annotated[str | None, _doc(_text(NOTES_MAX))] = None
    rating: Annotated[str | None, _doc(_choices(RATINGS))] = Field(
        None, description=f"One of: {', '.join(RATINGS)} (default {DEFAULT_RATING}).")
    categories: Annotated[list[str] | None, _doc(_names(_choices(CATEGORIES)))] = Field(
        None, description=f"Any of: {', '.join(CATEGORIES)}.")
    relationships: Annotated[list[str] | None, _doc(_TAGS)] = None
    characters: Annotated[list[str] | None, _doc(_TAGS)] = None
    freeforms: Annotated[list[str] | None, _doc(_TAGS)] = Field(
        None, description="Additional tags.")
    language: Annotated[str | None, _doc(_choices([c for c, _ in LANGUAGES]))] = Field(
        None, description="A language code of the archive's, like en.")
    restricted: bool | None = Field(None, description="Only registered users see it.")
    anonymous: bool | None = Field(None, description="Posted anonymously: everyone but its "
                                                     "creators sees “Anonymous”.")
    # (at least 1: the form says so, with its message)
    expected_chapters: Annotated[int | None, _doc(
        {"type": "integer", "minimum": 1, "maximum": _INT_MAX})] = Field(
        None, le=_INT_MAX, description="Leave it out (or null) for a one-shot, or when the "
                                       "count isn't known yet.")
    complete: bool | None = Field(None, description="True: as many chapters expected as "
                                                    "there are.")
    pseuds: Annotated[list[str] | None, _doc(_names({"type": "string"}, min_items=1))] = Field(
        None, description="Names of your own pseuds to post as (default: your default "
                          "pseud).")
    co_creators: Annotated[list[str] | None, _doc(_names(
        {"type": "string", "pattern": _visible(",")}))] = Field(
        None, description="Other users, as “user” or “pseud (user)”: they are invited and "
                          "join once they accept.")
    gifts: Annotated[list[str] | None, _doc(_names(_text(
        GIFT_NAME_MAX, _visible(",")), max_items=MAX_RECIPIENTS))] = Field(
        None, description="Recipients: “user”, “pseud (user)” or any other name.")
    series: int | None = Field(None, ge=1, le=_INT_MAX,
                               description="Add the work to one of your series (its id).")
    series_title: Annotated[str | None, _doc(_text(TITLE_MAX))] = Field(
        None, description="Or start a new series of that title.")
    work_skin: Annotated[str | None, _doc(_text(CSS_MAX))] = Field(
        None, description="CSS for this work's text.")
    comment_permission: Annotated[str | None, _doc(_choices(
        ["", *Work.CommentPermission.values]))] = Field(
        None, description="everyone, users or none (empty: as it is, everyone for a new "
                          "work).")
    moderated_comments: bool | None = None
    format: Literal["html", "text"] | None = Field(
        None, description="The format of summary, notes and end_notes: html (the default) "
                          "or text.")


class WorkIn(_WorkFields):
    """A new work and its first chapter; `draft: true` saves it unposted."""

    title: _Title
    fandoms: _Fandoms
    warnings: _WarningList = Field(description=_WARNINGS_HELP)
    chapter: ChapterIn
    draft: bool = False


class WorkPatch(_WorkFields):
    """The work's fields to change; those left out keep their values (a null too, but for
    expected_chapters, where null means the count isn't known)."""

    title: Annotated[str | None, _doc(_TITLE)] = None
    fandoms: Annotated[list[str] | None, _doc(_FANDOMS)] = None
    warnings: Annotated[list[str] | None, _doc(_WARNING_LIST)] = Field(
        None, description=_WARNINGS_HELP)
    leave_series: list[_Id] | None = Field(None, description="Take the work out of these "
                                                             "series (their ids).")


# API field name -> the form's, where they differ; and back, for the errors.
_TO_FORM = {"pseuds": "creators", "format": "fmt"}
_FROM_FORM = {form: api for api, form in _TO_FORM.items()}
_COMMA_LISTS = ("fandoms", "relationships", "characters", "freeforms", "co_creators", "gifts")


def _refused_if_restricted(exc: ValidationError) -> None:
    """A suspended or banned user's refusal is a 403 with the site's message, as the pages
    that don't show it on a form answer it."""
    if isinstance(exc, AccountRestricted):
        raise PermissionDenied(" ".join(exc.messages)) from exc


def _errors(form_errors: dict[str, list[str]], *, prefix: str = "",
            body: str = "html") -> dict[str, list[str]]:
    """A form's (or service's) errors under the API's names."""
    named: dict[str, list[str]] = {}
    for name, messages in form_errors.items():
        if name == "__all__":
            key = name
        elif name == "content":
            key = prefix + body
        else:
            key = prefix + _FROM_FORM.get(name, name)
        named.setdefault(key, []).extend(str(m) for m in messages)
    return named


def _pseud_ids(user: User, names: list[str]) -> list[int]:
    own = {p.name.casefold(): p.pk for p in user.pseuds.all()}
    missing = [name for name in names if name.strip().casefold() not in own]
    if missing:
        raise ValidationError({"pseuds": [
            f"You have no pseud named {', '.join(f'“{n}”' for n in missing)}."]})
    return [own[name.strip().casefold()] for name in names]


def _overlay(data: dict[str, Any], sent: dict[str, Any], *, user: User) -> None:
    """Put the sent work fields into the form's `data`, as the form's widgets send them."""
    for name, value in sent.items():
        if name in ("chapter", "draft", "complete") or (value is None and name not in (
                "expected_chapters", "series")):
            continue
        field = _TO_FORM.get(name, name)
        if name in _COMMA_LISTS:
            commas = [item for item in value if "," in item]
            if commas:
                raise ValidationError({name: [
                    f"“{commas[0]}” has a comma in it: give each name as its own item of "
                    "the list."]})
            if any(not one_line(item) for item in value):
                raise ValidationError({name: ["One of the names is blank: leave it out."]})
            if name == "gifts" and len(value) > MAX_RECIPIENTS:
                raise ValidationError({name: [
                    f"A work can be a gift to at most {MAX_RECIPIENTS} recipients "
                    f"({len(value)} given)."]})
            data[field] = ", ".join(value)
        elif name == "pseuds":
            data[field] = _pseud_ids(user, value)
        elif name in ("expected_chapters", "series"):
            data[field] = "" if value is None else value
        else:
            data[field] = value


def _chapter_data(chapter: dict[str, Any], *, initial: dict[str, Any] | None = None,
                  prefix: str = "") -> tuple[dict[str, Any], str]:
    """ChapterForm data from the API's chapter fields (over `initial`, a chapter's own, when
    editing), and the name of the field its text came in (for errors)."""
    html, text = chapter.get("html"), chapter.get("text")
    if html is not None and text is not None:
        raise ValidationError({prefix + "html": [
            "Give the chapter's text once: as html, or as plain text in text."]})
    data = dict(initial or {"title": "", "summary": "", "notes": "", "end_notes": "",
                            "content": "", "fmt": "html"})
    if html is not None or text is not None:
        fmt = "text" if text is not None else "html"
        data["content"] = text if text is not None else html
        if initial is not None and fmt != initial["fmt"]:
            # The fields left as they were, in the format the new text comes in.
            stored = initial["_chapter"]
            for name in _TEXTS:
                data[name] = (getattr(stored, name) if fmt == "html"
                              else html_to_plain(getattr(stored, name)))
        data["fmt"] = fmt
    for name in ("title", *_TEXTS):
        if chapter.get(name) is not None:
            data[name] = chapter[name]
    data.pop("_chapter", None)
    return data, "text" if data["fmt"] == "text" else "html"


def _checked_limit(limit: RateLimit, request: HttpRequest, what: str) -> list[str]:
    """The counters of `limit` for this request's user, or RateLimited (a 429) with the
    message the posting pages show when it has been reached."""
    keys = limit.keys_for_request(request)
    left = limit.seconds_left(keys)
    if left:
        raise RateLimited(f"You have added {limit.limit} {what} in the last "
                          f"{limit.window_text}. Nothing was saved: please wait "
                          f"{wait_text(left)} and try again.", retry_after=left)
    return keys


def _valid(form: Any, *, prefix: str = "", body: str = "html") -> None:
    if not form.is_valid():
        raise ValidationError(_errors(form.errors, prefix=prefix, body=body))


def _service_errors(exc: ValidationError, *, body: str, chapter_prefix: str = "chapter."
                    ) -> ValidationError:
    """A service's ValidationError under the API's names. work_create reports the first
    chapter's problems beside the work's: its text under `content`, its other fields under
    the work's names with messages about "the chapter"."""
    _refused_if_restricted(exc)
    if not hasattr(exc, "error_dict"):
        return exc
    named: dict[str, list[str]] = {}
    for name, messages in exc.message_dict.items():
        for message in messages:
            of_chapter = name == "content" or (
                name in ("title", *_TEXTS) and message.startswith(("The chapter", "Chapter ")))
            key = (chapter_prefix + (body if name == "content" else name) if of_chapter
                   else _FROM_FORM.get(name, name))
            named.setdefault(key, []).append(message)
    return ValidationError(named)


def _work_answer(request: HttpRequest, work_id: int) -> dict[str, Any]:
    """The work as GET /works/{id} answers it to the caller."""
    return work_detail(request, work_id)


def _location(response: HttpResponse, request: HttpRequest, name: str, **kwargs: int) -> None:
    response["Location"] = request.build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs))


@router.post("/works", response=answers(WorkDetail, status=201), auth=WRITE,
             url_name="posting-work-create", tags=["posting"],
             summary="Post a new work (or save it as a draft) with its first chapter")
def work_create(request: HttpRequest, response: HttpResponse, payload: WorkIn
                ) -> Status[dict[str, Any]]:
    """Checked as the posting form checks it, saved by the same services: tags are created
    as needed, other users named as co-creators are invited, gift recipients are told."""
    user: User = request.user  # type: ignore[assignment]
    limit = work_views.NEW_WORKS  # read here: tests lower the pages' limits
    keys = _checked_limit(limit, request, "works")
    sent = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {
        "title": "", "creators": [p.pk for p in user.pseuds.all() if p.is_default],
        "co_creators": "", "gifts": "", "series": "", "series_title": "",
        "rating": DEFAULT_RATING, "warnings": [], "fandoms": "", "categories": [],
        "relationships": "", "characters": "", "freeforms": "", "summary": "", "notes": "",
        "end_notes": "", "language": "en", "work_skin": "", "restricted": False,
        "anonymous": False, "expected_chapters": "", "comment_permission": "",
        "moderated_comments": False, "fmt": "html",
    }
    _overlay(data, sent, user=user)
    form = WorkForm(data, user=user)
    _valid(form)
    chapter_data, body = _chapter_data(sent["chapter"], prefix="chapter.")
    chapter_form = ChapterForm(chapter_data)
    _valid(chapter_form, prefix="chapter.", body=body)
    meta = form.to_meta()
    meta.complete = bool(payload.complete)
    try:
        with transaction.atomic():
            work = services.work_create(user=user, meta=meta, chapters=[chapter_form.to_text()],
                                        post=not payload.draft)
            gifts_set(work=work, names=form.cleaned_data["gifts"])
            work_series_set(user=user, work=work, **form.series_choices())
    except ValidationError as exc:
        raise _service_errors(exc, body=body) from exc
    limit.record(keys)
    _location(response, request, "work", work_id=work.pk)
    return Status(201, _work_answer(request, work.pk))


@router.patch("/works/{int:work_id}", response=answers(WorkDetail), auth=WRITE,
              url_name="posting-work-update", tags=["posting"],
              summary="Change a work of yours: only the fields sent")
def work_update(request: HttpRequest, work_id: int, payload: WorkPatch) -> dict[str, Any]:
    """The edit form's checks and services; a draft stays a draft (POST …/post posts it)."""
    user: User = request.user  # type: ignore[assignment]
    work = selectors.work_for_editing(user, work_id)
    sent = payload.model_dump(exclude_unset=True)
    data = WorkForm.initial_for(work, user=user)
    fmt = sent.get("format") or data["fmt"]
    if fmt != data["fmt"]:  # the texts left as they were, in the format of those sent
        for name in _TEXTS:
            data[name] = getattr(work, name) if fmt == "html" else html_to_plain(
                getattr(work, name))
    data.update(fmt=fmt, series="", series_title="", leave_series=[],
                expected_chapters="" if data["expected_chapters"] is None
                else data["expected_chapters"])
    _overlay(data, sent, user=user)
    form = WorkForm(data, user=user, work=work)
    if sent.get("leave_series") and "leave_series" not in form.fields:
        raise ValidationError({"leave_series": ["Choose only series the work is part of to "
                                                "remove it from."]})
    _valid(form)
    meta = form.to_meta()
    meta.complete = bool(payload.complete)
    if not sent.keys() & {"pseuds", "co_creators"}:
        # The byline as it is, in its order (the form would put the editor's names first).
        meta.creators = [c.pseud for c in work.creatorships.order_by("position", "id")
                         .select_related("pseud")]
    try:
        with transaction.atomic():
            services.work_update(user=user, work=work, meta=meta)
            if "gifts" in sent:
                gifts_set(work=work, names=form.cleaned_data["gifts"])
            if sent.keys() & {"series", "series_title", "leave_series"}:
                work_series_set(user=user, work=work, **form.series_choices())
    except ValidationError as exc:
        raise _service_errors(exc, body="html") from exc
    return _work_answer(request, work.pk)


@router.post("/works/{int:work_id}/post", response=answers(WorkDetail), auth=WRITE,
             url_name="posting-work-post", tags=["posting"],
             summary="Post a draft of yours (a posted work stays as it is)")
def work_post(request: HttpRequest, work_id: int) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    work = selectors.work_for_editing(user, work_id)
    try:
        services.work_post(user=user, work=work)
    except ValidationError as exc:
        _refused_if_restricted(exc)
        raise
    return _work_answer(request, work.pk)


@router.delete("/works/{int:work_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="posting-work-delete", tags=["posting"],
               summary="Delete a work of yours with its chapters")
def work_delete(request: HttpRequest, work_id: int) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    work = selectors.work_for_editing(user, work_id)
    services.work_delete(user=user, work=work)
    return Status(204, None)


def _chapter(request: HttpRequest, work_id: int, position: int) -> tuple[Work, Chapter]:
    work = selectors.work_for_editing(request.user, work_id)
    chapter = selectors.chapter_at(work, position)
    chapter.work = work
    return work, chapter


@router.post("/works/{int:work_id}/chapters", response=answers(ChapterOut, status=201),
             auth=WRITE, url_name="posting-chapter-create", tags=["posting"],
             summary="Add a chapter at the end of a work of yours")
def chapter_create(request: HttpRequest, response: HttpResponse, work_id: int,
                   payload: ChapterIn) -> Status[dict[str, Any]]:
    """A posted work's update date becomes today; a draft's chapter waits for the work to be
    posted."""
    user: User = request.user  # type: ignore[assignment]
    work = selectors.work_for_editing(user, work_id)
    limit = work_views.NEW_CHAPTERS
    keys = _checked_limit(limit, request, "chapters")
    data, body = _chapter_data(payload.model_dump(exclude_unset=True))
    form = ChapterForm(data)
    _valid(form, body=body)
    try:
        chapter = services.chapter_add(user=user, work=work, text=form.to_text())
    except ValidationError as exc:
        raise _service_errors(exc, body=body, chapter_prefix="") from exc
    limit.record(keys)
    _location(response, request, "chapter", work_id=work.pk, position=chapter.position)
    return Status(201, chapter_detail(request, work.pk, chapter.position))


@router.patch("/works/{int:work_id}/chapters/{int:position}", response=answers(ChapterOut),
              auth=WRITE, url_name="posting-chapter-update", tags=["posting"],
              summary="Change a chapter of a work of yours: only the fields sent")
def chapter_update(request: HttpRequest, work_id: int, position: int,
                   payload: ChapterPatch) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    work, chapter = _chapter(request, work_id, position)
    initial = {**ChapterForm.initial_for(chapter), "_chapter": chapter}
    data, body = _chapter_data(payload.model_dump(exclude_unset=True), initial=initial)
    form = ChapterForm(data)
    _valid(form, body=body)
    try:
        services.chapter_update(user=user, chapter=chapter, text=form.to_text())
    except ValidationError as exc:
        raise _service_errors(exc, body=body, chapter_prefix="") from exc
    return chapter_detail(request, work.pk, chapter.position)


@router.delete("/works/{int:work_id}/chapters/{int:position}",
               response={204: None, 409: Problem, **ERRORS}, auth=WRITE,
               url_name="posting-chapter-delete", tags=["posting"],
               summary="Delete a chapter of a work of yours (not its only one: 409)")
def chapter_delete(request: HttpRequest, work_id: int, position: int) -> Status[None]:
    """The only chapter of a work can't be deleted: that is a 409 (delete the work
    instead), the state of the work, not the request, being what refuses it."""
    user: User = request.user  # type: ignore[assignment]
    work, chapter = _chapter(request, work_id, position)
    if work.chapter_count <= 1 and work.chapters.count() <= 1:
        raise Refused(409, "A work needs at least one chapter; delete the work instead.")
    services.chapter_delete(user=user, chapter=chapter)
    return Status(204, None)
