"""API: tag suggestions read from a story's text (tags.suggestions), for a text sent or a
work the caller may edit; never a tag the caller may not see."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Schema

from fichive.api.schemas import answers
from fichive.api.v1 import Bearer, router, session_user
from fichive.formats.services import works_editable_by
from fichive.tags.suggestions import DEFAULT_THRESHOLD, suggest_tags, suggest_tags_for_work
from fichive.tags.views import SUGGESTION_TEXT_MAX, SUGGESTIONS_LIMIT


class SuggestIn(Schema):
    """A story's text (HTML or plain), or the id of a work the caller may edit; `fandoms`
    narrows names several fandoms share; `threshold` is the least confidence answered."""

    text: str | None = Field(None, max_length=SUGGESTION_TEXT_MAX)
    work_id: int | None = Field(None, ge=1, le=2**31 - 1)
    fandoms: list[str] = Field(default_factory=list, max_length=75)
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)


class SuggestionOut(Schema):
    name: str
    type: str
    confidence: float
    evidence: list[str]
    tag_id: int
    key: str


class SuggestionsOut(Schema):
    suggestions: list[SuggestionOut]


@router.post("/tag-suggestions", response=answers(SuggestionsOut),
             auth=[Bearer(), session_user], url_name="tag-suggestions", tags=["tags"],
             summary="Tags a story's text suggests: fandoms, characters, relationships, "
                     "additional tags")
def tag_suggestions(request: HttpRequest, payload: SuggestIn) -> dict[str, Any]:
    """Read from the text: characters by their names as fan fiction writes them, the fandoms
    they belong to, relationships between characters who share scenes, and additional tags
    this archive's works predict. Each suggestion has a confidence (0–1) and the evidence.
    Nothing is applied: the author chooses. 300 readings an hour per account."""
    if (payload.text is None) == (payload.work_id is None):
        raise ValidationError({"text": ["Send either the text or a work_id, not both."]})
    if payload.text is not None and not payload.text.strip():
        raise ValidationError({"text": ["The text is empty: suggestions are read from it."]})
    work = None
    if payload.work_id is not None:
        work = works_editable_by(request.user).filter(pk=payload.work_id).first()  # type: ignore[arg-type]
        if work is None:
            raise Http404("No such work of yours.")
    SUGGESTIONS_LIMIT.hit(request)
    if work is not None:
        found = suggest_tags_for_work(work=work, viewer=request.user,
                                      threshold=payload.threshold)
    else:
        found = suggest_tags(text=payload.text or "", viewer=request.user,
                             fandom_hint=payload.fandoms, threshold=payload.threshold)
    return {"suggestions": [s.as_json() for s in found]}
