"""API: tag suggestions read from a story's text (tags.suggestions), for a text sent or a
work the caller may edit; never a tag the caller may not see."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from fichive.api.schemas import answers
from fichive.api.v1 import Bearer, router, session_user
from fichive.formats.services import works_editable_by
from fichive.tags.suggestions import DEFAULT_THRESHOLD, suggest_tags, suggest_tags_for_work
from fichive.tags.views import SUGGESTION_TEXT_MAX, SUGGESTIONS_LIMIT

# Text with something in it but white space (checked here, with the page's messages).
_Text = Annotated[str, WithJsonSchema({
    "type": "string", "maxLength": SUGGESTION_TEXT_MAX,
    "pattern": r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"})]


class SuggestIn(Schema):
    """A story's text (HTML or plain), or the id of a work the caller may edit; `fandoms`
    narrows names several fandoms share; `threshold` is the least confidence answered."""

    # One of `text` and `work_id`, never both.
    model_config = ConfigDict(json_schema_extra={
        "oneOf": [{"required": ["text"]}, {"required": ["work_id"]}]})

    text: _Text = None  # type: ignore[assignment]
    work_id: int = Field(None, ge=1, le=2**31 - 1)  # type: ignore[assignment]
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
    if payload.text is None and payload.work_id is None:
        raise ValidationError({"text": ["Send the text, or a work_id."]})
    if payload.text is not None and payload.work_id is not None:
        raise ValidationError({"text": ["Send either the text or a work_id, not both."]})
    if payload.text is not None and not payload.text.strip():
        raise ValidationError({"text": ["The text is empty: suggestions are read from it."]})
    if payload.text is not None and len(payload.text) > SUGGESTION_TEXT_MAX:
        raise ValidationError({"text": [f"The text is too long to read for suggestions (at "
                                        f"most {SUGGESTION_TEXT_MAX:,} characters)."]})
    work = None
    if payload.work_id is not None:
        work = works_editable_by(request.user).filter(pk=payload.work_id).first()
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
