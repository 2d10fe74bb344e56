"""AO3's archivist import API, compatible (otwarchive's Api::V2::WorksController), so the
Open Doors tools that move whole archives to AO3 can point at a Fichive archive:

- POST /api/v2/works: `archivist` (the token's account; may be left out), `works` (or
  `items`): each with `id`, `chapter_urls`, `title`, `fandoms`, `warnings`, `characters`,
  `rating`, `relationships`, `categories`, `additional_tags` (tags as lists or as
  comma-separated strings), `language_code`, `summary`, `notes`, `encoding`, `restricted`,
  `post_without_preview` (false: the work stays a draft), `override_tags`, `detect_tags`,
  `collection_names` (this archive has no collections: noted and left out),
  `external_author_name`/`_email`, `external_coauthor_name`/`_email`; top level
  `send_claim_emails`. This archive's extension: a work may send `chapters: [{title,
  content, summary, notes, end_notes}]` (HTML) inline instead of having them fetched; its
  `chapter_urls` then only say where it came from.
  Answer: {status, messages, works: [{status, archive_url, original_id, original_url,
  messages}]}: per work "created", "found" (imported from that URL before: the existing
  work), or an error (empty_request, too_many_requests, unprocessable_entity).
- POST /api/v2/works/search: `works: [{original_urls: [url or {id, url}, …]}]`; per URL
  "found" with `search_results: [{archive_url, created, message}]`, or "not_found".

Top-level statuses and HTTP codes as AO3's: ok (200), forbidden (403), and otherwise 400
(empty_request, too_many_request — AO3's spelling —, bad_request when a work failed);
unauthorized (401) and too_many_requests (429) are this archive's. Every answer, errors
included, is that JSON shape: the tools parse it.

Who may: a personal access token with the `archivist` scope, sent as AO3's tools send it
(`Authorization: Token token=…`) or as `Authorization: Bearer …`, of an account with the
archivist role (or an admin). Works go through formats/archivist.py."""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import ValidationError as PydanticError

from fichive.accounts.models import User
from fichive.accounts.services import restriction_message
from fichive.api import v1
from fichive.api.models import ApiToken
from fichive.api.services import token_check
from fichive.formats.archivist import (
    MAX_CHAPTERS,
    MAX_WORKS,
    ExternalChapter,
    ExternalWork,
    Outcome,
    archivist_import,
    claim_emails_send,
    works_imported_from,
)
from fichive.inbox.mail import site_url
from fichive.lib.ratelimit import RateLimited
from fichive.works.models import Work

_TOKEN = re.compile(r'^\s*token\s*=\s*"?([^",\s]+)"?', re.IGNORECASE)


# Request shapes: what AO3's tools send. Tags come as lists or comma-separated strings.

Names = str | list[str] | None


def _name_list(value: Names) -> list[str]:
    if value is None:
        return []
    values = value.split(",") if isinstance(value, str) else value
    return [" ".join(v.split()) for v in values if v and v.strip()]


def _without_nul(value: Any) -> Any:
    """NUL characters (junk in old archives' text; no database text can hold them) left
    out of a string, or of the strings of a list."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


class ChapterIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _without_nul(value)

    content: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


class WorkIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | int | None = None
    chapter_urls: list[str] = []
    chapters: list[ChapterIn] = []
    title: str | None = None
    fandoms: Names = None
    warnings: Names = None
    characters: Names = None
    rating: str | None = None
    relationships: Names = None
    categories: Names = None
    additional_tags: Names = None
    language_code: str | None = None
    summary: str | None = None
    notes: str | None = None
    encoding: str | None = None
    restricted: bool | None = None
    post_without_preview: bool | None = None
    override_tags: bool | None = None
    detect_tags: bool | None = None
    collection_names: Names = None
    external_author_name: str | None = None
    external_author_email: str | None = None
    external_coauthor_name: str | None = None
    external_coauthor_email: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _without_nul(value)

    @field_validator("chapter_urls", mode="before")
    @classmethod
    def _one_url(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def external(self) -> ExternalWork:
        return ExternalWork(
            original_id=self.id if self.id is not None else "",
            chapter_urls=[u.strip() for u in self.chapter_urls if u and u.strip()],
            chapters=[ExternalChapter(content=c.content, title=c.title, summary=c.summary,
                                      notes=c.notes, end_notes=c.end_notes)
                      for c in self.chapters],
            title=self.title or "",
            fandoms=_name_list(self.fandoms),
            warnings=_name_list(self.warnings),
            characters=_name_list(self.characters),
            rating=(self.rating or "").strip(),
            relationships=_name_list(self.relationships),
            categories=_name_list(self.categories),
            additional_tags=_name_list(self.additional_tags),
            language_code=(self.language_code or "").strip(),
            summary=self.summary or "",
            notes=self.notes or "",
            encoding=(self.encoding or "").strip(),
            restricted=bool(self.restricted),
            post_without_preview=(True if self.post_without_preview is None
                                  else self.post_without_preview),
            override_tags=True if self.override_tags is None else self.override_tags,
            detect_tags=True if self.detect_tags is None else self.detect_tags,
            collection_names=_name_list(self.collection_names),
            external_author_name=self.external_author_name or "",
            external_author_email=self.external_author_email or "",
            external_coauthor_name=self.external_coauthor_name or "",
            external_coauthor_email=self.external_coauthor_email or "",
        )


# Answers


def _answer(status: str, messages: list[str], http: int | None = None, **extra: Any
            ) -> HttpResponse:
    """AO3's envelope: HTTP 200 for ok, 403 for forbidden, else 400 (unless `http`)."""
    code = http or {"ok": 200, "forbidden": 403}.get(status, 400)
    response = JsonResponse({"status": status, "messages": messages, **extra}, status=code,
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


class _Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def _secret(request: HttpRequest) -> str | None:
    """The token of `Authorization: Token token=…` (or `Token …`) or `Bearer …`."""
    header = request.headers.get("Authorization", "").strip()
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip() or None
    if scheme.lower() == "token":
        found = _TOKEN.match(rest)
        if found:
            return found.group(1)
        bare = rest.strip().strip('"')
        return bare if bare and "=" not in bare else None
    return None


def _unauthorized(message: str) -> _Refused:
    response = _answer("unauthorized", [message], http=401)
    response["WWW-Authenticate"] = 'Token realm="Fichive"'
    return _Refused(response)


def _forbidden(message: str) -> _Refused:
    return _Refused(_answer("forbidden", [message]))


def _archivist(request: HttpRequest) -> tuple[User, ApiToken]:
    """The archivist the request's token is of, or _Refused (401, 403, 429)."""
    secret = _secret(request)
    if secret is None:
        raise _unauthorized("This needs an archivist's personal access token: send "
                            "Authorization: Token token=fichive_… (or Bearer fichive_…).")
    token = token_check(secret)
    if token is None:
        raise _unauthorized("That token isn't valid: it may be mistyped or revoked.")
    user = token.user
    if not user.is_active or user.banned or not user.claimed:
        raise _forbidden("This account can't use the API: it is banned, closed or not yet "
                         "claimed.")
    if "archivist" not in token.scope_set:
        raise _forbidden("This needs a token with the “archivist” scope.")
    if not (user.is_archivist or user.is_admin):
        raise _forbidden("Only archivists may import works for other authors.")
    restricted = restriction_message(user)
    if restricted:
        raise _forbidden(restricted)
    request.user = user
    limit = v1.API_REQUESTS  # the API's one limit, per address, account and token
    keys = [*limit.keys_for_request(request), f"{limit.prefix}:token:{token.pk}"]
    try:
        limit.hit_keys(keys)
    except RateLimited as exc:
        response = _answer("too_many_requests", [exc.message], http=429)
        response["Retry-After"] = str(exc.retry_after)
        raise _Refused(response) from exc
    return user, token


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        raw = request.body
    except Exception as exc:  # RequestDataTooBig: over DATA_UPLOAD_MAX_MEMORY_SIZE
        raise _Refused(_answer("bad_request", [
            "The request is too large: send fewer works at a time."])) from exc
    if not raw.strip():
        raise _Refused(_answer("empty_request", ["No works to import were given."]))
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Refused(_answer("bad_request", [
            "The request isn't JSON: send Content-Type: application/json and a JSON "
            "object."])) from exc
    if not isinstance(data, dict):
        raise _Refused(_answer("bad_request", ["The request must be a JSON object."]))
    return data


def _post_only(request: HttpRequest) -> None:
    if request.method != "POST":
        response = _answer("method_not_allowed", ["Use POST."], http=405)
        response["Allow"] = "POST"
        raise _Refused(response)


def _absolute(request: HttpRequest, path: str) -> str:
    """An absolute URL on this archive, for answers and mail: at FICHIVE_SITE_URL when set
    (as the archive's other mail links), else at the address the tool reached."""
    if settings.FICHIVE_SITE_URL:
        return site_url() + path
    return request.build_absolute_uri(path)


def _link(request: HttpRequest) -> Any:
    return lambda work: _absolute(request, work.get_absolute_url())


def _work_answer(outcome: Outcome, request: HttpRequest) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "archive_url": (_absolute(request, outcome.work.get_absolute_url())
                        if outcome.work is not None else ""),
        "original_id": outcome.original_id,
        "original_url": outcome.original_url,
        "messages": outcome.messages,
    }


def _field_errors(error: PydanticError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'work'}: {e['msg']}"
            for e in error.errors()][:20]


def _same_archivist(data: dict[str, Any], user: User) -> None:
    named = data.get("archivist")
    if named is None or named == "":
        return
    if not isinstance(named, str) or named.strip().lower() != user.username.lower():
        raise _forbidden("The “archivist” field must name the account this token belongs "
                         "to, an archivist of this archive.")


def _yes(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


@csrf_exempt
def works_create(request: HttpRequest) -> HttpResponse:
    """POST /api/v2/works: import a batch of works for external authors."""
    try:
        _post_only(request)
        archivist, _token = _archivist(request)
        data = _body(request)
        _same_archivist(data, archivist)
        items = data.get("items") or data.get("works")
        if not items:
            return _answer("empty_request", ["No works to import were given."], works=[])
        if not isinstance(items, list):
            return _answer("bad_request", ["“works” must be a list of works."], works=[])
        if len(items) >= MAX_WORKS:
            return _answer("too_many_request", [
                f"This request has {len(items)} works; send at most {MAX_WORKS - 1} at a "
                "time."], works=[])
    except _Refused as refused:
        return refused.response
    link = _link(request)
    outcomes: list[Outcome] = []
    for item in items:
        original_id = item.get("id", "") if isinstance(item, dict) else ""
        try:
            parsed = WorkIn.model_validate(item)
        except PydanticError as exc:
            outcomes.append(Outcome("unprocessable_entity", original_id=_echo(original_id),
                                    messages=["This work wasn't imported:",
                                              *_field_errors(exc)]))
            continue
        outcomes.append(archivist_import(archivist=archivist, item=parsed.external(),
                                         link=link))
    messages: list[str] = []
    succeeded = [o for o in outcomes if o.ok]
    if _yes(data.get("send_claim_emails")) and succeeded:
        notified, unsent = claim_emails_send(
            archivist=archivist, outcomes=succeeded, link=link,
            link_for=lambda token: _absolute(
                request, reverse("accounts:claim-account", args=[token])))
        if notified:
            messages.append(f"Claim emails were sent to {', '.join(notified)}.")
        if unsent:
            messages.append(f"Claim emails to {', '.join(unsent)} couldn't be sent; they can "
                            "ask for a link on the claim page.")
    failed = len(outcomes) - len(succeeded)
    if not failed:
        messages.append("Every work was imported (or found imported before).")
    elif succeeded:
        messages.append(f"{failed} of {len(outcomes)} works weren't imported: each work's "
                        "messages say why.")
    else:
        messages.append("No work was imported: each work's messages say why.")
    return _answer("bad_request" if failed else "ok", messages,
                   works=[_work_answer(o, request) for o in outcomes])


def _echo(value: Any) -> Any:
    """An original id as given, if it is one JSON can carry back plainly."""
    return value if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _search_result(work: Work, request: HttpRequest) -> dict[str, Any]:
    url = _absolute(request, work.get_absolute_url())
    return {"archive_url": url, "created": work.created_at.isoformat(),
            "message": f"The work “{work.title}”, made on {work.created_at.date().isoformat()}, "
                       f"is at {url}."}


@csrf_exempt
def works_search(request: HttpRequest) -> HttpResponse:
    """POST /api/v2/works/search: which original URLs were imported, and as what."""
    try:
        _post_only(request)
        archivist, _token = _archivist(request)
        data = _body(request)
    except _Refused as refused:
        return refused.response
    wanted: list[tuple[Any, Any]] = []  # (original id, url)
    works = data.get("works")
    for entry in works if isinstance(works, list) else []:
        urls = entry.get("original_urls") if isinstance(entry, dict) else None
        for original in urls if isinstance(urls, list) else [urls] if urls else []:
            if isinstance(original, dict):
                wanted.append((_echo(original.get("id", "")), original.get("url")))
            else:
                wanted.append(("", original))
    if not wanted:
        return _answer("empty_request", ["Give the original URLs to look for."], works=[])
    if len(wanted) >= MAX_CHAPTERS:
        return _answer("too_many_request", [
            f"Give at most {MAX_CHAPTERS - 1} URLs to look for at a time."], works=[])
    results = []
    for original_id, url in wanted:
        if not isinstance(url, str) or not url.strip():
            results.append({"status": "not_found", "original_id": original_id,
                            "original_url": url if isinstance(url, str) else "",
                            "messages": ["Give the work's original URL."]})
            continue
        url = url.strip()
        found = works_imported_from(url, viewer=archivist)
        if not found:
            results.append({"status": "not_found", "original_id": original_id,
                            "original_url": url,
                            "messages": [f"No work was imported from {url}."]})
            continue
        results.append({"status": "found", "original_id": original_id, "original_url": url,
                        "search_results": [_search_result(w, request) for w in found],
                        "messages": [f"{len(found)} work{'s' if len(found) != 1 else ''} "
                                     f"imported from {url}."]})
    return _answer("ok", ["Every URL given was looked for."], works=results)
